import { useEffect, useState } from 'react';
import { Button, Descriptions, Drawer, Empty, Grid, Space, Spin, Tag, Typography } from 'antd';
import { CopyOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { getMessage } from '../../api/feedback';
import { formatDateTime } from '../../utils/format';
import { kbApi } from './kbApi';
import { copyText, isoDate, knowledgeText } from './shared';
import type { KbArticleDetail, KbRevision, KbType, KbUseKind } from './types';

/** The content of one revision the way agents read it: summary, body, the type's fields, keywords, items. */
export function RevisionContent({ rev, type, items, highlight }: { rev: KbRevision; type?: KbType; items?: { id: string; name: string }[]; highlight?: Set<string> }) {
  const { t } = useTranslation();
  const mark = (key: string) => (highlight?.has(key) ? 'kb-changed' : undefined);
  const itemNames = items?.filter((i) => rev.itemIds?.includes(i.id)).map((i) => i.name) ?? [];
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <div className={mark('title')}>
        <Typography.Title level={5} style={{ margin: 0 }} data-testid="kb-content-title">
          {rev.title}
        </Typography.Title>
      </div>
      {rev.summary ? (
        <div className={mark('summary')}>
          <Typography.Text type="secondary">{t('kb.field.summary')}</Typography.Text>
          <Typography.Paragraph style={{ marginBottom: 0 }} data-testid="kb-content-summary">
            {rev.summary}
          </Typography.Paragraph>
        </div>
      ) : null}
      <div className={mark('body')}>
        <Typography.Text type="secondary">{t('kb.field.body')}</Typography.Text>
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} data-testid="kb-content-body">
          {rev.body}
        </Typography.Paragraph>
      </div>
      {(type?.template.fields ?? []).length > 0 && (
        <Descriptions size="small" column={1} bordered>
          {type!.template.fields.map((f) => (
            <Descriptions.Item key={f.key} label={f.label} className={mark(`fields.${f.key}`)}>
              <span style={{ whiteSpace: 'pre-wrap' }}>{rev.fields?.[f.key] || '-'}</span>
            </Descriptions.Item>
          ))}
        </Descriptions>
      )}
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('kb.field.keywords')} className={mark('keywords')}>
          {rev.keywords?.length ? rev.keywords.map((k) => <Tag key={k}>{k}</Tag>) : '-'}
        </Descriptions.Item>
        <Descriptions.Item label={t('kb.field.items')} className={mark('itemIds')}>
          {itemNames.length ? itemNames.map((n) => <Tag key={n} color="blue">{n}</Tag>) : rev.itemIds?.length ? rev.itemIds.length : '-'}
        </Descriptions.Item>
        {rev.basis !== undefined && (
          <Descriptions.Item label={t('kb.field.basis')} className={mark('basis')}>
            {rev.basis || '-'}
          </Descriptions.Item>
        )}
        {rev.source ? (
          <Descriptions.Item label={t('kb.field.source')} className={mark('source')}>
            {rev.source}
          </Descriptions.Item>
        ) : null}
        {rev.validTo ? (
          <Descriptions.Item label={t('kb.field.validTo')} className={mark('validTo')}>
            {isoDate(rev.validTo)}
          </Descriptions.Item>
        ) : null}
      </Descriptions>
    </Space>
  );
}

/**
 * 知识详情 for readers: the live content, owner and publish time, and 复制. `openKind` is the use
 * that opening it records (a card clicked from the recommendations counts differently from a search).
 */
export function KnowledgeDrawer({
  articleId,
  types,
  onClose,
  openKind = 'view',
  ticketId,
  extra,
}: {
  articleId?: string;
  types: KbType[];
  onClose: () => void;
  openKind?: KbUseKind;
  ticketId?: string;
  extra?: (detail: KbArticleDetail, type?: KbType) => React.ReactNode;
}) {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const [detail, setDetail] = useState<KbArticleDetail | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    setDetail(null);
    setFailed(false);
    if (!articleId) return;
    let cancelled = false;
    kbApi
      .article(articleId)
      .then((d) => {
        if (cancelled) return;
        setDetail(d);
        void kbApi.use(articleId, openKind, ticketId);
      })
      .catch(() => !cancelled && setFailed(true));
    return () => {
      cancelled = true;
    };
  }, [articleId]);

  const type = detail ? types.find((x) => x.code === detail.typeCode) : undefined;
  const live = detail?.live ?? null;

  const copy = async () => {
    if (!detail || !live) return;
    if (await copyText(knowledgeText(live, type))) {
      getMessage().success(t('common.copied'));
      void kbApi.use(detail.id, 'copy', ticketId);
    } else getMessage().error(t('common.copyFailed'));
  };

  return (
    <Drawer
      open={!!articleId}
      onClose={onClose}
      width={screens.md ? 720 : '100%'}
      destroyOnClose
      title={detail?.title ?? t('kb.detail')}
      data-testid="kb-detail"
      extra={
        live ? (
          <Space wrap>
            {detail && extra?.(detail, type)}
            <Button icon={<CopyOutlined />} onClick={() => void copy()} data-testid="kb-copy">
              {t('kb.copy')}
            </Button>
          </Space>
        ) : null
      }
    >
      {failed ? (
        <Empty description={t('kb.notFound')} />
      ) : !detail ? (
        <Spin />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }} size="large">
          <Descriptions size="small" column={screens.md ? 2 : 1} bordered>
            <Descriptions.Item label={t('kb.field.type')}>{detail.typeName}</Descriptions.Item>
            <Descriptions.Item label={t('kb.field.directory')}>{detail.directoryName}</Descriptions.Item>
            <Descriptions.Item label={t('kb.field.owner')}>
              <span data-testid="kb-detail-owner">{detail.tenantName}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('kb.field.publishedAt')}>{formatDateTime(detail.publishedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('kb.field.version')}>{detail.version ? `V${detail.version}` : '-'}</Descriptions.Item>
            <Descriptions.Item label={t('kb.field.scope')}>{t(`kb.scope.${detail.scope}`)}</Descriptions.Item>
          </Descriptions>
          {live ? <RevisionContent rev={live} type={type} items={detail.items} /> : <Empty description={t('kb.notPublished')} />}
        </Space>
      )}
    </Drawer>
  );
}
