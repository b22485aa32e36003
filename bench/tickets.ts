/**
 * Work-order throughput (issue 4, "Measure"): one "create+dispatch" transaction is a POST
 * /api/v1/tickets as agent01 followed by a POST /api/v1/tickets/:id/dispatch of that ticket as
 * dispatcher01 to the unit 'ZJT'. Closed-loop clients (each runs create → dispatch → create …
 * on keep-alive connections) at 50, 200 and 500 concurrent clients, plus one client as the
 * uncontended baseline; then pgbench's TPC-B-like default on the same PostgreSQL for scale,
 * reported as a ratio. Each level also reports server / PostgreSQL CPU per transaction (the
 * machine-independent cost) and what the database sessions were waiting on.
 *
 * The server runs as in production on this machine: one process, the configured pool, LOG_LEVEL
 * warn, on a fresh database that is dropped afterwards. Only two logins happen (scrypt is slow by
 * design), so the login rate limit is left as configured.
 *
 *   npm run bench -- tickets
 *   BENCH_TICKETS_CLIENTS=1,50,200,500 BENCH_TICKETS_SECONDS=12 BENCH_TICKETS_WARMUP=3 npm run bench -- tickets
 *
 *   BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- tickets   # profile the server
 *
 * Prerequisite: pgbench on PATH (Debian: `apt-get install postgresql-contrib` or the
 * postgresql-client package of the server's major version; /usr/lib/postgresql/15/bin/pgbench).
 * Set PGBENCH=/path/to/pgbench to pick one; if it is missing the report says so and has no ratio.
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';

const ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = 'hotline_bench_tickets';
const PGBENCH_DB = 'bench_pgbench';
const PORT = Number(process.env.BENCH_TICKETS_PORT ?? Number(process.env.BENCH_PORT ?? 3917) + 1);
const SECONDS = Number(process.env.BENCH_TICKETS_SECONDS ?? 12);
const WARMUP_SECONDS = Number(process.env.BENCH_TICKETS_WARMUP ?? 3);
const MAX_WARMUP_SECONDS = Math.max(WARMUP_SECONDS, 30);
const LEVELS = (process.env.BENCH_TICKETS_CLIENTS ?? '1,50,200,500').split(',').map((s) => Number(s.trim()));
const PGBENCH = process.env.PGBENCH ?? 'pgbench';
const PGBENCH_SECONDS = Number(process.env.PGBENCH_SECONDS ?? 10);
const REQUEST_TIMEOUT_MS = 60_000;
const TARGET_ORG_CODE = 'ZJT';
const CLK_TCK = 100; // Linux USER_HZ: /proc times are in 1/100 s.

const urlOf = (db: string) => ADMIN_URL.replace(/\/[^/]*$/, `/${db}`);
const run = promisify(execFile);

async function admin<T>(work: (c: pg.Client) => Promise<T>, db = 'postgres'): Promise<T> {
  const c = new pg.Client({ connectionString: urlOf(db) });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

const recreate = (db: string) => admin(async (c) => {
  await c.query(`drop database if exists ${db} with (force)`);
  await c.query(`create database ${db}`);
});
const drop = (db: string) => admin((c) => c.query(`drop database if exists ${db} with (force)`)).then(() => undefined);

// ------------------------------------------------------------------ HTTP

interface Reply {
  status: number;
  body: string;
  ms: number;
}

/** node:http with a keep-alive agent: far lighter on the load generator's CPU than fetch at 500 clients. */
function post(agent: http.Agent, path: string, token: string, payload: unknown): Promise<Reply> {
  const body = JSON.stringify(payload);
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port: PORT,
        method: 'POST',
        path,
        timeout: REQUEST_TIMEOUT_MS,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
        res.on('error', (err) => resolve({ status: 0, body: String(err), ms: performance.now() - started }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', (err) => resolve({ status: 0, body: String(err), ms: performance.now() - started }));
    req.end(body);
  });
}

