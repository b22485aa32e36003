import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { sql, type Selectable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/bootstrap.js';
import { auditVerify, exitCodeOf } from '../src/cli/audit-verify.js';
import { chainHash, GENESIS_HASH, LANES, recordAudit, verifyAuditChain, type ChainedFields } from '../src/platform/audit/audit.js';
import { openDatabase } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrator.js';
import type { AuditLogTable } from '../src/platform/db/schema.js';
import { DEMO_PASSWORD } from '../src/seed/demo.seed.js';
import { Client, PG_ADMIN_URL, createTestPlatform, ids, login, runCli, testConfig, type TestPlatform } from './harness.js';

/**
 * The audit trail: every successful write commits exactly its audit rows in its own transaction,
 * failures are recorded by the HTTP layer, secrets never reach the log, the SM3 chain exposes any
 * tampering, and the audit admin can search, page and export.
 */

type AuditRow = Selectable<AuditLogTable>;
type Json = Record<string, unknown>;
interface LaneReport {
  lane: number;
  checked: number;
  firstBrokenId: number | null;
}
interface ChainReport {
  ok: boolean;
  checked: number;
  firstBrokenId: number | null;
  lanes: LaneReport[];
}

const USER_PW = 'Secret@Pass2026';
const USER_PW2 = 'Other@Secret2027';
const RESET_PW = 'Reset@Secret2028';
const PHONE = '13800138000';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Leaf values of a summary whose key looks like a secret. */
function secretLeaves(v: unknown, key = ''): unknown[] {
  if (v === null || typeof v !== 'object') return /password|secret|hash|token|_enc$|recovery/i.test(key) && v !== null && v !== '***' ? [v] : [];
  return Object.entries(v as Json).flatMap(([k, x]) => secretLeaves(x, k));
}

describe('audit trail', () => {
  let p: TestPlatform;
  let sys: Client;
  let sec: Client;
  let aud: Client;
  let I: Awaited<ReturnType<typeof ids>>;
  let root: string;
  let A: string;
  let sysId: string;
  let secId: string;
  const secrets: string[] = [USER_PW, USER_PW2, RESET_PW, DEMO_PASSWORD, PHONE, 'scrypt$'];

  const maxId = async () => Number((await p.deps.db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('m')).executeTakeFirstOrThrow()).m ?? 0);
  const rowsAfter = (id: number) => p.deps.db.selectFrom('audit_log').selectAll().where('id', '>', id).orderBy('id').execute();
  const countRows = async () => Number((await sql<{ n: number }>`select count(*)::int as n from audit_log`.execute(p.deps.db)).rows[0]!.n);
  const verify = async (c = aud) => {
    const res = await c.post<ChainReport>('/api/v1/audit/verify');
    expect(res.status).toBe(200);
    // The totals always agree with the per-lane report.
    const broken = res.body.lanes.map((l) => l.firstBrokenId).filter((id): id is number => id !== null);
    expect(res.body.checked).toBe(res.body.lanes.reduce((n, l) => n + l.checked, 0));
    expect(res.body.firstBrokenId).toBe(broken.length ? Math.min(...broken) : null);
    expect(res.body.ok).toBe(broken.length === 0);
    return res.body;
  };
  const allRows = () => p.deps.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
  /** What verify() reports when exactly one row breaks its lane: that lane stops there, the others hold. */
  const brokenAt = async (id: number): Promise<ChainReport> => {
    const rows = await allRows();
    const lane = Number(rows.find((r) => Number(r.id) === id)!.lane);
    const lanes = [...new Set([...Array.from({ length: LANES }, (_, i) => i), ...rows.map((r) => Number(r.lane))])].sort((a, b) => a - b);
    const perLane = lanes.map((l) => ({
      lane: l,
      checked: rows.filter((r) => Number(r.lane) === l && (l !== lane || Number(r.id) < id)).length,
      firstBrokenId: l === lane ? id : null,
    }));
    return { ok: false, checked: perLane.reduce((n, x) => n + x.checked, 0), firstBrokenId: id, lanes: perLane };
  };
  const healthy = async (): Promise<ChainReport> => {
    const rows = await allRows();
    const lanes = [...new Set([...Array.from({ length: LANES }, (_, i) => i), ...rows.map((r) => Number(r.lane))])].sort((a, b) => a - b);
    return { ok: true, checked: rows.length, firstBrokenId: null, lanes: lanes.map((l) => ({ lane: l, checked: rows.filter((r) => Number(r.lane) === l).length, firstBrokenId: null })) };
  };
  /** The stored row as an insertable value (jsonb columns go back as text). */
  const insertable = (r: AuditRow) => ({ ...r, summary: JSON.stringify(r.summary), heads: r.heads === null ? null : JSON.stringify(r.heads) });
  /** Recomputes a row's hash from its (possibly edited) stored fields: what a forger with database access would do. */
  const rehash = async (r: AuditRow): Promise<string> => {
    const heads = r.heads!;
    const pairs: [number, string][] = [];
    for (const id of heads) {
      const h = id === 0 ? undefined : await p.deps.db.selectFrom('audit_log').select('hash').where('id', '=', id).executeTakeFirstOrThrow();
      pairs.push([id, h?.hash ?? GENESIS_HASH]);
    }
    const { prev_hash, hash: _h, heads: _heads, lane, ...fields } = r;
    return chainHash(prev_hash, { ...(fields as Omit<ChainedFields, 'lane' | 'heads'>), id: Number(r.id), lane: Number(lane), heads: pairs });
  };

  /** Runs a request and returns it with the audit rows it wrote (failure rows land after the response). */
  async function audited<T = Json>(run: () => Promise<{ status: number; body: T }>, expectRows = 1): Promise<{ status: number; body: T; rows: AuditRow[] }> {
    const before = await maxId();
    const res = await run();
    let rows = await rowsAfter(before);
    for (let i = 0; i < 40 && rows.length < expectRows; i++) {
      await sleep(25);
      rows = await rowsAfter(before);
    }
    return { ...res, rows };
  }

  function expectRow(row: AuditRow | undefined, want: { action: string; actorId: string; actorName: string; tenantId: string | null; targetType: string; targetId?: string; result?: 'success' | 'failure' }): AuditRow {
    expect(row).toBeDefined();
    const r = row!;
    expect(r).toMatchObject({
      action: want.action,
      actor_id: want.actorId,
      actor_name: want.actorName,
      tenant_id: want.tenantId,
      ip: '127.0.0.1',
      user_agent: 'vitest',
      target_type: want.targetType,
      result: want.result ?? 'success',
    });
    if (want.targetId !== undefined) expect(r.target_id).toBe(want.targetId);
    expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
    const text = JSON.stringify(r.summary);
    for (const s of secrets) expect(text, `${want.action} summary leaks ${s}`).not.toContain(s);
    expect(secretLeaves(r.summary), `${want.action} summary has secret-looking fields`).toEqual([]);
    return r;
  }

  beforeAll(async () => {
    p = await createTestPlatform();
    I = await ids(p);
    [sys, sec, aud] = await Promise.all([login(p, 'sysadmin'), login(p, 'secadmin'), login(p, 'auditadmin')]);
    root = await I.tenant('650000');
    A = await I.tenant('650100');
    sysId = await I.user('sysadmin');
    secId = await I.user('secadmin');
  });
  afterAll(() => p?.close());

  describe('each successful write commits exactly its audit row', () => {
    let tenantId: string;
    let userId: string;
    const SYS = () => ({ actorId: sysId, actorName: '系统管理员(sysadmin)' });
    const SEC = () => ({ actorId: secId, actorName: '安全管理员(secadmin)' });

    it('tenant create and update', async () => {
      const created = await audited<{ id: string }>(() => sys.post('/api/v1/tenants', { parentId: A, code: 'AUD-T1', name: '审计测试企业', kind: 'enterprise' }));
      expect(created.status).toBe(201);
      tenantId = created.body.id;
      expect(created.rows).toHaveLength(1);
      const c = expectRow(created.rows[0], { action: 'tenant.create', ...SYS(), tenantId, targetType: 'tenant', targetId: tenantId });
      expect(c.summary).toMatchObject({ after: { code: 'AUD-T1', name: '审计测试企业', kind: 'enterprise', parent_id: A } });

      const updated = await audited(() => sys.patch(`/api/v1/tenants/${tenantId}`, { name: '审计测试企业（改名）' }));
      expect(updated.status).toBe(200);
      expect(updated.rows).toHaveLength(1);
      const u = expectRow(updated.rows[0], { action: 'tenant.update', ...SYS(), tenantId, targetType: 'tenant', targetId: tenantId });
      const summary = u.summary as { before: Json; after: Json };
      expect(summary.before.name).toBe('审计测试企业');
      expect(summary.after.name).toBe('审计测试企业（改名）');
      // Only what changed is kept.
      expect(Object.keys(summary.after)).not.toContain('code');
    });

    it('product configuration', async () => {
      const res = await audited(() => sys.put(`/api/v1/tenants/${tenantId}/products`, { products: ['workspace', 'messages'], menus: ['workspace.dashboard', 'messages.inbox'] }));
      expect(res.status).toBe(200);
      expect(res.rows).toHaveLength(1);
      const r = expectRow(res.rows[0], { action: 'tenant.products.update', ...SYS(), tenantId, targetType: 'tenant', targetId: tenantId });
      expect(r.summary).toMatchObject({ after: { products: ['messages', 'workspace'] } });
      expect((r.summary as { before: { products: string[] } }).before.products).toContain('identity');
    });

    it('org create', async () => {
      const res = await audited<{ id: string }>(() => sys.post('/api/v1/orgs', { tenantId, code: 'AUD-O1', name: '审计测试部门', kind: 'department' }));
      expect(res.status).toBe(201);
      expect(res.rows).toHaveLength(1);
      const r = expectRow(res.rows[0], { action: 'org.create', ...SYS(), tenantId, targetType: 'org', targetId: res.body.id });
      expect(r.summary).toMatchObject({ after: { code: 'AUD-O1', name: '审计测试部门', tenant_id: tenantId } });
    });

    it('user create, password change, update, grant, reset and delete never log a secret', async () => {
      const orgId = (await p.deps.db.selectFrom('org').select('id').where('code', '=', 'AUD-O1').executeTakeFirstOrThrow()).id;
      const created = await audited<{ id: string }>(() => sys.post('/api/v1/users', { tenantId, orgId, username: 'aud_user', displayName: '审计测试用户', password: USER_PW, phone: PHONE }));
      expect(created.status).toBe(201);
      userId = created.body.id;
      expect(created.rows).toHaveLength(1);
      const c = expectRow(created.rows[0], { action: 'user.create', ...SYS(), tenantId, targetType: 'user', targetId: userId });
      expect(c.summary).toMatchObject({ after: { username: 'aud_user', displayName: '审计测试用户', phone: '(已加密)' } });

      const u = await login(p, 'aud_user', USER_PW);
      const changed = await audited(() => u.post('/api/v1/me/password', { oldPassword: USER_PW, newPassword: USER_PW2 }));
      expect(changed.status).toBe(200);
      expect(changed.rows).toHaveLength(1);
      expectRow(changed.rows[0], { action: 'user.change-password', actorId: userId, actorName: '审计测试用户(aud_user)', tenantId, targetType: 'user', targetId: userId });

      const enrolled = await audited<{ secret: string }>(() => u.post('/api/v1/me/mfa/enroll'));
      expect(enrolled.status).toBe(200);
      secrets.push(enrolled.body.secret);
      const enc = (await p.deps.db.selectFrom('app_user').select('mfa_secret_enc').where('id', '=', userId).executeTakeFirstOrThrow()).mfa_secret_enc;
      secrets.push(enc!);
      expect(enrolled.rows).toHaveLength(1);
      expectRow(enrolled.rows[0], { action: 'mfa.enroll-start', actorId: userId, actorName: '审计测试用户(aud_user)', tenantId, targetType: 'user', targetId: userId });

      const updated = await audited(() => sys.patch(`/api/v1/users/${userId}`, { displayName: '审计测试用户改', phone: '13900139000' }));
      expect(updated.status).toBe(200);
      expect(updated.rows).toHaveLength(1);
      const up = expectRow(updated.rows[0], { action: 'user.update', ...SYS(), tenantId, targetType: 'user', targetId: userId });
      expect(up.summary).toMatchObject({ before: { displayName: '审计测试用户', phone: '(原号码)' }, after: { displayName: '审计测试用户改', phone: '(新号码)' } });
      expect(JSON.stringify(up.summary)).not.toContain('13900139000');

      const roleId = await I.role('hotline_agent');
      const granted = await audited(() => sec.patch(`/api/v1/users/${userId}`, { roleIds: [roleId] }));
      expect(granted.status).toBe(200);
      expect(granted.rows).toHaveLength(1);
      expectRow(granted.rows[0], { action: 'user.grant', ...SEC(), tenantId, targetType: 'user', targetId: userId }).summary;
      expect(granted.rows[0]!.summary).toMatchObject({ before: { roleIds: [] }, after: { roleIds: [roleId] } });

      const reset = await audited(() => sec.post(`/api/v1/users/${userId}/reset-password`, { newPassword: RESET_PW }));
      expect(reset.status).toBe(200);
      expect(reset.rows).toHaveLength(1);
      expectRow(reset.rows[0], { action: 'user.reset-password', ...SEC(), tenantId, targetType: 'user', targetId: userId });

      const deleted = await audited(() => sys.delete(`/api/v1/users/${userId}`));
      expect(deleted.status).toBe(200);
      expect(deleted.rows).toHaveLength(1);
      const d = expectRow(deleted.rows[0], { action: 'user.delete', ...SYS(), tenantId, targetType: 'user', targetId: userId });
      expect(d.summary).toMatchObject({ before: { username: 'aud_user' } });
    });

    it('role create, config update and dictionary create', async () => {
      const role = await audited<{ id: string }>(() => sec.post('/api/v1/roles', { tenantId: A, code: 'aud_role', name: '审计测试角色', dataScope: 'org', permissions: ['dashboard:view'] }));
      expect(role.status).toBe(201);
      expect(role.rows).toHaveLength(1);
      const r = expectRow(role.rows[0], { action: 'role.create', ...SEC(), tenantId: A, targetType: 'role', targetId: role.body.id });
      expect(r.summary).toMatchObject({ after: { code: 'aud_role', data_scope: 'org', permissions: ['dashboard:view'] } });

      const cfg = await audited(() => sys.put('/api/v1/config/system.hotlineNumber', { value: '96345' }));
      expect(cfg.status).toBe(200);
      expect(cfg.rows).toHaveLength(1);
      const c = expectRow(cfg.rows[0], { action: 'config.update', ...SYS(), tenantId: root, targetType: 'config', targetId: 'system.hotlineNumber' });
      expect(c.summary).toEqual({ before: { value: '12345' }, after: { value: '96345' } });

      const dict = await audited(() => sys.post('/api/v1/dicts', { code: 'aud_dict', name: '审计测试字典', description: '说明' }));
      expect(dict.status).toBe(201);
      expect(dict.rows).toHaveLength(1);
      const d = expectRow(dict.rows[0], { action: 'dict.create', ...SYS(), tenantId: root, targetType: 'dict', targetId: 'aud_dict' });
      expect(d.summary).toMatchObject({ after: { code: 'aud_dict', name: '审计测试字典', tenant_id: root } });
    });

    it('no row of the whole log carries a secret', async () => {
      const all = await p.deps.db.selectFrom('audit_log').selectAll().execute();
      expect(all.length).toBeGreaterThan(10);
      for (const r of all) {
        const text = JSON.stringify(r.summary);
        for (const s of secrets) expect(text, `row ${r.id} (${r.action}) leaks a secret`).not.toContain(s);
        expect(secretLeaves(r.summary), `row ${r.id} (${r.action})`).toEqual([]);
      }
    });
  });

  describe('failed writes', () => {
    it('a conflict inside the transaction rolls back the success row; the HTTP layer records a failure', async () => {
      const tenantsBefore = await p.deps.db.selectFrom('tenant').select('id').execute();
      const dup = await audited(() => sys.post('/api/v1/tenants', { parentId: A, code: 'AUD-T1', name: '重复编码', kind: 'enterprise' }));
      expect(dup.status).toBe(409);
      expect(dup.rows).toHaveLength(1);
      const f = expectRow(dup.rows[0], { action: 'tenant.create', actorId: sysId, actorName: '系统管理员(sysadmin)', tenantId: root, targetType: 'tenant', result: 'failure' });
      expect(f.summary).toMatchObject({ detail: { status: 409, path: '/api/v1/tenants' } });
      expect(await p.deps.db.selectFrom('tenant').select('id').execute()).toHaveLength(tenantsBefore.length);

      const dict = await audited(() => sys.post('/api/v1/dicts', { code: 'gender', name: '重复字典' }));
      expect(dict.status).toBe(409);
      expect(dict.rows.map((r) => [r.action, r.result])).toEqual([['dict.create', 'failure']]);

      const orgId = await I.org('WLMQ-ZJJ');
      const org = await audited(() => sys.patch(`/api/v1/orgs/${orgId}`, { code: 'WLMQ-RSJ' }));
      expect(org.status).toBe(409);
      expect(org.rows.map((r) => [r.action, r.result, r.target_id])).toEqual([['org.update', 'failure', orgId]]);
      expect((await p.deps.db.selectFrom('org').select('code').where('id', '=', orgId).executeTakeFirstOrThrow()).code).toBe('WLMQ-ZJJ');
    });

    it('refused and malformed requests are recorded as failures too; anonymous 401s are not', async () => {
      const wlmq = await login(p, 'admin_wlmq');
      const forbidden = await audited(() => wlmq.put('/api/v1/config/system.hotlineNumber', { value: '1' }));
      expect(forbidden.status).toBe(403);
      expect(forbidden.rows.map((r) => [r.action, r.result, r.tenant_id])).toEqual([['config.update', 'failure', A]]);

      const kash = await I.user('handler_kash');
      const hidden = await audited(() => wlmq.delete(`/api/v1/users/${kash}`));
      expect(hidden.status).toBe(404);
      expect(hidden.rows.map((r) => [r.action, r.result])).toEqual([['user.delete', 'failure']]);

      // A NUL byte in the id must not stop the failure from being recorded.
      const nul = await audited(() => sys.delete('/api/v1/users/%00abc'));
      expect(nul.status).toBe(400);
      expect(nul.rows).toHaveLength(1);
      expectRow(nul.rows[0], { action: 'user.delete', actorId: sysId, actorName: '系统管理员(sysadmin)', tenantId: root, targetType: 'user', result: 'failure' });
      expect(nul.rows[0]!.target_id).not.toContain('\u0000');

      // An invalid body is refused under the caller's own name, not as an anonymous failure.
      const invalid = await audited(() => sys.post('/api/v1/tenants', { parentId: A, code: 'BAD CODE', name: '', kind: 'galaxy' }));
      expect(invalid.status).toBe(400);
      expect(invalid.rows).toHaveLength(1);
      expectRow(invalid.rows[0], { action: 'tenant.create', actorId: sysId, actorName: '系统管理员(sysadmin)', tenantId: root, targetType: 'tenant', result: 'failure' });

      // Without a session nothing is written, whatever the body: anonymous callers cannot fill the log.
      for (const body of [{ parentId: A, code: 'ANON', name: '匿名', kind: 'enterprise' }, { bogus: true }]) {
        const before = await maxId();
        const anon = await new Client(p).post('/api/v1/tenants', body);
        expect(anon.status).toBe(401);
        await sleep(100);
        expect(await rowsAfter(before)).toHaveLength(0);
      }
      const malformed = await audited(
        () => p.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: { 'content-type': 'application/json', 'user-agent': 'vitest' }, payload: '{"oops' }).then((r) => ({ status: r.statusCode, body: r.json() as Json })),
        0,
      );
      expect(malformed.status).toBe(401);
      expect(malformed.rows).toHaveLength(0);
    });
  });

  describe('tamper evidence', () => {
    it('an untouched chain verifies, with checked = row count', async () => {
      const report = await verify();
      expect(report).toEqual(await healthy());
      expect(report).toMatchObject({ ok: true, checked: await countRows(), firstBrokenId: null });
      expect(report.checked).toBeGreaterThan(15);
      expect((await sys.post('/api/v1/audit/verify')).status).toBe(403);
    });

    it('a changed summary, actor name or result is found at that row', async () => {
      const ids = (await p.deps.db.selectFrom('audit_log').select('id').orderBy('id').execute()).map((r) => Number(r.id));
      const target = ids[Math.floor(ids.length / 2)]!;
      const original = await p.deps.db.selectFrom('audit_log').selectAll().where('id', '=', target).executeTakeFirstOrThrow();
      const tamperings: { column: string; set: () => Promise<unknown> }[] = [
        { column: 'summary', set: () => p.deps.db.updateTable('audit_log').set({ summary: JSON.stringify({ ...(original.summary as Json), forged: true }) }).where('id', '=', target).execute() },
        { column: 'actor_name', set: () => p.deps.db.updateTable('audit_log').set({ actor_name: '某个无辜的人' }).where('id', '=', target).execute() },
        { column: 'result', set: () => p.deps.db.updateTable('audit_log').set({ result: original.result === 'success' ? 'failure' : 'success' }).where('id', '=', target).execute() },
        { column: 'at', set: () => p.deps.db.updateTable('audit_log').set({ at: new Date(new Date(original.at).getTime() - 86_400_000) }).where('id', '=', target).execute() },
      ];
      for (const t of tamperings) {
        await t.set();
        expect(await verify(), `tampered ${t.column}`).toEqual(await brokenAt(target));
        await p.deps.db
          .updateTable('audit_log')
          .set({ summary: JSON.stringify(original.summary), actor_name: original.actor_name, result: original.result, at: original.at })
          .where('id', '=', target)
          .execute();
        expect((await verify()).ok, `restored ${t.column}`).toBe(true);
      }
    });

    it('a deleted middle row is found at the first later row, in any lane; a forged row at the end is found at its id', async () => {
      const ids = (await p.deps.db.selectFrom('audit_log').select('id').orderBy('id').execute()).map((r) => Number(r.id));
      const middle = ids[Math.floor(ids.length / 2)]!;
      // These writes ran one after the other, so the next row saw the middle one: as the next row of
      // its lane (prev_hash), or as the head of the middle row's lane that it recorded.
      const next = ids[ids.indexOf(middle) + 1]!;
      const saved = await p.deps.db.selectFrom('audit_log').selectAll().where('id', '=', middle).executeTakeFirstOrThrow();
      const nextRow = await p.deps.db.selectFrom('audit_log').selectAll().where('id', '=', next).executeTakeFirstOrThrow();
      expect(nextRow.heads![Number(saved.lane)]).toBe(middle);
      await p.deps.db.deleteFrom('audit_log').where('id', '=', middle).execute();
      const report = await verify();
      expect(report).toMatchObject({ ok: false, firstBrokenId: next });
      expect(report.checked).toBeLessThan(ids.length - 1);
      await p.deps.db.insertInto('audit_log').values(insertable(saved)).execute();
      const restored = await verify();
      expect(restored).toEqual(await healthy());

      // A row appended behind the application's back, with a made-up hash.
      const last = await p.deps.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
      const forgedId = Number(last.id) + 1;
      await p.deps.db
        .insertInto('audit_log')
        .values({ ...insertable(last), id: forgedId, action: 'user.delete', summary: '{}', prev_hash: last.hash, hash: 'f'.repeat(64) })
        .execute();
      expect(await verify()).toEqual(await brokenAt(forgedId));
      expect((await verify()).checked).toBe(restored.checked);
      await p.deps.db.deleteFrom('audit_log').where('id', '=', forgedId).execute();
      expect(await verify()).toEqual(await healthy());
    });

    describe('chain lanes', () => {
      const actor = { userId: null, name: '测试', tenantId: null, ip: '127.0.0.1', userAgent: 'vitest' };
      /** One transaction per batch, as commit() does: `rows` audit rows each. */
      const writeBatches = (count: number, rows: number, tag: string) =>
        Promise.all(
          Array.from({ length: count }, (_, i) =>
            p.deps.db.transaction().execute(async (trx) => {
              for (let j = 0; j < rows; j++) await recordAudit(trx, p.clock, actor, { action: `lane.test.${tag}`, targetType: 'test', targetId: `${tag}-${i}`, after: { i, j } });
            }),
          ),
        );

      it('transactions spread over several lanes; all rows of one transaction share a lane and link in order', async () => {
        const before = await maxId();
        await writeBatches(40, 3, 'spread');
        const rows = await rowsAfter(before);
        expect(rows).toHaveLength(120);
        const byTx = new Map<string, AuditRow[]>();
        for (const r of rows) byTx.set(r.target_id, [...(byTx.get(r.target_id) ?? []), r]);
        for (const [tx, rs] of byTx) {
          expect(new Set(rs.map((r) => r.lane)).size, tx).toBe(1);
          expect(rs[1]!.prev_hash, tx).toBe(rs[0]!.hash);
          expect(rs[2]!.prev_hash, tx).toBe(rs[1]!.hash);
        }
        const lanes = new Set(rows.map((r) => Number(r.lane)));
        expect(lanes.size).toBeGreaterThanOrEqual(4);
        for (const l of lanes) expect(l >= 0 && l < LANES).toBe(true);
        for (const r of rows) expect(r.heads).toHaveLength(LANES);
        expect(await verify()).toEqual(await healthy());
      });

      it('a tampered row in a non-zero lane is found at its id, and only its lane stops', async () => {
        const target = (await allRows()).filter((r) => Number(r.lane) !== 0).at(-5)!;
        await p.deps.db.updateTable('audit_log').set({ actor_name: '篡改' }).where('id', '=', target.id).execute();
        const report = await verify();
        expect(report).toEqual(await brokenAt(Number(target.id)));
        expect(report.lanes.find((l) => l.lane === Number(target.lane))!.firstBrokenId).toBe(Number(target.id));
        await p.deps.db.updateTable('audit_log').set({ actor_name: target.actor_name }).where('id', '=', target.id).execute();
        expect(await verify()).toEqual(await healthy());
      });

      it('moving a row to another lane is found at that row, even when it was the last of its lane', async () => {
        const rows = await allRows();
        for (const target of [rows.at(-10)!, rows.at(-1)!]) {
          const to = (Number(target.lane) + 1) % LANES;
          await p.deps.db.updateTable('audit_log').set({ lane: to }).where('id', '=', target.id).execute();
          const report = await verify();
          expect(report).toMatchObject({ ok: false, firstBrokenId: Number(target.id) });
          expect(report.lanes.find((l) => l.lane === to)!.firstBrokenId).toBe(Number(target.id));
          // A lane outside 0..LANES-1 is reported too.
          await p.deps.db.updateTable('audit_log').set({ lane: 99 }).where('id', '=', target.id).execute();
          const far = await verify();
          expect(far).toMatchObject({ ok: false, firstBrokenId: Number(target.id) });
          expect(far.lanes.find((l) => l.lane === 99)).toEqual({ lane: 99, checked: 0, firstBrokenId: Number(target.id) });
          await p.deps.db.updateTable('audit_log').set({ lane: target.lane }).where('id', '=', target.id).execute();
          expect(await verify()).toEqual(await healthy());
        }
      });

      it('a row turned into a pre-lane row (heads and lane cleared) is found at its id', async () => {
        const target = (await allRows()).filter((r) => Number(r.lane) !== 0).at(-3)!;
        await p.deps.db.updateTable('audit_log').set({ heads: null, lane: 0 }).where('id', '=', target.id).execute();
        expect(await verify()).toMatchObject({ ok: false, firstBrokenId: Number(target.id) });
        await p.deps.db.updateTable('audit_log').set({ heads: JSON.stringify(target.heads), lane: target.lane }).where('id', '=', target.id).execute();
        expect(await verify()).toEqual(await healthy());
      });

      it("the last row of a quiet lane is vouched for by later rows of other lanes: deleting it, or rewriting it with a recomputed hash, is found", async () => {
        // Make one lane quiet: its last row, then writes that land in other lanes and record it.
        let quiet: AuditRow | undefined;
        let witness: AuditRow | undefined;
        for (let i = 0; i < 50 && !witness; i++) {
          const mark = await maxId();
          await writeBatches(1, 1, `quiet${i}`);
          const [r] = await rowsAfter(mark);
          // The first row, or one that landed in the same lane (it is now that lane's last row).
          if (!quiet || r!.lane === quiet.lane) quiet = r;
          else witness = r;
        }
        if (!quiet || !witness) return expect.fail('no write landed in another lane');
        const lane = Number(quiet.lane);
        expect(witness.heads![lane]).toBe(Number(quiet!.id));
        const laneTail = await p.deps.db.selectFrom('audit_log').select('id').where('lane', '=', lane).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
        expect(Number(laneTail.id)).toBe(Number(quiet!.id));

        // Deleted: its lane still links, but the later row recorded a head that is gone.
        await p.deps.db.deleteFrom('audit_log').where('id', '=', quiet!.id).execute();
        const deleted = await verify();
        expect(deleted).toMatchObject({ ok: false, firstBrokenId: Number(witness.id) });
        expect(deleted.lanes.find((l) => l.lane === lane)!.firstBrokenId).toBeNull();
        await p.deps.db.insertInto('audit_log').values(insertable(quiet!)).execute();
        expect(await verify()).toEqual(await healthy());

        // Rewritten with a valid hash of the forged content: the row itself holds, the later one does not.
        const forged = { ...quiet!, summary: { forged: true } };
        const forgedHash = await rehash(forged);
        await p.deps.db.updateTable('audit_log').set({ summary: JSON.stringify(forged.summary), hash: forgedHash }).where('id', '=', quiet!.id).execute();
        const rewritten = await verify();
        expect(rewritten).toMatchObject({ ok: false, firstBrokenId: Number(witness.id) });
        expect(rewritten.lanes.find((l) => l.lane === lane)!.firstBrokenId).toBeNull();
        await p.deps.db.updateTable('audit_log').set({ summary: JSON.stringify(quiet!.summary), hash: quiet!.hash }).where('id', '=', quiet!.id).execute();
        expect(await verify()).toEqual(await healthy());
        // The recomputation above is faithful: an unchanged row rehashes to its stored hash.
        expect(await rehash(quiet!)).toBe(quiet!.hash);
      });

      it('when every lane is taken, the next writer waits for one and then lands (PostgreSQL)', async () => {
        if (p.kind !== 'postgres') return; // PGlite has one connection: transactions never overlap
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        let holding = 0;
        const holders = Array.from({ length: LANES }, (_, i) =>
          p.deps.db.transaction().execute(async (trx) => {
            await recordAudit(trx, p.clock, actor, { action: 'lane.test.hold', targetType: 'test', targetId: `hold-${i}` });
            holding++;
            await gate;
          }),
        );
        for (let i = 0; i < 400 && holding < LANES; i++) await sleep(10);
        expect(holding).toBe(LANES);
        let landed = false;
        const waiter = p.deps.db
          .transaction()
          .execute((trx) => recordAudit(trx, p.clock, actor, { action: 'lane.test.wait', targetType: 'test' }))
          .then(() => (landed = true));
        await sleep(300);
        expect(landed).toBe(false);
        release();
        await Promise.all([...holders, waiter]);
        expect(landed).toBe(true);
        // A free lane is always preferred: the eight holders took eight different lanes.
        const held = await p.deps.db.selectFrom('audit_log').select('lane').where('action', '=', 'lane.test.hold').execute();
        expect(new Set(held.map((r) => r.lane)).size).toBe(LANES);
        expect(await verify()).toEqual(await healthy());
      });

      it('50 concurrent audited requests and 50 concurrent multi-row transactions all land, and the chain holds', async () => {
        const before = await maxId();
        const [responses] = await Promise.all([
          Promise.all(Array.from({ length: 50 }, (_, i) => sys.post('/api/v1/dicts', { code: `aud_par_${i}`, name: `并发字典${i}`, description: '并发' }))),
          writeBatches(50, 3, 'parallel'),
        ]);
        expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
        const rows = await rowsAfter(before);
        expect(rows.filter((r) => r.action === 'dict.create')).toHaveLength(50);
        expect(rows.filter((r) => r.action === 'lane.test.parallel')).toHaveLength(150);
        const byTx = new Map<string, AuditRow[]>();
        for (const r of rows.filter((x) => x.action === 'lane.test.parallel')) byTx.set(r.target_id, [...(byTx.get(r.target_id) ?? []), r]);
        for (const [tx, rs] of byTx) expect(new Set(rs.map((r) => r.lane)).size, tx).toBe(1);
        expect(new Set(rows.map((r) => r.lane)).size).toBeGreaterThanOrEqual(4);
        expect(await verify()).toEqual(await healthy());
      });
    });
  });

  describe('search, paging and export', () => {
    it('filters by actor, action, result and time range', async () => {
      type Page = { items: { id: number; actorName: string; action: string; result: string; at: string }[]; total: number };
      const all = await aud.get<Page>('/api/v1/audit/logs?pageSize=200');
      expect(all.status).toBe(200);
      expect(all.body.total).toBe(await countRows());

      const bySec = await aud.get<Page>(`/api/v1/audit/logs?pageSize=200&actor=${encodeURIComponent('secadmin')}`);
      expect(bySec.body.total).toBeGreaterThan(0);
      expect(bySec.body.items.every((r) => r.actorName.includes('secadmin'))).toBe(true);

      const byAction = await aud.get<Page>('/api/v1/audit/logs?pageSize=200&action=tenant.create');
      expect(byAction.body.items.map((r) => r.action)).toEqual(byAction.body.items.map(() => 'tenant.create'));
      expect(byAction.body.total).toBe((await p.deps.db.selectFrom('audit_log').select('id').where('action', '=', 'tenant.create').execute()).length);
      expect(byAction.body.total).toBeGreaterThan(1);

      const failures = await aud.get<Page>('/api/v1/audit/logs?pageSize=200&result=failure');
      const dbFailures = await p.deps.db.selectFrom('audit_log').select('id').where('result', '=', 'failure').execute();
      expect(failures.body.total).toBe(dbFailures.length);
      expect(failures.body.items.every((r) => r.result === 'failure')).toBe(true);
      const combined = await aud.get<Page>('/api/v1/audit/logs?pageSize=200&result=failure&action=dict.create&actor=sysadmin');
      expect(combined.body.total).toBe(1);

      // Time range: move the clock on (less than the idle timeout) and write once more.
      const t0 = p.clock.now();
      p.clock.advance(20 * 60_000);
      const late = await sys.post('/api/v1/dicts', { code: 'aud_late', name: '较晚的字典' });
      expect(late.status).toBe(201);
      const cut = new Date(t0.getTime() + 10 * 60_000).toISOString();
      const after = await aud.get<Page>(`/api/v1/audit/logs?pageSize=200&from=${encodeURIComponent(cut)}`);
      const before = await aud.get<Page>(`/api/v1/audit/logs?pageSize=200&to=${encodeURIComponent(cut)}`);
      expect(after.body.items.map((r) => r.action)).toEqual(['dict.create']);
      expect(after.body.total + before.body.total).toBe(await countRows());
      expect(before.body.items.every((r) => new Date(r.at).getTime() <= new Date(cut).getTime())).toBe(true);
      const window = await aud.get<Page>(`/api/v1/audit/logs?from=${encodeURIComponent(cut)}&to=${encodeURIComponent(new Date(t0.getTime() + 30 * 60_000).toISOString())}`);
      expect(window.body.total).toBe(1);
    });

    it('pages consistently', async () => {
      type Page = { items: { id: number }[]; total: number };
      const total = await countRows();
      const p1 = await aud.get<Page>('/api/v1/audit/logs?pageSize=3&page=1');
      const p2 = await aud.get<Page>('/api/v1/audit/logs?pageSize=3&page=2');
      expect(p1.body.total).toBe(total);
      expect(p2.body.total).toBe(total);
      expect(p1.body.items).toHaveLength(3);
      expect(p2.body.items).toHaveLength(3);
      const idsSeen = [...p1.body.items, ...p2.body.items].map((r) => r.id);
      expect(new Set(idsSeen).size).toBe(6);
      expect(idsSeen).toEqual([...idsSeen].sort((a, b) => b - a));
      const asc = await aud.get<Page>('/api/v1/audit/logs?pageSize=3&page=1&order=asc');
      expect(asc.status).toBe(200);
      const beyond = await aud.get<Page>(`/api/v1/audit/logs?pageSize=200&page=${Math.ceil(total / 200) + 5}`);
      expect(beyond.body).toEqual({ items: [], total });
      let walked = 0;
      for (let page = 1; ; page++) {
        const r = await aud.get<Page>(`/api/v1/audit/logs?pageSize=7&page=${page}`);
        walked += r.body.items.length;
        if (r.body.items.length < 7) break;
      }
      expect(walked).toBe(total);
      for (const bad of ['pageSize=0', 'pageSize=201', 'page=0', 'page=x']) expect((await aud.get(`/api/v1/audit/logs?${bad}`)).status, bad).toBe(400);
    });

    it('exports an xlsx with Chinese headers and one row per matching entry', async () => {
      const load = async (query: string) => {
        const res = await p.app.inject({ url: `/api/v1/audit/logs/export${query}`, headers: { authorization: `Bearer ${aud.token ?? ''}`, 'user-agent': 'vitest' } });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toContain('spreadsheetml.sheet');
        expect(String(res.headers['content-disposition'])).toContain(`filename*=UTF-8''${encodeURIComponent('审计日志-')}`);
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
        const ws = wb.getWorksheet('审计日志');
        expect(ws).toBeDefined();
        const rows: unknown[][] = [];
        ws!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
        return rows;
      };
      const rows = await load('');
      expect(rows[0]).toEqual(['序号', '时间', '操作人', 'IP', '操作', '对象类型', '对象ID', '结果', '变更摘要', '终端', '哈希(SM3)']);
      expect(rows.length - 1).toBe(await countRows());
      const newest = await p.deps.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
      expect(rows[1]![0]).toBe(Number(newest.id));
      expect(rows[1]![4]).toBe(newest.action);
      expect(rows[1]![9]).toBe('vitest');
      expect(rows[1]![10]).toBe(newest.hash);

      const filtered = await load('?action=tenant.create&result=failure');
      const failedCreates = await p.deps.db.selectFrom('audit_log').select('id').where('action', '=', 'tenant.create').where('result', '=', 'failure').execute();
      expect(failedCreates.length).toBeGreaterThan(0);
      expect(filtered.length - 1).toBe(failedCreates.length);
      expect(filtered[1]![4]).toBe('tenant.create');
      expect(filtered[1]![7]).toBe('失败');

      expect((await sys.get('/api/v1/audit/logs/export')).status).toBe(403);
    });

    it('login logs and access logs have rows', async () => {
      type Page = { items: Json[]; total: number };
      const bad = await new Client(p).post('/api/v1/auth/login', { username: 'reviewer01', password: 'wrong-password' });
      expect(bad.status).toBe(401);
      const logins = await aud.get<Page>('/api/v1/audit/login-logs?pageSize=200');
      expect(logins.status).toBe(200);
      expect(logins.body.items.some((r) => r.username === 'sysadmin' && r.result === 'success')).toBe(true);
      const failed = await aud.get<Page>('/api/v1/audit/login-logs?username=reviewer01&result=failure');
      expect(failed.body.items).toHaveLength(1);
      expect(failed.body.items[0]).toMatchObject({ username: 'reviewer01', result: 'failure', reason: 'bad-password', ip: '127.0.0.1', userAgent: 'vitest' });

      expect((await sys.get(`/api/v1/tenants/${A}`)).status).toBe(200);
      // Access logs are written in batches once a second, off the request path.
      let access: Page = { items: [], total: 0 };
      for (let i = 0; i < 30; i++) {
        await sleep(100);
        access = (await aud.get<Page>('/api/v1/audit/access-logs?username=sysadmin&module=tenants&pageSize=200')).body;
        if (access.items.some((r) => r.path === `/api/v1/tenants/${A}`)) break;
      }
      const row = access.items.find((r) => r.path === `/api/v1/tenants/${A}`);
      expect(row).toMatchObject({ username: 'sysadmin', method: 'GET', module: 'tenants', status: 200, ip: '127.0.0.1' });
      expect(access.items.every((r) => r.module === 'tenants' && r.username === 'sysadmin')).toBe(true);
      expect((await sys.get('/api/v1/audit/access-logs')).status).toBe(403);
    });
  });

  describe('upgrade to lanes (0011-audit-lanes)', () => {
    it('a log written before lanes keeps verifying, and new rows continue it with sequence ids', async () => {
      // An embedded database migrated to just before lanes, with a chain written the old way.
      const handle = await openDatabase({});
      try {
        const db = handle.db;
        await migrateToLatest(db as never, MIGRATIONS.filter((m) => m.name < '0011'));
        let prev = GENESIS_HASH;
        for (let id = 1; id <= 3; id++) {
          const row: ChainedFields = { id, at: p.clock.now(), tenant_id: null, actor_id: null, actor_name: '旧版', ip: '127.0.0.1', user_agent: 'old', action: `old.${id}`, target_type: 'test', target_id: '', summary: { id }, result: 'success' };
          const hash = chainHash(prev, row);
          await sql`insert into audit_log (id, at, tenant_id, actor_id, actor_name, ip, user_agent, action, target_type, target_id, summary, result, prev_hash, hash)
            values (${id}, ${row.at}, null, null, ${row.actor_name}, ${row.ip}, ${row.user_agent}, ${row.action}, ${row.target_type}, '', ${JSON.stringify(row.summary)}, 'success', ${prev}, ${hash})`.execute(db);
          prev = hash;
        }
        await migrateToLatest(db as never, MIGRATIONS);
        expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 3, firstBrokenId: null });
        const actor = { userId: null, name: '新版', tenantId: null, ip: '127.0.0.1', userAgent: 'new' };
        for (let i = 0; i < 6; i++) await db.transaction().execute((trx) => recordAudit(trx, p.clock, actor, { action: `new.${i}`, targetType: 'test' }));
        const rows = await db.selectFrom('audit_log').selectAll().orderBy('id').execute();
        expect(rows.map((r) => Number(r.id))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(rows.slice(0, 3).map((r) => [Number(r.lane), r.heads])).toEqual([[0, null], [0, null], [0, null]]);
        for (const r of rows.slice(3)) expect((r.heads as number[])[0]).toBeGreaterThanOrEqual(3); // every new row saw the old chain's end
        const report = await verifyAuditChain(db);
        expect(report).toMatchObject({ ok: true, checked: 9, firstBrokenId: null });
        // Outside the transaction it opens its own, and still lands.
        await recordAudit(db, p.clock, actor, { action: 'new.direct', targetType: 'test' });
        expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 10 });
        // An old row edited after the upgrade is still found at its id.
        await db.updateTable('audit_log').set({ actor_name: '篡改' }).where('id', '=', 2).execute();
        expect(await verifyAuditChain(db)).toMatchObject({ ok: false, firstBrokenId: 2 });
      } finally {
        await handle.close();
      }
    });
  });

  describe('audit:verify command', () => {
    const run = (env: Record<string, string>) => runCli('src/cli/audit-verify.ts', [], env);
    const keys = testConfig().keys;
    const keyEnv = { HOTLINE_SM4_KEY: keys.sm4KeyHex, HOTLINE_INDEX_KEY: keys.indexKeyHex, HOTLINE_SM2_PRIVATE_KEY: 'unused', HOTLINE_SM2_PUBLIC_KEY: 'unused' };

    it('prints {ok, checked, firstBrokenId} and exits 0, or 2 when the chain is broken', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'audit-verify-'));
      try {
        // The command runs in its own process: on PostgreSQL it opens this file's database; PGlite
        // is in memory here, so it gets a small embedded database on disk with a chain of three rows.
        let env: Record<string, string>;
        let rows: number;
        let breakChain: () => Promise<number>;
        let repair: () => Promise<void> = async () => {};
        if (p.kind === 'postgres') {
          const name = (await sql<{ d: string }>`select current_database() as d`.execute(p.deps.db)).rows[0]!.d;
          env = { ...keyEnv, DATABASE_URL: PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`), HOTLINE_DATA_DIR: dir };
          rows = await countRows();
          breakChain = async () => {
            const row = await p.deps.db.selectFrom('audit_log').select(['id', 'actor_name']).orderBy('id').offset(2).limit(1).executeTakeFirstOrThrow();
            await p.deps.db.updateTable('audit_log').set({ actor_name: '篡改' }).where('id', '=', row.id).execute();
            repair = async () => {
              await p.deps.db.updateTable('audit_log').set({ actor_name: row.actor_name }).where('id', '=', row.id).execute();
            };
            return Number(row.id);
          };
        } else {
          const handle = await openDatabase({ dataDir: join(dir, 'pglite') });
          await migrateToLatest(handle.db as never, MIGRATIONS);
          const actor = { userId: null, name: '测试', tenantId: null, ip: '127.0.0.1', userAgent: 'vitest' };
          await handle.db.transaction().execute(async (trx) => {
            for (const action of ['a.one', 'a.two', 'a.three']) await recordAudit(trx, p.clock, actor, { action, targetType: 'test', after: { action } });
          });
          await handle.close();
          env = { ...keyEnv, DATABASE_URL: '', HOTLINE_DATA_DIR: dir };
          rows = 3;
          breakChain = async () => {
            const h = await openDatabase({ dataDir: join(dir, 'pglite') });
            await h.db.updateTable('audit_log').set({ summary: '{"forged":true}' }).where('id', '=', 2).execute();
            await h.close();
            // The in-process API gives the same report as the command.
            const direct = await auditVerify({ databaseUrl: '', dataDir: dir });
            expect(direct).toMatchObject({ ok: false, checked: 1, firstBrokenId: 2 });
            expect(direct.lanes.filter((l) => l.firstBrokenId !== null)).toEqual([{ lane: direct.lanes.find((l) => l.firstBrokenId === 2)!.lane, checked: 1, firstBrokenId: 2 }]);
            expect(exitCodeOf(direct)).toBe(2);
            return 2;
          };
        }
        const good = await run(env);
        expect(good.code, good.stderr).toBe(0);
        expect(JSON.parse(good.stdout)).toMatchObject({ ok: true, checked: rows, firstBrokenId: null });
        expect(JSON.parse(good.stdout).lanes).toHaveLength(LANES);

        const brokenId = await breakChain();
        const broken = await run(env);
        await repair();
        expect(broken.code, broken.stderr).toBe(2);
        expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, firstBrokenId: brokenId });

        const missing = await run({ ...keyEnv, DATABASE_URL: '', HOTLINE_DATA_DIR: join(dir, 'does-not-exist') });
        expect(missing.code).toBe(1);
        expect(missing.stderr).toMatch(/[\u4e00-\u9fa5]/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      expect((await verify()).ok).toBe(true);
    });
  });
});
