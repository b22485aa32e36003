import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { CatalogChangeTable } from '../../platform/db/schema.js';
import type { AuditEntry } from '../../platform/audit/audit.js';
import { AppError, conflict, forbidden, notFound } from '../../platform/errors.js';
import { tenantVisible } from '../../platform/scope.js';
import { commit, pageOf } from '../../platform/usecase.js';
import { insertNotification, NOTIFICATION_TOPIC } from '../system/notification.service.js';
import type { FieldDiff } from './catalog-diff.js';

/**
 * One change-control mechanism for every catalogue record (目录, 事项, 清单条目): a change is
 * drafted (暂存), submitted (提交审核), then approved — which applies it — or rejected with an
 * opinion (退回). A pending or rejected change can be withdrawn (撤销); a draft can be deleted.
 * Entity modules plug in a ChangeHandler that knows how to describe and apply their changes.
 */
export type Change = Selectable<CatalogChangeTable>;
export type ChangeEntity = Change['entity_type'];
export type ChangeAction = Change['action'];
export type ChangeStatus = Change['status'];
export type ChangePayload = Record<string, unknown>;

export interface OutboxEvent {
  topic: string;
  payload: Record<string, unknown>;
}

export interface Applied {
  audit: AuditEntry[];
  events: OutboxEvent[];
}

export interface ChangeHandler {
  readonly entityType: ChangeEntity;
  /** Chinese noun for messages and todos: 目录, 事项, 清单条目. */
  readonly noun: string;
  /** Short human title of the changed record, e.g. "FW-0001 供暖不热". */
  title(db: Db, change: Change): Promise<string>;
  /** The change against what is published now (everything is new for a create). */
  diff(db: Db, change: Change): Promise<FieldDiff[]>;
  /** Applies an approved change to the published record. Runs inside the approval transaction. */
  apply(trx: Db, deps: Deps, change: Change, reviewer: Actor): Promise<Applied>;
  /** Mirrors a status move on the record itself (a new record is draft/pending/rejected with its change). */
  statusChanged?(trx: Db, deps: Deps, change: Change, to: ChangeStatus): Promise<void>;
  /** Removes a never-published record when its draft create change is deleted. */
  discard?(trx: Db, change: Change): Promise<void>;
}

const handlers = new Map<ChangeEntity, ChangeHandler>();

export function registerChangeHandler(handler: ChangeHandler): void {
  handlers.set(handler.entityType, handler);
}

function handlerFor(type: ChangeEntity): ChangeHandler {
  const h = handlers.get(type);
  if (!h) throw new AppError('INTERNAL', `未注册的变更类型：${type}`, 500);
  return h;
}

export const ACTION_LABELS: Record<ChangeAction, string> = { create: '新增', update: '修改', offline: '下架', void: '作废', rollback: '回滚' };
export const CHANGE_STATUS_LABELS: Record<ChangeStatus, string> = { draft: '暂存', pending: '待审核', approved: '已通过', rejected: '已退回', withdrawn: '已撤销' };

/** The state machine. An open change (draft, pending, rejected) blocks a second one on the same record. */
export type ChangeOp = 'edit' | 'submit' | 'approve' | 'reject' | 'withdraw' | 'delete';
const ALLOWED_FROM: Record<ChangeOp, readonly ChangeStatus[]> = {
  edit: ['draft', 'rejected'],
  submit: ['draft', 'rejected'],
  approve: ['pending'],
  reject: ['pending'],
  withdraw: ['pending', 'rejected'],
  delete: ['draft'],
};
const OP_LABELS: Record<ChangeOp, string> = { edit: '修改', submit: '提交审核', approve: '审核通过', reject: '退回', withdraw: '撤销', delete: '删除' };
export const OPEN_STATUSES: readonly ChangeStatus[] = ['draft', 'pending', 'rejected'];

export function canTransition(from: ChangeStatus, op: ChangeOp): boolean {
  return ALLOWED_FROM[op].includes(from);
}

export function assertTransition(change: Pick<Change, 'status'>, op: ChangeOp): void {
  if (!canTransition(change.status, op)) {
    throw conflict(`当前变更状态为“${CHANGE_STATUS_LABELS[change.status]}”，不能${OP_LABELS[op]}`);
  }
}

