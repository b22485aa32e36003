import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, DatePicker, Form, Input, InputNumber, Select, Space, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { getMessage } from '../../../api/feedback';
import { fire } from './fire';

interface CalendarDay {
  date: string;
  workday: boolean;
  reason: string;
  name?: string;
}

interface CalendarData {
  overrides: { date: string; kind: 'holiday' | 'workday'; name: string }[];
  hasStatutoryData: boolean;
  days: CalendarDay[];
}

interface Values {
  date: Dayjs;
  kind: 'holiday' | 'workday' | 'default';
  name?: string;
}

/** Statutory holidays and adjusted workdays of a year, plus the tenant's local days off / on. */
export function CalendarEditor() {
  const { t } = useTranslation();
  const [year, setYear] = useState(new Date().getFullYear());
  const [data, setData] = useState<CalendarData | null>(null);
  const [form] = Form.useForm<Values>();
  const load = useCallback(() => {
    api
      .get<CalendarData>('/ticket-config/calendar', { year })
      .then(setData)
      .catch(() => setData(null));
  }, [year]);
  useEffect(load, [load]);

  async function save() {
    const v = await form.validateFields();
    await api.put('/ticket-config/calendar', { date: v.date.format('YYYY-MM-DD'), kind: v.kind, name: v.name?.trim() || undefined });
    getMessage().success(t('common.saved'));
    form.resetFields();
    load();
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        {t('tickets.calendar.year')}
        <InputNumber value={year} min={2000} max={2100} onChange={(v) => v && setYear(v)} />
      </Space>
      {data && !data.hasStatutoryData && <Alert type="warning" showIcon message={t('tickets.calendar.noStatutory')} />}
      <Card size="small" title={t('tickets.calendar.local')}>
        <Form form={form} layout="inline" initialValues={{ kind: 'holiday' }}>
          <Form.Item name="date" rules={[{ required: true, message: t('tickets.required') }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="kind">
            <Select style={{ width: 160 }} options={(['holiday', 'workday', 'default'] as const).map((k) => ({ value: k, label: t(`tickets.calendar.kind.${k}`) }))} />
          </Form.Item>
          <Form.Item name="name">
            <Input placeholder={t('tickets.calendar.name')} maxLength={50} />
          </Form.Item>
          <Button type="primary" onClick={() => fire(save())}>
            {t('common.save')}
          </Button>
        </Form>
      </Card>
      <Table
        rowKey="date"
        size="small"
        dataSource={data?.days ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          { title: t('tickets.calendar.date'), dataIndex: 'date', width: 140 },
          { title: t('tickets.calendar.workday'), dataIndex: 'workday', width: 100, render: (w: boolean) => (w ? <Tag color="blue">{t('tickets.calendar.kind.workday')}</Tag> : <Tag color="red">{t('tickets.calendar.kind.holiday')}</Tag>) },
          { title: t('tickets.calendar.source'), dataIndex: 'reason', width: 140, render: (r: string) => t(`tickets.calendar.reason.${r}`, { defaultValue: r }) },
          { title: t('tickets.calendar.name'), dataIndex: 'name', render: (n?: string) => n ?? '-' },
        ]}
      />
    </Space>
  );
}
