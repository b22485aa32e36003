import { describe, expect, it } from 'vitest';
import { closestSource, findConflict, nextStatus, pathIds, sameUnit, type ListEntry } from '../list.service.js';

type Fields = Pick<ListEntry, 'id' | 'list_type' | 'role' | 'org_id' | 'unit_name' | 'replaces_id'>;
const entry = (over: Partial<Fields>): Fields => ({ id: 'e1', list_type: 'responsibility', role: 'lead', org_id: 'org-a', unit_name: '市住建局', replaces_id: null, ...over });

describe('list entry review state machine', () => {
  it('moves draft → pending → published, and pending → rejected → pending again', () => {
    expect(nextStatus('draft', 'submit')).toBe('pending');
    expect(nextStatus('pending', 'approve')).toBe('published');
    expect(nextStatus('pending', 'reject')).toBe('rejected');
    expect(nextStatus('rejected', 'submit')).toBe('pending');
    expect(nextStatus('rejected', 'edit')).toBe('draft');
  });

  it('deletes only drafts, withdraws (撤销) only rejected entries, takes only published ones offline', () => {
    expect(nextStatus('draft', 'delete')).toBe('void');
    expect(nextStatus('rejected', 'withdraw')).toBe('void');
    expect(nextStatus('published', 'offline')).toBe('offline');
    expect(() => nextStatus('published', 'delete')).toThrow('当前状态为“已发布”，不能删除');
    expect(() => nextStatus('pending', 'withdraw')).toThrow('不能撤销');
    expect(() => nextStatus('draft', 'offline')).toThrow('不能下架');
  });

  it('refuses to edit or re-review what is under review or published', () => {
    expect(() => nextStatus('pending', 'edit')).toThrow('当前状态为“待审核”，不能修改');
    expect(() => nextStatus('published', 'edit')).toThrow();
    expect(() => nextStatus('published', 'approve')).toThrow('不能审核通过');
    expect(() => nextStatus('draft', 'reject')).toThrow('不能退回');
    expect(nextStatus('published', 'revise')).toBe('published');
    expect(() => nextStatus('draft', 'revise')).toThrow('不能发起修订');
  });
});

describe('closest source for the recommendation (walk-up)', () => {
  const chain = ['xj', 'wlmq', 'tianshan'];

  it('prefers the region’s own entries', () => {
    expect(closestSource(chain, new Set(['xj', 'wlmq', 'tianshan']))).toBe('tianshan');
  });

  it('inherits from the closest ancestor when the region has none', () => {
    expect(closestSource(chain, new Set(['wlmq']))).toBe('wlmq');
    expect(closestSource(chain, new Set(['xj', 'wlmq']))).toBe('wlmq');
    expect(closestSource(chain, new Set(['xj']))).toBe('xj');
  });

  it('finds nothing when no region on the chain has entries; siblings do not count', () => {
    expect(closestSource(['xj', 'kashgar'], new Set(['wlmq', 'tianshan']))).toBeNull();
    expect(closestSource([], new Set(['xj']))).toBeNull();
  });

  it('reads the chain from a materialised tenant path', () => {
    expect(pathIds('/xj/wlmq/tianshan/')).toEqual(chain);
    expect(pathIds('/')).toEqual([]);
  });
});

describe('权责边界 conflicts', () => {
  it('matches units by org, or by name when neither has an org', () => {
    expect(sameUnit({ org_id: 'a', unit_name: 'x' }, { org_id: 'a', unit_name: 'y' })).toBe(true);
    expect(sameUnit({ org_id: 'a', unit_name: 'x' }, { org_id: null, unit_name: 'x' })).toBe(false);
    expect(sameUnit({ org_id: null, unit_name: '供水公司 ' }, { org_id: null, unit_name: '供水公司' })).toBe(true);
  });

  it('allows one lead and any number of distinct assisting units', () => {
    const lead = entry({ id: 'l' });
    expect(findConflict(entry({ id: 'a1', role: 'assist', org_id: 'org-b', unit_name: '物业科' }), [lead])).toBeNull();
    expect(findConflict(entry({ id: 'l2', org_id: 'org-c', unit_name: '市城管局' }), [lead])).toContain('已有主办单位“市住建局”');
  });

  it('refuses the same unit twice for one item and region, whatever the role', () => {
    expect(findConflict(entry({ id: 'x', role: 'assist' }), [entry({ id: 'l' })])).toContain('不能重复列入');
  });

  it('lets a revision stand in for the version it replaces', () => {
    const published = entry({ id: 'v1' });
    expect(findConflict(entry({ id: 'v2', replaces_id: 'v1', unit_name: '改名后' }), [published])).toBeNull();
    expect(findConflict(published, [entry({ id: 'v2', replaces_id: 'v1' })])).toBeNull();
  });

  it('has a single lead only in the 职责清单', () => {
    expect(findConflict(entry({ id: 'p2', list_type: 'power', org_id: 'org-c' }), [entry({ id: 'p1', list_type: 'power' })])).toBeNull();
  });
});
