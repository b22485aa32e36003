import { useEffect, useMemo, useRef, useState } from 'react';
import {
  ModalForm,
  PageContainer,
  ProFormList,
  ProFormSelect,
  ProFormText,
  ProFormTextArea,
  ProFormTreeSelect,
  ProTable,
  type ActionType,
  type ProColumns,
} from '@ant-design/pro-components';
import { Alert, Button, Descriptions, Drawer, Popconfirm, Space, Tag, Tooltip, Typography } from 'antd';
import { CheckOutlined, CloseOutlined, DeleteOutlined, EditOutlined, EyeOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, type Query } from '../../api/client';
import { getMessage } from '../../api/feedback';
import type { TenantNode } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { ExcelDownloadButton, ExcelImportButton } from '../../components/ExcelImport';
import { tenantOptions, type TreeOption } from '../../components/useTenantTree';
import { formatDateTime } from '../../utils/format';
import { DEFAULT_PAGINATION, fetchPage, toListQuery } from '../../utils/proTable';

// ---------------------------------------------------------------- API shapes (/api/v1/enterprises)

type EnterpriseStatus = 'pending' | 'approved' | 'rejected';

interface Contact {
  name: string;
  role: string;
  phoneMasked: string | null;
}

interface Enterprise {
  id: string;
  tenantId: string;
  tenantName: string;
  creditCode: string;
  name: string;
  ownership: string | null;
  industry: string | null;
  registeredRegion: string | null;
  registeredRegionName: string | null;
  address: string | null;
  legalPerson: string | null;
  contacts: Contact[];
  tags: string[];
  status: EnterpriseStatus;
  reviewOpinion: string | null;
  submittedBy: string | null;
  submittedByName: string | null;
  reviewedByName: string | null;
  reviewedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

interface Option {
  value: string;
  label: string;
}

interface Options {
  industries: Option[];
  ownerships: Option[];
  tags: string[];
  tenants: TenantNode[];
}

const PERM_WRITE = 'catalog:enterprise:write';
const PERM_APPROVE = 'catalog:enterprise:approve';
const STATUS_COLOR: Record<EnterpriseStatus, string> = { pending: 'processing', approved: 'success', rejected: 'error' };
const NO_OPTIONS: Options = { industries: [], ownerships: [], tags: [], tenants: [] };

// ---------------------------------------------------------------- credit code (GB 32100-2015)

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Instant feedback while typing; the server validates again and has the last word. */
function creditCodeLooksValid(raw: string): boolean {
  const code = raw.replace(/\s/g, '').toUpperCase();
  if (!/^[0-9A-HJ-NPQRTUW-Y]{18}$/.test(code)) return false;
  let sum = 0;
  let weight = 1;
  for (let i = 0; i < 17; i++) {
    sum += CHARSET.indexOf(code.charAt(i)) * weight;
    weight = (weight * 3) % 31;
  }
  return code.charAt(17) === CHARSET.charAt((31 - (sum % 31)) % 31);
}

// ---------------------------------------------------------------- helpers

function useOptions(): Options {
  const [options, setOptions] = useState<Options>(NO_OPTIONS);
  useEffect(() => {
    let alive = true;
    api
      .get<Options>('/enterprises/options')
      .then((o) => alive && setOptions(o))
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, []);
  return options;
}

const labelOf = (options: Option[], value: string | null) => (value ? (options.find((o) => o.value === value)?.label ?? value) : '-');
const valueEnumOf = (options: Option[]) => Object.fromEntries(options.map((o) => [o.value, { text: o.label }]));
const industryOptions = (options: Option[]) => options.map((o) => ({ value: o.value, label: `${o.value} ${o.label}` }));

function StatusBadge({ status }: { status: EnterpriseStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} bordered={false}>
      {t(`enterprise.status.${status}`)}
    </Tag>
  );
}

function TagList({ tags }: { tags: string[] }) {
  if (tags.length === 0) return <>-</>;
  return (
    <Space size={[0, 4]} wrap>
      {tags.map((tag) => (
        <Tag key={tag} color={tag === '涉企' ? 'volcano' : 'blue'} bordered={false}>
          {tag}
        </Tag>
      ))}
    </Space>
  );
}

// ---------------------------------------------------------------- page

export default function EnterprisesPage() {
  const { t } = useTranslation();
  const { me, can } = useAuth();
  const canWrite = can(PERM_WRITE);
  const canApprove = can(PERM_APPROVE);
  const options = useOptions();
  const actionRef = useRef<ActionType>();
  const lastQuery = useRef<Query>({});
  const [viewing, setViewing] = useState<Enterprise | null>(null);
  const reload = () => actionRef.current?.reload();
  const tenantTree = useMemo(() => tenantOptions(options.tenants), [options.tenants]);
  const mayReview = (r: Enterprise) => canApprove && r.status === 'pending' && r.submittedBy !== me?.user.id;

  async function remove(r: Enterprise) {
    await api.del(`/enterprises/${encodeURIComponent(r.id)}`);
    getMessage().success(t('common.deleted'));
    reload();
  }

  /** The export follows the table's current filters (not its page or sort order). */
  function exportFilters(): Query {
    const { page: _page, pageSize: _size, sort: _sort, order: _order, ...filters } = lastQuery.current;
    return filters;
  }

  const columns: ProColumns<Enterprise>[] = [
    { title: t('common.keyword'), dataIndex: 'keyword', hideInTable: true, fieldProps: { placeholder: t('enterprise.keywordPlaceholder') } },
    {
      title: t('enterprise.creditCode'),
      dataIndex: 'creditCode',
      search: false,
      sorter: true,
      width: 190,
      render: (_, r) => (
        <Typography.Text copyable code>
          {r.creditCode}
        </Typography.Text>
      ),
    },
    { title: t('enterprise.name'), dataIndex: 'name', search: false, sorter: true, ellipsis: true, width: 240 },
    { title: t('enterprise.ownership'), dataIndex: 'ownership', valueType: 'select', valueEnum: valueEnumOf(options.ownerships), width: 110, render: (_, r) => labelOf(options.ownerships, r.ownership) },
    {
      title: t('enterprise.industry'),
      dataIndex: 'industry',
      valueType: 'select',
      fieldProps: { options: industryOptions(options.industries), showSearch: true },
      ellipsis: true,
      width: 180,
      render: (_, r) => labelOf(options.industries, r.industry),
    },
    { title: t('enterprise.registeredRegion'), dataIndex: 'registeredRegion', search: false, width: 130, render: (_, r) => r.registeredRegionName ?? r.registeredRegion ?? '-' },
    {
      title: t('enterprise.tags'),
      dataIndex: 'tag',
      valueType: 'select',
      fieldProps: { options: options.tags.map((tag) => ({ value: tag, label: tag })), showSearch: true },
      width: 180,
      render: (_, r) => <TagList tags={r.tags} />,
    },
    {
      title: t('enterprise.tenant'),
      dataIndex: 'tenantId',
      valueType: 'treeSelect',
      fieldProps: { treeData: tenantTree, showSearch: true, treeNodeFilterProp: 'title', allowClear: true, popupMatchSelectWidth: false },
      width: 120,
      render: (_, r) => r.tenantName,
    },
    {
      title: t('common.status'),
      dataIndex: 'status',
      valueType: 'select',
      valueEnum: {
        pending: { text: t('enterprise.status.pending'), status: 'Processing' },
        approved: { text: t('enterprise.status.approved'), status: 'Success' },
        rejected: { text: t('enterprise.status.rejected'), status: 'Error' },
      },
      width: 100,
      render: (_, r) => <StatusBadge status={r.status} />,
    },
    { title: t('common.updatedAt'), dataIndex: 'updatedAt', search: false, sorter: true, defaultSortOrder: 'descend', width: 170, render: (_, r) => formatDateTime(r.updatedAt) },
    {
      title: t('common.actions'),
      valueType: 'option',
      key: 'option',
      fixed: 'right',
      width: 190,
      render: (_, r) => [
        <Tooltip key="view" title={t('common.view')}>
          <Button type="link" size="small" icon={<EyeOutlined />} onClick={() => setViewing(r)} data-testid={`enterprise-view-${r.creditCode}`} />
        </Tooltip>,
        canWrite ? <EnterpriseModal key="edit" enterprise={r} options={options} tenantTree={tenantTree} onDone={reload} /> : null,
        mayReview(r) ? <ReviewModal key="approve" enterprise={r} decision="approve" onDone={reload} /> : null,
        mayReview(r) ? <ReviewModal key="reject" enterprise={r} decision="reject" onDone={reload} /> : null,
        canWrite ? (
          <Popconfirm key="delete" title={t('enterprise.confirmDelete', { name: r.name })} okButtonProps={{ danger: true }} onConfirm={() => remove(r)}>
            <Tooltip title={t('common.delete')}>
              <Button type="link" size="small" danger icon={<DeleteOutlined />} data-testid={`enterprise-delete-${r.creditCode}`} />
            </Tooltip>
          </Popconfirm>
        ) : null,
      ],
    },
  ];

  const toolbar = () => [
    canWrite ? <EnterpriseModal key="create" options={options} tenantTree={tenantTree} defaultTenantId={me?.user.tenantId} onDone={reload} /> : null,
    canWrite ? (
      <ExcelImportButton
        key="import"
        importUrl="/enterprises/import"
        hint={t('enterprise.importHint')}
        tenantPicker={{ label: t('enterprise.importTenant'), treeData: tenantTree, defaultValue: me?.user.tenantId }}
        onDone={reload}
        testIdPrefix="enterprise"
      />
    ) : null,
    canWrite ? <ExcelDownloadButton key="template" kind="template" path="/enterprises/import-template" fileName="enterprise-template.xlsx" testId="enterprise-template" /> : null,
    canWrite || canApprove ? (
      <ExcelDownloadButton key="export" kind="export" path="/enterprises/export" query={exportFilters} fileName={`enterprises-${new Date().toISOString().slice(0, 10)}.xlsx`} testId="enterprise-export" />
    ) : null,
  ];

  return (
    <PageContainer title={t('menu.catalog.enterprises')} subTitle={t('enterprise.subtitle')}>
      <ProTable<Enterprise>
        rowKey="id"
        actionRef={actionRef}
        columns={columns}
        request={(params, sort, filter) => {
          lastQuery.current = toListQuery(params, sort, filter);
          return fetchPage<Enterprise>('/enterprises', lastQuery.current);
        }}
        pagination={DEFAULT_PAGINATION}
        search={{ labelWidth: 'auto', defaultCollapsed: false }}
        scroll={{ x: 1500 }}
        toolBarRender={toolbar}
        options={{ density: true, reload: true, setting: true, fullScreen: false }}
        data-testid="enterprise-table"
      />
      <EnterpriseDrawer enterprise={viewing} options={options} onClose={() => setViewing(null)} />
    </PageContainer>
  );
}

// ---------------------------------------------------------------- detail

function EnterpriseDrawer({ enterprise: e, options, onClose }: { enterprise: Enterprise | null; options: Options; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Drawer open={e !== null} onClose={onClose} width={560} title={e?.name} destroyOnClose>
      {e && (
        <Descriptions column={1} size="small" bordered labelStyle={{ width: 140 }}>
          <Descriptions.Item label={t('enterprise.creditCode')}>
            <Typography.Text copyable>{e.creditCode}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('enterprise.ownership')}>{labelOf(options.ownerships, e.ownership)}</Descriptions.Item>
          <Descriptions.Item label={t('enterprise.industry')}>{labelOf(options.industries, e.industry)}</Descriptions.Item>
          <Descriptions.Item label={t('enterprise.registeredRegion')}>{e.registeredRegionName ?? e.registeredRegion ?? '-'}</Descriptions.Item>
          <Descriptions.Item label={t('enterprise.address')}>{e.address ?? '-'}</Descriptions.Item>
          <Descriptions.Item label={t('enterprise.legalPerson')}>{e.legalPerson ?? '-'}</Descriptions.Item>
          <Descriptions.Item label={t('enterprise.contacts')}>
            {e.contacts.length === 0
              ? '-'
              : e.contacts.map((c) => (
                  <div key={c.name}>
                    {c.name}
                    {c.role ? `（${c.role}）` : ''} <span dir="ltr">{c.phoneMasked ?? ''}</span>
                  </div>
                ))}
          </Descriptions.Item>
          <Descriptions.Item label={t('enterprise.tags')}>
            <TagList tags={e.tags} />
          </Descriptions.Item>
          <Descriptions.Item label={t('enterprise.tenant')}>{e.tenantName}</Descriptions.Item>
          <Descriptions.Item label={t('common.status')}>
            <StatusBadge status={e.status} />
          </Descriptions.Item>
          <Descriptions.Item label={t('enterprise.submittedBy')}>{e.submittedByName ?? '-'}</Descriptions.Item>
          <Descriptions.Item label={t('enterprise.reviewedBy')}>
            {e.reviewedByName ? `${e.reviewedByName} · ${formatDateTime(e.reviewedAt)}` : '-'}
          </Descriptions.Item>
          <Descriptions.Item label={t('enterprise.reviewOpinion')}>{e.reviewOpinion ?? '-'}</Descriptions.Item>
          <Descriptions.Item label={t('common.updatedAt')}>{formatDateTime(e.updatedAt)}</Descriptions.Item>
        </Descriptions>
      )}
    </Drawer>
  );
}

