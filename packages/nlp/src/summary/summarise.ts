import { cut } from '../text/tokenizer.js';
import { isStopword } from '../text/stopwords.js';
import { normalise } from '../text/normalise.js';
import type { Span } from '../extract/types.js';
import { splitSentences } from './sentences.js';

export interface Summary {
  text: string;
  sentences: Span[];
  keywords: string[];
}

export interface SummaryOptions {
  maxChars?: number;
  /** Words that mark the demand itself; sentences holding them are preferred. */
  cueWords?: readonly string[];
}

const DEMAND_CUES = ['希望', '要求', '请求', '建议', '反映', '投诉', '举报', '咨询', '请问', '能否', '尽快', '解决', '处理'];
const GREETING = /^(您好|你好|尊敬的|领导|书记|市长)/;

/** Content words of a text by frequency, stopwords and single characters removed. */
export function keywordCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of cut(normalise(text))) {
    if (w.length < 2 || isStopword(w) || /^\d+$/.test(w)) continue;
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts;
}

function sentenceScore(s: Span, i: number, freq: Map<string, number>, cues: readonly string[]): number {
  const words = cut(normalise(s.text)).filter((w) => freq.has(w));
  const content = words.reduce((a, w) => a + (freq.get(w) ?? 0), 0) / Math.sqrt(Math.max(4, s.text.length));
  const cue = cues.some((c) => s.text.includes(c)) ? 1.5 : 0;
  const position = i === 0 ? 1 : 1 / (1 + i * 0.3);
  const greeting = GREETING.test(s.text) && s.text.length < 15 ? -3 : 0;
  // The caller's phone and ID are elements of the ticket, not its content.
  const personal = /(电话|手机|身份证|\d{11,})/.test(s.text) ? -2 : 0;
  return content + cue + position + greeting + personal;
}

/**
 * Extractive summary: sentences scored by in-document keyword weight, demand cues and position,
 * the best ones kept in reading order up to maxChars. No sentence is rewritten, so nothing is invented.
 */
export function summarise(text: string, opts: SummaryOptions = {}): Summary {
  const maxChars = opts.maxChars ?? 120;
  const sentences = splitSentences(text);
  const freq = keywordCounts(text);
  const keywords = [...freq].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([w]) => w);
  const ranked = sentences
    .map((s, i) => ({ s, i, score: sentenceScore(s, i, freq, opts.cueWords ?? DEMAND_CUES) }))
    .sort((a, b) => b.score - a.score);
  const chosen: typeof ranked = [];
  let used = 0;
  for (const r of ranked) {
    if (used > 0 && used + r.s.text.length > maxChars) continue;
    chosen.push(r);
    used += r.s.text.length;
  }
  const ordered = chosen.sort((a, b) => a.i - b.i).map((r) => r.s);
  const joined = ordered.map((s) => s.text).join('');
  return { text: joined.length > maxChars ? `${joined.slice(0, maxChars - 1)}…` : joined, sentences: ordered, keywords };
}
