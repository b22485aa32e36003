import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { ApprovalStep, Attachment, Decision, RequestKind, TicketRequestTable } from '../../platform/db/schema.js';
import { AppError, forbidden, invalid, notFound } from '../../platform/errors.js';
import { commit } from '../../platform/usecase.js';
import { nextTaskStatus, nextTicketStatus, isActiveTask, type TaskAction } from './ticket.machine.js';
import { actorOf, lockTask, lockTicket, lockTicketById, SYSTEM, SYSTEM_AUDIT, tasksOf, updateTask, updateTicket, writeEvent, type EventActor, type Task, type Ticket } from './ticket.repository.js';
import { isHotlineOf, isLeaderOf, isMemberOf, assertUnitMember } from './ticket.access.js';
import { Notices } from './ticket.notify.js';
import { policyFor, type TicketPolicy } from './ticket.policy.js';
import { linkAttachments } from './attachment.service.js';
import { calendarFor } from './sla.service.js';
import { extendDeadline, resumeDeadline } from './sla/working-calendar.js';
import { insertTasks, loadTargetsForHotline, rolesFor, type DispatchMode } from './dispatch.service.js';

/**
 * Requests a unit makes and someone else approves: 退回, 延期, 挂起, 恢复, 疑难挂办, 不满意申诉. Each
 * runs through the approval chain the tenant's policy declares; the last approval applies the
 * effect in the same transaction as the decision.
 */
export type TicketRequest = Selectable<TicketRequestTable>;
type Kind = Exclude<RequestKind, 'tracking'>;

export interface RequestInput {
  reasonCode?: string;
  reason: string;
  attachmentIds?: string[];
  /** extension: amount + unit; suspension: days, promiseUntil for 承诺制. */
  amount?: number;
  unit?: 'workday' | 'hour' | 'natural_day';
  days?: number;
  promiseUntil?: string;
}

const TASK_ACTION: Record<Kind, TaskAction> = {
  return: 'request_return',
  extension: 'request_extension',
  suspension: 'request_suspension',
  resume: 'request_resume',
  difficult: 'mark_difficult',
  appeal: 'appeal',
};

const KIND_NAMES: Record<Kind, string> = { return: '退回', extension: '延期', suspension: '挂起', resume: '恢复办理', difficult: '疑难挂办', appeal: '不满意申诉' };

function stepsFor(kind: Kind, task: Task, policy: TicketPolicy): ApprovalStep[] {
  // A sub-assigned unit returns to the unit above it, not to the hotline (逐级).
  if (kind === 'return') return task.parent_id ? [{ by: 'assigner', label: '上级单位审核' }] : [{ by: 'hotline', label: '退单审核' }];
  return policy.approvals[kind];
}

async function checkPayload(kind: Kind, input: RequestInput, policy: TicketPolicy, now: Date): Promise<Record<string, unknown>> {
  if (!input.reason.trim()) throw invalid('请填写说明');
  if (kind === 'return') {
    if (!policy.returnReasons.some((r) => r.code === input.reasonCode)) throw invalid('请选择退回原因', [{ path: '/reasonCode', message: '请选择退回原因' }]);
    return {};
  }
  if (kind === 'extension') {
    if (!input.amount || input.amount <= 0 || !input.unit) throw invalid('请填写延期时长和单位');
    return { amount: input.amount, unit: input.unit };
  }
  if (kind === 'suspension') return suspensionPayload(input, policy, now);
  return {};
}

