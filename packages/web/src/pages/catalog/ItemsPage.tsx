import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { PageContainer, ProTable, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { Button, Card, Col, Empty, Input, Popconfirm, Row, Segmented, Select, Space, Spin, Tag, Tooltip, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { DeleteOutlined, EditOutlined, PlusOutlined, ReloadOutlined, StopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { getMessage } from '../../api/feedback';
import { useAuth } from '../../auth/AuthContext';
import { ExcelDownloadButton, ExcelImportButton } from '../../components/ExcelImport';
import { filterTree, highlight } from '../../components/treeSearch';
import { findNode } from '../../components/useTenantTree';
import { formatDateTime } from '../../utils/format';
import { DEFAULT_PAGINATION, fetchPage, toListQuery } from '../../utils/proTable';
import {
  CATALOG,
  CatalogStatusTag,
  ChangeStatusTag,
  enc,
  labelOf,
  useItemOptions,
  type AdoptionStatus,
  type CatalogStatus,
  type CategoryNode,
  type ImplementationRow,
  type ItemRow,
} from './ItemDetailModel';
import { CategoryFormModal, ItemFormModal } from './ItemDetailForm';
import { ItemDetailDrawer } from './ItemDetailDrawer';

const ALL = '__all__';
const STATUSES: CatalogStatus[] = ['draft', 'pending', 'published', 'rejected', 'offline', 'void'];

/**
 * 诉求事项目录与清单: the category tree on the left, the item list on the right (server-side
 * search, filters, paging and sorting), the item drawer, Excel import/export, and the caller's own
 * implementation list (实施清单) for items issued down from above.
 */
export default function ItemsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const canWrite = can('catalog:write');
  const [tree, setTree] = useState<CategoryNode[]>([]);
  const [treeLoading, setTreeLoading] = useState(false);
  const [categoryId, setCategoryId] = useState<string>();
  const [openId, setOpenId] = useState<string>();
  const [view, setView] = useState<'items' | 'implementation'>('items');
  const actionRef = useRef<ActionType>();

  const loadTree = useCallback(() => {
    setTreeLoading(true);
    void api
      .get<CategoryNode[]>(`${CATALOG}/categories/tree`)
      .then(setTree)
      .catch(() => setTree([]))
      .finally(() => setTreeLoading(false));
  }, []);
  useEffect(loadTree, [loadTree]);

  const reload = useCallback(() => {
    actionRef.current?.reload();
    loadTree();
  }, [loadTree]);
  const selected = findNode(tree, categoryId);

  return (
    <PageContainer
      title={t('menu.catalog.items')}
      subTitle={t('catalogItem.subtitle')}
      extra={
        <Segmented
          value={view}
          onChange={(v) => setView(v as 'items' | 'implementation')}
          options={[
            { value: 'items', label: t('catalogItem.view.items') },
            { value: 'implementation', label: t('catalogItem.view.implementation') },
          ]}
          data-testid="catalog-view-switch"
        />
      }
    >
      <Row gutter={[16, 16]} wrap={false} className="split-row">
        <Col flex="300px" className="split-side">
          <CategoryPanel tree={tree} loading={treeLoading} selectedId={categoryId} onSelect={setCategoryId} onChanged={loadTree} canWrite={canWrite} />
        </Col>
        <Col flex="auto" style={{ minWidth: 0 }}>
          {view === 'items' ? (
            <ItemTable actionRef={actionRef} tree={tree} category={selected} canWrite={canWrite} onOpen={setOpenId} onChanged={reload} />
          ) : (
            <ImplementationTable onOpen={setOpenId} />
          )}
        </Col>
      </Row>
      <ItemDetailDrawer itemId={openId} categories={tree} onClose={() => setOpenId(undefined)} onChanged={reload} />
    </PageContainer>
  );
}

// ---------------------------------------------------------------- category tree

function CategoryPanel({
  tree,
  loading,
  selectedId,
  onSelect,
  onChanged,
  canWrite,
}: {
  tree: CategoryNode[];
  loading: boolean;
  selectedId?: string;
  onSelect: (id: string | undefined) => void;
  onChanged: () => void;
  canWrite: boolean;
}) {
  const { t } = useTranslation();
  const [keyword, setKeyword] = useState('');
  const [expanded, setExpanded] = useState<string[]>([ALL]);
  const filtered = useMemo(() => filterTree(tree, keyword), [tree, keyword]);
  useEffect(() => {
    if (keyword.trim()) setExpanded([ALL, ...filtered.expand]);
  }, [keyword, filtered]);
  const selected = findNode(tree, selectedId);

  const treeData = useMemo<DataNode[]>(() => {
    const toData = (nodes: CategoryNode[]): DataNode[] =>
      nodes.map((n) => ({
        key: n.id,
        title: (
          <Space size={4}>
            <span>{highlight(n.name, keyword)}</span>
            {n.status !== 'published' && <CatalogStatusTag value={n.status} />}
            {n.itemCount > 0 && <Typography.Text type="secondary">({n.itemCount})</Typography.Text>}
          </Space>
        ),
        children: n.children.length ? toData(n.children) : undefined,
      }));
    return [{ key: ALL, title: t('catalogItem.allCategories'), children: toData(filtered.nodes) }];
  }, [filtered, keyword, t]);

  const remove = async (n: CategoryNode) => {
    await api.del(`${CATALOG}/categories/${enc(n.id)}`);
    getMessage().success(t('common.deleted'));
    onSelect(undefined);
    onChanged();
  };
  const offline = async (n: CategoryNode) => {
    await api.post(`${CATALOG}/categories/${enc(n.id)}/offline`, { submit: true });
    getMessage().success(t('catalogItem.submitted'));
    onChanged();
  };
  const own = selected && !selected.inherited;

  return (
    <Card
      title={t('catalogItem.categoryTree')}
      size="small"
      styles={{ body: { padding: 8 } }}
      extra={
        <Space size={0}>
          <Tooltip title={t('common.refresh')}>
            <Button type="text" size="small" icon={<ReloadOutlined />} onClick={onChanged} />
          </Tooltip>
          {canWrite && (!selected || own) && (
            <CategoryFormModal
              parent={selected}
              onDone={(id) => {
                onChanged();
                onSelect(id);
              }}
              trigger={
                <Tooltip title={t('catalogItem.category.create')}>
                  <Button type="text" size="small" icon={<PlusOutlined />} data-testid="catalog-category-create" />
                </Tooltip>
              }
            />
          )}
          {canWrite && own && selected.status !== 'pending' && selected.status !== 'void' && (
            <CategoryFormModal
              node={selected}
              onDone={onChanged}
              trigger={
                <Tooltip title={t('common.edit')}>
                  <Button type="text" size="small" icon={<EditOutlined />} />
                </Tooltip>
              }
            />
          )}
          {canWrite && own && selected.status === 'published' && (
            <Popconfirm title={t('catalogItem.category.confirmOffline', { name: selected.name })} onConfirm={() => offline(selected)}>
              <Tooltip title={t('catalogItem.lifecycle.offline')}>
                <Button type="text" size="small" icon={<StopOutlined />} />
              </Tooltip>
            </Popconfirm>
          )}
          {canWrite && own && (selected.status === 'draft' || selected.status === 'rejected') && (
            <Popconfirm title={t('catalogItem.category.confirmDelete', { name: selected.name })} okButtonProps={{ danger: true }} onConfirm={() => remove(selected)}>
              <Tooltip title={t('common.delete')}>
                <Button type="text" size="small" danger icon={<DeleteOutlined />} />
              </Tooltip>
            </Popconfirm>
          )}
        </Space>
      }
    >
      <Input.Search allowClear placeholder={t('catalogItem.categorySearch')} onChange={(e) => setKeyword(e.target.value)} style={{ marginBottom: 8 }} data-testid="catalog-category-search" />
      <Spin spinning={loading}>
        {tree.length === 0 && !loading ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
        ) : (
          <Tree
            blockNode
            height={600}
            virtual
            treeData={treeData}
            expandedKeys={expanded}
            selectedKeys={[selectedId ?? ALL]}
            onSelect={(keys) => {
              const k = keys[0] === undefined ? ALL : String(keys[0]);
              onSelect(k === ALL ? undefined : k);
            }}
            onExpand={(keys) => setExpanded(keys.map(String))}
            data-testid="catalog-category-tree"
          />
        )}
      </Spin>
      {selected && (
        <Typography.Paragraph type="secondary" style={{ margin: '8px 4px 0', fontSize: 12 }}>
          {t('catalogItem.category.info', { code: selected.code, level: selected.level, path: selected.pathNames.join(' / ') })}
        </Typography.Paragraph>
      )}
    </Card>
  );
}

// ---------------------------------------------------------------- items

// A type alias (not an interface) so it fits toListQuery's index signature.
type ItemParams = {
  q?: string;
  categoryId?: string;
  industry?: string;
  status?: CatalogStatus;
};

function ItemTable({
  actionRef,
  tree,
  category,
  canWrite,
  onOpen,
  onChanged,
}: {
  actionRef: React.MutableRefObject<ActionType | undefined>;
  tree: CategoryNode[];
  category?: CategoryNode;
  canWrite: boolean;
  onOpen: (id: string) => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const options = useItemOptions();
  const [q, setQ] = useState('');
  const [industry, setIndustry] = useState<string>();
  const [status, setStatus] = useState<CatalogStatus>();
  const params: ItemParams = { q: q || undefined, categoryId: category?.id, industry, status };

  const columns: ProColumns<ItemRow>[] = [
    {
      title: t('catalogItem.code'),
      dataIndex: 'code',
      sorter: true,
      width: 190,
      render: (_, r) => (
        <Typography.Link onClick={() => onOpen(r.id)} data-testid={`catalog-item-${r.code}`}>
          {r.code}
        </Typography.Link>
      ),
    },
    {
      title: t('catalogItem.name'),
      dataIndex: 'name',
      sorter: true,
      ellipsis: true,
      width: 280,
      render: (_, r) => (
        <Space size={4}>
          <Typography.Text>{r.name}</Typography.Text>
          {r.inherited && (
            <Tag color="purple" bordered={false}>
              {t('catalogItem.inheritedShort')}
            </Tag>
          )}
          {r.origin === 'local' && !r.inherited && (
            <Tag color="cyan" bordered={false}>
              {t('catalogItem.origin.local')}
            </Tag>
          )}
        </Space>
      ),
    },
    { title: t('catalogItem.category'), dataIndex: 'categoryName', ellipsis: true, width: 150 },
    { title: t('catalogItem.department'), dataIndex: 'department', ellipsis: true, width: 160, render: (_, r) => r.department || '-' },
    { title: t('catalogItem.industry'), dataIndex: 'industry', width: 130, render: (_, r) => labelOf(options.industry, r.industry) },
    {
      title: t('common.status'),
      dataIndex: 'status',
      width: 150,
      render: (_, r) => (
        <Space size={2} wrap>
          <CatalogStatusTag value={r.status} />
          {r.openChange && r.status === 'published' && <ChangeStatusTag value={r.openChange.status} />}
        </Space>
      ),
    },
    { title: t('catalogItem.version'), dataIndex: 'currentVersion', sorter: true, width: 80, render: (_, r) => (r.currentVersion ? `V${r.currentVersion}` : '-') },
    { title: t('catalogItem.lastUpdated'), dataIndex: 'updatedAt', sorter: true, width: 170, render: (_, r) => formatDateTime(r.updatedAt) },
  ];

  const exportQuery = { q: q || undefined, categoryId: category?.id, industry, status };
  return (
    <ProTable<ItemRow, ItemParams>
      rowKey="id"
      actionRef={actionRef}
      columns={columns}
      params={params}
      search={false}
      request={(p, sort, filter) => fetchPage<ItemRow>(`${CATALOG}/items`, toListQuery(p, sort, filter))}
      pagination={DEFAULT_PAGINATION}
      scroll={{ x: 1320 }}
      onRow={(r) => ({ onDoubleClick: () => onOpen(r.id) })}
      headerTitle={
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('catalogItem.searchPlaceholder')}
            onSearch={(v) => setQ(v.trim())}
            style={{ width: 300 }}
            data-testid="catalog-search"
          />
          <Select allowClear placeholder={t('catalogItem.industry')} value={industry} onChange={setIndustry} options={options.industry} style={{ width: 170 }} showSearch optionFilterProp="label" />
          <Select allowClear placeholder={t('common.status')} value={status} onChange={setStatus} options={STATUSES.map((s) => ({ value: s, label: t(`catalogItem.status.${s}`) }))} style={{ width: 130 }} />
        </Space>
      }
      toolBarRender={() => [
        canWrite ? (
          <ItemFormModal
            key="create"
            categories={tree}
            categoryId={category?.leaf ? category.id : undefined}
            onDone={(id) => {
              onChanged();
              onOpen(id);
            }}
            trigger={
              <Button type="primary" icon={<PlusOutlined />} data-testid="catalog-item-create">
                {t('catalogItem.create')}
              </Button>
            }
          />
        ) : null,
        canWrite ? (
          <ExcelImportButton
            key="import"
            importUrl={`${CATALOG}/items/import`}
            hint={t('catalogItem.importHint')}
            successText={(job) => ({ title: t('catalogItem.importDone', { count: job.created }), subTitle: t('catalogItem.importPending') })}
            onDone={onChanged}
            testIdPrefix="catalog-item"
            testIds={{ progress: 'catalog-import-progress', errors: 'catalog-import-errors' }}
          />
        ) : null,
        <ExcelDownloadButton key="export" kind="export" path={`${CATALOG}/items/export`} query={exportQuery} fileName="catalog-items.xlsx" testId="catalog-item-export" />,
        canWrite ? <ExcelDownloadButton key="template" kind="template" path={`${CATALOG}/items/template`} fileName="catalog-items-template.xlsx" testId="catalog-item-template" /> : null,
      ]}
      options={{ density: true, reload: true, setting: true, fullScreen: false }}
      data-testid="catalog-item-table"
    />
  );
}

// ---------------------------------------------------------------- implementation list

const ADOPTION_COLORS: Record<AdoptionStatus, string> = { new: 'blue', pending: 'orange', active: 'green', excluded: 'default' };

function ImplementationTable({ onOpen }: { onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<'inherited' | 'local'>();
  const [adoptionStatus, setAdoptionStatus] = useState<AdoptionStatus>();
  const tenantId = me?.user.tenantId;
  const columns: ProColumns<ImplementationRow>[] = [
    { title: t('catalogItem.code'), dataIndex: 'code', width: 190, render: (_, r) => <Typography.Link onClick={() => onOpen(r.itemId)}>{r.code}</Typography.Link> },
    { title: t('catalogItem.name'), dataIndex: 'name', ellipsis: true, width: 260 },
    { title: t('catalogItem.category'), dataIndex: 'categoryName', width: 150, ellipsis: true },
    { title: t('catalogItem.kind'), dataIndex: 'kind', width: 110, render: (_, r) => <Tag color={r.kind === 'inherited' ? 'purple' : 'cyan'} bordered={false}>{t(`catalogItem.kind.${r.kind}`)}</Tag> },
    { title: t('catalogItem.owner'), dataIndex: 'ownerTenantName', width: 150, ellipsis: true },
    {
      title: t('catalogItem.adoptionStatus'),
      dataIndex: 'adoptionStatus',
      width: 170,
      render: (_, r) =>
        r.adoptionStatus ? (
          <Space size={2}>
            <Tag color={ADOPTION_COLORS[r.adoptionStatus]} bordered={false}>
              {t(`catalogItem.adoption.${r.adoptionStatus}`)}
            </Tag>
            {r.hasUpdate && r.adoptionStatus !== 'new' && <Tag color="red">{t('catalogItem.hasUpdate')}</Tag>}
          </Space>
        ) : (
          <CatalogStatusTag value={r.itemStatus} />
        ),
    },
    { title: t('catalogItem.version'), width: 120, render: (_, r) => (r.kind === 'inherited' ? `V${r.adoptedVersion ?? 0} / V${r.currentVersion}` : `V${r.currentVersion}`) },
    { title: t('catalogItem.lastUpdated'), dataIndex: 'updatedAt', width: 170, render: (_, r) => formatDateTime(r.updatedAt) },
  ];
  if (!tenantId) return null;
  return (
    <ProTable<ImplementationRow, { q?: string; kind?: string; adoptionStatus?: string; tenantId: string }>
      rowKey="itemId"
      columns={columns}
      params={{ tenantId, q: q || undefined, kind, adoptionStatus }}
      search={false}
      request={(p) => fetchPage<ImplementationRow>(`${CATALOG}/implementation`, toListQuery(p))}
      pagination={DEFAULT_PAGINATION}
      scroll={{ x: 1330 }}
      headerTitle={
        <Space wrap>
          <Input.Search allowClear placeholder={t('catalogItem.searchPlaceholder')} onSearch={(v) => setQ(v.trim())} style={{ width: 300 }} />
          <Select allowClear placeholder={t('catalogItem.kind')} value={kind} onChange={setKind} style={{ width: 140 }} options={(['inherited', 'local'] as const).map((k) => ({ value: k, label: t(`catalogItem.kind.${k}`) }))} />
          <Select
            allowClear
            placeholder={t('catalogItem.adoptionStatus')}
            value={adoptionStatus}
            onChange={setAdoptionStatus}
            style={{ width: 150 }}
            options={(['new', 'pending', 'active', 'excluded'] as const).map((k) => ({ value: k, label: t(`catalogItem.adoption.${k}`) }))}
          />
        </Space>
      }
      options={{ density: true, reload: true, setting: false, fullScreen: false }}
      data-testid="catalog-implementation-table"
    />
  );
}
