import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestPlatform, expectProblem, ids, login, provisionUser, relaxLoginRateLimit, type Res, type TestPlatform } from './harness.js';
import { runTicketTimers } from '../src/modules/tickets/tickets.module.js';
import { TICKET_TRANSITIONS } from '../src/modules/tickets/ticket.machine.js';

/**
 * The lifecycle transition by transition, with who may do what and what is refused: intake loop,
 * dispatch modes (主协办, 多部门), sign, return and its review, sub-assignment down three levels with
 * feedback reuse, extension, suspension (preset reasons, evidence, clock pause, promise-based
 * auto-resume), difficult-case pool, result review, callbacks, redo, withdraw, urge, supervision
 * rules with dry run, and two people racing for one task.
 */
interface Ticket {
  id: string;
  no: string;
  status: string;
  deadlineAt: string | null;
  overdue: boolean;
  returnCount: number;
  complaintCount: number;
  closeReason: string | null;
  tasks: { id: string; orgName: string; status: string; role: string; parentId: string | null; deadlineAt: string | null; result: { result: string } | null; signedBy: string | null }[];
  timeline: { action: string; opinion: string | null }[];
  requests: { id: string; kind: string; status: string }[];
  callbacks: { id: string; mode: string; status: string; result: string | null }[];
  supervisions: { id: string; status: string; kind: string; reason: string }[];
  links: { no: string; relation: string }[];
}

let p: TestPlatform;
let c: Record<'agent' | 'disp' | 'rev' | 'sup' | 'xj' | 'wlmq' | 'leader' | 'ts' | 'kash' | 'partner', Client>;
let org: (code: string) => Promise<string>;

async function relogin() {
  const names = { agent: 'agent01', disp: 'dispatcher01', rev: 'reviewer01', sup: 'supervisor01', xj: 'handler_xj', wlmq: 'handler_wlmq', leader: 'leader_wlmq', ts: 'handler_ts', kash: 'handler_kash', partner: 'partner12315' } as const;
  c = Object.fromEntries(await Promise.all(Object.entries(names).map(async ([k, u]) => [k, await login(p, u)] as const))) as typeof c;
}

beforeAll(async () => {
  p = await createTestPlatform();
  await relaxLoginRateLimit(p);
  await relogin();
  org = (await ids(p)).org;
});
afterAll(() => p?.close());

const ok = <T>(r: Res<T>, status = 200): T => {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
};
const detail = async (id: string, who: Client = c.rev) => ok(await who.get<Ticket>(`/api/v1/tickets/${id}`));
async function register(title: string, extra: Record<string, unknown> = {}) {
  return ok(await c.agent.post<{ id: string; no: string; status: string }>('/api/v1/tickets', { channel: 'phone', title, content: `${title}的详细情况`, citizen: { name: '张三', phone: '13899990001' }, ...extra }), 201);
}
async function dispatched(title: string, orgCodes: string[], mode: 'single' | 'lead_assist' | 'parallel' = 'single', extra: Record<string, unknown> = {}) {
  const t = await register(title, extra);
  const r = ok(await c.disp.post<{ taskIds: string[] }>(`/api/v1/tickets/${t.id}/dispatch`, { mode, orgIds: await Promise.all(orgCodes.map(org)), opinion: '请依职责办理' }));
  return { ...t, taskIds: r.taskIds };
}
const sign = async (who: Client, taskId: string) => ok(await who.post(`/api/v1/ticket-tasks/${taskId}/sign`));
const report = async (who: Client, taskId: string, result = '已办理完毕') => ok(await who.post(`/api/v1/ticket-tasks/${taskId}/report`, { result, basis: '相关规定' }));
async function upload(who: Client) {
  const r = await p.app.inject({ method: 'POST', url: '/api/v1/tickets/attachments?name=proof.png&mime=image/png', headers: { authorization: `Bearer ${who.token ?? ''}`, 'content-type': 'application/octet-stream' }, payload: Buffer.from('89504e47', 'hex') });
  expect(r.statusCode, r.body).toBe(201);
  return (r.json() as { id: string }).id;
}

