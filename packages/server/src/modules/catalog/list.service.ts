import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { CatalogItemTable, CatalogListEntryTable, CatalogStatus } from '../../platform/db/schema.js';
import { conflict, forbidden, invalid, notFound } from '../../platform/errors.js';
import { tenantVisible } from '../../platform/scope.js';
import { commit, pageOf } from '../../platform/usecase.js';
import type { AuditEntry } from '../../platform/audit/audit.js';
import { loadVisibleTenant, type Tenant } from '../identity/tenant.service.js';
import { containsPattern } from '../../platform/sql.js';

/**
 * The three lists (三类清单): for an item in a region, who handles it (职责清单), who holds the power
 * (权力清单) and what the hotline does not take (负面清单). A region maintains its own entries and
 * upper levels read their subtree; dispatch asks recommendUnits for the lead and assisting units.
 *
 * Review is a small state machine over catalog_list_entry.status (draft → pending → published /
 * rejected). A published entry is changed through a revision: a new row that replaces it when
 * approved, so dispatch keeps the old units until then and every version stays readable.
 * The catalogue's items and categories go through catalog_change instead; list entries keep this
 * machine (same rules: no self-review, opinion required) until they are moved onto it.
 */
export type ListType = CatalogListEntryTable['list_type'];
export type ListRole = CatalogListEntryTable['role'];
export type ListEntry = Selectable<CatalogListEntryTable>;
type Item = Selectable<CatalogItemTable>;

export const LIST_TYPES: readonly ListType[] = ['responsibility', 'power', 'negative'];
export const LIST_TYPE_NAMES: Record<ListType, string> = { responsibility: '职责清单', power: '权力清单', negative: '负面清单' };
export const ROLE_NAMES: Record<ListRole, string> = { lead: '主办', assist: '协办' };
export const STATUS_NAMES: Record<CatalogStatus, string> = { draft: '待提交', pending: '待审核', published: '已发布', rejected: '审核未通过', offline: '已下架', void: '已作废' };

// ---------------------------------------------------------------- pure rules

export type ReviewAction = 'edit' | 'delete' | 'submit' | 'approve' | 'reject' | 'withdraw' | 'offline' | 'revise';
const ACTION_NAMES: Record<ReviewAction, string> = { edit: '修改', delete: '删除', submit: '提交审核', approve: '审核通过', reject: '退回', withdraw: '撤销', offline: '下架', revise: '发起修订' };

/** Allowed moves: from-status → resulting status, per action. */
const TRANSITIONS: Record<ReviewAction, Partial<Record<CatalogStatus, CatalogStatus>>> = {
  edit: { draft: 'draft', rejected: 'draft' },
  delete: { draft: 'void' },
  submit: { draft: 'pending', rejected: 'pending' },
  approve: { pending: 'published' },
  reject: { pending: 'rejected' },
  withdraw: { rejected: 'void' },
  offline: { published: 'offline' },
  revise: { published: 'published' },
};

/** The status an action leads to, or a Chinese refusal naming the current status. */
export function nextStatus(from: CatalogStatus, action: ReviewAction): CatalogStatus {
  const to = TRANSITIONS[action][from];
  if (!to) throw conflict(`当前状态为“${STATUS_NAMES[from]}”，不能${ACTION_NAMES[action]}`);
  return to;
}

/** Tenant ids on a materialised path, root first: '/a/b/c/' → [a, b, c]. */
export const pathIds = (path: string): string[] => path.split('/').filter(Boolean);

/** The deepest tenant on the chain (root first) that has entries of its own: closest wins. */
export function closestSource(chain: readonly string[], hasEntries: ReadonlySet<string>): string | null {
  for (let i = chain.length - 1; i >= 0; i--) {
    const id = chain[i]!;
    if (hasEntries.has(id)) return id;
  }
  return null;
}

