import { cut, isStopword, normalise, TextSearchIndex } from '@hotline/nlp';
import { round } from './cv.js';
import { dataFile, readJsonl, type QaPair } from './data.js';

/**
 * FAQ-style retrieval on the 2020 policy QA pairs: every answer is a knowledge item; each
 * question must find its own answer. The index never sees the questions (indexing them would
 * make the task trivial and say nothing about real callers).
 */
export function evaluateRetrieval(): Record<string, unknown> {
  const t0 = Date.now();
  const rows = readJsonl<QaPair>(dataFile('policy-qa-ncp2020/qa_pairs.jsonl'));
  // The product's KB search (TextSearchIndex: BM25 over words + character bigrams); answers only.
  const index = new TextSearchIndex();
  rows.forEach((r, i) => index.add({ id: String(i), text: r.answer }));
  let r1 = 0;
  let r3 = 0;
  let r10 = 0;
  let mrr = 0;
  let sameDoc3 = 0;
  let coverage = 0;
  for (const [qi, q] of rows.entries()) {
    // Diagnostic: how many of the question's content words its own answer contains at all.
    const words = cut(normalise(q.question)).filter((w) => w.length >= 2 && !isStopword(w));
    const answer = normalise(q.answer);
    coverage += words.length === 0 ? 0 : words.filter((w) => answer.includes(w)).length / words.length;
    const scores = index.scoreAll(q.question);
    const own = scores[qi] ?? 0;
    // Rank = number of answers scoring strictly higher (ties resolved in the answer's favour).
    let rank = 0;
    for (let i = 0; i < scores.length; i++) if ((scores[i] ?? 0) > own) rank++;
    if (own > 0) {
      if (rank < 1) r1++;
      if (rank < 3) r3++;
      if (rank < 10) r10++;
      mrr += 1 / (rank + 1);
    }
    const top3 = index.search(q.question, 3);
    if (top3.some((h) => rows[Number(h.id)]?.docid === q.docid)) sameDoc3++;
  }
  const n = rows.length;
  return {
    task: 'policy QA (2020): question → its own answer among all answers, TextSearchIndex (BM25 over words + char bigrams)',
    answers: n,
    recallAt1: round(r1 / n),
    recallAt3: round(r3 / n),
    recallAt10: round(r10 / n),
    mrr: round(mrr / n),
    sameDocumentAt3: round(sameDoc3 / n),
    meanQuestionWordsFoundInOwnAnswer: round(coverage / n),
    target: { recallAt3: 0.9 },
    ms: Date.now() - t0,
  };
}
