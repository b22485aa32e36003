import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { AppUserTable } from '../../platform/db/schema.js';
import { FieldCipher, checkPasswordPolicy, hashPassword } from '../../platform/crypto/index.js';
import { conflict, forbidden, invalid, notFound } from '../../platform/errors.js';
import { rowVisible } from '../../platform/scope.js';
import { commit, pageOf } from '../../platform/usecase.js';
import { adminTypesOf } from './permissions.js';
import { assignableRoles } from './role.service.js';
import { loadVisibleTenant } from './tenant.service.js';
import { loadVisibleOrg } from './org.service.js';
import { containsPattern } from '../../platform/sql.js';

export type User = Selectable<AppUserTable>;

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  tenantId: string;
  tenantName: string;
  orgId: string;
  orgName: string;
  phoneMasked: string | null;
  status: 'active' | 'disabled' | 'locked';
  mfaEnabled: boolean;
  roles: { id: string; code: string; name: string }[];
  lastLoginAt: Date | null;
  createdAt: Date;
}

const USER_COLS = { tenant: 'app_user.tenant_id', org: 'app_user.org_id', owner: 'app_user.id' };

export async function loadVisibleUser(db: Db, actor: Actor, id: string): Promise<User> {
  const user = await db
    .selectFrom('app_user')
    .selectAll()
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .where((eb) => rowVisible(eb, USER_COLS, actor))
    .executeTakeFirst();
  if (!user) throw notFound('用户');
  return user;
}

export interface UserQuery {
  tenantId?: string;
  orgId?: string;
  keyword?: string;
  status?: 'active' | 'disabled' | 'locked';
  phone?: string;
  page?: number;
  pageSize?: number;
  sort?: 'username' | 'displayName' | 'createdAt' | 'lastLoginAt';
  order?: 'asc' | 'desc';
}

const SORT_COLUMNS = {
  username: 'app_user.username',
  displayName: 'app_user.display_name',
  createdAt: 'app_user.created_at',
  lastLoginAt: 'app_user.last_login_at',
} as const;

