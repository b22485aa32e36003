/**
 * Load benchmark for the platform foundation on PostgreSQL: login (scrypt-bound by design) and
 * an authenticated, data-scoped list endpoint. Starts the real server in a child process on a
 * fresh database so that the load generator does not share its event loop. Prints JSON.
 *
 *   npm run bench                 # defaults: 10 s per scenario, 16 connections
 *   BENCH_SECONDS=30 npm run bench
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import pg from 'pg';

const ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = 'hotline_bench';
const PORT = Number(process.env.BENCH_PORT ?? 3917);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const base = `http://127.0.0.1:${PORT}`;

async function recreateDatabase(): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  await c.query(`drop database if exists ${DB} with (force)`);
  await c.query(`create database ${DB}`);
  await c.end();
}

async function json(path: string, init: RequestInit = {}, token?: string): Promise<Record<string, unknown>> {
  const res = await fetch(base + path, {
    ...init,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  return (await res.json()) as Record<string, unknown>;
}

async function login(username: string): Promise<string> {
  const body = await json('/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ username, password: 'Hotline@2026' }) });
  return String(body.token);
}

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => autocannon(opts, (err, res) => (err ? reject(err) : resolve(res))));
}

const summary = (r: autocannon.Result) => ({
  requestsPerSec: { mean: r.requests.average, median: r.requests.p50 },
  latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p97_5: r.latency.p97_5, p99: r.latency.p99, max: r.latency.max },
  requests: r.requests.total,
  non2xx: r.non2xx,
  errors: r.errors,
});

await recreateDatabase();
const server = spawn('npx', ['tsx', 'packages/server/src/main.ts'], {
  env: { ...process.env, DATABASE_URL: ADMIN_URL.replace(/\/[^/]*$/, `/${DB}`), PORT: String(PORT), LOG_LEVEL: 'warn', HOTLINE_DATA_DIR: './data/bench' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  for (let i = 0; i < 120; i++) {
    if (await fetch(`${base}/readyz`).then((r) => r.ok, () => false)) break;
    await sleep(500);
  }
  const sec = await login('secadmin');
  await json('/api/v1/config/security.loginRateLimitPerMinute', { method: 'PUT', body: JSON.stringify({ value: 100000 }) }, sec);
  const token = await login('sysadmin');

  const loginResult = await run({
    url: `${base}/api/v1/auth/login`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'agent01', password: 'Hotline@2026' }),
    connections: CONNECTIONS,
    duration: SECONDS,
  });
  const listResult = await run({
    url: `${base}/api/v1/users?page=1&pageSize=20&sort=username`,
    headers: { authorization: `Bearer ${token}` },
    connections: CONNECTIONS,
    duration: SECONDS,
  });
  const report = {
    benchmark: 'platform-foundation',
    database: 'postgresql',
    seconds: SECONDS,
    connections: CONNECTIONS,
    cpus: (await import('node:os')).cpus().length,
    login: summary(loginResult),
    listUsers: summary(listResult),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  server.kill('SIGTERM');
}
