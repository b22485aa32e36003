import { PageContainer, ProTable, type ProColumns } from '@ant-design/pro-components';
import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { LoginLog } from '../../api/types';
import { StatusTag } from '../../components/StatusTag';
import { formatDateTime, shortUserAgent } from '../../utils/format';
import { DEFAULT_PAGINATION, fetchPage, toListQuery } from '../../utils/proTable';

export default function LoginLogsPage() {
  const { t } = useTranslation();
  const columns: ProColumns<LoginLog>[] = [
    {
      title: t('audit.at'),
      dataIndex: 'at',
      valueType: 'dateTimeRange',
      width: 170,
      render: (_, r) => formatDateTime(r.at),
      fieldProps: { style: { width: '100%' } },
    },
    { title: t('user.username'), dataIndex: 'username', width: 160 },
    { title: t('common.ip'), dataIndex: 'ip', search: false, width: 140 },
    {
      title: t('common.userAgent'),
      dataIndex: 'userAgent',
      search: false,
      ellipsis: true,
      render: (_, r) => <Tooltip title={r.userAgent}>{shortUserAgent(r.userAgent)}</Tooltip>,
    },
    {
      title: t('audit.result'),
      dataIndex: 'result',
      width: 110,
      valueType: 'select',
      valueEnum: {
        success: { text: t('status.success'), status: 'Success' },
        failure: { text: t('status.failure'), status: 'Error' },
      },
      render: (_, r) => <StatusTag value={r.result} />,
    },
    {
      title: t('loginLog.reason'),
      dataIndex: 'reason',
      search: false,
      render: (_, r) => (r.reason ? <Tag bordered={false}>{t(`reason.${r.reason}`, { defaultValue: r.reason })}</Tag> : '-'),
    },
  ];
  return (
    <PageContainer title={t('menu.audit.loginLogs')} subTitle={t('loginLog.subtitle')}>
      <ProTable<LoginLog>
        rowKey="id"
        columns={columns}
        request={(params, sort, filter) => fetchPage<LoginLog>('/audit/login-logs', toListQuery(params, sort, filter))}
        pagination={DEFAULT_PAGINATION}
        search={{ labelWidth: 'auto', defaultCollapsed: false }}
        dateFormatter="string"
        headerTitle={t('loginLog.title')}
        options={{ reload: true, density: true, setting: true }}
        scroll={{ x: 900 }}
        data-testid="login-log-table"
      />
    </PageContainer>
  );
}