async function login(username: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${PORT}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'Hotline@2026' }),
  });
  const body = (await res.json()) as { token?: string };
  if (!res.ok || !body.token) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(body)}`);
  return body.token;
}

/**
 * A fresh server builds its smart-intake model in a worker thread for about a minute after start;
 * the measurement waits for it, so it times the ticket path rather than that one-off build.
 */
async function waitForAssistModel(token: string): Promise<void> {
  for (let i = 0; i < 360; i++) {
    const res = await fetch(`http://127.0.0.1:${PORT}/api/v1/assist/models/items`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json().catch(() => ({}))) as { model?: unknown; building?: boolean };
    if (!res.ok || (body.model && !body.building)) return;
    await sleep(500);
  }
}

// ------------------------------------------------------------------ measurement

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

function latency(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return { count: s.length, p50: round(percentile(s, 50)), p95: round(percentile(s, 95)), p99: round(percentile(s, 99)), max: round(s.at(-1) ?? 0) };
}

/** utime + stime of one process, in seconds. */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** CPU seconds of PostgreSQL processes: every 'postgres' process, and the backends of one database. */
function postgresCpu(backends: Set<number>): { all: number; db: Map<number, number> } {
  let all = 0;
  const db = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (!stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).startsWith('postgres')) continue;
      const secs = cpuSecondsOf(Number(name));
      all += secs;
      if (backends.has(Number(name))) db.set(Number(name), secs);
    } catch {
      // exited meanwhile
    }
  }
  return { all, db };
}

async function backendsOf(stats: pg.Client): Promise<Set<number>> {
  const { rows } = await stats.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [DB]);
  return new Set(rows.map((r) => r.pid));
}

/** Busy and total jiffies of the whole machine. */
function machineTicks(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3]! - f[4]!, total };
}

interface CpuMark {
  at: number;
  server: number;
  postgres: { all: number; db: Map<number, number> };
  loadgen: NodeJS.CpuUsage;
  machine: { busy: number; total: number };
}

async function cpuMark(serverPid: number, stats: pg.Client): Promise<CpuMark> {
  const backends = await backendsOf(stats);
  return { at: performance.now(), server: cpuSecondsOf(serverPid), postgres: postgresCpu(backends), loadgen: process.cpuUsage(), machine: machineTicks() };
}

/** CPU use between two marks, in cores (1.0 = one core fully busy). */
function cpuBetween(a: CpuMark, b: CpuMark) {
  const secs = (b.at - a.at) / 1000;
  const lg = { user: b.loadgen.user - a.loadgen.user, system: b.loadgen.system - a.loadgen.system };
  // A backend that appeared in between counts in full; one that ended in between is lost (the pool keeps them under load).
  let db = 0;
  for (const [pid, end] of b.postgres.db) db += end - (a.postgres.db.get(pid) ?? 0);
  return {
    serverCores: round((b.server - a.server) / secs, 2),
    /** The backends serving the benchmark database (the server's pool). */
    postgresCores: round(db / secs, 2),
    /** Every postgres process: WAL writer, checkpointer, and other users of this cluster. */
    allPostgresCores: round((b.postgres.all - a.postgres.all) / secs, 2),
    loadGeneratorCores: round((lg.user + lg.system) / 1e6 / secs, 2),
    machineBusyPct: round((100 * (b.machine.busy - a.machine.busy)) / Math.max(1, b.machine.total - a.machine.total), 1),
  };
}

/**
 * What the server's database sessions are doing, sampled from pg_stat_activity every 200 ms:
 * the mean number of sessions in each state, e.g. "Lock:advisory" (waiting on the audit chain
 * lock), "Lock:transactionid" (waiting on another transaction's row lock), "IO:WALSync"; lock
 * waits carry the start of the waiting statement, "idle in transaction" is a session holding its
 * locks while it waits for the server's next statement.
 */
function sampleWaits(db: string): { stop: () => Promise<Record<string, number>> } {
  const totals = new Map<string, number>();
  let samples = 0;
  let stopped = false;
  const client = new pg.Client({ connectionString: urlOf('postgres') });
  const loop = (async () => {
    await client.connect();
    while (!stopped) {
      const { rows } = await client.query<{ k: string; n: number }>(
        `select case when state = 'active' and wait_event_type = 'Lock'
                       then wait_event_type || ':' || wait_event || ' | ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 70)
                     when state = 'active' then coalesce(wait_event_type || ':' || wait_event, 'active (on CPU)')
                     else state || coalesce(' ' || wait_event, '') end as k, count(*)::int as n
           from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() group by 1`,
        [db],
      );
      for (const r of rows) totals.set(r.k, (totals.get(r.k) ?? 0) + r.n);
      samples++;
      await sleep(200);
    }
    await client.end();
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return Object.fromEntries([...totals].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, round(n / Math.max(1, samples), 2)]));
    },
  };
}

