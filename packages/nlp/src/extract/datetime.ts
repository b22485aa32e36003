import { parseChineseNumber } from '../text/normalise.js';
import { matchAll, spanOf, type Span } from './types.js';

export interface TimeExpression extends Span {
  /** YYYY-MM-DD (day precision), YYYY-MM or YYYY; undefined for a bare time of day. */
  date: string | undefined;
  /** HH:mm when a clock time was said. */
  time: string | undefined;
  /** 上午, 下午, 晚上 … when said (or implied, as in 昨晚). */
  period: string | undefined;
  precision: 'year' | 'month' | 'day' | 'minute' | 'period';
  /** True when resolved against the reference date (昨天, 上周三, 3天前 …). */
  relative: boolean;
}

export interface TimeOptions {
  /** "Now" for relative expressions; a call's start time or the message time. */
  reference: Date;
  /** Calendar of the reference (Xinjiang offices work on Beijing time). */
  timeZone?: string;
}

const CN = '[零〇一二两三四五六七八九十\\d]';
const N = `(?:\\d{1,2}|${CN}{1,3})`;
const PERIOD = '凌晨|清晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|夜间|半夜|深夜';
const DAY_WORDS = '大前天|前天|昨天|昨日|昨晚|昨夜|今天|今日|今早|今晨|今晚|明天|明日|明早|明晚|后天|大后天';
const SRC = [
  '(?:',
  `(?<iso>(?<isoY>\\d{4})[-/.](?<isoM>\\d{1,2})[-/.](?<isoD>\\d{1,2}))`,
  `|(?<abs>(?:(?<absY>\\d{4}|[零〇一二三四五六七八九]{4})年)?(?:(?<absM>${N})月(?:份)?)(?:(?<absD>${N})[日号])?|(?<absY2>\\d{4})年|(?<absD2>${N})[日号](?!码|线|楼|院))`,
  `|(?<dayw>${DAY_WORDS})`,
  `|(?<ago>(?<agoN>${N}|几|半)(?:个)?(?<agoU>天|日|周|星期|月|年)(?:以)?前)`,
  `|(?<week>(?<weekP>上上|上|本|这|下)?(?:个)?(?:周|星期|礼拜)(?<weekD>[一二三四五六日天1-7]))`,
  `|(?<rmon>(?<rmonP>上|本|这|下)(?:个)?月(?:(?<rmonD>${N})[日号])?)`,
  `|(?<ryear>(?<ryearW>去年|今年|前年|明年)(?:(?<ryearM>${N})月)?(?:(?<ryearD>${N})[日号])?)`,
  ')?',
  '(?:\\s(?=\\d{1,2}[:：]))?',
  `(?<per>${PERIOD})?`,
  `(?<clk>(?<clkH>${N})(?:[点时](?:(?<clkM>${N})分?|(?<half>半)|(?<quarter>一刻|三刻))?)|(?<hh>\\d{1,2})[:：](?<mm>\\d{2}))?`,
].join('');
const TIME_RE = new RegExp(SRC);

type Groups = Record<string, string | undefined>;

interface Ymd {
  y: number;
  m: number;
  d: number;
}

function localDate(ref: Date, timeZone: string): Ymd {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(ref);
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? NaN);
  return { y: get('year'), m: get('month'), d: get('day') };
}

function addDays(base: Ymd, days: number): Ymd {
  const t = new Date(Date.UTC(base.y, base.m - 1, base.d + days));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function addMonths(base: Ymd, months: number, day?: number): Ymd {
  const t = new Date(Date.UTC(base.y, base.m - 1 + months, 1));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: day ?? base.d };
}

const pad = (n: number): string => String(n).padStart(2, '0');
const fmt = (v: Ymd): string => `${v.y}-${pad(v.m)}-${pad(v.d)}`;
const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : /^\d+$/.test(s) ? Number(s) : parseChineseNumber(s));

function validDay(v: Ymd): boolean {
  const t = new Date(Date.UTC(v.y, v.m - 1, v.d));
  return v.m >= 1 && v.m <= 12 && t.getUTCDate() === v.d;
}

const DAY_OFFSET: Record<string, [number, string | undefined]> = {
  大前天: [-3, undefined], 前天: [-2, undefined], 昨天: [-1, undefined], 昨日: [-1, undefined],
  昨晚: [-1, '晚上'], 昨夜: [-1, '夜里'], 今天: [0, undefined], 今日: [0, undefined], 今早: [0, '早上'],
  今晨: [0, '早上'], 今晚: [0, '晚上'], 明天: [1, undefined], 明日: [1, undefined], 明早: [1, '早上'],
  明晚: [1, '晚上'], 后天: [2, undefined], 大后天: [3, undefined],
};

const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };

interface Resolved {
  date: string | undefined;
  precision: TimeExpression['precision'];
  relative: boolean;
  period?: string;
}

const dayNumber = (v: Ymd): number => Date.UTC(v.y, v.m - 1, v.d) / 86_400_000;

/**
 * A date without a year (or month) that lies ahead: callers mostly report what happened, so the
 * past one is meant — unless the future one is within two weeks and the past one months ago
 * ("12月1日之前把工资发了" said on 26 November).
 */
function pastOrNearFuture(future: Ymd, ref: Ymd, monthMissing: boolean): Ymd {
  const past = monthMissing ? addMonths(future, -1, future.d) : { ...future, y: future.y - 1 };
  const ahead = dayNumber(future) - dayNumber(ref);
  const behind = dayNumber(ref) - dayNumber(past);
  return ahead <= 14 && behind > 60 ? future : past;
}

