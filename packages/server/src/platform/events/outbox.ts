import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { Clock } from '../clock.js';

const BATCH = 100;

/** Handlers get the claiming transaction: on PGlite the top-level handle would wait for it forever. */
export type OutboxHandler = (payload: Record<string, unknown>, trx: Db) => Promise<void>;

/** Queues a side effect in the caller's transaction; it runs only if that transaction commits. */
export async function enqueueEvent(trx: Db, clock: Clock, topic: string, payload: Record<string, unknown>): Promise<void> {
  const now = clock.now();
  await trx
    .insertInto('outbox_event')
    .values({ topic, payload: JSON.stringify(payload), created_at: now, available_at: now })
    .execute();
}

/**
 * Delivers outbox events at least once. Handlers must be idempotent. Rows are claimed with
 * FOR UPDATE SKIP LOCKED so several workers can share the table on PostgreSQL.
 */
export class OutboxDispatcher {
  private readonly handlers = new Map<string, OutboxHandler[]>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly onError: (err: unknown, topic: string) => void,
  ) {}

  on(topic: string, handler: OutboxHandler): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  start(intervalMs = 200): void {
    this.timer = setInterval(() => void this.drainBacklog().catch((err: unknown) => this.onError(err, "*")), intervalMs);
    this.timer.unref();
  }

  /** Keeps taking full batches while a backlog remains (bounded, so one tick cannot run forever). */
  private async drainBacklog(): Promise<void> {
    for (let i = 0; i < 20; i++) if ((await this.drain()) < BATCH) return;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Processes what is due now; returns how many events were handled. Safe to call concurrently. */
  drain(): Promise<number> {
    this.running ??= this.processBatch().finally(() => (this.running = undefined));
    return this.running;
  }

  private async processBatch(): Promise<number> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('outbox_event')
        .selectAll()
        .where('processed_at', 'is', null)
        .where('available_at', '<=', now)
        .orderBy('id')
        .limit(BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const row of rows) {
        try {
          for (const handler of this.handlers.get(row.topic) ?? []) await handler(row.payload, trx);
          await trx.updateTable('outbox_event').set({ processed_at: now }).where('id', '=', row.id).execute();
        } catch (err) {
          this.onError(err, row.topic);
          const retryAt = new Date(now.getTime() + Math.min(60_000 * 2 ** row.attempts, 3_600_000));
          await trx
            .updateTable('outbox_event')
            .set({ attempts: sql`attempts + 1`, available_at: retryAt, last_error: String(err).slice(0, 1000) })
            .where('id', '=', row.id)
            .execute();
        }
      }
      return rows.length;
    });
  }
}
