import { normalise } from '../text/normalise.js';
import { charNgrams } from '../text/tokenizer.js';
import { jaccardEstimate, MinHasher } from './minhash.js';
import { hamming, simhash, simhashHex } from './simhash.js';

export interface Fingerprint {
  /** 64-bit SimHash as 16 hex chars. */
  simhash: string;
  /** 64 MinHash values over character 3-shingles. */
  minhash: number[];
  /** Number of distinct shingles, needed to turn Jaccard into containment. */
  size: number;
}

export interface DuplicateCandidate {
  id: string;
  /** Estimated Jaccard similarity of character 3-shingles, 0–1. */
  similarity: number;
  /** Share of the shorter text's shingles found in the other: a short repeat of a long ticket scores high. */
  containment: number;
  /** SimHash Hamming distance (≤ 3 means near-identical wording). */
  hamming: number;
}

export interface DuplicateQuery {
  k?: number;
  minSimilarity?: number;
}

const hasher = new MinHasher(64);
const BANDS = 16;
const ROWS = 4;

function shingles(text: string): string[] {
  const t = normalise(text);
  const grams = charNgrams(t, 3);
  return grams.length > 0 ? grams : charNgrams(t, 1);
}

/** Fingerprint for storage next to a ticket, so the server can rebuild the index without the text. */
export function fingerprint(text: string): Fingerprint {
  const sh = shingles(text);
  return { simhash: simhashHex(simhash(sh)), minhash: Array.from(hasher.signature(sh)), size: new Set(sh).size };
}

interface Entry {
  sim: bigint;
  sig: Uint32Array;
  size: number;
}

/** Below this many tickets a full scan is cheap and finds low-Jaccard (containment) matches LSH would miss. */
const SCAN_LIMIT = 5000;

/** |A∩B| = J·(|A|+|B|)/(1+J); divided by the smaller set. */
function containment(j: number, a: number, b: number): number {
  const small = Math.min(a, b);
  return small === 0 ? 0 : Math.min(1, (j * (a + b)) / (1 + j) / small);
}

/**
 * Near-duplicate lookup for 重复件/多人同诉: MinHash LSH (16 bands × 4 rows) finds candidates in
 * sub-linear time; SimHash distance is reported alongside for "same wording" checks.
 */
export class DuplicateIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly buckets = new Map<string, Set<string>>();

  get size(): number {
    return this.entries.size;
  }

  add(id: string, text: string): void {
    this.addFingerprint(id, fingerprint(text));
  }

  addFingerprint(id: string, fp: Fingerprint): void {
    this.remove(id);
    const e: Entry = { sim: BigInt(`0x${fp.simhash}`), sig: Uint32Array.from(fp.minhash), size: fp.size };
    this.entries.set(id, e);
    for (const key of bandKeys(e.sig)) {
      const set = this.buckets.get(key) ?? new Set<string>();
      set.add(id);
      this.buckets.set(key, set);
    }
  }

  remove(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    for (const key of bandKeys(e.sig)) this.buckets.get(key)?.delete(id);
    this.entries.delete(id);
  }

  candidates(text: string, q: DuplicateQuery = {}): DuplicateCandidate[] {
    const fp = fingerprint(text);
    const sig = Uint32Array.from(fp.minhash);
    const sim = BigInt(`0x${fp.simhash}`);
    const out: DuplicateCandidate[] = [];
    for (const id of this.candidateIds(sig)) {
      const e = this.entries.get(id);
      if (!e) continue;
      const similarity = jaccardEstimate(sig, e.sig);
      const contained = containment(similarity, fp.size, e.size);
      if (Math.max(similarity, contained) >= (q.minSimilarity ?? 0.3)) {
        out.push({ id, similarity, containment: Math.round(contained * 100) / 100, hamming: hamming(sim, e.sim) });
      }
    }
    const rank = (c: DuplicateCandidate): number => Math.max(c.similarity, c.containment);
    return out.sort((a, b) => rank(b) - rank(a)).slice(0, q.k ?? 5);
  }

  private candidateIds(sig: Uint32Array): Iterable<string> {
    if (this.entries.size <= SCAN_LIMIT) return this.entries.keys();
    const ids = new Set<string>();
    for (const key of bandKeys(sig)) for (const id of this.buckets.get(key) ?? []) ids.add(id);
    return ids;
  }
}

function bandKeys(sig: Uint32Array): string[] {
  const keys: string[] = [];
  for (let b = 0; b < BANDS; b++) keys.push(`${b}:${Array.from(sig.subarray(b * ROWS, (b + 1) * ROWS)).join(',')}`);
  return keys;
}

/** One-off helper for small pools (a caller's open tickets): no index to keep. */
export function findDuplicates(text: string, pool: readonly { id: string; text: string }[], q: DuplicateQuery = {}): DuplicateCandidate[] {
  const idx = new DuplicateIndex();
  for (const p of pool) idx.add(p.id, p.text);
  return idx.candidates(text, q);
}
