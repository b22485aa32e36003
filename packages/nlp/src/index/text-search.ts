import type { Span } from '../extract/types.js';
import { AhoCorasick, longestNonOverlapping } from '../match/aho-corasick.js';
import { normalise, normaliseAligned } from '../text/normalise.js';
import { isStopword } from '../text/stopwords.js';
import { charNgrams, cutForSearch } from '../text/tokenizer.js';
import { Bm25Index, topK, type Bm25Options } from './bm25.js';

export interface SearchDocument {
  id: string;
  title?: string;
  text: string;
  /**
   * Searchable but not shown or highlighted: e.g. the questions callers already asked about this
   * item or its source document (FAQ history). Scored as a separate BM25 field.
   */
  context?: string;
}

export interface SearchHit {
  id: string;
  score: number;
  /** Where the query's words (and their synonyms) occur in the document text, for highlighting. */
  highlights: Span[];
}

/** A prepared synonym table (see synonymTable), passed per query when synonyms differ by caller. */
export type SynonymTable = ReadonlyMap<string, readonly string[]>;

export interface QueryOptions {
  /**
   * Extra synonyms for this query only (e.g. the caller's tenant's 同义词), on top of the index's
   * own. A term counts when it occurs anywhere in the normalised query, not only as a jieba token:
   * tenants' terms are often words the dictionary does not know.
   */
  synonyms?: SynonymTable;
}

export interface TextSearchOptions extends Bm25Options {
  /** Term → equivalent terms (集合词); expansions count at half weight. */
  synonyms?: Record<string, readonly string[]>;
  /** How many times title tokens count (default 2). */
  titleWeight?: number;
  /** Weight of the `context` field next to title + text (default 1). */
  contextWeight?: number;
}

/** Words (search mode, for recall on compounds) plus character bigrams (for unknown words and typos of one character). */
export function searchTokens(text: string): string[] {
  const n = normalise(text);
  return [...cutForSearch(n), ...charNgrams(n, 2).map((g) => `#${g}`)];
}

/**
 * Knowledge-base style search: BM25 over words and character bigrams, title boost, synonym
 * expansion and highlight spans. In memory; the server persists documents and rebuilds it.
 */
export class TextSearchIndex {
  private readonly bm25: Bm25Index<string>;
  /** Second BM25 field over SearchDocument.context, same document order as bm25. */
  private readonly context: Bm25Index<string>;
  private hasContext = false;
  private readonly texts = new Map<string, string>();
  private readonly ids: string[] = [];
  private readonly synonyms: Map<string, readonly string[]>;

  constructor(private readonly opts: TextSearchOptions = {}) {
    this.bm25 = new Bm25Index<string>(opts);
    this.context = new Bm25Index<string>(opts);
    this.synonyms = symmetricSynonyms(opts.synonyms ?? {});
  }

  get size(): number {
    return this.bm25.size;
  }

  add(doc: SearchDocument): void {
    const title = doc.title ? searchTokens(doc.title) : [];
    const repeated = Array.from({ length: this.opts.titleWeight ?? 2 }, () => title).flat();
    this.bm25.add(doc.id, [...repeated, ...searchTokens(doc.text)]);
    const ctx = doc.context?.trim() ? searchTokens(doc.context) : [];
    if (ctx.length > 0) this.hasContext = true;
    this.context.add(doc.id, ctx);
    this.texts.set(doc.id, doc.text);
    this.ids.push(doc.id);
  }

  /** Query terms with their weights: the query's own tokens at 1, synonym expansions at 0.5. */
  expand(query: string, opts: QueryOptions = {}): { tokens: string[]; weights: Map<string, number>; words: string[] } {
    const own = searchTokens(query);
    const weights = new Map(own.map((t) => [t, 1]));
    const words = [...new Set(own.filter((t) => !t.startsWith('#') && t.length >= 2 && !isStopword(t)))];
    const found = words.flatMap((w) => this.synonyms.get(w) ?? []);
    if (opts.synonyms && opts.synonyms.size > 0) {
      const q = normalise(query);
      for (const [term, list] of opts.synonyms) if (term.length >= 2 && q.includes(term)) found.push(...list);
    }
    const synonyms = [...new Set(found)].filter((w) => !words.includes(w));
    const extra: string[] = [];
    for (const syn of synonyms) {
      for (const t of searchTokens(syn)) {
        extra.push(t);
        if (!weights.has(t)) weights.set(t, 0.5);
      }
    }
    return { tokens: [...own, ...extra], weights, words: [...words, ...synonyms] };
  }

