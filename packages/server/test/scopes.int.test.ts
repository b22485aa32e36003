import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Client, createTestPlatform, ids, login, type Res, type TestPlatform, relaxLoginRateLimit, expectProblem, type Problem } from './harness.js';

/**
 * Authorisation: row-level data scopes on the user list, the separation of the three admins
 * (三员分立), immediate effect of role changes and protection of the built-in roles.
 */

const INIT_PASSWORD = 'Init#Pass2026';
const NEW_PASSWORD = 'Changed#Pass2026';

interface UserList {
  items: { id: string; username: string; tenantId: string; orgId: string }[];
  total: number;
}
interface RoleBody {
  id: string;
  code: string;
  adminType: string | null;
  dataScope: string;
  permissions: string[];
  builtin: boolean;
}


async function createRole(p: TestPlatform, tenantCode: string, code: string, dataScope: string, permissions: string[]): Promise<RoleBody> {
  const sec = await login(p, 'secadmin');
  const res = await sec.post<RoleBody>('/api/v1/roles', { tenantId: await (await ids(p)).tenant(tenantCode), code, name: `测试角色${code}`, dataScope, permissions });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** A user created by the system admin, granted roles by the security admin, past the first password change. */
async function createUser(p: TestPlatform, username: string, tenantCode: string, orgCode: string, roleIds: string[]): Promise<{ id: string; client: Client }> {
  const look = await ids(p);
  const sys = await login(p, 'sysadmin');
  const created = await sys.post<{ id: string }>('/api/v1/users', {
    tenantId: await look.tenant(tenantCode),
    orgId: await look.org(orgCode),
    username,
    displayName: `测试${username}`,
    password: INIT_PASSWORD,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id;
  if (roleIds.length) {
    const sec = await login(p, 'secadmin');
    const granted = await sec.patch(`/api/v1/users/${id}`, { roleIds });
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);
  }
  const first = await login(p, username, INIT_PASSWORD);
  expect((await first.post('/api/v1/me/password', { oldPassword: INIT_PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(200);
  return { id, client: first };
}

async function visibleUsernames(c: Client, query = ''): Promise<string[]> {
  const res = await c.get<UserList>(`/api/v1/users?pageSize=200${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.total).toBe(res.body.items.length);
  return res.body.items.map((u) => u.username).sort();
}

const sorted = (names: string[]) => [...names].sort();

describe('data scopes on GET /api/v1/users', () => {
  let p: TestPlatform;
  const c: Record<string, Client> = {};

  // Tenant 650100 (乌鲁木齐): org WLMQ-ZJJ with child org WLMQ-ZJJ-WY; WLMQ-12345 and WLMQ-RSJ besides.
  // Below it: tenant 650102 (天山区, handler_ts) and the demo enterprise E-DEMO-001 (ent_demo).
  const ZJJ = ['handler_wlmq', 'leader_wlmq', 'sc_self', 'sc_org', 'sc_orgsub'];
  const WY = ['sc_wy'];
  const WLMQ_OTHER = ['admin_wlmq', 'catalog_wlmq', 'kbeditor_wlmq', 'kbreviewer_wlmq', 'sc_tenant', 'sc_tsub'];
  const WLMQ = [...ZJJ, ...WY, ...WLMQ_OTHER];
  const BELOW_WLMQ = ['handler_ts', 'ent_demo'];

  beforeAll(async () => {
    p = await createTestPlatform();
    await relaxLoginRateLimit(p);
    const role: Record<string, string> = {};
    for (const scope of ['self', 'org', 'org_subtree', 'tenant', 'tenant_subtree']) {
      const r = await createRole(p, '650100', `scope_${scope}`, scope, ['identity:user:read']);
      expect(r.dataScope).toBe(scope);
      expect(r.adminType).toBe('system');
      role[scope] = r.id;
    }
    const users: [string, string, string][] = [
      ['sc_self', 'WLMQ-ZJJ', 'self'],
      ['sc_org', 'WLMQ-ZJJ', 'org'],
      ['sc_orgsub', 'WLMQ-ZJJ', 'org_subtree'],
      ['sc_wy', 'WLMQ-ZJJ-WY', 'org_subtree'],
      ['sc_tenant', 'WLMQ-RSJ', 'tenant'],
      ['sc_tsub', 'WLMQ-RSJ', 'tenant_subtree'],
    ];
    for (const [username, org, scope] of users) {
      c[username] = (await createUser(p, username, '650100', org, [role[scope]!])).client;
    }
  });
  afterAll(() => p.close());

  it('self: sees only oneself', async () => {
    expect(await visibleUsernames(c.sc_self!)).toEqual(['sc_self']);
    const look = await ids(p);
    // Out-of-scope records are simply not found, even by id.
    expectProblem(await c.sc_self!.get(`/api/v1/users/${await look.user('leader_wlmq')}`), 404, 'NOT_FOUND');
    expect((await c.sc_self!.get(`/api/v1/users/${await look.user('sc_self')}`)).status).toBe(200);
  });

  it('org: sees the users of its own org only, not of child orgs', async () => {
    expect(await visibleUsernames(c.sc_org!)).toEqual(sorted(ZJJ));
    const look = await ids(p);
    expectProblem(await c.sc_org!.get(`/api/v1/users/${await look.user('sc_wy')}`), 404, 'NOT_FOUND');
    expectProblem(await c.sc_org!.get(`/api/v1/users/${await look.user('admin_wlmq')}`), 404, 'NOT_FOUND');
    // A filter cannot widen the scope.
    expect(await visibleUsernames(c.sc_org!, `&orgId=${await look.org('WLMQ-RSJ')}`)).toEqual([]);
  });

  it('org_subtree: includes child orgs, but not parent or sibling orgs', async () => {
    expect(await visibleUsernames(c.sc_orgsub!)).toEqual(sorted([...ZJJ, ...WY]));
    // From the child org, the parent org is out of reach.
    expect(await visibleUsernames(c.sc_wy!)).toEqual(WY);
    const look = await ids(p);
    expectProblem(await c.sc_wy!.get(`/api/v1/users/${await look.user('leader_wlmq')}`), 404, 'NOT_FOUND');
  });

  it('tenant: sees the whole tenant, but no child tenant', async () => {
    expect(await visibleUsernames(c.sc_tenant!)).toEqual(sorted(WLMQ));
    const look = await ids(p);
    expectProblem(await c.sc_tenant!.get(`/api/v1/users/${await look.user('handler_ts')}`), 404, 'NOT_FOUND');
    expect(await visibleUsernames(c.sc_tenant!, `&tenantId=${await look.tenant('650102')}`)).toEqual([]);
  });

  it('tenant_subtree: also sees the users of child tenants, but nothing above or beside', async () => {
    const seen = await visibleUsernames(c.sc_tsub!);
    expect(seen).toEqual(sorted([...WLMQ, ...BELOW_WLMQ]));
    expect(seen).not.toContain('sysadmin');
    expect(seen).not.toContain('handler_kash');
    const look = await ids(p);
    expect(await visibleUsernames(c.sc_tsub!, `&tenantId=${await look.tenant('650102')}`)).toEqual(['handler_ts']);
    expectProblem(await c.sc_tsub!.get(`/api/v1/users/${await look.user('sysadmin')}`), 404, 'NOT_FOUND');
    expectProblem(await c.sc_tsub!.get(`/api/v1/users/${await look.user('handler_kash')}`), 404, 'NOT_FOUND');
  });

  it('the root admins (tenant_subtree at 自治区) see every user', async () => {
    const sys = await login(p, 'sysadmin');
    const all = await p.deps.db.selectFrom('app_user').select('username').where('deleted_at', 'is', null).execute();
    expect(await visibleUsernames(sys)).toEqual(sorted(all.map((u) => u.username)));
  });

  it('a user holding several roles gets the widest of their scopes, at once', async () => {
    const look = await ids(p);
    const sec = await login(p, 'secadmin');
    const id = await look.user('sc_self');
    const granted = await sec.patch(`/api/v1/users/${id}`, { roleIds: [await look.role('scope_self'), await look.role('scope_org')] });
    expect(granted.status).toBe(200);
    // Same session, no new login.
    expect(await visibleUsernames(c.sc_self!)).toEqual(sorted(ZJJ));
    expect((await sec.patch(`/api/v1/users/${id}`, { roleIds: [await look.role('scope_self')] })).status).toBe(200);
    expect(await visibleUsernames(c.sc_self!)).toEqual(['sc_self']);
  });
});

describe('three-admin separation (三员分立) and role management', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await createTestPlatform();
    await relaxLoginRateLimit(p);
  });
  afterAll(() => p.close());

  it('refuses a role that mixes the permissions of two admin types', async () => {
    const sec = await login(p, 'secadmin');
    const tenantId = await (await ids(p)).tenant('650000');
    const mixes = [
      ['identity:user:read', 'audit:log:read'],
      ['identity:user:write', 'identity:user:grant'],
      ['security:config:write', 'audit:log:export'],
    ];
    for (const [i, permissions] of mixes.entries()) {
      const res = await sec.post('/api/v1/roles', { tenantId, code: `mixed_${i}`, name: '混合角色', dataScope: 'tenant', permissions });
      expect(expectProblem(res, 400, 'VALIDATION_FAILED').detail).toContain('三员分立');
    }
    expectProblem(await sec.post('/api/v1/roles', { tenantId, code: 'unknown_perm', name: '未知权限', dataScope: 'tenant', permissions: ['identity:user:root'] }), 400, 'VALIDATION_FAILED');
    const stored = await p.deps.db.selectFrom('role').select('code').where('code', 'like', 'mixed_%').execute();
    expect(stored).toEqual([]);

    // Nor may an existing role be edited into a mix.
    const sysRole = await createRole(p, '650000', 'sys_reader', 'tenant', ['identity:user:read']);
    const patched = await sec.patch(`/api/v1/roles/${sysRole.id}`, { permissions: ['identity:user:read', 'audit:log:read'] });
    expect(expectProblem(patched, 400, 'VALIDATION_FAILED').detail).toContain('三员分立');
  });

  it('refuses to give one user the roles of two admins, directly or by editing a role they hold', async () => {
    const look = await ids(p);
    const sec = await login(p, 'secadmin');
    const target = await createUser(p, 'u_two_hats', '650000', 'XXZX', [await look.role('sys_admin')]);
    const pairs = [
      ['sys_admin', 'audit_admin'],
      ['sys_admin', 'security_admin'],
      ['security_admin', 'audit_admin'],
    ];
    for (const [a, b] of pairs) {
      const res = await sec.patch(`/api/v1/users/${target.id}`, { roleIds: [await look.role(a!), await look.role(b!)] });
      expect(expectProblem(res, 400, 'VALIDATION_FAILED').detail).toContain('三员分立');
    }
    const roles = await p.deps.db.selectFrom('user_role').select('role_id').where('user_id', '=', target.id).execute();
    expect(roles.map((r) => r.role_id)).toEqual([await look.role('sys_admin')]);

    // A harmless custom role held next to sys_admin cannot later be turned into an audit role.
    const plain = await createRole(p, '650000', 'plain_role', 'self', ['dashboard:view']);
    expect((await sec.patch(`/api/v1/users/${target.id}`, { roleIds: [await look.role('sys_admin'), plain.id] })).status).toBe(200);
    const res = await sec.patch(`/api/v1/roles/${plain.id}`, { permissions: ['dashboard:view', 'audit:log:read'] });
    expect(expectProblem(res, 400, 'VALIDATION_FAILED').detail).toContain('三员分立');
    const after = await p.deps.db.selectFrom('role').select(['permissions', 'admin_type']).where('id', '=', plain.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ permissions: ['dashboard:view'], admin_type: null });
    // Turning it into a further system role is fine.
    expect((await sec.patch(`/api/v1/roles/${plain.id}`, { permissions: ['dashboard:view', 'system:dict:read'] })).status).toBe(200);
  });

  it('keeps each admin to their own endpoints', async () => {
    const look = await ids(p);
    const sys = await login(p, 'sysadmin');
    const sec = await login(p, 'secadmin');
    const aud = await login(p, 'auditadmin');
    const rootId = await look.tenant('650000');
    const orgId = await look.org('RX-SL1');

    expectProblem(await sys.get('/api/v1/audit/logs'), 403, 'FORBIDDEN');
    expectProblem(await sec.get('/api/v1/audit/logs'), 403, 'FORBIDDEN');
    expect((await aud.get('/api/v1/audit/logs')).status).toBe(200);

    const newUser = { tenantId: rootId, orgId, username: 'u_by_auditor', displayName: '审计员建的用户', password: INIT_PASSWORD };
    expectProblem(await aud.post('/api/v1/users', newUser), 403, 'FORBIDDEN');
    expectProblem(await sec.post('/api/v1/users', newUser), 403, 'FORBIDDEN');
    const tenant = { parentId: rootId, code: 'T-SEP-1', name: '测试租户', kind: 'enterprise' };
    expectProblem(await aud.post('/api/v1/tenants', tenant), 403, 'FORBIDDEN');
    expectProblem(await sec.post('/api/v1/tenants', tenant), 403, 'FORBIDDEN');
    expect(await p.deps.db.selectFrom('app_user').select('id').where('username', '=', 'u_by_auditor').executeTakeFirst()).toBeUndefined();
    expect(await p.deps.db.selectFrom('tenant').select('id').where('code', '=', 'T-SEP-1').executeTakeFirst()).toBeUndefined();
    // The system admin is the one who may.
    expect((await sys.post('/api/v1/tenants', tenant)).status).toBe(201);

    // Only the security admin manages roles and sessions and unlocks accounts.
    expectProblem(await sys.post('/api/v1/roles', { tenantId: rootId, code: 'by_sys', name: 'x', dataScope: 'self', permissions: [] }), 403, 'FORBIDDEN');
    expectProblem(await aud.post('/api/v1/roles', { tenantId: rootId, code: 'by_aud', name: 'x', dataScope: 'self', permissions: [] }), 403, 'FORBIDDEN');
    expectProblem(await sys.get('/api/v1/sessions'), 403, 'FORBIDDEN');
    expectProblem(await aud.post(`/api/v1/users/${await look.user('agent01')}/unlock`), 403, 'FORBIDDEN');
    expectProblem(await sys.post(`/api/v1/users/${await look.user('agent01')}/reset-password`, { newPassword: NEW_PASSWORD }), 403, 'FORBIDDEN');

    // Refusals of audited actions are themselves in the audit trail (written after the response).
    const auditorId = await look.user('auditadmin');
    const secId = await look.user('secadmin');
    await vi.waitFor(async () => {
      const failures = await p.deps.db.selectFrom('audit_log').select(['action', 'actor_id']).where('result', '=', 'failure').execute();
      expect(failures).toContainEqual({ action: 'user.create', actor_id: auditorId });
      expect(failures).toContainEqual({ action: 'tenant.create', actor_id: secId });
    });
  });

  it('lets only the security admin grant roles, and nobody change their own', async () => {
    const look = await ids(p);
    const sys = await login(p, 'sysadmin');
    const sec = await login(p, 'secadmin');
    const agentId = await look.user('agent01');
    const before = await p.deps.db.selectFrom('user_role').select('role_id').where('user_id', '=', agentId).execute();

    expectProblem(await sys.patch(`/api/v1/users/${agentId}`, { roleIds: [await look.role('dispatcher')] }), 403, 'FORBIDDEN');
    // Not even bundled with a profile change the system admin may make.
    expectProblem(await sys.patch(`/api/v1/users/${agentId}`, { displayName: '古丽娜尔', roleIds: [await look.role('dispatcher')] }), 403, 'FORBIDDEN');
    const createWithRoles = await sys.post('/api/v1/users', {
      tenantId: await look.tenant('650000'),
      orgId: await look.org('RX-SL1'),
      username: 'u_sys_granted',
      displayName: '带角色新建',
      password: INIT_PASSWORD,
      roleIds: [await look.role('sys_admin')],
    });
    expectProblem(createWithRoles, 403, 'FORBIDDEN');
    // The security admin grants roles but does not edit profiles.
    expectProblem(await sec.patch(`/api/v1/users/${agentId}`, { displayName: '改名' }), 403, 'FORBIDDEN');
    expect(await p.deps.db.selectFrom('user_role').select('role_id').where('user_id', '=', agentId).execute()).toEqual(before);

    const secId = await look.user('secadmin');
    const selfGrant = await sec.patch(`/api/v1/users/${secId}`, { roleIds: [await look.role('security_admin'), await look.role('supervisor')] });
    expectProblem(selfGrant, 403, 'FORBIDDEN');
    expectProblem(await sec.patch(`/api/v1/users/${secId}`, { roleIds: [] }), 403, 'FORBIDDEN');
    expectProblem(await sys.patch(`/api/v1/users/${await look.user('sysadmin')}`, { roleIds: [await look.role('sys_admin'), await look.role('supervisor')] }), 403, 'FORBIDDEN');
    const secRoles = await p.deps.db.selectFrom('user_role').select('role_id').where('user_id', '=', secId).execute();
    expect(secRoles.map((r) => r.role_id)).toEqual([await look.role('security_admin')]);

    // The security admin may grant others.
    expect((await sec.patch(`/api/v1/users/${agentId}`, { roleIds: [await look.role('hotline_agent'), await look.role('reviewer')] })).status).toBe(200);
    const grant = await p.deps.db.selectFrom('audit_log').select(['actor_id', 'result']).where('action', '=', 'user.grant').where('target_id', '=', agentId).execute();
    expect(grant).toEqual([{ actor_id: secId, result: 'success' }]);
  });

  it('splits the config center: security.* for the security admin, system.* for the system admin', async () => {
    const sys = await login(p, 'sysadmin');
    const sec = await login(p, 'secadmin');
    const aud = await login(p, 'auditadmin');

    expectProblem(await sys.put('/api/v1/config/security.lockoutThreshold', { value: 20 }), 403, 'FORBIDDEN');
    expectProblem(await sys.put('/api/v1/config/security.passwordMinLength', { value: 8 }), 403, 'FORBIDDEN');
    expectProblem(await sec.put('/api/v1/config/system.hotlineNumber', { value: '12346' }), 403, 'FORBIDDEN');
    expectProblem(await aud.put('/api/v1/config/system.hotlineNumber', { value: '12346' }), 403, 'FORBIDDEN');
    expectProblem(await aud.put('/api/v1/config/security.lockoutThreshold', { value: 20 }), 403, 'FORBIDDEN');

    expect((await sys.put('/api/v1/config/system.hotlineNumber', { value: '12345-1' })).status).toBe(200);
    expect((await sec.put('/api/v1/config/security.lockoutThreshold', { value: 6 })).status).toBe(200);
    expect(await p.deps.params.get('system.hotlineNumber')).toBe('12345-1');
    expect(await p.deps.params.int('security.lockoutThreshold')).toBe(6);
    const rows = await p.deps.db.selectFrom('sys_param').select(['key', 'updated_by']).where('key', 'in', ['system.hotlineNumber', 'security.lockoutThreshold', 'security.passwordMinLength']).orderBy('key').execute();
    expect(rows).toEqual([
      { key: 'security.lockoutThreshold', updated_by: 'secadmin' },
      { key: 'security.passwordMinLength', updated_by: null },
      { key: 'system.hotlineNumber', updated_by: 'sysadmin' },
    ]);

    // Each sees only the parameters they own.
    const sysList = await sys.get<{ items: { key: string; editable: boolean }[] }>('/api/v1/config');
    expect(sysList.body.items.length).toBeGreaterThan(0);
    expect(sysList.body.items.every((i) => i.key.startsWith('system.') && i.editable)).toBe(true);
    const secList = await sec.get<{ items: { key: string; editable: boolean }[] }>('/api/v1/config');
    expect(secList.body.items.length).toBeGreaterThan(0);
    expect(secList.body.items.every((i) => i.key.startsWith('security.') && i.editable)).toBe(true);
    expectProblem(await aud.get('/api/v1/config'), 403, 'FORBIDDEN');
  });

  it('applies role changes to the next request, without a new login', async () => {
    const look = await ids(p);
    const sec = await login(p, 'secadmin');
    const role = await createRole(p, '650000', 'live_reader', 'tenant', ['identity:user:read', 'message:read']);
    const holder = await createUser(p, 'u_live', '650000', 'RX-SL2', [role.id]);
    const c = holder.client;
    expect((await c.get('/api/v1/users')).status).toBe(200);

    expect((await sec.patch(`/api/v1/roles/${role.id}`, { permissions: ['message:read'] })).status).toBe(200);
    expectProblem(await c.get('/api/v1/users'), 403, 'FORBIDDEN');
    expectProblem(await c.get(`/api/v1/users/${holder.id}`), 403, 'FORBIDDEN');
    expect((await c.get('/api/v1/notifications')).status).toBe(200);
    const me = await c.get<{ user: { permissions: string[] } }>('/api/v1/me');
    expect(me.body.user.permissions).toEqual(['message:read']);

    expect((await sec.patch(`/api/v1/roles/${role.id}`, { permissions: ['identity:user:read', 'message:read'] })).status).toBe(200);
    expect((await c.get('/api/v1/users')).status).toBe(200);

    // Taking the role away works the same way.
    expect((await sec.patch(`/api/v1/users/${holder.id}`, { roleIds: [await look.role('hotline_agent')] })).status).toBe(200);
    expectProblem(await c.get('/api/v1/users'), 403, 'FORBIDDEN');
  });

  it('protects built-in roles from editing and deletion, and in-use roles from deletion', async () => {
    const look = await ids(p);
    const sec = await login(p, 'secadmin');
    for (const code of ['sys_admin', 'security_admin', 'audit_admin', 'hotline_agent']) {
      const id = await look.role(code);
      expectProblem(await sec.patch(`/api/v1/roles/${id}`, { name: '改名' }), 403, 'FORBIDDEN');
      expectProblem(await sec.patch(`/api/v1/roles/${id}`, { permissions: ['dashboard:view'] }), 403, 'FORBIDDEN');
      expectProblem(await sec.delete(`/api/v1/roles/${id}`), 403, 'FORBIDDEN');
    }
    const builtin = await p.deps.db.selectFrom('role').select(['code', 'name']).where('builtin', '=', true).where('code', '=', 'security_admin').executeTakeFirstOrThrow();
    expect(builtin.name).toBe('安全管理员');

    const role = await createRole(p, '650000', 'temp_role', 'self', ['dashboard:view']);
    const holder = await createUser(p, 'u_temp', '650000', 'RX-SL2', [role.id]);
    expectProblem(await sec.delete(`/api/v1/roles/${role.id}`), 409, 'CONFLICT');
    expect((await sec.patch(`/api/v1/users/${holder.id}`, { roleIds: [] })).status).toBe(200);
    expect((await sec.delete(`/api/v1/roles/${role.id}`)).status).toBe(200);
    expect(await p.deps.db.selectFrom('role').select('id').where('id', '=', role.id).executeTakeFirst()).toBeUndefined();
  });
});
