import { spanOf, type Span } from '../extract/types.js';

/** Sentences split on 。！？!?；; and line breaks; offsets kept so summaries can be highlighted. */
export function splitSentences(text: string): Span[] {
  return splitOn(text, /[^。！？!?；;\n]+[。！？!?；;]*/g);
}

/** Clauses: sentences further split on commas, the units a title is built from. */
export function splitClauses(text: string): Span[] {
  return splitOn(text, /[^。！？!?；;\n，,、：:]+/g);
}

function splitOn(text: string, re: RegExp): Span[] {
  const out: Span[] = [];
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const lead = m[0].length - m[0].trimStart().length;
    const s = spanOf(text, m.index + lead, m.index + m[0].trimEnd().length);
    if (/[\p{L}\p{N}]/u.test(s.text)) out.push(s);
  }
  return out;
}
