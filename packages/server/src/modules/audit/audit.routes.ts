import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { PageQuery } from '../../platform/http/schemas.js';
import * as audit from './audit.service.js';

const DateTime = Type.String({ format: 'date-time' });
const AuditFilters = {
  actor: Type.Optional(Type.String({ maxLength: 100 })),
  action: Type.Optional(Type.String({ maxLength: 100 })),
  targetType: Type.Optional(Type.String({ maxLength: 50 })),
  targetId: Type.Optional(Type.String({ maxLength: 100 })),
  result: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure')])),
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
};
const tags = { tags: ['安全审计'] };

export async function auditRoutes(app: App, deps: Deps): Promise<void> {
  app.get('/api/v1/audit/logs', { config: { permission: 'audit:log:read' }, schema: { ...tags, querystring: Type.Object({ ...PageQuery, ...AuditFilters }) } }, async (req) =>
    audit.searchAudit(deps, req.actor!, req.query),
  );
  app.get('/api/v1/audit/logs/export', { config: { permission: 'audit:log:export' }, schema: { ...tags, querystring: Type.Object(AuditFilters) } }, async (req, reply) => {
    const file = await audit.exportAudit(deps, req.actor!, req.query);
    const name = encodeURIComponent(`审计日志-${deps.clock.now().toISOString().slice(0, 10)}.xlsx`);
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename*=UTF-8''${name}`)
      .send(file);
  });
  app.post('/api/v1/audit/verify', { config: { permission: 'audit:log:verify' }, schema: tags }, async () => audit.verifyChain(deps));
  app.get(
    '/api/v1/audit/login-logs',
    {
      config: { permission: 'audit:login-log:read' },
      schema: { ...tags, querystring: Type.Object({ ...PageQuery, username: Type.Optional(Type.String({ maxLength: 100 })), result: AuditFilters.result, from: AuditFilters.from, to: AuditFilters.to }) },
    },
    async (req) => audit.searchLoginLogs(deps, req.actor!, req.query),
  );
  app.get(
    '/api/v1/audit/access-logs',
    {
      config: { permission: 'audit:access-log:read' },
      schema: { ...tags, querystring: Type.Object({ ...PageQuery, username: Type.Optional(Type.String({ maxLength: 100 })), module: Type.Optional(Type.String({ maxLength: 50 })), from: AuditFilters.from, to: AuditFilters.to }) },
    },
    async (req) => audit.searchAccessLogs(deps, req.actor!, req.query),
  );
}
