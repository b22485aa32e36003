import { AhoCorasick, longestNonOverlapping, type AcMatch } from '../match/aho-corasick.js';
import { spanOf, type Span } from '../extract/types.js';
import { ancestry, loadDivisions, type Division, type DivisionLevel, type DivisionTable } from './divisions.js';

export interface DivisionRef {
  code: string;
  name: string;
  level: DivisionLevel;
}

export interface DivisionMention extends Span {
  code: string;
  level: DivisionLevel;
}

export interface ResolvedAddress extends Span {
  prefecture: DivisionRef | undefined;
  county: DivisionRef | undefined;
  township: DivisionRef | undefined;
  /** Most specific division code found (4, 6 or 9 digits). */
  code: string;
  /** Street-level remainder inside the span (路, 号, 小区 …), not resolvable offline. */
  detail: string;
  mentions: DivisionMention[];
  /** Other divisions the same words could mean (two townships called 红旗镇 …). */
  alternatives: string[];
  confidence: number;
}

interface Candidate {
  codes: string[];
  /** Two-character short forms (喀什) count only next to another division or after 在/住/去. */
  short: boolean;
  /** Street-like or plain-word townships (人民路, 火车站, 林场, 街道) count only next to another division. */
  generic: boolean;
}

/**
 * Township short forms are street names (人民路, 火车站) and some township names are plain words
 * (街道, 林场, 原种场); two-character short forms of counties are common words too.
 */
function supportNeeded(d: Division, name: string): 'none' | 'short' | 'generic' {
  if (d.level === 'township') return name !== d.name || (name.length <= 3 && !/[镇乡]$/.test(name)) ? 'generic' : 'none';
  return name !== d.name && name.length <= 2 ? 'short' : 'none';
}

/** Division codes named elsewhere in the text (ancestors included). */
interface Context {
  has(code: string): boolean;
}

