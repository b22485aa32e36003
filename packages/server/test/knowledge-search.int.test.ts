import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knowledgeSearch } from '../src/modules/knowledge/search.index.js';
import { Client, createTestPlatform, ids, login, type Problem, type TestPlatform } from './harness.js';

/**
 * Knowledge search and recommendation against a real database. The test seeds its own articles
 * straight into the tables (type 'srchtest', invented words) so that whatever demo knowledge the
 * seed ships does not change the answers, and filters on its own type where order matters.
 */

interface SearchItem {
  id: string;
  title: string;
  snippet: string;
  typeName: string;
  tenantName: string;
  directoryName: string;
  score: number;
  titleHighlights: { start: number; end: number }[];
  snippetHighlights: { start: number; end: number }[];
}
interface SearchRes {
  total: number;
  items: SearchItem[];
}
interface Rec {
  id: string;
  title: string;
  match: number;
  pinned: boolean;
  usage30d: number;
  score: number;
  reasons: string[];
}

const TYPE = 'srchtest';
let p: TestPlatform;
let root: Client;
let city: Client;
let district: Client;
let sibling: Client;
const tenants: Record<string, string> = {};
const dirs: Record<string, string> = {};

async function grantReader(tenantCode: string, username: string): Promise<void> {
  const db = p.deps.db;
  const tenantId = tenants[tenantCode]!;
  await db.insertInto('tenant_product').values({ tenant_id: tenantId, product_key: 'knowledge' }).onConflict((oc) => oc.doNothing()).execute();
  const roleId = randomUUID();
  const now = p.clock.now();
  await db
    .insertInto('role')
    .values({ id: roleId, tenant_id: tenantId, code: `kbtest_${tenantCode}`, name: '知识检索测试', data_scope: 'tenant', permissions: ['kb:read'], mfa_required: false, admin_type: null, builtin: false, shared: false, created_at: now, updated_at: now })
    .execute();
  const userId = (await (await ids(p)).user(username))!;
  await db.insertInto('user_role').values({ user_id: userId, role_id: roleId }).execute();
}

interface Seed {
  tenant: string;
  title: string;
  body: string;
  summary?: string;
  scope?: 'subtree' | 'tenant';
  keywords?: string[];
  itemIds?: string[];
  publishedAt?: string;
}

/** A published article with its live revision, as the publish step leaves it. */
async function publish(s: Seed): Promise<string> {
  const db = p.deps.db;
  p.clock.advance(1000);
  const now = p.clock.now();
  const id = randomUUID();
  const rev = randomUUID();
  const published = s.publishedAt ? new Date(s.publishedAt) : now;
  await db
    .insertInto('kb_article')
    .values({ id, tenant_id: tenants[s.tenant]!, directory_id: dirs[s.tenant]!, type_code: TYPE, scope: s.scope ?? 'subtree', status: 'published', title: s.title, live_revision_id: null, open_revision_id: null, published_at: published, temporary_offline: false, created_at: now, updated_at: now })
    .execute();
  await db
    .insertInto('kb_revision')
    .values({ id: rev, article_id: id, version: 1, change_type: 'create', state: 'published', title: s.title, summary: s.summary ?? '', body: s.body, fields: '{}', keywords: JSON.stringify(s.keywords ?? []), item_ids: JSON.stringify(s.itemIds ?? []), basis: '测试', source: '', note: '', created_at: now, published_at: published })
    .execute();
  await db.updateTable('kb_article').set({ live_revision_id: rev }).where('id', '=', id).execute();
  return id;
}

async function setStatus(id: string, status: 'offline' | 'published'): Promise<void> {
  p.clock.advance(1000);
  await p.deps.db.updateTable('kb_article').set({ status, updated_at: p.clock.now() }).where('id', '=', id).execute();
}

const search = (c: Client, q: string, extra = '') => c.get<SearchRes>(`/api/v1/kb/search?q=${encodeURIComponent(q)}&typeCode=${TYPE}${extra}`);
const idsOf = (r: { body: SearchRes }) => r.body.items.map((i) => i.id);

