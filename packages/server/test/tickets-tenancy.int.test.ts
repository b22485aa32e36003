import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestPlatform, ids, login, provisionUser, relaxLoginRateLimit, TICKET_API, type Res, type TestPlatform } from './harness.js';

/**
 * The work-order attack matrix. 喀什 (B, 653100) runs its own hotline: an agent registers a ticket,
 * B's dispatcher sends it to B's 人社局, whose handler signs and asks for an extension; B's supervisor
 * supervises it and keeps a rule. Every role of 乌鲁木齐 (A, 650100) — agent, dispatcher, reviewer,
 * supervisor, unit handler and leader — attacks those records through every work-order route that
 * takes an id. Each answer must be exactly what a non-existent id gets, and B's rows stay as they were.
 * A ticket crosses tenants only when dispatched there (see tickets-loop.int.test.ts for the partner case).
 */
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Req {
  method: Method;
  url: string;
  body?: unknown;
}
interface Target {
  tenant: string;
  ticket: string;
  task: string;
  request: string;
  intake: string;
  draft: string;
  supervision: string;
  rule: string;
  attachment: string;
  org: string;
  user: string;
}
interface Spec {
  paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>>;
}

const get = (url: string): Req => ({ method: 'GET', url });
const post = (url: string, body: unknown = {}): Req => ({ method: 'POST', url, body });

