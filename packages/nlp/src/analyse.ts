import { NlpError } from './errors.js';
import { extractElements, type Elements } from './extract/index.js';
import type { ResolvedAddress } from './geo/gazetteer.js';
import { Gazetteer } from './geo/gazetteer.js';
import { SensitiveMatcher, type SensitiveFlag } from './match/sensitive.js';
import type { TextClassifier } from './ml/text-classifier.js';
import { classifyIntent, type IntentResult } from './recommend/intent.js';
import type { ItemRecommender, ItemSuggestion } from './recommend/items.js';
import type { UnitRecommender, UnitSuggestion } from './recommend/units.js';
import { analyseSentiment, type Sentiment } from './sentiment.js';
import { summarise, type Summary } from './summary/summarise.js';
import { generateTitle, type TitleModel } from './summary/title.js';
import type { TitleCompressor } from './summary/title-compressor.js';
import { citizenText } from './summary/transcript.js';
import type { DuplicateCandidate, DuplicateIndex } from './dedup/duplicates.js';

export interface AnalyseContext {
  /** "Now" for 昨天/上周三: the call start or message time. Defaults to the current time. */
  referenceDate?: Date;
  timeZone?: string;
  items?: ItemRecommender;
  units?: UnitRecommender;
  intentModel?: TextClassifier;
  titleModel?: TitleModel;
  /** Trained titler (TitleCompressor.train on the deployment's tickets); generateTitle stays the fallback. */
  titler?: TitleCompressor;
  sensitive?: SensitiveMatcher;
  gazetteer?: Gazetteer;
  /** Open tickets to look for near-duplicates in. */
  duplicates?: DuplicateIndex;
  /** The ticket title if the agent already typed one; it weighs more than the content for items. */
  title?: string;
  /** Longer input is cut (with a warning) instead of being refused. Default 20 000 characters. */
  maxChars?: number;
}

export interface Analysis {
  length: number;
  truncated: boolean;
  intent: IntentResult;
  elements: Elements;
  /** The address used for routing: the most specific one found. */
  region: ResolvedAddress | undefined;
  items: ItemSuggestion[];
  units: UnitSuggestion[];
  title: string;
  summary: Summary;
  sentiment: Sentiment;
  sensitive: SensitiveFlag[];
  duplicates: DuplicateCandidate[];
  warnings: string[];
  elapsedMs: number;
}

let sharedSensitive: SensitiveMatcher | undefined;
let sharedGazetteer: Gazetteer | undefined;

// Control characters (except tab/newline) and lone surrogates break regexes and JSON consumers.
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function prepareText(input: unknown, maxChars: number): { text: string; truncated: boolean } {
  if (typeof input !== 'string') throw new NlpError('INVALID_INPUT', '待分析内容必须是文本');
  const clean = input.replace(UNSAFE, ' ');
  if (clean.trim().length === 0) throw new NlpError('EMPTY_TEXT', '待分析内容为空');
  return clean.length > maxChars ? { text: clean.slice(0, maxChars), truncated: true } : { text: clean, truncated: false };
}

function bestRegion(addresses: ResolvedAddress[]): ResolvedAddress | undefined {
  return [...addresses].sort((a, b) => b.code.length - a.code.length || b.confidence - a.confidence)[0];
}

/**
 * Everything smart intake needs from one text, offline: intent, elements with spans, item and
 * unit top-3, title, summary, sentiment, sensitive flags and duplicate candidates.
 * Throws NlpError only for non-text or empty input; anything else yields a (possibly empty) result.
 */
export function analyse(input: unknown, ctx: AnalyseContext = {}): Analysis {
  const t0 = performance.now();
  const { text, truncated } = prepareText(input, ctx.maxChars ?? 20_000);
  const warnings: string[] = truncated ? [`文本超过 ${ctx.maxChars ?? 20_000} 字，仅分析前部`] : [];
  const gazetteer = ctx.gazetteer ?? (sharedGazetteer ??= new Gazetteer());
  const elements = extractElements(text, { reference: ctx.referenceDate, timeZone: ctx.timeZone, gazetteer });
  const region = bestRegion(elements.addresses);
  // In a labelled call transcript the demand is in the citizen's turns; the agent's greetings
  // and scripted questions would otherwise drive the title, summary and item.
  const demand = citizenText(text) ?? text;
  const intent = classifyIntent(demand, ctx.intentModel);
  const items = ctx.items?.suggestTicket(demand, ctx.title, 3) ?? [];
  if (!ctx.items) warnings.push('未加载事项目录模型，未推荐事项');
  const units = ctx.units?.suggest({ items, regionCode: region?.code, text: demand }, 3) ?? [];
  if (elements.idNumbers.some((i) => !i.checksumValid)) warnings.push('身份证号校验位不正确，请与来电人核实');
  const place = region ? (region.township ?? region.county ?? region.prefecture)?.name : undefined;
  return {
    length: text.length,
    truncated,
    intent,
    elements,
    region,
    items,
    units,
    title: ctx.titler?.generate(demand) || generateTitle(demand, { intent: intent.label, place, model: ctx.titleModel, focusTerms: items[0]?.matchedTerms }),
    summary: summarise(demand),
    sentiment: analyseSentiment(demand),
    sensitive: (ctx.sensitive ?? (sharedSensitive ??= new SensitiveMatcher())).flag(text),
    duplicates: ctx.duplicates?.candidates(demand, { k: 5, minSimilarity: 0.4 }) ?? [],
    warnings,
    elapsedMs: Math.round((performance.now() - t0) * 10) / 10,
  };
}

/** Loads dictionaries and automata up front so the first real request is not the slow one. */
export function warmUp(ctx: AnalyseContext = {}): void {
  analyse('乌鲁木齐市天山区居民来电反映，昨天下午小区停水，电话13800000000。', ctx);
}
