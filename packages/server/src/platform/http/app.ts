import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import { sql } from 'kysely';
import client from 'prom-client';
import type { Actor, Deps } from '../context.js';
import { auditActorOf } from '../context.js';
import { AppError, forbidden, unauthenticated } from '../errors.js';
import { recordAudit } from '../audit/audit.js';
import { AccessLogWriter } from './access-log.js';
import { sendProblem, toProblem } from './problem.js';
import { validatorCompiler } from './validation.js';
import { XLSX_MIME } from '../excel/sheet.js';
import { productsForPath } from '../products.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No session needed (login, health). */
    public?: boolean;
    /** The caller needs at least one of these permissions. */
    permission?: string | string[];
    /** Audit action name, also used for failed attempts. */
    audit?: string;
    /** Reachable while the session is restricted (forced password change, MFA enrolment). */
    allowRestricted?: boolean;
  }
  interface FastifyRequest {
    actor?: Actor;
  }
}

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  import('fastify').FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export type Authenticate = (token: string, req: FastifyRequest) => Promise<Actor>;

export interface HttpOptions {
  deps: Deps;
  authenticate: Authenticate;
  logger?: boolean;
  registerRoutes: (app: App) => Promise<void>;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function bearerToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const q = (req.query as Record<string, unknown> | undefined)?.token;
  return typeof q === 'string' && req.url.startsWith('/api/v1/ws') ? q : undefined;
}

export async function buildHttpApp(opts: HttpOptions): Promise<App> {
  const { deps } = opts;
  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: deps.config.logLevel,
            redact: ['req.headers.authorization'],
            // The WebSocket handshake carries the session token in the query string; keep it out of logs.
            serializers: { req: (req: FastifyRequest) => ({ method: req.method, url: req.url.replace(/([?&]token=)[^&]*/, '$1***'), ip: req.ip }) },
          },
    bodyLimit: 1024 * 1024,
    trustProxy: deps.config.trustProxy.length ? deps.config.trustProxy : false,
    ajv: { customOptions: { removeAdditional: false } },
    // Reject path traversal and oversize ids early; Fastify answers 414 for very long URLs.
    routerOptions: { maxParamLength: 200 },
    // Bad percent-encoding and over-long ids are answered by the router itself; keep them problem+json.
    frameworkErrors: (err, req, reply) => sendProblem(reply, toProblem(err, req)),
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  // Excel uploads arrive as the raw file body (no multipart needed); 10 MiB covers 20k rows.
  app.addContentTypeParser(XLSX_MIME, { parseAs: 'buffer', bodyLimit: 10 * 1024 * 1024 }, (_req, body, done) => done(null, body));
  // Attachments arrive as raw bytes; their name and type travel in the query string.
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: 10 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  const metrics = setupMetrics();
  const accessLog = new AccessLogWriter(deps.db, (err) => app.log.error({ err }, 'access log write failed'));
  app.addHook('onClose', () => accessLog.close());

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: '12345 政务服务便民热线综合管理平台 API', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  await app.register(rateLimit, { global: false });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  app.setErrorHandler((err, req, reply) => {
    const problem = toProblem(err, req);
    if (problem.status >= 500) req.log.error({ err }, 'unhandled error');
    return sendProblem(reply, problem);
  });

  app.addHook('onRequest', async (req) => {
    (req as FastifyRequest & { startedAt?: bigint }).startedAt = process.hrtime.bigint();
  });

  // Authenticate on arrival, before the body is read and validated: anonymous callers are refused
  // without parsing their payload, and a rejected write is audited under the real caller's name.
  app.addHook('onRequest', async (req) => {
    const cfg = req.routeOptions.config;
    if (!req.url.startsWith('/api/v1') || cfg.public) return;
    const token = bearerToken(req);
    if (!token) throw unauthenticated();
    req.actor = await opts.authenticate(token, req);
    if (req.actor.restriction && !cfg.allowRestricted) {
      throw req.actor.restriction === 'password-change'
        ? new AppError('AUTH_PASSWORD_CHANGE_REQUIRED', '密码已过期或为初始密码，请先修改密码', 403)
        : new AppError('AUTH_MFA_ENROLL_REQUIRED', '您的角色要求启用双因素认证，请先完成绑定', 403);
    }
    const needed = cfg.permission === undefined ? [] : Array.isArray(cfg.permission) ? cfg.permission : [cfg.permission];
    if (needed.length > 0 && !needed.some((p) => req.actor!.permissions.has(p))) throw forbidden();
    const products = productsForPath(req.routeOptions.url ?? '');
    if (products && !products.some((p) => req.actor!.products?.has(p))) throw forbidden('本租户未开通该功能，请联系上级管理员');
  });

  app.addHook('onResponse', async (req, reply) => {
    const started = (req as FastifyRequest & { startedAt?: bigint }).startedAt ?? process.hrtime.bigint();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.duration.observe({ method: req.method, route, status: String(reply.statusCode) }, ms / 1000);
    if (!req.url.startsWith('/api/v1')) return;
    accessLog.add({
      at: deps.clock.now(),
      tenant_id: req.actor?.tenantId ?? null,
      user_id: req.actor?.userId ?? null,
      username: req.actor?.username ?? null,
      method: req.method,
      path: req.url.split('?')[0]!.slice(0, 300),
      module: route.split('/')[3] ?? '',
      status: reply.statusCode,
      ip: req.ip,
      duration_ms: Math.round(ms),
    });
    if (MUTATING.has(req.method) && reply.statusCode >= 400 && req.routeOptions.config.audit && reply.statusCode !== 401) {
      await recordFailure(deps, req, reply.statusCode).catch((err: unknown) => req.log.error({ err }, 'failure audit failed'));
    }
  });

  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
    try {
      await sql`select 1`.execute(deps.db);
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  await opts.registerRoutes(app);
  await serveWeb(app, deps.config.webDist);
  return app;
}

async function recordFailure(deps: Deps, req: FastifyRequest, status: number): Promise<void> {
  const actor = req.actor
    ? auditActorOf(req.actor)
    : { userId: null, name: '匿名', tenantId: null, ip: req.ip, userAgent: req.headers['user-agent'] ?? '' };
  const params = req.params as Record<string, unknown> | undefined;
  await deps.db.transaction().execute((trx) =>
    recordAudit(trx, deps.clock, actor, {
      action: req.routeOptions.config.audit!,
      targetType: req.routeOptions.config.audit!.split('.')[0] ?? 'unknown',
      // An id that failed validation may hold a NUL or a lone surrogate, which the database refuses.
      targetId: typeof params?.id === 'string' ? params.id.slice(0, 100).replace(/[\u0000\uD800-\uDFFF]/g, '\uFFFD') : '',
      detail: { status, path: req.url.split('?')[0] },
      result: 'failure',
    }),
  );
}

function setupMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return { registry, duration };
}

/** The built SPA is served at '/', with index.html for client-side routes. */
async function serveWeb(app: App, dist: string): Promise<void> {
  const index = join(dist, 'index.html');
  const hasWeb = existsSync(index);
  // wildcard: files are looked up per request, so a rebuilt SPA is served without a restart.
  if (hasWeb) await app.register(fastifyStatic, { root: dist, wildcard: true });
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api') || req.method !== 'GET' || !hasWeb) {
      return sendProblem(reply, toProblem(new AppError('NOT_FOUND', '请求的地址不存在', 404), req));
    }
    return reply.type('text/html; charset=utf-8').send(readFileSync(index));
  });
}
