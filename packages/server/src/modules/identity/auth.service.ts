import { randomBytes, randomUUID } from 'node:crypto';
import QRCode from 'qrcode';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { AuditActor } from '../../platform/audit/audit.js';
import type { AdminType, DataScope } from '../../platform/db/schema.js';
import {
  generateRecoveryCodes,
  generateTotpSecret,
  hashPassword,
  matchTotpStep,
  sm3Hex,
  totpUri,
  verifyPassword,
} from '../../platform/crypto/index.js';
import { AppError, forbidden, invalid, notFound, unauthenticated } from '../../platform/errors.js';
import { tenantVisible, widestScope } from '../../platform/scope.js';
import { commit } from '../../platform/usecase.js';
import { passwordProblems, type User } from './user.service.js';

export interface RequestMeta {
  ip: string;
  userAgent: string;
}

export type LoginResult =
  | { status: 'ok'; token: string; mustChangePassword: boolean; mfaEnrollRequired: boolean }
  | { status: 'mfa_required'; mfaToken: string };

const MFA_STEP_MINUTES = 5;
const MFA_MAX_ATTEMPTS = 5;
// Verifying against a fixed hash for unknown users keeps response time from revealing who exists.
let dummyHash: Promise<string> | undefined;

const tokenHash = (token: string) => sm3Hex(token);
const newToken = () => randomBytes(32).toString('base64url');
const anonymous = (meta: RequestMeta, name: string): AuditActor => ({ userId: null, name, tenantId: null, ip: meta.ip, userAgent: meta.userAgent });

