import type { Actor, Deps } from '../../platform/context.js';
import { notFound } from '../../platform/errors.js';
import { treeOf } from '../../platform/tree.js';
import { hotlineReaches, unitReaches, type ReachableTenant } from './ticket.access.js';

/**
 * What the dispatch and sub-assign pickers offer. The division tree itself is public knowledge
 * (names and codes of 自治区 → 地州 → 区县 and the partner hotlines), so every ticket user gets it
 * whole; the departments of a tenant are listed only where the caller may actually send work.
 */
export interface TargetRegion {
  id: string;
  code: string;
  name: string;
  kind: string;
  level: number;
  children: TargetRegion[];
}

export async function targetRegions(deps: Deps): Promise<TargetRegion[]> {
  const rows = await deps.db
    .selectFrom('tenant')
    .select(['id', 'code', 'name', 'kind', 'level', 'parent_id'])
    .where('status', '=', 'active')
    .where('kind', '!=', 'enterprise')
    .orderBy('level')
    .orderBy('sort')
    .orderBy('code')
    .execute();
  return treeOf(rows, (r) => r.parent_id, (r): TargetRegion => ({ id: r.id, code: r.code, name: r.name, kind: r.kind, level: r.level, children: [] }));
}

/** The pickers offer what dispatch (hotline roles) or sub-assignment (unit roles) would accept. */
function mayReach(actor: Actor, tenant: ReachableTenant): boolean {
  const hotline = actor.permissions.has('ticket:dispatch') || actor.permissions.has('ticket:review');
  return (hotline && hotlineReaches(actor, tenant)) || (actor.permissions.has('ticket:handle') && unitReaches(actor, tenant));
}

export interface TargetUnit {
  id: string;
  tenantId: string;
  code: string;
  name: string;
  children: TargetUnit[];
}

export async function targetUnits(deps: Deps, actor: Actor, tenantId: string): Promise<TargetUnit[]> {
  const tenant = await deps.db.selectFrom('tenant').select(['path', 'kind']).where('id', '=', tenantId).where('status', '=', 'active').executeTakeFirst();
  if (!tenant || !mayReach(actor, tenant)) throw notFound('租户');
  const rows = await deps.db.selectFrom('org').select(['id', 'tenant_id', 'parent_id', 'code', 'name']).where('tenant_id', '=', tenantId).where('kind', '=', 'department').orderBy('sort').orderBy('code').execute();
  return treeOf(rows, (r) => r.parent_id, (r): TargetUnit => ({ id: r.id, tenantId: r.tenant_id, code: r.code, name: r.name, children: [] }));
}
