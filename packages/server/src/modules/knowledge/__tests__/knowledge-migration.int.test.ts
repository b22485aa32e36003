/**
 * Migration 0016 on an installation seeded before the knowledge product existed: the five types,
 * the product and its menus wherever the work orders are enabled, kb:read for the roles that
 * answer or handle demands and the knowledge roles — exactly what a fresh seed has.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { MIGRATIONS } from '../../../bootstrap.js';
import { migrateToLatest } from '../../../platform/db/migrator.js';
import { openInstallationBefore } from '../../../../test/harness.js';
import type { DbHandle } from '../../../platform/db/database.js';
import { BUILTIN_ROLES } from '../../../seed/base.seed.js';
import { MENUS } from '../../identity/menus.js';
import { KB_TYPES } from '../knowledge.types.js';
import { knowledgeMigrations } from '../knowledge.migrations.js';

const NAME = '0016-knowledge-menus';
const KB_MENUS = MENUS.filter((m) => m.product === 'knowledge').map((m) => m.key);
const KB_ROLES = ['kb_editor', 'kb_reviewer', 'kb_admin'];

describe(`migration ${NAME} on an older installation`, () => {
  let handle: DbHandle | undefined;
  afterAll(() => handle?.close());

  it('enables the knowledge base as a fresh seed does', async () => {
    handle = await openInstallationBefore(NAME);
    const db = handle.db;
    // What an installation seeded before this module looked like.
    await db.deleteFrom('tenant_product').where('product_key', '=', 'knowledge').execute();
    await db.deleteFrom('tenant_menu').where('menu_key', 'in', KB_MENUS).execute();
    await db.deleteFrom('role').where('code', 'in', KB_ROLES).execute();
    await sql`update role set permissions = array(select p from unnest(permissions) as p where p not like 'kb:%' order by p collate "C")`.execute(db);
    expect(await db.selectFrom('kb_type').select('code').execute()).toEqual([]);

    expect(await migrateToLatest(db as never, MIGRATIONS)).toContain(NAME);

    const types = await db.selectFrom('kb_type').select(['code', 'name', 'template']).orderBy('sort').execute();
    expect(types.map((t) => t.code)).toEqual(KB_TYPES.map((t) => t.code));
    expect(types.find((t) => t.code === 'guide')?.template.fields.filter((f) => f.required).map((f) => f.label)).toEqual(['受理条件', '申请材料', '办理时限', '办理地点', '咨询电话']);

    const withTickets = (await db.selectFrom('tenant_product').select('tenant_id').where('product_key', '=', 'tickets').execute()).map((r) => r.tenant_id).sort();
    const withKnowledge = (await db.selectFrom('tenant_product').select('tenant_id').where('product_key', '=', 'knowledge').execute()).map((r) => r.tenant_id).sort();
    expect(withKnowledge.length).toBeGreaterThan(100);
    expect(withKnowledge).toEqual(withTickets);
    const menus = await db.selectFrom('tenant_menu').select('tenant_id').where('menu_key', 'in', KB_MENUS).execute();
    expect(menus).toHaveLength(withKnowledge.length * KB_MENUS.length);

    const roles = await db.selectFrom('role').select(['code', 'permissions', 'data_scope', 'builtin', 'shared', 'admin_type']).where('builtin', '=', true).execute();
    for (const seeded of BUILTIN_ROLES) {
      const row = roles.find((r) => r.code === seeded.code);
      expect(row?.permissions, seeded.code).toEqual([...seeded.permissions].sort());
      expect(row?.data_scope, seeded.code).toBe(seeded.dataScope);
    }
    expect(roles.filter((r) => KB_ROLES.includes(r.code)).every((r) => r.shared && r.admin_type === null)).toBe(true);

    // Running it again changes nothing.
    await knowledgeMigrations.find((m) => m.name === NAME)!.up(db as never);
    expect(await db.selectFrom('tenant_menu').select('tenant_id').where('menu_key', 'in', KB_MENUS).execute()).toHaveLength(menus.length);
  });
});
