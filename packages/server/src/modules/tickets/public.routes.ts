import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { invalid } from '../../platform/errors.js';
import { Body, Id, OneOf } from '../../platform/http/schemas.js';
import * as api from './intake-api.service.js';
import * as callbacks from './callback.service.js';

const tags = { tags: ['公众与外部接口'] };
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });
const Phone = Type.String({ pattern: '^1[3-9][0-9]{9}$' });
const TicketNo = Type.String({ pattern: '^XJ[0-9]{14}$' });
const Rating = Type.Integer({ minimum: 1, maximum: 5 });
// Citizens are anonymous: a per-address budget keeps the H5 endpoints from being a free oracle.


export async function publicTicketRoutes(app: App, deps: Deps): Promise<void> {
  const limited = (share: number) => ({ public: true, rateLimit: { max: async () => Math.max(1, Math.round((await deps.params.int('security.publicRateLimitPerMinute')) * share)), timeWindow: 60_000 } });
  app.post('/api/v1/public/tickets', { config: limited(0.5), schema: { ...tags, body: Body({ title: Text(200), content: Text(5000), name: Text(50), phone: Phone, regionCode: Type.Optional(Type.String({ pattern: '^[0-9]{2,12}$' })), address: Type.Optional(Type.String({ maxLength: 300 })), kind: Type.Optional(OneOf(['consult', 'help', 'complaint', 'report', 'suggest', 'praise'] as const)) }) } }, async (req, reply) =>
    reply.code(201).send(await api.citizenSubmit(deps, req.body)),
  );
  app.post('/api/v1/public/tickets/query', { config: limited(1), schema: { ...tags, body: Body({ no: TicketNo, phone: Phone }) } }, async (req) => api.citizenQuery(deps, req.body.no, req.body.phone));
  app.post('/api/v1/public/tickets/evaluate', { config: limited(0.5), schema: { ...tags, body: Body({ no: TicketNo, phone: Phone, handlingRating: Rating, serviceRating: Rating, comment: Type.Optional(Type.String({ maxLength: 1000 })) }) } }, async (req) =>
    api.citizenEvaluate(deps, req.body),
  );
  const Token = Type.Object({ token: Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$' }) });
  app.get('/api/v1/public/evaluations/:token', { config: limited(1), schema: { ...tags, params: Token } }, async (req) => callbacks.evaluationView(deps, req.params.token));
  app.post('/api/v1/public/evaluations/:token', { config: limited(0.5), schema: { ...tags, params: Token, body: Body({ handlingRating: Rating, serviceRating: Rating, comment: Type.Optional(Type.String({ maxLength: 1000 })) }) } }, async (req) =>
    callbacks.evaluateByToken(deps, req.params.token, req.body),
  );

  app.get('/api/v1/tickets/intake-clients', { config: { permission: 'ticket:config' }, schema: tags }, async (req) => api.listIntakeClients(deps, req.actor!));
  app.post('/api/v1/tickets/intake-clients', { config: { permission: 'ticket:config', audit: 'ticket.intake_client.create' }, schema: { ...tags, body: Body({ code: Type.String({ pattern: '^[A-Za-z0-9_-]{2,32}$' }), name: Text(100), orgId: Id }) } }, async (req, reply) =>
    reply.code(201).send(await api.createIntakeClient(deps, req.actor!, req.body)),
  );

  // The partner API signs the exact bytes it sends, so this route keeps the raw body.
  await app.register(async (signed) => {
    signed.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 256 * 1024 }, (req, body, done) => {
      (req as unknown as { rawBody: string }).rawBody = body as string;
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(invalid('请求体不是有效的JSON'), undefined);
      }
    });
    signed.post(
      '/api/v1/intake/tickets',
      {
        config: { public: true },
        schema: {
          ...tags,
          body: Body({
            externalId: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' }),
            title: Text(200),
            content: Text(20_000),
            kind: Type.Optional(Type.String({ maxLength: 32 })),
            itemId: Type.Optional(Id),
            urgency: Type.Optional(OneOf(['normal', 'urgent', 'critical'] as const)),
            citizen: Type.Optional(Body({ name: Type.Optional(Type.String({ maxLength: 50 })), phone: Type.Optional(Type.String({ pattern: '^[0-9+\\- ]{5,20}$' })) })),
            regionCode: Type.Optional(Type.String({ pattern: '^[0-9]{2,12}$' })),
            address: Type.Optional(Type.String({ maxLength: 300 })),
          }),
        },
      },
      async (req, reply) => {
        const h = req.headers;
        const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
        const result = await api.partnerIntake(deps, { client: one(h['x-client']), timestamp: one(h['x-timestamp']), nonce: one(h['x-nonce']), signature: one(h['x-signature']), rawBody: (req as unknown as { rawBody: string }).rawBody ?? "" }, req.body as api.PartnerTicket);
        return reply.code(result.duplicate ? 200 : 201).send(result);
      },
    );
  });
}
