import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { TenantKind, TenantTable } from '../../platform/db/schema.js';
import type { Selectable } from 'kysely';
import { conflict, forbidden, invalid, notFound } from '../../platform/errors.js';
import { treeOf } from '../../platform/tree.js';
import { tenantVisible } from '../../platform/scope.js';
import { commit } from '../../platform/usecase.js';
import { MENUS, PRODUCTS } from './menus.js';
import { readDivisions } from './divisions.js';

export type Tenant = Selectable<TenantTable>;

export interface TenantNode {
  id: string;
  code: string;
  name: string;
  kind: TenantKind;
  level: number;
  parentId: string | null;
  status: 'active' | 'disabled';
  children: TenantNode[];
}

/** Loads a tenant the caller may see; anything else is "not found", never "forbidden". */
export async function loadVisibleTenant(db: Db, actor: Actor, id: string): Promise<Tenant> {
  const t = await db
    .selectFrom('tenant')
    .selectAll()
    .where('id', '=', id)
    .where((eb) => tenantVisible(eb, 'tenant.id', actor))
    .executeTakeFirst();
  if (!t) throw notFound('租户');
  return t;
}

export async function tenantTree(deps: Deps, actor: Actor): Promise<TenantNode[]> {
  const rows = await deps.db
    .selectFrom('tenant')
    .selectAll()
    .where((eb) => tenantVisible(eb, 'tenant.id', actor))
    .orderBy('level')
    .orderBy('sort')
    .orderBy('code')
    .execute();
  return treeOf(rows, (r) => r.parent_id, (r): TenantNode => ({ id: r.id, code: r.code, name: r.name, kind: r.kind, level: r.level, parentId: r.parent_id, status: r.status, children: [] }));
}

export interface CreateTenantInput {
  parentId: string;
  code: string;
  name: string;
  kind: TenantKind;
}

export async function createTenant(deps: Deps, actor: Actor, input: CreateTenantInput): Promise<Tenant> {
  const parent = await loadVisibleTenant(deps.db, actor, input.parentId);
  if (parent.level >= 5) throw invalid('村/社区级租户下不能再建下级租户');
  return commit(deps, actor, async (trx) => {
    await assertCodeFree(trx, input.code);
    const tenant = await insertTenant(trx, deps, parent, input);
    await inheritProducts(trx, parent.id, tenant.id);
    return { result: tenant, audit: { action: 'tenant.create', targetType: 'tenant', targetId: tenant.id, after: tenant, tenantId: tenant.id } };
  });
}

async function assertCodeFree(trx: Db, code: string): Promise<void> {
  const clash = await trx.selectFrom('tenant').select('id').where('code', '=', code).executeTakeFirst();
  if (clash) throw conflict(`租户编码 ${code} 已存在`);
}

