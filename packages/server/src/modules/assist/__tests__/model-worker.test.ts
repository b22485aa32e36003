import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TitleCompressor } from '@hotline/nlp';
import { afterAll, describe, expect, it } from 'vitest';
import { Progress, trainTitle } from '../model.worker.js';

/**
 * The title model's hold-out: from 50 pairs a fifth is titled by a model trained on the rest and
 * scored against the titles people kept (character ROUGE-L), before the shipped model trains on all.
 */
const PLACES = ['幸福路', '南湖路', '红山路', '友好路', '北京路', '长江路', '河滩路', '西虹路', '光明路', '新民路', '黄河路', '延安路'];
const PROBLEMS = [
  ['停水', '从昨天下午开始停水，没有任何通知'],
  ['噪音扰民', '工地夜间施工噪音很大，影响休息'],
  ['路灯不亮', '小区门口的路灯坏了一个多月没人修'],
  ['垃圾清运不及时', '垃圾桶满了好几天没人清运，味道很大'],
  ['暖气不热', '家里暖气不热，室温只有十五度'],
] as const;

const pairs = Array.from({ length: 60 }, (_, i) => {
  const place = PLACES[i % PLACES.length]!;
  const [topic, text] = PROBLEMS[i % PROBLEMS.length]!;
  return { text: `我是天山区${place}小区的住户，${text}，请有关部门尽快处理。`, title: `关于天山区${place}${topic}的投诉` };
});

describe('title model training in the worker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'title-worker-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures a held-out fifth from 50 pairs on, then trains on all of them', () => {
    const out = join(dir, 'titles.json');
    const outcome = trainTitle(pairs, out, new Progress(2));
    expect(outcome.pairs).toBe(60);
    expect(outcome.holdOut?.size).toBe(12);
    // Templated titles are learnt well; the number is a ROUGE-L F1 in [0, 1].
    expect(outcome.holdOut!.rougeL).toBeGreaterThan(0.5);
    expect(outcome.holdOut!.rougeL).toBeLessThanOrEqual(1);
    expect(TitleCompressor.load(out).generate('我住在天山区团结路小区，家里暖气不热好几天了')).toMatch(/团结路|暖气/);
  });

  it('reports no hold-out below 50 pairs', () => {
    const outcome = trainTitle(pairs.slice(0, 20), join(dir, 'small.json'), new Progress(1));
    expect(outcome).toEqual({ pairs: 20, holdOut: null });
  });
});
