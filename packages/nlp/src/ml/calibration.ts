/** Softmax of logits divided by a temperature (T > 1 softens over-confident linear models). */
export function softmax(logits: readonly number[], temperature = 1): number[] {
  const scaled = logits.map((z) => z / temperature);
  const max = Math.max(...scaled);
  const exps = scaled.map((z) => Math.exp(z - max));
  const sum = exps.reduce((s, x) => s + x, 0) || 1;
  return exps.map((x) => x / sum);
}

function nll(logits: readonly (readonly number[])[], labels: readonly number[], t: number): number {
  let loss = 0;
  logits.forEach((z, i) => {
    const p = softmax(z, t)[labels[i] ?? 0] ?? 0;
    loss -= Math.log(Math.max(p, 1e-12));
  });
  return loss / Math.max(1, logits.length);
}

/**
 * Temperature scaling (Guo et al. 2017): one scalar fitted on held-out logits by golden-section
 * search in log space; it changes confidence, never the ranking.
 */
export function fitTemperature(logits: readonly (readonly number[])[], labels: readonly number[]): number {
  if (logits.length === 0) return 1;
  let lo = Math.log(0.05);
  let hi = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 40; it++) {
    const a = hi - g * (hi - lo);
    const b = lo + g * (hi - lo);
    if (nll(logits, labels, Math.exp(a)) < nll(logits, labels, Math.exp(b))) hi = b;
    else lo = a;
  }
  return Math.exp((lo + hi) / 2);
}
