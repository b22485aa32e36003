import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { AuditActor } from '../../platform/audit/audit.js';
import type { KbArticleStatus, KbChangeType, KbRevisionState, KbTypeField } from '../../platform/db/schema.js';
import { AppError, invalid, type FieldError } from '../../platform/errors.js';
import { commit, pageOf } from '../../platform/usecase.js';
import { loadVisibleItem } from '../catalog/item.service.js';
import { loadVisibleDirectory } from './directory.service.js';
import { loadType } from './type.service.js';
import { isEditorial } from './visibility.js';
import {
  loadOwnArticle,
  loadReadableArticle,
  loadRevision,
  nextVersion,
  summaryQuery,
  toSummary,
  userNames,
  type ArticleRow,
  type ArticleSummary,
  type RevisionRow,
} from './article.repo.js';

/**
 * The article life cycle (README): content changes only through revisions, and each revision is
 * the 知识工单 of its change. The live revision stays what agents read while a revise revision
 * walks draft → review → publish beside it. Every transition re-reads the article under a row
 * lock inside its transaction, so two reviewers or a reviewer and the scheduler cannot both win.
 */

export const ARTICLE_TOPICS = {
  submitted: 'kb.article.submitted',
  published: 'kb.article.published',
  unpublished: 'kb.article.unpublished',
} as const;

// ---------------------------------------------------------------- views

export interface RevisionView extends Content {
  id: string;
  version: number;
  changeType: KbChangeType;
  state: KbRevisionState;
  note: string;
  authorId: string | null;
  authorName: string | null;
  createdAt: Date;
  submittedAt: Date | null;
  reviewerName: string | null;
  reviewedAt: Date | null;
  reviewOpinion: string | null;
  publishAt: Date | null;
  publisherName: string | null;
  publishedAt: Date | null;
  closedAt: Date | null;
}

export type RevisionSummary = Omit<RevisionView, 'summary' | 'body' | 'fields' | 'keywords' | 'itemIds' | 'basis' | 'source'>;

export interface ArticleDetail extends ArticleSummary {
  live: RevisionView | null;
  open: RevisionView | null;
  history: RevisionSummary[];
  items: { id: string; name: string }[];
  offlineReason: string | null;
  temporaryOffline: boolean;
  recycledAt: Date | null;
  purgeAfter: Date | null;
  /** The caller may edit this article (own tenant, kb:edit). */
  editable: boolean;
}

function revisionView(r: RevisionRow, names: Map<string, string>): RevisionView {
  return {
    id: r.id,
    version: r.version,
    changeType: r.change_type,
    state: r.state,
    title: r.title,
    summary: r.summary,
    body: r.body,
    fields: r.fields ?? {},
    keywords: r.keywords ?? [],
    itemIds: r.item_ids ?? [],
    basis: r.basis,
    source: r.source,
    validTo: r.valid_to,
    note: r.note,
    authorId: r.author_id,
    authorName: r.author_id ? (names.get(r.author_id) ?? null) : null,
    createdAt: r.created_at,
    submittedAt: r.submitted_at,
    reviewerName: r.reviewed_by ? (names.get(r.reviewed_by) ?? null) : null,
    reviewedAt: r.reviewed_at,
    reviewOpinion: r.review_opinion,
    publishAt: r.publish_at,
    publisherName: r.published_by ? (names.get(r.published_by) ?? null) : null,
    publishedAt: r.published_at,
    closedAt: r.closed_at,
  };
}

function revisionSummary(v: RevisionView): RevisionSummary {
  const { summary: _s, body: _b, fields: _f, keywords: _k, itemIds: _i, basis: _ba, source: _so, ...rest } = v;
  return rest;
}

/** Names of linked catalogue items the caller can see (an item they cannot see is left out, not leaked). */
async function itemsOf(deps: Deps, actor: Actor, ids: string[]): Promise<{ id: string; name: string }[]> {
  const out: { id: string; name: string }[] = [];
  for (const id of ids) {
    const item = await loadVisibleItem(deps.db, actor, id).catch(() => undefined);
    if (item) out.push({ id, name: item.name });
  }
  return out;
}

