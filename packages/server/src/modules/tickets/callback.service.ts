import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { TicketCallbackTable, TicketStatus } from '../../platform/db/schema.js';
import type { Selectable } from 'kysely';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { commit } from '../../platform/usecase.js';
import { nextTaskStatus, nextTicketStatus } from './ticket.machine.js';
import { actorOf, allocateTicketNo, lockTicket, lockTicketById, SYSTEM, SYSTEM_AUDIT, tasksOf, updateTask, updateTicket, writeEvent, type EventActor, type Ticket } from './ticket.repository.js';
import { assertHotline } from './ticket.access.js';
import { Notices } from './ticket.notify.js';
import { callbackModeFor, policyFor } from './ticket.policy.js';
import { robotOpening, robotTurn, type RobotOutcome, type RobotState } from './callback-robot.js';
import { insertTicket } from './intake.service.js';

/**
 * 回访 (B5): after 办结 a callback task is created by policy — a person's queue, an SMS with an H5
 * evaluation link, or the robot. Whatever the channel, the result lands in applyResult():
 * satisfied → archived; dissatisfied → back to the original units (demo ②3); no answer by the
 * deadline → closed as the policy says.
 */
export type Callback = Selectable<TicketCallbackTable>;

export const ROBOT_TOPIC = 'ticket.callback.robot';
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export async function startCallback(trx: Db, deps: Deps, who: EventActor, ticket: Ticket, notices: Notices): Promise<TicketStatus> {
  const policy = await policyFor(trx, ticket.tenant_id);
  const mode = callbackModeFor(policy, ticket.item_id, ticket.callback_mode);
  const round = (await trx.selectFrom('ticket_callback').select('id').where('ticket_id', '=', ticket.id).execute()).length + 1;
  if (policy.resultSmsToCitizen && ticket.answer) {
    await notices.sms({ dedupeKey: `result:${ticket.id}:${round}`, tenantId: ticket.tenant_id, phoneEnc: ticket.citizen_phone_enc, body: `【12345热线】您反映的问题（工单号${ticket.no}）已办结：${ticket.answer.slice(0, 200)}` });
  }
  if (mode === 'none') return archive(trx, deps, who, ticket, 'archive_direct', 'no_callback');
  const now = deps.clock.now();
  const token = mode === 'sms' ? randomBytes(18).toString('base64url') : null;
  const id = randomUUID();
  const robot = mode === 'robot' ? robotOpening(ticket) : null;
  await trx
    .insertInto('ticket_callback')
    .values({ id, ticket_id: ticket.id, round, mode, status: 'pending', token_hash: token ? tokenHash(token) : null, due_at: new Date(now.getTime() + policy.callbackHours * 3_600_000), robot_state: robot ? JSON.stringify(robot.state) : null, result: null, service_rating: null, handling_rating: null, comment: null, channel: null, done_by_name: null, done_at: null, created_at: now })
    .execute();
  await updateTicket(trx, ticket, deps.clock, { status: 'callback' });
  await writeEvent(trx, deps.clock, who, { ticketId: ticket.id, action: 'callback_start', from: ticket.status, to: 'callback', detail: { mode, round } });
  if (token) {
    await notices.sms({ dedupeKey: `callback:${id}`, tenantId: ticket.tenant_id, phoneEnc: ticket.citizen_phone_enc, body: `【12345热线】请对工单${ticket.no}的办理情况进行评价：/h5/evaluate?t=${token}` });
  }
  if (robot) notices.events.push({ topic: ROBOT_TOPIC, payload: { callbackId: id, ticketId: ticket.id, opening: robot.say } });
  if (mode === 'manual') await notices.toPermission(ticket.tenant_id, 'ticket:callback', `工单待回访：${ticket.no}`, ticket.title);
  return 'callback';
}

async function archive(trx: Db, deps: Deps, who: EventActor, t: Ticket, action: 'archive_direct' | 'callback_satisfied' | 'callback_closed' | 'appeal_approved', reason: string): Promise<TicketStatus> {
  const to = nextTicketStatus(action, t.status);
  await updateTicket(trx, t, deps.clock, { status: to, close_reason: reason, archived_at: deps.clock.now() });
  await writeEvent(trx, deps.clock, who, { ticketId: t.id, action, from: t.status, to, detail: { reason } });
  return to;
}