function suspensionPayload(input: RequestInput, policy: TicketPolicy, now: Date): Record<string, unknown> {
  const reason = policy.suspensionReasons.find((r) => r.code === input.reasonCode);
  if (!reason) throw invalid('请选择预设的挂起原因', [{ path: '/reasonCode', message: '只能选择管理员配置的挂起条件' }]);
  if (!input.attachmentIds?.length) throw invalid('挂起须上传佐证材料（如第三方沟通记录、勘查方案）');
  const days = input.days ?? reason.maxDays;
  if (days <= 0 || days > reason.maxDays) throw invalid(`“${reason.name}”最长可挂起${reason.maxDays}天`);
  if (!reason.promise) return { days, promise: false };
  const until = input.promiseUntil ? new Date(input.promiseUntil) : null;
  if (!until || Number.isNaN(until.getTime()) || until <= now) throw invalid('承诺制挂起须填写晚于当前时间的承诺办结日期');
  if (until.getTime() - now.getTime() > reason.maxDays * 86_400_000) throw invalid(`承诺期限不能超过${reason.maxDays}天`);
  return { days, promise: true, promiseUntil: until.toISOString() };
}

export async function createRequest(deps: Deps, actor: Actor, taskId: string, kind: Kind, input: RequestInput) {
  if (kind === 'appeal' && !input.attachmentIds?.length) throw invalid('申诉须上传证明材料');
  return commit(deps, actor, async (trx) => {
    const { ticket, task } = await lockTask(trx, actor, taskId);
    await assertUnitMember(trx, actor, task);
    if (kind === 'appeal') nextTicketStatus('appeal', ticket.status);
    else nextTicketStatus('task_action', ticket.status);
    nextTaskStatus(TASK_ACTION[kind], task.status);
    if (kind === 'appeal' && task.parent_id) throw invalid('申诉由最终承办单位提出');
    const pending = await trx.selectFrom('ticket_request').select('kind').where('task_id', '=', task.id).where('status', '=', 'pending').execute();
    if (pending.length) throw new AppError('CONFLICT', `该任务已有待审批的${KIND_NAMES[pending[0]!.kind as Kind]}申请`, 409);
    const policy = await policyFor(trx, ticket.tenant_id);
    const payload = await checkPayload(kind, input, policy, deps.clock.now());
    const attachments = await linkAttachments(trx, actor.tenantId, ticket.id, input.attachmentIds ?? []);
    const id = randomUUID();
    const steps = stepsFor(kind, task, policy);
    await trx
      .insertInto('ticket_request')
      .values({ id, ticket_id: ticket.id, task_id: task.id, kind, status: 'pending', reason_code: input.reasonCode ?? null, reason: input.reason, payload: JSON.stringify({ ...payload, attachments }), steps: JSON.stringify(steps), step: 0, requested_by: actor.userId, requested_by_name: actor.displayName, requested_org_id: task.org_id, requested_at: deps.clock.now(), decided_by_name: null, decided_at: null, opinion: null, decisions: '[]' })
      .execute();
    const notices = new Notices(trx, deps, { id: actor.userId, name: actor.displayName });
    const ticketTo = await onRequested(trx, deps, actor, ticket, task, kind);
    await writeEvent(trx, deps.clock, actorOf(actor), { ticketId: ticket.id, taskId, action: `request_${kind}`, from: ticket.status, to: ticketTo, opinion: input.reason, attachments, detail: { requestId: id, reasonCode: input.reasonCode ?? null, ...payload } });
    await notifyStep(trx, notices, ticket, task, steps[0]!, `${KIND_NAMES[kind]}申请待审批：${ticket.no}`, input.reason);
    return { result: { id, status: 'pending', ticketStatus: ticketTo }, audit: { action: `ticket.request.${kind}`, targetType: 'ticket_request', targetId: id, detail: { no: ticket.no, reasonCode: input.reasonCode ?? null } }, events: notices.events };
  });
}