export async function getArticle(deps: Deps, actor: Actor, id: string): Promise<ArticleDetail> {
  const row = await loadReadableArticle(deps.db, actor, id);
  const summary = toSummary(await summaryQuery(deps.db).where('kb_article.id', '=', id).executeTakeFirstOrThrow());
  const editorial = row.tenant_id === actor.tenantId && isEditorial(actor);
  const revisions = editorial
    ? await deps.db.selectFrom('kb_revision').selectAll().where('article_id', '=', id).orderBy('version', 'desc').execute()
    : row.live_revision_id
      ? [await loadRevision(deps.db, row.live_revision_id)]
      : [];
  const names = await userNames(
    deps.db,
    revisions.flatMap((r) => [r.author_id, r.reviewed_by, r.published_by]),
  );
  const views = new Map(revisions.map((r) => [r.id, revisionView(r, names)]));
  const live = row.live_revision_id ? (views.get(row.live_revision_id) ?? null) : null;
  const open = editorial && row.open_revision_id ? (views.get(row.open_revision_id) ?? null) : null;
  return {
    ...summary,
    live,
    open,
    history: editorial ? [...views.values()].map(revisionSummary) : [],
    items: await itemsOf(deps, actor, (open ?? live)?.itemIds ?? []),
    offlineReason: editorial ? row.offline_reason : null,
    temporaryOffline: row.temporary_offline,
    recycledAt: editorial ? row.recycled_at : null,
    purgeAfter: editorial ? row.purge_after : null,
    editable: row.tenant_id === actor.tenantId && actor.permissions.has('kb:edit'),
  };
}

// ---------------------------------------------------------------- content

export interface ContentInput {
  title: string;
  summary?: string;
  body: string;
  fields?: Record<string, string>;
  keywords?: string[];
  itemIds?: string[];
  basis?: string;
  source?: string;
  validTo?: string | null;
}

export interface CreateArticleInput extends ContentInput {
  directoryId: string;
  typeCode: string;
  scope?: 'subtree' | 'tenant';
}

/** What an editor writes: one revision's content. */
export interface Content {
  title: string;
  summary: string;
  body: string;
  fields: Record<string, string>;
  keywords: string[];
  itemIds: string[];
  basis: string;
  source: string;
  validTo: string | null;
}

const isRealDate = (d: string) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;

/**
 * Trims and checks content against the type's template. Keys the template does not know are
 * dropped (a template may lose a field after articles were written); item links must point at
 * catalogue items the editor can see.
 */
async function normaliseContent(deps: Deps, actor: Actor, template: KbTypeField[], input: ContentInput): Promise<Content> {
  const errors: FieldError[] = [];
  const title = input.title.trim();
  if (!title) errors.push({ path: '/title', message: '标题不能为空' });
  const fields: Record<string, string> = {};
  for (const f of template) {
    const v = input.fields?.[f.key]?.trim();
    if (!v) continue;
    if (f.kind === 'date' && !isRealDate(v)) errors.push({ path: `/fields/${f.key}`, message: `“${f.label}”应为日期（YYYY-MM-DD）` });
    fields[f.key] = v;
  }
  const validTo = input.validTo?.trim() || null;
  if (validTo && !isRealDate(validTo)) errors.push({ path: '/validTo', message: '有效期应为日期（YYYY-MM-DD）' });
  const itemIds = [...new Set(input.itemIds ?? [])];
  for (const [i, id] of itemIds.entries()) {
    if (!(await loadVisibleItem(deps.db, actor, id).catch(() => undefined))) errors.push({ path: `/itemIds/${i}`, message: '关联的诉求事项不存在或无权访问' });
  }
  if (errors.length) throw invalid(errors[0]!.message, errors);
  return {
    title,
    summary: input.summary?.trim() ?? '',
    body: input.body,
    fields,
    keywords: [...new Set((input.keywords ?? []).map((k) => k.trim()).filter(Boolean))],
    itemIds,
    basis: input.basis?.trim() ?? '',
    source: input.source?.trim() ?? '',
    validTo,
  };
}

function contentOf(r: RevisionRow): Content {
  return { title: r.title, summary: r.summary, body: r.body, fields: r.fields ?? {}, keywords: r.keywords ?? [], itemIds: r.item_ids ?? [], basis: r.basis, source: r.source, validTo: r.valid_to };
}

const contentColumns = (c: Content) => ({
  title: c.title,
  summary: c.summary,
  body: c.body,
  fields: JSON.stringify(c.fields),
  keywords: JSON.stringify(c.keywords),
  item_ids: JSON.stringify(c.itemIds),
  basis: c.basis,
  source: c.source,
  valid_to: c.validTo,
});

