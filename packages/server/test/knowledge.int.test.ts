import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestPlatform, expectProblem, ids, login, provisionUser, relaxLoginRateLimit, type TestPlatform } from './harness.js';
import { runKnowledgeJobs } from '../src/modules/knowledge/jobs.js';
import { synonymGroupsFor } from '../src/modules/knowledge/synonyms.service.js';
import { hotWordsFor } from '../src/modules/knowledge/hot-words.service.js';
import { isVisibleTo, visibleOwnerTenantIds, visibleOwners } from '../src/modules/knowledge/visibility.js';
import { XLSX_MIME } from '../src/platform/excel/sheet.js';

/**
 * 知识库五级联动 (server core): the article life cycle through reviewed revisions with its audit
 * trail and 知识工单, scheduled publishing, recycle bin and purge, expiry reminders, directories,
 * hot words and synonyms, and the five-level data scope (read down the tree, never sideways or up;
 * every write of another tenant answers 404 and changes nothing).
 */

interface Revision {
  id: string;
  version: number;
  changeType: string;
  state: string;
  title: string;
  body: string;
  fields: Record<string, string>;
  basis: string;
  reviewOpinion: string | null;
  reviewerName: string | null;
  publisherName: string | null;
  publishAt: string | null;
  note: string;
}
interface Article {
  id: string;
  title: string;
  status: string;
  version: number | null;
  openState: string | null;
  tenantId: string;
  tenantName: string;
  typeName: string;
  directoryName: string;
  live: Revision | null;
  open: Revision | null;
  history: { id: string; version: number; changeType: string; state: string }[];
  items: { id: string; name: string }[];
  offlineReason: string | null;
  editable: boolean;
}
interface Directory {
  id: string;
  tenantId: string;
  parentId: string | null;
  name: string;
  sort: number;
  articleCount: number;
  inherited: boolean;
}

const GUIDE_FIELDS = { conditions: '在本地参保', materials: '身份证', timeLimit: '即时办结', location: '人社服务窗口', phone: '12345' };

