import { useMemo, useRef, useState } from 'react';
import { PageContainer, ProTable, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { Button, Select, Segmented, Space, TreeSelect, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../utils/format';
import { DEFAULT_PAGINATION, fetchPage, toListQuery } from '../../utils/proTable';
import { ArticleDetailDrawer } from './ArticleDetail';
import { ArticleEditor } from './ArticleEditor';
import { KB } from './kbApi';
import { ChangeTypeTag, directoryTree, isoDate, KbStatusTag, StateTag, useKbMeta } from './shared';
import type { KbArticleDetail, KbArticleSummary, KbChangeType, KbStatus, KbWorkOrder } from './types';

const STATUSES: KbStatus[] = ['draft', 'pending_review', 'pending_publish', 'published', 'offline'];
const CHANGE_TYPES: KbChangeType[] = ['create', 'revise', 'withdraw', 'restore'];
const STATES = ['draft', 'pending_review', 'pending_publish', 'published', 'superseded', 'applied', 'discarded'];

/**
 * 知识采编: the tenant's own knowledge in every state, with the editor form and the per-status
 * actions, and the 知识工单 view (every revision as a work order, queried by change type and 环节).
 */
export default function ArticlesPage() {
  const { t } = useTranslation();
  const { types, directories } = useKbMeta();
  const [view, setView] = useState<'articles' | 'orders'>('articles');
  const [status, setStatus] = useState<KbStatus>();
  const [typeCode, setTypeCode] = useState<string>();
  const [directoryId, setDirectoryId] = useState<string>();
  const [changeType, setChangeType] = useState<KbChangeType>();
  const [state, setState] = useState<string>();
  const [openId, setOpenId] = useState<string>();
  const [editing, setEditing] = useState<{ article: KbArticleDetail | null } | null>(null);
  const actionRef = useRef<ActionType>();
  const ordersRef = useRef<ActionType>();
  const tree = useMemo(() => directoryTree(directories), [directories]);

  const columns: ProColumns<KbArticleSummary>[] = [
    {
      title: t('kb.field.title'),
      dataIndex: 'title',
      ellipsis: true,
      width: 280,
      fixed: 'left',
      render: (_, r) => (
        <Typography.Link onClick={() => setOpenId(r.id)} data-testid="kb-article-open">
          {r.title}
        </Typography.Link>
      ),
    },
    {
      title: t('common.status'),
      dataIndex: 'status',
      width: 170,
      render: (_, r) => (
        <Space size={2} wrap>
          <KbStatusTag value={r.status} />
          {r.openState && r.status !== 'draft' && r.openState !== r.status ? <StateTag value={r.openState} /> : null}
        </Space>
      ),
    },
    { title: t('kb.field.type'), dataIndex: 'typeName', width: 110 },
    { title: t('kb.field.directory'), dataIndex: 'directoryName', width: 140, ellipsis: true },
    { title: t('kb.field.version'), dataIndex: 'version', width: 70, render: (_, r) => (r.version ? `V${r.version}` : '-') },
    { title: t('kb.field.scope'), dataIndex: 'scope', width: 110, render: (_, r) => t(`kb.scope.${r.scope}`) },
    { title: t('kb.field.validTo'), dataIndex: 'validTo', width: 110, render: (_, r) => (r.validTo ? isoDate(r.validTo) : '-') },
    { title: t('kb.field.publishedAt'), dataIndex: 'publishedAt', width: 170, render: (_, r) => formatDateTime(r.publishedAt) },
    { title: t('common.updatedAt'), dataIndex: 'updatedAt', width: 170, render: (_, r) => formatDateTime(r.updatedAt) },
  ];

  const orderColumns: ProColumns<KbWorkOrder>[] = [
    {
      title: t('kb.field.title'),
      dataIndex: 'title',
      ellipsis: true,
      width: 260,
      render: (_, r) => <Typography.Link onClick={() => setOpenId(r.articleId)}>{r.title}</Typography.Link>,
    },
    { title: t('kb.order.changeType'), dataIndex: 'changeType', width: 100, render: (_, r) => <ChangeTypeTag value={r.changeType} /> },
    { title: t('kb.order.state'), dataIndex: 'state', width: 100, render: (_, r) => <StateTag value={r.state} /> },
    { title: t('kb.field.version'), dataIndex: 'version', width: 70, render: (_, r) => (r.version ? `V${r.version}` : '-') },
    { title: t('kb.order.author'), dataIndex: 'authorName', width: 110 },
    { title: t('common.createdAt'), dataIndex: 'createdAt', width: 170, render: (_, r) => formatDateTime(r.createdAt) },
    { title: t('kb.order.closedAt'), dataIndex: 'closedAt', width: 170, render: (_, r) => formatDateTime(r.closedAt) },
    { title: t('kb.order.note'), dataIndex: 'note', ellipsis: true, width: 200 },
  ];

  const reload = () => {
    actionRef.current?.reload();
    ordersRef.current?.reload();
  };

  return (
    <PageContainer
      title={t('menu.knowledge.articles')}
      subTitle={t('kb.articles.subtitle')}
      extra={
        <Space wrap>
          <Segmented
            value={view}
            onChange={(v) => setView(v as typeof view)}
            options={[
              { value: 'articles', label: t('kb.articles.list') },
              { value: 'orders', label: t('kb.articles.orders') },
            ]}
            data-testid="kb-articles-view"
          />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ article: null })} data-testid="kb-create">
            {t('kb.create')}
          </Button>
        </Space>
      }
    >
      {view === 'articles' ? (
        <ProTable<KbArticleSummary>
          rowKey="id"
          actionRef={actionRef}
          columns={columns}
          search={false}
          params={{ status, typeCode, directoryId }}
          request={(p) => fetchPage<KbArticleSummary>(`${KB}/articles`, toListQuery(p))}
          pagination={DEFAULT_PAGINATION}
          scroll={{ x: 1300 }}
          options={{ density: false, reload: true, setting: false, fullScreen: false, search: { placeholder: t('kb.articles.keyword'), name: 'q' } as never }}
          toolbar={{
            filter: (
              <Space wrap>
                <Select allowClear style={{ width: 130 }} placeholder={t('common.status')} value={status} onChange={setStatus} options={STATUSES.map((s) => ({ value: s, label: t(`kb.status.${s}`) }))} data-testid="kb-filter-status" />
                <Select allowClear style={{ width: 130 }} placeholder={t('kb.field.type')} value={typeCode} onChange={setTypeCode} options={types.map((x) => ({ value: x.code, label: x.name }))} />
                <TreeSelect allowClear style={{ width: 180 }} placeholder={t('kb.field.directory')} value={directoryId} onChange={setDirectoryId} treeData={tree} treeDefaultExpandAll popupMatchSelectWidth={false} />
              </Space>
            ),
          }}
          data-testid="kb-articles-table"
        />
      ) : (
        <ProTable<KbWorkOrder>
          rowKey="revisionId"
          actionRef={ordersRef}
          columns={orderColumns}
          search={false}
          params={{ changeType, state }}
          request={(p) => fetchPage<KbWorkOrder>(`${KB}/work-orders`, toListQuery(p))}
          pagination={DEFAULT_PAGINATION}
          scroll={{ x: 1200 }}
          options={{ density: false, reload: true, setting: false, fullScreen: false }}
          toolbar={{
            filter: (
              <Space wrap>
                <Select allowClear style={{ width: 130 }} placeholder={t('kb.order.changeType')} value={changeType} onChange={setChangeType} options={CHANGE_TYPES.map((c) => ({ value: c, label: t(`kb.change.${c}`) }))} />
                <Select allowClear style={{ width: 130 }} placeholder={t('kb.order.state')} value={state} onChange={setState} options={STATES.map((s) => ({ value: s, label: t(`kb.state.${s}`) }))} />
              </Space>
            ),
          }}
          data-testid="kb-orders-table"
        />
      )}
      <ArticleDetailDrawer
        articleId={openId}
        types={types}
        onClose={() => setOpenId(undefined)}
        onEdit={(d) => setEditing({ article: d })}
        onChanged={reload}
      />
      <ArticleEditor
        open={!!editing}
        article={editing?.article}
        types={types}
        directories={directories}
        onClose={() => setEditing(null)}
        onSaved={(d) => {
          setEditing(null);
          reload();
          setOpenId(undefined);
          // Reopen so the detail shows the new status right away.
          window.setTimeout(() => setOpenId(d.id), 0);
        }}
      />
    </PageContainer>
  );
}
