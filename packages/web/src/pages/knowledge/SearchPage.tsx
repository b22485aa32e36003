import { useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { PageContainer } from '@ant-design/pro-components';
import { Button, Card, Checkbox, Col, DatePicker, Empty, Form, Input, List, Radio, Row, Select, Space, Tag, TreeSelect, Typography } from 'antd';
import { FireOutlined, SearchOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { Query } from '../../api/client';
import { formatDateTime, localToIso } from '../../utils/format';
import { kbApi } from './kbApi';
import { KnowledgeDrawer } from './KnowledgeView';
import { directoryTree, Highlighted, ownerTenants, useKbMeta } from './shared';
import type { KbSearchHit, KbSearchRule } from './types';

interface Advanced {
  rule: KbSearchRule;
  typeCode?: string;
  directoryId?: string;
  ownerTenantId?: string;
  published?: [Dayjs | null, Dayjs | null] | null;
}

const PAGE_SIZE = 10;
const WITHIN_MAX = 100;

/**
 * 知识检索: what agents use while a citizen waits. Simple search is one box; the advanced panel
 * adds the rule (任意词/全部词/完整短语), type, directory, owner and publish dates. Hot search terms
 * on the side fill the box with one click.
 */
export default function SearchPage() {
  const { t } = useTranslation();
  const { types, directories } = useKbMeta();
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [form] = Form.useForm<Advanced>();
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<{ total: number; items: KbSearchHit[] } | null>(null);
  const [loading, setLoading] = useState(false);
  const [hot, setHot] = useState<{ term: string; count: number }[]>([]);
  const [openId, setOpenId] = useState<string>();
  const [within, setWithin] = useState(false);
  /** The whole narrowed list while searching within results (paged here), else null. */
  const [narrowed, setNarrowed] = useState<KbSearchHit[] | null>(null);
  /** The query behind the results on screen, which 在结果中搜索 narrows. */
  const shown = useRef<Query | null>(null);
  /** Only the latest request may fill the list: the opening browse can answer after a search. */
  const latest = useRef(0);
  const dirTree = useMemo(() => directoryTree(directories), [directories]);
  const owners = useMemo(() => ownerTenants(directories), [directories]);

  const loadHot = () => void kbApi.hotTerms(30).then(setHot).catch(() => undefined);
  useEffect(loadHot, []);

  /** The query as the server takes it: the box plus the advanced conditions. */
  function queryOf(q: string, toPage: number, pageSize: number): Query {
    const adv = form.getFieldsValue(true) as Advanced;
    const [from, to] = adv.published ?? [];
    return {
      q: q.trim() || undefined,
      rule: adv.rule ?? 'any',
      typeCode: adv.typeCode,
      directoryId: adv.directoryId,
      ownerTenantId: adv.ownerTenantId,
      publishedFrom: from ? localToIso(from.format('YYYY-MM-DD')) : undefined,
      publishedTo: to ? localToIso(`${to.format('YYYY-MM-DD')} 23:59:59`) : undefined,
      page: toPage,
      pageSize,
    };
  }

  /** An empty box browses: the newest knowledge within the advanced conditions. */
  async function run(q: string, toPage = 1) {
    const ticket = ++latest.current;
    setLoading(true);
    try {
      const query = queryOf(q, toPage, PAGE_SIZE);
      const res = await kbApi.search(query);
      if (ticket !== latest.current) return;
      setResult({ total: res.total ?? 0, items: res.items ?? [] });
      setPage(toPage);
      setNarrowed(null);
      shown.current = query;
      if (toPage === 1) loadHot();
    } catch {
      if (ticket === latest.current) setResult({ total: 0, items: [] });
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
  }

  /**
   * 在结果中搜索: the new words are searched among what is listed now. The server has no such
   * query, so both sides are read in full (up to WITHIN_MAX, ranked first) and intersected here.
   */
  async function narrow(q: string) {
    if (!q.trim() || !shown.current) return run(q, 1);
    const ticket = ++latest.current;
    setLoading(true);
    try {
      const base = narrowed ?? (await kbApi.search({ ...shown.current, page: 1, pageSize: WITHIN_MAX })).items;
      const ids = new Set(base.map((h) => h.id));
      const hits = (await kbApi.search(queryOf(q, 1, WITHIN_MAX))).items.filter((h) => ids.has(h.id));
      if (ticket !== latest.current) return;
      setNarrowed(hits);
      setResult({ total: hits.length, items: hits.slice(0, PAGE_SIZE) });
      setPage(1);
      loadHot();
    } catch {
      if (ticket === latest.current) setResult({ total: 0, items: [] });
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
  }

  const turnPage = (p: number) => {
    if (!narrowed) return void run(text, p);
    setPage(p);
    setResult({ total: narrowed.length, items: narrowed.slice((p - 1) * PAGE_SIZE, p * PAGE_SIZE) });
  };

  const submit = (q: string) => {
    setText(q);
    setParams(q.trim() ? { q: q.trim() } : {}, { replace: true });
    void (within && result ? narrow(q) : run(q, 1));
  };

  // A link such as /kb/search?q=社保 opens with its results; a bare visit lists the newest knowledge.
  useEffect(() => {
    void run(params.get('q') ?? '', 1);
  }, []);

  return (
    <PageContainer title={t('menu.knowledge.search')} subTitle={t('kb.search.subtitle')}>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={18}>
          <Card size="small">
            <Space direction="vertical" style={{ width: '100%' }}>
              <Input.Search
                value={text}
                onChange={(e) => setText(e.target.value)}
                onSearch={submit}
                enterButton={
                  <Button type="primary" icon={<SearchOutlined />} data-testid="kb-search-submit">
                    {t('kb.search.button')}
                  </Button>
                }
                placeholder={t('kb.search.placeholder')}
                allowClear
                size="large"
                maxLength={200}
                data-testid="kb-search-input"
              />
              <Space wrap>
                {result && (
                  <Checkbox checked={within} onChange={(e) => setWithin(e.target.checked)} data-testid="kb-search-within">
                    {t('kb.search.within')}
                  </Checkbox>
                )}
                <Typography.Link onClick={() => setAdvancedOpen((v) => !v)} data-testid="kb-advanced-toggle">
                  {advancedOpen ? t('kb.search.simple') : t('kb.search.advanced')}
                </Typography.Link>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('kb.search.syntaxHint')}
                </Typography.Text>
              </Space>
              <Form form={form} layout="vertical" initialValues={{ rule: 'any' }} hidden={!advancedOpen} data-testid="kb-advanced">
                <Row gutter={16}>
                  <Col xs={24} md={12}>
                    <Form.Item name="rule" label={t('kb.search.rule')}>
                      <Radio.Group
                        optionType="button"
                        options={(['any', 'all', 'phrase'] as const).map((r) => ({ value: r, label: t(`kb.search.rule.${r}`) }))}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item name="typeCode" label={t('kb.field.type')}>
                      <Select allowClear options={types.filter((x) => x.enabled).map((x) => ({ value: x.code, label: x.name }))} data-testid="kb-search-type" />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item name="directoryId" label={t('kb.field.directory')}>
                      <TreeSelect allowClear treeData={dirTree} treeDefaultExpandAll showSearch treeNodeFilterProp="title" />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item name="ownerTenantId" label={t('kb.field.owner')}>
                      <Select allowClear options={owners} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item name="published" label={t('kb.field.publishedAt')}>
                      <DatePicker.RangePicker style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12} style={{ display: 'flex', alignItems: 'flex-end' }}>
                    <Form.Item>
                      <Space>
                        <Button type="primary" onClick={() => submit(text)}>
                          {t('common.search')}
                        </Button>
                        <Button onClick={() => form.resetFields()}>{t('common.reset')}</Button>
                      </Space>
                    </Form.Item>
                  </Col>
                </Row>
              </Form>
            </Space>
          </Card>
          <Card size="small" style={{ marginTop: 16 }}>
            {result === null ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('kb.search.hint')} />
            ) : (
              <List
                loading={loading}
                dataSource={result.items}
                locale={{ emptyText: t('kb.search.none') }}
                header={<Typography.Text type="secondary">{t('kb.search.total', { count: result.total })}</Typography.Text>}
                pagination={
                  result.total > PAGE_SIZE
                    ? { current: page, pageSize: PAGE_SIZE, total: result.total, showSizeChanger: false, onChange: turnPage, size: 'small' }
                    : false
                }
                renderItem={(hit) => (
                  <List.Item key={hit.id} data-testid="kb-hit">
                    <Space direction="vertical" size={4} style={{ width: '100%', minWidth: 0 }}>
                      <Typography.Link strong onClick={() => setOpenId(hit.id)} data-testid="kb-hit-title" style={{ fontSize: 15 }}>
                        <Highlighted text={hit.title} spans={hit.titleHighlights} testId="kb-hl" />
                      </Typography.Link>
                      <Typography.Paragraph style={{ marginBottom: 0, wordBreak: 'break-word' }} data-testid="kb-hit-snippet">
                        <Highlighted text={hit.snippet ?? ''} spans={hit.snippetHighlights} testId="kb-hl" />
                      </Typography.Paragraph>
                      <Space wrap size={[8, 4]}>
                        <Tag color="blue" bordered={false}>
                          {hit.typeName}
                        </Tag>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {hit.directoryName} · {hit.tenantName} · {formatDateTime(hit.publishedAt)}
                        </Typography.Text>
                      </Space>
                    </Space>
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={6}>
          <Card size="small" title={<Space><FireOutlined style={{ color: '#fa541c' }} />{t('kb.search.hotTerms')}</Space>} data-testid="kb-hot-terms">
            {hot.length === 0 ? (
              <Typography.Text type="secondary">{t('kb.search.noHotTerms')}</Typography.Text>
            ) : (
              <List
                size="small"
                dataSource={hot.slice(0, 15)}
                renderItem={(h, i) => (
                  <List.Item style={{ cursor: 'pointer' }} onClick={() => submit(h.term)} data-testid="kb-hot-term" extra={<Typography.Text type="secondary">{h.count}</Typography.Text>}>
                    <Space>
                      <Tag color={i < 3 ? 'volcano' : 'default'} bordered={false} style={{ minWidth: 24, textAlign: 'center' }}>
                        {i + 1}
                      </Tag>
                      <Typography.Text>{h.term}</Typography.Text>
                    </Space>
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
      </Row>
      <KnowledgeDrawer articleId={openId} types={types} onClose={() => setOpenId(undefined)} />
    </PageContainer>
  );
}
