import { useRef, useState } from 'react';
import { PageContainer, ProTable, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { App, Button, Form, Input, Modal, Popconfirm, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { formatDateTime } from '../../utils/format';

interface Agent {
  userId: string;
  username: string;
  displayName: string;
  extension: string;
  updatedAt: string;
}

interface UserOption {
  id: string;
  username: string;
  displayName: string;
}

/** 坐席分机: which agent answers on which extension (the softphone registers exactly that one). */
export default function AgentsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const table = useRef<ActionType>(null);
  const [editing, setEditing] = useState<Partial<Agent> | null>(null);
  const [users, setUsers] = useState<UserOption[]>([]);
  const [form] = Form.useForm<{ userId: string; extension: string }>();

  const searchUsers = async (keyword: string) => {
    const res = await api.get<{ items: UserOption[] }>('/users', { keyword, pageSize: 20, status: 'active' });
    setUsers(res.items);
  };

  const save = async () => {
    const values = await form.validateFields();
    await api.put(`/telephony/agents/${values.userId}`, { extension: values.extension });
    message.success(t('common.saved', { defaultValue: '已保存' }));
    setEditing(null);
    table.current?.reload();
  };

  const columns: ProColumns<Agent>[] = [
    { title: t('agents.extension'), dataIndex: 'extension', width: 120 },
    { title: t('agents.user'), dataIndex: 'displayName', render: (_, r) => `${r.displayName}（${r.username}）` },
    { title: t('agents.updatedAt'), dataIndex: 'updatedAt', width: 200, render: (_, r) => formatDateTime(r.updatedAt) },
    {
      title: '',
      valueType: 'option',
      width: 160,
      render: (_, r) => [
        <a
          key="edit"
          onClick={() => {
            setUsers([{ id: r.userId, username: r.username, displayName: r.displayName }]);
            form.setFieldsValue({ userId: r.userId, extension: r.extension });
            setEditing(r);
          }}
        >
          {t('agents.assign')}
        </a>,
        <Popconfirm
          key="remove"
          title={t('agents.removeConfirm')}
          onConfirm={async () => {
            await api.del(`/telephony/agents/${r.userId}`);
            table.current?.reload();
          }}
        >
          <a>{t('agents.remove')}</a>
        </Popconfirm>,
      ],
    },
  ];

  return (
    <PageContainer title={t('menu.telephony.agents')}>
      <ProTable<Agent>
        rowKey="userId"
        actionRef={table}
        search={false}
        columns={columns}
        request={async () => {
          const res = await api.get<{ items: Agent[] }>('/telephony/agents');
          return { data: res.items, success: true, total: res.items.length };
        }}
        toolBarRender={() => [
          <Button
            key="add"
            type="primary"
            data-testid="agents-assign"
            onClick={() => {
              form.resetFields();
              setUsers([]);
              setEditing({});
            }}
          >
            {t('agents.assign')}
          </Button>,
        ]}
        pagination={false}
      />
      <Modal open={editing !== null} title={t('agents.assign')} onOk={() => void save()} onCancel={() => setEditing(null)} destroyOnClose>
        <Form form={form} layout="vertical">
          <Form.Item name="userId" label={t('agents.user')} rules={[{ required: true }]}>
            <Select
              showSearch
              filterOption={false}
              placeholder={t('agents.userSearch')}
              onSearch={(k) => void searchUsers(k)}
              onFocus={() => void searchUsers('')}
              disabled={Boolean(editing?.userId)}
              options={users.map((u) => ({ value: u.id, label: `${u.displayName}（${u.username}）` }))}
            />
          </Form.Item>
          <Form.Item name="extension" label={t('agents.extension')} rules={[{ required: true, pattern: /^[0-9]{3,8}$/, message: t('agents.extensionRule') }]}>
            <Input dir="ltr" maxLength={8} />
          </Form.Item>
        </Form>
      </Modal>
    </PageContainer>
  );
}
