import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { sql, type Expression, type ExpressionBuilder, type Selectable, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import { auditActorOf } from '../../platform/context.js';
import type { CatalogItemTable, CatalogStatus, Database } from '../../platform/db/schema.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { enqueueEvent } from '../../platform/events/outbox.js';
import { conflict, forbidden, invalid, notFound, type FieldError } from '../../platform/errors.js';
import { tenantVisible } from '../../platform/scope.js';
import { commit, pageOf } from '../../platform/usecase.js';
import { readSheet, splitList, writeSheet, type ColumnSpec, type RowError } from '../../platform/excel/sheet.js';
import { ImportRejected, startImport, type ImportJob } from '../../platform/excel/import-jobs.js';
import { ITEM_FIELDS, STATUS_LABELS, defaultFormat, diffRecords, sameValue, type FieldDiff, type Formatter } from './catalog-diff.js';
import { buildSearchText, cleanList, pinyinInitials, searchTerms } from './search.js';
import { ancestorTenants, catalogVisible, isInherited, loadLeafForItem, loadVisibleCategory, pathNamesOf, type Category } from './category.service.js';
import { findOpenChange, notifyReviewersOfBatch, proposeChange, type Proposed } from './change.service.js';
import { containsPattern } from '../../platform/sql.js';

/**
 * 诉求事项清单: the items call agents classify demands against. An item hangs on a leaf category;
 * its code and category never change. Content changes are reviewed changes; each approval freezes
 * a snapshot in catalog_item_version (see publish.service for what approval does).
 */
type ItemRow = Selectable<CatalogItemTable> & { effective_from_text: string | null; effective_to_text: string | null };

/** The frozen content of one item version; also the payload of create/update/rollback changes. */
export interface ItemSnapshot {
  code: string;
  categoryId: string;
  name: string;
  description: string;
  keywords: string[];
  synonyms: string[];
  industry: string;
  demandTypes: string[];
  levels: number[];
  urgencyTiers: string[];
  department: string;
  handlingStandard: string;
  legalBasis: string;
  effectiveFrom: string | null;
  effectiveTo: string | null;
}

export type ItemFields = Omit<ItemSnapshot, 'code' | 'categoryId'>;

export const LEVEL_LABELS: Readonly<Record<number, string>> = { 1: '自治区级', 2: '地（州、市）级', 3: '区（县）级', 4: '乡镇（街道）级', 5: '村（社区）级' };

// pg reads a date as local midnight, PGlite as UTC midnight: text is the only stable shape.
const effectiveDates = [
  sql<string | null>`to_char(catalog_item.effective_from, 'YYYY-MM-DD')`.as('effective_from_text'),
  sql<string | null>`to_char(catalog_item.effective_to, 'YYYY-MM-DD')`.as('effective_to_text'),
] as const;

export function snapshotOf(r: ItemRow): ItemSnapshot {
  return {
    code: r.code,
    categoryId: r.category_id,
    name: r.name,
    description: r.description,
    keywords: r.keywords,
    synonyms: r.synonyms,
    industry: r.industry,
    demandTypes: r.demand_types,
    levels: r.levels,
    urgencyTiers: r.urgency_tiers,
    department: r.department,
    handlingStandard: r.handling_standard,
    legalBasis: r.legal_basis,
    effectiveFrom: r.effective_from_text,
    effectiveTo: r.effective_to_text,
  };
}

/** Trimmed strings, de-duplicated lists, sorted levels: equal content compares equal. */
export function normalizeSnapshot(s: ItemSnapshot): ItemSnapshot {
  return {
    code: s.code.trim(),
    categoryId: s.categoryId,
    name: s.name.trim(),
    description: s.description.trim(),
    keywords: cleanList(s.keywords),
    synonyms: cleanList(s.synonyms),
    industry: s.industry.trim() || 'other',
    demandTypes: cleanList(s.demandTypes),
    levels: [...new Set(s.levels)].sort((a, b) => a - b),
    urgencyTiers: cleanList(s.urgencyTiers),
    department: s.department.trim(),
    handlingStandard: s.handlingStandard.trim(),
    legalBasis: s.legalBasis.trim(),
    effectiveFrom: s.effectiveFrom || null,
    effectiveTo: s.effectiveTo || null,
  };
}

/** The item row's content columns for a snapshot, including the derived search columns. */
export function columnsOf(s: ItemSnapshot) {
  const py = pinyinInitials(s.name);
  return {
    name: s.name,
    description: s.description,
    keywords: s.keywords,
    synonyms: s.synonyms,
    industry: s.industry,
    demand_types: s.demandTypes,
    levels: s.levels,
    urgency_tiers: s.urgencyTiers,
    department: s.department,
    handling_standard: s.handlingStandard,
    legal_basis: s.legalBasis,
    effective_from: s.effectiveFrom,
    effective_to: s.effectiveTo,
    pinyin: py,
    search_text: buildSearchText({ name: s.name, code: s.code, keywords: s.keywords, synonyms: s.synonyms, pinyin: py }),
  };
}

export const sameContent = (a: ItemSnapshot, b: ItemSnapshot) => ITEM_FIELDS.every((f) => sameValue((a as unknown as Record<string, unknown>)[f.key], (b as unknown as Record<string, unknown>)[f.key]));

// ---------------------------------------------------------------- dictionaries

export interface ItemDicts {
  industry: Map<string, string>;
  demandType: Map<string, string>;
  urgency: Map<string, string>;
}

export async function loadItemDicts(db: Db): Promise<ItemDicts> {
  const rows = await db.selectFrom('dict_item').select(['type_code', 'value', 'label']).where('type_code', 'in', ['industry', 'demand_type', 'urgency']).where('enabled', '=', true).orderBy('sort').execute();
  const of = (code: string) => new Map(rows.filter((r) => r.type_code === code).map((r) => [r.value, r.label]));
  return { industry: of('industry'), demandType: of('demand_type'), urgency: of('urgency') };
}

/** Choices for the item form: catalogue users do not read the system dictionaries directly. */
export async function itemOptions(deps: Deps) {
  const dicts = await loadItemDicts(deps.db);
  const list = (m: Map<string, string>) => [...m].map(([value, label]) => ({ value, label }));
  return {
    industry: list(dicts.industry),
    demandType: list(dicts.demandType),
    urgency: list(dicts.urgency),
    levels: Object.entries(LEVEL_LABELS).map(([value, label]) => ({ value: Number(value), label })),
  };
}

export function itemFormatter(dicts: ItemDicts): Formatter {
  return (field, value) => {
    const labelled = (m: Map<string, string>) => (Array.isArray(value) ? value.map((v) => m.get(String(v)) ?? String(v)).join('、') : (m.get(String(value)) ?? String(value)));
    if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return defaultFormat(field, value);
    switch (field) {
      case 'industry':
        return labelled(dicts.industry);
      case 'demandTypes':
        return labelled(dicts.demandType);
      case 'urgencyTiers':
        return labelled(dicts.urgency);
      case 'levels':
        return (value as number[]).map((l) => LEVEL_LABELS[l] ?? String(l)).join('、');
      default:
        return defaultFormat(field, value);
    }
  };
}

/** Dictionary and date checks the schema cannot express; paths name the body fields. */
export function fieldProblems(s: ItemSnapshot, dicts: ItemDicts): FieldError[] {
  const out: FieldError[] = [];
  if (!dicts.industry.has(s.industry)) out.push({ path: '/industry', message: `未知的行业领域：${s.industry}` });
  for (const d of s.demandTypes) if (!dicts.demandType.has(d)) out.push({ path: '/demandTypes', message: `未知的诉求类型：${d}` });
  for (const u of s.urgencyTiers) if (!dicts.urgency.has(u)) out.push({ path: '/urgencyTiers', message: `未知的紧急程度：${u}` });
  for (const l of s.levels) if (!LEVEL_LABELS[l]) out.push({ path: '/levels', message: `适用层级应为 1-5：${l}` });
  if (s.effectiveFrom && s.effectiveTo && s.effectiveFrom > s.effectiveTo) out.push({ path: '/effectiveTo', message: '失效日期不能早于生效日期' });
  return out;
}

async function assertValid(db: Db, s: ItemSnapshot): Promise<void> {
  const problems = fieldProblems(s, await loadItemDicts(db));
  if (problems.length) throw invalid(`事项信息有误：${problems.map((p) => p.message).join('；')}`, problems);
}

// ---------------------------------------------------------------- visibility

/** Editors and reviewers also see unpublished items of their own scope; everyone else published ones. */
const editorial = (actor: Actor) => actor.permissions.has('catalog:write') || actor.permissions.has('catalog:review');

/**
 * Own scope: every item (editors) or the published ones (readers). From tenants above: standard
 * items they published; their local items stay theirs.
 */
export function itemVisible(eb: ExpressionBuilder<Database, 'catalog_item'>, actor: Actor): Expression<SqlBool> {
  const live = editorial(actor) ? eb('catalog_item.status', 'in', ['published', 'offline', 'void']) : eb('catalog_item.status', '=', 'published');
  const own = tenantVisible(eb as unknown as ExpressionBuilder<Database, keyof Database>, 'catalog_item.tenant_id', actor);
  const scoped = editorial(actor) ? own : eb.and([own, live]);
  const ancestors = ancestorTenants(actor);
  if (ancestors.length === 0) return scoped;
  return eb.or([scoped, eb.and([eb('catalog_item.tenant_id', 'in', ancestors), eb('catalog_item.origin', '=', 'standard'), live])]);
}

export async function loadVisibleItem(db: Db, actor: Actor, id: string): Promise<ItemRow> {
  const item = await db
    .selectFrom('catalog_item')
    .selectAll()
    .select(effectiveDates)
    .where('id', '=', id)
    .where((eb) => itemVisible(eb, actor))
    .executeTakeFirst();
  if (!item) throw notFound('事项');
  return item;
}

export const INHERITED_ITEM_MESSAGE = '该事项由上级统一下发，本级不能修改事项定义；如需补充本地办理信息，请在“实施清单”中维护实施细则';

/** An item the caller may change: visible and not inherited from a tenant above. */
export async function loadOwnedItem(db: Db, actor: Actor, id: string): Promise<ItemRow> {
  const item = await loadVisibleItem(db, actor, id);
  if (isInherited(actor, item.tenant_id)) throw forbidden(INHERITED_ITEM_MESSAGE);
  return item;
}

export async function loadItemForUpdate(trx: Db, id: string): Promise<ItemRow> {
  return trx.selectFrom('catalog_item').selectAll().select(effectiveDates).where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
}

// ---------------------------------------------------------------- reading

export interface ItemView extends ItemSnapshot {
  id: string;
  tenantId: string;
  tenantName: string;
  origin: 'standard' | 'local';
  status: CatalogStatus;
  statusLabel: string;
  currentVersion: number;
  categoryName: string;
  pinyin: string;
  inherited: boolean;
  editable: boolean;
  openChange: { id: string; status: string; action: string } | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ItemQuery {
  /** The single search box: name, code, pinyin initials, keyword or synonym (space = AND). */
  q?: string;
  name?: string;
  code?: string;
  keyword?: string;
  categoryId?: string;
  industry?: string;
  department?: string;
  demandType?: string;
  status?: CatalogStatus;
  origin?: 'standard' | 'local';
  tenantId?: string;
  page?: number;
  pageSize?: number;
  sort?: 'code' | 'name' | 'updatedAt' | 'createdAt' | 'currentVersion';
  order?: 'asc' | 'desc';
}

const ITEM_SORT = { code: 'catalog_item.code', name: 'catalog_item.name', updatedAt: 'catalog_item.updated_at', createdAt: 'catalog_item.created_at', currentVersion: 'catalog_item.current_version' } as const;

async function filteredItems(db: Db, actor: Actor, q: ItemQuery) {
  let query = db.selectFrom('catalog_item').where((eb) => itemVisible(eb, actor));
  for (const term of searchTerms(q.q ?? '')) query = query.where('catalog_item.search_text', 'like', containsPattern(term));
  if (q.name) query = query.where('catalog_item.name', 'ilike', containsPattern(q.name.trim()));
  if (q.code) query = query.where('catalog_item.code', 'ilike', containsPattern(q.code.trim()));
  if (q.keyword) {
    const kw = containsPattern(q.keyword.trim());
    query = query.where(sql<boolean>`exists (select 1 from unnest(catalog_item.keywords || catalog_item.synonyms) k where k ilike ${kw})`);
  }
  if (q.industry) query = query.where('catalog_item.industry', '=', q.industry);
  if (q.department) query = query.where('catalog_item.department', 'ilike', containsPattern(q.department.trim()));
  if (q.demandType) query = query.where(sql<boolean>`${q.demandType} = any(catalog_item.demand_types)`);
  if (q.status) query = query.where('catalog_item.status', '=', q.status);
  if (q.origin) query = query.where('catalog_item.origin', '=', q.origin);
  if (q.tenantId) query = query.where('catalog_item.tenant_id', '=', q.tenantId);
  if (q.categoryId) {
    const category = await loadVisibleCategory(db, actor, q.categoryId);
    query = query.where('catalog_item.category_id', 'in', (eb) => eb.selectFrom('catalog_category').select('id').where('path', 'like', `${category.path}%`));
  }
  return query;
}

export async function listItems(deps: Deps, actor: Actor, q: ItemQuery): Promise<{ items: ItemView[]; total: number }> {
  const { page, pageSize } = pageOf(q);
  const query = await filteredItems(deps.db, actor, q);
  const [{ total }, rows] = await Promise.all([
    query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    withNames(query)
      .orderBy(sql.ref(ITEM_SORT[q.sort ?? 'code']), q.order ?? 'asc')
      .orderBy('catalog_item.id')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
  ]);
  return { items: await viewsOf(deps.db, actor, rows), total: Number(total) };
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
function withNames(query: SelectQueryBuilder<Database, 'catalog_item', {}>) {
  return query
    .innerJoin('catalog_category as c', 'c.id', 'catalog_item.category_id')
    .innerJoin('tenant as t', 't.id', 'catalog_item.tenant_id')
    .selectAll('catalog_item')
    .select(effectiveDates)
    .select(['c.name as category_name', 'c.code as category_code', 't.name as tenant_name']);
}

type NamedRow = ItemRow & { category_name: string; category_code: string; tenant_name: string };

async function viewsOf(db: Db, actor: Actor, rows: NamedRow[]): Promise<ItemView[]> {
  const ids = rows.map((r) => r.id);
  const open = ids.length
    ? await db.selectFrom('catalog_change').select(['id', 'entity_id', 'status', 'action']).where('entity_type', '=', 'item').where('entity_id', 'in', ids).where('status', 'in', ['draft', 'pending', 'rejected']).execute()
    : [];
  const openOf = new Map(open.map((c) => [c.entity_id, { id: c.id, status: c.status, action: c.action }]));
  return rows.map((r) => {
    const inherited = isInherited(actor, r.tenant_id);
    return {
      id: r.id,
      ...snapshotOf(r),
      tenantId: r.tenant_id,
      tenantName: r.tenant_name,
      origin: r.origin,
      status: r.status,
      statusLabel: STATUS_LABELS[r.status] ?? r.status,
      currentVersion: r.current_version,
      categoryName: r.category_name,
      pinyin: r.pinyin,
      inherited,
      editable: !inherited && actor.permissions.has('catalog:write') && r.status !== 'void',
      openChange: openOf.get(r.id) ?? null,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  });
}

export interface ItemDetail extends ItemView {
  categoryPathNames: string[];
  /** The open change's content, so an editor continues a draft instead of starting over. */
  draft: Record<string, unknown> | null;
  knowledgeCount: number;
}

export async function getItem(deps: Deps, actor: Actor, id: string): Promise<ItemDetail> {
  await loadVisibleItem(deps.db, actor, id);
  const row = await withNames(deps.db.selectFrom('catalog_item').where('catalog_item.id', '=', id)).executeTakeFirstOrThrow();
  const [view] = await viewsOf(deps.db, actor, [row]);
  const [category, open, links] = await Promise.all([
    deps.db.selectFrom('catalog_category').select('path').where('id', '=', row.category_id).executeTakeFirstOrThrow(),
    view!.inherited ? undefined : findOpenChange(deps.db, 'item', id),
    deps.db.selectFrom('catalog_item_knowledge').select((eb) => eb.fn.countAll<number>().as('n')).where('item_id', '=', id).executeTakeFirstOrThrow(),
  ]);
  return { ...view!, categoryPathNames: await pathNamesOf(deps.db, category), draft: open?.payload ?? null, knowledgeCount: Number(links.n) };
}

// ---------------------------------------------------------------- writing

export interface CreateItemInput extends Partial<ItemFields> {
  categoryId: string;
  code: string;
  name: string;
  origin?: 'standard' | 'local';
  submit?: boolean;
}

const EMPTY_FIELDS: ItemFields = {
  name: '',
  description: '',
  keywords: [],
  synonyms: [],
  industry: 'other',
  demandTypes: [],
  levels: [],
  urgencyTiers: [],
  department: '',
  handlingStandard: '',
  legalBasis: '',
  effectiveFrom: null,
  effectiveTo: null,
};

function pickFields(input: Partial<ItemFields>): Partial<ItemFields> {
  return Object.fromEntries(Object.keys(EMPTY_FIELDS).filter((k) => k in input && (input as Record<string, unknown>)[k] !== undefined).map((k) => [k, (input as Record<string, unknown>)[k]]));
}

/**
 * Who owns a new item: the caller's tenant when the category is theirs or inherited from above;
 * the category's tenant when an upper level files an item into a lower tenant's own category.
 */
function ownerOf(actor: Actor, category: Category): string {
  return category.tenant_id === actor.tenantId || isInherited(actor, category.tenant_id) ? actor.tenantId : category.tenant_id;
}

export async function createItem(deps: Deps, actor: Actor, input: CreateItemInput): Promise<ItemDetail> {
  const category = await loadLeafForItem(deps.db, actor, input.categoryId);
  const snapshot = normalizeSnapshot({ ...EMPTY_FIELDS, ...pickFields(input), code: input.code, categoryId: category.id });
  await assertValid(deps.db, snapshot);
  const owner = ownerOf(actor, category);
  const origin = input.origin ?? (owner === actor.tenantId && actor.tenantLevel === 1 ? 'standard' : 'local');
  const id = await commit(deps, actor, async (trx) => {
    const { row, proposed } = await insertItem(trx, deps, actor, { owner, origin, snapshot, submit: input.submit ?? false });
    return { result: row.id, audit: [{ action: 'catalog.item.create', targetType: 'catalog_item', targetId: row.id, after: { ...snapshot, origin, status: row.status }, tenantId: owner }, proposed.audit], events: proposed.events };
  });
  return getItem(deps, actor, id);
}

interface NewItem {
  owner: string;
  origin: 'standard' | 'local';
  snapshot: ItemSnapshot;
  submit: boolean;
  notify?: boolean;
}

async function insertItem(trx: Db, deps: Deps, actor: Actor, n: NewItem): Promise<{ row: { id: string; status: CatalogStatus }; proposed: Proposed }> {
  const clash = await trx.selectFrom('catalog_item').select('id').where('code', '=', n.snapshot.code).executeTakeFirst();
  if (clash) throw conflict(`事项编码 ${n.snapshot.code} 已存在`);
  const id = randomUUID();
  const now = deps.clock.now();
  const status: CatalogStatus = n.submit ? 'pending' : 'draft';
  await trx
    .insertInto('catalog_item')
    .values({ id, tenant_id: n.owner, origin: n.origin, code: n.snapshot.code, category_id: n.snapshot.categoryId, status, current_version: 0, ...columnsOf(n.snapshot), created_by: actor.userId, created_at: now, updated_at: now })
    .execute();
  const proposed = await proposeChange(trx, deps, actor, { tenantId: n.owner, entityType: 'item', entityId: id, action: 'create', baseVersion: 0, payload: { ...n.snapshot }, submit: n.submit, notify: n.notify });
  return { row: { id, status }, proposed };
}

/** The content an edit starts from: the open draft if there is one, else what is published. */
async function editBase(db: Db, item: ItemRow): Promise<ItemSnapshot> {
  const open = await findOpenChange(db, 'item', item.id);
  if (open && (open.action === 'create' || open.action === 'update' || open.action === 'rollback')) return { ...snapshotOf(item), ...(open.payload as Partial<ItemSnapshot>), code: item.code, categoryId: item.category_id };
  return snapshotOf(item);
}

/** Saves (暂存) or submits an edit. Code and category are not editable (the schema refuses them). */
export async function updateItem(deps: Deps, actor: Actor, id: string, patch: Partial<ItemFields> & { submit?: boolean }): Promise<ItemDetail> {
  const item = await loadOwnedItem(deps.db, actor, id);
  if (item.status === 'void') throw invalid('已作废的事项不能修改');
  const next = normalizeSnapshot({ ...(await editBase(deps.db, item)), ...pickFields(patch) });
  await assertValid(deps.db, next);
  const fresh = item.current_version === 0;
  if (!fresh && item.status === 'published' && sameContent(next, snapshotOf(item))) throw invalid('没有任何修改，无需提交');
  await commit(deps, actor, async (trx) => {
    // A never-published draft is edited in place; a published item keeps serving until approval.
    if (fresh) await trx.updateTable('catalog_item').set({ ...columnsOf(next), updated_at: deps.clock.now() }).where('id', '=', id).execute();
    const proposed = await proposeChange(trx, deps, actor, {
      tenantId: item.tenant_id,
      entityType: 'item',
      entityId: id,
      action: fresh ? 'create' : 'update',
      baseVersion: item.current_version,
      payload: { ...next },
      submit: patch.submit ?? false,
    });
    return { result: null, audit: [{ action: 'catalog.item.update', targetType: 'catalog_item', targetId: id, before: snapshotOf(item) as unknown as Record<string, unknown>, after: next as unknown as Record<string, unknown>, tenantId: item.tenant_id }, proposed.audit], events: proposed.events };
  });
  return getItem(deps, actor, id);
}

export type LifecycleAction = 'offline' | 'online' | 'void';

/** 下架 / 重新启用 / 作废: reviewed like any change; history stays. */
export async function changeLifecycle(deps: Deps, actor: Actor, id: string, input: { action: LifecycleAction; reason?: string; submit?: boolean }): Promise<ItemDetail> {
  const item = await loadOwnedItem(deps.db, actor, id);
  const allowed: Record<LifecycleAction, CatalogStatus[]> = { offline: ['published'], online: ['offline'], void: ['published', 'offline'] };
  if (!allowed[input.action].includes(item.status)) {
    const hint: Record<LifecycleAction, string> = { offline: '只有已发布的事项可以下架', online: '只有已下架的事项可以重新启用', void: '只有已发布或已下架的事项可以作废；未发布的草稿请直接删除' };
    throw invalid(hint[input.action]);
  }
  const reason = input.reason?.trim() ?? '';
  await commit(deps, actor, async (trx) => {
    const proposed = await proposeChange(trx, deps, actor, {
      tenantId: item.tenant_id,
      entityType: 'item',
      entityId: id,
      action: input.action === 'online' ? 'update' : input.action,
      baseVersion: item.current_version,
      payload: input.action === 'online' ? { ...snapshotOf(item), reason } : { reason },
      submit: input.submit ?? false,
    });
    return { result: null, audit: proposed.audit, events: proposed.events };
  });
  return getItem(deps, actor, id);
}

/** Rollback proposes an older version's snapshot as a new change; approval makes it a NEW version. */
export async function rollbackItem(deps: Deps, actor: Actor, id: string, input: { version: number; submit?: boolean }): Promise<ItemDetail> {
  const item = await loadOwnedItem(deps.db, actor, id);
  if (item.current_version === 0) throw invalid('事项尚未发布，没有可回滚的版本');
  if (input.version >= item.current_version) throw invalid(`只能回滚到早于当前版本（V${item.current_version}）的版本`);
  const old = await versionSnapshot(deps.db, id, input.version);
  if (!old) throw notFound(`版本 V${input.version}`);
  const target = normalizeSnapshot({ ...old, code: item.code, categoryId: item.category_id });
  if (sameContent(target, snapshotOf(item))) throw invalid(`V${input.version} 与当前版本内容相同，无需回滚`);
  await commit(deps, actor, async (trx) => {
    const proposed = await proposeChange(trx, deps, actor, {
      tenantId: item.tenant_id,
      entityType: 'item',
      entityId: id,
      action: 'rollback',
      baseVersion: item.current_version,
      payload: { ...target, rollbackTo: input.version },
      submit: input.submit ?? false,
    });
    return { result: null, audit: { ...proposed.audit, detail: { ...proposed.audit.detail, rollbackTo: input.version } }, events: proposed.events };
  });
  return getItem(deps, actor, id);
}

/** Only a never-published draft can be deleted; a published item is taken offline or voided. */
export async function deleteItem(deps: Deps, actor: Actor, id: string): Promise<void> {
  const item = await loadOwnedItem(deps.db, actor, id);
  if (item.current_version > 0 || !(item.status === 'draft' || item.status === 'rejected')) {
    throw conflict(item.status === 'pending' ? '事项正在审核中，请先撤销审核再删除' : '只能删除未发布的草稿事项；已发布的事项请下架或作废');
  }
  await commit(deps, actor, async (trx) => {
    await discardDraftItem(trx, id);
    return { result: null, audit: { action: 'catalog.item.delete', targetType: 'catalog_item', targetId: id, before: snapshotOf(item) as unknown as Record<string, unknown>, tenantId: item.tenant_id } };
  });
}

export async function discardDraftItem(trx: Db, id: string): Promise<void> {
  const ref = await trx.selectFrom('catalog_list_entry').select('id').where('item_id', '=', id).executeTakeFirst();
  const el = await trx.selectFrom('catalog_item_element').select('element_id').where('item_id', '=', id).executeTakeFirst();
  if (ref || el) throw conflict('该事项已被职责清单或事项要素引用，请先解除引用再删除');
  await trx.deleteFrom('catalog_item_knowledge').where('item_id', '=', id).execute();
  await trx.deleteFrom('catalog_change').where('entity_type', '=', 'item').where('entity_id', '=', id).execute();
  await trx.deleteFrom('catalog_item').where('id', '=', id).execute();
}

// ---------------------------------------------------------------- versions and diffs

export async function versionSnapshot(db: Db, itemId: string, version: number): Promise<ItemSnapshot | null> {
  const v = await db.selectFrom('catalog_item_version').select('snapshot').where('item_id', '=', itemId).where('version', '=', version).executeTakeFirst();
  return v ? (v.snapshot as unknown as ItemSnapshot) : null;
}

export async function listVersions(deps: Deps, actor: Actor, id: string) {
  await loadVisibleItem(deps.db, actor, id);
  const rows = await deps.db
    .selectFrom('catalog_item_version as v')
    .leftJoin('app_user as u', 'u.id', 'v.published_by')
    .leftJoin('catalog_change as c', 'c.id', 'v.change_id')
    .leftJoin('catalog_publication as p', (j) => j.onRef('p.item_id', '=', 'v.item_id').onRef('p.version', '=', 'v.version'))
    .select(['v.version', 'v.published_at', 'v.change_id', 'u.display_name as published_by_name', 'c.action', 'c.opinion', 'p.summary'])
    .where('v.item_id', '=', id)
    .orderBy('v.version', 'desc')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    publishedAt: r.published_at,
    publishedByName: r.published_by_name,
    changeId: r.change_id,
    action: r.action,
    opinion: r.opinion ?? '',
    summary: (r.summary as { text?: string } | null)?.text ?? '',
  }));
}

export async function getVersion(deps: Deps, actor: Actor, id: string, version: number): Promise<{ version: number; snapshot: ItemSnapshot }> {
  await loadVisibleItem(deps.db, actor, id);
  const snapshot = await versionSnapshot(deps.db, id, version);
  if (!snapshot) throw notFound(`版本 V${version}`);
  return { version, snapshot };
}

/** Accepts snapshots or snapshot-shaped records (with a status for lifecycle changes). */
export async function diffSnapshots(db: Db, before: object | null, after: object | null): Promise<FieldDiff[]> {
  return diffRecords(before as Record<string, unknown> | null, after as Record<string, unknown> | null, ITEM_FIELDS, itemFormatter(await loadItemDicts(db)));
}

/** Readable diff between two published versions; version 0 is "nothing yet". */
export async function diffVersions(deps: Deps, actor: Actor, id: string, from: number, to?: number): Promise<{ from: number; to: number; changes: FieldDiff[] }> {
  const item = await loadVisibleItem(deps.db, actor, id);
  const target = to ?? item.current_version;
  const load = async (v: number) => {
    if (v === 0) return null;
    const s = await versionSnapshot(deps.db, id, v);
    if (!s) throw notFound(`版本 V${v}`);
    return s;
  };
  const [a, b] = await Promise.all([load(from), load(target)]);
  return { from, to: target, changes: await diffSnapshots(deps.db, a, b) };
}

// ---------------------------------------------------------------- knowledge links

export async function listKnowledge(deps: Deps, actor: Actor, id: string) {
  await loadVisibleItem(deps.db, actor, id);
  const rows = await deps.db
    .selectFrom('catalog_item_knowledge as k')
    .leftJoin('app_user as u', 'u.id', 'k.created_by')
    .select(['k.article_id', 'k.note', 'k.created_at', 'u.display_name as created_by_name'])
    .where('k.item_id', '=', id)
    .orderBy('k.created_at', 'desc')
    .execute();
  return rows.map((r) => ({ articleId: r.article_id, note: r.note, createdAt: r.created_at, createdByName: r.created_by_name }));
}

export async function linkKnowledge(deps: Deps, actor: Actor, id: string, input: { articleId: string; note?: string }) {
  const item = await loadOwnedItem(deps.db, actor, id);
  await commit(deps, actor, async (trx) => {
    const clash = await trx.selectFrom('catalog_item_knowledge').select('article_id').where('item_id', '=', id).where('article_id', '=', input.articleId).executeTakeFirst();
    if (clash) throw conflict('该知识已关联到此事项');
    const row = { item_id: id, article_id: input.articleId, note: input.note?.trim() ?? '', created_by: actor.userId, created_at: deps.clock.now() };
    await trx.insertInto('catalog_item_knowledge').values(row).execute();
    return { result: null, audit: { action: 'catalog.item.knowledge.link', targetType: 'catalog_item', targetId: id, after: row, tenantId: item.tenant_id } };
  });
  return listKnowledge(deps, actor, id);
}

export async function unlinkKnowledge(deps: Deps, actor: Actor, id: string, articleId: string): Promise<void> {
  const item = await loadOwnedItem(deps.db, actor, id);
  await commit(deps, actor, async (trx) => {
    const res = await trx.deleteFrom('catalog_item_knowledge').where('item_id', '=', id).where('article_id', '=', articleId).executeTakeFirst();
    if (res.numDeletedRows === 0n) throw notFound('知识关联');
    return { result: null, audit: { action: 'catalog.item.knowledge.unlink', targetType: 'catalog_item', targetId: id, detail: { articleId }, tenantId: item.tenant_id } };
  });
}

// ---------------------------------------------------------------- Excel

/** The tender caps one import at 500 items (新增事项服务). */
export const MAX_IMPORT_ITEMS = 500;
export const EXPORT_LIMIT = 20_000;

interface ItemSheetRow {
  code: string;
  name: string;
  categoryCode: string;
  description?: string;
  keywords?: string[];
  synonyms?: string[];
  industry?: string;
  demandTypes?: string[];
  levels?: number[];
  urgencyTiers?: string[];
  department?: string;
  handlingStandard?: string;
  legalBasis?: string;
  effectiveFrom?: string;
  effectiveTo?: string;
  status?: string;
  version?: number;
  owner?: string;
  updatedAt?: string;
}

const CODE_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

function parseCode(text: string): string {
  if (!CODE_RE.test(text)) throw new Error('事项编码只能包含字母、数字和 _ . : -，最长 64 位');
  return text;
}

function parseDate(text: string): string {
  const d = text.slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(d))) throw new Error('日期格式应为 YYYY-MM-DD');
  return d;
}

