import { useEffect, useState } from 'react';
import { Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { fire } from './fire';

/** A one-field form (opinion, reason, content) for the simple ticket actions. */
export function TextActionModal({
  open,
  title,
  label,
  onClose,
  onSubmit,
  initialText,
  maxLength = 2000,
}: {
  open: boolean;
  title: string;
  label: string;
  onClose: () => void;
  onSubmit: (text: string) => Promise<void>;
  /** Prefilled text (knowledge inserted on the registration page) each time the modal opens. */
  initialText?: string;
  maxLength?: number;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ text: string }>();
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (open && initialText !== undefined) form.setFieldsValue({ text: initialText });
  }, [open, initialText]);
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
          <Input.TextArea rows={initialText ? 8 : 4} maxLength={maxLength} data-testid="text-action-input" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
