import { normalise } from '../text/normalise.js';
import { charNgrams, cut } from '../text/tokenizer.js';
import { isStopword } from '../text/stopwords.js';

export interface FeatureConfig {
  /** jieba words, stopwords removed. */
  words: boolean;
  /** Character n-gram orders, e.g. [2, 3]; robust to segmentation errors and unknown names. */
  charOrders: number[];
  /** Synonym → canonical term, applied to words before counting. */
  synonyms?: Record<string, string>;
}

export const DEFAULT_FEATURES: FeatureConfig = { words: true, charOrders: [2, 3] };

/** Feature tokens of a text; prefixes keep word and n-gram spaces apart (人 the word vs 人 the char). */
export function featureTokens(text: string, cfg: FeatureConfig = DEFAULT_FEATURES): string[] {
  const norm = normalise(text);
  const out: string[] = [];
  if (cfg.words) {
    for (const w of cut(norm)) {
      if (isStopword(w) || /^\d+$/.test(w)) continue;
      out.push(`w:${cfg.synonyms?.[w] ?? w}`);
    }
  }
  for (const n of cfg.charOrders) for (const g of charNgrams(norm, n)) out.push(`c${n}:${g}`);
  return out;
}
