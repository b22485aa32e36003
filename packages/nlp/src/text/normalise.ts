import * as OpenCC from 'opencc-js/t2cn';

type Convert = (s: string) => string;
let t2s: Convert | undefined;

/** Built on first use: the OpenCC tables cost a few ms and many callers never need them. */
function traditionalToSimplified(): Convert {
  const c = t2s ?? OpenCC.Converter({ from: 't', to: 'cn' });
  t2s = c;
  return c;
}

/** Full-width ASCII (U+FF01–FF5E) and the ideographic space map to their half-width forms. */
export function toHalfWidth(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c === 0x3000) out += ' ';
    else if (c >= 0xff01 && c <= 0xff5e) out += String.fromCodePoint(c - 0xfee0);
    else out += ch;
  }
  return out;
}

export function toSimplified(text: string): string {
  return traditionalToSimplified()(text);
}

/**
 * Same-length normalisation: width and script only, so offsets found in the result are valid
 * in the original text (element spans must point at what the citizen actually typed).
 */
export function normaliseAligned(text: string): string {
  const half = toHalfWidth(text);
  const simp = toSimplified(half);
  return simp.length === half.length ? simp : half;
}

const DIGIT: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const SMALL_UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const BIG_UNIT: Record<string, number> = { 万: 1e4, 亿: 1e8 };

/** Parses 二十三, 一百零五, 三千五百万, 两万, 一九九八 (digit-by-digit). Returns undefined if not a numeral. */
export function parseChineseNumber(s: string): number | undefined {
  // A bare unit (万, 千元 read as 千) is not a number; 十 alone is ten.
  if (s.length === 0 || /^[百千万亿]/.test(s)) return undefined;
  if (/^[零〇一二两三四五六七八九]+$/.test(s) && s.length > 1) {
    return Number([...s].map((c) => DIGIT[c]).join(''));
  }
  let total = 0;
  let section = 0;
  let digit = -1;
  for (const ch of s) {
    const d = DIGIT[ch];
    if (d !== undefined) {
      digit = d;
      continue;
    }
    const small = SMALL_UNIT[ch];
    const big = BIG_UNIT[ch];
    if (small !== undefined) {
      section += (digit < 0 ? 1 : digit) * small;
    } else if (big !== undefined) {
      total = (total + section + Math.max(digit, 0)) * big;
      section = 0;
    } else {
      return undefined;
    }
    digit = -1;
  }
  return total + section + Math.max(digit, 0);
}

const NUMERAL_RUN = /[零〇一二两三四五六七八九十百千万亿]{2,}|[一二两三四五六七八九十](?=[元块号日月年岁个次天楼栋层室户人辆台])/g;
/** Idioms and words that look like numerals but are not quantities. */
const NOT_NUMBERS = new Set(['一一', '万一', '十万火急', '一二', '千万', '三三两两']);

/** Chinese numerals → Arabic digits for classification and search (not for span work). */
export function convertNumerals(text: string): string {
  return text.replace(NUMERAL_RUN, (run, offset: number, whole: string) => {
    if (NOT_NUMBERS.has(run)) return run;
    if (run === '十' && whole[offset + 1] === '分') return run;
    const n = parseChineseNumber(run);
    return n === undefined ? run : String(n);
  });
}

/** Full normalisation for features and indexing: width, script, case, numerals, spaces. */
export function normalise(text: string): string {
  const simple = toSimplified(toHalfWidth(text));
  return convertNumerals(simple).toLowerCase().replace(/\s+/g, ' ').trim();
}
