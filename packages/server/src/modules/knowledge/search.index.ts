import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { sql } from 'kysely';
import { normalise, synonymTable, TextSearchIndex, type SearchDocument, type SynonymTable } from '@hotline/nlp';
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
 * cached (dropped whenever synonyms change).
 *
 * Freshness across processes: several server processes may share one PostgreSQL, so there is no
 * in-process event to rely on. Each query checks a fingerprint of what the index reflects (the
 * published articles' live revisions and placement, hot words, synonyms: one aggregate of row
 * hashes, about a millisecond) at most every `checkIntervalMs`. `invalidate()` makes the next
 * query check at once (search.routes.ts calls it after every knowledge write this process answers).
 *
 * Why incremental: segmenting 5,000 articles takes ~5 s of CPU, so a full rebuild per publication
 * would stall searches. When the published set changes, only the (id, live revision, placement)
 * list is re-read and diffed: articles that left or changed are tombstoned, new live revisions are
 * appended (BM25 statistics update as they are added). Tombstones still count in document
 * frequencies, a small bias; past a quarter of the index it is rebuilt from scratch in the
 * background while the patched one answers. Hot words and synonyms are re-read on their own
 * without touching the index. A full build yields to the event loop between small batches so
 * other requests keep flowing.
 */
export const CHECK_INTERVAL_MS = 2000;
const BUILD_BATCH = 50;
const MAX_DEAD_SHARE = 0.25;

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

/** Where an article sits: when any of it changes the indexed copy is replaced. */
interface Placement {
  id: string;
  live_revision_id: string | null;
  tenant_id: string;
  directory_id: string;
  type_code: string;
  scope: 'subtree' | 'tenant';
  published_at: Date | null;
}
const signatureOf = (p: Placement) => [p.live_revision_id, p.tenant_id, p.directory_id, p.type_code, p.scope, p.published_at ? new Date(p.published_at).getTime() : ''].join('|');

export class KnowledgeSnapshot {
  private synonymCache = new Map<string, SynonymTable>();
  /** Article id → its position in docs. */
  readonly byId = new Map<string, number>();
  private readonly signatures = new Map<string, string>();
  private dead = 0;

  constructor(
    readonly index: TextSearchIndex,
    /** In index order: scoreAll()'s i-th score is docs[i]'s; null = tombstone (unpublished or replaced). */
    readonly docs: (IndexedArticle | null)[],
    public hotWords: readonly HotWord[],
    private synonymRows: readonly SynonymRow[],
    public builtMs: number,
  ) {}

  get liveCount(): number {
    return this.docs.length - this.dead;
  }

  /** Adds an article's live revision (the caller has tombstoned any older copy). */
  add(doc: IndexedArticle, signature: string, search: SearchDocument): void {
    this.index.add(search);
    this.byId.set(doc.id, this.docs.length);
    this.signatures.set(doc.id, signature);
    this.docs.push(doc);
  }

  remove(id: string): void {
    const i = this.byId.get(id);
    if (i === undefined) return;
    this.docs[i] = null;
    this.byId.delete(id);
    this.signatures.delete(id);
    this.dead++;
  }

  /** Ids to drop and to (re-)add for the published placements now in the database. */
  diff(now: readonly Placement[]): { removed: string[]; added: Placement[] } {
    const seen = new Set<string>();
    const added: Placement[] = [];
    for (const p of now) {
      seen.add(p.id);
      if (this.signatures.get(p.id) !== signatureOf(p)) added.push(p);
    }
    const removed = [...this.signatures.keys()].filter((id) => !seen.has(id));
    for (const p of added) if (this.signatures.has(p.id)) removed.push(p.id);
    return { removed, added };
  }

  get deadShare(): number {
    return this.docs.length === 0 ? 0 : this.dead / this.docs.length;
  }

