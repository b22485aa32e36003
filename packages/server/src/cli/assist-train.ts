import { pathToFileURL } from 'node:url';
import type { AuditActor } from '../platform/audit/audit.js';
import { systemClock } from '../platform/clock.js';
import { loadConfig, type AppConfig } from '../platform/config.js';
import { itemModelInfo, publicJob } from '../modules/assist/analyse.service.js';
import { assistEngines, type AssistDeps, type TrainingJob } from '../modules/assist/engines.js';
import { auditTrainingJob } from '../modules/assist/retrain.scheduler.js';
import { openExistingDatabase } from './open-existing-database.js';

/**
 * Retrains the smart-intake models from the installation's own tickets (npm run assist:train
 * [-- --epochs N]): the item classifier, and the title and intent models when there is enough
 * history — the same job as 工单管理 → 智能辅助模型 → 重新训练, for cron or for an operator without
 * the web console. Progress goes to stderr, the outcome to stdout as JSON; exit code 0 when the
 * job succeeded, 1 otherwise. The models land in <dataDir>/models; a running server (PostgreSQL
 * deployments) picks them up within MODEL_DIR_CHECK_MS. The run is audited.
 */
export const CLI_ACTOR: AuditActor = { userId: null, name: '命令行（npm run assist:train）', tenantId: null, ip: '127.0.0.1', userAgent: 'assist-train' };

export interface TrainArgs {
  epochs?: number;
}

export function parseArgs(argv: readonly string[]): TrainArgs {
  const out: TrainArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a !== '--epochs' && !a.startsWith('--epochs=')) throw new Error(`无法识别的参数：${a}（用法：npm run assist:train -- [--epochs 1-200]）`);
    const value = a === '--epochs' ? argv[++i] : a.slice('--epochs='.length);
    if (value === undefined) throw new Error('--epochs 后缺少训练轮数（1 到 200 的整数）');
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 200) throw new Error(`训练轮数须为 1 到 200 的整数：${value}`);
    out.epochs = n;
  }
  return out;
}

/** Opens the installation's database and retrains (see trainModels). */
export async function assistTrain(config: AppConfig, args: TrainArgs, onProgress?: (job: TrainingJob) => void) {
  const handle = await openExistingDatabase(config);
  const deps = { config, db: handle.db, clock: systemClock };
  try {
    return await trainModels(deps, args, onProgress);
  } finally {
    await assistEngines(deps).close();
    await handle.close();
  }
}

/** Runs one retraining job to its end, audits it, and reports the models now in place. */
export async function trainModels(deps: AssistDeps, args: TrainArgs, onProgress: (job: TrainingJob) => void = () => undefined) {
  const engines = assistEngines(deps);
  if (engines.job?.status === 'running') throw new Error('已有模型训练任务正在进行，请等待其完成');
  const job = engines.startTraining('cli', args.epochs);
  const ticker = setInterval(() => onProgress(job), 500);
  try {
    await job.done;
  } finally {
    clearInterval(ticker);
  }
  onProgress(job);
  await auditTrainingJob(deps, CLI_ACTOR, job, { epochs: args.epochs ?? null });
  const info = await itemModelInfo(deps);
  return { ok: job.status === 'succeeded', job: publicJob(job), model: info.model, titleModel: info.titleModel, intentModel: info.intentModel };
}

const PHASES: Record<string, string> = { loading: '读取工单', holdout: '留出验证', final: '训练事项模型', title: '训练标题模型', intent: '训练诉求类型模型' };

async function main(): Promise<number> {
  try {
    let last = '';
    const report = await assistTrain(loadConfig(), parseArgs(process.argv.slice(2)), (job) => {
      const line = `${PHASES[job.phase] ?? job.phase} ${Math.round(job.progress * 100)}%${job.epochs ? `（第 ${job.epoch}/${job.epochs} 轮）` : ''}`;
      if (line !== last) process.stderr.write(`${line}\n`);
      last = line;
    });
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.ok ? 0 : 1;
  } catch (err) {
    process.stderr.write(`模型训练失败：${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main();
}