export async function listUsers(deps: Deps, actor: Actor, q: UserQuery): Promise<{ items: UserView[]; total: number }> {
  const { page, pageSize } = pageOf(q);
  const now = deps.clock.now();
  let query = deps.db
    .selectFrom('app_user')
    .where('app_user.deleted_at', 'is', null)
    .where((eb) => rowVisible(eb, USER_COLS, actor));
  if (q.tenantId) query = query.where('app_user.tenant_id', '=', q.tenantId);
  if (q.orgId) query = query.where('app_user.org_id', '=', q.orgId);
  if (q.keyword) {
    const like = containsPattern(q.keyword);
    query = query.where((eb) => eb.or([eb('app_user.username', 'ilike', like), eb('app_user.display_name', 'ilike', like)]));
  }
  if (q.phone) query = query.where('app_user.phone_idx', '=', deps.cipher.blindIndex(q.phone, 'phone'));
  if (q.status === 'locked') query = query.where('app_user.locked_until', '>', now);
  else if (q.status === 'active') query = query.where('app_user.status', '=', 'active').where((eb) => eb.or([eb('app_user.locked_until', 'is', null), eb('app_user.locked_until', '<=', now)]));
  else if (q.status === 'disabled') query = query.where('app_user.status', '=', 'disabled');

  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll('app_user')
    .orderBy(sql.ref(SORT_COLUMNS[q.sort ?? 'createdAt']), q.order ?? (q.sort ? 'asc' : 'desc'))
    .orderBy('app_user.id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return { items: await toViews(deps, rows), total: Number(total) };
}

async function toViews(deps: Deps, users: User[]): Promise<UserView[]> {
  if (users.length === 0) return [];
  const ids = users.map((u) => u.id);
  const [tenants, orgs, roles] = await Promise.all([
    deps.db.selectFrom('tenant').select(['id', 'name']).where('id', 'in', [...new Set(users.map((u) => u.tenant_id))]).execute(),
    deps.db.selectFrom('org').select(['id', 'name']).where('id', 'in', [...new Set(users.map((u) => u.org_id))]).execute(),
    deps.db.selectFrom('user_role').innerJoin('role', 'role.id', 'user_role.role_id').select(['user_role.user_id', 'role.id', 'role.code', 'role.name']).where('user_role.user_id', 'in', ids).execute(),
  ]);
  const tenantName = new Map(tenants.map((t) => [t.id, t.name]));
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  const now = deps.clock.now();
  return users.map((u) => ({
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    tenantId: u.tenant_id,
    tenantName: tenantName.get(u.tenant_id) ?? '',
    orgId: u.org_id,
    orgName: orgName.get(u.org_id) ?? '',
    phoneMasked: u.phone_enc ? FieldCipher.maskPhone(deps.cipher.decrypt(u.phone_enc)) : null,
    status: u.status === 'active' && u.locked_until && u.locked_until > now ? 'locked' : u.status,
    mfaEnabled: u.mfa_enabled,
    roles: roles.filter((r) => r.user_id === u.id).map((r) => ({ id: r.id, code: r.code, name: r.name })),
    lastLoginAt: u.last_login_at,
    createdAt: u.created_at,
  }));
}

export async function getUser(deps: Deps, actor: Actor, id: string): Promise<UserView> {
  const [view] = await toViews(deps, [await loadVisibleUser(deps.db, actor, id)]);
  return view!;
}

export interface CreateUserInput {
  tenantId: string;
  orgId: string;
  username: string;
  displayName: string;
  password: string;
  phone?: string;
  roleIds?: string[];
  mustChangePassword?: boolean;
}

export async function passwordProblems(deps: Deps, password: string, username: string): Promise<string[]> {
  return checkPasswordPolicy(
    password,
    { minLength: await deps.params.int('security.passwordMinLength'), minClasses: await deps.params.int('security.passwordMinClasses') },
    username,
  );
}

export async function createUser(deps: Deps, actor: Actor, input: CreateUserInput): Promise<UserView> {
  const tenant = await loadVisibleTenant(deps.db, actor, input.tenantId);
  const org = await loadVisibleOrg(deps.db, actor, input.orgId);
  if (org.tenant_id !== tenant.id) throw invalid('所属机构不属于该租户');
  if (input.roleIds?.length && !actor.permissions.has('identity:user:grant')) throw forbidden('分配角色需要安全管理员授权');
  const problems = await passwordProblems(deps, input.password, input.username);
  if (problems.length) throw invalid(problems.join('；'), problems.map((message) => ({ path: '/password', message })));
  const passwordHash = await hashPassword(input.password);
  const roleIds = [...new Set(input.roleIds ?? [])];
  const user = await commit(deps, actor, async (trx) => {
    await assertUsernameFree(trx, input.username);
    await assertGrantable(trx, tenant.id, roleIds);
    const now = deps.clock.now();
    const row: User = {
      id: randomUUID(),
      tenant_id: tenant.id,
      org_id: org.id,
      username: input.username,
      display_name: input.displayName,
      password_hash: passwordHash,
      phone_enc: input.phone ? deps.cipher.encrypt(input.phone) : null,
      phone_idx: input.phone ? deps.cipher.blindIndex(input.phone, 'phone') : null,
      status: 'active',
      failed_attempts: 0,
      locked_until: null,
      must_change_password: input.mustChangePassword ?? true,
      password_changed_at: now,
      mfa_secret_enc: null,
      mfa_enabled: false,
      mfa_last_step: 0,
      last_login_at: null,
      last_login_ip: null,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    };
    await trx.insertInto('app_user').values(row).execute();
    if (roleIds.length) await trx.insertInto('user_role').values(roleIds.map((role_id) => ({ user_id: row.id, role_id }))).execute();
    const after = { ...publicFields(row), roleIds };
    return { result: row, audit: { action: 'user.create', targetType: 'user', targetId: row.id, after, tenantId: row.tenant_id } };
  });
  return getUser(deps, actor, user.id);
}

function publicFields(u: User): Record<string, unknown> {
  return {
    username: u.username,
    displayName: u.display_name,
    tenantId: u.tenant_id,
    orgId: u.org_id,
    status: u.status,
    phone: u.phone_enc ? '(已加密)' : null,
  };
}

async function assertUsernameFree(trx: Db, username: string): Promise<void> {
  const clash = await trx
    .selectFrom('app_user')
    .select('id')
    .where(sql`lower(username)`, '=', username.toLowerCase())
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (clash) throw conflict(`用户名 ${username} 已被使用`);
}

/** Roles must be assignable in the user's tenant, and together stay within one admin type. */
async function assertGrantable(trx: Db, tenantId: string, roleIds: string[]): Promise<void> {
  if (roleIds.length === 0) return;
  const tenant = await trx.selectFrom('tenant').selectAll().where('id', '=', tenantId).executeTakeFirstOrThrow();
  const allowed = new Map((await assignableRoles(trx, tenant)).map((r) => [r.id, r]));
  const missing = roleIds.find((id) => !allowed.has(id));
  if (missing) throw invalid('所选角色不存在或不能在该租户使用');
  const perms = roleIds.flatMap((id) => allowed.get(id)!.permissions);
  if (adminTypesOf(perms).size > 1) throw invalid('三员分立：同一用户不能同时担任系统管理员、安全管理员、审计管理员中的两个');
}

export interface UpdateUserInput {
  displayName?: string;
  orgId?: string;
  phone?: string | null;
  status?: 'active' | 'disabled';
  roleIds?: string[];
}

export async function updateUser(deps: Deps, actor: Actor, id: string, patch: UpdateUserInput): Promise<UserView> {
  const before = await loadVisibleUser(deps.db, actor, id);
  if (patch.roleIds && !actor.permissions.has('identity:user:grant')) throw forbidden('分配角色需要安全管理员授权');
  if (patch.roleIds && id === actor.userId) throw forbidden('不能修改自己的角色');
  if (patch.status === 'disabled' && id === actor.userId) throw invalid('不能停用自己的账号');
  const writesProfile = patch.displayName !== undefined || patch.orgId !== undefined || patch.phone !== undefined || patch.status !== undefined;
  if (writesProfile && !actor.permissions.has('identity:user:write')) throw forbidden();
  if (patch.orgId) {
    const org = await loadVisibleOrg(deps.db, actor, patch.orgId);
    if (org.tenant_id !== before.tenant_id) throw invalid('所属机构不属于该用户的租户');
  }
  await commit(deps, actor, async (trx) => {
    const beforeRoles = (await trx.selectFrom('user_role').select('role_id').where('user_id', '=', id).execute()).map((r) => r.role_id).sort();
    const now = deps.clock.now();
    const after: User = {
      ...before,
      display_name: patch.displayName ?? before.display_name,
      org_id: patch.orgId ?? before.org_id,
      status: patch.status ?? before.status,
      phone_enc: patch.phone === undefined ? before.phone_enc : patch.phone ? deps.cipher.encrypt(patch.phone) : null,
      phone_idx: patch.phone === undefined ? before.phone_idx : patch.phone ? deps.cipher.blindIndex(patch.phone, 'phone') : null,
      updated_at: now,
    };
    await trx
      .updateTable('app_user')
      .set({ display_name: after.display_name, org_id: after.org_id, status: after.status, phone_enc: after.phone_enc, phone_idx: after.phone_idx, updated_at: now })
      .where('id', '=', id)
      .execute();
    if (patch.roleIds) {
      await assertGrantable(trx, before.tenant_id, patch.roleIds);
      await trx.deleteFrom('user_role').where('user_id', '=', id).execute();
      if (patch.roleIds.length) await trx.insertInto('user_role').values([...new Set(patch.roleIds)].map((role_id) => ({ user_id: id, role_id }))).execute();
    }
    if (patch.status === 'disabled') await revokeUserSessions(trx, id, now, 'user-disabled');
    const phoneChanged = patch.phone !== undefined && after.phone_idx !== before.phone_idx;
    return {
      result: null,
      audit: {
        action: patch.roleIds ? 'user.grant' : 'user.update',
        targetType: 'user',
        targetId: id,
        tenantId: before.tenant_id,
        before: { ...publicFields(before), ...(phoneChanged ? { phone: '(原号码)' } : {}), ...(patch.roleIds ? { roleIds: beforeRoles } : {}) },
        after: { ...publicFields(after), ...(phoneChanged ? { phone: '(新号码)' } : {}), ...(patch.roleIds ? { roleIds: [...patch.roleIds].sort() } : {}) },
      },
    };
  });
  return getUser(deps, actor, id);
}

export async function revokeUserSessions(trx: Db, userId: string, now: Date, reason: string): Promise<void> {
  await trx.updateTable('session').set({ revoked_at: now, revoke_reason: reason }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}

export async function deleteUser(deps: Deps, actor: Actor, id: string): Promise<void> {
  const user = await loadVisibleUser(deps.db, actor, id);
  if (id === actor.userId) throw invalid('不能删除自己的账号');
  await commit(deps, actor, async (trx) => {
    const now = deps.clock.now();
    // Soft delete: audit rows and work orders keep pointing at the person who acted.
    await trx.updateTable('app_user').set({ deleted_at: now, status: 'disabled', updated_at: now }).where('id', '=', id).execute();
    await trx.deleteFrom('user_role').where('user_id', '=', id).execute();
    await revokeUserSessions(trx, id, now, 'user-deleted');
    return { result: null, audit: { action: 'user.delete', targetType: 'user', targetId: id, before: publicFields(user), tenantId: user.tenant_id } };
  });
}

export async function resetPassword(deps: Deps, actor: Actor, id: string, newPassword: string): Promise<void> {
  const user = await loadVisibleUser(deps.db, actor, id);
  const problems = await passwordProblems(deps, newPassword, user.username);
  if (problems.length) throw invalid(problems.join('；'), problems.map((message) => ({ path: '/newPassword', message })));
  const hash = await hashPassword(newPassword);
  await commit(deps, actor, async (trx) => {
    const now = deps.clock.now();
    await trx
      .updateTable('app_user')
      .set({ password_hash: hash, must_change_password: true, password_changed_at: now, failed_attempts: 0, locked_until: null, updated_at: now })
      .where('id', '=', id)
      .execute();
    await revokeUserSessions(trx, id, now, 'password-reset');
    return { result: null, audit: { action: 'user.reset-password', targetType: 'user', targetId: id, tenantId: user.tenant_id, detail: { username: user.username } } };
  });
}

export async function unlockUser(deps: Deps, actor: Actor, id: string): Promise<void> {
  const user = await loadVisibleUser(deps.db, actor, id);
  await commit(deps, actor, async (trx) => {
    await trx.updateTable('app_user').set({ failed_attempts: 0, locked_until: null, updated_at: deps.clock.now() }).where('id', '=', id).execute();
    return {
      result: null,
      audit: { action: 'user.unlock', targetType: 'user', targetId: id, tenantId: user.tenant_id, before: { lockedUntil: user.locked_until, failedAttempts: user.failed_attempts }, after: { lockedUntil: null, failedAttempts: 0 } },
    };
  });
}
