import { randomUUID } from 'node:crypto';
import { sql, type Expression, type ExpressionBuilder, type Selectable, type SqlBool } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { CatalogCategoryTable, CatalogStatus, Database } from '../../platform/db/schema.js';
import type { AuditEntry } from '../../platform/audit/audit.js';
import { conflict, forbidden, invalid, notFound } from '../../platform/errors.js';
import { tenantVisible } from '../../platform/scope.js';
import { commit, pageOf } from '../../platform/usecase.js';
import { CATEGORY_FIELDS, diffRecords } from './catalog-diff.js';
import { entityStatusFor, findOpenChange, proposeChange, registerChangeHandler, type Change, type ChangeHandler, type Proposed } from './change.service.js';
import { containsPattern } from '../../platform/sql.js';

/**
 * 诉求事项目录: the category tree items hang on. Level 1 nodes sit under the virtual system root
 * (level 0); code, parent, level and path never change after creation. Every change to a
 * published node is a reviewed change (change.service); a new node is a draft until approved.
 */
export type Category = Selectable<CatalogCategoryTable>;

// ---------------------------------------------------------------- tenancy

/** Tenants above the caller's own: their catalogue content is inherited, read-only. */
export function ancestorTenants(actor: Actor): string[] {
  return actor.tenantPath.split('/').filter((id) => id && id !== actor.tenantId);
}

/** True when the record belongs to a tenant above the caller (visible, but not the caller's to edit). */
export function isInherited(actor: Actor, ownerTenantId: string): boolean {
  return ancestorTenants(actor).includes(ownerTenantId);
}

type AnyEb = ExpressionBuilder<Database, keyof Database>;

/**
 * Catalogue rows a caller may read: everything in their own data scope, plus what tenants above
 * them published for everyone below (restricted by `inheritable` where only some rows flow down).
 */
export function catalogVisible(eb: AnyEb, tenantColumn: string, actor: Actor, inheritable?: Expression<SqlBool>): Expression<SqlBool> {
  const ancestors = ancestorTenants(actor);
  const own = tenantVisible(eb, tenantColumn, actor);
  if (ancestors.length === 0) return own;
  const fromAbove = eb(sql.ref(tenantColumn), 'in', ancestors);
  return eb.or([own, inheritable ? eb.and([fromAbove, inheritable]) : fromAbove]);
}

const DRAFT_LIKE: CatalogStatus[] = ['draft', 'pending', 'rejected'];

export async function loadVisibleCategory(db: Db, actor: Actor, id: string): Promise<Category> {
  const c = await db
    .selectFrom('catalog_category')
    .selectAll()
    .where('id', '=', id)
    .where((eb) => catalogVisible(eb, 'catalog_category.tenant_id', actor))
    .executeTakeFirst();
  // Another user's unpublished draft is not part of the catalogue yet.
  if (!c || (DRAFT_LIKE.includes(c.status) && isInherited(actor, c.tenant_id))) throw notFound('事项目录');
  return c;
}

async function loadOwnedCategory(db: Db, actor: Actor, id: string): Promise<Category> {
  const c = await loadVisibleCategory(db, actor, id);
  if (isInherited(actor, c.tenant_id)) throw forbidden('该目录由上级统一制定，本级不能修改');
  return c;
}

// ---------------------------------------------------------------- reading

export interface CategoryNode {
  id: string;
  tenantId: string;
  parentId: string | null;
  code: string;
  name: string;
  level: number;
  /** Names from the top level down to this node: 城乡建设 / 供暖 / 供暖不热. */
  pathNames: string[];
  sort: number;
  status: CatalogStatus;
  description: string;
  leaf: boolean;
  /** Published items directly on this node. */
  itemCount: number;
  inherited: boolean;
  createdAt: Date;
  children: CategoryNode[];
}