/** What submit refuses without: the 采编依据, the body and every required template field. */
function missingFields(template: KbTypeField[], c: Content): FieldError[] {
  const missing: FieldError[] = [];
  if (!c.body.trim()) missing.push({ path: '/body', message: '正文' });
  if (!c.basis) missing.push({ path: '/basis', message: '采编依据' });
  for (const f of template) if (f.required && !c.fields[f.key]?.trim()) missing.push({ path: `/fields/${f.key}`, message: f.label });
  return missing;
}

async function templateOf(db: Db, typeCode: string): Promise<KbTypeField[]> {
  return (await loadType(db, typeCode))?.template.fields ?? [];
}

/** Before the first publication the article's status walks with its only revision. */
const followsRevision = (status: KbArticleStatus) => status !== 'published' && status !== 'offline';

async function insertRevision(trx: Db, deps: Deps, articleId: string, changeType: KbChangeType, state: KbRevisionState, c: Content, extra: { author: string | null; note?: string; submitted?: boolean; closed?: boolean }) {
  const id = randomUUID();
  const now = deps.clock.now();
  const version = await nextVersion(trx, articleId);
  await trx
    .insertInto('kb_revision')
    .values({
      id,
      article_id: articleId,
      version,
      change_type: changeType,
      state,
      ...contentColumns(c),
      note: extra.note ?? '',
      author_id: extra.author,
      created_at: now,
      submitted_at: extra.submitted ? now : null,
      closed_at: extra.closed ? now : null,
    })
    .execute();
  return { id, version };
}

const auditOf = (action: string, article: ArticleRow, detail: Record<string, unknown>, before?: Record<string, unknown>, after?: Record<string, unknown>) => ({
  action,
  targetType: 'kb_article',
  targetId: article.id,
  tenantId: article.tenant_id,
  detail: { title: article.title, ...detail },
  ...(before ? { before } : {}),
  ...(after ? { after } : {}),
});

const stateError = (message: string) => new AppError('KB_INVALID_STATE', message, 409);

// ---------------------------------------------------------------- use cases

export async function createArticle(deps: Deps, actor: Actor, input: CreateArticleInput): Promise<ArticleDetail> {
  const dir = await loadVisibleDirectory(deps.db, actor, input.directoryId);
  if (!dir.enabled) throw invalid(`目录“${dir.name}”已停用，不能新增知识`, [{ path: '/directoryId', message: '目录已停用' }]);
  const type = await loadType(deps.db, input.typeCode);
  if (!type || !type.enabled) throw invalid('知识类型不存在或已停用', [{ path: '/typeCode', message: '知识类型不存在或已停用' }]);
  const content = await normaliseContent(deps, actor, type.template.fields, input);
  const id = randomUUID();
  const now = deps.clock.now();
  await commit(deps, actor, async (trx) => {
    await trx
      .insertInto('kb_article')
      .values({ id, tenant_id: actor.tenantId, directory_id: dir.id, type_code: type.code, scope: input.scope ?? 'subtree', status: 'draft', title: content.title, temporary_offline: false, created_by: actor.userId, created_at: now, updated_at: now })
      .execute();
    const rev = await insertRevision(trx, deps, id, 'create', 'draft', content, { author: actor.userId });
    await trx.updateTable('kb_article').set({ open_revision_id: rev.id }).where('id', '=', id).execute();
    return {
      result: null,
      audit: { action: 'kb.article.create', targetType: 'kb_article', targetId: id, after: { directoryId: dir.id, typeCode: type.code, scope: input.scope ?? 'subtree', revisionId: rev.id, version: rev.version, title: content.title } },
    };
  });
  return getArticle(deps, actor, id);
}

