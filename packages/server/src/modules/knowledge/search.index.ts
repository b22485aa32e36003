import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { sql } from 'kysely';
import { normalise, synonymTable, TextSearchIndex, type SynonymTable } from '@hotline/nlp';
import type { Deps } from '../../platform/context.js';
import { compact, plainText } from './search.ranking.js';

/**
 * One in-memory full-text index of every published article's live revision for the whole
 * installation; visibility, filters and the caller's synonyms and hot words are applied per query.
 *
 * Why one index and not one per tenant: published knowledge is read down the tree, so most tenants
 * see most of it, and a per-tenant copy would multiply memory and build time by ~100 tenants.
 * Why synonyms at query time: they are per tenant (inherited down the tree), and TextSearchIndex
 * expands the query, not the documents, so one index serves every tenant's synonyms correctly —
 * no cache of per-tenant-set indexes to keep consistent. The merged table of a tenant chain is
 * cached in the snapshot (dropped with it when anything changes).
 *
 * Freshness across processes: several server processes may share one PostgreSQL, so there is no
 * in-process event to rely on. Each query checks a fingerprint of what the index reflects (the
 * published articles' live revisions and placement, hot words, synonyms: one aggregate of row
 * hashes over a few thousand rows, about a millisecond) at most every `checkIntervalMs`, and
 * rebuilds when it changed. `invalidate()` makes the next query check at once (a write in this process calls it).
 * A rebuild yields to the event loop between batches so other requests keep flowing; queries that
 * arrive meanwhile wait for the new index rather than answer from the old one.
 */
export const CHECK_INTERVAL_MS = 2000;
const BUILD_BATCH = 200;

export interface IndexedArticle {
  id: string;
  tenantId: string;
  scope: 'subtree' | 'tenant';
  typeCode: string;
  directoryId: string;
  publishedAt: Date | null;
  itemIds: string[];
  title: string;
  summary: string;
  /** Plain text shown in snippets: summary, body and template field values. */
  text: string;
  /** compact(title + text + keywords) for the all/phrase rules. */
  compact: string;
}

export interface HotWord {
  tenantId: string;
  /** normalise()d, spaces dropped. */
  word: string;
  weight: number;
  articleIds: string[];
}

export interface SynonymRow {
  tenantId: string;
  term: string;
  synonyms: string[];
}

export class KnowledgeSnapshot {
  private readonly synonymCache = new Map<string, SynonymTable>();
  readonly byId: Map<string, number>;

  constructor(
    readonly fingerprint: string,
    readonly index: TextSearchIndex,
    /** In index order: scoreAll()'s i-th score is docs[i]'s. */
    readonly docs: readonly IndexedArticle[],
    readonly hotWords: readonly HotWord[],
    readonly synonymRows: readonly SynonymRow[],
    readonly builtMs: number,
  ) {
    this.byId = new Map(docs.map((d, i) => [d.id, i]));
  }

  /** The merged synonyms of these tenants (the caller's chain), cached per chain. */
  synonymsFor(tenantIds: readonly string[]): SynonymTable {
    const key = tenantIds.join(',');
    let table = this.synonymCache.get(key);
    if (!table) {
      const groups: Record<string, string[]> = {};
      for (const r of this.synonymRows) if (tenantIds.includes(r.tenantId)) (groups[r.term] ??= []).push(...r.synonyms);
      table = synonymTable(groups);
      if (this.synonymCache.size > 1000) this.synonymCache.clear();
      this.synonymCache.set(key, table);
    }
    return table;
  }

  /** Article id → the highest weight of the caller's hot words the query contains and that link it. */
  hotWeights(query: string, tenantIds: readonly string[]): Map<string, { weight: number; word: string }> {
    const q = compact(query);
    const out = new Map<string, { weight: number; word: string }>();
    for (const h of this.hotWords) {
      if (!tenantIds.includes(h.tenantId) || !q.includes(h.word)) continue;
      for (const id of h.articleIds) if ((out.get(id)?.weight ?? 0) < h.weight) out.set(id, { weight: h.weight, word: h.word });
    }
    return out;
  }
}

export class KnowledgeSearch {
  checkIntervalMs = CHECK_INTERVAL_MS;
  private snapshot: KnowledgeSnapshot | undefined;
  private checkedAt = 0;
  private pending: Promise<KnowledgeSnapshot> | undefined;

  constructor(private readonly deps: Pick<Deps, 'db'>) {}

  /** The next query re-reads the fingerprint instead of waiting out the interval. */
  invalidate(): void {
    this.checkedAt = 0;
  }

