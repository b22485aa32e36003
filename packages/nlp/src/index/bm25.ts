export interface Bm25Options {
  k1?: number;
  b?: number;
}

export interface ScoredDoc<K> {
  id: K;
  score: number;
}

interface Posting {
  doc: number;
  tf: number;
}

/**
 * Okapi BM25 over caller-supplied tokens (words, char bigrams, or both: the caller decides,
 * so the same index serves KB search and duplicate lookup).
 */
export class Bm25Index<K> {
  private readonly k1: number;
  private readonly b: number;
  private readonly ids: K[] = [];
  private readonly lengths: number[] = [];
  private readonly postings = new Map<string, Posting[]>();
  private totalLength = 0;

  constructor(opts: Bm25Options = {}) {
    this.k1 = opts.k1 ?? 1.2;
    this.b = opts.b ?? 0.75;
  }

  get size(): number {
    return this.ids.length;
  }

  add(id: K, tokens: readonly string[]): void {
    const doc = this.ids.length;
    this.ids.push(id);
    this.lengths.push(tokens.length);
    this.totalLength += tokens.length;
    const tf = new Map<string, number>();
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, n] of tf) {
      const list = this.postings.get(t) ?? [];
      list.push({ doc, tf: n });
      this.postings.set(t, list);
    }
  }

  /** How many documents contain the token. */
  df(token: string): number {
    return this.postings.get(token)?.length ?? 0;
  }

  idf(token: string): number {
    const df = this.postings.get(token)?.length ?? 0;
    const n = this.ids.length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Scores of every document that shares a token with the query (weights multiply a term's score). */
  scoreAll(query: readonly string[], weights?: ReadonlyMap<string, number>): Float64Array {
    const scores = new Float64Array(this.ids.length);
    const avg = this.totalLength / Math.max(1, this.ids.length);
    const qtf = new Map<string, number>();
    for (const t of query) qtf.set(t, (qtf.get(t) ?? 0) + 1);
    for (const [t, q] of qtf) {
      const list = this.postings.get(t);
      if (!list) continue;
      const w = this.idf(t) * (weights?.get(t) ?? 1) * Math.sqrt(q);
      for (const p of list) {
        const len = this.lengths[p.doc] ?? 0;
        const norm = p.tf + this.k1 * (1 - this.b + (this.b * len) / avg);
        scores[p.doc] = (scores[p.doc] ?? 0) + (w * p.tf * (this.k1 + 1)) / norm;
      }
    }
    return scores;
  }

  /**
   * The score a document with these tokens would get if it were in the index (same idf and
   * average length), e.g. a query scored against itself to normalise scores to 0–1.
   */
  scoreTokens(query: readonly string[], doc: readonly string[], weights?: ReadonlyMap<string, number>): number {
    const avg = this.totalLength / Math.max(1, this.ids.length);
    const tf = new Map<string, number>();
    for (const t of doc) tf.set(t, (tf.get(t) ?? 0) + 1);
    const qtf = new Map<string, number>();
    for (const t of query) qtf.set(t, (qtf.get(t) ?? 0) + 1);
    let score = 0;
    for (const [t, q] of qtf) {
      const n = tf.get(t);
      if (!n) continue;
      const w = this.idf(t) * (weights?.get(t) ?? 1) * Math.sqrt(q);
      score += (w * n * (this.k1 + 1)) / (n + this.k1 * (1 - this.b + (this.b * doc.length) / Math.max(avg, 1e-9)));
    }
    return score;
  }

  search(query: readonly string[], k = 10, weights?: ReadonlyMap<string, number>): ScoredDoc<K>[] {
    const scores = this.scoreAll(query, weights);
    return topK(scores, k).map((i) => ({ id: this.ids[i] as K, score: scores[i] ?? 0 }));
  }
}

/** Indices of the k largest positive scores, best first (partial selection, no full sort). */
export function topK(scores: ArrayLike<number>, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] ?? 0;
    if (s <= 0) continue;
    if (best.length === k && s <= (scores[best[best.length - 1] ?? 0] ?? 0)) continue;
    let j = best.length < k ? best.length : k - 1;
    if (best.length < k) best.push(i);
    while (j > 0 && (scores[best[j - 1] ?? 0] ?? 0) < s) {
      best[j] = best[j - 1] ?? 0;
      j--;
    }
    best[j] = i;
  }
  return best;
}