/** Two entries name the same unit when they point at the same org, or at no org and the same name. */
export function sameUnit(a: Pick<ListEntry, 'org_id' | 'unit_name'>, b: Pick<ListEntry, 'org_id' | 'unit_name'>): boolean {
  if (a.org_id || b.org_id) return a.org_id === b.org_id;
  return a.unit_name.trim() === b.unit_name.trim();
}

type ConflictFields = Pick<ListEntry, 'id' | 'list_type' | 'role' | 'org_id' | 'unit_name' | 'replaces_id'>;

/** 权责边界: one unit appears once per item and region, and a 职责清单 item has a single lead. */
export function findConflict(entry: ConflictFields, others: readonly ConflictFields[]): string | null {
  const rivals = others.filter((o) => o.id !== entry.id && o.id !== entry.replaces_id && o.replaces_id !== entry.id);
  const twin = rivals.find((o) => sameUnit(o, entry));
  if (twin) return `“${entry.unit_name}”已在该事项本区域的${LIST_TYPE_NAMES[entry.list_type]}中，不能重复列入`;
  if (entry.list_type === 'responsibility' && entry.role === 'lead') {
    const lead = rivals.find((o) => o.role === 'lead');
    if (lead) return `该事项在本区域已有主办单位“${lead.unit_name}”，同一区域只能有一个主办单位`;
  }
  return null;
}

// ---------------------------------------------------------------- views

export interface ListEntryView {
  id: string;
  listType: ListType;
  itemId: string;
  itemCode: string;
  itemName: string;
  tenantId: string;
  tenantCode: string;
  tenantName: string;
  orgId: string | null;
  orgCode: string | null;
  unitName: string;
  role: ListRole;
  duty: string;
  legalBasis: string;
  status: CatalogStatus;
  version: number;
  replacesId: string | null;
  createdBy: string | null;
  createdByName: string | null;
  reviewedBy: string | null;
  reviewedByName: string | null;
  reviewedAt: Date | null;
  reviewOpinion: string;
  createdAt: Date;
  updatedAt: Date;
  /** The caller's region maintains this entry. */
  editable: boolean;
}

async function namesOf(db: Db, table: 'catalog_item' | 'tenant' | 'org', ids: string[]) {
  if (ids.length === 0) return new Map<string, { code: string; name: string }>();
  const rows = await db.selectFrom(table).select(['id', 'code', 'name']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, { code: r.code, name: r.name }]));
}

