import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyIntent, decideDispatch, ItemRecommender, regionFactor, TextClassifier, UnitRecommender } from '../src/index.js';
import { CATALOGUE, UNITS } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'nlp-items-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('item recommendation', () => {
  const boot = ItemRecommender.bootstrap(CATALOGUE);

  it('bootstraps from catalogue names, keywords and synonyms alone', () => {
    expect(boot.suggest('我们小区停水两天了', 1)[0]).toMatchObject({ itemId: 'water', matchedTerms: ['停水'] });
    expect(boot.suggest('老板拖欠工资三个月', 1)[0]?.itemId).toBe('wage');
    expect(boot.suggest('家里暖气不热，冻得不行', 1)[0]?.itemId).toBe('heating');
    const top3 = boot.suggest('楼上装修噪音太吵', 3);
    expect(top3).toHaveLength(3);
    expect(top3[0]?.itemId).toBe('noise');
  });

  it('retrains from history and learns wording the catalogue never had', () => {
    // "锅炉" appears in no catalogue entry: only the history teaches it means heating.
    const history = [
      ...['锅炉房不烧了', '锅炉坏了屋里冷', '锅炉一直没修', '楼里锅炉停了', '小区锅炉温度太低'].map((text) => ({ text, itemId: 'heating' })),
      ...['包工头跑路了', '包工头不给钱', '找不到包工头要钱', '包工头拖着不结账', '包工头失联'].map((text) => ({ text, itemId: 'wage' })),
    ];
    expect(boot.suggest('锅炉又出问题了', 1)[0]?.itemId).not.toBe('heating');
    const trained = ItemRecommender.train(CATALOGUE, history, { epochs: 40 });
    expect(trained.suggest('锅炉又出问题了', 1)[0]?.itemId).toBe('heating');
    expect(trained.suggest('包工头联系不上', 1)[0]?.itemId).toBe('wage');
    // Items without history still work from the catalogue.
    expect(trained.suggest('物业费太贵了', 1)[0]?.itemId).toBe('property');

    const path = join(dir, 'items.json');
    trained.save(path);
    const loaded = ItemRecommender.load(path, CATALOGUE);
    const [a, b] = [trained.suggest('锅炉又出问题了', 3), loaded.suggest('锅炉又出问题了', 3)];
    expect(b.map((x) => x.itemId)).toEqual(a.map((x) => x.itemId));
    b.forEach((x, i) => expect(x.probability).toBeCloseTo(a[i]!.probability, 3));
  });
});

describe('unit recommendation', () => {
  const items = ItemRecommender.bootstrap(CATALOGUE);
  const units = new UnitRecommender(UNITS);

  it('ranks by responsibility × region and explains why', () => {
    const text = '天山区有家公司拖欠工资';
    const top = units.suggest({ items: items.suggest(text), regionCode: '650102', text });
    expect(top.map((u) => u.unitId)).toEqual(['ts-rs', 'xj-rs']);
    expect(top[0]!.reasons.join(' ')).toContain('拖欠工资');
    expect(top[0]!.reasons.join(' ')).toContain('天山区');
    expect(top[0]!.probability).toBeGreaterThan(0.5);
  });

  it('never sends a demand to a unit of another region', () => {
    const text = '沙依巴克区工地欠薪';
    const ids = units.suggest({ items: items.suggest(text), regionCode: '650103', text }).map((u) => u.unitId);
    expect(ids[0]).toBe('sy-rs');
    expect(ids).not.toContain('ts-rs');
    expect(ids).not.toContain('kash-rs');
    expect(regionFactor('6531', '650103')).toBe(0);
    expect(regionFactor('650102', '650102')).toBeGreaterThan(regionFactor('6501', '650102'));
  });

  it('history of returned dispatches lowers a unit', () => {
    const text = '天山区停水了';
    const q = { items: items.suggest(text), regionCode: '650102', text };
    // The water company's duty keyword (停水) puts it first at the outset.
    expect(units.suggest(q).map((u) => u.unitId)).toEqual(['wlmq-water', 'ts-zj']);
    const withHistory = new UnitRecommender(UNITS);
    withHistory.learnHistory([
      ...Array.from({ length: 10 }, () => ({ unitId: 'wlmq-water', itemId: 'water', accepted: false })),
      ...Array.from({ length: 10 }, () => ({ unitId: 'ts-zj', itemId: 'water', accepted: true })),
    ]);
    const after = withHistory.suggest(q);
    expect(after.map((u) => u.unitId)).toEqual(['ts-zj', 'wlmq-water']);
    expect(after[0]!.reasons.join()).toContain('历史派单 10 件');
  });
});

describe('intent', () => {
  it('labels the common hotline intents from cue rules', () => {
    expect(classifyIntent('请问办理居住证需要什么材料？').label).toBe('咨询');
    expect(classifyIntent('我要投诉这家店态度恶劣').label).toBe('投诉');
    expect(classifyIntent('举报小区有人非法经营黑作坊').label).toBe('举报');
    expect(classifyIntent('建议在路口增设红绿灯').label).toBe('建议');
    expect(classifyIntent('老人走失了，求助大家帮忙').label).toBe('求助');
    expect(classifyIntent('感谢社区网格员，送锦旗表扬').label).toBe('表扬');
    expect(classifyIntent('今天天气晴').label).toBe('其他');
  });

  it('a trained model takes over from the rules', () => {
    const model = TextClassifier.train(
      [...['想了解政策', '问个事情', '想知道流程'].map((text) => ({ text, label: '咨询' })), ...['东西坏了不给修', '服务太差', '乱收费不退'].map((text) => ({ text, label: '投诉' }))],
      { epochs: 30 },
    );
    const r = classifyIntent('服务太差了', model);
    expect(r).toMatchObject({ source: 'model', label: '投诉' });
  });
});

describe('dispatch decision', () => {
  const items = ItemRecommender.bootstrap(CATALOGUE);
  const units = new UnitRecommender(UNITS);

  it('auto-dispatches above the threshold, otherwise offers candidates', () => {
    const text = '天山区有家公司拖欠工资';
    const its = items.suggest(text);
    const cands = units.suggest({ items: its, regionCode: '650102', text });
    expect(decideDispatch(cands, its, 0.5).auto?.unitId).toBe('ts-rs');
    const manual = decideDispatch(cands, its, 0.99);
    expect(manual.auto).toBeUndefined();
    expect(manual.candidates.length).toBeGreaterThan(0);
    expect(manual.reason).toContain('低于阈值');
  });

  it('flags a demand that needs two units as cooperative and never auto-dispatches it', () => {
    const text = '天山区小区停水了，楼下工地晚上施工噪音太大';
    const its = items.suggest(text);
    const cands = units.suggest({ items: its, regionCode: '650102', text });
    const d = decideDispatch(cands, its, 0.1);
    expect(d.cooperative).toBe(true);
    expect(d.auto).toBeUndefined();
    expect(d.candidates.map((c) => c.unitId)).toEqual(expect.arrayContaining(['ts-env']));
    expect(decideDispatch([], [], 0.5).reason).toContain('人工');
  });
});
