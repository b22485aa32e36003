import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { TaskResult, TaskRole } from '../../platform/db/schema.js';
import { invalid } from '../../platform/errors.js';
import { commit } from '../../platform/usecase.js';
import { isActiveTask, nextTaskStatus, nextTicketStatus } from './ticket.machine.js';
import { actorOf, lockTask, lockTicket, tasksOf, updateTask, updateTicket, writeEvent, type EventActor, type Task, type Ticket } from './ticket.repository.js';
import { assertHotline, assertUnitMember, hotlineReaches, unitReaches, type ReachableTenant } from './ticket.access.js';
import { Notices } from './ticket.notify.js';
import { linkAttachments } from './attachment.service.js';
import { startDeadline } from './sla.service.js';
import { startCallback } from './callback.service.js';

/**
 * 分拨 and 承办 (B2, B3): dispatch in its modes, sign, sub-assign down the levels, report results up
 * the chain, and the hotline's result review. Requests that need approval (return, extension,
 * suspension, appeal …) are in request.service.ts.
 */
export type DispatchMode = 'single' | 'lead_assist' | 'parallel';

export interface DispatchInput {
  mode: DispatchMode;
  /** For lead_assist the first org is the lead (主办), the others assist (协办). */
  orgIds: string[];
  opinion?: string;
  deadlineAt?: string;
  attachmentIds?: string[];
}

interface Target {
  id: string;
  name: string;
  tenant_id: string;
  tenant_level: number;
  tenant_kind: string;
  tenant_path: string;
}

export function rolesFor(mode: DispatchMode, count: number): TaskRole[] {
  if (mode === 'single') {
    if (count !== 1) throw invalid('单一派单只能选择一个承办单位');
    return ['single'];
  }
  if (mode === 'lead_assist') {
    if (count < 2) throw invalid('主协办需选择一个主办单位和至少一个协办单位');
    return ['lead', ...Array<TaskRole>(count - 1).fill('assist')];
  }
  if (count < 2) throw invalid('多部门处办需选择至少两个承办单位');
  return Array<TaskRole>(count).fill('parallel');
}

const NO_SUCH_UNIT = () => invalid('承办单位不存在或不在可派单范围内', [{ path: '/orgIds', message: '请重新选择承办单位' }]);

async function loadTargets(trx: Db, orgIds: string[]): Promise<Target[]> {
  if (new Set(orgIds).size !== orgIds.length) throw invalid('承办单位不能重复');
  const rows = await trx
    .selectFrom('org')
    .innerJoin('tenant', 'tenant.id', 'org.tenant_id')
    .select(['org.id', 'org.name', 'org.kind', 'org.tenant_id', 'tenant.level as tenant_level', 'tenant.kind as tenant_kind', 'tenant.path as tenant_path', 'tenant.status as tenant_status'])
    .where('org.id', 'in', orgIds)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return orgIds.map((id) => {
    const r = byId.get(id);
    if (!r || r.kind !== 'department' || r.tenant_status !== 'active') throw NO_SUCH_UNIT();
    return r;
  });
}

const reachOf = (t: Target): ReachableTenant => ({ path: t.tenant_path, kind: t.tenant_kind });

export async function loadTargetsForHotline(trx: Db, actor: Actor, orgIds: string[]): Promise<Target[]> {
  const targets = await loadTargets(trx, orgIds);
  // Out of reach reads exactly like "does not exist": a dispatcher learns nothing about other tenants.
  if (!targets.every((x) => hotlineReaches(actor, reachOf(x)))) throw NO_SUCH_UNIT();
  return targets;
}

