import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { Body, Id, IdParams, OneOf, PageQuery } from '../../platform/http/schemas.js';
import { invalid } from '../../platform/errors.js';
import { XLSX_MIME } from '../../platform/excel/sheet.js';
import * as intake from './intake.service.js';
import * as dispatch from './dispatch.service.js';
import * as requests from './request.service.js';
import * as callbacks from './callback.service.js';
import * as query from './query.service.js';
import * as supervision from './supervision.service.js';
import * as attachments from './attachment.service.js';
import * as targets from './targets.service.js';

const tags = { tags: ['工单'] };
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });
const Opt = <T extends Parameters<typeof Type.Optional>[0]>(t: T) => Type.Optional(t);
const Nullable = <T extends Parameters<typeof Type.Optional>[0]>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));
const Ids = Type.Array(Id, { maxItems: 20 });
const Phone = Type.String({ pattern: '^[0-9+\\- ]{5,20}$' });

const Citizen = Body({
  name: Opt(Type.String({ maxLength: 50 })),
  phone: Opt(Phone),
  idNo: Opt(Type.String({ pattern: '^[0-9]{17}[0-9Xx]$' })),
  gender: Opt(Type.String({ maxLength: 8 })),
  ageRange: Opt(Type.String({ maxLength: 20 })),
  address: Opt(Type.String({ maxLength: 200 })),
});

const Channel = Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z0-9-]+$' });
const CallbackMode = OneOf(['default', 'manual', 'sms', 'robot', 'none'] as const);
const TicketFields = {
  channel: Channel,
  kind: Opt(Type.String({ maxLength: 32 })),
  title: Opt(Type.String({ maxLength: 200 })),
  content: Opt(Type.String({ maxLength: 20_000 })),
  itemId: Nullable(Id),
  urgency: Opt(Type.Union([Type.Literal('normal'), Type.Literal('urgent'), Type.Literal('critical')])),
  confidential: Opt(Type.Boolean()),
  callbackMode: Opt(CallbackMode),
  citizen: Opt(Citizen),
  enterpriseId: Nullable(Id),
  enterpriseName: Nullable(Type.String({ maxLength: 200 })),
  enterpriseRelated: Opt(Type.Boolean()),
  regionCode: Nullable(Type.String({ pattern: '^[0-9]{2,12}$' })),
  regionName: Nullable(Type.String({ maxLength: 100 })),
  address: Nullable(Type.String({ maxLength: 300 })),
  lat: Nullable(Type.Number({ minimum: -90, maximum: 90 })),
  lng: Nullable(Type.Number({ minimum: -180, maximum: 180 })),
  formData: Opt(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown())),
  tags: Opt(Type.Array(Type.String({ minLength: 1, maxLength: 20 }), { maxItems: 10 })),
  attachmentIds: Opt(Ids),
};

const STATUSES = ['draft', 'registered', 'shift_lead', 'intake_review', 'supplement', 'pending_dispatch', 'handling', 'return_review', 'difficult', 'result_review', 'callback', 'rework', 'appeal_review', 'archived'] as const;
const Status = OneOf(STATUSES);
const Box = OneOf(['mine', 'intake', 'dispatch', 'result_review', 'callback', 'appeal', 'returns', 'approvals'] as const);
const Filters = {
  keyword: Opt(Type.String({ maxLength: 50 })),
  status: Opt(Type.Array(Status, { maxItems: 14 })),
  channel: Opt(Channel),
  itemId: Opt(Id),
  regionCode: Opt(Type.String({ pattern: '^[0-9]{2,12}$' })),
  from: Opt(Type.String({ format: 'date-time' })),
  to: Opt(Type.String({ format: 'date-time' })),
  overdue: Opt(Type.Boolean()),
  enterpriseRelated: Opt(Type.Boolean()),
  supervised: Opt(Type.Boolean()),
  box: Opt(Box),
};

