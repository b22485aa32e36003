/**
 * Migration 0014 on an installation seeded before the 智能辅助模型 menu existed: every tenant with
 * the work orders gets the menu, exactly as a fresh seed gives it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { MIGRATIONS } from '../../../bootstrap.js';
import { ManualClock } from '../../../platform/clock.js';
import { migrateToLatest } from '../../../platform/db/migrator.js';
import { openTestDatabase } from '../../../../test/harness.js';
import type { DbHandle } from '../../../platform/db/database.js';
import { seedBase } from '../../../seed/base.seed.js';

const NAME = '0014-assist-models-menu';

describe(`migration ${NAME} on an older installation`, () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await openTestDatabase();
  });
  afterAll(() => handle?.close());

  it('enables the models menu wherever the work orders are enabled', async () => {
    const db = handle.db;
    // A PostgreSQL test database is a clone of the migrated template: empty it and build the older
    // installation the way PGlite does (later migrations must run after this one, not before).
    if (handle.kind === 'postgres') {
      await sql`drop schema public cascade`.execute(db);
      await sql`create schema public`.execute(db);
    }
    await migrateToLatest(db as never, MIGRATIONS.filter((m) => m.name < NAME));
    await db.transaction().execute((trx) => seedBase(trx, new ManualClock()).then(() => undefined));
    const seeded = (await db.selectFrom('tenant_menu').select('tenant_id').where('menu_key', '=', 'tickets.assistModels').execute()).map((r) => r.tenant_id).sort();
    await db.deleteFrom('tenant_menu').where('menu_key', '=', 'tickets.assistModels').execute();

    expect(await migrateToLatest(db as never, MIGRATIONS)).toContain(NAME);

    const withTickets = (await db.selectFrom('tenant_product').select('tenant_id').where('product_key', '=', 'tickets').execute()).map((r) => r.tenant_id).sort();
    const migrated = (await db.selectFrom('tenant_menu').select('tenant_id').where('menu_key', '=', 'tickets.assistModels').execute()).map((r) => r.tenant_id).sort();
    expect(withTickets.length).toBeGreaterThan(100);
    expect(migrated).toEqual(withTickets);
    // The same tenants a fresh seed enables it for.
    if (seeded.length > 0) expect(migrated).toEqual(seeded);
  });
});
