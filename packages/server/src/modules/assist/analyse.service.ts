import { analyse, citizenText, decideDispatch, isNlpError, type Elements, type IntentLabel, type ItemRecommender, type ItemSuggestion, type Sentiment, type SensitiveFlag, type UnitRecommender, type UnitSuggestion } from '@hotline/nlp';
import type { Actor, Deps } from '../../platform/context.js';
import { AppError, invalid } from '../../platform/errors.js';
import { commit } from '../../platform/usecase.js';
import { loadVisibleTenant } from '../identity/tenant.service.js';
import { assistEngines, visibleItems, type AssistDeps, type EngineSnapshot, type ItemMeta } from './engines.js';
import { rerankUnits, type UnitHistorySummary, type UnitHistoryView } from './unit-history.js';
import { refineWithLlm } from './llm.adapter.js';
import { KIND_OF_INTENT } from './intent-kinds.js';

/** Auto-dispatch is suggested only when the top unit's share reaches this (below it: 3 candidates for a manual choice). */
export const AUTO_DISPATCH_THRESHOLD = 0.8;
const MAX_CHARS = 20_000;

export interface AnalyseInput {
  text?: string;
  transcript?: { speaker: 'citizen' | 'agent'; text: string }[];
  title?: string;
  referenceDate?: string;
}

interface DivisionView {
  code: string;
  name: string;
}

export interface AssistResult {
  /** 'llm' only when the LLM answered and its answer passed validation. */
  engine: 'offline' | 'llm';
  elapsedMs: number;
  length: number;
  truncated: boolean;
  intent: { label: string; probability: number | null; source: string };
  /** Every extractor's spans index the analysed text (text, or the transcript as 市民：/坐席： lines). */
  elements: Elements;
  region: { code: string; name: string; text: string; start: number; end: number; detail: string; confidence: number; prefecture: DivisionView | null; county: DivisionView | null; township: DivisionView | null; alternatives: string[] } | null;
  items: ItemSuggestion[];
  /**
   * Top-3 handling units: responsibility list × 属地, re-ranked by this hotline's dispatch history
   * (unit-history.ts has the rule). `history` is what the history says of the unit (null: nothing,
   * or too little history to count).
   */
  units: { unitId: string; orgId: string | null; unitName: string; tenantId: string | null; tenantName: string | null; probability: number; reasons: string[]; itemIds: string[]; history: UnitHistoryView | null }[];
  /** How much similar history the ranking saw and whether it was enough to change it. */
  unitHistory: UnitHistorySummary;
  dispatchDecision: { auto: boolean; unitId: string | null; orgId: string | null; cooperative: boolean; threshold: number; reason: string };
  title: string;
  summary: { text: string; keywords: string[] };
  sentiment: Sentiment;
  sensitive: SensitiveFlag[];
  similar: { id: string; no: string; title: string; score: number; containment: number }[];
  /**
   * Suggested values for the ticket registration form (POST /api/v1/tickets field names), for a
   * "smart fill" button: every value stays editable, absent ones are left to the agent. The phone
   * number needs the agent's double confirmation (tender #87) before it is saved.
   */
  fill: TicketFill;
  /** The item model in use (null while the first one is still being built). */
  model: { kind: string; trainedAt: string } | null;
  /** The title model trained on this installation's closed tickets (null: the unsupervised titler wrote the title). */
  titleModel: { trainedAt: string; pairs: number } | null;
  warnings: string[];
}

export interface TicketFill {
  title: string;
  content: string;
  itemId: string | null;
  /** demand_type dictionary value (consult, complaint, help, suggest, report, praise). */
  kind: string | null;
  urgency: 'urgent' | null;
  regionCode: string | null;
  regionName: string | null;
  address: string | null;
  citizen: { name: string | null; phone: string | null; idNo: string | null; gender: 'M' | 'F' | null };
}


