import { parseChineseNumber } from '../text/normalise.js';
import { matchAll, spanOf, type Span } from './types.js';

export interface MoneyAmount extends Span {
  /** In yuan. */
  value: number;
  approximate: boolean;
}

const NUM = '(\\d+(?:,\\d{3})*(?:\\.\\d+)?|[零〇一二两三四五六七八九十百千万亿]+)';
const AMOUNT = new RegExp(`(?:[¥￥]\\s?${NUM})|(?:${NUM}\\s?(多|余|来)?\\s?(万|千|百|亿)?\\s?(元|块钱|块|圆))`);
const MULT: Record<string, number> = { 万: 1e4, 千: 1e3, 百: 100, 亿: 1e8 };

function numberOf(s: string): number | undefined {
  if (/^[\d,.]+$/.test(s)) return Number(s.replace(/,/g, ''));
  return parseChineseNumber(s);
}

export function extractAmounts(text: string): MoneyAmount[] {
  return matchAll(text, AMOUNT, (m) => {
    const n = numberOf(m[1] ?? m[2] ?? '');
    if (n === undefined || !Number.isFinite(n)) return undefined;
    const value = n * (MULT[m[4] ?? ''] ?? 1);
    return { ...spanOf(text, m.index, m.index + m[0].length), value, approximate: m[3] !== undefined };
  });
}