describe('the transition table', () => {
  it('names every action with its source states, and refuses actions from other states with 409 in Chinese', async () => {
    expect(Object.keys(TICKET_TRANSITIONS).length).toBeGreaterThanOrEqual(30);
    const t = await register('状态机拒绝测试');
    expectProblem(await c.disp.post(`/api/v1/tickets/${t.id}/approve-intake`, {}), 409, 'INVALID_STATE');
    expectProblem(await c.rev.post(`/api/v1/tickets/${t.id}/review`, { approve: true, opinion: '同意' }), 409, 'INVALID_STATE');
    expectProblem(await c.rev.post(`/api/v1/tickets/${t.id}/callback`, { result: 'satisfied', channel: 'phone' }), 409, 'INVALID_STATE');
  });
});

describe('intake', () => {
  it('refuses to register without title or content, naming the fields', async () => {
    const r = await c.agent.post('/api/v1/tickets', { channel: 'phone', title: '', content: '' });
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(JSON.stringify(r.body)).toContain('诉求标题');
  });

  it('keeps a draft, completes it, and runs the review loop: 值班长 → 审核 → 退回补充 → 审核通过', async () => {
    const draft = ok(await c.agent.post<{ id: string; status: string }>('/api/v1/tickets', { channel: 'phone', title: '草稿', draft: true }), 201);
    expect(draft.status).toBe('draft');
    expect((await c.agent.patch<{ status: string }>(`/api/v1/tickets/${draft.id}`, { content: '补全内容' })).body.status).toBe('draft');
    expect(ok(await c.agent.patch<{ status: string }>(`/api/v1/tickets/${draft.id}`, { register: true })).status).toBe('registered');
    expect(ok(await c.agent.post<{ status: string }>(`/api/v1/tickets/${draft.id}/escalate`, {})).status).toBe('shift_lead');
    expect(ok(await c.agent.post<{ status: string }>(`/api/v1/tickets/${draft.id}/send-to-review`, {})).status).toBe('intake_review');
    expectProblem(await c.disp.post(`/api/v1/tickets/${draft.id}/return-for-supplement`, { opinion: ' ' }), 400, 'VALIDATION_FAILED');
    expect(ok(await c.disp.post<{ status: string }>(`/api/v1/tickets/${draft.id}/return-for-supplement`, { opinion: '请补充地址' })).status).toBe('supplement');
    expect(ok(await c.agent.post<{ status: string }>(`/api/v1/tickets/${draft.id}/send-to-review`, {})).status).toBe('intake_review');
    expect(ok(await c.disp.post<{ status: string }>(`/api/v1/tickets/${draft.id}/approve-intake`, {})).status).toBe('pending_dispatch');
    // Agents may not approve intake; a unit may not dispatch.
    expectProblem(await c.agent.post(`/api/v1/tickets/${draft.id}/approve-intake`, {}), 403, 'FORBIDDEN');
    expectProblem(await c.xj.post(`/api/v1/tickets/${draft.id}/dispatch`, { mode: 'single', orgIds: [await org('ZJT')] }), 403, 'FORBIDDEN');
  });

  it('copies one call into several tickets sharing type, title and location (一诉求一工单)', async () => {
    const t = await register('一个电话三个诉求', { regionCode: '650102', regionName: '天山区', address: '幸福路1号' });
    const a = ok(await c.agent.post<{ id: string }>(`/api/v1/tickets/${t.id}/copy`), 201);
    const b = ok(await c.agent.post<{ id: string }>(`/api/v1/tickets/${t.id}/copy`), 201);
    for (const id of [a.id, b.id]) {
      const d = await detail(id, c.agent);
      expect(d).toMatchObject({ status: 'draft', title: '一个电话三个诉求', regionName: '天山区', address: '幸福路1号' });
      expect(d.links.map((l) => l.relation)).toContain('复制来源');
    }
  });

  it('answers directly from knowledge without dispatch, then goes to callback', async () => {
    const t = await register('公积金提取条件咨询');
    const r = ok(await c.agent.post<{ status: string }>(`/api/v1/tickets/${t.id}/answer`, { answer: '依据住房公积金管理条例，满足以下条件可提取……' }));
    expect(r.status).toBe('callback');
    expect((await detail(t.id)).tasks).toEqual([]);
  });

  it('shows the caller history by phone number, and masks the phone for roles without citizen:pii', async () => {
    await register('历史来电一');
    const h = ok(await c.agent.get<{ citizen: { name: string }; tickets: { title: string }[] }>('/api/v1/citizens/history?phone=13899990001'));
    expect(h.citizen.name).toBe('张三');
    expect(h.tickets.map((x) => x.title)).toContain('历史来电一');
    const t = await dispatched('脱敏检查', ['ZJT']);
    expect((await detail(t.id, c.agent)) as unknown as { citizenPhone: string }).toMatchObject({ citizenPhone: '13899990001' });
    expect((await detail(t.id, c.xj)) as unknown as { citizenPhone: string }).toMatchObject({ citizenPhone: '138****0001' });
  });
});