async function userNames(db: Db, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

export async function toEntryViews(db: Db, actor: Pick<Actor, 'tenantId'> | null, rows: ListEntry[]): Promise<ListEntryView[]> {
  const [items, tenants, orgs, users] = await Promise.all([
    namesOf(db, 'catalog_item', rows.map((r) => r.item_id)),
    namesOf(db, 'tenant', rows.map((r) => r.tenant_id)),
    namesOf(db, 'org', rows.flatMap((r) => (r.org_id ? [r.org_id] : []))),
    userNames(db, rows.flatMap((r) => [r.created_by, r.reviewed_by])),
  ]);
  return rows.map((r) => ({
    id: r.id,
    listType: r.list_type,
    itemId: r.item_id,
    itemCode: items.get(r.item_id)?.code ?? '',
    itemName: items.get(r.item_id)?.name ?? '',
    tenantId: r.tenant_id,
    tenantCode: tenants.get(r.tenant_id)?.code ?? '',
    tenantName: tenants.get(r.tenant_id)?.name ?? '',
    orgId: r.org_id,
    orgCode: r.org_id ? (orgs.get(r.org_id)?.code ?? null) : null,
    unitName: r.unit_name,
    role: r.role,
    duty: r.duty,
    legalBasis: r.legal_basis,
    status: r.status,
    version: r.version,
    replacesId: r.replaces_id,
    createdBy: r.created_by,
    createdByName: r.created_by ? (users.get(r.created_by) ?? null) : null,
    reviewedBy: r.reviewed_by,
    reviewedByName: r.reviewed_by ? (users.get(r.reviewed_by) ?? null) : null,
    reviewedAt: r.reviewed_at,
    reviewOpinion: r.review_opinion,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    editable: actor?.tenantId === r.tenant_id,
  }));
}

const toView = async (db: Db, actor: Actor, row: ListEntry): Promise<ListEntryView> => (await toEntryViews(db, actor, [row]))[0]!;

// ---------------------------------------------------------------- loading and scope

export async function loadVisibleEntry(db: Db, actor: Actor, id: string): Promise<ListEntry> {
  const row = await db
    .selectFrom('catalog_list_entry')
    .selectAll()
    .where('id', '=', id)
    .where((eb) => tenantVisible(eb, 'catalog_list_entry.tenant_id', actor))
    .executeTakeFirst();
  if (!row) throw notFound('清单条目');
  return row;
}

const maintainerOnly = () => forbidden('清单由所属区域维护，上级区域只能查看');

async function loadWritableEntry(db: Db, actor: Actor, id: string): Promise<ListEntry> {
  const row = await loadVisibleEntry(db, actor, id);
  if (row.tenant_id !== actor.tenantId) throw maintainerOnly();
  return row;
}

/**
 * An item the caller may read: standard items issued from above (ancestor tenants) and the local
 * items of the tenants in the caller's scope.
 */
export async function loadReadableItem(db: Db, actor: Actor, id: string): Promise<Item> {
  const item = await db
    .selectFrom('catalog_item')
    .selectAll()
    .where('id', '=', id)
    .where('status', '!=', 'void')
    .where((eb) => eb.or([eb('catalog_item.tenant_id', 'in', pathIds(actor.tenantPath)), tenantVisible(eb, 'catalog_item.tenant_id', actor)]))
    .executeTakeFirst();
  if (!item) throw notFound('诉求事项');
  return item;
}

/** A list entry needs a published item that applies to the region (issued from above or its own). */
async function usableItem(db: Db, itemId: string, tenant: Pick<Tenant, 'path'>): Promise<Item> {
  const item = await db
    .selectFrom('catalog_item')
    .selectAll()
    .where('id', '=', itemId)
    .where('status', '=', 'published')
    .where('tenant_id', 'in', pathIds(tenant.path))
    .executeTakeFirst();
  if (!item) throw invalid('事项不存在、未发布或不适用于该区域');
  return item;
}

interface UnitChoice {
  orgId?: string | null;
  unitName?: string;
}

/** Units are orgs of the region; an external unit (no org) is named by hand. */
async function resolveUnit(db: Db, tenantId: string, choice: UnitChoice): Promise<{ org_id: string | null; unit_name: string }> {
  if (choice.orgId) {
    const org = await db.selectFrom('org').select(['id', 'name', 'tenant_id']).where('id', '=', choice.orgId).executeTakeFirst();
    if (!org || org.tenant_id !== tenantId) throw invalid('承办单位必须是该区域的机构');
    return { org_id: org.id, unit_name: choice.unitName?.trim() || org.name };
  }
  const name = choice.unitName?.trim();
  if (!name) throw invalid('请选择承办单位，或填写区域外单位的名称');
  return { org_id: null, unit_name: name };
}

/** Entries that compete with this one: same list, item and region, pending or published. */
async function assertNoConflict(db: Db, entry: ListEntry): Promise<void> {
  const others = await db
    .selectFrom('catalog_list_entry')
    .select(['id', 'list_type', 'role', 'org_id', 'unit_name', 'replaces_id'])
    .where('list_type', '=', entry.list_type)
    .where('item_id', '=', entry.item_id)
    .where('tenant_id', '=', entry.tenant_id)
    .where('status', 'in', ['pending', 'published'])
    .where('id', '!=', entry.id)
    .execute();
  const problem = findConflict(entry, others);
  if (problem) throw conflict(problem);
}

const auditOf = (action: string, entry: ListEntry, extra: Omit<AuditEntry, 'action' | 'targetType'> = {}): AuditEntry => ({
  action: `catalog.list.${action}`,
  targetType: 'catalog_list_entry',
  targetId: entry.id,
  tenantId: entry.tenant_id,
  ...extra,
  detail: { listType: entry.list_type, version: entry.version, ...extra.detail },
});

// ---------------------------------------------------------------- queries

export interface EntryQuery {
  listType?: ListType;
  itemId?: string;
  tenantId?: string;
  orgId?: string;
  role?: ListRole;
  status?: CatalogStatus;
  keyword?: string;
  page?: number;
  pageSize?: number;
}

function filteredEntries(db: Db, actor: Actor, q: EntryQuery) {
  let query = db.selectFrom('catalog_list_entry').where((eb) => tenantVisible(eb, 'catalog_list_entry.tenant_id', actor));
  if (q.listType) query = query.where('catalog_list_entry.list_type', '=', q.listType);
  if (q.itemId) query = query.where('catalog_list_entry.item_id', '=', q.itemId);
  if (q.tenantId) query = query.where('catalog_list_entry.tenant_id', '=', q.tenantId);
  if (q.orgId) query = query.where('catalog_list_entry.org_id', '=', q.orgId);
  if (q.role) query = query.where('catalog_list_entry.role', '=', q.role);
  if (q.status) query = query.where('catalog_list_entry.status', '=', q.status);
  if (q.keyword) {
    const like = containsPattern(q.keyword);
    query = query.where((eb) =>
      eb.or([
        eb('catalog_list_entry.unit_name', 'ilike', like),
        eb('catalog_list_entry.item_id', 'in', eb.selectFrom('catalog_item').select('id').where((i) => i.or([i('name', 'ilike', like), i('code', 'ilike', like)]))),
      ]),
    );
  }
  return query;
}

export async function listEntries(deps: Deps, actor: Actor, q: EntryQuery): Promise<{ items: ListEntryView[]; total: number }> {
  const { page, pageSize } = pageOf(q);
  const query = filteredEntries(deps.db, actor, q);
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll('catalog_list_entry')
    .orderBy('catalog_list_entry.updated_at', 'desc')
    .orderBy('catalog_list_entry.id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return { items: await toEntryViews(deps.db, actor, rows), total: Number(total) };
}

/** Rows for export: the same filters, without paging (capped). */
export async function entriesForExport(deps: Deps, actor: Actor, q: EntryQuery, limit: number): Promise<ListEntryView[]> {
  const rows = await filteredEntries(deps.db, actor, q).selectAll('catalog_list_entry').orderBy('catalog_list_entry.tenant_id').orderBy('catalog_list_entry.item_id').orderBy('catalog_list_entry.role', 'desc').limit(limit).execute();
  return toEntryViews(deps.db, actor, rows);
}

export async function getEntry(deps: Deps, actor: Actor, id: string): Promise<ListEntryView> {
  return toView(deps.db, actor, await loadVisibleEntry(deps.db, actor, id));
}

/** Every version of an entry (the chain of revisions), newest first: the timeline of 版本追溯. */
export async function entryHistory(deps: Deps, actor: Actor, id: string): Promise<ListEntryView[]> {
  let current = await loadVisibleEntry(deps.db, actor, id);
  while (current.replaces_id) {
    const older = await deps.db.selectFrom('catalog_list_entry').selectAll().where('id', '=', current.replaces_id).executeTakeFirst();
    if (!older) break;
    current = older;
  }
  // A version may have several revisions (a withdrawn one, then an approved one): walk them all.
  const chain: ListEntry[] = [current];
  for (let frontier = [current.id]; frontier.length > 0; ) {
    const next = await deps.db.selectFrom('catalog_list_entry').selectAll().where('replaces_id', 'in', frontier).execute();
    chain.push(...next);
    frontier = next.map((r) => r.id);
  }
  return toEntryViews(deps.db, actor, chain.sort((a, b) => b.version - a.version || b.created_at.getTime() - a.created_at.getTime()));
}

// ---------------------------------------------------------------- writes

export interface EntryFields {
  orgId?: string | null;
  unitName?: string;
  role?: ListRole;
  duty?: string;
  legalBasis?: string;
}

export interface CreateEntryInput extends EntryFields {
  listType: ListType;
  itemId: string;
  tenantId?: string;
  /** Submit for review at once instead of keeping a draft (暂存). */
  submit?: boolean;
}

export async function createEntry(deps: Deps, actor: Actor, input: CreateEntryInput): Promise<ListEntryView> {
  const tenant = await loadVisibleTenant(deps.db, actor, input.tenantId ?? actor.tenantId);
  if (tenant.id !== actor.tenantId) throw maintainerOnly();
  await usableItem(deps.db, input.itemId, tenant);
  const unit = await resolveUnit(deps.db, tenant.id, input);
  const now = deps.clock.now();
  const row: ListEntry = {
    id: randomUUID(),
    list_type: input.listType,
    item_id: input.itemId,
    tenant_id: tenant.id,
    ...unit,
    role: input.role ?? 'lead',
    duty: input.duty?.trim() ?? '',
    legal_basis: input.legalBasis?.trim() ?? '',
    status: input.submit ? 'pending' : 'draft',
    version: 1,
    replaces_id: null,
    reviewed_by: null,
    reviewed_at: null,
    review_opinion: '',
    created_by: actor.userId,
    created_at: now,
    updated_at: now,
  };
  return commit(deps, actor, async (trx) => {
    await assertNoConflict(trx, row);
    await trx.insertInto('catalog_list_entry').values(row).execute();
    return { result: await toView(trx, actor, row), audit: auditOf('create', row, { after: row, detail: { op: '新增' } }) };
  });
}

export async function updateEntry(deps: Deps, actor: Actor, id: string, patch: EntryFields): Promise<ListEntryView> {
  const before = await loadWritableEntry(deps.db, actor, id);
  if (before.status === 'published') throw conflict('已发布的条目请通过“修订”提交变更，审核通过后替换当前版本');
  const status = nextStatus(before.status, 'edit');
  const after = await patched(deps.db, before, patch, { status, updated_at: deps.clock.now() });
  return commit(deps, actor, async (trx) => {
    await assertNoConflict(trx, after);
    await trx.updateTable('catalog_list_entry').set(changedColumns(after)).where('id', '=', id).execute();
    return { result: await toView(trx, actor, after), audit: auditOf('update', after, { before, after, detail: { op: '修改' } }) };
  });
}

async function patched(db: Db, before: ListEntry, patch: EntryFields, extra: Partial<ListEntry>): Promise<ListEntry> {
  const unitChanged = patch.orgId !== undefined || patch.unitName !== undefined;
  const unit = unitChanged
    ? await resolveUnit(db, before.tenant_id, { orgId: patch.orgId === undefined ? before.org_id : patch.orgId, unitName: patch.unitName })
    : { org_id: before.org_id, unit_name: before.unit_name };
  return {
    ...before,
    ...unit,
    role: patch.role ?? before.role,
    duty: patch.duty?.trim() ?? before.duty,
    legal_basis: patch.legalBasis?.trim() ?? before.legal_basis,
    ...extra,
  };
}

const changedColumns = (e: ListEntry) => ({ org_id: e.org_id, unit_name: e.unit_name, role: e.role, duty: e.duty, legal_basis: e.legal_basis, status: e.status, updated_at: e.updated_at });

/** A change to a published entry: a new version that replaces the current one once approved. */
export async function reviseEntry(deps: Deps, actor: Actor, id: string, patch: EntryFields & { submit?: boolean }): Promise<ListEntryView> {
  const current = await loadWritableEntry(deps.db, actor, id);
  nextStatus(current.status, 'revise');
  const now = deps.clock.now();
  const revision = await patched(deps.db, current, patch, {
    id: randomUUID(),
    status: patch.submit ? 'pending' : 'draft',
    version: current.version + 1,
    replaces_id: current.id,
    reviewed_by: null,
    reviewed_at: null,
    review_opinion: '',
    created_by: actor.userId,
    created_at: now,
    updated_at: now,
  });
  return commit(deps, actor, async (trx) => {
    const open = await trx.selectFrom('catalog_list_entry').select('id').where('replaces_id', '=', id).where('status', 'in', ['draft', 'pending', 'rejected']).executeTakeFirst();
    if (open) throw conflict('该条目已有未完成的修订，请先处理该修订');
    await assertNoConflict(trx, revision);
    await trx.insertInto('catalog_list_entry').values(revision).execute();
    return { result: await toView(trx, actor, revision), audit: auditOf('revise', revision, { before: current, after: revision, detail: { op: '修改', replaces: id } }) };
  });
}

export async function deleteEntry(deps: Deps, actor: Actor, id: string): Promise<void> {
  const entry = await loadWritableEntry(deps.db, actor, id);
  nextStatus(entry.status, 'delete');
  await commit(deps, actor, async (trx) => {
    await trx.deleteFrom('catalog_list_entry').where('id', '=', id).execute();
    return { result: null, audit: auditOf('delete', entry, { before: entry, detail: { op: '删除' } }) };
  });
}

/** submit / withdraw / offline: moves by the maintaining region. */
export async function moveEntry(deps: Deps, actor: Actor, id: string, action: 'submit' | 'withdraw' | 'offline'): Promise<ListEntryView> {
  const before = await loadWritableEntry(deps.db, actor, id);
  const after: ListEntry = { ...before, status: nextStatus(before.status, action), updated_at: deps.clock.now() };
  return commit(deps, actor, async (trx) => {
    if (action === 'submit') await assertNoConflict(trx, after);
    await trx.updateTable('catalog_list_entry').set({ status: after.status, updated_at: after.updated_at }).where('id', '=', id).execute();
    return { result: await toView(trx, actor, after), audit: auditOf(action, after, { before: { status: before.status }, after: { status: after.status } }) };
  });
}

/** 审核: the reviewer is never the author; a rejection carries an opinion for the author. */
export async function reviewEntry(deps: Deps, actor: Actor, id: string, decision: 'approve' | 'reject', opinion = ''): Promise<ListEntryView> {
  const before = await loadVisibleEntry(deps.db, actor, id);
  const status = nextStatus(before.status, decision);
  if (before.created_by === actor.userId) throw forbidden('审核人不能审核自己编制的清单条目');
  if (decision === 'reject' && !opinion.trim()) throw invalid('退回时必须填写审核意见');
  const now = deps.clock.now();
  const after: ListEntry = { ...before, status, reviewed_by: actor.userId, reviewed_at: now, review_opinion: opinion.trim(), updated_at: now };
  return commit(deps, actor, async (trx) => {
    const audit: AuditEntry[] = [auditOf(decision, after, { before: { status: before.status }, after: { status }, detail: { opinion: after.review_opinion } })];
    if (decision === 'approve') {
      await assertNoConflict(trx, after);
      const replaced = await retireReplaced(trx, after, now);
      if (replaced) audit.push(auditOf('supersede', replaced, { before: { status: 'published' }, after: { status: 'offline' }, detail: { by: after.id } }));
    }
    await trx
      .updateTable('catalog_list_entry')
      .set({ status, reviewed_by: actor.userId, reviewed_at: now, review_opinion: after.review_opinion, updated_at: now })
      .where('id', '=', id)
      .execute();
    return { result: await toView(trx, actor, after), audit };
  });
}

/** An approved revision takes the place of the version it revises. */
async function retireReplaced(trx: Db, revision: ListEntry, now: Date): Promise<ListEntry | null> {
  if (!revision.replaces_id) return null;
  const old = await trx.selectFrom('catalog_list_entry').selectAll().where('id', '=', revision.replaces_id).where('status', '=', 'published').executeTakeFirst();
  if (!old) return null;
  await trx.updateTable('catalog_list_entry').set({ status: 'offline', updated_at: now }).where('id', '=', old.id).execute();
  return old;
}

// ---------------------------------------------------------------- dispatch recommendation

export interface RecommendedUnit {
  entryId: string;
  orgId: string | null;
  orgCode: string | null;
  unitName: string;
  role: ListRole;
  duty: string;
  legalBasis: string;
  version: number;
}

export interface UnitRecommendation {
  itemId: string;
  tenantId: string;
  /** The region whose published 职责清单 applies: the tenant itself or its closest ancestor. */
  source: { tenantId: string; tenantCode: string; tenantName: string } | null;
  inherited: boolean;
  lead: RecommendedUnit[];
  assist: RecommendedUnit[];
  /** The closest published 负面清单 entry: the hotline does not take this item in the region. */
  negative: { tenantId: string; unitName: string; duty: string; legalBasis: string } | null;
}

/**
 * Lead (主办) and assisting (协办) units for an item in a region, from the published 职责清单. A
 * region without entries of its own inherits the closest ancestor's list. Dispatch calls this first.
 */
export async function recommendUnits(db: Db, input: { itemId: string; tenantId: string }): Promise<UnitRecommendation> {
  const tenant = await db.selectFrom('tenant').select(['id', 'path']).where('id', '=', input.tenantId).executeTakeFirst();
  if (!tenant) throw notFound('区域');
  const chain = pathIds(tenant.path);
  const rows = await db
    .selectFrom('catalog_list_entry as e')
    .leftJoin('org', 'org.id', 'e.org_id')
    .select(['e.id', 'e.list_type', 'e.tenant_id', 'e.org_id', 'org.code as org_code', 'e.unit_name', 'e.role', 'e.duty', 'e.legal_basis', 'e.version'])
    .where('e.item_id', '=', input.itemId)
    .where('e.status', '=', 'published')
    .where('e.list_type', 'in', ['responsibility', 'negative'])
    .where('e.tenant_id', 'in', chain)
    .orderBy('e.unit_name')
    .execute();
  const duties = rows.filter((r) => r.list_type === 'responsibility');
  const sourceId = closestSource(chain, new Set(duties.map((r) => r.tenant_id)));
  const negativeId = closestSource(chain, new Set(rows.filter((r) => r.list_type === 'negative').map((r) => r.tenant_id)));
  const units = duties
    .filter((r) => r.tenant_id === sourceId)
    .map((r): RecommendedUnit => ({ entryId: r.id, orgId: r.org_id, orgCode: r.org_code, unitName: r.unit_name, role: r.role, duty: r.duty, legalBasis: r.legal_basis, version: r.version }));
  const negative = rows.find((r) => r.list_type === 'negative' && r.tenant_id === negativeId);
  const source = sourceId ? await db.selectFrom('tenant').select(['id', 'code', 'name']).where('id', '=', sourceId).executeTakeFirstOrThrow() : null;
  return {
    itemId: input.itemId,
    tenantId: input.tenantId,
    source: source ? { tenantId: source.id, tenantCode: source.code, tenantName: source.name } : null,
    inherited: sourceId !== null && sourceId !== input.tenantId,
    lead: units.filter((u) => u.role === 'lead'),
    assist: units.filter((u) => u.role === 'assist'),
    negative: negative ? { tenantId: negative.tenant_id, unitName: negative.unit_name, duty: negative.duty, legalBasis: negative.legal_basis } : null,
  };
}

/** The recommendation endpoint: the region must be in the caller's scope. */
export async function recommendFor(deps: Deps, actor: Actor, itemId: string, tenantId: string): Promise<UnitRecommendation> {
  await loadVisibleTenant(deps.db, actor, tenantId);
  await loadReadableItem(deps.db, actor, itemId);
  return recommendUnits(deps.db, { itemId, tenantId });
}

// ---------------------------------------------------------------- pickers

export interface ItemOption {
  id: string;
  code: string;
  name: string;
  /** The owning tenant: only it configures the item's elements. */
  tenantId: string;
}

/** Published items that apply to a region, for the entry form and the recommend tester. */
export async function itemOptions(deps: Deps, actor: Actor, q: { tenantId?: string; keyword?: string }): Promise<ItemOption[]> {
  const tenant = await loadVisibleTenant(deps.db, actor, q.tenantId ?? actor.tenantId);
  let query = deps.db.selectFrom('catalog_item').select(['id', 'code', 'name', 'tenant_id as tenantId']).where('status', '=', 'published').where('tenant_id', 'in', pathIds(tenant.path));
  if (q.keyword) {
    const like = containsPattern(q.keyword);
    query = query.where((eb) => eb.or([eb('name', 'ilike', like), eb('code', 'ilike', like), eb('pinyin', 'ilike', like)]));
  }
  return query.orderBy('code').limit(50).execute();
}

// ---------------------------------------------------------------- smart intake (assist module)

export interface AssistCatalogue {
  /** Published items of the whole installation with their category path names; tenantPath tells whose they are. */
  items: { id: string; name: string; path: string[]; keywords: string[]; synonyms: string[]; description: string; tenantId: string; tenantPath: string }[];
  /** Published 职责清单 rows grouped per unit: unitId is the org id when the entry names one, else tenant id + unit name. */
  responsibilities: { unitId: string; orgId: string | null; unitName: string; regionCode: string; tenantId: string; tenantName: string; itemIds: string[]; keywords: string[] }[];
}

/**
 * The read the item and unit recommenders are built from (one per installation, cached by the
 * assist module). regionCode is the code of the tenant that owns the entry — the unit's jurisdiction
 * (GB/T 2260 for regions; non-geographic tenants such as 兵团 keep their own code).
 */
export async function catalogueForAssist(db: Db): Promise<AssistCatalogue> {
  const [items, categories, entries] = await Promise.all([
    db
      .selectFrom('catalog_item')
      .innerJoin('tenant', 'tenant.id', 'catalog_item.tenant_id')
      .innerJoin('catalog_category', 'catalog_category.id', 'catalog_item.category_id')
      .select(['catalog_item.id', 'catalog_item.name', 'catalog_item.keywords', 'catalog_item.synonyms', 'catalog_item.description', 'catalog_item.tenant_id', 'tenant.path as tenant_path', 'catalog_category.path as category_path'])
      .where('catalog_item.status', '=', 'published')
      .orderBy('catalog_item.code')
      .execute(),
    db.selectFrom('catalog_category').select(['id', 'name']).execute(),
    db
      .selectFrom('catalog_list_entry as e')
      .innerJoin('tenant', 'tenant.id', 'e.tenant_id')
      .innerJoin('catalog_item', 'catalog_item.id', 'e.item_id')
      .select(['e.item_id', 'e.tenant_id', 'e.org_id', 'e.unit_name', 'tenant.code as tenant_code', 'tenant.name as tenant_name'])
      .where('e.list_type', '=', 'responsibility')
      .where('e.status', '=', 'published')
      .where('catalog_item.status', '=', 'published')
      .execute(),
  ]);
  const categoryName = new Map(categories.map((c) => [c.id, c.name]));
  const units = new Map<string, AssistCatalogue['responsibilities'][number]>();
  for (const e of entries) {
    const unitId = e.org_id ?? `${e.tenant_id}:${e.unit_name}`;
    const u = units.get(unitId) ?? { unitId, orgId: e.org_id, unitName: e.unit_name, regionCode: e.tenant_code, tenantId: e.tenant_id, tenantName: e.tenant_name, itemIds: [], keywords: [] };
    if (!u.itemIds.includes(e.item_id)) u.itemIds.push(e.item_id);
    units.set(unitId, u);
  }
  return {
    items: items.map((i) => ({
      id: i.id,
      name: i.name,
      path: pathIds(i.category_path).map((id) => categoryName.get(id) ?? '').filter(Boolean),
      keywords: i.keywords,
      synonyms: i.synonyms,
      description: i.description,
      tenantId: i.tenant_id,
      tenantPath: i.tenant_path,
    })),
    responsibilities: [...units.values()],
  };
}
