import type { Actor, Deps } from '../../platform/context.js';
import type { Db } from '../../platform/db/database.js';
import { conflict, invalid, notFound } from '../../platform/errors.js';
import { commit } from '../../platform/usecase.js';
import { loadVisibleUser } from '../identity/user.service.js';

/**
 * Agent extensions (坐席分机号): which user answers on which extension. The media role's registrar
 * is installation-wide, so an extension is unique across tenants; an administrator assigns
 * extensions to the users of their own tenant only. The softphone registers the caller's own
 * extension and nothing else.
 */
const EXTENSION = /^[0-9]{3,8}$/;

export interface AgentView {
  userId: string;
  username: string;
  displayName: string;
  extension: string;
  updatedAt: Date;
}

export async function listAgents(deps: Deps, actor: Actor): Promise<AgentView[]> {
  const rows = await deps.db
    .selectFrom('telephony_agent')
    .innerJoin('app_user', 'app_user.id', 'telephony_agent.user_id')
    .select(['telephony_agent.user_id', 'app_user.username', 'app_user.display_name', 'telephony_agent.extension', 'telephony_agent.updated_at'])
    .where('telephony_agent.tenant_id', '=', actor.tenantId)
    .orderBy('telephony_agent.extension')
    .execute();
  return rows.map((r) => ({ userId: r.user_id, username: r.username, displayName: r.display_name, extension: r.extension, updatedAt: r.updated_at }));
}

export async function assignExtension(deps: Deps, actor: Actor, userId: string, extension: string): Promise<AgentView> {
  if (!EXTENSION.test(extension)) throw invalid('分机号应为3至8位数字');
  const user = await loadVisibleUser(deps.db, actor, userId);
  if (user.tenant_id !== actor.tenantId) throw notFound('用户');
  return commit(deps, actor, async (trx) => {
    const taken = await trx.selectFrom('telephony_agent').select('user_id').where('extension', '=', extension).executeTakeFirst();
    if (taken && taken.user_id !== userId) throw conflict(`分机号${extension}已分配给其他坐席`);
    const now = deps.clock.now();
    await trx
      .insertInto('telephony_agent')
      .values({ tenant_id: actor.tenantId, user_id: userId, extension, display_name: user.display_name, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ extension, display_name: user.display_name, updated_at: now }))
      .execute();
    return {
      result: { userId, username: user.username, displayName: user.display_name, extension, updatedAt: now },
      audit: { action: 'telephony.agent.assign', targetType: 'app_user', targetId: userId, detail: { extension } },
    };
  });
}

export async function removeExtension(deps: Deps, actor: Actor, userId: string): Promise<void> {
  await commit(deps, actor, async (trx) => {
    const row = await trx.deleteFrom('telephony_agent').where('user_id', '=', userId).where('tenant_id', '=', actor.tenantId).returning('extension').executeTakeFirst();
    if (!row) throw notFound('坐席分机');
    return { result: undefined, audit: { action: 'telephony.agent.remove', targetType: 'app_user', targetId: userId, detail: { extension: row.extension } } };
  });
}

/** The extension the user answers on, if any. */
export async function extensionOf(db: Db, userId: string): Promise<string | undefined> {
  const row = await db.selectFrom('telephony_agent').select('extension').where('user_id', '=', userId).executeTakeFirst();
  return row?.extension;
}