const Mode = Type.Union([Type.Literal('single'), Type.Literal('lead_assist'), Type.Literal('parallel')]);
const DispatchBody = Body({ mode: Mode, orgIds: Type.Array(Id, { minItems: 1, maxItems: 20 }), opinion: Opt(Type.String({ maxLength: 2000 })), deadlineAt: Opt(Type.String({ format: 'date-time' })), attachmentIds: Opt(Ids) });
const Opinion = Body({ opinion: Text(2000) });
const Unit = Type.Union([Type.Literal('workday'), Type.Literal('hour'), Type.Literal('natural_day')]);
const RequestBody = Body({
  reasonCode: Opt(Type.String({ maxLength: 64 })),
  reason: Text(2000),
  attachmentIds: Opt(Ids),
  amount: Opt(Type.Number({ exclusiveMinimum: 0, maximum: 365 })),
  unit: Opt(Unit),
  days: Opt(Type.Integer({ minimum: 1, maximum: 365 })),
  promiseUntil: Opt(Type.String({ format: 'date-time' })),
});

const READ = 'ticket:read';
const REGISTER = 'ticket:register';
const DISPATCH = 'ticket:dispatch';
const REVIEW = 'ticket:review';
const CALLBACK = 'ticket:callback';
const HANDLE = 'ticket:handle';

export async function ticketRoutes(app: App, deps: Deps): Promise<void> {
  await intakeRoutes(app, deps);
  await hotlineRoutes(app, deps);
  await taskRoutes(app, deps);
  await fileRoutes(app, deps);
}

