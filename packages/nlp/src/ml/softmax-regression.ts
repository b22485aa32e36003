import type { SparseVector } from '../index/tfidf.js';
import { seededRandom, shuffled } from './random.js';

export interface SoftmaxParams {
  classes: number;
  dim: number;
  /** Row-major [class][feature]. */
  weights: Float64Array;
  bias: Float64Array;
}

export interface SoftmaxTrainOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
  onEpoch?: (epoch: number, loss: number) => void;
}

export function logits(p: SoftmaxParams, x: SparseVector, scale = 1): number[] {
  const out: number[] = [];
  for (let c = 0; c < p.classes; c++) {
    let z = 0;
    const base = c * p.dim;
    for (let k = 0; k < x.idx.length; k++) z += (p.weights[base + (x.idx[k] ?? 0)] ?? 0) * (x.val[k] ?? 0);
    out.push(z * scale + (p.bias[c] ?? 0));
  }
  return out;
}

function probs(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

interface SgdState {
  /** W = scale · V: L2 shrinkage becomes one multiply per step instead of a pass over all weights. */
  scale: number;
  step: number;
}

function sgdExample(p: SoftmaxParams, st: SgdState, x: SparseVector, y: number, w: number, o: SoftmaxTrainOptions): number {
  // Bottou's schedule for L2-regularised SGD: η_t = η0 / (1 + η0·λ·t).
  const lr = o.learningRate / (1 + o.learningRate * o.l2 * st.step++);
  const pr = probs(logits(p, x, st.scale));
  st.scale *= 1 - lr * o.l2;
  for (let c = 0; c < p.classes; c++) {
    const d = w * ((pr[c] ?? 0) - (c === y ? 1 : 0));
    p.bias[c] = (p.bias[c] ?? 0) - lr * d * 0.1;
    const base = c * p.dim;
    const g = (lr * d) / st.scale;
    for (let k = 0; k < x.idx.length; k++) p.weights[base + (x.idx[k] ?? 0)] = (p.weights[base + (x.idx[k] ?? 0)] ?? 0) - g * (x.val[k] ?? 0);
  }
  return -w * Math.log(Math.max(pr[y] ?? 0, 1e-12));
}

/** Folds the running scale back into the weights (also guards against underflow on long runs). */
function rescale(p: SoftmaxParams, st: SgdState): void {
  for (let i = 0; i < p.weights.length; i++) p.weights[i] = (p.weights[i] ?? 0) * st.scale;
  st.scale = 1;
}

/**
 * Multinomial logistic regression with L2 by plain SGD with sparse updates: each example costs
 * O(non-zeros × classes), so retraining on tens of thousands of tickets takes seconds.
 */
export function trainSoftmax(xs: SparseVector[], ys: number[], ws: number[], classes: number, dim: number, o: SoftmaxTrainOptions): SoftmaxParams {
  const p: SoftmaxParams = { classes, dim, weights: new Float64Array(classes * dim), bias: new Float64Array(classes) };
  const st: SgdState = { scale: 1, step: 0 };
  const rand = seededRandom(o.seed);
  const order = xs.map((_, i) => i);
  const total = ws.reduce((a, b) => a + b, 0) || 1;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    let loss = 0;
    for (const i of shuffled(order, rand)) {
      const x = xs[i];
      if (x) loss += sgdExample(p, st, x, ys[i] ?? 0, ws[i] ?? 1, o);
    }
    if (st.scale < 1e-3) rescale(p, st);
    o.onEpoch?.(epoch + 1, loss / total);
  }
  rescale(p, st);
  return p;
}
