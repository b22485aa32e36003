/**
 * Migration 0014 on an installation seeded before the 智能辅助模型 menu existed: every tenant with
 * the work orders gets the menu, exactly as a fresh seed gives it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../bootstrap.js';
import { migrateToLatest } from '../../../platform/db/migrator.js';
import { openInstallationBefore } from '../../../../test/harness.js';
import type { DbHandle } from '../../../platform/db/database.js';

const NAME = '0014-assist-models-menu';

describe(`migration ${NAME} on an older installation`, () => {
  let handle: DbHandle | undefined;
  afterAll(() => handle?.close());

  it('enables the models menu wherever the work orders are enabled', async () => {
    handle = await openInstallationBefore(NAME);
    const db = handle.db;
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