/** Immediate effects of filing a request (the task waits; the ticket may enter review). */
async function onRequested(trx: Db, deps: Deps, actor: Actor, ticket: Ticket, task: Task, kind: Kind) {
  if (kind === 'appeal') {
    const to = nextTicketStatus('appeal', ticket.status);
    await updateTicket(trx, ticket, deps.clock, { status: to });
    return to;
  }
  if (kind !== 'return') return ticket.status;
  await updateTask(trx, task, { status: nextTaskStatus('request_return', task.status) });
  if (task.parent_id) return ticket.status;
  await updateTicket(trx, ticket, deps.clock, { return_count: ticket.return_count + 1 });
  const others = (await tasksOf(trx, ticket.id)).filter((k) => k.parent_id === null && k.id !== task.id && k.role !== 'assist' && isActiveTask(k.status) && k.status !== 'return_requested');
  if (others.length) return ticket.status;
  const to = nextTicketStatus('all_returned', ticket.status);
  await updateTicket(trx, ticket, deps.clock, { status: to, return_count: ticket.return_count + 1 });
  return to;
}

async function notifyStep(trx: Db, notices: Notices, ticket: Ticket, task: Task, step: ApprovalStep, title: string, body: string) {
  if (step.by === 'hotline') return notices.toPermission(ticket.tenant_id, 'ticket:review', title, body);
  if (step.by === 'unit_leader') return notices.toOrg(task.tenant_id, task.org_id, title, body);
  const parent = task.parent_id ? await trx.selectFrom('ticket_task').select(['tenant_id', 'org_id']).where('id', '=', task.parent_id).executeTakeFirst() : undefined;
  if (parent) await notices.toOrg(parent.tenant_id, parent.org_id, title, body);
}

export interface DecisionInput {
  approve: boolean;
  opinion: string;
  /** Return approved by the hotline: send to these units instead (改派), or to the 疑难 pool. */
  redispatch?: { mode: DispatchMode; orgIds: string[] };
  toDifficultPool?: boolean;
}

async function mayDecide(trx: Db, actor: Actor, ticket: Ticket, task: Task | undefined, step: ApprovalStep): Promise<boolean> {
  if (step.by === 'hotline') return (actor.permissions.has('ticket:review') || actor.permissions.has('ticket:dispatch')) && (await isHotlineOf(trx, actor, ticket));
  if (!task) return false;
  if (step.by === 'unit_leader') return isLeaderOf(trx, actor, task.org_id, task.tenant_id);
  const parent = task.parent_id ? await trx.selectFrom('ticket_task').select(['org_id', 'tenant_id']).where('id', '=', task.parent_id).executeTakeFirst() : undefined;
  return !!parent && actor.permissions.has('ticket:handle') && (await isMemberOf(trx, actor, parent.org_id, parent.tenant_id));
}

