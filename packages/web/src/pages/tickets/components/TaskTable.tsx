import { Link } from 'react-router-dom';
import { Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../utils/format';
import { SlaCountdown } from './SlaCountdown';
import { TaskStatusTag, TicketStatusTag, UrgencyTag } from './StatusTags';
import { TaskActionBar } from './TaskActionBar';
import type { TaskRow } from './types';

/** Desktop layout of a unit's tasks. */
export function TaskTable({ rows, loading, onChanged, actions = true }: { rows: TaskRow[]; loading: boolean; onChanged: () => void; actions?: boolean }) {
  const { t } = useTranslation();
  const columns: ColumnsType<TaskRow> = [
    {
      title: t('tickets.field.no'),
      dataIndex: 'no',
      width: 170,
      render: (_, r) => (
        <Link to={`/tickets/${r.ticketId}`} data-testid="ticket-link">
          {r.no}
        </Link>
      ),
    },
    { title: t('tickets.field.title'), dataIndex: 'title', ellipsis: true, render: (_, r) => <span data-testid="ticket-title">{r.title}</span> },
    { title: t('tickets.task.status'), dataIndex: 'status', width: 100, render: (_, r) => <TaskStatusTag status={r.status} /> },
    { title: t('tickets.task.ticketStatus'), dataIndex: 'ticketStatus', width: 120, render: (_, r) => <TicketStatusTag status={r.ticketStatus} /> },
    { title: t('tickets.field.urgency'), dataIndex: 'urgency', width: 80, render: (_, r) => <UrgencyTag urgency={r.urgency} /> },
    { title: t('tickets.task.org'), dataIndex: 'orgName', width: 160, ellipsis: true },
    { title: t('tickets.task.assignedAt'), dataIndex: 'assignedAt', width: 160, render: (_, r) => formatDateTime(r.assignedAt) },
    { title: t('tickets.field.deadline'), dataIndex: 'deadlineAt', width: 150, render: (_, r) => <SlaCountdown deadlineAt={r.deadlineAt} overdue={r.overdue} stopped={r.status === 'done' || r.status === 'reported'} /> },
  ];
  if (actions) {
    columns.push({ title: t('common.actions'), key: 'actions', width: 260, fixed: 'right', render: (_, r) => <TaskActionBar task={r} ticketStatus={r.ticketStatus} caption={r.no} onChanged={onChanged} /> });
  }
  return <Table rowKey="id" size="middle" loading={loading} dataSource={rows} columns={columns} pagination={false} scroll={{ x: 1200 }} />;
}
