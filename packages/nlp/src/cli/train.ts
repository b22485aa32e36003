import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { NlpError } from '../errors.js';
import { TextClassifier, type TrainProgress } from '../ml/text-classifier.js';
import { ItemRecommender, type CatalogueItem, type ItemHistoryRecord } from '../recommend/items.js';
import { TitleCompressor } from '../summary/title-compressor.js';
import { trainTitleModel } from '../summary/title-training.js';

/**
 * Training command for deployments: item model from catalogue + history, a generic text
 * classifier (e.g. intent), or the title model. Progress on stderr, JSON summary on stdout.
 */
const USAGE = `usage:
  train items --catalogue items.json [--history history.jsonl] --out model.json [--epochs N] [--balanced] [--catalogue-weight W]
  train classifier --data labelled.jsonl --out model.json        (lines: {"text","label"})
  train title --pairs pairs.jsonl --out title-model.json          (lines: {"text","title"}; clause scorer)
  train titler --pairs pairs.jsonl --out titler.json              (lines: {"text","title"}; TitleCompressor)`;

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
}

function progress(p: TrainProgress): void {
  process.stderr.write(`\r${p.phase} epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)}   `);
  if (p.epoch === p.epochs) process.stderr.write('\n');
}

function required(v: string | undefined, name: string): string {
  if (!v) throw new NlpError('INVALID_INPUT', `缺少参数 --${name}\n${USAGE}`);
  return v;
}

function main(argv: string[]): Record<string, unknown> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { catalogue: { type: 'string' }, history: { type: 'string' }, data: { type: 'string' }, pairs: { type: 'string' }, out: { type: 'string' }, epochs: { type: 'string' },
      balanced: { type: 'boolean' }, 'catalogue-weight': { type: 'string' } },
  });
  const out = required(values.out, 'out');
  const epochs = values.epochs ? Number(values.epochs) : undefined;
  const t0 = Date.now();
  switch (positionals[0]) {
    case 'items': {
      const items = JSON.parse(readFileSync(required(values.catalogue, 'catalogue'), 'utf8')) as CatalogueItem[];
      const history = values.history ? readJsonl<ItemHistoryRecord>(values.history) : [];
      const catalogueWeight = values['catalogue-weight'] ? Number(values['catalogue-weight']) : undefined;
      const model = history.length > 0 ? ItemRecommender.train(items, history, { epochs, balanced: values.balanced, catalogueWeight, onProgress: progress }) : ItemRecommender.bootstrap(items, { epochs });
      model.save(out);
      return { model: 'items', items: items.length, history: history.length, out, ms: Date.now() - t0 };
    }
    case 'classifier': {
      const data = readJsonl<{ text: string; label: string }>(required(values.data, 'data'));
      TextClassifier.train(data, { epochs, onProgress: progress }).save(out);
      return { model: 'classifier', examples: data.length, out, ms: Date.now() - t0 };
    }
    case 'title': {
      const pairs = readJsonl<{ text: string; title: string }>(required(values.pairs, 'pairs'));
      writeFileSync(out, JSON.stringify(trainTitleModel(pairs)));
      return { model: 'title', pairs: pairs.length, out, ms: Date.now() - t0 };
    }
    case 'titler': {
      const pairs = readJsonl<{ text: string; title: string }>(required(values.pairs, 'pairs'));
      const model = TitleCompressor.train(pairs);
      model.save(out);
      return { model: 'titler', pairs: pairs.length, budget: model.budget, out, ms: Date.now() - t0 };
    }
    default:
      throw new NlpError('INVALID_INPUT', USAGE);
  }
}

try {
  process.stdout.write(`${JSON.stringify(main(process.argv.slice(2)))}\n`);
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
