import { randomUUID } from 'node:crypto';
import type { Actor, Deps } from '../context.js';
import type { Db } from '../db/database.js';
import { notFound } from '../errors.js';
import type { RowError } from './sheet.js';

/**
 * Long imports run as jobs: the request returns a job id at once and the browser polls progress.
 * The whole import is one transaction, so a failure half-way imports nothing. Progress lives in
 * memory (it is only interesting while the job runs); the outcome is kept in memory for an hour.
 */
export interface ImportJob {
  id: string;
  kind: string;
  tenantId: string;
  userId: string;
  status: 'running' | 'succeeded' | 'failed';
  total: number;
  processed: number;
  created: number;
  updated: number;
  errors: RowError[];
  startedAt: string;
  finishedAt: string | null;
  /** Settles when the job ends; tests await it instead of polling. */
  done?: Promise<unknown>;
}

export interface ImportProgress {
  total(n: number): void;
  tick(n?: number): void;
  created(n?: number): void;
  updated(n?: number): void;
}

/** Thrown by an import body to reject the file with row-level reasons; nothing is written. */
export class ImportRejected extends Error {
  constructor(readonly errors: RowError[]) {
    super('导入数据有误');
  }
}

const jobs = new Map<string, ImportJob>();
const KEEP_MS = 3_600_000;

export function startImport(
  deps: Deps,
  actor: Actor,
  kind: string,
  body: (trx: Db, progress: ImportProgress) => Promise<void>,
): ImportJob {
  const job: ImportJob = {
    id: randomUUID(),
    kind,
    tenantId: actor.tenantId,
    userId: actor.userId,
    status: 'running',
    total: 0,
    processed: 0,
    created: 0,
    updated: 0,
    errors: [],
    startedAt: deps.clock.now().toISOString(),
    finishedAt: null,
  };
  jobs.set(job.id, job);
  const progress: ImportProgress = {
    total: (n) => (job.total = n),
    tick: (n = 1) => (job.processed += n),
    created: (n = 1) => (job.created += n),
    updated: (n = 1) => (job.updated += n),
  };
  job.done = deps.db
    .transaction()
    .execute((trx) => body(trx, progress))
    .then(
      () => (job.status = 'succeeded'),
      (err: unknown) => {
        job.status = 'failed';
        job.created = 0;
        job.updated = 0;
        job.errors = err instanceof ImportRejected ? err.errors : [{ line: 0, column: '', reason: err instanceof Error ? err.message : '导入失败' }];
      },
    )
    .finally(() => {
      job.finishedAt = deps.clock.now().toISOString();
      setTimeout(() => jobs.delete(job.id), KEEP_MS).unref();
    });
  return job;
}

/** A job is visible only to the user who started it. */
export function getImportJob(actor: Actor, id: string): ImportJob {
  const job = jobs.get(id);
  if (!job || job.userId !== actor.userId) throw notFound('导入任务');
  return job;
}

export function publicJob(job: ImportJob): Omit<ImportJob, 'done'> {
  const { done: _done, ...rest } = job;
  return rest;
}
