import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';

export async function knowledgeRoutes(_app: App, _deps: Deps): Promise<void> {}