/** Edits the open draft, or opens a revise draft from the live content; the live one stays readable. */
export async function saveDraft(deps: Deps, actor: Actor, id: string, input: ContentInput): Promise<ArticleDetail> {
  const pre = await loadOwnArticle(deps.db, actor, id);
  const content = await normaliseContent(deps, actor, await templateOf(deps.db, pre.type_code), input);
  await commit(deps, actor, async (trx) => {
    const article = await loadOwnArticle(trx, actor, id, true);
    if (article.status === 'recycled') throw stateError('回收站中的知识不能编辑，请先恢复');
    let revisionId: string;
    let version: number;
    let changeType: KbChangeType;
    if (article.open_revision_id) {
      const open = await loadRevision(trx, article.open_revision_id);
      if (open.state !== 'draft') throw stateError(open.state === 'pending_review' ? '该知识正在审核中，不能修改；审核退回后可再修改' : '该知识已审核通过、等待发布，不能修改');
      await trx.updateTable('kb_revision').set(contentColumns(content)).where('id', '=', open.id).execute();
      ({ id: revisionId, version, change_type: changeType } = open);
    } else {
      const rev = await insertRevision(trx, deps, id, 'revise', 'draft', content, { author: actor.userId });
      await trx.updateTable('kb_article').set({ open_revision_id: rev.id }).where('id', '=', id).execute();
      ({ id: revisionId, version } = rev);
      changeType = 'revise';
    }
    await trx
      .updateTable('kb_article')
      .set({ updated_at: deps.clock.now(), ...(followsRevision(article.status) ? { title: content.title } : {}) })
      .where('id', '=', id)
      .execute();
    return { result: null, audit: auditOf('kb.article.draft', article, { revisionId, version, changeType }, undefined, { title: content.title }) };
  });
  return getArticle(deps, actor, id);
}

export async function submitArticle(deps: Deps, actor: Actor, id: string): Promise<ArticleDetail> {
  await commit(deps, actor, async (trx) => {
    const article = await loadOwnArticle(trx, actor, id, true);
    const open = article.open_revision_id ? await loadRevision(trx, article.open_revision_id) : undefined;
    if (!open || open.state !== 'draft') throw stateError('没有待提交的草稿');
    const missing = missingFields(await templateOf(trx, article.type_code), contentOf(open));
    if (missing.length) {
      throw new AppError('KB_REQUIRED_FIELDS', `以下必填项未填写，不能提交审核：${missing.map((m) => m.message).join('、')}`, 422, missing);
    }
    const now = deps.clock.now();
    await trx.updateTable('kb_revision').set({ state: 'pending_review', submitted_at: now, reviewed_by: null, reviewed_at: null, review_opinion: null }).where('id', '=', open.id).execute();
    await trx.updateTable('kb_article').set({ updated_at: now, ...(followsRevision(article.status) ? { status: 'pending_review' as const } : {}) }).where('id', '=', id).execute();
    return {
      result: null,
      audit: auditOf('kb.article.submit', article, { revisionId: open.id, version: open.version, changeType: open.change_type }),
      events: [{ topic: ARTICLE_TOPICS.submitted, payload: { articleId: id, revisionId: open.id, tenantId: article.tenant_id, title: open.title } }],
    };
  });
  return getArticle(deps, actor, id);
}

export async function reviewArticle(deps: Deps, actor: Actor, id: string, input: { decision: 'approve' | 'return'; opinion?: string }): Promise<ArticleDetail> {
  const opinion = input.opinion?.trim() ?? '';
  if (input.decision === 'return' && !opinion) throw invalid('退回时请填写审核意见', [{ path: '/opinion', message: '退回时请填写审核意见' }]);
  await commit(deps, actor, async (trx) => {
    const article = await loadOwnArticle(trx, actor, id, true);
    const open = article.open_revision_id ? await loadRevision(trx, article.open_revision_id) : undefined;
    if (!open || open.state !== 'pending_review') throw stateError('该知识没有待审核的修改');
    // 采审分离: whoever wrote the change may not approve it, or review would be a formality.
    if (open.author_id === actor.userId) throw new AppError('KB_SELF_REVIEW', '不能审核自己编写的知识，请由其他审核人员审核', 403);
    const now = deps.clock.now();
    const state = input.decision === 'approve' ? 'pending_publish' : 'draft';
    await trx.updateTable('kb_revision').set({ state, reviewed_by: actor.userId, reviewed_at: now, review_opinion: opinion || null }).where('id', '=', open.id).execute();
    await trx.updateTable('kb_article').set({ updated_at: now, ...(followsRevision(article.status) ? { status: state } : {}) }).where('id', '=', id).execute();
    return { result: null, audit: auditOf(`kb.article.review.${input.decision}`, article, { revisionId: open.id, version: open.version, opinion }) };
  });
  return getArticle(deps, actor, id);
}

