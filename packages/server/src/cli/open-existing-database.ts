import { existsSync } from 'node:fs';
import type { AppConfig } from '../platform/config.js';
import { openDatabase, type DbHandle } from '../platform/db/database.js';

/**
 * The installation's database for a command-line tool. Never creates an empty embedded database
 * by accident (a tool would then "work" on nothing). The embedded PGlite directory can be open in
 * one process only: with the embedded default, stop the server first.
 */
export async function openExistingDatabase(config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>): Promise<DbHandle> {
  const dataDir = `${config.dataDir}/pglite`;
  if (!config.databaseUrl && !existsSync(dataDir)) throw new Error(`数据库目录不存在：${dataDir}`);
  return openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir });
}
