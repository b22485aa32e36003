import { cut, isStopword, normalise, type SynonymTable } from '@hotline/nlp';
import { isVisibleTo, type VisibleOwners } from './visibility.js';

/**
 * The pure parts of knowledge search and recommendation (no database, no index): visibility of an
 * owner, query terms, the any/all/phrase rules, snippets and the recommendation score. Kept apart
 * so the ranking can be unit-tested and tuned without a server.
 */

export interface Span {
  start: number;
  end: number;
}

export type Owners = VisibleOwners;

/** visibility.ts's rule for an indexed article (the index holds published ones only). */
export function readable(doc: { tenantId: string; scope: 'subtree' | 'tenant' }, owners: Owners): boolean {
  return isVisibleTo({ tenant_id: doc.tenantId, scope: doc.scope, status: 'published' }, owners);
}

/** Normalised, with spaces dropped, so that rule checks compare like with like. */
export function compact(text: string): string {
  return normalise(text).replace(/\s+/g, '');
}

/**
 * The query's content words (precise segmentation, no stop words, at least two characters): what
 * rule 'all' requires and what the search log counts as hot search terms. A query of only short or
 * stop words is one term, the query itself, so 'all' still means something.
 */
export function contentTerms(query: string): string[] {
  const words = [...new Set(cut(normalise(query)).filter((w) => w.length >= 2 && !isStopword(w)))];
  if (words.length > 0) return words.slice(0, 20);
  const whole = compact(query);
  return whole ? [whole.slice(0, 50)] : [];
}

export type SearchRule = 'any' | 'all' | 'phrase';

/**
 * Whether a document's compacted text satisfies the rule. 'all': every content word, or one of its
 * synonyms, occurs; 'phrase': the whole query occurs as typed (normalised, spaces ignored).
 * 'any' is BM25's own behaviour (a shared word or character pair is enough).
 */
export function satisfiesRule(doc: string, rule: SearchRule, query: { terms: readonly string[]; phrase: string }, synonyms?: SynonymTable): boolean {
  if (rule === 'any') return true;
  if (rule === 'phrase') return query.phrase.length > 0 && doc.includes(query.phrase);
  return query.terms.every((t) => doc.includes(t) || (synonyms?.get(t) ?? []).some((s) => doc.includes(s.replace(/\s+/g, ''))));
}

export interface Snippet {
  text: string;
  highlights: Span[];
}

/**
 * A window of the text around the first highlight (some context before it, the rest after), with
 * the highlights that fall wholly inside it re-based to the snippet. Ellipses mark cut ends and are
 * counted in the offsets. Without highlights the text's beginning.
 */
export function snippetOf(text: string, highlights: readonly Span[], length = 120, before = 30): Snippet {
  const flat = text.replace(/\s+/g, ' ');
  // Collapsing whitespace shifts offsets, so highlights are mapped through the collapse.
  const map: number[] = [];
  {
    let j = 0;
    let inSpace = false;
    for (let i = 0; i < text.length; i++) {
      const space = /\s/.test(text[i]!);
      map.push(j);
      if (!(space && inSpace)) j++;
      inSpace = space;
    }
    map.push(j);
  }
  const spans = highlights.map((h) => ({ start: map[h.start] ?? 0, end: map[h.end] ?? 0 })).sort((a, b) => a.start - b.start);
  if (flat.length <= length) return { text: flat, highlights: spans };
  const first = spans[0];
  let start = first ? Math.max(0, first.start - before) : 0;
  start = Math.min(start, Math.max(0, flat.length - length));
  // Do not split a surrogate pair at either end.
  if (start > 0 && /[\uDC00-\uDFFF]/.test(flat[start]!)) start--;
  let end = Math.min(flat.length, start + length);
  if (end < flat.length && /[\uDC00-\uDFFF]/.test(flat[end]!)) end++;
  const lead = start > 0 ? '…' : '';
  const tail = end < flat.length ? '…' : '';
  const shift = lead.length - start;
  return {
    text: lead + flat.slice(start, end) + tail,
    highlights: spans.filter((h) => h.start >= start && h.end <= end).map((h) => ({ start: h.start + shift, end: h.end + shift })),
  };
}

/**
 * BM25 score → 0–1 match: the score divided by the query's self-score (TextSearchIndex.selfScore:
 * what a document that is the question would score with the same corpus statistics, word seams
 * no article contains left out), capped at 1. Raw BM25 grows with the question's length and the
 * rarity of its words; the ratio does not, so one threshold (0.85 pins a card) means the same for a
 * five-word question and a ticket: "the article covers the question about as well as the question
 * covers itself". A question's words missing from the article, or the article burying them in a
 * long text, pull it down; the question's words in the article's title push it up (capped).
 * Measured on hand-made pairs: the article answering a question 0.74–1.0, neighbours below 0.65.
 */
export function matchOf(score: number, selfScore: number): number {
  if (!(score > 0) || !(selfScore > 0)) return 0;
  return Math.min(1, score / selfScore);
}

export const PIN_MATCH = 0.85;
/** Usage dampening: 12 uses in 30 days lift a card by ~32%, 100 uses by ~58% (log, so a few popular cards cannot bury relevant ones). */
export const USAGE_K = 8;
/** Added to the score of an article linked to the selected item: the agent's own classification is strong evidence. */
export const ITEM_BOOST = 0.25;

export function usageFactor(uses30d: number): number {
  return 1 + Math.log1p(Math.max(0, uses30d)) / USAGE_K;
}

/** A hot word's lift grows with its weight but saturates (weights are free numbers, 1 to 9999). */
export function hotBoost(weight: number): number {
  return weight > 0 ? (0.3 * weight) / (weight + 2) : 0;
}

export interface RecommendInput {
  match: number;
  uses30d: number;
  itemLinked: boolean;
  hotWeight: number;
}

/** relevance × 30-day use, plus the item link and hot word lifts. */
export function recommendScore(r: RecommendInput): number {
  return r.match * usageFactor(r.uses30d) + (r.itemLinked ? ITEM_BOOST : 0) + hotBoost(r.hotWeight);
}

/** Pinned (match ≥ 85%) first, then by score; ties by id for a stable order. */
export function rankRecommendations<T extends { id: string; score: number; pinned: boolean }>(items: T[]): T[] {
  return [...items].sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.score - a.score || a.id.localeCompare(b.id));
}

/** Rich text (if an editor pasted HTML) as plain text for indexing and snippets. */
export function plainText(text: string): string {
  if (!/<[a-z!/][^>]*>/i.test(text)) return text;
  return text
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>|<\/(p|div|li|h[1-6]|tr)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
