import type { AppConfig } from './platform/config.js';
import type { Clock } from './platform/clock.js';
import { systemClock } from './platform/clock.js';
import type { Deps } from './platform/context.js';
import { openDatabase, type DbHandle } from './platform/db/database.js';
import { migrateToLatest, type ModuleMigration } from './platform/db/migrator.js';
import { FieldCipher } from './platform/crypto/index.js';
import { InProcessBus, type Bus } from './platform/events/bus.js';
import { OutboxDispatcher } from './platform/events/outbox.js';
import { ParamStore } from './platform/params.js';
import { openBlobStore } from './platform/blob/open.js';
import { buildHttpApp, type App } from './platform/http/app.js';
import { platformMigrations } from './platform/platform.migrations.js';
import { identityMigrations } from './modules/identity/identity.migrations.js';
import { systemMigrations } from './modules/system/system.migrations.js';
import { identityRoutes } from './modules/identity/identity.routes.js';
import { authRoutes, metaOf } from './modules/identity/auth.routes.js';
import { authenticate } from './modules/identity/auth.service.js';
import { systemRoutes, registerNotificationFanout } from './modules/system/system.routes.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { catalogMigrations, catalogRoutes } from './modules/catalog/catalog.module.js';
import { registerTicketHandlers, ticketMigrations, ticketModuleRoutes, TicketTimerWorker } from './modules/tickets/tickets.module.js';
import { AssistRetrainScheduler, assistModuleRoutes, startAssist, stopAssist } from './modules/assist/assist.module.js';
import { telephonyMigrations } from './modules/telephony/telephony.migrations.js';
import { assistMigrations } from './modules/assist/assist.migrations.js';
import { KnowledgeWorker, knowledgeMigrations, knowledgeRoutes } from './modules/knowledge/knowledge.module.js';
import { registerTelephonyRoutes } from './modules/telephony/telephony.routes.js';
import { SoftphoneService } from './modules/telephony/softphone.service.js';
import { seedBase } from './seed/base.seed.js';
import { seedDemo } from './seed/demo.seed.js';

/** Every module's migrations, in the order their names sort. */
export const MIGRATIONS: ModuleMigration[] = [...platformMigrations, ...identityMigrations, ...systemMigrations, ...catalogMigrations, ...ticketMigrations, ...telephonyMigrations, ...assistMigrations, ...knowledgeMigrations];

export interface Platform {
  app: App;
  deps: Deps;
  outbox: OutboxDispatcher;
  /** The browser softphone; its gateway starts with the media role (main.ts). */
  softphone: SoftphoneService;
  close(): Promise<void>;
}

export interface PlatformOptions {
  clock?: Clock;
  bus?: Bus;
  logger?: boolean;
  /** Use an already opened database (tests share a template); otherwise config decides. */
  database?: DbHandle;
  startWorkers?: boolean;
  /** Build the smart-intake model at start (about a minute of one core); browser tests opt out. */
  assistWarmUp?: boolean;
}

/** Composition root: opens the database, migrates, seeds a fresh install and wires the modules. */
export async function createPlatform(config: AppConfig, opts: PlatformOptions = {}): Promise<Platform> {
  const clock = opts.clock ?? systemClock;
  const handle =
    opts.database ??
    (await openDatabase({
      url: config.databaseUrl,
      poolMax: config.databasePoolMax,
      dataDir: config.databaseUrl ? undefined : `${config.dataDir}/pglite`,
      onIdleError: (err) => process.stderr.write(`${JSON.stringify({ level: 50, msg: 'database connection lost; it will be replaced', err: err.message })}\n`),
    }));
  await migrateToLatest(handle.db as never, MIGRATIONS);
  const cipher = new FieldCipher({ sm4KeyHex: config.keys.sm4KeyHex, indexKeyHex: config.keys.indexKeyHex });
  const params = new ParamStore(handle.db);
  const blobs = await openBlobStore(config.dataDir);
  const deps: Deps = { config, db: handle.db, clock, bus: opts.bus ?? new InProcessBus(), cipher, params, blobs: blobs.store };
  await params.ensureDefaults(clock);
  await seedIfEmpty(deps);
  const softphone = new SoftphoneService(deps);

  const app = await buildHttpApp({
    deps,
    logger: opts.logger,
    authenticate: (token, req) => authenticate(deps, token, metaOf(req)),
    registerRoutes: async (a) => {
      await authRoutes(a, deps);
      await identityRoutes(a, deps);
      await systemRoutes(a, deps);
      await auditRoutes(a, deps);
      await catalogRoutes(a, deps);
      await ticketModuleRoutes(a, deps);
      await assistModuleRoutes(a, deps);
      await knowledgeRoutes(a, deps);
      await registerTelephonyRoutes(a, deps, softphone);
    },
  });
  const outbox = new OutboxDispatcher(handle.db, clock, (err, topic) => app.log.error({ err, topic }, 'outbox handler failed'));
  registerNotificationFanout(deps, (topic, handler) => outbox.on(topic, handler));
  registerTicketHandlers(deps, (topic, handler) => outbox.on(topic, handler));
  const timers = new TicketTimerWorker(deps, (err) => app.log.error({ err }, 'ticket timers failed'));
  const knowledge = new KnowledgeWorker(deps, (err) => app.log.error({ err }, 'knowledge jobs failed'));
  const retrainer = new AssistRetrainScheduler(deps, (err) => app.log.error({ err }, 'scheduled model retraining failed'));
  if (opts.startWorkers !== false) {
    outbox.start();
    timers.start();
    knowledge.start();
    if (opts.assistWarmUp !== false) {
      startAssist(deps, (err) => app.log.error({ err }, 'assist warm-up failed'));
      retrainer.start();
    }
  }

  return {
    app,
    deps,
    outbox,
    softphone,
    async close() {
      await softphone.close();
      await timers.stop();
      await knowledge.stop();
      // No new retrain from here on; one in progress ends when stopAssist terminates its worker.
      const retraining = retrainer.stop();
      await stopAssist(deps);
      await retraining;
      await outbox.stop();
      await app.close();
      await deps.bus.close();
      await blobs.close();
      if (!opts.database) await handle.close();
    },
  };
}

export async function seedIfEmpty(deps: Deps): Promise<boolean> {
  const existing = await deps.db.selectFrom('tenant').select('id').limit(1).executeTakeFirst();
  if (existing) return false;
  await deps.db.transaction().execute(async (trx) => {
    await seedBase(trx, deps.clock);
    if (deps.config.seedDemo) await seedDemo(trx, deps.clock, deps.cipher);
  });
  return true;
}