export interface CallbackResultInput {
  result: 'satisfied' | 'dissatisfied' | 'unreachable';
  handlingRating?: number | null;
  serviceRating?: number | null;
  comment?: string | null;
  channel: string;
}

/** Records a callback outcome and moves the ticket. Shared by people, the H5 page and the robot. */
async function applyResult(trx: Db, deps: Deps, who: EventActor, t: Ticket, cb: Callback, input: CallbackResultInput, notices: Notices): Promise<TicketStatus> {
  if (cb.status !== 'pending') throw new AppError('INVALID_STATE', '该回访已完成，不能重复评价', 409);
  await trx
    .updateTable('ticket_callback')
    .set({ status: 'done', result: input.result, handling_rating: input.handlingRating ?? null, service_rating: input.serviceRating ?? null, comment: input.comment ?? null, channel: input.channel, done_by_name: who.name, done_at: deps.clock.now() })
    .where('id', '=', cb.id)
    .execute();
  const record = { callbackId: cb.id, round: cb.round, result: input.result, handlingRating: input.handlingRating ?? null, serviceRating: input.serviceRating ?? null, comment: input.comment ?? null, channel: input.channel };
  await writeEvent(trx, deps.clock, who, { ticketId: t.id, action: 'callback_result', opinion: input.comment ?? null, detail: record });
  if (input.result === 'satisfied') return archive(trx, deps, who, t, 'callback_satisfied', 'satisfied');
  if (input.result === 'unreachable') return archive(trx, deps, who, t, 'callback_closed', 'callback_unreachable');
  return returnToUnits(trx, deps, who, t, record, notices);
}

/** 不满意 → the original handling units get the ticket back, with the callback record (demo ②3). */
async function returnToUnits(trx: Db, deps: Deps, who: EventActor, t: Ticket, record: Record<string, unknown>, notices: Notices): Promise<TicketStatus> {
  const to = nextTicketStatus('callback_dissatisfied', t.status);
  const finals = (await tasksOf(trx, t.id)).filter((k) => k.parent_id === null && k.role !== 'assist' && k.status === 'done');
  for (const k of finals) {
    await updateTask(trx, k, { status: nextTaskStatus('reopen', k.status), closed_at: null });
    await notices.toOrg(k.tenant_id, k.org_id, `【回访不满意】工单${t.no}退回重办`, `回访结果：不满意。${String(record.comment ?? '')}`);
  }
  await updateTicket(trx, t, deps.clock, { status: to, complaint_count: t.complaint_count + 1 });
  await writeEvent(trx, deps.clock, who, { ticketId: t.id, action: 'callback_dissatisfied', from: t.status, to, detail: { ...record, units: finals.map((k) => k.org_name) } });
  return to;
}

async function pendingCallback(trx: Db, ticketId: string): Promise<Callback> {
  const cb = await trx.selectFrom('ticket_callback').selectAll().where('ticket_id', '=', ticketId).where('status', '=', 'pending').orderBy('round', 'desc').executeTakeFirst();
  if (!cb) throw new AppError('INVALID_STATE', '该工单没有待回访任务', 409);
  return cb;
}

/** 执行回访 by a person (manual queue, or taking over any channel). */
export async function recordCallback(deps: Deps, actor: Actor, ticketId: string, input: CallbackResultInput) {
  return commit(deps, actor, async (trx) => {
    const t = await lockTicket(trx, actor, ticketId);
    await assertHotline(trx, actor, t);
    const cb = await pendingCallback(trx, t.id);
    const notices = new Notices(trx, deps, { id: actor.userId, name: actor.displayName });
    const status = await applyResult(trx, deps, actorOf(actor), t, cb, input, notices);
    return { result: { id: t.id, status }, audit: { action: 'ticket.callback', targetType: 'ticket', targetId: t.id, detail: { no: t.no, result: input.result, channel: input.channel } }, events: notices.events };
  });
}

