/**
 * Knowledge search and recommendation latency on the real server (PostgreSQL, fresh database,
 * LOG_LEVEL warn) over BENCH_KB_ARTICLES (default 5,000) published articles: the seeded demo
 * knowledge mixed into new articles (its sentences recombined, spread over four tenants of two
 * levels), with 20,000 usage rows over the last 30 days. Measures, as agent01 (a county-level view
 * would see fewer articles; the root agent sees the most):
 *   - the first query after the articles appear (the index is built then),
 *   - GET /api/v1/kb/search (any/all/phrase, page 1 of 20) with one client and with four,
 *   - POST /api/v1/kb/recommend with ticket-like texts of 20 to 2,000 characters, one and four clients,
 *   - the first query after one article is taken down (the rebuild another process's change costs).
 * Prints JSON with client-side p50/p95/p99.
 *
 *   npm run bench -- kb
 *   BENCH_KB_SECONDS=20 BENCH_KB_ARTICLES=10000 npm run bench -- kb
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startBenchServer } from './server.js';

const ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = 'hotline_bench_kb';
const DB_URL = ADMIN_URL.replace(/\/[^/]*$/, `/${DB}`);
const PORT = Number(process.env.BENCH_KB_PORT ?? Number(process.env.BENCH_PORT ?? 3917) + 4);
const SECONDS = Number(process.env.BENCH_KB_SECONDS ?? 10);
const ARTICLES = Number(process.env.BENCH_KB_ARTICLES ?? 5000);
const base = `http://127.0.0.1:${PORT}`;

const QUERIES: [q: string, rule: 'any' | 'all' | 'phrase'][] = [
  ['供暖', 'any'],
  ['物业费 停水', 'any'],
  ['社保卡丢了怎么补办', 'any'],
  ['欠薪', 'any'],
  ['医保 异地', 'all'],
  ['户口 迁移 材料', 'all'],
  ['异地就医', 'phrase'],
  ['12315', 'any'],
  ['燃气泄漏怎么办', 'any'],
  ['公积金贷款', 'any'],
];

const DEMANDS = [
  '医保异地就医报销比例是多少',
  '公司拖欠我三个月工资一直不给，老板电话也不接，我在喀什地区疏附县打工',
  '小区供暖温度只有十五度，家里老人孩子受不了，热力公司说管道有问题一直不修，请相关部门督促',
  '我的社保卡丢了，想问一下去哪里补办，需要带什么材料，多久能拿到',
  '物业公司因为我没交物业费就把我家的水停了，这合法吗',
  ('市民来电反映：' + '其所居住的米东区某小区自今年入冬以来多次出现停水停暖情况，物业公司以设备老化为由推脱，业主多次向社区反映无果。'.repeat(25)).slice(0, 2000),
];

const REGIONS = ['乌鲁木齐', '喀什', '伊犁', '阿克苏', '哈密', '昌吉', '和田', '克拉玛依', '吐鲁番', '巴州', '博州', '塔城', '阿勒泰', '克州'];

async function admin(sqlText: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sqlText);
  } finally {
    await c.end();
  }
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
const ms = (v: number) => Math.round(v * 10) / 10;

/** A tiny seeded generator so every run builds the same corpus. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Grows the seeded demo knowledge to `count` published articles in four tenants, plus usage. */
async function growKnowledge(count: number): Promise<{ articles: number; usage: number; seconds: number }> {
  const t0 = Date.now();
  const c = new pg.Client({ connectionString: DB_URL });
  await c.connect();
  try {
    const seeds = (
      await c.query<{ directory_id: string; type_code: string; title: string; summary: string; body: string; keywords: string[]; item_ids: string[] }>(
        `select a.directory_id, a.type_code, r.title, r.summary, r.body, r.keywords, r.item_ids
         from kb_article a join kb_revision r on r.id = a.live_revision_id where a.status = 'published' order by a.id`,
      )
    ).rows;
    if (seeds.length === 0) throw new Error('the seed has no published knowledge to grow from');
    const tenants = (await c.query<{ id: string }>(`select id from tenant where code in ('650000', '650100', '650102', '653100') order by level, code`)).rows.map((r) => r.id);
    const sentences = seeds.flatMap((s) => s.body.split(/(?<=[。；！？])/).filter((x) => x.trim().length > 6));
    const rand = rng(12345);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const now = Date.now();
    const ids: string[] = [];
    for (let from = 0; from < count; from += 500) {
      const articles: Record<string, unknown>[] = [];
      const revisions: Record<string, unknown>[] = [];
      for (let i = from; i < Math.min(count, from + 500); i++) {
        const s = seeds[i % seeds.length]!;
        const id = randomUUID();
        const rev = randomUUID();
        const at = new Date(now - Math.floor(rand() * 365) * 86_400_000).toISOString();
        const body = [s.body, ...Array.from({ length: 2 + Math.floor(rand() * 4) }, () => pick(sentences))].join('');
        const title = `${s.title}（${pick(REGIONS)}${i}）`;
        articles.push({ id, tenant_id: tenants[i % tenants.length], directory_id: s.directory_id, type_code: s.type_code, scope: 'subtree', status: 'published', title, live_revision_id: rev, published_at: at, temporary_offline: false, created_at: at, updated_at: at });
        revisions.push({ id: rev, article_id: id, version: 1, change_type: 'create', state: 'published', title, summary: s.summary, body, fields: {}, keywords: s.keywords, item_ids: s.item_ids, basis: '基准测试', source: '', note: '', created_at: at, published_at: at });
        ids.push(id);
      }
      await c.query(`insert into kb_article select * from json_populate_recordset(null::kb_article, $1)`, [JSON.stringify(articles)]);
      await c.query(`insert into kb_revision select * from json_populate_recordset(null::kb_revision, $1)`, [JSON.stringify(revisions)]);
    }
    const usage = 20_000;
    const rows = Array.from({ length: usage }, () => ({ id: randomUUID(), article_id: pick(ids), tenant_id: pick(tenants), kind: pick(['view', 'insert', 'copy', 'recommend_click']), at: new Date(now - Math.floor(rand() * 30 * 86_400_000)).toISOString() }));
    for (let i = 0; i < rows.length; i += 5000) await c.query(`insert into kb_usage select * from json_populate_recordset(null::kb_usage, $1)`, [JSON.stringify(rows.slice(i, i + 5000))]);
    await c.query('analyze kb_article; analyze kb_revision; analyze kb_usage');
    const n = (await c.query<{ n: number }>(`select count(*)::int as n from kb_article where status = 'published'`)).rows[0]?.n ?? 0;
    return { articles: n, usage, seconds: Math.round((Date.now() - t0) / 100) / 10 };
  } finally {
    await c.end();
  }
}

