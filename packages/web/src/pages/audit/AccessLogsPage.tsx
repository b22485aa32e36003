import { PageContainer, ProTable, type ProColumns } from '@ant-design/pro-components';
import { Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AccessLog } from '../../api/types';
import { formatDateTime } from '../../utils/format';
import { DEFAULT_PAGINATION, fetchPage, toListQuery } from '../../utils/proTable';

// Route modules as recorded by the server (third segment of /api/v1/<module>/...).
const MODULES = ['auth', 'me', 'tenants', 'orgs', 'users', 'roles', 'permissions', 'dicts', 'config', 'sessions', 'audit', 'notifications', 'ws'];

const METHOD_COLORS: Record<string, string> = { GET: 'blue', POST: 'green', PUT: 'orange', PATCH: 'gold', DELETE: 'red' };

function statusColor(s: number): string {
  if (s >= 500) return 'error';
  if (s >= 400) return 'warning';
  if (s >= 300) return 'processing';
  return 'success';
}

export default function AccessLogsPage() {
  const { t } = useTranslation();
  const columns: ProColumns<AccessLog>[] = [
    {
      title: t('audit.at'),
      dataIndex: 'at',
      valueType: 'dateTimeRange',
      width: 170,
      render: (_, r) => formatDateTime(r.at),
      fieldProps: { style: { width: '100%' } },
    },
    { title: t('user.username'), dataIndex: 'username', width: 140, render: (_, r) => r.username ?? '-' },
    {
      title: t('accessLog.module'),
      dataIndex: 'module',
      width: 120,
      render: (_, r) => (r.module ? <Tag bordered={false}>{t(`module.${r.module}`, { defaultValue: r.module })}</Tag> : '-'),
      valueType: 'select',
      fieldProps: { showSearch: true },
      valueEnum: Object.fromEntries(MODULES.map((m) => [m, { text: t(`module.${m}`, { defaultValue: m }) }])),
    },
    {
      title: t('accessLog.method'),
      dataIndex: 'method',
      width: 90,
      search: false,
      render: (_, r) => <Tag color={METHOD_COLORS[r.method] ?? 'default'}>{r.method}</Tag>,
    },
    {
      title: t('accessLog.path'),
      dataIndex: 'path',
      search: false,
      ellipsis: true,
      render: (_, r) => (
        <Typography.Text code ellipsis={{ tooltip: r.path }} dir="ltr">
          {r.path}
        </Typography.Text>
      ),
    },
    {
      title: t('accessLog.status'),
      dataIndex: 'status',
      width: 90,
      search: false,
      render: (_, r) => <Tag color={statusColor(r.status)}>{r.status}</Tag>,
    },
    { title: t('common.ip'), dataIndex: 'ip', width: 140, search: false },
    {
      title: t('accessLog.duration'),
      dataIndex: 'durationMs',
      search: false,
      width: 110,
      align: 'right',
      render: (_, r) => <span style={{ color: r.durationMs > 1000 ? '#cf1322' : undefined }}>{r.durationMs} ms</span>,
    },
  ];
  return (
    <PageContainer title={t('menu.audit.accessLogs')} subTitle={t('accessLog.subtitle')}>
      <ProTable<AccessLog>
        rowKey="id"
        columns={columns}
        request={(params, sort, filter) => fetchPage<AccessLog>('/audit/access-logs', toListQuery(params, sort, filter))}
        pagination={DEFAULT_PAGINATION}
        search={{ labelWidth: 'auto', defaultCollapsed: false }}
        dateFormatter="string"
        headerTitle={t('accessLog.title')}
        options={{ reload: true, density: true, setting: true }}
        scroll={{ x: 1000 }}
      />
    </PageContainer>
  );
}
