import { sql, type Selectable } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Actor } from '../../platform/context.js';
import type { KbArticleStatus, KbArticleTable, KbRevisionState, KbRevisionTable } from '../../platform/db/schema.js';
import { notFound } from '../../platform/errors.js';
import { isEditorial, ownersOfActor, publishedVisible } from './visibility.js';

/** Reads of articles and revisions shared by the use cases, the lists and the jobs. */

// Row types as Kysely reads them from the schema, so a column added there needs no second edit here.
export type ArticleRow = Selectable<KbArticleTable>;
export type RevisionRow = Selectable<KbRevisionTable>;

/** An article of the caller's own tenant in any state; everything else reads as missing. */
export async function loadOwnArticle(db: Db, actor: Actor, id: string, lock = false): Promise<ArticleRow> {
  let q = db.selectFrom('kb_article').selectAll().where('id', '=', id).where('tenant_id', '=', actor.tenantId);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('知识');
  return row;
}

/** Published knowledge that reaches the caller, or (editorial roles) their own tenant's in any state. */
export async function loadReadableArticle(db: Db, actor: Actor, id: string): Promise<ArticleRow> {
  const owners = ownersOfActor(actor);
  const row = await db
    .selectFrom('kb_article')
    .selectAll()
    .where('id', '=', id)
    .where((eb) => (isEditorial(actor) ? eb.or([eb('kb_article.tenant_id', '=', actor.tenantId), publishedVisible(eb, owners)]) : publishedVisible(eb, owners)))
    .executeTakeFirst();
  if (!row) throw notFound('知识');
  return row;
}

export async function loadRevision(db: Db, id: string): Promise<RevisionRow> {
  return db.selectFrom('kb_revision').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export async function nextVersion(db: Db, articleId: string): Promise<number> {
  const { v } = await db
    .selectFrom('kb_revision')
    .select(sql<number>`coalesce(max(version), 0)`.as('v'))
    .where('article_id', '=', articleId)
    .executeTakeFirstOrThrow();
  return Number(v) + 1;
}

/** Display names of users, for history and lists (ids of deleted users stay unnamed). */
export async function userNames(db: Db, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/** The list columns of articles: owner, type, directory and the live and open revisions' facts. */
export function summaryQuery(db: Db) {
  return db
    .selectFrom('kb_article')
    .innerJoin('tenant', 'tenant.id', 'kb_article.tenant_id')
    .innerJoin('kb_type', 'kb_type.code', 'kb_article.type_code')
    .innerJoin('kb_directory', 'kb_directory.id', 'kb_article.directory_id')
    .leftJoin('kb_revision as live', 'live.id', 'kb_article.live_revision_id')
    .leftJoin('kb_revision as open', 'open.id', 'kb_article.open_revision_id')
    .select([
      'kb_article.id',
      'kb_article.title',
      'kb_article.type_code',
      'kb_type.name as type_name',
      'kb_article.directory_id',
      'kb_directory.name as directory_name',
      'kb_article.tenant_id',
      'tenant.name as tenant_name',
      'kb_article.scope',
      'kb_article.status',
      'live.version as live_version',
      'open.state as open_state',
      'kb_article.published_at',
      'kb_article.updated_at',
      'live.valid_to as live_valid_to',
      'open.valid_to as open_valid_to',
    ]);
}

export type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>['executeTakeFirstOrThrow']>>;

export interface ArticleSummary {
  id: string;
  title: string;
  typeCode: string;
  typeName: string;
  directoryId: string;
  directoryName: string;
  tenantId: string;
  tenantName: string;
  scope: 'subtree' | 'tenant';
  status: KbArticleStatus;
  /** Version of the live revision (what agents read); null before the first publication. */
  version: number | null;
  openState: KbRevisionState | null;
  publishedAt: Date | null;
  updatedAt: Date;
  validTo: string | null;
}

export function toSummary(r: SummaryRow): ArticleSummary {
  return {
    id: r.id,
    title: r.title,
    typeCode: r.type_code,
    typeName: r.type_name,
    directoryId: r.directory_id,
    directoryName: r.directory_name,
    tenantId: r.tenant_id,
    tenantName: r.tenant_name,
    scope: r.scope,
    status: r.status,
    version: r.live_version ?? null,
    openState: r.open_state ?? null,
    publishedAt: r.published_at,
    updatedAt: r.updated_at,
    validTo: r.live_valid_to ?? r.open_valid_to ?? null,
  };
}