/**
 * CPU spent per completed transaction, and the rate two otherwise idle cores could sustain if CPU
 * were the only limit (server + PostgreSQL; the load generator excluded). Meaningful when the
 * machine is shared: it does not depend on how much CPU the benchmark was given.
 */
function perTransaction(cpu: ReturnType<typeof cpuBetween>, tps: number) {
  if (tps <= 0) return { serverCpuMsPerTransaction: null, postgresCpuMsPerTransaction: null, cpuBoundTpsOn2Cores: null };
  const server = (1000 * cpu.serverCores) / tps;
  const postgres = (1000 * cpu.postgresCores) / tps;
  return { serverCpuMsPerTransaction: round(server, 2), postgresCpuMsPerTransaction: round(postgres, 2), cpuBoundTpsOn2Cores: Math.round(2000 / (server + postgres)) };
}

interface Tokens {
  agent: string;
  dispatcher: string;
}

interface LevelResult {
  clients: number;
  warmupSeconds: number;
  seconds: number;
  transactionsPerSec: number;
  requestsPerSec: number;
  transactions: number;
  latencyMs: { create: ReturnType<typeof latency>; dispatch: ReturnType<typeof latency>; transaction: ReturnType<typeof latency> };
  errors: { total: number; byKind: Record<string, number>; samples: Record<string, string> };
  cpu: ReturnType<typeof cpuBetween> & ReturnType<typeof perTransaction>;
  dbSessions: Record<string, number>;
  dbCommitsPerTransaction: number;
  outboxBacklogAfter: number;
}

let sequence = 0;

function ticketBody(i: number) {
  return {
    channel: 'phone',
    kind: 'complaint',
    title: `小区停水三天无人处理（压测 ${i}）`,
    content: '乌鲁木齐市天山区幸福路小区从周一开始停水，物业不回应，请尽快处理。',
    urgency: 'normal',
    // A different caller each time, as on a real hotline (the same phone would also serialise on its citizen row).
    citizen: { name: '张三', phone: `139${String(i % 1e8).padStart(8, '0')}` },
  };
}

