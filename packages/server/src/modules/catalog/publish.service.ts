import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { AuditEntry } from '../../platform/audit/audit.js';
import type { CatalogAdoptionTable, CatalogStatus } from '../../platform/db/schema.js';
import { conflict, invalid, notFound } from '../../platform/errors.js';
import { commit, pageOf } from '../../platform/usecase.js';
import { insertNotification, NOTIFICATION_TOPIC } from '../system/notification.service.js';
import { loadVisibleTenant } from '../identity/tenant.service.js';
import { describeDiff, type FieldDiff } from './catalog-diff.js';
import { searchTerms } from './search.js';
import { entityStatusFor, registerChangeHandler, type Applied, type Change, type ChangeHandler, type OutboxEvent } from './change.service.js';
import { containsPattern } from '../../platform/sql.js';
import {
  columnsOf,
  diffSnapshots,
  discardDraftItem,
  loadItemForUpdate,
  normalizeSnapshot,
  snapshotOf,
  versionSnapshot,
  type ItemSnapshot,
} from './item.service.js';

/**
 * 事项下发: approving an item change publishes a new frozen version, records what changed
 * (catalog_publication) and flags every lower tenant that adopted the item, whose adopted
 * version stays put until they accept. 实施清单: per tenant, the inherited standard items with
 * their local detail (实施细则, 材料清单, 办理流程, 联系方式) plus the tenant's own local items.
 */

// ---------------------------------------------------------------- publishing

type ItemRow = Awaited<ReturnType<typeof loadItemForUpdate>>;

export interface PublicationSummary {
  action: Change['action'];
  changeId: string;
  fromVersion: number;
  text: string;
  fields: { field: string; label: string; before: string; after: string }[];
}

/** Approves content (create / update / rollback): a NEW version every time, history is never rewritten. */
export async function publishItemVersion(trx: Db, deps: Deps, item: ItemRow, change: Change, reviewer: Actor): Promise<Applied> {
  const snapshot = normalizeSnapshot({ ...(change.payload as unknown as ItemSnapshot), code: item.code, categoryId: item.category_id });
  const previous = item.current_version > 0 ? ((await versionSnapshot(trx, item.id, item.current_version)) ?? snapshotOf(item)) : null;
  const diffs = await diffSnapshots(trx, previous, snapshot);
  const now = deps.clock.now();
  const before = { ...snapshotOf(item), status: item.status, currentVersion: item.current_version };
  if (previous && diffs.length === 0) {
    // Re-enabling an offline item without content changes: same version, live again.
    await trx.updateTable('catalog_item').set({ status: 'published', updated_at: now }).where('id', '=', item.id).execute();
    return { audit: [{ action: 'catalog.item.online', targetType: 'catalog_item', targetId: item.id, before, after: { ...before, status: 'published' }, tenantId: item.tenant_id }], events: [] };
  }
  const version = item.current_version + 1;
  await trx
    .insertInto('catalog_item_version')
    .values({ item_id: item.id, version, snapshot: JSON.stringify(snapshot), change_id: change.id, published_by: reviewer.userId, published_at: now })
    .execute();
  await trx.updateTable('catalog_item').set({ ...columnsOf(snapshot), status: 'published', current_version: version, updated_at: now }).where('id', '=', item.id).execute();
  const summary: PublicationSummary = {
    action: change.action,
    changeId: change.id,
    fromVersion: item.current_version,
    text: change.action === 'create' ? '首次发布' : change.action === 'rollback' ? `回滚至 V${String(change.payload.rollbackTo ?? '')} 的内容：${describeDiff(diffs)}` : describeDiff(diffs),
    fields: diffs.map((d) => ({ field: d.field, label: d.label, before: d.beforeText, after: d.afterText })),
  };
  await trx.insertInto('catalog_publication').values({ id: randomUUID(), item_id: item.id, version, from_tenant_id: item.tenant_id, summary: JSON.stringify(summary), published_at: now }).execute();
  const flagged = await flagAdopters(trx, deps, item.id, version);
  const events = await notifyAdopters(trx, deps, reviewer, item, snapshot, version, flagged, summary.text);
  const audit: AuditEntry[] = [
    {
      action: 'catalog.item.publish',
      targetType: 'catalog_item',
      targetId: item.id,
      before,
      after: { ...snapshot, status: 'published', currentVersion: version },
      detail: { version, changeId: change.id, action: change.action, adoptersFlagged: flagged.length },
      tenantId: item.tenant_id,
    },
  ];
  return { audit, events };
}