/**
 * Makes `rev` the live revision. The previous live one is superseded; the expiry reminder is
 * re-armed only when the validity date changed, so republishing does not nag twice.
 */
async function publishRevision(trx: Db, deps: Deps, article: ArticleRow, rev: RevisionRow, publishedBy: string | null) {
  const now = deps.clock.now();
  const previous = article.live_revision_id ? await loadRevision(trx, article.live_revision_id) : undefined;
  if (previous && previous.id !== rev.id) await trx.updateTable('kb_revision').set({ state: 'superseded', closed_at: previous.closed_at ?? now }).where('id', '=', previous.id).execute();
  await trx.updateTable('kb_revision').set({ state: 'published', published_by: publishedBy, published_at: now, closed_at: now }).where('id', '=', rev.id).execute();
  await trx
    .updateTable('kb_article')
    .set({
      status: 'published',
      title: rev.title,
      live_revision_id: rev.id,
      open_revision_id: null,
      published_at: now,
      offline_reason: null,
      temporary_offline: false,
      recycled_at: null,
      recycled_by: null,
      purge_after: null,
      ...(previous?.valid_to !== rev.valid_to ? { expiry_notified_at: null } : {}),
      updated_at: now,
    })
    .where('id', '=', article.id)
    .execute();
  return { topic: ARTICLE_TOPICS.published, payload: { articleId: article.id, revisionId: rev.id, version: rev.version, tenantId: article.tenant_id, scope: article.scope, title: rev.title } };
}

/** 立即发布 without `at` (or a time already past); 预约发布 with a later time, done by the worker. */
export async function publishArticle(deps: Deps, actor: Actor, id: string, input: { at?: string }): Promise<ArticleDetail> {
  const at = input.at ? new Date(input.at) : undefined;
  if (at && Number.isNaN(at.getTime())) throw invalid('发布时间格式错误', [{ path: '/at', message: '应为 ISO 时间' }]);
  await commit(deps, actor, async (trx) => {
    const article = await loadOwnArticle(trx, actor, id, true);
    const open = article.open_revision_id ? await loadRevision(trx, article.open_revision_id) : undefined;
    if (!open || open.state !== 'pending_publish') throw stateError('该知识没有待发布的修改（需先审核通过）');
    if (at && at.getTime() > deps.clock.now().getTime()) {
      await trx.updateTable('kb_revision').set({ publish_at: at, published_by: actor.userId }).where('id', '=', open.id).execute();
      return { result: null, audit: auditOf('kb.article.publish.schedule', article, { revisionId: open.id, version: open.version, at: at.toISOString() }) };
    }
    await trx.updateTable('kb_revision').set({ publish_at: null }).where('id', '=', open.id).execute();
    const event = await publishRevision(trx, deps, article, open, actor.userId);
    return { result: null, audit: auditOf('kb.article.publish', article, { revisionId: open.id, version: open.version, changeType: open.change_type }), events: [event] };
  });
  return getArticle(deps, actor, id);
}

export async function unpublishArticle(deps: Deps, actor: Actor, id: string, input: { reason: string; temporary?: boolean }): Promise<ArticleDetail> {
  const reason = input.reason.trim();
  if (!reason) throw invalid('请填写下架原因', [{ path: '/reason', message: '请填写下架原因' }]);
  await commit(deps, actor, async (trx) => {
    const article = await loadOwnArticle(trx, actor, id, true);
    if (article.status !== 'published' || !article.live_revision_id) throw stateError('只有已发布的知识可以下架');
    const live = await loadRevision(trx, article.live_revision_id);
    // The 撤销 work order: applied at once, carrying the reason and the content it took down.
    const rev = await insertRevision(trx, deps, id, 'withdraw', 'applied', contentOf(live), { author: actor.userId, note: reason, submitted: true, closed: true });
    await trx
      .updateTable('kb_article')
      .set({ status: 'offline', offline_reason: reason, temporary_offline: input.temporary ?? false, updated_at: deps.clock.now() })
      .where('id', '=', id)
      .execute();
    return {
      result: null,
      audit: auditOf('kb.article.unpublish', article, { revisionId: rev.id, version: rev.version, reason, temporary: input.temporary ?? false }),
      events: [{ topic: ARTICLE_TOPICS.unpublished, payload: { articleId: id, tenantId: article.tenant_id, reason } }],
    };
  });
  return getArticle(deps, actor, id);
}