export async function insertTasks(
  trx: Db,
  deps: Deps,
  who: EventActor & { tenantId: string },
  ticket: Ticket,
  targets: Target[],
  roles: TaskRole[],
  opts: { parent?: Task; opinion?: string; deadlineAt?: Date | null; notices: Notices },
): Promise<Task[]> {
  const now = deps.clock.now();
  const rows = targets.map((t, i) => ({
    id: randomUUID(),
    ticket_id: ticket.id,
    parent_id: opts.parent?.id ?? null,
    tenant_id: t.tenant_id,
    org_id: t.id,
    org_name: t.name,
    role: roles[i]!,
    status: 'awaiting_sign' as const,
    depth: opts.parent ? opts.parent.depth + 1 : 0,
    assigned_by: who.id,
    assigned_by_name: who.name,
    assigned_tenant_id: who.tenantId,
    assigned_at: now,
    handler_id: null,
    opinion: opts.opinion ?? '',
    deadline_at: opts.deadlineAt ?? ticket.deadline_at,
    signed_by: null,
    signed_by_name: null,
    signed_at: null,
    result: null,
    reported_by_name: null,
    reported_at: null,
    closed_at: null,
    suspended_at: null,
    version: 0,
  }));
  const tasks = await trx.insertInto('ticket_task').values(rows).returningAll().execute();
  for (const r of rows) {
    await opts.notices.toOrg(r.tenant_id, r.org_id, `新工单待签收：${ticket.no}`, `${ticket.title}${opts.opinion ? `（交办意见：${opts.opinion}）` : ''}`);
  }
  return tasks;
}

function parseDeadline(deadlineAt: string | undefined, now: Date): Date | null {
  if (!deadlineAt) return null;
  const d = new Date(deadlineAt);
  if (Number.isNaN(d.getTime()) || d <= now) throw invalid('办理期限须晚于当前时间');
  return d;
}

export async function dispatchTicket(deps: Deps, actor: Actor, id: string, input: DispatchInput) {
  const roles = rolesFor(input.mode, input.orgIds.length);
  return commit(deps, actor, async (trx) => {
    const t = await lockTicket(trx, actor, id);
    await assertHotline(trx, actor, t);
    const to = nextTicketStatus('dispatch', t.status);
    if (!t.title.trim() || !t.content.trim()) throw invalid('工单信息不完整，请先补充标题和内容');
    const targets = await loadTargetsForHotline(trx, actor, input.orgIds);
    const notices = new Notices(trx, deps, { id: actor.userId, name: actor.displayName });
    const now = deps.clock.now();
    // The clock starts at the first dispatch; a redispatch from the pool keeps the running deadline.
    const sla = t.deadline_at ? null : await startDeadline(trx, deps, t, targets[0]!.tenant_level);
    const deadline = parseDeadline(input.deadlineAt, now);
    await updateTicket(trx, t, deps.clock, { status: to, dispatched_at: t.dispatched_at ?? now, ...(sla ?? {}) });
    const fresh: Ticket = { ...t, status: to, deadline_at: sla?.deadline_at ?? t.deadline_at };
    const tasks = await insertTasks(trx, deps, { ...actorOf(actor), tenantId: actor.tenantId }, fresh, targets, roles, { opinion: input.opinion, deadlineAt: deadline, notices });
    const attachments = await linkAttachments(trx, actor.tenantId, t.id, input.attachmentIds ?? []);
    await writeEvent(trx, deps.clock, actorOf(actor), {
      ticketId: t.id,
      action: t.status === 'difficult' ? 'joint_determination' : 'dispatch',
      from: t.status,
      to,
      opinion: input.opinion ?? null,
      attachments,
      detail: { mode: input.mode, units: tasks.map((k) => ({ taskId: k.id, org: k.org_name, role: k.role, tenantId: k.tenant_id })), deadlineAt: (fresh.deadline_at ?? null) && new Date(fresh.deadline_at!).toISOString() },
    });
    return {
      result: { id: t.id, status: to, taskIds: tasks.map((k) => k.id), deadlineAt: fresh.deadline_at },
      audit: { action: 'ticket.dispatch', targetType: 'ticket', targetId: t.id, detail: { no: t.no, mode: input.mode, orgIds: input.orgIds } },
      events: [...notices.events, { topic: 'ticket.dispatched', payload: { ticketId: t.id, taskIds: tasks.map((k) => k.id) } }],
    };
  });
}

