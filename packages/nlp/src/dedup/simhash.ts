const MASK64 = (1n << 64n) - 1n;
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;

/** FNV-1a 64-bit over UTF-16 code units: stable across runs and platforms, unlike Map hashing. */
export function fnv1a64(s: string): bigint {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) {
    h ^= BigInt(s.charCodeAt(i));
    h = (h * FNV_PRIME) & MASK64;
  }
  return h;
}

/** Charikar SimHash: near-identical texts differ in few of the 64 bits. */
export function simhash(features: readonly string[], weights?: ReadonlyMap<string, number>): bigint {
  const acc = new Float64Array(64);
  for (const f of features) {
    const h = fnv1a64(f);
    const w = weights?.get(f) ?? 1;
    for (let b = 0; b < 64; b++) acc[b] = (acc[b] ?? 0) + (((h >> BigInt(b)) & 1n) === 1n ? w : -w);
  }
  let out = 0n;
  for (let b = 0; b < 64; b++) if ((acc[b] ?? 0) > 0) out |= 1n << BigInt(b);
  return out;
}

export function hamming(a: bigint, b: bigint): number {
  let x = a ^ b;
  let n = 0;
  while (x > 0n) {
    x &= x - 1n;
    n++;
  }
  return n;
}

/** 16-char hex, for storing the fingerprint in a text column. */
export function simhashHex(h: bigint): string {
  return h.toString(16).padStart(16, '0');
}
