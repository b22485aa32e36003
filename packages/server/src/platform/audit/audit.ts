import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { Clock } from '../clock.js';
import { sm3Hex } from '../crypto/index.js';

/** Who did something and from where; attached to every use case call. */
export interface AuditActor {
  userId: string | null;
  name: string;
  tenantId: string | null;
  ip: string;
  userAgent: string;
}

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  /** Free-form facts that are not a before/after pair (e.g. a reason). */
  detail?: Record<string, unknown>;
  result?: 'success' | 'failure';
  /** Tenant the target belongs to, when different from the actor's. */
  tenantId?: string | null;
}

export const GENESIS_HASH = '0'.repeat(64);
// One chain for the whole installation; the advisory lock serialises appends across connections.
const AUDIT_CHAIN_LOCK = 12345001;

const SECRET_FIELDS = /password|secret|token|hash|_enc$|recovery/i;

/** Keeps only the fields that changed, and never writes secrets into the log. */
export function summarize(entry: AuditEntry): Record<string, unknown> {
  const before = redact(entry.before ?? null);
  const after = redact(entry.after ?? null);
  const summary: Record<string, unknown> = {};
  if (before && after) {
    const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
      (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
    );
    summary.before = Object.fromEntries(changed.map((k) => [k, before[k] ?? null]));
    summary.after = Object.fromEntries(changed.map((k) => [k, after[k] ?? null]));
  } else {
    if (before) summary.before = before;
    if (after) summary.after = after;
  }
  if (entry.detail) summary.detail = redact(entry.detail);
  return summary;
}

function redact(o: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!o) return null;
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k, SECRET_FIELDS.test(k) && v != null ? '***' : normalize(v)]),
  );
}

function normalize(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : v;
}

export interface ChainedFields {
  id: number;
  at: Date;
  tenant_id: string | null;
  actor_id: string | null;
  actor_name: string;
  ip: string;
  user_agent: string;
  action: string;
  target_type: string;
  target_id: string;
  summary: unknown;
  result: string;
}

/** Canonical JSON: sorted keys, so that jsonb's reordering on the way back does not break hashes. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
}

export function chainHash(prevHash: string, row: ChainedFields): string {
  const body = canonicalJson({ ...row, at: new Date(row.at).toISOString() });
  return sm3Hex(`${prevHash}|${body}`);
}

/**
 * Appends one audit row, chained to the previous one by SM3. Must be called with the same
 * transaction that made the change, so that the change and its audit row commit together.
 */
export async function recordAudit(trx: Db, clock: Clock, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`.execute(trx);
  const last = await trx.selectFrom('audit_log').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
  const row: ChainedFields = {
    id: (last?.id ?? 0) + 1,
    at: clock.now(),
    tenant_id: entry.tenantId !== undefined ? entry.tenantId : actor.tenantId,
    actor_id: actor.userId,
    actor_name: actor.name,
    ip: actor.ip,
    user_agent: actor.userAgent.slice(0, 500),
    action: entry.action,
    target_type: entry.targetType,
    target_id: entry.targetId ?? '',
    summary: summarize(entry),
    result: entry.result ?? 'success',
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  await trx
    .insertInto('audit_log')
    .values({
      ...row,
      summary: JSON.stringify(row.summary),
      result: row.result as 'success' | 'failure',
      prev_hash: prevHash,
      hash: chainHash(prevHash, row),
    })
    .execute();
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  firstBrokenId: number | null;
}

/** Walks the chain in id order and reports the first row whose hash or link does not hold. */
export async function verifyAuditChain(db: Db, batchSize = 2000): Promise<ChainReport> {
  let prevHash = GENESIS_HASH;
  let afterId = 0;
  let checked = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return { ok: true, checked, firstBrokenId: null };
    for (const r of rows) {
      const { prev_hash, hash, ...fields } = r;
      if (prev_hash !== prevHash || chainHash(prevHash, { ...fields, id: Number(fields.id) }) !== hash) {
        return { ok: false, checked, firstBrokenId: Number(r.id) };
      }
      prevHash = hash;
      checked++;
      afterId = Number(r.id);
    }
  }
}
