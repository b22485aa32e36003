import { useEffect, useMemo, useRef, useState } from 'react';
import {
  ModalForm,
  PageContainer,
  ProFormCheckbox,
  ProFormDependency,
  ProFormRadio,
  ProFormSelect,
  ProFormText,
  ProFormTextArea,
  ProFormTreeSelect,
  ProTable,
  type ActionType,
  type ProColumns,
} from '@ant-design/pro-components';
import { Alert, Button, Card, Descriptions, Drawer, Empty, List, Popconfirm, Progress, Result, Select, Space, Tabs, Tag, Timeline, Tooltip, TreeSelect, Typography } from 'antd';
import {
  AimOutlined,
  AuditOutlined,
  CheckOutlined,
  CloseOutlined,
  DeleteOutlined,
  EditOutlined,
  HistoryOutlined,
  PlusOutlined,
  RollbackOutlined,
  SendOutlined,
  StopOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { getMessage } from '../../api/feedback';
import type { OrgNode, TenantNode } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { ExcelDownloadButton, ExcelImportButton } from '../../components/ExcelImport';
import { orgOptions, tenantOptions, type TreeOption } from '../../components/useTenantTree';
import { formatDateTime } from '../../utils/format';
import { DEFAULT_PAGINATION, fetchPage, toListQuery } from '../../utils/proTable';

// ---------------------------------------------------------------- API shapes (/api/v1/catalog)

type ListType = 'responsibility' | 'power' | 'negative';
type ListRole = 'lead' | 'assist';
type EntryStatus = 'draft' | 'pending' | 'published' | 'rejected' | 'offline' | 'void';

interface ListEntry {
  id: string;
  listType: ListType;
  itemId: string;
  itemCode: string;
  itemName: string;
  tenantId: string;
  tenantCode: string;
  tenantName: string;
  orgId: string | null;
  orgCode: string | null;
  unitName: string;
  role: ListRole;
  duty: string;
  legalBasis: string;
  status: EntryStatus;
  version: number;
  replacesId: string | null;
  createdBy: string | null;
  createdByName: string | null;
  reviewedByName: string | null;
  reviewedAt: string | null;
  reviewOpinion: string;
  createdAt: string;
  updatedAt: string;
  editable: boolean;
}

interface ItemOption {
  id: string;
  code: string;
  name: string;
}

interface RecommendedUnit {
  entryId: string;
  orgCode: string | null;
  unitName: string;
  role: ListRole;
  duty: string;
  legalBasis: string;
  version: number;
}

interface Recommendation {
  source: { tenantId: string; tenantCode: string; tenantName: string } | null;
  inherited: boolean;
  lead: RecommendedUnit[];
  assist: RecommendedUnit[];
  negative: { tenantId: string; unitName: string; duty: string; legalBasis: string } | null;
}

const LIST_TYPES: ListType[] = ['responsibility', 'power', 'negative'];
const STATUSES: EntryStatus[] = ['draft', 'pending', 'published', 'rejected', 'offline', 'void'];
const STATUS_COLORS: Record<EntryStatus, string> = { draft: 'default', pending: 'processing', published: 'success', rejected: 'error', offline: 'warning', void: 'default' };
const WRITE = 'catalog:write';
const REVIEW = 'catalog:review';

// ---------------------------------------------------------------- small helpers

function useRegions(): TreeOption[] {
  const [tree, setTree] = useState<TenantNode[]>([]);
  useEffect(() => {
    api
      .get<{ items: TenantNode[] }>('/catalog/list-options/regions', undefined, { silent: true })
      .then((res) => setTree(res.items ?? []))
      .catch(() => setTree([]));
  }, []);
  return useMemo(() => tenantOptions(tree), [tree]);
}

async function itemOptions(tenantId: string | undefined, keyword?: string): Promise<{ label: string; value: string }[]> {
  try {
    const res = await api.get<{ items: ItemOption[] }>('/catalog/list-options/items', { tenantId, keyword: keyword?.trim() || undefined }, { silent: true });
    return (res.items ?? []).map((i) => ({ label: `${i.code} ${i.name}`, value: i.id }));
  } catch {
    return [];
  }
}

async function unitOptions(tenantId: string | undefined): Promise<TreeOption[]> {
  if (!tenantId) return [];
  try {
    const res = await api.get<{ items: OrgNode[] }>('/catalog/list-options/units', { tenantId }, { silent: true });
    return orgOptions(res.items ?? []);
  } catch {
    return [];
  }
}

function EntryStatusTag({ status }: { status: EntryStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[status]} bordered={false}>
      {t(`lists.status.${status}`)}
    </Tag>
  );
}

