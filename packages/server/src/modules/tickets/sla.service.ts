import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { SlaRuleTable, SlaUnit } from '../../platform/db/schema.js';
import type { Selectable } from 'kysely';
import { invalid, notFound } from '../../platform/errors.js';
import { commit } from '../../platform/usecase.js';
import { tenantVisible } from '../../platform/scope.js';
import { resolveTimeLimit } from '../catalog/time-limit.service.js';
import { WorkingCalendar, beijingMinute, deadlineFor, warnAt as warnInstant, type CalendarOverride } from './sla/working-calendar.js';
import { lockTicketById, SYSTEM, SYSTEM_AUDIT, updateTicket, writeEvent, type Ticket } from './ticket.repository.js';
import { Notices } from './ticket.notify.js';
import { assertUserInReach } from './ticket.access.js';

/**
 * 办结时限 in motion: the deadline a ticket gets at its first dispatch (from the catalogue's time
 * limits and the holiday calendar), and the sweep that turns time into warnings, overdue marks and
 * supervision orders. The sweep is idempotent (one supervision per rule and ticket), so running it
 * every minute on several workers is safe.
 */
export type SlaRule = Selectable<SlaRuleTable>;

/**
 * Calendars per tenant, cached for a minute: every dispatch and resume needs one, and local
 * overrides change a few times a year (setCalendarDay clears the cache on this node).
 */
const CALENDAR_TTL_MS = 60_000;
const calendars = new Map<string, { cal: WorkingCalendar; at: number }>();
export const forgetCalendars = () => calendars.clear();

export async function calendarFor(db: Db, tenantId: string): Promise<WorkingCalendar> {
  const hit = calendars.get(tenantId);
  if (hit && Date.now() - hit.at < CALENDAR_TTL_MS) return hit.cal;
  const cal = await loadCalendar(db, tenantId);
  calendars.set(tenantId, { cal, at: Date.now() });
  return cal;
}

async function loadCalendar(db: Db, tenantId: string): Promise<WorkingCalendar> {
  const tenant = await db.selectFrom('tenant').select('path').where('id', '=', tenantId).executeTakeFirst();
  const ancestors = (tenant?.path ?? '').split('/').filter(Boolean);
  const rows = ancestors.length
    ? await db.selectFrom('calendar_override').innerJoin('tenant', 'tenant.id', 'calendar_override.tenant_id').select(['date', 'calendar_override.kind', 'calendar_override.name', 'tenant.path']).where('tenant_id', 'in', ancestors).execute()
    : [];
  // A lower tenant's override of the same date wins over its parent's.
  const byDate = new Map<string, CalendarOverride & { depth: number }>();
  for (const r of rows) {
    const depth = r.path.length;
    const prev = byDate.get(r.date);
    if (!prev || prev.depth < depth) byDate.set(r.date, { date: r.date, kind: r.kind, name: r.name, depth });
  }
  return new WorkingCalendar({ overrides: [...byDate.values()] });
}

/** The deadline columns for a ticket first dispatched to a unit of `level`. */
export async function startDeadline(trx: Db, deps: Deps, t: Ticket, level: number) {
  const limit = await resolveTimeLimit(trx, { tenantId: t.tenant_id, level: Math.min(5, Math.max(1, level)), industry: t.industry, urgency: t.urgency, itemId: t.item_id });
  const cal = await calendarFor(trx, t.tenant_id);
  const now = deps.clock.now();
  const deadline = deadlineFor(cal, now, limit.amount, limit.unit);
  return {
    sla_amount: limit.amount,
    sla_unit: limit.unit as SlaUnit,
    sla_warn_ratio: limit.warnRatio,
    deadline_at: deadline,
    warn_at: warnInstant(cal, now, deadline, limit.warnRatio, limit.unit),
  };
}

// ------------------------------------------------------------------ sweep

const OPEN_HANDLING = ['handling', 'rework', 'return_review', 'result_review', 'pending_dispatch'] as const;

/** Tickets whose clock is stopped: a task of theirs is suspended (挂起 pauses the SLA). */
const notSuspended = sql<boolean>`not exists (select 1 from ticket_task s where s.ticket_id = ticket.id and s.status = 'suspended')`;

export interface SweepResult {
  overdue: number;
  nearDue: number;
  warnings: number;
  supervisions: number;
}

