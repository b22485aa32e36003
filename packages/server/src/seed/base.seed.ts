import { randomUUID } from 'node:crypto';
import type { Db } from '../platform/db/database.js';
import type { Clock } from '../platform/clock.js';
import type { DataScope, TenantKind } from '../platform/db/schema.js';
import { insertTenant, type Tenant } from '../modules/identity/tenant.service.js';
import { readDivisions, readXpccUnits } from '../modules/identity/divisions.js';
import { MENUS, PRODUCTS } from '../modules/identity/menus.js';
import { adminTypeFor } from '../modules/identity/role.service.js';
import { seedTimeLimits } from '../modules/catalog/time-limit.seed.js';
import { seedCatalog } from '../modules/catalog/catalog.seed.js';

/**
 * Base data every installation needs: the tenant tree of Xinjiang (自治区 → 14 地州市 → 区县) from the
 * NBS division codes, the 兵团 branch, partner hotlines, the built-in roles and the shared
 * dictionaries. Townships are imported per county on demand (POST /tenants/:id/import-townships).
 */
export const ROOT_CODE = '650000';

interface RoleSeed {
  code: string;
  name: string;
  dataScope: DataScope;
  permissions: string[];
}

const COMMON = ['dashboard:view', 'message:read'];
// Everyone who handles demands reads the catalogue, its time limits and the enterprise library.
const CATALOG_READ = ['catalog:read', 'catalog:time-limit:read', 'catalog:enterprise:read'];
const SYSTEM_ADMIN = ['identity:tenant:read', 'identity:tenant:write', 'identity:org:read', 'identity:org:write', 'identity:user:read', 'identity:user:write', 'system:dict:read', 'system:dict:write', 'system:config:read', 'system:config:write'];
const SECURITY_ADMIN = ['identity:role:read', 'identity:role:write', 'identity:user:grant', 'identity:user:unlock', 'identity:user:reset-password', 'security:session:read', 'security:session:revoke', 'security:config:read', 'security:config:write'];
// 话务: agents use the softphone and hear their own calls; reviewers and supervisors hear the team's.
const CALLS = ['telephony:call:read', 'telephony:recording:play'];
// 知识库: everyone who answers or handles demands reads the knowledge base.
const KB_READ = ['kb:read'];
const AUDIT_ADMIN = ['audit:log:read', 'audit:log:export', 'audit:log:verify', 'audit:login-log:read', 'audit:access-log:read'];

export const BUILTIN_ROLES: RoleSeed[] = [
  { code: 'sys_admin', name: '系统管理员', dataScope: 'tenant_subtree', permissions: [...COMMON, ...SYSTEM_ADMIN, 'message:send', 'telephony:agent:manage'] },
  { code: 'security_admin', name: '安全管理员', dataScope: 'tenant_subtree', permissions: [...COMMON, ...SECURITY_ADMIN] },
  { code: 'audit_admin', name: '审计管理员', dataScope: 'tenant_subtree', permissions: [...COMMON, ...AUDIT_ADMIN] },
  { code: 'catalog_admin', name: '事项管理员', dataScope: 'tenant_subtree', permissions: [...COMMON, ...CATALOG_READ, 'catalog:write', 'catalog:enterprise:write', 'catalog:time-limit:write'] },
  { code: 'catalog_reviewer', name: '事项审核员', dataScope: 'tenant_subtree', permissions: [...COMMON, ...CATALOG_READ, 'catalog:review', 'catalog:enterprise:approve'] },
  { code: 'hotline_agent', name: '话务坐席', dataScope: 'self', permissions: [...COMMON, ...CATALOG_READ, ...KB_READ, 'ticket:read', 'ticket:register', 'citizen:pii', 'assist:use', ...CALLS, 'telephony:softphone:use'] },
  { code: 'dispatcher', name: '派单员', dataScope: 'tenant_subtree', permissions: [...COMMON, ...CATALOG_READ, ...KB_READ, 'message:send', 'ticket:read', 'ticket:register', 'ticket:dispatch', 'ticket:export', 'assist:use'] },
  { code: 'reviewer', name: '审核回访员', dataScope: 'tenant', permissions: [...COMMON, ...CATALOG_READ, ...KB_READ, 'ticket:read', 'ticket:dispatch', 'ticket:review', 'ticket:callback', 'ticket:export', 'citizen:pii', 'assist:use', ...CALLS] },
  { code: 'supervisor', name: '督办主管', dataScope: 'tenant_subtree', permissions: [...COMMON, ...CATALOG_READ, ...KB_READ, 'message:send', 'ticket:read', 'ticket:supervise', 'ticket:export', 'ticket:config', 'assist:train', ...CALLS] },
  { code: 'unit_handler', name: '承办人员', dataScope: 'org', permissions: [...COMMON, ...CATALOG_READ, ...KB_READ, 'ticket:read', 'ticket:handle'] },
  { code: 'unit_leader', name: '承办单位负责人', dataScope: 'org_subtree', permissions: [...COMMON, ...CATALOG_READ, ...KB_READ, 'message:send', 'ticket:read', 'ticket:handle', 'ticket:handle:approve', 'ticket:export'] },
  { code: 'kb_editor', name: '知识采编员', dataScope: 'tenant', permissions: [...COMMON, ...KB_READ, 'kb:edit', 'catalog:read'] },
  { code: 'kb_reviewer', name: '知识审核员', dataScope: 'tenant', permissions: [...COMMON, ...KB_READ, 'kb:review', 'kb:publish'] },
  { code: 'kb_admin', name: '知识库管理员', dataScope: 'tenant', permissions: [...COMMON, ...KB_READ, 'kb:admin', 'kb:publish'] },
];

