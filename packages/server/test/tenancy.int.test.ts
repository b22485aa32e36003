import { randomBytes, randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../src/modules/identity/auth.service.js';
import { startImport } from '../src/platform/excel/import-jobs.js';
import { Client, createTestPlatform, ids, login, type Res, type TestPlatform } from './harness.js';

/**
 * The cross-tenant attack matrix. Tenant B (喀什地区 653100) gets an org, users, a custom role, a
 * dictionary, a notification and a live session; administrators of tenant A (乌鲁木齐市 650100) and
 * of A's child 天山区 (650102) attack them through every route of the OpenAPI spec that takes an id
 * or a tenant id. Anything outside the caller's subtree must be "not found" — indistinguishable
 * from an id that does not exist — and must stay unchanged in the database.
 */

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Json = Record<string, unknown>;

interface SchemaObj {
  type?: string;
  properties?: Record<string, SchemaObj>;
}
interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: SchemaObj }> };
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
}

const INIT_PW = 'Init@Pass2026x';
const NEW_PW = 'Changed@Pass2026y';
const ID_INPUT = /^id$|Id$|Ids$|^targets$/;

/** Records of one tenant that an attacker goes after; the "ghost" target holds ids that do not exist. */
interface Target {
  label: string;
  tenant: string;
  /** A county (区县) to import townships into. */
  county: string;
  org: string;
  user: string;
  role: string;
  notification: string;
  session: string;
  /** Tenant-owned dictionary; absent where the dictionary is readable by design (ancestors' dicts). */
  dict?: { code: string; item: string };
  /** An import job started by a user of the tenant (jobs are visible to their owner only). */
  importJob: string;
}

type AttackerKind = 'sys' | 'sec' | 'audit';
interface Attacker {
  name: string;
  kind: AttackerKind;
  c: Client;
  /** The attacker's own tenant, an org and a user inside it, to mix own and foreign ids. */
  tenant: string;
  org: string;
  user: string;
  /** Every tenant id in the attacker's subtree. */
  subtree: Set<string>;
}

interface Req {
  method: Method;
  url: string;
  body?: unknown;
}

/**
 * hidden: 404 NOT_FOUND, exactly like the ghost (non-existent) ids.
 * sameAsGhost: a foreign id inside a body is answered exactly like a non-existent one (and not 2xx/403).
 * list: 200 and no row from outside the attacker's subtree (checked by `check`).
 * forbidden: the route is not tenant-scoped (global), and the attacker may not use it at all.
 */
type Expect = 'hidden' | 'sameAsGhost' | 'list' | 'forbidden';
interface Case {
  as: AttackerKind | 'any';
  expect: Expect;
  req: (t: Target, me: Attacker) => Req | null;
  check?: (body: unknown, me: Attacker, ctx: Ctx) => void | Promise<void>;
}

interface Ctx {
  p: TestPlatform;
  userTenant: Map<string, string>;
}

const get = (url: string): Req => ({ method: 'GET', url });