async function callbackByToken(trx: Db, token: string): Promise<Callback> {
  const cb = await trx.selectFrom('ticket_callback').selectAll().where('token_hash', '=', tokenHash(token)).executeTakeFirst();
  if (!cb) throw notFound('评价链接');
  return cb;
}

/** What the H5 evaluation page shows before the citizen answers (no personal data). */
export async function evaluationView(deps: Deps, token: string) {
  const cb = await callbackByToken(deps.db, token);
  const t = await deps.db.selectFrom('ticket').select(['no', 'title', 'answer']).where('id', '=', cb.ticket_id).executeTakeFirstOrThrow();
  return { no: t.no, title: t.title, answer: t.answer, status: cb.status, dueAt: cb.due_at };
}

/** The citizen's own evaluation from the SMS link: two dimensions, star ratings, optional comment. */
export async function evaluateByToken(deps: Deps, token: string, input: CitizenRating) {
  const cb = await callbackByToken(deps.db, token);
  return evaluateCallback(deps, cb.id, input, 'sms-h5');
}

export interface CitizenRating {
  handlingRating: number;
  serviceRating: number;
  comment?: string;
}

/** A citizen's rating, by the SMS link or the progress page; 1–2 stars for handling is 不满意. */
export async function evaluateCallback(deps: Deps, callbackId: string, input: CitizenRating, channel: 'sms-h5' | 'web') {
  return commit(deps, SYSTEM_AUDIT, async (trx) => {
    const ref = await trx.selectFrom('ticket_callback').select('ticket_id').where('id', '=', callbackId).executeTakeFirstOrThrow();
    const t = await lockTicketById(trx, ref.ticket_id);
    const cb = await trx.selectFrom('ticket_callback').selectAll().where('id', '=', callbackId).executeTakeFirstOrThrow();
    const notices = new Notices(trx, deps, { id: null, name: '诉求人' });
    const result = input.handlingRating <= 2 ? 'dissatisfied' : 'satisfied';
    const who = { ...SYSTEM, name: channel === 'sms-h5' ? '诉求人（短信评价）' : '诉求人（网上评价）' };
    const status = await applyResult(trx, deps, who, t, cb, { result, handlingRating: input.handlingRating, serviceRating: input.serviceRating, comment: input.comment ?? null, channel }, notices);
    return { result: { no: t.no, result, status }, audit: { action: 'ticket.callback.citizen', targetType: 'ticket', targetId: t.id, detail: { no: t.no, result, channel } }, events: notices.events };
  });
}

/**
 * One turn of the callback robot. The caller is the voice robot (ASR text or a DTMF digit) or a
 * text channel; when the dialogue ends its outcome is applied like any other callback result.
 */
export async function robotCallbackTurn(deps: Deps, actor: Actor, ticketId: string, input: { utterance: string }) {
  return commit(deps, actor, async (trx) => {
    const t = await lockTicket(trx, actor, ticketId);
    await assertHotline(trx, actor, t);
    const cb = await pendingCallback(trx, t.id);
    if (cb.mode !== 'robot' || !cb.robot_state) throw invalid('该回访不是机器人回访');
    const reply = robotTurn(cb.robot_state as unknown as RobotState, input.utterance);
    await trx.updateTable('ticket_callback').set({ robot_state: JSON.stringify(reply.state) }).where('id', '=', cb.id).execute();
    const notices = new Notices(trx, deps, { id: null, name: '智能回访机器人' });
    const status = reply.outcome ? await applyRobotOutcome(trx, deps, t, cb, reply.outcome, notices) : t.status;
    return { result: { say: reply.say, done: !!reply.outcome, outcome: reply.outcome ?? null, status }, audit: { action: 'ticket.callback.robot', targetType: 'ticket', targetId: t.id, detail: { no: t.no, step: reply.state.step, outcome: reply.outcome?.result ?? null } }, events: notices.events };
  });
}

