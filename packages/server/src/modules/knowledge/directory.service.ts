import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import { AppError, conflict, invalid, notFound } from '../../platform/errors.js';
import { commit } from '../../platform/usecase.js';
import { isEditorial, ownersOfActor, publishedVisible } from './visibility.js';

/**
 * 业务目录: each tenant keeps its own tree and reads its ancestors' trees (inherited, read-only),
 * so a county files local knowledge next to what the region publishes. Directories are never
 * moved, only renamed, reordered or disabled, which keeps the tree free of cycles.
 */

export interface DirectoryView {
  id: string;
  tenantId: string;
  tenantName: string;
  parentId: string | null;
  name: string;
  sort: number;
  enabled: boolean;
  articleCount: number;
  inherited: boolean;
}

export interface DirectoryRow {
  id: string;
  tenant_id: string;
  parent_id: string | null;
  name: string;
  sort: number;
  enabled: boolean;
}

/** Directories the caller may file knowledge in and browse: their tenant's and their ancestors'. */
export async function loadVisibleDirectory(db: Db, actor: Actor, id: string): Promise<DirectoryRow & { tenant_name: string }> {
  const owners = ownersOfActor(actor);
  const row = await db
    .selectFrom('kb_directory')
    .innerJoin('tenant', 'tenant.id', 'kb_directory.tenant_id')
    .select(['kb_directory.id', 'kb_directory.tenant_id', 'kb_directory.parent_id', 'kb_directory.name', 'kb_directory.sort', 'kb_directory.enabled', 'tenant.name as tenant_name'])
    .where('kb_directory.id', '=', id)
    .where('kb_directory.tenant_id', 'in', [...owners.ancestorIds, owners.tenantId])
    .executeTakeFirst();
  if (!row) throw notFound('知识目录');
  return row;
}

async function loadOwnDirectory(db: Db, actor: Actor, id: string): Promise<DirectoryRow> {
  const row = await db.selectFrom('kb_directory').selectAll().where('id', '=', id).where('tenant_id', '=', actor.tenantId).executeTakeFirst();
  if (!row) throw notFound('知识目录');
  return row;
}

export async function listDirectories(deps: Deps, actor: Actor): Promise<{ items: DirectoryView[] }> {
  const owners = ownersOfActor(actor);
  const rows = await deps.db
    .selectFrom('kb_directory')
    .innerJoin('tenant', 'tenant.id', 'kb_directory.tenant_id')
    .select(['kb_directory.id', 'kb_directory.tenant_id', 'kb_directory.parent_id', 'kb_directory.name', 'kb_directory.sort', 'kb_directory.enabled', 'tenant.name as tenant_name', 'tenant.level as tenant_level'])
    .where('kb_directory.tenant_id', 'in', [...owners.ancestorIds, owners.tenantId])
    .orderBy('tenant.level')
    .orderBy('kb_directory.sort')
    .orderBy('kb_directory.name')
    .execute();
  // What the caller can actually open in each directory: their own tenant's working articles
  // (editors) and published knowledge that reaches them.
  const counts = await deps.db
    .selectFrom('kb_article')
    .select(['kb_article.directory_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where((eb) =>
      isEditorial(actor)
        ? eb.or([eb.and([eb('kb_article.tenant_id', '=', actor.tenantId), eb('kb_article.status', '<>', 'recycled')]), publishedVisible(eb, owners)])
        : publishedVisible(eb, owners),
    )
    .groupBy('kb_article.directory_id')
    .execute();
  const byDir = new Map(counts.map((c) => [c.directory_id, Number(c.n)]));
  return {
    items: rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      tenantName: r.tenant_name,
      parentId: r.parent_id,
      name: r.name,
      sort: r.sort,
      enabled: r.enabled,
      articleCount: byDir.get(r.id) ?? 0,
      inherited: r.tenant_id !== actor.tenantId,
    })),
  };
}

async function directoryView(deps: Deps, actor: Actor, id: string): Promise<DirectoryView> {
  const view = (await listDirectories(deps, actor)).items.find((d) => d.id === id);
  if (!view) throw notFound('知识目录');
  return view;
}

