import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { PageContainer } from '@ant-design/pro-components';
import { Button, Card, Checkbox, Col, Form, Input, InputNumber, Modal, Popconfirm, Row, Select, Space, Spin, Switch, Table, Tabs, Tag, Typography, Upload } from 'antd';
import { DeleteOutlined, DownloadOutlined, EditOutlined, MinusCircleOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { isApiError } from '../../api/client';
import { useTranslation } from 'react-i18next';
import { getMessage } from '../../api/feedback';
import { kbApi } from './kbApi';
import type { KbDirectory, KbFieldKind, KbHotWord, KbSynonym, KbTemplateField, KbType } from './types';

/** 知识配置: 业务目录, 知识类型 with their edit templates, 热词 and 同义词. */
export default function KbConfigPage() {
  const { t } = useTranslation();
  return (
    <PageContainer title={t('menu.knowledge.config')} subTitle={t('kb.config.subtitle')}>
      <Tabs
        destroyInactiveTabPane
        items={[
          { key: 'directories', label: t('kb.config.directories'), children: <DirectoriesTab /> },
          { key: 'types', label: t('kb.config.types'), children: <TypesTab /> },
          { key: 'hotWords', label: t('kb.config.hotWords'), children: <HotWordsTab /> },
          { key: 'synonyms', label: t('kb.config.synonyms'), children: <SynonymsTab /> },
        ]}
      />
    </PageContainer>
  );
}

// ------------------------------------------------------------------ 业务目录

interface DirRow extends KbDirectory {
  children?: DirRow[];
}

function toRows(dirs: KbDirectory[]): DirRow[] {
  const ids = new Set(dirs.map((d) => d.id));
  const by = new Map<string | null, KbDirectory[]>();
  for (const d of dirs) {
    const p = d.parentId && ids.has(d.parentId) ? d.parentId : null;
    by.set(p, [...(by.get(p) ?? []), d]);
  }
  const build = (p: string | null): DirRow[] =>
    (by.get(p) ?? [])
      .sort((a, b) => a.sort - b.sort || a.name.localeCompare(b.name, 'zh-CN'))
      .map((d) => {
        const children = build(d.id);
        return children.length ? { ...d, children } : { ...d };
      });
  return build(null);
}

/** A tab's list: loaded when the tab opens, reloaded after each save. */
function useList<T>(fetch: () => Promise<T[]>): { rows: T[]; loading: boolean; load: () => Promise<void> } {
  const [rows, setRows] = useState<T[]>([]);
  const [loading, setLoading] = useState(false);
  const load = async () => {
    setLoading(true);
    try {
      setRows(await fetch());
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => void load().catch(() => undefined), []);
  return { rows, loading, load };
}

/** The add/edit dialog of every tab: a refused save (validation or server) keeps it open. */
function EditModal({ open, title, width, onCancel, onSave, children }: { open: boolean; title: ReactNode; width?: number; onCancel: () => void; onSave: () => Promise<void>; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Modal open={open} width={width} title={title} onCancel={onCancel} onOk={() => void onSave().catch(() => undefined)} okText={t('common.save')} cancelText={t('common.cancel')} destroyOnClose>
      {children}
    </Modal>
  );
}

function DirectoriesTab() {
  const { t } = useTranslation();
  const { rows: dirs, loading, load } = useList(() => kbApi.directories());
  const [editing, setEditing] = useState<{ parent?: KbDirectory; dir?: KbDirectory } | null>(null);
  const [form] = Form.useForm<{ name: string; sort: number }>();
  const rows = useMemo(() => toRows(dirs), [dirs]);

  const openEditor = (e: { parent?: KbDirectory; dir?: KbDirectory }) => {
    setEditing(e);
    form.setFieldsValue({ name: e.dir?.name ?? '', sort: e.dir?.sort ?? 0 });
  };

  const save = async () => {
    const v = await form.validateFields();
    if (editing?.dir) await kbApi.patchDirectory(editing.dir.id, { name: v.name.trim(), sort: v.sort });
    else await kbApi.createDirectory({ parentId: editing?.parent?.id ?? null, name: v.name.trim(), sort: v.sort });
    getMessage().success(t('common.saved'));
    setEditing(null);
    await load();
  };

  return (
    <Card size="small">
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => openEditor({})} data-testid="kb-dir-add-root">
          {t('kb.config.addRoot')}
        </Button>
      </Space>
      <Table<DirRow>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={rows}
        pagination={false}
        expandable={{ defaultExpandAllRows: true }}
        key={rows.length /* re-expand after loading */}
        scroll={{ x: 820 }}
        data-testid="kb-dir-table"
        columns={[
          {
            title: t('kb.config.dirName'),
            dataIndex: 'name',
            render: (_, d) => (
              <Space size={4}>
                <span data-testid="kb-dir-name">{d.name}</span>
                {d.inherited && <Tag bordered={false}>{d.tenantName}</Tag>}
              </Space>
            ),
          },
          { title: t('kb.config.sort'), dataIndex: 'sort', width: 80 },
          { title: t('kb.config.articleCount'), dataIndex: 'articleCount', width: 90 },
          {
            title: t('common.status'),
            dataIndex: 'enabled',
            width: 90,
            render: (_, d) => (
              <Switch
                size="small"
                checked={d.enabled}
                disabled={d.inherited}
                onChange={(enabled) => void kbApi.patchDirectory(d.id, { enabled }).then(load).catch(() => undefined)}
              />
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 240,
            render: (_, d) =>
              d.inherited ? (
                <Typography.Text type="secondary">{t('kb.config.inherited')}</Typography.Text>
              ) : (
                <Space size={0} wrap>
                  <Button type="link" size="small" icon={<PlusOutlined />} onClick={() => openEditor({ parent: d })} data-testid="kb-dir-add-child">
                    {t('kb.config.addChild')}
                  </Button>
                  <Button type="link" size="small" icon={<EditOutlined />} onClick={() => openEditor({ dir: d })} data-testid="kb-dir-edit">
                    {t('common.edit')}
                  </Button>
                  <Popconfirm
                    title={t('kb.config.deleteDirConfirm', { name: d.name })}
                    onConfirm={() =>
                      kbApi
                        .deleteDirectory(d.id)
                        .then(() => {
                          getMessage().success(t('common.deleted'));
                          return load();
                        })
                        .catch(() => undefined)
                    }
                  >
                    <Button type="link" size="small" danger icon={<DeleteOutlined />} data-testid="kb-dir-delete">
                      {t('common.delete')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
          },
        ]}
      />
      <EditModal
        open={!!editing}
        title={editing?.dir ? t('kb.config.editDir') : editing?.parent ? t('kb.config.addChildOf', { name: editing.parent.name }) : t('kb.config.addRoot')}
        onCancel={() => setEditing(null)}
        onSave={save}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('kb.config.dirName')} rules={[{ required: true, whitespace: true, message: t('kb.config.dirNameRequired') }]}>
            <Input maxLength={100} data-testid="kb-dir-name-input" />
          </Form.Item>
          <Form.Item name="sort" label={t('kb.config.sort')} extra={t('kb.config.sortHint')}>
            <InputNumber min={0} max={9999} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Form>
      </EditModal>
    </Card>
  );
}

// ------------------------------------------------------------------ 知识类型

interface TypeValues {
  code: string;
  name: string;
  description?: string;
  sort: number;
  enabled: boolean;
  fields: KbTemplateField[];
}

const KINDS: KbFieldKind[] = ['text', 'textarea', 'date'];

function TypesTab() {
  const { t } = useTranslation();
  const { rows: types, loading, load } = useList(async () => (await kbApi.types()).sort((a, b) => a.sort - b.sort));
  const [editing, setEditing] = useState<{ type?: KbType } | null>(null);
  const [form] = Form.useForm<TypeValues>();

  const openEditor = (type?: KbType) => {
    setEditing({ type });
    form.resetFields();
    form.setFieldsValue(
      type
        ? { code: type.code, name: type.name, description: type.description ?? '', sort: type.sort, enabled: type.enabled, fields: type.template.fields }
        : { code: '', name: '', description: '', sort: (types.at(-1)?.sort ?? 0) + 10, enabled: true, fields: [] },
    );
  };

  const save = async () => {
    const v = await form.validateFields();
    const fields = (v.fields ?? []).map((f) => ({ key: f.key.trim(), label: f.label.trim(), required: !!f.required, kind: f.kind }));
    const body = { name: v.name.trim(), description: v.description?.trim() ?? '', sort: v.sort, enabled: v.enabled, template: { fields } };
    if (editing?.type) await kbApi.patchType(editing.type.code, body);
    else await kbApi.createType({ code: v.code.trim(), ...body });
    getMessage().success(t('common.saved'));
    setEditing(null);
    await load();
  };

  return (
    <Card size="small">
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => openEditor()} data-testid="kb-type-add">
          {t('kb.config.addType')}
        </Button>
      </Space>
      <Table<KbType>
        rowKey="code"
        size="small"
        loading={loading}
        dataSource={types}
        pagination={false}
        scroll={{ x: 820 }}
        data-testid="kb-type-table"
        columns={[
          { title: t('kb.config.typeName'), dataIndex: 'name', width: 130 },
          { title: t('kb.config.typeCode'), dataIndex: 'code', width: 110 },
          { title: t('common.description'), dataIndex: 'description', ellipsis: true },
          { title: t('kb.config.sort'), dataIndex: 'sort', width: 70 },
          {
            title: t('kb.config.template'),
            key: 'template',
            width: 260,
            render: (_, r) => (
              <Space size={[4, 4]} wrap>
                {r.template.fields.map((f) => (
                  <Tag key={f.key} color={f.required ? 'red' : 'default'} bordered={false}>
                    {f.label}
                    {f.required ? ' *' : ''}
                  </Tag>
                ))}
              </Space>
            ),
          },
          { title: t('common.status'), dataIndex: 'enabled', width: 80, render: (_, r) => (r.enabled ? <Tag color="success">{t('common.enable')}</Tag> : <Tag>{t('common.disable')}</Tag>) },
          {
            title: t('common.actions'),
            key: 'a',
            width: 80,
            render: (_, r) => (
              <Button type="link" size="small" icon={<EditOutlined />} onClick={() => openEditor(r)} data-testid="kb-type-edit">
                {t('common.edit')}
              </Button>
            ),
          },
        ]}
      />
      <EditModal
        open={!!editing}
        width={760}
        title={editing?.type ? t('kb.config.editType', { name: editing.type.name }) : t('kb.config.addType')}
        onCancel={() => setEditing(null)}
        onSave={save}
      >
        <Form form={form} layout="vertical">
          <Row gutter={12}>
            <Col xs={24} md={8}>
              <Form.Item name="code" label={t('kb.config.typeCode')} rules={[{ required: true, pattern: /^[a-z][a-z0-9_-]{1,31}$/, message: t('kb.config.typeCodeRule') }]}>
                <Input disabled={!!editing?.type} maxLength={32} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="name" label={t('kb.config.typeName')} rules={[{ required: true, whitespace: true, message: t('kb.config.typeNameRequired') }]}>
                <Input maxLength={50} />
              </Form.Item>
            </Col>
            <Col xs={12} md={4}>
              <Form.Item name="sort" label={t('kb.config.sort')}>
                <InputNumber min={0} max={9999} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={12} md={4}>
              <Form.Item name="enabled" label={t('common.status')} valuePropName="checked">
                <Switch />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="description" label={t('common.description')}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
          <Typography.Text strong>{t('kb.config.template')}</Typography.Text>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {t('kb.config.templateHint')}
          </Typography.Paragraph>
          <Form.List name="fields">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Row gutter={8} key={f.key} align="middle" data-testid="kb-template-field">
                    <Col xs={12} md={6}>
                      <Form.Item name={[f.name, 'key']} rules={[{ required: true, pattern: /^[A-Za-z][A-Za-z0-9_]{0,31}$/, message: t('kb.config.fieldKeyRule') }]}>
                        <Input placeholder={t('kb.config.fieldKey')} maxLength={32} />
                      </Form.Item>
                    </Col>
                    <Col xs={12} md={8}>
                      <Form.Item name={[f.name, 'label']} rules={[{ required: true, whitespace: true, message: t('kb.config.fieldLabelRequired') }]}>
                        <Input placeholder={t('kb.config.fieldLabel')} maxLength={50} />
                      </Form.Item>
                    </Col>
                    <Col xs={10} md={5}>
                      <Form.Item name={[f.name, 'kind']} initialValue="text">
                        <Select options={KINDS.map((k) => ({ value: k, label: t(`kb.config.kind.${k}`) }))} />
                      </Form.Item>
                    </Col>
                    <Col xs={10} md={4}>
                      <Form.Item name={[f.name, 'required']} valuePropName="checked" initialValue={false}>
                        <Checkbox>{t('kb.config.required')}</Checkbox>
                      </Form.Item>
                    </Col>
                    <Col xs={4} md={1}>
                      <Form.Item>
                        <MinusCircleOutlined onClick={() => remove(f.name)} aria-label={t('common.delete')} />
                      </Form.Item>
                    </Col>
                  </Row>
                ))}
                <Button type="dashed" block icon={<PlusOutlined />} onClick={() => add({ key: '', label: '', kind: 'text', required: false })}>
                  {t('kb.config.addField')}
                </Button>
              </>
            )}
          </Form.List>
        </Form>
      </EditModal>
    </Card>
  );
}

