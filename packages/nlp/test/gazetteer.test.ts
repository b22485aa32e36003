import { describe, expect, it } from 'vitest';
import { canonicalRegion, Gazetteer, loadDivisions } from '../src/index.js';

const gaz = new Gazetteer();

describe('Xinjiang divisions', () => {
  it('loads 14 prefectures and every county and township', () => {
    const t = loadDivisions();
    expect(t.all.filter((d) => d.level === 'prefecture')).toHaveLength(14);
    expect(t.all.filter((d) => d.level === 'county').length).toBeGreaterThan(100);
    expect(t.all.filter((d) => d.level === 'township').length).toBeGreaterThan(1400);
    expect(t.byCode.get('6540')?.aliases).toContain('伊犁州');
  });
});

describe('address resolution', () => {
  it('resolves a full chain with street detail and span', () => {
    const text = '我住在乌鲁木齐市天山区幸福路街道团结路123号小区，楼上漏水';
    const a = gaz.best(text);
    expect(a).toMatchObject({ code: '650102009', detail: '团结路123号小区' });
    expect(a?.prefecture?.name).toBe('乌鲁木齐市');
    expect(a?.county?.name).toBe('天山区');
    expect(a?.township?.name).toBe('幸福路街道');
    expect(text.slice(a?.start, a?.end)).toBe('乌鲁木齐市天山区幸福路街道团结路123号小区');
  });

  it('resolves text naming only a county, filling in the prefecture', () => {
    const a = gaz.best('沙依巴克区的垃圾没人清理');
    expect(a).toMatchObject({ code: '650103', prefecture: { code: '6501' }, county: { name: '沙依巴克区' }, township: undefined });
  });

  it('resolves text naming only a township, filling in county and prefecture', () => {
    const a = gaz.best('我在清水河镇开了个店');
    expect(a?.township?.name).toBe('清水河镇');
    expect(a?.county?.name).toBe('霍城县');
    expect(a?.prefecture?.name).toBe('伊犁哈萨克自治州');
  });

  it('uses a county named elsewhere in the text to pick between same-named townships', () => {
    const ambiguous = gaz.best('我在红旗镇');
    expect(ambiguous?.township?.name).toBe('红旗镇');
    const fixed = gaz.resolve('沙雅县的事，我在红旗镇');
    expect(fixed[1]?.county?.name).toBe('沙雅县');
    expect(fixed[1]?.alternatives).toEqual([]);
  });

  it('understands short forms (伊犁州, 巴里坤县) and needs a cue for two-character ones', () => {
    expect(gaz.best('伊犁州霍城县清水河镇')?.code).toBe('654023101');
    expect(gaz.best('巴里坤县大河镇')?.county?.code).toBe('650521');
    expect(gaz.best('去了喀什')?.prefecture?.name).toBe('喀什地区');
    expect(gaz.resolve('天山雪莲很好看')).toEqual([]);
    // Townships named like plain words or streets (街道, 林场, 人民路 …) need support.
    expect(gaz.resolve('街道上有很多垃圾，火车站附近也是，林场那边还好')).toEqual([]);
    expect(gaz.best('伊宁市火车站街道')?.township?.name).toBe('火车站街道');
  });

  it('maps GB/T 2260 six-digit codes to tree prefixes', () => {
    expect(canonicalRegion('650000')).toBe('65');
    expect(canonicalRegion('650100')).toBe('6501');
    expect(canonicalRegion('650102')).toBe('650102');
  });
});
