import { useState } from 'react';
import { Form, Input, Modal, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { getMessage } from '../../../api/feedback';
import { ticketApi } from './ticketApi';
import { fire } from './fire';

interface Values {
  level: 'county' | 'city' | 'region';
  reason: string;
  requirement: string;
}

/** 督办: a supervision order on the ticket with level, reason and requirement. */
export function SuperviseModal({ ticketId, onClose, onDone }: { ticketId: string | null; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  async function ok() {
    if (!ticketId) return;
    const v = await form.validateFields();
    setSaving(true);
    try {
      await ticketApi.action(ticketId, 'supervise', { level: v.level, reason: v.reason.trim(), requirement: v.requirement.trim() });
      getMessage().success(t('tickets.supervise.done'));
      onDone();
    } finally {
      setSaving(false);
    }
  }
  const required = [{ required: true, whitespace: true, message: t('tickets.required') }];
  return (
    <Modal open={!!ticketId} title={t('tickets.supervise.title')} onCancel={onClose} onOk={() => fire(ok())} okButtonProps={{ loading: saving }} okText={t('common.confirm')} cancelText={t('common.cancel')} destroyOnClose>
      <Form form={form} layout="vertical" initialValues={{ level: 'county' }}>
        <Form.Item name="level" label={t('tickets.supervise.level')}>
          <Select options={(['county', 'city', 'region'] as const).map((l) => ({ value: l, label: t(`tickets.supervise.level.${l}`) }))} />
        </Form.Item>
        <Form.Item name="reason" label={t('tickets.supervise.reason')} rules={required}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Form.Item name="requirement" label={t('tickets.supervise.requirement')} rules={required}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