async function findLoginUser(db: Db, username: string): Promise<User | undefined> {
  return db
    .selectFrom('app_user')
    .selectAll()
    .where(sql`lower(username)`, '=', username.toLowerCase())
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

async function logLogin(trx: Db, deps: Deps, meta: RequestMeta, username: string, user: User | undefined, result: 'success' | 'failure', reason: string) {
  await trx
    .insertInto('login_log')
    .values({ at: deps.clock.now(), tenant_id: user?.tenant_id ?? null, user_id: user?.id ?? null, username: username.slice(0, 100), ip: meta.ip, user_agent: meta.userAgent.slice(0, 500), result, reason })
    .execute();
}

export async function login(deps: Deps, input: { username: string; password: string }, meta: RequestMeta): Promise<LoginResult> {
  const now = deps.clock.now();
  const user = await findLoginUser(deps.db, input.username);
  if (!user) {
    dummyHash ??= hashPassword('dummy-password-for-timing');
    await verifyPassword(input.password, await dummyHash);
    await logLogin(deps.db, deps, meta, input.username, undefined, 'failure', 'unknown-user');
    throw new AppError('AUTH_INVALID_CREDENTIALS', '用户名或密码错误', 401);
  }
  if (user.locked_until && user.locked_until > now) {
    await logLogin(deps.db, deps, meta, input.username, user, 'failure', 'locked');
    throw lockedError(user.locked_until);
  }
  if (!(await verifyPassword(input.password, user.password_hash))) {
    throw await recordFailedAttempt(deps, user, meta, 'bad-password');
  }
  if (user.status !== 'active') {
    await logLogin(deps.db, deps, meta, input.username, user, 'failure', 'disabled');
    throw new AppError('AUTH_ACCOUNT_DISABLED', '账号已停用，请联系管理员', 403);
  }
  const tenant = await deps.db.selectFrom('tenant').select('status').where('id', '=', user.tenant_id).executeTakeFirstOrThrow();
  if (tenant.status !== 'active') {
    await logLogin(deps.db, deps, meta, input.username, user, 'failure', 'tenant-disabled');
    throw new AppError('AUTH_TENANT_DISABLED', '所属租户已停用，请联系上级管理员', 403);
  }
  if (user.mfa_enabled) {
    const mfaToken = newToken();
    // The failure counter is reset only once the second factor passes too (startSession):
    // resetting it here would let second-factor guessing go on forever, one login at a time.
    await deps.db.transaction().execute(async (trx) => {
      await insertSession(trx, deps, user, mfaToken, 'mfa', meta, new Date(now.getTime() + MFA_STEP_MINUTES * 60_000));
      await logLogin(trx, deps, meta, input.username, user, 'success', 'password-ok-mfa-pending');
    });
    return { status: 'mfa_required', mfaToken };
  }
  return startSession(deps, user, meta, 'password');
}

function lockedError(until: Date): AppError {
  const hhmm = until.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' });
  return new AppError('AUTH_LOCKED', `连续登录失败次数过多，账号已锁定，请于 ${hhmm} 后重试或联系安全管理员解锁`, 423);
}

async function recordFailedAttempt(deps: Deps, user: User, meta: RequestMeta, reason: string): Promise<AppError> {
  const threshold = await deps.params.int('security.lockoutThreshold');
  const minutes = await deps.params.int('security.lockoutMinutes');
  const { attempts, lockedUntil } = await commit(deps, anonymous(meta, user.username), async (trx) => {
    // Count in the database, not from the row read before the password check: concurrent
    // failures would otherwise overwrite each other and parallel guessing would never lock.
    const counted = await trx
      .updateTable('app_user')
      .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
      .where('id', '=', user.id)
      .returning('failed_attempts')
      .executeTakeFirstOrThrow();
    const attempts = counted.failed_attempts;
    const lockedUntil = attempts >= threshold ? new Date(deps.clock.now().getTime() + minutes * 60_000) : null;
    if (lockedUntil) await trx.updateTable('app_user').set({ failed_attempts: 0, locked_until: lockedUntil }).where('id', '=', user.id).execute();
    await logLogin(trx, deps, meta, user.username, user, 'failure', lockedUntil ? `${reason}-locked` : reason);
    // Lockouts are security events the audit admin must see, not only login-log noise.
    const audit = lockedUntil
      ? { action: 'user.lock', targetType: 'user', targetId: user.id, tenantId: user.tenant_id, detail: { attempts, lockedUntil: lockedUntil.toISOString() } }
      : [];
    return { result: { attempts, lockedUntil }, audit };
  });
  if (lockedUntil) return lockedError(lockedUntil);
  const left = threshold - attempts;
  return new AppError('AUTH_INVALID_CREDENTIALS', left <= 2 ? `用户名或密码错误，再失败 ${left} 次账号将被锁定` : '用户名或密码错误', 401);
}

async function insertSession(trx: Db, deps: Deps, user: User, token: string, stage: 'mfa' | 'active', meta: RequestMeta, expiresAt: Date): Promise<string> {
  const now = deps.clock.now();
  const id = randomUUID();
  await trx
    .insertInto('session')
    .values({ id, user_id: user.id, tenant_id: user.tenant_id, token_hash: tokenHash(token), stage, created_at: now, last_seen_at: now, expires_at: expiresAt, revoked_at: null, revoke_reason: null, ip: meta.ip, user_agent: meta.userAgent.slice(0, 500), mfa_attempts: 0 })
    .execute();
  return id;
}

async function startSession(deps: Deps, user: User, meta: RequestMeta, how: string): Promise<LoginResult> {
  const now = deps.clock.now();
  const token = newToken();
  const maxHours = await deps.params.int('security.sessionMaxHours');
  await deps.db.transaction().execute(async (trx) => {
    await insertSession(trx, deps, user, token, 'active', meta, new Date(now.getTime() + maxHours * 3_600_000));
    await trx.updateTable('app_user').set({ failed_attempts: 0, last_login_at: now, last_login_ip: meta.ip }).where('id', '=', user.id).execute();
    await logLogin(trx, deps, meta, user.username, user, 'success', how);
  });
  return { status: 'ok', token, ...(await restrictionsOf(deps, user)) };
}

interface RoleGrant {
  permissions: string[];
  data_scope: string;
  admin_type: string | null;
  mfa_required: boolean;
}

async function restrictionsOf(deps: Deps, user: User, mfaRoleHeld?: boolean): Promise<{ mustChangePassword: boolean; mfaEnrollRequired: boolean }> {
  const maxAgeDays = await deps.params.int('security.passwordMaxAgeDays');
  const expired = deps.clock.now().getTime() - new Date(user.password_changed_at).getTime() > maxAgeDays * 86_400_000;
  const mfaRole =
    mfaRoleHeld ??
    !!(await deps.db
      .selectFrom('user_role')
      .innerJoin('role', 'role.id', 'user_role.role_id')
      .select('role.id')
      .where('user_role.user_id', '=', user.id)
      .where('role.mfa_required', '=', true)
      .executeTakeFirst());
  return { mustChangePassword: user.must_change_password || expired, mfaEnrollRequired: mfaRole && !user.mfa_enabled };
}

export async function verifyMfa(deps: Deps, input: { mfaToken: string; code: string }, meta: RequestMeta): Promise<LoginResult> {
  const now = deps.clock.now();
  const session = await deps.db.selectFrom('session').selectAll().where('token_hash', '=', tokenHash(input.mfaToken)).where('stage', '=', 'mfa').executeTakeFirst();
  if (!session || session.revoked_at || session.expires_at < now) throw unauthenticated('AUTH_MFA_EXPIRED', '验证已超时，请重新登录');
  const user = await deps.db.selectFrom('app_user').selectAll().where('id', '=', session.user_id).executeTakeFirstOrThrow();
  const step = await checkSecondFactor(deps, deps.db, user, input.code);
  if (step === false) {
    const attempts = session.mfa_attempts + 1;
    await deps.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('session')
        .set({ mfa_attempts: attempts, ...(attempts >= MFA_MAX_ATTEMPTS ? { revoked_at: now, revoke_reason: 'mfa-failed' } : {}) })
        .where('id', '=', session.id)
        .execute();
      await logLogin(trx, deps, meta, user.username, user, 'failure', 'bad-mfa-code');
    });
    if (attempts >= MFA_MAX_ATTEMPTS) throw await recordFailedAttempt(deps, user, meta, 'mfa-exhausted');
    throw new AppError('AUTH_MFA_INVALID', '动态验证码错误', 401);
  }
  await deps.db.transaction().execute(async (trx) => {
    // Both writes are conditional, so concurrent requests with one code or one MFA token
    // cannot each open a session: only the first to commit succeeds.
    const completed = await trx
      .updateTable('session')
      .set({ revoked_at: now, revoke_reason: 'mfa-completed' })
      .where('id', '=', session.id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (completed.numUpdatedRows === 0n) throw unauthenticated('AUTH_MFA_EXPIRED', '验证已超时，请重新登录');
    if (!(await consumeSecondFactor(trx, user, step, now))) throw new AppError('AUTH_MFA_INVALID', '动态验证码错误', 401);
  });
  return startSession(deps, user, meta, step.kind === 'totp' ? 'password+totp' : 'password+recovery-code');
}

