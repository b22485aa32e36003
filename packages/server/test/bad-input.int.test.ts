import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestPlatform, ids, login, type TestPlatform } from './harness.js';

/**
 * Hostile input against every operation of the OpenAPI spec: wrong types, missing and unknown
 * fields, wrong shapes, oversize and malformed bodies, odd content types, hostile path and query
 * values, SQL and script injection in every string. The platform must answer 4xx problem+json
 * with a Chinese explanation (or 2xx where the input is in fact valid), never 5xx, and keep going.
 */

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Json = Record<string, unknown>;

interface Schema {
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: boolean;
}
interface Parameter {
  in: 'path' | 'query';
  name: string;
  required?: boolean;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
}

const SQLI = "'; drop table app_user; --";
const XSS = '<script>alert(1)</script>';
const INJECTIONS = [SQLI, XSS];
const HOSTILE_IDS = [randomUUID(), "1' OR '1'='1", '../../etc/passwd', SQLI, XSS, '\u0000', 'x'.repeat(300)];
const CHINESE = /[\u4e00-\u9fa5]/;

/** Ids of records this file creates, so valid requests have something real to work on. */
interface Refs {
  A: string;
  tenant: string;
  org: string;
  user: string;
  role: string;
  dict: string;
  item: string;
  notification: string;
  agent: string;
}

type Who = 'sys' | 'sec' | 'aud' | 'agent' | 'anon' | 'fresh';
interface OpSetup {
  /** Who holds the permission (fresh = a new sysadmin session for every request: logout ends it). */
  who: Who;
  params?: (r: Refs) => Record<string, string>;
  query?: (r: Refs) => Record<string, string>;
  /** A valid body; called once per request so unique codes stay unique. */
  body?: (r: Refs) => Json;
}

let seq = 0;
const uniq = (prefix: string) => `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`;

