import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Col, DatePicker, Drawer, Form, Grid, Input, Radio, Row, Select, Space, TreeSelect, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../../api/client';
import { getMessage } from '../../api/feedback';
import type { Paged } from '../../api/types';
import { applyFieldErrors, toNamePath } from '../../utils/forms';
import { useAuth } from '../../auth/AuthContext';
import { kbApi, type KbContent } from './kbApi';
import { directoryTree } from './shared';
import type { KbArticleDetail, KbDirectory, KbScope, KbType } from './types';

interface Values {
  typeCode?: string;
  directoryId?: string;
  scope: KbScope;
  title?: string;
  summary?: string;
  body?: string;
  fields?: Record<string, string | Dayjs | null | undefined>;
  keywords?: string[];
  itemIds?: string[];
  basis?: string;
  source?: string;
  validTo?: Dayjs | null;
}

/** Catalogue items to link (工单事项知识关联): the recommendation favours knowledge linked to the chosen item. */
function ItemsSelect({ value, onChange, known }: { value?: string[]; onChange?: (v: string[]) => void; known: { id: string; name: string }[] }) {
  const { t } = useTranslation();
  // Without catalogue access the editor keeps the links already made but cannot look items up.
  const canSearch = useAuth().can('catalog:read');
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const timer = useRef<number>();
  const search = (q: string) => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      api
        .get<Paged<{ id: string; name: string }>>('/catalog/items', { q: q.trim() || undefined, status: 'published', pageSize: 20 }, { silent: true })
        .then((r) => setOptions(r.items.map((i) => ({ value: i.id, label: i.name }))))
        .catch(() => setOptions([]));
    }, 250);
  };
  useEffect(() => {
    if (canSearch) search('');
    return () => window.clearTimeout(timer.current);
  }, [canSearch]);
  const merged = [...known.filter((k) => !options.some((o) => o.value === k.id)).map((k) => ({ value: k.id, label: k.name })), ...options];
  return (
    <Select mode="multiple" allowClear showSearch filterOption={false} onSearch={search} value={value ?? []} onChange={onChange} options={merged} placeholder={canSearch ? t('kb.field.itemsPlaceholder') : t('kb.field.itemsNoAccess')} maxCount={20} disabled={!canSearch} />
  );
}

/**
 * 知识采编 form. The chosen type's edit template decides the extra fields and which are required;
 * required marks are shown while drafting but enforced only when the draft is submitted, so an
 * editor can save half-written knowledge.
 */