function RoleTag({ role }: { role: ListRole }) {
  const { t } = useTranslation();
  return <Tag color={role === 'lead' ? 'blue' : 'cyan'}>{t(`lists.role.${role}`)}</Tag>;
}

// ---------------------------------------------------------------- page

export default function ResponsibilitiesPage() {
  const { t } = useTranslation();
  const { me, can } = useAuth();
  const regions = useRegions();
  const [listType, setListType] = useState<ListType>('responsibility');
  const [tenantId, setTenantId] = useState<string | undefined>(me?.user.tenantId);
  const [recommendOpen, setRecommendOpen] = useState(false);

  return (
    <PageContainer
      title={t('menu.catalog.responsibilities')}
      subTitle={t('lists.subtitle')}
      extra={
        <Space wrap>
          <Typography.Text type="secondary">{t('lists.region')}</Typography.Text>
          <TreeSelect
            style={{ minWidth: 240 }}
            value={tenantId}
            onChange={(v: string | undefined) => setTenantId(v)}
            treeData={regions}
            showSearch
            allowClear
            placeholder={t('lists.allRegions')}
            treeNodeFilterProp="title"
            popupMatchSelectWidth={false}
            data-testid="lists-region"
          />
          <Button icon={<AimOutlined />} onClick={() => setRecommendOpen(true)} data-testid="lists-recommend">
            {t('lists.recommend.open')}
          </Button>
        </Space>
      }
    >
      <Tabs
        activeKey={listType}
        onChange={(k) => setListType(k as ListType)}
        items={LIST_TYPES.map((type) => ({ key: type, label: t(`lists.type.${type}`) }))}
      />
      <EntryTable key={listType} listType={listType} tenantId={tenantId} myTenantId={me?.user.tenantId} myUserId={me?.user.id} canWrite={can(WRITE)} canReview={can(REVIEW)} />
      <RecommendDrawer open={recommendOpen} onClose={() => setRecommendOpen(false)} regions={regions} defaultTenantId={tenantId ?? me?.user.tenantId} />
    </PageContainer>
  );
}

interface TableProps {
  listType: ListType;
  tenantId?: string;
  myTenantId?: string;
  myUserId?: string;
  canWrite: boolean;
  canReview: boolean;
}

