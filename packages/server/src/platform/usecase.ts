import type { Db } from './db/database.js';
import type { Actor, Deps } from './context.js';
import { auditActorOf } from './context.js';
import { recordAudit, type AuditActor, type AuditEntry } from './audit/audit.js';
import { enqueueEvent } from './events/outbox.js';

export interface Outcome<T> {
  result: T;
  audit: AuditEntry | AuditEntry[];
  events?: { topic: string; payload: Record<string, unknown> }[];
}

/**
 * The write half of every use case: the change, its audit rows and its outbox events commit in
 * one transaction or not at all.
 */
export async function commit<T>(deps: Deps, actor: Actor | AuditActor, work: (trx: Db) => Promise<Outcome<T>>): Promise<T> {
  const who = 'permissions' in actor ? auditActorOf(actor) : actor;
  return deps.db.transaction().execute(async (trx) => {
    const outcome = await work(trx);
    for (const e of outcome.events ?? []) await enqueueEvent(trx, deps.clock, e.topic, e.payload);
    // Last: the first audit row takes the lock of one chain lane (all rows of this transaction go to
    // that lane), held until commit, so take it as late as possible.
    for (const entry of Array.isArray(outcome.audit) ? outcome.audit : [outcome.audit]) {
      await recordAudit(trx, deps.clock, who, entry);
    }
    return outcome.result;
  });
}

export interface Page {
  page: number;
  pageSize: number;
}

export function pageOf(q: { page?: number; pageSize?: number }): Page {
  return { page: Math.max(1, q.page ?? 1), pageSize: Math.min(200, Math.max(1, q.pageSize ?? 20)) };
}
