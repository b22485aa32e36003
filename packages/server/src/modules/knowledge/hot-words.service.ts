import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import { conflict, invalid, notFound, type FieldError } from '../../platform/errors.js';
import { commit } from '../../platform/usecase.js';
import { loadReadableArticle } from './article.repo.js';
import { ownersOfActor, ownership, pathIds } from './visibility.js';

/**
 * 热词库: a word, a weight and the knowledge it should lift in search. Each tenant keeps its own
 * list and inherits its ancestors' (read-only), like knowledge itself; a nearer tenant's entry for
 * the same word wins.
 */

export interface HotWordView {
  id: string;
  tenantId: string;
  tenantName: string;
  inherited: boolean;
  word: string;
  weight: number;
  articleIds: string[];
  articles: { id: string; title: string }[];
  /** Searches in the caller's tenant and below whose query contains the word. */
  usageCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface HotWordInput {
  word: string;
  weight?: number;
  articleIds?: string[];
}

export interface EffectiveHotWord {
  word: string;
  weight: number;
  articleIds: string[];
  tenantId: string;
}

/** For search and recommendation: the hot words in force in a tenant (nearest owner wins per word). */
export async function hotWordsFor(db: Db, tenantId: string): Promise<EffectiveHotWord[]> {
  const t = await db.selectFrom('tenant').select('path').where('id', '=', tenantId).executeTakeFirst();
  const chain = t ? pathIds(t.path) : [tenantId];
  const rows = await db.selectFrom('kb_hot_word').select(['word', 'weight', 'article_ids', 'tenant_id']).where('tenant_id', 'in', chain).execute();
  const depth = new Map(chain.map((id, i) => [id, i]));
  const byWord = new Map<string, EffectiveHotWord>();
  for (const r of rows.sort((a, b) => (depth.get(a.tenant_id) ?? 0) - (depth.get(b.tenant_id) ?? 0))) {
    byWord.set(r.word, { word: r.word, weight: Number(r.weight), articleIds: r.article_ids ?? [], tenantId: r.tenant_id });
  }
  return [...byWord.values()];
}

export async function listHotWords(deps: Deps, actor: Actor): Promise<{ items: HotWordView[] }> {
  const owners = ownersOfActor(actor);
  const chain = [...owners.ancestorIds, owners.tenantId];
  const rows = await deps.db
    .selectFrom('kb_hot_word as w')
    .innerJoin('tenant as t', 't.id', 'w.tenant_id')
    .select([
      'w.id',
      'w.tenant_id',
      't.name as tenant_name',
      't.level',
      'w.word',
      'w.weight',
      'w.article_ids',
      'w.created_at',
      'w.updated_at',
      (eb) =>
        eb
          .selectFrom('kb_search_log as l')
          .innerJoin('tenant as lt', 'lt.id', 'l.tenant_id')
          .select((e) => e.fn.countAll<number>().as('n'))
          .where('lt.path', 'like', `${actor.tenantPath}%`)
          .where(sql<boolean>`position(w.word in l.query) > 0`)
          .as('usage_count'),
    ])
    .where('w.tenant_id', 'in', chain)
    .orderBy('t.level')
    .orderBy('w.weight', 'desc')
    .orderBy('w.word')
    .execute();
  const articleIds = [...new Set(rows.flatMap((r) => r.article_ids ?? []))];
  const titles = new Map<string, string>();
  // Only titles the caller may read: a linked article of another tenant's drafts stays unnamed.
  for (const id of articleIds) {
    const a = await loadReadableArticle(deps.db, actor, id).catch(() => undefined);
    if (a) titles.set(id, a.title);
  }
  return {
    items: rows.map((r) => ({
      id: r.id,
      ...ownership(r, actor),
      word: r.word,
      weight: Number(r.weight),
      articleIds: r.article_ids ?? [],
      articles: (r.article_ids ?? []).filter((id) => titles.has(id)).map((id) => ({ id, title: titles.get(id)! })),
      usageCount: Number(r.usage_count ?? 0),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    })),
  };
}

async function checkArticles(deps: Deps, actor: Actor, ids: string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  const errors: FieldError[] = [];
  for (const [i, id] of unique.entries()) {
    if (!(await loadReadableArticle(deps.db, actor, id).catch(() => undefined))) errors.push({ path: `/articleIds/${i}`, message: '关联的知识不存在或无权访问' });
  }
  if (errors.length) throw invalid(errors[0]!.message, errors);
  return unique;
}

async function loadOwnHotWord(db: Db, actor: Actor, id: string) {
  const row = await db.selectFrom('kb_hot_word').selectAll().where('id', '=', id).where('tenant_id', '=', actor.tenantId).executeTakeFirst();
  if (!row) throw notFound('热词');
  return row;
}

async function assertWordFree(db: Db, tenantId: string, word: string, exceptId?: string) {
  let q = db.selectFrom('kb_hot_word').select('id').where('tenant_id', '=', tenantId).where('word', '=', word);
  if (exceptId) q = q.where('id', '<>', exceptId);
  if (await q.executeTakeFirst()) throw conflict(`热词“${word}”已存在，请直接修改`);
}

async function viewOf(deps: Deps, actor: Actor, id: string): Promise<HotWordView> {
  const v = (await listHotWords(deps, actor)).items.find((w) => w.id === id);
  if (!v) throw notFound('热词');
  return v;
}

export async function createHotWord(deps: Deps, actor: Actor, input: HotWordInput): Promise<HotWordView> {
  const word = input.word.trim();
  if (!word) throw invalid('热词不能为空', [{ path: '/word', message: '热词不能为空' }]);
  const articleIds = await checkArticles(deps, actor, input.articleIds ?? []);
  await assertWordFree(deps.db, actor.tenantId, word);
  const id = randomUUID();
  const now = deps.clock.now();
  const row = { word, weight: input.weight ?? 1, articleIds };
  await commit(deps, actor, async (trx) => {
    await trx
      .insertInto('kb_hot_word')
      .values({ id, tenant_id: actor.tenantId, word, weight: row.weight, article_ids: JSON.stringify(articleIds), created_by: actor.userId, created_at: now, updated_at: now })
      .execute();
    return { result: null, audit: { action: 'kb.hot-word.create', targetType: 'kb_hot_word', targetId: id, after: row } };
  });
  return viewOf(deps, actor, id);
}

export async function updateHotWord(deps: Deps, actor: Actor, id: string, patch: Partial<HotWordInput>): Promise<HotWordView> {
  const before = await loadOwnHotWord(deps.db, actor, id);
  const word = patch.word !== undefined ? patch.word.trim() : before.word;
  if (!word) throw invalid('热词不能为空', [{ path: '/word', message: '热词不能为空' }]);
  if (word !== before.word) await assertWordFree(deps.db, actor.tenantId, word, id);
  const articleIds = patch.articleIds !== undefined ? await checkArticles(deps, actor, patch.articleIds) : (before.article_ids ?? []);
  const after = { word, weight: patch.weight ?? Number(before.weight), articleIds };
  await commit(deps, actor, async (trx) => {
    await trx
      .updateTable('kb_hot_word')
      .set({ word, weight: after.weight, article_ids: JSON.stringify(articleIds), updated_at: deps.clock.now() })
      .where('id', '=', id)
      .execute();
    return {
      result: null,
      audit: { action: 'kb.hot-word.update', targetType: 'kb_hot_word', targetId: id, before: { word: before.word, weight: Number(before.weight), articleIds: before.article_ids ?? [] }, after },
    };
  });
  return viewOf(deps, actor, id);
}

export async function deleteHotWord(deps: Deps, actor: Actor, id: string): Promise<void> {
  const before = await loadOwnHotWord(deps.db, actor, id);
  await commit(deps, actor, async (trx) => {
    await trx.deleteFrom('kb_hot_word').where('id', '=', id).execute();
    return { result: null, audit: { action: 'kb.hot-word.delete', targetType: 'kb_hot_word', targetId: id, before: { word: before.word, weight: Number(before.weight), articleIds: before.article_ids ?? [] } } };
  });
}
