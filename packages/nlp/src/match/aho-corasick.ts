export interface AcMatch<T> {
  start: number;
  end: number;
  text: string;
  value: T;
}

/**
 * Aho–Corasick automaton over UTF-16 code units, so match offsets are plain string indices.
 * Linear in text length whatever the dictionary size, which is why a 40k-word sensitive list can
 * run on every keystroke. Nodes live in flat arrays and one Map of transitions: a Map per node
 * cost ~60 MB for the sensitive list.
 */
export class AhoCorasick<T> {
  /** (state × 65536 + code unit) → next state. */
  private readonly edges = new Map<number, number>();
  private readonly fail: number[] = [0];
  private readonly unit: number[] = [0];
  private readonly firstChild: number[] = [-1];
  private readonly nextSibling: number[] = [-1];
  /** Pattern indices ending at each state, failure chain merged in at build time. */
  private out: (number[] | undefined)[] = [undefined];
  private readonly outputs: { length: number; value: T }[] = [];
  private built = false;

  add(pattern: string, value: T): void {
    if (pattern.length === 0) return;
    let cur = 0;
    for (let i = 0; i < pattern.length; i++) cur = this.child(cur, pattern.charCodeAt(i));
    (this.out[cur] ??= []).push(this.outputs.length);
    this.outputs.push({ length: pattern.length, value });
    this.built = false;
  }

  get size(): number {
    return this.outputs.length;
  }

  /** Every occurrence, overlapping ones included, ordered by end offset. */
  search(text: string): AcMatch<T>[] {
    if (!this.built) this.build();
    const found: AcMatch<T>[] = [];
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      state = this.step(state, text.charCodeAt(i));
      for (const o of this.out[state] ?? []) {
        const p = this.outputs[o];
        if (p) found.push({ start: i + 1 - p.length, end: i + 1, text: text.slice(i + 1 - p.length, i + 1), value: p.value });
      }
    }
    return found;
  }

  private child(from: number, code: number): number {
    const key = from * 65536 + code;
    const existing = this.edges.get(key);
    if (existing !== undefined) return existing;
    const id = this.fail.length;
    this.fail.push(0);
    this.unit.push(code);
    this.firstChild.push(-1);
    this.nextSibling.push(this.firstChild[from] ?? -1);
    this.firstChild[from] = id;
    this.out.push(undefined);
    this.edges.set(key, id);
    return id;
  }

  private step(state: number, code: number): number {
    let s = state;
    for (;;) {
      const nxt = this.edges.get(s * 65536 + code);
      if (nxt !== undefined) return nxt;
      if (s === 0) return 0;
      s = this.fail[s] ?? 0;
    }
  }

  private children(s: number): number[] {
    const out: number[] = [];
    for (let c = this.firstChild[s] ?? -1; c >= 0; c = this.nextSibling[c] ?? -1) out.push(c);
    return out;
  }

  /** Breadth-first failure links; outputs are merged so search never walks the fail chain for them. */
  private build(): void {
    const queue = this.children(0);
    for (const c of queue) this.fail[c] = 0;
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi] ?? 0;
      for (const c of this.children(s)) {
        const f = s === 0 ? 0 : this.step(this.fail[s] ?? 0, this.unit[c] ?? 0);
        this.fail[c] = f === c ? 0 : f;
        const inherited = this.out[this.fail[c] ?? 0];
        if (inherited) this.out[c] = [...(this.out[c] ?? []), ...inherited];
        queue.push(c);
      }
    }
    this.built = true;
  }
}

/** Keeps the longest match at each position, dropping matches that overlap an earlier kept one. */
export function longestNonOverlapping<T>(matches: AcMatch<T>[]): AcMatch<T>[] {
  const sorted = [...matches].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: AcMatch<T>[] = [];
  let edge = -1;
  for (const m of sorted) {
    if (m.start >= edge) {
      kept.push(m);
      edge = m.end;
    }
  }
  return kept;
}
