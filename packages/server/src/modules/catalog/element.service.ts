import { randomUUID } from 'node:crypto';
import type { ExpressionBuilder, Selectable } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { CatalogElementTable, Database } from '../../platform/db/schema.js';
import { conflict, forbidden, invalid, notFound, type FieldError } from '../../platform/errors.js';
import { tenantVisible } from '../../platform/scope.js';
import { commit, pageOf } from '../../platform/usecase.js';
import { dictOptions } from '../system/dict.service.js';
import type { ElementOption } from '../../platform/db/schema.js';
import {
  ELEMENT_TYPES,
  RESERVED_CODES,
  buildFormSchema,
  isChoiceType,
  isTextType,
  type AssignedElement,
  type ElementRelation,
  type ElementType,
  type ElementValidation,
  type FormSchema,
  type RelationKind,
} from './form-schema.js';
import { loadReadableItem, pathIds } from './list.service.js';
import { containsPattern } from '../../platform/sql.js';

/**
 * Item elements (事项要素): field definitions that make up an item's ticket form, their relations
 * (上下级 / 关联 / 依赖 / 互斥) and their assignment to items. Every change passes the business
 * rules below first, so a type mismatch or a contradictory relation never reaches a form.
 * Elements are shared down the tenant tree like dictionaries; only the owning tenant edits one.
 */
export type Element = Selectable<CatalogElementTable>;

export const TYPE_NAMES: Record<ElementType, string> = {
  text: '文本',
  textarea: '多行文本',
  number: '数字',
  date: '日期',
  datetime: '日期时间',
  select: '下拉单选',
  multiselect: '下拉多选',
  checkbox: '勾选',
  phone: '电话',
  idcard: '身份证号',
  address: '地址',
  enterprise: '企业',
};
const KIND_NAMES: Record<RelationKind, string> = { parent: '上下级', association: '关联', dependency: '依赖', exclusive: '互斥' };

// ---------------------------------------------------------------- business rules (pure)

export interface ElementDefinition {
  name: string;
  dataType: string;
  dictCode: string | null;
  options: ElementOption[];
  validation: ElementValidation;
}

const isElementType = (t: string): t is ElementType => (ELEMENT_TYPES as readonly string[]).includes(t);

function optionErrors(d: ElementDefinition, type: ElementType): FieldError[] {
  if (!isChoiceType(type)) {
    return d.dictCode || d.options.length ? [{ path: 'dataType', message: `数据类型为“${TYPE_NAMES[type]}”的要素不能配置选项或数据字典` }] : [];
  }
  if (d.dictCode && d.options.length) return [{ path: 'options', message: '数据字典和自定义选项只能二选一' }];
  if (!d.dictCode && !d.options.length) return [{ path: 'options', message: `“${d.name}”是${TYPE_NAMES[type]}要素，必须指定数据字典或选项` }];
  const seen = new Set<string>();
  const dup = d.options.find((o) => (seen.has(o.value) ? true : (seen.add(o.value), false)));
  return dup ? [{ path: 'options', message: `选项值“${dup.value}”重复` }] : [];
}

// A quantified group that is itself quantified ((a+)+, (\w*)*, (x|xx){2,}) can backtrack
// exponentially on a citizen's input; such patterns are refused when an admin saves them.
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]/;

function patternError(pattern: string): FieldError | null {
  if (pattern.length > 200) return { path: 'validation.pattern', message: '格式校验表达式过长（最多200个字符）' };
  if (NESTED_QUANTIFIER.test(pattern)) return { path: 'validation.pattern', message: '格式校验表达式含有嵌套重复（如 (a+)+），可能导致系统卡顿，请改写' };
  try {
    new RegExp(pattern, 'u');
    return null;
  } catch (err) {
    return { path: 'validation.pattern', message: `格式校验表达式无法解析：${err instanceof Error ? err.message : String(err)}` };
  }
}

