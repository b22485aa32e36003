import { randomUUID } from 'node:crypto';
import type { Actor, Deps } from '../../platform/context.js';
import { invalid, notFound } from '../../platform/errors.js';
import type { KbUsageTable } from '../../platform/db/schema.js';
import { knowledgeSearch } from './search.index.js';
import { matchOf, PIN_MATCH, rankRecommendations, readable, recommendScore } from './search.ranking.js';
import { namesOf } from './search.service.js';
import { isVisibleTo, ownersOfActor } from './visibility.js';

/** A ticket's title and content are enough to match; the rest of a very long text is cut, not refused. */
export const MAX_RECOMMEND_CHARS = 2000;
/** BM25's best hits considered before usage, item link and hot words re-rank them. */
const CANDIDATES = 50;
const USAGE_DAYS = 30;

export interface RecommendInput {
  /** Optional when an item is chosen: its linked knowledge is listed by use. */
  text?: string;
  itemId?: string;
  limit?: number;
}

export interface Recommendation {
  id: string;
  title: string;
  summary: string;
  typeName: string;
  score: number;
  match: number;
  pinned: boolean;
  usage30d: number;
  reasons: string[];
}

/** kb_usage over the last 30 days for the given articles (all kinds, every tenant: how useful agents find it). */
export async function usage30d(deps: Deps, articleIds: readonly string[]): Promise<Map<string, number>> {
  if (articleIds.length === 0) return new Map();
  const since = new Date(deps.clock.now().getTime() - USAGE_DAYS * 86_400_000);
  const rows = await deps.db
    .selectFrom('kb_usage')
    .select(['article_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('article_id', 'in', [...articleIds])
    .where('at', '>=', since)
    .groupBy('article_id')
    .execute();
  return new Map(rows.map((r) => [r.article_id, Number(r.n)]));
}

/**
 * 智能匹配 (tender §6, acceptance 21): the published knowledge visible to the caller that best
 * answers a citizen's question or ticket text. Relevance is BM25 normalised to a 0–1 match by the
 * text's self-score (see matchOf), multiplied by a 30-day usage factor, lifted when the article is
 * linked to the selected item or to a hot word in the text; a match ≥ 85% is pinned first.
 * Articles linked to the selected item are candidates even without shared words: an agent's
 * classification is evidence in itself.
 */
export async function recommendKnowledge(deps: Deps, actor: Actor, input: RecommendInput): Promise<{ items: Recommendation[] }> {
  const text = (input.text ?? '').trim().slice(0, MAX_RECOMMEND_CHARS);
  if (!text && !input.itemId) throw invalid('请输入诉求内容或选择诉求事项');
  const limit = input.limit ?? 5;
  const snap = await knowledgeSearch(deps).current();
  const owners = ownersOfActor(actor);
  const tenants = [owners.tenantId, ...owners.ancestorIds];
  const synonyms = snap.synonymsFor(tenants);
  const scores = snap.index.scoreAll(text, { synonyms });
  const self = snap.index.selfScore(text);
  const hot = snap.hotWeights(text, tenants);

  const scored: { i: number; score: number }[] = [];
  const extra = new Set<number>();
  for (let i = 0; i < snap.docs.length; i++) {
    const d = snap.docs[i];
    if (!d) continue;
    const s = scores[i] ?? 0;
    const linked = (input.itemId !== undefined && d.itemIds.includes(input.itemId)) || hot.has(d.id);
    if (s <= 0 && !linked) continue;
    if (!readable(d, owners)) continue;
    if (linked) extra.add(i);
    else scored.push({ i, score: s });
  }
  scored.sort((a, b) => b.score - a.score);
  const candidates = [...new Set([...extra, ...scored.slice(0, CANDIDATES).map((c) => c.i)])];
  // Held here, not re-read by position: the index may take in a change while this request awaits.
  const docs = candidates.map((i) => snap.docs[i]!);
  const [uses, names, itemNames] = await Promise.all([usage30d(deps, docs.map((d) => d.id)), namesOf(deps, docs), itemNameOf(deps, input.itemId)]);

  const ranked = rankRecommendations(
    candidates.map((i, k) => {
      const d = docs[k]!;
      const match = matchOf(scores[i] ?? 0, self);
      const n = uses.get(d.id) ?? 0;
      const itemLinked = input.itemId !== undefined && d.itemIds.includes(input.itemId);
      const hw = hot.get(d.id);
      const reasons: string[] = [];
      if (match > 0) reasons.push(`与诉求内容相似度 ${Math.round(match * 100)}%`);
      if (n > 0) reasons.push(`近${USAGE_DAYS}天使用 ${n} 次`);
      if (itemLinked) reasons.push(`关联事项：${itemNames ?? '所选事项'}`);
      if (hw) reasons.push(`命中热词：${hw.word}`);
      return {
        id: d.id,
        title: d.title,
        summary: d.summary,
        typeName: names.types.get(d.typeCode) ?? d.typeCode,
        score: Math.round(recommendScore({ match, uses30d: n, itemLinked, hotWeight: hw?.weight ?? 0 }) * 1000) / 1000,
        match: Math.round(match * 100) / 100,
        pinned: match >= PIN_MATCH,
        usage30d: n,
        reasons,
      };
    }),
  );
  return { items: ranked.slice(0, limit) };
}

/**
 * The selected item's name for the reason text. Items belong to the catalogue module; this reads
 * one name by primary key, the same way ticket intake checks its item.
 */
async function itemNameOf(deps: Deps, itemId: string | undefined): Promise<string | null> {
  if (!itemId) return null;
  const row = await deps.db.selectFrom('catalog_item').select('name').where('id', '=', itemId).executeTakeFirst();
  return row?.name ?? null;
}

/**
 * Records that an agent viewed, inserted, copied or clicked a recommended article (feeds the 30-day
 * usage factor). Only knowledge the caller may read: anything else is 404 like a ghost id.
 */
export async function recordUse(deps: Deps, actor: Actor, articleId: string, input: { kind: KbUsageTable['kind']; ticketId?: string }): Promise<void> {
  const a = await deps.db.selectFrom('kb_article').select(['id', 'tenant_id', 'scope', 'status']).where('id', '=', articleId).executeTakeFirst();
  if (!a || !isVisibleTo(a, ownersOfActor(actor))) throw notFound('知识');
  await deps.db
    .insertInto('kb_usage')
    .values({ id: randomUUID(), article_id: a.id, tenant_id: actor.tenantId, user_id: actor.userId, kind: input.kind, ticket_id: input.ticketId ?? null, at: deps.clock.now() })
    .execute();
}
