import { describe, expect, it } from 'vitest';
import { classifyIntent, DEFAULT_FEATURES, featureTokens, INTENT_FEATURES, isNlpError, TextClassifier, trainIntentModel, type IntentExample, type IntentLabel } from '../src/index.js';

// Hand-written tickets, four intents, varied wording (no real data: nothing trained here ships).
const BY_INTENT: Record<string, string[]> = {
  咨询: ['请问办理居住证需要什么材料？', '想问一下公积金怎么提取', '孩子上学的户口政策是什么？', '社保断缴了还能补缴吗？', '请问老年卡在哪里办理', '咨询一下营业执照的办理流程'],
  投诉: ['物业乱收停车费还态度恶劣', '饭店油烟扰民一直没人管', '快递员服务太差把包裹扔门口', '商家卖假货拒不退款', '出租车司机绕路多收钱', '供暖不热打电话也不处理'],
  建议: ['建议在学校门口增设红绿灯', '希望小区增加充电桩', '建议公交线路延长到新区', '提议在公园多设几个垃圾桶', '希望开通夜间公交', '建议路口安装减速带'],
  举报: ['举报有人在河边偷排污水', '举报小区里有黑作坊', '举报饭店无证经营', '检举某单位违规收费', '举报有人非法占用耕地', '举报网吧接纳未成年人'],
};
const ROWS: IntentExample[] = Object.entries(BY_INTENT).flatMap(([label, texts]) => texts.map((text) => ({ text, label: label as IntentLabel })));

describe('intent rules (no model)', () => {
  it('fall back to rules without a model', () => {
    const r = classifyIntent('请问办理护照要多久？');
    expect(r).toMatchObject({ source: 'rules', label: '咨询' });
    expect(r.scores.reduce((s, x) => s + x.probability, 0)).toBeCloseTo(1, 2);
  });

  it('do not count a denied cue', () => {
    expect(classifyIntent('我不是投诉物业，想问一下停车费的标准').label).toBe('咨询');
    expect(classifyIntent('并非举报谁，建议小区里多装几个充电桩').label).toBe('建议');
    // Without the denial the cue still counts.
    expect(classifyIntent('我要投诉物业，想问一下停车费的标准').label).toBe('投诉');
  });

  it('read a bare question as a question and 帮忙 inside a complaint as a complaint', () => {
    expect(classifyIntent('小区的停车费标准是多少？').label).toBe('咨询');
    expect(classifyIntent('物业乱收费，请帮忙处理一下').label).toBe('投诉');
    expect(classifyIntent('老人走失了，求助大家').label).toBe('求助');
  });

  it('are safe on empty, emoji-only and very long text', () => {
    for (const text of ['', '   ', '😀😀🙏', '？？？', '投诉'.repeat(50_000), `${'停水三天了，'.repeat(20_000)}请问什么时候来水？`]) {
      const r = classifyIntent(text);
      expect(r.scores).toHaveLength(7);
      expect(Number.isFinite(r.probability)).toBe(true);
    }
    expect(classifyIntent('').label).toBe('其他');
  });
});

describe('trainIntentModel', () => {
  const model = trainIntentModel(ROWS, { seed: 3 });

  it('learns the intents of a small labelled set', () => {
    expect(model.labels).toEqual(['举报', '咨询', '建议', '投诉']);
    expect(classifyIntent('请问办理驾驶证需要带什么材料？', model)).toMatchObject({ source: 'model', label: '咨询' });
    expect(classifyIntent('建议在菜市场门口增设公厕', model).label).toBe('建议');
    expect(classifyIntent('举报有人在夜里偷排废水', model).label).toBe('举报');
    expect(classifyIntent('超市卖过期食品还拒不退款', model).label).toBe('投诉');
  });

  it('keeps predictions through a JSON save/load round trip', () => {
    const json = JSON.stringify(model.toJSON());
    const loaded = TextClassifier.fromJSON(JSON.parse(json));
    // The intent feature settings travel with the model, so the loaded model featurises alike.
    expect(loaded.toJSON().features).toEqual(INTENT_FEATURES);
    expect(JSON.stringify(loaded.toJSON())).toBe(json);
    const again = TextClassifier.fromJSON(JSON.parse(JSON.stringify(loaded.toJSON())));
    for (const text of ['请问公积金怎么提取？', '我不是投诉，想问一下', '建议增设路灯', '举报无证经营', '', '😀']) {
      const a = classifyIntent(text, model);
      const b = classifyIntent(text, loaded);
      expect(b.label).toBe(a.label);
      // Weights are stored rounded to 1e-5.
      b.scores.forEach((s, i) => expect(s.probability).toBeCloseTo(a.scores[i]?.probability ?? 0, 4));
      expect(classifyIntent(text, again)).toEqual(b);
    }
  });

  it('is safe on empty, emoji-only and very long text', () => {
    for (const text of ['', '😀😀🙏', '投诉'.repeat(50_000)]) {
      const r = classifyIntent(text, model);
      expect(r.source).toBe('model');
      expect(r.scores).toHaveLength(4);
      expect(r.scores.reduce((s, x) => s + x.probability, 0)).toBeCloseTo(1, 6);
    }
  });

  it('needs at least two intents', () => {
    let err: unknown;
    try {
      trainIntentModel(BY_INTENT['咨询']!.map((text) => ({ text, label: '咨询' as const })));
    } catch (e) {
      err = e;
    }
    expect(isNlpError(err)).toBe(true);
  });
});

describe('intent feature options', () => {
  const text = '您好！我家楼下饭店油烟很大，严重影响休息。请问这归哪个部门管？希望尽快处理。';

  it('leave the default features unchanged', () => {
    const toks = featureTokens(text);
    expect(toks.every((t) => /^(w|c2|c3):/.test(t))).toBe(true);
    expect(featureTokens(text, { ...DEFAULT_FEATURES })).toEqual(toks);
  });

  it('add opening/closing clause and tagged-sentence namespaces', () => {
    const toks = featureTokens(text, INTENT_FEATURES);
    // Stopwords (希望, 部门, 处理) stay out of these namespaces as they do of w:.
    expect(toks).toEqual(expect.arrayContaining(['f:饭店', 'l:尽快', 'q:这归', 'r:尽快']));
    // The question sentence is tagged q, not r; the untagged opening sentence gets neither.
    expect(toks).not.toContain('r:这归');
    expect(toks.some((t) => t === 'q:油烟' || t === 'r:油烟')).toBe(false);
    expect(featureTokens('', INTENT_FEATURES)).toEqual([]);
  });
});