/** Form values from an analysis (after the LLM's refinement, so its title and item are used). */
function fillOf(r: Omit<AssistResult, 'fill'>, input: AnalyseInput, text: string): TicketFill {
  const id = r.elements.idNumbers.find((i) => i.checksumValid && /^[0-9]{17}[0-9Xx]$/.test(i.value));
  const phone = r.elements.phones.find((p) => p.kind !== 'service');
  const gender = r.elements.gender === '男' ? 'M' : r.elements.gender === '女' ? 'F' : null;
  return {
    title: r.title.slice(0, 200),
    // Typed notes are the content as they are; a call transcript is condensed to its summary.
    content: (input.transcript?.length ? r.summary.text : text.trim()).slice(0, 20_000),
    itemId: r.items[0]?.itemId ?? null,
    kind: KIND_OF_INTENT[r.intent.label as IntentLabel] ?? null,
    urgency: r.sentiment.urgent ? 'urgent' : null,
    regionCode: r.region?.code ?? null,
    regionName: r.region?.name ?? null,
    address: r.region ? r.region.text.slice(0, 300) : null,
    citizen: { name: r.elements.persons[0]?.name.slice(0, 50) ?? null, phone: phone?.value ?? null, idNo: id?.value ?? null, gender },
  };
}

/** Local items of other tenants are never offered: the recommender sees a scoped copy of the model. */
function scoped(rec: ItemRecommender, meta: ReadonlyMap<string, ItemMeta>, tenantPath: string): ItemRecommender {
  const s = Object.create(rec) as ItemRecommender;
  s.suggestTicket = (content: string, title?: string, k = 3) => visibleItems(rec.suggestTicket(content, title, k + 7), meta, tenantPath).slice(0, k);
  return s;
}

/** The analysed text: a transcript becomes 市民：/坐席： lines (the library reads the demand from the citizen's turns). */
function textOf(input: AnalyseInput): string {
  if (!input.transcript?.length) return input.text ?? '';
  const lines = input.transcript.map((t) => `${t.speaker === 'citizen' ? '市民' : '坐席'}：${t.text.replace(/\s*\n\s*/g, ' ')}`);
  if (input.text?.trim()) lines.unshift(`市民：${input.text.replace(/\s*\n\s*/g, ' ')}`);
  return lines.join('\n');
}

const div = (d: { code: string; name: string } | undefined): DivisionView | null => (d ? { code: d.code, name: d.name } : null);
const round = (x: number) => Math.round(x * 1000) / 1000;

const tenantCodes = new WeakMap<Deps, Map<string, string | null>>();

/** The caller's tenant as a division code (null for non-geographic tenants such as enterprises). */
async function tenantCode(deps: Deps, actor: Actor): Promise<string | null> {
  let cache = tenantCodes.get(deps);
  if (!cache) tenantCodes.set(deps, (cache = new Map()));
  if (!cache.has(actor.tenantId)) {
    const t = await loadVisibleTenant(deps.db, actor, actor.tenantId);
    cache.set(actor.tenantId, /^\d{6}(\d{3})?$/.test(t.code) ? t.code : null);
  }
  return cache.get(actor.tenantId) ?? null;
}