type FactorMatch = { kind: 'totp'; step: number } | { kind: 'recovery'; id: string };

/** A 6-digit TOTP code of a step not used before, or an unused recovery code. */
async function checkSecondFactor(deps: Deps, db: Db, user: User, code: string, secretEnc = user.mfa_secret_enc): Promise<FactorMatch | false> {
  const trimmed = code.trim();
  if (/^\d{6}$/.test(trimmed)) {
    if (!secretEnc) return false;
    const step = matchTotpStep(deps.cipher.decrypt(secretEnc), trimmed, deps.clock.now());
    return step !== null && step > Number(user.mfa_last_step) ? { kind: 'totp', step } : false;
  }
  const match = await db
    .selectFrom('mfa_recovery_code')
    .select('id')
    .where('user_id', '=', user.id)
    .where('code_hash', '=', sm3Hex(trimmed.toLowerCase()))
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return match ? { kind: 'recovery', id: match.id } : false;
}

/** Marks the factor used; false when a concurrent request consumed it first (a replay). */
async function consumeSecondFactor(trx: Db, user: User, match: FactorMatch, now: Date): Promise<boolean> {
  const res =
    match.kind === 'totp'
      ? await trx.updateTable('app_user').set({ mfa_last_step: match.step }).where('id', '=', user.id).where('mfa_last_step', '<', match.step).executeTakeFirst()
      : await trx.updateTable('mfa_recovery_code').set({ used_at: now }).where('id', '=', match.id).where('used_at', 'is', null).executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

export async function logout(deps: Deps, actor: Actor): Promise<void> {
  await deps.db.updateTable('session').set({ revoked_at: deps.clock.now(), revoke_reason: 'logout' }).where('id', '=', actor.sessionId).execute();
}

/** Resolves a bearer token to the caller; roles are read on every request so changes apply at once. */
export async function authenticate(deps: Deps, token: string, meta: RequestMeta): Promise<Actor> {
  const now = deps.clock.now();
  const session = await deps.db.selectFrom('session').selectAll().where('token_hash', '=', tokenHash(token)).executeTakeFirst();
  if (!session || session.revoked_at || session.stage !== 'active' || session.expires_at < now) {
    throw unauthenticated('AUTH_SESSION_EXPIRED', '登录已失效，请重新登录');
  }
  const idleMinutes = await deps.params.int('security.idleTimeoutMinutes');
  if (now.getTime() - session.last_seen_at.getTime() > idleMinutes * 60_000) {
    await deps.db.updateTable('session').set({ revoked_at: now, revoke_reason: 'idle-timeout' }).where('id', '=', session.id).execute();
    throw unauthenticated('AUTH_SESSION_EXPIRED', `超过 ${idleMinutes} 分钟未操作，登录已超时，请重新登录`);
  }
  // One round trip for the user, their tenant, org, roles and products: this runs on every request.
  const row = await deps.db
    .selectFrom('app_user')
    .innerJoin('tenant', 'tenant.id', 'app_user.tenant_id')
    .innerJoin('org', 'org.id', 'app_user.org_id')
    .selectAll('app_user')
    .select(['tenant.path as tenant_path', 'tenant.level as tenant_level', 'tenant.status as tenant_status', 'org.path as org_path'])
    .select(
      sql<RoleGrant[] | null>`(select json_agg(json_build_object('permissions', r.permissions, 'data_scope', r.data_scope, 'admin_type', r.admin_type, 'mfa_required', r.mfa_required))
        from user_role ur join role r on r.id = ur.role_id where ur.user_id = app_user.id)`.as('roles'),
    )
    .select(sql<string[] | null>`(select array_agg(tp.product_key) from tenant_product tp where tp.tenant_id = app_user.tenant_id)`.as('products'))
    .where('app_user.id', '=', session.user_id)
    .executeTakeFirst();
  if (!row || row.deleted_at || row.status !== 'active' || row.tenant_status !== 'active') {
    throw unauthenticated('AUTH_SESSION_EXPIRED', '账号或租户已停用，请联系管理员');
  }
  const roles = row.roles ?? [];
  if (now.getTime() - session.last_seen_at.getTime() > 15_000) {
    await deps.db.updateTable('session').set({ last_seen_at: now }).where('id', '=', session.id).execute();
  }
  const restrictions = await restrictionsOf(deps, row, roles.some((r) => r.mfa_required));
  const products = (row.products ?? []).map((product_key) => ({ product_key }));
  return {
    userId: row.id,
    username: row.username,
    displayName: row.display_name,
    tenantId: row.tenant_id,
    tenantPath: row.tenant_path,
    tenantLevel: row.tenant_level,
    orgId: row.org_id,
    orgPath: row.org_path,
    permissions: new Set(roles.flatMap((r) => r.permissions)),
    products: new Set(products.map((p) => p.product_key)),
    dataScope: widestScope(roles.map((r) => r.data_scope as DataScope)),
    adminType: (roles.find((r) => r.admin_type)?.admin_type as AdminType | undefined) ?? null,
    sessionId: session.id,
    ip: meta.ip,
    userAgent: meta.userAgent,
    restriction: restrictions.mustChangePassword ? 'password-change' : restrictions.mfaEnrollRequired ? 'mfa-enroll' : null,
  };
}

export async function changePassword(deps: Deps, actor: Actor, input: { oldPassword: string; newPassword: string }): Promise<void> {
  const user = await deps.db.selectFrom('app_user').selectAll().where('id', '=', actor.userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(input.oldPassword, user.password_hash))) throw invalid('原密码错误', [{ path: '/oldPassword', message: '原密码错误' }]);
  if (input.oldPassword === input.newPassword) throw invalid('新密码不能与原密码相同');
  const problems = await passwordProblems(deps, input.newPassword, user.username);
  if (problems.length) throw invalid(problems.join('；'), problems.map((message) => ({ path: '/newPassword', message })));
  const hash = await hashPassword(input.newPassword);
  await commit(deps, actor, async (trx) => {
    const now = deps.clock.now();
    await trx.updateTable('app_user').set({ password_hash: hash, must_change_password: false, password_changed_at: now, updated_at: now }).where('id', '=', user.id).execute();
    // Other devices must log in again with the new password.
    await trx.updateTable('session').set({ revoked_at: now, revoke_reason: 'password-changed' }).where('user_id', '=', user.id).where('id', '!=', actor.sessionId).where('revoked_at', 'is', null).execute();
    return { result: null, audit: { action: 'user.change-password', targetType: 'user', targetId: user.id } };
  });
}