const PARTNERS: { code: string; name: string }[] = [
  { code: 'P-12315', name: '12315市场监管投诉举报热线' },
  { code: 'P-110', name: '110报警服务台（非警务警情联动）' },
  { code: 'P-12328', name: '12328交通运输服务监督热线' },
];

const DICTS: { code: string; name: string; items: [string, string][] }[] = [
  { code: 'gender', name: '性别', items: [['M', '男'], ['F', '女'], ['U', '未知']] },
  { code: 'urgency', name: '紧急程度', items: [['normal', '一般'], ['urgent', '紧急'], ['critical', '特急']] },
  { code: 'channel', name: '受理渠道', items: [['phone', '电话'], ['web', '网站'], ['app', '移动应用'], ['wechat', '微信'], ['mini', '小程序'], ['gov-platform', '国务院互联网+督查平台'], ['partner', '合作热线转办'], ['sms', '短信']] },
  { code: 'demand_type', name: '诉求类型', items: [['consult', '咨询'], ['help', '求助'], ['complaint', '投诉'], ['report', '举报'], ['suggest', '建议'], ['praise', '表扬']] },
  // 12345 business domains (行业领域): time limits and catalogue items are set per domain.
  {
    code: 'industry',
    name: '行业领域',
    items: [
      ['urban-construction', '城乡建设'], ['housing', '住房保障与物业'], ['labor-social-security', '劳动和社会保障'], ['education-culture', '教育文体'],
      ['health', '卫生健康'], ['transport', '交通运输'], ['market-consumer', '市场监管与消费维权'], ['environment', '生态环境'],
      ['public-security', '公安与户籍'], ['civil-affairs', '民政'], ['agriculture', '农业农村'], ['natural-resources', '自然资源'],
      ['commerce-tourism', '商贸旅游'], ['business-environment', '营商环境（涉企）'], ['utilities', '水电气热'], ['urban-management', '城市管理'],
      ['xpcc-coordination', '兵地协同'], ['other', '其他'],
    ],
  },
  // GB/T 4754-2017 门类, for the enterprise library.
  {
    code: 'enterprise_industry',
    name: '国民经济行业门类',
    items: [
      ['A', '农、林、牧、渔业'], ['B', '采矿业'], ['C', '制造业'], ['D', '电力、热力、燃气及水生产和供应业'], ['E', '建筑业'], ['F', '批发和零售业'],
      ['G', '交通运输、仓储和邮政业'], ['H', '住宿和餐饮业'], ['I', '信息传输、软件和信息技术服务业'], ['J', '金融业'], ['K', '房地产业'],
      ['L', '租赁和商务服务业'], ['M', '科学研究和技术服务业'], ['N', '水利、环境和公共设施管理业'], ['O', '居民服务、修理和其他服务业'], ['P', '教育'],
      ['Q', '卫生和社会工作'], ['R', '文化、体育和娱乐业'], ['S', '公共管理、社会保障和社会组织'], ['T', '国际组织'],
    ],
  },
  { code: 'ownership', name: '所有制性质', items: [['state', '国有'], ['collective', '集体'], ['private', '民营'], ['foreign', '外资'], ['hk-mo-tw', '港澳台资'], ['individual', '个体工商户'], ['other', '其他']] },
  { code: 'language', name: '服务语种', items: [['zh', '国家通用语言'], ['ug', '维吾尔语'], ['kk', '哈萨克语'], ['ky', '柯尔克孜语'], ['mn', '蒙古语']] },
];

