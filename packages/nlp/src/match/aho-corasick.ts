export interface AcMatch<T> {
  start: number;
  end: number;
  text: string;
  value: T;
}

interface Node {
  next: Map<string, number>;
  fail: number;
  /** Index into `outputs` of patterns ending here (including via the failure chain). */
  out: number[];
}

/**
 * Aho–Corasick automaton over UTF-16 code units (all CJK in the BMP, so offsets equal string
 * indices). Linear in text length whatever the dictionary size, which is why a 40k-word
 * sensitive list can run on every keystroke.
 */
export class AhoCorasick<T> {
  private readonly nodes: Node[] = [{ next: new Map(), fail: 0, out: [] }];
  private readonly outputs: { length: number; value: T }[] = [];
  private built = false;

  add(pattern: string, value: T): void {
    if (pattern.length === 0) return;
    let cur = 0;
    for (const ch of pattern) cur = this.child(cur, ch);
    this.node(cur).out.push(this.outputs.length);
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
    let i = 0;
    for (const ch of text) {
      state = this.step(state, ch);
      i += ch.length;
      for (const o of this.node(state).out) {
        const p = this.outputs[o];
        if (p) found.push({ start: i - p.length, end: i, text: text.slice(i - p.length, i), value: p.value });
      }
    }
    return found;
  }

  private node(i: number): Node {
    const n = this.nodes[i];
    if (!n) throw new Error(`aho-corasick: node ${i} missing`);
    return n;
  }

  private child(from: number, ch: string): number {
    const n = this.node(from);
    const existing = n.next.get(ch);
    if (existing !== undefined) return existing;
    this.nodes.push({ next: new Map(), fail: 0, out: [] });
    n.next.set(ch, this.nodes.length - 1);
    return this.nodes.length - 1;
  }

  private step(state: number, ch: string): number {
    let s = state;
    for (;;) {
      const nxt = this.node(s).next.get(ch);
      if (nxt !== undefined) return nxt;
      if (s === 0) return 0;
      s = this.node(s).fail;
    }
  }

  /** Breadth-first failure links; outputs are merged so search never walks the fail chain for them. */
  private build(): void {
    const queue: number[] = [];
    for (const c of this.node(0).next.values()) {
      this.node(c).fail = 0;
      queue.push(c);
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi] ?? 0;
      for (const [ch, c] of this.node(s).next) {
        const f = this.step(this.node(s).fail, ch);
        const cn = this.node(c);
        cn.fail = f === c ? 0 : f;
        cn.out = [...cn.out, ...this.node(cn.fail).out];
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
