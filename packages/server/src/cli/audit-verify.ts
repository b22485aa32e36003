import { pathToFileURL } from 'node:url';
import { loadConfig, type AppConfig } from '../platform/config.js';
import { openExistingDatabase } from './open-existing-database.js';
import { verifyAuditChain, type ChainReport } from '../platform/audit/audit.js';

/**
 * Verifies the SM3 hash chain of the audit log from the command line (npm run audit:verify), e.g.
 * from cron or before handing an export to an inspector. Prints {ok, checked, firstBrokenId, lanes}
 * as JSON (lanes: {lane, checked, firstBrokenId} per chain lane; firstBrokenId is the smallest
 * over all lanes); exit code 0 when every lane holds, 2 when one is broken, 1 when it could not be
 * checked.
 * The embedded PGlite directory can be open in one process only: stop the server first.
 */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_BROKEN = 2;

export async function auditVerify(config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>): Promise<ChainReport> {
  const handle = await openExistingDatabase(config);
  try {
    return await verifyAuditChain(handle.db);
  } finally {
    await handle.close();
  }
}

export const exitCodeOf = (report: ChainReport): number => (report.ok ? EXIT_OK : EXIT_BROKEN);

async function main(): Promise<number> {
  try {
    const report = await auditVerify(loadConfig());
    process.stdout.write(`${JSON.stringify({ ok: report.ok, checked: report.checked, firstBrokenId: report.firstBrokenId, lanes: report.lanes })}\n`);
    return exitCodeOf(report);
  } catch (err) {
    process.stderr.write(`审计日志校验失败：${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_ERROR;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main();
}
