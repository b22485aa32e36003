import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractElements, type Elements } from '@hotline/nlp';
import { round } from './cv.js';

/**
 * Element extraction on hand-written hotline utterances (not real calls): elements.jsonl (40,
 * the rules were tuned on it) and elements-holdout.jsonl (20, written before the extractor was
 * run on them, never tuned on). Exact value match per element type; precision, recall, F1.
 */
type Kind = 'phones' | 'ids' | 'plates' | 'persons' | 'orgs' | 'amounts' | 'times' | 'addresses';

interface Case {
  text: string;
  expect: Partial<Record<Kind, (string | number)[]>>;
}

// Thursday, the reference "now" the fixture's relative dates were written against.
const REFERENCE = new Date('2026-11-26T10:00:00+08:00');
const KINDS: Kind[] = ['phones', 'ids', 'plates', 'persons', 'orgs', 'amounts', 'times', 'addresses'];

function values(e: Elements, k: Kind): (string | number)[] {
  switch (k) {
    case 'phones':
      return e.phones.filter((p) => p.kind !== 'service').map((p) => p.value);
    case 'ids':
      return e.idNumbers.map((i) => i.value);
    case 'plates':
      return e.plates.map((p) => p.value);
    case 'persons':
      return e.persons.map((p) => p.name);
    case 'orgs':
      return e.organisations.map((o) => o.text);
    case 'amounts':
      return e.amounts.map((a) => a.value);
    case 'times':
      return e.times.flatMap((t) => (t.date ? [t.date] : []));
    case 'addresses':
      return e.addresses.map((a) => a.code);
  }
}

export function evaluateElements(): Record<string, unknown> {
  return { development: scoreFile('elements.jsonl'), holdout: scoreFile('elements-holdout.jsonl'), target: 0.85 };
}

function scoreFile(file: string): Record<string, unknown> {
  const cases = readFileSync(join(import.meta.dirname, 'fixtures', file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Case);
  const tally = new Map<Kind, { tp: number; fp: number; fn: number }>(KINDS.map((k) => [k, { tp: 0, fp: 0, fn: 0 }]));
  const misses: string[] = [];
  for (const c of cases) {
    const e = extractElements(c.text, { reference: REFERENCE });
    for (const k of KINDS) {
      const got = values(e, k).map(String);
      const want = (c.expect[k] ?? []).map(String);
      const t = tally.get(k) ?? { tp: 0, fp: 0, fn: 0 };
      const tp = want.filter((w) => got.includes(w)).length;
      t.tp += tp;
      t.fn += want.length - tp;
      t.fp += got.filter((g) => !want.includes(g)).length;
      if (tp < want.length || got.some((g) => !want.includes(g))) misses.push(`${k}: want ${JSON.stringify(want)} got ${JSON.stringify(got)} — ${c.text.slice(0, 30)}`);
    }
  }
  const perKind = Object.fromEntries(
    [...tally].map(([k, t]) => {
      const p = t.tp / Math.max(1, t.tp + t.fp);
      const r = t.tp / Math.max(1, t.tp + t.fn);
      return [k, { precision: round(p, 3), recall: round(r, 3), f1: round((2 * p * r) / Math.max(1e-9, p + r), 3), expected: t.tp + t.fn }];
    }),
  );
  const all = [...tally.values()].reduce((a, t) => ({ tp: a.tp + t.tp, fp: a.fp + t.fp, fn: a.fn + t.fn }), { tp: 0, fp: 0, fn: 0 });
  return {
    file: `eval/fixtures/${file}`,
    cases: cases.length,
    microPrecision: round(all.tp / Math.max(1, all.tp + all.fp), 3),
    microRecall: round(all.tp / Math.max(1, all.tp + all.fn), 3),
    perKind,
    misses,
  };
}
