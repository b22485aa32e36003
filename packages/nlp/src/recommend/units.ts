import { loadDivisions } from '../geo/divisions.js';
import { normalise } from '../text/normalise.js';

const RELATIVE_CUTOFF = 0.2;
import type { ItemSuggestion } from './items.js';

/**
 * One row of the responsibility list (权责清单) joined with where the unit works. The catalogue
 * module owns the real list; this is the shape the recommender needs.
 */
export interface ResponsibilityEntry {
  unitId: string;
  unitName: string;
  /** Division code of the unit's jurisdiction: '65' region-wide, '6501' prefecture, '650102' county, 9 digits township. */
  regionCode: string;
  /** Catalogue item ids the unit handles. */
  itemIds?: string[];
  /** Duty words from the list text (供水, 物业 …) for demands the item model missed. */
  keywords?: string[];
}

/** A past dispatch: which unit got it, and whether it stuck (not returned). */
export interface DispatchRecord {
  unitId: string;
  itemId?: string;
  regionCode?: string;
  accepted: boolean;
}

export interface UnitQuery {
  items: readonly ItemSuggestion[];
  /** Most specific resolved division code of the demand's location. */
  regionCode?: string;
  text?: string;
}

export interface UnitSuggestion {
  unitId: string;
  unitName: string;
  /** Share of the total score among candidates, 0–1 (compare with the auto-dispatch threshold). */
  probability: number;
  score: number;
  reasons: string[];
  /** Catalogue items (≥ 5 %) this unit's duties matched. */
  itemIds: string[];
}

export interface DispatchDecision {
  /** Set when the top unit's share reaches the threshold and the demand is not cooperative. */
  auto: UnitSuggestion | undefined;
  candidates: UnitSuggestion[];
  /** Two units matched different items of substance: a lead/assisting (主办/协办) dispatch. */
  cooperative: boolean;
  reason: string;
}

/**
 * Auto-dispatch or manual choice (#49) and multi-unit detection (#52): auto only above the
 * configured threshold and never for a cooperative demand, which a dispatcher must split.
 */
export function decideDispatch(candidates: readonly UnitSuggestion[], items: readonly ItemSuggestion[], threshold: number): DispatchDecision {
  const [a, b] = candidates;
  const strong = new Set(items.filter((i) => i.probability >= 0.25).map((i) => i.itemId));
  const cooperative = !!a && !!b && a.itemIds.some((i) => strong.has(i)) && b.itemIds.some((i) => strong.has(i) && !a.itemIds.includes(i));
  if (!a) return { auto: undefined, candidates: [], cooperative: false, reason: '无匹配的承办单位，请人工派单' };
  if (cooperative) return { auto: undefined, candidates: [...candidates], cooperative, reason: '诉求涉及多个单位职责，建议主办/协办派单' };
  if (a.probability >= threshold) return { auto: a, candidates: [...candidates], cooperative, reason: `推荐度 ${Math.round(a.probability * 100)}% 达到自动派单阈值` };
  return { auto: undefined, candidates: [...candidates], cooperative, reason: `推荐度 ${Math.round(a.probability * 100)}% 低于阈值 ${Math.round(threshold * 100)}%，请人工选择` };
}

const regionName = (code: string): string => loadDivisions().byCode.get(canonicalRegion(code))?.name ?? code;

/**
 * 属地 factor: a unit whose jurisdiction contains the demand's location scores highest when it is
 * the most local one; a unit of another region never gets the demand.
 */
export function regionFactor(unitCode: string, demandCode: string | undefined): number {
  const unitRegion = canonicalRegion(unitCode);
  const demandRegion = demandCode ? canonicalRegion(demandCode) : undefined;
  if (!demandRegion) return unitRegion.length <= 2 ? 0.6 : 0.35;
  if (demandRegion.startsWith(unitRegion)) return 1 - 0.08 * levelGap(unitRegion, demandRegion);
  // Demand names only 乌鲁木齐市 while the unit is 天山区's: possible, not certain.
  if (unitRegion.startsWith(demandRegion)) return 0.3;
  return 0;
}

