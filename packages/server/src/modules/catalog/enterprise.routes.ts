import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { Body, Id, IdParams, Ok, PageQuery } from '../../platform/http/schemas.js';
import { publicJob } from '../../platform/excel/import-jobs.js';
import { XLSX_MIME } from '../../platform/excel/sheet.js';
import * as enterprises from './enterprise.service.js';
import { exportEnterprises, importEnterprises, importTemplate } from './enterprise.excel.js';

const tags = { tags: ['企业库'] };
const READ = 'catalog:enterprise:read';
const WRITE = 'catalog:enterprise:write';
const APPROVE = 'catalog:enterprise:approve';

// At least one non-blank character, so that "   " is not a name.
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });
const Nullable = (maxLength: number) => Type.Optional(Type.Union([Text(maxLength), Type.Null()]));
const DictValue = Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]));
const CreditCode = Type.String({ minLength: 1, maxLength: 40 });
const Phone = Type.String({ pattern: '^[0-9+\\- ]{5,20}$' });
const Contact = Body({ name: Text(50), role: Type.Optional(Type.String({ maxLength: 50 })), phone: Type.Optional(Type.Union([Phone, Type.Null()])) });
const Status = Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')]);

const Fields = {
  tenantId: Type.Optional(Id),
  creditCode: CreditCode,
  name: Text(200),
  ownership: DictValue,
  industry: DictValue,
  registeredRegion: Nullable(100),
  address: Nullable(200),
  legalPerson: Nullable(50),
  contacts: Type.Optional(Type.Array(Contact, { maxItems: 20 })),
  tags: Type.Optional(Type.Array(Text(20), { maxItems: 10 })),
};

const Filters = {
  keyword: Type.Optional(Type.String({ maxLength: 50 })),
  industry: Type.Optional(Type.String({ maxLength: 64 })),
  ownership: Type.Optional(Type.String({ maxLength: 64 })),
  tag: Type.Optional(Type.String({ maxLength: 20 })),
  status: Type.Optional(Status),
  tenantId: Type.Optional(Id),
};

const ListQuery = Type.Object({
  ...PageQuery,
  ...Filters,
  sort: Type.Optional(Type.Union([Type.Literal('name'), Type.Literal('creditCode'), Type.Literal('createdAt'), Type.Literal('updatedAt')])),
});

export async function enterpriseRoutes(app: App, deps: Deps): Promise<void> {
  app.get('/api/v1/enterprises', { config: { permission: READ }, schema: { ...tags, querystring: ListQuery } }, async (req) =>
    enterprises.listEnterprises(deps, req.actor!, req.query),
  );
  app.get('/api/v1/enterprises/options', { config: { permission: READ }, schema: tags }, async (req) => enterprises.enterpriseOptions(deps, req.actor!));
  app.get(
    '/api/v1/enterprises/by-code/:code',
    { config: { permission: READ }, schema: { ...tags, params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }) }) } },
    async (req) => enterprises.findByCreditCode(deps, req.actor!, req.params.code),
  );
  app.get('/api/v1/enterprises/export', { config: { permission: [WRITE, APPROVE] }, schema: { ...tags, querystring: Type.Object(Filters) } }, async (req, reply) =>
    sendXlsx(reply, `企业库-${deps.clock.now().toISOString().slice(0, 10)}.xlsx`, await exportEnterprises(deps, req.actor!, req.query)),
  );
  app.get('/api/v1/enterprises/import-template', { config: { permission: WRITE }, schema: tags }, async (req, reply) =>
    sendXlsx(reply, '企业库导入模板.xlsx', await importTemplate(deps, req.actor!)),
  );
  app.post(
    '/api/v1/enterprises/import',
    { config: { permission: WRITE, audit: 'enterprise.import' }, schema: { ...tags, querystring: Type.Object({ tenantId: Type.Optional(Id) }) } },
    async (req, reply) => reply.code(202).send(publicJob(await importEnterprises(deps, req.actor!, req.body, req.query.tenantId))),
  );
  app.get('/api/v1/enterprises/:id', { config: { permission: READ }, schema: { ...tags, params: IdParams } }, async (req) =>
    enterprises.getEnterprise(deps, req.actor!, req.params.id),
  );
  app.post('/api/v1/enterprises', { config: { permission: WRITE, audit: 'enterprise.create' }, schema: { ...tags, body: Body(Fields) } }, async (req, reply) =>
    reply.code(201).send(await enterprises.createEnterprise(deps, req.actor!, req.body)),
  );
  app.patch(
    '/api/v1/enterprises/:id',
    { config: { permission: WRITE, audit: 'enterprise.update' }, schema: { ...tags, params: IdParams, body: Type.Partial(Body(Fields), { additionalProperties: false }) } },
    async (req) => enterprises.updateEnterprise(deps, req.actor!, req.params.id, req.body),
  );
  app.delete('/api/v1/enterprises/:id', { config: { permission: WRITE, audit: 'enterprise.delete' }, schema: { ...tags, params: IdParams, response: { 200: Ok } } }, async (req) => {
    await enterprises.deleteEnterprise(deps, req.actor!, req.params.id);
    return { ok: true };
  });
  app.post(
    '/api/v1/enterprises/:id/approve',
    { config: { permission: APPROVE, audit: 'enterprise.approve' }, schema: { ...tags, params: IdParams, body: Body({ opinion: Type.Optional(Type.String({ maxLength: 500 })) }) } },
    async (req) => enterprises.reviewEnterprise(deps, req.actor!, req.params.id, 'approve', req.body.opinion),
  );
  app.post(
    '/api/v1/enterprises/:id/reject',
    { config: { permission: APPROVE, audit: 'enterprise.reject' }, schema: { ...tags, params: IdParams, body: Body({ opinion: Type.String({ maxLength: 500 }) }) } },
    async (req) => enterprises.reviewEnterprise(deps, req.actor!, req.params.id, 'reject', req.body.opinion),
  );
}

function sendXlsx(reply: FastifyReply, fileName: string, file: Buffer) {
  return reply.type(XLSX_MIME).header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`).send(file);
}