function absolute(g: Groups, ref: Ymd): Resolved | undefined {
  if (g['isoY']) {
    const v = { y: Number(g['isoY']), m: Number(g['isoM']), d: Number(g['isoD']) };
    return validDay(v) ? { date: fmt(v), precision: 'day', relative: false } : undefined;
  }
  const y = num(g['absY'] ?? g['absY2']);
  const m = num(g['absM']);
  const d = num(g['absD'] ?? g['absD2']);
  if (m === undefined && d === undefined) return y === undefined ? undefined : { date: String(y), precision: 'year', relative: false };
  const month = m ?? ref.m;
  let v: Ymd = { y: y ?? ref.y, m: month, d: d ?? 1 };
  if (y === undefined && fmt(v) > fmt(ref)) v = pastOrNearFuture(v, ref, m === undefined);
  if (!validDay(v)) return undefined;
  if (d === undefined) return { date: `${v.y}-${pad(v.m)}`, precision: 'month', relative: y === undefined };
  return { date: fmt(v), precision: 'day', relative: y === undefined || m === undefined };
}

function weekday(g: Groups, ref: Ymd): Resolved {
  const refDow = (new Date(Date.UTC(ref.y, ref.m - 1, ref.d)).getUTCDay() + 6) % 7 + 1;
  const raw = g['weekD'] ?? '一';
  const target = WEEKDAY[raw] ?? Number(raw);
  const monday = addDays(ref, 1 - refDow);
  const prefix = g['weekP'];
  const shift = prefix === '上上' ? -14 : prefix === '上' ? -7 : prefix === '下' ? 7 : 0;
  let v = addDays(monday, shift + target - 1);
  // A bare 周三 said on Monday is the one just past: complaints describe what already happened.
  if (prefix === undefined && fmt(v) > fmt(ref)) v = addDays(v, -7);
  return { date: fmt(v), precision: 'day', relative: true };
}

function relative(g: Groups, ref: Ymd): Resolved | undefined {
  if (g['dayw']) {
    const [off, period] = DAY_OFFSET[g['dayw']] ?? [0, undefined];
    return { date: fmt(addDays(ref, off)), precision: 'day', relative: true, period };
  }
  if (g['ago']) {
    const n = g['agoN'] === '半' ? 0.5 : g['agoN'] === '几' ? 3 : num(g['agoN']) ?? 1;
    const u = g['agoU'];
    if (u === '月' || u === '年') {
      const v = addMonths(ref, -Math.round(n * (u === '年' ? 12 : 1)));
      return { date: `${v.y}-${pad(v.m)}`, precision: 'month', relative: true };
    }
    const days = Math.round(n * (u === '周' || u === '星期' ? 7 : 1));
    return { date: fmt(addDays(ref, -days)), precision: 'day', relative: true };
  }
  if (g['week']) return weekday(g, ref);
  if (g['rmon']) {
    const p = g['rmonP'];
    const d = num(g['rmonD']);
    const v = addMonths(ref, p === '上' ? -1 : p === '下' ? 1 : 0, d ?? 1);
    if (!validDay(v)) return undefined;
    return d === undefined ? { date: `${v.y}-${pad(v.m)}`, precision: 'month', relative: true } : { date: fmt(v), precision: 'day', relative: true };
  }
  if (g['ryear']) {
    const y = ref.y + ({ 去年: -1, 前年: -2, 明年: 1 }[g['ryearW'] ?? ''] ?? 0);
    const m = num(g['ryearM']);
    const d = num(g['ryearD']);
    if (m === undefined) return { date: String(y), precision: 'year', relative: true };
    const v = { y, m, d: d ?? 1 };
    if (!validDay(v)) return undefined;
    return d === undefined ? { date: `${y}-${pad(m)}`, precision: 'month', relative: true } : { date: fmt(v), precision: 'day', relative: true };
  }
  return undefined;
}

function clock(g: Groups, period: string | undefined): string | undefined {
  let h = num(g['clkH'] ?? g['hh']);
  if (h === undefined) return undefined;
  const m = g['half'] ? 30 : g['quarter'] === '一刻' ? 15 : g['quarter'] === '三刻' ? 45 : num(g['clkM'] ?? g['mm']) ?? 0;
  if (period && /下午|傍晚|晚上|夜里|夜间|深夜/.test(period) && h < 12) h += 12;
  if (period === '中午' && h < 6) h += 12;
  return h <= 24 && m < 60 ? `${pad(h % 24)}:${pad(m)}` : undefined;
}

function build(text: string, m: RegExpExecArray, ref: Ymd): TimeExpression | undefined {
  const g: Groups = m.groups ?? {};
  const hasDate = g['iso'] ?? g['abs'] ?? g['dayw'] ?? g['ago'] ?? g['week'] ?? g['rmon'] ?? g['ryear'];
  // A clock time on its own ("有3点建议") is too ambiguous; it needs a date, a period or hh:mm.
  if (!hasDate && !g['per'] && !g['hh']) return undefined;
  const r: Resolved | undefined = hasDate ? (absolute(g, ref) ?? relative(g, ref)) : { date: undefined, precision: 'period', relative: true };
  if (!r) return undefined;
  const period = g['per'] ?? r.period;
  const time = g['clk'] ? clock(g, period) : undefined;
  return {
    ...spanOf(text, m.index, m.index + m[0].length),
    date: r.date,
    time,
    period,
    precision: time ? 'minute' : r.precision,
    relative: r.relative,
  };
}

/** Dates, relative days/weeks/months and times of day, resolved against `reference`. */
export function extractTimes(text: string, opts: TimeOptions): TimeExpression[] {
  const ref = localDate(opts.reference, opts.timeZone ?? 'Asia/Shanghai');
  if (!Number.isFinite(ref.y)) return [];
  return matchAll(text, TIME_RE, (m) => (m[0].length === 0 ? undefined : build(text, m, ref)));
}
