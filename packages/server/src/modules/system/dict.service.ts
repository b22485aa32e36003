import { randomUUID } from 'node:crypto';
import type { Actor, Deps } from '../../platform/context.js';
import type { Db } from '../../platform/db/database.js';
import { conflict, forbidden, notFound } from '../../platform/errors.js';
import { commit } from '../../platform/usecase.js';

/**
 * Data dictionaries (数据字典). A dictionary belongs to a tenant and is readable by that tenant's
 * subtree, so regional code tables are shared down the levels; only the owner edits it.
 */
export interface DictView {
  code: string;
  tenantId: string;
  name: string;
  description: string;
  builtin: boolean;
  itemCount: number;
  editable: boolean;
}

function ancestorIds(actor: Actor): string[] {
  return actor.tenantPath.split('/').filter(Boolean);
}

async function loadReadableDict(deps: Deps, actor: Actor, code: string) {
  const dict = await deps.db.selectFrom('dict_type').selectAll().where('code', '=', code).where('tenant_id', 'in', ancestorIds(actor)).executeTakeFirst();
  if (!dict) throw notFound('字典');
  return dict;
}

async function loadWritableDict(deps: Deps, actor: Actor, code: string) {
  const dict = await loadReadableDict(deps, actor, code);
  if (dict.tenant_id !== actor.tenantId) throw forbidden('上级租户下发的字典只能查看，不能修改');
  return dict;
}

export async function listDicts(deps: Deps, actor: Actor): Promise<DictView[]> {
  const rows = await deps.db
    .selectFrom('dict_type')
    .leftJoin('dict_item', 'dict_item.type_code', 'dict_type.code')
    .select(['dict_type.code', 'dict_type.tenant_id', 'dict_type.name', 'dict_type.description', 'dict_type.builtin'])
    .select((eb) => eb.fn.count<number>('dict_item.id').as('item_count'))
    .where('dict_type.tenant_id', 'in', ancestorIds(actor))
    .groupBy(['dict_type.code', 'dict_type.tenant_id', 'dict_type.name', 'dict_type.description', 'dict_type.builtin'])
    .orderBy('dict_type.code')
    .execute();
  return rows.map((r) => ({ code: r.code, tenantId: r.tenant_id, name: r.name, description: r.description, builtin: r.builtin, itemCount: Number(r.item_count), editable: r.tenant_id === actor.tenantId }));
}

export async function createDict(deps: Deps, actor: Actor, input: { code: string; name: string; description?: string }): Promise<DictView> {
  return commit(deps, actor, async (trx) => {
    const clash = await trx.selectFrom('dict_type').select('code').where('code', '=', input.code).executeTakeFirst();
    if (clash) throw conflict(`字典编码 ${input.code} 已存在`);
    const row = { code: input.code, tenant_id: actor.tenantId, name: input.name, description: input.description ?? '', builtin: false, created_at: deps.clock.now() };
    await trx.insertInto('dict_type').values(row).execute();
    return {
      result: { code: row.code, tenantId: row.tenant_id, name: row.name, description: row.description, builtin: false, itemCount: 0, editable: true },
      audit: { action: 'dict.create', targetType: 'dict', targetId: row.code, after: row },
    };
  });
}

export async function updateDict(deps: Deps, actor: Actor, code: string, patch: { name?: string; description?: string }): Promise<void> {
  const before = await loadWritableDict(deps, actor, code);
  await commit(deps, actor, async (trx) => {
    const after = { ...before, ...patch };
    await trx.updateTable('dict_type').set({ name: after.name, description: after.description }).where('code', '=', code).execute();
    return { result: null, audit: { action: 'dict.update', targetType: 'dict', targetId: code, before, after } };
  });
}

export async function listItems(deps: Deps, actor: Actor, code: string) {
  await loadReadableDict(deps, actor, code);
  const rows = await deps.db.selectFrom('dict_item').selectAll().where('type_code', '=', code).orderBy('sort').orderBy('value').execute();
  return rows.map((r) => ({ id: r.id, value: r.value, label: r.label, sort: r.sort, enabled: r.enabled }));
}

/**
 * The enabled options of a dictionary, for other modules (form elements): null when no such
 * dictionary exists. Codes are unique across tenants, so no tenant is needed to find it.
 */
export async function dictOptions(db: Db, code: string): Promise<{ value: string; label: string }[] | null> {
  const dict = await db.selectFrom('dict_type').select('code').where('code', '=', code).executeTakeFirst();
  if (!dict) return null;
  return db.selectFrom('dict_item').select(['value', 'label']).where('type_code', '=', code).where('enabled', '=', true).orderBy('sort').orderBy('value').execute();
}

export async function addItem(deps: Deps, actor: Actor, code: string, input: { value: string; label: string; sort?: number }) {
  await loadWritableDict(deps, actor, code);
  return commit(deps, actor, async (trx) => {
    const clash = await trx.selectFrom('dict_item').select('id').where('type_code', '=', code).where('value', '=', input.value).executeTakeFirst();
    if (clash) throw conflict(`字典项值 ${input.value} 已存在`);
    const row = { id: randomUUID(), type_code: code, value: input.value, label: input.label, sort: input.sort ?? 0, enabled: true };
    await trx.insertInto('dict_item').values(row).execute();
    return { result: { id: row.id, value: row.value, label: row.label, sort: row.sort, enabled: row.enabled }, audit: { action: 'dict.item.create', targetType: 'dict', targetId: code, after: row } };
  });
}

export async function updateItem(deps: Deps, actor: Actor, code: string, id: string, patch: { label?: string; sort?: number; enabled?: boolean }) {
  await loadWritableDict(deps, actor, code);
  const before = await deps.db.selectFrom('dict_item').selectAll().where('id', '=', id).where('type_code', '=', code).executeTakeFirst();
  if (!before) throw notFound('字典项');
  return commit(deps, actor, async (trx) => {
    const after = { ...before, ...patch };
    await trx.updateTable('dict_item').set({ label: after.label, sort: after.sort, enabled: after.enabled }).where('id', '=', id).execute();
    return { result: { id, value: after.value, label: after.label, sort: after.sort, enabled: after.enabled }, audit: { action: 'dict.item.update', targetType: 'dict', targetId: code, before, after } };
  });
}

export async function deleteItem(deps: Deps, actor: Actor, code: string, id: string): Promise<void> {
  await loadWritableDict(deps, actor, code);
  const before = await deps.db.selectFrom('dict_item').selectAll().where('id', '=', id).where('type_code', '=', code).executeTakeFirst();
  if (!before) throw notFound('字典项');
  await commit(deps, actor, async (trx) => {
    await trx.deleteFrom('dict_item').where('id', '=', id).execute();
    return { result: null, audit: { action: 'dict.item.delete', targetType: 'dict', targetId: code, before } };
  });
}
