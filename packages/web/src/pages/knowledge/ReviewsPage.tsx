import { useEffect, useMemo, useRef, useState } from 'react';
import { PageContainer, ProTable, type ActionType, type ProColumns } from '@ant-design/pro-components';
import { Alert, Button, Card, Col, DatePicker, Drawer, Empty, Form, Grid, Input, Modal, Radio, Row, Segmented, Space, Spin, Table, Typography } from 'antd';
import { CheckOutlined, CloudUploadOutlined, RollbackOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { getMessage } from '../../api/feedback';
import { useAuth } from '../../auth/AuthContext';
import { formatDateTime, localToIso } from '../../utils/format';
import { ArticleDetailDrawer, HistoryTimeline } from './ArticleDetail';
import { DEFAULT_PAGINATION, fetchPage, toListQuery } from '../../utils/proTable';
import { KB, kbApi } from './kbApi';
import { RevisionContent } from './KnowledgeView';
import { ChangeTypeTag, isoDate, StateTag, useKbMeta } from './shared';
import type { KbArticleDetail, KbArticleSummary, KbReviewRow, KbRevision, KbType } from './types';

interface Change {
  key: string;
  label: string;
  before: string;
  after: string;
}

const show = (v: unknown): string => (Array.isArray(v) ? v.join('、') : v == null || v === '' ? '' : String(v));

/** Field-by-field differences between the live version and the revision under review. */
function diffRevisions(live: KbRevision | null, next: KbRevision, type: KbType | undefined, t: (k: string) => string): Change[] {
  const out: Change[] = [];
  const add = (key: string, label: string, a: unknown, b: unknown) => {
    const before = show(a);
    const after = show(b);
    if (before !== after) out.push({ key, label, before, after });
  };
  add('title', t('kb.field.title'), live?.title, next.title);
  add('summary', t('kb.field.summary'), live?.summary, next.summary);
  add('body', t('kb.field.body'), live?.body, next.body);
  for (const f of type?.template.fields ?? []) add(`fields.${f.key}`, f.label, live?.fields?.[f.key], next.fields?.[f.key]);
  add('keywords', t('kb.field.keywords'), live?.keywords, next.keywords);
  add('itemIds', t('kb.field.items'), live?.itemIds?.length, next.itemIds?.length);
  add('basis', t('kb.field.basis'), live?.basis, next.basis);
  add('source', t('kb.field.source'), live?.source, next.source);
  add('validTo', t('kb.field.validTo'), live?.validTo ? isoDate(live.validTo) : '', next.validTo ? isoDate(next.validTo) : '');
  return out;
}

/**
 * 知识审核: revisions waiting for this reviewer (审核) or publisher (发布). The revision is shown next
 * to the live version with the changed fields marked; 退回 needs an opinion; 发布 is now or at a time.
 */
export default function KbReviewsPage() {
  const { t } = useTranslation();
  const { types } = useKbMeta();
  const [rows, setRows] = useState<KbReviewRow[]>([]);
  const [loading, setLoading] = useState(false);
  const [open, setOpen] = useState<KbReviewRow>();
  // Publishers also take knowledge down (下架); the published list is where they find it.
  const [view, setView] = useState<'todo' | 'published'>('todo');
  const [articleId, setArticleId] = useState<string>();
  const publishedRef = useRef<ActionType>();
  const { can } = useAuth();

  const load = async () => {
    setLoading(true);
    try {
      setRows(await kbApi.reviews());
    } catch {
      setRows([]);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => void load(), []);

  const columns: ProColumns<KbReviewRow>[] = [
    {
      title: t('kb.field.title'),
      dataIndex: 'title',
      ellipsis: true,
      width: 280,
      render: (_, r) => (
        <Typography.Link onClick={() => setOpen(r)} data-testid="kb-review-open">
          {r.title}
        </Typography.Link>
      ),
    },
    { title: t('kb.order.changeType'), dataIndex: 'changeType', width: 100, render: (_, r) => <ChangeTypeTag value={r.changeType} /> },
    {
      title: t('kb.order.state'),
      dataIndex: 'state',
      width: 200,
      render: (_, r) => (
        <Space size={2} wrap>
          <StateTag value={r.state} />
          {r.publishAt ? <Typography.Text type="warning" style={{ fontSize: 12 }}>{t('kb.history.scheduled', { at: formatDateTime(r.publishAt) })}</Typography.Text> : null}
        </Space>
      ),
    },
    { title: t('kb.field.version'), dataIndex: 'version', width: 70, render: (_, r) => (r.version ? `V${r.version}` : '-') },
    { title: t('kb.order.author'), dataIndex: 'authorName', width: 110 },
    { title: t('kb.review.submittedAt'), dataIndex: 'submittedAt', width: 170, render: (_, r) => formatDateTime(r.submittedAt) },
  ];

  return (
    <PageContainer
      title={t('menu.knowledge.reviews')}
      subTitle={t('kb.review.subtitle')}
      extra={
        can('kb:publish') ? (
          <Segmented
            value={view}
            onChange={(v) => setView(v as typeof view)}
            options={[
              { value: 'todo', label: t('kb.review.todo') },
              { value: 'published', label: t('kb.review.publishedList') },
            ]}
          />
        ) : null
      }
    >
      {view === 'published' ? (
        <ProTable<KbArticleSummary>
          actionRef={publishedRef}
          rowKey="id"
          columns={[
            {
              title: t('kb.field.title'),
              dataIndex: 'title',
              ellipsis: true,
              width: 280,
              render: (_, r) => <Typography.Link onClick={() => setArticleId(r.id)}>{r.title}</Typography.Link>,
            },
            { title: t('kb.field.type'), dataIndex: 'typeName', width: 110 },
            { title: t('kb.field.directory'), dataIndex: 'directoryName', width: 140, ellipsis: true },
            { title: t('kb.field.version'), dataIndex: 'version', width: 70, render: (_, r) => (r.version ? `V${r.version}` : '-') },
            { title: t('kb.field.publishedAt'), dataIndex: 'publishedAt', width: 170, render: (_, r) => formatDateTime(r.publishedAt) },
          ]}
          search={false}
          params={{ status: 'published' }}
          request={(p) => fetchPage<KbArticleSummary>(`${KB}/articles`, toListQuery(p))}
          pagination={DEFAULT_PAGINATION}
          scroll={{ x: 800 }}
          options={{ density: false, reload: true, setting: false, fullScreen: false, search: { name: 'q', placeholder: t('kb.articles.keyword') } as never }}
        />
      ) : (
      <ProTable<KbReviewRow>
        rowKey="revisionId"
        columns={columns}
        dataSource={rows}
        loading={loading}
        search={false}
        pagination={{ pageSize: 20 }}
        scroll={{ x: 900 }}
        options={{ density: false, reload: () => void load(), setting: false, fullScreen: false }}
        data-testid="kb-review-table"
      />
      )}
      <ArticleDetailDrawer articleId={articleId} types={types} onClose={() => setArticleId(undefined)} onEdit={() => undefined} onChanged={() => publishedRef.current?.reload()} />
      <ReviewDrawer
        row={open}
        types={types}
        onClose={() => setOpen(undefined)}
        onDone={() => {
          setOpen(undefined);
          void load();
        }}
      />
    </PageContainer>
  );
}

function ReviewDrawer({ row, types, onClose, onDone }: { row?: KbReviewRow; types: KbType[]; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const screens = Grid.useBreakpoint();
  const [detail, setDetail] = useState<KbArticleDetail | null>(null);
  const [deciding, setDeciding] = useState<'approve' | 'return' | null>(null);
  const [publishing, setPublishing] = useState(false);

  useEffect(() => {
    setDetail(null);
    if (row) void kbApi.article(row.articleId).then(setDetail).catch(() => undefined);
  }, [row?.revisionId]);

  const type = detail ? types.find((x) => x.code === detail.typeCode) : undefined;
  const next = detail?.open ?? null;
  const changes = useMemo(() => (detail && next ? diffRevisions(detail.live, next, type, t) : []), [detail, next, type, t]);
  const changed = useMemo(() => new Set(changes.map((c) => c.key)), [changes]);
  const state = next?.state ?? row?.state;

  const extra = detail ? (
    <Space wrap>
      {state === 'pending_review' && can('kb:review') && (
        <>
          <Button danger icon={<RollbackOutlined />} onClick={() => setDeciding('return')} data-testid="kb-review-return">
            {t('kb.review.return')}
          </Button>
          <Button type="primary" icon={<CheckOutlined />} onClick={() => setDeciding('approve')} data-testid="kb-review-approve">
            {t('kb.review.approve')}
          </Button>
        </>
      )}
      {state === 'pending_publish' && can('kb:publish') && (
        <Button type="primary" icon={<CloudUploadOutlined />} onClick={() => setPublishing(true)} data-testid="kb-review-publish">
          {t('kb.review.publish')}
        </Button>
      )}
    </Space>
  ) : null;

  return (
    <Drawer open={!!row} onClose={onClose} width={screens.lg ? 1100 : '100%'} title={row?.title} extra={extra} data-testid="kb-review-drawer">
      {!detail || !next ? (
        detail ? <Empty /> : <Spin />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }} size="middle">
          <Space wrap>
            <ChangeTypeTag value={next.changeType} />
            <StateTag value={next.state} />
            <Typography.Text type="secondary">
              {detail.typeName} · {detail.directoryName} · {t(`kb.scope.${detail.scope}`)}
            </Typography.Text>
          </Space>
          {next.basis ? <Alert type="info" showIcon message={t('kb.review.basis', { basis: next.basis })} /> : null}
          {next.state === 'pending_publish' && next.reviewerName ? (
            <Alert
              type="success"
              showIcon
              message={t('kb.history.reviewed', { who: next.reviewerName, at: formatDateTime(next.reviewedAt) }) + (next.reviewOpinion ? ` · ${t('kb.history.opinion', { text: next.reviewOpinion })}` : '')}
            />
          ) : null}
          {next.publishAt ? <Alert type="warning" showIcon message={t('kb.history.scheduled', { at: formatDateTime(next.publishAt) })} /> : null}
          <Card size="small" title={t('kb.review.changes', { count: changes.length })}>
            <Table<Change>
              size="small"
              rowKey="key"
              pagination={false}
              dataSource={changes}
              scroll={{ x: 600 }}
              data-testid="kb-review-diff"
              columns={[
                { title: t('kb.review.field'), dataIndex: 'label', width: 120 },
                { title: t('kb.review.before'), dataIndex: 'before', render: (v: string) => <span className="kb-diff-old">{v || '-'}</span> },
                { title: t('kb.review.after'), dataIndex: 'after', render: (v: string) => <span className="kb-diff-new">{v || '-'}</span> },
              ]}
            />
          </Card>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Card size="small" title={t('kb.review.live')} data-testid="kb-review-live">
                {detail.live ? <RevisionContent rev={detail.live} type={type} items={detail.items} /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('kb.review.noLive')} />}
              </Card>
            </Col>
            <Col xs={24} md={12}>
              <Card size="small" title={t('kb.review.revision')} data-testid="kb-review-revision">
                <RevisionContent rev={next} type={type} items={detail.items} highlight={changed} />
              </Card>
            </Col>
          </Row>
          <Card size="small" title={t('kb.tab.history')}>
            <HistoryTimeline history={detail.history ?? []} />
          </Card>
        </Space>
      )}
      <DecisionModal
        decision={deciding}
        onClose={() => setDeciding(null)}
        onSubmit={async (decision, opinion) => {
          if (!detail) return;
          await kbApi.review(detail.id, decision, opinion);
          getMessage().success(decision === 'approve' ? t('kb.review.approved') : t('kb.review.returned'));
          setDeciding(null);
          onDone();
        }}
      />
      <PublishModal
        open={publishing}
        onClose={() => setPublishing(false)}
        onSubmit={async (at) => {
          if (!detail) return;
          await kbApi.publish(detail.id, at);
          getMessage().success(at ? t('kb.review.scheduled', { at: formatDateTime(at) }) : t('kb.review.published'));
          setPublishing(false);
          onDone();
        }}
      />
    </Drawer>
  );
}

