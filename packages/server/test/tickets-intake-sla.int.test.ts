import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestPlatform, expectProblem, ids, login, relaxLoginRateLimit, type Res, type TestPlatform } from './harness.js';
import { hmacSm3Hex } from '../src/platform/crypto/index.js';

/**
 * Deadlines on the real holiday calendar (2026 National Day and its adjusted workdays), the signed
 * and idempotent partner intake, the citizen's H5 submit / progress / evaluation, and the export
 * rule that a handling unit sees only the final handling unit.
 */
let p: TestPlatform;
let I: Awaited<ReturnType<typeof ids>>;

const ok = <T>(r: Res<T>, status = 200): T => {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
};

beforeAll(async () => {
  p = await createTestPlatform();
  await relaxLoginRateLimit(p);
  I = await ids(p);
});
afterAll(() => p?.close());

describe('SLA on the statutory calendar', () => {
  let itemId: string;

  beforeAll(async () => {
    // The clock jumps to September: demo passwords set in January must not expire on the way.
    expect((await (await login(p, 'secadmin')).put('/api/v1/config/security.passwordMaxAgeDays', { value: 3650 })).status).toBe(200);
    const cat = await login(p, 'catalog01');
    const items = ok(await cat.get<{ items: { id: string }[] }>('/api/v1/catalog/items?status=published&pageSize=1'));
    itemId = items.items[0]!.id;
    // 3 working days for this item: the most specific rule wins.
    ok(await cat.post('/api/v1/time-limits', { level: 1, itemId, amount: 3, unit: 'workday' }), 201);
  });

  async function deadlineWhenDispatchedAt(at: string): Promise<string> {
    p.clock.set(at);
    const agent = await login(p, 'agent01');
    const disp = await login(p, 'dispatcher01');
    const t = ok(await agent.post<{ id: string }>('/api/v1/tickets', { channel: 'phone', title: '时限测试', content: '内容', itemId }), 201);
    return ok(await disp.post<{ deadlineAt: string }>(`/api/v1/tickets/${t.id}/dispatch`, { mode: 'single', orgIds: [await I.org('ZJT')] })).deadlineAt;
  }

  it('3 working days from the last day before National Day 2026 end on the adjusted Saturday 10 October', async () => {
    expect(new Date(await deadlineWhenDispatchedAt('2026-09-30T10:00:00+08:00')).toISOString()).toBe(new Date('2026-10-10T19:30:00+08:00').toISOString());
  });

  it('the adjusted Sunday 20 September counts as a working day', async () => {
    // Fri 18 Sep → Sun 20 (调休上班), Mon 21, Tue 22.
    expect(new Date(await deadlineWhenDispatchedAt('2026-09-18T10:00:00+08:00')).toISOString()).toBe(new Date('2026-09-22T19:30:00+08:00').toISOString());
  });

  it('a local holiday added by the admin pushes the deadline by a day', async () => {
    const sup = await login(p, 'supervisor01');
    ok(await sup.put('/api/v1/ticket-config/calendar', { date: '2026-09-21', kind: 'holiday', name: '地方节假日' }));
    expect(new Date(await deadlineWhenDispatchedAt('2026-09-18T10:00:00+08:00')).toISOString()).toBe(new Date('2026-09-23T19:30:00+08:00').toISOString());
    const cal = ok(await sup.get<{ overrides: { date: string }[]; days: { date: string; reason: string }[] }>('/api/v1/ticket-config/calendar?year=2026'));
    expect(cal.overrides.map((o) => o.date)).toContain('2026-09-21');
    expect(cal.days).toContainEqual(expect.objectContaining({ date: '2026-10-10', reason: 'adjusted_workday' }));
    expectProblem(await sup.put('/api/v1/ticket-config/calendar', { date: '2026-02-30', kind: 'holiday' }), 400, 'VALIDATION_FAILED');
    ok(await sup.put('/api/v1/ticket-config/calendar', { date: '2026-09-21', kind: 'default' }));
  });
});

