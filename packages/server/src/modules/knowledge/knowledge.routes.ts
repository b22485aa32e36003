import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { Body, Id, IdParams, Ok, OneOf, PageQuery } from '../../platform/http/schemas.js';
import { XLSX_MIME } from '../../platform/excel/sheet.js';
import * as articles from './article.service.js';
import * as directories from './directory.service.js';
import * as types from './type.service.js';
import * as hotWords from './hot-words.service.js';
import * as synonyms from './synonyms.service.js';

const tags = { tags: ['知识库'] };
const EDIT = 'kb:edit';
const ADMIN = 'kb:admin';
/** Anyone who may see the configuration pages or pick a directory and type while writing. */
const CONFIG_READ = { permission: ['kb:read', 'kb:edit', 'kb:review', 'kb:publish', 'kb:admin'] };
const EDITORIAL = { permission: ['kb:edit', 'kb:review', 'kb:publish'] };

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Opt = Type.Optional;
const Title = Type.String({ minLength: 1, maxLength: 200 });
const Reason = Type.String({ minLength: 1, maxLength: 500 });
const Day = Type.String({ format: 'date' });
const FieldKey = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9_]*$' });
const TypeCode = Type.String({ minLength: 2, maxLength: 32, pattern: '^[a-z][a-z0-9_-]{1,31}$' });
const Status = OneOf(['draft', 'pending_review', 'pending_publish', 'published', 'offline', 'recycled'] as const);
const ChangeType = OneOf(['create', 'revise', 'withdraw', 'restore'] as const);
const RevState = OneOf(['draft', 'pending_review', 'pending_publish', 'published', 'superseded', 'discarded', 'applied'] as const);

const Content = {
  summary: Opt(Type.String({ maxLength: 1000 })),
  body: Type.String({ maxLength: 100_000 }),
  fields: Opt(Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]*$', maxLength: 64 }), Type.String({ maxLength: 5000 }), { maxProperties: 50 })),
  keywords: Opt(Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 30 })),
  itemIds: Opt(Type.Array(Id, { maxItems: 20 })),
  basis: Opt(Type.String({ maxLength: 2000 })),
  source: Opt(Type.String({ maxLength: 500 })),
  validTo: Opt(Nullable(Day)),
};

const TemplateField = Type.Object(
  { key: FieldKey, label: Type.String({ minLength: 1, maxLength: 50 }), required: Type.Boolean(), kind: OneOf(['text', 'textarea', 'date'] as const) },
  { additionalProperties: false },
);
const Template = Type.Object({ fields: Type.Array(TemplateField, { maxItems: 50 }) }, { additionalProperties: false });
const TypeFields = {
  name: Type.String({ minLength: 1, maxLength: 50 }),
  description: Opt(Type.String({ maxLength: 500 })),
  sort: Opt(Type.Integer({ minimum: 0, maximum: 9999 })),
  enabled: Opt(Type.Boolean()),
  template: Opt(Template),
};
const HotWordFields = {
  word: Type.String({ minLength: 1, maxLength: 50 }),
  weight: Opt(Type.Number({ exclusiveMinimum: 0, maximum: 9999 })),
  articleIds: Opt(Type.Array(Id, { maxItems: 20 })),
};
const SynonymItem = Type.Object(
  { term: Type.String({ minLength: 1, maxLength: 50 }), synonyms: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { minItems: 1, maxItems: 50 }) },
  { additionalProperties: false },
);

function sendXlsx(reply: FastifyReply, name: string, file: Buffer) {
  return reply
    .header('content-type', XLSX_MIME)
    .header('content-disposition', `attachment; filename="synonyms.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`)
    .send(file);
}

