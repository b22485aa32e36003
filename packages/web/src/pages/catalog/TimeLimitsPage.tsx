import { useEffect, useMemo, useRef, useState } from 'react';
import {
  ModalForm,
  PageContainer,
  ProFormDependency,
  ProFormDigit,
  ProFormSelect,
  ProFormText,
  ProFormTextArea,
  ProFormTreeSelect,
  ProTable,
  type ActionType,
  type ProColumns,
} from '@ant-design/pro-components';
import { Alert, Button, Card, Descriptions, Form, Input, Popconfirm, Select, Space, Table, Tabs, Tag, Tooltip, TreeSelect, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { DeleteOutlined, EditOutlined, PlusOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, type Query } from '../../api/client';
import { getMessage } from '../../api/feedback';
import type { DictItem, ItemsOf, TenantNode } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { ExcelDownloadButton, ExcelImportButton } from '../../components/ExcelImport';
import { tenantOptions, type TreeOption } from '../../components/useTenantTree';
import { formatDateTime } from '../../utils/format';
import { applyFieldErrors } from '../../utils/forms';
import { DEFAULT_PAGINATION, fetchPage, toListQuery } from '../../utils/proTable';

// ---------------------------------------------------------------- API shapes (/api/v1/time-limits)

type Unit = 'workday' | 'hour' | 'natural_day';

interface Option<V = string> {
  value: V;
  label: string;
}

interface Options {
  levels: Option<number>[];
  industries: Option[];
  urgencies: Option[];
  units: Option<Unit>[];
  defaultWarnRatio: number;
  tenants: TenantNode[];
}

interface RuleRow {
  id: string;
  tenantId: string;
  tenantName: string;
  level: number | null;
  industry: string | null;
  industryLabel: string | null;
  urgency: string | null;
  urgencyLabel: string | null;
  itemId: string | null;
  scope: string;
  amount: number;
  unit: Unit;
  warnRatio: number;
  warnAt: number;
  legalBasis: string;
  note: string;
  updatedBy: string | null;
  updatedAt: string;
  editable: boolean;
}

interface Resolved {
  amount: number;
  unit: Unit;
  warnAt: number;
  ruleId: string | null;
  ownerTenantId: string | null;
  ownerName: string | null;
  explanation: string;
  isDefault: boolean;
}

interface MatrixCell extends Resolved {
  local: boolean;
}

interface Matrix {
  tenantId: string;
  tenantName: string;
  level: number | null;
  columns: { key: string; label: string }[];
  rows: { key: string; label: string; cells: MatrixCell[] }[];
}

const WRITE = 'catalog:time-limit:write';
const DICT_READ = 'system:dict:read';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---------------------------------------------------------------- options

async function dictOptions(code: string): Promise<Option[]> {
  const res = await api.get<ItemsOf<DictItem>>(`/dicts/${code}/items`, undefined, { silent: true });
  return res.items.filter((i) => i.enabled).map((i) => ({ value: i.value, label: i.label }));
}

/**
 * Dictionary admins read the live dictionaries; catalogue users cannot, so the time-limit
 * endpoint serves the same options (plus levels, units and the tenants in reach).
 */
function useOptions(canReadDicts: boolean): Options | null {
  const [options, setOptions] = useState<Options | null>(null);
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const base = await api.get<Options>('/time-limits/options');
        const dicts = canReadDicts ? await Promise.all([dictOptions('industry'), dictOptions('urgency')]).catch(() => null) : null;
        const merged = dicts ? { ...base, industries: dicts[0], urgencies: dicts[1] } : base;
        if (!cancelled) setOptions(merged);
      } catch {
        /* shown by the client */
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [canReadDicts]);
  return options;
}

function useLimitText() {
  const { t } = useTranslation();
  return (amount: number, unit: Unit) => t(`timeLimit.days.${unit}`, { n: Math.round(amount * 100) / 100 });
}

// ---------------------------------------------------------------- page