/** Marks newly overdue tickets and fires the active rules. Returns what it did. */
export async function sweepSla(deps: Deps): Promise<SweepResult> {
  const now = deps.clock.now();
  const overdue = await deps.db
    .updateTable('ticket')
    .set({ overdue: true })
    .where('status', 'in', [...OPEN_HANDLING])
    .where('overdue', '=', false)
    .where('deadline_at', '<=', now)
    .where(notSuspended)
    .returning(['id', 'no'])
    .execute();
  const nearDue = await warnNearDue(deps, now);
  const rules = await deps.db.selectFrom('sla_rule').selectAll().where('active', '=', true).execute();
  let warnings = 0;
  let supervisions = 0;
  for (const rule of rules) {
    for (const t of await matchingTickets(deps.db, rule, now)) {
      const created = await fireRule(deps, rule, t);
      if (created && rule.kind === 'warning') warnings++;
      if (created && rule.kind === 'supervision') supervisions++;
    }
  }
  return { overdue: overdue.length, nearDue, warnings, supervisions };
}

/**
 * 黄灯: when the warn share of the limit has passed, the units holding the ticket are told once,
 * without any rule configured (rules add SMS, other thresholds and supervision on top).
 */
async function warnNearDue(deps: Deps, now: Date): Promise<number> {
  const due = await deps.db
    .selectFrom('ticket')
    .select('id')
    .where('status', 'in', ['handling', 'rework'])
    .where('warned_at', 'is', null)
    .where('warn_at', '<=', now)
    .where('deadline_at', '>', now)
    .where(notSuspended)
    .limit(500)
    .execute();
  for (const { id } of due) {
    await commit(deps, SYSTEM_AUDIT, async (trx) => {
      const t = await lockTicketById(trx, id);
      if (t.warned_at) return { result: undefined, audit: [] };
      await updateTicket(trx, t, deps.clock, { warned_at: now });
      const notices = new Notices(trx, deps, { id: null, name: '系统' });
      const tasks = await trx.selectFrom('ticket_task').select(['tenant_id', 'org_id']).where('ticket_id', '=', t.id).where('status', 'in', ['awaiting_sign', 'in_progress']).execute();
      const left = beijingMinute(t.deadline_at);
      for (const k of tasks) await notices.toOrg(k.tenant_id, k.org_id, `【临期预警】工单${t.no}`, `办理期限${left}，请抓紧办理。`);
      await writeEvent(trx, deps.clock, SYSTEM, { ticketId: t.id, action: 'near_due', detail: { deadlineAt: t.deadline_at } });
      return { result: undefined, audit: { action: 'ticket.near_due', targetType: 'ticket', targetId: t.id, detail: { no: t.no } }, events: notices.events };
    });
  }
  return due.length;
}

/** The open tickets a rule applies to right now, excluding those it already fired on. */
export async function matchingTickets(db: Db, rule: SlaRule, now: Date): Promise<Ticket[]> {
  const threshold = Number(rule.threshold);
  let q = db
    .selectFrom('ticket')
    .selectAll()
    .where('status', 'in', [...OPEN_HANDLING])
    .where((eb) => eb('ticket.tenant_id', 'in', eb.selectFrom('tenant').select('tenant.id').where('tenant.path', 'like', sql<string>`(select path from tenant where id = ${rule.tenant_id}) || '%'`)))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('ticket_supervision').select(sql`1`.as('one')).whereRef('ticket_supervision.ticket_id', '=', 'ticket.id').where('ticket_supervision.rule_id', '=', rule.id))));
  if (rule.item_id) q = q.where('item_id', '=', rule.item_id);
  if (rule.region_code) q = q.where('region_code', 'like', `${rule.region_code}%`);
  switch (rule.trigger) {
    case 'near_due':
      q = q.where('deadline_at', '>', now).where('deadline_at', '<=', new Date(now.getTime() + threshold * 3_600_000)).where(notSuspended);
      break;
    case 'overdue':
      q = q.where('deadline_at', '<=', new Date(now.getTime() - threshold * 3_600_000)).where(notSuspended);
      break;
    case 'returns':
      q = q.where('return_count', '>=', threshold);
      break;
    case 'complaints':
      q = q.where('complaint_count', '>=', threshold);
      break;
  }
  return q.orderBy('deadline_at').limit(500).execute();
}

const TRIGGER_TEXT: Record<SlaRule['trigger'], (n: number) => string> = {
  near_due: (n) => `距办结时限不足${n}小时`,
  overdue: (n) => (n > 0 ? `超期已达${n}小时` : '已超期'),
  returns: (n) => `退单已达${n}次`,
  complaints: (n) => `催办/投诉已达${n}次`,
};

