import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestPlatform, ids, login, type Res, type TestPlatform, expectProblem, type Problem } from './harness.js';
import { creditCodeCheckChar } from '../src/modules/catalog/credit-code.js';
import { XLSX_MIME } from '../src/platform/excel/sheet.js';

/**
 * The enterprise library (企业库): maintenance by catalogue admins, approval by a second person,
 * credit code validation, tenant scopes, Excel import (all or nothing) and export, audit trail.
 */

const INIT_PW = 'Init#Ent2026x';
const NEW_PW = 'Changed#Ent2026y';
const PHONE = '13899001234';

interface Ent {
  id: string;
  tenantId: string;
  tenantName: string;
  creditCode: string;
  name: string;
  ownership: string | null;
  industry: string | null;
  registeredRegion: string | null;
  registeredRegionName: string | null;
  contacts: { name: string; role: string; phoneMasked: string | null }[];
  tags: string[];
  status: 'pending' | 'approved' | 'rejected';
  reviewOpinion: string | null;
  submittedBy: string | null;
  reviewedBy: string | null;
}
interface EntPage {
  items: Ent[];
  total: number;
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

/** A valid code: 工商 · 企业 · the division · a running number, with the right check char. */
function code(n: number, region = '650100'): string {
  const body = `91${region}MA${String(n).padStart(7, '0')}`;
  return body + creditCodeCheckChar(body);
}

function expectOk<T>(res: Res<T>, status = 200): T {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

async function xlsx(header: string[], rows: (string | number)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('企业库');
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function readXlsx(body: string | Buffer): Promise<{ header: string[]; rows: Record<string, string>[]; sheets: string[] }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((Buffer.isBuffer(body) ? body : Buffer.from(body, 'binary')) as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const header: string[] = [];
  ws.getRow(1).eachCell((c, col) => (header[col - 1] = String(c.value)));
  const rows: Record<string, string>[] = [];
  for (let line = 2; line <= ws.rowCount; line++) {
    const row = ws.getRow(line);
    rows.push(Object.fromEntries(header.map((h, i) => [h, String(row.getCell(i + 1).value ?? '')])));
  }
  return { header, rows, sheets: wb.worksheets.map((w) => w.name) };
}

/** Raw GET of a file: the harness client decodes bodies as text, which breaks binary files. */
async function getFile(p: TestPlatform, c: Client, url: string): Promise<{ status: number; type: string; body: Buffer }> {
  const res = await p.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${c.token}` } });
  return { status: res.statusCode, type: String(res.headers['content-type']), body: res.rawPayload };
}

async function upload(p: TestPlatform, c: Client, file: Buffer, query = ''): Promise<Res<Job>> {
  const res = await p.app.inject({
    method: 'POST',
    url: `/api/v1/enterprises/import${query}`,
    headers: { authorization: `Bearer ${c.token}`, 'content-type': XLSX_MIME },
    payload: file,
  });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

/** Polls the job the way the browser does, until it ends. */
async function finished(c: Client, job: Job): Promise<Job> {
  for (let i = 0; i < 500; i++) {
    const res = await c.get<Job>(`/api/v1/imports/${job.id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    if (res.body.status !== 'running') return res.body;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('import did not finish');
}

async function importFile(p: TestPlatform, c: Client, file: Buffer, query = ''): Promise<Job> {
  const started = await upload(p, c, file, query);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return finished(c, started.body);
}

const HEADER = ['统一社会信用代码', '企业名称', '所有制性质', '所属行业', '注册地', '地址', '法定代表人', '联系人', '联系人职务', '联系电话', '标签'];

describe('enterprise library', () => {
  let p: TestPlatform;
  let catalog: Client; // 事项管理员, 自治区 (maintains)
  let reviewer: Client; // 事项审核员, 自治区 (approves)
  let wlmq: Client; // 事项管理员, 乌鲁木齐市
  let agent: Client; // 话务坐席: read only
  let both: Client; // holds write and approve
  let bothId: string;
  let tenant: (code: string) => Promise<string>;

  const auditRows = async (action: string, targetId?: string) => {
    let q = p.deps.db.selectFrom('audit_log').selectAll().where('action', '=', action).where('result', '=', 'success');
    if (targetId) q = q.where('target_id', '=', targetId);
    return q.orderBy('id').execute();
  };
  const liveCount = async () => Number((await p.deps.db.selectFrom('enterprise').select((eb) => eb.fn.countAll<number>().as('n')).where('deleted_at', 'is', null).executeTakeFirstOrThrow()).n);

  async function create(c: Client, body: Record<string, unknown>): Promise<Ent> {
    return expectOk(await c.post<Ent>('/api/v1/enterprises', body), 201);
  }

  beforeAll(async () => {
    p = await createTestPlatform();
    const sec = await login(p, 'secadmin');
    expect((await sec.put('/api/v1/config/security.loginRateLimitPerMinute', { value: 100000 })).status).toBe(200);
    tenant = (await ids(p)).tenant;
    [catalog, reviewer, wlmq, agent] = await Promise.all([login(p, 'catalog01'), login(p, 'catreview01'), login(p, 'catalog_wlmq'), login(p, 'agent01')]);

    // A role that may both maintain and approve, to prove that nobody approves their own change.
    const look = await ids(p);
    const role = expectOk(
      await sec.post<{ id: string }>('/api/v1/roles', {
        tenantId: await tenant('650000'),
        code: 'ent_both',
        name: '企业库维护兼审核',
        dataScope: 'tenant_subtree',
        permissions: ['catalog:enterprise:read', 'catalog:enterprise:write', 'catalog:enterprise:approve'],
      }),
      201,
    );
    const sys = await login(p, 'sysadmin');
    const user = expectOk(
      await sys.post<{ id: string }>('/api/v1/users', { tenantId: await tenant('650000'), orgId: await look.org('SXGL'), username: 'ent_both', displayName: '双权限人员', password: INIT_PW }),
      201,
    );
    bothId = user.id;
    expectOk(await sec.patch(`/api/v1/users/${bothId}`, { roleIds: [role.id] }));
    const first = await login(p, 'ent_both', INIT_PW);
    expectOk(await first.post('/api/v1/me/password', { oldPassword: INIT_PW, newPassword: NEW_PW }));
    both = await login(p, 'ent_both', NEW_PW);
  });
  afterAll(() => p.close());

  describe('CRUD', () => {
    it('creates a pending record with the code normalised, the region taken from the code and the phone masked', async () => {
      const e = await create(catalog, {
        tenantId: await tenant('650100'),
        creditCode: code(1).toLowerCase(),
        name: '乌鲁木齐天山物流有限公司',
        ownership: 'private',
        industry: 'G',
        address: '乌鲁木齐市天山区解放北路 1 号',
        legalPerson: '张伟',
        contacts: [{ name: '李娜', role: '行政主管', phone: PHONE }],
        tags: ['涉企', '重点企业', '涉企'],
      });
      expect(e).toMatchObject({
        creditCode: code(1),
        status: 'pending',
        tenantName: '乌鲁木齐市',
        registeredRegion: '650100',
        registeredRegionName: '乌鲁木齐市',
        tags: ['涉企', '重点企业'],
        contacts: [{ name: '李娜', role: '行政主管', phoneMasked: '138****1234' }],
      });
      expect(JSON.stringify(e)).not.toContain(PHONE);
      const stored = await p.deps.db.selectFrom('enterprise').select('contacts').where('id', '=', e.id).executeTakeFirstOrThrow();
      expect(JSON.stringify(stored.contacts)).not.toContain(PHONE);
      expect(p.deps.cipher.decrypt(stored.contacts[0]!.phone_enc!)).toBe(PHONE);
      expect(expectOk(await catalog.get<Ent>(`/api/v1/enterprises/${e.id}`)).name).toBe('乌鲁木齐天山物流有限公司');
    });

    it('refuses a duplicate credit code with 409', async () => {
      const res = await catalog.post('/api/v1/enterprises', { tenantId: await tenant('650100'), creditCode: code(1), name: '重复企业' });
      expect(expectProblem(res, 409, 'CONFLICT').detail).toBe('统一社会信用代码已存在');
    });

    it.each([
      [`${code(2).slice(0, 17)}${code(2).endsWith('0') ? '1' : '0'}`, '校验位错误'],
      ['91650100MA0000OO2X', '不使用字母 O'],
      ['91650100MA00001', '应为 18 位'],
      [code(2, '650100').replace(/^91/, '99').slice(0, 17) + 'X', '机构类别代码'],
    ])('refuses the invalid credit code %s (%s)', async (bad, reason) => {
      const res = await catalog.post('/api/v1/enterprises', { creditCode: bad, name: '无效代码企业' });
      const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(problem.detail).toContain(reason);
      expect(problem.errors?.[0]?.path).toBe('/creditCode');
    });

    it('refuses dictionary values that do not exist, and unknown fields', async () => {
      expect(expectProblem(await catalog.post('/api/v1/enterprises', { creditCode: code(3), name: '甲', industry: 'Z' }), 400, 'VALIDATION_FAILED').detail).toContain('所属行业');
      expect(expectProblem(await catalog.post('/api/v1/enterprises', { creditCode: code(3), name: '甲', ownership: '国企' }), 400, 'VALIDATION_FAILED').detail).toContain('所有制性质');
      expectProblem(await catalog.post('/api/v1/enterprises', { creditCode: code(3), name: '甲', status: 'approved' }), 400, 'VALIDATION_FAILED');
      expectProblem(await catalog.post('/api/v1/enterprises', { creditCode: code(3), name: '   ' }), 400, 'VALIDATION_FAILED');
    });

    it('lists with paging, sorting and filters', async () => {
      await create(catalog, { tenantId: await tenant('650102'), creditCode: code(4, '650102'), name: '天山区阿达西餐饮店', ownership: 'individual', industry: 'H', tags: ['小微企业'] });
      await create(catalog, { tenantId: await tenant('650100'), creditCode: code(5), name: '新疆丝路软件股份有限公司', ownership: 'private', industry: 'I', tags: ['专精特新', '涉企'] });
      const all = expectOk(await catalog.get<EntPage>('/api/v1/enterprises?pageSize=200&sort=creditCode&order=desc'));
      expect(all.total).toBe(3);
      expect(all.items.map((e) => e.creditCode)).toEqual([code(4, '650102'), code(5), code(1)]);
      const page2 = expectOk(await catalog.get<EntPage>('/api/v1/enterprises?page=2&pageSize=2&sort=creditCode'));
      expect(page2).toMatchObject({ total: 3 });
      expect(page2.items).toHaveLength(1);
      const names = async (q: string) => expectOk(await catalog.get<EntPage>(`/api/v1/enterprises?pageSize=200&${q}`)).items.map((e) => e.name).sort();
      expect(await names(`keyword=${encodeURIComponent('丝路')}`)).toEqual(['新疆丝路软件股份有限公司']);
      expect(await names(`keyword=${code(4, '650102').slice(4, 14).toLowerCase()}`)).toEqual(['天山区阿达西餐饮店']);
      expect(await names('industry=G')).toEqual(['乌鲁木齐天山物流有限公司']);
      expect(await names('ownership=private')).toHaveLength(2);
      expect(await names(`tag=${encodeURIComponent('涉企')}`)).toEqual(['乌鲁木齐天山物流有限公司', '新疆丝路软件股份有限公司']);
      expect(await names('status=approved')).toEqual([]);
      // A region in the filter includes its districts.
      expect(await names(`tenantId=${await tenant('650100')}`)).toHaveLength(3);
      expect(await names(`tenantId=${await tenant('650102')}`)).toEqual(['天山区阿达西餐饮店']);
    });

    it('updates, keeping a contact phone that was not re-entered', async () => {
      const [e] = expectOk(await catalog.get<EntPage>(`/api/v1/enterprises?keyword=${code(1)}`)).items;
      const updated = expectOk(
        await catalog.patch<Ent>(`/api/v1/enterprises/${e!.id}`, { name: '乌鲁木齐天山物流集团有限公司', contacts: [{ name: '李娜', role: '总经理助理' }, { name: '王强', phone: '0991-5551234' }] }),
      );
      expect(updated).toMatchObject({ name: '乌鲁木齐天山物流集团有限公司', status: 'pending' });
      expect(updated.contacts).toEqual([
        { name: '李娜', role: '总经理助理', phoneMasked: '138****1234' },
        { name: '王强', role: '', phoneMasked: '099****1234' },
      ]);
    });

    it('deletes logically; the code can then be entered again', async () => {
      const e = await create(catalog, { tenantId: await tenant('650100'), creditCode: code(6), name: '待删除企业' });
      expectOk(await catalog.delete(`/api/v1/enterprises/${e.id}`));
      expectProblem(await catalog.get(`/api/v1/enterprises/${e.id}`), 404, 'NOT_FOUND');
      expectProblem(await catalog.delete(`/api/v1/enterprises/${e.id}`), 404, 'NOT_FOUND');
      const row = await p.deps.db.selectFrom('enterprise').select('deleted_at').where('id', '=', e.id).executeTakeFirstOrThrow();
      expect(row.deleted_at).not.toBeNull();
      const again = await create(catalog, { tenantId: await tenant('650100'), creditCode: code(6), name: '重新录入企业' });
      expect(again.id).not.toBe(e.id);
      expectOk(await catalog.delete(`/api/v1/enterprises/${again.id}`));
    });

    it('looks an enterprise up by its credit code, as the ticket form will', async () => {
      const dispatcher = await login(p, 'dispatcher01');
      const found = expectOk(await dispatcher.get<Ent>(`/api/v1/enterprises/by-code/${code(5).toLowerCase()}`));
      expect(found).toMatchObject({ name: '新疆丝路软件股份有限公司', tags: ['专精特新', '涉企'] });
      expectProblem(await dispatcher.get(`/api/v1/enterprises/by-code/${code(99)}`), 404, 'NOT_FOUND');
      expect(expectProblem(await dispatcher.get('/api/v1/enterprises/by-code/123'), 400, 'VALIDATION_FAILED').detail).toContain('18 位');
    });

    it('read-only users cannot write, export or import', async () => {
      expectProblem(await agent.post('/api/v1/enterprises', { creditCode: code(7), name: '甲' }), 403, 'FORBIDDEN');
      expect((await getFile(p, agent, '/api/v1/enterprises/export')).status).toBe(403);
      expect((await upload(p, agent, await xlsx(HEADER, []))).status).toBe(403);
      expectOk(await agent.get('/api/v1/enterprises'));
    });

    it('offers the dictionary and tenant options to maintainers without dict rights', async () => {
      const opts = expectOk(await wlmq.get<{ industries: { value: string }[]; ownerships: { value: string }[]; tags: string[]; tenants: { name: string; children: unknown[] }[] }>('/api/v1/enterprises/options'));
      expect(opts.industries.map((i) => i.value)).toEqual('ABCDEFGHIJKLMNOPQRST'.split(''));
      expect(opts.ownerships.map((o) => o.value)).toContain('private');
      expect(opts.tags).toContain('涉企');
      expect(opts.tenants.map((t) => t.name)).toEqual(['乌鲁木齐市']);
      expect(JSON.stringify(opts.tenants)).not.toContain('演示');
    });
  });

  describe('maintain and approve', () => {
    let ent: Ent;
    beforeAll(async () => {
      ent = await create(wlmq, { creditCode: code(10), name: '乌鲁木齐西域农产品有限公司', ownership: 'private', industry: 'A' });
    });

    it('a maintainer cannot approve, an approver cannot maintain', async () => {
      expectProblem(await wlmq.post(`/api/v1/enterprises/${ent.id}/approve`, {}), 403, 'FORBIDDEN');
      expectProblem(await reviewer.patch(`/api/v1/enterprises/${ent.id}`, { name: '改名' }), 403, 'FORBIDDEN');
    });

    it('the reviewer approves with an optional opinion', async () => {
      const approved = expectOk(await reviewer.post<Ent>(`/api/v1/enterprises/${ent.id}/approve`, { opinion: '信息核实无误' }));
      expect(approved).toMatchObject({ status: 'approved', reviewOpinion: '信息核实无误', reviewedBy: await (await ids(p)).user('catreview01') });
      expectProblem(await reviewer.post(`/api/v1/enterprises/${ent.id}/approve`, {}), 409, 'CONFLICT');
    });

    it("a maintainer's change goes back to pending; a reject needs an opinion", async () => {
      const edited = expectOk(await wlmq.patch<Ent>(`/api/v1/enterprises/${ent.id}`, { address: '乌鲁木齐市米东区' }));
      expect(edited).toMatchObject({ status: 'pending', reviewOpinion: null, submittedBy: await (await ids(p)).user('catalog_wlmq') });
      expect(expectProblem(await reviewer.post(`/api/v1/enterprises/${ent.id}/reject`, { opinion: '  ' }), 400, 'VALIDATION_FAILED').detail).toContain('审核意见');
      const rejected = expectOk(await reviewer.post<Ent>(`/api/v1/enterprises/${ent.id}/reject`, { opinion: '地址与营业执照不一致' }));
      expect(rejected).toMatchObject({ status: 'rejected', reviewOpinion: '地址与营业执照不一致' });
    });

    it('an unchanged save does not reopen the review', async () => {
      const same = expectOk(await wlmq.patch<Ent>(`/api/v1/enterprises/${ent.id}`, { address: '乌鲁木齐市米东区' }));
      expect(same.status).toBe('rejected');
    });

    it('nobody approves their own change, even holding both rights', async () => {
      const own = await create(both, { tenantId: await tenant('650100'), creditCode: code(11), name: '双权限录入企业' });
      const refused = expectProblem(await both.post(`/api/v1/enterprises/${own.id}/approve`, {}), 403, 'FORBIDDEN');
      expect(refused.detail).toContain('不能审核自己');
      // Someone else's change they may approve, and theirs someone else.
      expect(expectOk(await wlmq.patch<Ent>(`/api/v1/enterprises/${ent.id}`, { contacts: [{ name: '马强', phone: '13999990000' }] })).status).toBe('pending');
      expect(expectOk(await both.post<Ent>(`/api/v1/enterprises/${ent.id}/approve`, {})).status).toBe('approved');
      expect(expectOk(await reviewer.post<Ent>(`/api/v1/enterprises/${own.id}/approve`, {})).status).toBe('approved');
    });
  });

  describe('tenant isolation', () => {
    let kashgar: Ent;
    beforeAll(async () => {
      kashgar = await create(catalog, { tenantId: await tenant('653100'), creditCode: code(20, '653101'), name: '喀什古城文化旅游有限公司', industry: 'R' });
    });

    it('乌鲁木齐 cannot see or change an enterprise of 喀什 (404)', async () => {
      expectProblem(await wlmq.get(`/api/v1/enterprises/${kashgar.id}`), 404, 'NOT_FOUND');
      expectProblem(await wlmq.patch(`/api/v1/enterprises/${kashgar.id}`, { name: '越权修改' }), 404, 'NOT_FOUND');
      expectProblem(await wlmq.delete(`/api/v1/enterprises/${kashgar.id}`), 404, 'NOT_FOUND');
      expectProblem(await wlmq.get(`/api/v1/enterprises/by-code/${kashgar.creditCode}`), 404, 'NOT_FOUND');
      const list = expectOk(await wlmq.get<EntPage>('/api/v1/enterprises?pageSize=200'));
      expect(list.items.map((e) => e.id)).not.toContain(kashgar.id);
      expect(new Set(list.items.map((e) => e.tenantName))).toEqual(new Set(['乌鲁木齐市', '天山区']));
      expectProblem(await wlmq.get(`/api/v1/enterprises?tenantId=${await tenant('653100')}`), 404, 'NOT_FOUND');
      expectProblem(await wlmq.post('/api/v1/enterprises', { tenantId: await tenant('653100'), creditCode: code(21, '653101'), name: '越权新增' }), 404, 'NOT_FOUND');
      const stored = await p.deps.db.selectFrom('enterprise').select('name').where('id', '=', kashgar.id).executeTakeFirstOrThrow();
      expect(stored.name).toBe('喀什古城文化旅游有限公司');
    });

    it('the root sees the whole subtree', async () => {
      const names = expectOk(await reviewer.get<EntPage>('/api/v1/enterprises?pageSize=200')).items.map((e) => e.tenantName);
      expect(new Set(names)).toEqual(new Set(['乌鲁木齐市', '天山区', '喀什地区']));
      expectOk(await reviewer.get(`/api/v1/enterprises/${kashgar.id}`));
    });

    it('enterprises are maintained by region tenants only', async () => {
      const res = await catalog.post('/api/v1/enterprises', { tenantId: await tenant('P-12315'), creditCode: code(22), name: '合作热线企业' });
      expectProblem(res, 400, 'VALIDATION_FAILED');
    });
  });

  describe('Excel import and export', () => {
    it('downloads a template with the import columns and the allowed values', async () => {
      const file = await getFile(p, catalog, '/api/v1/enterprises/import-template');
      expect(file.status).toBe(200);
      expect(file.type).toContain(XLSX_MIME);
      const sheet = await readXlsx(file.body);
      expect(sheet.header).toEqual(HEADER);
      expect(sheet.rows).toEqual([]);
      expect(sheet.sheets).toEqual(['企业库', '填写说明']);
    });

    it('a file with bad rows imports nothing and reports line, column and reason', async () => {
      const before = await liveCount();
      const file = await xlsx(HEADER, [
        [code(30), '合规企业一', '民营', 'C 制造业', '', '', '', '', '', '', ''],
        [`${code(31).slice(0, 17)}${code(31).endsWith('0') ? '1' : '0'}`, '校验位错误企业', '', '', '', '', '', '', '', '', ''],
        [code(32), '未知行业企业', '', '宇宙开发', '', '', '', '', '', '', ''],
        [code(33), '未知所有制企业', '国企', '', '', '', '', '', '', '', ''],
        [code(30), '重复代码企业', '', '', '', '', '', '', '', '', ''],
        [code(34), '', '', '', '', '', '', '', '', '', ''],
        [code(35), '脱敏号码企业', '', '', '', '', '', '赵六', '', '138****0000', ''],
      ]);
      const job = await importFile(p, wlmq, file);
      expect(job.status).toBe('failed');
      expect(job).toMatchObject({ created: 0, updated: 0 });
      const at = (line: number, column: string) => job.errors.find((e) => e.line === line && e.column === column)?.reason ?? '';
      expect(at(3, '统一社会信用代码')).toContain('校验位错误');
      expect(at(4, '所属行业')).toContain('未知的所属行业');
      expect(at(5, '所有制性质')).toContain('未知的所有制性质');
      expect(at(6, '统一社会信用代码')).toBe('与第 2 行的统一社会信用代码重复');
      expect(at(7, '企业名称')).toBe('必填项为空');
      expect(at(8, '联系电话')).toContain('脱敏号码');
      expect(job.errors.some((e) => e.line === 2)).toBe(false);
      expect(await liveCount()).toBe(before);
    });

    it('refuses to update an enterprise of another region', async () => {
      const file = await xlsx(HEADER, [[code(20, '653101'), '越权导入', '', '', '', '', '', '', '', '', '']]);
      const job = await importFile(p, wlmq, file);
      expect(job.status).toBe('failed');
      expect(job.errors).toEqual([{ line: 2, column: '统一社会信用代码', reason: '该企业已由其他地区维护，无权修改' }]);
    });

    it('a good file creates new codes and updates existing ones, all pending', async () => {
      const before = await liveCount();
      const auditBefore = (await auditRows('enterprise.import.create')).length;
      const file = await xlsx(HEADER, [
        [code(40).toLowerCase(), '新疆天润乳业股份有限公司', '国有', 'C', '', '乌鲁木齐市经开区', '刘军', '陈静', '办公室主任', '13812345678', '重点企业、涉企'],
        [code(41), '乌鲁木齐雪莲商贸有限公司', 'private', '批发和零售业', '乌鲁木齐市沙依巴克区', '', '', '', '', '', ''],
        [code(10), '乌鲁木齐西域农产品股份有限公司', '民营', 'A', '', '', '', '', '', '', '涉企'],
      ]);
      const job = await importFile(p, wlmq, file);
      expect(job, JSON.stringify(job.errors)).toMatchObject({ status: 'succeeded', total: 3, processed: 3, created: 2, updated: 1, errors: [] });
      expect(await liveCount()).toBe(before + 2);
      const created = expectOk(await wlmq.get<Ent>(`/api/v1/enterprises/by-code/${code(40)}`));
      expect(created).toMatchObject({
        name: '新疆天润乳业股份有限公司',
        ownership: 'state',
        industry: 'C',
        status: 'pending',
        tenantName: '乌鲁木齐市',
        registeredRegion: '650100',
        tags: ['重点企业', '涉企'],
        contacts: [{ name: '陈静', role: '办公室主任', phoneMasked: '138****5678' }],
      });
      const second = expectOk(await wlmq.get<Ent>(`/api/v1/enterprises/by-code/${code(41)}`));
      expect(second).toMatchObject({ industry: 'F', registeredRegion: '乌鲁木齐市沙依巴克区' });
      // The approved record went back to review, its contact kept.
      const updated = expectOk(await wlmq.get<Ent>(`/api/v1/enterprises/by-code/${code(10)}`));
      expect(updated).toMatchObject({ name: '乌鲁木齐西域农产品股份有限公司', status: 'pending', tags: ['涉企'], contacts: [{ name: '马强', phoneMasked: '139****0000' }] });
      expect((await auditRows('enterprise.import.create')).length).toBe(auditBefore + 2);
      const [importRow] = await auditRows('enterprise.import', job.id);
      expect(importRow?.summary).toMatchObject({ detail: { rows: 3, created: 2, updated: 1 } });
    });

    it('an exported file imports back unchanged, and an edit in it is picked up', async () => {
      const file = await getFile(p, wlmq, '/api/v1/enterprises/export');
      expect(file.status).toBe(200);
      const sheet = await readXlsx(file.body);
      expect(sheet.header).toEqual([...HEADER, '审核状态', '维护地区', '更新时间']);
      const row = sheet.rows.find((r) => r['统一社会信用代码'] === code(40));
      expect(row).toMatchObject({ 企业名称: '新疆天润乳业股份有限公司', 所有制性质: '国有', 所属行业: '制造业', 联系电话: '138****5678', 标签: '重点企业、涉企', 审核状态: '待审核' });
      expect(file.body.includes(Buffer.from('13812345678'))).toBe(false);
      expect(sheet.rows.every((r) => r['维护地区'] !== '喀什地区')).toBe(true);

      const unchanged = await importFile(p, wlmq, file.body);
      expect(unchanged).toMatchObject({ status: 'succeeded', created: 0, updated: 0, total: sheet.rows.length });

      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(file.body as unknown as ArrayBuffer);
      const ws = wb.worksheets[0]!;
      ws.eachRow((r) => {
        if (r.getCell(1).value === code(41)) r.getCell(6).value = '乌鲁木齐市沙依巴克区友好北路 8 号';
      });
      const edited = await importFile(p, wlmq, Buffer.from(await wb.xlsx.writeBuffer()));
      expect(edited).toMatchObject({ status: 'succeeded', created: 0, updated: 1 });
      const after = expectOk(await wlmq.get<Ent>(`/api/v1/enterprises/by-code/${code(40)}`));
      expect(after.contacts[0]?.phoneMasked).toBe('138****5678');
      const stored = await p.deps.db.selectFrom('enterprise').select('contacts').where('credit_code', '=', code(40)).executeTakeFirstOrThrow();
      expect(p.deps.cipher.decrypt(stored.contacts[0]!.phone_enc!)).toBe('13812345678');
    });

    it('rejects a body that is not an Excel file', async () => {
      const res = await p.app.inject({ method: 'POST', url: '/api/v1/enterprises/import', headers: { authorization: `Bearer ${wlmq.token}`, 'content-type': XLSX_MIME }, payload: Buffer.from('not a zip') });
      expect(res.statusCode).toBe(202);
      const job = await finished(wlmq, res.json<Job>());
      expect(job.status).toBe('failed');
      expect(job.errors[0]?.reason).toContain('不是有效的 Excel');
      expectProblem(await wlmq.post('/api/v1/enterprises/import', { rows: [] }), 400, 'VALIDATION_FAILED');
    });
  });

  describe('audit trail', () => {
    it('records every write, never a contact phone in clear', async () => {
      for (const action of ['enterprise.create', 'enterprise.update', 'enterprise.approve', 'enterprise.reject', 'enterprise.delete', 'enterprise.import.create', 'enterprise.import.update', 'enterprise.import']) {
        expect((await auditRows(action)).length, action).toBeGreaterThan(0);
      }
      const rows = await p.deps.db.selectFrom('audit_log').select(['action', 'summary']).where('action', 'like', 'enterprise%').execute();
      const text = JSON.stringify(rows);
      for (const phone of [PHONE, '13812345678', '13999990000', '09915551234', '0991-5551234']) expect(text).not.toContain(phone);
      expect(text).not.toContain('sm4gcm');
      const [created] = await auditRows('enterprise.create');
      expect(created?.summary).toMatchObject({ after: { creditCode: code(1), contacts: [{ name: '李娜', phone: '138****1234' }] } });
      const [approve] = await auditRows('enterprise.approve');
      expect(approve?.summary).toMatchObject({ before: { status: 'pending' }, after: { status: 'approved' } });
      const refused = await p.deps.db.selectFrom('audit_log').select('actor_id').where('action', '=', 'enterprise.approve').where('result', '=', 'failure').execute();
      expect(refused.map((r) => r.actor_id)).toContain(bothId);
    });

    it('the audit chain still verifies', async () => {
      const aud = await login(p, 'auditadmin');
      expect(expectOk(await aud.post<{ ok: boolean }>('/api/v1/audit/verify'))).toMatchObject({ ok: true });
    });
  });
});