export default function TimeLimitsPage() {
  const { t } = useTranslation();
  const { me, can } = useAuth();
  const options = useOptions(can(DICT_READ));
  const [tenantId, setTenantId] = useState<string | undefined>(me?.user.tenantId);
  const tenantTree = useMemo(() => tenantOptions(options?.tenants ?? []), [options]);

  return (
    <PageContainer
      title={t('menu.catalog.timeLimits')}
      subTitle={t('timeLimit.subtitle')}
      extra={
        <Space>
          <Typography.Text type="secondary">{t('timeLimit.viewAs')}</Typography.Text>
          <TreeSelect
            style={{ width: 260 }}
            value={tenantId}
            onChange={(v: string) => setTenantId(v)}
            treeData={tenantTree}
            showSearch
            treeNodeFilterProp="title"
            popupMatchSelectWidth={false}
            data-testid="time-limit-tenant"
          />
        </Space>
      }
    >
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        {options && <ResolveTester options={options} tenantId={tenantId} />}
        <Card styles={{ body: { paddingTop: 8 } }}>
          <Tabs
            destroyInactiveTabPane
            items={[
              { key: 'level', label: t('timeLimit.tab.level'), children: <MatrixView path="/time-limits/by-level" query={{ tenantId }} firstColumn={t('timeLimit.level')} levelRows /> },
              { key: 'industry', label: t('timeLimit.tab.industry'), children: <IndustryView tenantId={tenantId} /> },
              { key: 'rules', label: t('timeLimit.tab.rules'), children: options ? <RulesTable options={options} tenantTree={tenantTree} tenantId={tenantId} /> : null },
            ]}
          />
        </Card>
      </Space>
    </PageContainer>
  );
}

// ---------------------------------------------------------------- matrices

function LimitCell({ cell }: { cell: MatrixCell }) {
  const { t } = useTranslation();
  const text = useLimitText();
  const source = cell.isDefault ? (
    <Tag bordered={false}>{t('timeLimit.platformDefault')}</Tag>
  ) : cell.local ? (
    <Tag color="blue" bordered={false}>
      {t('timeLimit.local')}
    </Tag>
  ) : (
    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
      {cell.ownerName}
    </Typography.Text>
  );
  return (
    <Tooltip title={cell.explanation}>
      <Space direction="vertical" size={0}>
        <Typography.Text strong>{text(cell.amount, cell.unit)}</Typography.Text>
        {source}
      </Space>
    </Tooltip>
  );
}

function MatrixView({ path, query, firstColumn, levelRows = false }: { path: string; query: Query; firstColumn: string; levelRows?: boolean }) {
  const { t } = useTranslation();
  const [matrix, setMatrix] = useState<Matrix | null>(null);
  const [loading, setLoading] = useState(false);
  // The query object is rebuilt on every render; its JSON is the stable dependency.
  const key = JSON.stringify(query);
  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    api
      .get<Matrix>(path, JSON.parse(key) as Query)
      .then((m) => !cancelled && setMatrix(m))
      .catch(() => !cancelled && setMatrix(null))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [path, key]);

  const columns: ColumnsType<Matrix['rows'][number]> = [
    {
      title: firstColumn,
      dataIndex: 'label',
      fixed: 'left',
      width: 160,
      render: (v: string, r) => <Typography.Text strong>{levelRows ? t(`timeLimit.level.${r.key}`) : v}</Typography.Text>,
    },
    ...(matrix?.columns ?? []).map((c, i) => ({ title: c.key ? c.label : t('timeLimit.anyUrgency'), key: c.key || 'any', render: (_: unknown, r: Matrix['rows'][number]) => (r.cells[i] ? <LimitCell cell={r.cells[i]} /> : '-') })),
  ];
  return <Table rowKey="key" size="middle" loading={loading} columns={columns} dataSource={matrix?.rows ?? []} pagination={false} scroll={{ x: 760 }} data-testid="time-limit-matrix" />;
}

function IndustryView({ tenantId }: { tenantId?: string }) {
  const { t } = useTranslation();
  const [level, setLevel] = useState<number | undefined>();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        <Typography.Text>{t('timeLimit.handlingLevel')}</Typography.Text>
        <Select<number>
          style={{ width: 200 }}
          allowClear
          value={level}
          onChange={setLevel}
          placeholder={t('timeLimit.handlingLevel')}
          options={[1, 2, 3, 4, 5].map((l) => ({ value: l, label: t(`timeLimit.level.${l}`) }))}
        />
      </Space>
      <MatrixView path="/time-limits/by-industry" query={{ tenantId, level }} firstColumn={t('timeLimit.industry')} />
    </Space>
  );
}

// ---------------------------------------------------------------- resolve tester

interface ResolveForm {
  level?: number;
  industry?: string;
  urgency?: string;
  itemId?: string;
}