function parseLevels(text: string): number[] {
  return splitList(text).map((t) => {
    const n = Number(t);
    if (!Number.isInteger(n) || n < 1 || n > 5) throw new Error(`适用层级应为 1-5 的数字：${t}`);
    return n;
  });
}

const maxLen = (n: number) => (text: string) => {
  if (text.length > n) throw new Error(`长度不能超过 ${n}`);
  return text;
};

const IMPORT_COLUMNS: ColumnSpec<ItemSheetRow>[] = [
  { header: '事项编码', key: 'code', required: true, width: 20, parse: parseCode },
  { header: '事项名称', key: 'name', required: true, width: 30, parse: maxLen(100) },
  { header: '所属目录编码', key: 'categoryCode', required: true, width: 18 },
  { header: '事项描述', key: 'description', width: 40, parse: maxLen(2000) },
  { header: '关键词', key: 'keywords', width: 24, parse: splitList },
  { header: '同义词', key: 'synonyms', width: 24, parse: splitList },
  { header: '行业领域', key: 'industry', width: 16 },
  { header: '诉求类型', key: 'demandTypes', width: 16, parse: splitList },
  { header: '适用层级', key: 'levels', width: 12, parse: parseLevels },
  { header: '紧急程度', key: 'urgencyTiers', width: 14, parse: splitList },
  { header: '主管部门', key: 'department', width: 24, parse: maxLen(200) },
  { header: '办结标准', key: 'handlingStandard', width: 30, parse: maxLen(2000) },
  { header: '办结依据', key: 'legalBasis', width: 30, parse: maxLen(2000) },
  { header: '生效日期', key: 'effectiveFrom', width: 14, parse: parseDate },
  { header: '失效日期', key: 'effectiveTo', width: 14, parse: parseDate },
];

