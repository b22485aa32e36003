import { cut, isStopword, normalise, TextSearchIndex } from '@hotline/nlp';
import { randomFolds, round } from './cv.js';
import { dataFile, readJsonl, type QaPair } from './data.js';

/**
 * FAQ-style retrieval on the 2020 policy QA pairs: every answer is a knowledge item; each
 * question must find its own answer among all answers. Two set-ups:
 * - answers only: the index never sees a question (day one, no history);
 * - with history (k-fold CV): the questions of the training folds are attached, as `context`, to
 *   every answer taken from the same policy document (docid), the way a KB article collects the
 *   questions callers asked about it. Held-out questions are never indexed, and their own answer
 *   gets context only from the other questions of its document.
 */
export interface RetrievalOptions {
  folds: number;
  seed: number;
}

interface Tally {
  r1: number;
  r3: number;
  r10: number;
  mrr: number;
  sameDoc3: number;
  n: number;
}

const tally = (): Tally => ({ r1: 0, r3: 0, r10: 0, mrr: 0, sameDoc3: 0, n: 0 });

function scoreQuestion(index: TextSearchIndex, rows: readonly QaPair[], qi: number, t: Tally): void {
  const q = rows[qi] as QaPair;
  const scores = index.scoreAll(q.question);
  const own = scores[qi] ?? 0;
  // Rank = number of answers scoring strictly higher (ties resolved in the answer's favour).
  let rank = 0;
  for (let i = 0; i < scores.length; i++) if ((scores[i] ?? 0) > own) rank++;
  t.n++;
  if (own > 0) {
    if (rank < 1) t.r1++;
    if (rank < 3) t.r3++;
    if (rank < 10) t.r10++;
    t.mrr += 1 / (rank + 1);
  }
  const top3 = index.search(q.question, 3);
  if (top3.some((h) => rows[Number(h.id)]?.docid === q.docid)) t.sameDoc3++;
}

const report = (t: Tally): Record<string, number> => ({
  recallAt1: round(t.r1 / t.n),
  recallAt3: round(t.r3 / t.n),
  recallAt10: round(t.r10 / t.n),
  mrr: round(t.mrr / t.n),
  sameDocumentAt3: round(t.sameDoc3 / t.n),
});

export function evaluateRetrieval(o: RetrievalOptions): Record<string, unknown> {
  const t0 = Date.now();
  const rows = readJsonl<QaPair>(dataFile('policy-qa-ncp2020/qa_pairs.jsonl'));
  // The product's KB search (TextSearchIndex: BM25 over words + character bigrams); answers only.
  const index = new TextSearchIndex();
  rows.forEach((r, i) => index.add({ id: String(i), text: r.answer }));
  const plain = tally();
  let coverage = 0;
  for (const [qi, q] of rows.entries()) {
    // Diagnostic: how many of the question's content words its own answer contains at all.
    const words = cut(normalise(q.question)).filter((w) => w.length >= 2 && !isStopword(w));
    const answer = normalise(q.answer);
    coverage += words.length === 0 ? 0 : words.filter((w) => answer.includes(w)).length / words.length;
    scoreQuestion(index, rows, qi, plain);
  }

  // With history: k-fold over pairs, training questions become document context.
  const fold = randomFolds(rows.length, o.folds, o.seed);
  const withHistory = tally();
  let withContext = 0;
  for (let f = 0; f < o.folds; f++) {
    const byDoc = new Map<string, string[]>();
    rows.forEach((r, i) => {
      if (fold[i] !== f) byDoc.set(r.docid, [...(byDoc.get(r.docid) ?? []), r.question]);
    });
    const idx = new TextSearchIndex();
    rows.forEach((r, i) => idx.add({ id: String(i), text: r.answer, context: (byDoc.get(r.docid) ?? []).join('\n') }));
    rows.forEach((r, i) => {
      if (fold[i] !== f) return;
      if (byDoc.has(r.docid)) withContext++;
      scoreQuestion(idx, rows, i, withHistory);
    });
  }
  const n = rows.length;
  return {
    task: 'policy QA (2020): question → its own answer among all answers, TextSearchIndex (BM25 over words + char bigrams)',
    answers: n,
    ...report(plain),
    meanQuestionWordsFoundInOwnAnswer: round(coverage / n),
    withHistory: {
      method: `${o.folds}-fold CV: training questions attached as context to the answers of their policy document; held-out questions never indexed`,
      ...report(withHistory),
      heldOutQuestionsWhoseDocumentHasHistory: round(withContext / n),
    },
    target: { recallAt3: 0.9 },
    ms: Date.now() - t0,
  };
}
