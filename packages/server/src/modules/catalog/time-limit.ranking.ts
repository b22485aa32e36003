import { nominalHours, type RuleDimensions, type TimeLimitUnit } from './time-limit.model.js';

/**
 * Which rule decides a demand's limit. A rule is a candidate when every dimension it sets equals
 * the demand's; the most specific candidate wins (item > industry > urgency > level, compared in
 * that order, so industry+urgency beats industry alone and both beat urgency or level alone), and
 * between equally specific rules the owner closest to the demand's tenant wins. A lower tenant
 * therefore refines what it inherits at the same or a finer grain, but cannot override a finer
 * upper rule with a coarser local one.
 */
export interface LimitQuery {
  level: number;
  industry?: string | null;
  urgency?: string | null;
  itemId?: string | null;
}

export interface Candidate extends RuleDimensions {
  /** Depth of the owner tenant on the path from the root (root = 0); deeper is closer. */
  ownerDepth: number;
}

const fits = (ruleValue: string | number | null, wanted: string | number | null | undefined) => ruleValue === null || ruleValue === (wanted ?? null);

export function matches(rule: RuleDimensions, q: LimitQuery): boolean {
  return fits(rule.itemId, q.itemId) && fits(rule.industry, q.industry) && fits(rule.urgency, q.urgency) && fits(rule.level, q.level);
}

/** A bit per set dimension, weighted so that comparing the numbers compares lexicographically. */
export function specificity(rule: RuleDimensions): number {
  return (rule.itemId ? 8 : 0) + (rule.industry ? 4 : 0) + (rule.urgency ? 2 : 0) + (rule.level !== null ? 1 : 0);
}

export function compareRank(a: Candidate, b: Candidate): number {
  return specificity(b) - specificity(a) || b.ownerDepth - a.ownerDepth;
}

/** The deciding rule, or undefined when nothing matches (the caller falls back to the platform default). */
export function pickRule<T extends Candidate>(rules: readonly T[], q: LimitQuery): T | undefined {
  let best: T | undefined;
  for (const r of rules) {
    if (matches(r, q) && (!best || compareRank(r, best) < 0)) best = r;
  }
  return best;
}

export interface Limit {
  amount: number;
  unit: TimeLimitUnit;
}

export interface Loosening<T> {
  level: number;
  inherited: T;
}

/**
 * Upper levels set the standard and lower levels may only be stricter: for every level the new
 * local rule covers and would actually decide, it must not give more time than the rule it takes
 * over from. `inherited` are the ancestors' rules only.
 */
export function findLoosening<T extends Candidate & Limit>(
  rule: RuleDimensions & Limit & { ownerDepth: number },
  inherited: readonly T[],
  /** The owner's own level: levels above it do not occur in its subtree. */
  fromLevel = 1,
): Loosening<T> | undefined {
  const levels = rule.level === null ? [1, 2, 3, 4, 5].filter((l) => l >= fromLevel) : [rule.level];
  for (const level of levels) {
    const q: LimitQuery = { level, industry: rule.industry, urgency: rule.urgency, itemId: rule.itemId };
    const current = pickRule(inherited, q);
    if (!current || compareRank(rule, current) > 0) continue;
    if (nominalHours(rule.amount, rule.unit) > nominalHours(current.amount, current.unit)) return { level, inherited: current };
  }
  return undefined;
}