export async function startMfaEnrollment(deps: Deps, actor: Actor): Promise<{ secret: string; otpauthUri: string; qrDataUrl: string }> {
  const user = await deps.db.selectFrom('app_user').selectAll().where('id', '=', actor.userId).executeTakeFirstOrThrow();
  if (user.mfa_enabled) throw invalid('已启用双因素认证，如需更换请先停用');
  const secret = generateTotpSecret();
  const issuer = String(await deps.params.get('system.platformName'));
  const otpauthUri = totpUri({ secret, account: user.username, issuer });
  await commit(deps, actor, async (trx) => {
    await trx.updateTable('app_user').set({ mfa_secret_enc: deps.cipher.encrypt(secret), updated_at: deps.clock.now() }).where('id', '=', user.id).execute();
    return { result: null, audit: { action: 'mfa.enroll-start', targetType: 'user', targetId: user.id } };
  });
  return { secret, otpauthUri, qrDataUrl: await QRCode.toDataURL(otpauthUri, { margin: 1, width: 220 }) };
}

export async function activateMfa(deps: Deps, actor: Actor, code: string): Promise<{ recoveryCodes: string[] }> {
  const user = await deps.db.selectFrom('app_user').selectAll().where('id', '=', actor.userId).executeTakeFirstOrThrow();
  if (user.mfa_enabled) throw invalid('已启用双因素认证');
  if (!user.mfa_secret_enc) throw invalid('请先获取二维码并在验证器中添加账号');
  const match = /^\d{6}$/.test(code.trim()) ? await checkSecondFactor(deps, deps.db, user, code) : false;
  if (!match) throw new AppError('AUTH_MFA_INVALID', '动态验证码错误，请确认手机时间准确后重试', 400);
  const codes = generateRecoveryCodes(10);
  await commit(deps, actor, async (trx) => {
    if (!(await consumeSecondFactor(trx, user, match, deps.clock.now()))) throw new AppError('AUTH_MFA_INVALID', '动态验证码错误，请确认手机时间准确后重试', 400);
    await trx.updateTable('app_user').set({ mfa_enabled: true, updated_at: deps.clock.now() }).where('id', '=', user.id).execute();
    await trx.deleteFrom('mfa_recovery_code').where('user_id', '=', user.id).execute();
    await trx.insertInto('mfa_recovery_code').values(codes.map((c) => ({ id: randomUUID(), user_id: user.id, code_hash: sm3Hex(c), used_at: null }))).execute();
    return { result: null, audit: { action: 'mfa.enable', targetType: 'user', targetId: user.id, after: { mfaEnabled: true } } };
  });
  return { recoveryCodes: codes };
}

