/** Runs Debian's SIPp against our stack on loopback and reads back its exit code and statistics. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeMediaPort, freePort } from './helpers.js';

export const SIPP = process.env.SIPP_PATH ?? '/usr/bin/sipp';
const scenarioDir = join(dirname(fileURLToPath(import.meta.url)), 'scenarios');

/** SIPp is required in CI; elsewhere the suite is skipped when it is not installed. */
export function sippAvailable(): boolean {
  if (existsSync(SIPP) && spawnSync(SIPP, ['-v'], { timeout: 5_000 }).error === undefined) return true;
  if (process.env.CI === 'true') throw new Error(`SIPp is required in CI but ${SIPP} is missing`);
  return false;
}

export interface SippRun {
  /** Scenario file name in test/sip/scenarios. */
  scenario: string;
  transport: 'udp' | 'tcp';
  /** Our stack's port; absent when SIPp is the UAS and waits for us. */
  remotePort?: number;
  localPort?: number;
  service?: string;
  args?: string[];
}

export interface SippResult {
  exitCode: number | null;
  successful: number;
  failed: number;
  /** Unexpected-message log, for assertion messages. */
  errors: string;
  output: string;
}

export interface SippProcess {
  localPort: number;
  done: Promise<SippResult>;
  kill: () => void;
}

/** Starts SIPp for one call (-m 1) with a 20 s global timeout, as the brief for these tests asks. */
export async function startSipp(run: SippRun): Promise<SippProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'sipp-'));
  const localPort = run.localPort ?? (await freePort());
  const mediaPort = await freeMediaPort();
  const statFile = join(dir, 'stats.csv');
  const args = [
    ...(run.remotePort !== undefined ? [`127.0.0.1:${run.remotePort}`] : []),
    '-sf', join(scenarioDir, run.scenario),
    '-t', run.transport === 'udp' ? 'u1' : 't1',
    '-i', '127.0.0.1',
    '-p', String(localPort),
    '-mp', String(mediaPort),
    '-s', run.service ?? '1001',
    '-m', '1',
    '-timeout', '20s',
    '-timeout_error',
    '-nostdin',
    '-trace_stat', '-stf', statFile,
    '-trace_err', '-error_file', join(dir, 'errors.log'),
    ...(run.args ?? []),
  ];
  const child = spawn(SIPP, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString('latin1')).slice(-20_000)));
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString('latin1')).slice(-20_000)));
  const done = new Promise<SippResult>((resolve) => {
    child.on('close', (code) => {
      const result = { exitCode: code, ...readStats(statFile), errors: readAll(dir, 'errors'), output };
      rmSync(dir, { recursive: true, force: true });
      resolve(result);
    });
  });
  return { localPort, done, kill: () => child.kill('SIGKILL') };
}

export async function runSipp(run: SippRun): Promise<SippResult> {
  return (await startSipp(run)).done;
}

function readAll(dir: string, prefix: string): string {
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix))
    .map((f) => readFileSync(join(dir, f), 'latin1'))
    .join('\n');
}

/** Reads the cumulative SuccessfulCall/FailedCall counters from the last row of SIPp's stat CSV. */
function readStats(file: string): { successful: number; failed: number } {
  if (!existsSync(file)) return { successful: -1, failed: -1 };
  const rows = readFileSync(file, 'latin1').trim().split('\n');
  const header = rows[0]?.split(';') ?? [];
  const last = rows[rows.length - 1]?.split(';') ?? [];
  const column = (name: string): number => Number(last[header.indexOf(name)] ?? -1);
  return { successful: column('SuccessfulCall(C)'), failed: column('FailedCall(C)') };
}