function validationErrors(v: ElementValidation, type: ElementType): FieldError[] {
  const errors: FieldError[] = [];
  const typeName = TYPE_NAMES[type];
  if (v.pattern !== undefined) {
    if (!isTextType(type)) errors.push({ path: 'validation.pattern', message: `“${typeName}”类型不能设置格式校验，只有文本类要素可以` });
    else {
      const e = patternError(v.pattern);
      if (e) errors.push(e);
    }
  }
  if ((v.min !== undefined || v.max !== undefined) && type !== 'number') errors.push({ path: 'validation.min', message: `“${typeName}”类型不能设置最小值/最大值，只有数字要素可以` });
  if (v.min !== undefined && v.max !== undefined && v.min > v.max) errors.push({ path: 'validation.min', message: '最小值不能大于最大值' });
  if (v.maxLength !== undefined && !isTextType(type)) errors.push({ path: 'validation.maxLength', message: `“${typeName}”类型不能设置最大长度，只有文本类要素可以` });
  return errors;
}

/** Type mismatches in one definition: options on a non-choice type, a pattern on a number, …. */
export function checkElementDefinition(d: ElementDefinition): FieldError[] {
  if (!isElementType(d.dataType)) return [{ path: 'dataType', message: `不支持的数据类型“${d.dataType}”` }];
  return [...optionErrors(d, d.dataType), ...validationErrors(d.validation, d.dataType)];
}

const between = (rels: readonly ElementRelation[], a: string, b: string) => rels.filter((r) => (r.from === a && r.to === b) || (r.from === b && r.to === a));

/** A path from `start` to `goal` along edges of one kind, or null. */
function pathAlong(rels: readonly ElementRelation[], kind: RelationKind, start: string, goal: string): string[] | null {
  const seen = new Set<string>();
  const walk = (at: string): string[] | null => {
    if (at === goal) return [at];
    if (seen.has(at)) return null;
    seen.add(at);
    for (const r of rels) {
      if (r.kind !== kind || r.from !== at) continue;
      const rest = walk(r.to);
      if (rest) return [at, ...rest];
    }
    return null;
  };
  return walk(start);
}

/**
 * Contradictions a new relation would create: a relation to itself, a duplicate, a pair that is both
 * dependent and exclusive, a second parent, or a cycle of dependencies or of parents.
 */
export function checkRelation(existing: readonly ElementRelation[], r: ElementRelation, name: (id: string) => string): string | null {
  const [a, b] = [name(r.from), name(r.to)];
  if (r.from === r.to) return '要素不能与自身建立关系';
  const pair = between(existing, r.from, r.to);
  const symmetric = r.kind === 'exclusive' || r.kind === 'association';
  if (pair.some((x) => x.kind === r.kind && (symmetric || x.from === r.from))) return `“${a}”与“${b}”已存在${KIND_NAMES[r.kind]}关系`;
  if (r.kind === 'exclusive') {
    const clash = pair.find((x) => x.kind === 'dependency' || x.kind === 'parent');
    if (clash) return `“${a}”与“${b}”已存在${KIND_NAMES[clash.kind]}关系，不能再设为互斥`;
  }
  if ((r.kind === 'dependency' || r.kind === 'parent') && pair.some((x) => x.kind === 'exclusive')) return `“${a}”与“${b}”互斥，不能再设为${KIND_NAMES[r.kind]}关系`;
  if (r.kind === 'parent') {
    const parent = existing.find((x) => x.kind === 'parent' && x.to === r.to);
    if (parent) return `“${b}”已有上级要素“${name(parent.from)}”`;
  }
  if (r.kind === 'dependency' || r.kind === 'parent') {
    const back = pathAlong(existing, r.kind, r.to, r.from);
    if (back) return `${KIND_NAMES[r.kind]}关系形成循环：${[r.from, ...back].map(name).join(' → ')}`;
  }
  return null;
}

