import { generateTitle, rougeL, TitleCompressor, trainTitleModel, type TitleModel } from '@hotline/nlp';
import { randomFolds, round } from './cv.js';
import { dataFile, readJsonl, type Message } from './data.js';

/**
 * Title generation on 智慧政务 messages_with_replies: character ROUGE-L F1 between the generated
 * title (from the message body only) and the citizen's own title. Reports, all by k-fold CV
 * (a row is never titled by a model trained on it):
 * - the trained compressive titler (TitleCompressor: learnt keep/drop per word + template words),
 *   what a deployment gets after training on its own (content, title) history;
 * - the extractive clause titler with a trained clause scorer (trainTitleModel);
 * - the extractive clause titler with the shipped default weights (no history).
 */
export interface TitleOptions {
  folds: number;
  seed: number;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

export function evaluateTitles(o: TitleOptions): Record<string, unknown> {
  const t0 = Date.now();
  const rows = readJsonl<Message>(dataFile('gov-messages-tipdm2020/messages_with_replies.jsonl')).filter((r) => r.detail && r.title);
  const gen = (r: Message, model?: TitleModel): string => generateTitle(r.detail, { model });
  const defaults = rows.map((r) => gen(r));
  const fold = randomFolds(rows.length, o.folds, o.seed);
  const clause = new Array<string>(rows.length).fill('');
  const compressed = new Array<string>(rows.length).fill('');
  const budgets: number[] = [];
  for (let f = 0; f < o.folds; f++) {
    const pairs = rows.filter((_, i) => fold[i] !== f).map((r) => ({ text: r.detail, title: r.title }));
    const model = trainTitleModel(pairs);
    const compressor = TitleCompressor.train(pairs);
    budgets.push(compressor.budget);
    rows.forEach((r, i) => {
      if (fold[i] !== f) return;
      clause[i] = gen(r, model);
      // The unsupervised titler stays the fallback when the compressor returns nothing.
      compressed[i] = compressor.generate(r.detail) || clause[i] || '';
    });
  }
  const score = (ts: string[]): number => round(mean(ts.map((t, i) => rougeL(t, rows[i]?.title ?? ''))));
  return {
    task: 'title generation (智慧政务 messages_with_replies), character ROUGE-L F1 vs the human title',
    rows: rows.length,
    folds: o.folds,
    rougeL: score(compressed),
    rougeLClauseModel: score(clause),
    rougeLDefaultModel: score(defaults),
    generationRate: round(compressed.filter((t) => t.length > 0).length / rows.length),
    meanTitleChars: round(mean(compressed.map((t) => t.length)), 1),
    meanHumanTitleChars: round(mean(rows.map((r) => r.title.length)), 1),
    learntBudgets: budgets,
    examples: rows.slice(0, 5).map((r, i) => ({ human: r.title, generated: compressed[i], clauseModel: clause[i] })),
    target: 0.65,
    ms: Date.now() - t0,
  };
}
