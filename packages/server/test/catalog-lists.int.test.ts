import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recommendUnits } from '../src/modules/catalog/list.service.js';
import { formSchemaOf } from '../src/modules/catalog/element.service.js';
import { validateFormData, type FormSchema } from '../src/modules/catalog/form-schema.js';
import { XLSX_MIME } from '../src/platform/excel/sheet.js';
import { Client, createTestPlatform, ids, login, type Res, type TestPlatform } from './harness.js';

/**
 * The three lists and the item elements: list-entry review (reviewer ≠ author, rejection with an
 * opinion, revisions of published entries), the dispatch recommendation that walks up the tenant
 * tree, tenant isolation, the element business rules, item forms and the all-or-nothing import.
 * Categories and items are inserted directly: the catalogue API is another part's work.
 */

type Json = Record<string, unknown>;
interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}
interface Entry {
  id: string;
  status: string;
  version: number;
  unitName: string;
  orgId: string | null;
  role: string;
  duty: string;
  replacesId: string | null;
  reviewOpinion: string;
  reviewedByName: string | null;
  createdByName: string | null;
  tenantCode: string;
  itemCode: string;
  editable: boolean;
}
interface Page<T> {
  items: T[];
  total: number;
}
interface Element {
  id: string;
  code: string;
  version: number;
  name: string;
}
interface Job {
  id: string;
  status: string;
  created: number;
  errors: { line: number; column: string; reason: string }[];
}

const INIT_PW = 'Init@Pass2026x';
const NEW_PW = 'Changed@Pass2026y';
const CHINESE = /[\u4e00-\u9fa5]/;

function expectProblem(res: Res<unknown>, status: number, code: string): Problem {
  const body = res.body as Problem;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(body.code).toBe(code);
  expect(body.detail).toMatch(CHINESE);
  return body;
}

