import { useEffect, useRef, useState } from 'react';
import { Button, Card, Empty, List, Progress, Space, Spin, Tag, Typography } from 'antd';
import { EyeOutlined, ImportOutlined, PushpinFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { getMessage } from '../../api/feedback';
import { kbApi } from './kbApi';
import { KnowledgeDrawer } from './KnowledgeView';
import { knowledgeText, useKbMeta } from './shared';
import type { KbArticleDetail, KbRecommendation, KbType } from './types';

const DEBOUNCE_MS = 600;
/** Fewer characters than this say too little about the demand to rank knowledge. */
const MIN_TEXT = 4;

/**
 * 知识推荐 on the registration form (demo ① step 4): while the agent types what the citizen says,
 * the knowledge that answers it is listed without a search. 插入 hands the text to the form.
 */
export function RecommendPanel({
  text,
  itemId,
  ticketId,
  onInsert,
}: {
  text: string | undefined;
  itemId: string | null | undefined;
  ticketId?: string;
  /** Puts the knowledge text into the form; the panel records the use. */
  onInsert: (articleId: string, text: string) => void;
}) {
  const { t } = useTranslation();
  const { types } = useKbMeta();
  const [items, setItems] = useState<KbRecommendation[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [openId, setOpenId] = useState<string>();
  const [inserting, setInserting] = useState<string>();
  const timer = useRef<number>();
  const inflight = useRef<AbortController>();

  const source = (text ?? '').trim();
  useEffect(() => {
    window.clearTimeout(timer.current);
    if (source.length < MIN_TEXT && !itemId) {
      inflight.current?.abort();
      setItems(null);
      setLoading(false);
      return;
    }
    timer.current = window.setTimeout(() => {
      inflight.current?.abort();
      const ctrl = new AbortController();
      inflight.current = ctrl;
      setLoading(true);
      kbApi
        // With only the item chosen the item's linked knowledge comes back on its own.
        .recommend({ text: source.slice(0, 2000) || undefined, itemId, limit: 5 }, ctrl.signal)
        .then((r) => !ctrl.signal.aborted && setItems(r.slice(0, 5)))
        .catch(() => !ctrl.signal.aborted && setItems([]))
        .finally(() => !ctrl.signal.aborted && setLoading(false));
    }, DEBOUNCE_MS);
    return () => window.clearTimeout(timer.current);
  }, [source, itemId]);
  useEffect(() => () => inflight.current?.abort(), []);

  const insert = async (id: string, detail?: KbArticleDetail, type?: KbType) => {
    setInserting(id);
    try {
      const d = detail ?? (await kbApi.article(id));
      if (!d.live) return;
      const ty = type ?? types.find((x) => x.code === d.typeCode);
      onInsert(d.id, knowledgeText(d.live, ty, false));
      void kbApi.use(id, 'insert', ticketId);
      getMessage().success(t('kb.rec.inserted'));
    } finally {
      setInserting(undefined);
    }
  };

  return (
    <Card size="small" title={t('kb.rec.title')} style={{ marginBottom: 16 }} data-testid="kb-recommend" extra={loading ? <Spin size="small" /> : null}>
      {items === null ? (
        <Typography.Text type="secondary">{t('kb.rec.hint')}</Typography.Text>
      ) : items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('kb.rec.none')} />
      ) : (
        <List
          size="small"
          dataSource={items}
          renderItem={(r) => (
            <List.Item style={{ padding: '8px 0' }} data-testid="kb-rec-card">
              <Space direction="vertical" size={4} style={{ width: '100%', minWidth: 0 }}>
                <Space size={4} wrap>
                  {r.pinned && (
                    <Tag color="red" icon={<PushpinFilled />} bordered={false} data-testid="kb-rec-pinned">
                      {t('kb.rec.pinned')}
                    </Tag>
                  )}
                  <Tag bordered={false} color="blue">
                    {r.typeName}
                  </Tag>
                  <Typography.Text strong data-testid="kb-rec-title">
                    {r.title}
                  </Typography.Text>
                </Space>
                {r.summary ? (
                  <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ marginBottom: 0, fontSize: 12 }}>
                    {r.summary}
                  </Typography.Paragraph>
                ) : null}
                <Space size={8} style={{ width: '100%' }}>
                  <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                    {t('kb.rec.match')}
                  </Typography.Text>
                  <Progress percent={Math.round(r.match * 100)} size="small" style={{ width: 120, margin: 0 }} data-testid="kb-rec-match" />
                </Space>
                {r.reasons.length > 0 && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {r.reasons.join('；')}
                  </Typography.Text>
                )}
                <Space size={4}>
                  <Button size="small" icon={<EyeOutlined />} onClick={() => setOpenId(r.id)} data-testid="kb-rec-view">
                    {t('common.view')}
                  </Button>
                  <Button size="small" type="primary" ghost icon={<ImportOutlined />} loading={inserting === r.id} onClick={() => void insert(r.id).catch(() => undefined)} data-testid="kb-rec-insert">
                    {t('kb.rec.insert')}
                  </Button>
                </Space>
              </Space>
            </List.Item>
          )}
        />
      )}
      <KnowledgeDrawer
        articleId={openId}
        types={types}
        openKind="recommend_click"
        ticketId={ticketId}
        onClose={() => setOpenId(undefined)}
        extra={(d, ty) => (
          <Button
            type="primary"
            icon={<ImportOutlined />}
            onClick={() => {
              setOpenId(undefined);
              void insert(d.id, d, ty).catch(() => undefined);
            }}
          >
            {t('kb.rec.insert')}
          </Button>
        )}
      />
    </Card>
  );
}