/** One attack per route; `t` is B's records (or ghosts that do not exist). */
const CASES: Record<string, (t: Target) => Req> = {
  'GET /api/v1/tickets/{id}': (t) => get(`/api/v1/tickets/${t.ticket}`),
  'PATCH /api/v1/tickets/{id}': (t) => ({ method: 'PATCH', url: `/api/v1/tickets/${t.draft}`, body: { title: '篡改' } }),
  'POST /api/v1/tickets/{id}/copy': (t) => post(`/api/v1/tickets/${t.ticket}/copy`),
  'POST /api/v1/tickets/{id}/escalate': (t) => post(`/api/v1/tickets/${t.intake}/escalate`),
  'POST /api/v1/tickets/{id}/send-to-review': (t) => post(`/api/v1/tickets/${t.intake}/send-to-review`),
  'POST /api/v1/tickets/{id}/return-for-supplement': (t) => post(`/api/v1/tickets/${t.intake}/return-for-supplement`, { opinion: '补充' }),
  'POST /api/v1/tickets/{id}/approve-intake': (t) => post(`/api/v1/tickets/${t.intake}/approve-intake`),
  'POST /api/v1/tickets/{id}/answer': (t) => post(`/api/v1/tickets/${t.intake}/answer`, { answer: '答复' }),
  'POST /api/v1/tickets/{id}/append': (t) => post(`/api/v1/tickets/${t.ticket}/append`, { content: '追加' }),
  'POST /api/v1/tickets/{id}/urge': (t) => post(`/api/v1/tickets/${t.ticket}/urge`, { content: '催办' }),
  'POST /api/v1/tickets/{id}/withdraw': (t) => post(`/api/v1/tickets/${t.ticket}/withdraw`, { reason: '撤单' }),
  'POST /api/v1/tickets/{id}/dispatch': (t) => post(`/api/v1/tickets/${t.intake}/dispatch`, { mode: 'single', orgIds: [t.org] }),
  'POST /api/v1/tickets/{id}/review': (t) => post(`/api/v1/tickets/${t.ticket}/review`, { approve: true, opinion: '同意' }),
  'POST /api/v1/tickets/{id}/callback': (t) => post(`/api/v1/tickets/${t.ticket}/callback`, { result: 'satisfied', channel: 'phone' }),
  'POST /api/v1/tickets/{id}/callback/robot': (t) => post(`/api/v1/tickets/${t.ticket}/callback/robot`, { utterance: '满意' }),
  'POST /api/v1/tickets/{id}/redo': (t) => post(`/api/v1/tickets/${t.ticket}/redo`, { reason: '重办' }),
  'POST /api/v1/tickets/{id}/supervise': (t) => post(`/api/v1/tickets/${t.ticket}/supervise`, { level: 'city', requirement: '反馈', reason: '督办' }),
  'GET /api/v1/tickets/{id}/timeline.xlsx': (t) => get(`/api/v1/tickets/${t.ticket}/timeline.xlsx`),
  'POST /api/v1/ticket-requests/{id}/decide': (t) => post(`/api/v1/ticket-requests/${t.request}/decide`, { approve: true, opinion: '同意' }),
  'POST /api/v1/supervisions/{id}/reply': (t) => post(`/api/v1/supervisions/${t.supervision}/reply`, { reply: '反馈' }),
  'POST /api/v1/supervisions/{id}/close': (t) => post(`/api/v1/supervisions/${t.supervision}/close`, { opinion: '结案' }),
  'POST /api/v1/ticket-tasks/{id}/sign': (t) => post(`/api/v1/ticket-tasks/${t.task}/sign`),
  'POST /api/v1/ticket-tasks/{id}/sub-assign': (t) => post(`/api/v1/ticket-tasks/${t.task}/sub-assign`, { mode: 'single', orgIds: [t.org] }),
  'POST /api/v1/ticket-tasks/{id}/report': (t) => post(`/api/v1/ticket-tasks/${t.task}/report`, { result: '已办' }),
  'POST /api/v1/ticket-tasks/{id}/return': (t) => post(`/api/v1/ticket-tasks/${t.task}/return`, { reasonCode: 'not-our-duty', reason: '退回' }),
  'POST /api/v1/ticket-tasks/{id}/extension': (t) => post(`/api/v1/ticket-tasks/${t.task}/extension`, { reason: '延期', amount: 1, unit: 'workday' }),
  'POST /api/v1/ticket-tasks/{id}/suspension': (t) => post(`/api/v1/ticket-tasks/${t.task}/suspension`, { reasonCode: 'survey', reason: '挂起', attachmentIds: [t.attachment] }),
  'POST /api/v1/ticket-tasks/{id}/resume': (t) => post(`/api/v1/ticket-tasks/${t.task}/resume`, { reason: '恢复' }),
  'POST /api/v1/ticket-tasks/{id}/difficult': (t) => post(`/api/v1/ticket-tasks/${t.task}/difficult`, { reason: '疑难' }),
  'POST /api/v1/ticket-tasks/{id}/appeal': (t) => post(`/api/v1/ticket-tasks/${t.task}/appeal`, { reason: '申诉', attachmentIds: [t.attachment] }),
  'GET /api/v1/tickets/attachments/{id}': (t) => get(`/api/v1/tickets/attachments/${t.attachment}`),
  'GET /api/v1/tickets/targets/units': (t) => get(`/api/v1/tickets/targets/units?tenantId=${t.tenant}`),
  'PUT /api/v1/sla-rules/{id}': (t) => ({ method: 'PUT', url: `/api/v1/sla-rules/${t.rule}`, body: { name: '篡改', kind: 'warning', trigger: 'near_due', threshold: 1 } }),
  'POST /api/v1/sla-rules/{id}/dry-run': (t) => post(`/api/v1/sla-rules/${t.rule}/dry-run`),
  'POST /api/v1/sla-rules/{id}/activate': (t) => post(`/api/v1/sla-rules/${t.rule}/activate`),
  'POST /api/v1/sla-rules/{id}/deactivate': (t) => post(`/api/v1/sla-rules/${t.rule}/deactivate`),
  'DELETE /api/v1/sla-rules/{id}': (t) => ({ method: 'DELETE', url: `/api/v1/sla-rules/${t.rule}` }),
  // Ids inside bodies of otherwise valid requests on the attacker's own records (filled in below).
  'POST /api/v1/tickets/intake-clients': (t) => post('/api/v1/tickets/intake-clients', { code: `ATK${Math.random().toString(36).slice(2, 8)}`, name: '攻击', orgId: t.org }),
  'POST /api/v1/tickets': (t) => post('/api/v1/tickets', { channel: 'phone', title: '攻击', content: '附件', attachmentIds: [t.attachment] }),
  'GET /api/v1/tickets': () => get('/api/v1/tickets?pageSize=200'),
  'POST /api/v1/tickets/export': () => post('/api/v1/tickets/export', {}),
  'POST /api/v1/sla-rules': (t) => post('/api/v1/sla-rules', { name: '攻击规则', kind: 'supervision', trigger: 'returns', threshold: 3, ownerId: t.user }),
  'PUT /api/v1/ticket-config/policy': () => ({ method: 'PUT', url: '/api/v1/ticket-config/policy', body: { callbackHours: 48 } }),
};

