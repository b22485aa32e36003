import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { Body, Code, Id, IdParams, Name, Ok, PageQuery } from '../../platform/http/schemas.js';
import * as dicts from './dict.service.js';
import * as params from './param.service.js';
import * as notifications from './notification.service.js';
import { getImportJob, publicJob } from '../../platform/excel/import-jobs.js';

const CodeParams = Type.Object({ code: Code });

export async function systemRoutes(app: App, deps: Deps): Promise<void> {
  const dictTags = { tags: ['数据字典'] };
  app.get('/api/v1/dicts', { config: { permission: 'system:dict:read' }, schema: dictTags }, async (req) => ({ items: await dicts.listDicts(deps, req.actor!) }));
  app.post(
    '/api/v1/dicts',
    { config: { permission: 'system:dict:write', audit: 'dict.create' }, schema: { ...dictTags, body: Body({ code: Code, name: Name, description: Type.Optional(Type.String({ maxLength: 500 })) }) } },
    async (req, reply) => reply.code(201).send(await dicts.createDict(deps, req.actor!, req.body)),
  );
  app.patch(
    '/api/v1/dicts/:code',
    { config: { permission: 'system:dict:write', audit: 'dict.update' }, schema: { ...dictTags, params: CodeParams, body: Body({ name: Type.Optional(Name), description: Type.Optional(Type.String({ maxLength: 500 })) }), response: { 200: Ok } } },
    async (req) => {
      await dicts.updateDict(deps, req.actor!, req.params.code, req.body);
      return { ok: true };
    },
  );
  app.get('/api/v1/dicts/:code/items', { config: { permission: 'system:dict:read' }, schema: { ...dictTags, params: CodeParams } }, async (req) => ({
    items: await dicts.listItems(deps, req.actor!, req.params.code),
  }));
  app.post(
    '/api/v1/dicts/:code/items',
    {
      config: { permission: 'system:dict:write', audit: 'dict.item.create' },
      schema: { ...dictTags, params: CodeParams, body: Body({ value: Type.String({ minLength: 1, maxLength: 64 }), label: Name, sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })) }) },
    },
    async (req, reply) => reply.code(201).send(await dicts.addItem(deps, req.actor!, req.params.code, req.body)),
  );
  const ItemParams = Type.Object({ code: Code, id: Id });
  app.patch(
    '/api/v1/dicts/:code/items/:id',
    {
      config: { permission: 'system:dict:write', audit: 'dict.item.update' },
      schema: { ...dictTags, params: ItemParams, body: Body({ label: Type.Optional(Name), sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })), enabled: Type.Optional(Type.Boolean()) }) },
    },
    async (req) => dicts.updateItem(deps, req.actor!, req.params.code, req.params.id, req.body),
  );
  app.delete('/api/v1/dicts/:code/items/:id', { config: { permission: 'system:dict:write', audit: 'dict.item.delete' }, schema: { ...dictTags, params: ItemParams, response: { 200: Ok } } }, async (req) => {
    await dicts.deleteItem(deps, req.actor!, req.params.code, req.params.id);
    return { ok: true };
  });

  const cfgTags = { tags: ['参数配置'] };
  app.get('/api/v1/config', { config: { permission: ['system:config:read', 'security:config:read'] }, schema: cfgTags }, async (req) => ({ items: await params.listParams(deps, req.actor!) }));
  app.put(
    '/api/v1/config/:key',
    {
      config: { permission: ['system:config:write', 'security:config:write'], audit: 'config.update' },
      schema: { ...cfgTags, params: Type.Object({ key: Type.String({ maxLength: 100 }) }), body: Body({ value: Type.Union([Type.Integer(), Type.Boolean(), Type.String({ maxLength: 500 })]) }), response: { 200: Ok } },
    },
    async (req) => {
      await params.setParam(deps, req.actor!, req.params.key, req.body.value);
      return { ok: true };
    },
  );

  const msgTags = { tags: ['消息中心'] };
  app.get(
    '/api/v1/notifications',
    { config: { permission: 'message:read' }, schema: { ...msgTags, querystring: Type.Object({ ...PageQuery, unread: Type.Optional(Type.Boolean()) }) } },
    async (req) => notifications.listMyNotifications(deps, req.actor!, req.query),
  );
  app.post('/api/v1/notifications/:id/read', { config: { permission: 'message:read' }, schema: { ...msgTags, params: IdParams, response: { 200: Ok } } }, async (req) => {
    await notifications.markRead(deps, req.actor!, req.params.id);
    return { ok: true };
  });
  app.post(
    '/api/v1/notifications',
    {
      config: { permission: 'message:send', audit: 'notification.send' },
      schema: {
        ...msgTags,
        body: Body({
          title: Type.String({ minLength: 1, maxLength: 100 }),
          body: Type.String({ minLength: 1, maxLength: 2000 }),
          targets: Type.Array(Type.Object({ type: Type.Union([Type.Literal('user'), Type.Literal('org')]), id: Id }, { additionalProperties: false }), { minItems: 1, maxItems: 100 }),
        }),
      },
    },
    async (req, reply) => reply.code(201).send(await notifications.sendNotification(deps, req.actor!, req.body)),
  );

  app.get('/api/v1/imports/:id', { schema: { tags: ['导入任务'], params: IdParams } }, async (req) => publicJob(getImportJob(req.actor!, req.params.id)));

  app.get('/api/v1/ws', { websocket: true, config: { allowRestricted: true }, schema: { hide: true } }, (socket, req) => {
    const unsubscribe = deps.bus.subscribe(notifications.userChannel(req.actor!.userId), (message) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    });
    socket.on('close', unsubscribe);
    socket.on('message', () => socket.send(JSON.stringify({ type: 'pong' })));
  });
}

/** After commit, the outbox fans a notification out to each recipient's live sockets. */
export function registerNotificationFanout(deps: Deps, on: (topic: string, handler: (payload: Record<string, unknown>) => Promise<void>) => void): void {
  on(notifications.NOTIFICATION_TOPIC, async (payload) => {
    const { userIds, ...data } = payload as { userIds: string[] } & Record<string, unknown>;
    for (const id of userIds) await deps.bus.publish(notifications.userChannel(id), { type: 'notification', data });
  });
}
