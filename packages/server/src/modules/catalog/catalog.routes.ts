import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { Body, Code, Id, IdParams, Name, Ok, PageQuery } from '../../platform/http/schemas.js';
import { XLSX_MIME } from '../../platform/excel/sheet.js';
import { publicJob } from '../../platform/excel/import-jobs.js';
import * as categories from './category.service.js';
import * as items from './item.service.js';
import * as changes from './change.service.js';
import * as publish from './publish.service.js';

const READ = 'catalog:read';
const WRITE = 'catalog:write';
const REVIEW = 'catalog:review';
const BASE = '/api/v1/catalog';

const lit = <T extends string>(...values: T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Status = lit('draft', 'pending', 'published', 'rejected', 'offline', 'void');
const Text = (max: number) => Type.String({ maxLength: max });
const Terms = (maxItems: number) => Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems });
const DictValue = Type.String({ minLength: 1, maxLength: 64 });
const Day = Type.Union([Type.String({ format: 'date' }), Type.Null()]);
const Submit = Type.Optional(Type.Boolean({ description: 'true = 提交审核；false 或缺省 = 暂存' }));
const Search = Type.String({ maxLength: 100 });

const ItemFields = {
  description: Type.Optional(Text(2000)),
  keywords: Type.Optional(Terms(50)),
  synonyms: Type.Optional(Terms(50)),
  industry: Type.Optional(DictValue),
  demandTypes: Type.Optional(Type.Array(DictValue, { maxItems: 10 })),
  levels: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 5 }), { maxItems: 5 })),
  urgencyTiers: Type.Optional(Type.Array(DictValue, { maxItems: 10 })),
  department: Type.Optional(Text(200)),
  handlingStandard: Type.Optional(Text(2000)),
  legalBasis: Type.Optional(Text(2000)),
  effectiveFrom: Type.Optional(Day),
  effectiveTo: Type.Optional(Day),
};

const ItemFilters = {
  q: Type.Optional(Search),
  name: Type.Optional(Search),
  code: Type.Optional(Search),
  keyword: Type.Optional(Search),
  categoryId: Type.Optional(Id),
  industry: Type.Optional(DictValue),
  department: Type.Optional(Search),
  demandType: Type.Optional(DictValue),
  status: Type.Optional(Status),
  origin: Type.Optional(lit('standard', 'local')),
  tenantId: Type.Optional(Id),
};

const LocalDetailFields = {
  rules: Type.Optional(Text(10000)),
  materials: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100 })),
  process: Type.Optional(Text(10000)),
  contactUnit: Type.Optional(Text(200)),
  contactPhone: Type.Optional(Type.String({ maxLength: 50, pattern: '^[0-9+\\-() 转]*$' })),
  contactAddress: Type.Optional(Text(200)),
  note: Type.Optional(Text(2000)),
};

const tags = (t: string) => ({ tags: [t] });
const xlsxName = (name: string) => `attachment; filename*=UTF-8''${encodeURIComponent(name)}`;

/** 诉求事项目录、清单、变更审核、下发与实施清单 (base /api/v1/catalog). */
export async function catalogCoreRoutes(app: App, deps: Deps): Promise<void> {
  categoryRoutes(app, deps);
  itemRoutes(app, deps);
  itemExcelRoutes(app, deps);
  changeRoutes(app, deps);
  implementationRoutes(app, deps);
}

