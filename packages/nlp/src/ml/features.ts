import { normalise } from '../text/normalise.js';
import { charNgrams, cut } from '../text/tokenizer.js';
import { isStopword } from '../text/stopwords.js';

export interface SentenceTag {
  /** Prefix of the tag's namespace: words of a matching sentence become `<prefix>:<word>`. */
  prefix: string;
  /** Regular-expression source tested on the normalised sentence (a string, so the config stays JSON). */
  pattern: string;
}

export interface FeatureConfig {
  /** jieba words, stopwords removed. */
  words: boolean;
  /** Character n-gram orders, e.g. [2, 3]; robust to segmentation errors and unknown names. */
  charOrders: number[];
  /** Synonym → canonical term, applied to words before counting. */
  synonyms?: Record<string, string>;
  /**
   * Opt-in: the words of the first and of the last `edgeClauses` clauses again, as `f:` and `l:`
   * features. People state what they want at the start or the end of a message; a bag over the
   * whole text dilutes that in a long narrative.
   */
  edgeClauses?: number;
  /**
   * Opt-in: the words of each sentence that matches a tag's pattern again under the tag's prefix
   * (the first matching tag wins), e.g. what a question sentence asks about.
   */
  sentenceTags?: SentenceTag[];
}

export const DEFAULT_FEATURES: FeatureConfig = { words: true, charOrders: [2, 3] };

function contentWords(text: string, synonyms?: Record<string, string>): string[] {
  const out: string[] = [];
  for (const w of cut(text)) {
    if (isStopword(w) || /^\d+$/.test(w)) continue;
    out.push(synonyms?.[w] ?? w);
  }
  return out;
}

// After normalise() full-width ，？！ are half-width; 。、； stay as they are. A sentence keeps its
// closing ?/! so a tag pattern can test for it.
const SENTENCE = /[^。!?；;\n]+[。!?；;]*/g;
const CLAUSE_END = /[。!?；;\n,，、:：]+/;
const hasContent = (s: string): boolean => /[\p{L}\p{N}]/u.test(s);

/** Feature tokens of a text; prefixes keep word and n-gram spaces apart (人 the word vs 人 the char). */
export function featureTokens(text: string, cfg: FeatureConfig = DEFAULT_FEATURES): string[] {
  const norm = normalise(text);
  const out: string[] = [];
  if (cfg.words) for (const w of contentWords(norm, cfg.synonyms)) out.push(`w:${w}`);
  for (const n of cfg.charOrders) for (const g of charNgrams(norm, n)) out.push(`c${n}:${g}`);
  const edge = cfg.edgeClauses ?? 0;
  if (edge > 0) {
    const clauses = norm.split(CLAUSE_END).filter(hasContent);
    for (const w of contentWords(clauses.slice(0, edge).join(','), cfg.synonyms)) out.push(`f:${w}`);
    for (const w of contentWords(clauses.slice(-edge).join(','), cfg.synonyms)) out.push(`l:${w}`);
  }
  if (cfg.sentenceTags && cfg.sentenceTags.length > 0) {
    const tags = cfg.sentenceTags.map((t) => ({ prefix: t.prefix, re: new RegExp(t.pattern) }));
    for (const s of (norm.match(SENTENCE) ?? []).filter(hasContent)) {
      const tag = tags.find((t) => t.re.test(s));
      if (tag) for (const w of contentWords(s, cfg.synonyms)) out.push(`${tag.prefix}:${w}`);
    }
  }
  return out;
}
