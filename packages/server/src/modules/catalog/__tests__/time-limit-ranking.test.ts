import { describe, expect, it } from 'vitest';
import { compareRank, findLoosening, matches, pickRule, specificity, type Candidate } from '../time-limit.ranking.js';
import { describeDimensions, explainRule, formatAmount, nominalHours, warnAtOf, type TimeLimitUnit } from '../time-limit.model.js';

interface Rule extends Candidate {
  id: string;
  amount: number;
  unit: TimeLimitUnit;
}

let seq = 0;
function rule(dims: Partial<Candidate> & { amount?: number; unit?: TimeLimitUnit; id?: string }): Rule {
  return { id: dims.id ?? `r${++seq}`, level: null, industry: null, urgency: null, itemId: null, ownerDepth: 0, amount: 5, unit: 'workday', ...dims };
}

const ITEM = '11111111-1111-4111-8111-111111111111';
const labels = { industry: new Map([['urban-construction', '城乡建设']]), urgency: new Map([['urgent', '紧急']]) };

describe('matches', () => {
  it('a set dimension must equal the query, a null one matches anything', () => {
    const r = rule({ level: 3, industry: 'health' });
    expect(matches(r, { level: 3, industry: 'health', urgency: 'urgent' })).toBe(true);
    expect(matches(r, { level: 2, industry: 'health' })).toBe(false);
    expect(matches(r, { level: 3, industry: 'housing' })).toBe(false);
    // A demand without an industry cannot use an industry rule.
    expect(matches(r, { level: 3 })).toBe(false);
    expect(matches(rule({}), { level: 5 })).toBe(true);
  });
});

describe('specificity', () => {
  it('orders item > industry+urgency > industry > urgency > level-only > catch-all', () => {
    const order = [
      rule({ itemId: ITEM }),
      rule({ industry: 'x', urgency: 'urgent' }),
      rule({ industry: 'x', level: 3 }),
      rule({ industry: 'x' }),
      rule({ urgency: 'urgent', level: 3 }),
      rule({ urgency: 'urgent' }),
      rule({ level: 3 }),
      rule({}),
    ].map(specificity);
    expect(order).toEqual([...order].sort((a, b) => b - a));
    expect(new Set(order).size).toBe(order.length);
  });
});

describe('pickRule', () => {
  const rules = [
    rule({ id: 'level3', level: 3 }),
    rule({ id: 'global' }),
    rule({ id: 'urgent', urgency: 'urgent' }),
    rule({ id: 'uc', industry: 'urban-construction' }),
    rule({ id: 'uc-urgent', industry: 'urban-construction', urgency: 'urgent' }),
    rule({ id: 'uc-urgent-l3', industry: 'urban-construction', urgency: 'urgent', level: 3 }),
    rule({ id: 'item', itemId: ITEM }),
  ];
  const pick = (q: Parameters<typeof pickRule>[1], among = rules) => pickRule(among, q)?.id;

  it('takes the most specific matching rule', () => {
    expect(pick({ level: 3, industry: 'urban-construction', urgency: 'urgent', itemId: ITEM })).toBe('item');
    expect(pick({ level: 3, industry: 'urban-construction', urgency: 'urgent' })).toBe('uc-urgent-l3');
    expect(pick({ level: 2, industry: 'urban-construction', urgency: 'urgent' })).toBe('uc-urgent');
    expect(pick({ level: 2, industry: 'urban-construction', urgency: 'normal' })).toBe('uc');
    expect(pick({ level: 2, industry: 'health', urgency: 'urgent' })).toBe('urgent');
    expect(pick({ level: 3, industry: 'health' })).toBe('level3');
    expect(pick({ level: 4, industry: 'health', urgency: 'normal' })).toBe('global');
  });

  it('breaks ties by the closest owner, whatever the input order', () => {
    const root = rule({ id: 'root', industry: 'health', ownerDepth: 0 });
    const prefecture = rule({ id: 'prefecture', industry: 'health', ownerDepth: 1 });
    const county = rule({ id: 'county', level: 3, ownerDepth: 2 });
    expect(pick({ level: 3, industry: 'health' }, [root, prefecture, county])).toBe('prefecture');
    expect(pick({ level: 3, industry: 'health' }, [prefecture, root, county])).toBe('prefecture');
    // A closer but coarser rule does not beat a finer inherited one.
    expect(pick({ level: 3, industry: 'health' }, [county, root])).toBe('root');
    expect(compareRank(prefecture, root)).toBeLessThan(0);
  });

  it('returns undefined when nothing matches', () => {
    expect(pickRule([rule({ level: 1 })], { level: 2 })).toBeUndefined();
    expect(pickRule([], { level: 2 })).toBeUndefined();
  });
});