/** Routes whose ids are the caller's own or none; their cross-tenant check is a listing or a body id. */
const BODY_OR_LIST = new Set(['POST /api/v1/tickets/intake-clients', 'POST /api/v1/tickets', 'GET /api/v1/tickets', 'POST /api/v1/tickets/export', 'POST /api/v1/sla-rules', 'PUT /api/v1/ticket-config/policy']);

const TABLES = ['ticket', 'ticket_task', 'ticket_request', 'ticket_event', 'ticket_callback', 'ticket_supervision', 'sla_rule', 'ticket_attachment', 'ticket_policy'] as const;

let p: TestPlatform;
let B: string;
let bTarget: Target;
let ghost: Target;
let attackers: { name: string; c: Client }[];

async function digestOf(tenantId: string): Promise<string> {
  const h = createHash('sha256');
  const db = p.deps.db;
  const ticketIds = (await db.selectFrom('ticket').select('id').where('tenant_id', '=', tenantId).orderBy('id').execute()).map((r) => r.id);
  const inTickets = ticketIds.length ? ticketIds : ['00000000-0000-0000-0000-000000000000'];
  for (const table of TABLES) {
    const rows =
      table === 'sla_rule' || table === 'ticket_policy' || table === 'ticket_attachment'
        ? await db.selectFrom(table).selectAll().where('tenant_id', '=', tenantId).execute()
        : table === 'ticket'
          ? await db.selectFrom('ticket').selectAll().where('id', 'in', inTickets).orderBy('id').execute()
          : await db.selectFrom(table).selectAll().where('ticket_id', 'in', inTickets).execute();
    const stable = rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.length : v))).sort();
    h.update(`${table}:${stable.join('\n')}`);
  }
  return h.digest('hex');
}

