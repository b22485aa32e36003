import { buildPostgresTemplate } from './harness.js';

/** Migrates and seeds one PostgreSQL template; every test file clones it (fast and isolated). */
export default async function setup(): Promise<void> {
  // Configured on the int-postgres project only, so it runs only when that project runs.
  await buildPostgresTemplate();
}
