import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { Body, Id, IdParams, Ok, PageQuery } from '../../platform/http/schemas.js';
import { XLSX_MIME } from '../../platform/excel/sheet.js';
import { publicJob } from '../../platform/excel/import-jobs.js';
import { tenantTree } from '../identity/tenant.service.js';
import { orgTree } from '../identity/org.service.js';
import * as lists from './list.service.js';
import { exportList, importList, listTemplate } from './list.excel.js';

const READ = 'catalog:read';
const WRITE = 'catalog:write';
const REVIEW = 'catalog:review';
const tags = { tags: ['三类清单'] };

const ListType = Type.Union([Type.Literal('responsibility'), Type.Literal('power'), Type.Literal('negative')]);
const Role = Type.Union([Type.Literal('lead'), Type.Literal('assist')]);
const Status = Type.Union([Type.Literal('draft'), Type.Literal('pending'), Type.Literal('published'), Type.Literal('rejected'), Type.Literal('offline'), Type.Literal('void')]);
const Text = (max: number) => Type.String({ maxLength: max });
const UnitName = Type.String({ minLength: 1, maxLength: 100 });
const Opinion = Type.String({ maxLength: 500 });

// On a change, orgId null turns the unit into an external one (named by unitName); a new entry
// simply leaves orgId out for that.
const EntryFields = {
  orgId: Type.Optional(Type.Union([Id, Type.Null()])),
  unitName: Type.Optional(UnitName),
  role: Type.Optional(Role),
  duty: Type.Optional(Text(2000)),
  legalBasis: Type.Optional(Text(2000)),
};

const Filters = {
  listType: Type.Optional(ListType),
  itemId: Type.Optional(Id),
  tenantId: Type.Optional(Id),
  orgId: Type.Optional(Id),
  role: Type.Optional(Role),
  status: Type.Optional(Status),
  keyword: Type.Optional(Type.String({ maxLength: 50 })),
};

