import { defineConfig } from 'vitest/config';

// Three tiers, as in Immich: small (unit, pure functions), medium (integration against a real
// database: the same files run once on embedded PGlite and once on PostgreSQL) and e2e (browser).
const integration = ['src/**/*.int.test.ts', 'test/**/*.int.test.ts'];

export default defineConfig({
  test: {
    // Some integration tests walk every route of the API; on a loaded 2-core CI machine that takes
    // tens of seconds, and a timeout there would be noise, not a finding.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'], exclude: [...integration] } },
      {
        extends: true,
        test: { name: 'int-pglite', include: integration, env: { TEST_DB: 'pglite' } },
      },
      {
        extends: true,
        test: { name: 'int-postgres', include: integration, env: { TEST_DB: 'postgres' }, globalSetup: ['test/global-setup.ts'] },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.e2e.test.ts'], fileParallelism: false },
      },
    ],
  },
});
