import type { LlmConfig } from '../../platform/config.js';
import type { AssistResult } from './analyse.service.js';

type Result = Omit<AssistResult, 'fill'>;

/**
 * The LLM engine of smart intake (ARCHITECTURE principle 6): the same contract as the offline
 * engine, implemented on an OpenAI-compatible chat completions API (vLLM, Ollama, Qwen/DeepSeek).
 * It refines what language models do better — intent, title, summary — and picks the item among
 * the offline engine's candidates only, so it cannot invent a catalogue item. Every failure
 * (timeout, HTTP error, unparsable or invalid JSON, an id that was not offered) returns the offline
 * result unchanged with engine 'offline' and a warning: the agent always gets an answer.
 */
export const INTENTS = ['咨询', '投诉', '求助', '建议', '举报', '表扬', '其他'] as const;

export interface LlmRefinement {
  intent: (typeof INTENTS)[number];
  title: string;
  summary: string;
  itemId: string | null;
}

const SYSTEM_PROMPT =
  '你是12345政务服务便民热线的工单助手。根据市民诉求判断诉求类型，写出不超过30字的工单标题和不超过200字的诉求摘要（只用诉求中的事实，不得编造），' +
  '并从给定的候选事项中选择最符合的一个（都不符合时为 null）。只输出符合给定 JSON Schema 的 JSON。';

function responseSchema(itemIds: readonly string[]) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['intent', 'title', 'summary', 'itemId'],
    properties: {
      intent: { type: 'string', enum: [...INTENTS] },
      title: { type: 'string', maxLength: 60 },
      summary: { type: 'string', maxLength: 500 },
      itemId: { anyOf: [{ type: 'string', enum: [...itemIds] }, { type: 'null' }] },
    },
  };
}

/** The chat completions request body (exported for tests and operators checking a server). */
export function buildRequest(llm: LlmConfig, demand: string, offline: Result) {
  const candidates = offline.items.map((i) => ({ id: i.itemId, name: i.name }));
  const user = JSON.stringify({ 诉求: demand.slice(0, 4000), 候选事项: candidates, 离线引擎建议: { 类型: offline.intent.label, 标题: offline.title } });
  return {
    model: llm.model,
    temperature: 0,
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: user },
    ],
    response_format: { type: 'json_schema', json_schema: { name: 'intake', strict: true, schema: responseSchema(candidates.map((c) => c.id)) } },
  };
}

/** Validates the model's answer against the schema and the offered ids; returns a reason on failure. */
export function validateRefinement(content: unknown, offeredIds: readonly string[]): LlmRefinement | string {
  if (typeof content !== 'string') return '返回内容为空';
  // Some servers wrap JSON in a markdown fence even when asked for a schema.
  const text = content.trim().replace(/^```(?:json)?\s*/i, '').replace(/\s*```$/, '');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return '返回内容不是 JSON';
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return '返回内容不是 JSON 对象';
  const o = v as Record<string, unknown>;
  if (typeof o.intent !== 'string' || !(INTENTS as readonly string[]).includes(o.intent)) return '诉求类型不在允许范围内';
  if (typeof o.title !== 'string' || o.title.trim().length === 0 || o.title.length > 60) return '标题为空或过长';
  if (typeof o.summary !== 'string' || o.summary.trim().length === 0 || o.summary.length > 500) return '摘要为空或过长';
  if (o.itemId !== null && (typeof o.itemId !== 'string' || !offeredIds.includes(o.itemId))) return '选择的事项不在候选范围内';
  return { intent: o.intent as LlmRefinement['intent'], title: o.title.trim(), summary: o.summary.trim(), itemId: (o.itemId as string | null) ?? null };
}

async function callLlm(llm: LlmConfig, body: unknown): Promise<unknown> {
  const res = await fetch(`${llm.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(llm.apiKey ? { authorization: `Bearer ${llm.apiKey}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(llm.timeoutMs),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const json = (await res.json()) as { choices?: { message?: { content?: unknown } }[] };
  return json.choices?.[0]?.message?.content;
}

function reasonOf(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return '响应超时';
  if (err instanceof Error && err.message.startsWith('HTTP ')) return `服务返回 ${err.message.slice(5)}`;
  if (err instanceof SyntaxError) return '响应不是 JSON';
  return '无法连接';
}

/**
 * Phone and ID numbers leave the building only if they must: the LLM needs neither for intent,
 * title, summary or item, so they are replaced before the text is sent (spans index `demand`).
 */
export function maskPersonalData(demand: string, offline: Pick<Result, 'elements'>): string {
  const spans = [...offline.elements.phones.map((p) => ({ ...p, label: '［电话］' })), ...offline.elements.idNumbers.map((i) => ({ ...i, label: '［证件号码］' }))].sort((a, b) => b.start - a.start);
  let out = demand;
  let floor = Infinity;
  for (const sp of spans) {
    if (sp.end > floor || sp.start < 0 || sp.end > out.length) continue;
    out = out.slice(0, sp.start) + sp.label + out.slice(sp.end);
    floor = sp.start;
  }
  return out;
}

/** Refines the offline result with the LLM, or returns it unchanged (engine 'offline') with a warning. */
export async function refineWithLlm(llm: LlmConfig, demand: string, offline: Result): Promise<Result> {
  const fallback = (why: string): Result => ({ ...offline, engine: 'offline', warnings: [...offline.warnings, `大模型服务不可用（${why}），已使用离线引擎结果`] });
  let content: unknown;
  try {
    content = await callLlm(llm, buildRequest(llm, maskPersonalData(demand, offline), offline));
  } catch (err) {
    return fallback(reasonOf(err));
  }
  const r = validateRefinement(content, offline.items.map((i) => i.itemId));
  if (typeof r === 'string') return fallback(r);
  const chosen = r.itemId ? offline.items.find((i) => i.itemId === r.itemId) : undefined;
  return {
    ...offline,
    engine: 'llm',
    intent: { label: r.intent, probability: null, source: 'llm' },
    title: r.title,
    summary: { ...offline.summary, text: r.summary },
    // The chosen item goes first; probabilities stay the offline model's (the LLM gives none).
    items: chosen ? [chosen, ...offline.items.filter((i) => i !== chosen)] : offline.items,
  };
}
