import { useMemo, useRef, useState } from 'react';
import { ModalForm, PageContainer, ProFormDigit, ProFormSwitch, ProFormText, ProFormTextArea, ProTable, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { Button, Segmented, Space, Tag, Tooltip, Typography } from 'antd';
import { EditOutlined, LockOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { getMessage } from '../../api/feedback';
import type { ConfigEntry, ItemsOf } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { PERM } from '../../auth/permissions';
import { formatDateTime, prettyJson } from '../../utils/format';

const ALL = '__all__';

function display(entry: ConfigEntry): string {
  const v = entry.value;
  if (entry.valueType === 'json') return typeof v === 'string' ? v : JSON.stringify(v);
  return v === null || v === undefined ? '' : String(v);
}

export default function ConfigPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const canWrite = can(PERM.configWrite) || can(PERM.securityConfigWrite);
  const actionRef = useRef<ActionType>();
  const [rows, setRows] = useState<ConfigEntry[]>([]);
  const [group, setGroup] = useState<string>(ALL);
  const groups = useMemo(() => Array.from(new Set(rows.map((r) => r.group))).sort(), [rows]);

  const columns: ProColumns<ConfigEntry>[] = [
    {
      title: t('config.key'),
      dataIndex: 'key',
      width: 260,
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <Space size={4}>
            <Typography.Text code copyable={{ text: r.key }}>
              {r.key}
            </Typography.Text>
            {r.security && (
              <Tooltip title={t('config.securityParam')}>
                <SafetyCertificateOutlined style={{ color: '#d48806' }} />
              </Tooltip>
            )}
          </Space>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(`config.desc.${r.key}`, { defaultValue: r.description ?? '' })}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('config.value'),
      dataIndex: 'value',
      ellipsis: true,
      render: (_, r) =>
        r.valueType === 'bool' ? (
          <Tag color={r.value === true || r.value === 'true' ? 'success' : 'default'}>
            {r.value === true || r.value === 'true' ? t('common.on') : t('common.off')}
          </Tag>
        ) : (
          <Typography.Text style={{ fontFamily: 'monospace' }} ellipsis={{ tooltip: display(r) }}>
            {display(r)}
          </Typography.Text>
        ),
    },
    { title: t('config.type'), dataIndex: 'valueType', width: 90, render: (_, r) => <Tag bordered={false}>{r.valueType}</Tag> },
    { title: t('config.group'), dataIndex: 'group', width: 130, render: (_, r) => t(`config.group.${r.group}`, { defaultValue: r.group }) },
    {
      title: t('common.updatedAt'),
      dataIndex: 'updatedAt',
      width: 200,
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <span>{formatDateTime(r.updatedAt)}</span>
          {r.updatedBy && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.updatedBy}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t('common.actions'),
      valueType: 'option',
      width: 90,
      hideInTable: !canWrite,
      // `editable` comes from the server: security parameters belong to the security admin,
      // the others to the system admin (三员分立).
      render: (_, r) =>
        r.editable === false
          ? [
              <Tooltip key="locked" title={r.security ? t('config.securityOnly') : t('config.systemOnly')}>
                <LockOutlined style={{ color: '#bfbfbf' }} />
              </Tooltip>,
            ]
          : [<EditConfigModal key="edit" entry={r} onDone={() => actionRef.current?.reload()} />],
    },
  ];

  return (
    <PageContainer title={t('menu.system.config')} subTitle={t('config.subtitle')}>
      <ProTable<ConfigEntry, { group: string }>
        rowKey="key"
        actionRef={actionRef}
        columns={columns}
        search={false}
        params={{ group }}
        request={async (p) => {
          try {
            const res = await api.get<ItemsOf<ConfigEntry>>('/config');
            const items = res.items ?? [];
            setRows(items);
            const data = p.group === ALL ? items : items.filter((i) => i.group === p.group);
            return { data, success: true, total: data.length };
          } catch {
            return { data: [], success: false, total: 0 };
          }
        }}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        headerTitle={
          <Segmented
            value={group}
            onChange={(v) => setGroup(String(v))}
            options={[{ value: ALL, label: t('common.all') }, ...groups.map((g) => ({ value: g, label: t(`config.group.${g}`, { defaultValue: g }) }))]}
          />
        }
        options={{ reload: true, density: true, setting: false }}
      />
    </PageContainer>
  );
}

function EditConfigModal({ entry, onDone }: { entry: ConfigEntry; onDone: () => void }) {
  const { t } = useTranslation();
  const initial =
    entry.valueType === 'bool'
      ? entry.value === true || entry.value === 'true'
      : entry.valueType === 'int'
        ? Number(entry.value)
        : entry.valueType === 'json'
          ? typeof entry.value === 'string'
            ? entry.value
            : prettyJson(entry.value)
          : display(entry);

  return (
    <ModalForm<{ value: unknown }>
      title={t('config.edit', { key: entry.key })}
      width={560}
      trigger={
        <Tooltip title={t('common.edit')}>
          <Button type="link" size="small" icon={<EditOutlined />} />
        </Tooltip>
      }
      modalProps={{ destroyOnClose: true, maskClosable: false }}
      initialValues={{ value: initial }}
      onFinish={async ({ value }) => {
        // Send the value with the same JSON type the server gave us (typed or string).
        const asString = typeof entry.value === 'string';
        let out: unknown = value;
        if (entry.valueType === 'json') {
          // The API takes integer | boolean | string: JSON travels as compact text.
          out = JSON.stringify(JSON.parse(String(value)));
        } else if (entry.valueType === 'int') {
          out = asString ? String(value) : Number(value);
        } else if (entry.valueType === 'bool') {
          out = asString ? String(Boolean(value)) : Boolean(value);
        }
        try {
          await api.put(`/config/${encodeURIComponent(entry.key)}`, { value: out });
          getMessage().success(t('common.saved'));
          onDone();
          return true;
        } catch {
          return false;
        }
      }}
    >
      {entry.description && <Typography.Paragraph type="secondary">{entry.description}</Typography.Paragraph>}
      {entry.valueType === 'bool' && <ProFormSwitch name="value" label={t('config.value')} />}
      {entry.valueType === 'int' && (
        <ProFormDigit name="value" label={t('config.value')} fieldProps={{ precision: 0 }} rules={[{ required: true, message: t('validation.required') }]} />
      )}
      {entry.valueType === 'string' && <ProFormText name="value" label={t('config.value')} />}
      {entry.valueType === 'json' && (
        <ProFormTextArea
          name="value"
          label={t('config.value')}
          fieldProps={{ rows: 10, style: { fontFamily: 'monospace' } }}
          rules={[
            {
              validator: async (_: unknown, v: unknown) => {
                try {
                  JSON.parse(String(v));
                } catch {
                  throw new Error(t('validation.json'));
                }
              },
            },
          ]}
        />
      )}
    </ModalForm>
  );
}
