import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { Body, Code, Id, IdParams, Ok, PageQuery } from '../../platform/http/schemas.js';
import { XLSX_MIME } from '../../platform/excel/sheet.js';
import { publicJob } from '../../platform/excel/import-jobs.js';
import * as limits from './time-limit.service.js';
import { exportTimeLimits, importTimeLimits, timeLimitTemplate } from './time-limit.excel.js';

const READ = { permission: ['catalog:time-limit:read', 'catalog:time-limit:write'] };
const WRITE = 'catalog:time-limit:write';
const tags = { tags: ['办结时限'] };

const Level = Type.Integer({ minimum: 1, maximum: 5 });
const Unit = Type.Union([Type.Literal('workday'), Type.Literal('hour'), Type.Literal('natural_day')]);
const WarnRatio = Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 });
const Text500 = Type.String({ maxLength: 500 });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

const Dimensions = {
  level: Type.Optional(Nullable(Level)),
  industry: Type.Optional(Nullable(Code)),
  urgency: Type.Optional(Nullable(Code)),
  itemId: Type.Optional(Nullable(Id)),
};
const Limit = {
  amount: Type.Integer({ minimum: 1, maximum: 9999 }),
  unit: Unit,
  warnRatio: Type.Optional(WarnRatio),
  legalBasis: Type.Optional(Text500),
  note: Type.Optional(Text500),
};
const Filters = {
  tenantId: Type.Optional(Id),
  level: Type.Optional(Level),
  industry: Type.Optional(Code),
  urgency: Type.Optional(Code),
  itemId: Type.Optional(Id),
};

function sendXlsx(reply: FastifyReply, name: string, file: Buffer) {
  return reply
    .header('content-type', XLSX_MIME)
    .header('content-disposition', `attachment; filename="time-limits.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`)
    .send(file);
}

export async function timeLimitRoutes(app: App, deps: Deps): Promise<void> {
  app.get('/api/v1/time-limits', { config: READ, schema: { ...tags, querystring: Type.Object({ ...PageQuery, ...Filters }, { additionalProperties: false }) } }, async (req) =>
    limits.listTimeLimits(deps, req.actor!, req.query),
  );
  app.get('/api/v1/time-limits/options', { config: READ, schema: tags }, async (req) => limits.timeLimitOptions(deps, req.actor!));
  app.get('/api/v1/time-limits/by-level', { config: READ, schema: { ...tags, querystring: Type.Object({ tenantId: Type.Optional(Id) }, { additionalProperties: false }) } }, async (req) =>
    limits.matrixByLevel(deps, req.actor!, req.query.tenantId),
  );
  app.get(
    '/api/v1/time-limits/by-industry',
    { config: READ, schema: { ...tags, querystring: Type.Object({ tenantId: Type.Optional(Id), level: Type.Optional(Level) }, { additionalProperties: false }) } },
    async (req) => limits.matrixByIndustry(deps, req.actor!, req.query.tenantId, req.query.level),
  );
  app.get('/api/v1/time-limits/resolve', { config: READ, schema: { ...tags, querystring: Type.Object(Filters, { additionalProperties: false }) } }, async (req) =>
    limits.resolveForActor(deps, req.actor!, req.query),
  );
  app.get('/api/v1/time-limits/export', { config: READ, schema: { ...tags, querystring: Type.Object(Filters, { additionalProperties: false }) } }, async (req, reply) =>
    sendXlsx(reply, '办结时限.xlsx', await exportTimeLimits(deps, req.actor!, req.query)),
  );
  app.get('/api/v1/time-limits/template', { config: READ, schema: tags }, async (_req, reply) => sendXlsx(reply, '办结时限导入模板.xlsx', await timeLimitTemplate(deps)));
  app.post(
    '/api/v1/time-limits/import',
    { config: { permission: WRITE, audit: 'time-limit.import' }, schema: { ...tags, querystring: Type.Object({ tenantId: Type.Optional(Id) }, { additionalProperties: false }) } },
    async (req, reply) => {
      if (!Buffer.isBuffer(req.body)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `请上传 Excel（.xlsx）文件，Content-Type 应为 ${XLSX_MIME}`, 415);
      return reply.code(202).send(publicJob(await importTimeLimits(deps, req.actor!, req.query.tenantId, req.body)));
    },
  );
  app.get('/api/v1/time-limits/:id', { config: READ, schema: { ...tags, params: IdParams } }, async (req) => limits.getTimeLimit(deps, req.actor!, req.params.id));
  app.post(
    '/api/v1/time-limits',
    { config: { permission: WRITE, audit: 'time-limit.create' }, schema: { ...tags, body: Body({ tenantId: Type.Optional(Id), ...Dimensions, ...Limit }) } },
    async (req, reply) => reply.code(201).send(await limits.createTimeLimit(deps, req.actor!, req.body)),
  );
  app.patch(
    '/api/v1/time-limits/:id',
    {
      config: { permission: WRITE, audit: 'time-limit.update' },
      schema: { ...tags, params: IdParams, body: Type.Partial(Body({ ...Dimensions, ...Limit }), { additionalProperties: false, minProperties: 1 }) },
    },
    async (req) => limits.updateTimeLimit(deps, req.actor!, req.params.id, req.body),
  );
  app.delete('/api/v1/time-limits/:id', { config: { permission: WRITE, audit: 'time-limit.delete' }, schema: { ...tags, params: IdParams, response: { 200: Ok } } }, async (req) => {
    await limits.deleteTimeLimit(deps, req.actor!, req.params.id);
    return { ok: true };
  });
}