/** Tenants that adopted the item now have an update to look at; their adopted version stays. */
async function flagAdopters(trx: Db, deps: Deps, itemId: string, version: number): Promise<string[]> {
  const rows = await trx
    .updateTable('catalog_adoption')
    .set({ status: 'pending', updated_at: deps.clock.now() })
    .where('item_id', '=', itemId)
    .where('status', '=', 'active')
    .where('adopted_version', '<', version)
    .returning('tenant_id')
    .execute();
  return rows.map((r) => r.tenant_id);
}

async function notifyAdopters(trx: Db, deps: Deps, reviewer: Actor, item: ItemRow, s: ItemSnapshot, version: number, tenantIds: string[], what: string): Promise<OutboxEvent[]> {
  if (tenantIds.length === 0) return [];
  const users = await trx
    .selectFrom('app_user as u')
    .innerJoin('user_role as ur', 'ur.user_id', 'u.id')
    .innerJoin('role as r', 'r.id', 'ur.role_id')
    .select('u.id')
    .distinct()
    .where('u.tenant_id', 'in', tenantIds)
    .where('u.status', '=', 'active')
    .where('u.deleted_at', 'is', null)
    .where(sql<boolean>`${'catalog:write'} = any(${sql.ref('r.permissions')})`)
    .execute();
  if (users.length === 0) return [];
  const n = await insertNotification(trx, deps, {
    tenantId: item.tenant_id,
    senderId: reviewer.userId,
    senderName: reviewer.displayName,
    title: `事项下发更新：${s.code} ${s.name}（V${version}）`,
    body: `上级发布了事项「${s.name}」的新版本 V${version}（${what}）。请在“实施清单”中查看变化并确认采用。`,
    userIds: users.map((u) => u.id),
  });
  return [{ topic: NOTIFICATION_TOPIC, payload: n }];
}

// ---------------------------------------------------------------- the item change handler

/** What the item will look like once the change is approved; status only once it has been published. */
function proposedSnapshot(item: ItemRow, change: Change): Record<string, unknown> {
  const withStatus = (s: Record<string, unknown>, status: string) => (item.current_version > 0 ? { ...s, status } : s);
  switch (change.action) {
    case 'offline':
    case 'void':
      return withStatus({ ...snapshotOf(item) }, change.action);
    default:
      return withStatus({ ...normalizeSnapshot({ ...(change.payload as unknown as ItemSnapshot), code: item.code, categoryId: item.category_id }) }, 'published');
  }
}

const itemHandler: ChangeHandler = {
  entityType: 'item',
  noun: '事项',
  async title(db, change) {
    const item = await db.selectFrom('catalog_item').select(['code', 'name']).where('id', '=', change.entity_id).executeTakeFirst();
    return item ? `${item.code} ${item.name}` : String(change.payload.name ?? change.entity_id);
  },
  async diff(db, change) {
    const item = await db.selectFrom('catalog_item').selectAll().select([sql<string | null>`to_char(effective_from, 'YYYY-MM-DD')`.as('effective_from_text'), sql<string | null>`to_char(effective_to, 'YYYY-MM-DD')`.as('effective_to_text')]).where('id', '=', change.entity_id).executeTakeFirst();
    if (!item) return [];
    // Against what is published now; a never-published item has nothing to compare with.
    const published = item.current_version > 0 ? { ...((await versionSnapshot(db, item.id, item.current_version)) ?? snapshotOf(item)), status: item.status } : null;
    return diffSnapshots(db, published, proposedSnapshot(item, change));
  },
  async apply(trx, deps, change, reviewer) {
    const item = await loadItemForUpdate(trx, change.entity_id);
    if (change.base_version !== item.current_version) throw conflict(`事项已发布了更新的版本 V${item.current_version}，该变更基于 V${change.base_version}，请撤销后重新编辑`);
    if (change.action === 'offline' || change.action === 'void') return setLifecycle(trx, deps, item, change.action);
    return publishItemVersion(trx, deps, item, change, reviewer);
  },
  async statusChanged(trx, deps, change, to) {
    if (change.action !== 'create' || to === 'approved') return;
    await trx.updateTable('catalog_item').set({ status: entityStatusFor(to), updated_at: deps.clock.now() }).where('id', '=', change.entity_id).where('current_version', '=', 0).execute();
  },
  async discard(trx, change) {
    const item = await trx.selectFrom('catalog_item').select('current_version').where('id', '=', change.entity_id).executeTakeFirst();
    if (item && item.current_version === 0) await discardDraftItem(trx, change.entity_id);
  },
};

