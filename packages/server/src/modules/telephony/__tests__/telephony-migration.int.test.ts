/**
 * Migration 0013 on an installation seeded before the 话务 product existed: it enables the product
 * and its menus where the work orders are enabled (not for partner hotlines), and gives the
 * built-in roles exactly the telephony permissions a fresh seed gives them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { MIGRATIONS } from '../../../bootstrap.js';
import { migrateToLatest } from '../../../platform/db/migrator.js';
import { openInstallationBefore } from '../../../../test/harness.js';
import type { DbHandle } from '../../../platform/db/database.js';
import { BUILTIN_ROLES } from '../../../seed/base.seed.js';

const TELEPHONY_MENUS = ['telephony.calls', 'telephony.softphone', 'telephony.agents'];

describe('migration 0013-telephony-recordings on an older installation', () => {
  let handle: DbHandle | undefined;
  afterAll(() => handle?.close());

  it('enables 话务 where tickets are enabled and grants the built-in roles their telephony permissions', async () => {
    handle = await openInstallationBefore('0013');
    const db = handle.db;
    // What an installation seeded before this module looked like: no 话务 product, menus or permissions.
    await db.deleteFrom('tenant_product').where('product_key', '=', 'telephony').execute();
    await db.deleteFrom('tenant_menu').where('menu_key', 'in', TELEPHONY_MENUS).execute();
    await sql`update role set permissions = array(select p from unnest(permissions) as p where p not like 'telephony:%' order by p collate "C")`.execute(db);

    expect(await migrateToLatest(db as never, MIGRATIONS)).toContain('0013-telephony-recordings');

    const tenants = await db.selectFrom('tenant').select(['id', 'kind']).execute();
    const withTickets = new Set((await db.selectFrom('tenant_product').select('tenant_id').where('product_key', '=', 'tickets').execute()).map((r) => r.tenant_id));
    const withTelephony = new Set((await db.selectFrom('tenant_product').select('tenant_id').where('product_key', '=', 'telephony').execute()).map((r) => r.tenant_id));
    for (const t of tenants) expect(withTelephony.has(t.id), `${t.kind} ${t.id}`).toBe(withTickets.has(t.id) && t.kind !== 'partner');
    expect(withTelephony.size).toBeGreaterThan(100);
    const menus = await db.selectFrom('tenant_menu').select(['tenant_id', 'menu_key']).where('menu_key', 'in', TELEPHONY_MENUS).execute();
    expect(menus).toHaveLength(withTelephony.size * TELEPHONY_MENUS.length);

    const roles = await db.selectFrom('role').select(['code', 'permissions']).where('builtin', '=', true).execute();
    for (const seeded of BUILTIN_ROLES) {
      const row = roles.find((r) => r.code === seeded.code);
      expect(row?.permissions, seeded.code).toEqual([...seeded.permissions].sort());
    }
    // The agents table is there for the agents service.
    expect((await sql<{ n: number }>`select count(*)::int as n from telephony_agent`.execute(db)).rows[0]?.n).toBe(0);
  });
});
