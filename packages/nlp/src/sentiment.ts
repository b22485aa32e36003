import { cut } from './text/tokenizer.js';
import { normalise } from './text/normalise.js';

export type Polarity = 'negative' | 'neutral' | 'positive';
export type Emotion = 'anger' | 'anxiety' | 'sadness' | 'gratitude';

export interface Sentiment {
  polarity: Polarity;
  /** −1 (very negative) … +1 (very positive). */
  score: number;
  /** How far the score is from the neutral band, 0–1; low for short or mixed texts. */
  confidence: number;
  emotions: Partial<Record<Emotion, number>>;
  /** Signals that call for priority handling (threats, self-harm, emergencies). */
  urgent: boolean;
  cues: string[];
}

// Hand-written lexicon for hotline speech; weights are rough strengths, not learnt values.
const LEXICON: Record<string, number> = {
  满意: 2, 感谢: 2, 谢谢: 1.5, 表扬: 2, 点赞: 2, 好评: 2, 及时: 1, 热情: 1.5, 耐心: 1.5, 负责: 1, 高效: 1.5,
  方便: 1, 解决了: 1.5, 赞: 1.5, 锦旗: 2, 辛苦: 0.5, 认真: 1, 周到: 1.5, 优秀: 1.5, 好: 0.5,
  不满: -2, 不满意: -2, 投诉: -1, 生气: -2, 愤怒: -2.5, 气愤: -2.5, 失望: -2, 糟糕: -2, 差: -1.5, 恶劣: -2.5,
  推诿: -2, 扯皮: -2, 不作为: -2.5, 乱收费: -2, 拖欠: -1.5, 欺骗: -2, 诈骗: -2, 威胁: -2.5, 骚扰: -2,
  噪音: -1, 扰民: -1.5, 脏: -1, 臭: -1.5, 污染: -1.5, 危险: -1.5, 隐患: -1, 严重: -1, 无奈: -1.5, 着急: -1.5,
  担心: -1, 害怕: -1.5, 焦虑: -1.5, 难受: -1.5, 痛苦: -2, 可怜: -1, 困难: -1, 无法: -1, 拒绝: -1, 刁难: -2,
  态度差: -2, 骂: -2, 打人: -2.5, 欺负: -2, 坑: -1.5, 黑心: -2.5, 垃圾: -0.5, 崩溃: -2.5, 绝望: -3, 冤: -2,
};
const NEGATORS = new Set(['不', '没', '没有', '未', '别', '无', '非', '并不', '不是']);
const INTENSIFIERS: Record<string, number> = { 非常: 1.8, 特别: 1.8, 极其: 2, 十分: 1.6, 很: 1.4, 太: 1.6, 相当: 1.4, 严重: 1.5, 实在: 1.4, 真的: 1.3 };
const EMOTION_WORDS: Record<Emotion, string[]> = {
  anger: ['生气', '愤怒', '气愤', '恼火', '忍无可忍', '受够了', '骂', '太过分', '凭什么'],
  anxiety: ['着急', '担心', '害怕', '焦虑', '急', '怎么办', '急需', '尽快', '马上'],
  sadness: ['难过', '伤心', '痛苦', '绝望', '可怜', '无奈', '心寒', '委屈', '哭'],
  gratitude: ['感谢', '谢谢', '表扬', '锦旗', '点赞', '辛苦了'],
};
const URGENT = /(跳楼|自杀|轻生|不想活|杀了|同归于尽|报复|炸|起火|着火|火灾|煤气泄漏|燃气泄漏|晕倒|昏迷|受伤|流血|被困|救命|人命)/;

function lexiconScore(words: string[], cues: string[]): number {
  let total = 0;
  words.forEach((w, i) => {
    const base = LEXICON[w];
    if (base === undefined) return;
    let v = base;
    const prev = words[i - 1] ?? '';
    const prev2 = words[i - 2] ?? '';
    if (INTENSIFIERS[prev] !== undefined) v *= INTENSIFIERS[prev] ?? 1;
    // 不满意 is in the lexicon already; 不 + 满意 split by jieba flips the sign here.
    if (NEGATORS.has(prev) || NEGATORS.has(prev2)) v = -v * 0.8;
    total += v;
    cues.push(w);
  });
  return total;
}

function emotions(text: string): Partial<Record<Emotion, number>> {
  const out: Partial<Record<Emotion, number>> = {};
  for (const [e, words] of Object.entries(EMOTION_WORDS) as [Emotion, string[]][]) {
    const hits = words.filter((w) => text.includes(w)).length;
    if (hits > 0) out[e] = Math.min(1, hits / 3);
  }
  return out;
}

/** Lexicon sentiment with negation and intensifiers; a transparent baseline an agent can audit. */
export function analyseSentiment(text: string): Sentiment {
  const t = normalise(text.slice(0, 5000));
  const words = cut(t);
  const cues: string[] = [];
  const raw = lexiconScore(words, cues);
  const score = Math.tanh(raw / 4);
  const polarity: Polarity = score <= -0.2 ? 'negative' : score >= 0.2 ? 'positive' : 'neutral';
  const confidence = Math.min(1, Math.abs(score) * (cues.length >= 2 ? 1 : 0.7) + (polarity === 'neutral' ? 0.5 : 0));
  return { polarity, score: Math.round(score * 100) / 100, confidence: Math.round(confidence * 100) / 100, emotions: emotions(t), urgent: URGENT.test(t), cues };
}