async function closeOpenRevision(trx: Db, deps: Deps, article: ArticleRow, note: string): Promise<void> {
  if (!article.open_revision_id) return;
  await trx.updateTable('kb_revision').set({ state: 'discarded', closed_at: deps.clock.now(), note }).where('id', '=', article.open_revision_id).execute();
}

async function recycledFields(deps: Deps, actor: Actor | null, reason: string) {
  const now = deps.clock.now();
  const days = await deps.params.int('system.kbRecycleRetentionDays');
  return {
    status: 'recycled' as const,
    open_revision_id: null,
    offline_reason: reason,
    recycled_at: now,
    recycled_by: actor?.userId ?? null,
    purge_after: new Date(now.getTime() + days * 86_400_000),
    updated_at: now,
  };
}

/** Offline knowledge, or a draft never published, goes to the recycle bin until the purge. */
export async function recycleArticle(deps: Deps, actor: Actor, id: string, input: { reason: string }): Promise<ArticleDetail> {
  const reason = input.reason.trim();
  if (!reason) throw invalid('请填写放入回收站的原因', [{ path: '/reason', message: '请填写原因' }]);
  const fields = await recycledFields(deps, actor, reason);
  await commit(deps, actor, async (trx) => {
    const article = await loadOwnArticle(trx, actor, id, true);
    if (article.status !== 'offline' && article.status !== 'draft') throw stateError('只有已下架或未发布的草稿可以放入回收站；已发布的知识请先下架');
    await closeOpenRevision(trx, deps, article, `放入回收站：${reason}`);
    await trx.updateTable('kb_article').set(fields).where('id', '=', id).execute();
    return { result: null, audit: auditOf('kb.article.recycle', article, { reason, purgeAfter: fields.purge_after.toISOString() }) };
  });
  return getArticle(deps, actor, id);
}

/** Restoring reopens the last content as a restore work order that must pass review again. */
export async function restoreArticle(deps: Deps, actor: Actor, id: string): Promise<ArticleDetail> {
  await commit(deps, actor, async (trx) => {
    const article = await loadOwnArticle(trx, actor, id, true);
    if (article.status !== 'recycled') throw stateError('只有回收站中的知识可以恢复');
    const source = article.live_revision_id
      ? await loadRevision(trx, article.live_revision_id)
      : await trx.selectFrom('kb_revision').selectAll().where('article_id', '=', id).orderBy('version', 'desc').limit(1).executeTakeFirstOrThrow();
    const content = contentOf(source);
    // A never-completed draft cannot go straight to review; it comes back as a draft to finish.
    const complete = missingFields(await templateOf(trx, article.type_code), content).length === 0;
    const state = complete ? 'pending_review' : 'draft';
    const rev = await insertRevision(trx, deps, id, 'restore', state, content, { author: actor.userId, submitted: complete });
    await trx
      .updateTable('kb_article')
      .set({ status: state, open_revision_id: rev.id, recycled_at: null, recycled_by: null, purge_after: null, offline_reason: null, updated_at: deps.clock.now() })
      .where('id', '=', id)
      .execute();
    return { result: null, audit: auditOf('kb.article.restore', article, { revisionId: rev.id, version: rev.version, state }) };
  });
  return getArticle(deps, actor, id);
}

/** Drops the open draft. Without published content left, the article itself goes to the recycle bin. */
export async function discardDraft(deps: Deps, actor: Actor, id: string): Promise<ArticleDetail> {
  const fields = await recycledFields(deps, actor, '放弃未发布的草稿');
  await commit(deps, actor, async (trx) => {
    const article = await loadOwnArticle(trx, actor, id, true);
    const open = article.open_revision_id ? await loadRevision(trx, article.open_revision_id) : undefined;
    if (!open || open.state !== 'draft') throw stateError('没有可放弃的草稿（审核中的修改需先退回）');
    await trx.updateTable('kb_revision').set({ state: 'discarded', closed_at: deps.clock.now() }).where('id', '=', open.id).execute();
    if (followsRevision(article.status)) await trx.updateTable('kb_article').set(fields).where('id', '=', id).execute();
    else await trx.updateTable('kb_article').set({ open_revision_id: null, updated_at: deps.clock.now() }).where('id', '=', id).execute();
    return { result: null, audit: auditOf('kb.article.discard', article, { revisionId: open.id, version: open.version, changeType: open.change_type }) };
  });
  return getArticle(deps, actor, id);
}

