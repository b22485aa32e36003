import { useEffect, useState, type ReactNode } from 'react';
import { Button, Card, Form, Input, InputNumber, Select, Space, Switch, Typography, type FormListFieldData } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { getMessage } from '../../../api/feedback';
import { ticketApi } from './ticketApi';
import type { TicketPolicy } from './types';
import { fire } from './fire';

type PolicyForm = Pick<TicketPolicy, 'callbackMode' | 'callbackHours' | 'unansweredResult' | 'resultSmsToCitizen' | 'suspensionReasons' | 'returnReasons'>;

/** The tenant's work-order policy: callback mode and deadline, preset suspension and return reasons. */
export function PolicyEditor() {
  const { t } = useTranslation();
  const [form] = Form.useForm<PolicyForm>();
  const [own, setOwn] = useState<Partial<TicketPolicy>>({});
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    ticketApi
      .policy()
      .then((p) => {
        setOwn(p.own ?? {});
        form.setFieldsValue(p.effective);
      })
      .catch(() => undefined);
  }, [form]);

  async function save() {
    const v = await form.validateFields();
    setSaving(true);
    try {
      // The server stores the whole own policy: keep what this form does not edit.
      await api.put('/ticket-config/policy', { ...own, ...v });
      setOwn({ ...own, ...v });
      getMessage().success(t('common.saved'));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Form form={form} layout="vertical" style={{ maxWidth: 860 }}>
      <Card size="small" title={t('tickets.policy.callback')} style={{ marginBottom: 16 }}>
        <Space wrap size="large">
          <Form.Item name="callbackMode" label={t('tickets.field.callbackMode')}>
            <Select style={{ width: 180 }} options={(['manual', 'sms', 'robot', 'none'] as const).map((m) => ({ value: m, label: t(`tickets.callbackMode.${m}`) }))} />
          </Form.Item>
          <Form.Item name="callbackHours" label={t('tickets.policy.callbackHours')}>
            <InputNumber min={1} max={720} />
          </Form.Item>
          <Form.Item name="unansweredResult" label={t('tickets.policy.unanswered')}>
            <Select style={{ width: 180 }} options={(['satisfied', 'unreachable'] as const).map((m) => ({ value: m, label: t(`tickets.callback.result.${m}`) }))} />
          </Form.Item>
          <Form.Item name="resultSmsToCitizen" label={t('tickets.policy.resultSms')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
      </Card>
      <ReasonList
        name="suspensionReasons"
        title={t('tickets.policy.suspensionReasons')}
        blank={{ code: '', name: '', maxDays: 15, promise: false }}
        nameWidth={220}
        extra={(f) => (
          <>
            <Form.Item name={[f.name, 'maxDays']} rules={[{ required: true, message: t('tickets.required') }]}>
              <InputNumber min={1} max={365} addonAfter={t('tickets.policy.days')} />
            </Form.Item>
            <Form.Item name={[f.name, 'promise']} valuePropName="checked">
              <Switch checkedChildren={t('tickets.policy.promise')} unCheckedChildren={t('tickets.policy.promise')} />
            </Form.Item>
          </>
        )}
      />
      <ReasonList name="returnReasons" title={t('tickets.policy.returnReasons')} blank={{ code: '', name: '' }} nameWidth={260} />
      <Typography.Paragraph type="secondary">{t('tickets.policy.inheritHint')}</Typography.Paragraph>
      <Button type="primary" loading={saving} onClick={() => fire(save())}>
        {t('common.save')}
      </Button>
    </Form>
  );
}

/** An editable list of preset reasons (code + name, and whatever else a kind of reason carries). */
function ReasonList({ name, title, blank, nameWidth, extra }: { name: string; title: string; blank: Record<string, unknown>; nameWidth: number; extra?: (f: FormListFieldData) => ReactNode }) {
  const { t } = useTranslation();
  return (
    <Card size="small" title={title} style={{ marginBottom: 16 }}>
      <Form.List name={name}>
        {(fields, { add, remove }) => (
          <>
            {fields.map((f) => (
              <Space key={f.key} align="baseline" wrap>
                <Form.Item name={[f.name, 'code']} rules={[{ required: true, pattern: /^[a-z0-9-]{1,32}$/, message: t('tickets.policy.codeInvalid') }]}>
                  <Input placeholder={t('tickets.policy.code')} style={{ width: 140 }} />
                </Form.Item>
                <Form.Item name={[f.name, 'name']} rules={[{ required: true, whitespace: true, message: t('tickets.required') }]}>
                  <Input placeholder={t('tickets.policy.name')} style={{ width: nameWidth }} />
                </Form.Item>
                {extra?.(f)}
                <MinusCircleOutlined onClick={() => remove(f.name)} />
              </Space>
            ))}
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add(blank)}>
              {t('tickets.policy.add')}
            </Button>
          </>
        )}
      </Form.List>
    </Card>
  );
}