async function setLifecycle(trx: Db, deps: Deps, item: ItemRow, to: 'offline' | 'void'): Promise<Applied> {
  await trx.updateTable('catalog_item').set({ status: to, updated_at: deps.clock.now() }).where('id', '=', item.id).execute();
  return { audit: [{ action: `catalog.item.${to}`, targetType: 'catalog_item', targetId: item.id, before: { status: item.status }, after: { status: to }, tenantId: item.tenant_id }], events: [] };
}

registerChangeHandler(itemHandler);

// ---------------------------------------------------------------- 实施清单

export interface LocalDetail {
  /** 实施细则 */
  rules: string;
  /** 材料清单 */
  materials: string[];
  /** 办理流程 */
  process: string;
  contactUnit: string;
  contactPhone: string;
  contactAddress: string;
  note: string;
}

const EMPTY_DETAIL: LocalDetail = { rules: '', materials: [], process: '', contactUnit: '', contactPhone: '', contactAddress: '', note: '' };

type StoredDetail = Partial<LocalDetail> & { excludedReason?: string };
type AdoptionState = CatalogAdoptionTable['status'] | 'new';

export interface ImplementationRow {
  itemId: string;
  code: string;
  name: string;
  categoryId: string;
  categoryName: string;
  department: string;
  industry: string;
  origin: 'standard' | 'local';
  ownerTenantId: string;
  ownerTenantName: string;
  /** inherited: issued down from above (definition read-only); local: the tenant's own item. */
  kind: 'inherited' | 'local';
  itemStatus: CatalogStatus;
  currentVersion: number;
  /** For inherited items; null for local ones. */
  adoptedVersion: number | null;
  adoptionStatus: AdoptionState | null;
  hasUpdate: boolean;
  localDetail: LocalDetail;
  excludedReason: string;
  updatedAt: Date;
}

export interface ImplementationQuery {
  tenantId: string;
  q?: string;
  kind?: 'inherited' | 'local';
  adoptionStatus?: AdoptionState;
  page?: number;
  pageSize?: number;
}

const canSeeDrafts = (actor: Actor) => actor.permissions.has('catalog:write') || actor.permissions.has('catalog:review');

async function implementationBase(deps: Deps, actor: Actor, tenantId: string) {
  const tenant = await loadVisibleTenant(deps.db, actor, tenantId);
  const above = tenant.path.split('/').filter((id) => id && id !== tenant.id);
  const query = deps.db
    .selectFrom('catalog_item')
    .where((eb) => {
      const own = canSeeDrafts(actor) ? eb('catalog_item.tenant_id', '=', tenant.id) : eb.and([eb('catalog_item.tenant_id', '=', tenant.id), eb('catalog_item.status', '=', 'published')]);
      if (above.length === 0) return own;
      return eb.or([own, eb.and([eb('catalog_item.tenant_id', 'in', above), eb('catalog_item.origin', '=', 'standard'), eb('catalog_item.status', '=', 'published')])]);
    })
    .leftJoin('catalog_adoption', (j) => j.onRef('catalog_adoption.item_id', '=', 'catalog_item.id').on('catalog_adoption.tenant_id', '=', tenant.id));
  return { tenant, query };
}

export async function implementationList(deps: Deps, actor: Actor, q: ImplementationQuery): Promise<{ items: ImplementationRow[]; total: number }> {
  const { page, pageSize } = pageOf(q);
  const { tenant, query: base } = await implementationBase(deps, actor, q.tenantId);
  let query = base;
  for (const term of searchTerms(q.q ?? '')) query = query.where('catalog_item.search_text', 'like', containsPattern(term));
  if (q.kind === 'local') query = query.where('catalog_item.tenant_id', '=', tenant.id);
  if (q.kind === 'inherited') query = query.where('catalog_item.tenant_id', '!=', tenant.id);
  if (q.adoptionStatus === 'new') query = query.where('catalog_item.tenant_id', '!=', tenant.id).where('catalog_adoption.tenant_id', 'is', null);
  else if (q.adoptionStatus) query = query.where('catalog_adoption.status', '=', q.adoptionStatus);
  const [{ total }, rows] = await Promise.all([
    query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    rowsOf(query).orderBy('catalog_item.code').limit(pageSize).offset((page - 1) * pageSize).execute(),
  ]);
  return { items: rows.map((r) => implementationRow(r, tenant.id)), total: Number(total) };
}

