import type { ModuleMigration } from '../../platform/db/migrator.js';
import { runSql } from '../../platform/db/migrator.js';

/**
 * The assist module owns no tables. Its one migration enables the 智能辅助模型 menu (model status
 * and retraining, under 工单管理) for installations seeded before it existed, wherever the work
 * orders are enabled, as a fresh seed does; the permission (assist:train) was there already.
 */
export const assistMigrations: ModuleMigration[] = [
  {
    name: '0014-assist-models-menu',
    up: (db) =>
      runSql(
        db,
        `
insert into tenant_menu (tenant_id, menu_key)
  select tenant_id, 'tickets.assistModels' from tenant_product where product_key = 'tickets'
  on conflict do nothing;
`,
      ),
  },
];
