import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateTotp } from '../src/platform/crypto/totp.js';
import { DEMO_PASSWORD } from '../src/seed/demo.seed.js';
import { Client, createTestPlatform, ids, login, type Res, type TestPlatform, relaxLoginRateLimit, expectProblem, type Problem } from './harness.js';

/**
 * Authentication and session security: credentials, lockout, idle timeout, session revocation,
 * TOTP second factor, per-role MFA enforcement, forced password change and login rate limiting.
 */

const INIT_PASSWORD = 'Init#Pass2026';
const NEW_PASSWORD = 'Changed#Pass2026';
const MINUTE = 60_000;
const DAY = 86_400_000;

interface LoginBody {
  status: string | number;
  token?: string;
  mfaToken?: string;
  mustChangePassword?: boolean;
  mfaEnrollRequired?: boolean;
  code?: string;
  detail?: string;
}
interface SessionItem {
  id: string;
  userId: string;
  username: string;
  current: boolean;
}
interface MeBody {
  user: { id: string; username: string; mfaEnabled: boolean };
  restriction: string | null;
  menus: unknown[];
}

const tryLogin = (p: TestPlatform, username: string, password: string) => new Client(p).post<LoginBody>('/api/v1/auth/login', { username, password });
const tryMfa = (p: TestPlatform, mfaToken: string, code: string) => new Client(p).post<LoginBody>('/api/v1/auth/mfa', { mfaToken, code });

function tokenOf(res: Res<LoginBody>): string {
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.status).toBe('ok');
  const token = res.body.token;
  if (!token) throw new Error('no token in login response');
  return token;
}

function mfaTokenOf(res: Res<LoginBody>): string {
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.status).toBe('mfa_required');
  expect(res.body.token).toBeUndefined();
  const token = res.body.mfaToken;
  if (!token) throw new Error('no mfaToken in login response');
  return token;
}


interface NewUser {
  id: string;
  username: string;
  password: string;
}

/**
 * A user created through the API by the system admin, optionally granted roles by the security
 * admin, and (unless `activate` is false) past the forced first password change.
 */