function rowsOf(query: Awaited<ReturnType<typeof implementationBase>>['query']) {
  return query
    .innerJoin('catalog_category', 'catalog_category.id', 'catalog_item.category_id')
    .innerJoin('tenant', 'tenant.id', 'catalog_item.tenant_id')
    .select([
      'catalog_item.id',
      'catalog_item.code',
      'catalog_item.name',
      'catalog_item.category_id',
      'catalog_item.department',
      'catalog_item.industry',
      'catalog_item.origin',
      'catalog_item.tenant_id',
      'catalog_item.status',
      'catalog_item.current_version',
      'catalog_item.updated_at',
      'catalog_category.name as category_name',
      'tenant.name as tenant_name',
      'catalog_adoption.status as adoption_status',
      'catalog_adoption.adopted_version',
      'catalog_adoption.local_detail',
      'catalog_adoption.updated_at as adoption_updated_at',
    ]);
}

type RawRow = Awaited<ReturnType<ReturnType<typeof rowsOf>['execute']>>[number];

function implementationRow(r: RawRow, tenantId: string): ImplementationRow {
  const local = r.tenant_id === tenantId;
  const stored = (r.local_detail ?? {}) as StoredDetail;
  const adopted = local ? null : (r.adopted_version ?? 0);
  return {
    itemId: r.id,
    code: r.code,
    name: r.name,
    categoryId: r.category_id,
    categoryName: r.category_name,
    department: r.department,
    industry: r.industry,
    origin: r.origin,
    ownerTenantId: r.tenant_id,
    ownerTenantName: r.tenant_name,
    kind: local ? 'local' : 'inherited',
    itemStatus: r.status,
    currentVersion: r.current_version,
    adoptedVersion: adopted,
    adoptionStatus: local ? null : (r.adoption_status ?? 'new'),
    hasUpdate: !local && r.adoption_status !== 'excluded' && (adopted ?? 0) < r.current_version,
    localDetail: { ...EMPTY_DETAIL, ...stored, materials: stored.materials ?? [] },
    excludedReason: stored.excludedReason ?? '',
    updatedAt: r.adoption_updated_at && r.adoption_updated_at > r.updated_at ? r.adoption_updated_at : r.updated_at,
  };
}

async function loadImplementationRow(deps: Deps, actor: Actor, tenantId: string, itemId: string): Promise<{ row: ImplementationRow; tenantName: string }> {
  const { tenant, query } = await implementationBase(deps, actor, tenantId);
  const r = await rowsOf(query).where('catalog_item.id', '=', itemId).executeTakeFirst();
  if (!r) throw notFound('实施清单事项');
  return { row: implementationRow(r, tenant.id), tenantName: tenant.name };
}

export async function getImplementation(deps: Deps, actor: Actor, tenantId: string, itemId: string) {
  const { row, tenantName } = await loadImplementationRow(deps, actor, tenantId, itemId);
  return { ...row, tenantId, tenantName };
}

/** "What changed since my adopted version": the field diff plus each publication in between. */
export async function implementationChanges(deps: Deps, actor: Actor, tenantId: string, itemId: string) {
  const { row } = await loadImplementationRow(deps, actor, tenantId, itemId);
  const from = row.adoptedVersion ?? row.currentVersion;
  const [before, after, publications] = await Promise.all([
    from > 0 ? versionSnapshot(deps.db, itemId, from) : null,
    row.currentVersion > 0 ? versionSnapshot(deps.db, itemId, row.currentVersion) : null,
    deps.db.selectFrom('catalog_publication').select(['version', 'summary', 'published_at']).where('item_id', '=', itemId).where('version', '>', from).orderBy('version').execute(),
  ]);
  const changes: FieldDiff[] = await diffSnapshots(deps.db, before, after);
  return {
    itemId,
    adoptedVersion: row.adoptedVersion,
    currentVersion: row.currentVersion,
    adoptionStatus: row.adoptionStatus,
    changes,
    publications: publications.map((p) => ({ version: p.version, publishedAt: p.published_at, summary: (p.summary as unknown as PublicationSummary).text, fields: (p.summary as unknown as PublicationSummary).fields })),
  };
}

