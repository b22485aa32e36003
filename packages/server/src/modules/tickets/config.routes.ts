import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { Body, Id, IdParams, OneOf } from '../../platform/http/schemas.js';
import * as sla from './sla.service.js';
import * as config from './config.service.js';

const tags = { tags: ['工单配置'] };
const CONFIG = 'ticket:config';
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });
const Opt = Type.Optional;

const Rule = Type.Object(
  {
    name: Text(100),
    kind: Type.Union([Type.Literal('warning'), Type.Literal('supervision')]),
    trigger: Type.Union([Type.Literal('near_due'), Type.Literal('overdue'), Type.Literal('returns'), Type.Literal('complaints')]),
    threshold: Type.Number({ minimum: 0, maximum: 10_000 }),
    level: Opt(OneOf(['county', 'city', 'region'] as const)),
    requirement: Opt(Type.String({ maxLength: 500 })),
    channels: Opt(Type.Array(Type.Union([Type.Literal('inapp'), Type.Literal('sms')]), { maxItems: 2 })),
    itemId: Opt(Type.Union([Id, Type.Null()])),
    regionCode: Opt(Type.Union([Type.String({ pattern: '^[0-9]{2,12}$' }), Type.Null()])),
    ownerId: Opt(Type.Union([Id, Type.Null()])),
  },
  { additionalProperties: false },
);

const Step = Body({ by: Type.Union([Type.Literal('unit_leader'), Type.Literal('assigner'), Type.Literal('hotline')]), label: Text(50) });
const Steps = Type.Array(Step, { minItems: 1, maxItems: 5 });
const Mode = OneOf(['manual', 'sms', 'robot', 'none'] as const);
const Policy = Type.Partial(
  Body({
    callbackMode: Mode,
    itemCallbackModes: Type.Record(Id, Mode),
    callbackHours: Type.Integer({ minimum: 1, maximum: 720 }),
    unansweredResult: Type.Union([Type.Literal('satisfied'), Type.Literal('unreachable')]),
    resultSmsToCitizen: Type.Boolean(),
    approvals: Type.Partial(Body({ extension: Steps, suspension: Steps, resume: Steps, difficult: Steps, appeal: Steps, tracking: Steps }), { additionalProperties: false }),
    suspensionReasons: Type.Array(Body({ code: Type.String({ pattern: '^[a-z0-9-]{1,32}$' }), name: Text(50), maxDays: Type.Integer({ minimum: 1, maximum: 365 }), promise: Type.Boolean() }), { maxItems: 20 }),
    returnReasons: Type.Array(Body({ code: Type.String({ pattern: '^[a-z0-9-]{1,32}$' }), name: Text(50) }), { maxItems: 20 }),
  }),
  { additionalProperties: false },
);

export async function ticketConfigRoutes(app: App, deps: Deps): Promise<void> {
  app.get('/api/v1/sla-rules', { config: { permission: CONFIG }, schema: tags }, async (req) => sla.listRules(deps, req.actor!));
  app.post('/api/v1/sla-rules', { config: { permission: CONFIG, audit: 'sla_rule.create' }, schema: { ...tags, body: Rule } }, async (req, reply) => reply.code(201).send(await sla.saveRule(deps, req.actor!, null, req.body)));
  app.put('/api/v1/sla-rules/:id', { config: { permission: CONFIG, audit: 'sla_rule.update' }, schema: { ...tags, params: IdParams, body: Rule } }, async (req) => sla.saveRule(deps, req.actor!, req.params.id, req.body));
  app.post('/api/v1/sla-rules/:id/dry-run', { config: { permission: CONFIG, audit: 'sla_rule.dry_run' }, schema: { ...tags, params: IdParams } }, async (req) => sla.dryRunRule(deps, req.actor!, req.params.id));
  app.post('/api/v1/sla-rules/:id/activate', { config: { permission: CONFIG, audit: 'sla_rule.activate' }, schema: { ...tags, params: IdParams } }, async (req) => sla.setRuleActive(deps, req.actor!, req.params.id, true));
  app.post('/api/v1/sla-rules/:id/deactivate', { config: { permission: CONFIG, audit: 'sla_rule.deactivate' }, schema: { ...tags, params: IdParams } }, async (req) => sla.setRuleActive(deps, req.actor!, req.params.id, false));
  app.delete('/api/v1/sla-rules/:id', { config: { permission: CONFIG, audit: 'sla_rule.delete' }, schema: { ...tags, params: IdParams } }, async (req) => sla.deleteRule(deps, req.actor!, req.params.id));
  app.get('/api/v1/ticket-config/policy', { config: { permission: ['ticket:read', CONFIG] }, schema: tags }, async (req) => config.getPolicy(deps, req.actor!));
  app.put('/api/v1/ticket-config/policy', { config: { permission: CONFIG, audit: 'ticket.policy.update' }, schema: { ...tags, body: Policy } }, async (req) => config.savePolicy(deps, req.actor!, req.body));
  app.get('/api/v1/ticket-config/calendar', { config: { permission: ['ticket:read', CONFIG] }, schema: { ...tags, querystring: Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) }) } }, async (req) =>
    config.listCalendar(deps, req.actor!, req.query.year),
  );
  app.put(
    '/api/v1/ticket-config/calendar',
    { config: { permission: CONFIG, audit: 'ticket.calendar.set' }, schema: { ...tags, body: Body({ date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), kind: Type.Union([Type.Literal('holiday'), Type.Literal('workday'), Type.Literal('default')]), name: Opt(Type.String({ maxLength: 50 })) }) } },
    async (req) => config.setCalendarDay(deps, req.actor!, req.body),
  );
}
