import { useState } from 'react';
import { Button, Form, Input, Rate } from 'antd';
import { useTranslation } from 'react-i18next';
import { fire } from '../components/fire';

export interface Rating {
  handlingRating: number;
  serviceRating: number;
  comment?: string;
}

/** Two star ratings (处理满意度, 话务满意度) and a comment. */
export function RatingForm({ onSubmit }: { onSubmit: (r: Rating) => Promise<void> }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Rating>();
  const [saving, setSaving] = useState(false);
  async function submit() {
    const v = await form.validateFields();
    setSaving(true);
    try {
      await onSubmit({ ...v, comment: v.comment?.trim() || undefined });
    } finally {
      setSaving(false);
    }
  }
  return (
    <Form form={form} layout="vertical">
      <Form.Item name="handlingRating" label={t('tickets.callback.handlingRating')} rules={[{ required: true, message: t('tickets.h5.rateRequired') }]}>
        <Rate />
      </Form.Item>
      <Form.Item name="serviceRating" label={t('tickets.callback.serviceRating')} rules={[{ required: true, message: t('tickets.h5.rateRequired') }]}>
        <Rate />
      </Form.Item>
      <Form.Item name="comment" label={t('tickets.callback.comment')}>
        <Input.TextArea rows={3} maxLength={1000} />
      </Form.Item>
      <Button type="primary" block loading={saving} onClick={() => fire(submit())}>
        {t('tickets.h5.evaluate')}
      </Button>
    </Form>
  );
}