/** 签收: the signing time and signer are recorded; two people signing at once → one wins, one gets 409. */
export async function signTask(deps: Deps, actor: Actor, taskId: string) {
  return commit(deps, actor, async (trx) => {
    const { ticket, task } = await lockTask(trx, actor, taskId);
    await assertUnitMember(trx, actor, task);
    nextTicketStatus('task_action', ticket.status);
    const to = nextTaskStatus('sign', task.status);
    await updateTask(trx, task, { status: to, signed_by: actor.userId, signed_by_name: actor.displayName, signed_at: deps.clock.now(), handler_id: task.handler_id ?? actor.userId });
    await writeEvent(trx, deps.clock, actorOf(actor), { ticketId: ticket.id, taskId, action: 'sign', from: task.status, to, detail: { org: task.org_name } });
    return { result: { id: taskId, status: to }, audit: { action: 'ticket.task.sign', targetType: 'ticket_task', targetId: taskId, detail: { no: ticket.no, org: task.org_name } } };
  });
}

/** 下派: to the unit's sections or lower-level units, with an opinion, a named handler and a deadline. */
export async function subAssign(deps: Deps, actor: Actor, taskId: string, input: DispatchInput & { handlerId?: string }) {
  const roles = rolesFor(input.mode, input.orgIds.length);
  return commit(deps, actor, async (trx) => {
    const { ticket, task } = await lockTask(trx, actor, taskId);
    await assertUnitMember(trx, actor, task);
    nextTicketStatus('task_action', ticket.status);
    nextTaskStatus('sub_assign', task.status);
    const targets = await loadTargets(trx, input.orgIds);
    if (!targets.every((x) => x.id !== task.org_id && unitReaches(actor, reachOf(x)))) throw NO_SUCH_UNIT();
    const deadline = parseDeadline(input.deadlineAt, deps.clock.now());
    if (deadline && task.deadline_at && deadline > new Date(task.deadline_at)) throw invalid('下派期限不能晚于本单位的办理期限');
    const notices = new Notices(trx, deps, { id: actor.userId, name: actor.displayName });
    const children = await insertTasks(trx, deps, { ...actorOf(actor), tenantId: actor.tenantId }, ticket, targets, roles, { parent: task, opinion: input.opinion, deadlineAt: deadline ?? (task.deadline_at ? new Date(task.deadline_at) : null), notices });
    if (input.handlerId) await nameHandler(trx, children, input.handlerId);
    const attachments = await linkAttachments(trx, actor.tenantId, ticket.id, input.attachmentIds ?? []);
    await writeEvent(trx, deps.clock, actorOf(actor), { ticketId: ticket.id, taskId, action: 'sub_assign', opinion: input.opinion ?? null, attachments, detail: { units: children.map((c) => ({ taskId: c.id, org: c.org_name, role: c.role })) } });
    return { result: { id: taskId, childIds: children.map((c) => c.id) }, audit: { action: 'ticket.task.sub_assign', targetType: 'ticket_task', targetId: taskId, detail: { no: ticket.no, orgIds: input.orgIds } }, events: notices.events };
  });
}

/** The named 承办人 must belong to the (single) receiving unit. */
async function nameHandler(trx: Db, children: Task[], handlerId: string): Promise<void> {
  if (children.length !== 1) throw invalid('指定承办人时只能下派给一个单位');
  const child = children[0]!;
  const user = await trx.selectFrom('app_user').innerJoin('org', 'org.id', 'app_user.org_id').select(['app_user.id', 'org.path']).where('app_user.id', '=', handlerId).where('app_user.tenant_id', '=', child.tenant_id).executeTakeFirst();
  const orgPath = (await trx.selectFrom('org').select('path').where('id', '=', child.org_id).executeTakeFirstOrThrow()).path;
  if (!user || !user.path.startsWith(orgPath)) throw invalid('承办人不属于接收单位');
  await trx.updateTable('ticket_task').set({ handler_id: handlerId }).where('id', '=', child.id).execute();
}

