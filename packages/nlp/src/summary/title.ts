import type { Span } from '../extract/types.js';
import { cut } from '../text/tokenizer.js';
import { splitClauses } from './sentences.js';
import { keywordCounts } from './summarise.js';

export type IntentLabel = '咨询' | '投诉' | '求助' | '建议' | '举报' | '表扬' | '其他';

export interface TitleOptions {
  maxChars?: number;
  /** Adds 建议/投诉/举报/咨询 in front when the clause does not already say it. */
  intent?: IntentLabel;
  /** Place to lead with (e.g. the resolved county) when the clause does not name one. */
  place?: string;
  model?: TitleModel;
  /** Words the title should carry if it can, e.g. the catalogue terms the item model matched. */
  focusTerms?: readonly string[];
}

/** Weights of the clause scorer; trainable from (text, human title) pairs, see trainTitleModel. */
export interface TitleModel {
  format: 'hotline-nlp/title-model';
  version: 1;
  weights: number[];
  /** Learnt words that mark title-worthy clauses (物业, 噪音 …); absent in the default model. */
  wordWeights?: Record<string, number>;
}

const PROBLEM = /(问题|不|没|未|难|乱|违规|违法|拖欠|欠薪|噪音|噪声|污染|漏水|停水|停电|堵|投诉|举报|诈骗|损坏|破损|安全隐患|隐患|扰民|收费|涨价|差|严重|无法|不能|要求|希望|建议|请求|能否|可否|是否|吗|如何|怎么)/;
const DEMAND = /(希望|建议|请求|要求|恳请|呼吁|请|能否|可否)/;
const QUESTION = /[吗么？?]|(如何|怎么|是否|能否|哪里|多少|什么时候)/;
const PLACE = /[\p{L}\p{N}]{1,8}?(?:省|市|区|县|镇|乡|街道|小区|社区|村|路|街|大道|公司|学校|医院|大厦)/u;
const GREETING = /(您好|你好|尊敬的|领导|书记|市长|谢谢|感谢|此致|敬礼)/;
const LEAD_FILLER = /^(?:[，,\s]|我们|我家|我是|我|本人|现在|目前|近期|最近|因为|由于|但是|可是|而且|并且|所以|另外|同时|然后|请问一下|请问|您好|你好|其中|对于|关于|就是|这个|那个|这里|据了解|听说|针对|位于|自从|从)+/;
// Titles name the problem, not when it started: "2019年4月以来", "12月16日上午" are dropped.
export const LEAD_TIME = /^(?:\d{2,4}年)?(?:\d{1,2}月)?(?:\d{1,2}[日号])?(?:以来|开始|起|左右)?(?:上午|下午|晚上|凌晨|早上|中午)?(?:\d{1,2}[点时](?:\d{1,2}分|半)?)?(?:左右)?[，,]?/;
// Clauses that only ask for action (希望尽快处理) or carry the caller's details make poor titles.
const GENERIC = /^(?:希望|请|恳请|麻烦|望)?(?:相关部门|有关部门|领导|政府)?(?:尽快|尽早|及时|早日)?(?:帮忙|帮助)?(?:处理|解决|核实|调查|回复|落实|协调)(?:一下)?(?:为盼|为谢|谢谢)?$/;
const PERSONAL = /(我叫|姓名|电话|手机|身份证|联系方式|\d{7,})/;
const TAIL_FILLER = /(?:了|啊|呢|吧|呀|的|哦|嘛|啦|。|！|!|…)+$/;

export const DEFAULT_TITLE_MODEL: TitleModel = {
  format: 'hotline-nlp/title-model',
  version: 1,
  // bias, first, second, position decay, problem, demand, question, place, greeting, keyword density, short, long, generic, personal, focus
  weights: [0, 1.2, 0.4, 0.8, 0.9, 0.7, 0.5, 0.6, -2.5, 1.5, -1.2, -0.6, -2, -2, 1.5],
};

