import { useEffect, useRef, useState } from 'react';
import {
  ModalForm,
  PageContainer,
  ProForm,
  ProFormSelect,
  ProFormSwitch,
  ProFormText,
  ProTable,
  type ActionType,
  type ProColumns,
} from '@ant-design/pro-components';
import { Button, Col, Popconfirm, Space, Tag, Tooltip, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, EyeOutlined, LockOutlined, PlusOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { getMessage } from '../../api/feedback';
import type { DataScope, ItemsOf, Permission, Role } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { PERM } from '../../auth/permissions';
import { TenantPicker } from '../../components/TenantPicker';
import { useTenantTree } from '../../components/useTenantTree';
import { DEFAULT_PAGINATION, fetchPage, toListQuery } from '../../utils/proTable';
import { ADMIN_TYPE_COLORS, PermissionPicker } from './PermissionPicker';

const DATA_SCOPES: DataScope[] = ['self', 'org', 'org_subtree', 'tenant', 'tenant_subtree', 'all'];

interface RoleValues {
  code: string;
  name: string;
  dataScope: DataScope;
  permissions: string[];
  mfaRequired: boolean;
  shared: boolean;
}

export default function RolesPage() {
  const { t } = useTranslation();
  const { me, can } = useAuth();
  const canWrite = can(PERM.roleWrite);
  const actionRef = useRef<ActionType>();
  const { tree: tenants } = useTenantTree();
  const [tenantId, setTenantId] = useState<string | undefined>(me?.user.tenantId);
  const [permissions, setPermissions] = useState<Permission[]>([]);

  useEffect(() => {
    if (!tenantId && tenants[0]) setTenantId(tenants[0].id);
  }, [tenants, tenantId]);

  useEffect(() => {
    api
      .get<ItemsOf<Permission>>('/permissions')
      .then((res) => setPermissions(res.items ?? []))
      .catch(() => setPermissions([]));
  }, []);

  const reload = () => actionRef.current?.reload();

  const columns: ProColumns<Role>[] = [
    {
      title: t('role.name'),
      dataIndex: 'name',
      // The server returns every role of the tenant at once: sort locally.
      sorter: (a, b) => a.name.localeCompare(b.name, 'zh-CN'),
      render: (_, r) => (
        <Space size={4}>
          <Typography.Text strong>{r.name}</Typography.Text>
          {r.builtin && (
            <Tooltip title={t('role.builtinHint')}>
              <Tag icon={<LockOutlined />} bordered={false}>
                {t('role.builtin')}
              </Tag>
            </Tooltip>
          )}
          {r.shared && r.tenantId === tenantId && (
            <Tag color="cyan" bordered={false}>
              {t('role.shared')}
            </Tag>
          )}
          {r.tenantId !== tenantId && (
            <Tooltip title={t('role.inheritedHint')}>
              <Tag color="geekblue" bordered={false}>
                {t('role.inherited')}
              </Tag>
            </Tooltip>
          )}
        </Space>
      ),
    },
    { title: t('role.code'), dataIndex: 'code', sorter: (a, b) => a.code.localeCompare(b.code), copyable: true },
    {
      title: t('role.dataScope'),
      dataIndex: 'dataScope',
      search: false,
      render: (_, r) => t(`role.scope.${r.dataScope}`),
    },
    {
      title: t('role.adminTypeLabel'),
      dataIndex: 'adminType',
      search: false,
      render: (_, r) =>
        r.adminType ? (
          <Tag color={ADMIN_TYPE_COLORS[r.adminType]}>{t(`role.adminType.${r.adminType}`)}</Tag>
        ) : (
          <Typography.Text type="secondary">{t('role.adminType.none')}</Typography.Text>
        ),
    },
    {
      title: t('role.mfaRequired'),
      dataIndex: 'mfaRequired',
      search: false,
      render: (_, r) =>
        r.mfaRequired ? (
          <Tag color="orange" icon={<SafetyCertificateOutlined />} bordered={false}>
            {t('common.yes')}
          </Tag>
        ) : (
          t('common.no')
        ),
    },
    {
      title: t('role.permissionCount'),
      dataIndex: 'permissions',
      search: false,
      render: (_, r) => r.permissions.length,
    },
    {
      title: t('common.actions'),
      valueType: 'option',
      key: 'option',
      width: 140,
      render: (_, r) => {
        // Built-in roles and templates inherited from an ancestor tenant are read-only here.
        const readOnly = !canWrite || r.builtin || r.tenantId !== tenantId;
        return [
        <RoleModal
          key="edit"
          role={r}
          readOnly={readOnly}
          tenantId={r.tenantId}
          permissions={permissions}
          onDone={reload}
          trigger={
            <Button type="link" size="small" icon={readOnly ? <EyeOutlined /> : <EditOutlined />}>
              {readOnly ? t('common.view') : t('common.edit')}
            </Button>
          }
        />,
        readOnly ? null : (
          <Popconfirm
            key="del"
            title={t('role.confirmDelete', { name: r.name })}
            okButtonProps={{ danger: true }}
            onConfirm={async () => {
              await api.del(`/roles/${encodeURIComponent(r.id)}`);
              getMessage().success(t('common.deleted'));
              reload();
            }}
          >
            <Button type="link" size="small" danger icon={<DeleteOutlined />}>
              {t('common.delete')}
            </Button>
          </Popconfirm>
        ),
        ];
      },
    },
  ];

  return (
    <PageContainer
      title={t('menu.system.roles')}
      subTitle={t('role.subtitle')}
      extra={
        <Space>
          <Typography.Text type="secondary">{t('tenant.current')}</Typography.Text>
          <TenantPicker value={tenantId} onChange={setTenantId} style={{ width: 280 }} />
        </Space>
      }
    >
      <ProTable<Role, { tenantId?: string }>
        rowKey="id"
        actionRef={actionRef}
        columns={columns}
        params={{ tenantId }}
        request={(params, sort, filter) => fetchPage<Role>('/roles', toListQuery(params, sort, filter))}
        pagination={DEFAULT_PAGINATION}
        search={false}
        headerTitle={t('role.list')}
        options={{ density: true, reload: true, setting: true }}
        toolBarRender={() =>
          canWrite && tenantId
            ? [
                <RoleModal
                  key="create"
                  tenantId={tenantId}
                  permissions={permissions}
                  onDone={reload}
                  trigger={
                    <Button type="primary" icon={<PlusOutlined />} data-testid="role-create">
                      {t('role.create')}
                    </Button>
                  }
                />,
              ]
            : []
        }
        expandable={{
          expandedRowRender: (r) => (
            <Space size={[4, 6]} wrap>
              {r.permissions.map((p) => (
                <Tag key={p} bordered={false} title={p}>
                  {t(`perm.${p}`, { defaultValue: p })}
                </Tag>
              ))}
            </Space>
          ),
        }}
      />
    </PageContainer>
  );
}

function RoleModal({
  role,
  readOnly = false,
  tenantId,
  permissions,
  onDone,
  trigger,
}: {
  role?: Role;
  readOnly?: boolean;
  tenantId: string;
  permissions: Permission[];
  onDone: () => void;
  trigger: JSX.Element;
}) {
  const { t } = useTranslation();
  return (
    <ModalForm<RoleValues>
      title={role ? (readOnly ? role.name : t('role.edit', { name: role.name })) : t('role.create')}
      readonly={readOnly}
      submitter={readOnly ? { submitButtonProps: { style: { display: 'none' } }, resetButtonProps: { style: { display: 'none' } } } : undefined}
      width={880}
      grid
      rowProps={{ gutter: 16 }}
      trigger={trigger}
      modalProps={{ destroyOnClose: true, maskClosable: false, styles: { body: { maxHeight: '68vh', overflowY: 'auto' } } }}
      initialValues={
        role
          ? { code: role.code, name: role.name, dataScope: role.dataScope, permissions: role.permissions, mfaRequired: role.mfaRequired, shared: role.shared ?? false }
          : { dataScope: 'org', permissions: [], mfaRequired: false, shared: false }
      }
      onFinish={async (v) => {
        try {
          if (role) {
            await api.patch(`/roles/${encodeURIComponent(role.id)}`, {
              name: v.name.trim(),
              dataScope: v.dataScope,
              permissions: v.permissions ?? [],
              mfaRequired: v.mfaRequired,
              shared: v.shared,
            });
            getMessage().success(t('common.saved'));
          } else {
            await api.post('/roles', {
              tenantId,
              code: v.code.trim(),
              name: v.name.trim(),
              dataScope: v.dataScope,
              permissions: v.permissions ?? [],
              mfaRequired: v.mfaRequired,
              shared: v.shared,
            });
            getMessage().success(t('common.created'));
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
        label={t('role.code')}
        colProps={{ span: 8 }}
        disabled={Boolean(role)}
        rules={[
          { required: true, message: t('validation.required') },
          { pattern: /^[A-Za-z0-9_.:-]{1,64}$/, message: t('validation.code') },
        ]}
      />
      <ProFormText name="name" label={t('role.name')} colProps={{ span: 8 }} rules={[{ required: true, message: t('validation.required') }]} />
      <ProFormSelect
        name="dataScope"
        label={t('role.dataScope')}
        colProps={{ span: 8 }}
        rules={[{ required: true }]}
        options={DATA_SCOPES.map((s) => ({ value: s, label: t(`role.scope.${s}`) }))}
      />
      <ProFormSwitch name="mfaRequired" label={t('role.mfaRequired')} colProps={{ span: 12 }} tooltip={t('role.mfaRequiredHint')} />
      <ProFormSwitch name="shared" label={t('role.sharedLabel')} colProps={{ span: 12 }} tooltip={t('role.sharedHint')} />
      <Col span={24}>
        <ProForm.Item name="permissions" label={t('role.permissions')}>
          <PermissionPicker permissions={permissions} disabled={readOnly} />
        </ProForm.Item>
      </Col>
    </ModalForm>
  );
}
