import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Actor } from './context.js';
import type { Database, DataScope } from './db/schema.js';

/**
 * Data scopes as query filters (the NocoBase way): every list and every load-by-id of a scoped
 * record goes through these, so a record outside the caller's scope is simply not found.
 */
const SCOPE_RANK: Record<DataScope, number> = {
  self: 0,
  org: 1,
  org_subtree: 2,
  tenant: 3,
  tenant_subtree: 4,
  all: 5,
};

export function widestScope(scopes: DataScope[]): DataScope {
  return scopes.reduce<DataScope>((a, b) => (SCOPE_RANK[b] > SCOPE_RANK[a] ? b : a), 'self');
}

/** Whether the caller reaches tenants below their own (upper levels see their subtree). */
export function seesSubtree(actor: Actor): boolean {
  return SCOPE_RANK[actor.dataScope] >= SCOPE_RANK.tenant_subtree;
}

type AnyEb = ExpressionBuilder<Database, keyof Database>;

/** `column` holds a tenant id that the caller may see. */
export function tenantVisible(eb: AnyEb, column: string, actor: Actor): Expression<SqlBool> {
  // 'all' means the whole installation only at the root; below it a role a tenant admin made must
  // not reach sibling tenants, so it is clamped to the caller's own subtree.
  if (actor.dataScope === 'all' && actor.tenantLevel === 1) return sql<boolean>`true`;
  if (seesSubtree(actor)) {
    return eb(
      sql.ref(column),
      'in',
      eb.selectFrom('tenant').select('tenant.id').where('tenant.path', 'like', `${actor.tenantPath}%`),
    );
  }
  return eb(sql.ref(column), '=', actor.tenantId);
}

export interface RowScopeColumns {
  tenant: string;
  org?: string;
  owner?: string;
}

/** Row-level data scope for records that belong to a tenant, an org and an owner. */
export function rowVisible(eb: AnyEb, cols: RowScopeColumns, actor: Actor): Expression<SqlBool> {
  const inTenant = eb(sql.ref(cols.tenant), '=', actor.tenantId);
  switch (actor.dataScope) {
    case 'all':
    case 'tenant_subtree':
      return tenantVisible(eb, cols.tenant, actor);
    case 'tenant':
      return inTenant;
    case 'org_subtree':
      return cols.org
        ? eb.and([
            inTenant,
            eb(sql.ref(cols.org), 'in', eb.selectFrom('org').select('org.id').where('org.path', 'like', `${actor.orgPath}%`)),
          ])
        : inTenant;
    case 'org':
      return cols.org ? eb.and([inTenant, eb(sql.ref(cols.org), '=', actor.orgId)]) : inTenant;
    case 'self':
      return cols.owner ? eb(sql.ref(cols.owner), '=', actor.userId) : eb.and([inTenant, sql<boolean>`false`]);
  }
}
