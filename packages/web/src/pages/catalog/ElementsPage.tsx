import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  ModalForm,
  PageContainer,
  ProFormDependency,
  ProFormDigit,
  ProFormList,
  ProFormSelect,
  ProFormSwitch,
  ProFormText,
  ProFormTextArea,
  ProTable,
  type ActionType,
  type ProColumns,
} from '@ant-design/pro-components';
import { Alert, Button, Card, Checkbox, Col, Drawer, Empty, Form, Input, InputNumber, Popconfirm, Row, Select, Space, Switch, Table, Tabs, Tag, Timeline, Tooltip, Typography } from 'antd';
import { CheckCircleOutlined, DeleteOutlined, EditOutlined, HistoryOutlined, PlusOutlined, SaveOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { getMessage } from '../../api/feedback';
import { useAuth } from '../../auth/AuthContext';
import { formatDateTime } from '../../utils/format';
import { DEFAULT_PAGINATION, fetchPage, toListQuery } from '../../utils/proTable';

// ---------------------------------------------------------------- API shapes (/api/v1/catalog)

const DATA_TYPES = ['text', 'textarea', 'number', 'date', 'datetime', 'select', 'multiselect', 'checkbox', 'phone', 'idcard', 'address', 'enterprise'] as const;
type DataType = (typeof DATA_TYPES)[number];
type RelationKind = 'parent' | 'association' | 'dependency' | 'exclusive';
const KINDS: RelationKind[] = ['parent', 'association', 'dependency', 'exclusive'];
const TEXT_TYPES: DataType[] = ['text', 'textarea', 'phone', 'idcard', 'address', 'enterprise'];
const CHOICE_TYPES: DataType[] = ['select', 'multiselect'];

interface Option {
  value: string;
  label: string;
}

interface Validation {
  required?: boolean;
  pattern?: string;
  min?: number;
  max?: number;
  maxLength?: number;
}

interface ElementRow {
  id: string;
  code: string;
  name: string;
  dataType: DataType;
  dictCode: string | null;
  options: Option[];
  validation: Validation;
  groupCode: string;
  domain: string;
  description: string;
  version: number;
  updatedAt: string;
  editable: boolean;
}

interface Relation {
  from: string;
  to: string;
  kind: RelationKind;
}

interface Graph {
  nodes: { id: string; code: string; name: string; dataType: DataType; groupCode: string; domain: string }[];
  edges: Relation[];
}

interface FormField {
  code: string;
  label: string;
  type: DataType;
  widget: string;
  required: boolean;
  validation: Validation;
  options?: Option[];
  base: boolean;
  group: string;
  description: string;
  dependsOn: string[];
  excludes: string[];
  parent: string | null;
}

interface FormSchema {
  itemId: string;
  itemCode: string;
  itemName: string;
  fields: FormField[];
}

interface ItemElementRow extends ElementRow {
  required: boolean;
  sort: number;
}

const WRITE = 'catalog:write';
const KIND_COLORS: Record<RelationKind, string> = { parent: '#1677ff', association: '#8c8c8c', dependency: '#52c41a', exclusive: '#ff4d4f' };

async function elementOptions(keyword?: string): Promise<{ label: string; value: string }[]> {
  try {
    const res = await api.get<{ items: ElementRow[] }>('/catalog/elements', { keyword: keyword?.trim() || undefined, page: 1, pageSize: 200 }, { silent: true });
    return (res.items ?? []).map((e) => ({ label: `${e.name}（${e.code}）`, value: e.id }));
  } catch {
    return [];
  }
}

interface ItemChoice {
  label: string;
  value: string;
  tenantId: string;
}

async function itemOptions(keyword?: string): Promise<ItemChoice[]> {
  try {
    const res = await api.get<{ items: { id: string; code: string; name: string; tenantId: string }[] }>('/catalog/list-options/items', { keyword: keyword?.trim() || undefined }, { silent: true });
    return (res.items ?? []).map((i) => ({ label: `${i.code} ${i.name}`, value: i.id, tenantId: i.tenantId }));
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------- page

export default function ElementsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const canWrite = can(WRITE);
  const [tab, setTab] = useState('elements');
  return (
    <PageContainer title={t('menu.catalog.elements')} subTitle={t('elements.subtitle')}>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        destroyInactiveTabPane
        items={[
          { key: 'elements', label: t('elements.tab.definitions'), children: <ElementTable canWrite={canWrite} /> },
          { key: 'graph', label: t('elements.tab.graph'), children: <RelationGraph canWrite={canWrite} /> },
          { key: 'form', label: t('elements.tab.form'), children: <ItemFormTab canWrite={canWrite} /> },
        ]}
      />
    </PageContainer>
  );
}

// ---------------------------------------------------------------- definitions

function validationSummary(v: Validation, t: (k: string, o?: Record<string, unknown>) => string): string[] {
  const out: string[] = [];
  if (v.required) out.push(t('elements.rule.required'));
  if (v.maxLength !== undefined) out.push(t('elements.rule.maxLength', { n: v.maxLength }));
  if (v.min !== undefined) out.push(`≥ ${v.min}`);
  if (v.max !== undefined) out.push(`≤ ${v.max}`);
  if (v.pattern) out.push(t('elements.rule.pattern'));
  return out;
}

function ElementTable({ canWrite }: { canWrite: boolean }) {
  const { t } = useTranslation();
  const actionRef = useRef<ActionType>();
  const [versionsOf, setVersionsOf] = useState<ElementRow | null>(null);
  const reload = () => actionRef.current?.reload();

  async function remove(e: ElementRow) {
    await api.del(`/catalog/elements/${encodeURIComponent(e.id)}`);
    getMessage().success(t('common.deleted'));
    reload();
  }

  const columns: ProColumns<ElementRow>[] = [
    { title: t('common.keyword'), dataIndex: 'keyword', hideInTable: true },
    { title: t('elements.code'), dataIndex: 'code', search: false, width: 150, render: (_, e) => <Typography.Text code>{e.code}</Typography.Text> },
    { title: t('elements.name'), dataIndex: 'name', search: false, width: 150 },
    {
      title: t('elements.dataType'),
      dataIndex: 'dataType',
      width: 110,
      valueType: 'select',
      valueEnum: Object.fromEntries(DATA_TYPES.map((d) => [d, { text: t(`elements.type.${d}`) }])),
      render: (_, e) => <Tag bordered={false}>{t(`elements.type.${e.dataType}`)}</Tag>,
    },
    {
      title: t('elements.options'),
      dataIndex: 'options',
      search: false,
      ellipsis: true,
      render: (_, e) => (e.dictCode ? <Tag color="purple">{t('elements.dict', { code: e.dictCode })}</Tag> : e.options.map((o) => o.label).join('、') || '-'),
    },
    {
      title: t('elements.validation'),
      dataIndex: 'validation',
      search: false,
      render: (_, e) => validationSummary(e.validation, t).map((s) => <Tag key={s}>{s}</Tag>),
    },
    { title: t('elements.group'), dataIndex: 'groupCode', width: 110 },
    { title: t('elements.domain'), dataIndex: 'domain', width: 110 },
    { title: t('elements.version'), dataIndex: 'version', search: false, width: 70, render: (_, e) => `v${e.version}` },
    { title: t('common.updatedAt'), dataIndex: 'updatedAt', search: false, width: 170, render: (_, e) => formatDateTime(e.updatedAt) },
    {
      title: t('common.actions'),
      valueType: 'option',
      key: 'option',
      width: 130,
      fixed: 'right',
      render: (_, e) => [
        canWrite && e.editable ? <ElementModal key="edit" element={e} onDone={reload} /> : null,
        <Tooltip key="versions" title={t('elements.versions')}>
          <Button type="link" size="small" icon={<HistoryOutlined />} onClick={() => setVersionsOf(e)} />
        </Tooltip>,
        canWrite && e.editable ? (
          <Popconfirm key="delete" title={t('elements.confirmDelete', { name: e.name })} okButtonProps={{ danger: true }} onConfirm={() => remove(e).catch(() => undefined)}>
            <Button type="link" size="small" danger icon={<DeleteOutlined />} />
          </Popconfirm>
        ) : null,
      ],
    },
  ];

  return (
    <>
      <ProTable<ElementRow>
        rowKey="id"
        actionRef={actionRef}
        columns={columns}
        request={(params, sort, filter) => fetchPage<ElementRow>('/catalog/elements', toListQuery(params, sort, filter))}
        pagination={DEFAULT_PAGINATION}
        search={{ labelWidth: 'auto' }}
        scroll={{ x: 1200 }}
        toolBarRender={() => (canWrite ? [<ElementModal key="create" onDone={reload} />] : [])}
        options={{ density: true, reload: true, setting: true, fullScreen: false }}
        data-testid="elements-table"
      />
      <VersionsDrawer element={versionsOf} onClose={() => setVersionsOf(null)} />
    </>
  );
}

interface ElementValues {
  code: string;
  name: string;
  dataType: DataType;
  source?: 'dict' | 'options';
  dictCode?: string;
  options?: Option[];
  required?: boolean;
  pattern?: string;
  min?: number;
  max?: number;
  maxLength?: number;
  groupCode?: string;
  domain?: string;
  description?: string;
}

/** Only the validation settings that fit the type are sent; the server's rule engine has the last word. */
function bodyOf(v: ElementValues, creating: boolean): Record<string, unknown> {
  const text = TEXT_TYPES.includes(v.dataType);
  const choice = CHOICE_TYPES.includes(v.dataType);
  const validation: Validation = {};
  if (v.required) validation.required = true;
  if (text && v.pattern?.trim()) validation.pattern = v.pattern.trim();
  if (text && v.maxLength) validation.maxLength = v.maxLength;
  if (v.dataType === 'number' && v.min !== undefined && v.min !== null) validation.min = v.min;
  if (v.dataType === 'number' && v.max !== undefined && v.max !== null) validation.max = v.max;
  const useDict = choice && v.source === 'dict';
  return {
    ...(creating ? { code: v.code.trim() } : {}),
    name: v.name.trim(),
    dataType: v.dataType,
    dictCode: useDict ? v.dictCode : creating ? undefined : null,
    options: choice && !useDict ? (v.options ?? []).filter((o) => o?.value && o?.label) : [],
    validation,
    groupCode: v.groupCode?.trim() || undefined,
    domain: v.domain?.trim() ?? '',
    description: v.description?.trim() ?? '',
  };
}

function ElementModal({ element, onDone }: { element?: ElementRow; onDone: () => void }) {
  const { t } = useTranslation();
  const creating = !element;
  const initial: Partial<ElementValues> = element
    ? { ...element, ...element.validation, source: element.dictCode ? 'dict' : 'options', dictCode: element.dictCode ?? undefined }
    : { dataType: 'text', source: 'dict', groupCode: 'common' };
  return (
    <ModalForm<ElementValues>
      title={creating ? t('elements.create') : t('elements.edit', { name: element.name })}
      width={680}
      grid
      rowProps={{ gutter: 16 }}
      initialValues={initial}
      trigger={
        creating ? (
          <Button type="primary" icon={<PlusOutlined />} data-testid="elements-create">
            {t('elements.create')}
          </Button>
        ) : (
          <Tooltip title={t('common.edit')}>
            <Button type="link" size="small" icon={<EditOutlined />} />
          </Tooltip>
        )
      }
      modalProps={{ destroyOnClose: true, maskClosable: false }}
      onFinish={async (v) => {
        try {
          if (creating) await api.post('/catalog/elements', bodyOf(v, true));
          else await api.patch(`/catalog/elements/${encodeURIComponent(element.id)}`, bodyOf(v, false));
          getMessage().success(creating ? t('common.created') : t('elements.saved'));
          onDone();
          return true;
        } catch {
          return false;
        }
      }}
    >
      {!creating && <Alert type="info" showIcon style={{ marginBottom: 16, width: '100%' }} message={t('elements.versionHint', { version: element.version + 1 })} />}
      <ProFormText
        name="code"
        label={t('elements.code')}
        colProps={{ span: 12 }}
        disabled={!creating}
        rules={[
          { required: true, message: t('validation.required') },
          { pattern: /^[A-Za-z0-9_.:-]{1,64}$/, message: t('validation.code') },
        ]}
      />
      <ProFormText name="name" label={t('elements.name')} colProps={{ span: 12 }} rules={[{ required: true, whitespace: true, message: t('validation.required') }]} fieldProps={{ maxLength: 100 }} />
      <ProFormSelect
        name="dataType"
        label={t('elements.dataType')}
        colProps={{ span: 12 }}
        options={DATA_TYPES.map((d) => ({ value: d, label: t(`elements.type.${d}`) }))}
        rules={[{ required: true, message: t('validation.required') }]}
      />
      <ProFormSwitch name="required" label={t('elements.rule.required')} colProps={{ span: 12 }} />
      <ProFormDependency name={['dataType', 'source']}>
        {({ dataType, source }: { dataType?: DataType; source?: string }) => <TypeSettings dataType={dataType} source={source} />}
      </ProFormDependency>
      <ProFormText name="groupCode" label={t('elements.group')} colProps={{ span: 12 }} fieldProps={{ maxLength: 64 }} />
      <ProFormText name="domain" label={t('elements.domain')} colProps={{ span: 12 }} placeholder={t('elements.domainHint')} fieldProps={{ maxLength: 50 }} />
      <ProFormTextArea name="description" label={t('common.description')} colProps={{ span: 24 }} fieldProps={{ maxLength: 500, rows: 2 }} />
    </ModalForm>
  );
}

/** The settings that belong to the chosen type: options for choices, length and pattern for text, range for numbers. */
function TypeSettings({ dataType, source }: { dataType?: DataType; source?: string }) {
  const { t } = useTranslation();
  if (dataType && CHOICE_TYPES.includes(dataType)) {
    return (
      <>
        <ProFormSelect
          name="source"
          label={t('elements.optionSource')}
          colProps={{ span: 12 }}
          options={[
            { value: 'dict', label: t('elements.optionSource.dict') },
            { value: 'options', label: t('elements.optionSource.options') },
          ]}
        />
        {source === 'options' ? (
          <ProFormList name="options" label={t('elements.options')} colProps={{ span: 24 }} creatorButtonProps={{ creatorButtonText: t('elements.addOption') }} copyIconProps={false}>
            <Space>
              <ProFormText name="value" placeholder={t('elements.optionValue')} rules={[{ required: true, message: t('validation.required') }]} />
              <ProFormText name="label" placeholder={t('elements.optionLabel')} rules={[{ required: true, message: t('validation.required') }]} />
            </Space>
          </ProFormList>
        ) : (
          <ProFormSelect
            name="dictCode"
            label={t('elements.dictCode')}
            colProps={{ span: 12 }}
            showSearch
            request={async () => {
              const res = await api.get<{ items: { code: string; name: string }[] }>('/catalog/element-options/dicts', undefined, { silent: true }).catch(() => ({ items: [] }));
              return res.items.map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` }));
            }}
            rules={[{ required: true, message: t('validation.required') }]}
          />
        )}
      </>
    );
  }
  if (dataType === 'number') {
    return (
      <>
        <ProFormDigit name="min" label={t('elements.rule.min')} colProps={{ span: 12 }} fieldProps={{ precision: 4 }} min={-1e12} />
        <ProFormDigit name="max" label={t('elements.rule.max')} colProps={{ span: 12 }} fieldProps={{ precision: 4 }} min={-1e12} />
      </>
    );
  }
  if (dataType && TEXT_TYPES.includes(dataType)) {
    return (
      <>
        <ProFormDigit name="maxLength" label={t('elements.rule.maxLengthLabel')} colProps={{ span: 12 }} min={1} max={10000} fieldProps={{ precision: 0 }} />
        <ProFormText name="pattern" label={t('elements.rule.patternLabel')} colProps={{ span: 12 }} placeholder="^[0-9]+$" fieldProps={{ maxLength: 200 }} />
      </>
    );
  }
  return null;
}

function VersionsDrawer({ element, onClose }: { element: ElementRow | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [versions, setVersions] = useState<{ version: number; snapshot: Partial<ElementRow>; changedByName: string | null; changedAt: string }[]>([]);
  useEffect(() => {
    if (!element) return;
    api
      .get<{ items: typeof versions }>(`/catalog/elements/${encodeURIComponent(element.id)}/versions`)
      .then((res) => setVersions(res.items ?? []))
      .catch(() => setVersions([]));
  }, [element]);
  return (
    <Drawer open={!!element} onClose={onClose} width={520} title={t('elements.versionsOf', { name: element?.name ?? '' })} destroyOnClose>
      <Timeline
        items={versions.map((v) => ({
          children: (
            <Space direction="vertical" size={2}>
              <Space>
                <Typography.Text strong>v{v.version}</Typography.Text>
                <Typography.Text type="secondary">{formatDateTime(v.changedAt)}</Typography.Text>
                <Typography.Text type="secondary">{v.changedByName ?? '-'}</Typography.Text>
              </Space>
              <span>
                {v.snapshot.name} · {v.snapshot.dataType ? t(`elements.type.${v.snapshot.dataType}`) : '-'}
                {v.snapshot.dictCode ? ` · ${t('elements.dict', { code: v.snapshot.dictCode })}` : ''}
              </span>
              <span>{validationSummary(v.snapshot.validation ?? {}, t).join('，') || '-'}</span>
            </Space>
          ),
        }))}
      />
    </Drawer>
  );
}

// ---------------------------------------------------------------- relation graph

interface Placed {
  id: string;
  name: string;
  code: string;
  x: number;
  y: number;
}

/** Nodes on a circle: enough for the few dozen elements of one domain, with no layout library. */
function layout(nodes: Graph['nodes'], size: number): Placed[] {
  const r = size / 2 - 70;
  return nodes.map((n, i) => {
    const a = (2 * Math.PI * i) / Math.max(1, nodes.length) - Math.PI / 2;
    return { id: n.id, name: n.name, code: n.code, x: size / 2 + r * Math.cos(a), y: size / 2 + r * Math.sin(a) };
  });
}

/** Beyond this many elements a circle is unreadable, so elements without relations are left out. */
const CROWDED = 40;

function GraphSvg({ graph, focus, onFocus }: { graph: Graph; focus: string | null; onFocus: (id: string | null) => void }) {
  const nodes = useMemo(() => {
    if (graph.nodes.length <= CROWDED) return graph.nodes;
    const linked = new Set(graph.edges.flatMap((e) => [e.from, e.to]));
    return graph.nodes.filter((n) => linked.has(n.id));
  }, [graph]);
  const size = Math.max(420, Math.min(900, 160 + nodes.length * 40));
  const placed = useMemo(() => layout(nodes, size), [nodes, size]);
  const at = new Map(placed.map((p) => [p.id, p]));
  const lit = (e: Relation) => !focus || e.from === focus || e.to === focus;
  return (
    <svg viewBox={`0 0 ${size} ${size}`} style={{ width: '100%', maxWidth: size, background: '#fafafa', borderRadius: 8 }} data-testid="elements-graph">
      <defs>
        {KINDS.map((k) => (
          <marker key={k} id={`arrow-${k}`} viewBox="0 0 10 10" refX="22" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill={KIND_COLORS[k]} />
          </marker>
        ))}
      </defs>
      {graph.edges.map((e) => {
        const a = at.get(e.from);
        const b = at.get(e.to);
        if (!a || !b) return null;
        const directed = e.kind === 'parent' || e.kind === 'dependency';
        return (
          <line
            key={`${e.from}-${e.to}-${e.kind}`}
            x1={a.x}
            y1={a.y}
            x2={b.x}
            y2={b.y}
            stroke={KIND_COLORS[e.kind]}
            strokeWidth={lit(e) ? 2 : 1}
            strokeOpacity={lit(e) ? 0.9 : 0.15}
            strokeDasharray={e.kind === 'exclusive' ? '6 4' : e.kind === 'association' ? '2 3' : undefined}
            markerEnd={directed ? `url(#arrow-${e.kind})` : undefined}
          />
        );
      })}
      {placed.map((p) => (
        <g key={p.id} transform={`translate(${p.x},${p.y})`} style={{ cursor: 'pointer' }} onClick={() => onFocus(focus === p.id ? null : p.id)}>
          <circle r={14} fill={focus === p.id ? '#1677ff' : '#fff'} stroke="#1677ff" strokeWidth={2} />
          <text y={30} textAnchor="middle" fontSize={12} fill="#262626">
            {p.name}
          </text>
        </g>
      ))}
    </svg>
  );
}

function RelationGraph({ canWrite }: { canWrite: boolean }) {
  const { t } = useTranslation();
  const [graph, setGraph] = useState<Graph>({ nodes: [], edges: [] });
  const [groupCode, setGroupCode] = useState<string | undefined>();
  const [groups, setGroups] = useState<string[]>([]);
  const [focus, setFocus] = useState<string | null>(null);
  const load = useCallback(() => {
    api
      .get<Graph>('/catalog/elements/graph', { groupCode })
      .then((g) => {
        setGraph(g);
        // The group list comes from the unfiltered network, so it stays complete while filtering.
        if (!groupCode) setGroups([...new Set(g.nodes.map((n) => n.groupCode))].sort());
      })
      .catch(() => setGraph({ nodes: [], edges: [] }));
  }, [groupCode]);
  useEffect(load, [load]);
  const name = (id: string) => graph.nodes.find((n) => n.id === id)?.name ?? id;

  async function remove(e: Relation) {
    await api.del('/catalog/element-relations', { query: { fromElementId: e.from, toElementId: e.to, kind: e.kind } });
    getMessage().success(t('common.deleted'));
    load();
  }

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={14}>
        <Card
          size="small"
          title={t('elements.graph.title')}
          extra={<Select allowClear style={{ width: 180 }} placeholder={t('elements.group')} value={groupCode} onChange={setGroupCode} options={groups.map((g) => ({ value: g, label: g }))} />}
        >
          {graph.nodes.length === 0 ? <Empty /> : <GraphSvg graph={graph} focus={focus} onFocus={setFocus} />}
          <Space wrap style={{ marginTop: 8 }}>
            {KINDS.map((k) => (
              <Tag key={k} color={KIND_COLORS[k]}>
                {t(`elements.kind.${k}`)}
              </Tag>
            ))}
            <Typography.Text type="secondary">{t('elements.graph.hint')}</Typography.Text>
            {graph.nodes.length > CROWDED && <Typography.Text type="secondary">{t('elements.graph.crowded', { count: graph.nodes.length })}</Typography.Text>}
          </Space>
        </Card>
      </Col>
      <Col xs={24} xl={10}>
        <Card size="small" title={t('elements.relations')} extra={canWrite ? <RelationModal onDone={load} /> : null}>
          <Table<Relation>
            size="small"
            rowKey={(e) => `${e.from}-${e.to}-${e.kind}`}
            dataSource={graph.edges.filter((e) => !focus || e.from === focus || e.to === focus)}
            pagination={{ pageSize: 12 }}
            columns={[
              { title: t('elements.relation.from'), render: (_, e) => name(e.from) },
              { title: t('elements.relation.kind'), render: (_, e) => <Tag color={KIND_COLORS[e.kind]}>{t(`elements.kind.${e.kind}`)}</Tag> },
              { title: t('elements.relation.to'), render: (_, e) => name(e.to) },
              ...(canWrite
                ? [
                    {
                      title: '',
                      width: 50,
                      render: (_: unknown, e: Relation) => (
                        <Popconfirm title={t('elements.relation.confirmDelete')} onConfirm={() => remove(e).catch(() => undefined)}>
                          <Button type="link" size="small" danger icon={<DeleteOutlined />} />
                        </Popconfirm>
                      ),
                    },
                  ]
                : []),
            ]}
          />
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            {t('elements.relation.rules')}
          </Typography.Paragraph>
        </Card>
      </Col>
    </Row>
  );
}

function RelationModal({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <ModalForm<{ fromElementId: string; toElementId: string; kind: RelationKind }>
      title={t('elements.relation.create')}
      width={520}
      trigger={
        <Button type="primary" size="small" icon={<PlusOutlined />} data-testid="elements-relation-create">
          {t('elements.relation.create')}
        </Button>
      }
      modalProps={{ destroyOnClose: true }}
      initialValues={{ kind: 'dependency' }}
      onFinish={async (v) => {
        try {
          await api.post('/catalog/element-relations', v);
          getMessage().success(t('common.created'));
          onDone();
          return true;
        } catch {
          return false;
        }
      }}
    >
      <ProFormSelect name="fromElementId" label={t('elements.relation.from')} showSearch request={({ keyWords }: { keyWords?: string }) => elementOptions(keyWords)} rules={[{ required: true, message: t('validation.required') }]} />
      <ProFormSelect name="kind" label={t('elements.relation.kind')} options={KINDS.map((k) => ({ value: k, label: `${t(`elements.kind.${k}`)} — ${t(`elements.kindHint.${k}`)}` }))} />
      <ProFormSelect name="toElementId" label={t('elements.relation.to')} showSearch request={({ keyWords }: { keyWords?: string }) => elementOptions(keyWords)} rules={[{ required: true, message: t('validation.required') }]} />
    </ModalForm>
  );
}

// ---------------------------------------------------------------- item elements and form preview

function ItemFormTab({ canWrite }: { canWrite: boolean }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const [items, setItems] = useState<ItemChoice[]>([]);
  const [itemId, setItemId] = useState<string | undefined>();
  // Only the tenant that owns an item configures its elements; the others see them read-only.
  const ownItem = items.find((i) => i.value === itemId)?.tenantId === me?.user.tenantId;
  const [tick, setTick] = useState(0);
  useEffect(() => void itemOptions().then(setItems), []);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Select
        style={{ width: 420 }}
        value={itemId}
        onChange={setItemId}
        options={items}
        showSearch
        filterOption={false}
        onSearch={(kw) => void itemOptions(kw).then(setItems)}
        placeholder={t('elements.pickItem')}
        data-testid="elements-item"
      />
      {itemId ? (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={12}>
            <ItemElementsEditor itemId={itemId} canWrite={canWrite && ownItem} onSaved={() => setTick((n) => n + 1)} />
          </Col>
          <Col xs={24} xl={12}>
            <FormPreview key={`${itemId}-${tick}`} itemId={itemId} />
          </Col>
        </Row>
      ) : (
        <Empty description={t('elements.pickItemHint')} />
      )}
    </Space>
  );
}

interface Assignment {
  elementId: string;
  name: string;
  code: string;
  dataType: DataType;
  required: boolean;
  sort: number;
}

function ItemElementsEditor({ itemId, canWrite, onSaved }: { itemId: string; canWrite: boolean; onSaved: () => void }) {
  const { t } = useTranslation();
  const [rows, setRows] = useState<Assignment[]>([]);
  const [adding, setAdding] = useState<string | undefined>();
  const [choices, setChoices] = useState<{ label: string; value: string }[]>([]);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    api
      .get<{ items: ItemElementRow[] }>(`/catalog/items/${encodeURIComponent(itemId)}/elements`)
      .then((res) => setRows((res.items ?? []).map((e) => ({ elementId: e.id, name: e.name, code: e.code, dataType: e.dataType, required: e.required, sort: e.sort }))))
      .catch(() => setRows([]));
    void elementOptions().then(setChoices);
  }, [itemId]);

  async function add(id: string) {
    if (rows.some((r) => r.elementId === id)) return;
    const e = await api.get<ElementRow>(`/catalog/elements/${encodeURIComponent(id)}`);
    setRows((rs) => [...rs, { elementId: e.id, name: e.name, code: e.code, dataType: e.dataType, required: false, sort: (rs.at(-1)?.sort ?? 0) + 1 }]);
    setAdding(undefined);
  }

  async function save() {
    setSaving(true);
    try {
      await api.put(`/catalog/items/${encodeURIComponent(itemId)}/elements`, { elements: rows.map((r) => ({ elementId: r.elementId, required: r.required, sort: r.sort })) });
      getMessage().success(t('common.saved'));
      onSaved();
    } catch {
      /* shown by the client */
    } finally {
      setSaving(false);
    }
  }

  const patch = (id: string, p: Partial<Assignment>) => setRows((rs) => rs.map((r) => (r.elementId === id ? { ...r, ...p } : r)));

  return (
    <Card
      size="small"
      title={t('elements.itemElements')}
      extra={
        canWrite ? (
          <Button type="primary" size="small" icon={<SaveOutlined />} loading={saving} onClick={() => void save()} data-testid="elements-item-save">
            {t('common.save')}
          </Button>
        ) : null
      }
    >
      <Table<Assignment>
        size="small"
        rowKey="elementId"
        pagination={false}
        dataSource={[...rows].sort((a, b) => a.sort - b.sort)}
        columns={[
          { title: t('elements.name'), render: (_, r) => <Space>{r.name}<Typography.Text type="secondary">{r.code}</Typography.Text></Space> },
          { title: t('elements.dataType'), width: 90, render: (_, r) => t(`elements.type.${r.dataType}`) },
          { title: t('elements.rule.required'), width: 70, render: (_, r) => <Switch size="small" checked={r.required} disabled={!canWrite} onChange={(v) => patch(r.elementId, { required: v })} /> },
          { title: t('elements.sort'), width: 90, render: (_, r) => <InputNumber size="small" min={0} max={100000} value={r.sort} disabled={!canWrite} onChange={(v) => patch(r.elementId, { sort: Number(v ?? 0) })} /> },
          ...(canWrite
            ? [{ title: '', width: 40, render: (_: unknown, r: Assignment) => <Button type="link" size="small" danger icon={<DeleteOutlined />} onClick={() => setRows((rs) => rs.filter((x) => x.elementId !== r.elementId))} /> }]
            : []),
        ]}
      />
      {canWrite && (
        <Select
          style={{ width: '100%', marginTop: 12 }}
          value={adding}
          placeholder={t('elements.addToItem')}
          options={choices.filter((c) => !rows.some((r) => r.elementId === c.value))}
          showSearch
          filterOption={false}
          onSearch={(kw) => void elementOptions(kw).then(setChoices)}
          onChange={(v: string) => void add(v).catch(() => undefined)}
        />
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        {t('elements.itemRules')}
      </Typography.Paragraph>
    </Card>
  );
}

/** One input per widget; dates use the browser's native pickers so values stay plain strings. */
function FieldInput({ field }: { field: FormField }) {
  switch (field.widget) {
    case 'textarea':
      return <Input.TextArea rows={3} maxLength={field.validation.maxLength} showCount={!!field.validation.maxLength} />;
    case 'inputNumber':
      return <InputNumber style={{ width: '100%' }} min={field.validation.min} max={field.validation.max} />;
    case 'datePicker':
      return <Input type="date" />;
    case 'dateTimePicker':
      return <Input type="datetime-local" />;
    case 'select':
      return <Select allowClear options={field.options ?? []} />;
    case 'multiSelect':
      return <Select mode="multiple" allowClear options={field.options ?? []} />;
    case 'checkbox':
      return <Checkbox />;
    default:
      return <Input maxLength={field.validation.maxLength} />;
  }
}

function FormPreview({ itemId }: { itemId: string }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Record<string, unknown>>();
  const [schema, setSchema] = useState<FormSchema | null>(null);
  const [passed, setPassed] = useState(false);
  useEffect(() => {
    api
      .get<FormSchema>(`/catalog/items/${encodeURIComponent(itemId)}/form`)
      .then(setSchema)
      .catch(() => setSchema(null));
  }, [itemId]);

  async function check() {
    const values = Object.fromEntries(Object.entries(form.getFieldsValue()).filter(([, v]) => v !== undefined && v !== ''));
    const res = await api.post<{ ok: boolean; errors: { path: string; message: string }[] }>(`/catalog/items/${encodeURIComponent(itemId)}/form/validate`, { data: values });
    form.setFields(schema?.fields.map((f) => ({ name: f.code, errors: res.errors.filter((e) => e.path === f.code).map((e) => e.message) })) ?? []);
    setPassed(res.ok);
  }

  if (!schema) return <Card size="small" loading />;
  return (
    <Card
      size="small"
      title={t('elements.preview', { name: schema.itemName })}
      extra={
        <Button size="small" icon={<CheckCircleOutlined />} onClick={() => void check().catch(() => undefined)} data-testid="elements-preview-check">
          {t('elements.previewCheck')}
        </Button>
      }
    >
      {passed && <Alert type="success" showIcon style={{ marginBottom: 12 }} message={t('elements.previewPassed')} />}
      <Form form={form} layout="vertical" onValuesChange={() => setPassed(false)} data-testid="elements-preview">
        {schema.fields.map((f) => (
          <Form.Item
            key={f.code}
            name={f.code}
            label={
              <Space size={4}>
                {f.label}
                {f.base && <Tag bordered={false}>{t('elements.baseField')}</Tag>}
                {f.dependsOn.length > 0 && <Tag color="green" bordered={false}>{t('elements.needs', { codes: f.dependsOn.join('、') })}</Tag>}
                {f.excludes.length > 0 && <Tag color="red" bordered={false}>{t('elements.excludes', { codes: f.excludes.join('、') })}</Tag>}
              </Space>
            }
            required={f.required}
            valuePropName={f.widget === 'checkbox' ? 'checked' : 'value'}
            extra={f.description || undefined}
          >
            <FieldInput field={f} />
          </Form.Item>
        ))}
      </Form>
    </Card>
  );
}