const LEVEL_RANK: Record<DivisionLevel, number> = { province: 0, prefecture: 1, county: 2, township: 3 };
const CUE = /(在|住|到|去|来自|位于|家住|地址|是)了?$/;
// Street-level tail: everything up to the last address-like word, stopping at function words.
const DETAIL = /^[\u4e00-\u9fa5A-Za-z0-9#\-—()（）]{0,30}(?:号院|号楼|号|栋|幢|单元|室|小区|社区|村|路|街|巷|大道|公寓|花园|家园|大厦|广场|市场|队|组)/;
const DETAIL_STOP = /[的有在是了被没不把和对给让向从也都就系由但因所而及与年既又无]/;

/** Resolves place mentions to the Xinjiang division tree (prefecture → county → township). */
export class Gazetteer {
  private readonly ac = new AhoCorasick<Candidate>();
  private readonly table: DivisionTable;

  constructor(table: DivisionTable = loadDivisions()) {
    this.table = table;
    const names = new Map<string, Candidate>();
    const put = (name: string, code: string, support: 'none' | 'short' | 'generic'): void => {
      const c = names.get(name) ?? { codes: [], short: true, generic: true };
      c.codes.push(code);
      // A name that some division carries plainly (喀什 is not generic for 喀什地区) wins.
      c.short = c.short && support !== 'none';
      c.generic = c.generic && support === 'generic';
      names.set(name, c);
    };
    for (const d of table.all) {
      if (d.level === 'province') continue;
      put(d.name, d.code, supportNeeded(d, d.name));
      for (const a of d.aliases) put(a, d.code, supportNeeded(d, a));
    }
    for (const [name, c] of names) this.ac.add(name, c);
  }

  /** Every address in the text, in order. */
  resolve(text: string): ResolvedAddress[] {
    const raw = longestNonOverlapping(this.ac.search(text));
    const cued = (m: AcMatch<Candidate>): boolean => CUE.test(text.slice(Math.max(0, m.start - 3), m.start));
    const accepted = raw.filter((m, i) => adjacent(raw, i) || (!m.value.generic && (!m.value.short || cued(m))));
    const all = groups(accepted);
    // Context for an ambiguous name comes from the other addresses in the text, never its own
    // candidates: count how many groups vouch for each ancestor, then discount the group itself.
    const own = all.map((g) => new Set(g.flatMap((m) => m.value.codes.flatMap((c) => ancestry(c).map((a) => a.code)))));
    const votes = new Map<string, number>();
    for (const set of own) for (const c of set) votes.set(c, (votes.get(c) ?? 0) + 1);
    return all.map((g, i) => {
      const mine = own[i] ?? new Set<string>();
      return this.resolveGroup(text, g, { has: (c: string) => (votes.get(c) ?? 0) - (mine.has(c) ? 1 : 0) > 0 });
    });
  }

  /** The most specific, most confident address, if any. */
  best(text: string): ResolvedAddress | undefined {
    return this.resolve(text).sort((a, b) => b.code.length - a.code.length || b.confidence - a.confidence)[0];
  }

  private resolveGroup(text: string, group: AcMatch<Candidate>[], context: Context): ResolvedAddress {
    const mentions: DivisionMention[] = [];
    let parent: string | undefined;
    let alternatives: string[] = [];
    for (const m of group) {
      // After a township the rest is street detail: 幸福路街道团结路 is a road in 幸福路街道.
      if (mentions[mentions.length - 1]?.level === 'township') break;
      const { choice, others } = choose(m.value.codes, parent, context);
      if (!choice) continue;
      alternatives = others;
      mentions.push({ ...spanOf(text, m.start, m.end), code: choice.code, level: choice.level });
      parent = choice.code;
    }
    const last = mentions[mentions.length - 1];
    const code = last?.code ?? '';
    const chain = ancestry(code);
    const pick = (lvl: DivisionLevel): DivisionRef | undefined => {
      const d = chain.find((x) => x.level === lvl);
      return d ? { code: d.code, name: d.name, level: d.level } : undefined;
    };
    const start = mentions[0]?.start ?? 0;
    const end = last?.end ?? 0;
    const detail = detailAfter(text, end);
    const short = group.every((m) => m.value.short);
    const confidence = (last ? 0.5 + 0.15 * LEVEL_RANK[last.level] : 0) * (alternatives.length > 0 ? 0.6 : 1) * (short ? 0.8 : 1);
    return {
      ...spanOf(text, start, end + detail.length),
      prefecture: pick('prefecture'),
      county: pick('county'),
      township: pick('township'),
      code,
      detail,
      mentions,
      alternatives,
      confidence: Math.round(confidence * 100) / 100,
    };
  }

  division(code: string): Division | undefined {
    return this.table.byCode.get(code);
  }
}

function adjacent<T>(ms: AcMatch<T>[], i: number): boolean {
  const m = ms[i];
  const prev = ms[i - 1];
  const next = ms[i + 1];
  return !!m && ((!!prev && m.start - prev.end <= 1) || (!!next && next.start - m.end <= 1));
}

/** Mentions at most two characters apart belong to one address (乌鲁木齐市 天山区 …). */
function groups<T>(ms: AcMatch<T>[]): AcMatch<T>[][] {
  const out: AcMatch<T>[][] = [];
  for (const m of ms) {
    const g = out[out.length - 1];
    const prev = g?.[g.length - 1];
    if (g && prev && m.start - prev.end <= 2) g.push(m);
    else out.push([m]);
  }
  return out;
}

const isUnder = (d: Division, code: string): boolean => ancestry(d.code).some((a) => a.code === code && a.code !== d.code);

/**
 * Prefers a division under the previous mention, then one whose ancestors appear elsewhere in the
 * text. "阿克苏" names both 阿克苏地区 and its 阿克苏市: that is not ambiguity, the wider one is kept.
 */
function choose(codes: string[], parent: string | undefined, context: Context): { choice: Division | undefined; others: string[] } {
  const all = codes.map((c) => loadDivisions().byCode.get(c)).filter((d): d is Division => d !== undefined);
  const divs = all.filter((d) => !all.some((o) => o !== d && isUnder(d, o.code)));
  // Two townships in a row (…街道…路) share the county: walk up from the previous mention.
  for (const p of parent ? ancestry(parent).reverse() : []) {
    const under = all.filter((d) => isUnder(d, p.code));
    if (under[0]) return { choice: under[0], others: [] };
  }
  const inContext = divs.filter((d) => ancestry(d.code).some((a) => a.code !== d.code && context.has(a.code)));
  if (inContext.length === 1) return { choice: inContext[0], others: [] };
  const choice = inContext[0] ?? divs[0];
  return { choice, others: divs.filter((d) => d !== choice).map((d) => d.code) };
}

function detailAfter(text: string, end: number): string {
  const m = DETAIL.exec(text.slice(end, end + 40));
  if (!m) return '';
  const stop = m[0].search(DETAIL_STOP);
  if (stop < 0) return m[0];
  const cut = DETAIL.exec(m[0].slice(0, stop));
  return cut ? cut[0] : '';
}
