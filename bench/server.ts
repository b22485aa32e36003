import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface BenchServer {
  base: string;
  process: ChildProcess;
  /** Logs a demo user in (password of the demo seed) and returns the bearer token. */
  login(username: string): Promise<string>;
  /** SIGTERM, then waits for the exit: a bench never leaves a server behind. */
  stop(): Promise<void>;
}

/**
 * Starts the real server on PostgreSQL and waits until it is ready. node itself runs it (not the
 * npx/tsx wrappers), so that SIGTERM reaches the server and nothing is orphaned.
 */
export async function startBenchServer(opts: { databaseUrl: string; port: number; dataDir: string; nodeArgs?: string[] }): Promise<BenchServer> {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', 'packages/server/src/main.ts'], {
    env: { ...process.env, DATABASE_URL: opts.databaseUrl, PORT: String(opts.port), LOG_LEVEL: 'warn', HOTLINE_DATA_DIR: opts.dataDir },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const base = `http://127.0.0.1:${opts.port}`;
  const server: BenchServer = {
    base,
    process: child,
    async login(username) {
      const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'Hotline@2026' }) });
      if (!res.ok) throw new Error(`login ${username} failed: ${res.status}`);
      return String(((await res.json()) as { token: string }).token);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
  // The first start migrates and seeds a fresh database: up to two minutes on a loaded machine.
  for (let i = 0; i < 240; i++) {
    if (await fetch(`${base}/readyz`).then((r) => r.ok, () => false)) return server;
    await sleep(500);
  }
  await server.stop();
  throw new Error('server did not become ready');
}