function sendXlsx(reply: FastifyReply, fileName: string, file: Buffer) {
  return reply.type(XLSX_MIME).header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`).send(file);
}

/** 三类清单: entries with review, the dispatch recommendation, Excel, and the pickers the pages need. */
export async function catalogListRoutes(app: App, deps: Deps): Promise<void> {
  entryReadRoutes(app, deps);
  entryWriteRoutes(app, deps);
  reviewRoutes(app, deps);
  excelRoutes(app, deps);
  pickerRoutes(app, deps);
}

function entryReadRoutes(app: App, deps: Deps): void {
  app.get('/api/v1/catalog/list-entries', { config: { permission: READ }, schema: { ...tags, querystring: Type.Object({ ...PageQuery, ...Filters }) } }, async (req) =>
    lists.listEntries(deps, req.actor!, req.query),
  );
  app.get('/api/v1/catalog/list-entries/:id', { config: { permission: READ }, schema: { ...tags, params: IdParams } }, async (req) => lists.getEntry(deps, req.actor!, req.params.id));
  app.get('/api/v1/catalog/list-entries/:id/history', { config: { permission: READ }, schema: { ...tags, params: IdParams } }, async (req) => ({
    items: await lists.entryHistory(deps, req.actor!, req.params.id),
  }));
  app.get(
    '/api/v1/catalog/responsibility/recommend',
    { config: { permission: READ }, schema: { ...tags, querystring: Type.Object({ itemId: Id, tenantId: Id }) } },
    async (req) => lists.recommendFor(deps, req.actor!, req.query.itemId, req.query.tenantId),
  );
}

function entryWriteRoutes(app: App, deps: Deps): void {
  app.post(
    '/api/v1/catalog/list-entries',
    {
      config: { permission: WRITE, audit: 'catalog.list.create' },
      schema: { ...tags, body: Body({ listType: ListType, itemId: Id, tenantId: Type.Optional(Id), ...EntryFields, orgId: Type.Optional(Id), submit: Type.Optional(Type.Boolean()) }) },
    },
    async (req, reply) => reply.code(201).send(await lists.createEntry(deps, req.actor!, req.body)),
  );
  app.patch(
    '/api/v1/catalog/list-entries/:id',
    { config: { permission: WRITE, audit: 'catalog.list.update' }, schema: { ...tags, params: IdParams, body: Body(EntryFields) } },
    async (req) => lists.updateEntry(deps, req.actor!, req.params.id, req.body),
  );
  app.delete('/api/v1/catalog/list-entries/:id', { config: { permission: WRITE, audit: 'catalog.list.delete' }, schema: { ...tags, params: IdParams, response: { 200: Ok } } }, async (req) => {
    await lists.deleteEntry(deps, req.actor!, req.params.id);
    return { ok: true };
  });
  app.post(
    '/api/v1/catalog/list-entries/:id/revisions',
    { config: { permission: WRITE, audit: 'catalog.list.revise' }, schema: { ...tags, params: IdParams, body: Body({ ...EntryFields, submit: Type.Optional(Type.Boolean()) }) } },
    async (req, reply) => reply.code(201).send(await lists.reviseEntry(deps, req.actor!, req.params.id, req.body)),
  );
  for (const action of ['submit', 'withdraw', 'offline'] as const) {
    app.post(`/api/v1/catalog/list-entries/:id/${action}`, { config: { permission: WRITE, audit: `catalog.list.${action}` }, schema: { ...tags, params: IdParams } }, async (req) =>
      lists.moveEntry(deps, req.actor!, req.params.id, action),
    );
  }
}

function reviewRoutes(app: App, deps: Deps): void {
  app.post(
    '/api/v1/catalog/list-entries/:id/approve',
    { config: { permission: REVIEW, audit: 'catalog.list.approve' }, schema: { ...tags, params: IdParams, body: Body({ opinion: Type.Optional(Opinion) }) } },
    async (req) => lists.reviewEntry(deps, req.actor!, req.params.id, 'approve', req.body.opinion),
  );
  app.post(
    '/api/v1/catalog/list-entries/:id/reject',
    { config: { permission: REVIEW, audit: 'catalog.list.reject' }, schema: { ...tags, params: IdParams, body: Body({ opinion: Opinion }) } },
    async (req) => lists.reviewEntry(deps, req.actor!, req.params.id, 'reject', req.body.opinion),
  );
}

function excelRoutes(app: App, deps: Deps): void {
  const TypeQuery = Type.Object({ listType: Type.Optional(ListType) });
  app.get('/api/v1/catalog/list-entries/template', { config: { permission: WRITE }, schema: { ...tags, querystring: TypeQuery } }, async (req, reply) => {
    const listType = req.query.listType ?? 'responsibility';
    return sendXlsx(reply, `${lists.LIST_TYPE_NAMES[listType]}导入模板.xlsx`, await listTemplate(listType));
  });
  app.get('/api/v1/catalog/list-entries/export', { config: { permission: READ }, schema: { ...tags, querystring: Type.Object(Filters) } }, async (req, reply) => {
    const listType = req.query.listType ?? 'responsibility';
    const file = await exportList(deps, req.actor!, { ...req.query, listType });
    return sendXlsx(reply, `${lists.LIST_TYPE_NAMES[listType]}-${deps.clock.now().toISOString().slice(0, 10)}.xlsx`, file);
  });
  app.post(
    '/api/v1/catalog/list-entries/import',
    { config: { permission: WRITE, audit: 'catalog.list.import' }, schema: { ...tags, querystring: Type.Object({ listType: Type.Optional(ListType), submit: Type.Optional(Type.Boolean()) }) } },
    async (req, reply) => {
      const job = await importList(deps, req.actor!, req.body, { listType: req.query.listType ?? 'responsibility', submit: req.query.submit });
      return reply.code(202).send(publicJob(job));
    },
  );
}

/** Regions, units and items for the forms: catalogue staff need them without identity permissions. */
function pickerRoutes(app: App, deps: Deps): void {
  app.get('/api/v1/catalog/list-options/regions', { config: { permission: READ }, schema: tags }, async (req) => ({ items: await tenantTree(deps, req.actor!) }));
  app.get('/api/v1/catalog/list-options/units', { config: { permission: READ }, schema: { ...tags, querystring: Type.Object({ tenantId: Id }) } }, async (req) => ({
    items: await orgTree(deps, req.actor!, req.query.tenantId),
  }));
  app.get(
    '/api/v1/catalog/list-options/items',
    { config: { permission: READ }, schema: { ...tags, querystring: Type.Object({ tenantId: Type.Optional(Id), keyword: Type.Optional(Type.String({ maxLength: 50 })) }) } },
    async (req) => ({ items: await lists.itemOptions(deps, req.actor!, req.query) }),
  );
}