export interface ReportInput {
  result: string;
  basis?: string;
  method?: string;
  attachmentIds?: string[];
  /** 反馈引用: reuse a child task's feedback as this unit's result. */
  reuseTaskId?: string;
}

/** 结果反馈: up to the parent unit, or — at the top — toward the hotline's result review. */
export async function reportResult(deps: Deps, actor: Actor, taskId: string, input: ReportInput) {
  return commit(deps, actor, async (trx) => {
    const { ticket, task } = await lockTask(trx, actor, taskId);
    await assertUnitMember(trx, actor, task);
    nextTicketStatus('task_action', ticket.status);
    const to = nextTaskStatus('report', task.status);
    const all = await tasksOf(trx, ticket.id);
    if (all.some((c) => c.parent_id === task.id && isActiveTask(c.status))) throw invalid('下派的任务尚未全部反馈，请等待下级反馈或撤回后再提交');
    const result = await composeResult(trx, actor, ticket, task, all, input);
    await updateTask(trx, task, { status: to, result: JSON.stringify(result), reported_by_name: actor.displayName, reported_at: deps.clock.now() });
    await writeEvent(trx, deps.clock, actorOf(actor), { ticketId: ticket.id, taskId, action: 'report', from: task.status, to, opinion: result.result, attachments: result.attachments ?? [], detail: { basis: result.basis, method: result.method, reused: input.reuseTaskId ?? null } });
    const notices = new Notices(trx, deps, { id: actor.userId, name: actor.displayName });
    const ticketTo = task.parent_id ? ticket.status : await settleTopLevel(trx, deps, actorOf(actor), ticket, task, notices);
    if (task.parent_id) {
      const parent = all.find((p) => p.id === task.parent_id)!;
      await notices.toOrg(parent.tenant_id, parent.org_id, `下级已反馈：${ticket.no}`, `${task.org_name}：${result.result.slice(0, 100)}`);
    }
    return { result: { id: taskId, status: to, ticketStatus: ticketTo }, audit: { action: 'ticket.task.report', targetType: 'ticket_task', targetId: taskId, detail: { no: ticket.no } }, events: notices.events };
  });
}

async function composeResult(trx: Db, actor: Actor, ticket: Ticket, task: Task, all: Task[], input: ReportInput): Promise<TaskResult> {
  const attachments = await linkAttachments(trx, actor.tenantId, ticket.id, input.attachmentIds ?? []);
  if (!input.reuseTaskId) return { result: input.result, basis: input.basis, method: input.method, attachments };
  const child = all.find((c) => c.id === input.reuseTaskId && c.parent_id === task.id);
  if (!child?.result) throw invalid('只能引用本单位下派任务的反馈');
  return { ...child.result, result: input.result || child.result.result, attachments: [...(child.result.attachments ?? []), ...attachments] };
}

/**
 * After a top-level task reports: a lead completes its assisting tasks (协办自动办结); the ticket
 * reaches result review only when every lead/single/parallel task has reported (多部门: all).
 */
