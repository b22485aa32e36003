import { describe, expect, it } from 'vitest';
import type { ItemSuggestion, UnitSuggestion } from '@hotline/nlp';
import type { DispatchHistoryRow } from '../../tickets/assist-history.js';
import { historyArea, rerankUnits, UNIT_HISTORY_RULE } from '../unit-history.js';

/** The history re-ranking rule on its own: thresholds, the Bayesian share, name matching, history-only units. */
const item = (itemId: string, probability: number): ItemSuggestion => ({ itemId, name: itemId, probability, matchedTerms: [] });
const unit = (unitId: string, probability: number): UnitSuggestion => ({ unitId, unitName: unitId.split(':').pop()!, probability, score: probability, reasons: [`职责清单含事项「${unitId}」`], itemIds: ['water'] });
const row = (over: Partial<DispatchHistoryRow>): DispatchHistoryRow => ({ itemId: 'water', regionCode: '650102', orgId: 'org-ts', orgTenantId: 't-ts', orgName: '天山区住房和城乡建设局', count: 1, recent: 1, lastAt: new Date('2026-01-01'), ...over });

const LIST = [unit('t-ts:天山区住房和城乡建设局', 0.4), unit('t-wl:乌鲁木齐市住房和城乡建设局', 0.35), unit('t-xj:自治区住房和城乡建设厅', 0.25)];
const META = new Map(LIST.map((u) => [u.unitId, null as string | null]));
const unitOf = (r: DispatchHistoryRow) => {
  const key = `${r.orgTenantId}:${r.orgName}`;
  return META.has(r.orgId) ? r.orgId : META.has(key) ? key : undefined;
};
const base = { units: LIST, items: [item('water', 0.6), item('property', 0.3)], regionCode: '650102009', unitOf, orgOf: (id: string) => META.get(id) ?? null, k: 3 };

describe('unit history re-ranking', () => {
  it('leaves the list ranking exactly as it is below the minimum evidence', () => {
    const rows = [row({ orgId: 'org-xj', orgTenantId: 't-xj', orgName: '自治区住房和城乡建设厅', count: 2, recent: 2 })];
    const r = rerankUnits({ ...base, rows });
    expect(r.summary).toEqual({ applied: false, evidence: 2, minEvidence: UNIT_HISTORY_RULE.minEvidence });
    expect(r.units.map((u) => [u.unitId, u.probability, u.reasons, u.history])).toEqual(LIST.map((u) => [u.unitId, u.probability, u.reasons, null]));
  });

  it('blends history as a Bayesian share with the list as a prior worth 5 tickets', () => {
    const rows = [row({ orgId: 'org-xj', orgTenantId: 't-xj', orgName: '自治区住房和城乡建设厅', count: 6, recent: 4 })];
    const r = rerankUnits({ ...base, rows });
    // Evidence: 4 recent + 0.5 × 2 older = 5.
    expect(r.summary).toMatchObject({ applied: true, evidence: 5 });
    const top = r.units[0]!;
    expect(top.unitId).toBe('t-xj:自治区住房和城乡建设厅');
    expect(top.probability).toBeCloseTo((5 + 5 * 0.25) / 10, 3);
    expect(top.orgId).toBe('org-xj');
    expect(top.history).toEqual({ handled: 6, recent: 4, share: 1 });
    expect(top.reasons.at(-1)).toBe('近90天同类工单由该单位办结 4 件');
    expect(r.units[1]!.probability).toBeCloseTo((5 * 0.4) / 10, 3);
  });

  it('weights items by their probability relative to the top item and ignores other items and places', () => {
    const rows = [
      row({ itemId: 'property', count: 10, recent: 10, orgId: 'org-wl', orgTenantId: 't-wl', orgName: '乌鲁木齐市住房和城乡建设局' }), // weight 0.5
      row({ itemId: 'noise', count: 50, recent: 50 }), // not a suggested item
      row({ regionCode: '653101', count: 50, recent: 50 }), // another county
      row({ regionCode: null, count: 50, recent: 50 }),
    ];
    const r = rerankUnits({ ...base, rows });
    expect(r.summary.evidence).toBe(5);
    expect(r.units[0]!.unitName).toBe('乌鲁木齐市住房和城乡建设局');
    expect(r.units[0]!.reasons.at(-1)).toBe('近90天同类工单由该单位办结 10 件');
  });

  it('names older history as such', () => {
    const r = rerankUnits({ ...base, rows: [row({ count: 8, recent: 0 })] });
    expect(r.units[0]!.reasons.at(-1)).toBe('近一年同类工单由该单位办结 8 件');
  });

  it('adds a unit the list does not name only on strong evidence', () => {
    const weak = rerankUnits({ ...base, rows: [row({ orgId: 'org-zw', orgTenantId: 't-ts', orgName: '天山区政务服务中心', count: 4, recent: 4 })] });
    expect(weak.summary.applied).toBe(true);
    expect(weak.units.map((u) => u.unitName)).not.toContain('天山区政务服务中心');
    const strong = rerankUnits({ ...base, rows: [row({ orgId: 'org-zw', orgTenantId: 't-ts', orgName: '天山区政务服务中心', count: 12, recent: 12 })] });
    const u = strong.units[0]!;
    expect(u).toMatchObject({ unitId: 'org-zw', orgId: 'org-zw', unitName: '天山区政务服务中心', itemIds: ['water'], fromHistory: { orgTenantId: 't-ts' } });
    expect(u.probability).toBeCloseTo(12 / 17, 3);
    expect(u.reasons).toContain('职责清单未列该单位，按本热线办结历史推荐');
    expect(strong.units).toHaveLength(3);
  });

  it('uses the county of a township-level demand as the area', () => {
    expect(historyArea('650102009')).toBe('650102');
    expect(historyArea('650102')).toBe('650102');
    expect(historyArea('650100')).toBe('6501');
    expect(historyArea(undefined)).toBeUndefined();
  });
});