function ok<T>(res: Res<T>, status = 200): T {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

/** A published category and items owned by the root (自治区): standard items every region uses. */
async function seedItems(p: TestPlatform): Promise<Record<string, string>> {
  const db = p.deps.db;
  const root = await (await ids(p)).tenant('650000');
  const now = p.clock.now();
  const categoryId = randomUUID();
  await db
    .insertInto('catalog_category')
    .values({ id: categoryId, tenant_id: root, parent_id: null, code: 'TL-CAT', name: '测试·住房保障', level: 1, path: `/${categoryId}/`, sort: 0, status: 'published', description: '', created_by: null, created_at: now, updated_at: now })
    .execute();
  const items: Record<string, string> = {};
  const specs: [string, string, 'published' | 'draft'][] = [
    ['TL-HEAT', '小区供暖不热', 'published'],
    ['TL-PROP', '物业服务纠纷', 'published'],
    ['TL-NEG', '民事经济纠纷', 'published'],
    ['TL-DRAFT', '未发布事项', 'draft'],
  ];
  for (const [code, name, status] of specs) {
    const id = randomUUID();
    await db
      .insertInto('catalog_item')
      .values({
        id,
        tenant_id: root,
        origin: 'standard',
        code,
        category_id: categoryId,
        status,
        current_version: 1,
        name,
        description: '',
        keywords: [],
        synonyms: [],
        industry: 'housing',
        demand_types: [],
        levels: [],
        urgency_tiers: [],
        department: '',
        handling_standard: '',
        legal_basis: '',
        effective_from: null,
        effective_to: null,
        pinyin: '',
        search_text: name,
        created_by: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    items[code] = id;
  }
  return items;
}

/** A user created by the system admin, granted a role by the security admin, past the first password change. */
async function createUser(p: TestPlatform, username: string, tenantCode: string, orgCode: string, roleId: string): Promise<Client> {
  const look = await ids(p);
  const sys = await login(p, 'sysadmin');
  const sec = await login(p, 'secadmin');
  const created = await sys.post<{ id: string }>('/api/v1/users', { tenantId: await look.tenant(tenantCode), orgId: await look.org(orgCode), username, displayName: `测试${username}`, password: INIT_PW });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await sec.patch(`/api/v1/users/${created.body.id}`, { roleIds: [roleId] })).status).toBe(200);
  const first = await login(p, username, INIT_PW);
  expect((await first.post('/api/v1/me/password', { oldPassword: INIT_PW, newPassword: NEW_PW })).status).toBe(200);
  return first;
}

async function workbook(header: string[], rows: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('职责清单');
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function readRows(file: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  const out: string[][] = [];
  wb.worksheets[0]!.eachRow((row) => out.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
  return out;
}

async function getFile(p: TestPlatform, c: Client, url: string): Promise<{ status: number; type: string; body: Buffer }> {
  const res = await p.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${c.token}` } });
  return { status: res.statusCode, type: String(res.headers['content-type']), body: res.rawPayload };
}

async function importFile(p: TestPlatform, c: Client, file: Buffer, query = ''): Promise<Job> {
  const res = await p.app.inject({ method: 'POST', url: `/api/v1/catalog/list-entries/import${query}`, headers: { authorization: `Bearer ${c.token}`, 'content-type': XLSX_MIME }, payload: file });
  expect(res.statusCode, res.body).toBe(202);
  const job = res.json<Job>();
  for (let i = 0; i < 500; i++) {
    const polled = ok(await c.get<Job>(`/api/v1/imports/${job.id}`));
    if (polled.status !== 'running') return polled;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('import did not finish');
}

const HEADER = ['事项编码', '区域编码', '单位编码', '单位名称', '角色', '职责描述', '法律依据'];

describe('three lists and item elements', () => {
  let p: TestPlatform;
  let items: Record<string, string>;
  let T: Record<'root' | 'wlmq' | 'ts' | 'kash', string>;
  let O: Record<'zjj' | 'wy' | 'rsj' | 'tsZjj' | 'ksRsj' | 'zjt', string>;
  let c: Record<'catalog' | 'review' | 'wlmq' | 'kash' | 'ts' | 'dispatcher', Client>;

  beforeAll(async () => {
    p = await createTestPlatform();
    const sec = await login(p, 'secadmin');
    expect((await sec.put('/api/v1/config/security.loginRateLimitPerMinute', { value: 100000 })).status).toBe(200);
    items = await seedItems(p);
    const look = await ids(p);
    T = { root: await look.tenant('650000'), wlmq: await look.tenant('650100'), ts: await look.tenant('650102'), kash: await look.tenant('653100') };
    O = { zjj: await look.org('WLMQ-ZJJ'), wy: await look.org('WLMQ-ZJJ-WY'), rsj: await look.org('WLMQ-RSJ'), tsZjj: await look.org('TS-ZJJ'), ksRsj: await look.org('KS-RSJ'), zjt: await look.org('ZJT') };
    const [catalog, review, wlmq, kash, ts, dispatcher] = await Promise.all(['catalog01', 'catreview01', 'catalog_wlmq', 'handler_kash', 'handler_ts', 'dispatcher01'].map((u) => login(p, u)));
    c = { catalog: catalog!, review: review!, wlmq: wlmq!, kash: kash!, ts: ts!, dispatcher: dispatcher! };
  });
  afterAll(() => p?.close());

  const newEntry = (client: Client, body: Json) => client.post<Entry>('/api/v1/catalog/list-entries', { listType: 'responsibility', ...body });

  describe('list entry review', () => {
    it('runs draft → pending → rejected (with opinion) → draft → pending → published, with audit rows', async () => {
      const created = ok(await newEntry(c.wlmq, { itemId: items['TL-HEAT'], orgId: O.zjj, role: 'lead', duty: '负责供热质量监管', legalBasis: '《乌鲁木齐市城市供热条例》' }), 201);
      expect(created).toMatchObject({ status: 'draft', version: 1, unitName: '乌鲁木齐市住房和城乡建设局', tenantCode: '650100', itemCode: 'TL-HEAT', editable: true });
      expect(ok(await c.wlmq.post<Entry>(`/api/v1/catalog/list-entries/${created.id}/submit`)).status).toBe('pending');
      // The author's role cannot review at all; the reviewer must give a reason to reject.
      expectProblem(await c.wlmq.post(`/api/v1/catalog/list-entries/${created.id}/approve`, {}), 403, 'FORBIDDEN');
      expect(expectProblem(await c.review.post(`/api/v1/catalog/list-entries/${created.id}/reject`, { opinion: '  ' }), 400, 'VALIDATION_FAILED').detail).toBe('退回时必须填写审核意见');
      const rejected = ok(await c.review.post<Entry>(`/api/v1/catalog/list-entries/${created.id}/reject`, { opinion: '法律依据请写明条款' }));
      expect(rejected).toMatchObject({ status: 'rejected', reviewOpinion: '法律依据请写明条款', reviewedByName: '吐尔逊' });
      // Pending or rejected entries cannot be approved twice or edited while under review.
      expectProblem(await c.review.post(`/api/v1/catalog/list-entries/${created.id}/approve`, {}), 409, 'CONFLICT');
      const edited = ok(await c.wlmq.patch<Entry>(`/api/v1/catalog/list-entries/${created.id}`, { legalBasis: '《乌鲁木齐市城市供热条例》第十二条' }));
      expect(edited.status).toBe('draft');
      ok(await c.wlmq.post(`/api/v1/catalog/list-entries/${created.id}/submit`));
      expectProblem(await c.wlmq.patch(`/api/v1/catalog/list-entries/${created.id}`, { duty: '改' }), 409, 'CONFLICT');
      const published = ok(await c.review.post<Entry>(`/api/v1/catalog/list-entries/${created.id}/approve`, { opinion: '同意' }));
      expect(published.status).toBe('published');
      expectProblem(await c.wlmq.delete(`/api/v1/catalog/list-entries/${created.id}`), 409, 'CONFLICT');
      const audit = await p.deps.db.selectFrom('audit_log').select(['action', 'result']).where('target_id', '=', created.id).orderBy('id').execute();
      expect(audit.filter((a) => a.result === 'success').map((a) => a.action)).toEqual([
        'catalog.list.create',
        'catalog.list.submit',
        'catalog.list.reject',
        'catalog.list.update',
        'catalog.list.submit',
        'catalog.list.approve',
      ]);
    });

    it('never lets the author review their own entry, even with the review permission', async () => {
      const sec = await login(p, 'secadmin');
      const role = ok(await sec.post<{ id: string }>('/api/v1/roles', { tenantId: T.root, code: 'tl_both', name: '编审一体（测试）', dataScope: 'tenant_subtree', permissions: ['catalog:read', 'catalog:write', 'catalog:review'] }), 201);
      const both = await createUser(p, 'tl_both', '650000', 'SXGL', role.id);
      const mine = ok(await newEntry(both, { itemId: items['TL-HEAT'], orgId: O.zjt, role: 'lead', submit: true }), 201);
      expect(mine.status).toBe('pending');
      expect(expectProblem(await both.post(`/api/v1/catalog/list-entries/${mine.id}/approve`, {}), 403, 'FORBIDDEN').detail).toBe('审核人不能审核自己编制的清单条目');
      expect(ok(await c.review.post<Entry>(`/api/v1/catalog/list-entries/${mine.id}/approve`, {})).status).toBe('published');
    });

    it('checks 权责边界: one lead per item and region, no unit twice', async () => {
      expect(expectProblem(await newEntry(c.wlmq, { itemId: items['TL-HEAT'], orgId: O.rsj, role: 'lead' }), 409, 'CONFLICT').detail).toBe(
        '该事项在本区域已有主办单位“乌鲁木齐市住房和城乡建设局”，同一区域只能有一个主办单位',
      );
      // As an assisting unit it goes through, and cannot be turned into a second lead later.
      const second = ok(await newEntry(c.wlmq, { itemId: items['TL-HEAT'], orgId: O.rsj, role: 'assist', duty: '协助核实供热补贴' }), 201);
      expectProblem(await c.wlmq.patch(`/api/v1/catalog/list-entries/${second.id}`, { role: 'lead' }), 409, 'CONFLICT');
      ok(await c.wlmq.post(`/api/v1/catalog/list-entries/${second.id}/submit`));
      ok(await c.review.post(`/api/v1/catalog/list-entries/${second.id}/approve`, {}));
      expect(expectProblem(await newEntry(c.wlmq, { itemId: items['TL-HEAT'], orgId: O.zjj, role: 'assist' }), 409, 'CONFLICT').detail).toContain('不能重复列入');
      // An external unit without an org is named by hand; a second lead is still refused.
      expectProblem(await newEntry(c.wlmq, { itemId: items['TL-HEAT'], unitName: '乌鲁木齐热力集团', role: 'lead', submit: true }), 409, 'CONFLICT');
      const external = ok(await newEntry(c.wlmq, { itemId: items['TL-HEAT'], unitName: '乌鲁木齐热力集团', role: 'assist' }), 201);
      expect(external.orgId).toBeNull();
      ok(await c.wlmq.delete(`/api/v1/catalog/list-entries/${external.id}`));
      expectProblem(await c.wlmq.get(`/api/v1/catalog/list-entries/${external.id}`), 404, 'NOT_FOUND');
    });

    it('refuses units outside the region, unpublished items and a missing unit', async () => {
      expect(expectProblem(await newEntry(c.wlmq, { itemId: items['TL-PROP'], orgId: O.ksRsj }), 400, 'VALIDATION_FAILED').detail).toBe('承办单位必须是该区域的机构');
      expectProblem(await newEntry(c.wlmq, { itemId: items['TL-DRAFT'], orgId: O.zjj }), 400, 'VALIDATION_FAILED');
      expectProblem(await newEntry(c.wlmq, { itemId: items['TL-PROP'] }), 400, 'VALIDATION_FAILED');
      expectProblem(await newEntry(c.wlmq, { itemId: items['TL-PROP'], orgId: O.zjj, extra: 1 }), 400, 'VALIDATION_FAILED');
      expectProblem(await newEntry(c.wlmq, { itemId: items['TL-PROP'], orgId: O.zjj, role: 'owner' }), 400, 'VALIDATION_FAILED');
    });

    it('changes a published entry through a revision that replaces it when approved', async () => {
      const [current] = ok(await c.wlmq.get<Page<Entry>>(`/api/v1/catalog/list-entries?itemId=${items['TL-HEAT']}&tenantId=${T.wlmq}&role=lead&status=published`)).items;
      expect(current).toBeDefined();
      expectProblem(await c.wlmq.patch(`/api/v1/catalog/list-entries/${current!.id}`, { duty: '直接改' }), 409, 'CONFLICT');
      const revision = ok(await c.wlmq.post<Entry>(`/api/v1/catalog/list-entries/${current!.id}/revisions`, { duty: '负责供热质量监管和投诉处理' }), 201);
      expect(revision).toMatchObject({ status: 'draft', version: 2, replacesId: current!.id });
      expectProblem(await c.wlmq.post(`/api/v1/catalog/list-entries/${current!.id}/revisions`, { duty: '再改' }), 409, 'CONFLICT');
      // Until approved, dispatch keeps the published version.
      expect((await recommendUnits(p.deps.db, { itemId: items['TL-HEAT']!, tenantId: T.wlmq })).lead[0]?.duty).toBe('负责供热质量监管');
      ok(await c.wlmq.post(`/api/v1/catalog/list-entries/${revision.id}/submit`));
      ok(await c.review.post(`/api/v1/catalog/list-entries/${revision.id}/approve`, {}));
      const rec = await recommendUnits(p.deps.db, { itemId: items['TL-HEAT']!, tenantId: T.wlmq });
      expect(rec.lead.map((u) => [u.duty, u.version])).toEqual([['负责供热质量监管和投诉处理', 2]]);
      expect(ok(await c.wlmq.get<Entry>(`/api/v1/catalog/list-entries/${current!.id}`)).status).toBe('offline');
      const history = ok(await c.catalog.get<{ items: Entry[] }>(`/api/v1/catalog/list-entries/${current!.id}/history`)).items;
      expect(history.map((h) => [h.version, h.status])).toEqual([
        [2, 'published'],
        [1, 'offline'],
      ]);
    });

    it('lists with filters and paging', async () => {
      const all = ok(await c.catalog.get<Page<Entry>>(`/api/v1/catalog/list-entries?listType=responsibility&tenantId=${T.wlmq}&pageSize=1`));
      expect(all.items).toHaveLength(1);
      expect(all.total).toBeGreaterThanOrEqual(3);
      const published = ok(await c.catalog.get<Page<Entry>>(`/api/v1/catalog/list-entries?tenantId=${T.wlmq}&status=published&orgId=${O.rsj}`));
      expect(published.items.map((e) => [e.unitName, e.role])).toEqual([['乌鲁木齐市人力资源和社会保障局', 'assist']]);
      // The seeded catalogue has its own entries: filter down to this file's items.
      const byKeyword = ok(await c.catalog.get<Page<Entry>>(`/api/v1/catalog/list-entries?keyword=TL-HEAT&pageSize=100`));
      expect(byKeyword.total).toBeGreaterThanOrEqual(3);
      expect(byKeyword.items.every((e) => e.itemCode === 'TL-HEAT')).toBe(true);
      expect(ok(await c.catalog.get<Page<Entry>>(`/api/v1/catalog/list-entries?listType=power&itemId=${items['TL-HEAT']}`)).total).toBe(0);
      expectProblem(await c.catalog.get('/api/v1/catalog/list-entries?status=bogus'), 400, 'VALIDATION_FAILED');
    });
  });

  describe('tenant isolation', () => {
    it('lets upper levels read a region’s entries but not change them', async () => {
      const [entry] = ok(await c.wlmq.get<Page<Entry>>(`/api/v1/catalog/list-entries?tenantId=${T.wlmq}&status=published`)).items;
      const seen = ok(await c.catalog.get<Entry>(`/api/v1/catalog/list-entries/${entry!.id}`));
      expect(seen.editable).toBe(false);
      expect(expectProblem(await c.catalog.post(`/api/v1/catalog/list-entries/${entry!.id}/offline`), 403, 'FORBIDDEN').detail).toContain('所属区域维护');
      expectProblem(await c.catalog.post(`/api/v1/catalog/list-entries/${entry!.id}/revisions`, { duty: '上级改' }), 403, 'FORBIDDEN');
      // The city may not write for its child district either, nor reach a sibling prefecture.
      expectProblem(await newEntry(c.wlmq, { itemId: items['TL-HEAT'], tenantId: T.ts, orgId: O.tsZjj }), 403, 'FORBIDDEN');
      expectProblem(await newEntry(c.wlmq, { itemId: items['TL-HEAT'], tenantId: T.kash, orgId: O.ksRsj }), 404, 'NOT_FOUND');
    });

    it('hides 乌鲁木齐 entries from 喀什 (404, like an id that does not exist)', async () => {
      const [entry] = ok(await c.wlmq.get<Page<Entry>>(`/api/v1/catalog/list-entries?tenantId=${T.wlmq}`)).items;
      expectProblem(await c.kash.get(`/api/v1/catalog/list-entries/${entry!.id}`), 404, 'NOT_FOUND');
      expectProblem(await c.kash.get(`/api/v1/catalog/list-entries/${entry!.id}/history`), 404, 'NOT_FOUND');
      expectProblem(await c.kash.get(`/api/v1/catalog/list-entries/${randomUUID()}`), 404, 'NOT_FOUND');
      expect(ok(await c.kash.get<Page<Entry>>(`/api/v1/catalog/list-entries?tenantId=${T.wlmq}`)).total).toBe(0);
      expect(ok(await c.kash.get<Page<Entry>>('/api/v1/catalog/list-entries')).items.every((e) => e.tenantCode === '653100')).toBe(true);
      expectProblem(await c.kash.get(`/api/v1/catalog/responsibility/recommend?itemId=${items['TL-HEAT']}&tenantId=${T.wlmq}`), 404, 'NOT_FOUND');
      expectProblem(await c.kash.get(`/api/v1/catalog/list-options/units?tenantId=${T.wlmq}`), 404, 'NOT_FOUND');
    });
  });

  describe('recommendUnits', () => {
    it('天山区 without entries of its own inherits 乌鲁木齐’s lead and assisting units; 喀什 does not', async () => {
      const ts = await recommendUnits(p.deps.db, { itemId: items['TL-HEAT']!, tenantId: T.ts });
      expect(ts.source).toMatchObject({ tenantCode: '650100' });
      expect(ts.inherited).toBe(true);
      expect(ts.lead.map((u) => u.unitName)).toEqual(['乌鲁木齐市住房和城乡建设局']);
      expect(ts.lead[0]).toMatchObject({ orgId: O.zjj, orgCode: 'WLMQ-ZJJ', legalBasis: '《乌鲁木齐市城市供热条例》第十二条' });
      expect(ts.assist.map((u) => u.unitName)).toEqual(['乌鲁木齐市人力资源和社会保障局']);
      const wlmq = await recommendUnits(p.deps.db, { itemId: items['TL-HEAT']!, tenantId: T.wlmq });
      expect(wlmq.inherited).toBe(false);
      // The root has its own (ZJT) entry for this item: 喀什 inherits that one, not 乌鲁木齐’s.
      const kash = await recommendUnits(p.deps.db, { itemId: items['TL-HEAT']!, tenantId: T.kash });
      expect(kash.source?.tenantCode).toBe('650000');
      expect(kash.lead.map((u) => u.unitName)).toEqual(['自治区住房和城乡建设厅']);
      const none = await recommendUnits(p.deps.db, { itemId: items['TL-PROP']!, tenantId: T.kash });
      expect(none).toMatchObject({ source: null, inherited: false, lead: [], assist: [], negative: null });
    });

    it('prefers the closest region: a district entry wins over the city’s', async () => {
      const now = p.clock.now();
      await p.deps.db
        .insertInto('catalog_list_entry')
        .values({ id: randomUUID(), list_type: 'responsibility', item_id: items['TL-HEAT']!, tenant_id: T.ts, org_id: O.tsZjj, unit_name: '天山区住房和城乡建设局', role: 'lead', duty: '', legal_basis: '', status: 'published', created_by: null, created_at: now, updated_at: now, replaces_id: null, reviewed_by: null, reviewed_at: null })
        .execute();
      const ts = await recommendUnits(p.deps.db, { itemId: items['TL-HEAT']!, tenantId: T.ts });
      expect(ts).toMatchObject({ inherited: false, source: { tenantCode: '650102' } });
      expect(ts.lead.map((u) => u.unitName)).toEqual(['天山区住房和城乡建设局']);
      expect(ts.assist).toEqual([]);
    });

    it('reports a 负面清单 entry from the closest region', async () => {
      const neg = ok(await newEntry(c.catalog, { listType: 'negative', itemId: items['TL-NEG'], unitName: '人民法院', role: 'lead', duty: '属司法程序，引导诉讼解决', submit: true }), 201);
      ok(await c.review.post(`/api/v1/catalog/list-entries/${neg.id}/approve`, {}));
      const rec = await recommendUnits(p.deps.db, { itemId: items['TL-NEG']!, tenantId: T.kash });
      expect(rec.negative).toMatchObject({ tenantId: T.root, duty: '属司法程序，引导诉讼解决' });
      expect(rec.lead).toEqual([]);
    });

    it('answers over HTTP for callers whose scope holds the region', async () => {
      const body = ok(await c.dispatcher.get<{ lead: { unitName: string }[]; inherited: boolean }>(`/api/v1/catalog/responsibility/recommend?itemId=${items['TL-PROP']}&tenantId=${T.ts}`));
      expect(body).toMatchObject({ lead: [], inherited: false });
      const own = ok(await c.ts.get<{ lead: { unitName: string }[]; source: { tenantCode: string } }>(`/api/v1/catalog/responsibility/recommend?itemId=${items['TL-HEAT']}&tenantId=${T.ts}`));
      expect(own.source.tenantCode).toBe('650102');
      expectProblem(await c.ts.get(`/api/v1/catalog/responsibility/recommend?itemId=${items['TL-HEAT']}&tenantId=${T.wlmq}`), 404, 'NOT_FOUND');
      expectProblem(await c.dispatcher.get(`/api/v1/catalog/responsibility/recommend?itemId=${randomUUID()}&tenantId=${T.ts}`), 404, 'NOT_FOUND');
    });
  });

  describe('elements', () => {
    const el: Record<string, Element> = {};
    const create = (body: Json) => c.catalog.post<Element>('/api/v1/catalog/elements', { dataType: 'text', ...body });

    it('defines elements and rejects type mismatches with Chinese reasons', async () => {
      el.community = ok(await create({ code: 'tl_community', name: '小区名称', validation: { required: true, maxLength: 20 }, groupCode: 'tl_housing', domain: '测试领域' }), 201);
      el.building = ok(await create({ code: 'tl_building', name: '楼栋号', validation: { pattern: '^\\d+号楼$' }, groupCode: 'tl_housing' }), 201);
      el.room = ok(await create({ code: 'tl_room', name: '房号', groupCode: 'tl_housing' }), 201);
      el.urgency = ok(await create({ code: 'tl_urgency', name: '紧急程度', dataType: 'select', dictCode: 'urgency' }), 201);
      el.owner = ok(await create({ code: 'tl_owner_id', name: '业主身份证号', dataType: 'idcard' }), 201);
      el.anonymous = ok(await create({ code: 'tl_anonymous', name: '匿名反映', dataType: 'checkbox' }), 201);
      el.temp = ok(await create({ code: 'tl_temp', name: '室内温度', dataType: 'number', validation: { min: -30, max: 40 } }), 201);

      const bad: [Json, string][] = [
        [{ code: 'tl_bad1', name: '事件类型', dataType: 'select' }, '“事件类型”是下拉单选要素，必须指定数据字典或选项'],
        [{ code: 'tl_bad2', name: '编号', validation: { pattern: '([0-9' } }, '格式校验表达式无法解析'],
        [{ code: 'tl_bad3', name: '面积', dataType: 'number', dictCode: 'urgency' }, '数据类型为“数字”的要素不能配置选项或数据字典'],
        [{ code: 'tl_bad4', name: '来源', dataType: 'select', dictCode: 'no_such_dict' }, '数据字典“no_such_dict”不存在'],
        [{ code: 'tl_bad5', name: '日期', dataType: 'date', validation: { maxLength: 10 } }, '不能设置最大长度'],
        [{ code: 'tl_bad6', name: '数量', dataType: 'number', validation: { min: 5, max: 1 } }, '最小值不能大于最大值'],
        [{ code: 'content', name: '诉求内容' }, '工单基础字段'],
      ];
      for (const [body, reason] of bad) expect(expectProblem(await create(body), 400, 'VALIDATION_FAILED').detail, JSON.stringify(body)).toContain(reason);
      expectProblem(await create({ code: 'tl_x', name: '类型', dataType: 'slider' }), 400, 'VALIDATION_FAILED');
      expectProblem(await create({ code: 'tl_room', name: '重复' }), 409, 'CONFLICT');
      expect(await p.deps.db.selectFrom('catalog_element').select('code').where('code', 'like', 'tl_bad%').execute()).toEqual([]);
    });

    it('versions every change and keeps old versions readable', async () => {
      const updated = ok(await c.catalog.patch<Element>(`/api/v1/catalog/elements/${el.room!.id}`, { name: '房间号', validation: { maxLength: 10 } }));
      expect(updated.version).toBe(2);
      expectProblem(await c.catalog.patch(`/api/v1/catalog/elements/${el.room!.id}`, { dataType: 'select' }), 400, 'VALIDATION_FAILED');
      const versions = ok(await c.catalog.get<{ items: { version: number; snapshot: Json; changedByName: string }[] }>(`/api/v1/catalog/elements/${el.room!.id}/versions`)).items;
      expect(versions.map((v) => [v.version, v.snapshot.name])).toEqual([
        [2, '房间号'],
        [1, '房号'],
      ]);
      expect(versions[0]!.changedByName).toBe('周敏');
      // Regions use the elements issued from above but do not edit them.
      expect(ok(await c.wlmq.get<Element & { editable: boolean }>(`/api/v1/catalog/elements/${el.room!.id}`)).editable).toBe(false);
      expectProblem(await c.wlmq.patch(`/api/v1/catalog/elements/${el.room!.id}`, { name: '改' }), 403, 'FORBIDDEN');
    });

    it('relates elements and rejects contradictions', async () => {
      const rel = (from: string, to: string, kind: string) => c.catalog.post('/api/v1/catalog/element-relations', { fromElementId: el[from]!.id, toElementId: el[to]!.id, kind });
      ok(await rel('room', 'building', 'dependency'), 201);
      ok(await rel('community', 'building', 'parent'), 201);
      ok(await rel('anonymous', 'owner', 'exclusive'), 201);
      ok(await rel('community', 'urgency', 'association'), 201);
      expect(expectProblem(await rel('building', 'room', 'exclusive'), 400, 'VALIDATION_FAILED').detail).toBe('“楼栋号”与“房间号”已存在依赖关系，不能再设为互斥');
      expect(expectProblem(await rel('building', 'room', 'dependency'), 400, 'VALIDATION_FAILED').detail).toBe('依赖关系形成循环：楼栋号 → 房间号 → 楼栋号');
      expect(expectProblem(await rel('owner', 'anonymous', 'dependency'), 400, 'VALIDATION_FAILED').detail).toContain('互斥');
      expectProblem(await rel('room', 'building', 'dependency'), 400, 'VALIDATION_FAILED');
      expectProblem(await rel('room', 'room', 'association'), 400, 'VALIDATION_FAILED');
      const graph = ok(await c.catalog.get<{ nodes: { code: string }[]; edges: { kind: string }[] }>('/api/v1/catalog/elements/graph?groupCode=tl_housing'));
      expect(graph.nodes.map((n) => n.code).sort()).toEqual(['tl_building', 'tl_community', 'tl_room']);
      expect(graph.edges.map((e) => e.kind).sort()).toEqual(['dependency', 'parent']);
      // The whole network includes the seeded elements; this file's four relations are in it.
      const full = ok(await c.catalog.get<{ nodes: { id: string; code: string }[]; edges: { from: string; to: string }[] }>('/api/v1/catalog/elements/graph'));
      const mine = new Set(full.nodes.filter((n) => n.code.startsWith('tl_')).map((n) => n.id));
      expect(full.edges.filter((e) => mine.has(e.from) && mine.has(e.to))).toHaveLength(4);
      expectProblem(await c.catalog.delete(`/api/v1/catalog/element-relations?fromElementId=${el.room!.id}&toElementId=${el.community!.id}&kind=dependency`), 404, 'NOT_FOUND');
    });

    it('assigns elements to an item under the rules and serves its form', async () => {
      const put = (elements: Json[]) => c.catalog.put<{ items: unknown[] }>(`/api/v1/catalog/items/${items['TL-HEAT']}/elements`, { elements });
      expect(expectProblem(await put([{ elementId: el.room!.id }]), 400, 'VALIDATION_FAILED').detail).toBe('要素“房间号”依赖“楼栋号”，请一并配置');
      expect(expectProblem(await put([{ elementId: el.owner!.id, required: true }, { elementId: el.anonymous!.id, required: true }]), 400, 'VALIDATION_FAILED').detail).toContain('不能同时设为必填');
      const assigned = ok(
        await put([
          { elementId: el.community!.id, required: true, sort: 1 },
          { elementId: el.building!.id, sort: 2 },
          { elementId: el.room!.id, sort: 3 },
          { elementId: el.urgency!.id, required: true, sort: 4 },
          { elementId: el.owner!.id, sort: 5 },
          { elementId: el.anonymous!.id, sort: 6 },
        ]),
      );
      expect(assigned.items).toHaveLength(6);
      expectProblem(await c.wlmq.put(`/api/v1/catalog/items/${items['TL-HEAT']}/elements`, { elements: [] }), 403, 'FORBIDDEN');
      expectProblem(await c.catalog.delete(`/api/v1/catalog/elements/${el.room!.id}`), 409, 'CONFLICT');

      const form = ok(await c.kash.get<FormSchema>(`/api/v1/catalog/items/${items['TL-HEAT']}/form`));
      expect(form.fields.map((f) => f.label)).toEqual(['诉求人姓名', '联系电话', '事件地址', '诉求内容', '小区名称', '楼栋号', '房间号', '紧急程度', '业主身份证号', '匿名反映']);
      const byCode = new Map(form.fields.map((f) => [f.code, f]));
      expect(byCode.get('tl_urgency')?.options).toEqual([
        { value: 'normal', label: '一般' },
        { value: 'urgent', label: '紧急' },
        { value: 'critical', label: '特急' },
      ]);
      expect(byCode.get('tl_room')).toMatchObject({ dependsOn: ['tl_building'], validation: { maxLength: 10 }, version: 2 });
      expect(byCode.get('tl_building')?.parent).toBe('tl_community');
      expect(await formSchemaOf(p.deps.db, { id: items['TL-HEAT']!, code: 'TL-HEAT', name: '小区供暖不热' })).toEqual(form);

      const good = { citizen_name: '张三', contact_phone: '13999001122', event_address: '天山区解放北路1号', content: '暖气不热', tl_community: '幸福小区', tl_building: '3号楼', tl_room: '1201', tl_urgency: 'urgent' };
      expect(validateFormData(form, good)).toEqual([]);
      expect(validateFormData(form, { ...good, tl_building: undefined, tl_urgency: 'x', tl_anonymous: true, tl_owner_id: '11010519491231002X' }).map((e) => e.message)).toEqual([
        '紧急程度的取值不在可选范围内',
        '填写房间号时必须同时填写楼栋号',
        '业主身份证号与匿名反映不能同时填写',
      ]);
      const checked = ok(await c.catalog.post<{ ok: boolean; errors: { path: string }[] }>(`/api/v1/catalog/items/${items['TL-HEAT']}/form/validate`, { data: { ...good, contact_phone: '123' } }));
      expect(checked).toMatchObject({ ok: false, errors: [{ path: 'contact_phone' }] });
      expectProblem(await c.catalog.get(`/api/v1/catalog/items/${randomUUID()}/form`), 404, 'NOT_FOUND');
    });

    it('deletes an unused element logically', async () => {
      ok(await c.catalog.delete(`/api/v1/catalog/elements/${el.temp!.id}`));
      expectProblem(await c.catalog.get(`/api/v1/catalog/elements/${el.temp!.id}`), 404, 'NOT_FOUND');
      expect((await p.deps.db.selectFrom('catalog_element').select('status').where('id', '=', el.temp!.id).executeTakeFirstOrThrow()).status).toBe('void');
    });
  });

  describe('Excel import and export', () => {
    const count = async () => Number((await p.deps.db.selectFrom('catalog_list_entry').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    it('imports nothing when any row is bad, and names line, column and reason', async () => {
      const before = await count();
      const file = await workbook(HEADER, [
        ['TL-PROP', '650100', 'WLMQ-ZJJ-WY', '', '主办', '物业纠纷调处', '《物业管理条例》'],
        ['TL-NOPE', '650100', 'WLMQ-ZJJ', '', '协办', '', ''],
        ['TL-PROP', '659999', 'WLMQ-ZJJ', '', '协办', '', ''],
        ['TL-PROP', '650100', 'KS-RSJ', '', '协办', '', ''],
        ['TL-PROP', '650100', 'WLMQ-RSJ', '', '牵头', '', ''],
      ]);
      const job = await importFile(p, c.wlmq, file);
      expect(job.status).toBe('failed');
      expect(job.created).toBe(0);
      expect(job.errors.map((e) => [e.line, e.column])).toEqual([
        [3, '事项编码'],
        [4, '区域编码'],
        [5, '单位编码'],
        [6, '角色'],
      ]);
      expect(job.errors.map((e) => e.reason)).toEqual([
        '事项编码“TL-NOPE”不存在、未发布或不适用于本区域',
        '区域编码“659999”不存在或不在您的管辖范围',
        '单位编码“KS-RSJ”不是本区域的机构',
        '角色只能填写“主办”或“协办”',
      ]);
      expect(await count()).toBe(before);
    });

    it('imports a clean file as drafts of the caller’s region, refusing duplicates within it', async () => {
      const dup = await importFile(p, c.wlmq, await workbook(HEADER, [
        ['TL-PROP', '650100', 'WLMQ-ZJJ-WY', '', '主办', '', ''],
        ['TL-PROP', '650100', 'WLMQ-ZJJ-WY', '', '协办', '', ''],
      ]));
      expect(dup.errors.map((e) => [e.line, e.column])).toEqual([[3, '单位名称']]);
      expect((await importFile(p, c.wlmq, await workbook(HEADER, [['TL-PROP', '650102', 'TS-ZJJ', '', '主办', '', '']]))).errors[0]?.reason).toContain('只能导入本区域');
      expect((await importFile(p, c.wlmq, await workbook(['事项编码', '角色'], [['TL-PROP', '主办']]))).errors[0]).toMatchObject({ line: 1, column: '区域编码' });
      const before = await count();
      const job = await importFile(p, c.wlmq, await workbook(HEADER, [
        ['TL-PROP', '650100', 'WLMQ-ZJJ-WY', '', '主办', '物业纠纷调处', '《物业管理条例》'],
        ['TL-PROP', '650100', '', '乌鲁木齐市物业协会', '协办', '行业自律', ''],
      ]), '?submit=true');
      expect(job).toMatchObject({ status: 'succeeded', created: 2, errors: [] });
      expect(await count()).toBe(before + 2);
      const imported = ok(await c.wlmq.get<Page<Entry>>(`/api/v1/catalog/list-entries?itemId=${items['TL-PROP']}&status=pending`)).items;
      expect(imported.map((e) => [e.unitName, e.role]).sort()).toEqual([
        ['乌鲁木齐市物业协会', 'assist'],
        ['物业管理科', 'lead'],
      ]);
      const audit = await p.deps.db.selectFrom('audit_log').select('action').where('action', '=', 'catalog.list.import').execute();
      expect(audit).toHaveLength(1);
    });

    it('exports what the caller sees and serves the template', async () => {
      const file = await getFile(p, c.catalog, `/api/v1/catalog/list-entries/export?listType=responsibility&tenantId=${T.wlmq}&status=published&itemId=${items['TL-HEAT']}`);
      expect(file.status).toBe(200);
      expect(file.type).toContain(XLSX_MIME);
      const rows = await readRows(file.body);
      expect(rows[0]).toEqual([...HEADER, '状态', '版本', '更新时间']);
      expect(rows.slice(1).map((r) => [r[0], r[1], r[2], r[4], r[7]]).sort()).toEqual([
        ['TL-HEAT', '650100', 'WLMQ-RSJ', '协办', '已发布'],
        ['TL-HEAT', '650100', 'WLMQ-ZJJ', '主办', '已发布'],
      ]);
      const kash = await readRows((await getFile(p, c.kash, `/api/v1/catalog/list-entries/export?tenantId=${T.wlmq}`)).body);
      expect(kash).toHaveLength(1);
      const template = await getFile(p, c.wlmq, '/api/v1/catalog/list-entries/template');
      expect(await readRows(template.body)).toEqual([HEADER]);
      expect((await getFile(p, c.kash, '/api/v1/catalog/list-entries/template')).status).toBe(403);
    });

    it('refuses a body that is not an Excel file', async () => {
      expectProblem(await c.wlmq.post('/api/v1/catalog/list-entries/import', { rows: [] }), 400, 'VALIDATION_FAILED');
      const job = await importFile(p, c.wlmq, Buffer.from('not a workbook'));
      expect(job.errors[0]?.reason).toContain('不是有效的 Excel');
    });
  });
});