describe('dispatch modes', () => {
  it('主协办: when the lead reports, the assisting tasks complete and the ticket reaches review', async () => {
    const t = await dispatched('主协办测试', ['ZJT', 'RST', 'SCJGJ'], 'lead_assist');
    const d0 = await detail(t.id);
    expect(d0.tasks.map((k) => k.role).sort()).toEqual(['assist', 'assist', 'lead']);
    await sign(c.xj, t.taskIds[0]!);
    await report(c.xj, t.taskIds[0]!);
    const d = await detail(t.id);
    expect(d.status).toBe('result_review');
    expect(d.tasks.filter((k) => k.role === 'assist').map((k) => k.status)).toEqual(['done', 'done']);
  });

  it('多部门: review only after every department has reported', async () => {
    const admin = await login(p, 'sysadmin');
    const extra = ok(await admin.post<{ id: string }>('/api/v1/orgs', { tenantId: (await ids(p)).tenant && (await (await ids(p)).tenant('650000')), code: 'ZJT-2', name: '自治区水利厅', kind: 'department' }), 201);
    const t = await register('多部门测试');
    const r = ok(await c.disp.post<{ taskIds: string[] }>(`/api/v1/tickets/${t.id}/dispatch`, { mode: 'parallel', orgIds: [await org('ZJT'), await org('WLMQ-ZJJ'), extra.id] }));
    await sign(c.xj, r.taskIds[0]!);
    await report(c.xj, r.taskIds[0]!);
    await sign(c.wlmq, r.taskIds[1]!);
    await report(c.wlmq, r.taskIds[1]!);
    expect((await detail(t.id)).status).toBe('handling');
    // The third department reports through a user provisioned for it.
    const third = await provisionUser(p, { tenantId: await (await ids(p)).tenant('650000'), orgId: extra.id, username: 'slt_handler', displayName: '水利厅承办', roleCode: 'unit_handler' });
    await sign(third, r.taskIds[2]!);
    await report(third, r.taskIds[2]!);
    expect((await detail(t.id)).status).toBe('result_review');
  });

  it('refuses wrong counts per mode', async () => {
    const t = await register('模式校验');
    expectProblem(await c.disp.post(`/api/v1/tickets/${t.id}/dispatch`, { mode: 'single', orgIds: [await org('ZJT'), await org('RST')] }), 400, 'VALIDATION_FAILED');
    expectProblem(await c.disp.post(`/api/v1/tickets/${t.id}/dispatch`, { mode: 'lead_assist', orgIds: [await org('ZJT')] }), 400, 'VALIDATION_FAILED');
    expectProblem(await c.disp.post(`/api/v1/tickets/${t.id}/dispatch`, { mode: 'parallel', orgIds: [await org('ZJT'), await org('ZJT')] }), 400, 'VALIDATION_FAILED');
  });
});

