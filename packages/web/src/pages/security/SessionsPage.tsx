import { useRef } from 'react';
import { PageContainer, ProTable, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { Button, Popconfirm, Space, Tag, Tooltip, Typography } from 'antd';
import { DisconnectOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { getMessage } from '../../api/feedback';
import type { SessionRow } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { PERM } from '../../auth/permissions';
import { formatDateTime, shortUserAgent } from '../../utils/format';
import { searchUsers } from '../../components/formOptions';
import { DEFAULT_PAGINATION, fetchPage, toListQuery } from '../../utils/proTable';

export default function SessionsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const canRevoke = can(PERM.sessionRevoke);
  const actionRef = useRef<ActionType>();

  const columns: ProColumns<SessionRow>[] = [
    {
      title: t('session.user'),
      dataIndex: 'userId',
      hideInTable: true,
      valueType: 'select',
      debounceTime: 300,
      request: async ({ keyWords }: { keyWords?: string }) => searchUsers(keyWords),
      fieldProps: { showSearch: true, filterOption: false, placeholder: t('session.userPlaceholder') },
    },
    {
      title: t('session.user'),
      dataIndex: 'username',
      search: false,
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <Space size={4}>
            <Typography.Text strong>{r.displayName}</Typography.Text>
            {r.current && (
              <Tag color="success" bordered={false}>
                {t('profile.currentSession')}
              </Tag>
            )}
          </Space>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.username}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('common.ip'), dataIndex: 'ip', search: false, copyable: true, width: 150 },
    {
      title: t('common.userAgent'),
      dataIndex: 'userAgent',
      search: false,
      ellipsis: true,
      render: (_, r) => <Tooltip title={r.userAgent}>{shortUserAgent(r.userAgent)}</Tooltip>,
    },
    { title: t('session.createdAt'), dataIndex: 'createdAt', search: false, width: 170, render: (_, r) => formatDateTime(r.createdAt) },
    {
      title: t('session.lastSeenAt'),
      dataIndex: 'lastSeenAt',
      search: false,
      width: 170,
      render: (_, r) => formatDateTime(r.lastSeenAt),
    },
    {
      title: t('common.actions'),
      valueType: 'option',
      width: 110,
      hideInTable: !canRevoke,
      render: (_, r) => [
        r.current ? null : <Popconfirm
          key="revoke"
          title={t('session.confirmRevoke', { name: r.displayName || r.username })}
          description={t('session.revokeHint')}
          okButtonProps={{ danger: true }}
          onConfirm={async () => {
            await api.del(`/sessions/${encodeURIComponent(r.id)}`);
            getMessage().success(t('session.revoked'));
            actionRef.current?.reload();
          }}
        >
          <Button type="link" size="small" danger icon={<DisconnectOutlined />}>
            {t('session.revoke')}
          </Button>
        </Popconfirm>,
      ],
    },
  ];

  return (
    <PageContainer title={t('menu.security.sessions')} subTitle={t('session.subtitle')}>
      <ProTable<SessionRow>
        rowKey="id"
        actionRef={actionRef}
        columns={columns}
        request={(params, sort, filter) => fetchPage<SessionRow>('/sessions', toListQuery(params, sort, filter))}
        pagination={DEFAULT_PAGINATION}
        search={{ labelWidth: 'auto' }}
        headerTitle={t('session.online')}
        options={{ reload: true, density: true, setting: true }}
        scroll={{ x: 900 }}
      />
    </PageContainer>
  );
}
