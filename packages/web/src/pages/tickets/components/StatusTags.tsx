import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TaskStatus, TicketStatus, Urgency } from './types';

const TICKET_COLOR: Partial<Record<TicketStatus, string>> = {
  draft: 'default',
  pending_dispatch: 'orange',
  handling: 'processing',
  return_review: 'warning',
  difficult: 'magenta',
  result_review: 'purple',
  callback: 'cyan',
  rework: 'error',
  appeal_review: 'volcano',
  archived: 'success',
};

export function TicketStatusTag({ status }: { status: TicketStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={TICKET_COLOR[status] ?? 'blue'} bordered={false} data-testid="ticket-status">
      {t(`tickets.status.${status}`)}
    </Tag>
  );
}

const TASK_COLOR: Partial<Record<TaskStatus, string>> = {
  awaiting_sign: 'orange',
  in_progress: 'processing',
  return_requested: 'warning',
  suspended: 'default',
  reported: 'purple',
  done: 'success',
  returned: 'error',
  cancelled: 'default',
};

export function TaskStatusTag({ status }: { status: TaskStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={TASK_COLOR[status] ?? 'blue'} bordered={false}>
      {t(`tickets.taskStatus.${status}`)}
    </Tag>
  );
}

export function UrgencyTag({ urgency }: { urgency: Urgency }) {
  const { t } = useTranslation();
  if (urgency === 'normal') return <Tag bordered={false}>{t('tickets.urgency.normal')}</Tag>;
  return (
    <Tag color={urgency === 'critical' ? 'red' : 'orange'} bordered={false}>
      {t(`tickets.urgency.${urgency}`)}
    </Tag>
  );
}
