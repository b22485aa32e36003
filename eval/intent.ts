import { classifyIntent, trainIntentModel, type IntentLabel } from '@hotline/nlp';
import { round, stratifiedFolds } from './cv.js';
import { dataFile, readJsonl, type Message } from './data.js';

/**
 * Intent rules vs the intent the citizen wrote into their own title (建议…, 投诉…, 举报…,
 * …吗？). Only messages whose title states an intent are scored, and the rules see the body
 * only, never the title.
 */
const TITLE_INTENT: [RegExp, IntentLabel][] = [
  [/^举报|举报$/, '举报'],
  [/^投诉|投诉$/, '投诉'],
  [/^(建议|关于.*的建议$)|建议$/, '建议'],
  [/^(咨询|请问)|咨询$|吗[？?]?$/, '咨询'],
  [/^(表扬|感谢|致谢)/, '表扬'],
  [/^求助|求助$/, '求助'],
];

function titleIntent(title: string): IntentLabel | undefined {
  return TITLE_INTENT.find(([re]) => re.test(title.trim()))?.[1];
}

type Tally = Map<string, { n: number; ok: number }>;

function count(per: Tally, gold: string, right: boolean): void {
  const p = per.get(gold) ?? { n: 0, ok: 0 };
  p.n++;
  if (right) p.ok++;
  per.set(gold, p);
}

const perIntent = (per: Tally): Record<string, { n: number; accuracy: number }> =>
  Object.fromEntries([...per].map(([k, v]) => [k, { n: v.n, accuracy: round(v.ok / v.n) }]));

/** What a deployment gets once agents have labelled intents: trainIntentModel + classifyIntent, k-fold CV. */
function trainedAccuracy(rows: { text: string; label: IntentLabel }[], folds: number, seed: number): { accuracy: number; per: Tally } {
  const fold = stratifiedFolds(rows.map((r) => r.label), folds, seed);
  const per: Tally = new Map();
  let ok = 0;
  for (let f = 0; f < folds; f++) {
    const model = trainIntentModel(rows.filter((_, i) => fold[i] !== f));
    rows.forEach((r, i) => {
      if (fold[i] !== f) return;
      const right = classifyIntent(r.text, model).label === r.label;
      count(per, r.label, right);
      if (right) ok++;
    });
  }
  return { accuracy: ok / Math.max(1, rows.length), per };
}

export function evaluateIntent(o: { folds: number; seed: number }): Record<string, unknown> {
  const t0 = Date.now();
  const files = ['messages_test_unlabelled.jsonl', 'messages_hot_issues.jsonl', 'messages_with_replies.jsonl'];
  const seen = new Set<string>();
  // The same message can sit in two files: score it once so CV folds never share a text.
  const rows = files.flatMap((f) => readJsonl<Message>(dataFile('gov-messages-tipdm2020', f))).filter((r) => !seen.has(r.detail) && seen.add(r.detail));
  const per: Tally = new Map();
  let n = 0;
  let ok = 0;
  const labelled: { text: string; label: IntentLabel }[] = [];
  for (const r of rows) {
    const gold = titleIntent(r.title);
    if (!gold || !r.detail) continue;
    labelled.push({ text: r.detail, label: gold });
    const right = classifyIntent(r.detail).label === gold;
    count(per, gold, right);
    n++;
    if (right) ok++;
  }
  const trained = trainedAccuracy(labelled, o.folds, o.seed);
  return {
    task: 'intent from the message body vs the intent stated in the citizen title (rules; trained TextClassifier by k-fold)',
    scored: n,
    accuracy: round(ok / Math.max(1, n)),
    trainedAccuracy: round(trained.accuracy),
    perIntent: perIntent(per),
    trainedPerIntent: perIntent(trained.per),
    target: 0.85,
    ms: Date.now() - t0,
  };
}
