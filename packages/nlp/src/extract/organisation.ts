import { loadDivisions } from '../geo/divisions.js';
import { tag, type TaggedToken } from '../text/tokenizer.js';
import { spanOf, type Span } from './types.js';

export interface Organisation extends Span {
  kind: 'enterprise' | 'government' | 'school' | 'hospital' | 'other';
}

const SUFFIX: [RegExp, Organisation['kind']][] = [
  [/(有限责任公司|股份有限公司|有限公司|公司|集团|厂|超市|商场|酒店|宾馆|饭店|餐厅|银行|物业|4S店|合作社|门市部|商行|药房|药店)$/, 'enterprise'],
  [/(厅|局|委员会|委|办公室|政府|街道办事处|街道办|居委会|村委会|派出所|法院|检察院|大队|支队|管委会|中心|站|所)$/, 'government'],
  [/(大学|学院|中学|小学|幼儿园|学校|培训班|培训学校)$/, 'school'],
  [/(医院|卫生院|卫生室|诊所|门诊部)$/, 'hospital'],
];

// Tokens that can be part of an organisation name: nouns, places, names, abbreviations, letters, numbers.
const NAME_TAGS = /^(n|ns|nr|nz|nt|ng|nrt|nrfg|j|eng|m|an|vn|b)$/;
const MAX_TOKENS = 6;

let divisionNames: Set<string> | undefined;

/** Place names (新市区, 天山区) are tagged nt by jieba but are addresses, not organisations. */
function isDivision(word: string): boolean {
  divisionNames ??= new Set(loadDivisions().all.flatMap((d) => [d.name, ...d.aliases]));
  return divisionNames.has(word);
}

// 一家超市, 这个公司, 某医院: a quantifier or demonstrative is not part of a name.
const NOT_NAME_START = /^(一|这|那|某|该|每|各|本|此|几)/;

function kindOf(word: string, tagName: string): Organisation['kind'] | undefined {
  if (isDivision(word)) return undefined;
  for (const [re, kind] of SUFFIX) if (re.test(word)) return kind;
  return tagName === 'nt' ? 'other' : undefined;
}

/** Walks left from a suffix token over name-like tokens; needs at least one token of name. */
function leftEdge(tokens: TaggedToken[], i: number): number {
  let j = i;
  while (j > 0 && i - j < MAX_TOKENS) {
    const prev = tokens[j - 1];
    // 和/与 join the parts of long official names (住房和城乡建设局).
    const joiner = /^(和|与|及)$/.test(prev?.word ?? '') && j - 1 > 0;
    if (!prev || (!NAME_TAGS.test(prev.tag) && !joiner) || /[，。,.、；;！!？?\s]/.test(prev.word)) break;
    j--;
  }
  return j;
}

/** Organisations and enterprises by suffix (…有限公司, …局, …小学) over jieba-tagged tokens. */
export function extractOrganisations(text: string): Organisation[] {
  const tokens = tag(text);
  const out: Organisation[] = [];
  tokens.forEach((t, i) => {
    const kind = kindOf(t.word, t.tag);
    if (!kind) return;
    let j = leftEdge(tokens, i);
    while (j < i && NOT_NAME_START.test(tokens[j]?.word ?? '') && /^(m|r|q|mq)$/.test(tokens[j]?.tag ?? '')) j++;
    const first = tokens[j];
    // A bare suffix (公司, 局) with nothing before it is a reference, not a name.
    if (!first || (j === i && t.tag !== 'nt')) return;
    out.push({ ...spanOf(text, first.start, t.end), kind });
  });
  // Nested matches (…局 inside …局…中心) collapse into the longest.
  return out.filter((o) => !out.some((p) => p !== o && p.start <= o.start && p.end >= o.end && p.end - p.start > o.end - o.start));
}
