import { Type } from '@sinclair/typebox';
import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import { Body, Code, Id, IdParams, Name, Ok, PageQuery } from '../../platform/http/schemas.js';
import { PERMISSIONS } from './permissions.js';
import * as tenants from './tenant.service.js';
import * as orgs from './org.service.js';
import * as users from './user.service.js';
import * as roles from './role.service.js';

const TenantKind = Type.Union([Type.Literal('region'), Type.Literal('xpcc'), Type.Literal('partner'), Type.Literal('enterprise')]);
const DataScope = Type.Union([
  Type.Literal('self'),
  Type.Literal('org'),
  Type.Literal('org_subtree'),
  Type.Literal('tenant'),
  Type.Literal('tenant_subtree'),
  Type.Literal('all'),
]);
const OrgKind = Type.Union([Type.Literal('department'), Type.Literal('team')]);
const Password = Type.String({ minLength: 1, maxLength: 128 });
const Phone = Type.String({ pattern: '^[0-9+\\- ]{5,20}$' });
const TenantNodeRef = Type.Recursive((self) =>
  Type.Object({ id: Type.String(), code: Type.String(), name: Type.String(), kind: Type.String(), level: Type.Integer(), parentId: Type.Union([Type.String(), Type.Null()]), status: Type.String(), children: Type.Array(self) }),
);
const tags = (t: string) => ({ tags: [t] });