/** An item's elements must bring what they depend on, and two exclusive elements cannot both be required. */
export function checkItemElements(assigned: readonly { elementId: string; required: boolean }[], relations: readonly ElementRelation[], name: (id: string) => string): string[] {
  const on = new Map(assigned.map((a) => [a.elementId, a]));
  const errors: string[] = [];
  for (const r of relations) {
    const from = on.get(r.from);
    const to = on.get(r.to);
    if (r.kind === 'dependency' && from && !to) errors.push(`要素“${name(r.from)}”依赖“${name(r.to)}”，请一并配置`);
    if (r.kind === 'exclusive' && from?.required && to?.required) errors.push(`要素“${name(r.from)}”与“${name(r.to)}”互斥，不能同时设为必填`);
  }
  return errors;
}

// ---------------------------------------------------------------- views and loading

/** A type alias, not an interface, so that it can go into audit rows as a plain record. */
export type ElementView = {
  id: string;
  tenantId: string;
  code: string;
  name: string;
  dataType: ElementType;
  dictCode: string | null;
  options: ElementOption[];
  validation: ElementValidation;
  groupCode: string;
  domain: string;
  description: string;
  status: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  editable: boolean;
};

/** Only the known keys with the right types survive, whatever the JSON column holds. */
export function toValidation(raw: unknown): ElementValidation {
  const o = (raw ?? {}) as Record<string, unknown>;
  const v: ElementValidation = {};
  if (typeof o.required === 'boolean') v.required = o.required;
  if (typeof o.pattern === 'string') v.pattern = o.pattern;
  if (typeof o.min === 'number') v.min = o.min;
  if (typeof o.max === 'number') v.max = o.max;
  if (typeof o.maxLength === 'number') v.maxLength = o.maxLength;
  return v;
}

const toOptions = (raw: unknown): ElementOption[] => (Array.isArray(raw) ? (raw as ElementOption[]) : []);

export const elementView = (e: Element, actor: Pick<Actor, 'tenantId'> | null): ElementView => ({
  id: e.id,
  tenantId: e.tenant_id,
  code: e.code,
  name: e.name,
  dataType: e.data_type as ElementType,
  dictCode: e.dict_code,
  options: toOptions(e.options),
  validation: toValidation(e.validation),
  groupCode: e.group_code,
  domain: e.domain,
  description: e.description,
  status: e.status,
  version: e.version,
  createdAt: e.created_at,
  updatedAt: e.updated_at,
  editable: actor?.tenantId === e.tenant_id,
});

/** Elements issued from above plus those of the tenants in the caller's scope. */
const readable = (eb: ExpressionBuilder<Database, 'catalog_element'>, actor: Actor) => eb.or([eb('catalog_element.tenant_id', 'in', pathIds(actor.tenantPath)), tenantVisible(eb, 'catalog_element.tenant_id', actor)]);

export async function loadReadableElement(db: Db, actor: Actor, id: string): Promise<Element> {
  const row = await db.selectFrom('catalog_element').selectAll().where('id', '=', id).where('status', '!=', 'void').where((eb) => readable(eb, actor)).executeTakeFirst();
  if (!row) throw notFound('要素');
  return row;
}

async function loadWritableElement(db: Db, actor: Actor, id: string): Promise<Element> {
  const row = await loadReadableElement(db, actor, id);
  if (row.tenant_id !== actor.tenantId) throw forbidden('要素由创建它的区域维护，其他区域只能使用');
  return row;
}

export interface ElementQuery {
  keyword?: string;
  dataType?: ElementType;
  groupCode?: string;
  domain?: string;
  page?: number;
  pageSize?: number;
}

function filteredElements(db: Db, actor: Actor, q: Omit<ElementQuery, 'page' | 'pageSize'>) {
  let query = db.selectFrom('catalog_element').where('status', '!=', 'void').where((eb) => readable(eb, actor));
  if (q.dataType) query = query.where('data_type', '=', q.dataType);
  if (q.groupCode) query = query.where('group_code', '=', q.groupCode);
  if (q.domain) query = query.where('domain', '=', q.domain);
  if (q.keyword) {
    const like = containsPattern(q.keyword);
    query = query.where((eb) => eb.or([eb('code', 'ilike', like), eb('name', 'ilike', like)]));
  }
  return query;
}

