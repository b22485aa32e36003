import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { IntervalWorker } from '../../platform/interval-worker.js';
import { knowledgeMigrations } from './knowledge.migrations.js';
import { knowledgeRoutes as knowledgeCoreRoutes } from './knowledge.routes.js';
import { runKnowledgeJobs } from './jobs.js';
import { knowledgeSearchRoutes } from './search.routes.js';
import { knowledgeSearch } from './search.index.js';

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
  private warming: Promise<unknown> | undefined;

  constructor(
    private readonly deps: Deps,
    private readonly report: (err: unknown) => void,
  ) {
    super(() => runKnowledgeJobs(deps), report, 60_000);
  }

  /** Also builds the search index now: otherwise the first agent to search waits for it (~5 s at 5,000 articles). */
  override start(intervalMs?: number): void {
    super.start(intervalMs);
    this.warming = knowledgeSearch(this.deps).current().catch(this.report);
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.warming;
  }
}