beforeAll(async () => {
  p = await createTestPlatform();
  await relaxLoginRateLimit(p);
  const I = await ids(p);
  const A = await I.tenant('650100');
  B = await I.tenant('653100');
  const provision = async (tenantId: string, orgCode: string, username: string, roleCode: string) => provisionUser(p, { tenantId, orgId: await I.org(orgCode), username, roleCode });
  const [ksAgent, ksDisp, ksSup] = [await provision(B, 'KS-12345', 'ks_agent', 'hotline_agent'), await provision(B, 'KS-12345', 'ks_disp', 'dispatcher'), await provision(B, 'KS-12345', 'ks_sup', 'supervisor')];
  const kash = await login(p, 'handler_kash');
  const made = async <T>(r: Promise<Res<T>>, status: number): Promise<T> => {
    const res = await r;
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res.body;
  };
  const register = async (title: string, draft = false) => (await made(ksAgent.post<{ id: string }>('/api/v1/tickets', { channel: 'phone', title: `喀什${title}`, content: '喀什目标工单', citizen: { name: '阿依', phone: '13999990001' }, draft }), 201)).id;
  const ticket = await register('主工单');
  const org = await I.org('KS-RSJ');
  const task = (await made(ksDisp.post<{ taskIds: string[] }>(`/api/v1/tickets/${ticket}/dispatch`, { mode: 'single', orgIds: [org] }), 200)).taskIds[0]!;
  await made(kash.post(`/api/v1/ticket-tasks/${task}/sign`), 200);
  const request = (await made(kash.post<{ id: string }>(`/api/v1/ticket-tasks/${task}/extension`, { reason: '协调', amount: 1, unit: 'workday' }), 201)).id;
  const upload = await p.app.inject({ method: 'POST', url: '/api/v1/tickets/attachments?name=b.pdf&mime=application/pdf', headers: { authorization: `Bearer ${kash.token ?? ''}`, 'content-type': 'application/octet-stream' }, payload: Buffer.from('%PDF-1.4 B') });
  expect(upload.statusCode).toBe(201);
  const supervision = (await made(ksSup.post<{ id: string }>(`/api/v1/tickets/${ticket}/supervise`, { level: 'city', requirement: '24小时内反馈', reason: '督办' }), 201)).id;
  const rule = (await made(ksSup.post<{ id: string }>('/api/v1/sla-rules', { name: '喀什规则', kind: 'supervision', trigger: 'returns', threshold: 3 }), 201)).id;
  bTarget = { tenant: B, ticket, task, request, intake: await register('受理中'), draft: await register('草稿', true), supervision, rule, attachment: (upload.json() as { id: string }).id, org, user: await I.user('handler_kash') };
  ghost = { tenant: randomUUID(), ticket: randomUUID(), task: randomUUID(), request: randomUUID(), intake: randomUUID(), draft: randomUUID(), supervision: randomUUID(), rule: randomUUID(), attachment: randomUUID(), org: randomUUID(), user: randomUUID() };
  attackers = [
    { name: 'wl_agent', c: await provision(A, 'WLMQ-SL', 'wl_agent', 'hotline_agent') },
    { name: 'wl_disp', c: await provision(A, 'WLMQ-12345', 'wl_disp', 'dispatcher') },
    { name: 'wl_rev', c: await provision(A, 'WLMQ-12345', 'wl_rev', 'reviewer') },
    { name: 'wl_sup', c: await provision(A, 'WLMQ-12345', 'wl_sup', 'supervisor') },
    { name: 'handler_wlmq', c: await login(p, 'handler_wlmq') },
    { name: 'leader_wlmq', c: await login(p, 'leader_wlmq') },
  ];
}, 300_000);
afterAll(() => p?.close());

async function send(c: Client, r: Req): Promise<Res<unknown>> {
  return c.req(r.method, r.url, r.body);
}