function categoryRoutes(app: App, deps: Deps): void {
  const t = tags('事项目录');
  app.get(`${BASE}/categories/tree`, { config: { permission: READ }, schema: { ...t, querystring: Type.Object({ includeOffline: Type.Optional(Type.Boolean()) }) } }, async (req) =>
    categories.categoryTree(deps, req.actor!, req.query),
  );
  app.get(
    `${BASE}/categories`,
    {
      config: { permission: READ },
      schema: {
        ...t,
        querystring: Type.Object({
          ...PageQuery,
          name: Type.Optional(Search),
          code: Type.Optional(Search),
          level: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
          status: Type.Optional(Status),
          createdOrgId: Type.Optional(Id),
          createdFrom: Type.Optional(Type.String({ format: 'date-time' })),
          createdTo: Type.Optional(Type.String({ format: 'date-time' })),
          sort: Type.Optional(lit('code', 'level', 'createdAt')),
        }),
      },
    },
    async (req) => categories.listCategories(deps, req.actor!, req.query),
  );
  app.get(`${BASE}/categories/:id`, { config: { permission: READ }, schema: { ...t, params: IdParams } }, async (req) => categories.getCategory(deps, req.actor!, req.params.id));
  app.post(
    `${BASE}/categories`,
    {
      config: { permission: WRITE, audit: 'catalog.category.create' },
      schema: { ...t, body: Body({ parentId: Type.Optional(Id), code: Code, name: Name, description: Type.Optional(Text(500)), sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })), submit: Submit }) },
    },
    async (req, reply) => reply.code(201).send(await categories.createCategory(deps, req.actor!, req.body)),
  );
  app.patch(
    `${BASE}/categories/:id`,
    {
      config: { permission: WRITE, audit: 'catalog.category.update' },
      schema: { ...t, params: IdParams, body: Body({ name: Type.Optional(Name), description: Type.Optional(Text(500)), sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })), submit: Submit }) },
    },
    async (req) => categories.updateCategory(deps, req.actor!, req.params.id, req.body),
  );
  app.post(
    `${BASE}/categories/:id/offline`,
    { config: { permission: WRITE, audit: 'catalog.category.offline' }, schema: { ...t, params: IdParams, body: Body({ reason: Type.Optional(Text(500)), submit: Submit }) } },
    async (req) => categories.offlineCategory(deps, req.actor!, req.params.id, req.body),
  );
  app.delete(`${BASE}/categories/:id`, { config: { permission: WRITE, audit: 'catalog.category.delete' }, schema: { ...t, params: IdParams, response: { 200: Ok } } }, async (req) => {
    await categories.deleteCategory(deps, req.actor!, req.params.id);
    return { ok: true };
  });
}

function itemRoutes(app: App, deps: Deps): void {
  const t = tags('事项清单');
  app.get(
    `${BASE}/items`,
    { config: { permission: READ }, schema: { ...t, querystring: Type.Object({ ...PageQuery, ...ItemFilters, sort: Type.Optional(lit('code', 'name', 'updatedAt', 'createdAt', 'currentVersion')) }) } },
    async (req) => items.listItems(deps, req.actor!, req.query),
  );
  app.get(`${BASE}/items/:id`, { config: { permission: READ }, schema: { ...t, params: IdParams } }, async (req) => items.getItem(deps, req.actor!, req.params.id));
  app.get(`${BASE}/item-options`, { config: { permission: READ }, schema: t }, async () => items.itemOptions(deps));
  app.post(
    `${BASE}/items`,
    {
      config: { permission: WRITE, audit: 'catalog.item.create' },
      schema: { ...t, body: Body({ categoryId: Id, code: Code, name: Name, origin: Type.Optional(lit('standard', 'local')), ...ItemFields, submit: Submit }) },
    },
    async (req, reply) => reply.code(201).send(await items.createItem(deps, req.actor!, req.body)),
  );
  app.patch(
    `${BASE}/items/:id`,
    { config: { permission: WRITE, audit: 'catalog.item.update' }, schema: { ...t, params: IdParams, body: Body({ name: Type.Optional(Name), ...ItemFields, submit: Submit }) } },
    async (req) => items.updateItem(deps, req.actor!, req.params.id, req.body),
  );
  app.post(
    `${BASE}/items/:id/lifecycle`,
    { config: { permission: WRITE, audit: 'catalog.item.lifecycle' }, schema: { ...t, params: IdParams, body: Body({ action: lit('offline', 'online', 'void'), reason: Type.Optional(Text(500)), submit: Submit }) } },
    async (req) => items.changeLifecycle(deps, req.actor!, req.params.id, req.body),
  );
  app.post(
    `${BASE}/items/:id/rollback`,
    { config: { permission: WRITE, audit: 'catalog.item.rollback' }, schema: { ...t, params: IdParams, body: Body({ version: Type.Integer({ minimum: 1, maximum: 100000 }), submit: Submit }) } },
    async (req) => items.rollbackItem(deps, req.actor!, req.params.id, req.body),
  );
  app.delete(`${BASE}/items/:id`, { config: { permission: WRITE, audit: 'catalog.item.delete' }, schema: { ...t, params: IdParams, response: { 200: Ok } } }, async (req) => {
    await items.deleteItem(deps, req.actor!, req.params.id);
    return { ok: true };
  });
  app.get(`${BASE}/items/:id/versions`, { config: { permission: READ }, schema: { ...t, params: IdParams } }, async (req) => ({ items: await items.listVersions(deps, req.actor!, req.params.id) }));
  app.get(
    `${BASE}/items/:id/versions/:version`,
    { config: { permission: READ }, schema: { ...t, params: Type.Object({ id: Id, version: Type.Integer({ minimum: 1, maximum: 100000 }) }) } },
    async (req) => items.getVersion(deps, req.actor!, req.params.id, req.params.version),
  );
  app.get(
    `${BASE}/items/:id/diff`,
    { config: { permission: READ }, schema: { ...t, params: IdParams, querystring: Type.Object({ from: Type.Integer({ minimum: 0, maximum: 100000 }), to: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })) }) } },
    async (req) => items.diffVersions(deps, req.actor!, req.params.id, req.query.from, req.query.to),
  );
  app.get(`${BASE}/items/:id/changes`, { config: { permission: [WRITE, REVIEW] }, schema: { ...t, params: IdParams } }, async (req) => {
    await items.loadVisibleItem(deps.db, req.actor!, req.params.id);
    return { items: await changes.changesOf(deps, req.actor!, 'item', req.params.id) };
  });

  const k = tags('事项知识关联');
  app.get(`${BASE}/items/:id/knowledge`, { config: { permission: READ }, schema: { ...k, params: IdParams } }, async (req) => ({ items: await items.listKnowledge(deps, req.actor!, req.params.id) }));
  app.post(
    `${BASE}/items/:id/knowledge`,
    { config: { permission: WRITE, audit: 'catalog.item.knowledge.link' }, schema: { ...k, params: IdParams, body: Body({ articleId: Id, note: Type.Optional(Text(500)) }) } },
    async (req, reply) => reply.code(201).send({ items: await items.linkKnowledge(deps, req.actor!, req.params.id, req.body) }),
  );
  app.delete(
    `${BASE}/items/:id/knowledge/:articleId`,
    { config: { permission: WRITE, audit: 'catalog.item.knowledge.unlink' }, schema: { ...k, params: Type.Object({ id: Id, articleId: Id }), response: { 200: Ok } } },
    async (req) => {
      await items.unlinkKnowledge(deps, req.actor!, req.params.id, req.params.articleId);
      return { ok: true };
    },
  );
}