export async function identityRoutes(app: App, deps: Deps): Promise<void> {
  // ---- tenants ----
  app.get('/api/v1/tenants/tree', { config: { permission: ['identity:tenant:read', 'identity:user:grant', 'audit:log:read'] }, schema: { ...tags('租户'), response: { 200: Type.Array(TenantNodeRef) } } }, async (req) =>
    tenants.tenantTree(deps, req.actor!),
  );
  app.get('/api/v1/tenants/:id', { config: { permission: 'identity:tenant:read' }, schema: { ...tags('租户'), params: IdParams } }, async (req) => {
    const t = await tenants.loadVisibleTenant(deps.db, req.actor!, req.params.id);
    return { id: t.id, code: t.code, name: t.name, kind: t.kind, level: t.level, parentId: t.parent_id, status: t.status, createdAt: t.created_at };
  });
  app.post(
    '/api/v1/tenants',
    { config: { permission: 'identity:tenant:write', audit: 'tenant.create' }, schema: { ...tags('租户'), body: Body({ parentId: Id, code: Code, name: Name, kind: TenantKind }) } },
    async (req, reply) => {
      const t = await tenants.createTenant(deps, req.actor!, req.body);
      return reply.code(201).send({ id: t.id, code: t.code, name: t.name, kind: t.kind, level: t.level, parentId: t.parent_id, status: t.status });
    },
  );
  app.patch(
    '/api/v1/tenants/:id',
    { config: { permission: 'identity:tenant:write', audit: 'tenant.update' }, schema: { ...tags('租户'), params: IdParams, body: Body({ name: Type.Optional(Name), status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])) }) } },
    async (req) => {
      const t = await tenants.updateTenant(deps, req.actor!, req.params.id, req.body);
      return { id: t.id, code: t.code, name: t.name, kind: t.kind, level: t.level, parentId: t.parent_id, status: t.status };
    },
  );
  app.get('/api/v1/tenants/:id/products', { config: { permission: 'identity:tenant:read' }, schema: { ...tags('租户'), params: IdParams } }, async (req) =>
    tenants.getProductConfig(deps, req.actor!, req.params.id),
  );
  app.put(
    '/api/v1/tenants/:id/products',
    {
      config: { permission: 'identity:tenant:write', audit: 'tenant.products.update' },
      schema: { ...tags('租户'), params: IdParams, body: Body({ products: Type.Array(Code, { maxItems: 100 }), menus: Type.Array(Code, { maxItems: 500 }) }) },
    },
    async (req) => tenants.setProductConfig(deps, req.actor!, req.params.id, req.body),
  );
  app.post(
    '/api/v1/tenants/:id/import-townships',
    { config: { permission: 'identity:tenant:write', audit: 'tenant.import-townships' }, schema: { ...tags('租户'), params: IdParams } },
    async (req) => tenants.importTownships(deps, req.actor!, req.params.id),
  );

  // ---- orgs ----
  app.get('/api/v1/orgs/tree', { config: { permission: ['identity:org:read', 'identity:user:grant'] }, schema: { ...tags('组织机构'), querystring: Type.Object({ tenantId: Id }) } }, async (req) =>
    orgs.orgTree(deps, req.actor!, req.query.tenantId),
  );
  app.post(
    '/api/v1/orgs',
    { config: { permission: 'identity:org:write', audit: 'org.create' }, schema: { ...tags('组织机构'), body: Body({ tenantId: Id, parentId: Type.Optional(Id), code: Code, name: Name, kind: OrgKind }) } },
    async (req, reply) => {
      const o = await orgs.createOrg(deps, req.actor!, req.body);
      return reply.code(201).send({ id: o.id, tenantId: o.tenant_id, parentId: o.parent_id, code: o.code, name: o.name, kind: o.kind });
    },
  );
  app.patch(
    '/api/v1/orgs/:id',
    { config: { permission: 'identity:org:write', audit: 'org.update' }, schema: { ...tags('组织机构'), params: IdParams, body: Body({ name: Type.Optional(Name), code: Type.Optional(Code) }) } },
    async (req) => {
      const o = await orgs.updateOrg(deps, req.actor!, req.params.id, req.body);
      return { id: o.id, tenantId: o.tenant_id, parentId: o.parent_id, code: o.code, name: o.name, kind: o.kind };
    },
  );
  app.delete('/api/v1/orgs/:id', { config: { permission: 'identity:org:write', audit: 'org.delete' }, schema: { ...tags('组织机构'), params: IdParams } }, async (req) => {
    await orgs.deleteOrg(deps, req.actor!, req.params.id);
    return { ok: true };
  });

  // ---- users ----
  const UserQuery = Type.Object({
    ...PageQuery,
    tenantId: Type.Optional(Id),
    orgId: Type.Optional(Id),
    keyword: Type.Optional(Type.String({ maxLength: 50 })),
    phone: Type.Optional(Phone),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled'), Type.Literal('locked')])),
    sort: Type.Optional(Type.Union([Type.Literal('username'), Type.Literal('displayName'), Type.Literal('createdAt'), Type.Literal('lastLoginAt')])),
  });
  app.get('/api/v1/users', { config: { permission: ['identity:user:read', 'identity:user:grant'] }, schema: { ...tags('用户'), querystring: UserQuery } }, async (req) => users.listUsers(deps, req.actor!, req.query));
  app.get('/api/v1/users/:id', { config: { permission: ['identity:user:read', 'identity:user:grant'] }, schema: { ...tags('用户'), params: IdParams } }, async (req) => users.getUser(deps, req.actor!, req.params.id));
  app.post(
    '/api/v1/users',
    {
      config: { permission: 'identity:user:write', audit: 'user.create' },
      schema: {
        ...tags('用户'),
        body: Body({
          tenantId: Id,
          orgId: Id,
          username: Type.String({ minLength: 2, maxLength: 50, pattern: '^[A-Za-z0-9_.@-]+$' }),
          displayName: Name,
          password: Password,
          phone: Type.Optional(Phone),
          roleIds: Type.Optional(Type.Array(Id, { maxItems: 20 })),
        }),
      },
    },
    async (req, reply) => reply.code(201).send(await users.createUser(deps, req.actor!, req.body)),
  );
  app.patch(
    '/api/v1/users/:id',
    {
      config: { permission: ['identity:user:write', 'identity:user:grant'], audit: 'user.update' },
      schema: {
        ...tags('用户'),
        params: IdParams,
        body: Body({
          displayName: Type.Optional(Name),
          orgId: Type.Optional(Id),
          phone: Type.Optional(Type.Union([Phone, Type.Null()])),
          status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
          roleIds: Type.Optional(Type.Array(Id, { maxItems: 20 })),
        }),
      },
    },
    async (req) => users.updateUser(deps, req.actor!, req.params.id, req.body),
  );
  app.delete('/api/v1/users/:id', { config: { permission: 'identity:user:write', audit: 'user.delete' }, schema: { ...tags('用户'), params: IdParams } }, async (req) => {
    await users.deleteUser(deps, req.actor!, req.params.id);
    return { ok: true };
  });
  app.post(
    '/api/v1/users/:id/reset-password',
    { config: { permission: 'identity:user:reset-password', audit: 'user.reset-password' }, schema: { ...tags('用户'), params: IdParams, body: Body({ newPassword: Password }), response: { 200: Ok } } },
    async (req) => {
      await users.resetPassword(deps, req.actor!, req.params.id, req.body.newPassword);
      return { ok: true };
    },
  );
  app.post('/api/v1/users/:id/unlock', { config: { permission: 'identity:user:unlock', audit: 'user.unlock' }, schema: { ...tags('用户'), params: IdParams, response: { 200: Ok } } }, async (req) => {
    await users.unlockUser(deps, req.actor!, req.params.id);
    return { ok: true };
  });

  // ---- roles and permissions ----
  app.get('/api/v1/permissions', { config: { permission: ['identity:role:read', 'identity:user:grant'] }, schema: tags('角色权限') }, async () => ({ items: PERMISSIONS }));
  app.get('/api/v1/roles', { config: { permission: ['identity:role:read', 'identity:user:read'] }, schema: { ...tags('角色权限'), querystring: Type.Object({ tenantId: Type.Optional(Id) }) } }, async (req) => ({
    items: await roles.listRoles(deps, req.actor!, req.query.tenantId ?? req.actor!.tenantId),
  }));
  const RoleFields = {
    name: Name,
    dataScope: DataScope,
    permissions: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 }),
    mfaRequired: Type.Optional(Type.Boolean()),
    shared: Type.Optional(Type.Boolean()),
  };
  app.post(
    '/api/v1/roles',
    { config: { permission: 'identity:role:write', audit: 'role.create' }, schema: { ...tags('角色权限'), body: Body({ tenantId: Id, code: Code, ...RoleFields }) } },
    async (req, reply) => reply.code(201).send(await roles.createRole(deps, req.actor!, req.body)),
  );
  app.patch(
    '/api/v1/roles/:id',
    {
      config: { permission: 'identity:role:write', audit: 'role.update' },
      schema: { ...tags('角色权限'), params: IdParams, body: Type.Partial(Body(RoleFields), { additionalProperties: false }) },
    },
    async (req) => roles.updateRole(deps, req.actor!, req.params.id, req.body),
  );
  app.delete('/api/v1/roles/:id', { config: { permission: 'identity:role:write', audit: 'role.delete' }, schema: { ...tags('角色权限'), params: IdParams } }, async (req) => {
    await roles.deleteRole(deps, req.actor!, req.params.id);
    return { ok: true };
  });
}