/** GB/T 2260 six-digit forms (650000, 650100) become the tree's prefixes (65, 6501). */
export function canonicalRegion(code: string): string {
  const c = code.trim();
  if (/^\d{6}$/.test(c)) return c.endsWith('0000') ? c.slice(0, 2) : c.endsWith('00') ? c.slice(0, 4) : c;
  if (/^\d{12}$/.test(c)) return canonicalRegion(c.slice(0, 6)) === c.slice(0, 6) ? c.slice(0, 9) : canonicalRegion(c.slice(0, 6));
  return c;
}

function levelGap(a: string, b: string): number {
  const depth = (c: string): number => (c.length <= 2 ? 0 : c.length <= 4 ? 1 : c.length <= 6 ? 2 : 3);
  return depth(b) - depth(a);
}

/** Handling-unit top-k: responsibility list × resolved region, re-ranked by dispatch history. */
export class UnitRecommender {
  private readonly history = new Map<string, { ok: number; all: number }>();

  constructor(private readonly entries: readonly ResponsibilityEntry[]) {}

  /** Adds dispatch outcomes; units whose dispatches were often returned drop in the ranking. */
  learnHistory(records: readonly DispatchRecord[]): void {
    for (const r of records) {
      for (const key of [`${r.unitId}|${r.itemId ?? ''}`, `${r.unitId}|`]) {
        const h = this.history.get(key) ?? { ok: 0, all: 0 };
        h.all++;
        if (r.accepted) h.ok++;
        this.history.set(key, h);
      }
    }
  }

  suggest(q: UnitQuery, k = 3): UnitSuggestion[] {
    const text = q.text ? normalise(q.text) : '';
    const scored = this.entries.map((e) => this.scoreEntry(e, q, text)).filter((s) => s.score > 0);
    const total = scored.reduce((a, s) => a + s.score, 0) || 1;
    return scored
      .map((s) => ({ ...s, probability: Math.round((s.score / total) * 1000) / 1000, score: Math.round(s.score * 1000) / 1000 }))
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
  }

  private scoreEntry(e: ResponsibilityEntry, q: UnitQuery, text: string): Omit<UnitSuggestion, 'probability'> {
    const reasons: string[] = [];
    const itemIds: string[] = [];
    const rf = regionFactor(e.regionCode, q.regionCode);
    let duty = 0;
    // Evidence is relative to the model's best item: a catalogue-only model spreads its mass over
    // hundreds of items (a right top item may hold 1 %), a trained one concentrates it. Items far
    // below the best (< 20 % of it) are ruled out either way.
    const top = q.items.reduce((m, it) => Math.max(m, it.probability), 0);
    for (const it of q.items) {
      if (top <= 0 || it.probability < RELATIVE_CUTOFF * top || !e.itemIds?.includes(it.itemId)) continue;
      duty += it.probability / top;
      itemIds.push(it.itemId);
      reasons.push(`职责清单含事项「${it.name}」（匹配度 ${Math.round(it.probability * 100)}%）`);
    }
    const words = (e.keywords ?? []).filter((w) => w.length > 0 && text.includes(normalise(w)));
    if (words.length > 0) reasons.push(`职责关键词：${words.slice(0, 3).join('、')}`);
    let score = (duty + 0.15 * Math.min(3, words.length)) * rf;
    if (score > 0 && q.regionCode) reasons.push(`属地：${regionName(e.regionCode)}管辖${regionName(q.regionCode)}`);
    const h = this.history.get(`${e.unitId}|${q.items[0]?.itemId ?? ''}`) ?? this.history.get(`${e.unitId}|`);
    if (score > 0 && h && h.all >= 3) {
      // Laplace-smoothed acceptance rate so a few returns do not wipe a unit out.
      const rate = (h.ok + 1) / (h.all + 2);
      score *= 0.5 + rate;
      reasons.push(`历史派单 ${h.all} 件，未退回率 ${Math.round((h.ok / h.all) * 100)}%`);
    }
    return { unitId: e.unitId, unitName: e.unitName, score, reasons, itemIds };
  }
}
