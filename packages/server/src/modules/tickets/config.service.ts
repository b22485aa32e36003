import type { Actor, Deps } from '../../platform/context.js';
import { invalid } from '../../platform/errors.js';
import { commit } from '../../platform/usecase.js';
import { WorkingCalendar } from './sla/working-calendar.js';
import { calendarFor, forgetCalendars } from './sla.service.js';
import { DEFAULT_POLICY, mergePolicy, policyFor, type PolicyPatch } from './ticket.policy.js';

/**
 * Per-tenant configuration of the work-order module: the policy (callback, approval chains, preset
 * reasons) and local holidays / workdays on top of the statutory calendar.
 */
export async function getPolicy(deps: Deps, actor: Actor) {
  const own = await deps.db.selectFrom('ticket_policy').select('policy').where('tenant_id', '=', actor.tenantId).executeTakeFirst();
  return { effective: await policyFor(deps.db, actor.tenantId), own: own?.policy ?? null, defaults: DEFAULT_POLICY };
}

export async function savePolicy(deps: Deps, actor: Actor, input: PolicyPatch) {
  const merged = mergePolicy(DEFAULT_POLICY, input);
  if (merged.suspensionReasons.length === 0) throw invalid('至少配置一个挂起条件');
  if (merged.returnReasons.length === 0) throw invalid('至少配置一个退回原因');
  for (const steps of Object.values(merged.approvals)) if (steps.length === 0) throw invalid('审批流程至少包含一个环节');
  return commit(deps, actor, async (trx) => {
    const now = deps.clock.now();
    await trx
      .insertInto('ticket_policy')
      .values({ tenant_id: actor.tenantId, policy: JSON.stringify(input), updated_at: now })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ policy: JSON.stringify(input), updated_at: now }))
      .execute();
    return { result: { effective: await policyFor(trx, actor.tenantId) }, audit: { action: 'ticket.policy.update', targetType: 'ticket_policy', targetId: actor.tenantId, detail: { ...input } } };
  });
}

export async function listCalendar(deps: Deps, actor: Actor, year: number) {
  const own = await deps.db.selectFrom('calendar_override').selectAll().where('tenant_id', '=', actor.tenantId).where('date', 'like', `${year}-%`).orderBy('date').execute();
  const cal = await calendarFor(deps.db, actor.tenantId);
  return {
    overrides: own.map((o) => ({ date: o.date, kind: o.kind, name: o.name })),
    hasStatutoryData: cal.hasStatutoryData(year),
    days: daysOf(cal, year),
  };
}

/** The non-ordinary days of a year (holidays and adjusted workdays) for the calendar page. */
function daysOf(cal: WorkingCalendar, year: number) {
  const out: { date: string; workday: boolean; reason: string; name?: string }[] = [];
  for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d = new Date(d.getTime() + 86_400_000)) {
    const date = d.toISOString().slice(0, 10);
    const k = cal.dayKind(date);
    if (k.reason !== 'weekday' && k.reason !== 'weekend') out.push({ date, workday: k.workday, reason: k.reason, name: k.name });
  }
  return out;
}

export async function setCalendarDay(deps: Deps, actor: Actor, input: { date: string; kind: 'holiday' | 'workday' | 'default'; name?: string }) {
  if (!isCalendarDate(input.date)) throw invalid('日期格式应为YYYY-MM-DD，且须是真实存在的日期');
  return commit(deps, actor, async (trx) => {
    await trx.deleteFrom('calendar_override').where('tenant_id', '=', actor.tenantId).where('date', '=', input.date).execute();
    if (input.kind !== 'default') await trx.insertInto('calendar_override').values({ tenant_id: actor.tenantId, date: input.date, kind: input.kind, name: input.name ?? '' }).execute();
    forgetCalendars();
    return { result: { date: input.date, kind: input.kind }, audit: { action: 'ticket.calendar.set', targetType: 'calendar_override', targetId: input.date, detail: { ...input } } };
  });
}

function isCalendarDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
