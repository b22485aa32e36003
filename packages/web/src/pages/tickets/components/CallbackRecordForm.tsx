import { useState } from 'react';
import { Button, Form, Input, Radio, Rate, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { getMessage } from '../../../api/feedback';
import { ticketApi } from './ticketApi';
import { fire } from './fire';

interface Values {
  result: 'satisfied' | 'dissatisfied' | 'unreachable';
  handlingRating?: number;
  serviceRating?: number;
  comment?: string;
  channel: 'phone' | 'sms' | 'wechat' | 'visit';
}

/** 人工回访: the agent records the citizen's answer (satisfied → archived, dissatisfied → back to the unit). */
export function CallbackRecordForm({ ticketId, onDone }: { ticketId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);

  async function submit() {
    const v = await form.validateFields();
    setSaving(true);
    try {
      await ticketApi.action(ticketId, 'callback', {
        result: v.result,
        handlingRating: v.handlingRating || null,
        serviceRating: v.serviceRating || null,
        comment: v.comment?.trim() || null,
        channel: v.channel,
      });
      getMessage().success(t('tickets.callback.recorded'));
      onDone();
    } finally {
      setSaving(false);
    }
  }

  return (
    <Form form={form} layout="vertical" initialValues={{ result: 'satisfied', channel: 'phone', handlingRating: 5, serviceRating: 5 }}>
      <Form.Item name="result" label={t('tickets.callback.result')} rules={[{ required: true }]}>
        <Radio.Group
          data-testid="callback-result-input"
          options={(['satisfied', 'dissatisfied', 'unreachable'] as const).map((r) => ({ value: r, label: t(`tickets.callback.result.${r}`) }))}
        />
      </Form.Item>
      <Form.Item name="handlingRating" label={t('tickets.callback.handlingRating')}>
        <Rate />
      </Form.Item>
      <Form.Item name="serviceRating" label={t('tickets.callback.serviceRating')}>
        <Rate />
      </Form.Item>
      <Form.Item name="channel" label={t('tickets.callback.channel')}>
        <Select options={(['phone', 'sms', 'wechat', 'visit'] as const).map((c) => ({ value: c, label: t(`tickets.callbackChannel.${c}`) }))} />
      </Form.Item>
      <Form.Item name="comment" label={t('tickets.callback.comment')}>
        <Input.TextArea rows={3} maxLength={2000} />
      </Form.Item>
      <Button type="primary" loading={saving} onClick={() => fire(submit())} data-testid="callback-submit">
        {t('tickets.callback.record')}
      </Button>
    </Form>
  );
}