function ResolveTester({ options, tenantId }: { options: Options; tenantId?: string }) {
  const { t } = useTranslation();
  const text = useLimitText();
  const [form] = Form.useForm<ResolveForm>();
  const [result, setResult] = useState<Resolved | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setResult(null), [tenantId]);

  async function run(v: ResolveForm) {
    setBusy(true);
    try {
      setResult(await api.get<Resolved>('/time-limits/resolve', { tenantId, level: v.level, industry: v.industry, urgency: v.urgency, itemId: v.itemId?.trim() }));
    } catch {
      setResult(null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card size="small" title={<Space><ThunderboltOutlined />{t('timeLimit.tester')}</Space>} extra={<Typography.Text type="secondary">{t('timeLimit.testerHint')}</Typography.Text>}>
      <Form<ResolveForm> form={form} layout="inline" onFinish={(v) => void run(v)} data-testid="time-limit-tester">
        <Form.Item name="level" label={t('timeLimit.level')}>
          <Select style={{ width: 170 }} allowClear placeholder={t('timeLimit.handlingLevel')} options={options.levels.map((l) => ({ value: l.value, label: t(`timeLimit.level.${l.value}`) }))} />
        </Form.Item>
        <Form.Item name="industry" label={t('timeLimit.industry')}>
          <Select style={{ width: 190 }} allowClear showSearch optionFilterProp="label" placeholder={t('timeLimit.anyIndustry')} options={options.industries} />
        </Form.Item>
        <Form.Item name="urgency" label={t('timeLimit.urgency')}>
          <Select style={{ width: 150 }} allowClear placeholder={t('timeLimit.anyUrgency')} options={options.urgencies} />
        </Form.Item>
        <Form.Item name="itemId" label={t('timeLimit.itemId')} rules={[{ pattern: UUID, message: t('timeLimit.itemIdInvalid') }]}>
          <Input style={{ width: 200 }} allowClear />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('timeLimit.resolve')}
          </Button>
        </Form.Item>
      </Form>
      {result && (
        <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginTop: 16 }} data-testid="time-limit-result">
          <Descriptions.Item label={t('timeLimit.result.limit')}>
            <Typography.Text strong>{text(result.amount, result.unit)}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('timeLimit.warnAt')}>
            <Tag color="gold">{text(result.warnAt, result.unit)}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t('timeLimit.result.source')}>{result.isDefault ? t('timeLimit.platformDefault') : result.ownerName}</Descriptions.Item>
          <Descriptions.Item label={t('timeLimit.result.explanation')} span={3}>
            {result.explanation}
          </Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}

// ---------------------------------------------------------------- rules table