async function createUser(p: TestPlatform, username: string, opts: { tenant?: string; org?: string; roleIds?: string[]; phone?: string; activate?: boolean } = {}): Promise<NewUser> {
  const look = await ids(p);
  const sys = await login(p, 'sysadmin');
  const created = await sys.post<{ id: string }>('/api/v1/users', {
    tenantId: await look.tenant(opts.tenant ?? '650000'),
    orgId: await look.org(opts.org ?? 'RX-SL1'),
    username,
    displayName: `测试${username}`,
    password: INIT_PASSWORD,
    ...(opts.phone ? { phone: opts.phone } : {}),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id;
  if (opts.roleIds) {
    const sec = await login(p, 'secadmin');
    const granted = await sec.patch(`/api/v1/users/${id}`, { roleIds: opts.roleIds });
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);
  }
  if (opts.activate === false) return { id, username, password: INIT_PASSWORD };
  const first = await login(p, username, INIT_PASSWORD);
  const changed = await first.post('/api/v1/me/password', { oldPassword: INIT_PASSWORD, newPassword: NEW_PASSWORD });
  expect(changed.status, JSON.stringify(changed.body)).toBe(200);
  return { id, username, password: NEW_PASSWORD };
}

/** A 6-digit code that matches none of the steps the server accepts around `at`. */
function wrongCode(secret: string, at: Date): string {
  const valid = new Set([-30_000, 0, 30_000].map((d) => generateTotp(secret, new Date(at.getTime() + d))));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

describe('login, lockout and sessions', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await createTestPlatform();
    await relaxLoginRateLimit(p);
  });
  afterAll(() => p.close());

  it('logs in with the right password, returns a token and writes a success login_log row', async () => {
    const res = await tryLogin(p, 'agent01', DEMO_PASSWORD);
    const token = tokenOf(res);
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(res.body.mustChangePassword).toBe(false);
    expect(res.body.mfaEnrollRequired).toBe(false);

    const me = await new Client(p, token).get<MeBody>('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe('agent01');
    expect(me.body.restriction).toBeNull();

    const agentId = (await ids(p)).user('agent01');
    const rows = await p.deps.db.selectFrom('login_log').selectAll().where('username', '=', 'agent01').execute();
    expect(rows.filter((r) => r.result === 'success')).toHaveLength(1);
    expect(rows[0]).toMatchObject({ user_id: await agentId, result: 'success', reason: 'password', user_agent: 'vitest' });

    // Only a hash of the token is kept: the bearer token itself is never stored.
    const sessions = await p.deps.db.selectFrom('session').select('token_hash').where('user_id', '=', await agentId).execute();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.token_hash).not.toContain(token);
  });

  it('answers a wrong password and an unknown user identically (no user enumeration) and logs both failures', async () => {
    const wrong = await tryLogin(p, 'reviewer01', 'Wrong#Pass2026');
    const unknown = await tryLogin(p, 'no_such_user', 'Wrong#Pass2026');
    const a = expectProblem(wrong, 401, 'AUTH_INVALID_CREDENTIALS');
    const b = expectProblem(unknown, 401, 'AUTH_INVALID_CREDENTIALS');
    expect(a.detail).toBe('用户名或密码错误');
    expect(b.detail).toBe(a.detail);
    expect((wrong.body as LoginBody).token).toBeUndefined();

    const db = p.deps.db;
    const wrongRow = await db.selectFrom('login_log').selectAll().where('username', '=', 'reviewer01').executeTakeFirstOrThrow();
    expect(wrongRow).toMatchObject({ result: 'failure', reason: 'bad-password', user_id: await (await ids(p)).user('reviewer01') });
    const unknownRow = await db.selectFrom('login_log').selectAll().where('username', '=', 'no_such_user').executeTakeFirstOrThrow();
    expect(unknownRow).toMatchObject({ result: 'failure', reason: 'unknown-user', user_id: null, tenant_id: null });

    // The failed attempt is counted against the existing account only.
    const reviewer = await db.selectFrom('app_user').select('failed_attempts').where('username', '=', 'reviewer01').executeTakeFirstOrThrow();
    expect(reviewer.failed_attempts).toBe(1);
    // A later success resets the counter.
    tokenOf(await tryLogin(p, 'reviewer01', DEMO_PASSWORD));
    const after = await db.selectFrom('app_user').select('failed_attempts').where('username', '=', 'reviewer01').executeTakeFirstOrThrow();
    expect(after.failed_attempts).toBe(0);
  });

  it('stores passwords as scrypt hashes and phone numbers SM4-encrypted, never in clear', async () => {
    const phone = '13909998877';
    const u = await createUser(p, 'u_crypto', { phone });
    const rows = await p.deps.db.selectFrom('app_user').select(['username', 'password_hash', 'phone_enc', 'phone_idx']).execute();
    expect(rows.length).toBeGreaterThan(15);
    for (const r of rows) {
      expect(r.password_hash, r.username).toMatch(/^scrypt\$/);
      expect(r.password_hash).not.toContain(DEMO_PASSWORD);
      expect(r.password_hash).not.toContain(NEW_PASSWORD);
      if (r.phone_enc !== null) {
        const clear = p.deps.cipher.decrypt(r.phone_enc);
        expect(clear).toMatch(/^1\d{10}$/);
        expect(r.phone_enc, r.username).toMatch(/^sm4gcm:/);
        expect(r.phone_enc).not.toContain(clear);
        // The search index is a keyed hash, not the number.
        expect(r.phone_idx).toMatch(/^[0-9a-f]{64}$/);
        expect(r.phone_idx).not.toContain(clear);
      }
    }
    const mine = rows.find((r) => r.username === 'u_crypto')!;
    expect(mine.phone_enc).toMatch(/^sm4gcm:/);
    expect(mine.phone_enc).not.toContain(phone);
    expect(p.deps.cipher.decrypt(mine.phone_enc!)).toBe(phone);

    // The API shows a masked phone and can still search by the exact number (blind index).
    const sys = await login(p, 'sysadmin');
    const found = await sys.get<{ items: { id: string; phoneMasked: string | null }[] }>(`/api/v1/users?phone=${phone}`);
    expect(found.status).toBe(200);
    expect(found.body.items.map((i) => i.id)).toEqual([u.id]);
    expect(found.body.items[0]!.phoneMasked).not.toBe(phone);
    expect(found.body.items[0]!.phoneMasked).toMatch(/\*/);
    expect(JSON.stringify(found.body)).not.toContain(phone);
  });

  it('locks an account after 5 consecutive failures, audits the lock and lets it in again after 60 minutes', async () => {
    const u = await createUser(p, 'u_lock');
    for (let i = 1; i <= 4; i++) {
      const res = await tryLogin(p, u.username, 'Wrong#Pass2026');
      expectProblem(res, 401, 'AUTH_INVALID_CREDENTIALS');
    }
    const fifth = expectProblem(await tryLogin(p, u.username, 'Wrong#Pass2026'), 423, 'AUTH_LOCKED');
    expect(fifth.detail).toContain('锁定');
    // While locked even the right password is refused, and so are further wrong ones.
    expectProblem(await tryLogin(p, u.username, u.password), 423, 'AUTH_LOCKED');
    expectProblem(await tryLogin(p, u.username, 'Wrong#Pass2026'), 423, 'AUTH_LOCKED');

    const db = p.deps.db;
    const row = await db.selectFrom('app_user').select(['locked_until']).where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(row.locked_until!.getTime()).toBe(p.clock.now().getTime() + 60 * MINUTE);
    const audits = await db.selectFrom('audit_log').selectAll().where('action', '=', 'user.lock').where('target_id', '=', u.id).execute();
    expect(audits).toHaveLength(1);
    expect(audits[0]!.result).toBe('success');
    const reasons = (await db.selectFrom('login_log').select('reason').where('user_id', '=', u.id).where('result', '=', 'failure').orderBy('id').execute()).map((r) => r.reason);
    expect(reasons).toEqual(['bad-password', 'bad-password', 'bad-password', 'bad-password', 'bad-password-locked', 'locked', 'locked']);

    p.clock.advance(59 * MINUTE);
    expectProblem(await tryLogin(p, u.username, u.password), 423, 'AUTH_LOCKED');
    p.clock.advance(2 * MINUTE);
    const ok = await tryLogin(p, u.username, u.password);
    tokenOf(ok);
    const after = await db.selectFrom('app_user').select(['failed_attempts']).where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(after.failed_attempts).toBe(0);
  });

  it('counts failures that arrive concurrently, so parallel guessing cannot dodge the lockout', async () => {
    const u = await createUser(p, 'u_lock_race');
    const results = await Promise.all(Array.from({ length: 5 }, () => tryLogin(p, u.username, 'Wrong#Pass2026')));
    expect(results.map((r) => r.status).sort()).toEqual([401, 401, 401, 401, 423]);
    expectProblem(await tryLogin(p, u.username, u.password), 423, 'AUTH_LOCKED');
    const audits = await p.deps.db.selectFrom('audit_log').select('id').where('action', '=', 'user.lock').where('target_id', '=', u.id).execute();
    expect(audits).toHaveLength(1);
  });

  it('lets the security admin unlock early while the system admin gets 403', async () => {
    const u = await createUser(p, 'u_unlock');
    for (let i = 0; i < 5; i++) await tryLogin(p, u.username, 'Wrong#Pass2026');
    expectProblem(await tryLogin(p, u.username, u.password), 423, 'AUTH_LOCKED');

    const sec = await login(p, 'secadmin');
    const listed = await sec.get<{ items: { id: string; status: string }[] }>('/api/v1/users?status=locked&pageSize=200');
    expect(listed.status).toBe(200);
    expect(listed.body.items.find((i) => i.id === u.id)?.status).toBe('locked');

    const sys = await login(p, 'sysadmin');
    expectProblem(await sys.post(`/api/v1/users/${u.id}/unlock`), 403, 'FORBIDDEN');
    expectProblem(await tryLogin(p, u.username, u.password), 423, 'AUTH_LOCKED');

    expect((await sec.post(`/api/v1/users/${u.id}/unlock`)).status).toBe(200);
    tokenOf(await tryLogin(p, u.username, u.password));

    const db = p.deps.db;
    // Both the refused attempt by the system admin and the unlock itself are audited.
    const look = await ids(p);
    const [sysId, secId] = [await look.user('sysadmin'), await look.user('secadmin')];
    await vi.waitFor(async () => {
      const unlock = await db.selectFrom('audit_log').selectAll().where('action', '=', 'user.unlock').where('target_id', '=', u.id).orderBy('id').execute();
      expect(unlock.map((a) => [a.result, a.actor_id])).toEqual([
        ['failure', sysId],
        ['success', secId],
      ]);
    });
  });

  it('expires a session after 30 idle minutes, while activity keeps it alive', async () => {
    const c = await login(p, 'dispatcher01');
    p.clock.advance(20 * MINUTE);
    expect((await c.get('/api/v1/me')).status).toBe(200);
    p.clock.advance(20 * MINUTE);
    expect((await c.get('/api/v1/me')).status).toBe(200);
    p.clock.advance(29 * MINUTE);
    expect((await c.get('/api/v1/me')).status).toBe(200);

    p.clock.advance(31 * MINUTE);
    expectProblem(await c.get('/api/v1/me'), 401, 'AUTH_SESSION_EXPIRED');
    // Once expired it stays expired, even for routes without a permission check.
    expectProblem(await c.get('/api/v1/me/sessions'), 401, 'AUTH_SESSION_EXPIRED');
    const userId = await (await ids(p)).user('dispatcher01');
    const row = await p.deps.db.selectFrom('session').select(['revoke_reason']).where('user_id', '=', userId).executeTakeFirstOrThrow();
    expect(row.revoke_reason).toBe('idle-timeout');
  });

  it('lists and revokes sessions: by their owner, by the security admin, and by logout', async () => {
    const u = await createUser(p, 'u_sessions');
    const a = new Client(p, tokenOf(await tryLogin(p, u.username, u.password)));
    const b = new Client(p, tokenOf(await tryLogin(p, u.username, u.password)));

    const mine = await a.get<{ items: SessionItem[] }>('/api/v1/me/sessions');
    expect(mine.status).toBe(200);
    // The session of the forced password change was kept alive by the change itself, so 3 are active.
    expect(mine.body.items.length).toBeGreaterThanOrEqual(2);
    expect(mine.body.items.every((s) => s.userId === u.id)).toBe(true);
    expect(mine.body.items.filter((s) => s.current)).toHaveLength(1);
    const aId = mine.body.items.find((s) => s.current)!.id;
    const bView = await b.get<{ items: SessionItem[] }>('/api/v1/me/sessions');
    const bId = bView.body.items.find((s) => s.current)!.id;
    expect(bId).not.toBe(aId);
    expect(mine.body.items.map((s) => s.id)).toContain(bId);

    // Someone else's session cannot be revoked through /me.
    const other = await login(p, 'agent01');
    const otherId = (await other.get<{ items: SessionItem[] }>('/api/v1/me/sessions')).body.items.find((s) => s.current)!.id;
    expectProblem(await a.delete(`/api/v1/me/sessions/${otherId}`), 404, 'NOT_FOUND');
    expect((await other.get('/api/v1/me')).status).toBe(200);

    expect((await a.delete(`/api/v1/me/sessions/${bId}`)).status).toBe(200);
    expectProblem(await b.get('/api/v1/me'), 401, 'AUTH_SESSION_EXPIRED');
    expect((await a.get('/api/v1/me')).status).toBe(200);

    // The security admin sees the user's sessions and revokes one.
    const sec = await login(p, 'secadmin');
    const listed = await sec.get<{ items: SessionItem[]; total: number }>(`/api/v1/sessions?userId=${u.id}`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((s) => s.id)).toContain(aId);
    expect(listed.body.items.map((s) => s.id)).not.toContain(bId);
    expect(listed.body.items.every((s) => s.username === u.username)).toBe(true);
    expect((await sec.delete(`/api/v1/sessions/${aId}`)).status).toBe(200);
    expectProblem(await a.get('/api/v1/me'), 401, 'AUTH_SESSION_EXPIRED');
    const revoked = await p.deps.db.selectFrom('session').select(['revoke_reason']).where('id', '=', aId).executeTakeFirstOrThrow();
    expect(revoked.revoke_reason).toBe('revoked-by:secadmin');
    const audit = await p.deps.db.selectFrom('audit_log').select('id').where('action', '=', 'session.revoke').where('target_id', '=', aId).execute();
    expect(audit).toHaveLength(1);

    // Ordinary users cannot use the admin session endpoints.
    expectProblem(await other.get('/api/v1/sessions'), 403, 'FORBIDDEN');
    expectProblem(await other.delete(`/api/v1/sessions/${aId}`), 403, 'FORBIDDEN');

    // Logout revokes the current token only.
    const c = new Client(p, tokenOf(await tryLogin(p, u.username, u.password)));
    const d = new Client(p, tokenOf(await tryLogin(p, u.username, u.password)));
    expect((await c.post('/api/v1/auth/logout')).status).toBe(200);
    expectProblem(await c.get('/api/v1/me'), 401, 'AUTH_SESSION_EXPIRED');
    expect((await d.get('/api/v1/me')).status).toBe(200);
  });

  it('forces a new user to change the initial password before using anything else', async () => {
    const look = await ids(p);
    const u = await createUser(p, 'u_newcomer', { roleIds: [await look.role('hotline_agent')], activate: false });
    const res = await tryLogin(p, u.username, INIT_PASSWORD);
    expect(res.body.mustChangePassword).toBe(true);
    const c = new Client(p, tokenOf(res));

    expectProblem(await c.get('/api/v1/notifications'), 403, 'AUTH_PASSWORD_CHANGE_REQUIRED');
    expectProblem(await c.post('/api/v1/me/mfa/disable', { code: '123456' }), 403, 'AUTH_PASSWORD_CHANGE_REQUIRED');
    const me = await c.get<MeBody>('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.restriction).toBe('password-change');
    expect(me.body.menus).toEqual([]);

    const weak = expectProblem(await c.post('/api/v1/me/password', { oldPassword: INIT_PASSWORD, newPassword: 'abc12345' }), 400, 'VALIDATION_FAILED');
    expect(weak.detail).toContain('密码长度不能少于10位');
    expect(weak.detail).toMatch(/至少3类/);
    expect(weak.errors?.every((e) => e.path === '/newPassword')).toBe(true);
    const withName = expectProblem(await c.post('/api/v1/me/password', { oldPassword: INIT_PASSWORD, newPassword: 'X_u_newcomer_2026' }), 400, 'VALIDATION_FAILED');
    expect(withName.detail).toContain('密码不能包含用户名');
    const wrongOld = expectProblem(await c.post('/api/v1/me/password', { oldPassword: 'Not#ThePass2026', newPassword: NEW_PASSWORD }), 400, 'VALIDATION_FAILED');
    expect(wrongOld.detail).toBe('原密码错误');
    expectProblem(await c.get('/api/v1/notifications'), 403, 'AUTH_PASSWORD_CHANGE_REQUIRED');

    expect((await c.post('/api/v1/me/password', { oldPassword: INIT_PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(200);
    expect((await c.get('/api/v1/notifications')).status).toBe(200);
    expect((await c.get<MeBody>('/api/v1/me')).body.restriction).toBeNull();

    expectProblem(await tryLogin(p, u.username, INIT_PASSWORD), 401, 'AUTH_INVALID_CREDENTIALS');
    const again = await tryLogin(p, u.username, NEW_PASSWORD);
    expect(again.body.mustChangePassword).toBe(false);
    const row = await p.deps.db.selectFrom('app_user').select(['must_change_password']).where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(row.must_change_password).toBe(false);
  });

  // Last in this block: it moves the clock 91 days, which expires every password.
  it('reports mustChangePassword once the password is older than 90 days', async () => {
    const before = await tryLogin(p, 'supervisor01', DEMO_PASSWORD);
    expect(before.body.mustChangePassword).toBe(false);

    p.clock.advance(91 * DAY);
    const res = await tryLogin(p, 'supervisor01', DEMO_PASSWORD);
    expect(res.body.mustChangePassword).toBe(true);
    const c = new Client(p, tokenOf(res));
    expectProblem(await c.get('/api/v1/notifications'), 403, 'AUTH_PASSWORD_CHANGE_REQUIRED');
    expect((await c.get<MeBody>('/api/v1/me')).body.restriction).toBe('password-change');

    expect((await c.post('/api/v1/me/password', { oldPassword: DEMO_PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(200);
    expect((await c.get('/api/v1/notifications')).status).toBe(200);
    expect((await tryLogin(p, 'supervisor01', NEW_PASSWORD)).body.mustChangePassword).toBe(false);
  });
});

describe('TOTP second factor', () => {
  let p: TestPlatform;
  let user: NewUser;
  let secret = '';
  let recoveryCodes: string[] = [];

  beforeAll(async () => {
    p = await createTestPlatform();
    await relaxLoginRateLimit(p);
    user = await createUser(p, 'u_mfa');
  });
  afterAll(() => p.close());

  it('enrols: secret, otpauth URI and QR code; a wrong code is refused, the right one yields 10 recovery codes', async () => {
    const c = await login(p, user.username, user.password);
    const enroll = await c.post<{ secret: string; otpauthUri: string; qrDataUrl: string }>('/api/v1/me/mfa/enroll');
    expect(enroll.status).toBe(200);
    secret = enroll.body.secret;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enroll.body.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect(enroll.body.otpauthUri).toContain(`secret=${secret}`);
    expect(enroll.body.otpauthUri).toContain('u_mfa');
    expect(enroll.body.qrDataUrl).toMatch(/^data:image\/png;base64,/);

    // The secret is stored encrypted, and MFA is not on until activated.
    const pending = await p.deps.db.selectFrom('app_user').select(['mfa_secret_enc', 'mfa_enabled']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(pending.mfa_enabled).toBe(false);
    expect(pending.mfa_secret_enc).toMatch(/^sm4gcm:/);
    expect(pending.mfa_secret_enc).not.toContain(secret);
    tokenOf(await tryLogin(p, user.username, user.password));

    expectProblem(await c.post('/api/v1/me/mfa/activate', { code: wrongCode(secret, p.clock.now()) }), 400, 'AUTH_MFA_INVALID');
    const activated = await c.post<{ recoveryCodes: string[] }>('/api/v1/me/mfa/activate', { code: generateTotp(secret, p.clock.now()) });
    expect(activated.status).toBe(200);
    recoveryCodes = activated.body.recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect((await c.get<MeBody>('/api/v1/me')).body.user.mfaEnabled).toBe(true);

    const stored = await p.deps.db.selectFrom('mfa_recovery_code').select('code_hash').where('user_id', '=', user.id).execute();
    expect(stored).toHaveLength(10);
    for (const s of stored) expect(recoveryCodes).not.toContain(s.code_hash);
  });

  it('asks for the second factor at login, refuses wrong and replayed codes and accepts a fresh one', async () => {
    const first = await tryLogin(p, user.username, user.password);
    const mfaToken = mfaTokenOf(first);
    // The MFA token is not a session.
    expectProblem(await new Client(p, mfaToken).get('/api/v1/me'), 401, 'AUTH_SESSION_EXPIRED');

    expectProblem(await tryMfa(p, mfaToken, wrongCode(secret, p.clock.now())), 401, 'AUTH_MFA_INVALID');
    // The code used for activation belongs to a step already used: replay is refused.
    expectProblem(await tryMfa(p, mfaToken, generateTotp(secret, p.clock.now())), 401, 'AUTH_MFA_INVALID');

    p.clock.advance(30_000);
    const code = generateTotp(secret, p.clock.now());
    const ok = await tryMfa(p, mfaToken, code);
    const token = tokenOf(ok);
    const me = await new Client(p, token).get<MeBody>('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe(user.username);
    // A completed MFA token cannot be used again.
    expectProblem(await tryMfa(p, mfaToken, code), 401, 'AUTH_MFA_EXPIRED');

    // The same code in a new login is a replay, even though it is still within the time window.
    const second = mfaTokenOf(await tryLogin(p, user.username, user.password));
    expectProblem(await tryMfa(p, second, code), 401, 'AUTH_MFA_INVALID');
    p.clock.advance(30_000);
    tokenOf(await tryMfa(p, second, generateTotp(secret, p.clock.now())));

    const reasons = (await p.deps.db.selectFrom('login_log').select('reason').where('user_id', '=', user.id).orderBy('id').execute()).map((r) => r.reason);
    expect(reasons).toContain('password-ok-mfa-pending');
    expect(reasons).toContain('bad-mfa-code');
    expect(reasons).toContain('password+totp');
  });

  it('accepts each recovery code once', async () => {
    const code = recoveryCodes[0]!;
    const t1 = mfaTokenOf(await tryLogin(p, user.username, user.password));
    tokenOf(await tryMfa(p, t1, code.toUpperCase()));
    const t2 = mfaTokenOf(await tryLogin(p, user.username, user.password));
    expectProblem(await tryMfa(p, t2, code), 401, 'AUTH_MFA_INVALID');
    tokenOf(await tryMfa(p, t2, recoveryCodes[1]!));
    const used = await p.deps.db.selectFrom('mfa_recovery_code').select('used_at').where('user_id', '=', user.id).where('used_at', 'is not', null).execute();
    expect(used).toHaveLength(2);
    // Use times follow the platform clock like every other timestamp.
    for (const u of used) expect(u.used_at!.getTime()).toBe(p.clock.now().getTime());
  });

  it('lets one code open only one session when submitted concurrently', async () => {
    p.clock.advance(30_000);
    const code = generateTotp(secret, p.clock.now());
    const t1 = mfaTokenOf(await tryLogin(p, user.username, user.password));
    const t2 = mfaTokenOf(await tryLogin(p, user.username, user.password));
    const results = await Promise.all([tryMfa(p, t1, code), tryMfa(p, t2, code), tryMfa(p, t1, code)]);
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);

    const recovery = recoveryCodes[2]!;
    const t3 = mfaTokenOf(await tryLogin(p, user.username, user.password));
    const t4 = mfaTokenOf(await tryLogin(p, user.username, user.password));
    const viaRecovery = await Promise.all([tryMfa(p, t3, recovery), tryMfa(p, t4, recovery)]);
    expect(viaRecovery.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('locks the account when second-factor guessing goes on across logins', async () => {
    // Each MFA token allows 5 guesses; exhausting it counts as a failed login, and those must add
    // up across logins instead of being wiped by the next correct password.
    const brute = await createUser(p, 'u_mfa_brute');
    const c = await login(p, brute.username, brute.password);
    const enrolled = await c.post<{ secret: string }>('/api/v1/me/mfa/enroll');
    expect((await c.post('/api/v1/me/mfa/activate', { code: generateTotp(enrolled.body.secret, p.clock.now()) })).status).toBe(200);
    const guess = wrongCode(enrolled.body.secret, p.clock.now());

    const lastAnswers: number[] = [];
    for (let round = 1; round <= 5; round++) {
      const t = mfaTokenOf(await tryLogin(p, brute.username, brute.password));
      for (let i = 1; i < 5; i++) expectProblem(await tryMfa(p, t, guess), 401, 'AUTH_MFA_INVALID');
      const fifth = await tryMfa(p, t, guess);
      lastAnswers.push(fifth.status);
      // The exhausted MFA token is dead even for the right code.
      expectProblem(await tryMfa(p, t, generateTotp(enrolled.body.secret, p.clock.now())), 401, 'AUTH_MFA_EXPIRED');
    }
    expect(lastAnswers).toEqual([401, 401, 401, 401, 423]);
    expectProblem(await tryLogin(p, brute.username, brute.password), 423, 'AUTH_LOCKED');
    const audits = await p.deps.db.selectFrom('audit_log').select('id').where('action', '=', 'user.lock').where('target_id', '=', brute.id).execute();
    expect(audits).toHaveLength(1);
  });

  it('expires the MFA step after 5 minutes', async () => {
    const t = mfaTokenOf(await tryLogin(p, user.username, user.password));
    p.clock.advance(6 * MINUTE);
    const expired = expectProblem(await tryMfa(p, t, generateTotp(secret, p.clock.now())), 401, 'AUTH_MFA_EXPIRED');
    expect(expired.detail).toContain('超时');
    // A fresh login still works.
    const t2 = mfaTokenOf(await tryLogin(p, user.username, user.password));
    tokenOf(await tryMfa(p, t2, generateTotp(secret, p.clock.now())));
  });

  it('enforces MFA enrolment for holders of a role that requires it', async () => {
    const look = await ids(p);
    const sec = await login(p, 'secadmin');
    const role = await sec.post<{ id: string; mfaRequired: boolean }>('/api/v1/roles', {
      tenantId: await look.tenant('650000'),
      code: 'mfa_user_reader',
      name: '用户查询（需双因素）',
      dataScope: 'self',
      permissions: ['identity:user:read', 'dashboard:view'],
      mfaRequired: false,
    });
    expect(role.status, JSON.stringify(role.body)).toBe(201);
    const holder = await createUser(p, 'u_mfa_role', { roleIds: [role.body.id] });

    // Before the role requires MFA the holder works normally.
    const before = await tryLogin(p, holder.username, holder.password);
    expect(before.body.mfaEnrollRequired).toBe(false);
    const early = new Client(p, tokenOf(before));
    expect((await early.get('/api/v1/users')).status).toBe(200);

    const patched = await sec.patch<{ mfaRequired: boolean }>(`/api/v1/roles/${role.body.id}`, { mfaRequired: true });
    expect(patched.status).toBe(200);
    expect(patched.body.mfaRequired).toBe(true);
    // An existing session is restricted at once.
    expectProblem(await early.get('/api/v1/users'), 403, 'AUTH_MFA_ENROLL_REQUIRED');

    const res = await tryLogin(p, holder.username, holder.password);
    expect(res.body).toMatchObject({ status: 'ok', mfaEnrollRequired: true, mustChangePassword: false });
    const c = new Client(p, tokenOf(res));
    expectProblem(await c.get('/api/v1/users'), 403, 'AUTH_MFA_ENROLL_REQUIRED');
    const me = await c.get<MeBody>('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.restriction).toBe('mfa-enroll');

    const enroll = await c.post<{ secret: string }>('/api/v1/me/mfa/enroll');
    expect(enroll.status).toBe(200);
    const activated = await c.post<{ recoveryCodes: string[] }>('/api/v1/me/mfa/activate', { code: generateTotp(enroll.body.secret, p.clock.now()) });
    expect(activated.status).toBe(200);

    expect((await c.get('/api/v1/users')).status).toBe(200);
    expect((await c.get<MeBody>('/api/v1/me')).body.restriction).toBeNull();
    // A holder of an MFA-required role cannot switch MFA off again.
    p.clock.advance(30_000);
    expectProblem(await c.post('/api/v1/me/mfa/disable', { code: generateTotp(enroll.body.secret, p.clock.now()) }), 403, 'FORBIDDEN');
    // From now on the login asks for the second factor.
    const next = mfaTokenOf(await tryLogin(p, holder.username, holder.password));
    const done = await tryMfa(p, next, generateTotp(enroll.body.secret, p.clock.now()));
    expect(done.body).toMatchObject({ status: 'ok', mfaEnrollRequired: false });
  });
});

describe('login rate limiting', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await createTestPlatform();
  });
  afterAll(() => p.close());

  // @fastify/rate-limit counts in real time per client IP; each request here comes from its own address.
  const loginFrom = (ip: string, username: string, password: string) =>
    p.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'x-forwarded-for': ip, 'user-agent': 'vitest' }, payload: { username, password } });

  it('answers 429 RATE_LIMITED to the 4th login within a minute once the security admin sets the limit to 3', async () => {
    const sec = await login(p, 'secadmin');
    const sys = await login(p, 'sysadmin');
    expectProblem(await sys.put('/api/v1/config/security.loginRateLimitPerMinute', { value: 3 }), 403, 'FORBIDDEN');
    expectProblem(await sec.put('/api/v1/config/security.loginRateLimitPerMinute', { value: 0 }), 400, 'VALIDATION_FAILED');
    expect((await sec.put('/api/v1/config/security.loginRateLimitPerMinute', { value: 3 })).status).toBe(200);

    const ip = '10.20.30.40';
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await loginFrom(ip, 'agent01', i === 2 ? DEMO_PASSWORD : 'Wrong#Pass2026')).statusCode);
    expect(statuses).toEqual([401, 401, 200]);

    const fourth = await loginFrom(ip, 'agent01', DEMO_PASSWORD);
    expect(fourth.statusCode).toBe(429);
    expect(String(fourth.headers['content-type'])).toContain('application/problem+json');
    expect(fourth.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    // Throttled attempts do not reach the credential check, so they do not count towards the lockout.
    const agent = await p.deps.db.selectFrom('app_user').select('failed_attempts').where('username', '=', 'agent01').executeTakeFirstOrThrow();
    expect(agent.failed_attempts).toBe(0);

    // The MFA step is limited the same way, so codes cannot be guessed at speed either.
    const mfaFrom = () => p.app.inject({ method: 'POST', url: '/api/v1/auth/mfa', headers: { 'x-forwarded-for': ip }, payload: { mfaToken: 'x'.repeat(40), code: '123456' } });
    const mfaStatuses: number[] = [];
    for (let i = 0; i < 4; i++) mfaStatuses.push((await mfaFrom()).statusCode);
    expect(mfaStatuses).toEqual([401, 401, 401, 429]);

    // Another address is not affected.
    expect((await loginFrom('10.20.30.41', 'agent01', DEMO_PASSWORD)).statusCode).toBe(200);
  });
});