async function intakeRoutes(app: App, deps: Deps): Promise<void> {
  app.get('/api/v1/tickets', { config: { permission: READ }, schema: { ...tags, querystring: Type.Object({ ...PageQuery, ...Filters }) } }, async (req) => query.listTickets(deps, req.actor!, req.query));
  app.post('/api/v1/tickets', { config: { permission: REGISTER, audit: 'ticket.register' }, schema: { ...tags, body: Body({ ...TicketFields, draft: Opt(Type.Boolean()) }) } }, async (req, reply) =>
    reply.code(201).send(await intake.createTicket(deps, req.actor!, req.body)),
  );
  app.get('/api/v1/tickets/:id', { config: { permission: READ }, schema: { ...tags, params: IdParams } }, async (req) => query.getTicket(deps, req.actor!, req.params.id));
  app.patch('/api/v1/tickets/:id', { config: { permission: [REGISTER, DISPATCH], audit: 'ticket.edit' }, schema: { ...tags, params: IdParams, body: Type.Partial(Body({ ...TicketFields, register: Type.Boolean() }), { additionalProperties: false }) } }, async (req) =>
    intake.editTicket(deps, req.actor!, req.params.id, req.body),
  );
  app.post('/api/v1/tickets/:id/copy', { config: { permission: REGISTER, audit: 'ticket.copy' }, schema: { ...tags, params: IdParams } }, async (req, reply) => reply.code(201).send(await intake.copyTicket(deps, req.actor!, req.params.id)));
  app.post('/api/v1/tickets/:id/escalate', { config: { permission: REGISTER, audit: 'ticket.escalate' }, schema: { ...tags, params: IdParams, body: Body({ opinion: Opt(Type.String({ maxLength: 2000 })) }) } }, async (req) =>
    intake.moveIntake(deps, req.actor!, req.params.id, 'escalate', req.body.opinion),
  );
  app.post('/api/v1/tickets/:id/send-to-review', { config: { permission: [REGISTER, DISPATCH], audit: 'ticket.send_to_review' }, schema: { ...tags, params: IdParams, body: Body({ opinion: Opt(Type.String({ maxLength: 2000 })) }) } }, async (req) =>
    intake.moveIntake(deps, req.actor!, req.params.id, 'send_to_review', req.body.opinion),
  );
  app.post('/api/v1/tickets/:id/return-for-supplement', { config: { permission: DISPATCH, audit: 'ticket.return_for_supplement' }, schema: { ...tags, params: IdParams, body: Opinion } }, async (req) =>
    intake.moveIntake(deps, req.actor!, req.params.id, 'return_for_supplement', req.body.opinion),
  );
  app.post('/api/v1/tickets/:id/approve-intake', { config: { permission: DISPATCH, audit: 'ticket.approve_intake' }, schema: { ...tags, params: IdParams, body: Body({ opinion: Opt(Type.String({ maxLength: 2000 })) }) } }, async (req) =>
    intake.moveIntake(deps, req.actor!, req.params.id, 'approve_intake', req.body.opinion),
  );
  app.post('/api/v1/tickets/:id/answer', { config: { permission: [REGISTER, DISPATCH], audit: 'ticket.direct_answer' }, schema: { ...tags, params: IdParams, body: Body({ answer: Text(5000), knowledgeIds: Opt(Type.Array(Id, { maxItems: 10 })) }) } }, async (req) =>
    intake.answerDirectly(deps, req.actor!, req.params.id, req.body),
  );
  app.post('/api/v1/tickets/:id/append', { config: { permission: REGISTER, audit: 'ticket.append' }, schema: { ...tags, params: IdParams, body: Body({ content: Text(5000), attachmentIds: Opt(Ids) }) } }, async (req) =>
    intake.appendToTicket(deps, req.actor!, req.params.id, req.body),
  );
  app.post('/api/v1/tickets/:id/urge', { config: { permission: REGISTER, audit: 'ticket.urge' }, schema: { ...tags, params: IdParams, body: Body({ content: Text(2000) }) } }, async (req) => intake.urgeTicket(deps, req.actor!, req.params.id, req.body));
  app.post('/api/v1/tickets/:id/withdraw', { config: { permission: REGISTER, audit: 'ticket.withdraw' }, schema: { ...tags, params: IdParams, body: Body({ reason: Text(2000) }) } }, async (req) =>
    intake.withdrawTicket(deps, req.actor!, req.params.id, req.body),
  );
  const PICKERS = [REGISTER, DISPATCH, REVIEW, HANDLE];
  app.get('/api/v1/tickets/targets', { config: { permission: PICKERS }, schema: tags }, async () => ({ items: await targets.targetRegions(deps) }));
  app.get('/api/v1/tickets/targets/units', { config: { permission: [DISPATCH, REVIEW, HANDLE] }, schema: { ...tags, querystring: Type.Object({ tenantId: Id }) } }, async (req) => ({
    items: await targets.targetUnits(deps, req.actor!, req.query.tenantId),
  }));
  // The registration page's map: tiles come from a configured service (none ships offline).
  app.get('/api/v1/tickets/map-config', { config: { permission: PICKERS }, schema: tags }, async () => ({
    tileUrl: String(await deps.params.get('system.mapTileUrl')),
    coordSystem: (await deps.params.get('system.mapCoordSystem')) === 'gcj02' ? 'gcj02' : 'wgs84',
  }));
  app.get('/api/v1/citizens/history', { config: { permission: REGISTER }, schema: { ...tags, querystring: Type.Object({ phone: Phone }) } }, async (req) => query.citizenHistory(deps, req.actor!, req.query.phone));
}

