import { parentPort, workerData } from 'node:worker_threads';
import { ItemRecommender, type CatalogueItem, type ItemHistoryRecord } from '@hotline/nlp';

/**
 * Builds an item model off the main thread: training a classifier over a few hundred catalogue
 * items takes seconds of CPU, which would otherwise stall every request of the process. The model
 * is written to `out` (the library's JSON format); the main thread loads it with ItemRecommender.load.
 */
export interface ModelJob {
  kind: 'bootstrap' | 'train';
  items: CatalogueItem[];
  history: ItemHistoryRecord[];
  epochs?: number;
  out: string;
}

export type WorkerMessage =
  | { type: 'progress'; phase: string; epoch: number; epochs: number; loss: number }
  | { type: 'done'; examples: number; holdOut: HoldOut | null }
  | { type: 'error'; message: string };

export interface HoldOut {
  size: number;
  top1: number;
  top3: number;
}

const send = (m: WorkerMessage) => parentPort?.postMessage(m);

/** Deterministic shuffle so a retrain on the same history reports the same hold-out accuracy. */
function shuffle<T>(xs: readonly T[], seed = 7): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function run(job: ModelJob): void {
  const opts = (phase: string) => ({ ...(job.epochs ? { epochs: job.epochs } : {}), onProgress: (p: { epoch: number; epochs: number; loss: number }) => send({ type: 'progress', phase, epoch: p.epoch, epochs: p.epochs, loss: p.loss }) });
  if (job.kind === 'bootstrap') {
    ItemRecommender.bootstrap(job.items, opts('bootstrap')).save(job.out);
    send({ type: 'done', examples: 0, holdOut: null });
    return;
  }
  // The library reports no accuracy of its own: hold out a fifth of the history (at least 20
  // tickets needed), measure top-1/top-3 on it, then train the model that ships on everything.
  let holdOut: HoldOut | null = null;
  if (job.history.length >= 20) {
    const shuffled = shuffle(job.history);
    const n = Math.min(1000, Math.max(4, Math.round(shuffled.length * 0.2)));
    const test = shuffled.slice(0, n);
    const model = ItemRecommender.train(job.items, shuffled.slice(n), opts('holdout'));
    let top1 = 0;
    let top3 = 0;
    for (const h of test) {
      const ids = model.suggestTicket(h.text, h.title, 3).map((s) => s.itemId);
      if (ids[0] === h.itemId) top1++;
      if (ids.includes(h.itemId)) top3++;
    }
    holdOut = { size: n, top1: Math.round((top1 / n) * 1000) / 1000, top3: Math.round((top3 / n) * 1000) / 1000 };
  }
  ItemRecommender.train(job.items, job.history, opts('final')).save(job.out);
  send({ type: 'done', examples: job.history.length, holdOut });
}

try {
  run(workerData as ModelJob);
} catch (err) {
  send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}