/** One warning or supervision order per rule and ticket, aimed at the units holding it. */
async function fireRule(deps: Deps, rule: SlaRule, ticket: Ticket): Promise<boolean> {
  return commit(deps, SYSTEM_AUDIT, async (trx) => {
    const task = await trx.selectFrom('ticket_task').selectAll().where('ticket_id', '=', ticket.id).where('status', 'in', ['awaiting_sign', 'in_progress', 'suspended', 'return_requested']).orderBy('depth', 'desc').executeTakeFirst();
    const reason = `${rule.name}：${TRIGGER_TEXT[rule.trigger](Number(rule.threshold))}`;
    const inserted = await trx
      .insertInto('ticket_supervision')
      .values({
        id: randomUUID(),
        ticket_id: ticket.id,
        task_id: task?.id ?? null,
        rule_id: rule.id,
        kind: rule.kind,
        level: rule.level,
        reason,
        requirement: rule.requirement,
        target_org_id: task?.org_id ?? null,
        target_org_name: task?.org_name ?? null,
        owner_id: rule.owner_id,
        status: rule.kind === 'warning' ? 'closed' : 'open',
        reply: null,
        first_response_at: null,
        closed_at: rule.kind === 'warning' ? deps.clock.now() : null,
        created_by_name: '系统规则',
        created_at: deps.clock.now(),
      })
      .onConflict((oc) => oc.columns(['ticket_id', 'rule_id']).where('rule_id', 'is not', null).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return { result: false, audit: [] };
    const notices = new Notices(trx, deps, { id: null, name: '系统' });
    if (task) await notices.toOrg(task.tenant_id, task.org_id, `${rule.kind === 'warning' ? '【预警】' : '【督办】'}工单${ticket.no}`, `${reason}${rule.requirement ? `；要求：${rule.requirement}` : ''}`);
    if (rule.owner_id) await notices.toUsers(ticket.tenant_id, [rule.owner_id], `【督办】工单${ticket.no}`, reason);
    const channels = rule.channels as string[];
    if (task && channels.includes('sms')) await smsUnitLeaders(trx, notices, ticket, task.org_id, reason, rule.id);
    if (rule.kind === 'supervision') await updateTicket(trx, ticket, deps.clock, { supervised: true });
    await writeEvent(trx, deps.clock, SYSTEM, { ticketId: ticket.id, taskId: task?.id ?? null, action: rule.kind === 'warning' ? 'warning' : 'supervise', opinion: reason, detail: { ruleId: rule.id, level: rule.level } });
    return {
      result: true,
      audit: { action: `ticket.${rule.kind === 'warning' ? 'warning' : 'supervise'}`, targetType: 'ticket', targetId: ticket.id, detail: { no: ticket.no, rule: rule.name, reason } },
      events: notices.events,
    };
  });
}

async function smsUnitLeaders(trx: Db, notices: Notices, ticket: Ticket, orgId: string, reason: string, ruleId: string): Promise<void> {
  const leaders = await trx
    .selectFrom('app_user')
    .innerJoin('user_role', 'user_role.user_id', 'app_user.id')
    .innerJoin('role', 'role.id', 'user_role.role_id')
    .select(['app_user.id', 'app_user.phone_enc', 'app_user.tenant_id'])
    .where('app_user.org_id', '=', orgId)
    .where((eb) => eb(eb.val('ticket:handle:approve'), '=', eb.fn.any('role.permissions')))
    .execute();
  for (const l of leaders) {
    await notices.sms({ dedupeKey: `rule:${ruleId}:${ticket.id}:${l.id}`, tenantId: l.tenant_id, phoneEnc: l.phone_enc, body: `【12345热线】工单${ticket.no}${reason}，请及时处理。` });
  }
}

// ------------------------------------------------------------------ rules

export interface RuleInput {
  name: string;
  kind: 'warning' | 'supervision';
  trigger: SlaRule['trigger'];
  threshold: number;
  level?: string;
  requirement?: string;
  channels?: string[];
  itemId?: string | null;
  regionCode?: string | null;
  ownerId?: string | null;
}

export async function listRules(deps: Deps, actor: Actor) {
  const rows = await deps.db.selectFrom('sla_rule').selectAll().where((eb) => tenantVisible(eb, 'sla_rule.tenant_id', actor)).orderBy('updated_at', 'desc').execute();
  return { items: rows.map(ruleView), total: rows.length };
}

export function ruleView(r: SlaRule) {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    kind: r.kind,
    trigger: r.trigger,
    threshold: Number(r.threshold),
    level: r.level,
    requirement: r.requirement,
    channels: r.channels,
    itemId: r.item_id,
    regionCode: r.region_code,
    ownerId: r.owner_id,
    active: r.active,
    testedAt: r.tested_at,
    testResult: r.test_result,
    updatedAt: r.updated_at,
  };
}

