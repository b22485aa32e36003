/** A span in the caller's original text: [start, end) UTF-16 offsets, so `text.slice(start, end)` works. */
export interface Span {
  start: number;
  end: number;
  text: string;
}

export function spanOf(source: string, start: number, end: number): Span {
  return { start, end, text: source.slice(start, end) };
}

/** Runs a global regex and maps every match (with its offset) through `make`, skipping undefined. */
export function matchAll<T>(text: string, re: RegExp, make: (m: RegExpExecArray) => T | undefined): T[] {
  const out: T[] = [];
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  for (let m = g.exec(text); m !== null; m = g.exec(text)) {
    if (m[0].length === 0) g.lastIndex++;
    const v = make(m);
    if (v !== undefined) out.push(v);
  }
  return out;
}