/** Features of one clause; order matches TitleModel.weights. */
export function clauseFeatures(c: Span, i: number, freq: Map<string, number>, focus: readonly string[] = []): number[] {
  const t = c.text;
  let kw = 0;
  for (const [w, n] of freq) if (t.includes(w)) kw += Math.min(n, 4);
  return [
    1,
    i === 0 ? 1 : 0,
    i === 1 ? 1 : 0,
    1 / (1 + i),
    PROBLEM.test(t) ? 1 : 0,
    DEMAND.test(t) ? 1 : 0,
    QUESTION.test(t) ? 1 : 0,
    PLACE.test(t) ? 1 : 0,
    GREETING.test(t) && t.length < 16 ? 1 : 0,
    kw / Math.max(6, t.length),
    t.length < 6 ? 1 : 0,
    t.length > 30 ? 1 : 0,
    GENERIC.test(t.replace(LEAD_FILLER, '').replace(TAIL_FILLER, '')) ? 1 : 0,
    PERSONAL.test(t) ? 1 : 0,
    focus.some((w) => t.includes(w)) ? 1 : 0,
  ];
}

/** Distinct words of a clause with the 1/√n scaling used in training, so long clauses do not win by length. */
export function clauseWords(text: string): { words: string[]; scale: number } {
  const words = [...new Set(cut(text))];
  return { words, scale: 1 / Math.sqrt(Math.max(1, words.length)) };
}

function score(c: Span, f: number[], m: TitleModel): number {
  let s = f.reduce((acc, x, k) => acc + x * (m.weights[k] ?? 0), 0);
  if (m.wordWeights) {
    const { words, scale } = clauseWords(c.text);
    for (const w of words) s += (m.wordWeights[w] ?? 0) * scale;
  }
  return s;
}

/** Candidate clauses of the first part of a text (titles almost never come from the end). */
export function titleCandidates(text: string): Span[] {
  return splitClauses(text.slice(0, 600)).slice(0, 12);
}

function compress(clause: string, maxChars: number): string {
  const cleaned = clause.replace(LEAD_FILLER, '').replace(LEAD_TIME, '').replace(LEAD_FILLER, '').replace(TAIL_FILLER, '').replace(/\s+/g, '');
  // A clause that is nothing but filler or a date keeps its own words rather than vanish.
  const t = cleaned.length > 0 ? cleaned : clause.replace(/\s+/g, '');
  return t.slice(0, maxChars);
}

function withIntent(core: string, intent: IntentLabel | undefined): string {
  if (!intent || /^(建议|投诉|举报|咨询|反映|关于|求助|表扬|感谢)/.test(core)) return core;
  if (intent === '建议' && !core.includes('建议')) return `建议${core}`;
  if (intent === '投诉') return `投诉${core}`;
  if (intent === '举报') return `举报${core}`;
  if (intent === '表扬') return `表扬${core}`;
  return core;
}

/**
 * Short ticket title: the best-scoring clause, cleaned of fillers, led by the place and the demand
 * type when the clause does not say them. Extractive, so the words are the citizen's own.
 */
export function generateTitle(text: string, opts: TitleOptions = {}): string {
  const maxChars = opts.maxChars ?? 30;
  const clauses = titleCandidates(text);
  if (clauses.length === 0) return text.trim().slice(0, maxChars);
  const freq = keywordCounts(text.slice(0, 1000));
  const model = opts.model ?? DEFAULT_TITLE_MODEL;
  const ranked = clauses.map((c, i) => ({ c, i, s: score(c, clauseFeatures(c, i, freq, opts.focusTerms), model) })).sort((a, b) => b.s - a.s);
  const best = ranked[0];
  let core = compress(best?.c.text ?? '', maxChars);
  // Very short clauses (漏水了) read better with the following clause.
  const next = clauses[(best?.i ?? 0) + 1];
  if (core.length < 8 && next) core = compress(`${core}，${next.text}`, maxChars);
  if (opts.place && !core.includes(opts.place) && core.length + opts.place.length <= maxChars) core = `${opts.place}${core}`;
  return withIntent(core, opts.intent).slice(0, maxChars);
}