const CASES: Record<string, Case[]> = {
  'DELETE /api/v1/me/sessions/{id}': [{ as: 'any', expect: 'hidden', req: (t) => ({ method: 'DELETE', url: `/api/v1/me/sessions/${t.session}` }) }],
  'GET /api/v1/sessions': [{ as: 'sec', expect: 'list', req: (t) => get(`/api/v1/sessions?userId=${t.user}`), check: sessionsInSubtree }],
  'DELETE /api/v1/sessions/{id}': [{ as: 'sec', expect: 'hidden', req: (t) => ({ method: 'DELETE', url: `/api/v1/sessions/${t.session}` }) }],
  'GET /api/v1/tenants/{id}': [
    { as: 'sys', expect: 'hidden', req: (t) => get(`/api/v1/tenants/${t.tenant}`) },
    { as: 'sys', expect: 'hidden', req: (t) => get(`/api/v1/tenants/${t.county}`) },
  ],
  'PATCH /api/v1/tenants/{id}': [
    { as: 'sys', expect: 'hidden', req: (t) => ({ method: 'PATCH', url: `/api/v1/tenants/${t.tenant}`, body: { name: '被篡改的租户' } }) },
    { as: 'sys', expect: 'hidden', req: (t) => ({ method: 'PATCH', url: `/api/v1/tenants/${t.county}`, body: { status: 'disabled' } }) },
  ],
  'POST /api/v1/tenants': [
    { as: 'sys', expect: 'hidden', req: (t) => ({ method: 'POST', url: '/api/v1/tenants', body: { parentId: t.tenant, code: `ATK-${randomBytes(3).toString('hex')}`, name: '攻击者建的下级', kind: 'region' } }) },
  ],
  'GET /api/v1/tenants/{id}/products': [{ as: 'sys', expect: 'hidden', req: (t) => get(`/api/v1/tenants/${t.tenant}/products`) }],
  'PUT /api/v1/tenants/{id}/products': [{ as: 'sys', expect: 'hidden', req: (t) => ({ method: 'PUT', url: `/api/v1/tenants/${t.tenant}/products`, body: { products: ['workspace'], menus: [] } }) }],
  'POST /api/v1/tenants/{id}/import-townships': [{ as: 'sys', expect: 'hidden', req: (t) => ({ method: 'POST', url: `/api/v1/tenants/${t.county}/import-townships` }) }],
  'GET /api/v1/orgs/tree': [{ as: 'sys', expect: 'hidden', req: (t) => get(`/api/v1/orgs/tree?tenantId=${t.tenant}`) }],
  'POST /api/v1/orgs': [
    { as: 'sys', expect: 'hidden', req: (t) => ({ method: 'POST', url: '/api/v1/orgs', body: { tenantId: t.tenant, code: 'ATK-ORG', name: '攻击者的机构', kind: 'department' } }) },
    { as: 'sys', expect: 'hidden', req: (t, me) => ({ method: 'POST', url: '/api/v1/orgs', body: { tenantId: me.tenant, parentId: t.org, code: 'ATK-ORG2', name: '挂到别人机构下', kind: 'team' } }) },
  ],
  'PATCH /api/v1/orgs/{id}': [{ as: 'sys', expect: 'hidden', req: (t) => ({ method: 'PATCH', url: `/api/v1/orgs/${t.org}`, body: { name: '被篡改的机构' } }) }],
  'DELETE /api/v1/orgs/{id}': [{ as: 'sys', expect: 'hidden', req: (t) => ({ method: 'DELETE', url: `/api/v1/orgs/${t.org}` }) }],
  'GET /api/v1/users': [
    { as: 'sys', expect: 'list', req: (t) => get(`/api/v1/users?tenantId=${t.tenant}&pageSize=200`), check: usersInSubtree },
    { as: 'sys', expect: 'list', req: (t) => get(`/api/v1/users?orgId=${t.org}&pageSize=200`), check: usersInSubtree },
    { as: 'sec', expect: 'list', req: (t) => get(`/api/v1/users?tenantId=${t.tenant}&pageSize=200`), check: usersInSubtree },
  ],
  'POST /api/v1/users': [
    { as: 'sys', expect: 'hidden', req: (t) => ({ method: 'POST', url: '/api/v1/users', body: { tenantId: t.tenant, orgId: t.org, username: 'atk_user1', displayName: '攻击者', password: INIT_PW } }) },
    { as: 'sys', expect: 'hidden', req: (t, me) => ({ method: 'POST', url: '/api/v1/users', body: { tenantId: me.tenant, orgId: t.org, username: 'atk_user2', displayName: '攻击者', password: INIT_PW } }) },
  ],
  'GET /api/v1/users/{id}': [
    { as: 'sys', expect: 'hidden', req: (t) => get(`/api/v1/users/${t.user}`) },
    { as: 'sec', expect: 'hidden', req: (t) => get(`/api/v1/users/${t.user}`) },
  ],
  'PATCH /api/v1/users/{id}': [
    { as: 'sys', expect: 'hidden', req: (t) => ({ method: 'PATCH', url: `/api/v1/users/${t.user}`, body: { displayName: '被篡改', status: 'disabled' } }) },
    { as: 'sec', expect: 'hidden', req: (t) => ({ method: 'PATCH', url: `/api/v1/users/${t.user}`, body: { roleIds: [] } }) },
    // Foreign ids as references inside a body on one's own user.
    { as: 'sys', expect: 'hidden', req: (t, me) => ({ method: 'PATCH', url: `/api/v1/users/${me.user}`, body: { orgId: t.org } }) },
    { as: 'sec', expect: 'sameAsGhost', req: (t, me) => ({ method: 'PATCH', url: `/api/v1/users/${me.user}`, body: { roleIds: [t.role] } }) },
  ],
  'DELETE /api/v1/users/{id}': [{ as: 'sys', expect: 'hidden', req: (t) => ({ method: 'DELETE', url: `/api/v1/users/${t.user}` }) }],
  'POST /api/v1/users/{id}/reset-password': [{ as: 'sec', expect: 'hidden', req: (t) => ({ method: 'POST', url: `/api/v1/users/${t.user}/reset-password`, body: { newPassword: 'Hijack@Pass2026' } }) }],
  'POST /api/v1/users/{id}/unlock': [{ as: 'sec', expect: 'hidden', req: (t) => ({ method: 'POST', url: `/api/v1/users/${t.user}/unlock` }) }],
  'GET /api/v1/roles': [
    { as: 'sec', expect: 'hidden', req: (t) => get(`/api/v1/roles?tenantId=${t.tenant}`) },
    { as: 'sys', expect: 'hidden', req: (t) => get(`/api/v1/roles?tenantId=${t.tenant}`) },
  ],
  'POST /api/v1/roles': [
    { as: 'sec', expect: 'hidden', req: (t) => ({ method: 'POST', url: '/api/v1/roles', body: { tenantId: t.tenant, code: 'atk_role', name: '攻击者角色', dataScope: 'tenant', permissions: ['dashboard:view'] } }) },
  ],
  'PATCH /api/v1/roles/{id}': [{ as: 'sec', expect: 'hidden', req: (t) => ({ method: 'PATCH', url: `/api/v1/roles/${t.role}`, body: { name: '被篡改的角色', dataScope: 'all' } }) }],
  'DELETE /api/v1/roles/{id}': [{ as: 'sec', expect: 'hidden', req: (t) => ({ method: 'DELETE', url: `/api/v1/roles/${t.role}` }) }],
  // Dictionaries are identified by code; a tenant's own dictionary is invisible outside its subtree.
  'PATCH /api/v1/dicts/{code}': [{ as: 'sys', expect: 'hidden', req: (t) => (t.dict ? { method: 'PATCH', url: `/api/v1/dicts/${t.dict.code}`, body: { name: '被篡改的字典' } } : null) }],
  'GET /api/v1/dicts/{code}/items': [{ as: 'sys', expect: 'hidden', req: (t) => (t.dict ? get(`/api/v1/dicts/${t.dict.code}/items`) : null) }],
  'POST /api/v1/dicts/{code}/items': [{ as: 'sys', expect: 'hidden', req: (t) => (t.dict ? { method: 'POST', url: `/api/v1/dicts/${t.dict.code}/items`, body: { value: 'atk', label: '攻击项' } } : null) }],
  'PATCH /api/v1/dicts/{code}/items/{id}': [
    { as: 'sys', expect: 'hidden', req: (t) => (t.dict ? { method: 'PATCH', url: `/api/v1/dicts/${t.dict.code}/items/${t.dict.item}`, body: { label: '被篡改', enabled: false } } : null) },
  ],
  'DELETE /api/v1/dicts/{code}/items/{id}': [{ as: 'sys', expect: 'hidden', req: (t) => (t.dict ? { method: 'DELETE', url: `/api/v1/dicts/${t.dict.code}/items/${t.dict.item}` } : null) }],
  // Parameters are global (not a tenant's record): a lower-level admin may not change them at all.
  'PUT /api/v1/config/{key}': [{ as: 'sys', expect: 'forbidden', req: () => ({ method: 'PUT', url: '/api/v1/config/system.hotlineNumber', body: { value: '99999' } }) }],
  'POST /api/v1/notifications': [
    { as: 'sys', expect: 'hidden', req: (t) => ({ method: 'POST', url: '/api/v1/notifications', body: { title: '钓鱼', body: '点击链接', targets: [{ type: 'user', id: t.user }] } }) },
    { as: 'sys', expect: 'hidden', req: (t) => ({ method: 'POST', url: '/api/v1/notifications', body: { title: '钓鱼', body: '点击链接', targets: [{ type: 'org', id: t.org }] } }) },
  ],
  'POST /api/v1/notifications/{id}/read': [{ as: 'any', expect: 'hidden', req: (t) => ({ method: 'POST', url: `/api/v1/notifications/${t.notification}/read` }) }],
  'GET /api/v1/imports/{id}': [{ as: 'any', expect: 'hidden', req: (t) => get(`/api/v1/imports/${t.importJob}`) }],
  'GET /api/v1/audit/logs': [{ as: 'audit', expect: 'list', req: (t) => get(`/api/v1/audit/logs?targetId=${t.user}&pageSize=200`), check: auditInSubtree }],
  'GET /api/v1/audit/logs/export': [{ as: 'audit', expect: 'list', req: (t) => get(`/api/v1/audit/logs/export?targetId=${t.user}`), check: exportInSubtree }],
};

