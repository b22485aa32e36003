import { describe, expect, it } from 'vitest';
import { analyse, citizenText, DuplicateIndex, ItemRecommender, isNlpError, splitTranscript, UnitRecommender, warmUp, type AnalyseContext } from '../src/index.js';
import { CATALOGUE, UNITS } from './fixtures.js';

const REF = new Date('2026-11-26T10:00:00+08:00');
const MESSAGE =
  '您好，我叫张伟，住在乌鲁木齐市天山区幸福路街道团结路123号小区，电话13912345678，身份证653121198506120024。' +
  '昨天下午3点开始停水到现在都没来水，物业也不管，家里老人孩子没法做饭，非常着急。' +
  '上周三也停过一次，当时物业说是水管爆裂，修了两天。小区里二十多户都受影响，有的住户已经去外面买水了，一桶水要15元。' +
  '我们给物业公司打了好几次电话都没人接，去物业办公室也没人。希望有关部门尽快督促恢复供水，并查明原因，以后停水要提前通知。';

function context(): AnalyseContext {
  const duplicates = new DuplicateIndex();
  duplicates.add('T-1', '天山区幸福路街道团结路小区从昨天下午开始停水，到现在都没来水，物业不管');
  duplicates.add('T-2', '沙依巴克区有工地晚上施工噪音太大');
  return { referenceDate: REF, items: ItemRecommender.bootstrap(CATALOGUE), units: new UnitRecommender(UNITS), duplicates };
}

describe('analyse façade', () => {
  const ctx = context();
  warmUp(ctx);

  it('returns every part of the analysis for a typical message', () => {
    const r = analyse(MESSAGE, ctx);
    expect(r.intent.label).toBe('投诉');
    expect(r.elements.phones[0]?.value).toBe('13912345678');
    expect(r.elements.idNumbers[0]?.checksumValid).toBe(true);
    expect(r.elements.persons[0]?.name).toBe('张伟');
    expect(r.elements.times.map((t) => t.date)).toEqual(expect.arrayContaining(['2026-11-25', '2026-11-18']));
    expect(r.elements.amounts[0]?.value).toBe(15);
    expect(r.region?.county?.name).toBe('天山区');
    expect(r.items[0]?.itemId).toBe('water');
    expect(r.units[0]?.unitId).toBe('ts-zj');
    expect(r.units[0]?.reasons.length).toBeGreaterThan(0);
    expect(r.title).toContain('停水');
    expect(r.title.length).toBeLessThanOrEqual(30);
    expect(r.summary.text.length).toBeGreaterThan(10);
    expect(r.sentiment.polarity).toBe('negative');
    expect(r.sensitive).toEqual([]);
    expect(r.duplicates[0]?.id).toBe('T-1');
    expect(r.truncated).toBe(false);
  });
});

describe('bad input', () => {
  const ctx = context();

  it('empty or blank text is a typed EMPTY_TEXT error', () => {
    for (const bad of ['', '   \n\t']) {
      try {
        analyse(bad, ctx);
        expect.unreachable();
      } catch (e) {
        expect(isNlpError(e) && e.code).toBe('EMPTY_TEXT');
      }
    }
  });

  it('non-text input is a typed INVALID_INPUT error', () => {
    for (const bad of [undefined, null, 42, { text: 'x' }]) {
      expect(() => analyse(bad, ctx)).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }));
    }
  });

  it('100 KB of text is cut, analysed and flagged, not refused', () => {
    const huge = MESSAGE.repeat(Math.ceil(100_000 / MESSAGE.length));
    const r = analyse(huge, ctx);
    expect(r.truncated).toBe(true);
    expect(r.length).toBe(20_000);
    expect(r.warnings[0]).toContain('20000');
    expect(r.title.length).toBeGreaterThan(0);
  });

  it('emoji, Uyghur Arabic script, control characters and lone surrogates give safe results', () => {
    const mixed = '😡😡 ئۈرۈمچى شەھىرى 天山区停水了💧 مەن سۇ يوق \u0000\u0007 \ud800 电话13912345678';
    const r = analyse(mixed, ctx);
    expect(r.elements.phones[0]?.value).toBe('13912345678');
    expect(r.region?.county?.name).toBe('天山区');
    expect(r.items[0]?.itemId).toBe('water');
    expect(() => JSON.stringify(r)).not.toThrow();
    const onlyUyghur = analyse('مەن سۇ يوق، ياردەم قىلىڭ', ctx);
    expect(onlyUyghur.elements.phones).toEqual([]);
    expect(typeof onlyUyghur.title).toBe('string');
    const onlyEmoji = analyse('😀😀😀', ctx);
    expect(onlyEmoji.items).toHaveLength(3);
  });

  it('without a catalogue model it still analyses and says what is missing', () => {
    const r = analyse('天山区停水了', { referenceDate: REF });
    expect(r.items).toEqual([]);
    expect(r.units).toEqual([]);
    expect(r.warnings.join()).toContain('事项');
  });
});

describe('call transcripts', () => {
  const ctx = context();
  const transcript = [
    '坐席：您好，12345政务服务热线，请问有什么可以帮您？',
    '市民：你好，我是天山区幸福路街道团结路小区的，我叫王芳。',
    '坐席：好的王女士，请问您反映什么问题？',
    '市民：我们小区从昨天下午开始停水，到现在都没有来水，物业也不管。',
    '坐席：请问您的联系电话是多少？',
    '市民：13912345678。',
    '坐席：好的，我们会尽快转交相关部门处理，感谢您的来电。',
  ].join('\n');

  it('splits turns by speaker', () => {
    const turns = splitTranscript(transcript);
    expect(turns.map((t) => t.speaker)).toEqual(['agent', 'citizen', 'agent', 'citizen', 'agent', 'citizen', 'agent']);
    expect(transcript.slice(turns[1]!.start, turns[1]!.end).trim()).toBe(turns[1]!.text);
    expect(citizenText('没有说话人标签的普通文本')).toBeUndefined();
  });

  it('takes title, summary and item from the citizen, elements from the whole call', () => {
    const r = analyse(transcript, ctx);
    expect(r.title).toContain('停水');
    expect(r.title).not.toContain('12345');
    expect(r.summary.text).not.toContain('请问有什么可以帮您');
    expect(r.items[0]?.itemId).toBe('water');
    expect(r.elements.phones.map((p) => p.value)).toContain('13912345678');
    expect(r.elements.persons.map((p) => p.name)).toContain('王芳');
    expect(r.region?.county?.name).toBe('天山区');
  });
});
