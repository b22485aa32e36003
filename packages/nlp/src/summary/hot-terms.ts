import { keywordCounts } from './summarise.js';

export interface HotTerm {
  term: string;
  /** Documents of the current period containing the term. */
  count: number;
  /** Share in the current period ÷ smoothed share in the baseline period. */
  burst: number;
  score: number;
}

function documentFrequencies(texts: readonly string[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const t of texts) for (const w of keywordCounts(t).keys()) df.set(w, (df.get(w) ?? 0) + 1);
  return df;
}

/**
 * Hot words of a period (#91): terms frequent now and rising against a baseline period, scored
 * count × log(1 + burst). With no baseline it is plain document frequency.
 */
export function hotTerms(current: readonly string[], baseline: readonly string[] = [], k = 20, minCount = 2): HotTerm[] {
  const now = documentFrequencies(current);
  const before = documentFrequencies(baseline);
  const n = Math.max(1, current.length);
  const m = Math.max(1, baseline.length);
  const out: HotTerm[] = [];
  for (const [term, count] of now) {
    if (count < minCount) continue;
    // Add-one smoothing: a term absent from the baseline gets a large but finite burst.
    const burst = baseline.length === 0 ? 1 : count / n / (((before.get(term) ?? 0) + 1) / (m + 1));
    out.push({ term, count, burst: Math.round(burst * 100) / 100, score: count * Math.log(1 + burst) });
  }
  return out.sort((a, b) => b.score - a.score).slice(0, k);
}