function itemsOf(body: unknown): Json[] {
  return (body as { items: Json[] }).items;
}

function usersInSubtree(body: unknown, me: Attacker): void {
  for (const u of itemsOf(body)) expect(me.subtree.has(String(u.tenantId)), `user ${String(u.username)} outside ${me.name}'s subtree`).toBe(true);
}

function sessionsInSubtree(body: unknown, me: Attacker, ctx: Ctx): void {
  for (const s of itemsOf(body)) expect(me.subtree.has(ctx.userTenant.get(String(s.userId)) ?? ''), `session of ${String(s.username)}`).toBe(true);
}

function auditInSubtree(body: unknown, me: Attacker): void {
  for (const r of itemsOf(body)) expect(me.subtree.has(String(r.tenantId)), `audit row ${String(r.id)} (${String(r.action)})`).toBe(true);
}

async function exportInSubtree(body: unknown, me: Attacker, ctx: Ctx): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('审计日志')!;
  const exported: number[] = [];
  ws.eachRow((row, n) => {
    if (n > 1) exported.push(Number(row.getCell(1).value));
  });
  if (exported.length === 0) return;
  const rows = await ctx.p.deps.db.selectFrom('audit_log').select(['id', 'tenant_id']).where('id', 'in', exported).execute();
  expect(rows).toHaveLength(exported.length);
  for (const r of rows) expect(me.subtree.has(r.tenant_id ?? ''), `exported audit row ${r.id}`).toBe(true);
}

