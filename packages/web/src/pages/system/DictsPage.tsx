import { useRef, useState } from 'react';
import {
  ModalForm,
  PageContainer,
  ProFormDigit,
  ProFormText,
  ProFormTextArea,
  ProTable,
  type ActionType,
  type ProColumns,
} from '@ant-design/pro-components';
import { Button, Card, Col, Empty, Popconfirm, Row, Space, Switch, Typography } from 'antd';
import { BookOutlined, DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { getMessage } from '../../api/feedback';
import type { Dict, DictItem, ItemsOf } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { PERM } from '../../auth/permissions';

async function loadAll<T>(path: string): Promise<{ data: T[]; success: boolean; total: number }> {
  try {
    const res = await api.get<ItemsOf<T>>(path);
    const items = res.items ?? [];
    return { data: items, success: true, total: items.length };
  } catch {
    return { data: [], success: false, total: 0 };
  }
}

export default function DictsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const canWrite = can(PERM.dictWrite);
  const dictRef = useRef<ActionType>();
  const itemRef = useRef<ActionType>();
  const [current, setCurrent] = useState<Dict | null>(null);

  const dictColumns: ProColumns<Dict>[] = [
    {
      title: t('dict.name'),
      dataIndex: 'name',
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <Typography.Text strong>{r.name}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.code}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('dict.itemCount'), dataIndex: 'itemCount', width: 90, align: 'center' },
  ];

  const itemColumns: ProColumns<DictItem>[] = [
    { title: t('dict.item.value'), dataIndex: 'value', copyable: true },
    { title: t('dict.item.label'), dataIndex: 'label' },
    { title: t('dict.item.sort'), dataIndex: 'sort', width: 90, sorter: (a, b) => a.sort - b.sort, defaultSortOrder: 'ascend' },
    {
      title: t('dict.item.enabled'),
      dataIndex: 'enabled',
      width: 100,
      render: (_, r) => (
        <Switch
          size="small"
          checked={r.enabled}
          disabled={!canWrite || !current}
          onChange={async (enabled) => {
            if (!current) return;
            try {
              await api.patch(`/dicts/${encodeURIComponent(current.code)}/items/${encodeURIComponent(r.id)}`, { enabled });
              itemRef.current?.reload();
            } catch {
              /* shown */
            }
          }}
        />
      ),
    },
    {
      title: t('common.actions'),
      valueType: 'option',
      width: 150,
      hideInTable: !canWrite,
      render: (_, r) =>
        current
          ? [
              <ItemModal
                key="edit"
                dictCode={current.code}
                item={r}
                onDone={() => itemRef.current?.reload()}
                trigger={
                  <Button type="link" size="small" icon={<EditOutlined />}>
                    {t('common.edit')}
                  </Button>
                }
              />,
              <Popconfirm
                key="del"
                title={t('dict.item.confirmDelete', { label: r.label })}
                okButtonProps={{ danger: true }}
                onConfirm={async () => {
                  await api.del(`/dicts/${encodeURIComponent(current.code)}/items/${encodeURIComponent(r.id)}`);
                  getMessage().success(t('common.deleted'));
                  itemRef.current?.reload();
                  dictRef.current?.reload();
                }}
              >
                <Button type="link" size="small" danger icon={<DeleteOutlined />}>
                  {t('common.delete')}
                </Button>
              </Popconfirm>,
            ]
          : [],
    },
  ];

  return (
    <PageContainer title={t('menu.system.dicts')} subTitle={t('dict.subtitle')}>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={9}>
          <ProTable<Dict>
            rowKey="code"
            actionRef={dictRef}
            headerTitle={t('dict.list')}
            columns={dictColumns}
            search={false}
            options={{ reload: true, density: false, setting: false }}
            pagination={{ pageSize: 12, size: 'small' }}
            request={async () => {
              const res = await loadAll<Dict>('/dicts');
              if (!current && res.data[0]) setCurrent(res.data[0]);
              return res;
            }}
            onRow={(r) => ({ onClick: () => setCurrent(r), style: { cursor: 'pointer' } })}
            rowClassName={(r) => (r.code === current?.code ? 'row-selected' : '')}
            toolBarRender={() =>
              canWrite
                ? [
                    <DictModal
                      key="create"
                      onDone={(d) => {
                        dictRef.current?.reload();
                        setCurrent(d);
                      }}
                    />,
                  ]
                : []
            }
          />
        </Col>
        <Col xs={24} lg={15}>
          {!current ? (
            <Card>
              <Empty description={t('dict.selectHint')} />
            </Card>
          ) : (
            <ProTable<DictItem, { code: string }>
              key={current.code}
              rowKey="id"
              actionRef={itemRef}
              headerTitle={
                <Space>
                  <BookOutlined />
                  {current.name}
                  <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
                    {current.code}
                  </Typography.Text>
                </Space>
              }
              tooltip={current.description ?? undefined}
              columns={itemColumns}
              search={false}
              params={{ code: current.code }}
              request={(p) => loadAll<DictItem>(`/dicts/${encodeURIComponent(p.code)}/items`)}
              pagination={{ pageSize: 20 }}
              options={{ reload: true, density: true, setting: false }}
              toolBarRender={() =>
                canWrite
                  ? [
                      <ItemModal
                        key="create"
                        dictCode={current.code}
                        onDone={() => {
                          itemRef.current?.reload();
                          dictRef.current?.reload();
                        }}
                        trigger={
                          <Button type="primary" icon={<PlusOutlined />} data-testid="dict-item-create">
                            {t('dict.item.create')}
                          </Button>
                        }
                      />,
                    ]
                  : []
              }
            />
          )}
        </Col>
      </Row>
    </PageContainer>
  );
}