async function applyRobotOutcome(trx: Db, deps: Deps, t: Ticket, cb: Callback, o: RobotOutcome, notices: Notices): Promise<TicketStatus> {
  const who = { ...SYSTEM, name: '智能回访机器人' };
  if (o.result === 'unreachable') {
    // The robot gave up: a person takes over the same callback.
    await trx.updateTable('ticket_callback').set({ mode: 'manual', comment: o.comment }).where('id', '=', cb.id).execute();
    await writeEvent(trx, deps.clock, who, { ticketId: t.id, action: 'callback_to_manual', opinion: o.comment });
    await notices.toPermission(t.tenant_id, 'ticket:callback', `机器人回访未完成，转人工：${t.no}`, t.title);
    return t.status;
  }
  return applyResult(trx, deps, who, t, cb, { result: o.result, handlingRating: o.handlingRating, serviceRating: o.serviceRating, comment: o.comment, channel: 'robot' }, notices);
}

/** 超期自动办结: callbacks nobody answered by their deadline close as the policy says. */
export async function expireCallbacks(deps: Deps): Promise<number> {
  const due = await deps.db.selectFrom('ticket_callback').select(['id', 'ticket_id']).where('status', '=', 'pending').where('due_at', '<=', deps.clock.now()).where('mode', '!=', 'manual').limit(200).execute();
  let n = 0;
  for (const d of due) {
    n += await commit(deps, SYSTEM_AUDIT, async (trx) => {
      const cb = await trx.selectFrom('ticket_callback').selectAll().where('id', '=', d.id).forUpdate().executeTakeFirstOrThrow();
      if (cb.status !== 'pending') return { result: 0, audit: [] };
      const t = await lockTicketById(trx, cb.ticket_id);
      const policy = await policyFor(trx, t.tenant_id);
      await trx.updateTable('ticket_callback').set({ status: 'expired', result: policy.unansweredResult, done_at: deps.clock.now(), done_by_name: '系统', channel: cb.mode }).where('id', '=', cb.id).execute();
      const reason = policy.unansweredResult === 'satisfied' ? 'callback_expired' : 'callback_unreachable';
      await archive(trx, deps, SYSTEM, t, 'callback_closed', reason);
      return { result: 1, audit: { action: 'ticket.callback.expire', targetType: 'ticket', targetId: t.id, detail: { no: t.no, mode: cb.mode, closedAs: reason } } };
    });
  }
  return n;
}

/** 重办: the citizen wants the demand handled again; a new ticket is linked to the old one as 重复. */
export async function redoTicket(deps: Deps, actor: Actor, ticketId: string, input: { reason: string }) {
  const no = await allocateTicketNo(deps);
  return commit(deps, actor, async (trx) => {
    const old = await lockTicket(trx, actor, ticketId);
    await assertHotline(trx, actor, old);
    nextTicketStatus('redo', old.status);
    const phone = old.citizen_phone_enc ? deps.cipher.decrypt(old.citizen_phone_enc) : undefined;
    const fresh = await insertTicket(
      trx,
      deps,
      { actor, source: null },
      { channel: old.channel, kind: old.kind ?? undefined, title: old.title, content: `【重办，原工单${old.no}】${input.reason}\n${old.content}`, itemId: old.item_id, urgency: old.urgency, citizen: { name: old.citizen_name, phone }, regionCode: old.region_code, regionName: old.region_name, address: old.address, lat: old.lat, lng: old.lng, enterpriseId: old.enterprise_id, enterpriseName: old.enterprise_name },
      'registered',
      { no, redoOf: old.id },
    );
    await trx.updateTable('ticket_callback').set({ status: 'cancelled' }).where('ticket_id', '=', old.id).where('status', '=', 'pending').execute();
    if (old.status !== 'archived') {
      await updateTicket(trx, old, deps.clock, { status: 'archived', close_reason: 'redo', archived_at: deps.clock.now() });
    }
    await writeEvent(trx, deps.clock, actorOf(actor), { ticketId: old.id, action: 'redo', from: old.status, to: 'archived', opinion: input.reason, detail: { newTicket: fresh.no, newTicketId: fresh.id } });
    await writeEvent(trx, deps.clock, actorOf(actor), { ticketId: fresh.id, action: 'register', to: 'registered', opinion: input.reason, detail: { redoOf: old.no } });
    return { result: { id: fresh.id, no: fresh.no, redoOf: old.no }, audit: { action: 'ticket.redo', targetType: 'ticket', targetId: fresh.id, detail: { no: fresh.no, redoOf: old.no, reason: input.reason } } };
  });
}