/** The record's status while a change that creates it moves through review. */
export function entityStatusFor(to: ChangeStatus): 'draft' | 'pending' | 'rejected' | 'published' {
  switch (to) {
    case 'pending':
      return 'pending';
    case 'rejected':
      return 'rejected';
    case 'approved':
      return 'published';
    default:
      return 'draft';
  }
}

export async function findOpenChange(db: Db, entityType: ChangeEntity, entityId: string): Promise<Change | undefined> {
  return db
    .selectFrom('catalog_change')
    .selectAll()
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', entityId)
    .where('status', 'in', [...OPEN_STATUSES])
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

export interface Proposal {
  tenantId: string;
  entityType: ChangeEntity;
  entityId: string;
  action: ChangeAction;
  baseVersion: number;
  payload: ChangePayload;
  /** true = 提交审核 at once; false = 暂存. */
  submit: boolean;
  /** false when the caller sends one todo for a whole batch (import). */
  notify?: boolean;
}

export interface Proposed {
  change: Change;
  events: OutboxEvent[];
  audit: AuditEntry;
}

/**
 * Records a proposed change inside the caller's transaction. A record has at most one open
 * change: a draft or rejected one is revised in place, a pending one must be reviewed or
 * withdrawn first.
 */
export async function proposeChange(trx: Db, deps: Deps, actor: Actor, p: Proposal): Promise<Proposed> {
  const open = await findOpenChange(trx, p.entityType, p.entityId);
  if (open?.status === 'pending') throw conflict('该记录已有待审核的变更，请等待审核完成或撤销后再修改');
  const now = deps.clock.now();
  const status: ChangeStatus = p.submit ? 'pending' : 'draft';
  const submitted = p.submit ? { submitted_by: actor.userId, submitted_at: now } : { submitted_by: null, submitted_at: null };
  let change: Change;
  if (open) {
    change = { ...open, action: p.action, base_version: p.baseVersion, payload: p.payload, status, ...submitted, reviewed_by: null, reviewed_at: null, opinion: '' };
    await trx
      .updateTable('catalog_change')
      .set({ action: p.action, base_version: p.baseVersion, payload: JSON.stringify(p.payload), status, ...submitted, reviewed_by: null, reviewed_at: null, opinion: '' })
      .where('id', '=', open.id)
      .execute();
  } else {
    change = {
      id: randomUUID(),
      tenant_id: p.tenantId,
      entity_type: p.entityType,
      entity_id: p.entityId,
      action: p.action,
      base_version: p.baseVersion,
      payload: p.payload,
      status,
      created_by: actor.userId,
      created_at: now,
      ...submitted,
      reviewed_by: null,
      reviewed_at: null,
      opinion: '',
    };
    await trx.insertInto('catalog_change').values({ ...change, payload: JSON.stringify(p.payload) }).execute();
  }
  await handlerFor(p.entityType).statusChanged?.(trx, deps, change, status);
  const events = p.submit && p.notify !== false ? await notifyReviewers(trx, deps, actor, change) : [];
  const audit: AuditEntry = {
    action: p.submit ? 'catalog.change.submit' : 'catalog.change.save',
    targetType: 'catalog_change',
    targetId: change.id,
    tenantId: change.tenant_id,
    detail: { entityType: p.entityType, entityId: p.entityId, action: p.action, baseVersion: p.baseVersion, status },
  };
  return { change, events, audit };
}

// ---------------------------------------------------------------- reading

function visibleChanges(db: Db, actor: Actor) {
  return db.selectFrom('catalog_change').where((eb) => tenantVisible(eb, 'catalog_change.tenant_id', actor));
}

export async function loadVisibleChange(db: Db, actor: Actor, id: string): Promise<Change> {
  const change = await visibleChanges(db, actor).selectAll().where('id', '=', id).executeTakeFirst();
  if (!change) throw notFound('变更');
  return change;
}

export interface ChangeView {
  id: string;
  tenantId: string;
  tenantName: string;
  entityType: ChangeEntity;
  entityId: string;
  action: ChangeAction;
  actionLabel: string;
  baseVersion: number;
  status: ChangeStatus;
  title: string;
  payload: ChangePayload;
  createdBy: string | null;
  createdByName: string | null;
  createdAt: Date;
  submittedBy: string | null;
  submittedByName: string | null;
  submittedAt: Date | null;
  reviewedBy: string | null;
  reviewedByName: string | null;
  reviewedAt: Date | null;
  opinion: string;
}

async function viewsOf(db: Db, changes: Change[]): Promise<ChangeView[]> {
  const userIds = [...new Set(changes.flatMap((c) => [c.created_by, c.submitted_by, c.reviewed_by]).filter((x): x is string => !!x))];
  const tenantIds = [...new Set(changes.map((c) => c.tenant_id))];
  const [users, tenants] = await Promise.all([
    userIds.length ? db.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', userIds).execute() : [],
    tenantIds.length ? db.selectFrom('tenant').select(['id', 'name']).where('id', 'in', tenantIds).execute() : [],
  ]);
  const userName = new Map(users.map((u) => [u.id, u.display_name]));
  const tenantName = new Map(tenants.map((t) => [t.id, t.name]));
  const nameOf = (id: string | null) => (id ? (userName.get(id) ?? null) : null);
  return Promise.all(
    changes.map(async (c) => ({
      id: c.id,
      tenantId: c.tenant_id,
      tenantName: tenantName.get(c.tenant_id) ?? '',
      entityType: c.entity_type,
      entityId: c.entity_id,
      action: c.action,
      actionLabel: ACTION_LABELS[c.action],
      baseVersion: c.base_version,
      status: c.status,
      title: await titleOf(db, c),
      payload: c.payload,
      createdBy: c.created_by,
      createdByName: nameOf(c.created_by),
      createdAt: c.created_at,
      submittedBy: c.submitted_by,
      submittedByName: nameOf(c.submitted_by),
      submittedAt: c.submitted_at,
      reviewedBy: c.reviewed_by,
      reviewedByName: nameOf(c.reviewed_by),
      reviewedAt: c.reviewed_at,
      opinion: c.opinion,
    })),
  );
}

export interface ChangeQuery {
  status?: ChangeStatus;
  entityType?: ChangeEntity;
  entityId?: string;
  action?: ChangeAction;
  /** Only changes the caller created or submitted. */
  mine?: boolean;
  /** Only pending changes the caller may review (not their own). */
  reviewable?: boolean;
  page?: number;
  pageSize?: number;
  order?: 'asc' | 'desc';
}

export async function listChanges(deps: Deps, actor: Actor, q: ChangeQuery): Promise<{ items: ChangeView[]; total: number }> {
  const { page, pageSize } = pageOf(q);
  let query = visibleChanges(deps.db, actor);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.entityType) query = query.where('entity_type', '=', q.entityType);
  if (q.entityId) query = query.where('entity_id', '=', q.entityId);
  if (q.action) query = query.where('action', '=', q.action);
  if (q.mine) query = query.where((eb) => eb.or([eb('created_by', '=', actor.userId), eb('submitted_by', '=', actor.userId)]));
  if (q.reviewable) {
    query = query
      .where('status', '=', 'pending')
      .where((eb) => eb.and([eb('created_by', 'is distinct from', actor.userId), eb('submitted_by', 'is distinct from', actor.userId)]));
  }
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy(sql`coalesce(submitted_at, created_at)`, q.order ?? 'desc')
    .orderBy('id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return { items: await viewsOf(deps.db, rows), total: Number(total) };
}

export interface ChangeDetail extends ChangeView {
  diff: FieldDiff[];
  canReview: boolean;
}

/** A change with its field diff against what is published now: the reviewer's highlighted view. */
export async function getChange(deps: Deps, actor: Actor, id: string): Promise<ChangeDetail> {
  const change = await loadVisibleChange(deps.db, actor, id);
  const [view] = await viewsOf(deps.db, [change]);
  const diff = await handlerFor(change.entity_type).diff(deps.db, change);
  const canReview = change.status === 'pending' && actor.permissions.has('catalog:review') && !isOwnChange(change, actor);
  return { ...view!, diff, canReview };
}

/**
 * A record's changes within the caller's scope (as GET /changes/:id): a lower tenant reading an
 * inherited item does not see the upper tenant's drafts and reviews.
 */
export async function changesOf(deps: Deps, actor: Actor, entityType: ChangeEntity, entityId: string): Promise<ChangeView[]> {
  const rows = await visibleChanges(deps.db, actor).selectAll().where('entity_type', '=', entityType).where('entity_id', '=', entityId).orderBy('created_at', 'desc').execute();
  return viewsOf(deps.db, rows);
}

// ---------------------------------------------------------------- moving through review

/** A change of a type whose module has not registered yet still lists, by its payload name. */
async function titleOf(db: Db, c: Change): Promise<string> {
  const h = handlers.get(c.entity_type);
  return h ? h.title(db, c) : String(c.payload.name ?? c.entity_id);
}

const isOwnChange = (c: Change, actor: Actor) => c.created_by === actor.userId || c.submitted_by === actor.userId;

/** Re-reads the change under a row lock, so two reviewers cannot both decide it. */
async function lockChange(trx: Db, id: string, op: ChangeOp): Promise<Change> {
  const change = await trx.selectFrom('catalog_change').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
  assertTransition(change, op);
  return change;
}

async function setStatus(trx: Db, deps: Deps, change: Change, to: ChangeStatus, extra: Partial<Pick<Change, 'submitted_by' | 'submitted_at' | 'reviewed_by' | 'reviewed_at' | 'opinion'>> = {}): Promise<Change> {
  await trx.updateTable('catalog_change').set({ status: to, ...extra }).where('id', '=', change.id).execute();
  const next = { ...change, status: to, ...extra };
  await handlerFor(change.entity_type).statusChanged?.(trx, deps, next, to);
  return next;
}

function changeAudit(action: string, change: Change, detail: Record<string, unknown> = {}): AuditEntry {
  return {
    action,
    targetType: 'catalog_change',
    targetId: change.id,
    tenantId: change.tenant_id,
    detail: { entityType: change.entity_type, entityId: change.entity_id, action: change.action, ...detail },
  };
}

export async function submitChange(deps: Deps, actor: Actor, id: string): Promise<ChangeDetail> {
  await loadVisibleChange(deps.db, actor, id);
  await commit(deps, actor, async (trx) => {
    const change = await lockChange(trx, id, 'submit');
    const now = deps.clock.now();
    const next = await setStatus(trx, deps, change, 'pending', { submitted_by: actor.userId, submitted_at: now, reviewed_by: null, reviewed_at: null, opinion: '' });
    const events = await notifyReviewers(trx, deps, actor, next);
    return { result: null, audit: changeAudit('catalog.change.submit', next), events };
  });
  return getChange(deps, actor, id);
}

async function loadForReview(deps: Deps, actor: Actor, id: string): Promise<Change> {
  const change = await loadVisibleChange(deps.db, actor, id);
  if (isOwnChange(change, actor)) throw forbidden('不能审核本人创建或提交的变更，请由其他审核人员审核');
  return change;
}

export async function approveChange(deps: Deps, actor: Actor, id: string, opinion = ''): Promise<ChangeDetail> {
  await loadForReview(deps, actor, id);
  await commit(deps, actor, async (trx) => {
    const change = await lockChange(trx, id, 'approve');
    const applied = await handlerFor(change.entity_type).apply(trx, deps, change, actor);
    const next = await setStatus(trx, deps, change, 'approved', { reviewed_by: actor.userId, reviewed_at: deps.clock.now(), opinion });
    const told = await notifyAuthor(trx, deps, actor, next);
    return { result: null, audit: [changeAudit('catalog.change.approve', next, { opinion }), ...applied.audit], events: [...applied.events, ...told] };
  });
  return getChange(deps, actor, id);
}

export async function rejectChange(deps: Deps, actor: Actor, id: string, opinion: string): Promise<ChangeDetail> {
  if (!opinion.trim()) throw new AppError('VALIDATION_FAILED', '退回时必须填写审核意见', 400, [{ path: '/opinion', message: '必填' }]);
  await loadForReview(deps, actor, id);
  await commit(deps, actor, async (trx) => {
    const change = await lockChange(trx, id, 'reject');
    const next = await setStatus(trx, deps, change, 'rejected', { reviewed_by: actor.userId, reviewed_at: deps.clock.now(), opinion: opinion.trim() });
    const told = await notifyAuthor(trx, deps, actor, next);
    return { result: null, audit: changeAudit('catalog.change.reject', next, { opinion: opinion.trim() }), events: told };
  });
  return getChange(deps, actor, id);
}

export async function withdrawChange(deps: Deps, actor: Actor, id: string): Promise<ChangeDetail> {
  await loadVisibleChange(deps.db, actor, id);
  await commit(deps, actor, async (trx) => {
    const change = await lockChange(trx, id, 'withdraw');
    const next = await setStatus(trx, deps, change, 'withdrawn');
    return { result: null, audit: changeAudit('catalog.change.withdraw', next, { from: change.status }) };
  });
  return getChange(deps, actor, id);
}

/** Deletes a draft. A draft that creates a record takes the never-published record with it. */
export async function deleteChange(deps: Deps, actor: Actor, id: string): Promise<void> {
  await loadVisibleChange(deps.db, actor, id);
  await commit(deps, actor, async (trx) => {
    const change = await lockChange(trx, id, 'delete');
    await trx.deleteFrom('catalog_change').where('id', '=', id).execute();
    if (change.action === 'create') await handlerFor(change.entity_type).discard?.(trx, change);
    return { result: null, audit: { ...changeAudit('catalog.change.delete', change), before: { status: change.status, payload: change.payload } } };
  });
}

// ---------------------------------------------------------------- todos

const REVIEW_PERMISSION = 'catalog:review';

/**
 * Reviewers of a tenant's changes: active users holding catalog:review in that tenant, or in an
 * ancestor tenant through a role that reaches the subtree.
 */
export async function reviewersOf(trx: Db, tenantId: string): Promise<string[]> {
  const tenant = await trx.selectFrom('tenant').select('path').where('id', '=', tenantId).executeTakeFirst();
  if (!tenant) return [];
  const ancestors = tenant.path.split('/').filter(Boolean);
  const rows = await trx
    .selectFrom('app_user as u')
    .innerJoin('user_role as ur', 'ur.user_id', 'u.id')
    .innerJoin('role as r', 'r.id', 'ur.role_id')
    .select('u.id')
    .distinct()
    .where('u.tenant_id', 'in', ancestors)
    .where('u.status', '=', 'active')
    .where('u.deleted_at', 'is', null)
    .where(sql<boolean>`${REVIEW_PERMISSION} = any(${sql.ref('r.permissions')})`)
    .where((eb) => eb.or([eb('u.tenant_id', '=', tenantId), eb('r.data_scope', 'in', ['tenant_subtree', 'all'])]))
    .execute();
  return rows.map((r) => r.id);
}

async function notifyReviewers(trx: Db, deps: Deps, actor: Actor, change: Change): Promise<OutboxEvent[]> {
  const userIds = (await reviewersOf(trx, change.tenant_id)).filter((id) => id !== actor.userId);
  if (userIds.length === 0) return [];
  const h = handlerFor(change.entity_type);
  const title = await h.title(trx, change);
  const n = await insertNotification(trx, deps, {
    tenantId: change.tenant_id,
    senderId: actor.userId,
    senderName: actor.displayName,
    title: `待审核：${h.noun}${ACTION_LABELS[change.action]}「${title}」`,
    body: `${actor.displayName}提交了${h.noun}${ACTION_LABELS[change.action]}申请，请在“事项审核”中查看变更对比并审核。变更编号：${change.id}`,
    userIds,
  });
  return [{ topic: NOTIFICATION_TOPIC, payload: n }];
}

async function notifyAuthor(trx: Db, deps: Deps, actor: Actor, change: Change): Promise<OutboxEvent[]> {
  const author = change.submitted_by ?? change.created_by;
  if (!author || author === actor.userId) return [];
  const h = handlerFor(change.entity_type);
  const what = `${h.noun}${ACTION_LABELS[change.action]}「${await h.title(trx, change)}」`;
  const verdict = change.status === 'approved' ? '已审核通过' : '被退回';
  const n = await insertNotification(trx, deps, {
    tenantId: change.tenant_id,
    senderId: actor.userId,
    senderName: actor.displayName,
    title: `${what}${verdict}`,
    body: `您提交的${what}${verdict}。${change.opinion ? `审核意见：${change.opinion}` : ''}`,
    userIds: [author],
  });
  return [{ topic: NOTIFICATION_TOPIC, payload: n }];
}

/** For import: one todo for a whole batch instead of one per row. */
export async function notifyReviewersOfBatch(trx: Db, deps: Deps, actor: Actor, tenantId: string, title: string, body: string): Promise<OutboxEvent[]> {
  const userIds = (await reviewersOf(trx, tenantId)).filter((id) => id !== actor.userId);
  if (userIds.length === 0) return [];
  const n = await insertNotification(trx, deps, { tenantId, senderId: actor.userId, senderName: actor.displayName, title, body, userIds });
  return [{ topic: NOTIFICATION_TOPIC, payload: n }];
}
