import type { Db } from '../../platform/db/database.js';
import type { Actor } from '../../platform/context.js';
import { forbidden, invalid } from '../../platform/errors.js';
import { orgPathOf, tenantPathOf, type Task, type Ticket } from './ticket.repository.js';

/**
 * Who may act on what, beyond seeing it. Seeing a ticket (ticketVisible) is not enough to change
 * it: hotline steps belong to the hotline that registered it (or an upper level above it), unit
 * steps to the members of the unit that holds the task.
 */
export async function isHotlineOf(trx: Db, actor: Actor, ticket: Ticket): Promise<boolean> {
  if (actor.tenantId === ticket.tenant_id) return true;
  if (actor.dataScope !== 'tenant_subtree' && actor.dataScope !== 'all') return false;
  return (await tenantPathOf(trx, ticket.tenant_id)).startsWith(actor.tenantPath);
}

export async function assertHotline(trx: Db, actor: Actor, ticket: Ticket): Promise<void> {
  if (!(await isHotlineOf(trx, actor, ticket))) throw forbidden('只有受理该工单的热线中心可以执行此操作');
}

export async function isMemberOf(trx: Db, actor: Actor, orgId: string, tenantId: string): Promise<boolean> {
  if (actor.tenantId !== tenantId) return false;
  return actor.orgPath.startsWith(await orgPathOf(trx, orgId));
}

/** The task's unit: its members (and sub-sections) act on it. */
export async function assertUnitMember(trx: Db, actor: Actor, task: Task): Promise<void> {
  if (!(await isMemberOf(trx, actor, task.org_id, task.tenant_id))) throw forbidden('只有该派单任务的承办单位可以执行此操作');
}

/** A unit leader sees the whole unit (the leader's org is the task's org or above it). */
export async function isLeaderOf(trx: Db, actor: Actor, orgId: string, tenantId: string): Promise<boolean> {
  if (!actor.permissions.has('ticket:handle:approve') || actor.tenantId !== tenantId) return false;
  return (await orgPathOf(trx, orgId)).startsWith(actor.orgPath);
}

/** A user named in a request (督办负责人) must be in the caller's reach, or it is "not found". */
export async function assertUserInReach(trx: Db, actor: Actor, userId: string): Promise<void> {
  const u = await trx
    .selectFrom('app_user')
    .select('app_user.id')
    .where('app_user.id', '=', userId)
    .where('app_user.deleted_at', 'is', null)
    .where((eb) => eb('app_user.tenant_id', 'in', eb.selectFrom('tenant').select('tenant.id').where('tenant.path', 'like', `${actor.tenantPath}%`)))
    .executeTakeFirst();
  if (!u) throw invalid('督办负责人不存在', [{ path: '/ownerId', message: '用户不存在' }]);
}

/** A tenant as the reach rules see it. */
export interface ReachableTenant {
  path: string;
  kind: string;
}

/**
 * Where the hotline may send a ticket: any unit below it (direct to the executing level), a partner
 * hotline (跨租户转派), or up to a higher level's units (上报).
 */
export function hotlineReaches(actor: Actor, t: ReachableTenant): boolean {
  return t.path.startsWith(actor.tenantPath) || t.kind === 'partner' || actor.tenantPath.startsWith(t.path);
}

/** A unit sub-assigns within its own reach: its sections and the units of lower levels (层层下派). */
export function unitReaches(actor: Actor, t: ReachableTenant): boolean {
  return t.path.startsWith(actor.tenantPath);
}