export async function disableMfa(deps: Deps, actor: Actor, code: string): Promise<void> {
  const user = await deps.db.selectFrom('app_user').selectAll().where('id', '=', actor.userId).executeTakeFirstOrThrow();
  if (!user.mfa_enabled) throw invalid('尚未启用双因素认证');
  if ((await restrictionsOf(deps, { ...user, mfa_enabled: false })).mfaEnrollRequired) throw forbidden('您的角色要求启用双因素认证，不能停用');
  const match = await checkSecondFactor(deps, deps.db, user, code);
  if (!match) throw new AppError('AUTH_MFA_INVALID', '动态验证码错误', 400);
  await commit(deps, actor, async (trx) => {
    await trx.updateTable('app_user').set({ mfa_enabled: false, mfa_secret_enc: null, updated_at: deps.clock.now() }).where('id', '=', user.id).execute();
    await trx.deleteFrom('mfa_recovery_code').where('user_id', '=', user.id).execute();
    return { result: null, audit: { action: 'mfa.disable', targetType: 'user', targetId: user.id, before: { mfaEnabled: true }, after: { mfaEnabled: false } } };
  });
}

export interface SessionView {
  id: string;
  userId: string;
  username: string;
  displayName: string;
  ip: string;
  userAgent: string;
  createdAt: Date;
  lastSeenAt: Date;
  current: boolean;
}

