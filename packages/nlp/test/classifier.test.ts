import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fitTemperature, isNlpError, softmax, TextClassifier, type LabelledText } from '../src/index.js';

// Hand-written fixtures: three demand types, varied wording.
const WATER = ['小区停水三天了', '自来水没有水压', '楼里突然停水没人通知', '供水管道爆裂漏水', '水龙头流出黄水', '停水了什么时候来水', '自来水管冻裂了', '家里没水用了'];
const WAGE = ['老板拖欠工资半年', '工地欠薪不给钱', '公司拖欠我们工资', '讨薪无门希望帮助', '包工头跑了工资没发', '辞职后工资不结算', '加班费一直不给', '工资被克扣'];
const NOISE = ['楼下烧烤店噪音扰民', '工地晚上施工太吵', '广场舞音响声音太大', '半夜装修噪音', 'KTV吵得睡不着', '夜间施工扰民', '商铺喇叭太吵', '邻居半夜噪音大'];
const examples: LabelledText[] = [
  ...WATER.map((text) => ({ text, label: '供水' })),
  ...WAGE.map((text) => ({ text, label: '欠薪' })),
  ...NOISE.map((text) => ({ text, label: '噪音' })),
];

const dir = mkdtempSync(join(tmpdir(), 'nlp-clf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TextClassifier', () => {
  const model = TextClassifier.train(examples, { epochs: 40, seed: 1 });

  it('classifies unseen wording of each class', () => {
    expect(model.predict('我们单位拖欠工资三个月了', 1)[0]?.label).toBe('欠薪');
    expect(model.predict('小区今天又停水了', 1)[0]?.label).toBe('供水');
    expect(model.predict('隔壁工地夜里施工噪音很大', 1)[0]?.label).toBe('噪音');
  });

  it('returns a probability distribution over all labels', () => {
    const all = model.predict('停水', 3);
    expect(all).toHaveLength(3);
    expect(all.reduce((s, p) => s + p.probability, 0)).toBeCloseTo(1, 6);
    expect(all[0]!.probability).toBeGreaterThan(all[1]!.probability);
    expect(model.temperature).toBeGreaterThan(0);
  });

  it('survives a save/load round trip with identical predictions', () => {
    const path = join(dir, 'model.json');
    model.save(path);
    const loaded = TextClassifier.load(path);
    expect(loaded.labels).toEqual(model.labels);
    for (const text of ['工资', '水管漏水', '太吵了睡不着']) {
      const a = model.probabilities(text);
      const b = loaded.probabilities(text);
      a.forEach((p, i) => expect(b[i]).toBeCloseTo(p, 3));
    }
  });

  it('rejects corrupt model files with a typed error', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{"format":"something-else"}');
    expect(() => TextClassifier.load(path)).toThrowError(expect.objectContaining({ code: 'MODEL_FORMAT' }));
    writeFileSync(path, 'not json');
    try {
      TextClassifier.load(path);
      expect.unreachable();
    } catch (e) {
      expect(isNlpError(e) && e.code).toBe('MODEL_FORMAT');
    }
  });

  it('needs at least two labels', () => {
    expect(() => TextClassifier.train([{ text: 'a', label: 'x' }])).toThrowError(expect.objectContaining({ code: 'TRAINING_DATA' }));
  });

  it('reports training progress', () => {
    const seen: number[] = [];
    TextClassifier.train(examples, { epochs: 5, calibrate: false, onProgress: (p) => seen.push(p.epoch) });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('calibration', () => {
  it('softens over-confident logits with a temperature above 1', () => {
    // Confident logits that are right only half of the time.
    const logits = [[5, 0], [5, 0], [0, 5], [0, 5]];
    const labels = [0, 1, 1, 0];
    expect(fitTemperature(logits, labels)).toBeGreaterThan(3);
    // And sharpens under-confident ones that are always right.
    expect(fitTemperature([[0.2, 0], [0, 0.2]], [0, 1])).toBeLessThan(1);
    expect(softmax([1, 1])).toEqual([0.5, 0.5]);
  });
});
