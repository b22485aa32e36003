import { softmax } from '../ml/calibration.js';
import type { TextClassifier } from '../ml/text-classifier.js';
import type { IntentLabel } from '../summary/title.js';

export type { IntentLabel };

export interface IntentResult {
  label: IntentLabel;
  probability: number;
  scores: { label: IntentLabel; probability: number }[];
  /** 'rules' until a model trained on the deployment's own labels is supplied. */
  source: 'rules' | 'model';
}

// Cue phrases per intent with weights; the order of INTENTS breaks ties (举报 beats 投诉).
const RULES: Record<Exclude<IntentLabel, '其他'>, [RegExp, number][]> = {
  举报: [[/举报|检举|揭发/, 3], [/违法|违规|非法|偷排|私自|涉嫌|黑作坊|传销|赌博|吸毒|卖淫|造假|无证经营/, 1.2]],
  投诉: [[/投诉/, 3], [/不满|态度差|态度恶劣|推诿|不作为|乱收费|拖欠|扰民|噪音|欺骗|刁难|没人管|不管|不处理|太差|拒不/, 1.2]],
  求助: [[/求助|救助|帮帮|救命|帮忙/, 3], [/困难|急需|无力|被困|走失|没钱|生活不下去|看不起病|怎么办/, 1.2]],
  建议: [[/建议|提议|意见/, 2.5], [/希望.{0,12}(增设|增加|开通|设立|改善|完善|修建|安装)|能否.{0,10}(增设|增加|开通)|应该|呼吁/, 1.2]],
  咨询: [[/咨询|请问|想问|问一下|了解一下/, 2.5], [/如何|怎么办理|怎样|哪里|多少|什么时候|是否|能否|可不可以|可以吗|吗[？?]|需要什么|什么材料|条件/, 1]],
  表扬: [[/表扬|感谢信|锦旗|点赞|赞扬|致谢/, 3], [/感谢|谢谢.{0,6}(帮助|解决|耐心|负责)|非常满意|辛苦了/, 1.2]],
};
const INTENTS: IntentLabel[] = ['举报', '投诉', '求助', '建议', '咨询', '表扬', '其他'];

function ruleScores(text: string): number[] {
  return INTENTS.map((label) => {
    if (label === '其他') return 0.8;
    let s = 0;
    for (const [re, w] of RULES[label]) {
      const hits = text.match(new RegExp(re.source, 'g'))?.length ?? 0;
      s += Math.min(hits, 3) * w;
    }
    return s;
  });
}

/**
 * Intent (咨询/投诉/求助/建议/举报/表扬/其他). Cue rules work from day one; once agents have
 * labelled enough tickets, pass a TextClassifier trained on them and it takes over.
 */
export function classifyIntent(text: string, model?: TextClassifier): IntentResult {
  if (model) {
    const scores = model.predict(text, model.labels.length).map((p) => ({ label: p.label as IntentLabel, probability: p.probability }));
    const top = scores[0];
    if (top) return { label: top.label, probability: top.probability, scores, source: 'model' };
  }
  const probs = softmax(ruleScores(text.slice(0, 5000)), 0.8);
  const scores = INTENTS.map((label, i) => ({ label, probability: Math.round((probs[i] ?? 0) * 1000) / 1000 })).sort((a, b) => b.probability - a.probability);
  const top = scores[0] ?? { label: '其他' as const, probability: 1 };
  return { label: top.label, probability: top.probability, scores, source: 'rules' };
}