function activeSessions(deps: Deps) {
  return deps.db
    .selectFrom('session')
    .innerJoin('app_user', 'app_user.id', 'session.user_id')
    .select(['session.id', 'session.user_id', 'app_user.username', 'app_user.display_name', 'session.ip', 'session.user_agent', 'session.created_at', 'session.last_seen_at', 'session.tenant_id'])
    .where('session.revoked_at', 'is', null)
    .where('session.stage', '=', 'active')
    .where('session.expires_at', '>', deps.clock.now());
}

export async function listMySessions(deps: Deps, actor: Actor): Promise<SessionView[]> {
  const rows = await activeSessions(deps).where('session.user_id', '=', actor.userId).orderBy('session.last_seen_at', 'desc').execute();
  return rows.map((r) => ({ id: r.id, userId: r.user_id, username: r.username, displayName: r.display_name, ip: r.ip, userAgent: r.user_agent, createdAt: r.created_at, lastSeenAt: r.last_seen_at, current: r.id === actor.sessionId }));
}

export async function listSessions(deps: Deps, actor: Actor, q: { userId?: string; page: number; pageSize: number }): Promise<{ items: SessionView[]; total: number }> {
  let query = activeSessions(deps).where((eb) => tenantVisible(eb, 'session.tenant_id', actor));
  if (q.userId) query = query.where('session.user_id', '=', q.userId);
  const { total } = await query.clearSelect().select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query.orderBy('session.last_seen_at', 'desc').limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute();
  return {
    items: rows.map((r) => ({ id: r.id, userId: r.user_id, username: r.username, displayName: r.display_name, ip: r.ip, userAgent: r.user_agent, createdAt: r.created_at, lastSeenAt: r.last_seen_at, current: r.id === actor.sessionId })),
    total: Number(total),
  };
}

/** Revokes a session: one's own always; anyone's in scope with security:session:revoke. */
export async function revokeSession(deps: Deps, actor: Actor, id: string, asAdmin: boolean): Promise<void> {
  let query = deps.db.selectFrom('session').select(['id', 'user_id', 'tenant_id']).where('id', '=', id).where('revoked_at', 'is', null);
  query = asAdmin ? query.where((eb) => tenantVisible(eb, 'session.tenant_id', actor)) : query.where('user_id', '=', actor.userId);
  const session = await query.executeTakeFirst();
  if (!session) throw notFound('会话');
  await commit(deps, actor, async (trx) => {
    await trx.updateTable('session').set({ revoked_at: deps.clock.now(), revoke_reason: asAdmin ? `revoked-by:${actor.username}` : 'revoked-by-self' }).where('id', '=', id).execute();
    return { result: null, audit: { action: 'session.revoke', targetType: 'session', targetId: id, tenantId: session.tenant_id, detail: { userId: session.user_id } } };
  });
}
