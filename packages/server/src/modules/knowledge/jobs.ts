import type { Deps } from '../../platform/context.js';

/** One pass of every timer-driven knowledge rule. */
export async function runKnowledgeJobs(_deps: Deps) {
  return { published: 0, purged: 0, reminded: 0 };
}
