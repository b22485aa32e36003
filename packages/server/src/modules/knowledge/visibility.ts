import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Actor } from '../../platform/context.js';
import type { Database, KbArticleStatus } from '../../platform/db/schema.js';

/**
 * The knowledge base's data scope, in one place for the editors' pages, search and
 * recommendation: a caller in tenant T reads published articles owned by T, and those of T's
 * ancestors whose scope is 'subtree'. Nothing from siblings or descendants: a county's local
 * knowledge is its own business, and reading sideways would leak one prefecture's drafts of
 * policy into another's answers.
 */

/** Tenant ids along a materialised path '/root/…/T/', root first, T last. */
export const pathIds = (path: string): string[] => path.split('/').filter(Boolean);

export interface VisibleOwners {
  tenantId: string;
  /** Strict ancestors of the tenant, root first (their 'subtree' knowledge reaches it). */
  ancestorIds: string[];
}

/** From an authenticated caller: no query, the session carries the tenant path. */
export function ownersOfActor(actor: Pick<Actor, 'tenantId' | 'tenantPath'>): VisibleOwners {
  return { tenantId: actor.tenantId, ancestorIds: pathIds(actor.tenantPath).filter((id) => id !== actor.tenantId) };
}

/** For callers that only have a tenant id (jobs, other modules); an unknown tenant owns nothing. */
export async function visibleOwners(db: Db, tenantId: string): Promise<VisibleOwners> {
  const t = await db.selectFrom('tenant').select('path').where('id', '=', tenantId).executeTakeFirst();
  if (!t) return { tenantId, ancestorIds: [] };
  return { tenantId, ancestorIds: pathIds(t.path).filter((id) => id !== tenantId) };
}

/** The ids of T and its ancestors: every tenant whose knowledge may reach T (scope still applies). */
export async function visibleOwnerTenantIds(db: Db, tenantId: string): Promise<string[]> {
  const o = await visibleOwners(db, tenantId);
  return [...o.ancestorIds, o.tenantId];
}

/** Whether an article (as stored) is readable in the tenant as published knowledge. */
export function isVisibleTo(article: { tenant_id: string; scope: 'subtree' | 'tenant'; status: KbArticleStatus }, owners: VisibleOwners): boolean {
  if (article.status !== 'published') return false;
  if (article.tenant_id === owners.tenantId) return true;
  return article.scope === 'subtree' && owners.ancestorIds.includes(article.tenant_id);
}

type ArticleEb = ExpressionBuilder<Database, 'kb_article'>;

/**
 * The same rule as a query filter on `kb_article` (alias it as kb_article or pass the alias's
 * expression builder cast to this type): published, and owned by T or by an ancestor sharing it down.
 */
export function publishedVisible(eb: ArticleEb, owners: VisibleOwners): Expression<SqlBool> {
  const reach =
    owners.ancestorIds.length === 0
      ? eb('kb_article.tenant_id', '=', owners.tenantId)
      : eb.or([
          eb('kb_article.tenant_id', '=', owners.tenantId),
          eb.and([eb('kb_article.tenant_id', 'in', owners.ancestorIds), eb('kb_article.scope', '=', 'subtree')]),
        ]);
  return eb.and([eb('kb_article.status', '=', 'published'), reach]);
}

/** Editorial roles see their own tenant's articles in every state (drafts, reviews, recycle bin). */
export const isEditorial = (actor: Actor): boolean =>
  actor.permissions.has('kb:edit') || actor.permissions.has('kb:review') || actor.permissions.has('kb:publish');

/** Owner columns of an inherited setting (hot word, synonym) as the lists show them: inherited rows are read-only. */
export function ownership(r: { tenant_id: string; tenant_name: string }, actor: Actor): { tenantId: string; tenantName: string; inherited: boolean } {
  return { tenantId: r.tenant_id, tenantName: r.tenant_name, inherited: r.tenant_id !== actor.tenantId };
}