async function commitsOf(c: pg.Client): Promise<number> {
  const { rows } = await c.query<{ n: string }>('select xact_commit::text as n from pg_stat_database where datname = $1', [DB]);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Closed loop at a fixed number of clients. Warm-up lasts WARMUP_SECONDS and until every client
 * has finished one transaction (at 500 clients one transaction can take seconds; measuring before
 * that would count a ramp, not a steady state), at most MAX_WARMUP_SECONDS. Then SECONDS are
 * recorded: every response that arrives in the window counts towards latency and requests/s, and
 * every transaction whose dispatch succeeds in the window (its create succeeded too) towards
 * transactions/s. CPU, database waits and commits are taken over the same window. Errors count
 * from the first request to the last, warm-up included.
 */
async function runLevel(clients: number, tokens: Tokens, orgId: string, serverPid: number, stats: pg.Client): Promise<LevelResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients, maxFreeSockets: clients });
  const t0 = performance.now();
  let measureFrom = Number.POSITIVE_INFINITY;
  let measureTo = Number.POSITIVE_INFINITY;
  const inWindow = (t: number) => t >= measureFrom && t <= measureTo;
  const create: number[] = [];
  const dispatch: number[] = [];
  const transaction: number[] = [];
  let requests = 0;
  let completed = 0;
  let warmedClients = 0;
  const errorKinds: Record<string, number> = {};
  const errorSamples: Record<string, string> = {};
  const fail = (kind: string, r: Reply) => {
    const key = `${kind} ${r.status}`;
    errorKinds[key] = (errorKinds[key] ?? 0) + 1;
    errorSamples[key] ??= r.body.slice(0, 300);
  };

  let window: { mark: CpuMark; end: CpuMark; commits: number; dbSessions: Record<string, number> } | undefined;
  const recorder = (async () => {
    while (performance.now() < t0 + MAX_WARMUP_SECONDS * 1000 && (performance.now() < t0 + WARMUP_SECONDS * 1000 || warmedClients < clients)) await sleep(50);
    const mark = await cpuMark(serverPid, stats);
    const commitsAtStart = await commitsOf(stats);
    const waits = sampleWaits(DB);
    measureFrom = performance.now();
    measureTo = measureFrom + SECONDS * 1000;
    await sleep(SECONDS * 1000);
    const end = await cpuMark(serverPid, stats);
    const commits = (await commitsOf(stats)) - commitsAtStart;
    window = { mark, end, commits, dbSessions: await waits.stop() };
  })();

  await Promise.all(
    Array.from({ length: clients }, async () => {
      let warmed = false;
      while (performance.now() < measureTo) {
        const started = performance.now();
        const c = await post(agent, '/api/v1/tickets', tokens.agent, ticketBody(++sequence));
        if (inWindow(started + c.ms)) {
          create.push(c.ms);
          requests++;
        }
        if (c.status === 201 && performance.now() > measureTo) break; // window over: do not start a dispatch nobody records
        if (c.status === 201) {
          const id = (JSON.parse(c.body) as { id: string }).id;
          const d = await post(agent, `/api/v1/tickets/${id}/dispatch`, tokens.dispatcher, { mode: 'single', orgIds: [orgId], opinion: '请核实处理' });
          const finished = performance.now();
          if (inWindow(finished)) {
            dispatch.push(d.ms);
            requests++;
            if (d.status === 200) {
              transaction.push(finished - started);
              completed++;
            }
          }
          if (d.status !== 200) fail('dispatch', d);
        } else {
          fail('create', c);
        }
        if (!warmed) {
          warmed = true;
          warmedClients++;
        }
      }
    }),
  );
  await recorder;
  const { mark, end, commits, dbSessions } = window!;
  const cpu = cpuBetween(mark, end);
  agent.destroy();
  const { rows } = await stats.query<{ n: number }>('select count(*)::int as n from outbox_event where processed_at is null');
  const errors = Object.values(errorKinds).reduce((a, b) => a + b, 0);
  return {
    clients,
    warmupSeconds: round((measureFrom - t0) / 1000),
    seconds: SECONDS,
    transactionsPerSec: round(completed / SECONDS),
    requestsPerSec: round(requests / SECONDS),
    transactions: completed,
    latencyMs: { create: latency(create), dispatch: latency(dispatch), transaction: latency(transaction) },
    errors: { total: errors, byKind: errorKinds, samples: errorSamples },
    cpu: { ...cpu, ...perTransaction(cpu, completed / SECONDS) },
    dbSessions,
    dbCommitsPerTransaction: round(commits / Math.max(1, completed), 2),
    outboxBacklogAfter: rows[0]?.n ?? 0,
  };
}

// ------------------------------------------------------------------ pgbench

interface PgbenchResult {
  command: string;
  scale: number;
  clients: number;
  threads: number;
  seconds: number;
  tps: number | null;
  latencyAvgMs: number | null;
  error?: string;
}

async function pgbench(): Promise<PgbenchResult> {
  const args = ['-c', '16', '-j', '2', '-T', String(PGBENCH_SECONDS), urlOf(PGBENCH_DB)];
  const result: PgbenchResult = { command: `${PGBENCH} -i -s 10 -q ${PGBENCH_DB} && ${PGBENCH} ${args.slice(0, -1).join(' ')} ${PGBENCH_DB}`, scale: 10, clients: 16, threads: 2, seconds: PGBENCH_SECONDS, tps: null, latencyAvgMs: null };
  try {
    await recreate(PGBENCH_DB);
    await run(PGBENCH, ['-i', '-s', '10', '-q', urlOf(PGBENCH_DB)], { maxBuffer: 16 << 20 });
    const { stdout } = await run(PGBENCH, args, { maxBuffer: 16 << 20 });
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout) ?? /tps = ([\d.]+)/.exec(stdout);
    const lat = /latency average = ([\d.]+) ms/.exec(stdout);
    result.tps = tps ? Number(tps[1]) : null;
    result.latencyAvgMs = lat ? Number(lat[1]) : null;
    if (result.tps === null) result.error = `could not parse pgbench output: ${stdout.slice(0, 500)}`;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    result.error = e.code === 'ENOENT' ? `${PGBENCH} not found (install postgresql-contrib / the postgresql client package, or set PGBENCH)` : String(err).slice(0, 500);
  } finally {
    await drop(PGBENCH_DB).catch(() => undefined);
  }
  return result;
}

