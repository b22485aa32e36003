import { sql, type Expression, type ExpressionBuilder, type Selectable, type SqlBool, type Updateable } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { Clock } from '../../platform/clock.js';
import type { Attachment, Database, TicketEventTable, TicketTable, TicketTaskTable } from '../../platform/db/schema.js';
import { notFound } from '../../platform/errors.js';
import type { AuditActor } from '../../platform/audit/audit.js';
import { beijingDate } from './sla/working-calendar.js';

export type Ticket = Selectable<TicketTable>;
export type Task = Selectable<TicketTaskTable>;
export type TicketEvent = Selectable<TicketEventTable>;

type Eb = ExpressionBuilder<Database, 'ticket'>;

/**
 * Who sees a ticket. A ticket crossing tenants is visible to every tenant that takes part: the
 * registering hotline's tenant and every tenant holding one of its tasks (and, for roles that see
 * a subtree, everything below). Units see tickets that reached their org; an agent with the
 * 'self' scope sees the tickets they registered and the tasks they are named on.
 */
export function ticketVisible(eb: Eb, actor: Actor): Expression<SqlBool> {
  const taskWhere = (cond: (t: ExpressionBuilder<Database, 'ticket_task'>) => Expression<SqlBool>) =>
    eb.exists(eb.selectFrom('ticket_task').select(sql`1`.as('one')).whereRef('ticket_task.ticket_id', '=', 'ticket.id').where(cond));
  switch (actor.dataScope) {
    case 'all':
    case 'tenant_subtree': {
      if (actor.dataScope === 'all' && actor.tenantLevel === 1) return sql<boolean>`true`;
      const inSubtree = (col: 'ticket.tenant_id' | 'ticket_task.tenant_id') =>
        eb(sql.ref(col), 'in', eb.selectFrom('tenant').select('tenant.id').where('tenant.path', 'like', `${actor.tenantPath}%`));
      return eb.or([inSubtree('ticket.tenant_id'), taskWhere(() => inSubtree('ticket_task.tenant_id'))]);
    }
    case 'tenant':
      return eb.or([eb('ticket.tenant_id', '=', actor.tenantId), taskWhere((t) => t('ticket_task.tenant_id', '=', actor.tenantId))]);
    case 'org_subtree': {
      const orgs = eb.selectFrom('org').select('org.id').where('org.path', 'like', `${actor.orgPath}%`);
      return eb.or([eb('ticket.org_id', 'in', orgs), taskWhere((t) => t('ticket_task.org_id', 'in', orgs))]);
    }
    case 'org':
      return eb.or([eb('ticket.org_id', '=', actor.orgId), taskWhere((t) => t('ticket_task.org_id', '=', actor.orgId))]);
    case 'self':
      return eb.or([eb('ticket.created_by', '=', actor.userId), taskWhere((t) => t('ticket_task.handler_id', '=', actor.userId))]);
  }
}

/** Loads a visible ticket and locks it: every transition of one ticket is serialised on this row. */
export async function lockTicket(trx: Db, actor: Actor, id: string): Promise<Ticket> {
  const t = await trx
    .selectFrom('ticket')
    .selectAll()
    .where('ticket.id', '=', id)
    .where((eb) => ticketVisible(eb, actor))
    .forUpdate()
    .executeTakeFirst();
  if (!t) throw notFound('工单');
  return t;
}

/** For system actors (timers, callbacks by token, partner intake): no scope, still locked. */
export async function lockTicketById(trx: Db, id: string): Promise<Ticket> {
  const t = await trx.selectFrom('ticket').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!t) throw notFound('工单');
  return t;
}

export async function tasksOf(trx: Db, ticketId: string): Promise<Task[]> {
  return trx.selectFrom('ticket_task').selectAll().where('ticket_id', '=', ticketId).orderBy('assigned_at').orderBy('id').execute();
}

/** The task with its ticket, locked through the ticket row; the task must be visible via its ticket. */
export async function lockTask(trx: Db, actor: Actor, taskId: string): Promise<{ ticket: Ticket; task: Task }> {
  const ref = await trx.selectFrom('ticket_task').select('ticket_id').where('id', '=', taskId).executeTakeFirst();
  if (!ref) throw notFound('派单任务');
  const ticket = await lockTicket(trx, actor, ref.ticket_id).catch(() => {
    throw notFound('派单任务');
  });
  const task = await trx.selectFrom('ticket_task').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
  return { ticket, task };
}

