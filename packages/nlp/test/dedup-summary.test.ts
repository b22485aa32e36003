import { describe, expect, it } from 'vitest';
import {
  clusterSimilar, DuplicateIndex, findDuplicates, fingerprint, generateTitle, hamming, hotTerms, jaccard, jaccardEstimate, MinHasher, rougeL, simhash,
  splitSentences, summarise, trainTitleModel,
} from '../src/index.js';

const A = '天山区幸福路街道团结小区从昨天下午开始停水，到现在都没有来水，家里老人孩子没法做饭，希望尽快恢复供水。';
const A2 = '天山区幸福路街道团结小区从昨天下午开始停水，到现在还没有来水，家里老人小孩没法做饭，希望尽快恢复供水！';
const B = '我在新疆天山物流有限公司上班，老板拖欠工资三个月了，一直不给，希望劳动监察部门帮忙讨薪。';

describe('SimHash and MinHash', () => {
  it('near-identical texts have close SimHashes; different texts are far apart', () => {
    const grams = (s: string) => [...s].map((_, i) => s.slice(i, i + 3)).filter((g) => g.length === 3);
    const d1 = hamming(simhash(grams(A)), simhash(grams(A2)));
    const d2 = hamming(simhash(grams(A)), simhash(grams(B)));
    // Two edited characters move a few of the 3-grams; an unrelated text flips about half the bits.
    expect(d1).toBeLessThanOrEqual(16);
    expect(d2).toBeGreaterThan(22);
    expect(d1).toBeLessThan(d2 / 2);
    expect(hamming(0b1011n, 0b0001n)).toBe(2);
  });

  it('MinHash estimates Jaccard similarity', () => {
    const h = new MinHasher(128);
    const s1 = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    const s2 = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'x', 'y']);
    const est = jaccardEstimate(h.signature(s1), h.signature(s2));
    expect(Math.abs(est - jaccard(s1, s2))).toBeLessThan(0.2);
  });

  it('DuplicateIndex finds the near-duplicate ticket and not the unrelated one', () => {
    const idx = new DuplicateIndex();
    idx.add('t1', A);
    idx.add('t2', B);
    const c = idx.candidates(A2);
    expect(c[0]?.id).toBe('t1');
    expect(c[0]!.similarity).toBeGreaterThan(0.5);
    expect(c.find((x) => x.id === 't2')).toBeUndefined();
    idx.remove('t1');
    expect(idx.candidates(A2)).toEqual([]);
    expect(findDuplicates(A2, [{ id: 'x', text: A }])[0]?.id).toBe('x');
    expect(fingerprint(A).simhash).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('summary and title', () => {
  it('splits sentences with offsets', () => {
    const s = splitSentences('第一句。第二句！第三句');
    expect(s.map((x) => x.text)).toEqual(['第一句。', '第二句！', '第三句']);
    expect(s[1]?.start).toBe(4);
  });

  it('summary keeps the demand and drops the greeting and personal details', () => {
    const text = '您好！我叫张伟，电话13912345678。我家住在天山区团结小区，从昨天下午开始停水，到现在都没有来水。物业说是管道坏了但一直没人修。希望相关部门尽快恢复供水。';
    const s = summarise(text, { maxChars: 60 });
    expect(s.text).toContain('停水');
    expect(s.text).not.toContain('13912345678');
    expect(s.text.length).toBeLessThanOrEqual(60);
    expect(s.keywords).toContain('停水');
  });

  it('title is short, names the problem and skips generic or personal clauses', () => {
    const t = generateTitle('您好，我叫张伟，电话13912345678，小区已经停水三天了，希望尽快处理。', { intent: '投诉', place: '天山区' });
    expect(t.length).toBeLessThanOrEqual(30);
    expect(t).toContain('停水');
    expect(t).toContain('天山区');
    expect(t.startsWith('投诉')).toBe(true);
    expect(t).not.toContain('1391234');
  });

  it('title model trains from (text, title) pairs', () => {
    const pairs = Array.from({ length: 12 }, (_, i) => ({
      text: `尊敬的领导：您好！第${i + 1}小区门口道路破损严重，车辆无法通行，希望修复。谢谢`,
      title: `第${i + 1}小区门口道路破损严重`,
    }));
    const m = trainTitleModel(pairs);
    expect(generateTitle(pairs[0]!.text, { model: m })).toContain('道路破损严重');
    expect(() => trainTitleModel(pairs.slice(0, 3))).toThrowError(expect.objectContaining({ code: 'TRAINING_DATA' }));
  });

  it('rougeL is the character LCS F1', () => {
    expect(rougeL('停水问题', '停水问题')).toBe(1);
    expect(rougeL('', '停水')).toBe(0);
    expect(rougeL('小区停水', '停水')).toBeCloseTo((2 * 0.5 * 1) / 1.5, 6);
  });
});

describe('title edge cases', () => {
  it('drops a leading date and never returns an empty title for non-empty text', () => {
    expect(generateTitle('2019年4月以来，小区物业乱收停车费，业主意见很大。')).not.toMatch(/^2019/);
    expect(generateTitle('12月16日上午').length).toBeGreaterThan(0);
    expect(generateTitle('您好').length).toBeGreaterThan(0);
  });
});

describe('hot terms and clusters', () => {
  it('ranks terms that rise against the baseline above steady ones', () => {
    const baseline = ['小区停车难', '停车位不够', '小区停车收费高', '道路坑洼'];
    const current = ['小区停水三天', '又停水了', '停水没人管', '小区停车难', '停水影响做饭'];
    const hot = hotTerms(current, baseline, 3);
    expect(hot[0]?.term).toBe('停水');
    expect(hot[0]!.burst).toBeGreaterThan(1);
    expect(hot.find((h) => h.term === '停车')?.count ?? 0).toBeLessThan(2);
  });

  it('groups near-duplicate complaints and leaves singletons out', () => {
    const docs = [
      { id: 'a', text: '幸福路小区从昨天开始停水，到现在都没有来水，希望尽快恢复供水' },
      { id: 'b', text: '幸福路小区从昨天开始停水，到现在还没有来水，希望尽快恢复供水！' },
      { id: 'c', text: '幸福路小区昨天开始停水了，到现在都没有来水，请尽快恢复供水' },
      { id: 'd', text: '老板拖欠工资三个月了，一直不给，希望劳动监察部门帮忙' },
    ];
    const clusters = clusterSimilar(docs, 0.4);
    expect(clusters).toHaveLength(1);
    expect(clusters[0]!.ids.sort()).toEqual(['a', 'b', 'c']);
    expect(['a', 'b', 'c']).toContain(clusters[0]!.representative);
  });
});
