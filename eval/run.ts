import { parseArgs } from 'node:util';
import { evaluateClassification } from './classification.js';
import { evaluateElements } from './elements.js';
import { evaluateIntent } from './intent.js';
import { evaluateLatency } from './latency.js';
import { evaluateRetrieval } from './retrieval.js';
import { evaluateTitles } from './titles.js';

/**
 * npm run eval [-- classification|titles|retrieval|intent|elements|latency ...] [--folds 5] [--seed 1] [--repeats 3]
 *   [--holdout labelled.jsonl]. Data root: HOTLINE_DATA_ROOT (default ../shared/data). Prints JSON.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    folds: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    repeats: { type: 'string', default: '3' },
    holdout: { type: 'string' },
  },
});

const folds = Number(values.folds);
const seed = Number(values.seed);
const EVALS: Record<string, () => Record<string, unknown>> = {
  classification: () => evaluateClassification({ folds, seed, repeats: Number(values.repeats), holdout: values.holdout }),
  titles: () => evaluateTitles({ folds, seed }),
  retrieval: () => evaluateRetrieval({ folds, seed }),
  intent: () => evaluateIntent({ folds, seed }),
  elements: () => evaluateElements(),
  latency: () => evaluateLatency(),
};

const names = positionals.length > 0 ? positionals : Object.keys(EVALS);
const unknown = names.filter((n) => !(n in EVALS));
if (unknown.length > 0) {
  process.stderr.write(`unknown evaluation(s): ${unknown.join(', ')}; choose from ${Object.keys(EVALS).join(', ')}\n`);
  process.exit(2);
}
const results: Record<string, unknown> = {};
for (const name of names) {
  try {
    results[name] = EVALS[name]?.();
  } catch (e) {
    results[name] = { error: e instanceof Error ? e.message : String(e) };
    process.exitCode = 1;
  }
}
process.stdout.write(`${JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2)}\n`);
