import type { Deps } from '../../platform/context.js';
import { commit } from '../../platform/usecase.js';
import { insertNotification, NOTIFICATION_TOPIC } from '../system/notification.service.js';
import { KB_SCHEDULER, publishDue, purgeExpired } from './article.service.js';

const BEIJING_OFFSET_MS = 8 * 3_600_000;
const beijingDateOf = (instant: Date, plusDays = 0) => new Date(instant.getTime() + BEIJING_OFFSET_MS + plusDays * 86_400_000).toISOString().slice(0, 10);

/**
 * 临时政策到期提醒: a published article whose validity ends within system.kbExpiryNoticeDays
 * (Beijing dates) notifies the people who wrote and published it, once per validity date
 * (publishing a new date re-arms it). Each article commits alone with its audit row.
 */
export async function remindExpiring(deps: Deps): Promise<number> {
  const days = await deps.params.int('system.kbExpiryNoticeDays');
  const horizon = beijingDateOf(deps.clock.now(), days);
  const due = await deps.db
    .selectFrom('kb_article as a')
    .innerJoin('kb_revision as r', 'r.id', 'a.live_revision_id')
    .select(['a.id'])
    .where('a.status', '=', 'published')
    .where('a.expiry_notified_at', 'is', null)
    .where('r.valid_to', 'is not', null)
    .where('r.valid_to', '<=', horizon)
    .execute();
  let n = 0;
  for (const d of due) {
    const sent = await commit(deps, KB_SCHEDULER, async (trx) => {
      const a = await trx.selectFrom('kb_article').selectAll().where('id', '=', d.id).forUpdate().executeTakeFirst();
      if (!a || a.status !== 'published' || a.expiry_notified_at || !a.live_revision_id) return { result: false, audit: [] };
      const live = await trx.selectFrom('kb_revision').select(['valid_to', 'version']).where('id', '=', a.live_revision_id).executeTakeFirstOrThrow();
      const people = await trx
        .selectFrom('kb_revision as r')
        .innerJoin('app_user as u', 'u.id', 'r.author_id')
        .select('u.id')
        .distinct()
        .where('r.article_id', '=', a.id)
        .where('r.change_type', 'in', ['create', 'revise', 'restore'])
        .where('u.deleted_at', 'is', null)
        .where('u.status', '=', 'active')
        .execute();
      const publisher = await trx.selectFrom('kb_revision').select('published_by').where('id', '=', a.live_revision_id).executeTakeFirst();
      const userIds = [...new Set([...people.map((p) => p.id), ...(publisher?.published_by ? [publisher.published_by] : [])])];
      const now = deps.clock.now();
      await trx.updateTable('kb_article').set({ expiry_notified_at: now }).where('id', '=', a.id).execute();
      const expired = live.valid_to! < beijingDateOf(now);
      const events = [];
      if (userIds.length > 0) {
        const n = await insertNotification(trx, deps, {
          tenantId: a.tenant_id,
          senderId: null,
          senderName: '知识库',
          title: `临时政策即将到期：${a.title}`,
          body: `知识“${a.title}”（第 ${live.version} 版）的有效期${expired ? '已于' : '至'} ${live.valid_to} ${expired ? '届满' : '届满，请及时确认是否延期、修订或下架'}。`,
          userIds,
        });
        events.push({ topic: NOTIFICATION_TOPIC, payload: n });
      }
      return {
        result: true,
        audit: { action: 'kb.article.expiry-notice', targetType: 'kb_article', targetId: a.id, tenantId: a.tenant_id, detail: { title: a.title, validTo: live.valid_to, recipients: userIds.length } },
        events,
      };
    });
    if (sent) n++;
  }
  return n;
}

/** One pass of every timer-driven knowledge rule. */
export async function runKnowledgeJobs(deps: Deps) {
  const published = await publishDue(deps);
  const purged = await purgeExpired(deps);
  const reminded = await remindExpiring(deps);
  return { published, purged, reminded };
}
