import { fnv1a64 } from './simhash.js';

const PRIME = 4294967311; // smallest prime above 2^32

/** MinHash signatures estimate Jaccard similarity of shingle sets; banded LSH finds candidates. */
export class MinHasher {
  private readonly a: number[] = [];
  private readonly b: number[] = [];

  constructor(readonly permutations = 64, seed = 42) {
    let s = seed;
    const next = (): number => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s;
    };
    for (let i = 0; i < permutations; i++) {
      this.a.push((next() % (PRIME - 1)) + 1);
      this.b.push(next() % PRIME);
    }
  }

  signature(shingles: Iterable<string>): Uint32Array {
    const sig = new Uint32Array(this.permutations).fill(0xffffffff);
    for (const sh of new Set(shingles)) {
      const x = Number(fnv1a64(sh) & 0xffffffffn);
      for (let i = 0; i < this.permutations; i++) {
        // (a·x + b) mod p without losing precision: split a into 16-bit halves.
        const a = this.a[i] ?? 1;
        const hi = ((Math.floor(a / 65536) * x) % PRIME) * 65536;
        const v = (hi + (a % 65536) * x + (this.b[i] ?? 0)) % PRIME;
        if (v < (sig[i] ?? 0)) sig[i] = v;
      }
    }
    return sig;
  }
}

export function jaccardEstimate(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] === b[i]) same++;
  return n === 0 ? 0 : same / n;
}

/** Exact Jaccard of two shingle sets (used to confirm LSH candidates). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  const union = a.size + b.size - inter;
  return union === 0 ? 0 : inter / union;
}
