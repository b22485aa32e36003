import { sql } from 'kysely';
import type { Deps } from '../../platform/context.js';

/**
 * What the assist module may learn from the work-order history, as small read-only aggregates
 * (assist never reads ticket tables itself). "Closed" here means the hotline approved the result
 * (办结审核通过: completed_at set, ticket in 回访 or 已归档); withdrawn tickets and direct answers carry
 * no handling unit and drop out by themselves.
 */
const CLOSED: readonly ('callback' | 'archived')[] = ['callback', 'archived'];

/**
 * (content, final title) of closed tickets of the whole installation, newest first: the training
 * pairs of the title model. The title is the one the ticket carries after registration and any
 * edits by the hotline, i.e. what people finally kept.
 */
export async function titlePairsForAssist(db: Deps['db'], q: { limit: number }): Promise<{ text: string; title: string }[]> {
  const rows = await db
    .selectFrom('ticket')
    .select(['ticket.content', 'ticket.title'])
    .where('ticket.status', 'in', CLOSED)
    .where('ticket.completed_at', 'is not', null)
    .orderBy('ticket.completed_at', 'desc')
    .limit(q.limit)
    .execute();
  return rows.filter((r) => r.content.trim() && r.title.trim()).map((r) => ({ text: r.content, title: r.title }));
}

/**
 * (content, demand type) of registered tickets of the whole installation, newest first: the
 * training examples of the intent model. The demand type (咨询/投诉/…) is the agent's judgement at
 * registration, corrected by the hotline later if need be; it does not depend on how the ticket
 * ended, so every registered ticket counts, not only closed ones.
 */
export async function intentExamplesForAssist(db: Deps['db'], q: { limit: number }): Promise<{ text: string; kind: string }[]> {
  const rows = await db
    .selectFrom('ticket')
    .select(['ticket.content', 'ticket.kind'])
    .where('ticket.status', '!=', 'draft')
    .where('ticket.kind', 'is not', null)
    .orderBy('ticket.created_at', 'desc')
    .limit(q.limit)
    .execute();
  return rows.filter((r) => r.content.trim() && r.kind).map((r) => ({ text: r.content, kind: r.kind! }));
}

export interface DispatchHistoryRow {
  itemId: string;
  /** The ticket's region code as registered (division code, 6–12 digits), or null. */
  regionCode: string | null;
  /** Final handling unit: the organisation and its tenant. */
  orgId: string;
  orgTenantId: string;
  orgName: string;
  /** Closed tickets in the window ending now. */
  count: number;
  /** Of those, closed within the last `recentDays`. */
  recent: number;
  lastAt: Date;
}

/**
 * Who finally handled the closed tickets of ONE hotline tenant (tickets belong to the hotline that
 * registered them, so another hotline's dispatching never shows here), grouped by item, region and
 * unit. The final handling unit of a ticket is the deepest non-assisting task that reported a result
 * (a task passed further down counts for the unit below it; returned and cancelled tasks never count).
 */
export async function dispatchHistoryForAssist(
  db: Deps['db'],
  q: { tenantId: string; now: Date; windowDays: number; recentDays: number; limit: number },
): Promise<DispatchHistoryRow[]> {
  const since = new Date(q.now.getTime() - q.windowDays * 86_400_000);
  const recentSince = new Date(q.now.getTime() - q.recentDays * 86_400_000);
  const rows = await db
    .selectFrom('ticket as t')
    .innerJoin('ticket_task as k', 'k.ticket_id', 't.id')
    .select([
      't.item_id as itemId',
      't.region_code as regionCode',
      'k.org_id as orgId',
      'k.tenant_id as orgTenantId',
      sql<string>`max(k.org_name)`.as('orgName'),
      sql<string>`count(*)`.as('count'),
      sql<string>`count(*) filter (where t.completed_at >= ${recentSince})`.as('recent'),
      sql<Date>`max(t.completed_at)`.as('lastAt'),
    ])
    .where('t.tenant_id', '=', q.tenantId)
    .where('t.status', 'in', CLOSED)
    .where('t.completed_at', '>=', since)
    .where('t.item_id', 'is not', null)
    .where('k.role', '!=', 'assist')
    .where('k.status', 'in', ['reported', 'done'])
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('ticket_task as c').select('c.id').whereRef('c.parent_id', '=', 'k.id').where('c.role', '!=', 'assist').where('c.status', 'in', ['reported', 'done']))),
    )
    .groupBy(['t.item_id', 't.region_code', 'k.org_id', 'k.tenant_id'])
    .orderBy(sql`count(*)`, 'desc')
    .limit(q.limit)
    .execute();
  return rows.map((r) => ({ itemId: r.itemId!, regionCode: r.regionCode, orgId: r.orgId, orgTenantId: r.orgTenantId, orgName: r.orgName, count: Number(r.count), recent: Number(r.recent), lastAt: new Date(r.lastAt) }));
}
