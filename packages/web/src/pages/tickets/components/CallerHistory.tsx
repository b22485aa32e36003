import { Alert, List, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../utils/format';
import type { TicketStatus } from './types';

export interface CitizenHistory {
  citizen: { name: string; gender: string | null; ageRange: string | null; address: string | null } | null;
  tickets: { id: string; no: string; title: string; status: TicketStatus; statusName: string; itemName: string | null; createdAt: string; answer: string | null }[];
}

/** 来电历史: the caller's profile and past tickets, so repeat demands are recognised. */
export function CallerHistory({ history }: { history: CitizenHistory | null }) {
  const { t } = useTranslation();
  if (!history) return null;
  if (!history.citizen && history.tickets.length === 0) return <Alert type="info" showIcon message={t('tickets.history.firstCall')} />;
  return (
    <div data-testid="caller-history">
      <Alert
        type={history.tickets.length > 0 ? 'warning' : 'info'}
        showIcon
        message={t('tickets.history.summary', { name: history.citizen?.name || '-', count: history.tickets.length })}
      />
      <List
        size="small"
        dataSource={history.tickets}
        renderItem={(h) => (
          <List.Item>
            <Space direction="vertical" size={0} style={{ width: '100%' }}>
              <Space wrap>
                <Link to={`/tickets/${h.id}`} target="_blank">
                  {h.no}
                </Link>
                <Tag bordered={false}>{t(`tickets.status.${h.status}`)}</Tag>
                <Typography.Text type="secondary">{formatDateTime(h.createdAt)}</Typography.Text>
              </Space>
              <Typography.Text>{h.title}</Typography.Text>
              {h.answer && (
                <Typography.Text type="secondary" ellipsis>
                  {h.answer}
                </Typography.Text>
              )}
            </Space>
          </List.Item>
        )}
      />
    </div>
  );
}