// ---------------------------------------------------------------- create / edit

interface FormValues {
  tenantId?: string;
  creditCode: string;
  name: string;
  ownership?: string;
  industry?: string;
  registeredRegion?: string;
  address?: string;
  legalPerson?: string;
  tags?: string[];
  contacts?: { name: string; role?: string; phone?: string; phoneMasked?: string | null }[];
}

const blankToNull = (v: string | undefined) => (v?.trim() ? v.trim() : null);

/** The request body; a contact phone left empty keeps the number on file. */
function toBody(v: FormValues): Record<string, unknown> {
  return {
    ...(v.tenantId ? { tenantId: v.tenantId } : {}),
    creditCode: v.creditCode.trim(),
    name: v.name.trim(),
    ownership: v.ownership ?? null,
    industry: v.industry ?? null,
    registeredRegion: blankToNull(v.registeredRegion),
    address: blankToNull(v.address),
    legalPerson: blankToNull(v.legalPerson),
    tags: v.tags ?? [],
    contacts: (v.contacts ?? [])
      .filter((c) => c.name?.trim())
      .map((c) => ({ name: c.name.trim(), role: c.role?.trim() ?? '', ...(c.phone?.trim() ? { phone: c.phone.trim() } : {}) })),
  };
}

function initialValues(e: Enterprise | undefined, defaultTenantId: string | undefined): Partial<FormValues> {
  if (!e) return { tenantId: defaultTenantId, tags: [], contacts: [] };
  return {
    tenantId: e.tenantId,
    creditCode: e.creditCode,
    name: e.name,
    ownership: e.ownership ?? undefined,
    industry: e.industry ?? undefined,
    registeredRegion: e.registeredRegion ?? undefined,
    address: e.address ?? undefined,
    legalPerson: e.legalPerson ?? undefined,
    tags: e.tags,
    contacts: e.contacts.map((c) => ({ name: c.name, role: c.role, phoneMasked: c.phoneMasked })),
  };
}

