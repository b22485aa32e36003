import { canonicalRegion, type ItemSuggestion, type UnitSuggestion } from '@hotline/nlp';
import type { DispatchHistoryRow } from '../tickets/assist-history.js';

/**
 * Re-ranking handling units by dispatch history (who actually finished similar tickets of this
 * hotline), on top of the responsibility list × 属地 ranking.
 *
 * The rule, in one place:
 *  1. Similar tickets: closed tickets of the caller's hotline tenant in the last WINDOW_DAYS whose
 *     item is one of the suggested items (an item counts with weight P(item)/P(top item), items
 *     under RELATIVE_CUTOFF of the top ignored, as the list ranking does) and whose region lies in
 *     the demand's county (or prefecture, when only that was resolved).
 *  2. Evidence per unit e_u: those tickets it finally handled, the last RECENT_DAYS at full weight,
 *     older ones at OLDER_WEIGHT. E = Σ e_u.
 *  3. Below MIN_EVIDENCE the list ranking stays exactly as it is.
 *  4. Otherwise each unit's share is a Bayesian (Dirichlet) posterior mean with the list ranking as
 *     prior worth PRIOR_STRENGTH tickets: s_u = (e_u + α·π_u) / (E + α), π_u = the list probability.
 *     History wins only with evidence: 3 tickets move a unit by at most 3/8 of the share, 30 by 30/35.
 *  5. A unit no list entry names joins only with e_u ≥ NEW_UNIT_MIN and at least NEW_UNIT_SHARE of E.
 *
 * A history row's organisation is matched to a list entry by its org id, else by (tenant, unit
 * name): the seeded 职责清单 carries unit names without org ids (org_id null; the catalogue keys
 * such an entry as `${tenantId}:${unitName}`), and its names are the organisations' names in
 * the demo seed (天山区住房和城乡建设局 in the 天山区 tenant …). A matched entry then gets its org id.
 */
export const UNIT_HISTORY_RULE = {
  windowDays: 365,
  recentDays: 90,
  olderWeight: 0.5,
  minEvidence: 3,
  priorStrength: 5,
  newUnitMin: 5,
  newUnitShare: 0.5,
  relativeCutoff: 0.2,
} as const;

export interface UnitHistoryView {
  /** Similar closed tickets this unit finally handled (window) and of those in the last 90 days. */
  handled: number;
  recent: number;
  /** This unit's share of the similar tickets' weighted evidence. */
  share: number;
}

export interface RankedUnit extends UnitSuggestion {
  orgId: string | null;
  /** Set for a unit that only history proposes (no list entry). */
  fromHistory?: { orgId: string; orgTenantId: string; orgName: string };
  history: UnitHistoryView | null;
}

export interface UnitHistorySummary {
  /** History changed the ranking (enough evidence). */
  applied: boolean;
  /** Weighted similar tickets found (E). */
  evidence: number;
  minEvidence: number;
}

export interface RerankInput {
  /** The list ranking, deeper than the k shown (history may lift a unit from below the top 3). */
  units: readonly UnitSuggestion[];
  items: readonly ItemSuggestion[];
  regionCode: string | undefined;
  rows: readonly DispatchHistoryRow[];
  /** List unit id for an organisation (org id match, else tenant + name), or undefined. */
  unitOf: (row: DispatchHistoryRow) => string | undefined;
  orgOf: (unitId: string) => string | null;
  k: number;
}

/** The demand's area for history: its county (first 6 digits of the canonical code), else what was resolved. */
export function historyArea(regionCode: string | undefined): string | undefined {
  if (!regionCode) return undefined;
  const c = canonicalRegion(regionCode);
  return c.length > 6 ? c.slice(0, 6) : c;
}

export function rerankUnits(q: RerankInput): { units: RankedUnit[]; summary: UnitHistorySummary } {
  const R = UNIT_HISTORY_RULE;
  const plain = (): RankedUnit[] => q.units.slice(0, q.k).map((u) => ({ ...u, orgId: q.orgOf(u.unitId), history: null }));
  const top = q.items.reduce((m, i) => Math.max(m, i.probability), 0);
  const area = historyArea(q.regionCode);
  const weightOf = new Map(q.items.filter((i) => top > 0 && i.probability >= R.relativeCutoff * top).map((i) => [i.itemId, i.probability / top]));
  const byUnit = new Map<string, { e: number; handled: number; recent: number; row: DispatchHistoryRow; listed: string | undefined }>();
  let total = 0;
  for (const r of q.rows) {
    const w = weightOf.get(r.itemId);
    if (!w || !area || !r.regionCode || !canonicalRegion(r.regionCode).startsWith(area)) continue;
    const e = w * (r.recent + R.olderWeight * (r.count - r.recent));
    const listed = q.unitOf(r);
    const key = listed ?? `org:${r.orgId}`;
    const acc = byUnit.get(key) ?? { e: 0, handled: 0, recent: 0, row: r, listed };
    acc.e += e;
    acc.handled += r.count;
    acc.recent += r.recent;
    byUnit.set(key, acc);
    total += e;
  }
  const summary: UnitHistorySummary = { applied: false, evidence: Math.round(total * 100) / 100, minEvidence: R.minEvidence };
  if (total < R.minEvidence) return { units: plain(), summary };
  summary.applied = true;

  const view = (h: { e: number; handled: number; recent: number } | undefined): UnitHistoryView | null => (h ? { handled: h.handled, recent: h.recent, share: Math.round((h.e / total) * 1000) / 1000 } : null);
  const reason = (h: { handled: number; recent: number }) => (h.recent > 0 ? `近${R.recentDays}天同类工单由该单位办结 ${h.recent} 件` : `近一年同类工单由该单位办结 ${h.handled} 件`);
  const posterior = (e: number, prior: number) => (e + R.priorStrength * prior) / (total + R.priorStrength);

  const out: (RankedUnit & { order: number })[] = q.units.map((u, order) => {
    const h = byUnit.get(u.unitId);
    const s = posterior(h?.e ?? 0, u.probability);
    const byHistory = h?.row.orgId;
    return {
      ...u,
      order,
      probability: s,
      score: s,
      orgId: q.orgOf(u.unitId) ?? byHistory ?? null,
      reasons: h ? [...u.reasons, reason(h)] : u.reasons,
      history: view(h),
    };
  });
  for (const [key, h] of byUnit) {
    if (!key.startsWith('org:') || h.e < R.newUnitMin || h.e < R.newUnitShare * total) continue;
    const s = posterior(h.e, 0);
    out.push({
      unitId: h.row.orgId,
      unitName: h.row.orgName,
      probability: s,
      score: s,
      reasons: [reason(h), '职责清单未列该单位，按本热线办结历史推荐'],
      itemIds: [...new Set(q.rows.filter((r) => r.orgId === h.row.orgId && weightOf.has(r.itemId)).map((r) => r.itemId))],
      orgId: h.row.orgId,
      fromHistory: { orgId: h.row.orgId, orgTenantId: h.row.orgTenantId, orgName: h.row.orgName },
      history: view(h),
      order: q.units.length,
    });
  }
  const ranked = out
    .sort((a, b) => b.probability - a.probability || a.order - b.order)
    .slice(0, q.k)
    .map(({ order: _order, ...u }) => ({ ...u, probability: Math.round(u.probability * 1000) / 1000, score: Math.round(u.score * 1000) / 1000 }));
  return { units: ranked, summary };
}