function itemExcelRoutes(app: App, deps: Deps): void {
  const t = tags('事项清单');
  app.get(`${BASE}/items/template`, { config: { permission: WRITE }, schema: t }, async (_req, reply) =>
    reply.type(XLSX_MIME).header('content-disposition', xlsxName('诉求事项导入模板.xlsx')).send(await items.itemTemplate(deps)),
  );
  app.get(`${BASE}/items/export`, { config: { permission: READ }, schema: { ...t, querystring: Type.Object(ItemFilters) } }, async (req, reply) => {
    const file = await items.exportItems(deps, req.actor!, req.query);
    return reply.type(XLSX_MIME).header('content-disposition', xlsxName(`诉求事项清单-${deps.clock.now().toISOString().slice(0, 10)}.xlsx`)).send(file);
  });
  // The raw .xlsx is the body (content-type XLSX_MIME); progress is polled at GET /api/v1/imports/:id.
  app.post(`${BASE}/items/import`, { config: { permission: WRITE, audit: 'catalog.item.import' }, schema: { ...t, consumes: [XLSX_MIME] } }, async (req, reply) => {
    if (!Buffer.isBuffer(req.body)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `请上传 Excel（.xlsx）文件，Content-Type 应为 ${XLSX_MIME}`, 415);
    return reply.code(202).send(publicJob(items.importItems(deps, req.actor!, req.body)));
  });
}

