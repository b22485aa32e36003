import { useRef, useState } from 'react';
import { PageContainer, ProTable, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { Alert, Button, Col, Descriptions, Row, Space, Tag, Tooltip, Typography } from 'antd';
import { CheckCircleOutlined, DownloadOutlined, SafetyCertificateOutlined, WarningOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, download, type Query } from '../../api/client';
import { getMessage, getModal } from '../../api/feedback';
import type { AuditLog, AuditVerifyResult } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { PERM } from '../../auth/permissions';
import { StatusTag } from '../../components/StatusTag';
import { formatDateTime, prettyJson, shortUserAgent } from '../../utils/format';
import { DEFAULT_PAGINATION, fetchPage, toListQuery } from '../../utils/proTable';

function hasBeforeAfter(v: unknown): v is { before?: unknown; after?: unknown } {
  return typeof v === 'object' && v !== null && ('before' in v || 'after' in v);
}

function JsonBlock({ title, value }: { title: string; value: unknown }) {
  return (
    <div className="json-block">
      <div className="json-block-title">{title}</div>
      <pre dir="ltr">{value === undefined ? '—' : prettyJson(value)}</pre>
    </div>
  );
}

/** Summary JSON of an audit record; before/after side by side when present. */
export function AuditSummary({ record }: { record: AuditLog }) {
  const { t } = useTranslation();
  const s = record.summary;
  return (
    <div className="audit-expanded">
      <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('audit.targetId')}>{record.targetId ?? '-'}</Descriptions.Item>
        <Descriptions.Item label={t('common.userAgent')}>{record.userAgent ?? '-'}</Descriptions.Item>
        <Descriptions.Item label={t('audit.tenantId')}>{record.tenantId ?? '-'}</Descriptions.Item>
      </Descriptions>
      {hasBeforeAfter(s) ? (
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <JsonBlock title={t('audit.before')} value={s.before} />
          </Col>
          <Col xs={24} md={12}>
            <JsonBlock title={t('audit.after')} value={s.after} />
          </Col>
          {Object.keys(s).some((k) => k !== 'before' && k !== 'after') && (
            <Col span={24} style={{ marginTop: 12 }}>
              <JsonBlock
                title={t('audit.summary')}
                value={Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'before' && k !== 'after'))}
              />
            </Col>
          )}
        </Row>
      ) : (
        <JsonBlock title={t('audit.summary')} value={s} />
      )}
    </div>
  );
}