const EXPORT_COLUMNS: ColumnSpec<ItemSheetRow>[] = [
  ...IMPORT_COLUMNS,
  { header: '状态', key: 'status', width: 10 },
  { header: '当前版本', key: 'version', width: 10 },
  { header: '所属单位', key: 'owner', width: 20 },
  { header: '最后更新', key: 'updatedAt', width: 20 },
];

export async function exportItems(deps: Deps, actor: Actor, q: ItemQuery): Promise<Buffer> {
  const query = await filteredItems(deps.db, actor, q);
  const rows = await withNames(query).orderBy('catalog_item.code').limit(EXPORT_LIMIT).execute();
  const fmt = itemFormatter(await loadItemDicts(deps.db));
  const sheetRows: ItemSheetRow[] = rows.map((r) => ({
    ...snapshotOf(r),
    categoryCode: r.category_code,
    industry: fmt('industry', r.industry),
    effectiveFrom: r.effective_from_text ?? undefined,
    effectiveTo: r.effective_to_text ?? undefined,
    status: STATUS_LABELS[r.status] ?? r.status,
    version: r.current_version,
    owner: r.tenant_name,
    updatedAt: new Date(r.updated_at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }),
  }));
  const file = await writeSheet('诉求事项清单', EXPORT_COLUMNS, sheetRows);
  await commit(deps, actor, async () => ({ result: null, audit: { action: 'catalog.item.export', targetType: 'catalog_item', detail: { filters: { ...q }, rows: sheetRows.length } } }));
  return file;
}