export async function updateTicket(trx: Db, ticket: Ticket, clock: Clock, changes: Omit<Updateable<TicketTable>, 'id' | 'version'>): Promise<void> {
  await trx
    .updateTable('ticket')
    .set({ ...changes, version: ticket.version + 1, updated_at: clock.now() })
    .where('id', '=', ticket.id)
    .execute();
}

export async function updateTask(trx: Db, task: Task, changes: Omit<Updateable<TicketTaskTable>, 'id' | 'version' | 'ticket_id'>): Promise<void> {
  await trx
    .updateTable('ticket_task')
    .set({ ...changes, version: task.version + 1 })
    .where('id', '=', task.id)
    .execute();
}

export interface EventInput {
  ticketId: string;
  taskId?: string | null;
  action: string;
  from?: string | null;
  to?: string | null;
  opinion?: string | null;
  detail?: Record<string, unknown>;
  attachments?: Attachment[];
}

export interface EventActor {
  id: string | null;
  name: string;
  tenantId: string | null;
  orgId: string | null;
}

export const actorOf = (a: Actor): EventActor => ({ id: a.userId, name: a.displayName, tenantId: a.tenantId, orgId: a.orgId });
export const SYSTEM: EventActor = { id: null, name: '系统', tenantId: null, orgId: null };
/** Timers, the callback robot and citizens on the H5 page act as the system in the audit log. */
export const SYSTEM_AUDIT: AuditActor = { userId: null, name: '系统', tenantId: null, ip: '-', userAgent: 'system' };

/**
 * Tenant and org names for timeline rows. Every transition writes one, and names change rarely, so
 * they are cached for a minute (wall clock: this is a cache, not business time).
 */
const NAME_TTL_MS = 60_000;
const names = new Map<string, { name: string | null; at: number }>();

async function nameOf(trx: Db, table: 'tenant' | 'org', id: string | null): Promise<string | null> {
  if (!id) return null;
  const key = `${table}:${id}`;
  const hit = names.get(key);
  if (hit && Date.now() - hit.at < NAME_TTL_MS) return hit.name;
  const row = await trx.selectFrom(table).select('name').where('id', '=', id).executeTakeFirst();
  if (names.size > 10_000) names.clear();
  names.set(key, { name: row?.name ?? null, at: Date.now() });
  return row?.name ?? null;
}

/** One timeline row per transition, written in the transition's own transaction. */
export async function writeEvent(trx: Db, clock: Clock, who: EventActor, e: EventInput): Promise<void> {
  const tenant = { name: await nameOf(trx, 'tenant', who.tenantId) };
  const org = { name: await nameOf(trx, 'org', who.orgId) };
  await trx
    .insertInto('ticket_event')
    .values({
      ticket_id: e.ticketId,
      task_id: e.taskId ?? null,
      at: clock.now(),
      actor_id: who.id,
      actor_name: who.name,
      actor_tenant_id: who.tenantId,
      actor_tenant_name: tenant?.name ?? null,
      actor_org_name: org?.name ?? null,
      action: e.action,
      from_status: e.from ?? null,
      to_status: e.to ?? null,
      opinion: e.opinion ?? null,
      detail: JSON.stringify(e.detail ?? {}),
      attachments: JSON.stringify(e.attachments ?? []),
    })
    .execute();
}

/**
 * 'XJ' + Beijing date + a per-day sequence: readable on the phone and unique for the whole life.
 * Allocated in its own statement before the registering transaction, so the day's counter row is
 * locked for one statement, not for a whole registration; a failed registration leaves a gap.
 */
export async function allocateTicketNo(deps: Pick<Deps, 'db' | 'clock'>): Promise<string> {
  return nextTicketNo(deps.db, deps.clock.now());
}

async function nextTicketNo(trx: Db, now: Date): Promise<string> {
  const day = beijingDate(now).replaceAll('-', '');
  const row = await sql<{ n: number }>`
    insert into ticket_counter (day, n) values (${day}, 1)
    on conflict (day) do update set n = ticket_counter.n + 1
    returning n`.execute(trx);
  return `XJ${day}${String(row.rows[0]!.n).padStart(6, '0')}`;
}

export async function orgPathOf(trx: Db, orgId: string): Promise<string> {
  const o = await trx.selectFrom('org').select('path').where('id', '=', orgId).executeTakeFirst();
  return o?.path ?? '\u0000';
}

export async function tenantPathOf(trx: Db, tenantId: string): Promise<string> {
  const t = await trx.selectFrom('tenant').select('path').where('id', '=', tenantId).executeTakeFirst();
  return t?.path ?? '\u0000';
}
