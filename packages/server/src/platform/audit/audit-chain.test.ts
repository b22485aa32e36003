import { describe, expect, it } from 'vitest';
import { ChainVerifier, chainHash, GENESIS_HASH, LANES, type ChainedFields, type StoredRow } from './audit.js';

/**
 * The lane chain as pure functions: rows written before lanes existed (lane 0, no heads) keep
 * their hashes, lane rows bind their lane and the heads they saw, and the verifier walks every
 * lane in id order.
 */

function fields(id: number, extra: Partial<ChainedFields> = {}): ChainedFields {
  return {
    id,
    at: new Date(Date.UTC(2026, 0, 5, 1, 0, id)),
    tenant_id: null,
    actor_id: null,
    actor_name: '系统',
    ip: '127.0.0.1',
    user_agent: 'ua',
    action: `a.${id}`,
    target_type: 't',
    target_id: String(id),
    summary: { id },
    result: 'success',
    ...extra,
  };
}

/** Builds a log the way recordAudit does: `legacy` pre-lane rows, then one row per entry of `lanes`. */
function buildLog(legacy: number, lanes: number[]): StoredRow[] {
  const rows: StoredRow[] = [];
  const head: [number, string][] = Array.from({ length: LANES }, () => [0, GENESIS_HASH]);
  let id = 0;
  for (let i = 0; i < legacy; i++) {
    const f = fields(++id);
    const prev = head[0]![1];
    const hash = chainHash(prev, f);
    rows.push({ ...f, lane: 0, heads: null, prev_hash: prev, hash });
    head[0] = [id, hash];
  }
  for (const lane of lanes) {
    id += 1 + (id % 3 === 0 ? 1 : 0); // ids from a sequence may have gaps (rolled back transactions)
    const pairs = head.map((h): [number, string] => [h[0], h[1]]);
    const prev = pairs[lane]![1];
    const f = fields(id, { lane, heads: pairs });
    const hash = chainHash(prev, f);
    const { heads: _pairs, ...rest } = f;
    rows.push({ ...rest, lane, heads: pairs.map(([hid]) => hid), prev_hash: prev, hash });
    head[lane] = [id, hash];
  }
  return rows;
}

async function verify(rows: StoredRow[]) {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const v = new ChainVerifier(async (id) => byId.get(id));
  for (const r of [...rows].sort((a, b) => a.id - b.id)) await v.check(r);
  return v.report();
}

const LANE_PATTERN = [3, 5, 0, 3, 7, 1, 1, 5, 2, 0, 6, 4, 3];