// ------------------------------------------------------------------ 热词

/** Picks published knowledge through the search API, so only what agents can read is linked. */
function ArticlePicker({ value, onChange, known }: { value?: string[]; onChange?: (v: string[]) => void; known: { id: string; title: string }[] }) {
  const { t } = useTranslation();
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const timer = useRef<number>();
  const search = (q: string) => {
    window.clearTimeout(timer.current);
    if (!q.trim()) return;
    timer.current = window.setTimeout(() => {
      kbApi
        .search({ q: q.trim(), pageSize: 20, page: 1 })
        .then((r) => setOptions(r.items.map((i) => ({ value: i.id, label: i.title }))))
        .catch(() => setOptions([]));
    }, 300);
  };
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const merged = [...known.filter((k) => !options.some((o) => o.value === k.id)).map((k) => ({ value: k.id, label: k.title })), ...options];
  return (
    <Select
      mode="multiple"
      showSearch
      filterOption={false}
      onSearch={search}
      value={value ?? []}
      onChange={onChange}
      options={merged}
      placeholder={t('kb.config.articlesPlaceholder')}
      maxCount={20}
      notFoundContent={null}
      data-testid="kb-hot-articles"
    />
  );
}

function HotWordsTab() {
  const { t } = useTranslation();
  const { rows, loading, load } = useList(() => kbApi.hotWords());
  const [editing, setEditing] = useState<{ row?: KbHotWord } | null>(null);
  const [form] = Form.useForm<{ word: string; weight: number; articleIds: string[] }>();

  const openEditor = (row?: KbHotWord) => {
    setEditing({ row });
    form.setFieldsValue({ word: row?.word ?? '', weight: row?.weight ?? 1, articleIds: row?.articleIds ?? [] });
  };
  const save = async () => {
    const v = await form.validateFields();
    const body = { word: v.word.trim(), weight: v.weight, articleIds: v.articleIds ?? [] };
    if (editing?.row) await kbApi.patchHotWord(editing.row.id, body);
    else await kbApi.createHotWord(body);
    getMessage().success(t('common.saved'));
    setEditing(null);
    await load();
  };

  return (
    <Card size="small">
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => openEditor()} data-testid="kb-hot-add">
          {t('kb.config.addHotWord')}
        </Button>
      </Space>
      <Table<KbHotWord>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={rows}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 760 }}
        columns={[
          {
            title: t('kb.config.word'),
            dataIndex: 'word',
            width: 180,
            render: (_, r) => (
              <Space size={4}>
                <span>{r.word}</span>
                {r.inherited && <Tag bordered={false}>{r.tenantName}</Tag>}
              </Space>
            ),
          },
          { title: t('kb.config.weight'), dataIndex: 'weight', width: 80 },
          {
            title: t('kb.config.linked'),
            key: 'articles',
            render: (_, r) => (
              <Space size={[4, 4]} wrap>
                {r.articles.map((a) => (
                  <Tag key={a.id} bordered={false} color="blue">
                    {a.title}
                  </Tag>
                ))}
              </Space>
            ),
          },
          { title: t('kb.config.usage'), dataIndex: 'usageCount', width: 90 },
          {
            title: t('common.actions'),
            key: 'a',
            width: 150,
            render: (_, r) =>
              r.inherited ? (
                <Typography.Text type="secondary">{t('kb.config.inherited')}</Typography.Text>
              ) : (
              <Space size={0}>
                <Button type="link" size="small" icon={<EditOutlined />} onClick={() => openEditor(r)}>
                  {t('common.edit')}
                </Button>
                <Popconfirm title={t('kb.config.deleteHotConfirm', { word: r.word })} onConfirm={() => kbApi.deleteHotWord(r.id).then(load).catch(() => undefined)}>
                  <Button type="link" size="small" danger icon={<DeleteOutlined />}>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <EditModal
        open={!!editing}
        title={editing?.row ? t('kb.config.editHotWord') : t('kb.config.addHotWord')}
        onCancel={() => setEditing(null)}
        onSave={save}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="word" label={t('kb.config.word')} rules={[{ required: true, whitespace: true, message: t('kb.config.wordRequired') }]}>
            <Input maxLength={50} data-testid="kb-hot-word" />
          </Form.Item>
          <Form.Item name="weight" label={t('kb.config.weight')} extra={t('kb.config.weightHint')}>
            <InputNumber min={0.1} max={9999} step={0.5} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="articleIds" label={t('kb.config.linked')}>
            <ArticlePicker known={editing?.row?.articles ?? []} />
          </Form.Item>
        </Form>
      </EditModal>
    </Card>
  );
}

// ------------------------------------------------------------------ 同义词

function SynonymsTab() {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ items: { term: string; synonyms: string[] }[] }>();
  const [loading, setLoading] = useState(false);
  const [saving, setSaving] = useState(false);
  const [inherited, setInherited] = useState<KbSynonym[]>([]);
  const [importing, setImporting] = useState(false);

  const importFile = async (file: File) => {
    setImporting(true);
    try {
      const res = await kbApi.synonymImport(file);
      getMessage().success(t('kb.config.synonymImported', { count: res.imported }));
      await load();
    } catch (e) {
      // The server names every bad row (line and column) in its Chinese detail.
      getMessage().error(isApiError(e) ? e.detail : t('error.unknown'));
    } finally {
      setImporting(false);
    }
  };

  // Only the tenant's own list is edited (PUT replaces it); an ancestor's entries apply but are read-only.
  const load = async () => {
    setLoading(true);
    try {
      const items: KbSynonym[] = await kbApi.synonyms();
      setInherited(items.filter((s) => s.inherited));
      form.setFieldsValue({ items: items.filter((s) => !s.inherited).map((s) => ({ term: s.term, synonyms: s.synonyms })) });
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => void load().catch(() => undefined), []);

  const save = async () => {
    const v = await form.validateFields();
    const items = (v.items ?? [])
      .map((i) => ({ term: i.term.trim(), synonyms: (i.synonyms ?? []).map((s) => s.trim()).filter(Boolean) }))
      .filter((i) => i.term && i.synonyms.length > 0);
    setSaving(true);
    try {
      await kbApi.putSynonyms(items);
      getMessage().success(t('common.saved'));
      await load();
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card size="small">
      <Spin spinning={loading}>
      <Typography.Paragraph type="secondary">{t('kb.config.synonymsHint')}</Typography.Paragraph>
      {inherited.length > 0 && (
        <Space direction="vertical" size={4} style={{ marginBottom: 16, width: '100%' }} data-testid="kb-synonym-inherited">
          {inherited.map((s) => (
            <Space key={s.id} size={4} wrap>
              <Tag bordered={false}>{s.tenantName}</Tag>
              <Typography.Text strong>{s.term}</Typography.Text>
              <span>↔</span>
              {s.synonyms.map((w) => (
                <Tag key={w}>{w}</Tag>
              ))}
            </Space>
          ))}
        </Space>
      )}
      <Form form={form} layout="vertical" initialValues={{ items: [] }}>
        <Form.List name="items">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Row gutter={8} key={f.key} align="top" data-testid="kb-synonym-row">
                  <Col xs={24} md={6}>
                    <Form.Item name={[f.name, 'term']} rules={[{ required: true, whitespace: true, message: t('kb.config.termRequired') }]}>
                      <Input placeholder={t('kb.config.term')} maxLength={50} data-testid="kb-synonym-term" />
                    </Form.Item>
                  </Col>
                  <Col xs={20} md={16}>
                    <Form.Item name={[f.name, 'synonyms']} rules={[{ required: true, type: 'array', min: 1, message: t('kb.config.synonymsRequired') }]}>
                      <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', '，', ' ', '、', ';', '；']} placeholder={t('kb.config.synonymWords')} data-testid="kb-synonym-words" />
                    </Form.Item>
                  </Col>
                  <Col xs={4} md={2}>
                    <Button type="text" danger icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} aria-label={t('common.delete')} />
                  </Col>
                </Row>
              ))}
              <Space wrap>
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ term: '', synonyms: [] })} data-testid="kb-synonym-add">
                  {t('kb.config.addSynonym')}
                </Button>
                <Button type="primary" loading={saving} onClick={() => void save().catch(() => undefined)} data-testid="kb-synonym-save">
                  {t('common.save')}
                </Button>
                <Upload
                  accept=".xlsx"
                  showUploadList={false}
                  beforeUpload={(file) => {
                    void importFile(file);
                    return false;
                  }}
                >
                  <Button icon={<UploadOutlined />} loading={importing} data-testid="kb-synonym-import">
                    {t('kb.config.synonymImport')}
                  </Button>
                </Upload>
                <Button type="link" icon={<DownloadOutlined />} onClick={() => void kbApi.synonymTemplate().catch(() => undefined)}>
                  {t('kb.config.synonymTemplate')}
                </Button>
                <Button type="link" icon={<DownloadOutlined />} onClick={() => void kbApi.synonymExport().catch(() => undefined)}>
                  {t('kb.config.synonymExport')}
                </Button>
              </Space>
            </>
          )}
        </Form.List>
      </Form>
      </Spin>
    </Card>
  );
}
