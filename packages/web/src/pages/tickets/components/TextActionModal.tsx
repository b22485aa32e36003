import { useState } from 'react';
import { Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { fire } from './fire';

/** A one-field form (opinion, reason, content) for the simple ticket actions. */
export function TextActionModal({ open, title, label, onClose, onSubmit }: { open: boolean; title: string; label: string; onClose: () => void; onSubmit: (text: string) => Promise<void> }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ text: string }>();
  const [saving, setSaving] = useState(false);
  async function ok() {
    const v = await form.validateFields();
    setSaving(true);
    try {
      await onSubmit(v.text.trim());
      form.resetFields();
    } finally {
      setSaving(false);
    }
  }
  return (
    <Modal open={open} title={title} onCancel={onClose} onOk={() => fire(ok())} okButtonProps={{ loading: saving }} okText={t('common.confirm')} cancelText={t('common.cancel')} destroyOnClose>
      <Form form={form} layout="vertical">
        <Form.Item name="text" label={label} rules={[{ required: true, whitespace: true, message: t('tickets.required') }]}>
          <Input.TextArea rows={4} maxLength={2000} data-testid="text-action-input" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