describe('findLoosening (lower levels may only be stricter)', () => {
  const inherited = [
    rule({ id: 'l3', level: 3, amount: 5, unit: 'workday' }),
    rule({ id: 'l4', level: 4, amount: 3, unit: 'workday' }),
    rule({ id: 'health-urgent', industry: 'health', urgency: 'urgent', amount: 12, unit: 'hour' }),
    rule({ id: 'uc-l3', industry: 'urban-construction', level: 3, amount: 10, unit: 'workday' }),
  ];
  const local = (dims: Partial<Rule>) => ({ ...rule(dims), ownerDepth: 1 });
  const D = { industries: ['health', 'housing', 'urban-construction', 'labor-social-security'], urgencies: ['normal', 'urgent', 'critical'] };

  it('accepts an equal or stricter local rule', () => {
    expect(findLoosening(local({ level: 3, amount: 5 }), inherited, D)).toBeUndefined();
    expect(findLoosening(local({ level: 3, amount: 3 }), inherited, D)).toBeUndefined();
    expect(findLoosening(local({ industry: 'health', urgency: 'urgent', amount: 8, unit: 'hour' }), inherited, D)).toBeUndefined();
  });

  it('refuses a looser one and names the rule it would loosen', () => {
    expect(findLoosening(local({ level: 3, amount: 6 }), inherited, D)?.inherited.id).toBe('l3');
    expect(findLoosening(local({ industry: 'health', urgency: 'urgent', amount: 1, unit: 'natural_day' }), inherited, D)?.inherited.id).toBe('health-urgent');
    // One working day is longer than 24 hours on the calendar.
    expect(findLoosening(local({ level: 3, amount: 120, unit: 'hour' }), inherited, D)).toBeUndefined();
    expect(findLoosening(local({ level: 4, amount: 5, unit: 'natural_day' }), inherited, D)?.inherited.id).toBe('l4');
  });

  it('checks every level a level-free rule covers, from the owner level down', () => {
    const loose = findLoosening(local({ industry: 'housing', amount: 4 }), inherited, D, 2);
    expect(loose).toMatchObject({ level: 4, inherited: { id: 'l4' } });
    // Where a finer inherited rule keeps deciding, the local rule changes nothing.
    expect(findLoosening(local({ industry: 'urban-construction', amount: 8 }), inherited.slice(2), D, 3)).toBeUndefined();
  });

  it('a blank tier covers urgent demands too: an industry rule must not undercut the inherited 紧急 limit', () => {
    const up = [rule({ id: 'l3', level: 3, amount: 5 }), rule({ id: 'urgent', urgency: 'urgent', amount: 24, unit: 'hour' })];
    const loose = findLoosening(local({ industry: 'labor-social-security', amount: 5 }), up, D, 3);
    expect(loose).toMatchObject({ level: 3, inherited: { id: 'urgent' } });
    // With its own urgent rule inherited, the industry rule no longer decides urgent demands.
    const withTier = [...up, rule({ id: 'labour-urgent', industry: 'labor-social-security', urgency: 'urgent', amount: 24, unit: 'hour' })];
    expect(findLoosening(local({ industry: 'labor-social-security', amount: 5 }), withTier, D, 3)).toBeUndefined();
  });

  it('is free where nothing is inherited', () => {
    expect(findLoosening(local({ level: 5, amount: 99 }), [], D)).toBeUndefined();
  });
});

describe('wording', () => {
  it('describes dimensions and limits in Chinese', () => {
    expect(describeDimensions({ level: 3, industry: 'urban-construction', urgency: 'urgent', itemId: null }, labels)).toBe('城乡建设·紧急（区县级）');
    expect(describeDimensions({ level: 3, industry: null, urgency: null, itemId: null }, labels)).toBe('区县级通用');
    expect(describeDimensions({ level: null, industry: null, urgency: null, itemId: null }, labels)).toBe('全部层级通用');
    expect(describeDimensions({ level: null, industry: null, urgency: null, itemId: ITEM }, labels)).toBe('指定事项');
    expect(formatAmount(3, 'workday')).toBe('3个工作日');
    expect(formatAmount(24, 'hour')).toBe('24小时');
    expect(formatAmount(3, 'natural_day')).toBe('3个自然日');
    const text = explainRule({ level: 3, industry: 'urban-construction', urgency: 'urgent', itemId: null, amount: 3, unit: 'workday', warnRatio: 0.8, ownerName: '乌鲁木齐市' }, labels);
    expect(text).toBe('城乡建设·紧急（区县级）：3个工作日（乌鲁木齐市规定），用时达2.4个工作日亮黄灯，超时亮红灯');
  });

  it('computes the yellow point without float noise', () => {
    expect(warnAtOf(3, 0.8)).toBe(2.4);
    expect(warnAtOf(7, 0.857)).toBe(6);
    expect(nominalHours(1, 'workday')).toBeGreaterThan(nominalHours(24, 'hour'));
  });
});
