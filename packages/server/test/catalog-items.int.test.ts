import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { XLSX_MIME } from '../src/platform/excel/sheet.js';
import { Client, createTestPlatform, ids, login, type Res, type TestPlatform } from './harness.js';

/**
 * The demand-item catalogue core: category tree, item list, the shared change control
 * (暂存 → 提交审核 → 通过/退回, 撤销), frozen versions with readable diffs and rollback, issue-down
 * to lower tenants with their implementation lists, knowledge links, Excel import/export, search
 * and tenant isolation. Every test builds its own categories and items (codes are unique per run).
 */

type Json = Record<string, unknown>;
interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}
interface OpenChange {
  id: string;
  status: string;
  action: string;
}
interface CategoryBody {
  id: string;
  code: string;
  level: number;
  status: string;
  pathNames: string[];
  leaf: boolean;
  openChange: OpenChange | null;
}
interface TreeNode {
  id: string;
  code: string;
  level: number;
  status: string;
  pathNames: string[];
  leaf: boolean;
  children: TreeNode[];
}
interface ItemBody {
  id: string;
  code: string;
  name: string;
  tenantId: string;
  origin: string;
  status: string;
  currentVersion: number;
  keywords: string[];
  industry: string;
  inherited: boolean;
  editable: boolean;
  openChange: OpenChange | null;
  draft: Json | null;
  categoryPathNames: string[];
}
interface Diff {
  field: string;
  label: string;
  before: unknown;
  after: unknown;
  beforeText: string;
  afterText: string;
  added?: unknown[];
  removed?: unknown[];
}
interface ChangeBody {
  id: string;
  status: string;
  action: string;
  opinion: string;
  entityId: string;
  diff: Diff[];
  canReview: boolean;
}
interface ImplRow {
  itemId: string;
  code: string;
  kind: 'inherited' | 'local';
  adoptionStatus: string | null;
  adoptedVersion: number | null;
  currentVersion: number;
  hasUpdate: boolean;
  localDetail: { rules: string; materials: string[]; process: string; contactPhone: string };
  excludedReason: string;
}
interface Job {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  total: number;
  processed: number;
  created: number;
  errors: { line: number; column: string; reason: string }[];
}

const INIT_PW = 'Init@Pass2026x';
const NEW_PW = 'Changed@Pass2026y';
const RUN = Date.now().toString(36).toUpperCase();
let seq = 0;
const code = (prefix: string) => `${prefix}-${RUN}-${(seq++).toString().padStart(3, '0')}`;