export async function listElements(deps: Deps, actor: Actor, q: ElementQuery): Promise<{ items: ElementView[]; total: number }> {
  const { page, pageSize } = pageOf(q);
  const query = filteredElements(deps.db, actor, q);
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query.selectAll().orderBy('group_code').orderBy('code').limit(pageSize).offset((page - 1) * pageSize).execute();
  return { items: rows.map((r) => elementView(r, actor)), total: Number(total) };
}

export async function getElement(deps: Deps, actor: Actor, id: string): Promise<ElementView & { relations: ElementRelation[] }> {
  const e = await loadReadableElement(deps.db, actor, id);
  const relations = await deps.db
    .selectFrom('catalog_element_relation')
    .select(['from_element_id as from', 'to_element_id as to', 'kind'])
    .where((eb) => eb.or([eb('from_element_id', '=', id), eb('to_element_id', '=', id)]))
    .execute();
  // A shared element may be linked from another tenant's elements: those ends stay out of sight.
  const others = [...new Set(relations.map((r) => (r.from === id ? r.to : r.from)))];
  const seen = new Set(others.length ? (await deps.db.selectFrom('catalog_element').select('id').where('id', 'in', others).where((eb) => readable(eb, actor)).execute()).map((r) => r.id) : []);
  return { ...elementView(e, actor), relations: relations.filter((r) => seen.has(r.from === id ? r.to : r.from)) };
}

// ---------------------------------------------------------------- element writes

export interface ElementInput {
  code: string;
  name: string;
  dataType: ElementType;
  dictCode?: string | null;
  options?: ElementOption[];
  validation?: ElementValidation;
  groupCode?: string;
  domain?: string;
  description?: string;
}

/**
 * Rejects the definition with every rule it breaks; the first one is the headline. The dictionary
 * must be one the caller reads (own tenant or above, as the picker offers): another tenant's
 * private dictionary reads as non-existent, or its options would show up in this tenant's forms.
 */
async function assertValidDefinition(db: Db, actor: Actor, d: ElementDefinition): Promise<void> {
  const errors = checkElementDefinition(d);
  if (errors.length === 0 && d.dictCode) {
    const dict = await db.selectFrom('dict_type').select('code').where('code', '=', d.dictCode).where('tenant_id', 'in', pathIds(actor.tenantPath)).executeTakeFirst();
    if (!dict || (await dictOptions(db, d.dictCode)) === null) errors.push({ path: 'dictCode', message: `数据字典“${d.dictCode}”不存在` });
  }
  if (errors.length) throw invalid(errors[0]!.message, errors);
}

const definitionOf = (e: Element): ElementDefinition => ({ name: e.name, dataType: e.data_type, dictCode: e.dict_code, options: toOptions(e.options), validation: toValidation(e.validation) });

const snapshotOf = (e: Element) => JSON.stringify(elementView(e, null));

async function saveVersion(trx: Db, e: Element, actor: Actor): Promise<void> {
  await trx.insertInto('catalog_element_version').values({ element_id: e.id, version: e.version, snapshot: snapshotOf(e), changed_by: actor.userId, changed_at: e.updated_at }).execute();
}

const columnsOf = (e: Element) => ({
  name: e.name,
  data_type: e.data_type,
  dict_code: e.dict_code,
  options: JSON.stringify(toOptions(e.options)),
  validation: JSON.stringify(toValidation(e.validation)),
  group_code: e.group_code,
  domain: e.domain,
  description: e.description,
  status: e.status,
  version: e.version,
  updated_at: e.updated_at,
});

