import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { KbTypeField } from '../../platform/db/schema.js';
import { conflict, forbidden, invalid, notFound, type FieldError } from '../../platform/errors.js';
import { commit } from '../../platform/usecase.js';

/**
 * 知识类型 with their 编辑模板. Types are installation-wide so that one 办事指南 means the same
 * fields in every county; only the root tenant's knowledge admin defines them.
 */

export interface KbTypeView {
  code: string;
  name: string;
  description: string;
  sort: number;
  enabled: boolean;
  template: { fields: KbTypeField[] };
}

export interface TypeInput {
  code: string;
  name: string;
  description?: string;
  sort?: number;
  enabled?: boolean;
  template?: { fields: KbTypeField[] };
}

const toView = (r: { code: string; name: string; description: string; sort: number; enabled: boolean; template: { fields: KbTypeField[] } }): KbTypeView => ({
  code: r.code,
  name: r.name,
  description: r.description,
  sort: r.sort,
  enabled: r.enabled,
  template: { fields: r.template?.fields ?? [] },
});

export async function listTypes(deps: Deps): Promise<{ items: KbTypeView[] }> {
  const rows = await deps.db.selectFrom('kb_type').selectAll().orderBy('sort').orderBy('code').execute();
  return { items: rows.map(toView) };
}

export async function loadType(db: Db, code: string): Promise<KbTypeView | undefined> {
  const row = await db.selectFrom('kb_type').selectAll().where('code', '=', code).executeTakeFirst();
  return row ? toView(row) : undefined;
}

function assertRootAdmin(actor: Actor): void {
  if (actor.tenantLevel !== 1) throw forbidden('知识类型和编辑模板全区统一，只能由自治区知识库管理员维护');
}

/** Field keys become JSON keys of every article of the type, so they must be unique and stable. */
function templateErrors(template: { fields: KbTypeField[] }): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  template.fields.forEach((f, i) => {
    if (seen.has(f.key)) errors.push({ path: `/template/fields/${i}/key`, message: `字段编码“${f.key}”重复` });
    seen.add(f.key);
  });
  return errors;
}

export async function createType(deps: Deps, actor: Actor, input: TypeInput): Promise<KbTypeView> {
  assertRootAdmin(actor);
  const template = input.template ?? { fields: [] };
  const errors = templateErrors(template);
  if (errors.length) throw invalid(errors[0]!.message, errors);
  if (await loadType(deps.db, input.code)) throw conflict(`知识类型编码“${input.code}”已存在`);
  const row = {
    code: input.code,
    name: input.name.trim(),
    description: input.description?.trim() ?? '',
    sort: input.sort ?? 0,
    enabled: input.enabled ?? true,
    template,
  };
  await commit(deps, actor, async (trx) => {
    await trx
      .insertInto('kb_type')
      .values({ ...row, template: JSON.stringify(template), updated_by: actor.userId, updated_at: deps.clock.now() })
      .execute();
    return { result: null, audit: { action: 'kb.type.create', targetType: 'kb_type', targetId: row.code, after: row } };
  });
  return toView(row);
}

export async function updateType(deps: Deps, actor: Actor, code: string, patch: Partial<Omit<TypeInput, 'code'>>): Promise<KbTypeView> {
  assertRootAdmin(actor);
  const before = await loadType(deps.db, code);
  if (!before) throw notFound('知识类型');
  const after: KbTypeView = {
    ...before,
    ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
    ...(patch.description !== undefined ? { description: patch.description.trim() } : {}),
    ...(patch.sort !== undefined ? { sort: patch.sort } : {}),
    ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
    ...(patch.template !== undefined ? { template: patch.template } : {}),
  };
  const errors = templateErrors(after.template);
  if (errors.length) throw invalid(errors[0]!.message, errors);
  await commit(deps, actor, async (trx) => {
    await trx
      .updateTable('kb_type')
      .set({ name: after.name, description: after.description, sort: after.sort, enabled: after.enabled, template: JSON.stringify(after.template), updated_by: actor.userId, updated_at: deps.clock.now() })
      .where('code', '=', code)
      .execute();
    return { result: null, audit: { action: 'kb.type.update', targetType: 'kb_type', targetId: code, before: { ...before }, after: { ...after } } };
  });
  return after;
}
