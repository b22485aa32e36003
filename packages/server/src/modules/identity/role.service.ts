import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { AdminType, DataScope, RoleTable } from '../../platform/db/schema.js';
import { conflict, forbidden, invalid, notFound } from '../../platform/errors.js';
import { tenantVisible } from '../../platform/scope.js';
import { commit } from '../../platform/usecase.js';
import { adminTypesOf, isKnownPermission } from './permissions.js';
import { loadVisibleTenant, type Tenant } from './tenant.service.js';

export type Role = Selectable<RoleTable>;

export interface RoleView {
  id: string;
  tenantId: string;
  code: string;
  name: string;
  dataScope: DataScope;
  permissions: string[];
  mfaRequired: boolean;
  adminType: AdminType | null;
  builtin: boolean;
  shared: boolean;
}

export const roleView = (r: Role): RoleView => ({
  id: r.id,
  tenantId: r.tenant_id,
  code: r.code,
  name: r.name,
  dataScope: r.data_scope,
  permissions: r.permissions,
  mfaRequired: r.mfa_required,
  adminType: r.admin_type,
  builtin: r.builtin,
  shared: r.shared,
});

/** Roles usable in a tenant: its own, plus shared templates from the tenant's ancestors. */
export async function assignableRoles(db: Db, tenant: Tenant): Promise<Role[]> {
  const ancestorIds = tenant.path.split('/').filter(Boolean);
  return db
    .selectFrom('role')
    .selectAll()
    .where((eb) => eb.or([eb('tenant_id', '=', tenant.id), eb.and([eb('shared', '=', true), eb('tenant_id', 'in', ancestorIds)])]))
    .orderBy('builtin', 'desc')
    .orderBy('code')
    .execute();
}

export async function listRoles(deps: Deps, actor: Actor, tenantId: string): Promise<RoleView[]> {
  const tenant = await loadVisibleTenant(deps.db, actor, tenantId);
  return (await assignableRoles(deps.db, tenant)).map(roleView);
}

async function loadVisibleRole(db: Db, actor: Actor, id: string): Promise<Role> {
  const role = await db.selectFrom('role').selectAll().where('id', '=', id).where((eb) => tenantVisible(eb, 'role.tenant_id', actor)).executeTakeFirst();
  if (!role) throw notFound('角色');
  return role;
}

export interface RoleInput {
  tenantId: string;
  code: string;
  name: string;
  dataScope: DataScope;
  permissions: string[];
  mfaRequired?: boolean;
  shared?: boolean;
}

/** 三员分立: a role may carry the powers of at most one of the three admins. */
export function adminTypeFor(permissions: string[]): AdminType | null {
  const unknown = permissions.find((p) => !isKnownPermission(p));
  if (unknown) throw invalid(`未知的权限：${unknown}`);
  const types = [...adminTypesOf(permissions)];
  if (types.length > 1) throw invalid('三员分立：一个角色不能同时拥有系统管理员、安全管理员、审计管理员中两类以上的权限');
  return types[0] ?? null;
}

export async function createRole(deps: Deps, actor: Actor, input: RoleInput): Promise<RoleView> {
  await loadVisibleTenant(deps.db, actor, input.tenantId);
  const adminType = adminTypeFor(input.permissions);
  return commit(deps, actor, async (trx) => {
    const clash = await trx.selectFrom('role').select('id').where('tenant_id', '=', input.tenantId).where('code', '=', input.code).executeTakeFirst();
    if (clash) throw conflict(`角色编码 ${input.code} 已存在`);
    const now = deps.clock.now();
    const role: Role = {
      id: randomUUID(),
      tenant_id: input.tenantId,
      code: input.code,
      name: input.name,
      data_scope: input.dataScope,
      permissions: [...new Set(input.permissions)].sort(),
      mfa_required: input.mfaRequired ?? false,
      admin_type: adminType,
      builtin: false,
      shared: input.shared ?? false,
      created_at: now,
      updated_at: now,
    };
    await trx.insertInto('role').values(role).execute();
    return { result: roleView(role), audit: { action: 'role.create', targetType: 'role', targetId: role.id, after: role, tenantId: role.tenant_id } };
  });
}

export async function updateRole(deps: Deps, actor: Actor, id: string, patch: Partial<Omit<RoleInput, 'tenantId' | 'code'>>): Promise<RoleView> {
  const before = await loadVisibleRole(deps.db, actor, id);
  if (before.builtin) throw forbidden('内置角色不能修改，请复制为新角色后调整');
  const permissions = patch.permissions ? [...new Set(patch.permissions)].sort() : before.permissions;
  const adminType = adminTypeFor(permissions);
  return commit(deps, actor, async (trx) => {
    const after: Role = {
      ...before,
      name: patch.name ?? before.name,
      data_scope: patch.dataScope ?? before.data_scope,
      permissions,
      mfa_required: patch.mfaRequired ?? before.mfa_required,
      shared: patch.shared ?? before.shared,
      admin_type: adminType,
      updated_at: deps.clock.now(),
    };
    await assertHoldersStaySeparated(trx, id, adminType);
    await trx
      .updateTable('role')
      .set({ name: after.name, data_scope: after.data_scope, permissions: after.permissions, mfa_required: after.mfa_required, shared: after.shared, admin_type: after.admin_type, updated_at: after.updated_at })
      .where('id', '=', id)
      .execute();
    return { result: roleView(after), audit: { action: 'role.update', targetType: 'role', targetId: id, before, after, tenantId: before.tenant_id } };
  });
}

/** Changing a role's admin type must not give any holder two admin types through other roles. */
async function assertHoldersStaySeparated(trx: Db, roleId: string, adminType: AdminType | null): Promise<void> {
  if (!adminType) return;
  const clash = await trx
    .selectFrom('user_role as ur')
    .innerJoin('user_role as other', 'other.user_id', 'ur.user_id')
    .innerJoin('role', 'role.id', 'other.role_id')
    .select('ur.user_id')
    .where('ur.role_id', '=', roleId)
    .where('other.role_id', '!=', roleId)
    .where('role.admin_type', 'is not', null)
    .where('role.admin_type', '!=', adminType)
    .executeTakeFirst();
  if (clash) throw invalid('三员分立：已有用户同时持有其他类型的管理员角色，不能这样修改');
}

export async function deleteRole(deps: Deps, actor: Actor, id: string): Promise<void> {
  const role = await loadVisibleRole(deps.db, actor, id);
  if (role.builtin) throw forbidden('内置角色不能删除');
  await commit(deps, actor, async (trx) => {
    const holder = await trx.selectFrom('user_role').select('user_id').where('role_id', '=', id).executeTakeFirst();
    if (holder) throw conflict('该角色仍有用户在使用，请先解除授权');
    await trx.deleteFrom('role').where('id', '=', id).execute();
    return { result: null, audit: { action: 'role.delete', targetType: 'role', targetId: id, before: role, tenantId: role.tenant_id } };
  });
}