async function call(token: string, i: number, kind: 'search' | 'recommend'): Promise<{ status: number; ms: number; body: unknown }> {
  const t0 = performance.now();
  const res =
    kind === 'search'
      ? await fetch(`${base}/api/v1/kb/search?q=${encodeURIComponent(QUERIES[i % QUERIES.length]![0])}&rule=${QUERIES[i % QUERIES.length]![1]}&pageSize=20`, { headers: { authorization: `Bearer ${token}` } })
      : await fetch(`${base}/api/v1/kb/recommend`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ text: DEMANDS[i % DEMANDS.length] }) });
  const body = await res.json();
  return { status: res.status, ms: performance.now() - t0, body };
}

/** Closed-loop clients for `seconds`, each cycling through the queries or demands. */
async function load(token: string, kind: 'search' | 'recommend', clients: number, seconds: number) {
  const times: number[] = [];
  let errors = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = c; Date.now() < until; i++) {
        const r = await call(token, i, kind);
        if (r.status !== 200) errors++;
        times.push(r.ms);
      }
    }),
  );
  const a = times.sort((x, y) => x - y);
  return { clients, requests: a.length, errors, requestsPerSec: ms(a.length / seconds), latencyMs: { p50: ms(percentile(a, 50)), p95: ms(percentile(a, 95)), p99: ms(percentile(a, 99)), max: ms(a.at(-1) ?? 0) } };
}

export async function runKbBench(): Promise<Record<string, unknown>> {
  await admin(`drop database if exists ${DB} with (force)`);
  await admin(`create database ${DB}`);
  const server = await startBenchServer({ databaseUrl: DB_URL, port: PORT, dataDir: './data/bench-kb' });
  try {
    const token = await server.login('agent01');
    const grown = await growKnowledge(ARTICLES);
    const first = await call(token, 0, 'search');
    if (first.status !== 200) throw new Error(`search failed: ${first.status} ${JSON.stringify(first.body).slice(0, 300)}`);
    const firstQueryMs = ms(first.ms);
    await load(token, 'search', 1, 2); // warm-up (JIT, jieba)
    const searchOne = await load(token, 'search', 1, SECONDS);
    const searchFour = await load(token, 'search', 4, SECONDS);
    await load(token, 'recommend', 1, 2);
    const recommendOne = await load(token, 'recommend', 1, SECONDS);
    const recommendFour = await load(token, 'recommend', 4, SECONDS);
    const example = (await call(token, 2, 'recommend')).body as { items: { title: string; match: number; pinned: boolean; usage30d: number }[] };
    // Another process takes one article down: the next query notices (within the 2 s check
    // interval) and rebuilds. Wait out the interval so the measured query is the rebuilding one.
    const c = new pg.Client({ connectionString: DB_URL });
    await c.connect();
    await c.query(`update kb_article set status = 'offline', updated_at = now() where id = (select id from kb_article where status = 'published' order by id limit 1)`);
    await c.end();
    await sleep(2500);
    const rebuildQueryMs = ms((await call(token, 1, 'search')).ms);
    return {
      benchmark: 'kb-search-recommend',
      database: 'postgresql',
      cpus: cpus().length,
      seconds: SECONDS,
      corpus: grown,
      firstQueryMs,
      rebuildQueryMs,
      search: { queries: QUERIES.length, oneClient: searchOne, fourClients: searchFour },
      recommend: { demands: DEMANDS.length, oneClient: recommendOne, fourClients: recommendFour, example: example.items.slice(0, 3).map((i) => ({ title: i.title, match: i.match, pinned: i.pinned, usage30d: i.usage30d })) },
    };
  } finally {
    await server.stop();
    await admin(`drop database if exists ${DB} with (force)`);
  }
}