export default function AuditLogsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const actionRef = useRef<ActionType>();
  const lastQuery = useRef<Query>({});
  const [exporting, setExporting] = useState(false);
  const [verifying, setVerifying] = useState(false);
  const [verifyResult, setVerifyResult] = useState<AuditVerifyResult | null>(null);

  const columns: ProColumns<AuditLog>[] = [
    {
      title: t('audit.at'),
      dataIndex: 'at',
      valueType: 'dateTimeRange',
      sorter: true,
      defaultSortOrder: 'descend',
      width: 170,
      render: (_, r) => formatDateTime(r.at),
      fieldProps: { style: { width: '100%' } },
    },
    { title: t('audit.actor'), dataIndex: 'actor', hideInTable: true },
    { title: t('audit.actor'), dataIndex: 'actorName', search: false, width: 120, render: (_, r) => r.actorName ?? '-' },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      width: 200,
      render: (_, r) => (
        <Tooltip title={r.action}>
          <Typography.Text>{t(`action.${r.action}`, { defaultValue: r.action })}</Typography.Text>
        </Tooltip>
      ),
    },
    {
      title: t('audit.targetType'),
      dataIndex: 'targetType',
      width: 120,
      render: (_, r) => (r.targetType ? <Tag bordered={false}>{t(`target.${r.targetType}`, { defaultValue: r.targetType })}</Tag> : '-'),
    },
    { title: t('audit.targetId'), dataIndex: 'targetId', ellipsis: true, width: 140, copyable: true },
    { title: t('common.ip'), dataIndex: 'ip', search: false, width: 130 },
    {
      title: t('common.userAgent'),
      dataIndex: 'userAgent',
      search: false,
      ellipsis: true,
      responsive: ['xl'],
      render: (_, r) => shortUserAgent(r.userAgent),
    },
    {
      title: t('audit.result'),
      dataIndex: 'result',
      width: 100,
      valueType: 'select',
      valueEnum: {
        success: { text: t('status.success'), status: 'Success' },
        failure: { text: t('status.failure'), status: 'Error' },
      },
      render: (_, r) => <StatusTag value={r.result} />,
    },
  ];

  const exportXlsx = async () => {
    setExporting(true);
    try {
      // Same filters as the table, without paging and sorting.
      const filters = Object.fromEntries(
        Object.entries(lastQuery.current).filter(([k]) => !['page', 'pageSize', 'sort', 'order'].includes(k)),
      );
      const name = await download('/audit/logs/export', filters, `audit-logs-${new Date().toISOString().slice(0, 10)}.xlsx`);
      getMessage().success(t('audit.exported', { name }));
    } catch {
      /* shown by the client */
    } finally {
      setExporting(false);
    }
  };

  const verify = async () => {
    setVerifying(true);
    try {
      const res = await api.post<AuditVerifyResult>('/audit/verify', {});
      setVerifyResult(res);
      const modal = getModal();
      if (res.ok) {
        modal.success({
          title: t('audit.verifyOkTitle'),
          content: t('audit.verifyOk', { count: res.checked }),
        });
      } else {
        modal.error({
          title: t('audit.verifyBrokenTitle'),
          content: t('audit.verifyBroken', { count: res.checked, id: res.firstBrokenId ?? '-' }),
        });
      }
    } catch {
      /* shown */
    } finally {
      setVerifying(false);
    }
  };

  return (
    <PageContainer title={t('menu.audit.logs')} subTitle={t('audit.subtitle')}>
      {verifyResult && (
        <Alert
          style={{ marginBottom: 16 }}
          showIcon
          closable
          onClose={() => setVerifyResult(null)}
          type={verifyResult.ok ? 'success' : 'error'}
          icon={verifyResult.ok ? <CheckCircleOutlined /> : <WarningOutlined />}
          data-testid="audit-verify-result"
          message={
            verifyResult.ok
              ? t('audit.verifyOk', { count: verifyResult.checked })
              : t('audit.verifyBroken', { count: verifyResult.checked, id: verifyResult.firstBrokenId ?? '-' })
          }
        />
      )}
      <div data-testid="audit-table">
        <ProTable<AuditLog>
          rowKey="id"
          actionRef={actionRef}
          columns={columns}
          request={(params, sort) => {
            const q = toListQuery(params, sort);
            lastQuery.current = q;
            return fetchPage<AuditLog>('/audit/logs', q);
          }}
          pagination={DEFAULT_PAGINATION}
          search={{ labelWidth: 'auto', defaultCollapsed: false, span: { xs: 24, sm: 12, md: 8, lg: 8, xl: 6, xxl: 6 } }}
          dateFormatter="string"
          headerTitle={
            <Space>
              <SafetyCertificateOutlined />
              {t('audit.tableTitle')}
            </Space>
          }
          expandable={{ expandedRowRender: (r) => <AuditSummary record={r} /> }}
          scroll={{ x: 1100 }}
          options={{ reload: true, density: true, setting: true }}
          toolBarRender={() => [
            can(PERM.auditVerify) ? (
              <Button key="verify" icon={<SafetyCertificateOutlined />} loading={verifying} onClick={() => void verify()} data-testid="audit-verify">
                {t('audit.verify')}
              </Button>
            ) : null,
            can(PERM.auditExport) ? (
              <Button key="export" type="primary" icon={<DownloadOutlined />} loading={exporting} onClick={() => void exportXlsx()} data-testid="audit-export">
                {t('audit.export')}
              </Button>
            ) : null,
          ]}
        />
      </div>
    </PageContainer>
  );
}