async function hotlineRoutes(app: App, deps: Deps): Promise<void> {
  app.post('/api/v1/tickets/:id/dispatch', { config: { permission: DISPATCH, audit: 'ticket.dispatch' }, schema: { ...tags, params: IdParams, body: DispatchBody } }, async (req) =>
    dispatch.dispatchTicket(deps, req.actor!, req.params.id, req.body),
  );
  app.post(
    '/api/v1/tickets/:id/review',
    { config: { permission: REVIEW, audit: 'ticket.review' }, schema: { ...tags, params: IdParams, body: Body({ approve: Type.Boolean(), opinion: Type.String({ maxLength: 2000 }), reply: Opt(Type.String({ maxLength: 5000 })), taskIds: Opt(Ids) }) } },
    async (req) => dispatch.reviewResult(deps, req.actor!, req.params.id, req.body),
  );
  const Rating = Nullable(Type.Integer({ minimum: 1, maximum: 5 }));
  app.post(
    '/api/v1/tickets/:id/callback',
    {
      config: { permission: CALLBACK, audit: 'ticket.callback' },
      schema: { ...tags, params: IdParams, body: Body({ result: Type.Union([Type.Literal('satisfied'), Type.Literal('dissatisfied'), Type.Literal('unreachable')]), handlingRating: Rating, serviceRating: Rating, comment: Nullable(Type.String({ maxLength: 2000 })), channel: Type.Union([Type.Literal('phone'), Type.Literal('sms'), Type.Literal('wechat'), Type.Literal('visit')]) }) },
    },
    async (req) => callbacks.recordCallback(deps, req.actor!, req.params.id, req.body),
  );
  app.post('/api/v1/tickets/:id/callback/robot', { config: { permission: CALLBACK, audit: 'ticket.callback.robot' }, schema: { ...tags, params: IdParams, body: Body({ utterance: Type.String({ maxLength: 1000 }) }) } }, async (req) =>
    callbacks.robotCallbackTurn(deps, req.actor!, req.params.id, req.body),
  );
  app.post('/api/v1/tickets/:id/redo', { config: { permission: CALLBACK, audit: 'ticket.redo' }, schema: { ...tags, params: IdParams, body: Body({ reason: Text(2000) }) } }, async (req, reply) =>
    reply.code(201).send(await callbacks.redoTicket(deps, req.actor!, req.params.id, req.body)),
  );
  app.post(
    '/api/v1/tickets/:id/supervise',
    { config: { permission: 'ticket:supervise', audit: 'ticket.supervise' }, schema: { ...tags, params: IdParams, body: Body({ level: OneOf(['county', 'city', 'region'] as const), requirement: Text(500), reason: Text(500), taskId: Opt(Id), ownerId: Opt(Id) }) } },
    async (req, reply) => reply.code(201).send(await supervision.superviseTicket(deps, req.actor!, req.params.id, req.body)),
  );
  app.post(
    '/api/v1/ticket-requests/:id/decide',
    {
      config: { permission: [REVIEW, DISPATCH, HANDLE, 'ticket:handle:approve'], audit: 'ticket.request.decide' },
      schema: { ...tags, params: IdParams, body: Body({ approve: Type.Boolean(), opinion: Type.String({ maxLength: 2000 }), redispatch: Opt(Body({ mode: Mode, orgIds: Type.Array(Id, { minItems: 1, maxItems: 20 }) })), toDifficultPool: Opt(Type.Boolean()) }) },
    },
    async (req) => requests.decideRequest(deps, req.actor!, req.params.id, req.body),
  );
  app.get('/api/v1/supervisions', { config: { permission: READ }, schema: { ...tags, querystring: Type.Object({ ...PageQuery, status: Opt(Type.Union([Type.Literal('open'), Type.Literal('responded'), Type.Literal('closed')])), kind: Opt(Type.Union([Type.Literal('warning'), Type.Literal('supervision')])) }) } }, async (req) =>
    supervision.listSupervisions(deps, req.actor!, req.query),
  );
  app.post('/api/v1/supervisions/:id/reply', { config: { permission: HANDLE, audit: 'ticket.supervision.reply' }, schema: { ...tags, params: IdParams, body: Body({ reply: Text(2000) }) } }, async (req) =>
    supervision.replySupervision(deps, req.actor!, req.params.id, req.body),
  );
  app.post('/api/v1/supervisions/:id/close', { config: { permission: 'ticket:supervise', audit: 'ticket.supervision.close' }, schema: { ...tags, params: IdParams, body: Opinion } }, async (req) =>
    supervision.closeSupervision(deps, req.actor!, req.params.id, req.body),
  );
  app.post('/api/v1/tickets/export', { config: { permission: 'ticket:export' }, schema: { ...tags, body: Body({ ...Filters, columns: Opt(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 20 })) }) } }, async (req, reply) =>
    sendXlsx(reply, `工单导出-${deps.clock.now().toISOString().slice(0, 10)}.xlsx`, await query.exportTickets(deps, req.actor!, req.body)),
  );
  app.get('/api/v1/tickets/:id/timeline.xlsx', { config: { permission: READ }, schema: { ...tags, params: IdParams } }, async (req, reply) => {
    const { file, no } = await query.exportTimeline(deps, req.actor!, req.params.id);
    return sendXlsx(reply, `工单${no}操作日志.xlsx`, file);
  });
}