/** Published and offline nodes, plus the caller's own unpublished drafts. */
export async function categoryTree(deps: Deps, actor: Actor, q: { includeOffline?: boolean } = {}): Promise<CategoryNode[]> {
  const statuses: CatalogStatus[] = q.includeOffline === false ? ['published'] : ['published', 'offline'];
  const rows = await deps.db
    .selectFrom('catalog_category')
    .selectAll()
    .where((eb) => catalogVisible(eb, 'catalog_category.tenant_id', actor))
    .where((eb) => eb.or([eb('status', 'in', statuses), eb.and([eb('created_by', '=', actor.userId), eb('status', 'in', DRAFT_LIKE)])]))
    .orderBy('level')
    .orderBy('sort')
    .orderBy('code')
    .execute();
  const ids = rows.map((r) => r.id);
  const [counts, parents] = await Promise.all([
    ids.length
      ? deps.db
          .selectFrom('catalog_item')
          .select(['category_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where('status', '=', 'published')
          .where('category_id', 'in', ids)
          .groupBy('category_id')
          .execute()
      : [],
    parentIdsWithChildren(deps.db),
  ]);
  const itemCount = new Map(counts.map((c) => [c.category_id, Number(c.n)]));
  const nodes = new Map<string, CategoryNode>(rows.map((r) => [r.id, nodeOf(r, actor, itemCount.get(r.id) ?? 0, !parents.has(r.id))]));
  const roots: CategoryNode[] = [];
  for (const n of nodes.values()) {
    const parent = n.parentId ? nodes.get(n.parentId) : undefined;
    if (parent) {
      n.pathNames = [...parent.pathNames, n.name];
      parent.children.push(n);
    } else if (!n.parentId) roots.push(n);
  }
  return roots;
}

async function parentIdsWithChildren(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('catalog_category').select('parent_id').distinct().where('parent_id', 'is not', null).where('status', '!=', 'void').execute();
  return new Set(rows.map((r) => r.parent_id!));
}

function nodeOf(r: Category, actor: Actor, itemCount: number, leaf: boolean): CategoryNode {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    parentId: r.parent_id,
    code: r.code,
    name: r.name,
    level: r.level,
    pathNames: [r.name],
    sort: r.sort,
    status: r.status,
    description: r.description,
    leaf,
    itemCount,
    inherited: isInherited(actor, r.tenant_id),
    createdAt: r.created_at,
    children: [],
  };
}

export interface CategoryView extends Omit<CategoryNode, 'children'> {
  createdByName: string | null;
  createdOrgName: string | null;
  updatedAt: Date;
  openChange: { id: string; status: string; action: string } | null;
}

export async function pathNamesOf(db: Db, c: Pick<Category, 'path'>): Promise<string[]> {
  const ids = c.path.split('/').filter(Boolean);
  const rows = await db.selectFrom('catalog_category').select(['id', 'name']).where('id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r.name]));
  return ids.map((id) => byId.get(id) ?? '');
}

export async function isLeaf(db: Db, id: string): Promise<boolean> {
  const child = await db.selectFrom('catalog_category').select('id').where('parent_id', '=', id).where('status', '!=', 'void').executeTakeFirst();
  return !child;
}

async function viewOf(db: Db, actor: Actor, c: Category): Promise<CategoryView> {
  const [pathNames, leaf, count, creator, open] = await Promise.all([
    pathNamesOf(db, c),
    isLeaf(db, c.id),
    db.selectFrom('catalog_item').select((eb) => eb.fn.countAll<number>().as('n')).where('category_id', '=', c.id).where('status', '=', 'published').executeTakeFirstOrThrow(),
    c.created_by
      ? db.selectFrom('app_user').leftJoin('org', 'org.id', 'app_user.org_id').select(['app_user.display_name', 'org.name as org_name']).where('app_user.id', '=', c.created_by).executeTakeFirst()
      : undefined,
    findOpenChange(db, 'category', c.id),
  ]);
  const { children: _children, ...node } = nodeOf(c, actor, Number(count.n), leaf);
  return {
    ...node,
    pathNames,
    createdByName: creator?.display_name ?? null,
    createdOrgName: creator?.org_name ?? null,
    updatedAt: c.updated_at,
    openChange: open ? { id: open.id, status: open.status, action: open.action } : null,
  };
}

export async function getCategory(deps: Deps, actor: Actor, id: string): Promise<CategoryView> {
  return viewOf(deps.db, actor, await loadVisibleCategory(deps.db, actor, id));
}

export interface CategoryQuery {
  name?: string;
  code?: string;
  level?: number;
  status?: CatalogStatus;
  createdOrgId?: string;
  createdFrom?: string;
  createdTo?: string;
  page?: number;
  pageSize?: number;
  sort?: 'code' | 'level' | 'createdAt';
  order?: 'asc' | 'desc';
}

const CATEGORY_SORT = { code: 'catalog_category.code', level: 'catalog_category.level', createdAt: 'catalog_category.created_at' } as const;

/** 目录查询: the flat, filterable list next to the tree. */
export async function listCategories(deps: Deps, actor: Actor, q: CategoryQuery) {
  const { page, pageSize } = pageOf(q);
  let query = deps.db
    .selectFrom('catalog_category')
    .where((eb) => catalogVisible(eb, 'catalog_category.tenant_id', actor))
    .where((eb) =>
      eb.or([eb('catalog_category.status', 'in', ['published', 'offline', 'void']), eb('catalog_category.created_by', '=', actor.userId)]),
    )
    .leftJoin('app_user', 'app_user.id', 'catalog_category.created_by')
    .leftJoin('org', 'org.id', 'app_user.org_id');
  if (q.name) query = query.where('catalog_category.name', 'ilike', containsPattern(q.name));
  if (q.code) query = query.where('catalog_category.code', 'ilike', containsPattern(q.code));
  if (q.level !== undefined) query = query.where('catalog_category.level', '=', q.level);
  if (q.status) query = query.where('catalog_category.status', '=', q.status);
  if (q.createdOrgId) query = query.where('app_user.org_id', '=', q.createdOrgId);
  if (q.createdFrom) query = query.where('catalog_category.created_at', '>=', new Date(q.createdFrom));
  if (q.createdTo) query = query.where('catalog_category.created_at', '<=', new Date(q.createdTo));
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll('catalog_category')
    .select(['app_user.display_name as created_by_name', 'org.name as created_org_name'])
    .orderBy(sql.ref(CATEGORY_SORT[q.sort ?? 'code']), q.order ?? 'asc')
    .orderBy('catalog_category.id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  const items = await Promise.all(
    rows.map(async (r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      parentId: r.parent_id,
      code: r.code,
      name: r.name,
      level: r.level,
      pathNames: await pathNamesOf(deps.db, r),
      sort: r.sort,
      status: r.status,
      description: r.description,
      inherited: isInherited(actor, r.tenant_id),
      createdByName: r.created_by_name,
      createdOrgName: r.created_org_name,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    })),
  );
  return { items, total: Number(total) };
}

// ---------------------------------------------------------------- writing

export interface CategoryFields {
  name: string;
  description?: string;
  sort?: number;
}

export interface CreateCategoryInput extends CategoryFields {
  parentId?: string;
  code: string;
  submit?: boolean;
}

const MAX_LEVEL = 8;

/** A new node starts as a draft (暂存) or goes straight to review (提交审核). */
export async function createCategory(deps: Deps, actor: Actor, input: CreateCategoryInput): Promise<CategoryView> {
  const parent = input.parentId ? await loadVisibleCategory(deps.db, actor, input.parentId) : null;
  if (parent) await assertCanHaveChildren(deps.db, actor, parent);
  const id = await commit(deps, actor, async (trx) => {
    const clash = await trx.selectFrom('catalog_category').select('id').where('code', '=', input.code).executeTakeFirst();
    if (clash) throw conflict(`目录编码 ${input.code} 已存在`);
    const row = await insertCategory(trx, deps, actor, parent, input);
    const proposed = await proposeChange(trx, deps, actor, {
      tenantId: row.tenant_id,
      entityType: 'category',
      entityId: row.id,
      action: 'create',
      baseVersion: 0,
      payload: { code: row.code, parentId: row.parent_id, name: row.name, description: row.description, sort: row.sort },
      submit: input.submit ?? false,
    });
    return { result: row.id, audit: [{ action: 'catalog.category.create', targetType: 'catalog_category', targetId: row.id, after: row, tenantId: row.tenant_id }, proposed.audit], events: proposed.events };
  });
  return getCategory(deps, actor, id);
}

async function assertCanHaveChildren(db: Db, actor: Actor, parent: Category): Promise<void> {
  if (isInherited(actor, parent.tenant_id)) throw forbidden('不能在上级统一制定的目录下新建子目录');
  if (parent.status === 'offline' || parent.status === 'void') throw invalid('上级目录已下架，不能新建子目录');
  if (parent.level >= MAX_LEVEL) throw invalid(`目录最多 ${MAX_LEVEL} 级`);
  const item = await db.selectFrom('catalog_item').select('code').where('category_id', '=', parent.id).where('status', '!=', 'void').executeTakeFirst();
  // Items hang on leaf nodes only; a node with items would stop being a leaf.
  if (item) throw conflict(`上级目录下已有事项（如 ${item.code}），不能再建下级目录；事项只能挂在末级目录`);
}

async function insertCategory(trx: Db, deps: Deps, actor: Actor, parent: Category | null, input: CreateCategoryInput): Promise<Category> {
  const id = randomUUID();
  const now = deps.clock.now();
  const row: Category = {
    id,
    // A node belongs to the tenant of the tree it joins; top-level nodes to the caller's tenant.
    tenant_id: parent?.tenant_id ?? actor.tenantId,
    parent_id: parent?.id ?? null,
    code: input.code,
    name: input.name.trim(),
    level: parent ? parent.level + 1 : 1,
    path: `${parent?.path ?? '/'}${id}/`,
    sort: input.sort ?? 0,
    status: input.submit ? 'pending' : 'draft',
    description: input.description?.trim() ?? '',
    created_by: actor.userId,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('catalog_category').values(row).execute();
  return row;
}

const neverPublished = (c: Category) => DRAFT_LIKE.includes(c.status);

/** Name, description and sort only: code, parent, level and path are fixed at creation. */
export async function updateCategory(deps: Deps, actor: Actor, id: string, patch: Partial<CategoryFields> & { submit?: boolean }): Promise<CategoryView> {
  const before = await loadOwnedCategory(deps.db, actor, id);
  if (before.status === 'void') throw invalid('已作废的目录不能修改');
  const fields = { name: patch.name?.trim() ?? before.name, description: patch.description?.trim() ?? before.description, sort: patch.sort ?? before.sort };
  await commit(deps, actor, async (trx) => {
    const fresh = neverPublished(before);
    // A draft is edited in place; a published node keeps serving its current content until approval.
    if (fresh) await trx.updateTable('catalog_category').set({ ...fields, updated_at: deps.clock.now() }).where('id', '=', id).execute();
    else if (fields.name === before.name && fields.description === before.description && fields.sort === before.sort && before.status === 'published') {
      throw invalid('没有任何修改');
    }
    const proposed = await proposeChange(trx, deps, actor, {
      tenantId: before.tenant_id,
      entityType: 'category',
      entityId: id,
      action: fresh ? 'create' : 'update',
      baseVersion: 0,
      payload: fresh ? { code: before.code, parentId: before.parent_id, ...fields } : fields,
      submit: patch.submit ?? false,
    });
    return outcomeOf(proposed, { action: 'catalog.category.update', targetType: 'catalog_category', targetId: id, before, after: { ...before, ...fields }, tenantId: before.tenant_id });
  });
  return getCategory(deps, actor, id);
}

function outcomeOf(proposed: Proposed, entry: AuditEntry) {
  return { result: null, audit: [entry, proposed.audit], events: proposed.events };
}

/** 下架: a reviewed change; the node must not carry published items or children any more. */
export async function offlineCategory(deps: Deps, actor: Actor, id: string, input: { reason?: string; submit?: boolean }): Promise<CategoryView> {
  const before = await loadOwnedCategory(deps.db, actor, id);
  if (before.status !== 'published') throw invalid('只有已发布的目录可以下架');
  await assertNothingPublishedBelow(deps.db, before);
  await commit(deps, actor, async (trx) => {
    const proposed = await proposeChange(trx, deps, actor, {
      tenantId: before.tenant_id,
      entityType: 'category',
      entityId: id,
      action: 'offline',
      baseVersion: 0,
      payload: { reason: input.reason?.trim() ?? '' },
      submit: input.submit ?? false,
    });
    return { result: null, audit: proposed.audit, events: proposed.events };
  });
  return getCategory(deps, actor, id);
}

async function assertNothingPublishedBelow(db: Db, c: Category): Promise<void> {
  const child = await db.selectFrom('catalog_category').select('name').where('parent_id', '=', c.id).where('status', '=', 'published').executeTakeFirst();
  if (child) throw conflict(`该目录下还有已发布的子目录「${child.name}」，请先下架子目录`);
  const item = await db.selectFrom('catalog_item').select(['code', 'name']).where('category_id', '=', c.id).where('status', '=', 'published').executeTakeFirst();
  if (item) throw conflict(`该目录下还有已发布的事项「${item.code} ${item.name}」，请先下架事项`);
}

/** Only a never-published draft with nothing below it can be deleted; published nodes go offline. */
export async function deleteCategory(deps: Deps, actor: Actor, id: string): Promise<void> {
  const c = await loadOwnedCategory(deps.db, actor, id);
  if (!(c.status === 'draft' || c.status === 'rejected')) {
    throw conflict(c.status === 'pending' ? '目录正在审核中，请先撤销审核再删除' : '只能删除未发布的草稿目录；已发布的目录请使用下架');
  }
  await commit(deps, actor, async (trx) => {
    await assertEmpty(trx, id);
    await trx.deleteFrom('catalog_change').where('entity_type', '=', 'category').where('entity_id', '=', id).execute();
    await trx.deleteFrom('catalog_category').where('id', '=', id).execute();
    return { result: null, audit: { action: 'catalog.category.delete', targetType: 'catalog_category', targetId: id, before: c, tenantId: c.tenant_id } };
  });
}

async function assertEmpty(trx: Db, id: string): Promise<void> {
  const child = await trx.selectFrom('catalog_category').select('name').where('parent_id', '=', id).executeTakeFirst();
  if (child) throw conflict(`该目录下还有子目录「${child.name}」，不能删除`);
  const item = await trx.selectFrom('catalog_item').select(['code', 'name']).where('category_id', '=', id).executeTakeFirst();
  if (item) throw conflict(`该目录下还有事项「${item.code} ${item.name}」，不能删除`);
}

// ---------------------------------------------------------------- for items

/** Items hang on a published leaf node the caller can see. */
export async function loadLeafForItem(db: Db, actor: Actor, categoryId: string): Promise<Category> {
  const c = await loadVisibleCategory(db, actor, categoryId);
  if (c.status !== 'published') throw invalid(`所属目录「${c.name}」尚未发布或已下架，不能在其下新增事项`);
  if (!(await isLeaf(db, c.id))) throw invalid(`所属目录「${c.name}」不是末级目录，事项只能挂在末级目录下`);
  return c;
}

// ---------------------------------------------------------------- change handler

function publishedState(c: Category): Record<string, unknown> | null {
  if (neverPublished(c)) return null;
  return { code: c.code, name: c.name, description: c.description, sort: c.sort, status: c.status };
}

function proposedState(c: Category, change: Change): Record<string, unknown> {
  const p = change.payload;
  const current = publishedState(c) ?? { code: c.code, status: 'published' };
  switch (change.action) {
    case 'offline':
      return { ...current, status: 'offline' };
    case 'void':
      return { ...current, status: 'void' };
    default:
      return { ...current, name: p.name, description: p.description, sort: p.sort, status: 'published' };
  }
}

const categoryHandler: ChangeHandler = {
  entityType: 'category',
  noun: '目录',
  async title(db, change) {
    const c = await db.selectFrom('catalog_category').select(['code', 'name']).where('id', '=', change.entity_id).executeTakeFirst();
    return c ? `${c.code} ${c.name}` : String(change.payload.name ?? change.entity_id);
  },
  async diff(db, change) {
    const c = await db.selectFrom('catalog_category').selectAll().where('id', '=', change.entity_id).executeTakeFirst();
    if (!c) return [];
    const before = publishedState(c);
    return diffRecords(before, proposedState(c, change), before ? CATEGORY_FIELDS : CATEGORY_FIELDS.filter((f) => f.key !== 'status'));
  },
  async apply(trx, deps, change) {
    const before = await trx.selectFrom('catalog_category').selectAll().where('id', '=', change.entity_id).forUpdate().executeTakeFirstOrThrow();
    if (change.action === 'offline') await assertNothingPublishedBelow(trx, before);
    const next = proposedState(before, change);
    const set = {
      name: String(next.name ?? before.name),
      description: String(next.description ?? before.description),
      sort: Number(next.sort ?? before.sort),
      status: next.status as CatalogStatus,
      updated_at: deps.clock.now(),
    };
    await trx.updateTable('catalog_category').set(set).where('id', '=', before.id).execute();
    return {
      audit: [{ action: `catalog.category.${change.action === 'create' || change.action === 'update' ? 'publish' : change.action}`, targetType: 'catalog_category', targetId: before.id, before, after: { ...before, ...set }, tenantId: before.tenant_id }],
      events: [],
    };
  },
  async statusChanged(trx, deps, change, to) {
    if (change.action !== 'create' || to === 'approved') return;
    await trx.updateTable('catalog_category').set({ status: entityStatusFor(to), updated_at: deps.clock.now() }).where('id', '=', change.entity_id).where('status', 'in', DRAFT_LIKE).execute();
  },
  async discard(trx, change) {
    const c = await trx.selectFrom('catalog_category').select('status').where('id', '=', change.entity_id).executeTakeFirst();
    if (!c || !DRAFT_LIKE.includes(c.status)) return;
    await assertEmpty(trx, change.entity_id);
    await trx.deleteFrom('catalog_change').where('entity_type', '=', 'category').where('entity_id', '=', change.entity_id).execute();
    await trx.deleteFrom('catalog_category').where('id', '=', change.entity_id).execute();
  },
};

registerChangeHandler(categoryHandler);