/** Adoption actions are the lower tenant's: it must be in the caller's scope and hold the item from above. */
async function loadInherited(deps: Deps, actor: Actor, tenantId: string, itemId: string): Promise<ImplementationRow> {
  const { row } = await loadImplementationRow(deps, actor, tenantId, itemId);
  if (row.kind === 'local') throw invalid('本级事项请直接在事项清单中修改，实施清单只维护上级下发事项的本地信息');
  return row;
}

async function upsertAdoption(trx: Db, deps: Deps, actor: Actor, tenantId: string, itemId: string, set: { adopted_version: number; status: CatalogAdoptionTable['status']; local_detail: StoredDetail }): Promise<void> {
  const values = { tenant_id: tenantId, item_id: itemId, adopted_version: set.adopted_version, status: set.status, local_detail: JSON.stringify(set.local_detail), updated_by: actor.userId, updated_at: deps.clock.now() };
  await trx
    .insertInto('catalog_adoption')
    .values(values)
    .onConflict((oc) => oc.columns(['tenant_id', 'item_id']).doUpdateSet({ adopted_version: values.adopted_version, status: values.status, local_detail: values.local_detail, updated_by: values.updated_by, updated_at: values.updated_at }))
    .execute();
}

function storedOf(row: ImplementationRow): StoredDetail {
  return { ...row.localDetail, ...(row.excludedReason ? { excludedReason: row.excludedReason } : {}) };
}

/** 确认采用: the tenant takes the current version (合规性核验 passed). */
export async function acceptAdoption(deps: Deps, actor: Actor, tenantId: string, itemId: string) {
  const row = await loadInherited(deps, actor, tenantId, itemId);
  await commit(deps, actor, async (trx) => {
    const { excludedReason: _dropped, ...detail } = storedOf(row);
    await upsertAdoption(trx, deps, actor, tenantId, itemId, { adopted_version: row.currentVersion, status: 'active', local_detail: detail });
    return {
      result: null,
      audit: { action: 'catalog.adoption.accept', targetType: 'catalog_item', targetId: itemId, tenantId, before: { status: row.adoptionStatus, adoptedVersion: row.adoptedVersion }, after: { status: 'active', adoptedVersion: row.currentVersion } },
    };
  });
  return getImplementation(deps, actor, tenantId, itemId);
}

/** 合规性核验 failed: not in this jurisdiction. The reason is kept; accepting later undoes it. */
export async function excludeAdoption(deps: Deps, actor: Actor, tenantId: string, itemId: string, reason: string) {
  if (!reason.trim()) throw invalid('请填写排除原因（如：不属于本辖区管辖范围）', [{ path: '/reason', message: '必填' }]);
  const row = await loadInherited(deps, actor, tenantId, itemId);
  await commit(deps, actor, async (trx) => {
    await upsertAdoption(trx, deps, actor, tenantId, itemId, { adopted_version: row.adoptedVersion ?? 0, status: 'excluded', local_detail: { ...storedOf(row), excludedReason: reason.trim() } });
    return {
      result: null,
      audit: { action: 'catalog.adoption.exclude', targetType: 'catalog_item', targetId: itemId, tenantId, before: { status: row.adoptionStatus }, after: { status: 'excluded' }, detail: { reason: reason.trim() } },
    };
  });
  return getImplementation(deps, actor, tenantId, itemId);
}

/** 属地化编制: the only part of an inherited item a lower tenant writes. */
export async function saveLocalDetail(deps: Deps, actor: Actor, tenantId: string, itemId: string, patch: Partial<LocalDetail>) {
  const row = await loadInherited(deps, actor, tenantId, itemId);
  const detail: LocalDetail = { ...row.localDetail, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
  detail.materials = [...new Set(detail.materials.map((m) => m.trim()).filter(Boolean))];
  await commit(deps, actor, async (trx) => {
    const status = row.adoptionStatus === 'new' || row.adoptionStatus === null ? 'pending' : row.adoptionStatus;
    await upsertAdoption(trx, deps, actor, tenantId, itemId, { adopted_version: row.adoptedVersion ?? 0, status, local_detail: { ...detail, ...(row.excludedReason ? { excludedReason: row.excludedReason } : {}) } });
    return {
      result: null,
      audit: { action: 'catalog.adoption.local-detail', targetType: 'catalog_item', targetId: itemId, tenantId, before: { ...row.localDetail }, after: { ...detail } },
    };
  });
  return getImplementation(deps, actor, tenantId, itemId);
}

