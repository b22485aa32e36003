import { NlpError } from '../errors.js';
import { trainSoftmax } from '../ml/softmax-regression.js';
import { keywordCounts } from './summarise.js';
import { clauseFeatures, clauseWords, DEFAULT_TITLE_MODEL, titleCandidates, type TitleModel } from './title.js';

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

interface ClauseRow {
  dense: number[];
  words: string[];
  scale: number;
  positive: boolean;
}

function clauseRows(pairs: readonly { text: string; title: string }[]): ClauseRow[] {
  const rows: ClauseRow[] = [];
  for (const p of pairs) {
    const clauses = titleCandidates(p.text);
    if (clauses.length < 2) continue;
    const freq = keywordCounts(p.text.slice(0, 1000));
    const sims = clauses.map((c) => rougeL(c.text, p.title));
    const best = sims.indexOf(Math.max(...sims));
    clauses.forEach((c, i) => rows.push({ dense: clauseFeatures(c, i, freq), ...clauseWords(c.text), positive: i === best }));
  }
  return rows;
}

/**
 * Learns the clause-scorer weights from a deployment's own (text, agent-written title) pairs:
 * the clause closest to the human title (ROUGE-L) is the positive, the others negatives, and a
 * logistic regression over clauseFeatures plus the clause's words (seen in ≥ 5 clauses) does
 * the rest.
 */
export function trainTitleModel(pairs: readonly { text: string; title: string }[]): TitleModel {
  if (pairs.length < 10) throw new NlpError('TRAINING_DATA', '标题训练至少需要 10 条样本');
  const rows = clauseRows(pairs);
  const dense = DEFAULT_TITLE_MODEL.weights.length;
  const df = new Map<string, number>();
  for (const r of rows) for (const w of r.words) df.set(w, (df.get(w) ?? 0) + 1);
  const vocab = [...df].filter(([, n]) => n >= 5).map(([w]) => w);
  const index = new Map(vocab.map((w, i) => [w, dense + i]));
  const xs = rows.map((r) => {
    const idx = r.dense.map((_, k) => k);
    const val = [...r.dense];
    for (const w of r.words) {
      const j = index.get(w);
      if (j !== undefined) {
        idx.push(j);
        val.push(r.scale);
      }
    }
    return { idx, val };
  });
  const ys = rows.map((r) => (r.positive ? 1 : 0));
  const dim = dense + vocab.length;
  const params = trainSoftmax(xs, ys, ys.map(() => 1), 2, dim, { epochs: 8, learningRate: 0.1, l2: 1e-4, seed: 3 });
  // Two-class softmax: the score of "best clause" is the difference of the two rows.
  const diff = (k: number): number => (params.weights[dim + k] ?? 0) - (params.weights[k] ?? 0);
  const weights = Array.from({ length: dense }, (_, k) => diff(k));
  const wordWeights: Record<string, number> = {};
  vocab.forEach((w, i) => {
    const v = diff(dense + i);
    if (Math.abs(v) >= 0.01) wordWeights[w] = Math.round(v * 1000) / 1000;
  });
  return { format: 'hotline-nlp/title-model', version: 1, weights, wordWeights };
}
