import { useEffect, useMemo, useState } from 'react';
import {
  ModalForm,
  PageContainer,
  ProDescriptions,
  ProFormSelect,
  ProFormText,
  ProFormTreeSelect,
} from '@ant-design/pro-components';
import { Button, Card, Col, Empty, Input, Popconfirm, Row, Space, Spin, Tabs, Tag, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { EditOutlined, ImportOutlined, PlusOutlined, ReloadOutlined, StopOutlined, CheckCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { getMessage } from '../../api/feedback';
import type { TenantKind, TenantNode, TenantProducts } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { PERM } from '../../auth/permissions';
import { StatusTag } from '../../components/StatusTag';
import { filterTree, highlight } from '../../components/treeSearch';
import { ancestorIds, countNodes, findNode, invalidateTenantTree, tenantOptions, useTenantTree } from '../../components/useTenantTree';

const KINDS: TenantKind[] = ['region', 'xpcc', 'partner', 'enterprise'];
const KIND_COLORS: Record<TenantKind, string> = {
  region: 'blue',
  xpcc: 'volcano',
  partner: 'purple',
  enterprise: 'cyan',
};

interface CreateValues {
  parentId: string;
  code: string;
  name: string;
  kind: TenantKind;
}

interface EditValues {
  name: string;
  status: 'active' | 'disabled';
}

export default function TenantsPage() {
  const { t } = useTranslation();
  const { can, me } = useAuth();
  const { tree, loading } = useTenantTree();
  const [keyword, setKeyword] = useState('');
  const [selectedId, setSelectedId] = useState<string | undefined>();
  const [expanded, setExpanded] = useState<string[]>([]);
  const [autoExpand, setAutoExpand] = useState(true);
  const canWrite = can(PERM.tenantWrite);

  // Select the user's own tenant (or the first root) once the tree arrives.
  useEffect(() => {
    // Only when nothing is selected: after a create, the new id arrives with the reloaded tree.
    if (tree.length === 0 || selectedId) return;
    const own = findNode(tree, me?.user.tenantId);
    const first = own ?? tree[0];
    if (!first) return;
    setSelectedId(first.id);
    setExpanded((prev) => Array.from(new Set([...prev, ...(ancestorIds(tree, first.id) ?? []), first.id])));
  }, [tree, selectedId, me]);

  const filtered = useMemo(() => filterTree(tree, keyword), [tree, keyword]);
  useEffect(() => {
    if (keyword.trim()) {
      setExpanded(filtered.expand);
      setAutoExpand(true);
    }
  }, [keyword, filtered]);

  const treeData = useMemo(() => {
    const toData = (nodes: TenantNode[]): DataNode[] =>
      nodes.map((n) => ({
        key: n.id,
        title: (
          <span className={`tenant-node ${n.status === 'disabled' ? 'is-disabled' : ''}`}>
            <span className="tenant-node-name">{highlight(n.name, keyword)}</span>
            <Tag bordered={false} color={KIND_COLORS[n.kind]} className="tenant-node-kind">
              {t(`tenant.kind.${n.kind}`)}
            </Tag>
            {n.status === 'disabled' && <Tag bordered={false}>{t('status.disabled')}</Tag>}
          </span>
        ),
        children: n.children && n.children.length > 0 ? toData(n.children) : undefined,
      }));
    return toData(filtered.nodes);
  }, [filtered, keyword, t]);

  const selected = findNode(tree, selectedId);
  const parent = selected?.parentId ? findNode(tree, selected.parentId) : undefined;
  const total = useMemo(() => countNodes(tree), [tree]);

  const refresh = () => invalidateTenantTree();

  const importTownships = async (node: { id: string }) => {
    const res = await api.post<{ created: number; skipped: number }>(`/tenants/${encodeURIComponent(node.id)}/import-townships`, {});
    getMessage().success(t('tenant.importTownshipsDone', { created: res.created, skipped: res.skipped }));
    refresh();
  };

  const setStatus = async (node: TenantNode, status: 'active' | 'disabled') => {
    await api.patch(`/tenants/${encodeURIComponent(node.id)}`, { status });
    getMessage().success(t('common.saved'));
    refresh();
  };

  return (
    <PageContainer title={t('menu.system.tenants')} subTitle={t('tenant.subtitle')}>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={9} xl={8}>
          <Card
            title={
              <Space>
                {t('tenant.tree')}
                <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
                  {t('common.totalCount', { count: total })}
                </Typography.Text>
              </Space>
            }
            extra={
              <Space>
                <Button icon={<ReloadOutlined />} size="small" onClick={refresh} aria-label={t('common.refresh')} />
                {canWrite && (
                  <CreateTenantModal
                    tree={tree}
                    parentId={selectedId}
                    onCreated={(id) => {
                      refresh();
                      setSelectedId(id);
                      if (selectedId) setExpanded((e) => Array.from(new Set([...e, selectedId])));
                    }}
                  />
                )}
              </Space>
            }
            styles={{ body: { padding: 12 } }}
          >
            <Input.Search
              allowClear
              placeholder={t('tenant.searchPlaceholder')}
              onChange={(e) => setKeyword(e.target.value)}
              style={{ marginBottom: 8 }}
              data-testid="tenant-search"
            />
            <Spin spinning={loading}>
              {treeData.length === 0 && !loading ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
              ) : (
                <Tree
                  className="tenant-tree"
                  data-testid="tenant-tree"
                  treeData={treeData}
                  height={620}
                  virtual
                  blockNode
                  showLine={{ showLeafIcon: false }}
                  selectedKeys={selectedId ? [selectedId] : []}
                  expandedKeys={expanded}
                  autoExpandParent={autoExpand}
                  onExpand={(keys) => {
                    setExpanded(keys.map(String));
                    setAutoExpand(false);
                  }}
                  onSelect={(keys) => {
                    const k = keys[0];
                    if (k !== undefined) setSelectedId(String(k));
                  }}
                />
              )}
            </Spin>
          </Card>
        </Col>
        <Col xs={24} lg={15} xl={16}>
          <Card data-testid="tenant-detail">
            {!selected ? (
              <Empty description={t('tenant.selectHint')} />
            ) : (
              <>
                <div className="detail-head">
                  <Space align="center" wrap>
                    <Typography.Title level={4} style={{ margin: 0 }}>
                      {selected.name}
                    </Typography.Title>
                    <Tag color={KIND_COLORS[selected.kind]}>{t(`tenant.kind.${selected.kind}`)}</Tag>
                    <StatusTag value={selected.status} />
                  </Space>
                  {canWrite && (
                    <Space wrap>
                      <EditTenantModal node={selected} onSaved={refresh} />
                      {selected.level === 3 && /^\d{6}$/.test(selected.code) && (
                        <Popconfirm title={t('tenant.importTownshipsConfirm', { name: selected.name })} onConfirm={() => importTownships(selected)}>
                          <Button icon={<ImportOutlined />} data-testid="tenant-import-townships">
                            {t('tenant.importTownships')}
                          </Button>
                        </Popconfirm>
                      )}
                      {selected.status === 'active' ? (
                        <Popconfirm title={t('tenant.confirmDisable', { name: selected.name })} onConfirm={() => setStatus(selected, 'disabled')}>
                          <Button danger icon={<StopOutlined />}>
                            {t('common.disable')}
                          </Button>
                        </Popconfirm>
                      ) : (
                        <Button icon={<CheckCircleOutlined />} onClick={() => void setStatus(selected, 'active')}>
                          {t('common.enable')}
                        </Button>
                      )}
                    </Space>
                  )}
                </div>
                <Tabs
                  destroyOnHidden
                  items={[
                    {
                      key: 'info',
                      label: t('tenant.tab.info'),
                      children: (
                        <ProDescriptions<TenantNode>
                          column={{ xs: 1, md: 2 }}
                          bordered
                          size="small"
                          dataSource={selected}
                          columns={[
                            { title: t('tenant.name'), dataIndex: 'name' },
                            { title: t('tenant.code'), dataIndex: 'code', copyable: true },
                            { title: t('tenant.kind'), dataIndex: 'kind', render: (_, r) => t(`tenant.kind.${r.kind}`) },
                            { title: t('tenant.level'), dataIndex: 'level' },
                            { title: t('common.status'), dataIndex: 'status', render: (_, r) => <StatusTag value={r.status} /> },
                            { title: t('tenant.parent'), dataIndex: 'parentId', render: () => parent?.name ?? t('tenant.root') },
                            { title: t('tenant.childCount'), render: () => selected.children?.length ?? 0 },
                            { title: t('tenant.descendantCount'), render: () => countNodes(selected.children ?? []) },
                            { title: 'ID', dataIndex: 'id', copyable: true },
                          ]}
                        />
                      ),
                    },
                    {
                      key: 'children',
                      label: t('tenant.tab.children'),
                      children: <ChildList node={selected} onPick={setSelectedId} />,
                    },
                    {
                      key: 'products',
                      label: t('tenant.tab.products'),
                      children: <ProductConfig tenantId={selected.id} editable={canWrite} />,
                    },
                  ]}
                />
              </>
            )}
          </Card>
        </Col>
      </Row>
    </PageContainer>
  );
}

function ChildList({ node, onPick }: { node: TenantNode; onPick: (id: string) => void }) {
  const { t } = useTranslation();
  const kids = node.children ?? [];
  if (kids.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tenant.noChildren')} />;
  return (
    <div className="child-grid">
      {kids.map((c) => (
        <Card key={c.id} size="small" hoverable onClick={() => onPick(c.id)}>
          <Space direction="vertical" size={2}>
            <Typography.Text strong>{c.name}</Typography.Text>
            <Space size={4}>
              <Tag bordered={false} color={KIND_COLORS[c.kind]}>{t(`tenant.kind.${c.kind}`)}</Tag>
              <StatusTag value={c.status} />
            </Space>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {c.code}
            </Typography.Text>
          </Space>
        </Card>
      ))}
    </div>
  );
}

function CreateTenantModal({ tree, parentId, onCreated }: { tree: TenantNode[]; parentId?: string; onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  return (
    <ModalForm<CreateValues>
      title={t('tenant.create')}
      width={560}
      trigger={
        <Button type="primary" size="small" icon={<PlusOutlined />} data-testid="tenant-create">
          {t('tenant.create')}
        </Button>
      }
      modalProps={{ destroyOnClose: true, maskClosable: false }}
      initialValues={{ parentId, kind: 'region' }}
      onFinish={async (values) => {
        try {
          const created = await api.post<{ id?: string } | undefined>('/tenants', {
            parentId: values.parentId,
            code: values.code.trim(),
            name: values.name.trim(),
            kind: values.kind,
          });
          getMessage().success(t('common.created'));
          onCreated(created?.id ?? values.parentId);
          return true;
        } catch {
          return false;
        }
      }}
    >
      <ProFormTreeSelect
        name="parentId"
        label={t('tenant.parent')}
        rules={[{ required: true }]}
        fieldProps={{ treeData: tenantOptions(tree), showSearch: true, treeNodeFilterProp: 'title', listHeight: 360 }}
      />
      <ProFormText
        name="code"
        label={t('tenant.code')}
        tooltip={t('tenant.codeHint')}
        rules={[
          { required: true, message: t('validation.required') },
          { pattern: /^[A-Za-z0-9_.:-]{1,64}$/, message: t('validation.code') },
        ]}
        fieldProps={{ maxLength: 64 }}
      />
      <ProFormText name="name" label={t('tenant.name')} rules={[{ required: true, message: t('validation.required') }]} fieldProps={{ maxLength: 64 }} />
      <ProFormSelect
        name="kind"
        label={t('tenant.kind')}
        rules={[{ required: true }]}
        options={KINDS.map((k) => ({ value: k, label: t(`tenant.kind.${k}`) }))}
      />
    </ModalForm>
  );
}

function EditTenantModal({ node, onSaved }: { node: TenantNode; onSaved: () => void }) {
  const { t } = useTranslation();
  return (
    <ModalForm<EditValues>
      key={node.id}
      title={t('tenant.edit')}
      width={480}
      trigger={
        <Button icon={<EditOutlined />} data-testid="tenant-edit">
          {t('common.edit')}
        </Button>
      }
      modalProps={{ destroyOnClose: true }}
      initialValues={{ name: node.name, status: node.status }}
      onFinish={async (values) => {
        try {
          await api.patch(`/tenants/${encodeURIComponent(node.id)}`, { name: values.name.trim(), status: values.status });
          getMessage().success(t('common.saved'));
          onSaved();
          return true;
        } catch {
          return false;
        }
      }}
    >
      <ProFormText name="name" label={t('tenant.name')} rules={[{ required: true, message: t('validation.required') }]} />
      <ProFormSelect
        name="status"
        label={t('common.status')}
        options={[
          { value: 'active', label: t('status.active') },
          { value: 'disabled', label: t('status.disabled') },
        ]}
      />
    </ModalForm>
  );
}

const P = 'p:';
const M = 'm:';

function ProductConfig({ tenantId, editable }: { tenantId: string; editable: boolean }) {
  const { t } = useTranslation();
  const [data, setData] = useState<TenantProducts | null>(null);
  const [checked, setChecked] = useState<string[]>([]);
  const [loading, setLoading] = useState(false);
  const [saving, setSaving] = useState(false);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    api
      .get<TenantProducts>(`/tenants/${encodeURIComponent(tenantId)}/products`)
      .then((res) => {
        if (cancelled) return;
        setData(res);
        const keys: string[] = [];
        const productsWithMenus = new Set(res.menus.map((m) => m.product));
        for (const p of res.products) if (p.enabled && !productsWithMenus.has(p.key)) keys.push(P + p.key);
        for (const m of res.menus) if (m.enabled) keys.push(M + m.key);
        setChecked(keys);
      })
      .catch(() => !cancelled && setData(null))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [tenantId, tick]);

  const treeData = useMemo<DataNode[]>(() => {
    if (!data) return [];
    return data.products.map((p) => {
      const menus = data.menus.filter((m) => m.product === p.key);
      return {
        key: P + p.key,
        title: (
          <Space size={6}>
            <Typography.Text strong>{t(`menu.${p.key}`, { defaultValue: p.name })}</Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {p.key}
            </Typography.Text>
          </Space>
        ),
        children: menus.map((m) => ({
          key: M + m.key,
          title: (
            <Space size={6}>
              {t(m.titleKey, { defaultValue: m.titleKey || m.key })}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {m.key}
              </Typography.Text>
            </Space>
          ),
        })),
      };
    });
  }, [data, t]);

  const save = async () => {
    if (!data) return;
    const checkedSet = new Set(checked);
    const menus = data.menus.filter((m) => checkedSet.has(M + m.key)).map((m) => m.key);
    const menuProducts = new Set(data.menus.filter((m) => checkedSet.has(M + m.key)).map((m) => m.product));
    const products = data.products.filter((p) => checkedSet.has(P + p.key) || menuProducts.has(p.key)).map((p) => p.key);
    setSaving(true);
    try {
      await api.put(`/tenants/${encodeURIComponent(tenantId)}/products`, { products, menus });
      getMessage().success(t('common.saved'));
      setTick((n) => n + 1);
    } catch {
      /* shown by the client */
    } finally {
      setSaving(false);
    }
  };

  return (
    <Spin spinning={loading}>
      <Typography.Paragraph type="secondary">{t('tenant.productsHint')}</Typography.Paragraph>
      {treeData.length === 0 && !loading ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <Tree
          checkable
          selectable={false}
          disabled={!editable}
          defaultExpandAll
          key={`${tenantId}-${data ? 'loaded' : 'empty'}`}
          treeData={treeData}
          checkedKeys={checked}
          onCheck={(keys) => setChecked((Array.isArray(keys) ? keys : keys.checked).map(String))}
          data-testid="tenant-products-tree"
        />
      )}
      {editable && (
        <Space style={{ marginTop: 16 }}>
          <Button type="primary" loading={saving} onClick={() => void save()} disabled={!data} data-testid="tenant-products-save">
            {t('common.save')}
          </Button>
          <Button onClick={() => setTick((n) => n + 1)}>{t('common.reset')}</Button>
        </Space>
      )}
    </Spin>
  );
}