export async function decideRequest(deps: Deps, actor: Actor, requestId: string, input: DecisionInput) {
  if (!input.approve && !input.opinion.trim()) throw invalid('驳回须填写审批意见');
  return commit(deps, actor, async (trx) => {
    const ref = await trx.selectFrom('ticket_request').select('ticket_id').where('id', '=', requestId).executeTakeFirst();
    if (!ref) throw notFound('申请');
    const ticket = await lockTicket(trx, actor, ref.ticket_id).catch(() => {
      throw notFound('申请');
    });
    const req = await trx.selectFrom('ticket_request').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow();
    if (req.status !== 'pending') throw new AppError('INVALID_STATE', '该申请已处理', 409);
    const task = req.task_id ? await trx.selectFrom('ticket_task').selectAll().where('id', '=', req.task_id).executeTakeFirst() : undefined;
    const step = req.steps[req.step]!;
    if (!(await mayDecide(trx, actor, ticket, task, step))) throw forbidden(`该申请当前由“${step.label}”审批`);
    if (req.requested_by === actor.userId) throw forbidden('不能审批自己提交的申请');
    const decisions: Decision[] = [...req.decisions, { step: req.step, by: actor.displayName, at: deps.clock.now().toISOString(), approve: input.approve, opinion: input.opinion }];
    const notices = new Notices(trx, deps, { id: actor.userId, name: actor.displayName });
    const last = req.step + 1 >= req.steps.length;
    const status = !input.approve ? 'rejected' : last ? 'approved' : 'pending';
    await trx.updateTable('ticket_request').set({ status, step: input.approve && !last ? req.step + 1 : req.step, decisions: JSON.stringify(decisions), decided_by_name: actor.displayName, decided_at: deps.clock.now(), opinion: input.opinion }).where('id', '=', req.id).execute();
    let ticketStatus = ticket.status;
    if (status === 'pending') await notifyStep(trx, notices, ticket, task!, req.steps[req.step + 1]!, `${KIND_NAMES[req.kind as Kind]}申请待审批：${ticket.no}`, req.reason);
    else ticketStatus = await (status === 'approved' ? applyApproval : applyRejection)(trx, deps, actorOf(actor), actor, ticket, task, req, input, notices);
    await writeEvent(trx, deps.clock, actorOf(actor), { ticketId: ticket.id, taskId: req.task_id, action: `${req.kind}_${status}`, from: ticket.status, to: ticketStatus, opinion: input.opinion, detail: { requestId: req.id, step: step.label } });
    if (task && status !== 'pending') await notices.toOrg(task.tenant_id, task.org_id, `${KIND_NAMES[req.kind as Kind]}申请${status === 'approved' ? '已通过' : '被驳回'}：${ticket.no}`, input.opinion);
    return { result: { id: req.id, status, ticketStatus }, audit: { action: `ticket.request.${req.kind}.${input.approve ? 'approve' : 'reject'}`, targetType: 'ticket_request', targetId: req.id, detail: { no: ticket.no, opinion: input.opinion } }, events: notices.events };
  });
}

type Apply = (trx: Db, deps: Deps, who: EventActor, actor: Actor | null, t: Ticket, task: Task | undefined, req: TicketRequest, input: DecisionInput, notices: Notices) => Promise<Ticket['status']>;

const applyRejection: Apply = async (trx, deps, _who, _actor, t, task, req) => {
  if (req.kind === 'appeal') {
    const to = nextTicketStatus('appeal_rejected', t.status);
    await updateTicket(trx, t, deps.clock, { status: to });
    return to;
  }
  if (req.kind !== 'return' || !task) return t.status;
  await updateTask(trx, task, { status: nextTaskStatus('return_rejected', task.status) });
  if (t.status !== 'return_review') return t.status;
  const to = nextTicketStatus('return_rejected', t.status);
  await updateTicket(trx, t, deps.clock, { status: to });
  return to;
};

const applyApproval: Apply = async (trx, deps, who, actor, t, task, req, input, notices) => {
  const now = deps.clock.now();
  switch (req.kind) {
    case 'return':
      return approveReturn(trx, deps, who, actor, t, task!, input, notices);
    case 'extension': {
      const p = req.payload as { amount: number; unit: 'workday' | 'hour' | 'natural_day' };
      const cal = await calendarFor(trx, t.tenant_id);
      const base = t.deadline_at ? new Date(t.deadline_at) : now;
      const deadline = extendDeadline(cal, base, p.amount, p.unit);
      await updateTicket(trx, t, deps.clock, { deadline_at: deadline, overdue: deadline <= now });
      if (task) await updateTask(trx, task, { deadline_at: deadline });
      return t.status;
    }
    case 'suspension':
      await updateTask(trx, task!, { status: nextTaskStatus('suspend', task!.status), suspended_at: now });
      return t.status;
    case 'resume':
      await resumeTask(trx, deps, t, task!);
      return t.status;
    case 'difficult': {
      await trx.updateTable('ticket_task').set({ status: 'cancelled', closed_at: now }).where('ticket_id', '=', t.id).where('status', 'in', ['awaiting_sign', 'in_progress', 'return_requested', 'suspended']).execute();
      const to = nextTicketStatus('to_difficult_pool', t.status);
      await updateTicket(trx, t, deps.clock, { status: to, difficult: true });
      return to;
    }
    case 'appeal': {
      // Approved appeal: archived at once, and no new callback task (demo ②4).
      const to = nextTicketStatus('appeal_approved', t.status);
      await trx.updateTable('ticket_task').set({ status: 'done', closed_at: now }).where('ticket_id', '=', t.id).where('status', 'in', ['in_progress', 'awaiting_sign', 'reported']).execute();
      await updateTicket(trx, t, deps.clock, { status: to, close_reason: 'appeal_approved', archived_at: now });
      return to;
    }
    default:
      return t.status;
  }
};