const A = {} as Record<'heating' | 'heatingRefund' | 'bus' | 'cityLocal' | 'cityShared' | 'kashi' | 'rootLocal' | 'oldPolicy', string>;

beforeAll(async () => {
  p = await createTestPlatform();
  knowledgeSearch(p.deps).checkIntervalMs = 0;
  const look = await ids(p);
  for (const code of ['650000', '650100', '650102', '653100']) tenants[code] = await look.tenant(code);
  const now = p.clock.now();
  await p.deps.db
    .insertInto('kb_type')
    .values({ code: TYPE, name: '检索测试', description: '', sort: 99, enabled: true, template: JSON.stringify({ fields: [] }), updated_by: null, updated_at: now })
    .onConflict((oc) => oc.doNothing())
    .execute();
  for (const code of Object.keys(tenants)) {
    dirs[code] = randomUUID();
    await p.deps.db.insertInto('kb_directory').values({ id: dirs[code]!, tenant_id: tenants[code]!, parent_id: null, name: `检索测试目录${code}`, sort: 0, enabled: true, created_at: now, updated_at: now }).execute();
  }
  await grantReader('650000', 'handler_xj');
  await grantReader('650100', 'handler_wlmq');
  await grantReader('650102', 'handler_ts');
  await grantReader('653100', 'handler_kash');

  A.heating = await publish({ tenant: '650000', title: '星河供暖收费标准', body: '星河供暖期间居民住宅供暖费按建筑面积每平方米22元收取，低保家庭可申请减免。', keywords: ['供暖费'] });
  A.heatingRefund = await publish({ tenant: '650000', title: '星河停暖退费办法', body: '因故停暖超过72小时的，星河热力公司按天退还供暖费。退费申请材料包括缴费凭证。' });
  A.bus = await publish({ tenant: '650000', title: '星河公交线路调整', body: '星河公交3路自下月起延伸至南湖广场，首末班时间不变。' });
  A.cityLocal = await publish({ tenant: '650100', title: '星河城区停车收费', body: '星河城区路边停车首小时免费，之后每小时2元。', scope: 'tenant' });
  A.cityShared = await publish({ tenant: '650100', title: '星河城区垃圾分类', body: '星河城区居民应将厨余垃圾投放至绿色垃圾桶。' });
  A.kashi = await publish({ tenant: '653100', title: '星河喀什古城门票', body: '星河喀什古城景区门票价格及优惠政策。' });
  A.rootLocal = await publish({ tenant: '650000', title: '星河厅内值班安排', body: '星河热线中心内部值班安排，仅本级使用。', scope: 'tenant' });
  A.oldPolicy = await publish({ tenant: '650000', title: '星河旧版补贴政策', body: '星河旧版补贴政策原文。', publishedAt: '2025-03-01T10:00:00+08:00' });

  root = await login(p, 'handler_xj');
  city = await login(p, 'handler_wlmq');
  district = await login(p, 'handler_ts');
  sibling = await login(p, 'handler_kash');
});

afterAll(async () => {
  await p?.close();
});

