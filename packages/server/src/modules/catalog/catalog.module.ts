import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import type { ModuleMigration } from '../../platform/db/migrator.js';
import { catalogCoreMigrations } from './catalog.migrations.js';
import { enterpriseMigrations } from './enterprise.migrations.js';
import { enterpriseRoutes } from './enterprise.routes.js';
import { timeLimitMigrations } from './time-limit.migrations.js';
import { timeLimitRoutes } from './time-limit.routes.js';
import { catalogListsMigrations } from './catalog-lists.migrations.js';
import { catalogListRoutes } from './list.routes.js';
import { catalogElementRoutes } from './element.routes.js';
import { catalogCoreRoutes } from './catalog.routes.js';

/**
 * The demand-item catalogue (诉求事项分类标准化): catalogue tree and items, lists, elements,
 * enterprise library and time limits. Each part registers its migrations and routes here.
 */
export const catalogMigrations: ModuleMigration[] = [...catalogCoreMigrations, ...enterpriseMigrations, ...timeLimitMigrations, ...catalogListsMigrations];

export async function catalogRoutes(app: App, deps: Deps): Promise<void> {
  await enterpriseRoutes(app, deps);
  await timeLimitRoutes(app, deps);
  await catalogListRoutes(app, deps);
  await catalogElementRoutes(app, deps);
  await catalogCoreRoutes(app, deps);
}
