import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { Body, OneOf } from '../../platform/http/schemas.js';
import { analyseDemand, itemModelInfo, startItemTraining } from './analyse.service.js';

const tags = { tags: ['智能辅助'] };
const USE = 'assist:use';
const TRAIN = 'assist:train';

/** Text, a running transcript, or both; at most 20 000 characters of text as the tender's longest 诉求. */
const AnalyseBody = Body({
  text: Type.Optional(Type.String({ maxLength: 20_000 })),
  transcript: Type.Optional(Type.Array(Body({ speaker: OneOf(['citizen', 'agent'] as const), text: Type.String({ maxLength: 2000 }) }), { maxItems: 400 })),
  title: Type.Optional(Type.String({ maxLength: 200 })),
  referenceDate: Type.Optional(Type.String({ format: 'date-time' })),
});

const TrainBody = Body({
  /** Passes over the data; the library's default when absent. */
  epochs: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
});

export async function assistRoutes(app: App, deps: Deps): Promise<void> {
  app.post('/api/v1/assist/analyse', { config: { permission: USE }, schema: { ...tags, body: AnalyseBody } }, async (req) => {
    try {
      return await analyseDemand(deps, req.actor!, req.body);
    } catch (err) {
      if (err instanceof AppError) throw err;
      // Whatever the text, the agent gets a clear answer and keeps typing by hand; the cause goes to the log.
      req.log.error({ err }, 'assist analyse failed');
      throw new AppError('ASSIST_FAILED', '智能分析暂时无法处理这段文本，请手工填写', 422);
    }
  });
  app.get('/api/v1/assist/models/items', { config: { permission: [USE, TRAIN] }, schema: tags }, async () => itemModelInfo(deps));
  app.post('/api/v1/assist/models/items/train', { config: { permission: TRAIN, audit: 'assist.items.train' }, schema: { ...tags, body: TrainBody } }, async (req, reply) =>
    reply.code(202).send(await startItemTraining(deps, req.actor!, req.body)),
  );
}
