import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import { createPlatform, MIGRATIONS, type Platform } from '../src/bootstrap.js';
import { migrateToLatest } from '../src/platform/db/migrator.js';
import { seedBase } from '../src/seed/base.seed.js';
import { ManualClock } from '../src/platform/clock.js';
import type { AppConfig } from '../src/platform/config.js';
import { openDatabase, type DbHandle } from '../src/platform/db/database.js';
import { DEMO_PASSWORD } from '../src/seed/demo.seed.js';
import { assistEngines } from '../src/modules/assist/engines.js';

/**
 * Integration test harness. TEST_DB=postgres runs against the PostgreSQL server (each test file
 * gets its own database cloned from a migrated, seeded template); otherwise embedded PGlite.
 */
export const PG_ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEMPLATE_DB = 'hotline_test_template';
export const TEST_START = '2026-01-05T09:00:00+08:00';

export const testConfig = (over: Partial<AppConfig> = {}): AppConfig => ({
  host: '127.0.0.1',
  port: 0,
  databaseUrl: '',
  databasePoolMax: 10,
  dataDir: '',
  logLevel: 'silent',
  webDist: '/nonexistent',
  seedDemo: true,
  // app.inject() comes from 127.0.0.1; tests set X-Forwarded-For to play different clients.
  trustProxy: ['loopback'],
  // Fixed keys for tests only: the template database's encrypted columns must decrypt in every file.
  keys: {
    sm4KeyHex: '00112233445566778899aabbccddeeff',
    indexKeyHex: 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100',
    sm2PrivateKeyHex: '',
    sm2PublicKeyHex: '',
  },
  ...over,
});

export interface TestPlatform extends Platform {
  clock: ManualClock;
  kind: 'pglite' | 'postgres';
}

