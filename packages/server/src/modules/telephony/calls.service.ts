import type { Expression, ExpressionBuilder, Selectable, SqlBool } from 'kysely';
import type { Readable } from 'node:stream';
import type { Cdr, CdrLeg, CdrTransfer } from '@hotline/voip';
import type { Actor, Deps } from '../../platform/context.js';
import type { Database, TelephonyCdrTable } from '../../platform/db/schema.js';
import { FieldCipher } from '../../platform/crypto/index.js';
import { AppError, forbidden, invalid, notFound } from '../../platform/errors.js';
import { BlobNotFoundError, digestStream } from '../../platform/blob/index.js';
import { tenantVisible } from '../../platform/scope.js';
import { commit, pageOf } from '../../platform/usecase.js';

/**
 * 通话记录: the media role's CDRs as the CTI shows them, and their recordings. Reads follow the
 * caller's data scope: upper levels (tenant subtree) see the calls of their subtree, tenant- and
 * org-scoped roles their own tenant's, and an agent (self) the calls answered on their own
 * extension. A call outside that is "not found", exactly like an id that does not exist.
 * Caller numbers and names are personal data: masked unless the caller holds citizen:pii.
 * Every play or download of a recording writes an audit row (telephony.recording.play) before the
 * first byte leaves, and a full read is checked against the SM3 digest taken when it was stored.
 */
export const END_REASONS = ['caller-hangup', 'agent-hangup', 'ivr-hangup', 'ivr-end', 'cancelled', 'rejected', 'transfer-failed', 'api-hangup', 'rtp-timeout', 'queue-timeout', 'shutdown', 'error'] as const;
export type EndReason = (typeof END_REASONS)[number];

export interface CallQuery {
  page?: number;
  pageSize?: number;
  order?: 'asc' | 'desc';
  from?: string;
  to?: string;
  caller?: string;
  callerMatch?: 'exact' | 'suffix';
  agent?: string;
  endReason?: EndReason;
  queue?: string;
  hasRecording?: boolean;
}

type CdrRow = Selectable<TelephonyCdrTable>;
type Eb = ExpressionBuilder<Database, 'telephony_cdr'>;

const canSeePii = (actor: Actor) => actor.permissions.has('citizen:pii');
/** What a caller without citizen:pii may search by: the digits the masked number shows. */
const MASKED_SUFFIX_DIGITS = 4;

function callVisible(eb: Eb, actor: Actor): Expression<SqlBool> {
  switch (actor.dataScope) {
    case 'all':
    case 'tenant_subtree':
      return tenantVisible(eb, 'telephony_cdr.tenant_id', actor);
    case 'self':
      // An agent's own calls: those bridged to the extension assigned to them.
      return eb.and([
        eb('telephony_cdr.tenant_id', '=', actor.tenantId),
        eb('telephony_cdr.agent', 'in', eb.selectFrom('telephony_agent').select('telephony_agent.extension').where('telephony_agent.user_id', '=', actor.userId)),
      ]);
    default:
      return eb('telephony_cdr.tenant_id', '=', actor.tenantId);
  }
}

function parseDate(s: string | undefined, field: string): Date | undefined {
  if (!s) return undefined;
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw invalid(`${field}不是有效的时间`);
  return d;
}