export async function createElement(deps: Deps, actor: Actor, input: ElementInput): Promise<ElementView> {
  if (RESERVED_CODES.has(input.code)) throw invalid(`要素编码“${input.code}”是工单基础字段，不能使用`);
  const now = deps.clock.now();
  const row: Element = {
    id: randomUUID(),
    tenant_id: actor.tenantId,
    code: input.code,
    name: input.name.trim(),
    data_type: input.dataType,
    dict_code: input.dictCode ?? null,
    options: input.options ?? [],
    validation: { ...(input.validation ?? {}) },
    group_code: input.groupCode?.trim() || 'common',
    domain: input.domain?.trim() ?? '',
    description: input.description?.trim() ?? '',
    status: 'published',
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await assertValidDefinition(deps.db, actor, definitionOf(row));
  return commit(deps, actor, async (trx) => {
    const clash = await trx.selectFrom('catalog_element').select('id').where('code', '=', row.code).executeTakeFirst();
    if (clash) throw conflict(`要素编码“${row.code}”已存在`);
    await trx.insertInto('catalog_element').values({ id: row.id, tenant_id: row.tenant_id, code: row.code, created_at: now, ...columnsOf(row) }).execute();
    await saveVersion(trx, row, actor);
    return { result: elementView(row, actor), audit: { action: 'catalog.element.create', targetType: 'catalog_element', targetId: row.id, after: elementView(row, null) } };
  });
}

/** Every change is a new version; the previous one stays in catalog_element_version. */
export async function updateElement(deps: Deps, actor: Actor, id: string, patch: Partial<Omit<ElementInput, 'code'>>): Promise<ElementView> {
  const before = await loadWritableElement(deps.db, actor, id);
  const after: Element = {
    ...before,
    name: patch.name?.trim() ?? before.name,
    data_type: patch.dataType ?? before.data_type,
    dict_code: patch.dictCode === undefined ? before.dict_code : patch.dictCode,
    options: patch.options ?? before.options,
    validation: patch.validation ? { ...patch.validation } : before.validation,
    group_code: patch.groupCode?.trim() || before.group_code,
    domain: patch.domain?.trim() ?? before.domain,
    description: patch.description?.trim() ?? before.description,
    version: before.version + 1,
    updated_at: deps.clock.now(),
  };
  await assertValidDefinition(deps.db, actor, definitionOf(after));
  return commit(deps, actor, async (trx) => {
    const done = await trx.updateTable('catalog_element').set(columnsOf(after)).where('id', '=', id).where('version', '=', before.version).executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) throw conflict('要素已被他人修改，请刷新后重试');
    await saveVersion(trx, after, actor);
    return {
      result: elementView(after, actor),
      audit: { action: 'catalog.element.update', targetType: 'catalog_element', targetId: id, before: elementView(before, null), after: elementView(after, null) },
    };
  });
}

/** Logical delete: versions stay readable and the code stays taken. */
export async function deleteElement(deps: Deps, actor: Actor, id: string): Promise<void> {
  const before = await loadWritableElement(deps.db, actor, id);
  await commit(deps, actor, async (trx) => {
    const uses = await trx.selectFrom('catalog_item_element').select((eb) => eb.fn.countAll<number>().as('n')).where('element_id', '=', id).executeTakeFirstOrThrow();
    if (Number(uses.n) > 0) throw conflict(`该要素已被 ${Number(uses.n)} 个事项使用，请先从事项中移除`);
    const rel = await trx.selectFrom('catalog_element_relation').select('kind').where((eb) => eb.or([eb('from_element_id', '=', id), eb('to_element_id', '=', id)])).executeTakeFirst();
    if (rel) throw conflict('该要素还有关联关系，请先删除关系');
    await trx.updateTable('catalog_element').set({ status: 'void', updated_at: deps.clock.now() }).where('id', '=', id).execute();
    return { result: null, audit: { action: 'catalog.element.delete', targetType: 'catalog_element', targetId: id, before: elementView(before, null) } };
  });
}

export interface ElementVersionView {
  version: number;
  snapshot: Record<string, unknown>;
  changedBy: string | null;
  changedByName: string | null;
  changedAt: Date;
}

