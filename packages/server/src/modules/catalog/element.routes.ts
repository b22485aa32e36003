import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { Body, Code, Id, IdParams, Name, Ok, PageQuery } from '../../platform/http/schemas.js';
import { listDicts } from '../system/dict.service.js';
import * as elements from './element.service.js';
import { ELEMENT_TYPES, validateFormData } from './form-schema.js';

const READ = 'catalog:read';
const WRITE = 'catalog:write';
const tags = { tags: ['事项要素'] };

const DataType = Type.Union(ELEMENT_TYPES.map((t) => Type.Literal(t)));
const Kind = Type.Union([Type.Literal('parent'), Type.Literal('association'), Type.Literal('dependency'), Type.Literal('exclusive')]);
const Option = Type.Object({ value: Type.String({ minLength: 1, maxLength: 64 }), label: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
const Validation = Type.Object(
  {
    required: Type.Optional(Type.Boolean()),
    pattern: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
  },
  { additionalProperties: false },
);
const Short = (max: number) => Type.String({ maxLength: max });

const ElementFields = {
  name: Name,
  dataType: DataType,
  // null on a change switches a choice element from a dictionary to its own options.
  dictCode: Type.Optional(Type.Union([Code, Type.Null()])),
  options: Type.Optional(Type.Array(Option, { maxItems: 200 })),
  validation: Type.Optional(Validation),
  groupCode: Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_.:-]*$' })),
  domain: Type.Optional(Short(50)),
  description: Type.Optional(Short(500)),
};
const Relation = Body({ fromElementId: Id, toElementId: Id, kind: Kind });

/** 事项要素: definitions with versions, the relation graph, item assignment and the ticket form. */
export async function catalogElementRoutes(app: App, deps: Deps): Promise<void> {
  elementDefinitionRoutes(app, deps);
  relationRoutes(app, deps);
  itemFormRoutes(app, deps);
}

function elementDefinitionRoutes(app: App, deps: Deps): void {
  const Query = Type.Object({ ...PageQuery, keyword: Type.Optional(Short(50)), dataType: Type.Optional(DataType), groupCode: Type.Optional(Short(64)), domain: Type.Optional(Short(50)) });
  app.get('/api/v1/catalog/elements', { config: { permission: READ }, schema: { ...tags, querystring: Query } }, async (req) => elements.listElements(deps, req.actor!, req.query));
  app.get('/api/v1/catalog/elements/graph', { config: { permission: READ }, schema: { ...tags, querystring: Type.Object({ groupCode: Type.Optional(Short(64)), domain: Type.Optional(Short(50)) }) } }, async (req) =>
    elements.elementGraph(deps, req.actor!, req.query),
  );
  // Catalogue staff pick dictionaries for select elements without holding system:dict:read.
  app.get('/api/v1/catalog/element-options/dicts', { config: { permission: READ }, schema: tags }, async (req) => ({
    items: (await listDicts(deps, req.actor!)).map((d) => ({ code: d.code, name: d.name, itemCount: d.itemCount })),
  }));
  app.get('/api/v1/catalog/elements/:id', { config: { permission: READ }, schema: { ...tags, params: IdParams } }, async (req) => elements.getElement(deps, req.actor!, req.params.id));
  app.get('/api/v1/catalog/elements/:id/versions', { config: { permission: READ }, schema: { ...tags, params: IdParams } }, async (req) => ({
    items: await elements.elementVersions(deps, req.actor!, req.params.id),
  }));
  app.post('/api/v1/catalog/elements', { config: { permission: WRITE, audit: 'catalog.element.create' }, schema: { ...tags, body: Body({ code: Code, ...ElementFields, dictCode: Type.Optional(Code) }) } }, async (req, reply) =>
    reply.code(201).send(await elements.createElement(deps, req.actor!, req.body)),
  );
  app.patch(
    '/api/v1/catalog/elements/:id',
    { config: { permission: WRITE, audit: 'catalog.element.update' }, schema: { ...tags, params: IdParams, body: Type.Partial(Body(ElementFields), { additionalProperties: false }) } },
    async (req) => elements.updateElement(deps, req.actor!, req.params.id, req.body),
  );
  app.delete('/api/v1/catalog/elements/:id', { config: { permission: WRITE, audit: 'catalog.element.delete' }, schema: { ...tags, params: IdParams, response: { 200: Ok } } }, async (req) => {
    await elements.deleteElement(deps, req.actor!, req.params.id);
    return { ok: true };
  });
}

function relationRoutes(app: App, deps: Deps): void {
  app.post('/api/v1/catalog/element-relations', { config: { permission: WRITE, audit: 'catalog.element.relation.create' }, schema: { ...tags, body: Relation } }, async (req, reply) => {
    const r = await elements.addRelation(deps, req.actor!, { from: req.body.fromElementId, to: req.body.toElementId, kind: req.body.kind });
    return reply.code(201).send({ fromElementId: r.from, toElementId: r.to, kind: r.kind });
  });
  app.delete(
    '/api/v1/catalog/element-relations',
    { config: { permission: WRITE, audit: 'catalog.element.relation.delete' }, schema: { ...tags, querystring: Type.Object({ fromElementId: Id, toElementId: Id, kind: Kind }), response: { 200: Ok } } },
    async (req) => {
      await elements.removeRelation(deps, req.actor!, { from: req.query.fromElementId, to: req.query.toElementId, kind: req.query.kind });
      return { ok: true };
    },
  );
}

function itemFormRoutes(app: App, deps: Deps): void {
  const ItemElement = Type.Object({ elementId: Id, required: Type.Optional(Type.Boolean()), sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })) }, { additionalProperties: false });
  app.get('/api/v1/catalog/items/:id/elements', { config: { permission: READ }, schema: { ...tags, params: IdParams } }, async (req) => ({
    items: await elements.itemElements(deps, req.actor!, req.params.id),
  }));
  app.put(
    '/api/v1/catalog/items/:id/elements',
    { config: { permission: WRITE, audit: 'catalog.item.elements' }, schema: { ...tags, params: IdParams, body: Body({ elements: Type.Array(ItemElement, { maxItems: 200 }) }) } },
    async (req) => ({ items: await elements.setItemElements(deps, req.actor!, req.params.id, req.body.elements) }),
  );
  app.get('/api/v1/catalog/items/:id/form', { config: { permission: READ }, schema: { ...tags, params: IdParams } }, async (req) => elements.itemForm(deps, req.actor!, req.params.id));
  app.post(
    '/api/v1/catalog/items/:id/form/validate',
    { config: { permission: READ }, schema: { ...tags, params: IdParams, body: Body({ data: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown()) }) } },
    async (req) => {
      const errors = validateFormData(await elements.itemForm(deps, req.actor!, req.params.id), req.body.data);
      return { ok: errors.length === 0, errors };
    },
  );
}