function EnterpriseModal({
  enterprise,
  options,
  tenantTree,
  defaultTenantId,
  onDone,
}: {
  enterprise?: Enterprise;
  options: Options;
  tenantTree: TreeOption[];
  defaultTenantId?: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const editing = enterprise !== undefined;
  const trigger = editing ? (
    <Tooltip title={t('common.edit')}>
      <Button type="link" size="small" icon={<EditOutlined />} data-testid={`enterprise-edit-${enterprise.creditCode}`} />
    </Tooltip>
  ) : (
    <Button type="primary" icon={<PlusOutlined />} data-testid="enterprise-create">
      {t('enterprise.create')}
    </Button>
  );
  return (
    <ModalForm<FormValues>
      title={editing ? t('enterprise.edit', { name: enterprise.name }) : t('enterprise.create')}
      width={720}
      grid
      rowProps={{ gutter: 16 }}
      trigger={trigger}
      modalProps={{ destroyOnClose: true, maskClosable: false }}
      initialValues={initialValues(enterprise, defaultTenantId)}
      onFinish={async (v) => {
        try {
          const body = toBody(v);
          if (editing) await api.patch(`/enterprises/${encodeURIComponent(enterprise.id)}`, body);
          else await api.post('/enterprises', body);
          getMessage().success(t('enterprise.submitted'));
          onDone();
          return true;
        } catch {
          return false;
        }
      }}
    >
      <Alert type="info" showIcon message={t('enterprise.reviewHint')} style={{ marginBottom: 16, width: '100%' }} />
      <ProFormText
        name="creditCode"
        label={t('enterprise.creditCode')}
        colProps={{ span: 12 }}
        fieldProps={{ maxLength: 18, style: { textTransform: 'uppercase' } }}
        rules={[
          { required: true, message: t('validation.required') },
          { validator: async (_, v: string | undefined) => (!v || creditCodeLooksValid(v) ? undefined : Promise.reject(new Error(t('enterprise.creditCodeInvalid')))) },
        ]}
      />
      <ProFormText name="name" label={t('enterprise.name')} colProps={{ span: 12 }} fieldProps={{ maxLength: 200 }} rules={[{ required: true, whitespace: true, message: t('validation.required') }]} />
      <ProFormSelect name="ownership" label={t('enterprise.ownership')} colProps={{ span: 12 }} options={options.ownerships} allowClear />
      <ProFormSelect name="industry" label={t('enterprise.industry')} colProps={{ span: 12 }} options={industryOptions(options.industries)} fieldProps={{ showSearch: true, optionFilterProp: 'label' }} allowClear />
      <ProFormText name="registeredRegion" label={t('enterprise.registeredRegion')} colProps={{ span: 12 }} placeholder={t('enterprise.registeredRegionHint')} fieldProps={{ maxLength: 100 }} />
      <ProFormTreeSelect
        name="tenantId"
        label={t('enterprise.tenant')}
        colProps={{ span: 12 }}
        rules={[{ required: true, message: t('validation.required') }]}
        fieldProps={{ treeData: tenantTree, showSearch: true, treeNodeFilterProp: 'title', listHeight: 320 }}
      />
      <ProFormText name="address" label={t('enterprise.address')} colProps={{ span: 16 }} fieldProps={{ maxLength: 200 }} />
      <ProFormText name="legalPerson" label={t('enterprise.legalPerson')} colProps={{ span: 8 }} fieldProps={{ maxLength: 50 }} />
      <ProFormSelect
        name="tags"
        label={t('enterprise.tags')}
        colProps={{ span: 24 }}
        mode="tags"
        options={options.tags.map((tag) => ({ value: tag, label: tag }))}
        fieldProps={{ maxCount: 10 }}
      />
      <ProFormList name="contacts" label={t('enterprise.contacts')} colProps={{ span: 24 }} max={20} creatorButtonProps={{ creatorButtonText: t('enterprise.addContact') }} copyIconProps={false}>
        {(_meta, _index, action) => <ContactFields masked={(action.getCurrentRowData() as { phoneMasked?: string | null } | undefined)?.phoneMasked} />}
      </ProFormList>
    </ModalForm>
  );
}

function ContactFields({ masked }: { masked?: string | null }) {
  const { t } = useTranslation();
  return (
    <Space align="start" wrap>
      <ProFormText name="name" placeholder={t('enterprise.contactName')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]} fieldProps={{ maxLength: 50 }} />
      <ProFormText name="role" placeholder={t('enterprise.contactRole')} fieldProps={{ maxLength: 50 }} />
      <ProFormText
        name="phone"
        // Phones come back masked only; leaving the field empty keeps the number on file.
        placeholder={masked ? t('enterprise.phoneKeep', { phone: masked }) : t('enterprise.contactPhone')}
        rules={[{ pattern: /^[0-9+\- ]{5,20}$/, message: t('validation.phone') }]}
        fieldProps={{ dir: 'ltr', style: { width: 220 } }}
      />
    </Space>
  );
}

