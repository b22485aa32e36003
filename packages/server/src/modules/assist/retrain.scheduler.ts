import { recordAudit, type AuditActor } from '../../platform/audit/audit.js';
import type { Deps } from '../../platform/context.js';
import { IntervalWorker } from '../../platform/interval-worker.js';
import { assistEngines, type AssistDeps, type TrainingJob } from './engines.js';

/**
 * Keeps the smart-intake models fresh without anyone pressing 重新训练: in the night's quiet hours
 * (Beijing time, when the hotline has the fewest calls and the CPU is free), the models are retrained
 * from history once they are older than the config-center parameter system.assistRetrainDays (0 = never).
 */
export const AUTO_RETRAIN = { checkEveryMs: 10 * 60_000, fromHour: 3, toHour: 5, timeZone: 'Asia/Shanghai' } as const;

export const SCHEDULER_ACTOR: AuditActor = { userId: null, name: '系统（定时重新训练）', tenantId: null, ip: '127.0.0.1', userAgent: 'assist-scheduler' };

const hourIn = (at: Date, timeZone: string): number => Number(new Intl.DateTimeFormat('en-US', { hour: 'numeric', hourCycle: 'h23', timeZone }).format(at));

/** One audit row for a training job that no request started (the command line, the scheduler), with its outcome. */
export async function auditTrainingJob(deps: AssistDeps, actor: AuditActor, job: TrainingJob, detail: Record<string, unknown> = {}): Promise<void> {
  await deps.db.transaction().execute((trx) =>
    recordAudit(trx, deps.clock, actor, {
      action: 'assist.items.train',
      targetType: 'assist-model',
      targetId: 'items',
      result: job.status === 'succeeded' ? 'success' : 'failure',
      detail: { jobId: job.id, ...detail, error: job.error, titleModel: job.titleModel?.message ?? null, intentModel: job.intentModel?.message ?? null },
    }),
  );
}

/** Starts and awaits a retrain when it is due now; null when it is not (wrong hour, switched off, fresh models, a job running). */
export async function retrainIfDue(deps: Deps): Promise<TrainingJob | null> {
  const days = Number(await deps.params.get('system.assistRetrainDays'));
  if (!(days > 0)) return null;
  const now = deps.clock.now();
  const hour = hourIn(now, AUTO_RETRAIN.timeZone);
  if (hour < AUTO_RETRAIN.fromHour || hour >= AUTO_RETRAIN.toHour) return null;
  const engines = assistEngines(deps);
  if (engines.job?.status === 'running' || engines.isBuilding) return null;
  const { model } = await engines.snapshot();
  // No model yet means the first build from the catalogue is still to come: that one runs by itself.
  if (!model || now.getTime() - Date.parse(model.trainedAt) < days * 86_400_000) return null;
  const job = engines.startTraining('system');
  await job.done;
  await auditTrainingJob(deps, SCHEDULER_ACTOR, job, { scheduled: true, assistRetrainDays: days });
  return job;
}

export class AssistRetrainScheduler extends IntervalWorker {
  constructor(deps: Deps, onError: (err: unknown) => void) {
    super(() => retrainIfDue(deps), onError, AUTO_RETRAIN.checkEveryMs);
  }
}