/** The import template: the columns to fill, and a second sheet explaining each one. */
export async function itemTemplate(deps: Deps): Promise<Buffer> {
  const dicts = await loadItemDicts(deps.db);
  const wb = new ExcelJS.Workbook();
  wb.creator = '12345 政务服务便民热线综合管理平台';
  const ws = wb.addWorksheet('诉求事项清单');
  ws.columns = IMPORT_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width ?? 18 }));
  ws.getRow(1).font = { bold: true };
  const help = wb.addWorksheet('填写说明');
  help.columns = [
    { header: '列名', key: 'col', width: 16 },
    { header: '说明', key: 'text', width: 100 },
  ];
  help.getRow(1).font = { bold: true };
  const list = (m: Map<string, string>) => [...m].map(([v, l]) => `${l}（${v}）`).join('、');
  const notes: [string, string][] = [
    ['事项编码', '必填；全局唯一，创建后不可修改；字母、数字和 _ . : -'],
    ['事项名称', '必填；不超过 100 字'],
    ['所属目录编码', '必填；必须是已发布的末级目录'],
    ['关键词 / 同义词', '多个值用顿号、逗号或空格分隔'],
    ['行业领域', `填写名称或代码：${list(dicts.industry)}`],
    ['诉求类型', `多个用顿号分隔：${list(dicts.demandType)}`],
    ['适用层级', '1 自治区级、2 地（州、市）级、3 区（县）级、4 乡镇（街道）级、5 村（社区）级，多个用顿号分隔'],
    ['紧急程度', `多个用顿号分隔：${list(dicts.urgency)}`],
    ['生效日期 / 失效日期', '格式 YYYY-MM-DD'],
    ['导入规则', `单次最多 ${MAX_IMPORT_ITEMS} 条；任一行有误则整个文件不导入；导入的事项直接进入“待审核”，审核通过后生效`],
  ];
  for (const [col, text] of notes) help.addRow({ col, text });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function lookup(m: Map<string, string>, text: string): string | undefined {
  if (m.has(text)) return text;
  for (const [value, label] of m) if (label === text) return value;
  return undefined;
}