async function settleTopLevel(trx: Db, deps: Deps, who: EventActor, ticket: Ticket, task: Task, notices: Notices) {
  const now = deps.clock.now();
  if (task.role === 'lead') {
    await trx
      .updateTable('ticket_task')
      .set({ status: 'done', closed_at: now, result: JSON.stringify({ result: '主办单位已反馈，协办任务随主办办结', auto: 'lead-completed' }) })
      .where('ticket_id', '=', ticket.id)
      .where('parent_id', 'is', null)
      .where('role', '=', 'assist')
      .where('status', 'in', ['awaiting_sign', 'in_progress', 'return_requested', 'suspended'])
      .execute();
  }
  const top = (await tasksOf(trx, ticket.id)).filter((k) => k.parent_id === null && k.role !== 'assist' && k.status !== 'cancelled' && k.status !== 'returned');
  if (top.length === 0 || top.some((k) => k.status !== 'reported' && k.status !== 'done')) return ticket.status;
  const to = nextTicketStatus('all_reported', ticket.status);
  await updateTicket(trx, ticket, deps.clock, { status: to });
  await writeEvent(trx, deps.clock, who, { ticketId: ticket.id, action: 'all_reported', from: ticket.status, to });
  await notices.toPermission(ticket.tenant_id, 'ticket:review', `工单待办结审核：${ticket.no}`, ticket.title);
  return to;
}

/** 办结审核: approve (办结, optionally reusing a unit's text) or send back to the unit(s). */
export async function reviewResult(deps: Deps, actor: Actor, id: string, input: { approve: boolean; opinion: string; reply?: string; taskIds?: string[] }) {
  if (!input.approve && !input.opinion.trim()) throw invalid('退回须填写审核意见');
  return commit(deps, actor, async (trx) => {
    const t = await lockTicket(trx, actor, id);
    await assertHotline(trx, actor, t);
    const notices = new Notices(trx, deps, { id: actor.userId, name: actor.displayName });
    const reported = (await tasksOf(trx, t.id)).filter((k) => k.parent_id === null && k.status === 'reported');
    const status = input.approve ? await approveResult(trx, deps, actor, t, reported, input, notices) : await rejectResult(trx, deps, actor, t, reported, input, notices);
    return { result: { id: t.id, status }, audit: { action: input.approve ? 'ticket.review.approve' : 'ticket.review.reject', targetType: 'ticket', targetId: t.id, detail: { no: t.no, opinion: input.opinion } }, events: notices.events };
  });
}

async function approveResult(trx: Db, deps: Deps, actor: Actor, t: Ticket, reported: Task[], input: { opinion: string; reply?: string }, notices: Notices) {
  const to = nextTicketStatus('review_approve', t.status);
  const now = deps.clock.now();
  await trx.updateTable('ticket_task').set({ status: 'done', closed_at: now }).where('id', 'in', reported.length ? reported.map((k) => k.id) : ['00000000-0000-0000-0000-000000000000']).execute();
  const answer = input.reply?.trim() || reported.map((k) => k.result?.result ?? '').filter(Boolean).join('\n');
  await updateTicket(trx, t, deps.clock, { status: to, answer, completed_at: now });
  await writeEvent(trx, deps.clock, actorOf(actor), { ticketId: t.id, action: 'review_approve', from: t.status, to, opinion: input.opinion });
  const fresh = await trx.selectFrom('ticket').selectAll().where('id', '=', t.id).executeTakeFirstOrThrow();
  return startCallback(trx, deps, actorOf(actor), fresh, notices);
}

async function rejectResult(trx: Db, deps: Deps, actor: Actor, t: Ticket, reported: Task[], input: { opinion: string; taskIds?: string[] }, notices: Notices) {
  const to = nextTicketStatus('review_reject', t.status);
  const back = input.taskIds?.length ? reported.filter((k) => input.taskIds!.includes(k.id)) : reported;
  if (back.length === 0) throw invalid('请选择要退回的承办单位');
  for (const k of back) {
    await updateTask(trx, k, { status: nextTaskStatus('review_reject', k.status) });
    await notices.toOrg(k.tenant_id, k.org_id, `工单审核退回：${t.no}`, input.opinion);
  }
  await updateTicket(trx, t, deps.clock, { status: to });
  await writeEvent(trx, deps.clock, actorOf(actor), { ticketId: t.id, action: 'review_reject', from: t.status, to, opinion: input.opinion, detail: { units: back.map((k) => k.org_name) } });
  return to;
}