function DictModal({ onDone }: { onDone: (d: Dict) => void }) {
  const { t } = useTranslation();
  return (
    <ModalForm<{ code: string; name: string; description?: string }>
      title={t('dict.create')}
      width={480}
      trigger={
        <Button type="primary" icon={<PlusOutlined />} data-testid="dict-create">
          {t('dict.create')}
        </Button>
      }
      modalProps={{ destroyOnClose: true, maskClosable: false }}
      onFinish={async (v) => {
        try {
          const body = { code: v.code.trim(), name: v.name.trim(), description: v.description?.trim() || undefined };
          await api.post('/dicts', body);
          getMessage().success(t('common.created'));
          onDone({ ...body, description: body.description ?? null, itemCount: 0 });
          return true;
        } catch {
          return false;
        }
      }}
    >
      <ProFormText
        name="code"
        label={t('dict.code')}
        rules={[
          { required: true, message: t('validation.required') },
          { pattern: /^[A-Za-z0-9_.:-]{1,64}$/, message: t('validation.code') },
        ]}
      />
      <ProFormText name="name" label={t('dict.name')} rules={[{ required: true, message: t('validation.required') }]} />
      <ProFormTextArea name="description" label={t('common.description')} fieldProps={{ rows: 3, maxLength: 255, showCount: true }} />
    </ModalForm>
  );
}

function ItemModal({
  dictCode,
  item,
  onDone,
  trigger,
}: {
  dictCode: string;
  item?: DictItem;
  onDone: () => void;
  trigger: JSX.Element;
}) {
  const { t } = useTranslation();
  return (
    <ModalForm<{ value: string; label: string; sort: number }>
      title={item ? t('dict.item.edit') : t('dict.item.create')}
      width={460}
      trigger={trigger}
      modalProps={{ destroyOnClose: true, maskClosable: false }}
      initialValues={item ? { value: item.value, label: item.label, sort: item.sort } : { sort: 0 }}
      onFinish={async (v) => {
        try {
          // The value is the stable key stored in business data: it cannot change after creation.
          if (item) {
            await api.patch(`/dicts/${encodeURIComponent(dictCode)}/items/${encodeURIComponent(item.id)}`, {
              label: v.label.trim(),
              sort: v.sort ?? 0,
            });
          } else {
            await api.post(`/dicts/${encodeURIComponent(dictCode)}/items`, { value: v.value.trim(), label: v.label.trim(), sort: v.sort ?? 0 });
          }
          getMessage().success(item ? t('common.saved') : t('common.created'));
          onDone();
          return true;
        } catch {
          return false;
        }
      }}
    >
      <ProFormText
        name="value"
        label={t('dict.item.value')}
        disabled={Boolean(item)}
        tooltip={item ? t('dict.item.valueFixed') : undefined}
        rules={[{ required: true, message: t('validation.required') }]}
        fieldProps={{ maxLength: 64 }}
      />
      <ProFormText name="label" label={t('dict.item.label')} rules={[{ required: true, message: t('validation.required') }]} />
      <ProFormDigit name="sort" label={t('dict.item.sort')} min={0} max={100000} fieldProps={{ precision: 0 }} />
    </ModalForm>
  );
}
