import { parseChineseNumber } from '../text/normalise.js';
import { matchAll, spanOf, type Span } from './types.js';

export interface MoneyAmount extends Span {
  /** In yuan. */
  value: number;
  /** 多/余/来: "more than", as in 4万多元. */
  approximate: boolean;
}

const NUM = '\\d+(?:,\\d{3})*(?:\\.\\d+)?|[零〇一二两三四五六七八九十百千万亿]+';
// ¥99.5 | 3500元 | 4万多元 | 两块五 (a single digit after 块/元 is tenths, 角/毛).
const AMOUNT = new RegExp(
  `(?:[¥￥]\\s?(?<sym>${NUM}))|(?:(?<num>${NUM})\\s?(?<about1>多|余|来)?\\s?(?<mult>万|千|百|亿)?\\s?(?<about2>多|余)?\\s?(?:元|块钱|块|圆)(?:(?<tenths>[一二两三四五六七八九\\d])(?:毛|角)?(?![\\d十百千万]))?)`,
);
const MULT: Record<string, number> = { 万: 1e4, 千: 1e3, 百: 100, 亿: 1e8 };

function numberOf(s: string): number | undefined {
  if (/^[\d,.]+$/.test(s)) return Number(s.replace(/,/g, ''));
  return parseChineseNumber(s);
}

export function extractAmounts(text: string): MoneyAmount[] {
  return matchAll(text, AMOUNT, (m) => {
    const g = m.groups ?? {};
    const n = numberOf(g['sym'] ?? g['num'] ?? '');
    if (n === undefined || !Number.isFinite(n)) return undefined;
    const tenths = g['tenths'] === undefined ? 0 : (numberOf(g['tenths']) ?? 0) / 10;
    const value = n * (MULT[g['mult'] ?? ''] ?? 1) + tenths;
    return { ...spanOf(text, m.index, m.index + m[0].length), value, approximate: g['about1'] !== undefined || g['about2'] !== undefined };
  });
}
