/**
 * Smart intake latency (issue 5: "each response <= 300 ms p95"): POST /api/v1/assist/analyse as
 * agent01 on the real server (PostgreSQL, fresh database, LOG_LEVEL warn) once the item model is
 * built, with demands of 30 to 2,000 characters. One client is the agent at the console; four
 * concurrent clients show the cost under a little contention. Reports client-side p50/p95/p99 and
 * the server-reported analysis time. Then, with history: BENCH_ASSIST_HISTORY (default 60) tickets
 * are registered from those demands, dispatched to one unit, handled, approved and called back
 * through the API, the models are retrained (item model and title model; 5 epochs, the latency does
 * not depend on them), and the same loads run again — now with the dispatch-history re-ranking
 * applied (every demand has ≥ 3 similar closed tickets) and the trained titler. Prints JSON.
 *
 *   npm run bench -- assist
 *   BENCH_ASSIST_SECONDS=20 BENCH_ASSIST_HISTORY=0 npm run bench -- assist
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startBenchServer } from './server.js';

const ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = 'hotline_bench_assist';
const PORT = Number(process.env.BENCH_ASSIST_PORT ?? Number(process.env.BENCH_PORT ?? 3917) + 2);
const SECONDS = Number(process.env.BENCH_ASSIST_SECONDS ?? 10);
const HISTORY = Number(process.env.BENCH_ASSIST_HISTORY ?? 60);
const base = `http://127.0.0.1:${PORT}`;

const DEMANDS = [
  '我是天山区幸福路小区的住户，手机13899990001，从昨天下午开始停水，物业不管，请尽快处理',
  '公司拖欠我三个月工资一直不给，老板电话也不接，我在喀什地区疏附县打工',
  '楼下烧烤店每天晚上营业到凌晨两点，噪音太大，油烟直接飘进家里，沙依巴克区友好北路',
  '孩子今年上小学，想咨询一下新市区的学位申请需要准备哪些材料',
  '医保异地就医报销比例是多少，我母亲在伊宁市住院',
  '我叫王建华，身份证650102198501011234，上周三在克拉玛依市某4S店买的车发动机有问题，商家拒绝退换，涉及金额18万元',
  '小区供暖温度只有十五度，家里老人孩子受不了，热力公司说管道有问题一直不修，请相关部门督促',
  '建议在乌鲁木齐市水磨沟区南湖路增设一个公交站点，现在最近的站要走二十分钟',
  ('市民来电反映：' + '其所居住的米东区某小区自今年入冬以来多次出现停水停暖情况，物业公司以设备老化为由推脱，业主多次向社区反映无果。'.repeat(25)).slice(0, 2000),
];

async function recreateDatabase(): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  await c.query(`drop database if exists ${DB} with (force)`);
  await c.query(`create database ${DB}`);
  await c.end();
}

async function dropDatabase(): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  await c.query(`drop database if exists ${DB} with (force)`);
  await c.end();
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
const ms = (v: number) => Math.round(v * 10) / 10;

/** Closed-loop clients for `seconds`, each cycling through the demands. */
async function load(token: string, clients: number, seconds: number) {
  const client: number[] = [];
  const server: number[] = [];
  let errors = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = c; Date.now() < until; i++) {
        const text = DEMANDS[i % DEMANDS.length]!;
        const t0 = performance.now();
        const res = await fetch(`${base}/api/v1/assist/analyse`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ text }) });
        const body = (await res.json()) as { elapsedMs?: number };
        client.push(performance.now() - t0);
        if (res.status !== 200) errors++;
        else server.push(body.elapsedMs ?? 0);
      }
    }),
  );
  const a = [...client].sort((x, y) => x - y);
  const s = [...server].sort((x, y) => x - y);
  return {
    clients,
    requests: a.length,
    errors,
    requestsPerSec: ms(a.length / seconds),
    latencyMs: { p50: ms(percentile(a, 50)), p95: ms(percentile(a, 95)), p99: ms(percentile(a, 99)), max: ms(a.at(-1) ?? 0) },
    analysisMs: { p50: ms(percentile(s, 50)), p95: ms(percentile(s, 95)) },
  };
}