/** Back to work; the ticket's and the task's deadlines move by the time the clock stood still. */
async function resumeTask(trx: Db, deps: Deps, t: Ticket, task: Task): Promise<void> {
  const resumed = { status: nextTaskStatus('resume', task.status), suspended_at: null };
  const pausedAt = task.suspended_at;
  const unit = t.sla_unit;
  if (!pausedAt || !unit || !t.deadline_at) return updateTask(trx, task, resumed);
  const cal = await calendarFor(trx, t.tenant_id);
  const moved = (deadline: Date | string) => resumeDeadline(cal, new Date(deadline), new Date(pausedAt), deps.clock.now(), unit);
  await updateTicket(trx, t, deps.clock, { deadline_at: moved(t.deadline_at) });
  await updateTask(trx, task, { ...resumed, ...(task.deadline_at ? { deadline_at: moved(task.deadline_at) } : {}) });
}

/** 退单审核 approved: re-dispatch (改派, e.g. back to a prefecture's hotline), the 疑难 pool, or the dispatch queue. */
async function approveReturn(trx: Db, deps: Deps, who: EventActor, actor: Actor | null, t: Ticket, task: Task, input: DecisionInput, notices: Notices) {
  await updateTask(trx, task, { status: nextTaskStatus('return_approved', task.status), closed_at: deps.clock.now() });
  if (task.parent_id) return t.status;
  if (input.redispatch?.orgIds.length && actor) {
    const targets = await loadTargetsForHotline(trx, actor, input.redispatch.orgIds);
    const roles = rolesFor(input.redispatch.mode, targets.length);
    await insertTasks(trx, deps, { ...who, tenantId: actor.tenantId }, t, targets, roles, { opinion: input.opinion, notices });
    const to = nextTicketStatus('redispatch', t.status);
    await updateTicket(trx, t, deps.clock, { status: to });
    return to;
  }
  const remaining = (await tasksOf(trx, t.id)).filter((k) => k.parent_id === null && k.role !== 'assist' && isActiveTask(k.status));
  if (remaining.length && !input.toDifficultPool) return t.status;
  await trx.updateTable('ticket_task').set({ status: 'cancelled', closed_at: deps.clock.now() }).where('ticket_id', '=', t.id).where('status', 'in', ['awaiting_sign', 'in_progress', 'suspended']).execute();
  const to = nextTicketStatus(input.toDifficultPool ? 'to_difficult_pool' : 'return_to_pool', t.status);
  await updateTicket(trx, t, deps.clock, { status: to, difficult: t.difficult || !!input.toDifficultPool });
  return to;
}

export async function listRequests(deps: Deps, actor: Actor, ticketId: string) {
  const t = await deps.db.transaction().execute((trx) => lockTicket(trx, actor, ticketId));
  const rows = await deps.db.selectFrom('ticket_request').selectAll().where('ticket_id', '=', t.id).orderBy('requested_at').execute();
  return rows.map(requestView);
}

export function requestView(r: TicketRequest) {
  const payload = r.payload as Record<string, unknown> & { attachments?: Attachment[] };
  return {
    id: r.id,
    ticketId: r.ticket_id,
    taskId: r.task_id,
    kind: r.kind,
    kindName: KIND_NAMES[r.kind as Kind] ?? r.kind,
    status: r.status,
    reasonCode: r.reason_code,
    reason: r.reason,
    payload,
    steps: r.steps,
    step: r.step,
    requestedBy: r.requested_by_name,
    requestedAt: r.requested_at,
    decisions: r.decisions,
  };
}

