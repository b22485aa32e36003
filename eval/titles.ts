import { generateTitle, rougeL, trainTitleModel, type TitleModel } from '@hotline/nlp';
import { randomFolds, round } from './cv.js';
import { dataFile, readJsonl, type Message } from './data.js';

/**
 * Title generation on 智慧政务 messages_with_replies: character ROUGE-L F1 between the generated
 * title (from the message body only) and the citizen's own title. Reports the shipped default
 * scorer and the scorer trained by k-fold on the other rows (what a deployment gets after
 * training on its own tickets).
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
  const trained = new Array<string>(rows.length).fill('');
  for (let f = 0; f < o.folds; f++) {
    const model = trainTitleModel(rows.filter((_, i) => fold[i] !== f).map((r) => ({ text: r.detail, title: r.title })));
    rows.forEach((r, i) => {
      if (fold[i] === f) trained[i] = gen(r, model);
    });
  }
  return {
    task: 'title generation (智慧政务 messages_with_replies), character ROUGE-L F1 vs the human title',
    rows: rows.length,
    folds: o.folds,
    rougeL: round(mean(trained.map((t, i) => rougeL(t, rows[i]?.title ?? '')))),
    rougeLDefaultModel: round(mean(defaults.map((t, i) => rougeL(t, rows[i]?.title ?? '')))),
    generationRate: round(trained.filter((t) => t.length > 0).length / rows.length),
    meanTitleChars: round(mean(trained.map((t) => t.length)), 1),
    meanHumanTitleChars: round(mean(rows.map((r) => r.title.length)), 1),
    examples: rows.slice(0, 5).map((r, i) => ({ human: r.title, generated: trained[i] })),
    target: 0.65,
    ms: Date.now() - t0,
  };
}
