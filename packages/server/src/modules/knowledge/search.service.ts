import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { highlight } from '@hotline/nlp';
import type { Actor, Deps } from '../../platform/context.js';
import { invalid } from '../../platform/errors.js';
import { knowledgeSearch, type IndexedArticle } from './search.index.js';
import { ownersOfActor } from './visibility.js';
import { compact, contentTerms, readable, satisfiesRule, snippetOf, type SearchRule, type Span } from './search.ranking.js';

/** Longer queries are cut, not refused: a pasted paragraph still searches. */
export const MAX_QUERY_CHARS = 200;

export interface SearchQuery {
  /** Without words the filters browse the visible knowledge, newest first. */
  q?: string;
  rule?: SearchRule;
  typeCode?: string;
  directoryId?: string;
  ownerTenantId?: string;
  /** YYYY-MM-DD (Beijing) or an ISO time. */
  publishedFrom?: string;
  publishedTo?: string;
  page?: number;
  pageSize?: number;
}

export interface SearchItem {
  id: string;
  title: string;
  summary: string;
  snippet: string;
  typeCode: string;
  typeName: string;
  tenantName: string;
  directoryName: string;
  publishedAt: string | null;
  score: number;
  titleHighlights: Span[];
  snippetHighlights: Span[];
}

/** A Beijing calendar date as the start of that day, or of the next day for an upper bound. */
function boundOf(v: string | undefined, upper: boolean): number | null {
  if (!v) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const start = Date.parse(`${v}T00:00:00+08:00`);
    return upper ? start + 86_400_000 : start;
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw invalid('发布时间格式错误，应为 YYYY-MM-DD 或 ISO 时间');
  return upper ? t + 1 : t;
}

/** Type, owner tenant and directory names for the articles on a page (read fresh: renames do not touch the index). */
export async function namesOf(deps: Deps, docs: readonly IndexedArticle[]) {
  if (docs.length === 0) return { types: new Map<string, string>(), tenants: new Map<string, string>(), dirs: new Map<string, string>() };
  const [types, tenants, dirs] = await Promise.all([
    deps.db.selectFrom('kb_type').select(['code', 'name']).where('code', 'in', [...new Set(docs.map((d) => d.typeCode))]).execute(),
    deps.db.selectFrom('tenant').select(['id', 'name']).where('id', 'in', [...new Set(docs.map((d) => d.tenantId))]).execute(),
    deps.db.selectFrom('kb_directory').select(['id', 'name']).where('id', 'in', [...new Set(docs.map((d) => d.directoryId))]).execute(),
  ]);
  return {
    types: new Map(types.map((t) => [t.code, t.name])),
    tenants: new Map(tenants.map((t) => [t.id, t.name])),
    dirs: new Map(dirs.map((d) => [d.id, d.name])),
  };
}

export async function searchKnowledge(deps: Deps, actor: Actor, q: SearchQuery): Promise<{ total: number; items: SearchItem[] }> {
  const query = (q.q ?? '').trim().slice(0, MAX_QUERY_CHARS);
  const browsing = query === '';
  const rule = q.rule ?? 'any';
  const from = boundOf(q.publishedFrom, false);
  const to = boundOf(q.publishedTo, true);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;

  const snap = await knowledgeSearch(deps).current();
  const chain = ownersOfActor(actor);
  const tenants = [chain.tenantId, ...chain.ancestorIds];
  const synonyms = snap.synonymsFor(tenants);
  const scores = snap.index.scoreAll(query, { synonyms });
  const hot = snap.hotWeights(query, tenants);
  const terms = contentTerms(query);
  const phrase = compact(query);

  // Hits hold the article itself: the index may take in another process's change while this
  // request awaits the database below.
  const hits: { d: IndexedArticle; score: number; hot: number }[] = [];
  for (let i = 0; i < snap.docs.length; i++) {
    const d = snap.docs[i];
    if (!d) continue;
    const score = scores[i] ?? 0;
    const hw = hot.get(d.id)?.weight ?? 0;
    if (!browsing && score <= 0 && hw === 0) continue;
    if (!readable(d, chain)) continue;
    if (q.typeCode && d.typeCode !== q.typeCode) continue;
    if (q.directoryId && d.directoryId !== q.directoryId) continue;
    if (q.ownerTenantId && d.tenantId !== q.ownerTenantId) continue;
    const at = d.publishedAt?.getTime() ?? null;
    if (from !== null && (at === null || at < from)) continue;
    if (to !== null && (at === null || at >= to)) continue;
    // An editor linked the article to the hot word: that link stands whatever the text rule says.
    if (!browsing && hw === 0 && !satisfiesRule(d.compact, rule, { terms, phrase }, synonyms)) continue;
    hits.push({ d, score, hot: hw });
  }
  // Acceptance 27: articles of a hot word in the query come first, the heavier word first.
  hits.sort((a, b) => b.hot - a.hot || b.score - a.score || (b.d.publishedAt?.getTime() ?? 0) - (a.d.publishedAt?.getTime() ?? 0));

  const pageHits = hits.slice((page - 1) * pageSize, page * pageSize);
  const docs = pageHits.map((h) => h.d);
  const names = await namesOf(deps, docs);
  const words = browsing ? [] : rule === 'phrase' ? [query.replace(/\s+/g, '')] : snap.index.expand(query, { synonyms }).words;
  const items = pageHits.map((h): SearchItem => {
    const d = h.d;
    const snippet = snippetOf(d.text, highlight(d.text, words));
    return {
      id: d.id,
      title: d.title,
      summary: d.summary,
      snippet: snippet.text,
      typeCode: d.typeCode,
      typeName: names.types.get(d.typeCode) ?? d.typeCode,
      tenantName: names.tenants.get(d.tenantId) ?? '',
      directoryName: names.dirs.get(d.directoryId) ?? '',
      publishedAt: d.publishedAt?.toISOString() ?? null,
      score: Math.round(h.score * 1000) / 1000,
      titleHighlights: highlight(d.title, words).map(({ start, end }) => ({ start, end })),
      snippetHighlights: snippet.highlights,
    };
  });

  // One row per query, not per page turned: the log measures what people look for.
  if (page === 1 && !browsing) {
    await deps.db
      .insertInto('kb_search_log')
      .values({ id: randomUUID(), tenant_id: actor.tenantId, user_id: actor.userId, query, terms: JSON.stringify(terms), hits: hits.length, at: deps.clock.now() })
      .execute();
  }
  return { total: hits.length, items };
}

/** 热词搜索统计: the caller's tenant's most searched content words over the last `days` days. */
export async function hotSearchTerms(deps: Deps, actor: Actor, days = 30, limit = 20): Promise<{ items: { term: string; count: number }[] }> {
  const since = new Date(deps.clock.now().getTime() - days * 86_400_000);
  const { rows } = await sql<{ term: string; count: number }>`
    select t.term, count(*)::int as count
    from kb_search_log l cross join lateral jsonb_array_elements_text(l.terms) as t(term)
    where l.tenant_id = ${actor.tenantId} and l.at >= ${since}
    group by t.term order by count(*) desc, t.term limit ${limit}`.execute(deps.db);
  return { items: rows.map((r) => ({ term: r.term, count: Number(r.count) })) };
}