// ---------------------------------------------------------------- lists

export interface ArticleListQuery {
  status?: KbArticleStatus;
  typeCode?: string;
  directoryId?: string;
  q?: string;
  page?: number;
  pageSize?: number;
}

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The caller's own tenant's articles in every state; the recycle bin only when asked for. */
export async function listArticles(deps: Deps, actor: Actor, q: ArticleListQuery): Promise<{ total: number; items: ArticleSummary[] }> {
  const { page, pageSize } = pageOf(q);
  let base = summaryQuery(deps.db).where('kb_article.tenant_id', '=', actor.tenantId);
  base = q.status ? base.where('kb_article.status', '=', q.status) : base.where('kb_article.status', '<>', 'recycled');
  if (q.typeCode) base = base.where('kb_article.type_code', '=', q.typeCode);
  if (q.directoryId) base = base.where('kb_article.directory_id', '=', q.directoryId);
  if (q.q?.trim()) base = base.where('kb_article.title', 'ilike', likePattern(q.q.trim()));
  const { total } = await base.clearSelect().select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base.orderBy('kb_article.updated_at', 'desc').orderBy('kb_article.id').limit(pageSize).offset((page - 1) * pageSize).execute();
  return { total: Number(total), items: rows.map(toSummary) };
}

/** 待办: pending_review for reviewers, pending_publish for publishers, in the caller's tenant. */
export async function listReviews(deps: Deps, actor: Actor) {
  const states: KbRevisionState[] = [];
  if (actor.permissions.has('kb:review')) states.push('pending_review');
  if (actor.permissions.has('kb:publish')) states.push('pending_publish');
  if (states.length === 0) return { items: [] };
  const rows = await deps.db
    .selectFrom('kb_revision as r')
    .innerJoin('kb_article as a', (j) => j.onRef('a.id', '=', 'r.article_id').onRef('a.open_revision_id', '=', 'r.id'))
    .leftJoin('app_user as u', 'u.id', 'r.author_id')
    .select(['r.article_id', 'r.id', 'r.version', 'r.change_type', 'r.state', 'r.title', 'u.display_name', 'r.submitted_at', 'r.publish_at', 'r.reviewed_at'])
    .where('a.tenant_id', '=', actor.tenantId)
    .where('r.state', 'in', states)
    .orderBy('r.submitted_at')
    .orderBy('r.id')
    .execute();
  return {
    items: rows.map((r) => ({
      articleId: r.article_id,
      revisionId: r.id,
      version: r.version,
      changeType: r.change_type,
      state: r.state,
      title: r.title,
      authorName: r.display_name,
      submittedAt: r.submitted_at,
      reviewedAt: r.reviewed_at,
      publishAt: r.publish_at,
    })),
  };
}

/** 知识工单: every revision of the tenant's articles, newest first. */
export async function listWorkOrders(deps: Deps, actor: Actor, q: { changeType?: KbChangeType; state?: KbRevisionState; page?: number; pageSize?: number }) {
  const { page, pageSize } = pageOf(q);
  let base = deps.db
    .selectFrom('kb_revision as r')
    .innerJoin('kb_article as a', 'a.id', 'r.article_id')
    .leftJoin('app_user as u', 'u.id', 'r.author_id')
    .where('a.tenant_id', '=', actor.tenantId);
  if (q.changeType) base = base.where('r.change_type', '=', q.changeType);
  if (q.state) base = base.where('r.state', '=', q.state);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .select(['r.id', 'r.article_id', 'r.title', 'r.change_type', 'r.state', 'r.version', 'u.display_name', 'r.created_at', 'r.closed_at', 'r.note', 'r.review_opinion'])
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return {
    total: Number(total),
    items: rows.map((r) => ({
      revisionId: r.id,
      articleId: r.article_id,
      title: r.title,
      changeType: r.change_type,
      state: r.state,
      version: r.version,
      authorName: r.display_name,
      createdAt: r.created_at,
      closedAt: r.closed_at,
      note: r.note || r.review_opinion || '',
    })),
  };
}

