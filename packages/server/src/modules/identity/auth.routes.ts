import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { Body, Id, IdParams, Ok, PageQuery } from '../../platform/http/schemas.js';
import { buildMenuTree } from './menus.js';
import { enabledFor } from './tenant.service.js';
import { getUser } from './user.service.js';
import * as auth from './auth.service.js';

export const metaOf = (req: FastifyRequest): auth.RequestMeta => ({ ip: req.ip, userAgent: String(req.headers['user-agent'] ?? '').slice(0, 500) });

const Credential = Type.String({ minLength: 1, maxLength: 128 });
const Code = Type.String({ minLength: 6, maxLength: 20 });
const tags = { tags: ['认证与会话'] };

export async function authRoutes(app: App, deps: Deps): Promise<void> {
  app.post(
    '/api/v1/auth/login',
    {
      config: {
        public: true,
        rateLimit: { max: () => deps.params.int('security.loginRateLimitPerMinute'), timeWindow: 60_000 },
      },
      schema: { ...tags, body: Body({ username: Type.String({ minLength: 1, maxLength: 100 }), password: Credential }) },
    },
    async (req) => auth.login(deps, req.body, metaOf(req)),
  );
  app.post(
    '/api/v1/auth/mfa',
    {
      config: { public: true, rateLimit: { max: () => deps.params.int('security.loginRateLimitPerMinute'), timeWindow: 60_000 } },
      schema: { ...tags, body: Body({ mfaToken: Type.String({ minLength: 10, maxLength: 100 }), code: Code }) },
    },
    async (req) => auth.verifyMfa(deps, req.body, metaOf(req)),
  );
  app.post('/api/v1/auth/logout', { config: { allowRestricted: true }, schema: { ...tags, response: { 200: Ok } } }, async (req) => {
    await auth.logout(deps, req.actor!);
    return { ok: true };
  });

  app.get('/api/v1/me', { config: { allowRestricted: true }, schema: tags }, async (req) => {
    const actor = req.actor!;
    const user = await getUser(deps, { ...actor, dataScope: 'self' }, actor.userId);
    const enabled = await enabledFor(deps.db, actor.tenantId);
    return {
      user: { ...user, permissions: [...actor.permissions].sort(), adminType: actor.adminType, dataScope: actor.dataScope },
      restriction: actor.restriction ?? null,
      menus: actor.restriction ? [] : buildMenuTree(enabled.menus, enabled.products, actor.permissions),
    };
  });
  app.post(
    '/api/v1/me/password',
    { config: { allowRestricted: true, audit: 'user.change-password' }, schema: { ...tags, body: Body({ oldPassword: Credential, newPassword: Credential }), response: { 200: Ok } } },
    async (req) => {
      await auth.changePassword(deps, req.actor!, req.body);
      return { ok: true };
    },
  );
  app.post('/api/v1/me/mfa/enroll', { config: { allowRestricted: true, audit: 'mfa.enroll-start' }, schema: tags }, async (req) => auth.startMfaEnrollment(deps, req.actor!));
  app.post('/api/v1/me/mfa/activate', { config: { allowRestricted: true, audit: 'mfa.enable' }, schema: { ...tags, body: Body({ code: Code }) } }, async (req) =>
    auth.activateMfa(deps, req.actor!, req.body.code),
  );
  app.post('/api/v1/me/mfa/disable', { config: { audit: 'mfa.disable' }, schema: { ...tags, body: Body({ code: Code }), response: { 200: Ok } } }, async (req) => {
    await auth.disableMfa(deps, req.actor!, req.body.code);
    return { ok: true };
  });
  app.get('/api/v1/me/sessions', { config: { allowRestricted: true }, schema: tags }, async (req) => ({ items: await auth.listMySessions(deps, req.actor!) }));
  app.delete('/api/v1/me/sessions/:id', { config: { allowRestricted: true, audit: 'session.revoke' }, schema: { ...tags, params: IdParams, response: { 200: Ok } } }, async (req) => {
    await auth.revokeSession(deps, req.actor!, req.params.id, false);
    return { ok: true };
  });

  app.get(
    '/api/v1/sessions',
    { config: { permission: 'security:session:read' }, schema: { ...tags, querystring: Type.Object({ ...PageQuery, userId: Type.Optional(Id) }) } },
    async (req) => auth.listSessions(deps, req.actor!, { userId: req.query.userId, page: req.query.page ?? 1, pageSize: req.query.pageSize ?? 20 }),
  );
  app.delete('/api/v1/sessions/:id', { config: { permission: 'security:session:revoke', audit: 'session.revoke' }, schema: { ...tags, params: IdParams, response: { 200: Ok } } }, async (req) => {
    await auth.revokeSession(deps, req.actor!, req.params.id, true);
    return { ok: true };
  });
}
