import { useEffect, useState } from 'react';
import { Alert, Button, Checkbox, Descriptions, Drawer, Empty, Form, Grid, Input, Modal, Popconfirm, Space, Spin, Tabs, Timeline, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, SendOutlined, StopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { getMessage } from '../../api/feedback';
import { useAuth } from '../../auth/AuthContext';
import { formatDateTime } from '../../utils/format';
import { kbApi } from './kbApi';
import { RevisionContent } from './KnowledgeView';
import { ChangeTypeTag, isoDate, isReturned, KbStatusTag, StateTag } from './shared';
import type { KbArticleDetail, KbRevisionSummary, KbType } from './types';

/** 知识工单 trail: each revision with its change type, 环节, people and opinions. */
export function HistoryTimeline({ history }: { history: KbRevisionSummary[] }) {
  const { t } = useTranslation();
  if (!history.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  const sorted = [...history].sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
  return (
    <Timeline
      data-testid="kb-history"
      items={sorted.map((h, i) => ({
        key: h.id ?? String(i),
        color: isReturned(h) ? 'red' : h.state === 'published' || h.state === 'applied' ? 'green' : h.state === 'discarded' || h.state === 'superseded' ? 'gray' : 'blue',
        children: (
          <Space direction="vertical" size={2} data-testid="kb-history-item">
            <Space wrap size={4}>
              <ChangeTypeTag value={h.changeType} />
              <StateTag value={h.state} returned={isReturned(h)} />
              {h.version ? <Typography.Text type="secondary">V{h.version}</Typography.Text> : null}
            </Space>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('kb.history.created', { who: h.authorName ?? '-', at: formatDateTime(h.createdAt) })}
            </Typography.Text>
            {h.submittedAt ? (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('kb.history.submitted', { at: formatDateTime(h.submittedAt) })}
              </Typography.Text>
            ) : null}
            {h.reviewedAt || h.reviewerName ? (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('kb.history.reviewed', { who: h.reviewerName ?? '-', at: formatDateTime(h.reviewedAt) })}
              </Typography.Text>
            ) : null}
            {h.publishAt && !h.publishedAt ? (
              <Typography.Text type="warning" style={{ fontSize: 12 }}>
                {t('kb.history.scheduled', { at: formatDateTime(h.publishAt) })}
              </Typography.Text>
            ) : null}
            {h.publishedAt ? (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('kb.history.published', { who: h.publisherName ?? '-', at: formatDateTime(h.publishedAt) })}
              </Typography.Text>
            ) : null}
            {h.reviewOpinion ? <Typography.Text data-testid="kb-history-opinion">{t('kb.history.opinion', { text: h.reviewOpinion })}</Typography.Text> : null}
            {h.note ? <Typography.Text>{h.note}</Typography.Text> : null}
          </Space>
        ),
      }))}
    />
  );
}

