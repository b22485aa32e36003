import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { IntervalWorker } from '../../platform/interval-worker.js';
import { knowledgeMigrations } from './knowledge.migrations.js';
import { knowledgeRoutes as knowledgeCoreRoutes } from './knowledge.routes.js';
import { runKnowledgeJobs } from './jobs.js';
import { knowledgeSearchRoutes } from './search.routes.js';

/**
 * 知识库五级联动: directories, types, articles with reviewed revisions (each one a 知识工单),
 * hot words and synonyms; an owner's published knowledge is read by its whole subtree.
 * Search and recommendation register their routes here too.
 */
export { knowledgeMigrations };

export async function knowledgeRoutes(app: App, deps: Deps): Promise<void> {
  await knowledgeSearchRoutes(app, deps);
  await knowledgeCoreRoutes(app, deps);
}

/**
 * Scheduled publishing, the recycle-bin purge and expiry reminders. A minute is fine-grained
 * enough for 预约发布 (editors pick times to the minute) and cheap for the other two sweeps.
 */
export class KnowledgeWorker extends IntervalWorker {
  constructor(deps: Deps, onError: (err: unknown) => void) {
    super(() => runKnowledgeJobs(deps), onError, 60_000);
  }
}