  async current(): Promise<KnowledgeSnapshot> {
    if (this.pending) return this.pending;
    if (this.snapshot && performance.now() - this.checkedAt < this.checkIntervalMs) return this.snapshot;
    const p = this.refresh().finally(() => {
      if (this.pending === p) this.pending = undefined;
    });
    this.pending = p;
    return p;
  }

  private async refresh(): Promise<KnowledgeSnapshot> {
    const fp = await fingerprint(this.deps);
    this.checkedAt = performance.now();
    if (this.snapshot?.fingerprint === fp) return this.snapshot;
    this.snapshot = await build(this.deps, fp);
    return this.snapshot;
  }
}

const engines = new WeakMap<object, KnowledgeSearch>();

/** The installation's knowledge search engine (one per Deps, like the assist engines). */
export function knowledgeSearch(deps: Pick<Deps, 'db'>): KnowledgeSearch {
  let e = engines.get(deps);
  if (!e) {
    e = new KnowledgeSearch(deps);
    engines.set(deps, e);
  }
  return e;
}

async function fingerprint(deps: Pick<Deps, 'db'>): Promise<string> {
  // Over what the index reflects, not over update times: saving a draft of a published article
  // touches its updated_at but not its live revision and must not cost a rebuild, and a change
  // made within the same clock tick as another (or by a process whose clock lags) is still seen.
  // An order-independent sum of row hashes costs about as much as a count.
  const { rows } = await sql<{ a: string; h: string; s: string }>`
    select
      (select count(*) || ':' || coalesce(sum(hashtextextended(id::text || live_revision_id::text || tenant_id::text || directory_id::text || type_code || scope || coalesce(published_at::text, ''), 0)), 0)
         from kb_article where status = 'published') as a,
      (select count(*) || ':' || coalesce(sum(hashtextextended(id::text || tenant_id::text || word || weight::text || article_ids::text, 0)), 0) from kb_hot_word) as h,
      (select count(*) || ':' || coalesce(sum(hashtextextended(id::text || tenant_id::text || term || synonyms::text, 0)), 0) from kb_synonym) as s`.execute(deps.db);
  const r = rows[0];
  return r ? `${r.a}|${r.h}|${r.s}` : '';
}

const asArray = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? asArray(JSON.parse(v)) : []);
const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : typeof v === 'string' ? asRecord(JSON.parse(v)) : {});

async function build(deps: Pick<Deps, 'db'>, fp: string): Promise<KnowledgeSnapshot> {
  const t0 = performance.now();
  const [rows, hot, syn] = await Promise.all([
    deps.db
      .selectFrom('kb_article as a')
      .innerJoin('kb_revision as r', 'r.id', 'a.live_revision_id')
      .select(['a.id', 'a.tenant_id', 'a.scope', 'a.type_code', 'a.directory_id', 'a.published_at', 'r.title', 'r.summary', 'r.body', 'r.fields', 'r.keywords', 'r.item_ids'])
      .where('a.status', '=', 'published')
      .orderBy('a.id')
      .execute(),
    deps.db.selectFrom('kb_hot_word').select(['tenant_id', 'word', 'weight', 'article_ids']).execute(),
    deps.db.selectFrom('kb_synonym').select(['tenant_id', 'term', 'synonyms']).execute(),
  ]);
  const index = new TextSearchIndex();
  const docs: IndexedArticle[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const fields = Object.values(asRecord(r.fields)).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
    const keywords = asArray(r.keywords);
    const text = [r.summary, plainText(r.body), ...fields].filter((s) => s.trim() !== '').join('\n');
    index.add({ id: r.id, title: r.title, text, context: keywords.join(' ') });
    docs.push({
      id: r.id,
      tenantId: r.tenant_id,
      scope: r.scope,
      typeCode: r.type_code,
      directoryId: r.directory_id,
      publishedAt: r.published_at ? new Date(r.published_at) : null,
      itemIds: asArray(r.item_ids),
      title: r.title,
      summary: r.summary,
      text,
      compact: compact(`${r.title}\n${text}\n${keywords.join(' ')}`),
    });
    if (i % BUILD_BATCH === BUILD_BATCH - 1) await yieldToLoop();
  }
  const hotWords: HotWord[] = hot
    .map((h) => ({ tenantId: h.tenant_id, word: normalise(h.word).replace(/\s+/g, ''), weight: Number(h.weight), articleIds: asArray(h.article_ids) }))
    .filter((h) => h.word.length > 0);
  const synonymRows: SynonymRow[] = syn.map((s) => ({ tenantId: s.tenant_id, term: s.term, synonyms: asArray(s.synonyms) }));
  return new KnowledgeSnapshot(fp, index, docs, hotWords, synonymRows, performance.now() - t0);
}