async function taskRoutes(app: App, deps: Deps): Promise<void> {
  const TaskBox = OneOf(['sign', 'handling', 'returned_to_me', 'done', 'all', 'approvals'] as const);
  app.get('/api/v1/ticket-tasks', { config: { permission: HANDLE }, schema: { ...tags, querystring: Type.Object({ ...PageQuery, box: Opt(TaskBox), keyword: Opt(Type.String({ maxLength: 50 })) }) } }, async (req) =>
    query.listTasks(deps, req.actor!, req.query),
  );
  app.post('/api/v1/ticket-tasks/:id/sign', { config: { permission: HANDLE, audit: 'ticket.task.sign' }, schema: { ...tags, params: IdParams } }, async (req) => dispatch.signTask(deps, req.actor!, req.params.id));
  app.post('/api/v1/ticket-tasks/:id/sub-assign', { config: { permission: HANDLE, audit: 'ticket.task.sub_assign' }, schema: { ...tags, params: IdParams, body: Body({ ...DispatchBody.properties, handlerId: Opt(Id) }) } }, async (req) =>
    dispatch.subAssign(deps, req.actor!, req.params.id, req.body),
  );
  app.post(
    '/api/v1/ticket-tasks/:id/report',
    { config: { permission: HANDLE, audit: 'ticket.task.report' }, schema: { ...tags, params: IdParams, body: Body({ result: Type.String({ maxLength: 5000 }), basis: Opt(Type.String({ maxLength: 2000 })), method: Opt(Type.String({ maxLength: 64 })), attachmentIds: Opt(Ids), reuseTaskId: Opt(Id) }) } },
    async (req) => {
      if (!req.body.result.trim() && !req.body.reuseTaskId) throw invalid('请填写处置结果', [{ path: '/result', message: '请填写处置结果' }]);
      return dispatch.reportResult(deps, req.actor!, req.params.id, req.body);
    },
  );
  for (const [path, kind] of [
    ['return', 'return'],
    ['extension', 'extension'],
    ['suspension', 'suspension'],
    ['resume', 'resume'],
    ['difficult', 'difficult'],
    ['appeal', 'appeal'],
  ] as const) {
    app.post(`/api/v1/ticket-tasks/:id/${path}`, { config: { permission: HANDLE, audit: `ticket.request.${kind}` }, schema: { ...tags, params: IdParams, body: RequestBody } }, async (req, reply) =>
      reply.code(201).send(await requests.createRequest(deps, req.actor!, req.params.id, kind, req.body)),
    );
  }
}

async function fileRoutes(app: App, deps: Deps): Promise<void> {
  app.post(
    '/api/v1/tickets/attachments',
    {
      config: { permission: [REGISTER, HANDLE, DISPATCH, REVIEW, CALLBACK], audit: 'ticket.attachment.upload' },
      schema: { ...tags, querystring: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), mime: Type.String({ minLength: 3, maxLength: 120 }) }) },
    },
    async (req, reply) => reply.code(201).send(await attachments.uploadAttachment(deps, req.actor!, { name: req.query.name, mime: req.query.mime, content: req.body as Buffer })),
  );
  app.get('/api/v1/tickets/attachments/:id', { config: { permission: READ }, schema: { ...tags, params: IdParams } }, async (req, reply) => {
    const a = await attachments.downloadAttachment(deps, req.actor!, req.params.id);
    return reply.type(a.mime).header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(a.name)}`).send(a.content);
  });
}

function sendXlsx(reply: FastifyReply, fileName: string, file: Buffer) {
  return reply.type(XLSX_MIME).header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`).send(file);
}
