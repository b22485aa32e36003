import { describe, expect, it } from 'vitest';
import { CATEGORY_FIELDS, ITEM_FIELDS, describeDiff, diffRecords, sameValue } from '../catalog-diff.js';

describe('diffRecords', () => {
  const v1 = { code: 'FW-1', name: '供暖不热', keywords: ['暖气', '供暖'], levels: [2, 3], department: '住建厅', effectiveFrom: null, description: '' };

  it('lists only the changed fields, in field order, with Chinese labels', () => {
    const v2 = { ...v1, name: '集中供暖不热', department: '住房和城乡建设厅' };
    const d = diffRecords(v1, v2, ITEM_FIELDS);
    expect(d.map((x) => [x.field, x.label])).toEqual([
      ['name', '事项名称'],
      ['department', '主管部门'],
    ]);
    expect(d[0]).toMatchObject({ before: '供暖不热', after: '集中供暖不热', beforeText: '供暖不热', afterText: '集中供暖不热' });
  });

  it('treats lists as sets and reports what was added and removed', () => {
    expect(diffRecords(v1, { ...v1, keywords: ['供暖', '暖气'] }, ITEM_FIELDS)).toEqual([]);
    const [kw] = diffRecords(v1, { ...v1, keywords: ['供暖', '室温低'] }, ITEM_FIELDS);
    expect(kw).toMatchObject({ field: 'keywords', added: ['室温低'], removed: ['暖气'], addedText: '室温低', removedText: '暖气', afterText: '供暖、室温低' });
    // From or to an empty list the whole list is the change: no separate delta.
    const [fresh] = diffRecords({ ...v1, synonyms: [] }, { ...v1, synonyms: ['室温低'] }, ITEM_FIELDS);
    expect(fresh).not.toHaveProperty('added');
  });

  it('does not count empty string, empty list, null and missing as changes of each other', () => {
    expect(sameValue('', null)).toBe(true);
    expect(sameValue([], undefined)).toBe(true);
    expect(diffRecords({ ...v1, synonyms: [] }, { ...v1, description: null }, ITEM_FIELDS)).toEqual([]);
  });

  it('shows every non-empty field as new when there is no previous state', () => {
    const d = diffRecords(null, v1, ITEM_FIELDS);
    expect(d.map((x) => x.field)).toEqual(['code', 'name', 'keywords', 'levels', 'department']);
    expect(d.every((x) => x.before === null && x.beforeText === '（空）')).toBe(true);
  });

  it('formats status through the Chinese status labels and accepts a custom formatter', () => {
    const [s] = diffRecords({ code: 'C1', status: 'published' }, { code: 'C1', status: 'offline' }, CATEGORY_FIELDS);
    expect(s).toMatchObject({ label: '状态', beforeText: '已发布', afterText: '已下架' });
    const [lv] = diffRecords(v1, { ...v1, levels: [3] }, ITEM_FIELDS, (f, v) => (f === 'levels' ? (v as number[]).map((l) => `L${l}`).join('/') : String(v)));
    expect(lv).toMatchObject({ beforeText: 'L2/L3', afterText: 'L3', removed: [2], added: [], removedText: 'L2', addedText: '' });
  });

  it('summarises a diff in one line', () => {
    expect(describeDiff(diffRecords(v1, { ...v1, name: 'x', levels: [1] }, ITEM_FIELDS))).toBe('修改了 事项名称、适用层级');
    expect(describeDiff([])).toBe('内容无变化');
  });
});
