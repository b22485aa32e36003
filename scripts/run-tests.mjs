#!/usr/bin/env node
// Runs the whole test suite (unit, integration on PGlite and PostgreSQL, browser e2e) and ends
// with the line CI reads: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const serverDir = join(root, 'packages/server');
const resultFile = join(root, '.test-results/vitest.json');
const strict = process.env.CI === 'true';
const extraArgs = process.argv.slice(2);

function reachable(host, port) {
  return new Promise((resolve) => {
    const s = createConnection({ host, port, timeout: 2000 }, () => (s.end(), resolve(true)));
    s.on('error', () => resolve(false));
    s.on('timeout', () => (s.destroy(), resolve(false)));
  });
}

const projects = ['unit', 'int-pglite'];
if (await reachable('127.0.0.1', 5432)) projects.push('int-postgres');
else if (strict) throw new Error('PostgreSQL is not reachable on 127.0.0.1:5432');
else console.warn('! PostgreSQL not reachable on 127.0.0.1:5432: skipping the int-postgres project');

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(chromium)) {
  const build = spawnSync('npm', ['run', 'build', '-w', '@hotline/web'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('web build failed');
  projects.push('e2e');
} else if (strict) {
  throw new Error(`chromium not found at ${chromium}`);
} else {
  console.warn(`! ${chromium} not found (apt-get install -y chromium): skipping the browser tests`);
}

mkdirSync(dirname(resultFile), { recursive: true });
rmSync(resultFile, { force: true });
const args = ['vitest', 'run', ...projects.flatMap((p) => ['--project', p]), '--reporter=default', '--reporter=json', `--outputFile.json=${resultFile}`, ...extraArgs];
const run = spawnSync('npx', args, { cwd: serverDir, stdio: 'inherit' });

let passed = 0;
let failed = run.status === 0 ? 0 : 1;
if (existsSync(resultFile)) {
  const r = JSON.parse(readFileSync(resultFile, 'utf8'));
  passed = r.numPassedTests;
  // A file that fails to load has no failed tests but still fails the run.
  failed = r.numFailedTests + (r.numFailedTestSuites > 0 && r.numFailedTests === 0 ? r.numFailedTestSuites : 0);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status ?? 1);