export function ArticleEditor({
  open,
  article,
  types,
  directories,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** Absent: a new article. */
  article?: KbArticleDetail | null;
  types: KbType[];
  directories: KbDirectory[];
  onClose: () => void;
  onSaved: (detail: KbArticleDetail) => void;
}) {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState<'save' | 'submit' | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const typeCode = Form.useWatch('typeCode', form);
  const type = types.find((x) => x.code === (article?.typeCode ?? typeCode));
  const tree = useMemo(() => directoryTree(directories, { ownOnly: true }), [directories]);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    setSubmitting(false);
    if (!article) return;
    // Editing starts from the open draft, or from the live content when a revision is opened.
    const rev = article.open ?? article.live;
    const t0 = types.find((x) => x.code === article.typeCode);
    const fields: Values['fields'] = {};
    for (const f of t0?.template.fields ?? []) {
      const v = rev?.fields?.[f.key] ?? null;
      fields[f.key] = f.kind === 'date' && v ? dayjs(v) : v;
    }
    form.setFieldsValue({
      typeCode: article.typeCode,
      directoryId: article.directoryId,
      scope: article.scope,
      title: rev?.title,
      summary: rev?.summary ?? undefined,
      body: rev?.body,
      fields,
      keywords: rev?.keywords ?? [],
      itemIds: rev?.itemIds ?? [],
      basis: rev?.basis ?? undefined,
      source: rev?.source ?? undefined,
      validTo: rev?.validTo ? dayjs(rev.validTo) : null,
    });
  }, [open, article?.id]);

  const toContent = (v: Values): KbContent => {
    // Empty template fields are left out rather than sent as null: the server stores strings only.
    const fields: Record<string, string> = {};
    for (const f of type?.template.fields ?? []) {
      const raw = v.fields?.[f.key];
      const text = raw == null ? '' : dayjs.isDayjs(raw) ? raw.format('YYYY-MM-DD') : String(raw).trim();
      if (text) fields[f.key] = text;
    }
    return {
      title: v.title?.trim() ?? '',
      summary: v.summary?.trim() ?? '',
      body: v.body?.trim() ?? '',
      fields,
      keywords: (v.keywords ?? []).map((k) => k.trim()).filter(Boolean),
      itemIds: v.itemIds ?? [],
      basis: v.basis?.trim() ?? '',
      source: v.source?.trim() ?? '',
      validTo: v.validTo ? v.validTo.format('YYYY-MM-DD') : null,
    };
  };

  async function save(andSubmit: boolean) {
    setSubmitting(andSubmit);
    // Let the rules see the new mode before validating.
    await new Promise((r) => window.setTimeout(r, 0));
    let v: Values;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    v = { ...(form.getFieldsValue(true) as Values), ...v };
    setBusy(andSubmit ? 'submit' : 'save');
    try {
      const content = toContent(v);
      let saved = article
        ? await kbApi.saveDraft(article.id, content)
        : await kbApi.create({ ...content, typeCode: v.typeCode!, directoryId: v.directoryId!, scope: v.scope });
      if (andSubmit) saved = await kbApi.submit(saved.id);
      getMessage().success(andSubmit ? t('kb.submitted') : t('kb.draftSaved'));
      onSaved(saved);
    } catch (e) {
      if (isApiError(e) && e.code === 'KB_REQUIRED_FIELDS') {
        // The server names each missing field by its label; say it the way the form does.
        setSubmitting(true);
        form.setFields(e.errors.map((x) => ({ name: toNamePath(x.path) as never, errors: [t('kb.field.templateRequired', { label: x.message })] })));
      } else applyFieldErrors(form, e);
    } finally {
      setBusy(null);
    }
  }

  const whenSubmitting = (message: string) => [{ required: submitting, whitespace: true, message }];
  const always = (message: string) => [{ required: true, whitespace: true, message }];

  return (
    <Drawer
      open={open}
      onClose={onClose}
      width={screens.md ? 820 : '100%'}
      destroyOnClose={false}
      title={article ? t('kb.editTitle', { title: article.title }) : t('kb.create')}
      data-testid="kb-editor"
      extra={
        <Space wrap>
          <Button onClick={() => void save(false)} loading={busy === 'save'} disabled={!!busy} data-testid="kb-save-draft">
            {t('kb.saveDraft')}
          </Button>
          <Button type="primary" onClick={() => void save(true)} loading={busy === 'submit'} disabled={!!busy} data-testid="kb-save-submit">
            {t('kb.saveAndSubmit')}
          </Button>
        </Space>
      }
    >
      {article?.status === 'published' && !article.open && <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('kb.reviseHint')} />}
      <Form form={form} layout="vertical" initialValues={{ scope: 'subtree', keywords: [], itemIds: [] }}>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="typeCode" label={t('kb.field.type')} rules={[{ required: true, message: t('kb.field.typeRequired') }]}>
              <Select
                disabled={!!article}
                options={types.filter((x) => x.enabled || x.code === article?.typeCode).map((x) => ({ value: x.code, label: x.name }))}
                data-testid="kb-field-type"
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="directoryId" label={t('kb.field.directory')} rules={[{ required: true, message: t('kb.field.directoryRequired') }]}>
              <TreeSelect disabled={!!article} treeData={tree} treeDefaultExpandAll showSearch treeNodeFilterProp="title" data-testid="kb-field-directory" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="scope" label={t('kb.field.scope')}>
              <Radio.Group disabled={!!article} options={(['subtree', 'tenant'] as const).map((s) => ({ value: s, label: t(`kb.scope.${s}`) }))} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="title" label={t('kb.field.title')} rules={always(t('kb.field.titleRequired'))}>
          <Input maxLength={200} data-testid="kb-field-title" />
        </Form.Item>
        <Form.Item name="summary" label={t('kb.field.summary')}>
          <Input.TextArea rows={2} maxLength={500} showCount data-testid="kb-field-summary" />
        </Form.Item>
        <Form.Item name="body" label={t('kb.field.body')} rules={always(t('kb.field.bodyRequired'))}>
          <Input.TextArea rows={8} maxLength={50000} data-testid="kb-field-body" />
        </Form.Item>
        {type && type.template.fields.length > 0 && (
          <>
            <Typography.Text strong>{t('kb.templateFields', { name: type.name })}</Typography.Text>
            <Row gutter={16} style={{ marginTop: 8 }}>
              {type.template.fields.map((f) => (
                <Col xs={24} md={f.kind === 'textarea' ? 24 : 12} key={f.key}>
                  <Form.Item
                    name={['fields', f.key]}
                    label={f.label}
                    required={f.required}
                    rules={f.required ? [{ required: submitting, whitespace: f.kind !== 'date', message: t('kb.field.templateRequired', { label: f.label }) }] : []}
                  >
                    {f.kind === 'date' ? (
                      <DatePicker style={{ width: '100%' }} />
                    ) : f.kind === 'textarea' ? (
                      <Input.TextArea rows={3} maxLength={10000} data-testid={`kb-tpl-${f.key}`} />
                    ) : (
                      <Input maxLength={500} data-testid={`kb-tpl-${f.key}`} />
                    )}
                  </Form.Item>
                </Col>
              ))}
            </Row>
          </>
        )}
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="keywords" label={t('kb.field.keywords')}>
              <Select mode="tags" tokenSeparators={[',', '，', ' ', '、']} maxCount={20} open={false} suffixIcon={null} data-testid="kb-field-keywords" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="itemIds" label={t('kb.field.items')}>
              <ItemsSelect known={article?.items ?? []} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="basis" label={t('kb.field.basis')} required extra={t('kb.field.basisHint')} rules={whenSubmitting(t('kb.field.basisRequired'))}>
          <Input.TextArea rows={2} maxLength={2000} data-testid="kb-field-basis" />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="source" label={t('kb.field.source')}>
              <Input maxLength={300} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="validTo" label={t('kb.field.validTo')} extra={t('kb.field.validToHint')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Drawer>
  );
}