describe('partner intake (诉求登记受理接口)', () => {
  let secret: string;
  const code = 'PARTNER-12315';

  beforeAll(async () => {
    p.clock.set('2026-01-05T09:00:00+08:00');
    const sup = await login(p, 'supervisor01');
    const client = ok(await sup.post<{ secret: string }>('/api/v1/tickets/intake-clients', { code, name: '12315平台', orgId: await I.org('RX') }), 201);
    secret = client.secret;
    expect((await sup.get<{ items: Record<string, unknown>[] }>('/api/v1/tickets/intake-clients')).body.items.every((c) => !('secret' in c) && !('secretEnc' in c))).toBe(true);
  });

  function signed(body: unknown, opts: { nonce?: string; ts?: number; key?: string } = {}) {
    const raw = JSON.stringify(body);
    const ts = String(opts.ts ?? p.clock.now().getTime());
    const nonce = opts.nonce ?? randomUUID();
    const signature = hmacSm3Hex(opts.key ?? secret, `${ts}\n${nonce}\n${raw}`);
    return p.app.inject({ method: 'POST', url: '/api/v1/intake/tickets', headers: { 'content-type': 'application/json', 'x-client': code, 'x-timestamp': ts, 'x-nonce': nonce, 'x-signature': signature }, payload: raw });
  }

  it('creates a ticket awaiting dispatch, and the same external id returns the same ticket', async () => {
    const body = { externalId: 'C2026-0001', title: '商家拒不退款', content: '在某商场购买的商品质量问题，商家拒绝退款。', citizen: { name: '刘六', phone: '13899990101' } };
    const first = await signed(body);
    expect(first.statusCode, first.body).toBe(201);
    const again = await signed(body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: first.json().id, no: first.json().no, duplicate: true });
    const disp = await login(p, 'dispatcher01');
    const d = ok(await disp.get<{ status: string; channel: string }>(`/api/v1/tickets/${first.json().id}`));
    expect(d).toMatchObject({ status: 'pending_dispatch', channel: 'partner' });
    expect(await p.deps.db.selectFrom('ticket').select('id').where('external_id', '=', 'C2026-0001').execute()).toHaveLength(1);
  });

  it('refuses a wrong signature, a replayed nonce, a stale timestamp and missing headers', async () => {
    const body = { externalId: 'C2026-0002', title: '标题', content: '内容' };
    expect((await signed(body, { key: 'ab'.repeat(32) })).json()).toMatchObject({ status: 401, code: 'SIGNATURE_INVALID' });
    const nonce = randomUUID();
    expect((await signed(body, { nonce })).statusCode).toBe(201);
    expect((await signed(body, { nonce })).json()).toMatchObject({ status: 401, code: 'SIGNATURE_REPLAYED' });
    expect((await signed(body, { ts: p.clock.now().getTime() - 10 * 60_000 })).json()).toMatchObject({ status: 401, code: 'SIGNATURE_EXPIRED' });
    const bare = await p.app.inject({ method: 'POST', url: '/api/v1/intake/tickets', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    expect(bare.json()).toMatchObject({ status: 401, code: 'SIGNATURE_REQUIRED' });
  });
});

describe('citizens on the H5 page', () => {
  it('submits, follows progress with number + phone, and evaluates after completion', async () => {
    const anon = new Client(p);
    const sub = ok(await anon.post<{ no: string; status: string }>('/api/v1/public/tickets', { title: '小区路灯不亮', content: '天山区幸福路小区路灯一周未亮。', name: '赵七', phone: '13899990202' }), 201);
    expect(sub.status).toBe('待受理');
    expectProblem(await anon.post('/api/v1/public/tickets/query', { no: sub.no, phone: '13899990203' }), 404, 'NOT_FOUND');
    const q1 = ok(await anon.post<{ status: string; canEvaluate: boolean }>('/api/v1/public/tickets/query', { no: sub.no, phone: '13899990202' }));
    expect(q1).toMatchObject({ status: '待受理', canEvaluate: false });
    const id = (await p.deps.db.selectFrom('ticket').select('id').where('no', '=', sub.no).executeTakeFirstOrThrow()).id;
    const [disp, xj, rev] = await Promise.all([login(p, 'dispatcher01'), login(p, 'handler_xj'), login(p, 'reviewer01')]);
    const task = ok(await disp.post<{ taskIds: string[] }>(`/api/v1/tickets/${id}/dispatch`, { mode: 'single', orgIds: [await I.org('ZJT')] })).taskIds[0]!;
    ok(await xj.post(`/api/v1/ticket-tasks/${task}/sign`));
    const q2 = ok(await anon.post<{ status: string; steps: { step: string; unit: string | null }[] }>('/api/v1/public/tickets/query', { no: sub.no, phone: '13899990202' }));
    expect(q2.status).toBe('处置中');
    expect(q2.steps).toContainEqual(expect.objectContaining({ step: '承办单位已签收', unit: '自治区住房和城乡建设厅' }));
    expect(JSON.stringify(q2)).not.toContain('赵明');
    ok(await xj.post(`/api/v1/ticket-tasks/${task}/report`, { result: '已更换路灯' }));
    ok(await rev.post(`/api/v1/tickets/${id}/review`, { approve: true, opinion: '同意' }));
    const q3 = ok(await anon.post<{ status: string; canEvaluate: boolean; answer: string }>('/api/v1/public/tickets/query', { no: sub.no, phone: '13899990202' }));
    expect(q3).toMatchObject({ status: '已办结', canEvaluate: true, answer: '已更换路灯' });
    const ev = ok(await anon.post<{ result: string; status: string }>('/api/v1/public/tickets/evaluate', { no: sub.no, phone: '13899990202', handlingRating: 2, serviceRating: 4, comment: '还是经常坏' }));
    // Two stars for handling is 不满意: back to the unit.
    expect(ev).toMatchObject({ result: 'dissatisfied', status: 'rework' });
  });
});

describe('export', () => {
  async function rowsOf(buf: Buffer): Promise<string[][]> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const out: string[][] = [];
    ws.eachRow((row) => out.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    return out;
  }

  it('a handling unit sees only the final handling unit; the hotline sees the chain; both exports are audited', async () => {
    const [agent, disp, wlmq, leader, ts] = await Promise.all(['agent01', 'dispatcher01', 'handler_wlmq', 'leader_wlmq', 'handler_ts'].map((u) => login(p, u)));
    const t = ok(await agent!.post<{ id: string; no: string }>('/api/v1/tickets', { channel: 'phone', title: '导出规则测试', content: '内容' }), 201);
    const task = ok(await disp!.post<{ taskIds: string[] }>(`/api/v1/tickets/${t.id}/dispatch`, { mode: 'single', orgIds: [await I.org('WLMQ-ZJJ')] })).taskIds[0]!;
    ok(await wlmq!.post(`/api/v1/ticket-tasks/${task}/sign`));
    const child = ok(await wlmq!.post<{ childIds: string[] }>(`/api/v1/ticket-tasks/${task}/sub-assign`, { mode: 'single', orgIds: [await I.org('TS-ZJJ')] })).childIds[0]!;
    ok(await ts!.post(`/api/v1/ticket-tasks/${child}/sign`));
    const exportAs = async (c: Client) => {
      const r = await p.app.inject({ method: 'POST', url: '/api/v1/tickets/export', headers: { authorization: `Bearer ${c.token ?? ''}`, 'content-type': 'application/json' }, payload: JSON.stringify({ keyword: '导出规则测试', columns: ['no', 'units'] }) });
      expect(r.statusCode, r.body).toBe(200);
      return rowsOf(r.rawPayload);
    };
    const unitRows = await exportAs(leader!);
    expect(unitRows[0]).toEqual(['工单编号', '承办单位']);
    expect(unitRows[1]).toEqual([t.no, '天山区住房和城乡建设局']);
    const hotlineRows = await exportAs(disp!);
    expect(hotlineRows[1]![1]).toContain('乌鲁木齐市住房和城乡建设局');
    expect(hotlineRows[1]![1]).toContain('天山区住房和城乡建设局');
    const audits = await p.deps.db.selectFrom('audit_log').select(['actor_name']).where('action', '=', 'ticket.export').execute();
    expect(audits.map((a) => a.actor_name)).toEqual(expect.arrayContaining([expect.stringContaining('leader_wlmq'), expect.stringContaining('dispatcher01')]));
    // A plain handler has no export permission.
    expectProblem(await wlmq!.post('/api/v1/tickets/export', {}), 403, 'FORBIDDEN');
  });
});
