import type { ReactNode } from 'react';
import { Empty, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../utils/format';
import { AttachmentLinks } from './AttachmentUpload';
import type { TicketRequest } from './types';

const STATUS_COLOR: Record<string, string> = { pending: 'processing', approved: 'success', rejected: 'error' };

/** Return / extension / suspension / resume / difficult / appeal requests and their decisions. */
export function RequestList({ items, extra }: { items: TicketRequest[]; extra?: (r: TicketRequest) => ReactNode }) {
  const { t } = useTranslation();
  if (items.length === 0) return <Empty description={t('tickets.request.none')} />;
  return (
    <List
      dataSource={items}
      renderItem={(r) => (
        <List.Item extra={extra?.(r)} data-testid="request-item">
          <List.Item.Meta
            title={
              <Space wrap>
                <Tag color="blue">{t(`tickets.request.kind.${r.kind}`, { defaultValue: r.kindName })}</Tag>
                <Tag color={STATUS_COLOR[r.status] ?? 'default'}>{t(`tickets.request.status.${r.status}`, { defaultValue: r.status })}</Tag>
                <Typography.Text type="secondary">
                  {r.requestedBy} · {formatDateTime(r.requestedAt)}
                </Typography.Text>
              </Space>
            }
            description={
              <div>
                <div>{r.reason}</div>
                {r.steps.length > 0 && r.status === 'pending' && (
                  <Typography.Text type="secondary">{t('tickets.request.step', { label: r.steps[r.step]?.label ?? '' })}</Typography.Text>
                )}
                {(r.decisions ?? []).map((d, i) => (
                  <div key={i}>
                    <Typography.Text type="secondary">
                      {d.by ?? d.byName} {d.approve ? t('tickets.request.approved') : t('tickets.request.rejected')}
                      {d.opinion ? `：${d.opinion}` : ''}
                    </Typography.Text>
                  </div>
                ))}
                <AttachmentLinks items={r.payload?.attachments} />
              </div>
            }
          />
        </List.Item>
      )}
    />
  );
}
