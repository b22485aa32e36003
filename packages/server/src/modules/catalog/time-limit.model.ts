/**
 * Vocabulary of 办结时限 shared by the service, the Excel sheets and the seed: levels, units, the
 * platform default and the Chinese wording of a rule. Everything here is pure.
 */
export type TimeLimitUnit = 'workday' | 'hour' | 'natural_day';
export const UNITS: readonly TimeLimitUnit[] = ['workday', 'hour', 'natural_day'];

/** The five administrative levels of 五级联动 (§3 五级穿透定位). */
export const LEVEL_NAMES: Record<number, string> = {
  1: '自治区级',
  2: '地州市级',
  3: '区县级',
  4: '乡镇（街道）级',
  5: '村（社区）级',
};
export const LEVELS = [1, 2, 3, 4, 5] as const;

export const UNIT_NAMES: Record<TimeLimitUnit, string> = { workday: '工作日', hour: '小时', natural_day: '自然日' };
// '3个工作日' but '24小时': hours take no measure word.
const UNIT_PHRASE: Record<TimeLimitUnit, [string, string]> = { workday: ['个', '工作日'], hour: ['', '小时'], natural_day: ['个', '自然日'] };

/** Yellow starts when this share of the limit has elapsed, unless a rule says otherwise. */
export const DEFAULT_WARN_RATIO = 0.8;

/**
 * Used only when no rule at all applies (e.g. every inherited rule was deleted): the county-level
 * general limit, so that a demand always gets a deadline and nothing silently never turns red.
 */
export const PLATFORM_DEFAULT = { amount: 5, unit: 'workday' as TimeLimitUnit, warnRatio: DEFAULT_WARN_RATIO };

export interface RuleDimensions {
  level: number | null;
  industry: string | null;
  urgency: string | null;
  itemId: string | null;
}

export interface DimensionLabels {
  industry: ReadonlyMap<string, string>;
  urgency: ReadonlyMap<string, string>;
}

/** Drops float noise (0.8 × 3 = 2.4000000000000004) and trailing zeros. */
export function roundAmount(n: number): number {
  return Math.round(n * 100) / 100;
}

export function warnAtOf(amount: number, warnRatio: number): number {
  return roundAmount(amount * warnRatio);
}

export function formatAmount(amount: number, unit: TimeLimitUnit): string {
  const [measure, word] = UNIT_PHRASE[unit];
  return `${roundAmount(amount)}${measure}${word}`;
}

/** '城乡建设·紧急（区县级）', '区县级通用' or '全部层级通用'. */
export function describeDimensions(d: RuleDimensions, labels: DimensionLabels): string {
  const parts: string[] = [];
  if (d.itemId) parts.push('指定事项');
  if (d.industry) parts.push(labels.industry.get(d.industry) ?? d.industry);
  if (d.urgency) parts.push(labels.urgency.get(d.urgency) ?? d.urgency);
  const level = d.level === null ? '' : (LEVEL_NAMES[d.level] ?? `${d.level}级`);
  if (parts.length === 0) return level ? `${level}通用` : '全部层级通用';
  return level ? `${parts.join('·')}（${level}）` : parts.join('·');
}

export interface Explainable extends RuleDimensions {
  amount: number;
  unit: TimeLimitUnit;
  warnRatio: number;
  ownerName: string;
}

/** '城乡建设·紧急（区县级）：3个工作日（乌鲁木齐市规定），用时达2.4个工作日亮黄灯，超时亮红灯'. */
export function explainRule(rule: Explainable, labels: DimensionLabels): string {
  const limit = formatAmount(rule.amount, rule.unit);
  const warn = formatAmount(warnAtOf(rule.amount, rule.warnRatio), rule.unit);
  return `${describeDimensions(rule, labels)}：${limit}（${rule.ownerName}规定），用时达${warn}亮黄灯，超时亮红灯`;
}

export function explainPlatformDefault(): string {
  const { amount, unit, warnRatio } = PLATFORM_DEFAULT;
  return `未配置适用的时限规则，按平台默认：${formatAmount(amount, unit)}，用时达${formatAmount(warnAtOf(amount, warnRatio), unit)}亮黄灯，超时亮红灯`;
}

/**
 * A rough calendar length, only to tell whether a local rule is looser than the inherited one
 * when the units differ: a working day counts 7/5 of a day, since a week holds five of them.
 */
export function nominalHours(amount: number, unit: TimeLimitUnit): number {
  if (unit === 'hour') return amount;
  return unit === 'natural_day' ? amount * 24 : (amount * 24 * 7) / 5;
}
