import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Client, createTestPlatform, ids, login, type Res, type TestPlatform, expectProblem as expectProblemOf } from './harness.js';
import { resolveTimeLimit } from '../src/modules/catalog/time-limit.service.js';
import { XLSX_MIME } from '../src/platform/excel/sheet.js';

/**
 * 办结时限: seeded region-wide defaults, lookup by level × industry × urgency, stricter local rules
 * of a prefecture for its own subtree, read-only inheritance, audit, Excel import and isolation.
 */

const CHINESE = /[\u4e00-\u9fa5]/;
const INIT_PW = 'Init@Pass2026x';
const NEW_PW = 'Changed@Pass2026y';

interface Problem {
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}
interface Resolved {
  amount: number;
  unit: string;
  warnAt: number;
  warnRatio: number;
  ruleId: string | null;
  ownerTenantId: string | null;
  explanation: string;
  isDefault: boolean;
  tenantId: string;
}
interface Rule {
  id: string;
  tenantId: string;
  tenantName: string;
  level: number | null;
  industry: string | null;
  urgency: string | null;
  itemId: string | null;
  amount: number;
  unit: string;
  warnRatio: number;
  warnAt: number;
  scope: string;
  editable: boolean;
  updatedBy: string | null;
}
interface Page {
  items: Rule[];
  total: number;
}
interface Matrix {
  tenantId: string;
  level: number | null;
  columns: { key: string; label: string }[];
  rows: { key: string; label: string; cells: (Resolved & { local: boolean })[] }[];
}
interface Job {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  total: number;
  processed: number;
  created: number;
  updated: number;
  errors: { line: number; column: string; reason: string }[];
}

function expectProblem(res: Res<unknown>, status: number, code: string): Problem {
  const body = expectProblemOf(res, status, code);
  expect(body.detail).toMatch(CHINESE);
  return body;
}

const query = (q: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(q).filter((e): e is [string, string | number] => e[1] !== undefined).map(([k, v]) => [k, String(v)])).toString();

