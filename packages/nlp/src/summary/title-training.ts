import { NlpError } from '../errors.js';
import { trainSoftmax } from '../ml/softmax-regression.js';
import { keywordCounts } from './summarise.js';
import { clauseFeatures, DEFAULT_TITLE_MODEL, titleCandidates, type TitleModel } from './title.js';

/** Character ROUGE-L F1: the similarity the tender's "content similarity ≥ 65 %" is measured with here. */
export function rougeL(candidate: string, reference: string): number {
  const a = [...candidate.replace(/\s+/g, '')];
  const b = [...reference.replace(/\s+/g, '')];
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Uint16Array(b.length + 1);
  let cur = new Uint16Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? (prev[j - 1] ?? 0) + 1 : Math.max(prev[j] ?? 0, cur[j - 1] ?? 0);
    [prev, cur] = [cur, prev];
  }
  const lcs = prev[b.length] ?? 0;
  if (lcs === 0) return 0;
  const p = lcs / a.length;
  const r = lcs / b.length;
  return (2 * p * r) / (p + r);
}

/**
 * Learns the clause-scorer weights from a deployment's own (text, agent-written title) pairs:
 * the clause closest to the human title (ROUGE-L) is the positive, the others negatives, and a
 * logistic regression over clauseFeatures does the rest.
 */
export function trainTitleModel(pairs: readonly { text: string; title: string }[]): TitleModel {
  if (pairs.length < 10) throw new NlpError('TRAINING_DATA', '标题训练至少需要 10 条样本');
  const xs: { idx: number[]; val: number[] }[] = [];
  const ys: number[] = [];
  for (const p of pairs) {
    const clauses = titleCandidates(p.text);
    if (clauses.length < 2) continue;
    const freq = keywordCounts(p.text.slice(0, 1000));
    const sims = clauses.map((c) => rougeL(c.text, p.title));
    const best = sims.indexOf(Math.max(...sims));
    clauses.forEach((c, i) => {
      const f = clauseFeatures(c, i, freq);
      xs.push({ idx: f.map((_, k) => k), val: f });
      ys.push(i === best ? 1 : 0);
    });
  }
  const dim = DEFAULT_TITLE_MODEL.weights.length;
  const params = trainSoftmax(xs, ys, ys.map(() => 1), 2, dim, { epochs: 8, learningRate: 0.1, l2: 1e-4, seed: 3 });
  // Two-class softmax: the score of "best clause" is the difference of the two rows.
  const weights = Array.from({ length: dim }, (_, k) => (params.weights[dim + k] ?? 0) - (params.weights[k] ?? 0));
  return { format: 'hotline-nlp/title-model', version: 1, weights };
}