function ok<T>(res: Res<T>, status = 200): T {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

function problem(res: Res<unknown>, status: number, code?: string): Problem {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const body = res.body as Problem;
  if (code) expect(body.code).toBe(code);
  expect(body.detail).toMatch(/[\u4e00-\u9fa5]/);
  return body;
}

describe('catalogue core: categories, items, change control, issue-down', () => {
  let p: TestPlatform;
  let I: Awaited<ReturnType<typeof ids>>;
  let writer: Client; // catalog01, 事项管理员 at the root
  let reviewer: Client; // catreview01, 事项审核员 at the root
  let wlmq: Client; // catalog_wlmq, 事项管理员 of 乌鲁木齐市
  let kash: Client; // a 事项管理员 of 喀什地区, a sibling of 乌鲁木齐
  let both: Client; // a root user who may both write and review
  let agent: Client; // agent01: reads the catalogue only
  let ROOT: string;
  let WLMQ: string;
  let TS: string;
  let KASH: string;
  let leaf: CategoryBody; // a published leaf owned by the root
  let branch: CategoryBody; // its published parent

  async function provision(username: string, tenantCode: string, orgCode: string, roles: string[]): Promise<Client> {
    const sys = await login(p, 'sysadmin');
    const sec = await login(p, 'secadmin');
    const u = await sys.post<{ id: string }>('/api/v1/users', { tenantId: await I.tenant(tenantCode), orgId: await I.org(orgCode), username, displayName: username, password: INIT_PW });
    ok(u, 201);
    ok(await sec.patch(`/api/v1/users/${u.body.id}`, { roleIds: await Promise.all(roles.map((r) => I.role(r))) }));
    const c = await login(p, username, INIT_PW);
    ok(await c.post('/api/v1/me/password', { oldPassword: INIT_PW, newPassword: NEW_PW }));
    return c;
  }

  const approve = async (changeId: string, opinion?: string) => ok(await reviewer.post<ChangeBody>(`/api/v1/catalog/changes/${changeId}/approve`, opinion ? { opinion } : {}));

  async function publishedCategory(name: string, parentId?: string): Promise<CategoryBody> {
    const created = ok(await writer.post<CategoryBody>('/api/v1/catalog/categories', { code: code('CAT'), name, parentId, submit: true }), 201);
    await approve(created.openChange!.id);
    return ok(await writer.get<CategoryBody>(`/api/v1/catalog/categories/${created.id}`));
  }

  async function publishedItem(by: Client, body: Json): Promise<ItemBody> {
    const created = ok(await by.post<ItemBody>('/api/v1/catalog/items', { categoryId: leaf.id, code: code('IT'), submit: true, ...body }), 201);
    await approve(created.openChange!.id);
    return ok(await by.get<ItemBody>(`/api/v1/catalog/items/${created.id}`));
  }

  /** Saves an edit and has it approved; returns the item afterwards. */
  async function publishEdit(by: Client, id: string, patch: Json): Promise<ItemBody> {
    const edited = ok(await by.patch<ItemBody>(`/api/v1/catalog/items/${id}`, { ...patch, submit: true }));
    await approve(edited.openChange!.id);
    return ok(await by.get<ItemBody>(`/api/v1/catalog/items/${id}`));
  }

  const notificationsOf = async (username: string) =>
    p.deps.db
      .selectFrom('notification_recipient as r')
      .innerJoin('notification as n', 'n.id', 'r.notification_id')
      .innerJoin('app_user as u', 'u.id', 'r.user_id')
      .select(['n.title', 'n.body'])
      .where('u.username', '=', username)
      .execute();

  beforeAll(async () => {
    p = await createTestPlatform();
    I = await ids(p);
    const sec = await login(p, 'secadmin');
    ok(await sec.put('/api/v1/config/security.loginRateLimitPerMinute', { value: 100000 }));
    [writer, reviewer, wlmq, agent] = await Promise.all([login(p, 'catalog01'), login(p, 'catreview01'), login(p, 'catalog_wlmq'), login(p, 'agent01')]);
    kash = await provision('catalog_kash', '653100', 'KS-12345', ['catalog_admin']);
    both = await provision('catalog_both', '650000', 'SXGL', ['catalog_admin', 'catalog_reviewer']);
    [ROOT, WLMQ, TS, KASH] = await Promise.all([I.tenant('650000'), I.tenant('650100'), I.tenant('650102'), I.tenant('653100')]);
    branch = await publishedCategory('测试城乡建设');
    leaf = await publishedCategory('测试集中供暖', branch.id);
  });
  afterAll(() => p?.close());

  describe('category tree (事项目录)', () => {
    it('derives level and path from the parent and starts new nodes as drafts only their author sees', async () => {
      expect(ok(await writer.get<CategoryBody>(`/api/v1/catalog/categories/${branch.id}`))).toMatchObject({ level: 1, status: 'published', leaf: false });
      expect(leaf).toMatchObject({ level: 2, status: 'published', leaf: true, pathNames: ['测试城乡建设', '测试集中供暖'] });

      const draft = ok(await writer.post<CategoryBody>('/api/v1/catalog/categories', { code: code('CAT'), name: '草稿目录', parentId: branch.id }), 201);
      expect(draft).toMatchObject({ level: 2, status: 'draft', openChange: { status: 'draft', action: 'create' } });
      const find = (nodes: TreeNode[], id: string): TreeNode | undefined => nodes.flatMap((n) => [n, ...n.children]).find((n) => n.id === id) ?? nodes.map((n) => find(n.children, id)).find(Boolean);
      expect(find(ok(await writer.get<TreeNode[]>('/api/v1/catalog/categories/tree')), draft.id)).toMatchObject({ status: 'draft', pathNames: ['测试城乡建设', '草稿目录'] });
      // Other users see the published tree only.
      expect(find(ok(await reviewer.get<TreeNode[]>('/api/v1/catalog/categories/tree')), draft.id)).toBeUndefined();
      expect(find(ok(await wlmq.get<TreeNode[]>('/api/v1/catalog/categories/tree')), leaf.id)).toMatchObject({ leaf: true });
      problem(await wlmq.get(`/api/v1/catalog/categories/${draft.id}`), 404, 'NOT_FOUND');

      // Flat query (目录查询) by name and level.
      const flat = ok(await writer.get<{ items: { id: string; pathNames: string[]; createdByName: string }[]; total: number }>(`/api/v1/catalog/categories?name=${encodeURIComponent('草稿目录')}&level=2`));
      expect(flat.items.map((c) => c.id)).toContain(draft.id);
      expect(flat.items.find((c) => c.id === draft.id)).toMatchObject({ createdByName: '周敏' });

      // The draft can simply be deleted; nothing to review.
      ok(await writer.delete(`/api/v1/catalog/categories/${draft.id}`));
      expect(await p.deps.db.selectFrom('catalog_category').select('id').where('id', '=', draft.id).executeTakeFirst()).toBeUndefined();
    });

    it('keeps code, parent, level and path immutable and edits published nodes through review', async () => {
      problem(await writer.patch(`/api/v1/catalog/categories/${leaf.id}`, { code: 'NEW-CODE' }), 400, 'VALIDATION_FAILED');
      problem(await writer.patch(`/api/v1/catalog/categories/${leaf.id}`, { parentId: randomUUID() }), 400, 'VALIDATION_FAILED');
      problem(await writer.patch(`/api/v1/catalog/categories/${leaf.id}`, { level: 1 }), 400, 'VALIDATION_FAILED');
      const node = await publishedCategory('改名前', branch.id);
      const edited = ok(await writer.patch<CategoryBody>(`/api/v1/catalog/categories/${node.id}`, { name: '改名后', submit: true }));
      // Still published under the old name until approved; the reviewer sees the diff.
      expect(edited).toMatchObject({ status: 'published', openChange: { status: 'pending', action: 'update' } });
      const change = ok(await reviewer.get<ChangeBody>(`/api/v1/catalog/changes/${edited.openChange!.id}`));
      expect(change.diff).toEqual([expect.objectContaining({ field: 'name', label: '目录名称', before: '改名前', after: '改名后' })]);
      await approve(change.id);
      const after = ok(await writer.get<CategoryBody & { name: string }>(`/api/v1/catalog/categories/${node.id}`));
      expect(after).toMatchObject({ name: '改名后', code: node.code, level: 2, openChange: null });

      // Published nodes cannot be deleted, only taken offline (also reviewed).
      problem(await writer.delete(`/api/v1/catalog/categories/${node.id}`), 409, 'CONFLICT');
      const off = ok(await writer.post<CategoryBody>(`/api/v1/catalog/categories/${node.id}/offline`, { reason: '合并到其他目录', submit: true }));
      const offChange = ok(await reviewer.get<ChangeBody>(`/api/v1/catalog/changes/${off.openChange!.id}`));
      expect(offChange.diff).toEqual([expect.objectContaining({ field: 'status', beforeText: '已发布', afterText: '已下架' })]);
      await approve(offChange.id);
      expect(ok(await writer.get<CategoryBody>(`/api/v1/catalog/categories/${node.id}`)).status).toBe('offline');

      // A lower tenant cannot change the root's catalogue.
      problem(await wlmq.patch(`/api/v1/catalog/categories/${leaf.id}`, { name: '篡改' }), 403, 'FORBIDDEN');
      problem(await wlmq.post('/api/v1/catalog/categories', { code: code('CAT'), name: '挂到上级目录下', parentId: leaf.id }), 403, 'FORBIDDEN');
    });

    it('refuses to delete a draft that has children', async () => {
      const parent = ok(await writer.post<CategoryBody>('/api/v1/catalog/categories', { code: code('CAT'), name: '有子目录的草稿' }), 201);
      const child = ok(await writer.post<CategoryBody>('/api/v1/catalog/categories', { code: code('CAT'), name: '子目录', parentId: parent.id }), 201);
      expect(problem(await writer.delete(`/api/v1/catalog/categories/${parent.id}`), 409).detail).toContain('子目录');
      ok(await writer.delete(`/api/v1/catalog/categories/${child.id}`));
      ok(await writer.delete(`/api/v1/catalog/categories/${parent.id}`));
    });
  });

  describe('items (事项清单) and the change state machine', () => {
    it('hangs items on leaf categories only, with a unique immutable code and dictionary-checked fields', async () => {
      const res = problem(await writer.post('/api/v1/catalog/items', { categoryId: branch.id, code: code('IT'), name: '挂在非末级目录' }), 400, 'VALIDATION_FAILED');
      expect(res.detail).toContain('末级目录');
      const item = await publishedItem(writer, { name: '末级目录上的事项' });
      problem(await writer.post('/api/v1/catalog/items', { categoryId: leaf.id, code: item.code, name: '重复编码' }), 409, 'CONFLICT');
      expect(problem(await writer.post('/api/v1/catalog/items', { categoryId: leaf.id, code: code('IT'), name: '未知行业', industry: 'space-travel' }), 400).detail).toContain('行业领域');
      problem(await writer.post('/api/v1/catalog/items', { categoryId: leaf.id, code: code('IT'), name: '层级越界', levels: [6] }), 400, 'VALIDATION_FAILED');
      problem(await writer.patch(`/api/v1/catalog/items/${item.id}`, { code: 'CHANGED' }), 400, 'VALIDATION_FAILED');
      problem(await writer.patch(`/api/v1/catalog/items/${item.id}`, { categoryId: branch.id }), 400, 'VALIDATION_FAILED');
      // A leaf that carries items cannot get children: items must stay on leaves.
      expect(problem(await writer.post('/api/v1/catalog/categories', { code: code('CAT'), name: '事项下的子目录', parentId: leaf.id }), 409).detail).toContain('末级目录');
    });

    it('暂存 → 提交 → 退回 (opinion required) → 修改重提 → 撤销 → 提交 → 通过, with todos for reviewers', async () => {
      const draft = ok(
        await writer.post<ItemBody>('/api/v1/catalog/items', { categoryId: leaf.id, code: code('IT'), name: '居民供暖温度不达标', keywords: ['暖气不热'], industry: 'utilities', demandTypes: ['complaint'], levels: [2, 3], department: '住房和城乡建设厅' }),
        201,
      );
      expect(draft).toMatchObject({ status: 'draft', currentVersion: 0, origin: 'standard', openChange: { status: 'draft', action: 'create' } });
      const changeId = draft.openChange!.id;
      problem(await reviewer.post(`/api/v1/catalog/changes/${changeId}/approve`, {}), 409, 'CONFLICT');
      // Readers do not see unpublished items at all.
      problem(await agent.get(`/api/v1/catalog/items/${draft.id}`), 404, 'NOT_FOUND');

      const before = (await notificationsOf('catreview01')).length;
      const submitted = ok(await writer.post<ChangeBody>(`/api/v1/catalog/changes/${changeId}/submit`));
      expect(submitted.status).toBe('pending');
      expect(ok(await writer.get<ItemBody>(`/api/v1/catalog/items/${draft.id}`)).status).toBe('pending');
      const todos = await notificationsOf('catreview01');
      expect(todos.length).toBe(before + 1);
      expect(todos.some((n) => n.title.includes('待审核') && n.title.includes('居民供暖温度不达标'))).toBe(true);
      // The reviewer's view: every field is new.
      const review = ok(await reviewer.get<ChangeBody>(`/api/v1/catalog/changes/${changeId}`));
      expect(review.canReview).toBe(true);
      expect(review.diff.find((d) => d.field === 'industry')).toMatchObject({ label: '行业领域', after: 'utilities', afterText: '水电气热' });
      expect(review.diff.find((d) => d.field === 'levels')?.afterText).toBe('地（州、市）级、区（县）级');

      // 退回 needs an opinion.
      problem(await reviewer.post(`/api/v1/catalog/changes/${changeId}/reject`, { opinion: '  ' }), 400, 'VALIDATION_FAILED');
      problem(await reviewer.post(`/api/v1/catalog/changes/${changeId}/reject`, {}), 400, 'VALIDATION_FAILED');
      const rejected = ok(await reviewer.post<ChangeBody>(`/api/v1/catalog/changes/${changeId}/reject`, { opinion: '请补充办结标准' }));
      expect(rejected).toMatchObject({ status: 'rejected', opinion: '请补充办结标准' });
      expect(ok(await writer.get<ItemBody>(`/api/v1/catalog/items/${draft.id}`)).status).toBe('rejected');
      expect((await notificationsOf('catalog01')).some((n) => n.title.includes('被退回') && n.body.includes('请补充办结标准'))).toBe(true);

      // Editing the rejected change and resubmitting reuses it.
      const resubmitted = ok(await writer.patch<ItemBody>(`/api/v1/catalog/items/${draft.id}`, { handlingStandard: '24小时内恢复供暖', submit: true }));
      expect(resubmitted.openChange).toMatchObject({ id: changeId, status: 'pending' });
      // 撤销 takes it out of the flow; the item is a plain draft again.
      ok(await writer.post(`/api/v1/catalog/changes/${changeId}/withdraw`));
      expect(ok(await writer.get<ItemBody>(`/api/v1/catalog/items/${draft.id}`))).toMatchObject({ status: 'draft', openChange: null });
      problem(await writer.post(`/api/v1/catalog/changes/${changeId}/withdraw`), 409, 'CONFLICT');

      const again = ok(await writer.patch<ItemBody>(`/api/v1/catalog/items/${draft.id}`, { submit: true }));
      expect(again.openChange!.id).not.toBe(changeId);
      await approve(again.openChange!.id, '同意发布');
      const live = ok(await agent.get<ItemBody>(`/api/v1/catalog/items/${draft.id}`));
      expect(live).toMatchObject({ status: 'published', currentVersion: 1, openChange: null });
      const v1 = ok(await writer.get<{ snapshot: Json }>(`/api/v1/catalog/items/${draft.id}/versions/1`));
      expect(v1.snapshot).toMatchObject({ name: '居民供暖温度不达标', handlingStandard: '24小时内恢复供暖' });
      // A decided change cannot move again.
      problem(await reviewer.post(`/api/v1/catalog/changes/${again.openChange!.id}/reject`, { opinion: 'x' }), 409, 'CONFLICT');

      const actions = await p.deps.db.selectFrom('audit_log').select('action').where('result', '=', 'success').where('target_id', 'in', [changeId, again.openChange!.id, draft.id]).execute();
      for (const a of ['catalog.item.create', 'catalog.change.submit', 'catalog.change.reject', 'catalog.change.withdraw', 'catalog.change.approve', 'catalog.item.publish']) {
        expect(actions.map((r) => r.action), a).toContain(a);
      }
    });

    it('refuses self-review, and a draft change can be deleted with its never-published item', async () => {
      const mine = ok(await both.post<ItemBody>('/api/v1/catalog/items', { categoryId: leaf.id, code: code('IT'), name: '自己提交自己审', submit: true }), 201);
      expect(problem(await both.post(`/api/v1/catalog/changes/${mine.openChange!.id}/approve`, {}), 403, 'FORBIDDEN').detail).toContain('本人');
      problem(await both.post(`/api/v1/catalog/changes/${mine.openChange!.id}/reject`, { opinion: '自己退回' }), 403, 'FORBIDDEN');
      const list = ok(await both.get<{ items: { id: string }[] }>('/api/v1/catalog/changes?reviewable=true&pageSize=200'));
      expect(list.items.map((c) => c.id)).not.toContain(mine.openChange!.id);
      expect(ok(await both.get<ChangeBody>(`/api/v1/catalog/changes/${mine.openChange!.id}`)).canReview).toBe(false);
      // Writers cannot review at all.
      problem(await writer.post(`/api/v1/catalog/changes/${mine.openChange!.id}/approve`, {}), 403, 'FORBIDDEN');
      await approve(mine.openChange!.id);

      const draft = ok(await writer.post<ItemBody>('/api/v1/catalog/items', { categoryId: leaf.id, code: code('IT'), name: '删掉的草稿' }), 201);
      ok(await writer.delete(`/api/v1/catalog/changes/${draft.openChange!.id}`));
      expect(await p.deps.db.selectFrom('catalog_item').select('id').where('id', '=', draft.id).executeTakeFirst()).toBeUndefined();
      // A published item is not deleted, it is taken offline.
      problem(await writer.delete(`/api/v1/catalog/items/${mine.id}`), 409, 'CONFLICT');
      const off = ok(await writer.post<ItemBody>(`/api/v1/catalog/items/${mine.id}/lifecycle`, { action: 'offline', reason: '职能调整', submit: true }));
      await approve(off.openChange!.id);
      expect(ok(await writer.get<ItemBody>(`/api/v1/catalog/items/${mine.id}`))).toMatchObject({ status: 'offline', currentVersion: 1 });
      problem(await agent.get(`/api/v1/catalog/items/${mine.id}`), 404, 'NOT_FOUND');
      const on = ok(await writer.post<ItemBody>(`/api/v1/catalog/items/${mine.id}/lifecycle`, { action: 'online', submit: true }));
      await approve(on.openChange!.id);
      expect(ok(await agent.get<ItemBody>(`/api/v1/catalog/items/${mine.id}`))).toMatchObject({ status: 'published', currentVersion: 1 });
    });

    it('freezes every approval as a version, diffs any two versions, and rolls back as a NEW version', async () => {
      const item = await publishedItem(writer, { name: '物业服务收费不规范', keywords: ['物业费', '乱收费'], industry: 'housing', department: '住建厅' });
      const edited = ok(await writer.patch<ItemBody>(`/api/v1/catalog/items/${item.id}`, { name: '物业服务收费投诉', keywords: ['物业费', '公摊费'], industry: 'market-consumer', submit: true }));
      // The pending change against the published version: what the reviewer sees highlighted.
      const review = ok(await reviewer.get<ChangeBody>(`/api/v1/catalog/changes/${edited.openChange!.id}`));
      expect(review.diff.map((d) => d.field)).toEqual(['name', 'keywords', 'industry']);
      expect(review.diff[1]).toMatchObject({ label: '关键词', added: ['公摊费'], removed: ['乱收费'] });
      expect(review.diff[2]).toMatchObject({ beforeText: '住房保障与物业', afterText: '市场监管与消费维权' });
      // While pending, the published content keeps serving; a second edit must wait.
      expect(ok(await agent.get<ItemBody>(`/api/v1/catalog/items/${item.id}`)).name).toBe('物业服务收费不规范');
      problem(await writer.patch(`/api/v1/catalog/items/${item.id}`, { name: '再改一次' }), 409, 'CONFLICT');
      await approve(review.id);
      const v2 = ok(await writer.get<ItemBody>(`/api/v1/catalog/items/${item.id}`));
      expect(v2).toMatchObject({ currentVersion: 2, name: '物业服务收费投诉' });

      const diff = ok(await writer.get<{ from: number; to: number; changes: Diff[] }>(`/api/v1/catalog/items/${item.id}/diff?from=1&to=2`));
      expect(diff.changes.map((d) => [d.field, d.label, d.before, d.after])).toEqual([
        ['name', '事项名称', '物业服务收费不规范', '物业服务收费投诉'],
        ['keywords', '关键词', ['物业费', '乱收费'], ['物业费', '公摊费']],
        ['industry', '行业领域', 'housing', 'market-consumer'],
      ]);
      expect(ok(await writer.get<{ changes: Diff[] }>(`/api/v1/catalog/items/${item.id}/diff?from=0&to=1`)).changes.map((d) => d.field)).toContain('code');
      problem(await writer.get(`/api/v1/catalog/items/${item.id}/diff?from=1&to=9`), 404, 'NOT_FOUND');
      problem(await writer.patch(`/api/v1/catalog/items/${item.id}`, { name: '物业服务收费投诉', submit: true }), 400, 'VALIDATION_FAILED');

      // Rollback to V1 is a reviewed change that yields V3 with V1's content; V1 and V2 stay.
      problem(await writer.post(`/api/v1/catalog/items/${item.id}/rollback`, { version: 2 }), 400, 'VALIDATION_FAILED');
      const rb = ok(await writer.post<ItemBody>(`/api/v1/catalog/items/${item.id}/rollback`, { version: 1, submit: true }));
      expect(rb.openChange).toMatchObject({ action: 'rollback', status: 'pending' });
      const rbReview = ok(await reviewer.get<ChangeBody>(`/api/v1/catalog/changes/${rb.openChange!.id}`));
      expect(rbReview.diff.map((d) => [d.field, d.after])).toEqual([
        ['name', '物业服务收费不规范'],
        ['keywords', ['物业费', '乱收费']],
        ['industry', 'housing'],
      ]);
      await approve(rb.openChange!.id);
      const v3 = ok(await writer.get<ItemBody>(`/api/v1/catalog/items/${item.id}`));
      expect(v3).toMatchObject({ currentVersion: 3, name: '物业服务收费不规范', industry: 'housing' });
      const versions = ok(await writer.get<{ items: { version: number; action: string; summary: string }[] }>(`/api/v1/catalog/items/${item.id}/versions`));
      expect(versions.items.map((v) => [v.version, v.action])).toEqual([
        [3, 'rollback'],
        [2, 'update'],
        [1, 'create'],
      ]);
      expect(versions.items[0]!.summary).toContain('回滚至 V1');
      expect(ok(await writer.get<{ changes: Diff[] }>(`/api/v1/catalog/items/${item.id}/diff?from=1&to=3`)).changes).toEqual([]);
      const v2snap = ok(await writer.get<{ snapshot: Json }>(`/api/v1/catalog/items/${item.id}/versions/2`));
      expect(v2snap.snapshot.name).toBe('物业服务收费投诉');
    });
  });

  describe('search (name, code, pinyin initials, keyword, synonym)', () => {
    let heating: ItemBody;
    let water: ItemBody;
    let searchLeaf: CategoryBody;

    beforeAll(async () => {
      const parent = await publishedCategory('搜索测试');
      searchLeaf = await publishedCategory('搜索测试末级', parent.id);
      const mk = async (body: Json) => {
        const created = ok(await writer.post<ItemBody>('/api/v1/catalog/items', { categoryId: searchLeaf.id, code: code('SRCH'), submit: true, ...body }), 201);
        await approve(created.openChange!.id);
        return ok(await writer.get<ItemBody>(`/api/v1/catalog/items/${created.id}`));
      };
      heating = await mk({ name: '冬季供暖不热', keywords: ['暖气片不热'], synonyms: ['室温不达标'], industry: 'utilities' });
      water = await mk({ name: '自来水停水', keywords: ['停水通知'], synonyms: ['断水'], industry: 'utilities' });
      await mk({ name: '噪音扰民', keywords: ['广场舞'], industry: 'environment' });
      // A draft is found by editors only.
      ok(await writer.post('/api/v1/catalog/items', { categoryId: searchLeaf.id, code: code('SRCH'), name: '冬季供暖草稿' }), 201);
    });

    const codesOf = async (c: Client, query: string) => {
      const res = ok(await c.get<{ items: ItemBody[]; total: number }>(`/api/v1/catalog/items?categoryId=${searchLeaf.id}&pageSize=50&${query}`));
      expect(res.total).toBe(res.items.length);
      return res.items.map((i) => i.name).sort();
    };

    it('finds by any part of name, code, pinyin initials, keyword or synonym in one search box', async () => {
      expect(await codesOf(agent, `q=${encodeURIComponent('供暖')}`)).toEqual(['冬季供暖不热']);
      expect(await codesOf(agent, 'q=gnbr')).toEqual(['冬季供暖不热']);
      expect(await codesOf(agent, 'q=DJGN')).toEqual(['冬季供暖不热']);
      expect(await codesOf(agent, `q=${encodeURIComponent(heating.code.toLowerCase())}`)).toEqual(['冬季供暖不热']);
      expect(await codesOf(agent, `q=${encodeURIComponent('暖气片')}`)).toEqual(['冬季供暖不热']);
      expect(await codesOf(agent, `q=${encodeURIComponent('断水')}`)).toEqual(['自来水停水']);
      // Space = AND.
      expect(await codesOf(agent, `q=${encodeURIComponent('冬季 不热')}`)).toEqual(['冬季供暖不热']);
      expect(await codesOf(agent, `q=${encodeURIComponent('冬季 停水')}`)).toEqual([]);
      // Wildcards are literal.
      expect(await codesOf(agent, 'q=%25')).toEqual([]);
      expect(await codesOf(writer, `q=${encodeURIComponent('冬季供暖')}`)).toEqual(['冬季供暖不热', '冬季供暖草稿']);
    });

    it('filters by keyword, name, code, industry, status and category subtree, pages and sorts on the server', async () => {
      expect(await codesOf(agent, `keyword=${encodeURIComponent('停水')}`)).toEqual(['自来水停水']);
      expect(await codesOf(agent, `keyword=${encodeURIComponent('断水')}`)).toEqual(['自来水停水']);
      expect(await codesOf(agent, `name=${encodeURIComponent('噪音')}`)).toEqual(['噪音扰民']);
      expect(await codesOf(agent, `code=${water.code}`)).toEqual(['自来水停水']);
      expect(await codesOf(agent, 'industry=utilities')).toEqual(['冬季供暖不热', '自来水停水']);
      expect(await codesOf(writer, 'status=draft')).toEqual(['冬季供暖草稿']);
      const sorted = ok(await agent.get<{ items: ItemBody[]; total: number }>(`/api/v1/catalog/items?categoryId=${searchLeaf.id}&sort=name&order=desc&page=1&pageSize=2`));
      expect(sorted.total).toBe(3);
      expect(sorted.items).toHaveLength(2);
      const page2 = ok(await agent.get<{ items: ItemBody[] }>(`/api/v1/catalog/items?categoryId=${searchLeaf.id}&sort=name&order=desc&page=2&pageSize=2`));
      const whole = ok(await agent.get<{ items: ItemBody[] }>(`/api/v1/catalog/items?categoryId=${searchLeaf.id}&sort=name&order=desc&pageSize=50`));
      expect([...sorted.items, ...page2.items].map((i) => i.id)).toEqual(whole.items.map((i) => i.id));
      expect(new Set(whole.items.map((i) => i.id)).size).toBe(3);
      // Subtree: searching from the parent category finds the leaf's items.
      const parentId = (await p.deps.db.selectFrom('catalog_category').select('parent_id').where('id', '=', searchLeaf.id).executeTakeFirstOrThrow()).parent_id!;
      expect(ok(await agent.get<{ total: number }>(`/api/v1/catalog/items?categoryId=${parentId}`)).total).toBe(3);
    });

    it('answers a search over 10,000 items well under the tender\'s 2 seconds', async () => {
      const now = new Date();
      const batch = 1000;
      for (let b = 0; b < 10; b++) {
        const rows = Array.from({ length: batch }, (_, i) => {
          const n = b * batch + i;
          const name = `批量测试事项${n}号${n % 7 === 0 ? '供热' : '市容'}`;
          return {
            id: randomUUID(),
            tenant_id: ROOT,
            origin: 'standard' as const,
            code: `BULK-${RUN}-${n}`,
            category_id: searchLeaf.id,
            status: 'published' as const,
            current_version: 1,
            name,
            description: '',
            keywords: ['批量'],
            synonyms: [],
            industry: 'other',
            demand_types: [],
            levels: [],
            urgency_tiers: [],
            department: '',
            handling_standard: '',
            legal_basis: '',
            effective_from: null,
            effective_to: null,
            created_by: null,
            pinyin: 'plcssx',
            search_text: `${name}\u0001bulk-${RUN.toLowerCase()}-${n}\u0001批量\u0001plcssx`,
            created_at: now,
            updated_at: now,
          };
        });
        await p.deps.db.insertInto('catalog_item').values(rows).execute();
      }
      const timings: number[] = [];
      for (const q of ['供热', 'plcs', `BULK-${RUN}-9999`, '不存在的词语']) {
        const started = performance.now();
        const res = ok(await agent.get<{ total: number }>(`/api/v1/catalog/items?q=${encodeURIComponent(q)}&pageSize=20`));
        timings.push(performance.now() - started);
        expect(res.total).toBeGreaterThanOrEqual(0);
      }
      console.info(`catalog search over 10k items on ${p.kind}: ${timings.map((t) => `${t.toFixed(1)} ms`).join(', ')}`);
      expect(Math.max(...timings)).toBeLessThan(1000);
      expect(ok(await agent.get<{ total: number }>(`/api/v1/catalog/items?q=${encodeURIComponent(`BULK-${RUN}-9999`)}`)).total).toBe(1);
    });
  });

  describe('issue-down (事项下发) and implementation lists (实施清单)', () => {
    let standard: ItemBody;
    let local: ItemBody;

    beforeAll(async () => {
      standard = await publishedItem(writer, { name: '城市供热服务投诉', keywords: ['供热'], department: '自治区住建厅', handlingStandard: '3个工作日内答复' });
    });

    it('shows inherited items read-only with local detail, and local items owned by the tenant', async () => {
      const list = ok(await wlmq.get<{ items: ImplRow[]; total: number }>(`/api/v1/catalog/implementation?tenantId=${WLMQ}&pageSize=200&q=${encodeURIComponent(standard.code)}`));
      expect(list.items).toEqual([expect.objectContaining({ itemId: standard.id, kind: 'inherited', adoptionStatus: 'new', adoptedVersion: 0, currentVersion: 1, hasUpdate: true })]);

      // The definition is the root's: 403 with a clear message, for every kind of edit.
      const item = ok(await wlmq.get<ItemBody>(`/api/v1/catalog/items/${standard.id}`));
      expect(item).toMatchObject({ inherited: true, editable: false });
      expect(problem(await wlmq.patch(`/api/v1/catalog/items/${standard.id}`, { name: '乌鲁木齐改名' }), 403, 'FORBIDDEN').detail).toContain('上级统一下发');
      problem(await wlmq.post(`/api/v1/catalog/items/${standard.id}/lifecycle`, { action: 'offline' }), 403, 'FORBIDDEN');
      problem(await wlmq.post(`/api/v1/catalog/items/${standard.id}/rollback`, { version: 1 }), 403, 'FORBIDDEN');
      problem(await wlmq.delete(`/api/v1/catalog/items/${standard.id}`), 403, 'FORBIDDEN');
      problem(await wlmq.post(`/api/v1/catalog/items/${standard.id}/knowledge`, { articleId: randomUUID() }), 403, 'FORBIDDEN');

      // Local detail is the part a lower tenant writes (属地化编制), then it confirms (确认采用).
      const detail = { tenantId: WLMQ, rules: '按《乌鲁木齐市供热条例》执行', materials: ['身份证', '供热缴费凭证', '身份证'], process: '受理→派单→回访', contactPhone: '0991-12345' };
      const saved = ok(await wlmq.put<ImplRow>(`/api/v1/catalog/implementation/${standard.id}/local-detail`, detail));
      expect(saved.localDetail).toMatchObject({ rules: detail.rules, materials: ['身份证', '供热缴费凭证'], contactPhone: '0991-12345' });
      expect(ok(await wlmq.post<ImplRow>(`/api/v1/catalog/implementation/${standard.id}/accept`, { tenantId: WLMQ }))).toMatchObject({ adoptionStatus: 'active', adoptedVersion: 1, hasUpdate: false });

      // A local item: the tenant's own, on the root's leaf, edited and reviewed like any other.
      const created = ok(await wlmq.post<ItemBody>('/api/v1/catalog/items', { categoryId: leaf.id, code: code('WLMQ'), name: '乌鲁木齐市小区二次供水', submit: true }), 201);
      expect(created).toMatchObject({ origin: 'local', tenantId: WLMQ, status: 'pending' });
      await approve(created.openChange!.id);
      local = ok(await wlmq.get<ItemBody>(`/api/v1/catalog/items/${created.id}`));
      expect(local).toMatchObject({ status: 'published', inherited: false, editable: true });
      const mine = ok(await wlmq.get<{ items: ImplRow[] }>(`/api/v1/catalog/implementation?tenantId=${WLMQ}&kind=local&pageSize=200`));
      expect(mine.items.map((r) => r.itemId)).toContain(local.id);
      problem(await wlmq.put(`/api/v1/catalog/implementation/${local.id}/local-detail`, { tenantId: WLMQ, rules: 'x' }), 400, 'VALIDATION_FAILED');
    });

    it('publishes a new version as pending for 乌鲁木齐, shows what changed, keeps local detail and local items', async () => {
      const before = (await notificationsOf('catalog_wlmq')).length;
      await publishEdit(writer, standard.id, { name: '城市集中供热服务投诉', handlingStandard: '2个工作日内答复' });
      const row = ok(await wlmq.get<ImplRow>(`/api/v1/catalog/implementation/${standard.id}?tenantId=${WLMQ}`));
      expect(row).toMatchObject({ adoptionStatus: 'pending', adoptedVersion: 1, currentVersion: 2, hasUpdate: true });
      expect(row.localDetail.rules).toBe('按《乌鲁木齐市供热条例》执行');
      const changes = ok(await wlmq.get<{ changes: Diff[]; publications: { version: number; summary: string }[] }>(`/api/v1/catalog/implementation/${standard.id}/changes?tenantId=${WLMQ}`));
      expect(changes.changes.map((d) => [d.label, d.beforeText, d.afterText])).toEqual([
        ['事项名称', '城市供热服务投诉', '城市集中供热服务投诉'],
        ['办结标准', '3个工作日内答复', '2个工作日内答复'],
      ]);
      expect(changes.publications).toEqual([expect.objectContaining({ version: 2, summary: '修改了 事项名称、办结标准' })]);
      expect((await notificationsOf('catalog_wlmq')).length).toBe(before + 1);
      // The local item is untouched.
      expect(ok(await wlmq.get<ItemBody>(`/api/v1/catalog/items/${local.id}`))).toMatchObject({ status: 'published', currentVersion: 1 });

      expect(ok(await wlmq.post<ImplRow>(`/api/v1/catalog/implementation/${standard.id}/accept`, { tenantId: WLMQ }))).toMatchObject({ adoptionStatus: 'active', adoptedVersion: 2, hasUpdate: false });
      const publication = await p.deps.db.selectFrom('catalog_publication').select(['version', 'from_tenant_id']).where('item_id', '=', standard.id).orderBy('version').execute();
      expect(publication).toEqual([
        { version: 1, from_tenant_id: ROOT },
        { version: 2, from_tenant_id: ROOT },
      ]);
    });

    it('lets a tenant exclude an item outside its jurisdiction (合规性核验) and keeps it excluded across versions', async () => {
      const other = await publishedItem(writer, { name: '兵团连队供水', keywords: ['连队'] });
      problem(await wlmq.post(`/api/v1/catalog/implementation/${other.id}/exclude`, { tenantId: WLMQ, reason: '' }), 400, 'VALIDATION_FAILED');
      const excluded = ok(await wlmq.post<ImplRow>(`/api/v1/catalog/implementation/${other.id}/exclude`, { tenantId: WLMQ, reason: '不属于本辖区管辖范围' }));
      expect(excluded).toMatchObject({ adoptionStatus: 'excluded', excludedReason: '不属于本辖区管辖范围', hasUpdate: false });
      await publishEdit(writer, other.id, { department: '兵团水利局' });
      expect(ok(await wlmq.get<ImplRow>(`/api/v1/catalog/implementation/${other.id}?tenantId=${WLMQ}`))).toMatchObject({ adoptionStatus: 'excluded', adoptedVersion: 0 });
      const filtered = ok(await wlmq.get<{ items: ImplRow[] }>(`/api/v1/catalog/implementation?tenantId=${WLMQ}&adoptionStatus=excluded&pageSize=200`));
      expect(filtered.items.map((r) => r.itemId)).toEqual([other.id]);
    });

    it('inherits only standard items downwards: 天山区 gets the root item, not 乌鲁木齐\'s local one', async () => {
      const codes = async (q: string) => ok(await wlmq.get<{ items: ImplRow[] }>(`/api/v1/catalog/implementation?tenantId=${TS}&q=${encodeURIComponent(q)}`)).items.map((r) => r.itemId);
      const seen = [...(await codes(standard.code)), ...(await codes(local.code))];
      expect(seen).toContain(standard.id);
      expect(seen).not.toContain(local.id);
      // The root can look into 乌鲁木齐's list; 乌鲁木齐 cannot look into the root's.
      ok(await writer.get(`/api/v1/catalog/implementation?tenantId=${WLMQ}`));
      problem(await wlmq.get(`/api/v1/catalog/implementation?tenantId=${ROOT}`), 404, 'NOT_FOUND');
    });

    it('isolates tenants: 喀什 cannot see or touch 乌鲁木齐\'s local items on any endpoint (404)', async () => {
      const localChange = (await p.deps.db.selectFrom('catalog_change').select('id').where('entity_id', '=', local.id).executeTakeFirstOrThrow()).id;
      const ghost = randomUUID();
      const attempts: [string, () => Promise<Res<unknown>>][] = [
        ['get item', () => kash.get(`/api/v1/catalog/items/${local.id}`)],
        ['patch item', () => kash.patch(`/api/v1/catalog/items/${local.id}`, { name: '喀什篡改' })],
        ['lifecycle', () => kash.post(`/api/v1/catalog/items/${local.id}/lifecycle`, { action: 'offline' })],
        ['rollback', () => kash.post(`/api/v1/catalog/items/${local.id}/rollback`, { version: 1 })],
        ['delete item', () => kash.delete(`/api/v1/catalog/items/${local.id}`)],
        ['versions', () => kash.get(`/api/v1/catalog/items/${local.id}/versions`)],
        ['version', () => kash.get(`/api/v1/catalog/items/${local.id}/versions/1`)],
        ['diff', () => kash.get(`/api/v1/catalog/items/${local.id}/diff?from=0&to=1`)],
        ['item changes', () => kash.get(`/api/v1/catalog/items/${local.id}/changes`)],
        ['knowledge list', () => kash.get(`/api/v1/catalog/items/${local.id}/knowledge`)],
        ['knowledge link', () => kash.post(`/api/v1/catalog/items/${local.id}/knowledge`, { articleId: randomUUID() })],
        ['knowledge unlink', () => kash.delete(`/api/v1/catalog/items/${local.id}/knowledge/${randomUUID()}`)],
        ['change', () => kash.get(`/api/v1/catalog/changes/${localChange}`)],
        ['change submit', () => kash.post(`/api/v1/catalog/changes/${localChange}/submit`)],
        ['change withdraw', () => kash.post(`/api/v1/catalog/changes/${localChange}/withdraw`)],
        ['change delete', () => kash.delete(`/api/v1/catalog/changes/${localChange}`)],
        ['implementation list of 乌鲁木齐', () => kash.get(`/api/v1/catalog/implementation?tenantId=${WLMQ}`)],
        ['implementation row in own tenant', () => kash.get(`/api/v1/catalog/implementation/${local.id}?tenantId=${KASH}`)],
        ['implementation changes', () => kash.get(`/api/v1/catalog/implementation/${local.id}/changes?tenantId=${WLMQ}`)],
        ['local detail', () => kash.put(`/api/v1/catalog/implementation/${standard.id}/local-detail`, { tenantId: WLMQ, rules: '喀什篡改' })],
        ['accept for 乌鲁木齐', () => kash.post(`/api/v1/catalog/implementation/${standard.id}/accept`, { tenantId: WLMQ })],
        ['exclude for 乌鲁木齐', () => kash.post(`/api/v1/catalog/implementation/${standard.id}/exclude`, { tenantId: WLMQ, reason: 'x' })],
      ];
      for (const [what, attempt] of attempts) {
        const res = await attempt();
        expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(404);
      }
      // Exactly like an id that does not exist.
      const [real, fake] = await Promise.all([kash.get<Problem>(`/api/v1/catalog/items/${local.id}`), kash.get<Problem>(`/api/v1/catalog/items/${ghost}`)]);
      expect({ status: real.status, code: real.body.code, detail: real.body.detail }).toEqual({ status: fake.status, code: fake.body.code, detail: fake.body.detail });
      const list = ok(await kash.get<{ items: ItemBody[]; total: number }>(`/api/v1/catalog/items?q=${encodeURIComponent(local.code)}`));
      expect(list.total).toBe(0);
      const all = ok(await kash.get<{ items: ItemBody[] }>(`/api/v1/catalog/items?tenantId=${WLMQ}&pageSize=200`));
      expect(all.items).toEqual([]);
      const changes = ok(await kash.get<{ items: { id: string }[] }>('/api/v1/catalog/changes?pageSize=200'));
      expect(changes.items.map((c) => c.id)).not.toContain(localChange);
      // The root's standard items do reach 喀什.
      expect(ok(await kash.get<ItemBody>(`/api/v1/catalog/items/${standard.id}`)).inherited).toBe(true);
      const row = await p.deps.db.selectFrom('catalog_item').select(['name', 'status']).where('id', '=', local.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ name: '乌鲁木齐市小区二次供水', status: 'published' });
    });
  });

  describe('hostile input', () => {
    const SQLI = "'; drop table catalog_item; --";
    const XSS = '<script>alert(1)</script>';

    it('answers hostile query strings with 200 or a Chinese 4xx, never 5xx', async () => {
      const urls = [
        ...['q', 'name', 'code', 'keyword', 'department'].flatMap((k) => [SQLI, XSS, '%_\\', 'x'.repeat(101)].map((v) => `/api/v1/catalog/items?${k}=${encodeURIComponent(v)}`)),
        `/api/v1/catalog/items?categoryId=${encodeURIComponent(SQLI)}`,
        `/api/v1/catalog/items?categoryId=${randomUUID()}`,
        '/api/v1/catalog/items?status=deleted',
        '/api/v1/catalog/items?page=0',
        '/api/v1/catalog/items?sort=password',
        `/api/v1/catalog/categories?name=${encodeURIComponent(SQLI)}&level=abc`,
        `/api/v1/catalog/items/${encodeURIComponent("1' OR '1'='1")}`,
        `/api/v1/catalog/items/${randomUUID()}/diff?from=-1`,
        `/api/v1/catalog/implementation?tenantId=${encodeURIComponent(SQLI)}`,
        `/api/v1/catalog/implementation?tenantId=${randomUUID()}&q=${encodeURIComponent(XSS)}`,
        '/api/v1/catalog/changes?status=merged',
      ];
      for (const url of urls) {
        const res = await writer.get<Problem>(url);
        expect(res.status, url).toBeLessThan(500);
        if (res.status >= 400) expect(res.body.detail, url).toMatch(/[\u4e00-\u9fa5]/);
      }
      expect(await p.deps.db.selectFrom('catalog_item').select('id').limit(1).execute()).toHaveLength(1);
    });

    it('refuses unknown fields and wrong types in bodies', async () => {
      problem(await writer.post('/api/v1/catalog/items', { categoryId: leaf.id, code: code('IT'), name: '多余字段', tenantId: KASH }), 400, 'VALIDATION_FAILED');
      problem(await writer.post('/api/v1/catalog/items', { categoryId: leaf.id, code: code('IT'), name: '类型错误', keywords: '暖气' }), 400, 'VALIDATION_FAILED');
      problem(await writer.post('/api/v1/catalog/items', { categoryId: leaf.id, code: 'bad code!', name: '编码格式' }), 400, 'VALIDATION_FAILED');
      problem(await writer.post('/api/v1/catalog/items', { categoryId: leaf.id, code: code('IT'), name: '日期', effectiveFrom: '2026-13-45' }), 400, 'VALIDATION_FAILED');
      problem(await writer.post('/api/v1/catalog/items', { categoryId: leaf.id, code: code('IT'), name: '日期倒置', effectiveFrom: '2026-05-01', effectiveTo: '2026-01-01' }), 400, 'VALIDATION_FAILED');
      const stored = ok(await writer.post<ItemBody>('/api/v1/catalog/items', { categoryId: leaf.id, code: code('IT'), name: XSS, keywords: [SQLI] }), 201);
      expect(ok(await writer.get<ItemBody>(`/api/v1/catalog/items/${stored.id}`))).toMatchObject({ name: XSS, keywords: [SQLI] });
    });
  });

  describe('knowledge links', () => {
    it('links, lists and unlinks knowledge articles, each step audited', async () => {
      const item = await publishedItem(writer, { name: '知识关联测试事项' });
      const article = randomUUID();
      const linked = ok(await writer.post<{ items: { articleId: string; note: string }[] }>(`/api/v1/catalog/items/${item.id}/knowledge`, { articleId: article, note: '办事指南' }), 201);
      expect(linked.items).toEqual([expect.objectContaining({ articleId: article, note: '办事指南' })]);
      problem(await writer.post(`/api/v1/catalog/items/${item.id}/knowledge`, { articleId: article }), 409, 'CONFLICT');
      expect(ok(await agent.get<{ items: unknown[] }>(`/api/v1/catalog/items/${item.id}/knowledge`)).items).toHaveLength(1);
      problem(await agent.post(`/api/v1/catalog/items/${item.id}/knowledge`, { articleId: randomUUID() }), 403, 'FORBIDDEN');
      ok(await writer.delete(`/api/v1/catalog/items/${item.id}/knowledge/${article}`));
      problem(await writer.delete(`/api/v1/catalog/items/${item.id}/knowledge/${article}`), 404, 'NOT_FOUND');
      const audit = await p.deps.db.selectFrom('audit_log').select('action').where('target_id', '=', item.id).where('result', '=', 'success').where('action', 'like', 'catalog.item.knowledge.%').execute();
      expect(audit.map((a) => a.action).sort()).toEqual(['catalog.item.knowledge.link', 'catalog.item.knowledge.unlink']);
    });
  });

  describe('Excel import and export', () => {
    const HEADERS = ['事项编码', '事项名称', '所属目录编码', '关键词', '行业领域', '诉求类型', '适用层级'];

    async function workbook(rows: (string | number)[][]): Promise<Buffer> {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('诉求事项清单');
      ws.addRow(HEADERS);
      for (const r of rows) ws.addRow(r);
      return Buffer.from(await wb.xlsx.writeBuffer());
    }

    async function upload(c: Client, file: Buffer): Promise<Job> {
      const res = await p.app.inject({ method: 'POST', url: '/api/v1/catalog/items/import', headers: { authorization: `Bearer ${c.token!}`, 'content-type': XLSX_MIME, 'user-agent': 'vitest' }, payload: file });
      expect(res.statusCode, res.body).toBe(202);
      const job = res.json() as Job;
      return vi.waitFor(
        async () => {
          const polled = ok(await c.get<Job>(`/api/v1/imports/${job.id}`));
          if (polled.status === 'running') throw new Error('still running');
          return polled;
        },
        { timeout: 20_000, interval: 50 },
      );
    }

    it('rejects the whole file when any row is bad, reporting line, column and reason', async () => {
      const existing = await publishedItem(writer, { name: '已存在的事项' });
      const dup = code('IMP');
      const good = code('IMP');
      const job = await upload(
        writer,
        await workbook([
          [good, '正常的一行', leaf.code, '关键词一、关键词二', '水电气热', '投诉', '2、3'],
          [code('IMP'), '未知目录', 'NO-SUCH-CATEGORY', '', '', '', ''],
          [code('IMP'), '非末级目录', branch.code, '', '', '', ''],
          [dup, '重复编码一', leaf.code, '', '', '', ''],
          [dup, '重复编码二', leaf.code, '', '', '', ''],
          [code('IMP'), '未知行业', leaf.code, '', '航天', '', ''],
          [existing.code, '已存在编码', leaf.code, '', '', '', ''],
          [code('IMP'), '层级错误', leaf.code, '', '', '', '9'],
        ]),
      );
      expect(job.status).toBe('failed');
      expect(job.created).toBe(0);
      const errs = job.errors.map((e) => `${e.line}|${e.column}|${e.reason}`);
      expect(errs).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^3\|所属目录编码\|未知的目录编码/),
          expect.stringMatching(/^4\|所属目录编码\|.*不是末级目录/),
          expect.stringMatching(/^6\|事项编码\|与第 5 行的事项编码重复/),
          expect.stringMatching(/^7\|行业领域\|未知的行业领域：航天/),
          expect.stringMatching(/^8\|事项编码\|.*已存在/),
          expect.stringMatching(/^9\|适用层级\|/),
        ]),
      );
      expect(errs.some((e) => e.startsWith('2|'))).toBe(false);
      const written = await p.deps.db.selectFrom('catalog_item').select('code').where('code', 'in', [good, dup]).execute();
      expect(written).toEqual([]);
    });

    it('imports good rows as pending changes (待审核) in one job, with progress and one todo', async () => {
      const before = (await notificationsOf('catreview01')).length;
      const codes = [code('IMP'), code('IMP')];
      const job = await upload(
        writer,
        await workbook([
          [codes[0]!, '导入事项一', leaf.code, '导入、批量', 'utilities', 'complaint、咨询', '1、2'],
          [codes[1]!, '导入事项二', leaf.code, '', '', '', ''],
        ]),
      );
      expect(job).toMatchObject({ status: 'succeeded', total: 2, processed: 2, created: 2, errors: [] });
      const rows = ok(await writer.get<{ items: ItemBody[] }>(`/api/v1/catalog/items?q=${encodeURIComponent('导入事项')}&pageSize=50`)).items;
      expect(rows.map((r) => [r.code, r.status, r.openChange?.status])).toEqual([
        [codes[0], 'pending', 'pending'],
        [codes[1], 'pending', 'pending'],
      ]);
      const first = ok(await writer.get<ItemBody & { demandTypes: string[]; levels: number[] }>(`/api/v1/catalog/items/${rows[0]!.id}`));
      expect(first).toMatchObject({ industry: 'utilities', demandTypes: ['complaint', 'consult'], levels: [1, 2], keywords: ['导入', '批量'] });
      expect((await notificationsOf('catreview01')).length).toBe(before + 1);
      // Someone else's job is invisible.
      problem(await wlmq.get(`/api/v1/imports/${job.id}`), 404, 'NOT_FOUND');
      problem(await p.app.inject({ method: 'POST', url: '/api/v1/catalog/items/import', headers: { authorization: `Bearer ${agent.token!}`, 'content-type': XLSX_MIME }, payload: Buffer.from('x') }).then((r) => ({ status: r.statusCode, body: r.json() as unknown, headers: r.headers })), 403, 'FORBIDDEN');
      const notXlsx = await writer.post('/api/v1/catalog/items/import', { rows: [] });
      expect(notXlsx.status).toBe(415);
    });

    it('reports a file that is not a workbook as a failed job', async () => {
      const job = await upload(writer, Buffer.from('not an excel file'));
      expect(job).toMatchObject({ status: 'failed', created: 0 });
      expect(job.errors[0]!.reason).toContain('Excel');
    });

    it('refuses more than 500 rows at once', async () => {
      const rows = Array.from({ length: 501 }, (_, i) => [`${code('BIG')}-${i}`, `超限${i}`, leaf.code, '', '', '', '']);
      const job = await upload(writer, await workbook(rows));
      expect(job.status).toBe('failed');
      expect(job.errors[0]!.reason).toContain('500');
    });

    it('exports with filters and offers a template', async () => {
      const item = await publishedItem(writer, { name: '导出测试专用事项', keywords: ['导出'], industry: 'health' });
      const res = await p.app.inject({ method: 'GET', url: `/api/v1/catalog/items/export?q=${encodeURIComponent('导出测试专用')}`, headers: { authorization: `Bearer ${writer.token!}` } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain(XLSX_MIME);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      const ws = wb.worksheets[0]!;
      expect(ws.rowCount).toBe(2);
      const header = (ws.getRow(1).values as unknown[]).slice(1);
      const values = (ws.getRow(2).values as unknown[]).slice(1);
      const cell = (h: string) => values[header.indexOf(h)];
      expect([cell('事项编码'), cell('事项名称'), cell('所属目录编码'), cell('行业领域'), cell('状态')]).toEqual([item.code, '导出测试专用事项', leaf.code, '卫生健康', '已发布']);
      const tpl = await p.app.inject({ method: 'GET', url: '/api/v1/catalog/items/template', headers: { authorization: `Bearer ${writer.token!}` } });
      expect(tpl.statusCode).toBe(200);
      const twb = new ExcelJS.Workbook();
      await twb.xlsx.load(tpl.rawPayload as unknown as ArrayBuffer);
      expect(twb.worksheets.map((w) => w.name)).toEqual(['诉求事项清单', '填写说明']);
      expect((twb.worksheets[0]!.getRow(1).values as unknown[]).slice(1, 4)).toEqual(['事项编码', '事项名称', '所属目录编码']);
      const audit = await p.deps.db.selectFrom('audit_log').select('action').where('action', '=', 'catalog.item.export').execute();
      expect(audit.length).toBeGreaterThan(0);
    });
  });
});