describe('the unit', () => {
  it('signs (time and signer recorded); another unit may not; a second sign is a conflict', async () => {
    const t = await dispatched('签收测试', ['ZJT']);
    expectProblem(await c.wlmq.post(`/api/v1/ticket-tasks/${t.taskIds[0]}/sign`), 404, 'NOT_FOUND');
    await sign(c.xj, t.taskIds[0]!);
    expectProblem(await c.xj.post(`/api/v1/ticket-tasks/${t.taskIds[0]}/sign`), 409, 'INVALID_STATE');
    const task = (await detail(t.id)).tasks[0]!;
    expect(task).toMatchObject({ status: 'in_progress', signedBy: '赵明' });
  });

  it('two people signing at once: one wins, the other gets 409, and the task is signed once', async () => {
    const t = await dispatched('并发签收', ['WLMQ-ZJJ']);
    const [a, b] = await Promise.all([c.wlmq.post(`/api/v1/ticket-tasks/${t.taskIds[0]}/sign`), c.leader.post(`/api/v1/ticket-tasks/${t.taskIds[0]}/sign`)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const d = await detail(t.id);
    expect(d.timeline.filter((e) => e.action === 'sign')).toHaveLength(1);
    expect(d.tasks[0]!.status).toBe('in_progress');
  });

  it('returns with a reason (both required) → return review; rejection gives it back; approval re-dispatches', async () => {
    const t = await dispatched('退单测试', ['ZJT']);
    const task = t.taskIds[0]!;
    expectProblem(await c.xj.post(`/api/v1/ticket-tasks/${task}/return`, { reason: '不归我们管' }), 400, 'VALIDATION_FAILED');
    expectProblem(await c.xj.post(`/api/v1/ticket-tasks/${task}/return`, { reasonCode: 'not-our-duty', reason: ' ' }), 400, 'VALIDATION_FAILED');
    const req1 = ok(await c.xj.post<{ id: string; ticketStatus: string }>(`/api/v1/ticket-tasks/${task}/return`, { reasonCode: 'not-our-duty', reason: '属于人社部门职责' }), 201);
    expect(req1.ticketStatus).toBe('return_review');
    expectProblem(await c.rev.post(`/api/v1/ticket-requests/${req1.id}/decide`, { approve: false, opinion: '' }), 400, 'VALIDATION_FAILED');
    ok(await c.rev.post(`/api/v1/ticket-requests/${req1.id}/decide`, { approve: false, opinion: '经核实属于住建职责，请继续办理' }));
    let d = await detail(t.id);
    expect(d.status).toBe('handling');
    expect(d.tasks[0]!.status).toBe('in_progress');
    const req2 = ok(await c.xj.post<{ id: string }>(`/api/v1/ticket-tasks/${task}/return`, { reasonCode: 'not-our-duty', reason: '再次说明：属于人社职责' }), 201);
    ok(await c.rev.post(`/api/v1/ticket-requests/${req2.id}/decide`, { approve: true, opinion: '同意改派', redispatch: { mode: 'single', orgIds: [await org('RST')] } }));
    d = await detail(t.id);
    expect(d.status).toBe('handling');
    expect(d.returnCount).toBe(2);
    expect(d.tasks.map((k) => [k.orgName, k.status]).sort()).toEqual([
      ['自治区人力资源和社会保障厅', 'awaiting_sign'],
      ['自治区住房和城乡建设厅', 'returned'],
    ]);
  });

  it('sub-assigns down three levels; each level reuses the feedback below; the top reaches review', async () => {
    const t = await dispatched('三级下派', ['WLMQ-ZJJ']);
    await sign(c.wlmq, t.taskIds[0]!);
    const l2 = ok(await c.wlmq.post<{ childIds: string[] }>(`/api/v1/ticket-tasks/${t.taskIds[0]}/sub-assign`, { mode: 'single', orgIds: [await org('WLMQ-ZJJ-WY')], opinion: '物业科核实' }));
    // The 物业科 sends it on to the county bureau of 天山区 (a lower tenant).
    const wyc = await provisionUser(p, { tenantId: await (await ids(p)).tenant('650100'), orgId: await org('WLMQ-ZJJ-WY'), username: 'wy_handler', displayName: '物业科', roleCode: 'unit_handler' });
    await sign(wyc, l2.childIds[0]!);
    const l3 = ok(await wyc.post<{ childIds: string[] }>(`/api/v1/ticket-tasks/${l2.childIds[0]}/sub-assign`, { mode: 'single', orgIds: [await org('TS-ZJJ')], opinion: '请天山区住建局现场处理' }));
    // A unit may not report while its children are still working.
    expectProblem(await wyc.post(`/api/v1/ticket-tasks/${l2.childIds[0]}/report`, { result: '先报' }), 400, 'VALIDATION_FAILED');
    await sign(c.ts, l3.childIds[0]!);
    await report(c.ts, l3.childIds[0]!, '天山区已现场处置，恢复供水');
    ok(await wyc.post(`/api/v1/ticket-tasks/${l2.childIds[0]}/report`, { result: '', reuseTaskId: l3.childIds[0] }));
    ok(await c.wlmq.post(`/api/v1/ticket-tasks/${t.taskIds[0]}/report`, { result: '', reuseTaskId: l2.childIds[0] }));
    const d = await detail(t.id);
    expect(d.status).toBe('result_review');
    expect(d.tasks.map((k) => k.result?.result)).toEqual(['天山区已现场处置，恢复供水', '天山区已现场处置，恢复供水', '天山区已现场处置，恢复供水']);
    expect((d as unknown as { chain: { children: { children: { orgName: string }[] }[] }[] }).chain[0]!.children[0]!.children[0]!.orgName).toBe('天山区住房和城乡建设局');
    // Reusing a task that is not a child is refused.
    const other = await dispatched('引用校验', ['ZJT']);
    await sign(c.xj, other.taskIds[0]!);
    expectProblem(await c.xj.post(`/api/v1/ticket-tasks/${other.taskIds[0]}/report`, { result: '', reuseTaskId: l3.childIds[0] }), 400, 'VALIDATION_FAILED');
  });

  it('the hotline rejects a result back to the unit with its opinion; approval completes', async () => {
    const t = await dispatched('审核退回', ['ZJT']);
    await sign(c.xj, t.taskIds[0]!);
    await report(c.xj, t.taskIds[0]!);
    ok(await c.rev.post(`/api/v1/tickets/${t.id}/review`, { approve: false, opinion: '答复未回应诉求人的赔偿要求' }));
    let d = await detail(t.id);
    expect(d.status).toBe('handling');
    expect(d.tasks[0]!.status).toBe('in_progress');
    expect(d.timeline.at(-1)).toMatchObject({ action: 'review_reject', opinion: '答复未回应诉求人的赔偿要求' });
    await report(c.xj, t.taskIds[0]!, '已补充说明赔偿途径');
    ok(await c.rev.post(`/api/v1/tickets/${t.id}/review`, { approve: true, opinion: '同意' }));
    d = await detail(t.id);
    expect(d.status).toBe('callback');
    expect(d.tasks[0]!.status).toBe('done');
  });
});

describe('approvals: extension, suspension, difficult cases', () => {
  it('an approved 48-hour extension moves the deadline; a rejected one leaves it; nobody approves their own', async () => {
    const t = await dispatched('延期测试', ['ZJT']);
    await sign(c.xj, t.taskIds[0]!);
    const before = (await detail(t.id)).deadlineAt!;
    const r1 = ok(await c.xj.post<{ id: string }>(`/api/v1/ticket-tasks/${t.taskIds[0]}/extension`, { reason: '需协调三个部门', amount: 48, unit: 'hour' }), 201);
    expectProblem(await c.xj.post(`/api/v1/ticket-tasks/${t.taskIds[0]}/extension`, { reason: '重复申请', amount: 1, unit: 'hour' }), 409, 'CONFLICT');
    expectProblem(await c.xj.post(`/api/v1/ticket-requests/${r1.id}/decide`, { approve: true, opinion: '自己批' }), 403, 'FORBIDDEN');
    ok(await c.rev.post(`/api/v1/ticket-requests/${r1.id}/decide`, { approve: true, opinion: '同意延期' }));
    const after = (await detail(t.id)).deadlineAt!;
    expect(new Date(after).getTime() - new Date(before).getTime()).toBe(48 * 3600_000);
    const r2 = ok(await c.xj.post<{ id: string }>(`/api/v1/ticket-tasks/${t.taskIds[0]}/extension`, { reason: '再延', amount: 2, unit: 'workday' }), 201);
    ok(await c.rev.post(`/api/v1/ticket-requests/${r2.id}/decide`, { approve: false, opinion: '不符合延期条件' }));
    expect((await detail(t.id)).deadlineAt).toBe(after);
  });

  it('suspension: preset reasons and evidence only; approval stops the clock; resume moves the deadline by the paused time', async () => {
    const t = await dispatched('挂起测试', ['ZJT']);
    const task = t.taskIds[0]!;
    await sign(c.xj, task);
    expectProblem(await c.xj.post(`/api/v1/ticket-tasks/${task}/suspension`, { reasonCode: 'made-up', reason: '随便挂', attachmentIds: [await upload(c.xj)] }), 400, 'VALIDATION_FAILED');
    expectProblem(await c.xj.post(`/api/v1/ticket-tasks/${task}/suspension`, { reasonCode: 'third-party', reason: '等待答复' }), 400, 'VALIDATION_FAILED');
    const req = ok(await c.xj.post<{ id: string }>(`/api/v1/ticket-tasks/${task}/suspension`, { reasonCode: 'third-party', reason: '等待供电公司答复', days: 10, attachmentIds: [await upload(c.xj)] }), 201);
    // Not suspended until approved.
    expect((await detail(t.id)).tasks[0]!.status).toBe('in_progress');
    ok(await c.rev.post(`/api/v1/ticket-requests/${req.id}/decide`, { approve: true, opinion: '同意挂起' }));
    const d1 = await detail(t.id);
    expect(d1.tasks[0]!.status).toBe('suspended');
    // Far past the deadline while suspended: not overdue.
    p.clock.advance(30 * 86_400_000);
    await runTicketTimers(p.deps);
    await relogin();
    expect((await detail(t.id)).overdue).toBe(false);
    const resume = ok(await c.xj.post<{ id: string }>(`/api/v1/ticket-tasks/${task}/resume`, { reason: '已收到答复' }), 201);
    ok(await c.rev.post(`/api/v1/ticket-requests/${resume.id}/decide`, { approve: true, opinion: '同意恢复' }));
    const d2 = await detail(t.id);
    expect(d2.tasks[0]!.status).toBe('in_progress');
    expect(new Date(d2.deadlineAt!).getTime()).toBeGreaterThan(new Date(d1.deadlineAt!).getTime() + 20 * 86_400_000);
  });

  it('承诺制: a promise that expires unconfirmed resumes the task by itself', async () => {
    const t = await dispatched('承诺挂起', ['ZJT']);
    const task = t.taskIds[0]!;
    await sign(c.xj, task);
    const promiseUntil = new Date(p.clock.now().getTime() + 3 * 86_400_000).toISOString();
    const req = ok(await c.xj.post<{ id: string }>(`/api/v1/ticket-tasks/${task}/suspension`, { reasonCode: 'promise', reason: '承诺三日内办结', promiseUntil, attachmentIds: [await upload(c.xj)] }), 201);
    ok(await c.rev.post(`/api/v1/ticket-requests/${req.id}/decide`, { approve: true, opinion: '同意' }));
    p.clock.advance(2 * 86_400_000);
    expect((await runTicketTimers(p.deps)).resumed).toBe(0);
    p.clock.advance(2 * 86_400_000);
    expect((await runTicketTimers(p.deps)).resumed).toBeGreaterThanOrEqual(1);
    await relogin();
    const d = await detail(t.id);
    expect(d.tasks[0]!.status).toBe('in_progress');
    expect(d.timeline.map((e) => e.action)).toContain('auto_resume');
  });

  it('挂办: a disputed ticket enters the pool after approval, and joint determination re-dispatches it', async () => {
    const t = await dispatched('职能交叉', ['ZJT']);
    await sign(c.xj, t.taskIds[0]!);
    const req = ok(await c.xj.post<{ id: string }>(`/api/v1/ticket-tasks/${t.taskIds[0]}/difficult`, { reason: '涉及住建与自然资源职能交叉' }), 201);
    expect((await detail(t.id)).status).toBe('handling');
    ok(await c.rev.post(`/api/v1/ticket-requests/${req.id}/decide`, { approve: true, opinion: '认定为疑难事项' }));
    expect((await detail(t.id)).status).toBe('difficult');
    ok(await c.disp.post(`/api/v1/tickets/${t.id}/dispatch`, { mode: 'lead_assist', orgIds: [await org('RST'), await org('ZJT')], opinion: '联合审定：人社厅牵头' }));
    const d = await detail(t.id);
    expect(d.status).toBe('handling');
    expect(d.timeline.map((e) => e.action)).toContain('joint_determination');
  });
});

describe('callbacks, redo, withdraw, urge', () => {
  it('SMS callback: the citizen rates on the H5 link; SMS is sent once; an unanswered one closes at its deadline', async () => {
    ok(await c.sup.put('/api/v1/ticket-config/policy', { callbackMode: 'sms', callbackHours: 48 }));
    try {
      const t = await dispatched('短信回访', ['ZJT']);
      await sign(c.xj, t.taskIds[0]!);
      await report(c.xj, t.taskIds[0]!);
      ok(await c.rev.post(`/api/v1/tickets/${t.id}/review`, { approve: true, opinion: '同意' }));
      const sms = await p.deps.db.selectFrom('sms_message').select(['body', 'dedupe_key']).where('dedupe_key', 'like', 'callback:%').execute();
      const link = sms.map((s) => /t=([A-Za-z0-9_-]+)/.exec(s.body)?.[1]).find(Boolean)!;
      const view = await new Client(p).get<{ no: string; status: string }>(`/api/v1/public/evaluations/${link}`);
      expect(view.body).toMatchObject({ no: t.no, status: 'pending' });
      ok(await new Client(p).post(`/api/v1/public/evaluations/${link}`, { handlingRating: 5, serviceRating: 4, comment: '处理及时' }));
      expectProblem(await new Client(p).post(`/api/v1/public/evaluations/${link}`, { handlingRating: 1, serviceRating: 1 }), 409, 'INVALID_STATE');
      expect((await detail(t.id)).status).toBe('archived');

      const u = await dispatched('短信未回复', ['ZJT']);
      await sign(c.xj, u.taskIds[0]!);
      await report(c.xj, u.taskIds[0]!);
      ok(await c.rev.post(`/api/v1/tickets/${u.id}/review`, { approve: true, opinion: '同意' }));
      p.clock.advance(49 * 3600_000);
      expect((await runTicketTimers(p.deps)).expiredCallbacks).toBeGreaterThanOrEqual(1);
      await relogin();
      expect(await detail(u.id)).toMatchObject({ status: 'archived', closeReason: 'callback_expired' });
      await p.outbox.drain();
      const keys = (await p.deps.db.selectFrom('sms_message').select('dedupe_key').execute()).map((s) => s.dedupe_key);
      expect(new Set(keys).size).toBe(keys.length);
    } finally {
      ok(await c.sup.put('/api/v1/ticket-config/policy', { callbackMode: 'manual' }));
    }
  });

  it('重办: a dissatisfied citizen gets a new ticket linked to the old one', async () => {
    const t = await dispatched('重办测试', ['ZJT']);
    await sign(c.xj, t.taskIds[0]!);
    await report(c.xj, t.taskIds[0]!);
    ok(await c.rev.post(`/api/v1/tickets/${t.id}/review`, { approve: true, opinion: '同意' }));
    const redo = ok(await c.rev.post<{ id: string; redoOf: string }>(`/api/v1/tickets/${t.id}/redo`, { reason: '诉求人要求重新办理' }), 201);
    expect(redo.redoOf).toBe(t.no);
    const d = await detail(redo.id);
    expect(d.status).toBe('registered');
    expect(d.links.map((l) => [l.no, l.relation])).toContainEqual([t.no, '原工单（重办）']);
    expect((await detail(t.id)).closeReason).toBe('redo');
  });

  it('撤单 cancels the open tasks, tells the unit and archives; 追加 and 催办 reach the units', async () => {
    const t = await dispatched('撤单测试', ['ZJT']);
    ok(await c.agent.post(`/api/v1/tickets/${t.id}/append`, { content: '现场还有积水' }));
    ok(await c.agent.post(`/api/v1/tickets/${t.id}/urge`, { content: '诉求人来电催促' }));
    const d0 = await detail(t.id);
    expect((d0 as unknown as { content: string }).content).toContain('现场还有积水');
    expect(d0.complaintCount).toBe(1);
    const inbox = ok(await c.xj.get<{ items: { title: string }[] }>('/api/v1/notifications'));
    expect(inbox.items.map((n) => n.title)).toEqual(expect.arrayContaining([`工单${t.no}有追加内容`, `【催办】工单${t.no}`]));
    ok(await c.agent.post(`/api/v1/tickets/${t.id}/withdraw`, { reason: '诉求人问题已自行解决' }));
    const d = await detail(t.id);
    expect(d).toMatchObject({ status: 'archived', closeReason: 'withdrawn' });
    expect(d.tasks[0]!.status).toBe('cancelled');
  });
});

describe('near-due warning', () => {
  it('tells the unit once when the yellow share of the limit has passed, with no rule configured', async () => {
    const t = await dispatched('临期预警', ['ZJT']);
    await sign(c.xj, t.taskIds[0]!);
    const d = await detail(t.id);
    const sla = (d as unknown as { sla: { warnAt: string } }).sla;
    p.clock.set(new Date(new Date(sla.warnAt).getTime() + 60_000));
    const first = await runTicketTimers(p.deps);
    expect(first.nearDue).toBeGreaterThanOrEqual(1);
    expect((await runTicketTimers(p.deps)).nearDue).toBe(0);
    await relogin();
    const inbox = ok(await c.xj.get<{ items: { title: string }[] }>('/api/v1/notifications?pageSize=50'));
    expect(inbox.items.map((n) => n.title)).toContain(`【临期预警】工单${t.no}`);
    expect((await detail(t.id)).timeline.map((e) => e.action)).toContain('near_due');
  });
});

describe('supervision rules', () => {
  it('a rule cannot be activated before a dry run; once active it supervises overdue tickets exactly once', async () => {
    const rule = ok(await c.sup.post<{ id: string }>('/api/v1/sla-rules', { name: '超期24小时督办', kind: 'supervision', trigger: 'overdue', threshold: 24, level: 'city', requirement: '24小时内反馈进展' }), 201);
    expectProblem(await c.sup.post(`/api/v1/sla-rules/${rule.id}/activate`), 400, 'VALIDATION_FAILED');
    const t = await dispatched('超期督办', ['ZJT']);
    await sign(c.xj, t.taskIds[0]!);
    const deadline = new Date((await detail(t.id)).deadlineAt!);
    p.clock.set(new Date(deadline.getTime() + 25 * 3600_000));
    await relogin();
    const dry = ok(await c.sup.post<{ matched: number; sample: { no: string }[] }>(`/api/v1/sla-rules/${rule.id}/dry-run`));
    expect(dry.sample.map((s) => s.no)).toContain(t.no);
    expect((await detail(t.id)).supervisions).toEqual([]);
    ok(await c.sup.post(`/api/v1/sla-rules/${rule.id}/activate`));
    const first = await runTicketTimers(p.deps);
    expect(first.supervisions).toBeGreaterThanOrEqual(1);
    const second = await runTicketTimers(p.deps);
    expect(second.supervisions).toBe(0);
    const d = await detail(t.id);
    expect(d.overdue).toBe(true);
    expect(d.supervisions.filter((s) => s.kind === 'supervision')).toHaveLength(1);
    // Editing the rule takes it out of force until it is tested again.
    ok(await c.sup.put(`/api/v1/sla-rules/${rule.id}`, { name: '超期48小时督办', kind: 'supervision', trigger: 'overdue', threshold: 48 }));
    expect((await c.sup.get<{ items: { id: string; active: boolean }[] }>('/api/v1/sla-rules')).body.items.find((r) => r.id === rule.id)?.active).toBe(false);
    // The unit answers, the supervisor closes: generate → execute → feedback → close.
    const s = d.supervisions[0]!;
    ok(await c.xj.post(`/api/v1/supervisions/${s.id}/reply`, { reply: '已安排人员，明日办结' }));
    ok(await c.sup.post(`/api/v1/supervisions/${s.id}/close`, { opinion: '已反馈，结案' }));
    expect((await detail(t.id)).supervisions[0]!.status).toBe('closed');
  });

  it('returns ≥ 2 triggers a supervision order', async () => {
    const rule = ok(await c.sup.post<{ id: string }>('/api/v1/sla-rules', { name: '退单两次督办', kind: 'supervision', trigger: 'returns', threshold: 2 }), 201);
    ok(await c.sup.post(`/api/v1/sla-rules/${rule.id}/dry-run`));
    ok(await c.sup.post(`/api/v1/sla-rules/${rule.id}/activate`));
    const t = await dispatched('反复退单', ['ZJT']);
    for (const opinion of ['第一次驳回', '第二次驳回']) {
      const r = ok(await c.xj.post<{ id: string }>(`/api/v1/ticket-tasks/${t.taskIds[0]}/return`, { reasonCode: 'not-our-duty', reason: '不属于本部门' }), 201);
      ok(await c.rev.post(`/api/v1/ticket-requests/${r.id}/decide`, { approve: false, opinion }));
    }
    await runTicketTimers(p.deps);
    expect((await detail(t.id)).supervisions.map((s) => s.reason)).toEqual([expect.stringContaining('退单已达2次')]);
  });
});