describe('audit chain lanes', () => {
  it('a pre-lane row hashes exactly as before lanes existed', () => {
    const f = fields(1);
    expect(chainHash(GENESIS_HASH, f)).toBe(chainHash(GENESIS_HASH, { ...f, lane: undefined, heads: undefined }));
    expect(chainHash(GENESIS_HASH, { ...f, lane: 0, heads: [] })).not.toBe(chainHash(GENESIS_HASH, f));
  });

  it('the lane and every head are part of the hash', () => {
    const pairs: [number, string][] = Array.from({ length: LANES }, (_, l) => [l, 'a'.repeat(64)]);
    const h = chainHash(GENESIS_HASH, fields(9, { lane: 2, heads: pairs }));
    expect(chainHash(GENESIS_HASH, fields(9, { lane: 3, heads: pairs }))).not.toBe(h);
    expect(chainHash(GENESIS_HASH, fields(9, { lane: 2, heads: pairs.map(([id], l): [number, string] => [l === 5 ? id + 1 : id, 'a'.repeat(64)]) }))).not.toBe(h);
    expect(chainHash(GENESIS_HASH, fields(9, { lane: 2, heads: pairs.map(([id], l): [number, string] => [id, l === 5 ? 'b'.repeat(64) : 'a'.repeat(64)]) }))).not.toBe(h);
  });

  it('an old single chain followed by lane rows verifies, lane by lane', async () => {
    const rows = buildLog(5, LANE_PATTERN);
    const report = await verify(rows);
    expect(report).toMatchObject({ ok: true, checked: rows.length, firstBrokenId: null });
    expect(report.lanes).toHaveLength(LANES);
    expect(report.lanes.find((l) => l.lane === 3)).toEqual({ lane: 3, checked: 3, firstBrokenId: null });
    expect(report.lanes.find((l) => l.lane === 0)).toEqual({ lane: 0, checked: 7, firstBrokenId: null });
  });

  it('an edited row breaks its own lane at its id; the other lanes hold', async () => {
    const rows = buildLog(3, LANE_PATTERN);
    const target = rows.find((r) => r.lane === 5)!;
    target.actor_name = '他人';
    const report = await verify(rows);
    expect(report.firstBrokenId).toBe(target.id);
    expect(report.lanes.filter((l) => l.firstBrokenId !== null)).toEqual([{ lane: 5, checked: 0, firstBrokenId: target.id }]);
    expect(report.checked).toBe(rows.length - rows.filter((r) => r.lane === 5).length);
  });

  it('a deleted row is found at the first later row that saw it, in any lane', async () => {
    const rows = buildLog(0, LANE_PATTERN);
    const gone = rows[4]!; // lane 7, alone in its lane: no later row of lane 7 links to it
    const report = await verify(rows.filter((r) => r !== gone));
    expect(report.firstBrokenId).toBe(rows[5]!.id);
    expect(report.lanes.find((l) => l.lane === 7)!.firstBrokenId).toBeNull();
  });

  it('a moved row, a pre-lane row outside lane 0 and an out-of-range lane are found', async () => {
    const moved = buildLog(2, LANE_PATTERN);
    const m = moved.find((r) => r.lane === 1)!;
    m.lane = 6;
    expect((await verify(moved)).firstBrokenId).toBe(m.id);

    const legacy = buildLog(3, []);
    legacy[2]!.lane = 4;
    expect((await verify(legacy)).lanes.find((l) => l.lane === 4)).toEqual({ lane: 4, checked: 0, firstBrokenId: legacy[2]!.id });

    const far = buildLog(0, LANE_PATTERN);
    far[0]!.lane = 42;
    const report = await verify(far);
    expect(report.lanes.at(-1)).toEqual({ lane: 42, checked: 0, firstBrokenId: far[0]!.id });
  });

  it('malformed heads are broken rows, not crashes', async () => {
    for (const heads of ['x', [1], [-1, 0, 0, 0, 0, 0, 0, 0], Array(LANES).fill(1e6), { 0: 0 }]) {
      const rows = buildLog(0, [0, 0]);
      rows[1]!.heads = heads;
      expect((await verify(rows)).firstBrokenId, JSON.stringify(heads)).toBe(rows[1]!.id);
    }
  });

  it('heads older than what the verifier keeps in memory are looked up', async () => {
    // A long lane-1 run, then a lane-2 row that saw only the first row of lane 1 (as a row written
    // while one big import held lane 1 would): that head has dropped out of memory by then.
    const rows = buildLog(0, [1, ...Array(25_000).fill(1)]);
    const first = rows[0]!;
    const pairs = Array.from({ length: LANES }, (_, l): [number, string] => (l === 1 ? [first.id, first.hash] : [0, GENESIS_HASH]));
    const f = fields(rows.at(-1)!.id + 1, { lane: 2, heads: pairs });
    const { heads: _pairs, ...rest } = f;
    const stale: StoredRow = { ...rest, lane: 2, heads: pairs.map(([id]) => id), prev_hash: GENESIS_HASH, hash: chainHash(GENESIS_HASH, f) };
    const byId = new Map([...rows, stale].map((r) => [r.id, r]));

    const looked: number[] = [];
    const v = new ChainVerifier(async (id) => (looked.push(id), byId.get(id)));
    for (const r of [...rows, stale]) await v.check(r);
    expect(v.report()).toMatchObject({ ok: true, checked: rows.length + 1 });
    expect(looked).toEqual([first.id]);

    // Not in memory is not the same as present: a deleted (or moved) old head is still found.
    const gone = new ChainVerifier(async (id) => (id === first.id ? { lane: 3, hash: first.hash } : byId.get(id)));
    for (const r of [...rows, stale]) await gone.check(r);
    expect(gone.report().lanes.find((l) => l.lane === 2)).toEqual({ lane: 2, checked: 0, firstBrokenId: stale.id });
  });
});