function takesIds(path: string, op: Operation): boolean {
  if (/\{[^}]+\}/.test(path)) return true;
  if ((op.parameters ?? []).some((p) => p.in === 'query' && ID_INPUT.test(p.name))) return true;
  const props = op.requestBody?.content['application/json']?.schema.properties ?? {};
  return Object.keys(props).some((k) => ID_INPUT.test(k));
}

async function send(c: Client, r: Req): Promise<Res<unknown>> {
  if (r.url.includes('/export')) {
    // Binary: read the raw payload so the workbook can be parsed back.
    const res = await c.p.app.inject({ method: 'GET', url: r.url, headers: { authorization: `Bearer ${c.token ?? ''}`, 'user-agent': 'vitest' } });
    const type = String(res.headers['content-type'] ?? '');
    return { status: res.statusCode, body: type.includes('json') ? res.json() : res.rawPayload, headers: res.headers };
  }
  return c.req<unknown>(r.method, r.url, r.body ?? (r.method === 'POST' ? {} : undefined));
}

/** Everything an attack could change, minus columns that move on their own (session activity). */
async function snapshot(p: TestPlatform): Promise<string> {
  const db = p.deps.db;
  const parts = await Promise.all([
    db.selectFrom('tenant').selectAll().orderBy('id').execute(),
    db.selectFrom('tenant_product').selectAll().orderBy('tenant_id').orderBy('product_key').execute(),
    db.selectFrom('tenant_menu').selectAll().orderBy('tenant_id').orderBy('menu_key').execute(),
    db.selectFrom('org').selectAll().orderBy('id').execute(),
    db.selectFrom('app_user').selectAll().orderBy('id').execute(),
    db.selectFrom('role').selectAll().orderBy('id').execute(),
    db.selectFrom('user_role').selectAll().orderBy('user_id').orderBy('role_id').execute(),
    db.selectFrom('session').select(['id', 'user_id', 'revoked_at', 'revoke_reason']).orderBy('id').execute(),
    db.selectFrom('dict_type').selectAll().orderBy('code').execute(),
    db.selectFrom('dict_item').selectAll().orderBy('id').execute(),
    db.selectFrom('notification').selectAll().orderBy('id').execute(),
    db.selectFrom('notification_recipient').selectAll().orderBy('notification_id').orderBy('user_id').execute(),
    db.selectFrom('sys_param').select(['key', 'value']).orderBy('key').execute(),
  ]);
  return JSON.stringify(parts);
}

function flatten(nodes: { id: string; children: unknown[] }[]): string[] {
  return nodes.flatMap((n) => [n.id, ...flatten(n.children as { id: string; children: unknown[] }[])]);
}

