import { randomUUID } from 'node:crypto';
import type { Actor, Deps } from '../../platform/context.js';
import { AppError, forbidden, invalid, notFound } from '../../platform/errors.js';
import { commit, pageOf } from '../../platform/usecase.js';
import { nextTicketStatus, isActiveTask } from './ticket.machine.js';
import { actorOf, lockTicket, tasksOf, ticketVisible, updateTicket, writeEvent } from './ticket.repository.js';
import { assertUserInReach, isMemberOf } from './ticket.access.js';
import { Notices } from './ticket.notify.js';
import { supervisionView } from './query.service.js';

/**
 * 督办 (E): manual supervision orders beside the rule-generated ones (sla.service.ts), the unit's
 * reply and the supervisor's close — the cycle 生成 → 执行 → 反馈 → 结案, with first-response time.
 */
export async function superviseTicket(deps: Deps, actor: Actor, ticketId: string, input: { level: string; requirement: string; reason: string; taskId?: string; ownerId?: string }) {
  return commit(deps, actor, async (trx) => {
    const t = await lockTicket(trx, actor, ticketId);
    nextTicketStatus('supervise', t.status);
    const tasks = (await tasksOf(trx, t.id)).filter((k) => isActiveTask(k.status));
    const task = input.taskId ? tasks.find((k) => k.id === input.taskId) : tasks.sort((a, b) => b.depth - a.depth)[0];
    if (input.taskId && !task) throw invalid('督办对象不是该工单当前的承办单位');
    if (input.ownerId) await assertUserInReach(trx, actor, input.ownerId);
    const id = randomUUID();
    await trx
      .insertInto('ticket_supervision')
      .values({ id, ticket_id: t.id, task_id: task?.id ?? null, rule_id: null, kind: 'supervision', level: input.level, reason: input.reason, requirement: input.requirement, target_org_id: task?.org_id ?? null, target_org_name: task?.org_name ?? null, owner_id: input.ownerId ?? actor.userId, status: 'open', reply: null, first_response_at: null, closed_at: null, created_by_name: actor.displayName, created_at: deps.clock.now() })
      .execute();
    await updateTicket(trx, t, deps.clock, { supervised: true });
    const notices = new Notices(trx, deps, { id: actor.userId, name: actor.displayName });
    if (task) await notices.toOrg(task.tenant_id, task.org_id, `【督办】工单${t.no}`, `${input.reason}；要求：${input.requirement}`);
    await writeEvent(trx, deps.clock, actorOf(actor), { ticketId: t.id, taskId: task?.id ?? null, action: 'supervise', opinion: input.reason, detail: { supervisionId: id, level: input.level, requirement: input.requirement } });
    return { result: { id }, audit: { action: 'ticket.supervise', targetType: 'ticket_supervision', targetId: id, detail: { no: t.no, level: input.level } }, events: notices.events };
  });
}

async function loadSupervision(deps: Deps, trx: Parameters<Parameters<typeof commit>[2]>[0], actor: Actor, id: string) {
  const s = await trx.selectFrom('ticket_supervision').selectAll().where('id', '=', id).executeTakeFirst();
  if (!s) throw notFound('督办单');
  const t = await lockTicket(trx, actor, s.ticket_id).catch(() => {
    throw notFound('督办单');
  });
  return { s, t };
}

/** The supervised unit answers (反馈); the first answer fixes the response time. */
export async function replySupervision(deps: Deps, actor: Actor, id: string, input: { reply: string }) {
  return commit(deps, actor, async (trx) => {
    const { s, t } = await loadSupervision(deps, trx, actor, id);
    if (s.status === 'closed') throw new AppError('INVALID_STATE', '督办单已结案', 409);
    if (!s.target_org_id || !(await isMemberOf(trx, actor, s.target_org_id, (await trx.selectFrom('org').select('tenant_id').where('id', '=', s.target_org_id).executeTakeFirstOrThrow()).tenant_id))) throw forbidden('只有被督办单位可以反馈');
    const now = deps.clock.now();
    await trx.updateTable('ticket_supervision').set({ status: 'responded', reply: input.reply, first_response_at: s.first_response_at ?? now }).where('id', '=', id).execute();
    await writeEvent(trx, deps.clock, actorOf(actor), { ticketId: t.id, taskId: s.task_id, action: 'supervision_reply', opinion: input.reply, detail: { supervisionId: id } });
    const notices = new Notices(trx, deps, { id: actor.userId, name: actor.displayName });
    if (s.owner_id) await notices.toUsers(t.tenant_id, [s.owner_id], `督办反馈：${t.no}`, input.reply);
    return { result: { id, status: 'responded' }, audit: { action: 'ticket.supervision.reply', targetType: 'ticket_supervision', targetId: id, detail: { no: t.no } }, events: notices.events };
  });
}

export async function closeSupervision(deps: Deps, actor: Actor, id: string, input: { opinion: string }) {
  return commit(deps, actor, async (trx) => {
    const { s, t } = await loadSupervision(deps, trx, actor, id);
    if (s.status === 'closed') throw new AppError('INVALID_STATE', '督办单已结案', 409);
    await trx.updateTable('ticket_supervision').set({ status: 'closed', closed_at: deps.clock.now() }).where('id', '=', id).execute();
    const open = await trx.selectFrom('ticket_supervision').select('id').where('ticket_id', '=', t.id).where('status', '!=', 'closed').where('id', '!=', id).where('kind', '=', 'supervision').executeTakeFirst();
    if (!open) await updateTicket(trx, t, deps.clock, { supervised: false });
    await writeEvent(trx, deps.clock, actorOf(actor), { ticketId: t.id, taskId: s.task_id, action: 'supervision_close', opinion: input.opinion, detail: { supervisionId: id } });
    return { result: { id, status: 'closed' }, audit: { action: 'ticket.supervision.close', targetType: 'ticket_supervision', targetId: id, detail: { no: t.no, opinion: input.opinion } } };
  });
}

/** Supervisors see the orders on tickets in their scope; units see the orders aimed at them. */
export async function listSupervisions(deps: Deps, actor: Actor, q: { status?: 'open' | 'responded' | 'closed'; kind?: 'warning' | 'supervision'; page?: number; pageSize?: number }) {
  const { page, pageSize } = pageOf(q);
  let base = deps.db.selectFrom('ticket_supervision').innerJoin('ticket', 'ticket.id', 'ticket_supervision.ticket_id').where((eb) => ticketVisible(eb, actor));
  if (!actor.permissions.has('ticket:supervise')) base = base.where('ticket_supervision.target_org_id', 'in', (eb) => eb.selectFrom('org').select('org.id').where('org.path', 'like', `${actor.orgPath}%`));
  if (q.status) base = base.where('ticket_supervision.status', '=', q.status);
  if (q.kind) base = base.where('ticket_supervision.kind', '=', q.kind);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base.selectAll('ticket_supervision').select(['ticket.no', 'ticket.title']).orderBy('ticket_supervision.created_at', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute();
  return { items: rows.map((r) => ({ ...supervisionView(r), no: r.no, title: r.title })), total: Number(total) };
}
