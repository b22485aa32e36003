import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import { invalid, notFound } from '../../platform/errors.js';
import { tenantVisible } from '../../platform/scope.js';
import { commit, pageOf } from '../../platform/usecase.js';

/** In-app notifications (站内信), pushed live over WebSocket through the bus after commit. */
export const NOTIFICATION_TOPIC = 'notification.created';
export const userChannel = (userId: string) => `user:${userId}`;

export interface Target {
  type: 'user' | 'org';
  id: string;
}

async function resolveRecipients(trx: Db, actor: Actor, targets: Target[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const t of targets) {
    if (t.type === 'user') {
      const u = await trx
        .selectFrom('app_user')
        .select('id')
        .where('id', '=', t.id)
        .where('deleted_at', 'is', null)
        .where((eb) => tenantVisible(eb, 'app_user.tenant_id', actor))
        .executeTakeFirst();
      if (!u) throw notFound('接收用户');
      ids.add(u.id);
    } else {
      const org = await trx.selectFrom('org').select(['id', 'path']).where('id', '=', t.id).where((eb) => tenantVisible(eb, 'org.tenant_id', actor)).executeTakeFirst();
      if (!org) throw notFound('接收机构');
      const members = await trx
        .selectFrom('app_user')
        .innerJoin('org', 'org.id', 'app_user.org_id')
        .select('app_user.id')
        .where('org.path', 'like', `${org.path}%`)
        .where('app_user.deleted_at', 'is', null)
        .execute();
      members.forEach((m) => ids.add(m.id));
    }
  }
  return [...ids];
}

export async function sendNotification(deps: Deps, actor: Actor, input: { title: string; body: string; targets: Target[] }) {
  return commit(deps, actor, async (trx) => {
    const userIds = await resolveRecipients(trx, actor, input.targets);
    if (userIds.length === 0) throw invalid('没有可接收消息的用户');
    const n = await insertNotification(trx, deps, { tenantId: actor.tenantId, senderId: actor.userId, senderName: actor.displayName, title: input.title, body: input.body, userIds });
    return {
      result: { id: n.id, recipients: userIds.length },
      audit: { action: 'notification.send', targetType: 'notification', targetId: n.id, detail: { title: input.title, targets: input.targets, recipients: userIds.length } },
      events: [{ topic: NOTIFICATION_TOPIC, payload: n }],
    };
  });
}

/** For other modules: write a system notification inside their own transaction. */
export async function insertNotification(
  trx: Db,
  deps: Pick<Deps, 'clock'>,
  input: { tenantId: string; senderId: string | null; senderName: string; title: string; body: string; userIds: string[] },
) {
  const id = randomUUID();
  const createdAt = deps.clock.now();
  await trx.insertInto('notification').values({ id, tenant_id: input.tenantId, sender_id: input.senderId, sender_name: input.senderName, title: input.title, body: input.body, created_at: createdAt }).execute();
  await trx.insertInto('notification_recipient').values(input.userIds.map((user_id) => ({ notification_id: id, user_id, read_at: null }))).execute();
  return { id, title: input.title, body: input.body, senderName: input.senderName, createdAt: createdAt.toISOString(), userIds: input.userIds };
}

export async function listMyNotifications(deps: Deps, actor: Actor, q: { unread?: boolean; page?: number; pageSize?: number }) {
  const { page, pageSize } = pageOf(q);
  let query = deps.db.selectFrom('notification_recipient as r').innerJoin('notification as n', 'n.id', 'r.notification_id').where('r.user_id', '=', actor.userId);
  if (q.unread) query = query.where('r.read_at', 'is', null);
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const { unread } = await deps.db
    .selectFrom('notification_recipient')
    .select((eb) => eb.fn.countAll<number>().as('unread'))
    .where('user_id', '=', actor.userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  const rows = await query
    .select(['n.id', 'n.title', 'n.body', 'n.sender_name', 'n.created_at', 'r.read_at'])
    .orderBy('n.created_at', 'desc')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return {
    items: rows.map((r) => ({ id: r.id, title: r.title, body: r.body, senderName: r.sender_name, createdAt: r.created_at, readAt: r.read_at })),
    total: Number(total),
    unread: Number(unread),
  };
}

export async function markRead(deps: Deps, actor: Actor, id: string): Promise<void> {
  const res = await deps.db
    .updateTable('notification_recipient')
    .set({ read_at: deps.clock.now() })
    .where('notification_id', '=', id)
    .where('user_id', '=', actor.userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  if (res.numUpdatedRows === 0n) {
    const exists = await deps.db.selectFrom('notification_recipient').select('user_id').where('notification_id', '=', id).where('user_id', '=', actor.userId).executeTakeFirst();
    if (!exists) throw notFound('消息');
  }
}
