import { seededRandom, shuffled } from '@hotline/nlp';

/** Stratified k-fold: every fold keeps the label mix; returns the fold number of each row. */
export function stratifiedFolds(labels: readonly string[], k: number, seed: number): number[] {
  const rand = seededRandom(seed);
  const fold = new Array<number>(labels.length).fill(0);
  const byLabel = new Map<string, number[]>();
  labels.forEach((l, i) => byLabel.set(l, [...(byLabel.get(l) ?? []), i]));
  let offset = 0;
  for (const idx of byLabel.values()) {
    shuffled(idx, rand).forEach((row, j) => (fold[row] = (j + offset) % k));
    offset += idx.length;
  }
  return fold;
}

/** Plain k-fold over a shuffled order (for unlabelled pairs such as text → title). */
export function randomFolds(n: number, k: number, seed: number): number[] {
  const order = shuffled(Array.from({ length: n }, (_, i) => i), seededRandom(seed));
  const fold = new Array<number>(n).fill(0);
  order.forEach((row, j) => (fold[row] = j % k));
  return fold;
}

export const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;