// ---------------------------------------------------------------- review

function ReviewModal({ enterprise, decision, onDone }: { enterprise: Enterprise; decision: 'approve' | 'reject'; onDone: () => void }) {
  const { t } = useTranslation();
  const approve = decision === 'approve';
  return (
    <ModalForm<{ opinion?: string }>
      title={t(approve ? 'enterprise.approveTitle' : 'enterprise.rejectTitle', { name: enterprise.name })}
      width={480}
      trigger={
        <Tooltip title={t(approve ? 'enterprise.approve' : 'enterprise.reject')}>
          <Button
            type="link"
            size="small"
            danger={!approve}
            icon={approve ? <CheckOutlined /> : <CloseOutlined />}
            data-testid={`enterprise-${decision}-${enterprise.creditCode}`}
          />
        </Tooltip>
      }
      modalProps={{ destroyOnClose: true }}
      onFinish={async (v) => {
        try {
          await api.post(`/enterprises/${encodeURIComponent(enterprise.id)}/${decision}`, { opinion: v.opinion?.trim() || undefined });
          getMessage().success(t(approve ? 'enterprise.approved' : 'enterprise.rejected'));
          onDone();
          return true;
        } catch {
          return false;
        }
      }}
    >
      <Typography.Paragraph type="secondary">
        {enterprise.creditCode} · {t('enterprise.submittedBy')}：{enterprise.submittedByName ?? '-'}
      </Typography.Paragraph>
      <ProFormTextArea
        name="opinion"
        label={t('enterprise.reviewOpinion')}
        fieldProps={{ maxLength: 500, showCount: true, rows: 4 }}
        rules={approve ? [] : [{ required: true, whitespace: true, message: t('enterprise.opinionRequired') }]}
      />
    </ModalForm>
  );
}
