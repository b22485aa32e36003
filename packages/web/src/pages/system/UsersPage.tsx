import { useEffect, useMemo, useRef, useState } from 'react';
import {
  ModalForm,
  PageContainer,
  ProFormDependency,
  ProFormSelect,
  ProFormText,
  ProFormTreeSelect,
  ProTable,
  type ActionType,
  type ProColumns,
} from '@ant-design/pro-components';
import { Button, Card, Col, Empty, Popconfirm, Row, Space, Spin, Tag, Tooltip, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import {
  DeleteOutlined,
  EditOutlined,
  KeyOutlined,
  PlusOutlined,
  UnlockOutlined,
  ApartmentOutlined,
  SafetyCertificateOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { getMessage } from '../../api/feedback';
import type { OrgNode, UserRow, UserStatus } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { PERM } from '../../auth/permissions';
import { StatusTag } from '../../components/StatusTag';
import { TenantPicker } from '../../components/TenantPicker';
import { orgTreeOptions, roleOptions } from '../../components/formOptions';
import { findNode, tenantOptions, useOrgTree, useTenantTree } from '../../components/useTenantTree';
import { formatDateTime } from '../../utils/format';
import { passwordStrengthOk } from '../../utils/forms';
import { DEFAULT_PAGINATION, fetchPage, toListQuery } from '../../utils/proTable';

const ALL_ORGS = '__all__';

export default function UsersPage() {
  const { t } = useTranslation();
  const { me, can } = useAuth();
  const canWrite = can(PERM.userWrite);
  const canGrant = can(PERM.userGrant);
  const canUnlock = can(PERM.userUnlock);
  const canReset = can(PERM.userResetPassword);
  const hasActions = canWrite || canGrant || canUnlock || canReset;
  const actionRef = useRef<ActionType>();
  const { tree: tenants } = useTenantTree();
  const [tenantId, setTenantId] = useState<string | undefined>(me?.user.tenantId);
  const [orgId, setOrgId] = useState<string | undefined>();
  const { tree: orgs, loading: orgLoading } = useOrgTree(tenantId);

  useEffect(() => {
    if (!tenantId && tenants[0]) setTenantId(tenants[0].id);
  }, [tenants, tenantId]);
  useEffect(() => setOrgId(undefined), [tenantId]);

  const orgTreeData = useMemo<DataNode[]>(() => {
    const toData = (nodes: OrgNode[]): DataNode[] =>
      nodes.map((n) => ({ key: n.id, title: n.name, children: n.children?.length ? toData(n.children) : undefined }));
    return [{ key: ALL_ORGS, title: t('user.allOrgs'), icon: <ApartmentOutlined />, children: toData(orgs) }];
  }, [orgs, t]);

  const reload = () => actionRef.current?.reload();

  const statusEnum = {
    active: { text: t('status.active'), status: 'Success' },
    disabled: { text: t('status.disabled'), status: 'Default' },
    locked: { text: t('status.locked'), status: 'Error' },
  };

  const columns: ProColumns<UserRow>[] = [
    {
      title: t('common.keyword'),
      dataIndex: 'keyword',
      hideInTable: true,
      fieldProps: { placeholder: t('user.keywordPlaceholder') },
    },
    {
      title: t('user.username'),
      dataIndex: 'username',
      sorter: true,
      search: false,
      width: 140,
      ellipsis: true,
      render: (_, r) => <Typography.Text strong>{r.username}</Typography.Text>,
    },
    { title: t('user.displayName'), dataIndex: 'displayName', sorter: true, search: false },
    { title: t('user.org'), dataIndex: 'orgName', search: false, ellipsis: true, render: (_, r) => r.orgName ?? '-' },
    { title: t('user.phone'), dataIndex: 'phoneMasked', search: false, render: (_, r) => r.phoneMasked ?? '-' },
    {
      title: t('user.roles'),
      dataIndex: 'roles',
      search: false,
      render: (_, r) =>
        r.roles.length === 0 ? (
          '-'
        ) : (
          <Space size={[0, 4]} wrap>
            {r.roles.map((role) => (
              <Tag key={role.id} color="blue" bordered={false}>
                {role.name}
              </Tag>
            ))}
          </Space>
        ),
    },
    {
      title: t('common.status'),
      dataIndex: 'status',
      valueType: 'select',
      valueEnum: statusEnum,
      render: (_, r) => <StatusTag value={r.status} />,
      width: 100,
    },
    {
      title: t('user.lastLoginAt'),
      dataIndex: 'lastLoginAt',
      sorter: true,
      search: false,
      render: (_, r) => formatDateTime(r.lastLoginAt),
      width: 170,
    },
    {
      title: t('common.createdAt'),
      dataIndex: 'createdAt',
      sorter: true,
      search: false,
      defaultSortOrder: 'descend',
      render: (_, r) => formatDateTime(r.createdAt),
      width: 170,
    },
    {
      title: t('common.actions'),
      valueType: 'option',
      key: 'option',
      width: 170,
      fixed: 'right',
      hideInTable: !hasActions,
      render: (_, r) => [
        canWrite || (canGrant && r.id !== me?.user.id) ? (
          <EditUserModal key="edit" user={r} onDone={reload} canWrite={canWrite} canGrant={canGrant && r.id !== me?.user.id} />
        ) : null,
        canReset ? <ResetPasswordModal key="reset" user={r} /> : null,
        canUnlock && r.status === 'locked' ? (
          <Popconfirm key="unlock" title={t('user.confirmUnlock', { name: r.displayName })} onConfirm={() => unlock(r)}>
            <Tooltip title={t('user.unlock')}>
              <Button type="link" size="small" icon={<UnlockOutlined />} />
            </Tooltip>
          </Popconfirm>
        ) : null,
        canWrite && r.id !== me?.user.id ? (
          <Popconfirm
            key="delete"
            title={t('user.confirmDelete', { name: r.displayName })}
            okButtonProps={{ danger: true }}
            onConfirm={() => remove(r)}
          >
            <Tooltip title={t('common.delete')}>
              <Button type="link" size="small" danger icon={<DeleteOutlined />} />
            </Tooltip>
          </Popconfirm>
        ) : null,
      ],
    },
  ];

  async function unlock(u: UserRow) {
    await api.post(`/users/${encodeURIComponent(u.id)}/unlock`, {});
    getMessage().success(t('user.unlocked'));
    reload();
  }

  async function remove(u: UserRow) {
    await api.del(`/users/${encodeURIComponent(u.id)}`);
    getMessage().success(t('common.deleted'));
    reload();
  }

  return (
    <PageContainer
      title={t('menu.system.users')}
      subTitle={t('user.subtitle')}
      extra={
        <Space>
          <Typography.Text type="secondary">{t('tenant.current')}</Typography.Text>
          <TenantPicker value={tenantId} onChange={setTenantId} testId="user-tenant-picker" style={{ width: 280 }} />
        </Space>
      }
    >
      <Row gutter={[16, 16]} wrap={false} className="split-row">
        <Col flex="260px" className="split-side">
          <Card title={t('org.tree')} size="small" styles={{ body: { padding: 8 } }}>
            <Spin spinning={orgLoading}>
              {orgTreeData.length === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
              ) : (
                <Tree
                  blockNode
                  showIcon={false}
                  height={560}
                  defaultExpandAll
                  key={`${tenantId ?? ''}-${orgs.length}`}
                  treeData={orgTreeData}
                  selectedKeys={[orgId ?? ALL_ORGS]}
                  onSelect={(keys) => {
                    const k = keys[0] === undefined ? ALL_ORGS : String(keys[0]);
                    setOrgId(k === ALL_ORGS ? undefined : k);
                  }}
                />
              )}
            </Spin>
          </Card>
        </Col>
        <Col flex="auto" style={{ minWidth: 0 }}>
          <ProTable<UserRow, { tenantId?: string; orgId?: string }>
            rowKey="id"
            actionRef={actionRef}
            columns={columns}
            params={{ tenantId, orgId }}
            request={(params, sort, filter) => fetchPage<UserRow>('/users', toListQuery(params, sort, filter))}
            pagination={DEFAULT_PAGINATION}
            search={{ labelWidth: 'auto', defaultCollapsed: false }}
            dateFormatter="string"
            scroll={{ x: 1240 }}
            headerTitle={findNode(orgs, orgId)?.name ?? findNode(tenants, tenantId)?.name ?? t('menu.system.users')}
            toolBarRender={() =>
              canWrite && tenantId
                ? [<CreateUserModal key="create" tenantId={tenantId} orgId={orgId} canGrant={canGrant} onDone={reload} />]
                : []
            }
            options={{ density: true, reload: true, setting: true, fullScreen: false }}
            data-testid="user-table"
          />
        </Col>
      </Row>
    </PageContainer>
  );
}

interface CreateUserValues {
  tenantId: string;
  orgId?: string;
  username: string;
  displayName: string;
  password: string;
  phone?: string;
  roleIds: string[];
}

function CreateUserModal({ tenantId, orgId, canGrant, onDone }: { tenantId: string; orgId?: string; canGrant: boolean; onDone: () => void }) {
  const { t } = useTranslation();
  const { tree } = useTenantTree();
  return (
    <ModalForm<CreateUserValues>
      title={t('user.create')}
      width={620}
      grid
      rowProps={{ gutter: 16 }}
      trigger={
        <Button type="primary" icon={<PlusOutlined />} data-testid="user-create">
          {t('user.create')}
        </Button>
      }
      modalProps={{ destroyOnClose: true, maskClosable: false }}
      initialValues={{ tenantId, orgId, roleIds: [] }}
      onFinish={async (v) => {
        try {
          await api.post('/users', {
            tenantId: v.tenantId,
            orgId: v.orgId,
            username: v.username.trim(),
            displayName: v.displayName.trim(),
            password: v.password,
            phone: v.phone?.trim() || undefined,
            // Assigning roles is the security admin's job (identity:user:grant).
            roleIds: canGrant && v.roleIds?.length ? v.roleIds : undefined,
          });
          getMessage().success(t('common.created'));
          onDone();
          return true;
        } catch {
          return false;
        }
      }}
    >
      <ProFormTreeSelect
        name="tenantId"
        label={t('user.tenant')}
        colProps={{ span: 12 }}
        rules={[{ required: true, message: t('validation.required') }]}
        fieldProps={{ treeData: tenantOptions(tree), showSearch: true, treeNodeFilterProp: 'title', listHeight: 320 }}
      />
      <ProFormDependency name={['tenantId']}>
        {({ tenantId: tid }: { tenantId?: string }) => (
          <ProFormTreeSelect
            name="orgId"
            label={t('user.org')}
            colProps={{ span: 12 }}
            params={{ tid }}
            request={() => orgTreeOptions(tid)}
            rules={[{ required: true, message: t('validation.required') }]}
            fieldProps={{ showSearch: true, treeNodeFilterProp: 'title', treeDefaultExpandAll: true }}
          />
        )}
      </ProFormDependency>
      <ProFormText
        name="username"
        label={t('user.username')}
        colProps={{ span: 12 }}
        rules={[
          { required: true, message: t('validation.required') },
          { pattern: /^[A-Za-z0-9_.@-]{3,64}$/, message: t('validation.username') },
        ]}
        fieldProps={{ autoComplete: 'off' }}
      />
      <ProFormText
        name="displayName"
        label={t('user.displayName')}
        colProps={{ span: 12 }}
        rules={[{ required: true, message: t('validation.required') }]}
        fieldProps={{ maxLength: 64 }}
      />
      <ProFormText.Password
        name="password"
        label={t('user.initialPassword')}
        colProps={{ span: 12 }}
        rules={[
          { required: true, message: t('validation.required') },
          { validator: async (_, v: string | undefined) => (!v || passwordStrengthOk(v) ? undefined : Promise.reject(new Error(t('validation.password')))) },
        ]}
        fieldProps={{ autoComplete: 'new-password' }}
      />
      <ProFormText
        name="phone"
        label={t('user.phone')}
        colProps={{ span: 12 }}
        rules={[{ pattern: /^[0-9+\- ]{5,20}$/, message: t('validation.phone') }]}
      />
      {canGrant ? (
        <ProFormDependency name={['tenantId']}>
          {({ tenantId: tid }: { tenantId?: string }) => (
            <ProFormSelect
              name="roleIds"
              label={t('user.roles')}
              mode="multiple"
              colProps={{ span: 24 }}
              params={{ tid }}
              request={() => roleOptions(tid)}
            />
          )}
        </ProFormDependency>
      ) : (
        <Typography.Paragraph type="secondary" style={{ paddingInline: 8 }}>
          {t('user.rolesByGrantHint')}
        </Typography.Paragraph>
      )}
    </ModalForm>
  );
}

interface EditUserValues {
  displayName: string;
  orgId?: string;
  phone?: string;
  status: UserStatus;
  roleIds: string[];
}

/**
 * Edits a user. Profile fields need identity:user:write (system admin); roles need
 * identity:user:grant (security admin). Only the parts the caller may change are sent.
 */
function EditUserModal({ user, onDone, canWrite, canGrant }: { user: UserRow; onDone: () => void; canWrite: boolean; canGrant: boolean }) {
  const { t } = useTranslation();
  const initialRoles = user.roles.map((r) => r.id);
  return (
    <ModalForm<EditUserValues>
      title={canWrite ? t('user.edit', { name: user.username }) : t('user.grantRoles', { name: user.username })}
      width={560}
      trigger={
        <Tooltip title={canWrite ? t('common.edit') : t('user.grant')}>
          <Button type="link" size="small" icon={canWrite ? <EditOutlined /> : <SafetyCertificateOutlined />} data-testid={`user-edit-${user.username}`} />
        </Tooltip>
      }
      modalProps={{ destroyOnClose: true, maskClosable: false }}
      initialValues={{
        displayName: user.displayName,
        orgId: user.orgId ?? undefined,
        status: user.status,
        roleIds: initialRoles,
      }}
      onFinish={async (v) => {
        const body: Record<string, unknown> = {};
        if (canWrite) {
          body.displayName = v.displayName.trim();
          if (v.orgId && v.orgId !== user.orgId) body.orgId = v.orgId;
          if (v.phone?.trim()) body.phone = v.phone.trim();
          if (v.status !== user.status && (v.status === 'active' || v.status === 'disabled')) body.status = v.status;
        }
        if (canGrant) {
          const next = v.roleIds ?? [];
          const changed = next.length !== initialRoles.length || next.some((id) => !initialRoles.includes(id));
          if (changed) body.roleIds = next;
        }
        try {
          await api.patch(`/users/${encodeURIComponent(user.id)}`, body);
          getMessage().success(t('common.saved'));
          onDone();
          return true;
        } catch {
          return false;
        }
      }}
    >
      {canWrite && (
        <>
          <ProFormText name="displayName" label={t('user.displayName')} rules={[{ required: true, message: t('validation.required') }]} />
          <ProFormTreeSelect
            name="orgId"
            label={t('user.org')}
            request={() => orgTreeOptions(user.tenantId)}
            fieldProps={{ showSearch: true, treeNodeFilterProp: 'title', treeDefaultExpandAll: true }}
          />
          <ProFormText
            name="phone"
            label={t('user.phone')}
            placeholder={user.phoneMasked ? t('user.phoneKeep', { phone: user.phoneMasked }) : undefined}
            rules={[{ pattern: /^[0-9+\- ]{5,20}$/, message: t('validation.phone') }]}
          />
          <ProFormSelect
            name="status"
            label={t('common.status')}
            extra={user.status === 'locked' ? t('user.lockedHint') : undefined}
            options={[
              { value: 'active', label: t('status.active') },
              { value: 'disabled', label: t('status.disabled') },
              ...(user.status === 'locked' ? [{ value: 'locked', label: t('status.locked'), disabled: true }] : []),
            ]}
          />
        </>
      )}
      {canGrant && (
        <ProFormSelect name="roleIds" label={t('user.roles')} mode="multiple" request={() => roleOptions(user.tenantId)} />
      )}
    </ModalForm>
  );
}

function ResetPasswordModal({ user }: { user: UserRow }) {
  const { t } = useTranslation();
  return (
    <ModalForm<{ newPassword: string; confirm: string }>
      title={t('user.resetPasswordOf', { name: user.username })}
      width={440}
      trigger={
        <Tooltip title={t('user.resetPassword')}>
          <Button type="link" size="small" icon={<KeyOutlined />} />
        </Tooltip>
      }
      modalProps={{ destroyOnClose: true, maskClosable: false }}
      onFinish={async (v) => {
        try {
          await api.post(`/users/${encodeURIComponent(user.id)}/reset-password`, { newPassword: v.newPassword });
          getMessage().success(t('user.passwordReset'));
          return true;
        } catch {
          return false;
        }
      }}
    >
      <Typography.Paragraph type="secondary">{t('user.resetPasswordHint')}</Typography.Paragraph>
      <ProFormText.Password
        name="newPassword"
        label={t('profile.newPassword')}
        rules={[
          { required: true, message: t('validation.required') },
          { validator: async (_, v: string | undefined) => (!v || passwordStrengthOk(v) ? undefined : Promise.reject(new Error(t('validation.password')))) },
        ]}
        fieldProps={{ autoComplete: 'new-password' }}
      />
      <ProFormText.Password
        name="confirm"
        label={t('profile.confirmPassword')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('validation.required') },
          ({ getFieldValue }) => ({
            validator: async (_, v: string | undefined) =>
              !v || v === getFieldValue('newPassword') ? undefined : Promise.reject(new Error(t('validation.passwordMismatch'))),
          }),
        ]}
      />
    </ModalForm>
  );
}
