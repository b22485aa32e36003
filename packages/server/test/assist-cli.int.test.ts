import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, parseArgs, trainModels } from '../src/cli/assist-train.js';
import { ManualClock } from '../src/platform/clock.js';
import { assistEngines, MODEL_DIR_CHECK_MS, type TrainingJob } from '../src/modules/assist/engines.js';
import { retrainIfDue, SCHEDULER_ACTOR } from '../src/modules/assist/retrain.scheduler.js';
import { createAssistPlatform, login, runCli, type AssistPlatform } from './harness.js';

/**
 * npm run assist:train: the retraining job from the command line. It trains against the
 * installation's database, writes the models to the data directory, audits the run, and a server
 * already running on the same data directory swaps the new models in without a restart.
 */
const run = (args: string[], env: Record<string, string>) => runCli('src/cli/assist-train.ts', args, env);

describe('assist:train command', () => {
  let p: AssistPlatform;
  let clock: ManualClock;
  let dataDir: string;

  beforeAll(async () => {
    p = await createAssistPlatform('assist-cli-', 2);
    ({ clock, dataDir } = p);
  }, 120_000);
  afterAll(() => p?.close());

  it('reads --epochs and refuses anything else in Chinese', () => {
    expect(parseArgs([])).toEqual({});
    expect(parseArgs(['--epochs', '5'])).toEqual({ epochs: 5 });
    expect(parseArgs(['--epochs=7'])).toEqual({ epochs: 7 });
    expect(() => parseArgs(['--epochs', '0'])).toThrow(/1 到 200/);
    expect(() => parseArgs(['--epochs'])).toThrow(/1 到 200/);
    expect(() => parseArgs(['--fast'])).toThrow(/无法识别的参数/);
  });

  it('retrains, audits the run, and the running server picks the new model up from the data directory', async () => {
    const server = assistEngines(p.deps);
    expect((await server.snapshot()).model?.kind).toBe('bootstrap');
    const agent = await login(p, 'agent01');
    const item = await p.deps.db.selectFrom('catalog_item').select('id').where('name', '=', '停水及水压不足').where('status', '=', 'published').executeTakeFirstOrThrow();
    for (let i = 0; i < 3; i++) {
      const res = await agent.post('/api/v1/tickets', { channel: 'phone', kind: 'complaint', title: `停水${i}`, content: `小区第${i + 1}次停水，没有通知`, itemId: item.id, citizen: { phone: `1389997100${i}` } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }

    // The command's own engines over the same database and data directory (another process in production).
    const seen: TrainingJob['progress'][] = [];
    const report = await trainModels({ config: p.deps.config, db: p.deps.db, clock }, { epochs: 2 }, (job) => seen.push(job.progress));
    expect(report).toMatchObject({ ok: true, job: { status: 'succeeded', progress: 1, startedBy: 'cli' }, model: { kind: 'trained' } });
    expect(report.model!.examples).toBeGreaterThanOrEqual(3);
    expect(seen.at(-1)).toBe(1);
    expect(report.intentModel.active).toBe(false);
    expect(report.job.intentModel?.message).toMatch(/未训练诉求类型模型/);
    expect(existsSync(join(dataDir, 'models', 'items.json'))).toBe(true);

    const audit = await p.deps.db.selectFrom('audit_log').select(['actor_name', 'action', 'result']).where('action', '=', 'assist.items.train').execute();
    expect(audit).toContainEqual({ actor_name: CLI_ACTOR.name, action: 'assist.items.train', result: 'success' });

    // Until the next look at the model directory the server keeps its model, then swaps in the new one.
    clock.advance(MODEL_DIR_CHECK_MS + 1000);
    const after = await server.snapshot();
    expect(after.model).toMatchObject({ kind: 'trained', examples: report.model!.examples });
    const res = await agent.post<{ model: { kind: string } }>('/api/v1/assist/analyse', { text: '小区停水了' });
    expect(res.body.model.kind).toBe('trained');
  });

  it('retrains by itself in the night once the models are older than system.assistRetrainDays, and audits it', async () => {
    const engines = assistEngines(p.deps);
    const trainedAt = () => engines.snapshot().then((x) => Date.parse(x.model!.trainedAt));
    const last = await trainedAt();
    /** The next 03:10 Beijing time at least `days` after the last training. */
    const nightAfter = (days: number) => {
      const at = new Date(last + days * 86_400_000);
      const beijing = new Date(at.getTime() + 8 * 3_600_000);
      const night = Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth(), beijing.getUTCDate() + 1, 3, 10) - 8 * 3_600_000;
      clock.set(new Date(night));
    };
    // Fresh models: nothing to do, even in the night.
    nightAfter(1);
    expect(await retrainIfDue(p.deps)).toBeNull();
    // Old models in the daytime: still nothing (the job would compete with the agents for the CPU).
    nightAfter(7);
    clock.advance(7 * 3_600_000);
    expect(await retrainIfDue(p.deps)).toBeNull();
    // Switched off in the config center: nothing.
    const sys = await login(p, 'sysadmin');
    expect((await sys.put('/api/v1/config/system.assistRetrainDays', { value: 0 })).status).toBe(200);
    nightAfter(7);
    expect(await retrainIfDue(p.deps)).toBeNull();
    // On again (every 7 days): the night after the models turned 7 days old, they are retrained.
    expect((await sys.put('/api/v1/config/system.assistRetrainDays', { value: 7 })).status).toBe(200);
    const job = await retrainIfDue(p.deps);
    expect(job).toMatchObject({ status: 'succeeded', startedBy: 'system' });
    expect(await trainedAt()).toBe(clock.now().getTime());
    const audit = await p.deps.db.selectFrom('audit_log').select(['actor_name', 'result']).where('action', '=', 'assist.items.train').where('actor_name', '=', SCHEDULER_ACTOR.name).execute();
    expect(audit).toEqual([{ actor_name: SCHEDULER_ACTOR.name, result: 'success' }]);
    // And not again the same night.
    clock.advance(10 * 60_000);
    expect(await retrainIfDue(p.deps)).toBeNull();
  });

  it('exits 1 with a Chinese message on bad arguments or a missing embedded database', async () => {
    const env = { DATABASE_URL: '', HOTLINE_DATA_DIR: join(dataDir, 'does-not-exist'), HOTLINE_SM4_KEY: p.deps.config.keys.sm4KeyHex, HOTLINE_INDEX_KEY: p.deps.config.keys.indexKeyHex };
    const bad = await run(['--epochs', 'many'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/模型训练失败：训练轮数须为 1 到 200 的整数/);
    const missing = await run([], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/数据库目录不存在/);
    expect(missing.stdout).toBe('');
  }, 60_000);
});