async function api<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), authorization: `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await res.json().catch(() => ({}))) as T;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

async function loginAs(username: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'Hotline@2026' }) });
  return String(((await res.json()) as { token: string }).token);
}

interface Fill {
  title: string;
  content: string;
  itemId: string | null;
  kind: string | null;
  regionCode: string | null;
  regionName: string | null;
}

/** Closed tickets through the whole work-order loop, all finished by 自治区住房和城乡建设厅 (ZJT). */
async function seedHistory(agent: string, count: number): Promise<{ tickets: number; seconds: number }> {
  const t0 = Date.now();
  const [dispatcher, reviewer, handler] = await Promise.all(['dispatcher01', 'reviewer01', 'handler_xj'].map(loginAs)) as [string, string, string];
  const c = new pg.Client({ connectionString: ADMIN_URL.replace(/\/[^/]*$/, `/${DB}`) });
  await c.connect();
  const orgId = String((await c.query<{ id: string }>(`select id from org where code = 'ZJT'`)).rows[0]!.id);
  await c.end();
  const demands = DEMANDS.filter((d) => d.length < 500);
  for (let i = 0; i < count; i++) {
    const { fill } = await api<{ fill: Fill }>(agent, 'POST', '/api/v1/assist/analyse', { text: demands[i % demands.length] });
    const t = await api<{ id: string }>(agent, 'POST', '/api/v1/tickets', {
      channel: 'phone',
      title: fill.title,
      content: fill.content,
      ...(fill.itemId ? { itemId: fill.itemId } : {}),
      ...(fill.kind ? { kind: fill.kind } : {}),
      ...(fill.regionCode ? { regionCode: fill.regionCode, regionName: fill.regionName } : {}),
      citizen: { name: '张三', phone: `1389998${String(1000 + i)}` },
    });
    const { taskIds } = await api<{ taskIds: string[] }>(dispatcher, 'POST', `/api/v1/tickets/${t.id}/dispatch`, { mode: 'single', orgIds: [orgId], opinion: '请核实处理' });
    await api(handler, 'POST', `/api/v1/ticket-tasks/${taskIds[0]}/sign`);
    await api(handler, 'POST', `/api/v1/ticket-tasks/${taskIds[0]}/report`, { result: '已核实处理并答复市民' });
    await api(reviewer, 'POST', `/api/v1/tickets/${t.id}/review`, { approve: true, opinion: '同意' });
    await api(reviewer, 'POST', `/api/v1/tickets/${t.id}/callback`, { result: 'satisfied', handlingRating: 5, serviceRating: 5, channel: 'phone' });
  }
  return { tickets: count, seconds: Math.round((Date.now() - t0) / 100) / 10 };
}

/** Retrains from history (item and title models) and waits for the job. */
async function retrain(): Promise<unknown> {
  const sup = await loginAs('supervisor01');
  await api(sup, 'POST', '/api/v1/assist/models/items/train', { epochs: 5 });
  for (;;) {
    await sleep(1000);
    const info = await api<{ job: { status: string } }>(sup, 'GET', '/api/v1/assist/models/items');
    if (info.job.status !== 'running') return info;
  }
}

export async function runAssistBench(): Promise<Record<string, unknown>> {
  await recreateDatabase();
  // A fresh database has new item ids, so a model kept from an earlier run would be rebuilt anyway.
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-assist-'));
  const server = await startBenchServer({ databaseUrl: ADMIN_URL.replace(/\/[^/]*$/, `/${DB}`), port: PORT, dataDir });
  try {
    const token = await server.login('agent01');
    // The catalogue model is built in a worker after startup (about a minute on a loaded 2-core machine).
    const t0 = Date.now();
    let model: unknown = null;
    while (Date.now() - t0 < 600_000) {
      const info = (await (await fetch(`${base}/api/v1/assist/models/items`, { headers: { authorization: `Bearer ${token}` } })).json()) as { model: unknown; buildError?: string | null };
      if (info.model || info.buildError) {
        model = info.model ?? info.buildError;
        break;
      }
      await sleep(1000);
    }
    const modelReadyAfterMs = Date.now() - t0;
    await load(token, 1, 2); // warm-up
    const one = await load(token, 1, SECONDS);
    const four = await load(token, 4, SECONDS);
    let withHistory: Record<string, unknown> | null = null;
    if (HISTORY > 0) {
      const seeded = await seedHistory(token, HISTORY);
      const info = (await retrain()) as { job: { status: string; titleModel: unknown }; titleModel: unknown };
      const probe = await api<{ units: { unitName: string; reasons: string[] }[]; unitHistory: unknown; title: string }>(token, 'POST', '/api/v1/assist/analyse', { text: DEMANDS[0] });
      await load(token, 1, 2);
      withHistory = { seeded, retrain: { job: info.job.status, titleModel: info.titleModel }, example: { title: probe.title, topUnit: probe.units[0], unitHistory: probe.unitHistory }, oneClient: await load(token, 1, SECONDS), fourClients: await load(token, 4, SECONDS) };
    }
    return { benchmark: 'assist-analyse', database: 'postgresql', cpus: cpus().length, seconds: SECONDS, demands: DEMANDS.length, model, modelReadyAfterMs, oneClient: one, fourClients: four, withHistory };
  } finally {
    await server.stop();
    await dropDatabase();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
