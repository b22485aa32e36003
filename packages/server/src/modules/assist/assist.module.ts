import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { assistRoutes } from './assist.routes.js';
import { assistEngines } from './engines.js';
export { AssistRetrainScheduler } from './retrain.scheduler.js';

/**
 * 智能辅助: smart intake for agents — analyse a demand (elements, item and unit top-3, title,
 * summary, sentiment, sensitive flags, similar open tickets) offline, optionally refined by an
 * OpenAI-compatible LLM, and retrain the item model from the installation's own tickets.
 * No tables: engines live in memory, the trained model under dataDir/models.
 */
export async function assistModuleRoutes(app: App, deps: Deps): Promise<void> {
  await assistRoutes(app, deps);
}

/** Loads the engines and warms the NLP dictionaries in the background after startup (never blocks it). */
export function startAssist(deps: Deps, onError: (err: unknown) => void): void {
  assistEngines(deps).warmUpInBackground(onError);
}

/** Ends model builds still running (called when the platform closes). */
export async function stopAssist(deps: Deps): Promise<void> {
  await assistEngines(deps).close();
}