export async function insertTenant(
  trx: Db,
  deps: Pick<Deps, 'clock'>,
  parent: Tenant | null,
  input: Omit<CreateTenantInput, 'parentId'> & { level?: number; sort?: number },
): Promise<Tenant> {
  const id = randomUUID();
  const now = deps.clock.now();
  const row: Tenant = {
    id,
    parent_id: parent?.id ?? null,
    code: input.code,
    name: input.name,
    kind: input.kind,
    level: input.level ?? (parent ? parent.level + 1 : 1),
    path: `${parent?.path ?? '/'}${id}/`,
    status: 'active',
    sort: input.sort ?? 0,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('tenant').values(row).execute();
  return row;
}

/** A new tenant starts with what its parent has enabled; the admin narrows it afterwards. */
async function inheritProducts(trx: Db, parentId: string, tenantId: string): Promise<void> {
  const products = await trx.selectFrom('tenant_product').select('product_key').where('tenant_id', '=', parentId).execute();
  const menus = await trx.selectFrom('tenant_menu').select('menu_key').where('tenant_id', '=', parentId).execute();
  if (products.length) await trx.insertInto('tenant_product').values(products.map((p) => ({ tenant_id: tenantId, product_key: p.product_key }))).execute();
  if (menus.length) await trx.insertInto('tenant_menu').values(menus.map((m) => ({ tenant_id: tenantId, menu_key: m.menu_key }))).execute();
}

export async function updateTenant(deps: Deps, actor: Actor, id: string, patch: { name?: string; status?: 'active' | 'disabled' }): Promise<Tenant> {
  const before = await loadVisibleTenant(deps.db, actor, id);
  if (patch.status === 'disabled' && id === actor.tenantId) throw invalid('不能停用自己所在的租户');
  return commit(deps, actor, async (trx) => {
    const after: Tenant = { ...before, ...patch, updated_at: deps.clock.now() };
    await trx.updateTable('tenant').set({ name: after.name, status: after.status, updated_at: after.updated_at }).where('id', '=', id).execute();
    return { result: after, audit: { action: 'tenant.update', targetType: 'tenant', targetId: id, before, after, tenantId: id } };
  });
}

export interface ProductConfig {
  products: { key: string; name: string; enabled: boolean }[];
  menus: { key: string; product: string; titleKey: string; enabled: boolean }[];
}

export async function getProductConfig(deps: Deps, actor: Actor, id: string): Promise<ProductConfig> {
  await loadVisibleTenant(deps.db, actor, id);
  const { products, menus } = await enabledFor(deps.db, id);
  return {
    products: PRODUCTS.map((p) => ({ key: p.key, name: p.name, enabled: products.has(p.key) })),
    menus: MENUS.map((m) => ({ key: m.key, product: m.product, titleKey: m.titleKey, enabled: menus.has(m.key) })),
  };
}

export async function enabledFor(db: Db, tenantId: string): Promise<{ products: Set<string>; menus: Set<string> }> {
  const [p, m] = await Promise.all([
    db.selectFrom('tenant_product').select('product_key').where('tenant_id', '=', tenantId).execute(),
    db.selectFrom('tenant_menu').select('menu_key').where('tenant_id', '=', tenantId).execute(),
  ]);
  return { products: new Set(p.map((r) => r.product_key)), menus: new Set(m.map((r) => r.menu_key)) };
}

export async function setProductConfig(deps: Deps, actor: Actor, id: string, input: { products: string[]; menus: string[] }): Promise<ProductConfig> {
  await loadVisibleTenant(deps.db, actor, id);
  const unknownProduct = input.products.find((k) => !PRODUCTS.some((p) => p.key === k));
  const unknownMenu = input.menus.find((k) => !MENUS.some((m) => m.key === k));
  if (unknownProduct || unknownMenu) throw invalid(`未知的产品或菜单：${unknownProduct ?? unknownMenu}`);
  const products = [...new Set(input.products)];
  // A menu without its product enabled would never show; keep the stored state honest.
  const menus = [...new Set(input.menus)].filter((k) => products.includes(MENUS.find((m) => m.key === k)!.product));
  // Products are granted from above: a lower-level admin may narrow a tenant's products (its own
  // included) but never enable what its own tenant lacks, e.g. re-enable what the upper level removed.
  if (actor.tenantLevel > 1) {
    const [current, own] = await Promise.all([enabledFor(deps.db, id), enabledFor(deps.db, actor.tenantId)]);
    const widened = products.find((k) => !current.products.has(k) && !own.products.has(k)) ?? menus.find((k) => !current.menus.has(k) && !own.menus.has(k));
    if (widened) throw forbidden(`不能开通本租户未开通的产品或菜单：${widened}`);
  }
  await commit(deps, actor, async (trx) => {
    const before = await enabledFor(trx, id);
    await trx.deleteFrom('tenant_product').where('tenant_id', '=', id).execute();
    await trx.deleteFrom('tenant_menu').where('tenant_id', '=', id).execute();
    if (products.length) await trx.insertInto('tenant_product').values(products.map((k) => ({ tenant_id: id, product_key: k }))).execute();
    if (menus.length) await trx.insertInto('tenant_menu').values(menus.map((k) => ({ tenant_id: id, menu_key: k }))).execute();
    return {
      result: null,
      audit: {
        action: 'tenant.products.update',
        targetType: 'tenant',
        targetId: id,
        tenantId: id,
        before: { products: [...before.products].sort(), menus: [...before.menus].sort() },
        after: { products: [...products].sort(), menus: [...menus].sort() },
      },
    };
  });
  return getProductConfig(deps, actor, id);
}

/** Imports the township (乡镇/街道) tenants of a county from the shipped NBS division list. */
export async function importTownships(deps: Deps, actor: Actor, countyId: string): Promise<{ created: number; skipped: number }> {
  const county = await loadVisibleTenant(deps.db, actor, countyId);
  if (county.level !== 3 || !/^\d{6}$/.test(county.code)) throw invalid('只能为区县级租户导入乡镇');
  const townships = readDivisions().filter((d) => d.level === 'township' && d.parentCode === county.code);
  return commit(deps, actor, async (trx) => {
    const existing = new Set(
      (await trx.selectFrom('tenant').select('code').where('parent_id', '=', county.id).execute()).map((r) => r.code),
    );
    let created = 0;
    for (const t of townships) {
      if (existing.has(t.code)) continue;
      const tenant = await insertTenant(trx, deps, county, { code: t.code, name: t.name, kind: county.kind, level: 4 });
      await inheritProducts(trx, county.id, tenant.id);
      created++;
    }
    return {
      result: { created, skipped: townships.length - created },
      audit: { action: 'tenant.import-townships', targetType: 'tenant', targetId: county.id, tenantId: county.id, detail: { created, total: townships.length } },
    };
  });
}
