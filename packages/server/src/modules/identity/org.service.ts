import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { OrgTable } from '../../platform/db/schema.js';
import { conflict, invalid, notFound } from '../../platform/errors.js';
import { treeOf } from '../../platform/tree.js';
import { tenantVisible } from '../../platform/scope.js';
import { commit } from '../../platform/usecase.js';
import { loadVisibleTenant } from './tenant.service.js';

export type Org = Selectable<OrgTable>;

export interface OrgNode {
  id: string;
  tenantId: string;
  parentId: string | null;
  code: string;
  name: string;
  kind: 'department' | 'team';
  children: OrgNode[];
}

export async function loadVisibleOrg(db: Db, actor: Actor, id: string): Promise<Org> {
  const org = await db
    .selectFrom('org')
    .selectAll()
    .where('id', '=', id)
    .where((eb) => tenantVisible(eb, 'org.tenant_id', actor))
    .executeTakeFirst();
  if (!org) throw notFound('组织机构');
  return org;
}

export async function orgTree(deps: Deps, actor: Actor, tenantId: string): Promise<OrgNode[]> {
  await loadVisibleTenant(deps.db, actor, tenantId);
  const rows = await deps.db.selectFrom('org').selectAll().where('tenant_id', '=', tenantId).orderBy('sort').orderBy('code').execute();
  return treeOf(rows, (r) => r.parent_id, (r): OrgNode => ({ id: r.id, tenantId: r.tenant_id, parentId: r.parent_id, code: r.code, name: r.name, kind: r.kind, children: [] }));
}

export interface CreateOrgInput {
  tenantId: string;
  parentId?: string;
  code: string;
  name: string;
  kind: 'department' | 'team';
}

export async function createOrg(deps: Deps, actor: Actor, input: CreateOrgInput): Promise<Org> {
  await loadVisibleTenant(deps.db, actor, input.tenantId);
  const parent = input.parentId ? await loadVisibleOrg(deps.db, actor, input.parentId) : null;
  if (parent && parent.tenant_id !== input.tenantId) throw invalid('上级机构不属于该租户');
  if (parent?.kind === 'team') throw invalid('班组下不能再建下级机构');
  return commit(deps, actor, async (trx) => {
    const org = await insertOrg(trx, deps, parent, input);
    return { result: org, audit: { action: 'org.create', targetType: 'org', targetId: org.id, after: org, tenantId: org.tenant_id } };
  });
}

export async function insertOrg(trx: Db, deps: Pick<Deps, 'clock'>, parent: Org | null, input: CreateOrgInput & { sort?: number }): Promise<Org> {
  const clash = await trx.selectFrom('org').select('id').where('tenant_id', '=', input.tenantId).where('code', '=', input.code).executeTakeFirst();
  if (clash) throw conflict(`机构编码 ${input.code} 在该租户内已存在`);
  const id = randomUUID();
  const now = deps.clock.now();
  const org: Org = {
    id,
    tenant_id: input.tenantId,
    parent_id: parent?.id ?? null,
    code: input.code,
    name: input.name,
    kind: input.kind,
    path: `${parent?.path ?? '/'}${id}/`,
    sort: input.sort ?? 0,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('org').values(org).execute();
  return org;
}

export async function updateOrg(deps: Deps, actor: Actor, id: string, patch: { name?: string; code?: string }): Promise<Org> {
  const before = await loadVisibleOrg(deps.db, actor, id);
  return commit(deps, actor, async (trx) => {
    if (patch.code && patch.code !== before.code) {
      const clash = await trx.selectFrom('org').select('id').where('tenant_id', '=', before.tenant_id).where('code', '=', patch.code).executeTakeFirst();
      if (clash) throw conflict(`机构编码 ${patch.code} 在该租户内已存在`);
    }
    const after: Org = { ...before, ...patch, updated_at: deps.clock.now() };
    await trx.updateTable('org').set({ name: after.name, code: after.code, updated_at: after.updated_at }).where('id', '=', id).execute();
    return { result: after, audit: { action: 'org.update', targetType: 'org', targetId: id, before, after, tenantId: before.tenant_id } };
  });
}

export async function deleteOrg(deps: Deps, actor: Actor, id: string): Promise<void> {
  const org = await loadVisibleOrg(deps.db, actor, id);
  await commit(deps, actor, async (trx) => {
    const child = await trx.selectFrom('org').select('id').where('parent_id', '=', id).executeTakeFirst();
    if (child) throw conflict('该机构下还有下级机构，不能删除');
    const member = await trx.selectFrom('app_user').select('id').where('org_id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    if (member) throw conflict('该机构下还有用户，不能删除');
    await trx.deleteFrom('org').where('id', '=', id).execute();
    return { result: null, audit: { action: 'org.delete', targetType: 'org', targetId: id, before: org, tenantId: org.tenant_id } };
  });
}