  setSynonyms(rows: readonly SynonymRow[]): void {
    this.synonymRows = rows;
    this.synonymCache = new Map();
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

interface Fingerprint {
  a: string;
  h: string;
  s: string;
}

export class KnowledgeSearch {
  checkIntervalMs = CHECK_INTERVAL_MS;
  /** Full builds and incremental updates so far (tests and the benchmark read them). */
  readonly stats = { builds: 0, updates: 0, lastUpdateMs: 0 };
  private snapshot: KnowledgeSnapshot | undefined;
  private fp: Fingerprint | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private pending: Promise<KnowledgeSnapshot> | undefined;
  private compacting: Promise<void> | undefined;

  constructor(private readonly deps: Pick<Deps, 'db'>) {}

  /** The next query re-reads the fingerprint instead of waiting out the interval. */
  invalidate(): void {
    this.checkedAt = Number.NEGATIVE_INFINITY;
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
    const old = this.fp;
    const snap = this.snapshot;
    if (!snap || !old) {
      const built = await build(this.deps);
      this.stats.builds++;
      this.snapshot = built;
      this.fp = fp;
      return built;
    }
    const t0 = performance.now();
    if (old.a !== fp.a) await update(this.deps, snap);
    if (old.h !== fp.h) snap.hotWords = await loadHotWords(this.deps);
    if (old.s !== fp.s) snap.setSynonyms(await loadSynonyms(this.deps));
    if (old.a !== fp.a || old.h !== fp.h || old.s !== fp.s) {
      this.stats.updates++;
      this.stats.lastUpdateMs = performance.now() - t0;
    }
    // A compaction may have swapped in a newer index meanwhile; that one stands, and its own
    // fingerprint makes the next check catch up.
    if (this.snapshot && this.snapshot !== snap) return this.snapshot;
    this.fp = fp;
    if (snap.deadShare > MAX_DEAD_SHARE) this.compact();
    return snap;
  }

  /**
   * Rebuilds from scratch in the background while the patched index keeps answering (correctly:
   * it is up to date, only its document frequencies carry the tombstones).
   */
  private compact(): void {
    if (this.compacting) return;
    this.compacting = (async () => {
      const fp = await fingerprint(this.deps);
      const built = await build(this.deps);
      this.stats.builds++;
      this.snapshot = built;
      this.fp = fp;
    })()
      .catch(() => undefined)
      .finally(() => {
        this.compacting = undefined;
      });
  }

  /** Settles when a background compaction (if any) has finished; for tests. */
  async settled(): Promise<void> {
    await this.pending;
    await this.compacting;
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

async function fingerprint(deps: Pick<Deps, 'db'>): Promise<Fingerprint> {
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
  return rows[0] ?? { a: '', h: '', s: '' };
}

const asArray = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? asArray(JSON.parse(v)) : []);
const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : typeof v === 'string' ? asRecord(JSON.parse(v)) : {});

async function loadHotWords(deps: Pick<Deps, 'db'>): Promise<HotWord[]> {
  const rows = await deps.db.selectFrom('kb_hot_word').select(['tenant_id', 'word', 'weight', 'article_ids']).execute();
  return rows
    .map((h) => ({ tenantId: h.tenant_id, word: normalise(h.word).replace(/\s+/g, ''), weight: Number(h.weight), articleIds: asArray(h.article_ids) }))
    .filter((h) => h.word.length > 0);
}

async function loadSynonyms(deps: Pick<Deps, 'db'>): Promise<SynonymRow[]> {
  const rows = await deps.db.selectFrom('kb_synonym').select(['tenant_id', 'term', 'synonyms']).execute();
  return rows.map((s) => ({ tenantId: s.tenant_id, term: s.term, synonyms: asArray(s.synonyms) }));
}

async function placements(deps: Pick<Deps, 'db'>): Promise<Placement[]> {
  return deps.db
    .selectFrom('kb_article')
    .select(['id', 'live_revision_id', 'tenant_id', 'directory_id', 'type_code', 'scope', 'published_at'])
    .where('status', '=', 'published')
    .where('live_revision_id', 'is not', null)
    .orderBy('id')
    .execute();
}

/** Reads the live revisions of these articles and adds them, yielding between batches. */
async function addArticles(deps: Pick<Deps, 'db'>, snap: KnowledgeSnapshot, list: readonly Placement[]): Promise<void> {
  for (let from = 0; from < list.length; from += 500) {
    const chunk = list.slice(from, from + 500);
    const revs = await deps.db
      .selectFrom('kb_revision')
      .select(['id', 'title', 'summary', 'body', 'fields', 'keywords', 'item_ids'])
      .where('id', 'in', chunk.map((p) => p.live_revision_id!))
      .execute();
    const byId = new Map(revs.map((r) => [r.id, r]));
    for (let i = 0; i < chunk.length; i++) {
      const p = chunk[i]!;
      const r = byId.get(p.live_revision_id!);
      if (!r) continue;
      const fields = Object.values(asRecord(r.fields)).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
      const keywords = asArray(r.keywords);
      const text = [r.summary, plainText(r.body), ...fields].filter((x) => x.trim() !== '').join('\n');
      snap.add(
        {
          id: p.id,
          tenantId: p.tenant_id,
          scope: p.scope,
          typeCode: p.type_code,
          directoryId: p.directory_id,
          publishedAt: p.published_at ? new Date(p.published_at) : null,
          itemIds: asArray(r.item_ids),
          title: r.title,
          summary: r.summary,
          text,
          compact: compact(`${r.title}\n${text}\n${keywords.join(' ')}`),
        },
        signatureOf(p),
        { id: p.id, title: r.title, text, context: keywords.join(' ') },
      );
      if (i % BUILD_BATCH === BUILD_BATCH - 1) await yieldToLoop();
    }
  }
}

async function build(deps: Pick<Deps, 'db'>): Promise<KnowledgeSnapshot> {
  const t0 = performance.now();
  const [list, hot, syn] = await Promise.all([placements(deps), loadHotWords(deps), loadSynonyms(deps)]);
  const snap = new KnowledgeSnapshot(new TextSearchIndex(), [], hot, syn, 0);
  await addArticles(deps, snap, list);
  snap.builtMs = performance.now() - t0;
  return snap;
}

async function update(deps: Pick<Deps, 'db'>, snap: KnowledgeSnapshot): Promise<void> {
  const { removed, added } = snap.diff(await placements(deps));
  for (const id of removed) snap.remove(id);
  await addArticles(deps, snap, added);
}
