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

/** Every value a dimension can take in a demand; a rule leaving it blank captures them all. */
export interface Domains {
  industries: readonly string[];
  urgencies: readonly string[];
}

/** The concrete demands a rule applies to (item ids excepted: an item rule always outranks it). */
function demandsCovered(rule: RuleDimensions, domains: Domains, fromLevel: number): LimitQuery[] {
  const levels = rule.level === null ? [1, 2, 3, 4, 5].filter((l) => l >= fromLevel) : [rule.level];
  const industries = rule.industry === null ? [null, ...domains.industries] : [rule.industry];
  const urgencies = rule.urgency === null ? [null, ...domains.urgencies] : [rule.urgency];
  return levels.flatMap((level) => industries.flatMap((industry) => urgencies.map((urgency) => ({ level, industry, urgency, itemId: rule.itemId }))));
}

/**
 * Upper levels set the standard and lower levels may only be stricter: for every demand the new
 * local rule would decide, it must not give more time than the rule it takes over from. A blank
 * dimension matters here: a local rule for an industry alone also outranks an inherited rule for
 * urgency alone, so it must not be looser than the inherited 紧急 limit either. `inherited` are the
 * ancestors' rules only.
 */
export function findLoosening<T extends Candidate & Limit>(
  rule: RuleDimensions & Limit & { ownerDepth: number },
  inherited: readonly T[],
  domains: Domains,
  /** The owner's own level: levels above it do not occur in its subtree. */
  fromLevel = 1,
): Loosening<T> | undefined {
  for (const q of demandsCovered(rule, domains, fromLevel)) {
    const current = pickRule(inherited, q);
    if (!current || compareRank(rule, current) > 0) continue;
    if (nominalHours(rule.amount, rule.unit) > nominalHours(current.amount, current.unit)) return { level: q.level, inherited: current };
  }
  return undefined;
}