interface PlannedItem {
  line: number;
  category: Category;
  snapshot: ItemSnapshot;
}

/**
 * All or nothing: every row is checked first and any error rejects the whole file. Imported items
 * arrive as pending changes (待审核), as the tender requires of new items; one todo per batch.
 */
export function importItems(deps: Deps, actor: Actor, file: Buffer): ImportJob {
  return startImport(deps, actor, 'catalog.items', async (trx, progress) => {
    const parsed = await readSheet<ItemSheetRow>(file, IMPORT_COLUMNS, MAX_IMPORT_ITEMS);
    if (parsed.errors.some((e) => e.line <= 1)) throw new ImportRejected(parsed.errors);
    if (parsed.rows.length === 0) throw new ImportRejected([{ line: 0, column: '', reason: '文件中没有数据行' }]);
    progress.total(parsed.rows.length);
    const { planned, errors } = await planImport(trx, actor, parsed.rows);
    const all = [...parsed.errors, ...errors].sort((a, b) => a.line - b.line);
    if (all.length) throw new ImportRejected(all);
    const who = auditActorOf(actor);
    for (const p of planned) {
      const owner = ownerOf(actor, p.category);
      const origin = owner === actor.tenantId && actor.tenantLevel === 1 ? 'standard' : 'local';
      const { row, proposed } = await insertItem(trx, deps, actor, { owner, origin, snapshot: p.snapshot, submit: true, notify: false });
      await recordAudit(trx, deps.clock, who, { action: 'catalog.item.import', targetType: 'catalog_item', targetId: row.id, after: { ...p.snapshot, line: p.line }, tenantId: owner });
      await recordAudit(trx, deps.clock, who, { ...proposed.audit, action: 'catalog.change.save' });
      progress.tick();
      progress.created();
    }
    const events = await notifyReviewersOfBatch(
      trx,
      deps,
      actor,
      actor.tenantId,
      `待审核：批量导入 ${planned.length} 个事项`,
      `${actor.displayName}通过 Excel 导入了 ${planned.length} 个新事项（${planned.slice(0, 3).map((p) => p.snapshot.name).join('、')}${planned.length > 3 ? '等' : ''}），请在“事项审核”中审核。`,
    );
    for (const e of events) await enqueueEvent(trx, deps.clock, e.topic, e.payload);
  });
}

