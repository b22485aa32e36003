import { analyse, ItemRecommender, isNlpError, warmUp, type AnalyseContext } from '@hotline/nlp';
import { taxonomyCatalogue } from './classification.js';
import { round } from './cv.js';
import { dataFile, readJsonl, type Message } from './data.js';

/**
 * analyse() over every real message we have (about 9 000, median ~200 characters): latency
 * percentiles after warm-up, unexpected errors (must be 0) and how often each element is found.
 */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

export function evaluateLatency(): Record<string, unknown> {
  const files = ['messages_test_unlabelled.jsonl', 'messages_hot_issues.jsonl', 'messages_with_replies.jsonl'];
  const texts = files.flatMap((f) => readJsonl<Message>(dataFile('gov-messages-tipdm2020', f)).map((m) => `${m.title}。${m.detail}`));
  const ctx: AnalyseContext = { items: ItemRecommender.bootstrap(taxonomyCatalogue()), referenceDate: new Date('2020-01-01T10:00:00+08:00') };
  warmUp(ctx);
  const times: number[] = [];
  const found = { phones: 0, times: 0, addresses: 0, persons: 0, organisations: 0, amounts: 0, sensitive: 0 };
  let errors = 0;
  let typed = 0;
  for (const t of texts) {
    const t0 = performance.now();
    try {
      const r = analyse(t, ctx);
      for (const k of ['phones', 'times', 'addresses', 'persons', 'organisations', 'amounts'] as const) if (r.elements[k].length > 0) found[k]++;
      if (r.sensitive.length > 0) found.sensitive++;
    } catch (e) {
      if (isNlpError(e)) typed++;
      else errors++;
    }
    times.push(performance.now() - t0);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const chars = texts.map((t) => t.length).sort((a, b) => a - b);
  return {
    task: 'analyse() on every message (catalogue-only item model, no units)',
    messages: texts.length,
    medianChars: percentile(chars, 0.5),
    latencyMs: { p50: round(percentile(sorted, 0.5), 2), p95: round(percentile(sorted, 0.95), 2), p99: round(percentile(sorted, 0.99), 2), max: round(sorted[sorted.length - 1] ?? 0, 2) },
    unexpectedErrors: errors,
    typedErrors: typed,
    shareWithElement: Object.fromEntries(Object.entries(found).map(([k, v]) => [k, round(v / texts.length, 3)])),
  };
}