describe('work orders: tenant isolation', () => {
  it('has an attack case for every work-order route that takes an id', async () => {
    const spec = (await p.app.inject({ url: '/api/openapi.json' })).json() as Spec;
    const routes: string[] = [];
    for (const [path, ops] of Object.entries(spec.paths)) {
      if (!TICKET_API.test(path) || path.startsWith('/api/v1/public') || path.startsWith('/api/v1/intake')) continue;
      for (const [method, op] of Object.entries(ops)) {
        const bodyIds = Object.keys(op.requestBody?.content['application/json']?.schema.properties ?? {}).some((k) => /Id$|Ids$/.test(k));
        const queryIds = (op.parameters ?? []).some((q) => q.in === 'query' && /^(tenantId|orgId)$/.test(q.name));
        if (/\{[^}]+\}/.test(path) || bodyIds || queryIds) routes.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(routes.filter((r) => !(r in CASES))).toEqual([]);
  });

  it('answers every attack on B exactly like a non-existent id, and B is unchanged', async () => {
    const before = await digestOf(B);
    const failures: string[] = [];
    for (const [route, kase] of Object.entries(CASES)) {
      if (BODY_OR_LIST.has(route)) continue;
      for (const me of attackers) {
        const real = await send(me.c, kase(bTarget));
        const fake = await send(me.c, kase(ghost));
        const same = real.status === fake.status && JSON.stringify((real.body as { code?: string }).code) === JSON.stringify((fake.body as { code?: string }).code);
        if (!same || real.status < 400) failures.push(`${route} as ${me.name}: B → ${real.status} ${JSON.stringify(real.body).slice(0, 120)}; ghost → ${fake.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await digestOf(B)).toBe(before);
  });

  it('refuses B ids inside bodies like non-existent ones', async () => {
    const failures: string[] = [];
    for (const route of ['POST /api/v1/tickets/intake-clients', 'POST /api/v1/tickets', 'POST /api/v1/sla-rules']) {
      for (const me of attackers) {
        const real = await send(me.c, CASES[route]!(bTarget));
        const fake = await send(me.c, CASES[route]!(ghost));
        if (real.status < 400 || real.status !== fake.status) failures.push(`${route} as ${me.name}: B → ${real.status}; ghost → ${fake.status}`);
      }
    }
    // Dispatching A's own ticket to B's unit reads like an unknown unit.
    const wl = attackers.find((a) => a.name === 'wl_disp')!.c;
    const mine = await wl.post<{ id: string }>('/api/v1/tickets', { channel: 'phone', title: '乌鲁木齐工单', content: '内容' });
    expect(mine.status).toBe(201);
    const toB = await wl.post(`/api/v1/tickets/${mine.body.id}/dispatch`, { mode: 'single', orgIds: [bTarget.org] });
    const toGhost = await wl.post(`/api/v1/tickets/${mine.body.id}/dispatch`, { mode: 'single', orgIds: [ghost.org] });
    expect([toB.status, (toB.body as { detail: string }).detail]).toEqual([toGhost.status, (toGhost.body as { detail: string }).detail]);
    expect(failures).toEqual([]);
  });

  it('lists and exports show A nothing of B', async () => {
    for (const me of attackers) {
      const list = await me.c.get<{ items: { id: string; tenantId: string }[] }>('/api/v1/tickets?pageSize=200');
      if (list.status === 200) expect(list.body.items.filter((i) => i.tenantId === B).map((i) => i.id), me.name).toEqual([]);
      const tasks = await me.c.get<{ items: { tenantId: string }[] }>('/api/v1/ticket-tasks?pageSize=200');
      if (tasks.status === 200) expect(tasks.body.items.filter((i) => i.tenantId === B), me.name).toEqual([]);
      const sup = await me.c.get<{ items: { ticketId: string }[] }>('/api/v1/supervisions?pageSize=200');
      if (sup.status === 200) expect(sup.body.items.map((i) => i.ticketId), me.name).not.toContain(bTarget.ticket);
      const rules = await me.c.get<{ items: { tenantId: string }[] }>('/api/v1/sla-rules');
      if (rules.status === 200) expect(rules.body.items.filter((i) => i.tenantId === B), me.name).toEqual([]);
    }
  });

  it('the region above sees B (its subtree), and a partner sees nothing', async () => {
    const root = await login(p, 'dispatcher01');
    expect((await root.get(`/api/v1/tickets/${bTarget.ticket}`)).status).toBe(200);
    const partner = await login(p, 'partner12315');
    expect((await partner.get(`/api/v1/tickets/${bTarget.ticket}`)).status).toBe(404);
  });

  it('pickers: the hotline lists units of partners and lower levels, a unit only of its own subtree', async () => {
    const I = await ids(p);
    const root = await login(p, 'dispatcher01');
    const partnerUnits = await root.get<{ items: { name: string }[] }>(`/api/v1/tickets/targets/units?tenantId=${await I.tenant('P-12315')}`);
    expect(partnerUnits.body.items.map((u) => u.name)).toContain('12345联络组');
    const wlmq = await login(p, 'handler_wlmq');
    expect((await wlmq.get(`/api/v1/tickets/targets/units?tenantId=${await I.tenant('650102')}`)).status).toBe(200);
    expect((await wlmq.get(`/api/v1/tickets/targets/units?tenantId=${await I.tenant('P-12315')}`)).status).toBe(404);
    const regions = await wlmq.get<{ items: { code: string; children: { code: string }[] }[] }>('/api/v1/tickets/targets');
    expect(regions.body.items[0]!.children.map((c) => c.code)).toEqual(expect.arrayContaining(['650100', '653100', 'P-12315']));
  });
});
