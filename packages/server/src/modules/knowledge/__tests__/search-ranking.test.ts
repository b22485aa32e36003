import { describe, expect, it } from 'vitest';
import { synonymTable, TextSearchIndex } from '@hotline/nlp';
import { compact, contentTerms, hotBoost, matchOf, plainText, rankRecommendations, readable, recommendScore, satisfiesRule, snippetOf, usageFactor } from '../search.ranking.js';

describe('readable (knowledge visibility)', () => {
  const owners = { tenantId: 'county', ancestorIds: ['root', 'pref'] };
  it('own tenant in any scope, ancestors only when shared down, nobody else', () => {
    expect(readable({ tenantId: 'county', scope: 'tenant' }, owners)).toBe(true);
    expect(readable({ tenantId: 'pref', scope: 'subtree' }, owners)).toBe(true);
    expect(readable({ tenantId: 'root', scope: 'tenant' }, owners)).toBe(false);
    expect(readable({ tenantId: 'sibling', scope: 'subtree' }, owners)).toBe(false);
  });
});

describe('query terms and rules', () => {
  it('content words drop stop words and single characters; a query of only those is itself', () => {
    const terms = contentTerms('我想问一下供暖费怎么交');
    expect(terms).toContain('供暖费');
    expect(terms).not.toContain('我');
    expect(contentTerms('水')).toEqual(['水']);
    expect(contentTerms('   ')).toEqual([]);
  });

  it('all needs every word or a synonym of it; phrase needs the words together', () => {
    const doc = compact('居民供热收费标准：住宅每平方米22元，采暖期为每年10月10日至次年4月10日。');
    const q = (s: string) => ({ terms: contentTerms(s), phrase: compact(s) });
    expect(satisfiesRule(doc, 'all', q('供热 收费'))).toBe(true);
    expect(satisfiesRule(doc, 'all', q('供热 停车'))).toBe(false);
    const syn = synonymTable({ 供暖: ['供热', '采暖'] });
    expect(satisfiesRule(doc, 'all', q('供暖 收费'))).toBe(false);
    expect(satisfiesRule(doc, 'all', q('供暖 收费'), syn)).toBe(true);
    expect(satisfiesRule(doc, 'phrase', q('供热收费标准'))).toBe(true);
    expect(satisfiesRule(doc, 'phrase', q('收费 供热'))).toBe(false);
    expect(satisfiesRule(doc, 'any', q('随便什么'))).toBe(true);
  });
});

describe('snippetOf', () => {
  const long = `${'开头的说明文字。'.repeat(20)}关键的社会保障卡补办流程在这里。${'结尾的补充说明。'.repeat(20)}`;
  const at = long.indexOf('社会保障卡');

  it('centres on the first highlight with ellipses and re-based spans', () => {
    const s = snippetOf(long, [{ start: at, end: at + 5 }], 60, 10);
    expect(s.text.startsWith('…')).toBe(true);
    expect(s.text.endsWith('…')).toBe(true);
    expect(s.text.length).toBe(62);
    const h = s.highlights[0]!;
    expect(s.text.slice(h.start, h.end)).toBe('社会保障卡');
  });

  it('keeps short texts whole and maps spans through collapsed whitespace', () => {
    const text = '第一段\n\n\n第二段 社保卡';
    const start = text.indexOf('社保卡');
    const s = snippetOf(text, [{ start, end: start + 3 }]);
    expect(s.text).toBe('第一段 第二段 社保卡');
    expect(s.text.slice(s.highlights[0]!.start, s.highlights[0]!.end)).toBe('社保卡');
  });

  it('without highlights starts at the beginning and drops spans outside the window', () => {
    expect(snippetOf(long, [], 40).text.startsWith('开头')).toBe(true);
    const s = snippetOf(long, [{ start: 0, end: 2 }, { start: long.length - 3, end: long.length - 1 }], 40);
    expect(s.highlights).toEqual([{ start: 0, end: 2 }]);
  });
});

describe('match normalisation and recommendation score', () => {
  it('match is score over self-score, capped at 1, 0 without evidence', () => {
    expect(matchOf(8.5, 10)).toBeCloseTo(0.85);
    expect(matchOf(12, 10)).toBe(1);
    expect(matchOf(0, 10)).toBe(0);
    expect(matchOf(5, 0)).toBe(0);
  });

  it('the same article text as the question matches ≥ 85%; an unrelated one hardly', () => {
    const idx = new TextSearchIndex();
    const texts = ['医保异地就医报销比例是多少，需要先备案吗', '居住证办理需要身份证和租房合同', '供暖期室温不达标可以申请退费', '出租车拒载可以拨打运管投诉电话', '孩子上小学需要准备户口本和房产证'];
    texts.forEach((t, i) => idx.add({ id: String(i), title: t.slice(0, 8), text: t }));
    const q = '医保异地就医报销比例是多少，需要先备案吗';
    const scores = idx.scoreAll(q);
    const self = idx.selfScore(q);
    expect(matchOf(scores[0]!, self)).toBeGreaterThanOrEqual(0.85);
    expect(matchOf(scores[1]!, self)).toBeLessThan(0.3);
  });

  it('usage multiplies relevance with diminishing returns; item and hot word lift additively', () => {
    expect(usageFactor(0)).toBe(1);
    expect(usageFactor(12)).toBeGreaterThan(1.3);
    expect(usageFactor(1000)).toBeLessThan(2);
    const base = { match: 0.5, uses30d: 0, itemLinked: false, hotWeight: 0 };
    expect(recommendScore({ ...base, uses30d: 20 })).toBeGreaterThan(recommendScore(base));
    expect(recommendScore({ ...base, itemLinked: true })).toBeGreaterThan(recommendScore(base));
    expect(hotBoost(5)).toBeGreaterThan(hotBoost(1));
    expect(hotBoost(1e4)).toBeLessThan(0.31);
    // A much more relevant unused article still beats a barely relevant popular one.
    expect(recommendScore({ ...base, match: 0.8 })).toBeGreaterThan(recommendScore({ ...base, match: 0.3, uses30d: 100 }));
  });

  it('pinned cards come first whatever their score', () => {
    const r = rankRecommendations([
      { id: 'a', score: 1.4, pinned: false },
      { id: 'b', score: 0.9, pinned: true },
      { id: 'c', score: 1.1, pinned: true },
    ]);
    expect(r.map((x) => x.id)).toEqual(['c', 'b', 'a']);
  });
});

describe('plainText', () => {
  it('strips tags and decodes the common entities; plain text passes through', () => {
    expect(plainText('<p>办理&nbsp;<b>居住证</b></p><p>a &lt; b</p>')).toBe('办理 居住证\na < b\n');
    expect(plainText('价格 < 100 元')).toBe('价格 < 100 元');
  });
});