/**
 * 承诺制挂起: when the promised date passes unconfirmed, the task resumes by itself; other
 * suspensions that outlive their allowance alert the unit and the hotline (once).
 */
export async function sweepSuspensions(deps: Deps): Promise<{ resumed: number; overLimit: number }> {
  const now = deps.clock.now();
  const rows = await deps.db
    .selectFrom('ticket_request')
    .innerJoin('ticket_task', 'ticket_task.id', 'ticket_request.task_id')
    .select(['ticket_request.id', 'ticket_request.ticket_id', 'ticket_request.task_id', 'ticket_request.payload', 'ticket_task.suspended_at'])
    .where('ticket_request.kind', '=', 'suspension')
    .where('ticket_request.status', '=', 'approved')
    .where('ticket_task.status', '=', 'suspended')
    .execute();
  let resumed = 0;
  let overLimit = 0;
  for (const r of rows) {
    const p = r.payload as { promise?: boolean; promiseUntil?: string; days?: number };
    const since = r.suspended_at ? new Date(r.suspended_at) : now;
    if (p.promise && p.promiseUntil && new Date(p.promiseUntil) <= now) {
      await autoResume(deps, r.ticket_id, r.task_id!);
      resumed++;
    } else if (!p.promise && p.days && since.getTime() + p.days * 86_400_000 <= now.getTime()) {
      overLimit += await alertOverLimit(deps, r.ticket_id, r.task_id!, r.id);
    }
  }
  return { resumed, overLimit };
}

async function autoResume(deps: Deps, ticketId: string, taskId: string): Promise<void> {
  await commit(deps, SYSTEM_AUDIT, async (trx) => {
    const t = await lockTicketById(trx, ticketId);
    const task = await trx.selectFrom('ticket_task').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
    if (task.status !== 'suspended') return { result: undefined, audit: [] };
    await resumeTask(trx, deps, t, task);
    const notices = new Notices(trx, deps, { id: null, name: '系统' });
    await notices.toOrg(task.tenant_id, task.org_id, `承诺期已到，工单${t.no}自动恢复办理`, '承诺制挂起到期未确认，已自动恢复正常办理流程。');
    await writeEvent(trx, deps.clock, SYSTEM, { ticketId, taskId, action: 'auto_resume', from: 'suspended', to: 'in_progress' });
    return { result: undefined, audit: { action: 'ticket.task.auto_resume', targetType: 'ticket_task', targetId: taskId, detail: { no: t.no } }, events: notices.events };
  });
}

async function alertOverLimit(deps: Deps, ticketId: string, taskId: string, requestId: string): Promise<number> {
  return commit(deps, SYSTEM_AUDIT, async (trx) => {
    const t = await lockTicketById(trx, ticketId);
    const seen = await trx.selectFrom('ticket_event').select('id').where('ticket_id', '=', ticketId).where('action', '=', 'suspension_over_limit').where('task_id', '=', taskId).executeTakeFirst();
    if (seen) return { result: 0, audit: [] };
    const task = await trx.selectFrom('ticket_task').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
    const notices = new Notices(trx, deps, { id: null, name: '系统' });
    await notices.toOrg(task.tenant_id, task.org_id, `【挂起超期】工单${t.no}`, '挂起已超过允许时长，请尽快申请恢复办理。');
    await notices.toPermission(t.tenant_id, 'ticket:review', `【挂起超期】工单${t.no}`, `${task.org_name}的挂起已超过允许时长。`);
    await writeEvent(trx, deps.clock, SYSTEM, { ticketId, taskId, action: 'suspension_over_limit', detail: { requestId } });
    return { result: 1, audit: { action: 'ticket.task.suspension_over_limit', targetType: 'ticket_task', targetId: taskId, detail: { no: t.no } }, events: notices.events };
  });
}