function ReasonModal({
  open,
  title,
  withTemporary,
  onClose,
  onSubmit,
}: {
  open: boolean;
  title: string;
  withTemporary?: boolean;
  onClose: () => void;
  onSubmit: (reason: string, temporary: boolean) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string; temporary: boolean }>();
  const [busy, setBusy] = useState(false);
  const ok = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      await onSubmit(v.reason.trim(), !!v.temporary);
      form.resetFields();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} title={title} onCancel={onClose} onOk={() => void ok().catch(() => undefined)} okButtonProps={{ loading: busy, danger: true }} okText={t('common.confirm')} cancelText={t('common.cancel')} destroyOnClose>
      <Form form={form} layout="vertical" initialValues={{ temporary: false }}>
        <Form.Item name="reason" label={t('kb.reason')} rules={[{ required: true, whitespace: true, message: t('kb.reasonRequired') }]}>
          <Input.TextArea rows={3} maxLength={1000} data-testid="kb-reason" />
        </Form.Item>
        {withTemporary && (
          <Form.Item name="temporary" valuePropName="checked" extra={t('kb.temporaryHint')}>
            <Checkbox data-testid="kb-temporary">{t('kb.temporary')}</Checkbox>
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/**
 * An article as its editors see it: the open draft (or the live version), the buttons its status
 * allows, and its 知识工单 trail.
 */
export function ArticleDetailDrawer({
  articleId,
  types,
  onClose,
  onEdit,
  onChanged,
}: {
  articleId?: string;
  types: KbType[];
  onClose: () => void;
  onEdit: (detail: KbArticleDetail) => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const screens = Grid.useBreakpoint();
  const [detail, setDetail] = useState<KbArticleDetail | null>(null);
  const [reason, setReason] = useState<'unpublish' | 'recycle' | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async (id: string) => setDetail(await kbApi.article(id));
  useEffect(() => {
    setDetail(null);
    if (articleId) void load(articleId).catch(() => undefined);
  }, [articleId]);

  const act = async (fn: () => Promise<unknown>, done: string) => {
    if (!detail) return;
    setBusy(true);
    try {
      await fn();
      getMessage().success(done);
      onChanged();
      await load(detail.id);
    } finally {
      setBusy(false);
    }
  };

  const type = detail ? types.find((x) => x.code === detail.typeCode) : undefined;
  const open = detail?.open ?? null;
  const openEditable = open?.state === 'draft';
  const editor = !!detail?.editable;
  const returned = isReturned(open) ? open : null;

  const buttons = detail ? (
    <Space wrap>
      {editor && (openEditable || (!open && (detail.status === 'published' || detail.status === 'offline'))) && (
        <Button icon={<EditOutlined />} onClick={() => onEdit(detail)} data-testid="kb-edit">
          {open ? t('common.edit') : t('kb.revise')}
        </Button>
      )}
      {editor && openEditable && (
        <Button type="primary" icon={<SendOutlined />} loading={busy} onClick={() => void act(() => kbApi.submit(detail.id), t('kb.submitted'))} data-testid="kb-submit">
          {t('kb.submit')}
        </Button>
      )}
      {editor && openEditable && (
        <Popconfirm title={t('kb.discardConfirm')} onConfirm={() => act(() => kbApi.discard(detail.id), t('kb.discarded'))}>
          <Button danger data-testid="kb-discard">
            {t('kb.discard')}
          </Button>
        </Popconfirm>
      )}
      {can('kb:publish') && detail.status === 'published' && (
        <Button danger icon={<StopOutlined />} onClick={() => setReason('unpublish')} data-testid="kb-unpublish">
          {t('kb.unpublish')}
        </Button>
      )}
      {editor && (detail.status === 'offline' || (detail.status === 'draft' && !detail.live)) && (
        <Button danger icon={<DeleteOutlined />} onClick={() => setReason('recycle')} data-testid="kb-recycle">
          {t('kb.recycle')}
        </Button>
      )}
    </Space>
  ) : null;

  return (
    <Drawer open={!!articleId} onClose={onClose} width={screens.md ? 820 : '100%'} title={detail?.title ?? t('kb.detail')} extra={buttons} data-testid="kb-article-detail">
      {!detail ? (
        <Spin />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }} size="middle">
          {returned?.reviewOpinion ? <Alert type="error" showIcon message={t('kb.returnedWith', { opinion: returned.reviewOpinion })} data-testid="kb-returned" /> : null}
          {detail.status === 'offline' && detail.offlineReason ? (
            <Alert type="warning" showIcon message={t(detail.temporaryOffline ? 'kb.offlineTemporary' : 'kb.offlineReason', { reason: detail.offlineReason })} />
          ) : null}
          {open?.publishAt && open.state === 'pending_publish' ? <Alert type="info" showIcon message={t('kb.history.scheduled', { at: formatDateTime(open.publishAt) })} /> : null}
          <Descriptions size="small" column={screens.md ? 3 : 1} bordered>
            <Descriptions.Item label={t('common.status')}>
              <Space size={4} wrap>
                <KbStatusTag value={detail.status} />
                {open && (open.state !== detail.status || isReturned(open)) && <StateTag value={open.state} returned={isReturned(open)} />}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t('kb.field.type')}>{detail.typeName}</Descriptions.Item>
            <Descriptions.Item label={t('kb.field.directory')}>{detail.directoryName}</Descriptions.Item>
            <Descriptions.Item label={t('kb.field.scope')}>{t(`kb.scope.${detail.scope}`)}</Descriptions.Item>
            <Descriptions.Item label={t('kb.field.version')}>{detail.version ? `V${detail.version}` : '-'}</Descriptions.Item>
            <Descriptions.Item label={t('kb.field.publishedAt')}>{formatDateTime(detail.publishedAt)}</Descriptions.Item>
            {detail.validTo ? <Descriptions.Item label={t('kb.field.validTo')}>{isoDate(detail.validTo)}</Descriptions.Item> : null}
          </Descriptions>
          <Tabs
            items={[
              ...(open
                ? [{ key: 'open', label: t('kb.tab.open'), children: <RevisionContent rev={open} type={type} items={detail.items} /> }]
                : []),
              ...(detail.live ? [{ key: 'live', label: t('kb.tab.live'), children: <RevisionContent rev={detail.live} type={type} items={detail.items} /> }] : []),
              { key: 'history', label: t('kb.tab.history'), children: <HistoryTimeline history={detail.history ?? []} /> },
            ]}
          />
        </Space>
      )}
      <ReasonModal
        open={reason !== null}
        title={reason === 'unpublish' ? t('kb.unpublish') : t('kb.recycle')}
        withTemporary={reason === 'unpublish'}
        onClose={() => setReason(null)}
        onSubmit={async (text, temporary) => {
          if (!detail) return;
          if (reason === 'unpublish') await act(() => kbApi.unpublish(detail.id, text, temporary), t('kb.unpublished'));
          else await act(() => kbApi.recycle(detail.id, text), t('kb.recycled'));
          setReason(null);
        }}
      />
    </Drawer>
  );
}
