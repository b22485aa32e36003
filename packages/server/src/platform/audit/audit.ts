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
/**
 * The chain is split into LANES independent lanes, each with its own advisory lock, so that
 * concurrent transactions rarely wait for each other (one installation-wide lock capped all
 * audited writes at one commit at a time). Lane 0 keeps the old lock key and the old rows.
 */
export const LANES = 8;
const AUDIT_CHAIN_LOCK_BASE = 12345001;

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
  /**
   * Lane rows only (absent on rows written before lanes, which hash exactly as they did): the
   * row's lane, and the [id, hash] of the last row of every lane (index = lane) when it was
   * written, [0, GENESIS_HASH] for an empty lane. The own lane's entry is the previous row.
   */
  lane?: number;
  heads?: [number, string][];
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

/** Lane held by each open transaction: all audit rows of one transaction go to one lane, one lock. */
const laneOf = new WeakMap<object, number>();

function shuffledLanes(): number[] {
  const order = Array.from({ length: LANES }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * Takes the lock of a free lane, trying them in random order in one round trip (CASE evaluates
 * its branches in order and stops at the first true one, so exactly one lock is taken); when
 * every lane is busy, waits for a random one. A waiting transaction holds no lane lock, so two
 * transactions can never wait for each other's lane.
 */
async function takeLane(trx: Db): Promise<number> {
  const order = shuffledLanes();
  const tries = order.map((l) => `when pg_try_advisory_xact_lock(${AUDIT_CHAIN_LOCK_BASE + l}) then ${l}`).join(' ');
  const got = await sql<{ lane: number }>`select case ${sql.raw(tries)} else -1 end as lane`.execute(trx);
  const lane = Number(got.rows[0]!.lane);
  if (lane >= 0) return lane;
  await sql`select pg_advisory_xact_lock(${sql.raw(String(AUDIT_CHAIN_LOCK_BASE + order[0]!))})`.execute(trx);
  return order[0]!;
}

/**
 * Appends one audit row to a lane of the SM3 chain. Must be called with the same transaction that
 * made the change, so that the change and its audit row commit together (called outside a
 * transaction, it opens one). The first call in a transaction takes a lane's lock, held until
 * commit; later calls in the same transaction append to the same lane.
 */
export async function recordAudit(trx: Db, clock: Clock, actor: AuditActor, entry: AuditEntry): Promise<void> {
  if (!trx.isTransaction) {
    await trx.transaction().execute((t) => recordAudit(t, clock, actor, entry));
    return;
  }
  let lane = laneOf.get(trx);
  if (lane === undefined) {
    lane = await takeLane(trx);
    laneOf.set(trx, lane);
  }
  // One statement, run after the lock: the id is drawn after every row this snapshot can see was
  // committed, so ids grow along each lane and every head a row records has a smaller id.
  const { rows: heads } = await sql<{ lane: number; id: number | string; hash: string; next_id: number | string }>`
    with n as materialized (select nextval('audit_log_id_seq') as next_id)
    select l.lane, coalesce(h.id, 0) as id, coalesce(h.hash, ${GENESIS_HASH}) as hash, n.next_id
    from n cross join generate_series(0, ${sql.raw(String(LANES - 1))}) as l(lane)
    left join lateral (select a.id, a.hash from audit_log a where a.lane = l.lane order by a.id desc limit 1) h on true
    order by l.lane`.execute(trx);
  const pairs = heads.map((h): [number, string] => [Number(h.id), h.hash]);
  const prevHash = pairs[lane]![1];
  const row: ChainedFields = {
    id: Number(heads[0]!.next_id),
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
    lane,
    heads: pairs,
  };
  const hash = chainHash(prevHash, row);
  const { heads: _pairs, ...stored } = row;
  await trx
    .insertInto('audit_log')
    .values({
      ...stored,
      summary: JSON.stringify(row.summary),
      result: row.result as 'success' | 'failure',
      heads: JSON.stringify(pairs.map(([id]) => id)),
      prev_hash: prevHash,
      hash,
    })
    .execute();
}

export interface LaneReport {
  lane: number;
  checked: number;
  firstBrokenId: number | null;
}

export interface ChainReport {
  ok: boolean;
  /** Rows that verified, over all lanes (each lane up to its first broken row). */
  checked: number;
  /** The smallest broken id over all lanes. */
  firstBrokenId: number | null;
  lanes: LaneReport[];
}

/** What verification needs of a stored row. */
export interface StoredRow extends Omit<ChainedFields, 'lane' | 'heads'> {
  lane: number;
  heads: unknown;
  prev_hash: string;
  hash: string;
}

/** How many recent [id, hash] per lane the verifier keeps for checking heads; older ones are looked up. */
const RECENT_PER_LANE = 20_000;

interface LaneState {
  prevId: number;
  prevHash: string;
  checked: number;
  brokenId: number | null;
  recent: Map<number, string>;
  /** Ids at or below this were dropped from `recent`. */
  forgotten: number;
}

/**
 * Checks rows in id order, one lane chain at a time. A row holds when it links to the previous
 * row of its lane (prev_hash and, on lane rows, heads[lane]), every other head it records is an
 * earlier row of that lane, and its hash covers its fields, its lane and the hashes of those heads.
 * Pre-lane rows (heads null) must be in lane 0. The heads make each row vouch for the whole log
 * committed before it, as the single chain did: deleting or rewriting the last row of a quiet
 * lane breaks every later row that saw it.
 */
export class ChainVerifier {
  private readonly lanes = new Map<number, LaneState>();

  /** `lookup` finds an older row's lane and hash when it has dropped out of memory. */
  constructor(private readonly lookup: (id: number) => Promise<{ lane: number; hash: string } | undefined>) {
    for (let l = 0; l < LANES; l++) this.lane(l);
  }

  private lane(l: number): LaneState {
    let s = this.lanes.get(l);
    if (!s) {
      s = { prevId: 0, prevHash: GENESIS_HASH, checked: 0, brokenId: null, recent: new Map(), forgotten: 0 };
      this.lanes.set(l, s);
    }
    return s;
  }

  private async hashOf(lane: number, id: number): Promise<string | undefined> {
    if (id === 0) return GENESIS_HASH;
    const s = this.lane(lane);
    const known = s.recent.get(id);
    if (known !== undefined || id > s.forgotten) return known;
    const row = await this.lookup(id);
    return row && row.lane === lane ? row.hash : undefined;
  }

  private async holds(r: StoredRow, id: number, lane: number, s: LaneState): Promise<boolean> {
    if (r.prev_hash !== s.prevHash) return false;
    const fields: ChainedFields = {
      id,
      at: r.at,
      tenant_id: r.tenant_id,
      actor_id: r.actor_id,
      actor_name: r.actor_name,
      ip: r.ip,
      user_agent: r.user_agent,
      action: r.action,
      target_type: r.target_type,
      target_id: r.target_id,
      summary: r.summary,
      result: r.result,
    };
    if (r.heads === null || r.heads === undefined) return lane === 0 && chainHash(s.prevHash, fields) === r.hash;
    const heads = r.heads;
    if (!Array.isArray(heads) || heads.length <= lane || !heads.every((h) => Number.isSafeInteger(h) && h >= 0 && h < id)) return false;
    if (heads[lane] !== s.prevId) return false;
    const pairs: [number, string][] = [];
    for (let l = 0; l < heads.length; l++) {
      const h = heads[l] as number;
      const hash = l === lane ? s.prevHash : await this.hashOf(l, h);
      if (hash === undefined) return false;
      pairs.push([h, hash]);
    }
    return chainHash(s.prevHash, { ...fields, lane, heads: pairs }) === r.hash;
  }

  /** Rows must come in ascending id order. */
  async check(r: StoredRow): Promise<void> {
    const id = Number(r.id);
    const lane = Number(r.lane);
    const s = this.lane(lane);
    if (s.brokenId === null) {
      if (await this.holds(r, id, lane, s)) {
        s.prevId = id;
        s.prevHash = r.hash;
        s.checked++;
      } else {
        s.brokenId = id;
      }
    }
    s.recent.set(id, r.hash);
    if (s.recent.size > RECENT_PER_LANE) {
      const oldest = s.recent.keys().next().value as number;
      s.recent.delete(oldest);
      s.forgotten = oldest;
    }
  }

  report(): ChainReport {
    const lanes = [...this.lanes.entries()]
      .sort(([a], [b]) => a - b)
      .map(([lane, s]): LaneReport => ({ lane, checked: s.checked, firstBrokenId: s.brokenId }));
    const broken = lanes.map((l) => l.firstBrokenId).filter((id): id is number => id !== null);
    return {
      ok: broken.length === 0,
      checked: lanes.reduce((n, l) => n + l.checked, 0),
      firstBrokenId: broken.length ? Math.min(...broken) : null,
      lanes,
    };
  }
}

/** Walks every lane's chain in id order and reports, per lane, the first row that does not hold. */
export async function verifyAuditChain(db: Db, batchSize = 2000): Promise<ChainReport> {
  const verifier = new ChainVerifier(async (id) => {
    const row = await db.selectFrom('audit_log').select(['lane', 'hash']).where('id', '=', id).executeTakeFirst();
    return row ? { lane: Number(row.lane), hash: row.hash } : undefined;
  });
  let afterId = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('id', '>', afterId).orderBy('id').limit(batchSize).execute();
    if (rows.length === 0) return verifier.report();
    for (const r of rows) await verifier.check({ ...r, id: Number(r.id) });
    afterId = Number(rows[rows.length - 1]!.id);
  }
}
