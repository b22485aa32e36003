import { useEffect, useMemo, useState } from 'react';
import { ModalForm, PageContainer, ProDescriptions, ProFormSelect, ProFormText } from '@ant-design/pro-components';
import { Button, Card, Col, Empty, Input, Popconfirm, Row, Space, Spin, Tag, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { ApartmentOutlined, DeleteOutlined, EditOutlined, PlusOutlined, TeamOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { getMessage } from '../../api/feedback';
import type { OrgKind, OrgNode } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { PERM } from '../../auth/permissions';
import { TenantPicker } from '../../components/TenantPicker';
import { filterTree, highlight } from '../../components/treeSearch';
import { countNodes, findNode, useOrgTree, useTenantTree } from '../../components/useTenantTree';

interface OrgValues {
  code: string;
  name: string;
  kind: OrgKind;
}

export default function OrgsPage() {
  const { t } = useTranslation();
  const { me, can } = useAuth();
  const canWrite = can(PERM.orgWrite);
  const { tree: tenants } = useTenantTree();
  const [tenantId, setTenantId] = useState<string | undefined>(me?.user.tenantId);
  const { tree, loading, reload } = useOrgTree(tenantId);
  const [selectedId, setSelectedId] = useState<string | undefined>();
  const [keyword, setKeyword] = useState('');
  const [expanded, setExpanded] = useState<string[]>([]);

  useEffect(() => {
    // Fall back to the first visible tenant when the user's own tenant is not in the tree.
    if (!tenantId && tenants[0]) setTenantId(tenants[0].id);
  }, [tenants, tenantId]);

  useEffect(() => {
    setSelectedId(undefined);
  }, [tenantId]);

  useEffect(() => {
    // Expand the first two levels by default.
    const keys: string[] = [];
    for (const n of tree) {
      keys.push(n.id);
      for (const c of n.children ?? []) keys.push(c.id);
    }
    setExpanded(keys);
  }, [tree]);

  const filtered = useMemo(() => filterTree(tree, keyword), [tree, keyword]);
  useEffect(() => {
    if (keyword.trim()) setExpanded(filtered.expand);
  }, [keyword, filtered]);

  const treeData = useMemo(() => {
    const toData = (nodes: OrgNode[]): DataNode[] =>
      nodes.map((n) => ({
        key: n.id,
        icon: n.kind === 'team' ? <TeamOutlined /> : <ApartmentOutlined />,
        title: (
          <span>
            {highlight(n.name, keyword)}
            <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 6 }}>
              {n.code}
            </Typography.Text>
          </span>
        ),
        children: n.children && n.children.length > 0 ? toData(n.children) : undefined,
      }));
    return toData(filtered.nodes);
  }, [filtered, keyword]);

  const selected = findNode(tree, selectedId);
  const parent = selected?.parentId ? findNode(tree, selected.parentId) : undefined;
  const tenantName = findNode(tenants, tenantId)?.name;

  const remove = async (node: OrgNode) => {
    await api.del(`/orgs/${encodeURIComponent(node.id)}`);
    getMessage().success(t('common.deleted'));
    setSelectedId(undefined);
    reload();
  };

  return (
    <PageContainer
      title={t('menu.system.orgs')}
      subTitle={t('org.subtitle')}
      extra={
        <Space>
          <Typography.Text type="secondary">{t('tenant.current')}</Typography.Text>
          <TenantPicker value={tenantId} onChange={setTenantId} testId="org-tenant-picker" style={{ width: 280 }} />
        </Space>
      }
    >
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10} xl={9}>
          <Card
            title={
              <Space>
                {t('org.tree')}
                <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
                  {t('common.totalCount', { count: countNodes(tree) })}
                </Typography.Text>
              </Space>
            }
            extra={
              canWrite && tenantId ? (
                <OrgModal
                  mode="create"
                  tenantId={tenantId}
                  parent={selected}
                  onDone={reload}
                  trigger={
                    <Button type="primary" size="small" icon={<PlusOutlined />} data-testid="org-create">
                      {selected ? t('org.createChild') : t('org.create')}
                    </Button>
                  }
                />
              ) : null
            }
            styles={{ body: { padding: 12 } }}
          >
            <Input.Search allowClear placeholder={t('org.searchPlaceholder')} onChange={(e) => setKeyword(e.target.value)} style={{ marginBottom: 8 }} />
            <Spin spinning={loading}>
              {treeData.length === 0 && !loading ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('org.empty')} />
              ) : (
                <Tree
                  showIcon
                  blockNode
                  height={600}
                  virtual
                  treeData={treeData}
                  expandedKeys={expanded}
                  onExpand={(keys) => setExpanded(keys.map(String))}
                  selectedKeys={selectedId ? [selectedId] : []}
                  onSelect={(keys) => setSelectedId(keys[0] === undefined ? undefined : String(keys[0]))}
                  data-testid="org-tree"
                />
              )}
            </Spin>
          </Card>
        </Col>
        <Col xs={24} lg={14} xl={15}>
          <Card title={t('org.detail')}>
            {!selected ? (
              <Empty description={t('org.selectHint', { tenant: tenantName ?? '' })} />
            ) : (
              <>
                <div className="detail-head">
                  <Space>
                    <Typography.Title level={4} style={{ margin: 0 }}>
                      {selected.name}
                    </Typography.Title>
                    <Tag color={selected.kind === 'team' ? 'geekblue' : 'blue'}>{t(`org.kind.${selected.kind}`)}</Tag>
                  </Space>
                  {canWrite && (
                    <Space wrap>
                      <OrgModal
                        mode="edit"
                        tenantId={selected.tenantId}
                        node={selected}
                        onDone={reload}
                        trigger={<Button icon={<EditOutlined />}>{t('common.edit')}</Button>}
                      />
                      <Popconfirm
                        title={t('org.confirmDelete', { name: selected.name })}
                        description={t('org.deleteHint')}
                        okButtonProps={{ danger: true }}
                        onConfirm={() => remove(selected)}
                      >
                        <Button danger icon={<DeleteOutlined />}>
                          {t('common.delete')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  )}
                </div>
                <ProDescriptions<OrgNode>
                  column={{ xs: 1, md: 2 }}
                  bordered
                  size="small"
                  dataSource={selected}
                  columns={[
                    { title: t('org.name'), dataIndex: 'name' },
                    { title: t('org.code'), dataIndex: 'code', copyable: true },
                    { title: t('org.kind'), dataIndex: 'kind', render: (_, r) => t(`org.kind.${r.kind}`) },
                    { title: t('org.parent'), render: () => parent?.name ?? t('org.root') },
                    { title: t('org.tenant'), render: () => tenantName ?? '-' },
                    { title: t('org.childCount'), render: () => selected.children?.length ?? 0 },
                    { title: 'ID', dataIndex: 'id', copyable: true },
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

function OrgModal({
  mode,
  tenantId,
  parent,
  node,
  onDone,
  trigger,
}: {
  mode: 'create' | 'edit';
  tenantId: string;
  parent?: OrgNode;
  node?: OrgNode;
  onDone: () => void;
  trigger: JSX.Element;
}) {
  const { t } = useTranslation();
  return (
    <ModalForm<OrgValues>
      key={node?.id ?? parent?.id ?? 'root'}
      title={mode === 'create' ? (parent ? t('org.createChildOf', { name: parent.name }) : t('org.create')) : t('org.edit')}
      width={500}
      trigger={trigger}
      modalProps={{ destroyOnClose: true, maskClosable: false }}
      initialValues={node ? { code: node.code, name: node.name, kind: node.kind } : { kind: 'department' }}
      onFinish={async (v) => {
        try {
          if (mode === 'create') {
            await api.post('/orgs', {
              tenantId,
              parentId: parent?.id,
              code: v.code.trim(),
              name: v.name.trim(),
              kind: v.kind,
            });
            getMessage().success(t('common.created'));
          } else if (node) {
            await api.patch(`/orgs/${encodeURIComponent(node.id)}`, { code: v.code.trim(), name: v.name.trim() });
            getMessage().success(t('common.saved'));
          }
          onDone();
          return true;
        } catch {
          return false;
        }
      }}
    >
      <ProFormText
        name="code"
        label={t('org.code')}
        rules={[
          { required: true, message: t('validation.required') },
          { pattern: /^[A-Za-z0-9_.:-]{1,64}$/, message: t('validation.code') },
        ]}
      />
      <ProFormText name="name" label={t('org.name')} rules={[{ required: true, message: t('validation.required') }]} fieldProps={{ maxLength: 64 }} />
      <ProFormSelect
        name="kind"
        label={t('org.kind')}
        disabled={mode === 'edit'}
        options={[
          { value: 'department', label: t('org.kind.department') },
          { value: 'team', label: t('org.kind.team') },
        ]}
      />
    </ModalForm>
  );
}