describe('GET /api/v1/kb/search', () => {
  it('ranks by relevance, with title and snippet highlights that index the text', async () => {
    const r = await search(root, '星河供暖费收费标准');
    expect(r.status).toBe(200);
    expect(r.body.items[0]?.id).toBe(A.heating);
    expect(idsOf(r).indexOf(A.heatingRefund)).toBeGreaterThan(0);
    const top = r.body.items[0]!;
    expect(top.typeName).toBe('检索测试');
    expect(top.directoryName).toBe('检索测试目录650000');
    expect(top.titleHighlights.length).toBeGreaterThan(0);
    for (const h of top.titleHighlights) expect('星河供暖收费标准'.slice(h.start, h.end).length).toBe(h.end - h.start);
    expect(top.snippetHighlights.map((h) => top.snippet.slice(h.start, h.end))).toContain('供暖费');
  });

  it('rule all needs every word; phrase needs them together', async () => {
    const all = await search(root, '供暖费 退费', '&rule=all');
    expect(idsOf(all)).toEqual([A.heatingRefund]);
    const anyRule = await search(root, '供暖费 退费');
    expect(idsOf(anyRule)).toEqual(expect.arrayContaining([A.heating, A.heatingRefund]));
    const phrase = await search(root, '按天退还供暖费', '&rule=phrase');
    expect(idsOf(phrase)).toEqual([A.heatingRefund]);
    expect((await search(root, '退还按天供暖费', '&rule=phrase')).body.total).toBe(0);
  });

  it('filters by owner tenant, directory and publish date', async () => {
    expect(idsOf(await search(district, '星河', `&ownerTenantId=${tenants['650100']!}`))).toEqual([A.cityShared]);
    expect(idsOf(await search(root, '星河', `&directoryId=${dirs['650000']}`))).not.toContain(A.cityShared);
    const old = await search(root, '星河', '&publishedTo=2025-12-31');
    expect(idsOf(old)).toEqual([A.oldPolicy]);
    expect(idsOf(await search(root, '星河', '&publishedFrom=2026-01-01'))).not.toContain(A.oldPolicy);
  });

  it('visibility: ancestors shared down are found below, siblings and tenant-only knowledge above are not', async () => {
    const seen = idsOf(await search(district, '星河', '&pageSize=100'));
    expect(seen).toEqual(expect.arrayContaining([A.heating, A.cityShared]));
    expect(seen).not.toContain(A.cityLocal);
    expect(seen).not.toContain(A.kashi);
    expect(seen).not.toContain(A.rootLocal);
    const inCity = idsOf(await search(city, '星河', '&pageSize=100'));
    expect(inCity).toEqual(expect.arrayContaining([A.cityLocal, A.cityShared, A.heating]));
    expect(inCity).not.toContain(A.kashi);
    const inKashi = idsOf(await search(sibling, '星河', '&pageSize=100'));
    expect(inKashi).toContain(A.kashi);
    expect(inKashi).not.toContain(A.cityShared);
    // Knowledge does not flow up.
    const atRoot = idsOf(await search(root, '星河', '&pageSize=100'));
    expect(atRoot).toContain(A.rootLocal);
    expect(atRoot).not.toContain(A.cityShared);
  });

  it('synonyms of the caller and its ancestors expand the query; another branch does not get them', async () => {
    expect((await search(district, '暖气费')).body.items.map((i) => i.id)).not.toContain(A.heating);
    const now = p.clock.now();
    await p.deps.db.insertInto('kb_synonym').values({ id: randomUUID(), tenant_id: tenants['650100']!, term: '暖气费', synonyms: JSON.stringify(['供暖费']), updated_by: null, updated_at: now }).execute();
    p.clock.advance(1000);
    const r = await search(district, '暖气费');
    expect(idsOf(r)[0]).toBeDefined();
    expect(idsOf(r)).toEqual(expect.arrayContaining([A.heating, A.heatingRefund]));
    expect(idsOf(await search(sibling, '暖气费'))).not.toContain(A.heating);
  });

  it('acceptance 27: a hot word in the query ranks its linked knowledge first, heavier word first', async () => {
    const before = idsOf(await search(root, '星河供暖费公交'));
    expect(before[0]).toBe(A.heating);
    const now = p.clock.now();
    await p.deps.db
      .insertInto('kb_hot_word')
      .values([
        { id: randomUUID(), tenant_id: tenants['650000']!, word: '公交', weight: 5, article_ids: JSON.stringify([A.bus]), created_by: null, created_at: now, updated_at: now },
        { id: randomUUID(), tenant_id: tenants['650000']!, word: '星河', weight: 2, article_ids: JSON.stringify([A.heatingRefund]), created_by: null, created_at: now, updated_at: now },
      ])
      .execute();
    const after = idsOf(await search(root, '星河供暖费公交'));
    expect(after.slice(0, 3)).toEqual([A.bus, A.heatingRefund, A.heating]);
    // Reweighting swaps them.
    p.clock.advance(1000);
    await p.deps.db.updateTable('kb_hot_word').set({ weight: 9, updated_at: p.clock.now() }).where('word', '=', '星河').where('tenant_id', '=', tenants['650000']!).execute();
    expect(idsOf(await search(root, '星河供暖费公交')).slice(0, 2)).toEqual([A.heatingRefund, A.bus]);
    // The district inherits the root's hot words.
    expect(idsOf(await search(district, '星河供暖费公交'))[0]).toBe(A.heatingRefund);
  });

  it('a knowledge write through the API is seen by the next query, without waiting for the periodic check', async () => {
    const engine = knowledgeSearch(p.deps);
    engine.checkIntervalMs = 60_000;
    try {
      await search(root, '星河城区停车');
      const admin = await login(p, 'kbadmin01');
      const created = await admin.post<{ id: string }>('/api/v1/kb/hot-words', { word: '停车', weight: 50, articleIds: [A.oldPolicy] });
      expect(created.status).toBe(201);
      expect(idsOf(await search(root, '星河城区停车'))[0]).toBe(A.oldPolicy);
      expect((await admin.delete(`/api/v1/kb/hot-words/${created.body.id}`)).status).toBe(200);
      expect(idsOf(await search(root, '星河城区停车'))[0]).not.toBe(A.oldPolicy);
    } finally {
      engine.checkIntervalMs = 0;
    }
  });

  it('the index picks up newly published and unpublished articles', async () => {
    expect((await search(root, '冬季除雪安排', '&rule=phrase')).body.total).toBe(0);
    const builds = knowledgeSearch(p.deps).stats.builds;
    const snow = await publish({ tenant: '650000', title: '星河冬季除雪安排', body: '星河冬季降雪后，环卫部门在六小时内清扫主干道。' });
    expect(idsOf(await search(root, '冬季除雪安排'))[0]).toBe(snow);
    await setStatus(snow, 'offline');
    expect(idsOf(await search(root, '冬季除雪安排'))).not.toContain(snow);
    await setStatus(snow, 'published');
    expect(idsOf(await search(root, '冬季除雪安排'))).toContain(snow);
    // A new live revision replaces the old text, without the article's update time moving.
    const rev = randomUUID();
    await p.deps.db
      .insertInto('kb_revision')
      .values({ id: rev, article_id: snow, version: 2, change_type: 'revise', state: 'published', title: '星河冬季融雪剂使用', summary: '', body: '主干道使用环保融雪剂。', fields: '{}', keywords: '[]', item_ids: '[]', basis: '测试', source: '', note: '', created_at: p.clock.now() })
      .execute();
    await p.deps.db.updateTable('kb_article').set({ live_revision_id: rev }).where('id', '=', snow).execute();
    expect(idsOf(await search(root, '融雪剂', '&rule=phrase'))).toEqual([snow]);
    expect(idsOf(await search(root, '冬季除雪安排', '&rule=phrase'))).toEqual([]);
    // Taken in incrementally, not by rebuilding the index.
    expect(knowledgeSearch(p.deps).stats.builds).toBe(builds);
    // Many changes leave many tombstones: the index is rebuilt in the background and still answers.
    for (let i = 0; i < 30; i++) {
      await setStatus(snow, i % 2 === 0 ? 'offline' : 'published');
      await search(root, '融雪剂', '&rule=phrase');
    }
    await knowledgeSearch(p.deps).settled();
    expect(knowledgeSearch(p.deps).stats.builds).toBeGreaterThan(builds);
    expect(idsOf(await search(root, '融雪剂', '&rule=phrase'))).toEqual([snow]);
  });

  it('pages, and logs each query once for hot search terms of the caller tenant', async () => {
    const first = await search(root, '星河 分页', '&pageSize=2');
    expect(first.body.items.length).toBe(2);
    const second = await search(root, '星河 分页', '&pageSize=2&page=2');
    expect(second.body.total).toBe(first.body.total);
    expect(idsOf(second)).not.toContain(first.body.items[0]!.id);
    const hot = await root.get<{ items: { term: string; count: number }[] }>('/api/v1/kb/search/hot-terms?days=30');
    expect(hot.status).toBe(200);
    const heating = hot.body.items.find((t) => t.term === '供暖费');
    expect(heating?.count).toBeGreaterThanOrEqual(2);
    const cityHot = await city.get<{ items: { term: string }[] }>('/api/v1/kb/search/hot-terms');
    expect(cityHot.body.items.map((t) => t.term)).not.toContain('供暖费');
    const logged = await p.deps.db.selectFrom('kb_search_log').select(sql<number>`count(*)::int`.as('n')).where('query', '=', '星河 分页').executeTakeFirstOrThrow();
    expect(Number(logged.n)).toBe(1);
  });

  it('without words browses the visible knowledge newest first, within the filters, and logs nothing', async () => {
    const before = await p.deps.db.selectFrom('kb_search_log').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    const all = await root.get<{ total: number; items: { id: string; publishedAt: string | null; titleHighlights: unknown[] }[] }>('/api/v1/kb/search?q=%20%20&pageSize=100');
    expect(all.status).toBe(200);
    const ids = all.body.items.map((i) => i.id);
    expect(ids).toEqual(expect.arrayContaining([A.heating, A.bus, A.rootLocal, A.oldPolicy]));
    expect(ids).not.toContain(A.kashi);
    const times = all.body.items.map((i) => Date.parse(i.publishedAt ?? '0'));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(all.body.items.every((i) => i.titleHighlights.length === 0)).toBe(true);
    const mine = await city.get<{ items: { id: string }[] }>(`/api/v1/kb/search?ownerTenantId=${tenants['650100']}`);
    expect(mine.body.items.map((i) => i.id)).toEqual(expect.arrayContaining([A.cityLocal, A.cityShared]));
    expect(mine.body.items.map((i) => i.id)).not.toContain(A.heating);
    const after = await p.deps.db.selectFrom('kb_search_log').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('refuses bad input in Chinese', async () => {
    expect((await root.get('/api/v1/kb/search?q=x&rule=some')).status).toBe(400);
    expect((await root.get('/api/v1/kb/search?q=x&pageSize=1000')).status).toBe(400);
    expect((await root.get('/api/v1/kb/search?q=x&publishedFrom=yesterday')).status).toBe(400);
    expect((await root.get('/api/v1/kb/search?q=x&bogus=1')).status).toBe(400);
    expect((await root.get('/api/v1/kb/search/hot-terms?days=0')).status).toBe(400);
  });

  it('needs kb:read', async () => {
    const nobody = await login(p, 'ent_demo');
    expect([403, 404]).toContain((await nobody.get('/api/v1/kb/search?q=星河')).status);
  });
});

describe('POST /api/v1/kb/recommend and /articles/:id/use', () => {
  it('pins an article that matches the question ≥ 85%, first, with Chinese reasons', async () => {
    const question = '星河停暖退费办法 因故停暖超过72小时的，热力公司按天退还供暖费吗？需要缴费凭证吗';
    const r = await district.post<{ items: Rec[] }>('/api/v1/kb/recommend', { text: question });
    expect(r.status).toBe(200);
    const top = r.body.items[0]!;
    expect(top.id).toBe(A.heatingRefund);
    expect(top.match).toBeGreaterThanOrEqual(0.85);
    expect(top.pinned).toBe(true);
    expect(top.reasons[0]).toMatch(/^与诉求内容相似度 \d+%$/);
    expect(r.body.items.length).toBeLessThanOrEqual(5);
    const rest = r.body.items.slice(1);
    expect(rest.every((i) => !i.pinned || i.match >= 0.85)).toBe(true);
    expect(r.body.items.find((i) => i.id === A.heating)?.pinned ?? false).toBe(false);
    // Only what the caller may read.
    expect(r.body.items.map((i) => i.id)).not.toContain(A.kashi);
  });

  it('usage over 30 days lifts an equally relevant article; the item link lifts and explains', async () => {
    const itemId = randomUUID();
    const a = await publish({ tenant: '650000', title: '星河电动车上牌须知', body: '星河电动自行车上牌需携带购车发票、合格证和身份证。' });
    const b = await publish({ tenant: '650000', title: '星河电动车上牌须知', body: '星河电动自行车上牌需携带购车发票、合格证和身份证。', itemIds: [itemId] });
    const [low, high] = a < b ? [a, b] : [b, a];
    const ask = (body: object) => city.post<{ items: Rec[] }>('/api/v1/kb/recommend', { text: '星河电动自行车怎么上牌', ...body });
    const before = (await ask({})).body.items.map((i) => i.id);
    expect(before.indexOf(low)).toBeLessThan(before.indexOf(high));
    for (let i = 0; i < 6; i++) expect((await city.post(`/api/v1/kb/articles/${high}/use`, { kind: 'insert' })).status).toBe(204);
    const after = (await ask({})).body;
    const ranked = after.items.map((i) => i.id);
    expect(ranked.indexOf(high)).toBeLessThan(ranked.indexOf(low));
    const h = after.items.find((i) => i.id === high)!;
    expect(h.usage30d).toBe(6);
    expect(h.reasons).toContain('近30天使用 6 次');
    // Usage older than 30 days does not count.
    const old = new Date(p.clock.now().getTime() - 31 * 86_400_000);
    await p.deps.db.insertInto('kb_usage').values({ id: randomUUID(), article_id: high, tenant_id: tenants['650100']!, user_id: null, kind: 'copy', ticket_id: null, at: old }).execute();
    expect((await ask({})).body.items.find((i) => i.id === high)?.usage30d).toBe(6);
    const linked = (await ask({ itemId })).body.items;
    const withItem = linked.find((i) => i.id === b)!;
    expect(linked[0]!.id === b || linked[0]!.pinned).toBe(true);
    expect(withItem.reasons.some((x) => x.startsWith('关联事项：'))).toBe(true);
    // Linked to the item, found even when the text shares nothing with it.
    expect((await city.post<{ items: Rec[] }>('/api/v1/kb/recommend', { text: '完全无关的内容描述', itemId })).body.items.map((i) => i.id)).toContain(b);
    // The item alone, before the agent has typed anything, lists its knowledge.
    const byItem = await city.post<{ items: Rec[] }>('/api/v1/kb/recommend', { itemId });
    expect(byItem.status).toBe(200);
    expect(byItem.body.items.map((i) => i.id)).toEqual([b]);
  });

  it('use is refused (404) for knowledge the caller cannot read, and checks its input', async () => {
    expect((await district.post(`/api/v1/kb/articles/${A.kashi}/use`, { kind: 'view' })).status).toBe(404);
    expect((await district.post(`/api/v1/kb/articles/${A.cityLocal}/use`, { kind: 'view' })).status).toBe(404);
    expect((await district.post(`/api/v1/kb/articles/${randomUUID()}/use`, { kind: 'view' })).status).toBe(404);
    expect((await district.post(`/api/v1/kb/articles/${A.cityShared}/use`, { kind: 'view', ticketId: randomUUID() })).status).toBe(204);
    expect((await district.post(`/api/v1/kb/articles/${A.cityShared}/use`, { kind: 'print' })).status).toBe(400);
  });

  it('cuts a huge text instead of refusing it; refuses empty text and a limit out of range', async () => {
    const huge = `星河停暖退费办法，按天退还供暖费。${'市民反映的情况描述。'.repeat(5000)}`;
    const r = await root.post<{ items: Rec[] }>('/api/v1/kb/recommend', { text: huge, limit: 3 });
    expect(r.status).toBe(200);
    expect(r.body.items.length).toBeLessThanOrEqual(3);
    expect(r.body.items.map((i) => i.id)).toContain(A.heatingRefund);
    const empty = await root.post<Problem>('/api/v1/kb/recommend', { text: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toContain('请输入诉求内容或选择诉求事项');
    expect((await root.post('/api/v1/kb/recommend', {})).status).toBe(400);
    expect((await root.post('/api/v1/kb/recommend', { text: '供暖', limit: 6 })).status).toBe(400);
    expect((await root.post('/api/v1/kb/recommend', { text: '供暖', limit: 0 })).status).toBe(400);
    expect((await root.post('/api/v1/kb/recommend', { text: '供暖', extra: 1 })).status).toBe(400);
  });
});