  search(query: string, k = 10, opts: QueryOptions = {}): SearchHit[] {
    if (query.trim().length === 0) return [];
    const { tokens, weights, words } = this.expand(query, opts);
    if (!this.hasContext) return this.bm25.search(tokens, k, weights).map((h) => ({ ...h, highlights: highlight(this.texts.get(h.id) ?? '', words) }));
    const scores = this.combined(tokens, weights);
    return topK(scores, k).map((i) => {
      const id = this.ids[i] ?? '';
      return { id, score: scores[i] ?? 0, highlights: highlight(this.texts.get(id) ?? '', words) };
    });
  }

  /** Raw scores of every document in insertion order (evaluation and re-ranking). */
  scoreAll(query: string, opts: QueryOptions = {}): Float64Array {
    const { tokens, weights } = this.expand(query, opts);
    return this.hasContext ? this.combined(tokens, weights) : this.bm25.scoreAll(tokens, weights);
  }

  /**
   * What a document whose text is the query would score (main field only): dividing a hit's score
   * by it gives a 0–1-ish match. Only the query's own tokens count, and of those the unknown
   * character pairs are dropped: a pair no document has is nearly always a seam between two words
   * (供暖费吗 → 费吗) and would weigh most, so the best possible answer could never come near 1.
   * Unknown content words stay (a question about 暖气 is not answered by an article without it).
   * Documents that repeat the query's words in their title can exceed it.
   */
  selfScore(query: string): number {
    const own = searchTokens(query).filter((t) => this.bm25.df(t) > 0 || (!t.startsWith('#') && t.length >= 2 && !isStopword(t) && !/^\d+$/.test(t)));
    return this.bm25.scoreTokens(own, own);
  }

  private combined(tokens: string[], weights: Map<string, number>): Float64Array {
    const main = this.bm25.scoreAll(tokens, weights);
    const ctx = this.context.scoreAll(tokens, weights);
    const w = this.opts.contextWeight ?? 1;
    for (let i = 0; i < main.length; i++) main[i] = (main[i] ?? 0) + w * (ctx[i] ?? 0);
    return main;
  }
}

/** Groups of equivalent terms (term → its synonyms) as a symmetric, normalised table for QueryOptions. */
export function synonymTable(groups: Record<string, readonly string[]>): SynonymTable {
  return symmetricSynonyms(groups);
}

function symmetricSynonyms(groups: Record<string, readonly string[]>): Map<string, readonly string[]> {
  const out = new Map<string, Set<string>>();
  for (const [head, list] of Object.entries(groups)) {
    const all = [head, ...list].map((w) => normalise(w));
    for (const w of all) {
      const set = out.get(w) ?? new Set<string>();
      for (const o of all) if (o !== w) set.add(o);
      out.set(w, set);
    }
  }
  return new Map([...out].map(([k, v]) => [k, [...v]]));
}

/** Spans of the given words in a text (longest match first, no overlaps), for <mark> rendering. */
export function highlight(text: string, words: readonly string[]): Span[] {
  const ac = new AhoCorasick<true>();
  for (const w of words) if (w.length >= 2) ac.add(normalise(w), true);
  if (ac.size === 0) return [];
  // Same-length normalisation keeps the offsets valid in the original text.
  const t = normaliseAligned(text).toLowerCase();
  return longestNonOverlapping(ac.search(t)).map((m) => ({ start: m.start, end: m.end, text: text.slice(m.start, m.end) }));
}