async function assertNameFree(db: Db, tenantId: string, parentId: string | null, name: string, exceptId?: string): Promise<void> {
  let q = db.selectFrom('kb_directory').select('id').where('tenant_id', '=', tenantId).where('name', '=', name);
  q = parentId === null ? q.where('parent_id', 'is', null) : q.where('parent_id', '=', parentId);
  if (exceptId) q = q.where('id', '<>', exceptId);
  if (await q.executeTakeFirst()) throw conflict(`同一上级目录下已有名为“${name}”的目录`);
}

export async function createDirectory(deps: Deps, actor: Actor, input: { parentId?: string | null; name: string; sort?: number }): Promise<DirectoryView> {
  const name = input.name.trim();
  if (!name) throw invalid('目录名称不能为空', [{ path: '/name', message: '目录名称不能为空' }]);
  const parentId = input.parentId ?? null;
  // A child under an inherited directory would let a county block the region from deleting its own node.
  if (parentId) await loadOwnDirectory(deps.db, actor, parentId);
  await assertNameFree(deps.db, actor.tenantId, parentId, name);
  const id = randomUUID();
  const now = deps.clock.now();
  const row = { id, tenant_id: actor.tenantId, parent_id: parentId, name, sort: input.sort ?? 0, enabled: true };
  await commit(deps, actor, async (trx) => {
    await trx.insertInto('kb_directory').values({ ...row, created_at: now, updated_at: now }).execute();
    return { result: null, audit: { action: 'kb.directory.create', targetType: 'kb_directory', targetId: id, after: row } };
  });
  return directoryView(deps, actor, id);
}

export async function updateDirectory(deps: Deps, actor: Actor, id: string, patch: { name?: string; sort?: number; enabled?: boolean }): Promise<DirectoryView> {
  const before = await loadOwnDirectory(deps.db, actor, id);
  const after = {
    name: patch.name !== undefined ? patch.name.trim() : before.name,
    sort: patch.sort ?? before.sort,
    enabled: patch.enabled ?? before.enabled,
  };
  if (!after.name) throw invalid('目录名称不能为空', [{ path: '/name', message: '目录名称不能为空' }]);
  if (after.name !== before.name) await assertNameFree(deps.db, actor.tenantId, before.parent_id, after.name, id);
  await commit(deps, actor, async (trx) => {
    await trx.updateTable('kb_directory').set({ ...after, updated_at: deps.clock.now() }).where('id', '=', id).execute();
    return {
      result: null,
      audit: { action: 'kb.directory.update', targetType: 'kb_directory', targetId: id, before: { name: before.name, sort: before.sort, enabled: before.enabled }, after },
    };
  });
  return directoryView(deps, actor, id);
}

export async function deleteDirectory(deps: Deps, actor: Actor, id: string): Promise<void> {
  const dir = await loadOwnDirectory(deps.db, actor, id);
  await commit(deps, actor, async (trx) => {
    // Counted inside the transaction and across tenants and states: a lower tenant's local
    // article or one in the recycle bin still lives here.
    const child = await trx.selectFrom('kb_directory').select('id').where('parent_id', '=', id).limit(1).executeTakeFirst();
    const { n } = await trx.selectFrom('kb_article').select((eb) => eb.fn.countAll<number>().as('n')).where('directory_id', '=', id).executeTakeFirstOrThrow();
    if (child || Number(n) > 0) {
      const what = [child ? '下级目录' : '', Number(n) > 0 ? `${Number(n)} 条知识（含回收站及下级单位的知识）` : ''].filter(Boolean).join('和');
      throw new AppError('KB_DIRECTORY_NOT_EMPTY', `目录“${dir.name}”下还有${what}，不能删除；请先移走或删除其中的内容`, 409);
    }
    await trx.deleteFrom('kb_directory').where('id', '=', id).execute();
    return { result: null, audit: { action: 'kb.directory.delete', targetType: 'kb_directory', targetId: id, before: { name: dir.name, parentId: dir.parent_id, sort: dir.sort } } };
  });
}
