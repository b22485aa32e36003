import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/database.js';
import type { Deps } from '../../platform/context.js';
import { insertNotification, NOTIFICATION_TOPIC } from '../system/notification.service.js';

export interface PendingEvent {
  topic: string;
  payload: Record<string, unknown>;
}

export const SMS_TOPIC = 'sms.send';

/**
 * Collects the side effects of one transition: in-app notices are written in the transaction and
 * pushed over WebSocket from the outbox; SMS rows are idempotent on their dedupe key, so a retried
 * transition or a redelivered event never texts a citizen twice.
 */
export class Notices {
  readonly events: PendingEvent[] = [];

  constructor(
    private readonly trx: Db,
    private readonly deps: Pick<Deps, 'clock'>,
    private readonly sender: { id: string | null; name: string },
  ) {}

  /** Everyone in the unit (its org subtree) hears about work that reached it. */
  async toOrg(tenantId: string, orgId: string, title: string, body: string): Promise<void> {
    const org = await this.trx.selectFrom('org').select('path').where('id', '=', orgId).executeTakeFirst();
    if (!org) return;
    const users = await this.trx
      .selectFrom('app_user')
      .innerJoin('org', 'org.id', 'app_user.org_id')
      .select('app_user.id')
      .where('org.path', 'like', `${org.path}%`)
      .where('app_user.status', '=', 'active')
      .where('app_user.deleted_at', 'is', null)
      .execute();
    await this.toUsers(tenantId, users.map((u) => u.id), title, body);
  }

  async toUsers(tenantId: string, userIds: (string | null)[], title: string, body: string): Promise<void> {
    const ids = [...new Set(userIds.filter((u): u is string => !!u))];
    if (ids.length === 0) return;
    const n = await insertNotification(this.trx, this.deps, { tenantId, senderId: this.sender.id, senderName: this.sender.name, title, body, userIds: ids });
    this.events.push({ topic: NOTIFICATION_TOPIC, payload: n });
  }

  /** Users of a tenant holding a permission (e.g. the hotline's reviewers). */
  async toPermission(tenantId: string, permission: string, title: string, body: string): Promise<void> {
    const users = await this.trx
      .selectFrom('app_user')
      .innerJoin('user_role', 'user_role.user_id', 'app_user.id')
      .innerJoin('role', 'role.id', 'user_role.role_id')
      .select('app_user.id')
      .where('app_user.tenant_id', '=', tenantId)
      .where('app_user.deleted_at', 'is', null)
      .where('app_user.status', '=', 'active')
      .where((eb) => eb(eb.val(permission), '=', eb.fn.any('role.permissions')))
      .execute();
    await this.toUsers(tenantId, users.map((u) => u.id), title, body);
  }

  async sms(input: { dedupeKey: string; tenantId: string; phoneEnc: string | null; body: string }): Promise<void> {
    if (!input.phoneEnc) return;
    const id = randomUUID();
    const inserted = await this.trx
      .insertInto('sms_message')
      .values({ id, dedupe_key: input.dedupeKey, tenant_id: input.tenantId, phone_enc: input.phoneEnc, body: input.body, status: 'queued', created_at: this.deps.clock.now(), sent_at: null })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) this.events.push({ topic: SMS_TOPIC, payload: { id } });
  }
}
