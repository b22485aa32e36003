/**
 * GET /api/v1/assist/models/items as the server sends it (mirrored by hand, like the other pages).
 * The intent model fields arrived later than the rest: a server without them still answers, so
 * they are optional here and the page shows the rule-based fallback when they are missing.
 */

export type JobStatus = 'running' | 'succeeded' | 'failed';

export interface ItemModel {
  kind: 'bootstrap' | 'trained';
  trainedAt: string;
  examples: number;
  catalogueItems: number;
  /** Fractions 0–1; null for the catalogue bootstrap or fewer than 20 historical tickets. */
  holdOut: { size: number; top1: number; top3: number } | null;
  stale: boolean;
  catalogueHash: string;
}

export interface TrainingJob {
  id: string;
  status: JobStatus;
  phase: string;
  /** 0–1 over all phases. */
  progress: number;
  epoch: number;
  epochs: number;
  startedAt: string;
  startedBy: string;
  finishedAt: string | null;
  error: string | null;
  titleModel: { trained: boolean; pairs: number; message: string } | null;
  intentModel?: { trained: boolean; examples: number; message: string } | null;
}

export interface TitleModelState {
  active: boolean;
  pairs: number;
  trainedAt: string | null;
  /** Character ROUGE-L F1 on a held-out fifth (from 50 closed tickets). */
  holdOut?: { size: number; rougeL: number } | null;
}

export interface IntentModelState {
  active: boolean;
  examples: number;
  trainedAt: string | null;
  holdOut: { size: number; accuracy: number } | null;
}

export interface ModelsInfo {
  model: ItemModel | null;
  building: boolean;
  buildError: string | null;
  job: TrainingJob | null;
  titleModel: TitleModelState;
  intentModel?: IntentModelState;
}

/** Phases the training worker reports; anything else is shown as the server sent it. */
export const PHASES = ['loading', 'bootstrap', 'holdout', 'final', 'title', 'intent'] as const;