describe('tenant isolation: cross-tenant attack matrix', () => {
  let p: TestPlatform;
  let sys: Client;
  let sec: Client;
  let aud: Client;
  let I: Awaited<ReturnType<typeof ids>>;
  let A: string;
  let A2: string;
  let B: string;
  let bTarget: Target;
  let aTarget: Target;
  let ghost: Target;
  let attackers: Attacker[];
  let ctx: Ctx;
  let subtreeOf: (tenantId: string) => Promise<Set<string>>;

  /** sysadmin creates the user, secadmin grants the role, the user logs in and sets a password. */
  async function provision(tenantId: string, orgCode: string, username: string, roleCode: string | null): Promise<{ id: string; c: Client }> {
    const created = await sys.post<{ id: string }>('/api/v1/users', { tenantId, orgId: await I.org(orgCode), username, displayName: username, password: INIT_PW });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    if (roleCode) {
      const granted = await sec.patch(`/api/v1/users/${created.body.id}`, { roleIds: [await I.role(roleCode)] });
      expect(granted.status, JSON.stringify(granted.body)).toBe(200);
    }
    const c = await login(p, username, INIT_PW);
    const changed = await c.post('/api/v1/me/password', { oldPassword: INIT_PW, newPassword: NEW_PW });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    return { id: created.body.id, c };
  }

  /** No route starts an import yet, so the job is started the way a module's import route would. */
  async function importJobOf(c: Client): Promise<string> {
    const actor = await authenticate(p.deps, c.token!, { ip: '127.0.0.1', userAgent: 'vitest' });
    const job = startImport(p.deps, actor, 'tenancy-test', async () => {});
    await job.done;
    expect((await c.get(`/api/v1/imports/${job.id}`)).status).toBe(200);
    return job.id;
  }

  async function latestSession(userId: string): Promise<string> {
    const s = await p.deps.db.selectFrom('session').select('id').where('user_id', '=', userId).where('revoked_at', 'is', null).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    return s.id;
  }

  beforeAll(async () => {
    p = await createTestPlatform();
    I = await ids(p);
    [sys, sec, aud] = await Promise.all([login(p, 'sysadmin'), login(p, 'secadmin'), login(p, 'auditadmin')]);
    A = await I.tenant('650100');
    A2 = await I.tenant('650102');
    B = await I.tenant('653100');
    const bCounty = await I.tenant('653101');
    subtreeOf = async (tenantId) => {
      const t = await p.deps.db.selectFrom('tenant').select('path').where('id', '=', tenantId).executeTakeFirstOrThrow();
      return new Set((await p.deps.db.selectFrom('tenant').select('id').where('path', 'like', `${t.path}%`).execute()).map((r) => r.id));
    };

    // ---- tenant B's records, made by the root admins and by B's own admin ----
    const orgB = await sys.post<{ id: string }>('/api/v1/orgs', { tenantId: B, code: 'KS-TARGET', name: '喀什地区测试科室', kind: 'department' });
    expect(orgB.status).toBe(201);
    const userB = await sys.post<{ id: string }>('/api/v1/users', { tenantId: B, orgId: await I.org('KS-RSJ'), username: 'kash_target', displayName: '喀什目标用户', password: INIT_PW });
    expect(userB.status).toBe(201);
    const roleB = await sec.post<{ id: string }>('/api/v1/roles', { tenantId: B, code: 'kash_custom', name: '喀什自定义角色', dataScope: 'tenant', permissions: ['dashboard:view', 'message:read'] });
    expect(roleB.status).toBe(201);
    const adminB = await provision(B, 'KS-12345', 'admin_kash', 'sys_admin');
    const dictB = await adminB.c.post('/api/v1/dicts', { code: 'kash_dict', name: '喀什地区专用字典' });
    expect(dictB.status, JSON.stringify(dictB.body)).toBe(201);
    const itemB = await adminB.c.post<{ id: string }>('/api/v1/dicts/kash_dict/items', { value: 'k1', label: '喀什项' });
    expect(itemB.status).toBe(201);
    const kashHandler = await I.user('handler_kash');
    const noteB = await adminB.c.post<{ id: string }>('/api/v1/notifications', { title: '喀什内部通知', body: '仅限喀什', targets: [{ type: 'user', id: kashHandler }] });
    expect(noteB.status).toBe(201);
    const kashSession = await login(p, 'handler_kash');
    bTarget = {
      label: '喀什 653100',
      tenant: B,
      county: bCounty,
      org: orgB.body.id,
      user: userB.body.id,
      role: roleB.body.id,
      notification: noteB.body.id,
      session: await latestSession(kashHandler),
      dict: { code: 'kash_dict', item: itemB.body.id },
      importJob: await importJobOf(kashSession),
    };

    // ---- tenant A's attackers ----
    const adminWlmq = await login(p, 'admin_wlmq');
    const tsAdmin = await provision(A2, 'TS-ZWFW', 'ts_admin', 'sys_admin');
    const secWlmq = await provision(A, 'WLMQ-12345', 'sec_wlmq', 'security_admin');
    const auditWlmq = await provision(A, 'WLMQ-12345', 'audit_wlmq', 'audit_admin');
    const aSubtree = await subtreeOf(A);
    const a2Subtree = await subtreeOf(A2);
    const handlerWlmq = await I.user('handler_wlmq');
    const handlerTs = await I.user('handler_ts');
    const own = { tenant: A, org: await I.org('WLMQ-12345'), user: handlerWlmq, subtree: aSubtree };
    attackers = [
      { name: 'admin_wlmq', kind: 'sys', c: adminWlmq, ...own },
      { name: 'ts_admin', kind: 'sys', c: tsAdmin.c, tenant: A2, org: await I.org('TS-ZWFW'), user: handlerTs, subtree: a2Subtree },
      { name: 'sec_wlmq', kind: 'sec', c: secWlmq.c, ...own },
      { name: 'audit_wlmq', kind: 'audit', c: auditWlmq.c, ...own },
    ];

    // ---- tenant A's own records: the 天山区 admin attacks upwards ----
    const roleA = await secWlmq.c.post<{ id: string }>('/api/v1/roles', { tenantId: A, code: 'wlmq_custom', name: '乌鲁木齐自定义角色', dataScope: 'tenant', permissions: ['dashboard:view'] });
    expect(roleA.status).toBe(201);
    const noteA = await adminWlmq.post<{ id: string }>('/api/v1/notifications', { title: '乌鲁木齐内部通知', body: '仅限市级', targets: [{ type: 'user', id: handlerWlmq }] });
    expect(noteA.status).toBe(201);
    const wlmqSession = await login(p, 'handler_wlmq');
    aTarget = {
      label: '乌鲁木齐 650100 (upwards)',
      tenant: A,
      county: A,
      org: await I.org('WLMQ-ZJJ-WY'),
      user: handlerWlmq,
      role: roleA.body.id,
      notification: noteA.body.id,
      session: await latestSession(handlerWlmq),
      importJob: await importJobOf(wlmqSession),
    };
    ghost = {
      label: 'ghost',
      tenant: randomUUID(),
      county: randomUUID(),
      org: randomUUID(),
      user: randomUUID(),
      role: randomUUID(),
      notification: randomUUID(),
      session: randomUUID(),
      dict: { code: `ghost_${randomBytes(4).toString('hex')}`, item: randomUUID() },
      importJob: randomUUID(),
    };
    const users = await p.deps.db.selectFrom('app_user').select(['id', 'tenant_id']).execute();
    ctx = { p, userTenant: new Map(users.map((u) => [u.id, u.tenant_id])) };
  });
  afterAll(() => p?.close());

  it('covers every route of the OpenAPI spec that takes an id or a tenant id', async () => {
    const spec = (await p.app.inject({ url: '/api/openapi.json' })).json() as Spec;
    const withIds: string[] = [];
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) if (takesIds(path, op)) withIds.push(`${method.toUpperCase()} ${path}`);
    }
    expect(withIds.length).toBeGreaterThan(25);
    const missing = withIds.filter((k) => !(k in CASES));
    expect(missing, 'routes taking an id/tenantId without an attack case in CASES').toEqual([]);
    const stale = Object.keys(CASES).filter((k) => !withIds.includes(k));
    expect(stale, 'CASES entries for routes that no longer exist').toEqual([]);
  });

  it('answers 404 (exactly like a non-existent id) and changes nothing, for every route, attacker and foreign tenant', async () => {
    const failures: string[] = [];
    let attempts = 0;
    for (const [route, cases] of Object.entries(CASES)) {
      for (const [i, kase] of cases.entries()) {
        for (const me of attackers.filter((a) => kase.as === 'any' || a.kind === kase.as)) {
          // The 天山区 admin also attacks its parent 乌鲁木齐; the city admins only attack 喀什.
          const targets = me.name === 'ts_admin' ? [bTarget, aTarget] : [bTarget];
          for (const t of targets) {
            const real = kase.req(t, me);
            const fake = kase.req(ghost, me);
            if (!real || !fake) continue;
            attempts++;
            const where = `${route} #${i} as ${me.name} against ${t.label}: ${real.method} ${real.url} ${JSON.stringify(real.body ?? '')}`;
            const before = await snapshot(p);
            const res = await send(me.c, real);
            const after = await snapshot(p);
            if (after !== before) failures.push(`${where} → CHANGED THE DATABASE (status ${res.status})`);
            const body = res.body as Json;
            if (kase.expect === 'list') {
              if (res.status !== 200) failures.push(`${where} → ${res.status}, expected 200`);
              else await kase.check?.(res.body, me, ctx);
              continue;
            }
            if (kase.expect === 'forbidden') {
              if (res.status !== 403) failures.push(`${where} → ${res.status} ${JSON.stringify(body)}, expected 403`);
              continue;
            }
            const ref = await send(me.c, fake);
            const refBody = ref.body as Json;
            const same = res.status === ref.status && body.code === refBody.code && body.detail === refBody.detail;
            if (!same) failures.push(`${where} → ${res.status} ${String(body.code)} ${String(body.detail)}; a non-existent id gives ${ref.status} ${String(refBody.code)} ${String(refBody.detail)}`);
            if (kase.expect === 'hidden' && (res.status !== 404 || body.code !== 'NOT_FOUND')) failures.push(`${where} → ${res.status} ${JSON.stringify(body)}, expected 404 NOT_FOUND`);
            if (kase.expect === 'sameAsGhost' && (res.status < 400 || res.status === 403)) failures.push(`${where} → ${res.status}, expected a 4xx other than 403`);
            if (res.status >= 400) expect(String(res.headers['content-type'])).toContain('application/problem+json');
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(attempts).toBeGreaterThan(60);
  });

  it('list endpoints never show another tenant’s rows', async () => {
    const db = p.deps.db;
    const bSubtree = await subtreeOf(B);
    for (const me of attackers) {
      if (me.kind !== 'audit') {
        const users = await me.c.get<{ items: Json[]; total: number }>('/api/v1/users?pageSize=200');
        expect(users.status).toBe(200);
        expect(users.body.items.length).toBe(users.body.total);
        usersInSubtree(users.body, me);
        expect(users.body.items.some((u) => u.username === 'kash_target' || u.username === 'handler_kash')).toBe(false);
      }
      const tree = await me.c.get<{ id: string; children: unknown[] }[]>('/api/v1/tenants/tree');
      expect(tree.status).toBe(200);
      expect(tree.body.map((n) => n.id)).toEqual([me.tenant]);
      const visible = flatten(tree.body);
      expect(visible.every((id) => me.subtree.has(id))).toBe(true);
      expect(visible.some((id) => bSubtree.has(id))).toBe(false);
    }
    // Sessions: 喀什's handler is logged in; root's security admin sees it, 乌鲁木齐's does not.
    const secWlmq = attackers.find((a) => a.name === 'sec_wlmq')!;
    const sessions = await secWlmq.c.get<{ items: Json[]; total: number }>('/api/v1/sessions?pageSize=200');
    expect(sessions.status).toBe(200);
    expect(sessions.body.items.length).toBeGreaterThan(0);
    sessionsInSubtree(sessions.body, secWlmq, ctx);
    const rootSessions = await sec.get<{ items: Json[] }>('/api/v1/sessions?pageSize=200');
    expect(rootSessions.body.items.some((s) => s.id === bTarget.session)).toBe(true);

    // Audit, login and access logs for 乌鲁木齐's own auditor.
    const auditWlmq = attackers.find((a) => a.name === 'audit_wlmq')!;
    let page = 1;
    let seen = 0;
    for (;;) {
      const logs = await auditWlmq.c.get<{ items: Json[]; total: number }>(`/api/v1/audit/logs?pageSize=200&page=${page}`);
      expect(logs.status).toBe(200);
      auditInSubtree(logs.body, auditWlmq);
      seen += logs.body.items.length;
      if (logs.body.items.length < 200) break;
      page++;
    }
    expect(seen).toBeGreaterThan(0);
    const bRows = await db.selectFrom('audit_log').select('id').where('tenant_id', 'in', [...bSubtree]).execute();
    expect(bRows.length).toBeGreaterThan(0);
    const rootLogs = await aud.get<{ total: number }>('/api/v1/audit/logs?pageSize=1');
    expect(rootLogs.body.total).toBeGreaterThan(seen);

    const kashLogins = await auditWlmq.c.get<{ items: Json[] }>('/api/v1/audit/login-logs?username=handler_kash');
    expect(kashLogins.status).toBe(200);
    expect(kashLogins.body.items).toEqual([]);
    const rootKashLogins = await aud.get<{ items: Json[] }>('/api/v1/audit/login-logs?username=handler_kash');
    expect(rootKashLogins.body.items.length).toBeGreaterThan(0);
    const ownLogins = await auditWlmq.c.get<{ items: Json[] }>('/api/v1/audit/login-logs?username=handler_wlmq');
    expect(ownLogins.body.items.length).toBeGreaterThan(0);
  });

  it('upper levels read their subtree: root reads 喀什, 乌鲁木齐 reads 天山区 but not 喀什', async () => {
    const bUser = await sys.get<{ username: string; tenantId: string }>(`/api/v1/users/${bTarget.user}`);
    expect(bUser.status).toBe(200);
    expect(bUser.body).toMatchObject({ username: 'kash_target', tenantId: B });
    const bOrgs = await sys.get<{ id: string; code: string }[]>(`/api/v1/orgs/tree?tenantId=${B}`);
    expect(bOrgs.status).toBe(200);
    expect(bOrgs.body.map((o) => o.code)).toContain('KS-TARGET');
    expect((await sys.get(`/api/v1/tenants/${B}`)).status).toBe(200);
    expect((await sec.get(`/api/v1/roles?tenantId=${B}`)).body).toMatchObject({ items: expect.arrayContaining([expect.objectContaining({ code: 'kash_custom' })]) as unknown });

    const adminWlmq = attackers.find((a) => a.name === 'admin_wlmq')!;
    const tsUser = await adminWlmq.c.get<{ username: string }>(`/api/v1/users/${await I.user('handler_ts')}`);
    expect(tsUser.status).toBe(200);
    expect(tsUser.body.username).toBe('handler_ts');
    const tsUsers = await adminWlmq.c.get<{ items: { username: string }[] }>(`/api/v1/users?tenantId=${A2}`);
    expect(tsUsers.body.items.map((u) => u.username)).toEqual(expect.arrayContaining(['handler_ts', 'ts_admin']));
    expect((await adminWlmq.c.get(`/api/v1/orgs/tree?tenantId=${A2}`)).status).toBe(200);
    expect((await adminWlmq.c.get(`/api/v1/users/${await I.user('handler_kash')}`)).status).toBe(404);
    // …and 天山区 does not read its parent.
    const tsAdmin = attackers.find((a) => a.name === 'ts_admin')!;
    expect((await tsAdmin.c.get(`/api/v1/users/${await I.user('admin_wlmq')}`)).status).toBe(404);
    expect((await tsAdmin.c.get(`/api/v1/tenants/${A}`)).status).toBe(404);
  });

  it('a role with data scope "all" made inside tenant A still cannot reach tenant B', async () => {
    const secWlmq = attackers.find((a) => a.name === 'sec_wlmq')!;
    const adminWlmq = attackers.find((a) => a.name === 'admin_wlmq')!;
    const role = await secWlmq.c.post<{ id: string }>('/api/v1/roles', { tenantId: A, code: 'wlmq_all_scope', name: '全部数据', dataScope: 'all', permissions: ['identity:user:read', 'identity:user:write'] });
    expect(role.status).toBe(201);
    const spy = await adminWlmq.c.post<{ id: string }>('/api/v1/users', { tenantId: A, orgId: await I.org('WLMQ-12345'), username: 'spy_wlmq', displayName: '全部数据测试', password: INIT_PW });
    expect(spy.status).toBe(201);
    expect((await secWlmq.c.patch(`/api/v1/users/${spy.body.id}`, { roleIds: [role.body.id] })).status).toBe(200);
    const c = await login(p, 'spy_wlmq', INIT_PW);
    expect((await c.post('/api/v1/me/password', { oldPassword: INIT_PW, newPassword: NEW_PW })).status).toBe(200);

    const before = await snapshot(p);
    expect((await c.get(`/api/v1/users/${bTarget.user}`)).status).toBe(404);
    expect((await c.patch(`/api/v1/users/${bTarget.user}`, { displayName: '越权修改' })).status).toBe(404);
    expect(await snapshot(p)).toBe(before);
    const list = await c.get<{ items: Json[] }>('/api/v1/users?pageSize=200');
    expect(list.status).toBe(200);
    usersInSubtree(list.body, adminWlmq);
    expect((await c.get(`/api/v1/users/${await I.user('handler_ts')}`)).status).toBe(200);
    // The root's own users stay out of reach too.
    expect((await c.get(`/api/v1/users/${await I.user('sysadmin')}`)).status).toBe(404);
  });

  it('per-tenant products and menus: the root narrows 乌鲁木齐, whose admins cannot widen it back', async () => {
    type MeBody = { menus: { key: string; children?: { key: string }[] }[] };
    const menuKeys = async (c: Client) => {
      const me = await c.get<MeBody>('/api/v1/me');
      expect(me.status).toBe(200);
      return me.body.menus.map((m) => m.key);
    };
    const adminWlmq = attackers.find((a) => a.name === 'admin_wlmq')!;
    const auditWlmq = attackers.find((a) => a.name === 'audit_wlmq')!;
    const tsAdmin = attackers.find((a) => a.name === 'ts_admin')!;
    expect(await menuKeys(adminWlmq.c)).toContain('system');
    expect(await menuKeys(auditWlmq.c)).toContain('audit');

    const current = await sys.get<{ products: { key: string; enabled: boolean }[]; menus: { key: string; product: string; enabled: boolean }[] }>(`/api/v1/tenants/${A}/products`);
    expect(current.status).toBe(200);
    const allProducts = current.body.products.map((x) => x.key);
    const allMenus = current.body.menus.map((m) => m.key);
    const keep = allProducts.filter((k) => k !== 'audit' && k !== 'system');
    const keepMenus = current.body.menus.filter((m) => keep.includes(m.product)).map((m) => m.key);
    const put = await sys.put<{ products: { key: string; enabled: boolean }[] }>(`/api/v1/tenants/${A}/products`, { products: keep, menus: keepMenus });
    expect(put.status).toBe(200);
    expect(put.body.products.filter((x) => !x.enabled).map((x) => x.key).sort()).toEqual(['audit', 'system']);

    const wlmqMenus = await menuKeys(adminWlmq.c);
    expect(wlmqMenus).not.toContain('system');
    expect(wlmqMenus).not.toContain('audit');
    expect(wlmqMenus).toContain('identity');
    expect(await menuKeys(auditWlmq.c)).not.toContain('audit');
    // The root's own menus are its own tenant's: unchanged.
    expect(await menuKeys(sys)).toContain('system');
    expect(await menuKeys(aud)).toContain('audit');
    // Each user sees their own tenant's menus: 天山区 was not narrowed.
    expect(await menuKeys(tsAdmin.c)).toContain('system');

    // 乌鲁木齐's admin cannot re-enable what the root took away, for itself or for its children…
    const widen = await adminWlmq.c.put(`/api/v1/tenants/${A}/products`, { products: allProducts, menus: allMenus });
    expect(widen.status).toBe(403);
    expect((widen.body as Json).detail).toMatch(/[\u4e00-\u9fa5]/);
    expect(await menuKeys(adminWlmq.c)).not.toContain('system');
    const tsProducts = allProducts.filter((k) => k !== 'system');
    const tsMenus = current.body.menus.filter((m) => tsProducts.includes(m.product)).map((m) => m.key);
    expect((await adminWlmq.c.put(`/api/v1/tenants/${A2}/products`, { products: tsProducts, menus: tsMenus })).status).toBe(200);
    expect(await menuKeys(tsAdmin.c)).not.toContain('system');
    expect((await adminWlmq.c.put(`/api/v1/tenants/${A2}/products`, { products: allProducts, menus: allMenus })).status).toBe(403);
    expect(await menuKeys(tsAdmin.c)).not.toContain('system');
    // …while the root can.
    for (const t of [A, A2]) expect((await sys.put(`/api/v1/tenants/${t}/products`, { products: allProducts, menus: allMenus })).status).toBe(200);
    expect(await menuKeys(adminWlmq.c)).toContain('system');
    expect(await menuKeys(tsAdmin.c)).toContain('system');
  });
});
