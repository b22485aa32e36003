import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyse, rougeL, TitleCompressor } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'title-compressor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLACES = ['幸福', '阳光', '和平', '星河', '翠湖', '金桥', '春风', '南湖', '东城', '绿洲', '天山', '红山'];
const PROBLEMS = [
  { body: '小区物业乱收停车费', title: '物业乱收停车费' },
  { body: '楼下烧烤店夜间噪音扰民', title: '烧烤店夜间噪音扰民' },
  { body: '小区门口道路破损严重', title: '道路破损严重' },
];

/** Synthetic history: the human title keeps the place and the problem words and adds 反映…问题. */
function pairs(n: number): { text: string; title: string }[] {
  return Array.from({ length: n }, (_, i) => {
    const place = `${PLACES[i % PLACES.length]}小区`;
    const p = PROBLEMS[i % PROBLEMS.length]!;
    return {
      text: `尊敬的领导：您好！我是${place}的业主，${p.body}，已经持续很久了，多次打电话没有结果，希望相关部门尽快处理。谢谢！`,
      title: `反映${place}${p.title}的问题`,
    };
  });
}

describe('TitleCompressor', () => {
  const history = pairs(60);
  const model = TitleCompressor.train(history);

  it('learns which words titles keep and the template words they add', () => {
    const text = '尊敬的领导：您好！我是金桥小区的业主，楼下烧烤店夜间噪音扰民，已经持续很久了，希望相关部门尽快处理。谢谢！';
    const t = model.generate(text);
    expect(t.startsWith('反映')).toBe(true);
    expect(t).toContain('金桥小区');
    expect(t).toContain('噪音');
    expect(t).not.toContain('尊敬');
    expect(t).not.toContain('谢谢');
    expect(rougeL(t, '反映金桥小区烧烤店夜间噪音扰民的问题')).toBeGreaterThan(0.6);
  });

  it('round-trips through save/load and rejects a foreign file', () => {
    const path = join(dir, 'm.json');
    model.save(path);
    const loaded = TitleCompressor.load(path);
    expect(loaded.generate(history[0]!.text)).toBe(model.generate(history[0]!.text));
    expect(() => TitleCompressor.fromJSON({ format: 'other' })).toThrowError(expect.objectContaining({ code: 'MODEL_FORMAT' }));
  });

  it('needs ten pairs and returns an empty title for an empty text', () => {
    expect(() => TitleCompressor.train(history.slice(0, 5))).toThrowError(expect.objectContaining({ code: 'TRAINING_DATA' }));
    expect(model.generate('   ')).toBe('');
    expect(model.generate(history[1]!.text, 8).length).toBeLessThanOrEqual(8);
  });

  it('analyse() uses a trained titler when the context has one', () => {
    const text = '尊敬的领导：您好！我是绿洲小区的业主，小区门口道路破损严重，已经持续很久了，希望相关部门尽快处理。谢谢！';
    expect(analyse(text, { titler: model }).title).toBe(model.generate(text));
    expect(analyse(text).title.length).toBeGreaterThan(0);
  });
});
