#!/usr/bin/env node
// Runs the whole test suite (unit, integration on PGlite and PostgreSQL, browser e2e) and ends
// with the line CI reads: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const serverDir = join(root, 'packages/server');
const resultDir = join(root, '.test-results');
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

mkdirSync(resultDir, { recursive: true });

// Library packages (nlp, voip, ...) carry their own vitest.config.ts and run before the server.
const libraries = readdirSync(join(root, 'packages')).filter(
  (name) => name !== 'server' && existsSync(join(root, 'packages', name, 'vitest.config.ts')),
);
const runs = [
  ...libraries.map((name) => ({ name, cwd: join(root, 'packages', name), args: [] })),
  { name: 'server', cwd: serverDir, args: projects.flatMap((p) => ['--project', p]) },
];

function failuresOf(runName, res) {
  const lines = [];
  for (const file of res.testResults) {
    const where = `${runName}: ${file.name.slice(root.length + 1)}`;
    const failedTests = file.assertionResults.filter((a) => a.status === 'failed');
    for (const a of failedTests) lines.push(`  ✗ ${where} > ${a.fullName}\n      ${firstLine(a.failureMessages[0])}`);
    if (failedTests.length === 0 && file.status === 'failed') lines.push(`  ✗ ${where}\n      ${firstLine(file.message)}`);
  }
  return lines;
}

function firstLine(text) {
  return (text ?? '').split('\n')[0].slice(0, 300);
}

let passed = 0;
let failed = 0;
let status = 0;
// CI shows only the tail of the output, so the failures are named again just above the tally.
const failures = [];
for (const r of runs) {
  const out = join(resultDir, `${r.name}.json`);
  rmSync(out, { force: true });
  const args = ['vitest', 'run', ...r.args, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...extraArgs];
  const run = spawnSync('npx', args, { cwd: r.cwd, stdio: 'inherit' });
  if (run.status !== 0) status = run.status ?? 1;
  if (!existsSync(out)) {
    failed += run.status === 0 ? 0 : 1;
    continue;
  }
  const res = JSON.parse(readFileSync(out, 'utf8'));
  failures.push(...failuresOf(r.name, res));
  passed += res.numPassedTests;
  // A file that fails to load has no failed tests but still fails the run.
  failed += res.numFailedTests + (res.numFailedTestSuites > 0 && res.numFailedTests === 0 ? res.numFailedTestSuites : 0);
  if (run.status !== 0 && res.numFailedTests === 0 && res.numFailedTestSuites === 0) failed += 1;
}
if (failures.length > 0) console.log(['', 'Failed:', ...failures].join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exit(status);
