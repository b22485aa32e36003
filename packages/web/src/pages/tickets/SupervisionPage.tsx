import { useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { PageContainer, ProTable, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { Button, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { getMessage } from '../../api/feedback';
import { useAuth } from '../../auth/AuthContext';
import { formatDateTime } from '../../utils/format';
import { DEFAULT_PAGINATION, fetchPage, toListQuery, type TableParams } from '../../utils/proTable';
import { TextActionModal } from './components/TextActionModal';
import type { Supervision } from './components/types';

/** 督办: supervision orders and warnings; units reply, supervisors close. */
export default function SupervisionPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const actionRef = useRef<ActionType>();
  const [acting, setActing] = useState<{ row: Supervision; kind: 'reply' | 'close' } | null>(null);

  const columns: ProColumns<Supervision>[] = [
    { title: t('tickets.field.no'), dataIndex: 'no', search: false, width: 170, render: (_, r) => <Link to={`/tickets/${r.ticketId}`}>{r.no}</Link> },
    { title: t('tickets.field.title'), dataIndex: 'title', search: false, ellipsis: true },
    {
      title: t('tickets.supervision.kind'),
      dataIndex: 'kind',
      width: 100,
      valueType: 'select',
      valueEnum: { warning: { text: t('tickets.supervision.kind.warning') }, supervision: { text: t('tickets.supervision.kind.supervision') } },
      render: (_, r) => <Tag color={r.kind === 'warning' ? 'gold' : 'red'}>{t(`tickets.supervision.kind.${r.kind}`)}</Tag>,
    },
    { title: t('tickets.supervise.level'), dataIndex: 'level', search: false, width: 90, render: (_, r) => t(`tickets.supervise.level.${r.level}`, { defaultValue: r.level }) },
    { title: t('tickets.supervise.reason'), dataIndex: 'reason', search: false, ellipsis: true },
    { title: t('tickets.supervise.requirement'), dataIndex: 'requirement', search: false, ellipsis: true },
    { title: t('tickets.supervision.target'), dataIndex: 'targetOrgName', search: false, width: 150, render: (_, r) => r.targetOrgName ?? '-' },
    {
      title: t('common.status'),
      dataIndex: 'status',
      width: 100,
      valueType: 'select',
      valueEnum: { open: { text: t('tickets.supervision.status.open') }, responded: { text: t('tickets.supervision.status.responded') }, closed: { text: t('tickets.supervision.status.closed') } },
      render: (_, r) => <Tag>{t(`tickets.supervision.status.${r.status}`)}</Tag>,
    },
    { title: t('tickets.supervision.reply'), dataIndex: 'reply', search: false, ellipsis: true, render: (_, r) => r.reply ?? '-' },
    { title: t('common.createdAt'), dataIndex: 'createdAt', search: false, width: 160, render: (_, r) => formatDateTime(r.createdAt) },
    {
      title: t('common.actions'),
      valueType: 'option',
      width: 140,
      render: (_, r) => [
        can('ticket:handle') && r.status !== 'closed' && (
          <Button key="reply" size="small" onClick={() => setActing({ row: r, kind: 'reply' })}>
            {t('tickets.supervision.doReply')}
          </Button>
        ),
        can('ticket:supervise') && r.status !== 'closed' && (
          <Button key="close" size="small" onClick={() => setActing({ row: r, kind: 'close' })}>
            {t('tickets.supervision.doClose')}
          </Button>
        ),
      ],
    },
  ];

  return (
    <PageContainer title={t('menu.tickets.supervision')}>
      <ProTable<Supervision, TableParams>
        rowKey="id"
        actionRef={actionRef}
        columns={columns}
        search={{ labelWidth: 'auto' }}
        pagination={DEFAULT_PAGINATION}
        scroll={{ x: 1200 }}
        request={(params) => fetchPage<Supervision>('/supervisions', toListQuery(params))}
      />
      <TextActionModal
        open={!!acting}
        title={acting?.kind === 'close' ? t('tickets.supervision.doClose') : t('tickets.supervision.doReply')}
        label={acting?.kind === 'close' ? t('tickets.request.opinion') : t('tickets.supervision.reply')}
        onClose={() => setActing(null)}
        onSubmit={async (text) => {
          if (!acting) return;
          const id = encodeURIComponent(acting.row.id);
          if (acting.kind === 'reply') await api.post(`/supervisions/${id}/reply`, { reply: text });
          else await api.post(`/supervisions/${id}/close`, { opinion: text });
          getMessage().success(t('tickets.actionDone'));
          setActing(null);
          void actionRef.current?.reload();
        }}
      />
    </PageContainer>
  );
}