async function workbook(rows: (string | number)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('办结时限');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const HEADER = ['层级', '行业领域', '紧急程度', '事项ID', '时限', '时限单位', '黄灯比例', '依据', '备注'];

describe('办结时限 (time limits)', () => {
  let p: TestPlatform;
  let I: Awaited<ReturnType<typeof ids>>;
  let root: Client;
  let wlmq: Client;
  let kashAdmin: Client;
  let agent: Client;
  let tianshan: Client;
  const CODES = ['650000', '650100', '650102', '653100', '653101'] as const;
  const T = {} as Record<(typeof CODES)[number], string>;

  const resolve = async (c: Client, q: Record<string, string | number | undefined>) => {
    const res = await c.get<Resolved>(`/api/v1/time-limits/resolve?${query(q)}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const create = (c: Client, body: Record<string, unknown>) => c.post<Rule>('/api/v1/time-limits', body);
  const countRules = async () => Number((await p.deps.db.selectFrom('time_limit').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const upload = async (c: Client, file: Buffer, tenantId?: string, type = XLSX_MIME) => {
    const res = await p.app.inject({
      method: 'POST',
      url: `/api/v1/time-limits/import${tenantId ? `?tenantId=${tenantId}` : ''}`,
      headers: { authorization: `Bearer ${c.token}`, 'content-type': type, 'user-agent': 'vitest' },
      payload: file,
    });
    return { status: res.statusCode, body: res.json() as Job & Problem, headers: res.headers };
  };
  const finished = async (c: Client, id: string): Promise<Job> =>
    vi.waitFor(
      async () => {
        const res = await c.get<Job>(`/api/v1/imports/${id}`);
        expect(res.status).toBe(200);
        expect(res.body.status).not.toBe('running');
        return res.body;
      },
      { timeout: 10_000, interval: 50 },
    );

  beforeAll(async () => {
    p = await createTestPlatform();
    I = await ids(p);
    for (const code of CODES) T[code] = await I.tenant(code);
    const sec = await login(p, 'secadmin');
    expect((await sec.put('/api/v1/config/security.loginRateLimitPerMinute', { value: 100000 })).status).toBe(200);
    [root, wlmq, agent, tianshan] = await Promise.all([login(p, 'catalog01'), login(p, 'catalog_wlmq'), login(p, 'agent01'), login(p, 'handler_ts')]);
    // A catalogue admin of 喀什地区, the sibling of 乌鲁木齐.
    const sys = await login(p, 'sysadmin');
    const u = await sys.post<{ id: string }>('/api/v1/users', { tenantId: T['653100'], orgId: await I.org('KS-12345'), username: 'catalog_kash', displayName: '喀什事项管理员', password: INIT_PW });
    expect(u.status, JSON.stringify(u.body)).toBe(201);
    expect((await sec.patch(`/api/v1/users/${u.body.id}`, { roleIds: [await I.role('catalog_admin')] })).status).toBe(200);
    kashAdmin = await login(p, 'catalog_kash', INIT_PW);
    expect((await kashAdmin.post('/api/v1/me/password', { oldPassword: INIT_PW, newPassword: NEW_PW })).status).toBe(200);
  });
  afterAll(() => p?.close());

  describe('lookup of the seeded region-wide defaults', () => {
    it('picks the most specific rule for level × industry × urgency', async () => {
      const cases: [Record<string, string | number>, number, string, string][] = [
        [{ level: 3 }, 5, 'workday', '区县级通用：5个工作日'],
        [{ level: 1 }, 10, 'workday', '自治区级通用：10个工作日'],
        [{ level: 5, industry: 'education-culture', urgency: 'normal' }, 2, 'workday', '村（社区）级通用：2个工作日'],
        [{ level: 3, industry: 'utilities', urgency: 'normal' }, 3, 'workday', '水电气热：3个工作日'],
        [{ level: 3, industry: 'utilities', urgency: 'urgent' }, 12, 'hour', '水电气热·紧急：12小时'],
        [{ level: 1, industry: 'utilities', urgency: 'critical' }, 2, 'hour', '水电气热·特急：2小时'],
        [{ level: 3, industry: 'housing', urgency: 'urgent' }, 24, 'hour', '紧急：24小时'],
        [{ level: 4, industry: 'urban-management' }, 2, 'workday', '城市管理（乡镇（街道）级）：2个工作日'],
        [{ level: 3, industry: 'urban-management' }, 3, 'workday', '城市管理：3个工作日'],
        [{ level: 2, industry: 'commerce-tourism' }, 3, 'natural_day', '商贸旅游：3个自然日'],
        // An industry with its own limit still answers urgent demands in hours.
        [{ level: 3, industry: 'labor-social-security', urgency: 'normal' }, 7, 'workday', '劳动和社会保障：7个工作日'],
        [{ level: 3, industry: 'labor-social-security', urgency: 'urgent' }, 24, 'hour', '劳动和社会保障·紧急：24小时'],
      ];
      for (const [q, amount, unit, text] of cases) {
        const r = await resolve(root, q);
        expect({ q, amount: r.amount, unit: r.unit }).toEqual({ q, amount, unit });
        expect(r.explanation.startsWith(text), r.explanation).toBe(true);
        expect(r.explanation).toContain('新疆维吾尔自治区规定');
        expect(r.ownerTenantId).toBe(T['650000']);
        expect(r.isDefault).toBe(false);
      }
      // 医疗紧急: yellow 6 hours before the deadline, as in the tender's example.
      const health = await resolve(root, { level: 3, industry: 'health', urgency: 'urgent' });
      expect([health.amount, health.unit, health.warnAt]).toEqual([12, 'hour', 6]);
      expect(health.explanation).toContain('用时达6小时亮黄灯');
    });

    it('defaults the level to the tenant of the caller or the one asked for', async () => {
      expect((await resolve(wlmq, {})).amount).toBe(7);
      expect((await resolve(tianshan, {})).amount).toBe(5);
      expect((await resolve(root, { tenantId: T['653101'] })).amount).toBe(5);
    });

    it('rejects industries and urgencies that are not in the dictionaries', async () => {
      const res = await root.get(`/api/v1/time-limits/resolve?level=3&industry=finance`);
      expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors?.[0]?.path).toBe('/industry');
      expectProblem(await root.get('/api/v1/time-limits/resolve?level=9'), 400, 'VALIDATION_FAILED');
      expectProblem(await root.get('/api/v1/time-limits/resolve?level=3&bogus=1'), 400, 'VALIDATION_FAILED');
    });

    it('exposes resolveTimeLimit() to other modules, by tenant id or path, with a documented default', async () => {
      const county = await p.deps.db.selectFrom('tenant').select(['id', 'path']).where('code', '=', '650102').executeTakeFirstOrThrow();
      const byId = await resolveTimeLimit(p.deps.db, { tenantId: county.id, level: 3, industry: 'utilities', urgency: 'critical' });
      const byPath = await resolveTimeLimit(p.deps.db, { tenantPath: county.path, level: 3, industry: 'utilities', urgency: 'critical' });
      expect(byPath).toEqual(byId);
      expect(byId).toMatchObject({ amount: 2, unit: 'hour', warnAt: 1, isDefault: false });
      expect(byId.ruleId).toMatch(/^[0-9a-f-]{36}$/);

      // With every rule gone (in a transaction that is rolled back) the platform default applies.
      const rollback = new Error('rollback');
      await expect(
        p.deps.db.transaction().execute(async (trx) => {
          await trx.deleteFrom('time_limit').execute();
          const r = await resolveTimeLimit(trx, { tenantId: county.id, level: 3, industry: 'health' });
          expect(r).toMatchObject({ amount: 5, unit: 'workday', warnAt: 4, ruleId: null, isDefault: true });
          expect(r.explanation).toContain('平台默认');
          throw rollback;
        }),
      ).rejects.toBe(rollback);
      expect(await countRules()).toBeGreaterThan(20);
    });

    it('lets every business role read, but only the catalogue admin write', async () => {
      expect((await resolve(agent, { level: 3 })).amount).toBe(5);
      expect((await agent.get('/api/v1/time-limits')).status).toBe(200);
      expectProblem(await create(agent, { level: 3, amount: 1, unit: 'workday' }), 403, 'FORBIDDEN');
      expectProblem(await (await login(p, 'auditadmin')).get('/api/v1/time-limits'), 403, 'FORBIDDEN');
    });
  });

  describe('views by level and by industry', () => {
    it('by level: five levels × urgency tiers, each cell with its source', async () => {
      const res = await root.get<Matrix>('/api/v1/time-limits/by-level');
      expect(res.status).toBe(200);
      expect(res.body.columns.map((c) => c.key)).toEqual(['', 'normal', 'urgent', 'critical']);
      expect(res.body.rows.map((r) => r.label)).toEqual(['自治区级', '地州市级', '区县级', '乡镇（街道）级', '村（社区）级']);
      const county = res.body.rows[2]!.cells.map((c) => `${c.amount}${c.unit}`);
      expect(county).toEqual(['5workday', '5workday', '24hour', '4hour']);
      expect(res.body.rows[2]!.cells[0]!.local).toBe(true);
      // Seen from 乌鲁木齐, the same values are inherited.
      const below = await wlmq.get<Matrix>('/api/v1/time-limits/by-level');
      expect(below.body.tenantId).toBe(T['650100']);
      expect(below.body.rows[2]!.cells[0]!.local).toBe(false);
    });

    it('by industry: every industry at one level', async () => {
      const res = await root.get<Matrix>(`/api/v1/time-limits/by-industry?level=3`);
      expect(res.status).toBe(200);
      expect(res.body.level).toBe(3);
      expect(res.body.rows).toHaveLength(18);
      const utilities = res.body.rows.find((r) => r.key === 'utilities')!;
      expect(utilities.label).toBe('水电气热');
      expect(utilities.cells.map((c) => `${c.amount}${c.unit}`)).toEqual(['3workday', '3workday', '12hour', '2hour']);
      const labour = res.body.rows.find((r) => r.key === 'labor-social-security')!;
      expect(labour.cells.map((c) => `${c.amount}${c.unit}`)).toEqual(['7workday', '7workday', '24hour', '4hour']);
      expectProblem(await wlmq.get(`/api/v1/time-limits/by-industry?tenantId=${T['653100']}`), 404, 'NOT_FOUND');
    });

    it('offers the dictionary options to catalogue users who cannot read the dictionaries', async () => {
      expect((await wlmq.get('/api/v1/dicts/industry/items')).status).toBe(403);
      const res = await wlmq.get<{ levels: unknown[]; industries: { value: string; label: string }[]; urgencies: { value: string }[]; units: unknown[]; tenants: { id: string }[] }>('/api/v1/time-limits/options');
      expect(res.status).toBe(200);
      expect(res.body.levels).toHaveLength(5);
      expect(res.body.industries).toContainEqual({ value: 'urban-construction', label: '城乡建设' });
      expect(res.body.urgencies.map((u) => u.value)).toEqual(['normal', 'urgent', 'critical']);
      expect(res.body.units).toHaveLength(3);
      expect(res.body.tenants.map((t) => t.id)).toEqual([T['650100']]);
    });
  });

  describe('local rules of a prefecture', () => {
    let localRule: Rule;

    it('a stricter local rule applies to its own subtree, not to its siblings', async () => {
      const res = await create(wlmq, { level: 3, industry: 'urban-construction', urgency: 'urgent', amount: 8, unit: 'hour', warnRatio: 0.75, legalBasis: '乌鲁木齐市12345热线管理办法' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      localRule = res.body;
      expect(localRule).toMatchObject({ tenantId: T['650100'], tenantName: '乌鲁木齐市', scope: '城乡建设·紧急（区县级）', warnAt: 6, editable: true, updatedBy: 'catalog_wlmq' });

      const own = await resolve(tianshan, { level: 3, industry: 'urban-construction', urgency: 'urgent' });
      expect(own).toMatchObject({ amount: 8, unit: 'hour', ruleId: localRule.id, ownerTenantId: T['650100'] });
      expect(own.explanation).toBe('城乡建设·紧急（区县级）：8小时（乌鲁木齐市规定），用时达6小时亮黄灯，超时亮红灯');
      // Other industries and levels in the same subtree keep the inherited rules.
      expect((await resolve(tianshan, { level: 3, industry: 'housing', urgency: 'urgent' })).amount).toBe(24);
      expect((await resolve(wlmq, { level: 2, industry: 'urban-construction', urgency: 'urgent' })).amount).toBe(24);

      const sibling = await resolve(root, { tenantId: T['653101'], level: 3, industry: 'urban-construction', urgency: 'urgent' });
      expect(sibling).toMatchObject({ amount: 24, ownerTenantId: T['650000'] });
      const rootItself = await resolve(root, { level: 3, industry: 'urban-construction', urgency: 'urgent' });
      expect(rootItself.amount).toBe(24);
      expectProblem(await wlmq.get(`/api/v1/time-limits/resolve?tenantId=${T['653101']}&level=3`), 404, 'NOT_FOUND');

      // The county sees what decides its demands, inherited from two levels.
      const byIndustry = await tianshan.get<Matrix>('/api/v1/time-limits/by-industry');
      expect(byIndustry.body.level).toBe(3);
      const uc = byIndustry.body.rows.find((r) => r.key === 'urban-construction')!;
      expect(uc.cells[2]).toMatchObject({ amount: 8, ownerTenantId: T['650100'], local: false });
    });

    it('refuses a local rule looser than the inherited standard, a level above its own and a duplicate', async () => {
      const looser = await create(wlmq, { industry: 'health', urgency: 'urgent', amount: 24, unit: 'hour' });
      const problem = expectProblem(looser, 400, 'VALIDATION_FAILED');
      expect(problem.detail).toContain('从严');
      expect(problem.errors?.[0]?.path).toBe('/amount');
      const looserDays = await create(wlmq, { level: 3, amount: 6, unit: 'workday' });
      expect(expectProblem(looserDays, 400, 'VALIDATION_FAILED').detail).toContain('区县级通用：5个工作日');
      // An industry rule would also decide that industry's urgent demands: 2 working days > 24 hours.
      expect(expectProblem(await create(wlmq, { industry: 'education-culture', amount: 2, unit: 'workday' }), 400, 'VALIDATION_FAILED').detail).toContain('（紧急：24小时）');
      expect(expectProblem(await create(wlmq, { level: 1, amount: 1, unit: 'workday' }), 400, 'VALIDATION_FAILED').errors?.[0]?.path).toBe('/level');
      expectProblem(await create(wlmq, { industry: 'finance', amount: 1, unit: 'workday' }), 400, 'VALIDATION_FAILED');
      expectProblem(await create(wlmq, { level: 3, industry: 'urban-construction', urgency: 'urgent', amount: 4, unit: 'hour' }), 409, 'CONFLICT');
      expectProblem(await create(wlmq, { level: 3, amount: 0, unit: 'workday' }), 400, 'VALIDATION_FAILED');
      expectProblem(await create(wlmq, { level: 3, amount: 2, unit: 'workday', warnRatio: 1 }), 400, 'VALIDATION_FAILED');
      expectProblem(await create(wlmq, { level: 3, amount: 2, unit: 'week' }), 400, 'VALIDATION_FAILED');
      expectProblem(await create(wlmq, { level: 3, amount: 2, unit: 'workday', extra: true }), 400, 'VALIDATION_FAILED');
      // The upper level itself is free to set its own standard.
      const rootRule = await create(root, { level: 2, industry: 'health', amount: 15, unit: 'workday' });
      expect(rootRule.status).toBe(201);
      expect((await root.delete(`/api/v1/time-limits/${rootRule.body.id}`)).status).toBe(200);
    });

    it('shows inherited rules read-only: editing them is refused with a clear reason', async () => {
      const inherited = await wlmq.get<Page>(`/api/v1/time-limits?tenantId=${T['650000']}&level=3&pageSize=50`);
      expect(inherited.status).toBe(200);
      const countyRule = inherited.body.items.find((r) => r.scope === '区县级通用')!;
      expect(countyRule.editable).toBe(false);
      expect((await wlmq.get<Rule>(`/api/v1/time-limits/${countyRule.id}`)).body.editable).toBe(false);

      const patched = expectProblem(await wlmq.patch(`/api/v1/time-limits/${countyRule.id}`, { amount: 3 }), 403, 'FORBIDDEN');
      expect(patched.detail).toContain('上级“新疆维吾尔自治区”制定');
      expectProblem(await wlmq.delete(`/api/v1/time-limits/${countyRule.id}`), 403, 'FORBIDDEN');
      const after = await p.deps.db.selectFrom('time_limit').select('amount').where('id', '=', countyRule.id).executeTakeFirstOrThrow();
      expect(after.amount).toBe(5);
      await vi.waitFor(async () => {
        const failures = await p.deps.db.selectFrom('audit_log').select(['action', 'target_id']).where('result', '=', 'failure').where('action', 'like', 'time-limit.%').execute();
        expect(failures).toContainEqual({ action: 'time-limit.update', target_id: countyRule.id });
        expect(failures).toContainEqual({ action: 'time-limit.delete', target_id: countyRule.id });
      });
    });

    it('keeps sibling tenants apart: out of scope is simply not found', async () => {
      const list = await kashAdmin.get<Page>('/api/v1/time-limits?pageSize=200');
      expect(list.status).toBe(200);
      expect(list.body.items.some((r) => r.tenantId === T['650100'])).toBe(false);
      expect(list.body.items.every((r) => r.tenantId === T['650000'])).toBe(true);
      expectProblem(await kashAdmin.get(`/api/v1/time-limits/${localRule.id}`), 404, 'NOT_FOUND');
      expectProblem(await kashAdmin.patch(`/api/v1/time-limits/${localRule.id}`, { amount: 2 }), 404, 'NOT_FOUND');
      expectProblem(await kashAdmin.delete(`/api/v1/time-limits/${localRule.id}`), 404, 'NOT_FOUND');
      expectProblem(await kashAdmin.get(`/api/v1/time-limits?tenantId=${T['650100']}`), 404, 'NOT_FOUND');
      expectProblem(await create(kashAdmin, { tenantId: T['650100'], level: 3, amount: 1, unit: 'workday' }), 404, 'NOT_FOUND');
      // Nor can the prefecture write for its parent.
      expectProblem(await create(wlmq, { tenantId: T['650000'], level: 3, amount: 1, unit: 'workday' }), 404, 'NOT_FOUND');
    });

    it('lists with filters and paging; the upper level sees and manages the rules below it', async () => {
      const all = await wlmq.get<Page>('/api/v1/time-limits?pageSize=200');
      const seeded = await p.deps.db.selectFrom('time_limit').select('id').where('tenant_id', '=', T['650000']).execute();
      expect(all.body.total).toBe(seeded.length + 1);
      expect(all.body.items.at(-1)?.id).toBe(localRule.id);
      const page2 = await wlmq.get<Page>('/api/v1/time-limits?pageSize=5&page=2');
      expect(page2.body.total).toBe(all.body.total);
      expect(page2.body.items.map((r) => r.id)).toEqual(all.body.items.slice(5, 10).map((r) => r.id));
      const utilities = await wlmq.get<Page>('/api/v1/time-limits?industry=utilities');
      expect(utilities.body.items.map((r) => r.urgency)).toEqual([null, 'critical', 'urgent']);
      const urgentCounty = await wlmq.get<Page>('/api/v1/time-limits?urgency=urgent&level=3');
      expect(urgentCounty.body.items.map((r) => r.id)).toEqual([localRule.id]);

      const fromRoot = await root.get<Page>(`/api/v1/time-limits?tenantId=${T['650100']}`);
      expect(fromRoot.body.items).toMatchObject([{ id: localRule.id, editable: true }]);
      const edited = await root.patch<Rule>(`/api/v1/time-limits/${localRule.id}`, { amount: 6, note: '自治区统一核定' });
      expect(edited.status, JSON.stringify(edited.body)).toBe(200);
      expect(edited.body).toMatchObject({ amount: 6, warnAt: 4.5, updatedBy: 'catalog01' });
    });

    it('records create, update and delete in the audit trail', async () => {
      const created = await create(wlmq, { industry: 'environment', urgency: 'urgent', amount: 6, unit: 'hour' });
      expect(created.status).toBe(201);
      const id = created.body.id;
      expect((await wlmq.patch(`/api/v1/time-limits/${id}`, { amount: 4, level: 3 })).status).toBe(200);
      expect((await wlmq.delete(`/api/v1/time-limits/${id}`)).status).toBe(200);
      expectProblem(await wlmq.get(`/api/v1/time-limits/${id}`), 404, 'NOT_FOUND');
      const rows = await p.deps.db.selectFrom('audit_log').selectAll().where('target_id', '=', id).where('result', '=', 'success').orderBy('id').execute();
      expect(rows.map((r) => r.action)).toEqual(['time-limit.create', 'time-limit.update', 'time-limit.delete']);
      for (const r of rows) expect(r).toMatchObject({ actor_name: '刘洋(catalog_wlmq)', tenant_id: T['650100'], target_type: 'time-limit' });
      expect(rows[1]!.summary).toEqual({ before: { amount: 6, level: null }, after: { amount: 4, level: 3 } });
      expect(rows[2]!.summary).toMatchObject({ before: { industry: 'environment', amount: 4, unit: 'hour' } });
    });
  });

  describe('Excel', () => {
    it('exports the visible rules and a template with the import columns', async () => {
      const res = await p.app.inject({ method: 'GET', url: `/api/v1/time-limits/export?tenantId=${T['650000']}`, headers: { authorization: `Bearer ${wlmq.token}` } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe(XLSX_MIME);
      expect(String(res.headers['content-disposition'])).toContain('attachment');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      const ws = wb.worksheets[0]!;
      expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(['制定单位', ...HEADER, '更新人', '更新时间']);
      const seeded = await p.deps.db.selectFrom('time_limit').select('id').where('tenant_id', '=', T['650000']).execute();
      expect(ws.rowCount - 1).toBe(seeded.length);
      const texts = Array.from({ length: ws.rowCount - 1 }, (_, i) => (ws.getRow(i + 2).values as unknown[]).slice(1, 8).join('|'));
      expect(texts).toContain('新疆维吾尔自治区||水电气热|特急||2|小时');

      const tpl = await p.app.inject({ method: 'GET', url: '/api/v1/time-limits/template', headers: { authorization: `Bearer ${wlmq.token}` } });
      expect(tpl.statusCode).toBe(200);
      const twb = new ExcelJS.Workbook();
      await twb.xlsx.load(tpl.rawPayload as unknown as ArrayBuffer);
      expect((twb.worksheets[0]!.getRow(1).values as unknown[]).slice(1)).toEqual(HEADER);
    });

    it('imports nothing when any row is bad, and says where and why', async () => {
      const before = await countRules();
      const file = await workbook([
        HEADER,
        ['区县级', '城乡建设', '一般', '', 4, '工作日', '0.75', '市级办法', ''],
        ['3', '金融', '', '', 2, '工作日', '', '', ''],
        [4, 'housing', 'urgent', '', 0, '小时', '', '', ''],
        ['', '', '', '', 3, '周', '', '', ''],
        ['区县级', '城乡建设', '一般', '', 3, '工作日', '', '', ''],
        ['村（社区）级', '', '', '', 5, '工作日', '', '', ''],
        ['', '水电气热', '特急', 'not-a-uuid', 2, '小时', '120%', '', ''],
        ['自治区级', '', '', '', 1, '工作日', '', '', ''],
      ]);
      const started = await upload(wlmq, file);
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const job = await finished(wlmq, started.body.id);
      expect(job.status).toBe('failed');
      expect(job.created + job.updated).toBe(0);
      const at = (line: number) => job.errors.filter((e) => e.line === line).map((e) => e.column);
      expect(at(2)).toEqual([]);
      expect(at(3)).toEqual(['行业领域']);
      expect(at(4)).toEqual(['时限']);
      expect(at(5)).toEqual(['时限单位']);
      expect(at(6)).toEqual(['层级']);
      expect(job.errors.find((e) => e.line === 6)?.reason).toContain('第 2 行');
      expect(at(7)).toEqual(['时限']);
      expect(job.errors.find((e) => e.line === 7)?.reason).toContain('从严');
      expect(at(8)).toEqual(['事项ID', '黄灯比例']);
      expect(at(9)).toEqual(['层级']);
      for (const e of job.errors) expect(e.reason).toMatch(CHINESE);
      expect(await countRules()).toBe(before);
      expect(await p.deps.db.selectFrom('audit_log').select('id').where('action', '=', 'time-limit.import').execute()).toEqual([]);
    });

    it('imports a good file all at once: new rules are created, existing ones updated', async () => {
      const before = await countRules();
      const file = await workbook([
        HEADER,
        ['区县级', '城乡建设', '紧急', '', 5, '小时', '80%', '乌鲁木齐市12345热线管理办法', '从严'],
        ['区县级', 'labor-social-security', '', '', 5, 'workday', '', '', ''],
        ['乡镇', '', '', '', 2, '工作日', '0.5', '', ''],
      ]);
      const started = await upload(wlmq, file);
      expect(started.status).toBe(202);
      const job = await finished(wlmq, started.body.id);
      expect(job.errors).toEqual([]);
      expect(job).toMatchObject({ status: 'succeeded', total: 3, processed: 3, created: 2, updated: 1 });
      expect(await countRules()).toBe(before + 2);
      const r = await resolve(tianshan, { level: 3, industry: 'urban-construction', urgency: 'urgent' });
      expect(r).toMatchObject({ amount: 5, unit: 'hour', warnAt: 4 });
      expect((await resolve(tianshan, { level: 4 })).amount).toBe(2);
      const audit = await p.deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'time-limit.import').execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_name: '刘洋(catalog_wlmq)', tenant_id: T['650100'], result: 'success' });
      expect(audit[0]!.summary).toMatchObject({ detail: { rows: 3, created: 2, updated: 1 } });
    });

    it('refuses other uploads and out-of-scope targets', async () => {
      const notExcel = await upload(wlmq, Buffer.from('hello'));
      const job = await finished(wlmq, notExcel.body.id);
      expect(job.status).toBe('failed');
      expect(job.errors[0]?.reason).toContain('Excel');
      const json = await wlmq.post('/api/v1/time-limits/import', { rows: [] });
      expectProblem(json, 415, 'UNSUPPORTED_MEDIA_TYPE');
      const file = await workbook([HEADER, ['区县级', '', '', '', 1, '工作日', '', '', '']]);
      expectProblem(await upload(kashAdmin, file, T['650100']) as Res<unknown>, 404, 'NOT_FOUND');
      expectProblem(await upload(agent, file) as Res<unknown>, 403, 'FORBIDDEN');
      // An import job belongs to the user who started it.
      expectProblem(await kashAdmin.get(`/api/v1/imports/${notExcel.body.id}`), 404, 'NOT_FOUND');
    });
  });
});