/** Smart intake for one demand: offline analysis, then the LLM's refinement when one is configured. */
export async function analyseDemand(deps: Deps, actor: Actor, input: AnalyseInput): Promise<AssistResult> {
  const text = textOf(input);
  if (text.trim().length === 0) throw invalid('请提供待分析的诉求文本或通话记录');
  let referenceDate = deps.clock.now();
  if (input.referenceDate) {
    referenceDate = new Date(input.referenceDate);
    if (Number.isNaN(referenceDate.getTime())) throw invalid('参考时间不是有效的日期');
  }
  const engines = assistEngines(deps);
  const [snap, dup] = await Promise.all([engines.snapshot(), engines.duplicates(actor.tenantPath)]);
  const deep = deepUnits(snap.units);
  let a;
  try {
    a = analyse(text, {
      referenceDate,
      timeZone: 'Asia/Shanghai',
      items: snap.items ? scoped(snap.items, snap.itemMeta, actor.tenantPath) : undefined,
      units: deep.recommender,
      duplicates: dup?.index,
      titler: snap.titler,
      intentModel: snap.intents,
      title: input.title,
      maxChars: MAX_CHARS,
    });
  } catch (err) {
    if (isNlpError(err)) throw invalid(err.message);
    throw err;
  }
  const warnings = [...a.warnings];
  let units = a.units;
  let unitRegion = a.region?.code;
  if (!a.region && a.items.length > 0) {
    // No place in the demand: the hotline's own jurisdiction is the best guess for 属地, rather than
    // every region's units at once. The agent is told, and should ask the caller where it is.
    const code = await tenantCode(deps, actor);
    if (code) {
      unitRegion = code;
      units = deep.recommender.suggest({ items: a.items, regionCode: code, text: citizenText(text) ?? text }, 3);
      warnings.push('未识别到诉求地点，按本热线辖区推荐承办单位，请向来电人核实地址');
    }
  }
  const ranked = await withHistory(deps, actor, snap, { units: deep.last.length ? deep.last : units, items: a.items, regionCode: unitRegion });
  if (!snap.items && snap.itemMeta.size > 1) warnings.push('事项模型正在生成，稍后再试可获得事项推荐');
  if (!dup) warnings.push('相似工单索引正在建立，本次未查重');
  const decision = decideDispatch(ranked.units, a.items, AUTO_DISPATCH_THRESHOLD);
  const region = a.region;
  const place = region ? (region.township ?? region.county ?? region.prefecture) : undefined;
  const offline: Omit<AssistResult, 'fill'> = {
    engine: 'offline',
    elapsedMs: 0,
    length: a.length,
    truncated: a.truncated,
    intent: { label: a.intent.label, probability: round(a.intent.probability), source: a.intent.source },
    elements: a.elements,
    region: region
      ? {
          code: region.code,
          name: place?.name ?? region.text,
          text: region.text,
          start: region.start,
          end: region.end,
          detail: region.detail,
          confidence: region.confidence,
          prefecture: div(region.prefecture),
          county: div(region.county),
          township: div(region.township),
          alternatives: region.alternatives,
        }
      : null,
    // Filtered again in case the library stops calling suggestTicket (the scoped override above).
    items: visibleItems(a.items, snap.itemMeta, actor.tenantPath).map((i) => ({ ...i, probability: round(i.probability) })),
    units: ranked.units.map((u) => {
      const m = snap.unitMeta.get(u.unitId);
      const tenantId = m?.tenantId ?? u.fromHistory?.orgTenantId ?? null;
      return { unitId: u.unitId, orgId: u.orgId, unitName: u.unitName, tenantId, tenantName: m?.tenantName ?? (tenantId ? tenantNameOf(snap, tenantId) : null), probability: round(u.probability), reasons: u.reasons, itemIds: u.itemIds, history: u.history };
    }),
    unitHistory: ranked.summary,
    dispatchDecision: {
      auto: !!decision.auto,
      unitId: decision.auto?.unitId ?? null,
      orgId: decision.auto ? (ranked.units.find((u) => u.unitId === decision.auto!.unitId)?.orgId ?? null) : null,
      cooperative: decision.cooperative,
      threshold: AUTO_DISPATCH_THRESHOLD,
      reason: decision.reason,
    },
    title: a.title,
    summary: { text: a.summary.text, keywords: a.summary.keywords },
    sentiment: a.sentiment,
    sensitive: a.sensitive,
    similar: a.duplicates.flatMap((d) => {
      const m = dup?.meta.get(d.id);
      return m ? [{ id: d.id, no: m.no, title: m.title, score: round(d.similarity), containment: round(d.containment) }] : [];
    }),
    model: snap.model ? { kind: snap.model.kind, trainedAt: snap.model.trainedAt } : null,
    titleModel: snap.titler && snap.titleModel ? { trainedAt: snap.titleModel.trainedAt, pairs: snap.titleModel.pairs } : null,
    warnings,
  };
  const t0 = performance.now();
  const result = deps.config.llm ? await refineWithLlm(deps.config.llm, text, offline) : offline;
  return { ...result, fill: fillOf(result, input, text), elapsedMs: Math.round((a.elapsedMs + performance.now() - t0) * 10) / 10 };
}