function RulesTable({ options, tenantTree, tenantId }: { options: Options; tenantTree: TreeOption[]; tenantId?: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const canWrite = can(WRITE);
  const text = useLimitText();
  const actionRef = useRef<ActionType>();
  const lastQuery = useRef<Query>({});
  const reload = () => actionRef.current?.reload();

  async function remove(r: RuleRow) {
    await api.del(`/time-limits/${encodeURIComponent(r.id)}`);
    getMessage().success(t('common.deleted'));
    reload();
  }

  const columns: ProColumns<RuleRow>[] = [
    {
      title: t('timeLimit.owner'),
      dataIndex: 'tenantId',
      valueType: 'treeSelect',
      fieldProps: { treeData: tenantTree, showSearch: true, treeNodeFilterProp: 'title', popupMatchSelectWidth: false },
      width: 170,
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <Typography.Text>{r.tenantName}</Typography.Text>
          {r.editable ? (
            <Tag color="blue" bordered={false}>
              {t('timeLimit.local')}
            </Tag>
          ) : (
            <Tooltip title={t('timeLimit.inheritedHint')}>
              <Tag bordered={false}>{t('timeLimit.inherited')}</Tag>
            </Tooltip>
          )}
        </Space>
      ),
    },
    {
      title: t('timeLimit.level'),
      dataIndex: 'level',
      valueType: 'select',
      valueEnum: Object.fromEntries(options.levels.map((l) => [l.value, { text: t(`timeLimit.level.${l.value}`) }])),
      width: 130,
      render: (_, r) => (r.level === null ? <Typography.Text type="secondary">{t('timeLimit.anyLevel')}</Typography.Text> : t(`timeLimit.level.${r.level}`)),
    },
    {
      title: t('timeLimit.industry'),
      dataIndex: 'industry',
      valueType: 'select',
      fieldProps: { options: options.industries, showSearch: true, optionFilterProp: 'label' },
      width: 150,
      render: (_, r) => r.industryLabel ?? <Typography.Text type="secondary">{t('timeLimit.anyIndustry')}</Typography.Text>,
    },
    {
      title: t('timeLimit.urgency'),
      dataIndex: 'urgency',
      valueType: 'select',
      fieldProps: { options: options.urgencies },
      width: 120,
      render: (_, r) => r.urgencyLabel ?? <Typography.Text type="secondary">{t('timeLimit.anyUrgency')}</Typography.Text>,
    },
    { title: t('timeLimit.itemId'), dataIndex: 'itemId', search: false, ellipsis: true, copyable: true, width: 120, render: (_, r) => r.itemId ?? '-' },
    { title: t('timeLimit.amount'), dataIndex: 'amount', search: false, width: 120, render: (_, r) => <Typography.Text strong>{text(r.amount, r.unit)}</Typography.Text> },
    { title: t('timeLimit.warnAt'), dataIndex: 'warnAt', search: false, width: 130, render: (_, r) => <Tag color="gold">{text(r.warnAt, r.unit)}</Tag> },
    { title: t('timeLimit.legalBasis'), dataIndex: 'legalBasis', search: false, ellipsis: true, width: 260 },
    { title: t('timeLimit.updatedBy'), dataIndex: 'updatedBy', search: false, width: 110, render: (_, r) => r.updatedBy ?? '-' },
    { title: t('common.updatedAt'), dataIndex: 'updatedAt', search: false, width: 170, render: (_, r) => formatDateTime(r.updatedAt) },
    {
      title: t('common.actions'),
      valueType: 'option',
      width: 110,
      fixed: 'right',
      hideInTable: !canWrite,
      render: (_, r) =>
        r.editable
          ? [
              <RuleModal key="edit" rule={r} options={options} tenantTree={tenantTree} onDone={reload} />,
              <Popconfirm key="del" title={t('timeLimit.confirmDelete', { scope: r.scope })} okButtonProps={{ danger: true }} onConfirm={() => remove(r)}>
                <Tooltip title={t('common.delete')}>
                  <Button type="link" size="small" danger icon={<DeleteOutlined />} />
                </Tooltip>
              </Popconfirm>,
            ]
          : [],
    },
  ];

  const tools = [
    canWrite ? <RuleModal key="create" options={options} tenantTree={tenantTree} defaultTenantId={tenantId} onDone={reload} /> : null,
    canWrite ? (
      <ExcelImportButton
        key="import"
        importUrl="/time-limits/import"
        hint={t('timeLimit.importHint')}
        tenantPicker={{ label: t('timeLimit.importTenant'), treeData: tenantTree, defaultValue: tenantId }}
        onDone={reload}
        testIdPrefix="time-limit"
      />
    ) : null,
    canWrite ? <ExcelDownloadButton key="template" kind="template" path="/time-limits/template" fileName="time-limit-template.xlsx" testId="time-limit-template" /> : null,
    <ExcelDownloadButton key="export" kind="export" path="/time-limits/export" query={() => lastQuery.current} fileName="time-limits.xlsx" testId="time-limit-export" />,
  ];

  return (
    <ProTable<RuleRow>
      rowKey="id"
      actionRef={actionRef}
      columns={columns}
      request={(params, sort, filter) => {
        const query = toListQuery(params, sort, filter);
        const { page: _page, pageSize: _size, ...filters } = query;
        lastQuery.current = filters;
        return fetchPage<RuleRow>('/time-limits', query);
      }}
      pagination={DEFAULT_PAGINATION}
      search={{ labelWidth: 'auto', defaultCollapsed: false }}
      scroll={{ x: 1560 }}
      toolBarRender={() => tools.filter((x) => x !== null)}
      options={{ density: true, reload: true, setting: true, fullScreen: false }}
      data-testid="time-limit-table"
    />
  );
}

// ---------------------------------------------------------------- create / edit

interface RuleForm {
  tenantId?: string;
  level?: number;
  industry?: string;
  urgency?: string;
  itemId?: string;
  amount: number;
  unit: Unit;
  warnRatio: number;
  legalBasis?: string;
  note?: string;
}

function toBody(v: RuleForm) {
  return {
    level: v.level ?? null,
    industry: v.industry ?? null,
    urgency: v.urgency ?? null,
    itemId: v.itemId?.trim() || null,
    amount: v.amount,
    unit: v.unit,
    warnRatio: v.warnRatio,
    legalBasis: v.legalBasis?.trim() ?? '',
    note: v.note?.trim() ?? '',
  };
}

