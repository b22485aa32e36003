import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/** A forward-only migration owned by a module. Names sort globally: `NNNN-module-what`. */
export interface ModuleMigration {
  name: string;
  up(db: Kysely<unknown>): Promise<void>;
}

class ListProvider implements MigrationProvider {
  constructor(private readonly migrations: ModuleMigration[]) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(this.migrations.map((m) => [m.name, { up: (db: Kysely<unknown>) => m.up(db) }]));
  }
}

/** Runs every pending migration in name order; fails loudly, never half-applies one migration. */
export async function migrateToLatest(db: Kysely<unknown>, migrations: ModuleMigration[]): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new ListProvider(migrations) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`数据库迁移失败: ${failed?.migrationName ?? ''} ${String(error)}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}

/** Runs a block of DDL statements separated by blank-line-free semicolons. */
export async function runSql(db: Kysely<unknown>, ddl: string): Promise<void> {
  for (const statement of ddl.split(/;\s*$/m).map((s) => s.trim()).filter(Boolean)) {
    await sql.raw(statement).execute(db);
  }
}