function EntryTable({ listType, tenantId, myTenantId, myUserId, canWrite, canReview }: TableProps) {
  const { t } = useTranslation();
  const actionRef = useRef<ActionType>();
  const [history, setHistory] = useState<ListEntry | null>(null);
  const reload = () => actionRef.current?.reload();

  async function move(e: ListEntry, action: 'submit' | 'withdraw' | 'offline') {
    await api.post(`/catalog/list-entries/${encodeURIComponent(e.id)}/${action}`, {});
    getMessage().success(t(`lists.done.${action}`));
    reload();
  }

  async function remove(e: ListEntry) {
    await api.del(`/catalog/list-entries/${encodeURIComponent(e.id)}`);
    getMessage().success(t('common.deleted'));
    reload();
  }

  const actions = (e: ListEntry) => {
    const mine = canWrite && e.editable;
    const out = [];
    if (mine && (e.status === 'draft' || e.status === 'rejected')) out.push(<EntryModal key="edit" mode="edit" listType={listType} entry={e} tenantId={e.tenantId} onDone={reload} />);
    if (mine && e.status === 'published') out.push(<EntryModal key="revise" mode="revise" listType={listType} entry={e} tenantId={e.tenantId} onDone={reload} />);
    if (mine && (e.status === 'draft' || e.status === 'rejected'))
      out.push(
        <Tooltip key="submit" title={t('lists.action.submit')}>
          <Button type="link" size="small" icon={<SendOutlined />} onClick={() => void move(e, 'submit')} data-testid={`lists-submit-${e.id}`} />
        </Tooltip>,
      );
    if (canReview && e.status === 'pending' && e.createdBy !== myUserId) out.push(<ReviewModal key="review" entry={e} onDone={reload} />);
    if (mine && e.status === 'rejected') out.push(<ConfirmAction key="withdraw" icon={<RollbackOutlined />} title={t('lists.confirm.withdraw')} tip={t('lists.action.withdraw')} onConfirm={() => move(e, 'withdraw')} />);
    if (mine && e.status === 'published') out.push(<ConfirmAction key="offline" icon={<StopOutlined />} title={t('lists.confirm.offline')} tip={t('lists.action.offline')} onConfirm={() => move(e, 'offline')} />);
    if (mine && e.status === 'draft') out.push(<ConfirmAction key="delete" danger icon={<DeleteOutlined />} title={t('lists.confirm.delete')} tip={t('common.delete')} onConfirm={() => remove(e)} />);
    out.push(
      <Tooltip key="history" title={t('lists.action.history')}>
        <Button type="link" size="small" icon={<HistoryOutlined />} onClick={() => setHistory(e)} />
      </Tooltip>,
    );
    return out;
  };

  const columns: ProColumns<ListEntry>[] = [
    { title: t('common.keyword'), dataIndex: 'keyword', hideInTable: true, fieldProps: { placeholder: t('lists.keywordPlaceholder') } },
    {
      title: t('lists.item'),
      dataIndex: 'itemName',
      search: false,
      width: 220,
      render: (_, e) => (
        <Space direction="vertical" size={0}>
          <Typography.Text strong>{e.itemName}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {e.itemCode}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('lists.region'), dataIndex: 'tenantName', search: false, width: 130 },
    {
      title: t('lists.unit'),
      dataIndex: 'unitName',
      search: false,
      width: 220,
      render: (_, e) => (
        <Space size={4} wrap>
          <span>{e.unitName}</span>
          {!e.orgId && <Tag bordered={false}>{t('lists.external')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('lists.role'),
      dataIndex: 'role',
      // Room for the Uyghur labels, which are much longer than 主办/协办.
      width: 150,
      valueType: 'select',
      hideInTable: listType === 'negative',
      search: listType === 'negative' ? false : undefined,
      valueEnum: { lead: { text: t('lists.role.lead') }, assist: { text: t('lists.role.assist') } },
      render: (_, e) => <RoleTag role={e.role} />,
    },
    { title: t('lists.duty'), dataIndex: 'duty', search: false, ellipsis: true, width: 280 },
    { title: t('lists.legalBasis'), dataIndex: 'legalBasis', search: false, ellipsis: true, width: 180 },
    {
      title: t('common.status'),
      dataIndex: 'status',
      width: 110,
      valueType: 'select',
      valueEnum: Object.fromEntries(STATUSES.map((s) => [s, { text: t(`lists.status.${s}`) }])),
      render: (_, e) => (
        <Space direction="vertical" size={0}>
          <EntryStatusTag status={e.status} />
          {e.status === 'rejected' && e.reviewOpinion && (
            <Typography.Text type="danger" style={{ fontSize: 12 }} ellipsis={{ tooltip: e.reviewOpinion }}>
              {e.reviewOpinion}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: t('lists.version'), dataIndex: 'version', search: false, width: 70, render: (_, e) => `v${e.version}` },
    { title: t('common.updatedAt'), dataIndex: 'updatedAt', search: false, width: 170, render: (_, e) => formatDateTime(e.updatedAt) },
    { title: t('common.actions'), valueType: 'option', key: 'option', width: 190, fixed: 'right', render: (_, e) => actions(e) },
  ];

  return (
    <>
      <ProTable<ListEntry, { listType: ListType; tenantId?: string }>
        rowKey="id"
        actionRef={actionRef}
        columns={columns}
        params={{ listType, tenantId }}
        request={(params, sort, filter) => fetchPage<ListEntry>('/catalog/list-entries', toListQuery(params, sort, filter))}
        pagination={DEFAULT_PAGINATION}
        search={{ labelWidth: 'auto', defaultCollapsed: false }}
        scroll={{ x: 1700 }}
        headerTitle={t(`lists.type.${listType}`)}
        toolBarRender={() => [
          canWrite && myTenantId ? <EntryModal key="create" mode="create" listType={listType} tenantId={myTenantId} onDone={reload} /> : null,
          canWrite ? (
            <ExcelImportButton
              key="import"
              importUrl="/catalog/list-entries/import"
              query={{ listType }}
              hint={t('lists.importHint')}
              template={{ path: '/catalog/list-entries/template', query: { listType }, fileName: `${t(`lists.type.${listType}`)}-template.xlsx` }}
              toggles={[{ param: 'submit', label: t('lists.submitNow') }]}
              successText={(job) => ({ title: t('lists.importDone', { count: job.created }) })}
              onDone={reload}
              testIdPrefix="lists"
            />
          ) : null,
          <ExcelDownloadButton key="export" kind="export" path="/catalog/list-entries/export" query={{ listType, tenantId }} fileName={`${t(`lists.type.${listType}`)}.xlsx`} testId="lists-export" />,
        ]}
        options={{ density: true, reload: true, setting: true, fullScreen: false }}
        data-testid={`lists-table-${listType}`}
      />
      <HistoryDrawer entry={history} onClose={() => setHistory(null)} />
    </>
  );
}

function ConfirmAction({ icon, title, tip, danger, onConfirm }: { icon: JSX.Element; title: string; tip: string; danger?: boolean; onConfirm: () => Promise<void> }) {
  return (
    <Popconfirm title={title} okButtonProps={{ danger }} onConfirm={() => onConfirm().catch(() => undefined)}>
      <Tooltip title={tip}>
        <Button type="link" size="small" danger={danger} icon={icon} />
      </Tooltip>
    </Popconfirm>
  );
}

// ---------------------------------------------------------------- create / edit / revise

interface EntryValues {
  itemId?: string;
  unitKind: 'org' | 'external';
  orgId?: string;
  unitName?: string;
  role: ListRole;
  duty?: string;
  legalBasis?: string;
  submit?: boolean;
}

/** A new entry leaves orgId out for an external unit; a change sends null to drop the org. */
function bodyOf(v: EntryValues, creating: boolean): Record<string, unknown> {
  const external = v.unitKind === 'external';
  return {
    orgId: external ? (creating ? undefined : null) : v.orgId,
    unitName: external ? v.unitName?.trim() : undefined,
    role: v.role,
    duty: v.duty?.trim() ?? '',
    legalBasis: v.legalBasis?.trim() ?? '',
  };
}

function EntryModal({ mode, listType, entry, tenantId, onDone }: { mode: 'create' | 'edit' | 'revise'; listType: ListType; entry?: ListEntry; tenantId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const trigger =
    mode === 'create' ? (
      <Button type="primary" icon={<PlusOutlined />} data-testid="lists-create">
        {t('lists.create')}
      </Button>
    ) : (
      <Tooltip title={t(mode === 'edit' ? 'common.edit' : 'lists.action.revise')}>
        <Button type="link" size="small" icon={mode === 'edit' ? <EditOutlined /> : <AuditOutlined />} />
      </Tooltip>
    );
  const initial: EntryValues = entry
    ? { itemId: entry.itemId, unitKind: entry.orgId ? 'org' : 'external', orgId: entry.orgId ?? undefined, unitName: entry.unitName, role: entry.role, duty: entry.duty, legalBasis: entry.legalBasis }
    : { unitKind: 'org', role: 'lead' };

  async function save(v: EntryValues): Promise<boolean> {
    const body = bodyOf(v, mode === 'create');
    try {
      if (mode === 'create') await api.post('/catalog/list-entries', { listType, itemId: v.itemId, tenantId, ...body, submit: v.submit === true });
      else if (mode === 'edit') await api.patch(`/catalog/list-entries/${encodeURIComponent(entry!.id)}`, body);
      else await api.post(`/catalog/list-entries/${encodeURIComponent(entry!.id)}/revisions`, { ...body, submit: v.submit === true });
      getMessage().success(t(mode === 'revise' ? 'lists.done.revise' : 'common.saved'));
      onDone();
      return true;
    } catch {
      return false;
    }
  }

  return (
    <ModalForm<EntryValues>
      title={t(`lists.modal.${mode}`, { type: t(`lists.type.${listType}`) })}
      width={640}
      trigger={trigger}
      initialValues={initial}
      modalProps={{ destroyOnClose: true, maskClosable: false }}
      onFinish={save}
    >
      {mode === 'revise' && <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('lists.reviseHint', { version: (entry?.version ?? 1) + 1 })} />}
      {mode === 'create' ? (
        <ProFormSelect
          name="itemId"
          label={t('lists.item')}
          showSearch
          debounceTime={300}
          request={({ keyWords }: { keyWords?: string }) => itemOptions(tenantId, keyWords)}
          rules={[{ required: true, message: t('validation.required') }]}
          fieldProps={{ filterOption: false }}
        />
      ) : (
        <Descriptions size="small" column={1} style={{ marginBottom: 16 }} items={[{ key: 'item', label: t('lists.item'), children: `${entry?.itemCode ?? ''} ${entry?.itemName ?? ''}` }]} />
      )}
      <ProFormRadio.Group
        name="unitKind"
        label={t('lists.unitKind')}
        options={[
          { value: 'org', label: t('lists.unitKind.org') },
          { value: 'external', label: t('lists.unitKind.external') },
        ]}
      />
      <ProFormDependency name={['unitKind']}>
        {({ unitKind }: { unitKind?: string }) =>
          unitKind === 'external' ? (
            <ProFormText name="unitName" label={t('lists.unitName')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]} fieldProps={{ maxLength: 100 }} />
          ) : (
            <ProFormTreeSelect
              name="orgId"
              label={t('lists.unit')}
              request={() => unitOptions(tenantId)}
              rules={[{ required: true, message: t('validation.required') }]}
              fieldProps={{ showSearch: true, treeNodeFilterProp: 'title', treeDefaultExpandAll: true }}
            />
          )
        }
      </ProFormDependency>
      {listType !== 'negative' && (
        <ProFormRadio.Group
          name="role"
          label={t('lists.role')}
          options={[
            { value: 'lead', label: t('lists.role.lead') },
            { value: 'assist', label: t('lists.role.assist') },
          ]}
        />
      )}
      <ProFormTextArea name="duty" label={t(listType === 'negative' ? 'lists.negativeReason' : 'lists.duty')} fieldProps={{ maxLength: 2000, showCount: true, rows: 3 }} />
      <ProFormTextArea name="legalBasis" label={t('lists.legalBasis')} fieldProps={{ maxLength: 2000, rows: 2 }} />
      {mode !== 'edit' && <ProFormCheckbox name="submit">{t('lists.submitNow')}</ProFormCheckbox>}
    </ModalForm>
  );
}

// ---------------------------------------------------------------- review

function ReviewModal({ entry, onDone }: { entry: ListEntry; onDone: () => void }) {
  const { t } = useTranslation();
  // A ref, not state: the submit handler runs before a state update would re-render.
  const decision = useRef<'approve' | 'reject'>('approve');
  return (
    <ModalForm<{ opinion?: string }>
      title={t('lists.review.title')}
      width={560}
      trigger={
        <Tooltip title={t('lists.action.review')}>
          <Button type="link" size="small" icon={<AuditOutlined />} data-testid={`lists-review-${entry.id}`} />
        </Tooltip>
      }
      modalProps={{ destroyOnClose: true, maskClosable: false }}
      submitter={{
        render: (props) => [
          <Button
            key="reject"
            danger
            icon={<CloseOutlined />}
            onClick={() => {
              decision.current = 'reject';
              props.submit();
            }}
          >
            {t('lists.review.reject')}
          </Button>,
          <Button
            key="approve"
            type="primary"
            icon={<CheckOutlined />}
            onClick={() => {
              decision.current = 'approve';
              props.submit();
            }}
          >
            {t('lists.review.approve')}
          </Button>,
        ],
      }}
      onFinish={async (v) => {
        const verdict = decision.current;
        if (verdict === 'reject' && !v.opinion?.trim()) {
          getMessage().warning(t('lists.review.opinionRequired'));
          return false;
        }
        try {
          await api.post(`/catalog/list-entries/${encodeURIComponent(entry.id)}/${verdict}`, { opinion: v.opinion?.trim() ?? '' });
          getMessage().success(t(`lists.done.${verdict}`));
          onDone();
          return true;
        } catch {
          return false;
        }
      }}
    >
      <Descriptions
        size="small"
        column={1}
        bordered
        style={{ marginBottom: 16 }}
        items={[
          { key: 'item', label: t('lists.item'), children: `${entry.itemCode} ${entry.itemName}` },
          { key: 'region', label: t('lists.region'), children: entry.tenantName },
          { key: 'unit', label: t('lists.unit'), children: <Space>{entry.unitName}<RoleTag role={entry.role} /></Space> },
          { key: 'duty', label: t('lists.duty'), children: entry.duty || '-' },
          { key: 'basis', label: t('lists.legalBasis'), children: entry.legalBasis || '-' },
          { key: 'version', label: t('lists.version'), children: entry.replacesId ? t('lists.review.revision', { version: entry.version }) : `v${entry.version}` },
          { key: 'author', label: t('lists.author'), children: entry.createdByName ?? '-' },
        ]}
      />
      <ProFormTextArea name="opinion" label={t('lists.review.opinion')} placeholder={t('lists.review.opinionHint')} fieldProps={{ maxLength: 500, showCount: true, rows: 3 }} />
    </ModalForm>
  );
}

// ---------------------------------------------------------------- history

function HistoryDrawer({ entry, onClose }: { entry: ListEntry | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [versions, setVersions] = useState<ListEntry[]>([]);
  useEffect(() => {
    if (!entry) return;
    api
      .get<{ items: ListEntry[] }>(`/catalog/list-entries/${encodeURIComponent(entry.id)}/history`)
      .then((res) => setVersions(res.items ?? []))
      .catch(() => setVersions([]));
  }, [entry]);
  return (
    <Drawer open={!!entry} onClose={onClose} width={520} title={t('lists.history.title', { name: entry?.unitName ?? '' })} destroyOnClose>
      <Timeline
        items={versions.map((v) => ({
          color: v.status === 'published' ? 'green' : v.status === 'rejected' ? 'red' : 'gray',
          children: (
            <Space direction="vertical" size={2} style={{ width: '100%' }}>
              <Space>
                <Typography.Text strong>v{v.version}</Typography.Text>
                <EntryStatusTag status={v.status} />
                <Typography.Text type="secondary">{formatDateTime(v.updatedAt)}</Typography.Text>
              </Space>
              <span>
                {v.unitName} · <RoleTag role={v.role} />
              </span>
              {v.duty && <Typography.Text type="secondary">{v.duty}</Typography.Text>}
              {v.legalBasis && <Typography.Text type="secondary">{t('lists.legalBasis')}：{v.legalBasis}</Typography.Text>}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('lists.author')}：{v.createdByName ?? '-'}
                {v.reviewedByName ? ` · ${t('lists.reviewer')}：${v.reviewedByName}` : ''}
                {v.reviewOpinion ? ` · ${t('lists.review.opinion')}：${v.reviewOpinion}` : ''}
              </Typography.Text>
            </Space>
          ),
        }))}
      />
    </Drawer>
  );
}

// ---------------------------------------------------------------- recommendation tester

function UnitList({ title, units }: { title: string; units: RecommendedUnit[] }) {
  const { t } = useTranslation();
  return (
    <Card size="small" title={title}>
      {units.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('lists.recommend.none')} />
      ) : (
        <List
          size="small"
          dataSource={units}
          renderItem={(u) => (
            <List.Item>
              <List.Item.Meta title={<Space>{u.unitName}{u.orgCode && <Tag bordered={false}>{u.orgCode}</Tag>}</Space>} description={[u.duty, u.legalBasis].filter(Boolean).join(' · ') || undefined} />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

function RecommendDrawer({ open, onClose, regions, defaultTenantId }: { open: boolean; onClose: () => void; regions: TreeOption[]; defaultTenantId?: string }) {
  const { t } = useTranslation();
  const [tenantId, setTenantId] = useState<string | undefined>(defaultTenantId);
  const [itemId, setItemId] = useState<string | undefined>();
  const [items, setItems] = useState<{ label: string; value: string }[]>([]);
  const [result, setResult] = useState<Recommendation | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => setTenantId((v) => v ?? defaultTenantId), [defaultTenantId]);
  useEffect(() => {
    if (open) void itemOptions(tenantId).then(setItems);
  }, [open, tenantId]);
  useEffect(() => {
    if (!itemId || !tenantId) return setResult(null);
    setLoading(true);
    api
      .get<Recommendation>('/catalog/responsibility/recommend', { itemId, tenantId })
      .then(setResult)
      .catch(() => setResult(null))
      .finally(() => setLoading(false));
  }, [itemId, tenantId]);

  return (
    <Drawer open={open} onClose={onClose} width={560} title={t('lists.recommend.title')}>
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('lists.recommend.hint')}
        </Typography.Paragraph>
        <TreeSelect style={{ width: '100%' }} value={tenantId} onChange={setTenantId} treeData={regions} showSearch treeNodeFilterProp="title" placeholder={t('lists.region')} />
        <Select
          style={{ width: '100%' }}
          value={itemId}
          onChange={setItemId}
          options={items}
          showSearch
          filterOption={false}
          onSearch={(kw) => void itemOptions(tenantId, kw).then(setItems)}
          placeholder={t('lists.recommend.pickItem')}
          data-testid="lists-recommend-item"
        />
        {loading && <Progress percent={100} status="active" showInfo={false} size="small" />}
        {result && <RecommendResult result={result} />}
      </Space>
    </Drawer>
  );
}

function RecommendResult({ result }: { result: Recommendation }) {
  const { t } = useTranslation();
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="lists-recommend-result">
      {result.negative && <Alert type="warning" showIcon message={t('lists.recommend.negative')} description={[result.negative.duty, result.negative.legalBasis].filter(Boolean).join(' · ') || undefined} />}
      {result.source ? (
        <Alert
          type={result.inherited ? 'info' : 'success'}
          showIcon
          message={result.inherited ? t('lists.recommend.inherited', { region: result.source.tenantName }) : t('lists.recommend.own', { region: result.source.tenantName })}
        />
      ) : (
        <Result status="warning" title={t('lists.recommend.noSource')} />
      )}
      {result.source && <UnitList title={t('lists.role.lead')} units={result.lead} />}
      {result.source && <UnitList title={t('lists.role.assist')} units={result.assist} />}
    </Space>
  );
}
