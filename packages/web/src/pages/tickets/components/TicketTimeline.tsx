import { Space, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../utils/format';
import { AttachmentLinks } from './AttachmentUpload';
import { TICKET_STATUSES, type TicketStatus, type TimelineEvent } from './types';

/** Every transition of the ticket: who (tenant / unit / person), when, from → to, opinion, files. */
export function TicketTimeline({ events }: { events: TimelineEvent[] }) {
  const { t } = useTranslation();
  const actionName = (a: string) => t(`tickets.action.${a}`, { defaultValue: a });
  // Unit steps (sign, report…) move their task, not the ticket: from/to are then task states.
  const stateName = (s: string) => (TICKET_STATUSES.includes(s as TicketStatus) ? t(`tickets.status.${s}`) : t(`tickets.taskStatus.${s}`, { defaultValue: s }));
  return (
    <Timeline
      data-testid="ticket-timeline"
      items={events.map((e) => ({
        key: String(e.id),
        color: e.to === 'archived' ? 'green' : e.action.includes('dissatisfied') || e.action.includes('reject') ? 'red' : 'blue',
        children: (
          <div data-testid="timeline-event">
            <Space size={[8, 0]} wrap>
              <Typography.Text strong>{actionName(e.action)}</Typography.Text>
              <Typography.Text type="secondary">{formatDateTime(e.at)}</Typography.Text>
              {e.from && e.to && e.from !== e.to && (
                <Typography.Text type="secondary">
                  {stateName(e.from)} → {stateName(e.to)}
                </Typography.Text>
              )}
            </Space>
            <div>
              <Tag bordered={false} color="geekblue" data-testid="timeline-tenant">
                {e.tenant ?? '-'}
              </Tag>
              {e.org && <Tag bordered={false}>{e.org}</Tag>}
              <Typography.Text>{e.actor}</Typography.Text>
            </div>
            {e.opinion && <Typography.Paragraph style={{ margin: 0 }}>{e.opinion}</Typography.Paragraph>}
            <AttachmentLinks items={e.attachments} />
          </div>
        ),
      }))}
    />
  );
}
