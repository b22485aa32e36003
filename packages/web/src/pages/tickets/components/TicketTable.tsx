import { useImperativeHandle, useRef, forwardRef, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { ProTable, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Query } from '../../../api/client';
import { formatDateTime } from '../../../utils/format';
import { DEFAULT_PAGINATION, fetchPage, toListQuery, type TableParams } from '../../../utils/proTable';
import { ItemPicker } from './ItemPicker';
import { RegionSelect } from './RegionSelect';
import { SlaCountdown } from './SlaCountdown';
import { TicketStatusTag, UrgencyTag } from './StatusTags';
import { TICKET_STATUSES, type TicketStatus, type TicketSummary } from './types';

export interface TicketTableHandle {
  reload: () => void;
  lastQuery: () => Query;
}

interface Props {
  box?: string;
  /** Row buttons; receive the row. */
  actions?: (row: TicketSummary) => ReactNode;
  /** Show the full search form (status, time, region, item, channel, overdue, 涉企). */
  filters?: boolean;
  toolBar?: ReactNode[];
  testId?: string;
}

const CHANNELS = ['phone', 'web', 'app', 'wechat', 'mini', 'gov-platform', 'partner', 'sms'];
const yesNo = (t: (k: string) => string) => ({ true: { text: t('common.yes') }, false: { text: t('common.no') } });

/** Server-paged ticket list for the workspaces and the search page. */
export const TicketTable = forwardRef<TicketTableHandle, Props>(function TicketTable({ box, actions, filters = false, toolBar, testId }, ref) {
  const { t } = useTranslation();
  const actionRef = useRef<ActionType>();
  const last = useRef<Query>({});
  useImperativeHandle(ref, () => ({ reload: () => void actionRef.current?.reload(), lastQuery: () => last.current }), []);

  const columns: ProColumns<TicketSummary>[] = [
    { title: t('common.keyword'), dataIndex: 'keyword', hideInTable: true, search: true, fieldProps: { placeholder: t('tickets.search.keywordPlaceholder') } },
    {
      title: t('tickets.field.no'),
      dataIndex: 'no',
      search: false,
      width: 170,
      render: (_, r) => (
        <Link to={`/tickets/${r.id}`} data-testid="ticket-link">
          {r.no}
        </Link>
      ),
    },
    { title: t('tickets.field.title'), dataIndex: 'title', search: false, ellipsis: true, width: 240, render: (_, r) => <span data-testid="ticket-title">{r.title}</span> },
    {
      title: t('common.status'),
      dataIndex: 'status',
      width: 120,
      search: filters,
      valueType: 'select',
      fieldProps: { mode: 'multiple', options: TICKET_STATUSES.map((s) => ({ value: s, label: t(`tickets.status.${s}`) })) },
      render: (_, r) => <TicketStatusTag status={r.status as TicketStatus} />,
    },
    { title: t('tickets.field.urgency'), dataIndex: 'urgency', width: 80, search: false, render: (_, r) => <UrgencyTag urgency={r.urgency} /> },
    { title: t('tickets.field.item'), dataIndex: 'itemName', search: false, ellipsis: true, width: 160, render: (_, r) => r.itemName ?? '-' },
    { title: t('tickets.field.units'), dataIndex: 'units', search: false, ellipsis: true, width: 180, render: (_, r) => (r.units?.length ? r.units.join('、') : '-') },
    { title: t('tickets.field.item'), dataIndex: 'itemId', hideInTable: true, search: filters, renderFormItem: () => <ItemPicker /> },
    { title: t('tickets.field.region'), dataIndex: 'regionCode', search: filters, width: 120, renderFormItem: () => <RegionSelect />, render: (_, r) => r.regionName ?? '-' },
    {
      title: t('tickets.field.channel'),
      dataIndex: 'channel',
      width: 90,
      search: filters,
      valueType: 'select',
      fieldProps: { options: CHANNELS.map((c) => ({ value: c, label: t(`tickets.channel.${c}`) })) },
      render: (_, r) => t(`tickets.channel.${r.channel}`, { defaultValue: r.channel }),
    },
    { title: t('tickets.field.overdue'), dataIndex: 'overdue', hideInTable: true, search: filters, valueType: 'select', valueEnum: yesNo(t) },
    { title: t('tickets.enterpriseRelated'), dataIndex: 'enterpriseRelated', hideInTable: true, search: filters, valueType: 'select', valueEnum: yesNo(t) },
    { title: t('tickets.field.createdAt'), dataIndex: 'at', valueType: 'dateTimeRange', hideInTable: true, search: filters },
    { title: t('tickets.field.createdAt'), dataIndex: 'createdAt', search: false, width: 160, render: (_, r) => formatDateTime(r.createdAt) },
    {
      title: t('tickets.field.deadline'),
      dataIndex: 'deadlineAt',
      search: false,
      width: 150,
      render: (_, r) => <SlaCountdown deadlineAt={r.deadlineAt} overdue={r.overdue} stopped={r.status === 'archived' || r.status === 'callback'} />,
    },
  ];
  if (actions) {
    columns.push({ title: t('common.actions'), valueType: 'option', fixed: 'right', width: 200, render: (_, r) => <Space wrap>{actions(r)}</Space> });
  }

  return (
    <div data-testid={testId}>
      <ProTable<TicketSummary, TableParams>
        rowKey="id"
        actionRef={actionRef}
        columns={columns}
        search={filters ? { labelWidth: 'auto', defaultCollapsed: false } : false}
        options={{ reload: true, density: false, setting: true }}
        toolBarRender={toolBar ? () => toolBar : undefined}
        headerTitle={box ? <Typography.Text type="secondary">{t(`tickets.box.${box}`)}</Typography.Text> : undefined}
        pagination={DEFAULT_PAGINATION}
        scroll={{ x: 1500 }}
        request={async (params) => {
          const { enterpriseRelated, overdue, ...rest } = params;
          const query = toListQuery(rest);
          if (enterpriseRelated !== undefined) query.enterpriseRelated = enterpriseRelated === 'true' || enterpriseRelated === true;
          if (overdue !== undefined) query.overdue = overdue === 'true' || overdue === true;
          if (Array.isArray(params.status)) query.status = params.status as string[];
          if (box) query.box = box;
          last.current = query;
          return fetchPage<TicketSummary>('/tickets', query);
        }}
      />
    </div>
  );
});