async function planImport(trx: Db, actor: Actor, rows: { line: number; value: ItemSheetRow }[]): Promise<{ planned: PlannedItem[]; errors: RowError[] }> {
  const codes = [...new Set(rows.map((r) => r.value.code).filter(Boolean))];
  const categoryCodes = [...new Set(rows.map((r) => r.value.categoryCode).filter(Boolean))];
  const [dicts, existing, categories] = await Promise.all([
    loadItemDicts(trx),
    codes.length ? trx.selectFrom('catalog_item').select('code').where('code', 'in', codes).execute() : [],
    categoryCodes.length
      ? trx
          .selectFrom('catalog_category')
          .selectAll()
          .where('code', 'in', categoryCodes)
          .where((eb) => catalogVisible(eb, 'catalog_category.tenant_id', actor))
          .execute()
      : [],
  ]);
  const withChildren = new Set(
    categories.length
      ? (await trx.selectFrom('catalog_category').select('parent_id').where('parent_id', 'in', categories.map((c) => c.id)).where('status', '!=', 'void').execute()).map((r) => r.parent_id!)
      : [],
  );
  const taken = new Set(existing.map((e) => e.code));
  const byCode = new Map(categories.filter((c) => !(['draft', 'pending', 'rejected'].includes(c.status) && isInherited(actor, c.tenant_id))).map((c) => [c.code, c]));
  const firstLine = new Map<string, number>();
  const planned: PlannedItem[] = [];
  const errors: RowError[] = [];
  for (const { line, value: v } of rows) {
    const err = (column: string, reason: string) => errors.push({ line, column, reason });
    const before = errors.length;
    if (v.code) {
      const seen = firstLine.get(v.code);
      if (seen !== undefined) err('事项编码', `与第 ${seen} 行的事项编码重复`);
      else firstLine.set(v.code, line);
      if (taken.has(v.code)) err('事项编码', `事项编码 ${v.code} 已存在`);
    }
    const category = v.categoryCode ? byCode.get(v.categoryCode) : undefined;
    if (v.categoryCode && !category) err('所属目录编码', `未知的目录编码：${v.categoryCode}`);
    else if (category && category.status !== 'published') err('所属目录编码', `目录 ${category.code} 未发布或已下架`);
    else if (category && withChildren.has(category.id)) err('所属目录编码', `目录 ${category.code}「${category.name}」不是末级目录，事项只能挂在末级目录下`);
    const industry = v.industry ? lookup(dicts.industry, v.industry) : 'other';
    if (!industry) err('行业领域', `未知的行业领域：${v.industry ?? ''}`);
    const demandTypes = (v.demandTypes ?? []).map((d) => lookup(dicts.demandType, d) ?? (err('诉求类型', `未知的诉求类型：${d}`), d));
    const urgencyTiers = (v.urgencyTiers ?? []).map((u) => lookup(dicts.urgency, u) ?? (err('紧急程度', `未知的紧急程度：${u}`), u));
    if (v.effectiveFrom && v.effectiveTo && v.effectiveFrom > v.effectiveTo) err('失效日期', '失效日期不能早于生效日期');
    if (errors.length > before || !category || !v.code || !v.name) continue;
    planned.push({
      line,
      category,
      snapshot: normalizeSnapshot({
        ...EMPTY_FIELDS,
        code: v.code,
        categoryId: category.id,
        name: v.name,
        description: v.description ?? '',
        keywords: v.keywords ?? [],
        synonyms: v.synonyms ?? [],
        industry: industry ?? 'other',
        demandTypes,
        levels: v.levels ?? [],
        urgencyTiers,
        department: v.department ?? '',
        handlingStandard: v.handlingStandard ?? '',
        legalBasis: v.legalBasis ?? '',
        effectiveFrom: v.effectiveFrom ?? null,
        effectiveTo: v.effectiveTo ?? null,
      }),
    });
  }
  return { planned, errors };
}