async function loadRule(db: Db, actor: Actor, id: string): Promise<SlaRule> {
  const r = await db.selectFrom('sla_rule').selectAll().where('id', '=', id).where('tenant_id', '=', actor.tenantId).forUpdate().executeTakeFirst();
  if (!r) throw notFound('规则');
  return r;
}

function ruleColumns(input: RuleInput) {
  if ((input.trigger === 'returns' || input.trigger === 'complaints') && (!Number.isInteger(input.threshold) || input.threshold < 1)) throw invalid('次数阈值须为正整数');
  if (input.kind === 'warning' && input.trigger !== 'near_due' && input.trigger !== 'overdue') throw invalid('预警规则只能按临近时限或超期触发');
  return {
    name: input.name,
    kind: input.kind,
    trigger: input.trigger,
    threshold: input.threshold,
    level: input.level ?? 'county',
    requirement: input.requirement ?? '',
    channels: JSON.stringify(input.channels ?? ['inapp']),
    item_id: input.itemId ?? null,
    region_code: input.regionCode ?? null,
    owner_id: input.ownerId ?? null,
  };
}

/** A new or edited rule is inactive and untested: it must pass a dry run before it can act. */
export async function saveRule(deps: Deps, actor: Actor, id: string | null, input: RuleInput) {
  const columns = ruleColumns(input);
  return commit(deps, actor, async (trx) => {
    if (input.ownerId) await assertUserInReach(trx, actor, input.ownerId);
    const ruleId = id ?? randomUUID();
    if (id) {
      await loadRule(trx, actor, id);
      await trx.updateTable('sla_rule').set({ ...columns, active: false, tested_at: null, test_result: null, updated_at: deps.clock.now() }).where('id', '=', id).execute();
    } else {
      await trx.insertInto('sla_rule').values({ id: ruleId, tenant_id: actor.tenantId, ...columns, active: false, tested_at: null, test_result: null, updated_at: deps.clock.now() }).execute();
    }
    const row = await trx.selectFrom('sla_rule').selectAll().where('id', '=', ruleId).executeTakeFirstOrThrow();
    return { result: ruleView(row), audit: { action: id ? 'sla_rule.update' : 'sla_rule.create', targetType: 'sla_rule', targetId: ruleId, detail: { ...input } } };
  });
}

/** 模拟测试: which open tickets the rule would hit now, without writing anything but the test record. */
export async function dryRunRule(deps: Deps, actor: Actor, id: string) {
  return commit(deps, actor, async (trx) => {
    const rule = await loadRule(trx, actor, id);
    const hits = await matchingTickets(trx, rule, deps.clock.now());
    const result = { matched: hits.length, sample: hits.slice(0, 20).map((t) => ({ id: t.id, no: t.no, title: t.title, deadlineAt: t.deadline_at, returnCount: t.return_count, complaintCount: t.complaint_count })) };
    await trx.updateTable('sla_rule').set({ tested_at: deps.clock.now(), test_result: JSON.stringify(result) }).where('id', '=', id).execute();
    return { result, audit: { action: 'sla_rule.dry_run', targetType: 'sla_rule', targetId: id, detail: { matched: hits.length } } };
  });
}

export async function setRuleActive(deps: Deps, actor: Actor, id: string, active: boolean) {
  return commit(deps, actor, async (trx) => {
    const rule = await loadRule(trx, actor, id);
    if (active && (!rule.tested_at || new Date(rule.tested_at) < new Date(rule.updated_at))) throw invalid('规则须先通过模拟测试才能启用');
    await trx.updateTable('sla_rule').set({ active }).where('id', '=', id).execute();
    return { result: { id, active }, audit: { action: active ? 'sla_rule.activate' : 'sla_rule.deactivate', targetType: 'sla_rule', targetId: id, detail: { name: rule.name } } };
  });
}

export async function deleteRule(deps: Deps, actor: Actor, id: string) {
  return commit(deps, actor, async (trx) => {
    const rule = await loadRule(trx, actor, id);
    if (await trx.selectFrom('ticket_supervision').select('id').where('rule_id', '=', id).executeTakeFirst()) {
      await trx.updateTable('sla_rule').set({ active: false }).where('id', '=', id).execute();
      return { result: { id, deleted: false, deactivated: true }, audit: { action: 'sla_rule.deactivate', targetType: 'sla_rule', targetId: id, detail: { name: rule.name, reason: '已有督办记录，停用而不删除' } } };
    }
    await trx.deleteFrom('sla_rule').where('id', '=', id).execute();
    return { result: { id, deleted: true, deactivated: false }, audit: { action: 'sla_rule.delete', targetType: 'sla_rule', targetId: id, detail: { name: rule.name } } };
  });
}