function DecisionModal({ decision, onClose, onSubmit }: { decision: 'approve' | 'return' | null; onClose: () => void; onSubmit: (d: 'approve' | 'return', opinion: string) => Promise<void> }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ opinion: string }>();
  const [busy, setBusy] = useState(false);
  const ok = async () => {
    if (!decision) return;
    const v = await form.validateFields();
    setBusy(true);
    try {
      await onSubmit(decision, (v.opinion ?? '').trim());
      form.resetFields();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={!!decision}
      title={decision === 'return' ? t('kb.review.return') : t('kb.review.approve')}
      onCancel={onClose}
      onOk={() => void ok().catch(() => undefined)}
      okButtonProps={{ loading: busy, danger: decision === 'return', 'data-testid': 'kb-decision-ok' } as never}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      destroyOnClose
    >
      <Form form={form} layout="vertical">
        <Form.Item
          name="opinion"
          label={t('kb.review.opinion')}
          rules={decision === 'return' ? [{ required: true, whitespace: true, message: t('kb.review.opinionRequired') }] : []}
        >
          <Input.TextArea rows={3} maxLength={1000} data-testid="kb-review-opinion" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function PublishModal({ open, onClose, onSubmit }: { open: boolean; onClose: () => void; onSubmit: (at?: string) => Promise<void> }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ mode: 'now' | 'at'; at?: Dayjs }>();
  const mode = Form.useWatch('mode', form);
  const [busy, setBusy] = useState(false);
  const ok = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      await onSubmit(v.mode === 'at' && v.at ? localToIso(v.at.format('YYYY-MM-DD HH:mm:ss')) : undefined);
      form.resetFields();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t('kb.review.publish')}
      onCancel={onClose}
      onOk={() => void ok().catch(() => undefined)}
      okButtonProps={{ loading: busy, 'data-testid': 'kb-publish-ok' } as never}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      destroyOnClose
    >
      <Form form={form} layout="vertical" initialValues={{ mode: 'now' }}>
        <Form.Item name="mode">
          <Radio.Group
            options={[
              { value: 'now', label: t('kb.review.publishNow') },
              { value: 'at', label: t('kb.review.publishAt') },
            ]}
            data-testid="kb-publish-mode"
          />
        </Form.Item>
        {mode === 'at' && (
          <Form.Item
            name="at"
            label={t('kb.review.publishTime')}
            rules={[
              { required: true, message: t('kb.review.publishTimeRequired') },
              { validator: (_, v?: Dayjs) => (!v || v.isAfter(dayjs()) ? Promise.resolve() : Promise.reject(new Error(t('kb.review.publishTimeFuture')))) },
            ]}
          >
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