function changeRoutes(app: App, deps: Deps): void {
  const t = tags('事项审核');
  const ChangeParams = IdParams;
  app.get(
    `${BASE}/changes`,
    {
      config: { permission: [WRITE, REVIEW] },
      schema: {
        ...t,
        querystring: Type.Object({
          ...PageQuery,
          status: Type.Optional(lit('draft', 'pending', 'approved', 'rejected', 'withdrawn')),
          entityType: Type.Optional(lit('category', 'item', 'list_entry')),
          entityId: Type.Optional(Id),
          action: Type.Optional(lit('create', 'update', 'offline', 'void', 'rollback')),
          mine: Type.Optional(Type.Boolean()),
          reviewable: Type.Optional(Type.Boolean()),
        }),
      },
    },
    async (req) => changes.listChanges(deps, req.actor!, req.query),
  );
  app.get(`${BASE}/changes/:id`, { config: { permission: [WRITE, REVIEW] }, schema: { ...t, params: ChangeParams } }, async (req) => changes.getChange(deps, req.actor!, req.params.id));
  app.post(`${BASE}/changes/:id/submit`, { config: { permission: WRITE, audit: 'catalog.change.submit' }, schema: { ...t, params: ChangeParams } }, async (req) =>
    changes.submitChange(deps, req.actor!, req.params.id),
  );
  app.post(
    `${BASE}/changes/:id/approve`,
    { config: { permission: REVIEW, audit: 'catalog.change.approve' }, schema: { ...t, params: ChangeParams, body: Body({ opinion: Type.Optional(Text(1000)) }) } },
    async (req) => changes.approveChange(deps, req.actor!, req.params.id, req.body.opinion?.trim() ?? ''),
  );
  app.post(
    `${BASE}/changes/:id/reject`,
    { config: { permission: REVIEW, audit: 'catalog.change.reject' }, schema: { ...t, params: ChangeParams, body: Body({ opinion: Type.String({ maxLength: 1000 }) }) } },
    async (req) => changes.rejectChange(deps, req.actor!, req.params.id, req.body.opinion),
  );
  app.post(`${BASE}/changes/:id/withdraw`, { config: { permission: WRITE, audit: 'catalog.change.withdraw' }, schema: { ...t, params: ChangeParams } }, async (req) =>
    changes.withdrawChange(deps, req.actor!, req.params.id),
  );
  app.delete(`${BASE}/changes/:id`, { config: { permission: WRITE, audit: 'catalog.change.delete' }, schema: { ...t, params: ChangeParams, response: { 200: Ok } } }, async (req) => {
    await changes.deleteChange(deps, req.actor!, req.params.id);
    return { ok: true };
  });
}

function implementationRoutes(app: App, deps: Deps): void {
  const t = tags('实施清单');
  const ItemParams = Type.Object({ itemId: Id });
  const TenantQuery = Type.Object({ tenantId: Id });
  app.get(
    `${BASE}/implementation`,
    {
      config: { permission: READ },
      schema: {
        ...t,
        querystring: Type.Object({ ...PageQuery, tenantId: Id, q: Type.Optional(Search), kind: Type.Optional(lit('inherited', 'local')), adoptionStatus: Type.Optional(lit('new', 'pending', 'active', 'excluded')) }),
      },
    },
    async (req) => publish.implementationList(deps, req.actor!, req.query),
  );
  app.get(`${BASE}/implementation/:itemId`, { config: { permission: READ }, schema: { ...t, params: ItemParams, querystring: TenantQuery } }, async (req) =>
    publish.getImplementation(deps, req.actor!, req.query.tenantId, req.params.itemId),
  );
  app.get(`${BASE}/implementation/:itemId/changes`, { config: { permission: READ }, schema: { ...t, params: ItemParams, querystring: TenantQuery } }, async (req) =>
    publish.implementationChanges(deps, req.actor!, req.query.tenantId, req.params.itemId),
  );
  app.put(
    `${BASE}/implementation/:itemId/local-detail`,
    { config: { permission: WRITE, audit: 'catalog.adoption.local-detail' }, schema: { ...t, params: ItemParams, body: Body({ tenantId: Id, ...LocalDetailFields }) } },
    async (req) => {
      const { tenantId, ...detail } = req.body;
      return publish.saveLocalDetail(deps, req.actor!, tenantId, req.params.itemId, detail);
    },
  );
  app.post(`${BASE}/implementation/:itemId/accept`, { config: { permission: WRITE, audit: 'catalog.adoption.accept' }, schema: { ...t, params: ItemParams, body: Body({ tenantId: Id }) } }, async (req) =>
    publish.acceptAdoption(deps, req.actor!, req.body.tenantId, req.params.itemId),
  );
  app.post(
    `${BASE}/implementation/:itemId/exclude`,
    { config: { permission: WRITE, audit: 'catalog.adoption.exclude' }, schema: { ...t, params: ItemParams, body: Body({ tenantId: Id, reason: Type.String({ minLength: 1, maxLength: 500 }) }) } },
    async (req) => publish.excludeAdoption(deps, req.actor!, req.body.tenantId, req.params.itemId, req.body.reason),
  );
}