export async function listCalls(deps: Deps, actor: Actor, f: CallQuery) {
  const { page, pageSize } = pageOf(f);
  const from = parseDate(f.from, '开始时间');
  const to = parseDate(f.to, '结束时间');
  if (from && to && from >= to) throw invalid('开始时间应早于结束时间');
  let q = deps.db.selectFrom('telephony_cdr').where((eb) => callVisible(eb, actor));
  if (from) q = q.where('telephony_cdr.started_at', '>=', from);
  if (to) q = q.where('telephony_cdr.started_at', '<', to);
  if (f.caller) {
    const suffix = f.callerMatch === 'suffix';
    // A full number would let someone who sees only masked numbers confirm who called.
    if (!canSeePii(actor) && (!suffix || f.caller.length > MASKED_SUFFIX_DIGITS)) throw forbidden(`您没有查看来电号码的权限，只能按号码后${MASKED_SUFFIX_DIGITS}位查询`);
    // The pattern admits digits only, so the LIKE needs no escaping.
    q = suffix ? q.where('telephony_cdr.caller', 'like', `%${f.caller}`) : q.where('telephony_cdr.caller', '=', f.caller);
  }
  if (f.agent) q = q.where('telephony_cdr.agent', '=', f.agent);
  if (f.endReason) q = q.where('telephony_cdr.end_reason', '=', f.endReason);
  if (f.queue) q = q.where('telephony_cdr.queue', '=', f.queue);
  if (f.hasRecording !== undefined) q = q.where('telephony_cdr.recording_key', f.hasRecording ? 'is not' : 'is', null);
  const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll('telephony_cdr')
    .orderBy('telephony_cdr.started_at', f.order === 'asc' ? 'asc' : 'desc')
    .orderBy('telephony_cdr.id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return { items: rows.map((r) => summaryOf(actor, r)), total: Number(total) };
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
const seconds = (a: Date | string | null, b: Date | string | null): number | null => (a === null || b === null ? null : Math.max(0, Math.round((new Date(b).getTime() - new Date(a).getTime()) / 1000)));

function maskCaller(actor: Actor, caller: string): string {
  return canSeePii(actor) ? caller : FieldCipher.maskPhone(caller);
}

/** Long key sequences may be account or ID numbers typed into an IVR: only the ends show without citizen:pii. */
function maskDigits(actor: Actor, digits: string): string {
  if (canSeePii(actor) || digits.length <= MASKED_SUFFIX_DIGITS) return digits;
  return `${digits.slice(0, 2)}${'*'.repeat(digits.length - 4)}${digits.slice(-2)}`;
}

function summaryOf(actor: Actor, r: CdrRow) {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    caller: maskCaller(actor, r.caller),
    callerWithheld: r.caller_withheld,
    callee: r.callee,
    startedAt: iso(r.started_at),
    answeredAt: iso(r.answered_at),
    bridgedAt: iso(r.bridged_at),
    endedAt: iso(r.ended_at),
    durationSeconds: seconds(r.started_at, r.ended_at),
    talkSeconds: seconds(r.bridged_at, r.ended_at),
    endReason: r.end_reason,
    queue: r.queue,
    agent: r.agent,
    hasRecording: r.recording_key !== null,
    recordingSize: r.recording_size === null ? null : Number(r.recording_size),
    hasVoicemail: r.voicemail_key !== null,
  };
}

async function loadCall(deps: Deps, actor: Actor, id: string): Promise<CdrRow> {
  const row = await deps.db
    .selectFrom('telephony_cdr')
    .selectAll('telephony_cdr')
    .where('telephony_cdr.id', '=', id)
    .where((eb) => callVisible(eb, actor))
    .executeTakeFirst();
  if (!row) throw notFound('通话记录');
  return row;
}

interface TimelineEntry {
  at: string;
  kind: 'started' | 'answered' | 'bridged' | 'leg-started' | 'leg-answered' | 'leg-ended' | 'transfer' | 'ended';
  leg?: string;
  party?: string;
  detail?: Record<string, unknown>;
}

export async function getCall(deps: Deps, actor: Actor, id: string) {
  const r = await loadCall(deps, actor, id);
  const record = r.record as unknown as Partial<Cdr>;
  const party = (leg: CdrLeg) => (leg.role === 'citizen' ? maskCaller(actor, leg.party) : leg.party);
  const legs = (record.legs ?? []).map((l) => ({
    id: l.id,
    role: l.role,
    party: party(l),
    startedAt: new Date(l.startedAt).toISOString(),
    answeredAt: l.answeredAt === undefined ? null : new Date(l.answeredAt).toISOString(),
    endedAt: l.endedAt === undefined ? null : new Date(l.endedAt).toISOString(),
    failStatus: l.failStatus ?? null,
  }));
  const transfers = (record.transfers ?? []).map((t: CdrTransfer) => ({ at: new Date(t.at).toISOString(), kind: t.kind, from: t.from ?? null, to: t.to, ok: t.ok }));
  const timeline: TimelineEntry[] = [];
  const add = (at: Date | string | number | null | undefined, entry: Omit<TimelineEntry, 'at'>) => {
    if (at !== null && at !== undefined) timeline.push({ at: new Date(at).toISOString(), ...entry });
  };
  add(r.started_at, { kind: 'started', party: maskCaller(actor, r.caller) });
  add(r.answered_at, { kind: 'answered', ...(r.ivr_path.length ? { detail: { ivrPath: r.ivr_path } } : {}) });
  for (const l of record.legs ?? []) {
    if (l.role === 'citizen') continue;
    add(l.startedAt, { kind: 'leg-started', leg: l.id, party: party(l) });
    add(l.answeredAt, { kind: 'leg-answered', leg: l.id, party: party(l) });
    add(l.endedAt, { kind: 'leg-ended', leg: l.id, party: party(l), ...(l.failStatus ? { detail: { failStatus: l.failStatus } } : {}) });
  }
  add(r.bridged_at, { kind: 'bridged', ...(r.agent ? { party: r.agent } : {}), ...(r.queue ? { detail: { queue: r.queue } } : {}) });
  for (const t of transfers) add(t.at, { kind: 'transfer', party: t.to, detail: { kind: t.kind, from: t.from, ok: t.ok } });
  add(r.ended_at, { kind: 'ended', ...(r.end_reason ? { detail: { reason: r.end_reason } } : {}) });
  // Stable order: by time, and for equal times in the order the call went through them.
  const ordered = timeline.map((e, i) => ({ e, i })).sort((a, b) => a.e.at.localeCompare(b.e.at) || a.i - b.i).map(({ e }) => e);
  return {
    ...summaryOf(actor, r),
    callerName: record.callerName ? (canSeePii(actor) ? record.callerName : `${record.callerName.slice(0, 1)}**`) : null,
    sipCallId: r.sip_call_id,
    dtmf: maskDigits(actor, r.dtmf),
    ivrPath: r.ivr_path,
    ivrInputs: (record.ivrInputs ?? []).map((x) => ({ node: x.node, digits: maskDigits(actor, x.digits) })),
    holdSeconds: Number(r.hold_seconds),
    legs,
    transfers,
    recording: r.recording_key ? { size: Number(r.recording_size ?? 0), sm3: r.recording_sm3, contentType: 'audio/wav' } : null,
    voicemail: r.voicemail_key ? { size: Number(r.voicemail_size ?? 0), sm3: r.voicemail_sm3, contentType: 'audio/wav' } : null,
    timeline: ordered,
  };
}

/** A single `bytes=` range of an HTTP Range header; anything else is served whole (RFC 9110 §14.2). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  if (!m) return undefined;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (b !== '' && Number(b) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/** 416: the range starts past the end; the route adds `Content-Range: bytes *\/size`. */
export class RangeNotSatisfiable extends AppError {
  constructor(
    message: string,
    readonly size: number,
  ) {
    super('RANGE_NOT_SATISFIABLE', message, 416);
  }
}

export interface RecordingStream {
  status: 200 | 206;
  stream: Readable;
  size: number;
  start: number;
  end: number;
  fileName: string;
}

/**
 * Opens a call's recording (or voicemail) for playing: checks scope, the stored digest on a full
 * read, writes the audit row, then hands out the stream. A range request is served as asked.
 */
export async function openRecording(deps: Deps, actor: Actor, id: string, kind: 'recording' | 'voicemail', rangeHeader: string | undefined): Promise<RecordingStream> {
  const r = await loadCall(deps, actor, id);
  const key = kind === 'recording' ? r.recording_key : r.voicemail_key;
  const expected = kind === 'recording' ? r.recording_sm3 : r.voicemail_sm3;
  const what = kind === 'recording' ? '录音' : '留言录音';
  if (!key) throw notFound(what);
  const stat = await deps.blobs.stat(key);
  if (!stat) throw notFound(`${what}文件`);
  const range = parseRange(rangeHeader, stat.size);
  if (range === 'unsatisfiable') throw new RangeNotSatisfiable(`请求的${what}片段超出文件范围（共${stat.size}字节）`, stat.size);
  const audit = { action: 'telephony.recording.play', targetType: 'telephony_cdr', targetId: r.id, tenantId: r.tenant_id };
  let verified = false;
  if (!range && expected) {
    const { sm3 } = await digestStream((await deps.blobs.get(key)).stream);
    if (sm3 !== expected) {
      await commit(deps, actor, async () => ({ result: undefined, audit: { ...audit, result: 'failure', detail: { kind, key, reason: 'sm3-mismatch', expected, actual: sm3 } } }));
      throw new AppError('INTEGRITY_CHECK_FAILED', `${what}文件校验失败（SM3摘要不一致），可能已损坏或被篡改，请联系管理员`, 409);
    }
    verified = true;
  }
  const read = await deps.blobs.get(key, range).catch((err: unknown) => {
    if (err instanceof BlobNotFoundError) throw notFound(`${what}文件`);
    throw err;
  });
  try {
    await commit(deps, actor, async () => ({
      result: undefined,
      audit: { ...audit, detail: { kind, key, range: range ? `bytes=${range.start}-${range.end}` : null, bytes: read.end - read.start + (stat.size === 0 ? 0 : 1), size: stat.size, verified, sm3: expected } },
    }));
  } catch (err) {
    read.stream.destroy();
    throw err;
  }
  return { status: range ? 206 : 200, stream: read.stream, size: stat.size, start: read.start, end: read.end, fileName: `${r.id}${kind === 'voicemail' ? '-voicemail' : ''}.wav` };
}
