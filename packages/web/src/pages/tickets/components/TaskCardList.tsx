import { Link } from 'react-router-dom';
import { Card, List, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../utils/format';
import { SlaCountdown } from './SlaCountdown';
import { TaskStatusTag, TicketStatusTag, UrgencyTag } from './StatusTags';
import { TaskActionBar } from './TaskActionBar';
import type { TaskRow } from './types';

/** Phone-width layout of a unit's tasks: one card per task with its buttons. */
export function TaskCardList({ rows, loading, onChanged, actions = true }: { rows: TaskRow[]; loading: boolean; onChanged: () => void; actions?: boolean }) {
  const { t } = useTranslation();
  return (
    <List
      loading={loading}
      dataSource={rows}
      renderItem={(r) => (
        <List.Item style={{ padding: '6px 0' }}>
          <Card size="small" style={{ width: '100%' }} data-testid="task-card">
            <Space direction="vertical" size={4} style={{ width: '100%' }}>
              <Space wrap size={4}>
                <Link to={`/tickets/${r.ticketId}`} data-testid="ticket-link">
                  {r.no}
                </Link>
                <TaskStatusTag status={r.status} />
                <TicketStatusTag status={r.ticketStatus} />
                <UrgencyTag urgency={r.urgency} />
              </Space>
              <Typography.Text strong data-testid="ticket-title">
                {r.title}
              </Typography.Text>
              <Typography.Text type="secondary">
                {r.orgName} · {t('tickets.task.assigned', { by: r.assignedBy ?? '-', at: formatDateTime(r.assignedAt) })}
              </Typography.Text>
              <SlaCountdown deadlineAt={r.deadlineAt} overdue={r.overdue} stopped={r.status === 'done' || r.status === 'reported'} />
              {actions && <TaskActionBar task={r} ticketStatus={r.ticketStatus} caption={r.no} onChanged={onChanged} size="middle" />}
            </Space>
          </Card>
        </List.Item>
      )}
    />
  );
}