const OPS: Record<string, OpSetup> = {
  'POST /api/v1/auth/login': { who: 'anon', body: () => ({ username: 'no_such_user', password: 'Wrong@Pass2026' }) },
  'POST /api/v1/auth/mfa': { who: 'anon', body: () => ({ mfaToken: 'x'.repeat(32), code: '123456' }) },
  'POST /api/v1/auth/logout': { who: 'fresh' },
  'GET /api/v1/me': { who: 'sys' },
  // A wrong old password: the request is well-formed but never changes anything.
  'POST /api/v1/me/password': { who: 'sys', body: () => ({ oldPassword: 'Not@ThePassword1', newPassword: 'Brand@NewPass2026' }) },
  'POST /api/v1/me/mfa/enroll': { who: 'agent' },
  'POST /api/v1/me/mfa/activate': { who: 'agent', body: () => ({ code: '000000' }) },
  'POST /api/v1/me/mfa/disable': { who: 'agent', body: () => ({ code: '000000' }) },
  'GET /api/v1/me/sessions': { who: 'sys' },
  'DELETE /api/v1/me/sessions/{id}': { who: 'sys', params: () => ({ id: randomUUID() }) },
  'GET /api/v1/sessions': { who: 'sec', query: (r) => ({ userId: r.user, page: '1', pageSize: '20', order: 'desc' }) },
  'DELETE /api/v1/sessions/{id}': { who: 'sec', params: () => ({ id: randomUUID() }) },
  'GET /api/v1/tenants/tree': { who: 'sys' },
  'GET /api/v1/tenants/{id}': { who: 'sys', params: (r) => ({ id: r.tenant }) },
  'PATCH /api/v1/tenants/{id}': { who: 'sys', params: (r) => ({ id: r.tenant }), body: () => ({ name: '坏输入测试租户', status: 'active' }) },
  'POST /api/v1/tenants': { who: 'sys', body: (r) => ({ parentId: r.A, code: uniq('BI-T'), name: '坏输入新租户', kind: 'enterprise' }) },
  'GET /api/v1/tenants/{id}/products': { who: 'sys', params: (r) => ({ id: r.tenant }) },
  'PUT /api/v1/tenants/{id}/products': { who: 'sys', params: (r) => ({ id: r.tenant }), body: () => ({ products: ['workspace', 'messages'], menus: ['workspace.dashboard'] }) },
  // The scratch tenant is not a county: a valid request is refused (400) instead of importing.
  'POST /api/v1/tenants/{id}/import-townships': { who: 'sys', params: (r) => ({ id: r.tenant }) },
  'GET /api/v1/orgs/tree': { who: 'sys', query: (r) => ({ tenantId: r.tenant }) },
  'POST /api/v1/orgs': { who: 'sys', body: (r) => ({ tenantId: r.tenant, parentId: r.org, code: uniq('BI-O'), name: '坏输入新机构', kind: 'team' }) },
  'PATCH /api/v1/orgs/{id}': { who: 'sys', params: (r) => ({ id: r.org }), body: () => ({ name: '坏输入机构' }) },
  'DELETE /api/v1/orgs/{id}': { who: 'sys', params: () => ({ id: randomUUID() }) },
  'GET /api/v1/users': {
    who: 'sys',
    query: (r) => ({ page: '1', pageSize: '20', order: 'asc', tenantId: r.tenant, orgId: r.org, keyword: 'bad', phone: '13909910000', status: 'active', sort: 'username' }),
  },
  'POST /api/v1/users': { who: 'sys', body: (r) => ({ tenantId: r.tenant, orgId: r.org, username: uniq('bi_u'), displayName: '坏输入用户', password: 'Strong@Pass2026', phone: '13800138000' }) },
  'GET /api/v1/users/{id}': { who: 'sys', params: (r) => ({ id: r.user }) },
  'PATCH /api/v1/users/{id}': { who: 'sys', params: (r) => ({ id: r.user }), body: (r) => ({ displayName: '坏输入用户改', orgId: r.org, phone: '13800138001', status: 'active' }) },
  'DELETE /api/v1/users/{id}': { who: 'sys', params: () => ({ id: randomUUID() }) },
  'POST /api/v1/users/{id}/reset-password': { who: 'sec', params: (r) => ({ id: r.user }), body: () => ({ newPassword: 'Reset@Pass2026' }) },
  'POST /api/v1/users/{id}/unlock': { who: 'sec', params: (r) => ({ id: r.user }) },
  'GET /api/v1/permissions': { who: 'sec' },
  'GET /api/v1/roles': { who: 'sec', query: (r) => ({ tenantId: r.tenant }) },
  'POST /api/v1/roles': { who: 'sec', body: (r) => ({ tenantId: r.tenant, code: uniq('bi_r'), name: '坏输入角色', dataScope: 'self', permissions: ['dashboard:view'], mfaRequired: false, shared: false }) },
  'PATCH /api/v1/roles/{id}': { who: 'sec', params: (r) => ({ id: r.role }), body: () => ({ name: '坏输入角色改', dataScope: 'org', permissions: ['message:read'], mfaRequired: false, shared: false }) },
  'DELETE /api/v1/roles/{id}': { who: 'sec', params: () => ({ id: randomUUID() }) },
  'GET /api/v1/dicts': { who: 'sys' },
  'POST /api/v1/dicts': { who: 'sys', body: () => ({ code: uniq('bi_d'), name: '坏输入字典', description: '说明' }) },
  'PATCH /api/v1/dicts/{code}': { who: 'sys', params: (r) => ({ code: r.dict }), body: () => ({ name: '坏输入字典改', description: '说明改' }) },
  'GET /api/v1/dicts/{code}/items': { who: 'sys', params: (r) => ({ code: r.dict }) },
  'POST /api/v1/dicts/{code}/items': { who: 'sys', params: (r) => ({ code: r.dict }), body: () => ({ value: uniq('v'), label: '坏输入项', sort: 1 }) },
  'PATCH /api/v1/dicts/{code}/items/{id}': { who: 'sys', params: (r) => ({ code: r.dict, id: r.item }), body: () => ({ label: '坏输入项改', sort: 2, enabled: true }) },
  'DELETE /api/v1/dicts/{code}/items/{id}': { who: 'sys', params: (r) => ({ code: r.dict, id: randomUUID() }) },
  'GET /api/v1/config': { who: 'sys' },
  'PUT /api/v1/config/{key}': { who: 'sys', params: () => ({ key: 'system.workdayStart' }), body: () => ({ value: '09:30' }) },
  'GET /api/v1/notifications': { who: 'agent', query: () => ({ page: '1', pageSize: '10', order: 'desc', unread: 'true' }) },
  'POST /api/v1/notifications': { who: 'sys', body: (r) => ({ title: '坏输入通知', body: '正文', targets: [{ type: 'user', id: r.agent }] }) },
  'POST /api/v1/notifications/{id}/read': { who: 'agent', params: (r) => ({ id: r.notification }) },
  'GET /api/v1/imports/{id}': { who: 'sys', params: () => ({ id: randomUUID() }) },
  'GET /api/v1/audit/logs': {
    who: 'aud',
    query: () => ({ page: '1', pageSize: '5', order: 'desc', actor: '系统', action: 'user', targetType: 'user', targetId: 'x', result: 'success', from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' }),
  },
  'GET /api/v1/audit/logs/export': { who: 'aud', query: () => ({ actor: '系统', action: 'user', targetType: 'user', targetId: 'x', result: 'failure', from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' }) },
  'POST /api/v1/audit/verify': { who: 'aud' },
  'GET /api/v1/audit/login-logs': { who: 'aud', query: () => ({ page: '1', pageSize: '5', order: 'asc', username: 'sys', result: 'success', from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' }) },
  'GET /api/v1/audit/access-logs': { who: 'aud', query: () => ({ page: '1', pageSize: '5', order: 'asc', username: 'sys', module: 'users', from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' }) },
};

/** A string that any well-formed text passes: injections may be accepted there. */
function freeText(s: Schema): boolean {
  return s.type === 'string' && !s.format && !s.pattern && !s.enum;
}

/** Something of a type the schema does not allow (objects where arrays are expected and so on). */
function wrongValue(s: Schema): unknown {
  if (s.anyOf) return { unexpected: ['object'] };
  switch (s.type) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return '12';
    case 'boolean':
      return 'true';
    case 'array':
      return { 0: 'not', 1: 'an array' };
    case 'object':
      return ['not', 'an object'];
    default:
      return Symbol.for('unreachable');
  }
}

/** Bodies with `value` put at each string leaf (object properties, array items, objects in arrays). */
function stringLeaves(schema: Schema, base: Json, value: string): { path: string; body: Json; free: boolean }[] {
  const out: { path: string; body: Json; free: boolean }[] = [];
  for (const [k, s] of Object.entries(schema.properties ?? {})) {
    if (s.type === 'string' || (s.anyOf?.some((x) => x.type === 'string') ?? false)) {
      out.push({ path: k, body: { ...base, [k]: value }, free: freeText(s) || (s.anyOf?.some(freeText) ?? false) });
    } else if (s.type === 'array' && s.items?.type === 'string') {
      out.push({ path: `${k}[0]`, body: { ...base, [k]: [value] }, free: freeText(s.items) });
    } else if (s.type === 'array' && s.items?.type === 'object') {
      const first = (Array.isArray(base[k]) ? (base[k] as Json[])[0] : undefined) ?? {};
      for (const inner of stringLeaves(s.items, first, value)) out.push({ path: `${k}[0].${inner.path}`, body: { ...base, [k]: [inner.body] }, free: inner.free });
    }
  }
  return out;
}

interface Attempt {
  what: string;
  method: Method;
  url: string;
  payload?: string;
  contentType?: string;
  /** reject: must be 4xx; maybe: 2xx or 4xx (the input may be valid). */
  expect: 'reject' | 'maybe';
}

interface Outcome {
  status: number;
  body: unknown;
}

describe('hostile input against every operation', () => {
  let p: TestPlatform;
  let clients: Record<Exclude<Who, 'anon' | 'fresh'>, Client>;
  let refs: Refs;
  let spec: Spec;
  const accepted: { op: string; what: string; value: string; body: unknown }[] = [];

  beforeAll(async () => {
    p = await createTestPlatform();
    const I = await ids(p);
    const [sys, sec, aud, agent] = await Promise.all([login(p, 'sysadmin'), login(p, 'secadmin'), login(p, 'auditadmin'), login(p, 'agent01')]);
    clients = { sys, sec, aud, agent };
    // The login endpoints get hundreds of requests here; lift the per-IP limit for this file.
    expect((await sec.put('/api/v1/config/security.loginRateLimitPerMinute', { value: 100000 })).status).toBe(200);
    const A = await I.tenant('650100');
    const tenant = await sys.post<{ id: string }>('/api/v1/tenants', { parentId: A, code: 'BI-SCRATCH', name: '坏输入测试租户', kind: 'enterprise' });
    expect(tenant.status).toBe(201);
    const org = await sys.post<{ id: string }>('/api/v1/orgs', { tenantId: tenant.body.id, code: 'BI-ORG', name: '坏输入测试机构', kind: 'department' });
    expect(org.status).toBe(201);
    const user = await sys.post<{ id: string }>('/api/v1/users', { tenantId: tenant.body.id, orgId: org.body.id, username: 'bi_scratch', displayName: '坏输入测试用户', password: 'Strong@Pass2026' });
    expect(user.status).toBe(201);
    const role = await sec.post<{ id: string }>('/api/v1/roles', { tenantId: tenant.body.id, code: 'bi_role', name: '坏输入测试角色', dataScope: 'self', permissions: ['dashboard:view'] });
    expect(role.status).toBe(201);
    expect((await sys.post('/api/v1/dicts', { code: 'bi_dict', name: '坏输入测试字典' })).status).toBe(201);
    const item = await sys.post<{ id: string }>('/api/v1/dicts/bi_dict/items', { value: 'v0', label: '初始项' });
    expect(item.status).toBe(201);
    const agentId = await I.user('agent01');
    const note = await sys.post<{ id: string }>('/api/v1/notifications', { title: '坏输入测试', body: '正文', targets: [{ type: 'user', id: agentId }] });
    expect(note.status).toBe(201);
    refs = { A, tenant: tenant.body.id, org: org.body.id, user: user.body.id, role: role.body.id, dict: 'bi_dict', item: item.body.id, notification: note.body.id, agent: agentId };
    spec = (await p.app.inject({ url: '/api/openapi.json' })).json() as Spec;
  });
  afterAll(() => p?.close());

  async function tokenFor(who: Who): Promise<string | undefined> {
    if (who === 'anon') return undefined;
    if (who === 'fresh') return (await login(p, 'sysadmin')).token;
    return clients[who].token;
  }

  async function send(who: Who, a: Attempt): Promise<Outcome & { type: string }> {
    const token = await tokenFor(who);
    const res = await p.app.inject({
      method: a.method,
      url: a.url,
      headers: {
        'user-agent': 'vitest',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(a.payload !== undefined ? { 'content-type': a.contentType ?? 'application/json' } : {}),
      },
      ...(a.payload !== undefined ? { payload: a.payload } : {}),
    });
    const type = String(res.headers['content-type'] ?? '');
    return { status: res.statusCode, body: type.includes('json') ? res.json() : res.body, type };
  }

  /** Checks one answer; returns a complaint or null. */
  function judge(a: Attempt, res: Outcome & { type: string }): string | null {
    const where = `${a.what}: ${a.method} ${a.url.slice(0, 160)} → ${res.status}`;
    if (res.status >= 500) return `${where} (server error ${JSON.stringify(res.body)})`;
    if (res.status < 200 || (res.status >= 300 && res.status < 400)) return `${where} (unexpected status)`;
    if (res.status < 300) return a.expect === 'reject' ? `${where} accepted, expected a 4xx` : null;
    if (!res.type.startsWith('application/problem+json')) return `${where} content-type ${res.type}`;
    const b = res.body as Json;
    if (typeof b.code !== 'string' || b.code === '') return `${where} no code`;
    if (b.status !== res.status) return `${where} status field ${String(b.status)}`;
    if (typeof b.detail !== 'string' || !CHINESE.test(b.detail)) return `${where} detail not Chinese: ${String(b.detail)}`;
    return null;
  }

  function buildUrl(path: string, params: Record<string, string>, query: Record<string, string>, raw = false): string {
    const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => (raw ? (params[name] ?? '') : encodeURIComponent(params[name] ?? '')));
    const qs = new URLSearchParams(query).toString();
    return qs ? `${filled}?${qs}` : filled;
  }

  function attemptsFor(key: string, op: Operation, setup: OpSetup): Attempt[] {
    const [method, path] = key.split(' ') as [Method, string];
    const params = setup.params?.(refs) ?? {};
    const query = setup.query?.(refs) ?? {};
    const url = buildUrl(path, params, query);
    const schema = op.requestBody?.content['application/json']?.schema;
    const hasBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
    const body = () => (setup.body ? setup.body(refs) : {});
    const json = (v: unknown) => JSON.stringify(v);
    const out: Attempt[] = [];
    const withBody = (a: Omit<Attempt, 'method'>): Attempt => ({ method, ...(hasBody && a.payload === undefined ? { payload: json(body()) } : {}), ...a });

    // The valid request itself: anything but a 5xx.
    out.push(withBody({ what: 'valid request', url, expect: 'maybe' }));

    // Path parameters: random UUIDs, SQL, traversal, script, NUL, oversize and broken encodings.
    for (const prm of (op.parameters ?? []).filter((x) => x.in === 'path')) {
      for (const bad of HOSTILE_IDS) out.push(withBody({ what: `path ${prm.name}=${json(bad).slice(0, 40)}`, url: buildUrl(path, { ...params, [prm.name]: bad }, query), expect: 'reject' }));
      out.push(withBody({ what: `path ${prm.name} raw traversal`, url: buildUrl(path, { ...params, [prm.name]: '../../../etc/passwd' }, query, true), expect: 'reject' }));
      out.push(withBody({ what: `path ${prm.name} broken percent-encoding`, url: buildUrl(path, { ...params, [prm.name]: '%E0%A4%A' }, query, true), expect: 'reject' }));
    }

    // Query parameters: wrong types, injections, NUL; repeated values become arrays.
    for (const prm of (op.parameters ?? []).filter((x) => x.in === 'query')) {
      const s = prm.schema;
      const wrong = s.type === 'integer' ? ['abc', '1.5', '-1', '0', '99999999999'] : s.type === 'boolean' ? ['maybe', '2'] : s.anyOf || s.enum ? ['bogus'] : s.format ? ['not-a-' + s.format] : s.pattern ? ['!!'] : [];
      for (const w of wrong) out.push(withBody({ what: `query ${prm.name}=${w}`, url: buildUrl(path, params, { ...query, [prm.name]: w }), expect: 'reject' }));
      for (const inj of INJECTIONS) out.push(withBody({ what: `query ${prm.name} injection ${inj}`, url: buildUrl(path, params, { ...query, [prm.name]: inj }), expect: freeText(s) ? 'maybe' : 'reject' }));
      if (s.type === 'string' || s.anyOf) out.push(withBody({ what: `query ${prm.name} NUL`, url: buildUrl(path, params, { ...query, [prm.name]: 'a\u0000b' }), expect: 'reject' }));
      out.push(withBody({ what: `query ${prm.name} repeated`, url: `${url}${url.includes('?') ? '&' : '?'}${prm.name}=a&${prm.name}=b`, expect: 'reject' }));
    }
    if (Object.keys(query).length === 0 && method === 'GET') out.push({ what: 'unknown query param', method, url: `${url}?${new URLSearchParams({ foo: SQLI })}`, expect: 'maybe' });

    if (!hasBody) return out;
    const strictBody = !!schema;
    // Shape of the body.
    out.push({ what: 'array instead of object', method, url, payload: json([body()]), expect: strictBody ? 'reject' : 'maybe' });
    out.push({ what: 'unknown extra field', method, url, payload: json({ ...body(), isAdmin: true }), expect: strictBody ? 'reject' : 'maybe' });
    out.push({ what: 'prototype pollution', method, url, payload: `{"__proto__":{"isAdmin":true},${json(body()).slice(1)}`.replace(',}', '}'), expect: 'reject' });
    out.push({ what: '2 MiB body', method, url, payload: json({ ...body(), padding: 'x'.repeat(2 * 1024 * 1024) }), expect: 'reject' });
    out.push({ what: 'malformed JSON', method, url, payload: '{"name": "未闭合', expect: 'reject' });
    out.push({ what: 'empty JSON body', method, url, payload: '', expect: 'reject' });
    out.push({ what: 'text/plain', method, url, payload: json(body()), contentType: 'text/plain', expect: strictBody ? 'reject' : 'maybe' });
    out.push({ what: 'form-urlencoded', method, url, payload: 'name=x', contentType: 'application/x-www-form-urlencoded', expect: 'reject' });
    out.push({ what: 'xml', method, url, payload: '<name>x</name>', contentType: 'application/xml', expect: 'reject' });
    if (!schema) return out;

    // Each declared property: the wrong type; each required one: missing.
    for (const [k, s] of Object.entries(schema.properties ?? {})) {
      out.push({ what: `wrong type for ${k}`, method, url, payload: json({ ...body(), [k]: wrongValue(s) }), expect: 'reject' });
      out.push({ what: `null for ${k}`, method, url, payload: json({ ...body(), [k]: null }), expect: k === 'phone' && method === 'PATCH' ? 'maybe' : 'reject' });
    }
    for (const k of schema.required ?? []) {
      const b = body();
      delete b[k];
      out.push({ what: `missing ${k}`, method, url, payload: json(b), expect: 'reject' });
    }
    if ((schema.required ?? []).length > 0) out.push({ what: 'empty object', method, url, payload: '{}', expect: 'reject' });
    // Injection and NUL in every string field.
    for (const inj of INJECTIONS) {
      for (const leaf of stringLeaves(schema, body(), inj)) out.push({ what: `injection in ${leaf.path}: ${inj}`, method, url, payload: json(leaf.body), expect: leaf.free ? 'maybe' : 'reject' });
    }
    for (const leaf of stringLeaves(schema, body(), 'a\u0000b')) out.push({ what: `NUL in ${leaf.path}`, method, url, payload: json(leaf.body), expect: 'reject' });
    for (const leaf of stringLeaves(schema, body(), 'a\ud800b')) out.push({ what: `lone surrogate in ${leaf.path}`, method, url, payload: json(leaf.body), expect: 'reject' });
    return out;
  }

  it('has an input table entry for every operation of the spec', () => {
    const ops = Object.entries(spec.paths).flatMap(([path, o]) => Object.keys(o).map((m) => `${m.toUpperCase()} ${path}`));
    expect(ops.length).toBeGreaterThan(45);
    expect(ops.filter((k) => !(k in OPS)), 'operations without an entry in OPS').toEqual([]);
    expect(Object.keys(OPS).filter((k) => !ops.includes(k)), 'OPS entries for operations that no longer exist').toEqual([]);
  });

  for (const key of Object.keys(OPS)) {
    it(`${key}: 4xx problem+json in Chinese for bad input, never 5xx`, async () => {
      const [method, path] = key.split(' ') as [Method, string];
      const op = spec.paths[path]?.[method.toLowerCase()];
      expect(op, `${key} is not in the spec`).toBeDefined();
      const setup = OPS[key]!;
      const attempts = attemptsFor(key, op!, setup);
      const complaints: string[] = [];
      for (const a of attempts) {
        const res = await send(setup.who, a);
        const complaint = judge(a, res);
        if (complaint) complaints.push(complaint);
        if (res.status < 300 && a.what.startsWith('injection')) accepted.push({ op: key, what: a.what, value: a.what.includes(SQLI) ? SQLI : XSS, body: res.body });
      }
      expect(complaints).toEqual([]);
      expect((await p.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    });
  }

  it('answers unknown /api paths and methods with 404 problem+json', async () => {
    const c = clients.sys;
    const probes: [Method, string][] = [
      ['GET', '/api/v1/nope'],
      ['GET', '/api/v2/users'],
      ['GET', '/api/v1/users/x/y/z'],
      ['GET', '/api/openapi.yaml'],
      ['GET', `/api/v1/${encodeURIComponent(SQLI)}`],
      ['POST', '/api/v1/nope'],
      ['PATCH', '/api/v1/dicts'],
      ['DELETE', '/api/v1/tenants/tree'],
    ];
    for (const [method, url] of probes) {
      const res = await c.req<Json>(method, url, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      expect(String(res.body.detail)).toMatch(CHINESE);
      // Anonymous callers learn nothing about which /api/v1 routes exist: 401 there, 404 elsewhere.
      const anon = await new Client(p).req<Json>(method, url, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect(anon.status, `anonymous ${method} ${url}`).toBe(url.startsWith('/api/v1/') ? 401 : 404);
      expect(String(anon.headers['content-type'])).toContain('application/problem+json');
      expect(String(anon.body.detail)).toMatch(CHINESE);
    }
  });

  it('stores accepted injection strings verbatim and the tables are still there', async () => {
    // Free-text fields legitimately take these strings; they must come back byte for byte.
    expect(accepted.length).toBeGreaterThan(10);
    const echoed = accepted.filter((a) => JSON.stringify(a.body).includes(JSON.stringify(a.value).slice(1, -1)));
    expect(echoed.length).toBeGreaterThan(5);
    const db = p.deps.db;
    const stored = async (rows: Promise<unknown[]>) => (await rows).length;
    for (const value of INJECTIONS) {
      expect(await stored(db.selectFrom('tenant').select('id').where('name', '=', value).execute()), `tenant.name ${value}`).toBeGreaterThan(0);
      expect(await stored(db.selectFrom('org').select('id').where('name', '=', value).execute()), `org.name ${value}`).toBeGreaterThan(0);
      expect(await stored(db.selectFrom('app_user').select('id').where('display_name', '=', value).execute()), `app_user.display_name ${value}`).toBeGreaterThan(0);
      expect(await stored(db.selectFrom('role').select('id').where('name', '=', value).execute()), `role.name ${value}`).toBeGreaterThan(0);
      expect(await stored(db.selectFrom('dict_type').select('code').where((eb) => eb.or([eb('name', '=', value), eb('description', '=', value)])).execute()), `dict_type ${value}`).toBeGreaterThan(0);
      expect(await stored(db.selectFrom('dict_item').select('id').where('label', '=', value).execute()), `dict_item.label ${value}`).toBeGreaterThan(0);
      expect(await stored(db.selectFrom('notification').select('id').where((eb) => eb.or([eb('title', '=', value), eb('body', '=', value)])).execute()), `notification ${value}`).toBeGreaterThan(0);
    }
    const param = await db.selectFrom('sys_param').select('value').where('key', '=', 'system.workdayStart').executeTakeFirstOrThrow();
    expect(INJECTIONS).toContain(param.value);
    // Read back through the API as well: the stored text is returned unchanged (no escaping on the way in).
    const orgs = await clients.sys.get<{ name: string; children: unknown[] }[]>(`/api/v1/orgs/tree?tenantId=${refs.tenant}`);
    expect(JSON.stringify(orgs.body)).toContain(JSON.stringify(XSS).slice(1, -1));

    const tables = await sql<{ n: number }>`select count(*)::int as n from app_user`.execute(db);
    expect(tables.rows[0]!.n).toBeGreaterThan(10);
    const names = (await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public'`.execute(db)).rows.map((r) => r.table_name);
    expect(names).toEqual(expect.arrayContaining(['app_user', 'tenant', 'org', 'role', 'audit_log', 'dict_type', 'notification']));
    expect((await login(p, 'sysadmin')).token).toBeTruthy();
    expect((await p.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});