/** Model info and the current or last training job, for the admin page. */
export async function itemModelInfo(deps: AssistDeps) {
  const engines = assistEngines(deps);
  const snap = await engines.snapshot();
  const job = engines.job;
  return {
    model: snap.model,
    building: engines.isBuilding,
    buildError: engines.buildError,
    job: job ? publicJob(job) : null,
    /** The title model: trained on the installation's closed tickets, or inactive (unsupervised titles). */
    titleModel: { active: !!snap.titler, pairs: snap.titleModel?.pairs ?? 0, trainedAt: snap.titleModel?.trainedAt ?? null, holdOut: snap.titleModel?.holdOut ?? null },
    /** The intent model: trained on the installation's registered tickets' demand types, or inactive (cue rules). */
    intentModel: { active: !!snap.intents, examples: snap.intentModel?.examples ?? 0, trainedAt: snap.intentModel?.trainedAt ?? null, holdOut: snap.intentModel?.holdOut ?? null },
  };
}

/** How many list candidates history may re-rank (it can lift a unit from below the top 3). */
const HISTORY_DEPTH = 10;

/**
 * The unit recommender as analyse() sees it, keeping the HISTORY_DEPTH best list candidates of its
 * last ranking (scoring every 职责清单 unit is the costly part: done once, sliced twice).
 */
function deepUnits(rec: UnitRecommender): { recommender: UnitRecommender; last: UnitSuggestion[] } {
  const out = { recommender: Object.create(rec) as UnitRecommender, last: [] as UnitSuggestion[] };
  out.recommender.suggest = (q, k = 3) => {
    out.last = rec.suggest(q, Math.max(k, HISTORY_DEPTH));
    return out.last.slice(0, k);
  };
  return out;
}

/** The list ranking (deepest known) re-ranked by the caller's hotline's dispatch history; see UNIT_HISTORY_RULE. */
async function withHistory(deps: Deps, actor: Actor, snap: EngineSnapshot, q: { units: UnitSuggestion[]; items: ItemSuggestion[]; regionCode: string | undefined }) {
  const rows = q.items.length > 0 ? await assistEngines(deps).unitHistory(actor.tenantId) : [];
  const unitOf = (r: { orgId: string; orgTenantId: string; orgName: string }) => {
    if (snap.unitMeta.has(r.orgId)) return r.orgId;
    const byName = `${r.orgTenantId}:${r.orgName}`;
    return snap.unitMeta.has(byName) ? byName : undefined;
  };
  const orgOf = (unitId: string) => snap.unitMeta.get(unitId)?.orgId ?? null;
  return rerankUnits({ units: q.units, items: q.items, regionCode: q.regionCode, rows, unitOf, orgOf, k: 3 });
}

function tenantNameOf(snap: EngineSnapshot, tenantId: string): string | null {
  for (const m of snap.unitMeta.values()) if (m.tenantId === tenantId) return m.tenantName;
  return null;
}

export function publicJob(job: NonNullable<ReturnType<typeof assistEngines>['job']>) {
  const { done: _done, ...rest } = job;
  return rest;
}

/** Starts retraining the item model from the installation's history (one job at a time). */
export async function startItemTraining(deps: Deps, actor: Actor, opts: { epochs?: number }) {
  const engines = assistEngines(deps);
  if (engines.job?.status === 'running') throw new AppError('CONFLICT', '已有事项模型训练任务正在进行，请等待其完成', 409);
  const job = engines.startTraining(actor.userId, opts.epochs);
  return commit(deps, actor, async () => ({ result: publicJob(job), audit: { action: 'assist.items.train', targetType: 'assist-model', targetId: 'items', detail: { jobId: job.id, epochs: opts.epochs ?? null } } }));
}