export async function elementVersions(deps: Deps, actor: Actor, id: string): Promise<ElementVersionView[]> {
  await loadReadableElement(deps.db, actor, id);
  const rows = await deps.db
    .selectFrom('catalog_element_version as v')
    .leftJoin('app_user as u', 'u.id', 'v.changed_by')
    .select(['v.version', 'v.snapshot', 'v.changed_by', 'u.display_name', 'v.changed_at'])
    .where('v.element_id', '=', id)
    .orderBy('v.version', 'desc')
    .execute();
  return rows.map((r) => ({ version: r.version, snapshot: r.snapshot, changedBy: r.changed_by, changedByName: r.display_name, changedAt: r.changed_at }));
}

// ---------------------------------------------------------------- relations and graph

const allRelations = async (db: Db): Promise<ElementRelation[]> =>
  db.selectFrom('catalog_element_relation').select(['from_element_id as from', 'to_element_id as to', 'kind']).execute();

async function namesById(db: Db, ids: string[]): Promise<(id: string) => string> {
  const rows = ids.length ? await db.selectFrom('catalog_element').select(['id', 'name']).where('id', 'in', [...new Set(ids)]).execute() : [];
  const names = new Map(rows.map((r) => [r.id, r.name]));
  return (id) => names.get(id) ?? id;
}

export async function addRelation(deps: Deps, actor: Actor, r: ElementRelation): Promise<ElementRelation> {
  await loadWritableElement(deps.db, actor, r.from);
  await loadReadableElement(deps.db, actor, r.to);
  return commit(deps, actor, async (trx) => {
    const existing = await allRelations(trx);
    const problem = checkRelation(existing, r, await namesById(trx, [r.from, ...existing.flatMap((x) => [x.from, x.to])]));
    if (problem) throw invalid(problem, [{ path: 'kind', message: problem }]);
    await trx.insertInto('catalog_element_relation').values({ from_element_id: r.from, to_element_id: r.to, kind: r.kind }).execute();
    return { result: r, audit: { action: 'catalog.element.relation.create', targetType: 'catalog_element', targetId: r.from, after: { ...r } } };
  });
}

export async function removeRelation(deps: Deps, actor: Actor, r: ElementRelation): Promise<void> {
  await loadWritableElement(deps.db, actor, r.from);
  await commit(deps, actor, async (trx) => {
    const gone = await trx.deleteFrom('catalog_element_relation').where('from_element_id', '=', r.from).where('to_element_id', '=', r.to).where('kind', '=', r.kind).executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0) throw notFound('要素关系');
    return { result: null, audit: { action: 'catalog.element.relation.delete', targetType: 'catalog_element', targetId: r.from, before: { ...r } } };
  });
}

export interface ElementGraph {
  nodes: { id: string; code: string; name: string; dataType: ElementType; groupCode: string; domain: string }[];
  edges: ElementRelation[];
}

/** The relation network for the visual view: readable elements and the relations among them. */
export async function elementGraph(deps: Deps, actor: Actor, q: { groupCode?: string; domain?: string }): Promise<ElementGraph> {
  const rows = await filteredElements(deps.db, actor, q).select(['id', 'code', 'name', 'data_type', 'group_code', 'domain']).orderBy('code').limit(1000).execute();
  const ids = new Set(rows.map((r) => r.id));
  const edges = (await allRelations(deps.db)).filter((e) => ids.has(e.from) && ids.has(e.to));
  return { nodes: rows.map((r) => ({ id: r.id, code: r.code, name: r.name, dataType: r.data_type as ElementType, groupCode: r.group_code, domain: r.domain })), edges };
}

// ---------------------------------------------------------------- items and forms

export interface ItemElementView extends ElementView {
  required: boolean;
  sort: number;
}

async function assignedRows(db: Db, itemId: string) {
  return db
    .selectFrom('catalog_item_element as ie')
    .innerJoin('catalog_element as e', 'e.id', 'ie.element_id')
    .selectAll('e')
    .select(['ie.required as assigned_required', 'ie.sort as assigned_sort'])
    .where('ie.item_id', '=', itemId)
    .orderBy('ie.sort')
    .orderBy('e.code')
    .execute();
}