export async function knowledgeRoutes(app: App, deps: Deps): Promise<void> {
  // ---- 业务目录
  app.get('/api/v1/kb/directories', { config: CONFIG_READ, schema: tags }, async (req) => directories.listDirectories(deps, req.actor!));
  app.post(
    '/api/v1/kb/directories',
    { config: { permission: ADMIN, audit: 'kb.directory.create' }, schema: { ...tags, body: Body({ parentId: Opt(Nullable(Id)), name: Type.String({ minLength: 1, maxLength: 100 }), sort: Opt(Type.Integer({ minimum: 0, maximum: 9999 })) }) } },
    async (req, reply) => reply.code(201).send(await directories.createDirectory(deps, req.actor!, req.body)),
  );
  app.patch(
    '/api/v1/kb/directories/:id',
    {
      config: { permission: ADMIN, audit: 'kb.directory.update' },
      schema: {
        ...tags,
        params: IdParams,
        body: Type.Object({ name: Opt(Type.String({ minLength: 1, maxLength: 100 })), sort: Opt(Type.Integer({ minimum: 0, maximum: 9999 })), enabled: Opt(Type.Boolean()) }, { additionalProperties: false, minProperties: 1 }),
      },
    },
    async (req) => directories.updateDirectory(deps, req.actor!, req.params.id, req.body),
  );
  app.delete('/api/v1/kb/directories/:id', { config: { permission: ADMIN, audit: 'kb.directory.delete' }, schema: { ...tags, params: IdParams, response: { 200: Ok } } }, async (req) => {
    await directories.deleteDirectory(deps, req.actor!, req.params.id);
    return { ok: true };
  });

  // ---- 知识类型与编辑模板
  app.get('/api/v1/kb/types', { config: CONFIG_READ, schema: tags }, async () => types.listTypes(deps));
  app.post(
    '/api/v1/kb/types',
    { config: { permission: ADMIN, audit: 'kb.type.create' }, schema: { ...tags, body: Body({ code: TypeCode, ...TypeFields }) } },
    async (req, reply) => reply.code(201).send(await types.createType(deps, req.actor!, req.body)),
  );
  app.patch(
    '/api/v1/kb/types/:code',
    {
      config: { permission: ADMIN, audit: 'kb.type.update' },
      schema: { ...tags, params: Type.Object({ code: TypeCode }), body: Type.Partial(Body(TypeFields), { additionalProperties: false, minProperties: 1 }) },
    },
    async (req) => types.updateType(deps, req.actor!, req.params.code, req.body),
  );

  // ---- 热词
  app.get('/api/v1/kb/hot-words', { config: CONFIG_READ, schema: tags }, async (req) => hotWords.listHotWords(deps, req.actor!));
  app.post('/api/v1/kb/hot-words', { config: { permission: ADMIN, audit: 'kb.hot-word.create' }, schema: { ...tags, body: Body(HotWordFields) } }, async (req, reply) =>
    reply.code(201).send(await hotWords.createHotWord(deps, req.actor!, req.body)),
  );
  app.patch(
    '/api/v1/kb/hot-words/:id',
    { config: { permission: ADMIN, audit: 'kb.hot-word.update' }, schema: { ...tags, params: IdParams, body: Type.Partial(Body(HotWordFields), { additionalProperties: false, minProperties: 1 }) } },
    async (req) => hotWords.updateHotWord(deps, req.actor!, req.params.id, req.body),
  );
  app.delete('/api/v1/kb/hot-words/:id', { config: { permission: ADMIN, audit: 'kb.hot-word.delete' }, schema: { ...tags, params: IdParams, response: { 200: Ok } } }, async (req) => {
    await hotWords.deleteHotWord(deps, req.actor!, req.params.id);
    return { ok: true };
  });

  // ---- 同义词
  app.get('/api/v1/kb/synonyms', { config: CONFIG_READ, schema: tags }, async (req) => synonyms.listSynonyms(deps, req.actor!));
  app.put(
    '/api/v1/kb/synonyms',
    { config: { permission: ADMIN, audit: 'kb.synonym.replace' }, schema: { ...tags, body: Body({ items: Type.Array(SynonymItem, { maxItems: synonyms.MAX_SYNONYM_ENTRIES }) }) } },
    async (req) => synonyms.replaceSynonyms(deps, req.actor!, req.body.items),
  );
  app.get('/api/v1/kb/synonyms/template', { config: { permission: ADMIN }, schema: tags }, async (_req, reply) => sendXlsx(reply, '同义词导入模板.xlsx', await synonyms.synonymTemplate()));
  app.get('/api/v1/kb/synonyms/export', { config: { permission: ADMIN }, schema: tags }, async (req, reply) => sendXlsx(reply, '同义词.xlsx', await synonyms.exportSynonyms(deps, req.actor!)));
  app.post('/api/v1/kb/synonyms/import', { config: { permission: ADMIN, audit: 'kb.synonym.import' }, schema: tags }, async (req) => {
    if (!Buffer.isBuffer(req.body)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `请上传 Excel（.xlsx）文件，Content-Type 应为 ${XLSX_MIME}`, 415);
    return synonyms.importSynonyms(deps, req.actor!, req.body);
  });

  // ---- 知识采编
  app.get(
    '/api/v1/kb/articles',
    {
      config: EDITORIAL,
      schema: {
        ...tags,
        querystring: Type.Object(
          { ...PageQuery, status: Opt(Status), typeCode: Opt(TypeCode), directoryId: Opt(Id), q: Opt(Type.String({ minLength: 1, maxLength: 100 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => articles.listArticles(deps, req.actor!, req.query),
  );
  app.post(
    '/api/v1/kb/articles',
    {
      config: { permission: EDIT, audit: 'kb.article.create' },
      schema: { ...tags, body: Body({ directoryId: Id, typeCode: TypeCode, scope: Opt(OneOf(['subtree', 'tenant'] as const)), title: Title, ...Content }) },
    },
    async (req, reply) => reply.code(201).send(await articles.createArticle(deps, req.actor!, req.body)),
  );
  app.get('/api/v1/kb/articles/:id', { config: { permission: ['kb:read', 'kb:edit', 'kb:review', 'kb:publish'] }, schema: { ...tags, params: IdParams } }, async (req) =>
    articles.getArticle(deps, req.actor!, req.params.id),
  );
  app.put(
    '/api/v1/kb/articles/:id/draft',
    { config: { permission: EDIT, audit: 'kb.article.draft' }, schema: { ...tags, params: IdParams, body: Body({ title: Title, ...Content }) } },
    async (req) => articles.saveDraft(deps, req.actor!, req.params.id, req.body),
  );
  app.post('/api/v1/kb/articles/:id/submit', { config: { permission: EDIT, audit: 'kb.article.submit' }, schema: { ...tags, params: IdParams } }, async (req) =>
    articles.submitArticle(deps, req.actor!, req.params.id),
  );
  app.post(
    '/api/v1/kb/articles/:id/review',
    {
      config: { permission: 'kb:review', audit: 'kb.article.review' },
      schema: { ...tags, params: IdParams, body: Body({ decision: OneOf(['approve', 'return'] as const), opinion: Opt(Type.String({ maxLength: 2000 })) }) },
    },
    async (req) => articles.reviewArticle(deps, req.actor!, req.params.id, req.body),
  );
  app.post(
    '/api/v1/kb/articles/:id/publish',
    {
      config: { permission: 'kb:publish', audit: 'kb.article.publish' },
      schema: { ...tags, params: IdParams, body: Body({ at: Opt(Type.String({ format: 'date-time' })) }) },
      // 立即发布 is a bare POST; only 预约发布 carries a body.
      preValidation: async (req) => {
        req.body ??= {};
      },
    },
    async (req) => articles.publishArticle(deps, req.actor!, req.params.id, req.body),
  );
  app.post(
    '/api/v1/kb/articles/:id/unpublish',
    { config: { permission: 'kb:publish', audit: 'kb.article.unpublish' }, schema: { ...tags, params: IdParams, body: Body({ reason: Reason, temporary: Opt(Type.Boolean()) }) } },
    async (req) => articles.unpublishArticle(deps, req.actor!, req.params.id, req.body),
  );
  app.post(
    '/api/v1/kb/articles/:id/recycle',
    { config: { permission: EDIT, audit: 'kb.article.recycle' }, schema: { ...tags, params: IdParams, body: Body({ reason: Reason }) } },
    async (req) => articles.recycleArticle(deps, req.actor!, req.params.id, req.body),
  );
  app.post('/api/v1/kb/articles/:id/restore', { config: { permission: EDIT, audit: 'kb.article.restore' }, schema: { ...tags, params: IdParams } }, async (req) =>
    articles.restoreArticle(deps, req.actor!, req.params.id),
  );
  app.post('/api/v1/kb/articles/:id/discard', { config: { permission: EDIT, audit: 'kb.article.discard' }, schema: { ...tags, params: IdParams } }, async (req) =>
    articles.discardDraft(deps, req.actor!, req.params.id),
  );

  // ---- 审核发布待办、知识工单、回收站
  app.get('/api/v1/kb/reviews', { config: { permission: ['kb:review', 'kb:publish'] }, schema: tags }, async (req) => articles.listReviews(deps, req.actor!));
  app.get(
    '/api/v1/kb/work-orders',
    { config: EDITORIAL, schema: { ...tags, querystring: Type.Object({ ...PageQuery, changeType: Opt(ChangeType), state: Opt(RevState) }, { additionalProperties: false }) } },
    async (req) => articles.listWorkOrders(deps, req.actor!, req.query),
  );
  app.get('/api/v1/kb/recycle-bin', { config: { permission: EDIT }, schema: tags }, async (req) => articles.listRecycleBin(deps, req.actor!));
}
