import { useCallback, useEffect, useState } from 'react';
import { ModalForm, ProDescriptions, ProForm, ProFormSelect, ProFormText, ProFormTextArea } from '@ant-design/pro-components';
import { Alert, Button, Drawer, Empty, Input, Popconfirm, Radio, Space, Spin, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import { RollbackOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { getMessage } from '../../api/feedback';
import { useAuth } from '../../auth/AuthContext';
import { formatDateTime } from '../../utils/format';
import {
  CATALOG,
  CatalogStatusTag,
  ChangeStatusTag,
  DiffTable,
  enc,
  labelOf,
  useItemOptions,
  type CategoryNode,
  type ChangeView,
  type FieldDiff,
  type ImplementationChanges,
  type ImplementationRow,
  type ItemDetail,
  type KnowledgeLink,
  type LocalDetail,
  type VersionRow,
} from './ItemDetailModel';
import { ItemFormModal } from './ItemDetailForm';

/**
 * The item drawer: details, version history with a diff between any two versions and rollback,
 * the change log, knowledge links and — for an item issued down from above — the tenant's own
 * implementation detail (实施细则, 材料清单, 办理流程, 联系方式) with accept / exclude.
 */
export function ItemDetailDrawer({ itemId, categories, onClose, onChanged }: { itemId?: string; categories: CategoryNode[]; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const [item, setItem] = useState<ItemDetail>();
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);

  const reload = useCallback(() => {
    setTick((n) => n + 1);
    onChanged();
  }, [onChanged]);

  useEffect(() => {
    if (!itemId) return setItem(undefined);
    let cancelled = false;
    setLoading(true);
    api
      .get<ItemDetail>(`${CATALOG}/items/${enc(itemId)}`)
      .then((d) => !cancelled && setItem(d))
      .catch(() => !cancelled && setItem(undefined))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [itemId, tick]);

  return (
    <Drawer
      open={!!itemId}
      onClose={onClose}
      width={920}
      destroyOnClose
      data-testid="catalog-item-drawer"
      title={
        item ? (
          <Space wrap>
            <Typography.Text strong>{item.name}</Typography.Text>
            <Typography.Text type="secondary" copyable>
              {item.code}
            </Typography.Text>
            <CatalogStatusTag value={item.status} />
            {item.currentVersion > 0 && <Tag bordered={false}>V{item.currentVersion}</Tag>}
            <Tag color={item.inherited ? 'purple' : 'cyan'} bordered={false}>
              {item.inherited ? t('catalogItem.inherited') : t(`catalogItem.origin.${item.origin}`)}
            </Tag>
          </Space>
        ) : (
          t('catalogItem.detail')
        )
      }
      extra={item ? <ItemActions item={item} categories={categories} onChanged={reload} onDeleted={onClose} /> : null}
    >
      <Spin spinning={loading}>
        {item && (
          <Tabs
            destroyOnHidden
            items={[
              { key: 'info', label: t('catalogItem.tab.info'), children: <ItemInfo item={item} /> },
              { key: 'versions', label: t('catalogItem.tab.versions'), children: <VersionsTab item={item} onChanged={reload} /> },
              { key: 'changes', label: t('catalogItem.tab.changes'), children: <ChangesTab item={item} /> },
              { key: 'knowledge', label: t('catalogItem.tab.knowledge', { count: item.knowledgeCount }), children: <KnowledgeTab item={item} onChanged={reload} /> },
              ...(item.inherited ? [{ key: 'implementation', label: t('catalogItem.tab.implementation'), children: <ImplementationTab item={item} onChanged={reload} /> }] : []),
            ]}
          />
        )}
      </Spin>
    </Drawer>
  );
}

function ItemActions({ item, categories, onChanged, onDeleted }: { item: ItemDetail; categories: CategoryNode[]; onChanged: () => void; onDeleted: () => void }) {
  const { t } = useTranslation();
  if (!item.editable) return item.inherited ? <Typography.Text type="secondary">{t('catalogItem.inheritedHint')}</Typography.Text> : null;
  const open = item.openChange;
  const post = async (path: string, body: unknown, done: string) => {
    await api.post(path, body);
    getMessage().success(done);
    onChanged();
  };
  return (
    <Space wrap>
      {open?.status !== 'pending' && (
        <ItemFormModal item={item} categories={categories} onDone={onChanged} trigger={<Button data-testid="catalog-item-edit">{open ? t('catalogItem.continueEdit') : t('common.edit')}</Button>} />
      )}
      {open && (open.status === 'draft' || open.status === 'rejected') && (
        <Button type="primary" onClick={() => void post(`${CATALOG}/changes/${enc(open.id)}/submit`, {}, t('catalogItem.submitted'))}>
          {t('catalogItem.submitReview')}
        </Button>
      )}
      {open && (open.status === 'pending' || open.status === 'rejected') && (
        <Popconfirm title={t('catalogItem.confirmWithdraw')} onConfirm={() => post(`${CATALOG}/changes/${enc(open.id)}/withdraw`, {}, t('catalogItem.withdrawn'))}>
          <Button>{t('catalogItem.withdraw')}</Button>
        </Popconfirm>
      )}
      {open?.status === 'draft' && item.currentVersion > 0 && (
        <Popconfirm title={t('catalogItem.confirmDiscardDraft')} onConfirm={async () => {
          await api.del(`${CATALOG}/changes/${enc(open.id)}`);
          getMessage().success(t('common.deleted'));
          onChanged();
        }}>
          <Button danger>{t('catalogItem.discardDraft')}</Button>
        </Popconfirm>
      )}
      {item.currentVersion === 0 && (item.status === 'draft' || item.status === 'rejected') && (
        <Popconfirm title={t('catalogItem.confirmDelete', { name: item.name })} okButtonProps={{ danger: true }} onConfirm={async () => {
          await api.del(`${CATALOG}/items/${enc(item.id)}`);
          getMessage().success(t('common.deleted'));
          onChanged();
          onDeleted();
        }}>
          <Button danger>{t('common.delete')}</Button>
        </Popconfirm>
      )}
      {!open && item.status === 'published' && <LifecycleButton item={item} action="offline" onDone={onChanged} />}
      {!open && item.status === 'offline' && <LifecycleButton item={item} action="online" onDone={onChanged} />}
      {!open && (item.status === 'published' || item.status === 'offline') && <LifecycleButton item={item} action="void" onDone={onChanged} />}
    </Space>
  );
}

function LifecycleButton({ item, action, onDone }: { item: ItemDetail; action: 'offline' | 'online' | 'void'; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <ModalForm<{ reason?: string }>
      title={t(`catalogItem.lifecycle.${action}`)}
      width={480}
      trigger={<Button danger={action !== 'online'}>{t(`catalogItem.lifecycle.${action}`)}</Button>}
      modalProps={{ destroyOnClose: true }}
      onFinish={async (v) => {
        try {
          await api.post(`${CATALOG}/items/${enc(item.id)}/lifecycle`, { action, reason: v.reason?.trim() ?? '', submit: true });
          getMessage().success(t('catalogItem.submitted'));
          onDone();
          return true;
        } catch {
          return false;
        }
      }}
    >
      <Typography.Paragraph type="secondary">{t('catalogItem.lifecycleHint')}</Typography.Paragraph>
      <ProFormTextArea name="reason" label={t('catalogItem.reason')} fieldProps={{ maxLength: 500 }} />
    </ModalForm>
  );
}

function ItemInfo({ item }: { item: ItemDetail }) {
  const { t } = useTranslation();
  const options = useItemOptions();
  const list = (values: string[], from = options.demandType) => (values.length ? values.map((v) => <Tag key={v}>{labelOf(from, v)}</Tag>) : '-');
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      {item.openChange && (
        <Alert
          type={item.openChange.status === 'rejected' ? 'error' : 'info'}
          showIcon
          message={t('catalogItem.openChange', { action: t(`catalogItem.action.${item.openChange.action}`), status: t(`catalogItem.changeStatus.${item.openChange.status}`) })}
        />
      )}
      <ProDescriptions<ItemDetail>
        column={2}
        bordered
        size="small"
        dataSource={item}
        columns={[
          { title: t('catalogItem.code'), dataIndex: 'code', copyable: true },
          { title: t('catalogItem.name'), dataIndex: 'name' },
          { title: t('catalogItem.category'), dataIndex: 'categoryPathNames', span: 2, render: () => item.categoryPathNames.join(' / ') },
          { title: t('catalogItem.department'), dataIndex: 'department', render: () => item.department || '-' },
          { title: t('catalogItem.owner'), dataIndex: 'tenantName' },
          { title: t('catalogItem.industry'), dataIndex: 'industry', render: () => labelOf(options.industry, item.industry) },
          { title: t('catalogItem.demandTypes'), dataIndex: 'demandTypes', render: () => list(item.demandTypes) },
          { title: t('catalogItem.levels'), dataIndex: 'levels', render: () => (item.levels.length ? item.levels.map((l) => <Tag key={l}>{options.levels.find((o) => o.value === l)?.label ?? l}</Tag>) : '-') },
          { title: t('catalogItem.urgencyTiers'), dataIndex: 'urgencyTiers', render: () => list(item.urgencyTiers, options.urgency) },
          { title: t('catalogItem.keywords'), dataIndex: 'keywords', render: () => (item.keywords.length ? item.keywords.map((k) => <Tag key={k}>{k}</Tag>) : '-') },
          { title: t('catalogItem.synonyms'), dataIndex: 'synonyms', render: () => (item.synonyms.length ? item.synonyms.map((k) => <Tag key={k}>{k}</Tag>) : '-') },
          { title: t('catalogItem.pinyin'), dataIndex: 'pinyin' },
          { title: t('catalogItem.effective'), dataIndex: 'effectiveFrom', render: () => `${item.effectiveFrom ?? '-'} ~ ${item.effectiveTo ?? '-'}` },
          { title: t('catalogItem.handlingStandard'), dataIndex: 'handlingStandard', span: 2, render: () => <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{item.handlingStandard || '-'}</Typography.Paragraph> },
          { title: t('catalogItem.legalBasis'), dataIndex: 'legalBasis', span: 2, render: () => <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{item.legalBasis || '-'}</Typography.Paragraph> },
          { title: t('catalogItem.description'), dataIndex: 'description', span: 2, render: () => <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{item.description || '-'}</Typography.Paragraph> },
          { title: t('common.updatedAt'), dataIndex: 'updatedAt', render: () => formatDateTime(item.updatedAt) },
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: () => formatDateTime(item.createdAt) },
        ]}
      />
    </Space>
  );
}

function VersionsTab({ item, onChanged }: { item: ItemDetail; onChanged: () => void }) {
  const { t } = useTranslation();
  const [versions, setVersions] = useState<VersionRow[]>([]);
  const [from, setFrom] = useState<number>();
  const [to, setTo] = useState<number>();
  const [diff, setDiff] = useState<FieldDiff[]>();

  useEffect(() => {
    void api.get<{ items: VersionRow[] }>(`${CATALOG}/items/${enc(item.id)}/versions`).then((r) => {
      setVersions(r.items);
      setTo(r.items[0]?.version);
      setFrom(r.items[1]?.version ?? 0);
    });
  }, [item.id, item.currentVersion]);

  useEffect(() => {
    if (to === undefined || from === undefined) return setDiff(undefined);
    void api.get<{ changes: FieldDiff[] }>(`${CATALOG}/items/${enc(item.id)}/diff`, { from, to }).then((r) => setDiff(r.changes));
  }, [item.id, from, to]);

  if (versions.length === 0) return <Empty description={t('catalogItem.noVersions')} />;
  const rollback = async (version: number) => {
    await api.post(`${CATALOG}/items/${enc(item.id)}/rollback`, { version, submit: true });
    getMessage().success(t('catalogItem.rollbackSubmitted', { version }));
    onChanged();
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Table<VersionRow>
        size="small"
        rowKey="version"
        pagination={false}
        dataSource={versions}
        columns={[
          { title: t('catalogItem.version'), dataIndex: 'version', width: 70, render: (v: number) => <Tag bordered={false}>V{v}</Tag> },
          { title: t('catalogItem.diff.from'), width: 60, render: (_, r) => <Radio checked={from === r.version} onChange={() => setFrom(r.version)} /> },
          { title: t('catalogItem.diff.to'), width: 60, render: (_, r) => <Radio checked={to === r.version} onChange={() => setTo(r.version)} /> },
          { title: t('catalogItem.changeAction'), dataIndex: 'action', width: 80, render: (a: string | null) => (a ? t(`catalogItem.action.${a}`) : '-') },
          { title: t('catalogItem.summary'), dataIndex: 'summary', ellipsis: true },
          { title: t('catalogItem.publishedBy'), dataIndex: 'publishedByName', width: 100, render: (v: string | null) => v ?? '-' },
          { title: t('catalogItem.publishedAt'), dataIndex: 'publishedAt', width: 170, render: (v: string) => formatDateTime(v) },
          {
            title: t('common.actions'),
            width: 80,
            render: (_, r) =>
              item.editable && !item.openChange && r.version < item.currentVersion ? (
                <Popconfirm title={t('catalogItem.confirmRollback', { version: r.version })} onConfirm={() => rollback(r.version)}>
                  <Button type="link" size="small" icon={<RollbackOutlined />}>
                    {t('catalogItem.rollback')}
                  </Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
      <div>
        <Typography.Title level={5}>{t('catalogItem.diff.between', { from: from ? `V${from}` : t('catalogItem.diff.empty'), to: `V${to ?? ''}` })}</Typography.Title>
        {diff ? <DiffTable diffs={diff} testId="catalog-version-diff" /> : <Spin />}
      </div>
    </Space>
  );
}

function ChangesTab({ item }: { item: ItemDetail }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [rows, setRows] = useState<ChangeView[]>([]);
  const allowed = can('catalog:write') || can('catalog:review');
  useEffect(() => {
    if (allowed) void api.get<{ items: ChangeView[] }>(`${CATALOG}/items/${enc(item.id)}/changes`, undefined, { silent: true }).then((r) => setRows(r.items)).catch(() => setRows([]));
  }, [item.id, item.openChange?.id, item.openChange?.status, allowed]);
  if (!allowed || rows.length === 0) return <Empty description={t('catalogItem.noChanges')} />;
  return (
    <Timeline
      items={rows.map((c) => ({
        color: c.status === 'approved' ? 'green' : c.status === 'rejected' ? 'red' : c.status === 'pending' ? 'blue' : 'gray',
        children: (
          <Space direction="vertical" size={0}>
            <Space wrap>
              <Typography.Text strong>{t(`catalogItem.action.${c.action}`)}</Typography.Text>
              <ChangeStatusTag value={c.status} />
              <Typography.Text type="secondary">{formatDateTime(c.submittedAt ?? c.createdAt)}</Typography.Text>
            </Space>
            <Typography.Text type="secondary">
              {t('catalogItem.changeBy', { author: c.submittedByName ?? c.createdByName ?? '-', reviewer: c.reviewedByName ?? '-' })}
            </Typography.Text>
            {c.opinion && <Typography.Text>{t('catalogItem.opinionLabel', { opinion: c.opinion })}</Typography.Text>}
          </Space>
        ),
      }))}
    />
  );
}

function KnowledgeTab({ item, onChanged }: { item: ItemDetail; onChanged: () => void }) {
  const { t } = useTranslation();
  const [links, setLinks] = useState<KnowledgeLink[]>([]);
  const [articleId, setArticleId] = useState('');
  const [note, setNote] = useState('');
  const load = useCallback(() => void api.get<{ items: KnowledgeLink[] }>(`${CATALOG}/items/${enc(item.id)}/knowledge`).then((r) => setLinks(r.items)), [item.id]);
  useEffect(load, [load]);
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const add = async () => {
    await api.post(`${CATALOG}/items/${enc(item.id)}/knowledge`, { articleId: articleId.trim(), note: note.trim() });
    setArticleId('');
    setNote('');
    load();
    onChanged();
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {item.editable && (
        <Space.Compact style={{ width: '100%' }}>
          <Input placeholder={t('catalogItem.articleId')} value={articleId} onChange={(e) => setArticleId(e.target.value)} style={{ width: 360 }} status={articleId && !uuid.test(articleId.trim()) ? 'error' : undefined} />
          <Input placeholder={t('catalogItem.note')} value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />
          <Button type="primary" disabled={!uuid.test(articleId.trim())} onClick={() => void add()}>
            {t('catalogItem.link')}
          </Button>
        </Space.Compact>
      )}
      <Table<KnowledgeLink>
        size="small"
        rowKey="articleId"
        pagination={false}
        dataSource={links}
        locale={{ emptyText: t('catalogItem.noKnowledge') }}
        columns={[
          { title: t('catalogItem.articleId'), dataIndex: 'articleId', render: (v: string) => <Typography.Text copyable>{v}</Typography.Text> },
          { title: t('catalogItem.note'), dataIndex: 'note' },
          { title: t('catalogItem.linkedBy'), dataIndex: 'createdByName', width: 100 },
          { title: t('common.createdAt'), dataIndex: 'createdAt', width: 170, render: (v: string) => formatDateTime(v) },
          {
            title: t('common.actions'),
            width: 80,
            render: (_, r) =>
              item.editable ? (
                <Popconfirm title={t('catalogItem.confirmUnlink')} onConfirm={async () => {
                  await api.del(`${CATALOG}/items/${enc(item.id)}/knowledge/${enc(r.articleId)}`);
                  load();
                  onChanged();
                }}>
                  <Button type="link" size="small" danger>
                    {t('catalogItem.unlink')}
                  </Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
    </Space>
  );
}

/** The lower tenant's side of an issued-down item: what changed, its local detail, accept / exclude. */
function ImplementationTab({ item, onChanged }: { item: ItemDetail; onChanged: () => void }) {
  const { t } = useTranslation();
  const { me, can } = useAuth();
  const tenantId = me?.user.tenantId ?? '';
  const [row, setRow] = useState<ImplementationRow>();
  const [changes, setChanges] = useState<ImplementationChanges>();
  const canWrite = can('catalog:write');
  const load = useCallback(() => {
    void api.get<ImplementationRow>(`${CATALOG}/implementation/${enc(item.id)}`, { tenantId }).then(setRow);
    void api.get<ImplementationChanges>(`${CATALOG}/implementation/${enc(item.id)}/changes`, { tenantId }).then(setChanges);
  }, [item.id, tenantId]);
  useEffect(load, [load]);
  if (!row) return <Spin />;
  const after = (r: ImplementationRow, message: string) => {
    setRow(r);
    getMessage().success(message);
    load();
    onChanged();
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle" data-testid="catalog-implementation">
      <Alert
        type={row.adoptionStatus === 'excluded' ? 'warning' : row.hasUpdate ? 'info' : 'success'}
        showIcon
        message={t(`catalogItem.adoption.${row.adoptionStatus ?? 'new'}`)}
        description={
          row.adoptionStatus === 'excluded'
            ? t('catalogItem.excludedBecause', { reason: row.excludedReason })
            : t('catalogItem.adoptedVersion', { adopted: row.adoptedVersion ?? 0, current: row.currentVersion })
        }
        action={
          canWrite ? (
            <Space direction="vertical">
              {(row.hasUpdate || row.adoptionStatus === 'excluded') && (
                <Button type="primary" size="small" onClick={async () => after(await api.post<ImplementationRow>(`${CATALOG}/implementation/${enc(item.id)}/accept`, { tenantId }), t('catalogItem.accepted'))}>
                  {t('catalogItem.accept')}
                </Button>
              )}
              {row.adoptionStatus !== 'excluded' && <ExcludeButton itemId={item.id} tenantId={tenantId} onDone={(r) => after(r, t('catalogItem.excluded'))} />}
            </Space>
          ) : null
        }
      />
      {changes && changes.changes.length > 0 && (
        <div>
          <Typography.Title level={5}>{changes.adoptedVersion ? t('catalogItem.changesSinceAdopted', { version: changes.adoptedVersion }) : t('catalogItem.notAdoptedYet')}</Typography.Title>
          <DiffTable diffs={changes.changes} testId="catalog-implementation-diff" />
          <Timeline style={{ marginTop: 16 }} items={changes.publications.map((p) => ({ children: `V${p.version} · ${formatDateTime(p.publishedAt)} · ${p.summary}` }))} />
        </div>
      )}
      <Typography.Title level={5}>{t('catalogItem.localDetail')}</Typography.Title>
      <ProForm<LocalDetail>
        initialValues={row.localDetail}
        disabled={!canWrite}
        submitter={canWrite ? { searchConfig: { submitText: t('common.save') }, resetButtonProps: { style: { display: 'none' } } } : false}
        onFinish={async (v) => {
          try {
            after(await api.put<ImplementationRow>(`${CATALOG}/implementation/${enc(item.id)}/local-detail`, { tenantId, ...v, materials: v.materials ?? [] }), t('common.saved'));
            return true;
          } catch {
            return false;
          }
        }}
      >
        <ProFormTextArea name="rules" label={t('catalogItem.local.rules')} fieldProps={{ maxLength: 10000, autoSize: { minRows: 3, maxRows: 10 } }} />
        <ProFormSelect name="materials" label={t('catalogItem.local.materials')} mode="tags" fieldProps={{ tokenSeparators: ['、', ',', '，'], open: false }} />
        <ProFormTextArea name="process" label={t('catalogItem.local.process')} fieldProps={{ maxLength: 10000, autoSize: { minRows: 3, maxRows: 10 } }} />
        <ProForm.Group>
          <ProFormText name="contactUnit" label={t('catalogItem.local.contactUnit')} width="md" fieldProps={{ maxLength: 200 }} />
          <ProFormText name="contactPhone" label={t('catalogItem.local.contactPhone')} width="sm" rules={[{ pattern: /^[0-9+\-() 转]*$/, message: t('validation.phone') }]} />
          <ProFormText name="contactAddress" label={t('catalogItem.local.contactAddress')} width="md" fieldProps={{ maxLength: 200 }} />
        </ProForm.Group>
        <ProFormTextArea name="note" label={t('catalogItem.local.note')} fieldProps={{ maxLength: 2000 }} />
      </ProForm>
    </Space>
  );
}

function ExcludeButton({ itemId, tenantId, onDone }: { itemId: string; tenantId: string; onDone: (r: ImplementationRow) => void }) {
  const { t } = useTranslation();
  return (
    <ModalForm<{ reason: string }>
      title={t('catalogItem.exclude')}
      width={480}
      trigger={
        <Button size="small" danger>
          {t('catalogItem.exclude')}
        </Button>
      }
      modalProps={{ destroyOnClose: true }}
      onFinish={async (v) => {
        try {
          onDone(await api.post<ImplementationRow>(`${CATALOG}/implementation/${enc(itemId)}/exclude`, { tenantId, reason: v.reason.trim() }));
          return true;
        } catch {
          return false;
        }
      }}
    >
      <ProFormTextArea name="reason" label={t('catalogItem.excludeReason')} placeholder={t('catalogItem.excludeReasonHint')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]} fieldProps={{ maxLength: 500 }} />
    </ModalForm>
  );
}
