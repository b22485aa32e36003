/** Sparse vector: parallel arrays of feature indices and values (sorted by index). */
export interface SparseVector {
  idx: number[];
  val: number[];
}

export interface TfidfJson {
  terms: string[];
  idf: number[];
  sublinear: boolean;
}

/**
 * Vocabulary + IDF learnt from a corpus; turns token lists into L2-normalised TF-IDF vectors.
 * Terms seen in fewer than minDf documents are dropped to keep models small.
 */
export class TfidfVectorizer {
  private readonly index = new Map<string, number>();
  private idf: number[] = [];
  private sublinear = true;

  static fit(docs: readonly (readonly string[])[], minDf = 1, sublinear = true): TfidfVectorizer {
    const df = new Map<string, number>();
    for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
    const v = new TfidfVectorizer();
    v.sublinear = sublinear;
    const n = docs.length;
    for (const [t, c] of [...df].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (c < minDf) continue;
      v.index.set(t, v.idf.length);
      v.idf.push(Math.log((1 + n) / (1 + c)) + 1);
    }
    return v;
  }

  static fromJSON(j: TfidfJson): TfidfVectorizer {
    const v = new TfidfVectorizer();
    j.terms.forEach((t, i) => v.index.set(t, i));
    v.idf = [...j.idf];
    v.sublinear = j.sublinear;
    return v;
  }

  toJSON(): TfidfJson {
    const terms = new Array<string>(this.index.size);
    for (const [t, i] of this.index) terms[i] = t;
    return { terms, idf: this.idf.map((x) => Math.round(x * 1e4) / 1e4), sublinear: this.sublinear };
  }

  get dimension(): number {
    return this.idf.length;
  }

  termIndex(term: string): number | undefined {
    return this.index.get(term);
  }

  transform(tokens: readonly string[]): SparseVector {
    const tf = new Map<number, number>();
    for (const t of tokens) {
      const i = this.index.get(t);
      if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
    }
    const idx = [...tf.keys()].sort((a, b) => a - b);
    const val = idx.map((i) => {
      const f = tf.get(i) ?? 0;
      return (this.sublinear ? 1 + Math.log(f) : f) * (this.idf[i] ?? 0);
    });
    const norm = Math.sqrt(val.reduce((s, x) => s + x * x, 0)) || 1;
    return { idx, val: val.map((x) => x / norm) };
  }
}

export function cosine(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let s = 0;
  while (i < a.idx.length && j < b.idx.length) {
    const ai = a.idx[i] ?? 0;
    const bj = b.idx[j] ?? 0;
    if (ai === bj) s += (a.val[i++] ?? 0) * (b.val[j++] ?? 0);
    else if (ai < bj) i++;
    else j++;
  }
  return s;
}
