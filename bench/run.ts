/**
 * Load benchmark for the platform foundation on PostgreSQL: login (scrypt-bound by design) and
 * an authenticated, data-scoped list endpoint, and catalogue search over 10,000+ items. Starts the real server in a child process on a
 * fresh database so that the load generator does not share its event loop. Prints JSON.
 *
 *   npm run bench                 # every group; defaults: 10 s per scenario, 16 connections
 *   BENCH_SECONDS=30 npm run bench
 *   npm run bench -- foundation   # only the groups named: foundation, tickets (see bench/tickets.ts), sip (bench/sip.ts), assist (bench/assist.ts), kb (bench/kb.ts)
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import pg from 'pg';
import { runTicketBench } from './tickets.js';
import { runSipBench } from './sip.js';
import { runAssistBench } from './assist.js';
import { runKbBench } from './kb.js';

const ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = 'hotline_bench';
const PORT = Number(process.env.BENCH_PORT ?? 3917);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const base = `http://127.0.0.1:${PORT}`;
const GROUPS = ['foundation', 'tickets', 'sip', 'assist', 'kb'];
const groups = process.argv.slice(2);
for (const g of groups) if (!GROUPS.includes(g)) throw new Error(`unknown scenario group '${g}'; known: ${GROUPS.join(', ')}`);
const wants = (g: string) => groups.length === 0 || groups.includes(g);
const reports: unknown[] = [];

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

interface Measured {
  result: autocannon.Result;
  /** Every response time, so that p95 is exact (autocannon's summary stops at p90 / p97.5). */
  latencies: number[];
}

function run(opts: autocannon.Options): Promise<Measured> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve({ result, latencies })));
    instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const summary = ({ result: r, latencies }: Measured) => {
  const sorted = [...latencies].sort((a, b) => a - b);
  const ms = (v: number) => Math.round(v * 10) / 10;
  return {
    requestsPerSec: { mean: r.requests.average, median: r.requests.p50 },
    latencyMs: { p50: ms(percentile(sorted, 50)), p95: ms(percentile(sorted, 95)), p99: ms(percentile(sorted, 99)), max: ms(sorted.at(-1) ?? 0) },
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
  };
};

/** Grows the seeded catalogue (~390 items) to 10,000+ items so search is measured at the tender's scale. */
async function growCatalogue(): Promise<number> {
  const c = new pg.Client({ connectionString: ADMIN_URL.replace(/\/[^/]*$/, `/${DB}`) });
  await c.connect();
  await c.query(`
    insert into catalog_item (id, tenant_id, origin, code, category_id, status, current_version, name, description, keywords, synonyms,
      industry, demand_types, levels, urgency_tiers, department, handling_standard, legal_basis, pinyin, search_text, created_at, updated_at)
    select gen_random_uuid(), tenant_id, origin, code || '-B' || g, category_id, status, current_version, name || '（' || g || '）', description,
      keywords, synonyms, industry, demand_types, levels, urgency_tiers, department, handling_standard, legal_basis, pinyin,
      search_text || ' b' || g, created_at, updated_at
    from catalog_item, generate_series(1, 25) g where code not like '%-B%'`);
  const { rows } = await c.query<{ n: number }>('select count(*)::int as n from catalog_item');
  await c.query('analyze catalog_item');
  await c.end();
  return rows[0]?.n ?? 0;
}

const SEARCH_TERMS = ['物业', '供暖', '欠薪', '社保', 'wy', 'gn', 'XJ12345-03', '噪音', '医保', '出租车', '退费', '户口', '低保', '景区', '营商环境'];

if (wants('foundation')) {
  await recreateDatabase();
  // node itself (not npx/tsx wrappers), so that SIGTERM reaches the server and nothing is orphaned.
  const server = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/main.ts'], {
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
    const items = await growCatalogue();
    const catalogToken = await login('catalog01');
    const searchRequests = SEARCH_TERMS.map((q) => ({ method: 'GET' as const, path: `/api/v1/catalog/items?q=${encodeURIComponent(q)}&page=1&pageSize=20`, headers: { authorization: `Bearer ${catalogToken}` } }));
    // One agent searching at a time: the latency a person at the console sees.
    const searchAlone = await run({ url: base, connections: 1, duration: SECONDS, requests: searchRequests });
    const searchResult = await run({
      url: base,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: searchRequests,
    });
    const report = {
      benchmark: 'platform-foundation',
      database: 'postgresql',
      seconds: SECONDS,
      connections: CONNECTIONS,
      cpus: (await import('node:os')).cpus().length,
      login: summary(loginResult),
      listUsers: summary(listResult),
      catalogSearchOneClient: { items, terms: SEARCH_TERMS.length, ...summary(searchAlone) },
      catalogSearch: { items, terms: SEARCH_TERMS.length, ...summary(searchResult) },
    };
    reports.push(report);
  } finally {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
}
if (wants('tickets')) reports.push(await runTicketBench());
if (wants('sip')) reports.push(await runSipBench());
if (wants('assist')) reports.push(await runAssistBench());
if (wants('kb')) reports.push(await runKbBench());
process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
