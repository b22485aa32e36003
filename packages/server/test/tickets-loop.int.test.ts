import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestPlatform, ids, login, type TestPlatform } from './harness.js';

/**
 * Demo ② (2)–(4) through the API: the cross-tenant closed loop, the robot callback that sends a
 * dissatisfied ticket back to the original unit, and the appeal that archives with no callback.
 */
interface Created {
  id: string;
  no: string;
  status: string;
}
interface Detail {
  status: string;
  tasks: { id: string; orgName: string; status: string; tenantId: string }[];
  timeline: { action: string; tenant: string | null; actor: string }[];
  callbacks: { status: string; result: string | null; mode: string }[];
  requests: { id: string; kind: string; status: string }[];
  closeReason: string | null;
}

let p: TestPlatform;
let agent: Client;
let dispatcher: Client;
let reviewer: Client;
let partner: Client;
let handler: Client;
let org: (code: string) => Promise<string>;

beforeAll(async () => {
  p = await createTestPlatform();
  [agent, dispatcher, reviewer, partner, handler] = (await Promise.all(['agent01', 'dispatcher01', 'reviewer01', 'partner12315', 'handler_xj'].map((u) => login(p, u)))) as [Client, Client, Client, Client, Client];
  org = (await ids(p)).org;
});
afterAll(() => p?.close());

async function register(title = '小区停水三天无人处理'): Promise<Created> {
  const r = await agent.post<Created>('/api/v1/tickets', {
    channel: 'phone',
    kind: 'complaint',
    title,
    content: '乌鲁木齐市天山区幸福路小区从周一开始停水，物业不回应，请尽快处理。',
    urgency: 'normal',
    citizen: { name: '张三', phone: '13899990001' },
  });
  expect(r.status).toBe(201);
  return r.body;
}

const detail = async (c: Client, id: string) => (await c.get<Detail>(`/api/v1/tickets/${id}`)).body;

async function dispatchTo(id: string, orgCode: string) {
  const r = await dispatcher.post<{ taskIds: string[] }>(`/api/v1/tickets/${id}/dispatch`, { mode: 'single', orgIds: [await org(orgCode)], opinion: '请核实处理' });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.taskIds[0]!;
}

async function handleAndReport(c: Client, taskId: string, result = '已联系供水公司抢修，今日恢复供水') {
  expect((await c.post(`/api/v1/ticket-tasks/${taskId}/sign`)).status).toBe(200);
  const r = await c.post(`/api/v1/ticket-tasks/${taskId}/report`, { result, basis: '《城市供水条例》' });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

describe('demo ② (2): cross-tenant closed loop', () => {
  it('registers in A, transfers to a unit of partner tenant B, B handles, A reviews, calls back and archives', async () => {
    const t = await register();
    expect(t.status).toBe('registered');
    expect(t.no).toMatch(/^XJ\d{14}$/);
    const taskId = await dispatchTo(t.id, 'P12315-LL');
    // B sees the ticket through its task, not A's other tickets.
    expect((await partner.get<{ items: { id: string }[] }>('/api/v1/ticket-tasks?box=sign')).body.items.map((i) => i.id)).toContain(taskId);
    await handleAndReport(partner, taskId);
    expect((await detail(reviewer, t.id)).status).toBe('result_review');
    const review = await reviewer.post(`/api/v1/tickets/${t.id}/review`, { approve: true, opinion: '办理到位' });
    expect(review.status, JSON.stringify(review.body)).toBe(200);
    expect((await detail(reviewer, t.id)).status).toBe('callback');
    const cb = await reviewer.post(`/api/v1/tickets/${t.id}/callback`, { result: 'satisfied', handlingRating: 5, serviceRating: 5, channel: 'phone' });
    expect(cb.status, JSON.stringify(cb.body)).toBe(200);
    const d = await detail(reviewer, t.id);
    expect(d.status).toBe('archived');
    expect(d.closeReason).toBe('satisfied');
    const tenants = new Set(d.timeline.map((e) => e.tenant).filter(Boolean));
    expect(tenants.has('新疆维吾尔自治区')).toBe(true);
    expect(tenants.has('12315市场监管投诉举报热线')).toBe(true);
    expect(d.timeline.map((e) => e.action)).toEqual(expect.arrayContaining(['register', 'dispatch', 'sign', 'report', 'all_reported', 'review_approve', 'callback_start', 'callback_result', 'callback_satisfied']));
  });
});

describe('demo ② (3): robot callback, dissatisfied → back to the original unit', () => {
  it('returns the ticket to the unit with the callback record and it shows in its to-do list', async () => {
    const config = await login(p, 'supervisor01');
    expect((await config.put('/api/v1/ticket-config/policy', { callbackMode: 'robot' })).status).toBe(200);
    const t = await register('路灯不亮');
    const taskId = await dispatchTo(t.id, 'ZJT');
    await handleAndReport(handler, taskId);
    await reviewer.post(`/api/v1/tickets/${t.id}/review`, { approve: true, opinion: '同意' });
    const d1 = await detail(reviewer, t.id);
    expect(d1.callbacks[0]).toMatchObject({ mode: 'robot', status: 'pending' });
    const turn1 = await reviewer.post<{ say: string; done: boolean }>(`/api/v1/tickets/${t.id}/callback/robot`, { utterance: '不满意，根本没解决' });
    expect(turn1.body.done).toBe(false);
    const turn2 = await reviewer.post<{ done: boolean }>(`/api/v1/tickets/${t.id}/callback/robot`, { utterance: '2' });
    expect(turn2.body.done).toBe(false);
    const turn3 = await reviewer.post<{ done: boolean; status: string }>(`/api/v1/tickets/${t.id}/callback/robot`, { utterance: '路灯还是不亮' });
    expect(turn3.body).toMatchObject({ done: true, status: 'rework' });
    const back = await handler.get<{ items: { id: string; ticketStatus: string }[] }>('/api/v1/ticket-tasks?box=returned_to_me');
    expect(back.body.items.map((i) => i.id)).toContain(taskId);
    const d2 = await detail(handler, t.id);
    expect(d2.callbacks[0]).toMatchObject({ status: 'done', result: 'dissatisfied' });
    expect((await config.put('/api/v1/ticket-config/policy', { callbackMode: 'manual' })).status).toBe(200);

    // demo ② (4): appeal with evidence → the hotline approves → archived, no new callback.
    const upload = await p.app.inject({ method: 'POST', url: '/api/v1/tickets/attachments?name=evidence.pdf&mime=application/pdf', headers: { authorization: `Bearer ${handler.token}`, 'content-type': 'application/octet-stream' }, payload: Buffer.from('%PDF-1.4 evidence') });
    expect(upload.statusCode, upload.body).toBe(201);
    const appeal = await handler.post<{ id: string }>(`/api/v1/ticket-tasks/${taskId}/appeal`, { reason: '路灯属供电公司资产，已多次协调，无进一步处理空间', attachmentIds: [upload.json().id] });
    expect(appeal.status, JSON.stringify(appeal.body)).toBe(201);
    expect((await detail(reviewer, t.id)).status).toBe('appeal_review');
    const ok = await reviewer.post(`/api/v1/ticket-requests/${appeal.body.id}/decide`, { approve: true, opinion: '情况属实，同意' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const d3 = await detail(reviewer, t.id);
    expect(d3.status).toBe('archived');
    expect(d3.closeReason).toBe('appeal_approved');
    expect(d3.callbacks).toHaveLength(1);
  });
});