export async function openTestDatabase(): Promise<DbHandle> {
  if (process.env.TEST_DB !== 'postgres') return openDatabase({});
  const name = `hotline_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const handle = await openDatabase({ url: PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`) });
  return {
    ...handle,
    async close() {
      await handle.close();
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        // pool.end() resolves before the server has let go of every backend; dropping with force
        // right away kills them mid-close and the pool reports 57P01 as an unhandled error.
        for (let i = 0; i < 50; i++) {
          const { rows } = await c.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
          if (rows[0]?.n === 0) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * A database as an installation was before `migration` existed: every earlier migration, then the
 * base seed. Today's seed already holds what the migration adds, so callers delete that before
 * migrating. A PostgreSQL test database is a clone of the migrated template: its schema is rebuilt
 * from empty, because rewinding by hand would have to undo every later migration.
 */
export async function openInstallationBefore(migration: string): Promise<DbHandle> {
  const handle = await openTestDatabase();
  const db = handle.db;
  if (handle.kind === 'postgres') {
    await sql`drop schema public cascade`.execute(db);
    await sql`create schema public`.execute(db);
  }
  await migrateToLatest(db as never, MIGRATIONS.filter((m) => m.name < migration));
  await db.transaction().execute((trx) => seedBase(trx, new ManualClock()).then(() => undefined));
  return handle;
}

export async function createTestPlatform(): Promise<TestPlatform> {
  const clock = new ManualClock(TEST_START);
  const database = await openTestDatabase();
  const platform = await createPlatform(testConfig(), { clock, logger: false, database, startWorkers: false });
  return {
    ...platform,
    clock,
    kind: database.kind,
    async close() {
      await platform.close();
      await database.close();
    },
  };
}

export type AssistPlatform = Platform & { clock: ManualClock; dataDir: string };

/**
 * A platform with its own data directory (where smart intake persists its models) and the
 * catalogue model already built, in `epochs` passes instead of the default (seconds, not a minute).
 */
export async function createAssistPlatform(prefix: string, epochs: number): Promise<AssistPlatform> {
  const clock = new ManualClock(TEST_START);
  const database = await openTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const platform = await createPlatform(testConfig({ dataDir }), { clock, logger: false, database, startWorkers: false });
  assistEngines(platform.deps).buildOptions = { epochs };
  await assistEngines(platform.deps).ready();
  expect(assistEngines(platform.deps).buildError).toBeNull();
  return {
    ...platform,
    clock,
    dataDir,
    async close() {
      await platform.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Res<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

/** A small client over app.inject() so tests read like API calls. */
export class Client {
  constructor(
    readonly p: Platform,
    readonly token?: string,
  ) {}

  async req<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<Res<T>> {
    const res = await this.p.app.inject({
      method,
      url,
      headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), 'user-agent': 'vitest' },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    const type = String(res.headers['content-type'] ?? '');
    return { status: res.statusCode, body: (type.includes('json') ? res.json() : res.body) as T, headers: res.headers };
  }
  get<T = Record<string, unknown>>(url: string) {
    return this.req<T>('GET', url);
  }
  post<T = Record<string, unknown>>(url: string, body?: unknown) {
    return this.req<T>('POST', url, body ?? {});
  }
  put<T = Record<string, unknown>>(url: string, body: unknown) {
    return this.req<T>('PUT', url, body);
  }
  patch<T = Record<string, unknown>>(url: string, body: unknown) {
    return this.req<T>('PATCH', url, body);
  }
  delete<T = Record<string, unknown>>(url: string) {
    return this.req<T>('DELETE', url);
  }
}

export async function login(p: Platform, username: string, password = DEMO_PASSWORD): Promise<Client> {
  const res = await new Client(p).post<{ status: string; token: string }>('/api/v1/auth/login', { username, password });
  if (res.status !== 200 || res.body.status !== 'ok') throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return new Client(p, res.body.token);
}

/** Looks up seeded ids by code or username, so tests do not hard-code UUIDs. */
export async function ids(p: Platform) {
  const db = p.deps.db;
  const tenant = async (code: string) => (await db.selectFrom('tenant').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
  const user = async (username: string) => (await db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  const org = async (code: string) => (await db.selectFrom('org').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
  const role = async (code: string) => (await db.selectFrom('role').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
  return { tenant, user, org, role };
}

/** Builds the PostgreSQL template once per test run (vitest globalSetup for the postgres project). */
export async function buildPostgresTemplate(): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`update pg_database set datistemplate = false where datname = '${TEMPLATE_DB}'`);
    await admin.query(`drop database if exists ${TEMPLATE_DB} with (force)`);
    await admin.query(`create database ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const handle = await openDatabase({ url: PG_ADMIN_URL.replace(/\/[^/]*$/, `/${TEMPLATE_DB}`) });
  const platform = await createPlatform(testConfig(), { clock: new ManualClock(TEST_START), logger: false, database: handle, startWorkers: false });
  await platform.close();
  await handle.close();
}

/** An RFC 7807 body as the API sends it. */
export interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}

/** Asserts a problem+json answer with this status and code, and returns its body. */
export function expectProblem(res: Res<unknown>, status: number, code: string): Problem {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const body = res.body as Problem;
  expect(body.code).toBe(code);
  return body;
}

/** The security admin lifts the per-IP login limit so that a describe block's many logins are not throttled. */
export async function relaxLoginRateLimit(p: Platform): Promise<void> {
  const sec = await login(p, 'secadmin');
  expect((await sec.put('/api/v1/config/security.loginRateLimitPerMinute', { value: 100000 })).status).toBe(200);
}

/** API paths of the work-order module (their tenant isolation is tested in tickets-tenancy.int.test.ts). */
export const TICKET_API = /^\/api\/v1\/(tickets|ticket-tasks|ticket-requests|supervisions|sla-rules|ticket-config|citizens|public|intake)(\/|$)/;

/**
 * A new user made the way an installation makes one: the system admin creates it in an org, the
 * security admin grants the role, the user logs in and replaces the initial password.
 */
export async function provisionUser(p: Platform, input: { tenantId: string; orgId: string; username: string; roleCode: string; displayName?: string }): Promise<Client> {
  const initial = 'Init@Pass2026x';
  const [sys, sec] = await Promise.all([login(p, 'sysadmin'), login(p, 'secadmin')]);
  const created = await sys.post<{ id: string }>('/api/v1/users', { tenantId: input.tenantId, orgId: input.orgId, username: input.username, displayName: input.displayName ?? input.username, password: initial });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const role = await p.deps.db.selectFrom('role').select('id').where('code', '=', input.roleCode).executeTakeFirstOrThrow();
  const granted = await sec.patch(`/api/v1/users/${created.body.id}`, { roleIds: [role.id] });
  expect(granted.status, JSON.stringify(granted.body)).toBe(200);
  const c = await login(p, input.username, initial);
  const changed = await c.post('/api/v1/me/password', { oldPassword: initial, newPassword: 'Changed@Pass2026y' });
  expect(changed.status, JSON.stringify(changed.body)).toBe(200);
  return c;
}

const SERVER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs a command-line tool of the server (src/cli/…) in its own process, as an operator would. */
export function runCli(script: string, args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: SERVER_DIR, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