export async function listRecycleBin(deps: Deps, actor: Actor) {
  const rows = await deps.db
    .selectFrom('kb_article as a')
    .leftJoin('app_user as u', 'u.id', 'a.recycled_by')
    .innerJoin('kb_type as t', 't.code', 'a.type_code')
    .innerJoin('kb_directory as d', 'd.id', 'a.directory_id')
    .select(['a.id', 'a.title', 'a.offline_reason', 'u.display_name', 'a.recycled_at', 'a.purge_after', 'a.type_code', 't.name as type_name', 'a.directory_id', 'd.name as directory_name'])
    .where('a.tenant_id', '=', actor.tenantId)
    .where('a.status', '=', 'recycled')
    .orderBy('a.recycled_at', 'desc')
    .orderBy('a.id')
    .execute();
  return {
    items: rows.map((r) => ({
      id: r.id,
      title: r.title,
      reason: r.offline_reason ?? '',
      recycledBy: r.display_name,
      recycledAt: r.recycled_at,
      purgeAfter: r.purge_after,
      typeCode: r.type_code,
      typeName: r.type_name,
      directoryId: r.directory_id,
      directoryName: r.directory_name,
    })),
  };
}

// ---------------------------------------------------------------- jobs

export const KB_SCHEDULER: AuditActor = { userId: null, name: '系统（知识库定时任务）', tenantId: null, ip: '127.0.0.1', userAgent: 'kb-scheduler' };

/** 预约发布: revisions whose time has come. Each one commits on its own so one failure stops none. */
export async function publishDue(deps: Deps): Promise<number> {
  const due = await deps.db
    .selectFrom('kb_revision')
    .select(['id', 'article_id'])
    .where('state', '=', 'pending_publish')
    .where('publish_at', 'is not', null)
    .where('publish_at', '<=', deps.clock.now())
    .execute();
  let n = 0;
  for (const d of due) {
    const done = await commit(deps, KB_SCHEDULER, async (trx) => {
      const article = await trx.selectFrom('kb_article').selectAll().where('id', '=', d.article_id).forUpdate().executeTakeFirst();
      const rev = await loadRevision(trx, d.id);
      // Re-checked under the lock: an editor may have published or returned it meanwhile.
      if (!article || article.open_revision_id !== rev.id || rev.state !== 'pending_publish' || !rev.publish_at || rev.publish_at > deps.clock.now()) {
        return { result: false, audit: [] };
      }
      const event = await publishRevision(trx, deps, article, rev, rev.published_by);
      return { result: true, audit: auditOf('kb.article.publish', article, { revisionId: rev.id, version: rev.version, scheduled: true, at: rev.publish_at.toISOString() }), events: [event] };
    });
    if (done) n++;
  }
  return n;
}

/** Physically deletes recycled knowledge past its retention; the audit row is the recycle-bin log. */
export async function purgeExpired(deps: Deps): Promise<number> {
  const due = await deps.db.selectFrom('kb_article').select('id').where('status', '=', 'recycled').where('purge_after', '<=', deps.clock.now()).execute();
  let n = 0;
  for (const d of due) {
    const done = await commit(deps, KB_SCHEDULER, async (trx) => {
      const article = await trx.selectFrom('kb_article').selectAll().where('id', '=', d.id).forUpdate().executeTakeFirst();
      if (!article || article.status !== 'recycled' || !article.purge_after || article.purge_after > deps.clock.now()) return { result: false, audit: [] };
      const { versions } = await trx.selectFrom('kb_revision').select((eb) => eb.fn.countAll<number>().as('versions')).where('article_id', '=', d.id).executeTakeFirstOrThrow();
      await trx
        .updateTable('kb_hot_word')
        .set({ article_ids: sql<string>`article_ids - ${d.id}::text` })
        .where('tenant_id', '=', article.tenant_id)
        .execute();
      // Revisions and usage go with the article (on delete cascade).
      await trx.deleteFrom('kb_article').where('id', '=', d.id).execute();
      return {
        result: true,
        audit: {
          action: 'kb.article.purge',
          targetType: 'kb_article',
          targetId: d.id,
          tenantId: article.tenant_id,
          before: { title: article.title, typeCode: article.type_code, directoryId: article.directory_id, reason: article.offline_reason, recycledBy: article.recycled_by, recycledAt: article.recycled_at?.toISOString() ?? null, versions: Number(versions) },
        },
      };
    });
    if (done) n++;
  }
  return n;
}