function RuleModal({ rule, options, tenantTree, defaultTenantId, onDone }: { rule?: RuleRow; options: Options; tenantTree: TreeOption[]; defaultTenantId?: string; onDone: () => void }) {
  const { t } = useTranslation();
  const text = useLimitText();
  const [form] = Form.useForm<RuleForm>();
  const initial: Partial<RuleForm> = rule
    ? { level: rule.level ?? undefined, industry: rule.industry ?? undefined, urgency: rule.urgency ?? undefined, itemId: rule.itemId ?? undefined, amount: rule.amount, unit: rule.unit, warnRatio: rule.warnRatio, legalBasis: rule.legalBasis, note: rule.note }
    : { tenantId: defaultTenantId, unit: 'workday', warnRatio: options.defaultWarnRatio };

  async function save(v: RuleForm): Promise<boolean> {
    try {
      if (rule) await api.patch(`/time-limits/${encodeURIComponent(rule.id)}`, toBody(v));
      else await api.post('/time-limits', { tenantId: v.tenantId, ...toBody(v) });
      getMessage().success(rule ? t('common.saved') : t('common.created'));
      onDone();
      return true;
    } catch (e) {
      applyFieldErrors(form, e);
      return false;
    }
  }

  const trigger = rule ? (
    <Tooltip title={t('common.edit')}>
      <Button type="link" size="small" icon={<EditOutlined />} />
    </Tooltip>
  ) : (
    <Button type="primary" icon={<PlusOutlined />} data-testid="time-limit-create">
      {t('timeLimit.create')}
    </Button>
  );

  return (
    <ModalForm<RuleForm>
      title={rule ? t('timeLimit.edit') : t('timeLimit.create')}
      form={form}
      width={640}
      grid
      rowProps={{ gutter: 16 }}
      trigger={trigger}
      modalProps={{ destroyOnClose: true, maskClosable: false }}
      initialValues={initial}
      onFinish={save}
    >
      {!rule && (
        <ProFormTreeSelect
          name="tenantId"
          label={t('timeLimit.owner')}
          colProps={{ span: 24 }}
          rules={[{ required: true, message: t('validation.required') }]}
          fieldProps={{ treeData: tenantTree, showSearch: true, treeNodeFilterProp: 'title', listHeight: 320 }}
        />
      )}
      <ProFormSelect name="level" label={t('timeLimit.level')} colProps={{ span: 8 }} placeholder={t('timeLimit.anyLevel')} allowClear options={options.levels.map((l) => ({ value: l.value, label: t(`timeLimit.level.${l.value}`) }))} />
      <ProFormSelect name="industry" label={t('timeLimit.industry')} colProps={{ span: 8 }} placeholder={t('timeLimit.anyIndustry')} allowClear showSearch options={options.industries} />
      <ProFormSelect name="urgency" label={t('timeLimit.urgency')} colProps={{ span: 8 }} placeholder={t('timeLimit.anyUrgency')} allowClear options={options.urgencies} />
      <ProFormText name="itemId" label={t('timeLimit.itemId')} colProps={{ span: 24 }} rules={[{ pattern: UUID, message: t('timeLimit.itemIdInvalid') }]} />
      <ProFormDigit name="amount" label={t('timeLimit.amount')} colProps={{ span: 8 }} min={1} max={9999} fieldProps={{ precision: 0 }} rules={[{ required: true, message: t('validation.required') }]} />
      <ProFormSelect name="unit" label={t('timeLimit.unit')} colProps={{ span: 8 }} options={options.units.map((u) => ({ value: u.value, label: t(`timeLimit.unit.${u.value}`) }))} rules={[{ required: true, message: t('validation.required') }]} />
      <ProFormDigit name="warnRatio" label={t('timeLimit.warnRatio')} tooltip={t('timeLimit.warnRatioHelp')} colProps={{ span: 8 }} min={0.05} max={0.99} fieldProps={{ step: 0.05, precision: 3 }} rules={[{ required: true, message: t('validation.required') }]} />
      <ProFormDependency name={['amount', 'unit', 'warnRatio']}>
        {({ amount, unit, warnRatio }: Partial<RuleForm>) =>
          amount && unit && warnRatio ? (
            <Alert style={{ margin: '0 8px 16px', width: '100%' }} type="warning" showIcon message={t('timeLimit.warnPreview', { at: text(amount * warnRatio, unit), limit: text(amount, unit) })} />
          ) : null
        }
      </ProFormDependency>
      <ProFormTextArea name="legalBasis" label={t('timeLimit.legalBasis')} colProps={{ span: 24 }} fieldProps={{ maxLength: 500, showCount: true, rows: 2 }} />
      <ProFormTextArea name="note" label={t('timeLimit.note')} colProps={{ span: 24 }} fieldProps={{ maxLength: 500, showCount: true, rows: 2 }} />
    </ModalForm>
  );
}