describe('knowledge base', () => {
  let p: TestPlatform;
  let ed: Client; // kbeditor01, 自治区
  let rev: Client; // kbreviewer01, 自治区 (review + publish)
  let adm: Client; // kbadmin01, 自治区
  let edW: Client; // kbeditor_wlmq, 乌鲁木齐市
  let revW: Client; // kbreviewer_wlmq
  let agent: Client; // agent01, 自治区 (kb:read)
  let hdlW: Client; // handler_wlmq, 乌鲁木齐市
  let hdlTs: Client; // handler_ts, 天山区 (below 乌鲁木齐)
  let hdlKs: Client; // handler_kash, 喀什地区 (a sibling of 乌鲁木齐)
  let root: string;
  let wlmq: string;
  let kash: string;
  let socialDir: string;

  const articleByTitle = async (title: string) => (await p.deps.db.selectFrom('kb_article').select(['id', 'tenant_id']).where('title', '=', title).executeTakeFirstOrThrow()).id;
  const audits = async (id: string) =>
    (await p.deps.db.selectFrom('audit_log').select(['action', 'actor_name', 'result', 'summary']).where('target_id', '=', id).where('result', '=', 'success').orderBy('id').execute());

  /** Sessions time out when the clock jumps (scheduled publishing, expiry, retention): sign in again. */
  async function signIn() {
    const c = await Promise.all(
      ['kbeditor01', 'kbreviewer01', 'kbadmin01', 'kbeditor_wlmq', 'kbreviewer_wlmq', 'agent01', 'handler_wlmq', 'handler_ts', 'handler_kash'].map((u) => login(p, u)),
    );
    [ed, rev, adm, edW, revW, agent, hdlW, hdlTs, hdlKs] = c as [Client, Client, Client, Client, Client, Client, Client, Client, Client];
  }
  async function advance(ms: number) {
    p.clock.advance(ms);
    await signIn();
  }

  beforeAll(async () => {
    p = await createTestPlatform();
    await relaxLoginRateLimit(p);
    // The clock moves months ahead here; passwords must not expire on the way.
    expect((await (await login(p, 'secadmin')).put('/api/v1/config/security.passwordMaxAgeDays', { value: 3650 })).status).toBe(200);
    await signIn();
    const I = await ids(p);
    root = await I.tenant('650000');
    wlmq = await I.tenant('650100');
    kash = await I.tenant('653100');
    const dirs = await agent.get<{ items: Directory[] }>('/api/v1/kb/directories');
    socialDir = dirs.body.items.find((d) => d.name === '社会保障' && d.tenantId === root)!.id;
  });
  afterAll(() => p?.close());

  async function draft(c: Client, title: string, extra: Record<string, unknown> = {}) {
    const res = await c.post<Article>('/api/v1/kb/articles', { directoryId: socialDir, typeCode: 'guide', title, body: `${title}的办理说明。`, fields: GUIDE_FIELDS, basis: '采编依据（测试）', ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  /** draft → submitted → approved → published now, by the 自治区 editor and reviewer. */
  async function published(title: string, extra: Record<string, unknown> = {}) {
    const a = await draft(ed, title, extra);
    expect((await ed.post(`/api/v1/kb/articles/${a.id}/submit`)).status).toBe(200);
    expect((await rev.post(`/api/v1/kb/articles/${a.id}/review`, { decision: 'approve', opinion: '同意' })).status).toBe(200);
    const res = await rev.post<Article>(`/api/v1/kb/articles/${a.id}/publish`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  it('seeds the five types with templates, the directory trees, demo knowledge and the menus', async () => {
    const types = await agent.get<{ items: { code: string; name: string; template: { fields: { key: string; label: string; required: boolean }[] } }[] }>('/api/v1/kb/types');
    expect(types.status).toBe(200);
    expect(types.body.items.map((t) => t.code)).toEqual(['policy', 'guide', 'faq', 'script', 'emergency']);
    const guide = types.body.items.find((t) => t.code === 'guide')!;
    expect(guide.template.fields.filter((f) => f.required).map((f) => f.label)).toEqual(['受理条件', '申请材料', '办理时限', '办理地点', '咨询电话']);
    expect(types.body.items.find((t) => t.code === 'policy')!.template.fields.map((f) => f.label)).toEqual(expect.arrayContaining(['文号', '发布机关', '生效日期']));

    const { count } = await p.deps.db.selectFrom('kb_article').select((eb) => eb.fn.countAll<number>().as('count')).where('status', '=', 'published').executeTakeFirstOrThrow();
    expect(Number(count)).toBeGreaterThanOrEqual(25);
    const temporary = await p.deps.db.selectFrom('kb_revision').select('valid_to').where('valid_to', 'is not', null).execute();
    expect(temporary.length).toBe(1);

    const menus = await ed.get<{ menus: { key: string; children?: { key: string }[] }[] }>('/api/v1/me');
    const kb = menus.body.menus.find((m) => m.key === 'knowledge');
    expect(kb?.children?.map((c) => c.key)).toEqual(['knowledge.search', 'knowledge.articles', 'knowledge.recycle']);
    const revMenus = (await rev.get<{ menus: { key: string; children?: { key: string }[] }[] }>('/api/v1/me')).body.menus.find((m) => m.key === 'knowledge');
    expect(revMenus?.children?.map((c) => c.key)).toEqual(['knowledge.search', 'knowledge.reviews']);
    const admMenus = (await adm.get<{ menus: { key: string; children?: { key: string }[] }[] }>('/api/v1/me')).body.menus.find((m) => m.key === 'knowledge');
    expect(admMenus?.children?.map((c) => c.key)).toContain('knowledge.config');
  });

  it('walks the life cycle: required fields, return with opinion, approve, publish, all audited', async () => {
    const created = await ed.post<Article>('/api/v1/kb/articles', { directoryId: socialDir, typeCode: 'guide', title: '测试：社保卡激活', body: '社保卡领取后需要激活。', fields: { conditions: '已领卡' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id;
    expect(created.body).toMatchObject({ status: 'draft', version: null, openState: 'draft', editable: true, typeName: '办事指南', directoryName: '社会保障' });
    expect(created.body.open).toMatchObject({ version: 1, changeType: 'create', state: 'draft' });

    const refused = expectProblem(await ed.post(`/api/v1/kb/articles/${id}/submit`), 422, 'KB_REQUIRED_FIELDS');
    expect(refused.detail).toContain('采编依据');
    expect(refused.errors!.map((e) => e.message)).toEqual(['采编依据', '申请材料', '办理时限', '办理地点', '咨询电话']);

    const saved = await ed.put<Article>(`/api/v1/kb/articles/${id}/draft`, { title: '测试：社保卡激活', body: '社保卡领取后需要激活。', fields: GUIDE_FIELDS, basis: '社会保障卡管理办法（测试）', itemIds: [] });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.open?.version).toBe(1);
    const submitted = await ed.post<Article>(`/api/v1/kb/articles/${id}/submit`);
    expect(submitted.body).toMatchObject({ status: 'pending_review', openState: 'pending_review' });
    expectProblem(await ed.put(`/api/v1/kb/articles/${id}/draft`, { title: 'x', body: 'y' }), 409, 'KB_INVALID_STATE');
    // The editor holds no kb:review; the reviewer's list shows it.
    expectProblem(await ed.post(`/api/v1/kb/articles/${id}/review`, { decision: 'approve' }), 403, 'FORBIDDEN');
    const todo = await rev.get<{ items: { articleId: string; state: string; authorName: string }[] }>('/api/v1/kb/reviews');
    expect(todo.body.items).toContainEqual(expect.objectContaining({ articleId: id, state: 'pending_review', authorName: '张丽' }));

    expectProblem(await rev.post(`/api/v1/kb/articles/${id}/review`, { decision: 'return' }), 400, 'VALIDATION_FAILED');
    const returned = await rev.post<Article>(`/api/v1/kb/articles/${id}/review`, { decision: 'return', opinion: '请补充网上激活渠道' });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ status: 'draft', openState: 'draft' });
    expect(returned.body.open).toMatchObject({ state: 'draft', reviewOpinion: '请补充网上激活渠道', reviewerName: '努尔兰' });

    await ed.put(`/api/v1/kb/articles/${id}/draft`, { title: '测试：社保卡激活', body: '社保卡领取后需要激活，可在网上或网点办理。', fields: { ...GUIDE_FIELDS, online: '电子社保卡' }, basis: '社会保障卡管理办法（测试）' });
    expect((await ed.post(`/api/v1/kb/articles/${id}/submit`)).status).toBe(200);
    expectProblem(await rev.post(`/api/v1/kb/articles/${id}/publish`, {}), 409, 'KB_INVALID_STATE');
    const approved = await rev.post<Article>(`/api/v1/kb/articles/${id}/review`, { decision: 'approve', opinion: '同意' });
    expect(approved.body).toMatchObject({ status: 'pending_publish', openState: 'pending_publish' });
    // Nobody outside the tenant's editorial roles sees it before publication.
    expectProblem(await agent.get(`/api/v1/kb/articles/${id}`), 404, 'NOT_FOUND');
    // 立即发布 needs no body at all.
    const bare = await p.app.inject({ method: 'POST', url: `/api/v1/kb/articles/${id}/publish`, headers: { authorization: `Bearer ${rev.token ?? ''}` } });
    expect(bare.statusCode, bare.body).toBe(200);
    const live = { body: bare.json() as Article };
    expect(live.body).toMatchObject({ status: 'published', version: 1, openState: null });
    expect(live.body.live).toMatchObject({ state: 'published', publisherName: '努尔兰' });

    const read = await agent.get<Article>(`/api/v1/kb/articles/${id}`);
    expect(read.status).toBe(200);
    expect(read.body.live?.fields.online).toBe('电子社保卡');
    expect(read.body.open).toBeNull();
    expect(read.body.history).toEqual([]);
    expect(read.body.editable).toBe(false);

    const actions = (await audits(id)).map((a) => a.action);
    expect(actions).toEqual([
      'kb.article.create',
      'kb.article.draft',
      'kb.article.submit',
      'kb.article.review.return',
      'kb.article.draft',
      'kb.article.submit',
      'kb.article.review.approve',
      'kb.article.publish',
    ]);
    // The refused submit is in the log too, as a failure.
    const failures = await p.deps.db.selectFrom('audit_log').select('action').where('target_id', '=', id).where('result', '=', 'failure').execute();
    expect(failures.map((f) => f.action)).toContain('kb.article.submit');
    const listed = await ed.get<{ total: number; items: { id: string; status: string; version: number }[] }>('/api/v1/kb/articles?status=published&q=社保卡激活');
    expect(listed.body.items).toEqual([expect.objectContaining({ id, status: 'published', version: 1 })]);
  });

  it('refuses a reviewer reviewing their own revision', async () => {
    const sec = await login(p, 'secadmin');
    const role = await sec.post('/api/v1/roles', { tenantId: root, code: 'kb_all_test', name: '知识全能（测试）', dataScope: 'tenant', permissions: ['kb:read', 'kb:edit', 'kb:review', 'kb:publish'] });
    expect(role.status, JSON.stringify(role.body)).toBe(201);
    const both = await provisionUser(p, { tenantId: root, orgId: (await ids(p).then((I) => I.org('RX-ZSK'))), username: 'kb_both', roleCode: 'kb_all_test' });
    const a = await draft(both, '测试：自审');
    expect((await both.post(`/api/v1/kb/articles/${a.id}/submit`)).status).toBe(200);
    const problem = expectProblem(await both.post(`/api/v1/kb/articles/${a.id}/review`, { decision: 'approve', opinion: '自己通过' }), 403, 'KB_SELF_REVIEW');
    expect(problem.detail).toContain('不能审核自己');
    expect((await rev.post(`/api/v1/kb/articles/${a.id}/review`, { decision: 'approve' })).status).toBe(200);
  });

  it('keeps the live version readable while a revision walks the path, and publishes it at the scheduled time', async () => {
    const a = await published('测试：公积金提取v1');
    const opened = await ed.put<Article>(`/api/v1/kb/articles/${a.id}/draft`, { title: '测试：公积金提取v2', body: '新版正文', fields: GUIDE_FIELDS, basis: '依据v2' });
    expect(opened.body).toMatchObject({ status: 'published', version: 1, openState: 'draft', title: '测试：公积金提取v1' });
    expect(opened.body.open).toMatchObject({ version: 2, changeType: 'revise', state: 'draft' });
    expect((await agent.get<Article>(`/api/v1/kb/articles/${a.id}`)).body.live?.title).toBe('测试：公积金提取v1');

    await ed.post(`/api/v1/kb/articles/${a.id}/submit`);
    await rev.post(`/api/v1/kb/articles/${a.id}/review`, { decision: 'approve', opinion: '同意' });
    const at = new Date(p.clock.now().getTime() + 3_600_000).toISOString();
    const scheduled = await rev.post<Article>(`/api/v1/kb/articles/${a.id}/publish`, { at });
    expect(scheduled.body).toMatchObject({ status: 'published', version: 1, openState: 'pending_publish' });
    expect(scheduled.body.open?.publishAt).toBe(at);

    expect((await runKnowledgeJobs(p.deps)).published).toBe(0);
    expect((await agent.get<Article>(`/api/v1/kb/articles/${a.id}`)).body.live?.version).toBe(1);
    await advance(3_600_000);
    expect((await runKnowledgeJobs(p.deps)).published).toBe(1);
    const after = await agent.get<Article>(`/api/v1/kb/articles/${a.id}`);
    expect(after.body).toMatchObject({ version: 2, title: '测试：公积金提取v2' });
    expect(after.body.live).toMatchObject({ body: '新版正文', publisherName: '努尔兰' });
    const history = (await ed.get<Article>(`/api/v1/kb/articles/${a.id}`)).body.history;
    expect(history.map((h) => [h.version, h.changeType, h.state])).toEqual([
      [2, 'revise', 'published'],
      [1, 'create', 'superseded'],
    ]);
    const scheduledAudit = (await audits(a.id)).filter((r) => r.action === 'kb.article.publish').at(-1)!;
    expect(scheduledAudit.actor_name).toBe('系统（知识库定时任务）');
    expect(JSON.stringify(scheduledAudit.summary)).toContain('"scheduled":true');
  });

  it('unpublishes with a withdraw order, recycles, restores only through review', async () => {
    const a = await published('测试：下架回收');
    const withdrawn = await rev.post<Article>(`/api/v1/kb/articles/${a.id}/unpublish`, { reason: '政策调整，暂停使用', temporary: true });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: 'offline', offlineReason: '政策调整，暂停使用' });
    expectProblem(await agent.get(`/api/v1/kb/articles/${a.id}`), 404, 'NOT_FOUND');
    const orders = await ed.get<{ items: { articleId: string; changeType: string; state: string; note: string }[] }>('/api/v1/kb/work-orders?changeType=withdraw');
    expect(orders.body.items).toContainEqual(expect.objectContaining({ articleId: a.id, changeType: 'withdraw', state: 'applied', note: '政策调整，暂停使用' }));
    const all = await ed.get<{ items: { articleId: string; changeType: string; state: string }[] }>('/api/v1/kb/work-orders?pageSize=200');
    expect(all.body.items.filter((o) => o.articleId === a.id).map((o) => o.changeType).sort()).toEqual(['create', 'withdraw']);

    expectProblem(await ed.post(`/api/v1/kb/articles/${a.id}/restore`), 409, 'KB_INVALID_STATE');
    const recycled = await ed.post<Article>(`/api/v1/kb/articles/${a.id}/recycle`, { reason: '内容过时' });
    expect(recycled.body.status).toBe('recycled');
    const bin = await ed.get<{ items: { id: string; reason: string; recycledBy: string; purgeAfter: string }[] }>('/api/v1/kb/recycle-bin');
    const entry = bin.body.items.find((i) => i.id === a.id)!;
    expect(entry).toMatchObject({ reason: '内容过时', recycledBy: '张丽' });
    expect(new Date(entry.purgeAfter).getTime() - p.clock.now().getTime()).toBe(90 * 86_400_000);

    const restored = await ed.post<Article>(`/api/v1/kb/articles/${a.id}/restore`);
    expect(restored.body).toMatchObject({ status: 'pending_review', openState: 'pending_review' });
    expect(restored.body.open).toMatchObject({ changeType: 'restore', version: 3 });
    expectProblem(await agent.get(`/api/v1/kb/articles/${a.id}`), 404, 'NOT_FOUND');
    await rev.post(`/api/v1/kb/articles/${a.id}/review`, { decision: 'approve', opinion: '同意恢复' });
    await rev.post(`/api/v1/kb/articles/${a.id}/publish`, {});
    expect((await agent.get<Article>(`/api/v1/kb/articles/${a.id}`)).body).toMatchObject({ status: 'published', version: 3 });
    expect((await audits(a.id)).map((r) => r.action)).toEqual(expect.arrayContaining(['kb.article.unpublish', 'kb.article.recycle', 'kb.article.restore']));
  });

  it('discards drafts: a revise draft leaves the live version, an unpublished draft goes to the recycle bin', async () => {
    const a = await published('测试：放弃修订');
    await ed.put(`/api/v1/kb/articles/${a.id}/draft`, { title: '测试：放弃修订（改）', body: '改', fields: GUIDE_FIELDS, basis: 'x' });
    const kept = await ed.post<Article>(`/api/v1/kb/articles/${a.id}/discard`);
    expect(kept.body).toMatchObject({ status: 'published', openState: null, version: 1, title: '测试：放弃修订' });
    const d = await draft(ed, '测试：放弃新建');
    const gone = await ed.post<Article>(`/api/v1/kb/articles/${d.id}/discard`);
    expect(gone.body.status).toBe('recycled');
    expectProblem(await ed.post(`/api/v1/kb/articles/${d.id}/discard`), 409, 'KB_INVALID_STATE');
  });

  it('refuses to delete a directory that holds knowledge or children; sort orders the list', async () => {
    const parent = await adm.post<Directory>('/api/v1/kb/directories', { name: '测试目录', sort: 900 });
    expect(parent.status, JSON.stringify(parent.body)).toBe(201);
    const child = await adm.post<Directory>('/api/v1/kb/directories', { parentId: parent.body.id, name: '子目录', sort: 1 });
    expect(child.body).toMatchObject({ parentId: parent.body.id, inherited: false, articleCount: 0 });
    expectProblem(await adm.post('/api/v1/kb/directories', { parentId: parent.body.id, name: '子目录' }), 409, 'CONFLICT');
    const a = await draft(ed, '测试：目录中的知识', { directoryId: child.body.id });
    expect((await ed.get<{ items: Directory[] }>('/api/v1/kb/directories')).body.items.find((x) => x.id === child.body.id)?.articleCount).toBe(1);

    const blocked = expectProblem(await adm.delete(`/api/v1/kb/directories/${child.body.id}`), 409, 'KB_DIRECTORY_NOT_EMPTY');
    expect(blocked.detail).toContain('子目录');
    expectProblem(await adm.delete(`/api/v1/kb/directories/${parent.body.id}`), 409, 'KB_DIRECTORY_NOT_EMPTY');
    // Still there when recycled: it is knowledge until the purge.
    await ed.post(`/api/v1/kb/articles/${a.id}/recycle`, { reason: '测试' });
    expectProblem(await adm.delete(`/api/v1/kb/directories/${child.body.id}`), 409, 'KB_DIRECTORY_NOT_EMPTY');

    const empty = await adm.post<Directory>('/api/v1/kb/directories', { parentId: parent.body.id, name: '空目录', sort: 0 });
    const order = async () => (await adm.get<{ items: Directory[] }>('/api/v1/kb/directories')).body.items.filter((x) => x.parentId === parent.body.id).map((x) => x.name);
    expect(await order()).toEqual(['空目录', '子目录']);
    expect((await adm.patch(`/api/v1/kb/directories/${empty.body.id}`, { sort: 5 })).status).toBe(200);
    expect(await order()).toEqual(['子目录', '空目录']);
    expect((await adm.delete(`/api/v1/kb/directories/${empty.body.id}`)).status).toBe(200);
    expect((await audits(empty.body.id)).map((r) => r.action)).toEqual(['kb.directory.create', 'kb.directory.update', 'kb.directory.delete']);
  });

  it('reads down the tree: region knowledge everywhere, local knowledge in its own subtree only', async () => {
    const regional = await articleByTitle('社会保障卡补办（换卡）');
    const wlmqHeating = await articleByTitle('乌鲁木齐市供暖期与供暖不热报修'); // scope subtree
    const wlmqLocal = await articleByTitle('乌鲁木齐市冬季门前积雪清扫要求（本级）'); // scope tenant
    const kashLocal = await articleByTitle('喀什古城景区游览咨询');

    const fromWlmq = await hdlW.get<Article>(`/api/v1/kb/articles/${regional}`);
    expect(fromWlmq.status).toBe(200);
    expect(fromWlmq.body).toMatchObject({ tenantName: '新疆维吾尔自治区', editable: false });
    expect(fromWlmq.body.items.map((i) => i.name)).toEqual(['社会保障卡办理及挂失补换']);
    expect((await hdlTs.get(`/api/v1/kb/articles/${regional}`)).status).toBe(200);
    expect((await hdlTs.get(`/api/v1/kb/articles/${wlmqHeating}`)).status).toBe(200);
    expect((await hdlW.get(`/api/v1/kb/articles/${wlmqLocal}`)).status).toBe(200);
    // scope 'tenant' stays in 乌鲁木齐; nothing reaches a sibling prefecture or goes up.
    expectProblem(await hdlTs.get(`/api/v1/kb/articles/${wlmqLocal}`), 404, 'NOT_FOUND');
    expectProblem(await hdlKs.get(`/api/v1/kb/articles/${wlmqHeating}`), 404, 'NOT_FOUND');
    expectProblem(await hdlW.get(`/api/v1/kb/articles/${kashLocal}`), 404, 'NOT_FOUND');
    expectProblem(await agent.get(`/api/v1/kb/articles/${wlmqHeating}`), 404, 'NOT_FOUND');

    // Directories: own tree plus the ancestors' (inherited), never a sibling's.
    const dirs = (await hdlW.get<{ items: Directory[] }>('/api/v1/kb/directories')).body.items;
    expect(dirs.some((d) => d.name === '本市供热' && !d.inherited)).toBe(true);
    expect(dirs.some((d) => d.name === '社会保障' && d.inherited)).toBe(true);
    expect(dirs.some((d) => d.tenantId === kash)).toBe(false);

    // The exported rule the search engine uses agrees.
    expect(await visibleOwnerTenantIds(p.deps.db, wlmq)).toEqual([root, wlmq]);
    const owners = await visibleOwners(p.deps.db, wlmq);
    expect(isVisibleTo({ tenant_id: root, scope: 'subtree', status: 'published' }, owners)).toBe(true);
    expect(isVisibleTo({ tenant_id: root, scope: 'tenant', status: 'published' }, owners)).toBe(false);
    expect(isVisibleTo({ tenant_id: kash, scope: 'subtree', status: 'published' }, owners)).toBe(false);
    expect(isVisibleTo({ tenant_id: wlmq, scope: 'tenant', status: 'offline' }, owners)).toBe(false);
  });

  it('lets a prefecture write local knowledge in an inherited directory and review it at its own level', async () => {
    const a = await draft(edW, '测试：乌鲁木齐本地指南');
    expect(a.tenantId).toBe(wlmq);
    await edW.post(`/api/v1/kb/articles/${a.id}/submit`);
    // The region's reviewer does not review a prefecture's knowledge.
    expectProblem(await rev.post(`/api/v1/kb/articles/${a.id}/review`, { decision: 'approve' }), 404, 'NOT_FOUND');
    expect((await revW.post(`/api/v1/kb/articles/${a.id}/review`, { decision: 'approve' })).status).toBe(200);
    expect((await revW.post(`/api/v1/kb/articles/${a.id}/publish`, {})).status).toBe(200);
    expect((await hdlTs.get(`/api/v1/kb/articles/${a.id}`)).status).toBe(200);
    expectProblem(await agent.get(`/api/v1/kb/articles/${a.id}`), 404, 'NOT_FOUND');
  });

  it('answers every write on another tenant’s records with 404 and leaves the rows unchanged', async () => {
    const regionalPublished = await published('测试：跨租户目标（已发布）');
    const regionalDraft = await draft(ed, '测试：跨租户目标（草稿）');
    await ed.post(`/api/v1/kb/articles/${regionalDraft.id}/submit`);
    const kashDir = (await p.deps.db.selectFrom('kb_directory').select('id').where('tenant_id', '=', kash).executeTakeFirstOrThrow()).id;
    const rootDir = socialDir;
    const hot = await adm.post<{ id: string }>('/api/v1/kb/hot-words', { word: '跨租户热词', weight: 2, articleIds: [regionalPublished.id] });
    expect(hot.status).toBe(201);
    const wAdmin = await provisionUser(p, { tenantId: wlmq, orgId: await ids(p).then((I) => I.org('WLMQ-12345')), username: 'kbadmin_wlmq_t', roleCode: 'kb_admin' });

    const snapshot = async () => ({
      articles: await p.deps.db.selectFrom('kb_article').selectAll().where('tenant_id', '<>', wlmq).orderBy('id').execute(),
      revisions: await p.deps.db.selectFrom('kb_revision').selectAll().orderBy('id').execute(),
      directories: await p.deps.db.selectFrom('kb_directory').selectAll().orderBy('id').execute(),
      hotWords: await p.deps.db.selectFrom('kb_hot_word').selectAll().orderBy('id').execute(),
      types: await p.deps.db.selectFrom('kb_type').selectAll().orderBy('code').execute(),
    });
    const before = await snapshot();
    const body = { title: '篡改', body: '篡改', fields: GUIDE_FIELDS, basis: '篡改' };
    for (const target of [regionalPublished.id, regionalDraft.id]) {
      expectProblem(await edW.put(`/api/v1/kb/articles/${target}/draft`, body), 404, 'NOT_FOUND');
      for (const action of ['submit', 'recycle', 'restore', 'discard']) {
        expectProblem(await edW.post(`/api/v1/kb/articles/${target}/${action}`, action === 'recycle' ? { reason: '篡改' } : {}), 404, 'NOT_FOUND');
      }
      expectProblem(await revW.post(`/api/v1/kb/articles/${target}/review`, { decision: 'approve', opinion: '篡改' }), 404, 'NOT_FOUND');
      expectProblem(await revW.post(`/api/v1/kb/articles/${target}/publish`, {}), 404, 'NOT_FOUND');
      expectProblem(await revW.post(`/api/v1/kb/articles/${target}/unpublish`, { reason: '篡改' }), 404, 'NOT_FOUND');
    }
    // The draft is not even readable from below.
    expectProblem(await edW.get(`/api/v1/kb/articles/${regionalDraft.id}`), 404, 'NOT_FOUND');
    expectProblem(await edW.post('/api/v1/kb/articles', { directoryId: kashDir, typeCode: 'guide', title: '篡改', body: '篡改' }), 404, 'NOT_FOUND');
    expectProblem(await wAdmin.patch(`/api/v1/kb/directories/${rootDir}`, { name: '篡改' }), 404, 'NOT_FOUND');
    expectProblem(await wAdmin.delete(`/api/v1/kb/directories/${rootDir}`), 404, 'NOT_FOUND');
    expectProblem(await wAdmin.post('/api/v1/kb/directories', { parentId: rootDir, name: '篡改' }), 404, 'NOT_FOUND');
    expectProblem(await wAdmin.patch(`/api/v1/kb/hot-words/${hot.body.id}`, { weight: 9 }), 404, 'NOT_FOUND');
    expectProblem(await wAdmin.delete(`/api/v1/kb/hot-words/${hot.body.id}`), 404, 'NOT_FOUND');
    expectProblem(await wAdmin.patch('/api/v1/kb/types/guide', { name: '篡改' }), 403, 'FORBIDDEN');
    expectProblem(await wAdmin.post('/api/v1/kb/types', { code: 'tamper', name: '篡改' }), 403, 'FORBIDDEN');
    // A hot word of 乌鲁木齐 cannot link a draft it cannot read.
    expectProblem(await wAdmin.post('/api/v1/kb/hot-words', { word: '篡改', articleIds: [regionalDraft.id] }), 400, 'VALIDATION_FAILED');
    expect(await snapshot()).toEqual(before);
    // Lists of another tenant's working state are empty from below.
    expect((await edW.get<{ items: { id: string }[] }>('/api/v1/kb/articles?pageSize=200')).body.items.some((i) => i.id === regionalDraft.id)).toBe(false);
    expect((await revW.get<{ items: { articleId: string }[] }>('/api/v1/kb/reviews')).body.items.some((i) => i.articleId === regionalDraft.id)).toBe(false);
  });

  it('sends the expiry reminder of a temporary policy once', async () => {
    const rev0 = await p.deps.db
      .selectFrom('kb_revision as r')
      .innerJoin('kb_article as a', 'a.live_revision_id', 'r.id')
      .select(['a.id', 'a.title', 'r.valid_to'])
      .where('r.valid_to', 'is not', null)
      .executeTakeFirstOrThrow();
    const editorId = (await ids(p).then((I) => I.user('kbeditor01')));
    const days = await p.deps.params.int('system.kbExpiryNoticeDays');
    expect(days).toBe(7);
    const validTo = rev0.valid_to!;
    // The day before the window opens: nothing; inside it: one notice; again: nothing.
    p.clock.set(new Date(Date.parse(`${validTo}T12:00:00+08:00`) - (days + 1) * 86_400_000));
    expect((await runKnowledgeJobs(p.deps)).reminded).toBe(0);
    await advance(86_400_000);
    expect((await runKnowledgeJobs(p.deps)).reminded).toBe(1);
    expect((await runKnowledgeJobs(p.deps)).reminded).toBe(0);
    const inbox = await ed.get<{ items: { title: string; body: string; senderName: string }[] }>('/api/v1/notifications');
    const notice = inbox.body.items.filter((n) => n.title.includes(rev0.title));
    expect(notice).toHaveLength(1);
    expect(notice[0]).toMatchObject({ senderName: '知识库' });
    expect(notice[0]!.body).toContain(validTo);
    const recipients = await p.deps.db.selectFrom('notification_recipient').innerJoin('notification', 'notification.id', 'notification_recipient.notification_id').select('user_id').where('notification.title', 'like', `%${rev0.title}%`).execute();
    expect(recipients.map((r) => r.user_id)).toContain(editorId);
    expect((await audits(rev0.id)).map((r) => r.action)).toEqual(['kb.article.expiry-notice']);
  });

  it('purges recycled knowledge after the retention period, and logs it', async () => {
    const a = await published('测试：到期清除');
    await adm.post('/api/v1/kb/hot-words', { word: '到期清除', articleIds: [a.id] });
    await rev.post(`/api/v1/kb/articles/${a.id}/unpublish`, { reason: '废止' });
    await ed.post(`/api/v1/kb/articles/${a.id}/recycle`, { reason: '永久废弃' });
    await advance(89 * 86_400_000);
    const early = await runKnowledgeJobs(p.deps);
    expect(await p.deps.db.selectFrom('kb_article').select('id').where('id', '=', a.id).executeTakeFirst()).toBeDefined();
    await advance(86_400_000 + 1000);
    const due = await runKnowledgeJobs(p.deps);
    // The earlier run took what was recycled before (two drafts of other tests), this one ours.
    expect(early.purged).toBe(2);
    expect(due.purged).toBe(1);
    expect(await p.deps.db.selectFrom('kb_article').select('id').where('id', '=', a.id).executeTakeFirst()).toBeUndefined();
    expect(await p.deps.db.selectFrom('kb_revision').select('id').where('article_id', '=', a.id).executeTakeFirst()).toBeUndefined();
    const purge = (await audits(a.id)).find((r) => r.action === 'kb.article.purge')!;
    expect(purge.actor_name).toBe('系统（知识库定时任务）');
    expect(JSON.stringify(purge.summary)).toContain('永久废弃');
    const word = (await adm.get<{ items: { word: string; articleIds: string[] }[] }>('/api/v1/kb/hot-words')).body.items.find((w) => w.word === '到期清除')!;
    expect(word.articleIds).toEqual([]);
    expect((await ed.get<{ items: { id: string }[] }>('/api/v1/kb/recycle-bin')).body.items.some((i) => i.id === a.id)).toBe(false);
  });

  it('maintains hot words and synonyms per tenant, inherited down the tree', async () => {
    const target = await articleByTitle('住房公积金提取（租房提取）');
    const created = await adm.post<{ id: string; word: string; weight: number; articles: { id: string; title: string }[] }>('/api/v1/kb/hot-words', { word: '公积金', weight: 3, articleIds: [target] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ word: '公积金', weight: 3, articles: [{ id: target, title: '住房公积金提取（租房提取）' }] });
    expectProblem(await adm.post('/api/v1/kb/hot-words', { word: '公积金' }), 409, 'CONFLICT');
    const patched = await adm.patch<{ weight: number }>(`/api/v1/kb/hot-words/${created.body.id}`, { weight: 5.5 });
    expect(patched.body.weight).toBe(5.5);
    expectProblem(await ed.post('/api/v1/kb/hot-words', { word: '越权' }), 403, 'FORBIDDEN');
    const inherited = (await hdlW.get<{ items: { word: string; inherited: boolean }[] }>('/api/v1/kb/hot-words')).body.items.find((w) => w.word === '公积金');
    expect(inherited?.inherited).toBe(true);
    expect((await hotWordsFor(p.deps.db, wlmq)).find((w) => w.word === '公积金')).toMatchObject({ weight: 5.5, articleIds: [target] });
    expect((await adm.delete(`/api/v1/kb/hot-words/${created.body.id}`)).status).toBe(200);
    expect((await audits(created.body.id)).map((r) => r.action)).toEqual(['kb.hot-word.create', 'kb.hot-word.update', 'kb.hot-word.delete']);

    const put = await adm.put<{ items: { term: string; synonyms: string[]; inherited: boolean }[] }>('/api/v1/kb/synonyms', {
      items: [
        { term: '社保', synonyms: ['社会保险', '社保 ', '社保'] },
        { term: '个税', synonyms: ['个人所得税'] },
      ],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.items.map((s) => [s.term, s.synonyms])).toEqual([
      ['个税', ['个人所得税']],
      ['社保', ['社会保险']],
    ]);
    expectProblem(await adm.put('/api/v1/kb/synonyms', { items: [{ term: '医保', synonyms: ['医疗保险'] }, { term: '医保', synonyms: ['医疗保障'] }] }), 400, 'VALIDATION_FAILED');
    const wAdmin = await login(p, 'kbadmin_wlmq_t', 'Changed@Pass2026y');
    expect((await wAdmin.put('/api/v1/kb/synonyms', { items: [{ term: '暖气', synonyms: ['供暖', '供热'] }] })).status).toBe(200);
    const seenBelow = (await hdlW.get<{ items: { term: string; inherited: boolean }[] }>('/api/v1/kb/synonyms')).body.items;
    expect(seenBelow.map((s) => [s.term, s.inherited])).toEqual([
      ['个税', true],
      ['社保', true],
      ['暖气', false],
    ]);
    expect(await synonymGroupsFor(p.deps.db, wlmq)).toEqual(expect.arrayContaining([['社保', '社会保险'], ['暖气', '供暖', '供热']]));
    expect(await synonymGroupsFor(p.deps.db, kash)).not.toContainEqual(['暖气', '供暖', '供热']);

    // Excel: the template imports (merged into the list), a broken row names its line.
    const template = await p.app.inject({ url: '/api/v1/kb/synonyms/template', headers: { authorization: `Bearer ${adm.token ?? ''}` } });
    expect(template.statusCode).toBe(200);
    const imported = await p.app.inject({ method: 'POST', url: '/api/v1/kb/synonyms/import', headers: { authorization: `Bearer ${adm.token ?? ''}`, 'content-type': XLSX_MIME }, payload: template.rawPayload });
    expect(imported.statusCode, imported.body).toBe(200);
    expect((imported.json() as { imported: number }).imported).toBe(2);
    const after = (await adm.get<{ items: { term: string; synonyms: string[]; inherited: boolean }[] }>('/api/v1/kb/synonyms')).body.items.filter((s) => !s.inherited);
    expect(after.find((s) => s.term === '个税')?.synonyms).toEqual(['个人所得税']);
    expect(after.find((s) => s.term === '社保')?.synonyms).toEqual(['社会保险']);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('同义词');
    ws.addRow(['主词', '关联词']);
    ws.addRow(['公积金', '住房公积金']);
    ws.addRow(['空词', '']);
    const bad = await p.app.inject({ method: 'POST', url: '/api/v1/kb/synonyms/import', headers: { authorization: `Bearer ${adm.token ?? ''}`, 'content-type': XLSX_MIME }, payload: Buffer.from(await wb.xlsx.writeBuffer()) });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { detail: string }).detail).toContain('第3行');
    expect((await adm.get<{ items: { term: string }[] }>('/api/v1/kb/synonyms')).body.items.some((s) => s.term === '公积金')).toBe(false);
  });

  it('lets only the root knowledge admin change types, and submit follows the template', async () => {
    const created = await adm.post<{ code: string }>('/api/v1/kb/types', { code: 'notice', name: '通知公告', template: { fields: [{ key: 'issuer', label: '发布单位', required: true, kind: 'text' }] } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expectProblem(await adm.post('/api/v1/kb/types', { code: 'notice', name: '重复' }), 409, 'CONFLICT');
    expectProblem(await adm.patch('/api/v1/kb/types/notice', { template: { fields: [{ key: 'a', label: 'A', required: true, kind: 'text' }, { key: 'a', label: 'B', required: false, kind: 'text' }] } }), 400, 'VALIDATION_FAILED');
    const a = await ed.post<Article>('/api/v1/kb/articles', { directoryId: socialDir, typeCode: 'notice', title: '测试：通知', body: '正文', basis: '依据' });
    const missing = expectProblem(await ed.post(`/api/v1/kb/articles/${a.body.id}/submit`), 422, 'KB_REQUIRED_FIELDS');
    expect(missing.errors!.map((e) => e.message)).toEqual(['发布单位']);
    expect((await adm.patch('/api/v1/kb/types/notice', { enabled: false })).status).toBe(200);
    expectProblem(await ed.post('/api/v1/kb/articles', { directoryId: socialDir, typeCode: 'notice', title: '测试：停用类型', body: '正文' }), 400, 'VALIDATION_FAILED');
    expect((await audits('notice')).map((r) => r.action)).toEqual(['kb.type.create', 'kb.type.update']);
  });
});
