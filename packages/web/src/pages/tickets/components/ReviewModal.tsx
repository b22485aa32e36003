import { useEffect, useRef, useState } from 'react';
import { Button, Descriptions, Form, Input, Modal, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { getMessage } from '../../../api/feedback';
import { AttachmentLinks } from './AttachmentUpload';
import { ticketApi } from './ticketApi';
import type { TicketDetail } from './types';
import { fire } from './fire';

interface Values {
  opinion: string;
  reply: string;
}

/** 结果审核: the units' reported results; approve (the reply to the citizen reuses them) or reject. */
export function ReviewModal({ ticketId, onClose, onDone }: { ticketId: string | null; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  // The parent passes a new closure each render; the load effect must not re-run for it.
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  const [detail, setDetail] = useState<TicketDetail | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<Values>();

  useEffect(() => {
    setDetail(null);
    if (!ticketId) return;
    ticketApi
      .get(ticketId)
      .then((d) => {
        setDetail(d);
        const reported = d.tasks.filter((k) => k.parentId === null && k.result && k.status === 'reported');
        form.setFieldsValue({ opinion: '', reply: reported.map((k) => k.result?.result ?? '').join('\n') || d.answer || '' });
      })
      .catch(() => closeRef.current());
  }, [ticketId, form]);

  async function review(approve: boolean) {
    if (!detail) return;
    const v = await form.validateFields();
    if (!approve && !v.opinion.trim()) {
      form.setFields([{ name: 'opinion', errors: [t('tickets.review.rejectNeedsOpinion')] }]);
      return;
    }
    setSaving(true);
    try {
      await ticketApi.action(detail.id, 'review', { approve, opinion: v.opinion.trim() || t('tickets.review.defaultOpinion'), reply: approve ? v.reply.trim() || undefined : undefined });
      getMessage().success(approve ? t('tickets.review.approved') : t('tickets.review.rejected'));
      onDone();
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal open={!!ticketId} title={t('tickets.review.title')} onCancel={onClose} footer={null} destroyOnClose width={Math.min(760, window.innerWidth - 16)}>
      {!detail ? (
        <Spin />
      ) : (
        <>
          <Typography.Paragraph strong>
            {detail.no} · {detail.title}
          </Typography.Paragraph>
          <Typography.Paragraph type="secondary" ellipsis={{ rows: 3, expandable: true }}>
            {detail.content}
          </Typography.Paragraph>
          <Descriptions size="small" column={1} bordered>
            {detail.tasks
              .filter((k) => k.result)
              .map((k) => (
                <Descriptions.Item key={k.id} label={`${k.orgName}（${k.reportedBy ?? ''}）`}>
                  {k.result?.result}
                  <AttachmentLinks items={k.result?.attachments} />
                </Descriptions.Item>
              ))}
          </Descriptions>
          <Form form={form} layout="vertical" style={{ marginTop: 16 }}>
            <Form.Item name="reply" label={t('tickets.review.reply')} extra={t('tickets.review.replyHint')}>
              <Input.TextArea rows={4} maxLength={5000} />
            </Form.Item>
            <Form.Item name="opinion" label={t('tickets.review.opinion')}>
              <Input.TextArea rows={2} maxLength={2000} data-testid="review-opinion" />
            </Form.Item>
            <Space>
              <Button type="primary" loading={saving} onClick={() => fire(review(true))} data-testid="review-approve">
                {t('tickets.review.approve')}
              </Button>
              <Button danger loading={saving} onClick={() => fire(review(false))} data-testid="review-reject">
                {t('tickets.review.reject')}
              </Button>
            </Space>
          </Form>
        </>
      )}
    </Modal>
  );
}
