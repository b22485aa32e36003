import { useEffect, useRef, useState } from 'react';
import {
  ModalForm,
  PageContainer,
  ProFormSelect,
  ProFormText,
  ProFormTextArea,
  ProFormTreeSelect,
  ProTable,
  type ActionType,
  type ProColumns,
} from '@ant-design/pro-components';
import { Badge, Button, Drawer, Space, Typography } from 'antd';
import { CheckOutlined, SendOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { getMessage } from '../../api/feedback';
import type { NotificationPage, NotificationRow, NotificationTarget } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { PERM } from '../../auth/permissions';
import { orgTreeOptions, searchUsers } from '../../components/formOptions';
import { useNotifications } from '../../realtime/NotificationContext';
import { formatDateTime } from '../../utils/format';
import { DEFAULT_PAGINATION, toListQuery } from '../../utils/proTable';

type Tab = 'unread' | 'all';

export default function MessagesPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { version, unread, markRead, syncUnread } = useNotifications();
  const actionRef = useRef<ActionType>();
  const [tab, setTab] = useState<Tab>('unread');
  const [open, setOpen] = useState<NotificationRow | null>(null);

  useEffect(() => {
    actionRef.current?.reload();
  }, [version]);

  const read = async (n: NotificationRow) => {
    if (n.readAt) return;
    try {
      await markRead(n.id);
      actionRef.current?.reload();
    } catch {
      /* shown */
    }
  };

  const columns: ProColumns<NotificationRow>[] = [
    {
      title: t('messages.titleCol'),
      dataIndex: 'title',
      render: (_, r) => (
        <Space>
          {!r.readAt && <Badge status="processing" />}
          <Typography.Link strong={!r.readAt} onClick={() => {
            setOpen(r);
            void read(r);
          }}>
            {r.title}
          </Typography.Link>
        </Space>
      ),
    },
    {
      title: t('messages.body'),
      dataIndex: 'body',
      ellipsis: true,
      responsive: ['lg'],
    },
    { title: t('messages.sender'), dataIndex: 'senderName', width: 140, render: (_, r) => r.senderName ?? t('messages.system') },
    { title: t('messages.createdAt'), dataIndex: 'createdAt', width: 170, render: (_, r) => formatDateTime(r.createdAt) },
    {
      title: t('messages.readAt'),
      dataIndex: 'readAt',
      width: 170,
      render: (_, r) => (r.readAt ? formatDateTime(r.readAt) : <Typography.Text type="warning">{t('messages.unread')}</Typography.Text>),
    },
    {
      title: t('common.actions'),
      valueType: 'option',
      width: 120,
      render: (_, r) =>
        r.readAt
          ? []
          : [
              <Button key="read" type="link" size="small" icon={<CheckOutlined />} onClick={() => void read(r)}>
                {t('messages.markRead')}
              </Button>,
            ],
    },
  ];

  return (
    <PageContainer
      title={t('menu.messages')}
      subTitle={t('messages.subtitle')}
      tabActiveKey={tab}
      onTabChange={(k) => setTab(k as Tab)}
      tabList={[
        { key: 'unread', tab: <Badge count={unread} size="small" offset={[10, 0]}>{t('messages.tabUnread')}</Badge> },
        { key: 'all', tab: t('messages.tabAll') },
      ]}
    >
      <ProTable<NotificationRow, { unread: boolean }>
        rowKey="id"
        actionRef={actionRef}
        columns={columns}
        params={{ unread: tab === 'unread' }}
        request={async (params) => {
          try {
            const res = await api.get<NotificationPage>('/notifications', toListQuery(params));
            if (typeof res.unread === 'number') syncUnread(res.unread);
            return { data: res.items ?? [], total: res.total ?? 0, success: true };
          } catch {
            return { data: [], total: 0, success: false };
          }
        }}
        pagination={DEFAULT_PAGINATION}
        search={false}
        headerTitle={tab === 'unread' ? t('messages.tabUnread') : t('messages.tabAll')}
        options={{ reload: true, density: true, setting: false }}
        toolBarRender={() => (can(PERM.notificationSend) ? [<SendModal key="send" onSent={() => actionRef.current?.reload()} />] : [])}
        data-testid="messages-table"
      />
      <Drawer open={open !== null} onClose={() => setOpen(null)} width={520} title={open?.title}>
        {open && (
          <>
            <Typography.Paragraph type="secondary">
              {open.senderName ?? t('messages.system')} · {formatDateTime(open.createdAt)}
            </Typography.Paragraph>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', fontSize: 15 }}>{open.body}</Typography.Paragraph>
          </>
        )}
      </Drawer>
    </PageContainer>
  );
}

interface SendValues {
  title: string;
  body: string;
  userIds?: string[];
  orgIds?: string[];
}

function SendModal({ onSent }: { onSent: () => void }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  return (
    <ModalForm<SendValues>
      title={t('messages.send')}
      width={620}
      trigger={
        <Button type="primary" icon={<SendOutlined />} data-testid="message-send">
          {t('messages.send')}
        </Button>
      }
      modalProps={{ destroyOnClose: true, maskClosable: false }}
      onFinish={async (v) => {
        const targets: NotificationTarget[] = [
          ...(v.userIds ?? []).map((id) => ({ type: 'user' as const, id })),
          ...(v.orgIds ?? []).map((id) => ({ type: 'org' as const, id })),
        ];
        if (targets.length === 0) {
          getMessage().warning(t('messages.needTarget'));
          return false;
        }
        try {
          await api.post('/notifications', { title: v.title.trim(), body: v.body, targets });
          getMessage().success(t('messages.sent'));
          onSent();
          return true;
        } catch {
          return false;
        }
      }}
    >
      <ProFormText name="title" label={t('messages.titleCol')} rules={[{ required: true, message: t('validation.required') }]} fieldProps={{ maxLength: 100, showCount: true }} />
      <ProFormTextArea name="body" label={t('messages.body')} rules={[{ required: true, message: t('validation.required') }]} fieldProps={{ rows: 5, maxLength: 2000, showCount: true }} />
      <ProFormSelect
        name="userIds"
        label={t('messages.toUsers')}
        mode="multiple"
        showSearch
        debounceTime={300}
        request={async ({ keyWords }: { keyWords?: string }) => searchUsers(keyWords)}
        fieldProps={{ filterOption: false }}
        placeholder={t('messages.toUsersPlaceholder')}
      />
      <ProFormTreeSelect
        name="orgIds"
        label={t('messages.toOrgs')}
        request={() => orgTreeOptions(me?.user.tenantId)}
        fieldProps={{ multiple: true, treeCheckable: false, showSearch: true, treeNodeFilterProp: 'title', treeDefaultExpandAll: true }}
        placeholder={t('messages.toOrgsPlaceholder')}
      />
    </ModalForm>
  );
}