export async function itemElements(deps: Deps, actor: Actor, itemId: string): Promise<ItemElementView[]> {
  await loadReadableItem(deps.db, actor, itemId);
  return (await assignedRows(deps.db, itemId)).map((r) => ({ ...elementView(r, actor), required: r.assigned_required, sort: r.assigned_sort }));
}

export interface ItemElementInput {
  elementId: string;
  required?: boolean;
  sort?: number;
}

/** Replaces an item's elements; the item's own tenant configures them, from elements it can use. */
export async function setItemElements(deps: Deps, actor: Actor, itemId: string, list: ItemElementInput[]): Promise<ItemElementView[]> {
  const item = await loadReadableItem(deps.db, actor, itemId);
  if (item.tenant_id !== actor.tenantId) throw forbidden('只能配置本区域事项的要素');
  const ids = list.map((x) => x.elementId);
  if (new Set(ids).size !== ids.length) throw invalid('同一要素不能重复配置');
  const tenant = await deps.db.selectFrom('tenant').select('path').where('id', '=', item.tenant_id).executeTakeFirstOrThrow();
  const usable = ids.length
    ? await deps.db.selectFrom('catalog_element').select(['id', 'name']).where('id', 'in', ids).where('status', '!=', 'void').where('tenant_id', 'in', pathIds(tenant.path)).execute()
    : [];
  const missing = ids.find((id) => !usable.some((u) => u.id === id));
  if (missing) throw invalid('要素不存在或不适用于该事项所属区域', [{ path: 'elements', message: missing }]);
  const assigned = list.map((x, i) => ({ elementId: x.elementId, required: x.required ?? false, sort: x.sort ?? i + 1 }));
  return commit(deps, actor, async (trx) => {
    const relations = await allRelations(trx);
    const errors = checkItemElements(assigned, relations, await namesById(trx, relations.flatMap((r) => [r.from, r.to])));
    if (errors.length) throw invalid(errors[0]!, errors.map((message) => ({ path: 'elements', message })));
    const before = await trx.selectFrom('catalog_item_element').selectAll().where('item_id', '=', itemId).execute();
    await trx.deleteFrom('catalog_item_element').where('item_id', '=', itemId).execute();
    if (assigned.length) await trx.insertInto('catalog_item_element').values(assigned.map((a) => ({ item_id: itemId, element_id: a.elementId, required: a.required, sort: a.sort }))).execute();
    const rows = (await assignedRows(trx, itemId)).map((r) => ({ ...elementView(r, actor), required: r.assigned_required, sort: r.assigned_sort }));
    return {
      result: rows,
      audit: { action: 'catalog.item.elements', targetType: 'catalog_item', targetId: itemId, tenantId: item.tenant_id, before: { elements: before }, after: { elements: assigned } },
    };
  });
}

/** The ticket form of an item, for any module (work orders call this without a caller). */
export async function formSchemaOf(db: Db, item: { id: string; code: string; name: string }): Promise<FormSchema> {
  const rows = await assignedRows(db, item.id);
  const assigned: AssignedElement[] = rows.map((r) => ({
    elementId: r.id,
    code: r.code,
    name: r.name,
    dataType: r.data_type as ElementType,
    dictCode: r.dict_code,
    options: toOptions(r.options),
    validation: toValidation(r.validation),
    groupCode: r.group_code,
    description: r.description,
    required: r.assigned_required,
    sort: r.assigned_sort,
    version: r.version,
  }));
  const ids = new Set(assigned.map((a) => a.elementId));
  const relations = (await allRelations(db)).filter((r) => ids.has(r.from) && ids.has(r.to));
  const dicts = new Map<string, ElementOption[]>();
  for (const code of new Set(assigned.flatMap((a) => (a.dictCode ? [a.dictCode] : [])))) dicts.set(code, (await dictOptions(db, code)) ?? []);
  return buildFormSchema(item, assigned, relations, dicts);
}

export async function itemForm(deps: Deps, actor: Actor, itemId: string): Promise<FormSchema> {
  return formSchemaOf(deps.db, await loadReadableItem(deps.db, actor, itemId));
}
