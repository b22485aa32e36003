import type { Insertable } from 'kysely';
import type { Db } from '../db/database.js';
import type { AccessLogTable } from '../db/schema.js';

/**
 * Access logs are written in batches off the request path: a request should not wait for its own
 * access-log row, and one insert per second is far cheaper than one per request.
 */
export class AccessLogWriter {
  private buffer: Insertable<AccessLogTable>[] = [];
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly onError: (err: unknown) => void,
    intervalMs = 1000,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  add(row: Insertable<AccessLogTable>): void {
    this.buffer.push(row);
    if (this.buffer.length >= 500) void this.flush();
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const rows = this.buffer.splice(0);
      if (rows.length === 0) return;
      await this.db.insertInto('access_log').values(rows).execute().catch(this.onError);
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