export async function seedBase(trx: Db, clock: Clock): Promise<Tenant> {
  const root = await insertTenant(trx, { clock }, null, { code: ROOT_CODE, name: '新疆维吾尔自治区', kind: 'region', level: 1 });
  await enableAll(trx, root.id);
  const divisions = readDivisions();
  const prefectures = new Map<string, Tenant>();
  let sort = 0;
  for (const p of divisions.filter((d) => d.level === 'prefecture' && d.code !== '6590')) {
    const t = await insertTenant(trx, { clock }, root, { code: `${p.code}00`, name: p.name, kind: 'region', level: 2, sort: sort++ });
    prefectures.set(p.code, t);
    await enableAll(trx, t.id);
  }
  const xpcc = await insertTenant(trx, { clock }, root, { code: 'XPCC', name: '新疆生产建设兵团', kind: 'xpcc', level: 2, sort: sort++ });
  await enableAll(trx, xpcc.id);
  for (const c of divisions.filter((d) => d.level === 'county')) {
    const parent = c.parentCode === '6590' ? xpcc : prefectures.get(c.parentCode);
    if (!parent) continue;
    const kind: TenantKind = parent === xpcc ? 'xpcc' : 'region';
    const t = await insertTenant(trx, { clock }, parent, { code: c.code, name: c.name, kind, level: 3 });
    await enableAll(trx, t.id);
  }
  // 兵团 cities are also listed among the XPCC units; they are already under the XPCC branch.
  const known = new Set(divisions.map((d) => d.code));
  for (const u of readXpccUnits().filter((u) => u.kind === 'xpcc-city' && !known.has(u.code))) {
    const t = await insertTenant(trx, { clock }, xpcc, { code: u.code, name: u.name, kind: 'xpcc', level: 3 });
    await enableAll(trx, t.id);
  }
  for (const p of PARTNERS) {
    const t = await insertTenant(trx, { clock }, root, { code: p.code, name: p.name, kind: 'partner', level: 2, sort: sort++ });
    // Partner hotlines read the catalogue to route what they transfer to 12345, and the knowledge
    // base to answer alike (migration 0016 enables it wherever the work orders are).
    await enable(trx, t.id, ['workspace', 'messages', 'catalog', 'tickets', 'knowledge']);
  }
  await seedRoles(trx, clock, root.id);
  await seedDicts(trx, clock, root.id);
  await seedTimeLimits(trx, clock, root.id);
  await seedCatalog(trx, clock, root.id);
  return root;
}

async function enableAll(trx: Db, tenantId: string): Promise<void> {
  await enable(trx, tenantId, PRODUCTS.map((p) => p.key));
}

export async function enable(trx: Db, tenantId: string, products: string[]): Promise<void> {
  await trx.insertInto('tenant_product').values(products.map((product_key) => ({ tenant_id: tenantId, product_key }))).execute();
  const menus = MENUS.filter((m) => products.includes(m.product));
  await trx.insertInto('tenant_menu').values(menus.map((m) => ({ tenant_id: tenantId, menu_key: m.key }))).execute();
}

async function seedRoles(trx: Db, clock: Clock, rootId: string): Promise<void> {
  const now = clock.now();
  for (const r of BUILTIN_ROLES) {
    await trx
      .insertInto('role')
      .values({
        id: randomUUID(),
        tenant_id: rootId,
        code: r.code,
        name: r.name,
        data_scope: r.dataScope,
        permissions: [...r.permissions].sort(),
        mfa_required: false,
        admin_type: adminTypeFor(r.permissions),
        builtin: true,
        shared: true,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
}

async function seedDicts(trx: Db, clock: Clock, rootId: string): Promise<void> {
  for (const d of DICTS) {
    await trx.insertInto('dict_type').values({ code: d.code, tenant_id: rootId, name: d.name, description: '', builtin: true, created_at: clock.now() }).execute();
    await trx
      .insertInto('dict_item')
      .values(d.items.map(([value, label], i) => ({ id: randomUUID(), type_code: d.code, value, label, sort: i, enabled: true })))
      .execute();
  }
}
