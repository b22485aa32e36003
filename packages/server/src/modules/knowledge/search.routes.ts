import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { Body, Code, Id, IdParams, OneOf } from '../../platform/http/schemas.js';
import { hotSearchTerms, searchKnowledge } from './search.service.js';
import { recommendKnowledge, recordUse } from './recommend.service.js';
import { knowledgeSearch } from './search.index.js';

const READ = { permission: 'kb:read' };
/** POSTs that change nothing the index reflects. */
const READ_ONLY_POSTS = new Set(['/api/v1/kb/recommend', '/api/v1/kb/articles/:id/use']);
const tags = { tags: ['知识库'] };

/** A Beijing date or an ISO time; anything else is refused by the schema (Chinese message from the problem mapper). */
const DateOrTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}([T ][0-9:.]+(Z|[+-]\\d{2}:?\\d{2})?)?$', maxLength: 40 });

const SearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 500 })),
    rule: Type.Optional(OneOf(['any', 'all', 'phrase'] as const)),
    typeCode: Type.Optional(Code),
    directoryId: Type.Optional(Id),
    ownerTenantId: Type.Optional(Id),
    publishedFrom: Type.Optional(DateOrTime),
    publishedTo: Type.Optional(DateOrTime),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);

const HotTermsQuery = Type.Object(
  {
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);

// A pasted ticket may be long: the service matches on its beginning instead of refusing it.
const RecommendBody = Body({
  text: Type.Optional(Type.String({ maxLength: 200_000 })),
  itemId: Type.Optional(Id),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
});

const UseBody = Body({
  kind: OneOf(['view', 'insert', 'copy', 'recommend_click'] as const),
  ticketId: Type.Optional(Id),
});

/** 知识库搜索 and 智能匹配: search with hot words and synonyms, hot search terms, recommendation, usage. */
export async function knowledgeSearchRoutes(app: App, deps: Deps): Promise<void> {
  // A knowledge write answered by this process (publish, take down, hot words, synonyms) is seen
  // by the very next query here instead of after the periodic check; other processes still rely
  // on the check. Hooks reach only routes registered after them, so these routes come first.
  const engine = knowledgeSearch(deps);
  app.addHook('onResponse', async (req, reply) => {
    const url = req.routeOptions.url ?? '';
    if (req.method !== 'GET' && reply.statusCode < 400 && url.startsWith('/api/v1/kb/') && !READ_ONLY_POSTS.has(url)) engine.invalidate();
  });
  app.get('/api/v1/kb/search', { config: READ, schema: { ...tags, querystring: SearchQuery } }, async (req) => searchKnowledge(deps, req.actor!, req.query));
  app.get('/api/v1/kb/search/hot-terms', { config: READ, schema: { ...tags, querystring: HotTermsQuery } }, async (req) =>
    hotSearchTerms(deps, req.actor!, req.query.days ?? 30, req.query.limit ?? 20),
  );
  app.post('/api/v1/kb/recommend', { config: READ, schema: { ...tags, body: RecommendBody } }, async (req) => recommendKnowledge(deps, req.actor!, req.body));
  app.post('/api/v1/kb/articles/:id/use', { config: READ, schema: { ...tags, params: IdParams, body: UseBody } }, async (req, reply) => {
    await recordUse(deps, req.actor!, req.params.id, req.body);
    return reply.code(204).send();
  });
}