// ------------------------------------------------------------------ the group

export async function runTicketBench() {
  await recreate(DB);
  // node itself (not npx/tsx wrappers), so that SIGTERM reaches the server and nothing is orphaned.
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile the server under this load.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'packages/server/src/main.ts'], {
    env: { ...process.env, DATABASE_URL: urlOf(DB), PORT: String(PORT), LOG_LEVEL: 'warn', HOTLINE_DATA_DIR: './data/bench-tickets' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => server.once('exit', resolve));
  const levels: LevelResult[] = [];
  let totals: { tickets: number; dispatched: number; auditRows: number; ticketEvents: number } | undefined;
  try {
    let ready = false;
    for (let i = 0; i < 240 && !ready; i++) {
      ready = await fetch(`http://127.0.0.1:${PORT}/readyz`).then((r) => r.ok, () => false);
      if (!ready) await sleep(500);
    }
    if (!ready) throw new Error('server did not become ready');
    const tokens = { agent: await login('agent01'), dispatcher: await login('dispatcher01') };
    await waitForAssistModel(tokens.agent);
    await admin(async (stats) => {
      const org = await stats.query<{ id: string }>('select id from org where code = $1', [TARGET_ORG_CODE]);
      const orgId = org.rows[0]?.id;
      if (!orgId) throw new Error(`org ${TARGET_ORG_CODE} not found in the seeded data`);
      for (const clients of LEVELS) levels.push(await runLevel(clients, tokens, orgId, server.pid!, stats));
      const { rows } = await stats.query<{ tickets: number; dispatched: number; audit: number; events: number }>(
        `select (select count(*)::int from ticket) as tickets, (select count(*)::int from ticket where status = 'handling') as dispatched,
                (select count(*)::int from audit_log) as audit, (select count(*)::int from ticket_event) as events`,
      );
      const r = rows[0]!;
      totals = { tickets: r.tickets, dispatched: r.dispatched, auditRows: r.audit, ticketEvents: r.events };
    }, DB);
  } finally {
    server.kill('SIGTERM');
    await exited;
    await drop(DB).catch(() => undefined);
  }
  // After the server is gone, so that pgbench has the machine to itself as the ticket runs did.
  const pgb = await pgbench();
  const best = levels.reduce<LevelResult | undefined>((b, l) => (!b || l.transactionsPerSec > b.transactionsPerSec ? l : b), undefined);
  const goal = { tps: 500, p95Ms: 100 };
  return {
    benchmark: 'tickets-create-dispatch',
    database: 'postgresql',
    transaction: 'POST /api/v1/tickets (agent01) + POST /api/v1/tickets/:id/dispatch (dispatcher01, single → ZJT)',
    cpus: cpus().length,
    minWarmupSeconds: WARMUP_SECONDS,
    levels,
    totalsInDatabase: totals,
    pgbench: pgb,
    ratioToPgbench: pgb.tps ? Object.fromEntries(levels.map((l) => [`clients${l.clients}`, round(l.transactionsPerSec / pgb.tps!, 3)])) : null,
    goal: {
      ...goal,
      tender: { tps: 50, cores: 8 },
      bestTransactionsPerSec: best?.transactionsPerSec ?? 0,
      bestAtClients: best?.clients ?? null,
      met: levels.filter((l) => l.errors.total === 0 && l.transactionsPerSec >= goal.tps && l.latencyMs.create.p95 < goal.p95Ms && l.latencyMs.dispatch.p95 < goal.p95Ms).map((l) => l.clients),
    },
  };
}
