import { useEffect, useState } from 'react';
import { Button, DatePicker, Drawer, Form, Input, Radio, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { getMessage } from '../../../api/feedback';
import { ticketApi } from './ticketApi';
import { UnitPicker } from './UnitPicker';
import type { DispatchMode } from './types';
import { fire } from './fire';

interface DispatchValues {
  mode: DispatchMode;
  orgIds: string[];
  opinion?: string;
  deadline?: Dayjs;
}

/** 派单: one unit, lead + assisting units (first picked leads), or several units in parallel. */
export function DispatchDrawer({ ticket, onClose, onDone }: { ticket: { id: string; no: string; title: string } | null; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<DispatchValues>();
  const [saving, setSaving] = useState(false);
  const mode = Form.useWatch('mode', form);

  useEffect(() => {
    if (ticket) form.setFieldsValue({ mode: 'single', orgIds: [], opinion: '', deadline: undefined });
  }, [ticket, form]);

  async function submit() {
    if (!ticket) return;
    const v = await form.validateFields();
    if (v.mode === 'single' && v.orgIds.length !== 1) {
      form.setFields([{ name: 'orgIds', errors: [t('tickets.dispatch.singleOne')] }]);
      return;
    }
    if (v.mode !== 'single' && v.orgIds.length < 2) {
      form.setFields([{ name: 'orgIds', errors: [t('tickets.dispatch.manyAtLeastTwo')] }]);
      return;
    }
    setSaving(true);
    try {
      await ticketApi.dispatch(ticket.id, { mode: v.mode, orgIds: v.orgIds, opinion: v.opinion?.trim() || undefined, deadlineAt: v.deadline ? v.deadline.toISOString() : undefined });
      getMessage().success(t('tickets.dispatch.done', { no: ticket.no }));
      onDone();
    } finally {
      setSaving(false);
    }
  }

  return (
    <Drawer
      open={!!ticket}
      onClose={onClose}
      width={Math.min(560, window.innerWidth)}
      title={t('tickets.dispatch.title')}
      destroyOnClose
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={saving} onClick={() => fire(submit())} data-testid="dispatch-submit">
            {t('tickets.dispatch.submit')}
          </Button>
        </Space>
      }
    >
      {ticket && (
        <Typography.Paragraph type="secondary">
          {ticket.no} · {ticket.title}
        </Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" initialValues={{ mode: 'single', orgIds: [] }}>
        <Form.Item name="mode" label={t('tickets.dispatch.mode')} rules={[{ required: true }]}>
          <Radio.Group
            optionType="button"
            options={[
              { value: 'single', label: t('tickets.dispatch.mode.single') },
              { value: 'lead_assist', label: t('tickets.dispatch.mode.lead_assist') },
              { value: 'parallel', label: t('tickets.dispatch.mode.parallel') },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="orgIds"
          label={t('tickets.dispatch.units')}
          extra={mode === 'lead_assist' ? t('tickets.dispatch.leadFirst') : t('tickets.dispatch.crossTenantHint')}
          rules={[{ required: true, type: 'array', min: 1, message: t('tickets.dispatch.pickUnit') }]}
        >
          <UnitPicker multiple={mode !== 'single'} />
        </Form.Item>
        <Form.Item name="opinion" label={t('tickets.dispatch.opinion')}>
          <Input.TextArea rows={3} maxLength={2000} data-testid="dispatch-opinion" />
        </Form.Item>
        <Form.Item name="deadline" label={t('tickets.dispatch.deadline')} extra={t('tickets.dispatch.deadlineHint')}>
          <DatePicker showTime style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
