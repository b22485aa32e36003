import { randomBytes, randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../src/modules/identity/auth.service.js';
import { creditCodeCheckChar } from '../src/modules/catalog/credit-code.js';
import { INHERITED_ITEM_MESSAGE } from '../src/modules/catalog/item.service.js';
import { startImport } from '../src/platform/excel/import-jobs.js';
import { XLSX_MIME } from '../src/platform/excel/sheet.js';
import { callAudioKey, insertCdr } from '../src/modules/telephony/media.role.js';
import { Client, createTestPlatform, ids, login, TICKET_API, type Res, type TestPlatform } from './harness.js';

/**
 * The cross-tenant attack matrix. Tenant B (喀什地区 653100) gets an org, users, a custom role, a
 * dictionary, a notification and a live session; administrators of tenant A (乌鲁木齐市 650100) and
 * of A's child 天山区 (650102) attack them through every route of the OpenAPI spec that takes an id
 * or a tenant id. Anything outside the caller's subtree must be "not found" — indistinguishable
 * from an id that does not exist — and must stay unchanged in the database.
 *
 * The demand-item catalogue adds B's catalogue (an enterprise, a time-limit rule, a category with a
 * local item, reviewed changes, three-list entries, elements, a knowledge link and an adoption of a
 * standard item), kept by B's own 事项管理员 and reviewed at the root. 乌鲁木齐's 事项管理员
 * (catalog_wlmq) and 事项审核员 attack it the same way. Records the root issues down (time limits,
 * elements, categories, standard items) are readable below but read-only: there the answer is a
 * 403 that says why, exactly as each service documents it.
 */

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Json = Record<string, unknown>;

interface SchemaObj {
  type?: string;
  properties?: Record<string, SchemaObj>;
}
interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: SchemaObj }> };
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
}

const INIT_PW = 'Init@Pass2026x';
const NEW_PW = 'Changed@Pass2026y';
const ID_INPUT = /^id$|Id$|Ids$|^targets$/;
/** Every text B's catalogue records carry: whatever shows it to an attacker leaks B's data. */
const MARK = '喀什攻击目标';

/** B's catalogue records (ids of records that do not exist in the ghost target). */
interface CatalogTarget {
  /** A pending enterprise record and its credit code. */
  enterprise: string;
  creditCode: string;
  /** A time-limit rule the tenant owns. */
  timeLimit: string;
  /** 三类清单: a published, a draft and a pending entry. */
  entry: string;
  draftEntry: string;
  pendingEntry: string;
  /** Two elements of the tenant, linked by an association. */
  element: string;
  element2: string;
  /** A published local category with a published local item (V1) on it, and a draft category. */
  category: string;
  draftCategory: string;
  item: string;
  /** A pending change (an edit of the item) and a draft change (creating the draft category). */
  pendingChange: string;
  draftChange: string;
  /** A knowledge article linked to the item. */
  article: string;
  /** A standard item from the root that the tenant adopted, with local detail. */
  adopted: string;
  /** The org of B's catalogue admin (unit of the published entry, creator org of B's categories). */
  org: string;
}

/** Records of one tenant that an attacker goes after; the "ghost" target holds ids that do not exist. */
interface Target {
  label: string;
  tenant: string;
  /** A county (区县) to import townships into. */
  county: string;
  org: string;
  user: string;
  role: string;
  notification: string;
  session: string;
  /** Tenant-owned dictionary; absent where the dictionary is readable by design (ancestors' dicts). */
  dict?: { code: string; item: string };
  /** An import job started by a user of the tenant (jobs are visible to their owner only). */
  importJob: string;
  /** A call record of the tenant (通话记录) with a recording. */
  call: string;
  /** The tenant's catalogue, where one is attacked. */
  cat?: CatalogTarget;
  /** The tenant's knowledge base, where one is attacked. */
  kb?: KnowledgeTarget;
}

/** B's knowledge: a directory, a hot word, and articles in every state of the life cycle. */
interface KnowledgeTarget {
  dir: string;
  hotWord: string;
  draft: string;
  pendingReview: string;
  pendingPublish: string;
  published: string;
  offline: string;
  recycled: string;
}

/** The root's catalogue records, issued down to every tenant: readable below, never writable there. */
interface Inherited {
  ownerName: string;
  timeLimit: string;
  /** A standard item published at the root, its leaf category, and a root element relation. */
  item: string;
  category: string;
  relation: { fromElementId: string; toElementId: string; kind: string };
}

/** Records of the attacker's own tenant, to put foreign ids into bodies of otherwise valid requests. */
interface OwnCatalog {
  enterprise: string;
  element: string;
  /** A published local item of the attacker's tenant, and a draft 职责清单 entry. */
  item: string;
  draftEntry: string;
}

type AttackerKind = 'sys' | 'sec' | 'audit' | 'cat' | 'catrev' | 'tel' | 'kbed' | 'kbrev' | 'kbadm';
interface Attacker {
  name: string;
  kind: AttackerKind;
  c: Client;
  /** The attacker's own tenant, an org and a user inside it, to mix own and foreign ids. */
  tenant: string;
  org: string;
  user: string;
  /** Every tenant id in the attacker's subtree. */
  subtree: Set<string>;
  /** The tenants above the attacker's own, whose issued catalogue content it inherits. */
  above: Set<string>;
  inherited?: Inherited;
  own?: OwnCatalog;
}

interface Req {
  method: Method;
  url: string;
  body?: unknown;
  /** An Excel upload: sent as the raw body with the XLSX content type. */
  xlsx?: Buffer;
}

/**
 * hidden: 404 NOT_FOUND, exactly like the ghost (non-existent) ids.
 * sameAsGhost: a foreign id inside a body is answered exactly like a non-existent one (and not 2xx/403).
 * list: 200 and no row from outside the attacker's subtree (checked by `check`).
 * forbidden: the route is not tenant-scoped (global), and the attacker may not use it at all.
 */
type Expect = 'hidden' | 'sameAsGhost' | 'list' | 'forbidden';
interface ForeignCase {
  as: AttackerKind | 'any';
  expect: Expect;
  req: (t: Target, me: Attacker) => Req | null;
  check?: (body: unknown, me: Attacker, ctx: Ctx) => void | Promise<void>;
}
/**
 * An attack on a record issued from above: it is visible to the attacker, so hiding it would be a
 * lie; the service refuses with 403 and exactly this explanation, and changes nothing.
 */
interface ReadOnlyCase {
  as: 'cat';
  readOnly: (u: Inherited, me: Attacker) => Req;
  detail: (u: Inherited) => string;
}
type Case = ForeignCase | ReadOnlyCase;

interface Ctx {
  p: TestPlatform;
  userTenant: Map<string, string>;
}

const get = (url: string): Req => ({ method: 'GET', url });
const post = (url: string, body: unknown = {}): Req => ({ method: 'POST', url, body });
const patch = (url: string, body: unknown): Req => ({ method: 'PATCH', url, body });
const del = (url: string): Req => ({ method: 'DELETE', url });
const put = (url: string, body: unknown): Req => ({ method: 'PUT', url, body });
/** A case on the target's catalogue; targets without one (tenant A seen from 天山区) are skipped. */
const C =
  (fn: (c: CatalogTarget, t: Target, me: Attacker) => Req) =>
  (t: Target, me: Attacker): Req | null =>
    t.cat ? fn(t.cat, t, me) : null;
/** A case on the target's knowledge base; targets without one are skipped. */
const K =
  (fn: (k: KnowledgeTarget, t: Target, me: Attacker) => Req) =>
  (t: Target, me: Attacker): Req | null =>
    t.kb ? fn(t.kb, t, me) : null;
const KB_DRAFT = { title: '被篡改的知识', body: '篡改', fields: { question: '篡改' }, basis: '篡改' };

/** The attacker's own catalogue records (only catalogue attackers have them). */
const own = (me: Attacker): OwnCatalog => {
  if (!me.own) throw new Error(`${me.name} has no catalogue records of its own`);
  return me.own;
};

/** A valid 统一社会信用代码: 工商 · 企业 · the division · a running number, with its check character. */
function creditCode(n: number, region: string): string {
  const body = `91${region}MA${String(n).padStart(7, '0')}`;
  return body + creditCodeCheckChar(body);
}
let codeSeq = 9000;
const freshCode = () => creditCode(codeSeq++, '650100');

// The services' own explanations for records issued from above (see each service's load*ForWrite).
const ELEMENT_READ_ONLY = '要素由创建它的区域维护，其他区域只能使用';
const CATEGORY_READ_ONLY = '该目录由上级统一制定，本级不能修改';
const timeLimitReadOnly = (u: Inherited) => `该时限规则由上级“${u.ownerName}”制定，本级只能查看，不能修改或删除；如需从严执行，请新增本级规则`;

const CASES: Record<string, Case[]> = {
  'DELETE /api/v1/me/sessions/{id}': [{ as: 'any', expect: 'hidden', req: (t) => ({ method: 'DELETE', url: `/api/v1/me/sessions/${t.session}` }) }],
  'GET /api/v1/sessions': [{ as: 'sec', expect: 'list', req: (t) => get(`/api/v1/sessions?userId=${t.user}`), check: sessionsInSubtree }],
  'DELETE /api/v1/sessions/{id}': [{ as: 'sec', expect: 'hidden', req: (t) => ({ method: 'DELETE', url: `/api/v1/sessions/${t.session}` }) }],
  'GET /api/v1/tenants/{id}': [
    { as: 'sys', expect: 'hidden', req: (t) => get(`/api/v1/tenants/${t.tenant}`) },
    { as: 'sys', expect: 'hidden', req: (t) => get(`/api/v1/tenants/${t.county}`) },
  ],
  'PATCH /api/v1/tenants/{id}': [
    { as: 'sys', expect: 'hidden', req: (t) => ({ method: 'PATCH', url: `/api/v1/tenants/${t.tenant}`, body: { name: '被篡改的租户' } }) },
    { as: 'sys', expect: 'hidden', req: (t) => ({ method: 'PATCH', url: `/api/v1/tenants/${t.county}`, body: { status: 'disabled' } }) },
  ],
  'POST /api/v1/tenants': [
    { as: 'sys', expect: 'hidden', req: (t) => ({ method: 'POST', url: '/api/v1/tenants', body: { parentId: t.tenant, code: `ATK-${randomBytes(3).toString('hex')}`, name: '攻击者建的下级', kind: 'region' } }) },
  ],
  'GET /api/v1/tenants/{id}/products': [{ as: 'sys', expect: 'hidden', req: (t) => get(`/api/v1/tenants/${t.tenant}/products`) }],
  'PUT /api/v1/tenants/{id}/products': [{ as: 'sys', expect: 'hidden', req: (t) => ({ method: 'PUT', url: `/api/v1/tenants/${t.tenant}/products`, body: { products: ['workspace'], menus: [] } }) }],
  'POST /api/v1/tenants/{id}/import-townships': [{ as: 'sys', expect: 'hidden', req: (t) => ({ method: 'POST', url: `/api/v1/tenants/${t.county}/import-townships` }) }],
  'GET /api/v1/orgs/tree': [{ as: 'sys', expect: 'hidden', req: (t) => get(`/api/v1/orgs/tree?tenantId=${t.tenant}`) }],
  'POST /api/v1/orgs': [
    { as: 'sys', expect: 'hidden', req: (t) => ({ method: 'POST', url: '/api/v1/orgs', body: { tenantId: t.tenant, code: 'ATK-ORG', name: '攻击者的机构', kind: 'department' } }) },
    { as: 'sys', expect: 'hidden', req: (t, me) => ({ method: 'POST', url: '/api/v1/orgs', body: { tenantId: me.tenant, parentId: t.org, code: 'ATK-ORG2', name: '挂到别人机构下', kind: 'team' } }) },
  ],
  'PATCH /api/v1/orgs/{id}': [{ as: 'sys', expect: 'hidden', req: (t) => ({ method: 'PATCH', url: `/api/v1/orgs/${t.org}`, body: { name: '被篡改的机构' } }) }],
  'DELETE /api/v1/orgs/{id}': [{ as: 'sys', expect: 'hidden', req: (t) => ({ method: 'DELETE', url: `/api/v1/orgs/${t.org}` }) }],
  'GET /api/v1/users': [
    { as: 'sys', expect: 'list', req: (t) => get(`/api/v1/users?tenantId=${t.tenant}&pageSize=200`), check: usersInSubtree },
    { as: 'sys', expect: 'list', req: (t) => get(`/api/v1/users?orgId=${t.org}&pageSize=200`), check: usersInSubtree },
    { as: 'sec', expect: 'list', req: (t) => get(`/api/v1/users?tenantId=${t.tenant}&pageSize=200`), check: usersInSubtree },
  ],
  'POST /api/v1/users': [
    { as: 'sys', expect: 'hidden', req: (t) => ({ method: 'POST', url: '/api/v1/users', body: { tenantId: t.tenant, orgId: t.org, username: 'atk_user1', displayName: '攻击者', password: INIT_PW } }) },
    { as: 'sys', expect: 'hidden', req: (t, me) => ({ method: 'POST', url: '/api/v1/users', body: { tenantId: me.tenant, orgId: t.org, username: 'atk_user2', displayName: '攻击者', password: INIT_PW } }) },
  ],
  'GET /api/v1/users/{id}': [
    { as: 'sys', expect: 'hidden', req: (t) => get(`/api/v1/users/${t.user}`) },
    { as: 'sec', expect: 'hidden', req: (t) => get(`/api/v1/users/${t.user}`) },
  ],
  'PATCH /api/v1/users/{id}': [
    { as: 'sys', expect: 'hidden', req: (t) => ({ method: 'PATCH', url: `/api/v1/users/${t.user}`, body: { displayName: '被篡改', status: 'disabled' } }) },
    { as: 'sec', expect: 'hidden', req: (t) => ({ method: 'PATCH', url: `/api/v1/users/${t.user}`, body: { roleIds: [] } }) },
    // Foreign ids as references inside a body on one's own user.
    { as: 'sys', expect: 'hidden', req: (t, me) => ({ method: 'PATCH', url: `/api/v1/users/${me.user}`, body: { orgId: t.org } }) },
    { as: 'sec', expect: 'sameAsGhost', req: (t, me) => ({ method: 'PATCH', url: `/api/v1/users/${me.user}`, body: { roleIds: [t.role] } }) },
  ],
  'DELETE /api/v1/users/{id}': [{ as: 'sys', expect: 'hidden', req: (t) => ({ method: 'DELETE', url: `/api/v1/users/${t.user}` }) }],
  'POST /api/v1/users/{id}/reset-password': [{ as: 'sec', expect: 'hidden', req: (t) => ({ method: 'POST', url: `/api/v1/users/${t.user}/reset-password`, body: { newPassword: 'Hijack@Pass2026' } }) }],
  'POST /api/v1/users/{id}/unlock': [{ as: 'sec', expect: 'hidden', req: (t) => ({ method: 'POST', url: `/api/v1/users/${t.user}/unlock` }) }],
  'GET /api/v1/roles': [
    { as: 'sec', expect: 'hidden', req: (t) => get(`/api/v1/roles?tenantId=${t.tenant}`) },
    { as: 'sys', expect: 'hidden', req: (t) => get(`/api/v1/roles?tenantId=${t.tenant}`) },
  ],
  'POST /api/v1/roles': [
    { as: 'sec', expect: 'hidden', req: (t) => ({ method: 'POST', url: '/api/v1/roles', body: { tenantId: t.tenant, code: 'atk_role', name: '攻击者角色', dataScope: 'tenant', permissions: ['dashboard:view'] } }) },
  ],
  'PATCH /api/v1/roles/{id}': [{ as: 'sec', expect: 'hidden', req: (t) => ({ method: 'PATCH', url: `/api/v1/roles/${t.role}`, body: { name: '被篡改的角色', dataScope: 'all' } }) }],
  'DELETE /api/v1/roles/{id}': [{ as: 'sec', expect: 'hidden', req: (t) => ({ method: 'DELETE', url: `/api/v1/roles/${t.role}` }) }],
  // Dictionaries are identified by code; a tenant's own dictionary is invisible outside its subtree.
  'PATCH /api/v1/dicts/{code}': [{ as: 'sys', expect: 'hidden', req: (t) => (t.dict ? { method: 'PATCH', url: `/api/v1/dicts/${t.dict.code}`, body: { name: '被篡改的字典' } } : null) }],
  'GET /api/v1/dicts/{code}/items': [{ as: 'sys', expect: 'hidden', req: (t) => (t.dict ? get(`/api/v1/dicts/${t.dict.code}/items`) : null) }],
  'POST /api/v1/dicts/{code}/items': [{ as: 'sys', expect: 'hidden', req: (t) => (t.dict ? { method: 'POST', url: `/api/v1/dicts/${t.dict.code}/items`, body: { value: 'atk', label: '攻击项' } } : null) }],
  'PATCH /api/v1/dicts/{code}/items/{id}': [
    { as: 'sys', expect: 'hidden', req: (t) => (t.dict ? { method: 'PATCH', url: `/api/v1/dicts/${t.dict.code}/items/${t.dict.item}`, body: { label: '被篡改', enabled: false } } : null) },
  ],
  'DELETE /api/v1/dicts/{code}/items/{id}': [{ as: 'sys', expect: 'hidden', req: (t) => (t.dict ? { method: 'DELETE', url: `/api/v1/dicts/${t.dict.code}/items/${t.dict.item}` } : null) }],
  // Parameters are global (not a tenant's record): a lower-level admin may not change them at all.
  'PUT /api/v1/config/{key}': [{ as: 'sys', expect: 'forbidden', req: () => ({ method: 'PUT', url: '/api/v1/config/system.hotlineNumber', body: { value: '99999' } }) }],
  'POST /api/v1/notifications': [
    { as: 'sys', expect: 'hidden', req: (t) => ({ method: 'POST', url: '/api/v1/notifications', body: { title: '钓鱼', body: '点击链接', targets: [{ type: 'user', id: t.user }] } }) },
    { as: 'sys', expect: 'hidden', req: (t) => ({ method: 'POST', url: '/api/v1/notifications', body: { title: '钓鱼', body: '点击链接', targets: [{ type: 'org', id: t.org }] } }) },
  ],
  'POST /api/v1/notifications/{id}/read': [{ as: 'any', expect: 'hidden', req: (t) => ({ method: 'POST', url: `/api/v1/notifications/${t.notification}/read` }) }],
  'GET /api/v1/imports/{id}': [{ as: 'any', expect: 'hidden', req: (t) => get(`/api/v1/imports/${t.importJob}`) }],
  // 话务: a call record and its recording, by a call-center supervisor of another tenant.
  'GET /api/v1/telephony/calls/{id}': [{ as: 'tel', expect: 'hidden', req: (t) => get(`/api/v1/telephony/calls/${t.call}`) }],
  'GET /api/v1/telephony/calls/{id}/recording': [
    { as: 'tel', expect: 'hidden', req: (t) => get(`/api/v1/telephony/calls/${t.call}/recording`) },
    { as: 'tel', expect: 'hidden', req: (t) => get(`/api/v1/telephony/calls/${t.call}/recording?kind=voicemail`) },
  ],
  // 坐席分机: an administrator assigns extensions to the users of their own tenant only.
  'PUT /api/v1/telephony/agents/{userId}': [{ as: 'sys', expect: 'hidden', req: (t) => ({ method: 'PUT', url: `/api/v1/telephony/agents/${t.user}`, body: { extension: '8777' } }) }],
  'DELETE /api/v1/telephony/agents/{userId}': [{ as: 'sys', expect: 'hidden', req: (t) => ({ method: 'DELETE', url: `/api/v1/telephony/agents/${t.user}` }) }],
  'GET /api/v1/audit/logs': [{ as: 'audit', expect: 'list', req: (t) => get(`/api/v1/audit/logs?targetId=${t.user}&pageSize=200`), check: auditInSubtree }],
  'GET /api/v1/audit/logs/export': [{ as: 'audit', expect: 'list', req: (t) => get(`/api/v1/audit/logs/export?targetId=${t.user}`), check: exportInSubtree }],

  // ---- 知识库: a tenant's directories, hot words and articles in any state; 喀什's published knowledge
  // does not reach 乌鲁木齐 (neither is the other's ancestor), so everything reads as missing.
  'PATCH /api/v1/kb/directories/{id}': [{ as: 'kbadm', expect: 'hidden', req: K((k) => patch(`/api/v1/kb/directories/${k.dir}`, { name: '被篡改的目录' })) }],
  'DELETE /api/v1/kb/directories/{id}': [{ as: 'kbadm', expect: 'hidden', req: K((k) => del(`/api/v1/kb/directories/${k.dir}`)) }],
  'POST /api/v1/kb/directories': [{ as: 'kbadm', expect: 'hidden', req: K((k) => post('/api/v1/kb/directories', { parentId: k.dir, name: '挂到别人目录下' })) }],
  'PATCH /api/v1/kb/types/{code}': [{ as: 'kbadm', expect: 'forbidden', req: K(() => patch('/api/v1/kb/types/guide', { name: '被篡改的类型' })) }],
  'POST /api/v1/kb/hot-words': [{ as: 'kbadm', expect: 'sameAsGhost', req: K((k) => post('/api/v1/kb/hot-words', { word: '攻击热词', articleIds: [k.published] })) }],
  'PATCH /api/v1/kb/hot-words/{id}': [{ as: 'kbadm', expect: 'hidden', req: K((k) => patch(`/api/v1/kb/hot-words/${k.hotWord}`, { weight: 99 })) }],
  'DELETE /api/v1/kb/hot-words/{id}': [{ as: 'kbadm', expect: 'hidden', req: K((k) => del(`/api/v1/kb/hot-words/${k.hotWord}`)) }],
  'GET /api/v1/kb/articles': [{ as: 'kbed', expect: 'list', req: K((k) => get(`/api/v1/kb/articles?directoryId=${k.dir}&pageSize=200`)), check: kbArticlesInTenant }],
  'POST /api/v1/kb/articles': [{ as: 'kbed', expect: 'hidden', req: K((k) => post('/api/v1/kb/articles', { directoryId: k.dir, typeCode: 'faq', ...KB_DRAFT })) }],
  'GET /api/v1/kb/articles/{id}': [
    { as: 'kbed', expect: 'hidden', req: K((k) => get(`/api/v1/kb/articles/${k.published}`)) },
    { as: 'kbed', expect: 'hidden', req: K((k) => get(`/api/v1/kb/articles/${k.draft}`)) },
    { as: 'kbrev', expect: 'hidden', req: K((k) => get(`/api/v1/kb/articles/${k.pendingReview}`)) },
  ],
  'PUT /api/v1/kb/articles/{id}/draft': [
    { as: 'kbed', expect: 'hidden', req: K((k) => put(`/api/v1/kb/articles/${k.draft}/draft`, KB_DRAFT)) },
    { as: 'kbed', expect: 'hidden', req: K((k) => put(`/api/v1/kb/articles/${k.published}/draft`, KB_DRAFT)) },
  ],
  'POST /api/v1/kb/articles/{id}/submit': [{ as: 'kbed', expect: 'hidden', req: K((k) => post(`/api/v1/kb/articles/${k.draft}/submit`)) }],
  'POST /api/v1/kb/articles/{id}/review': [
    { as: 'kbrev', expect: 'hidden', req: K((k) => post(`/api/v1/kb/articles/${k.pendingReview}/review`, { decision: 'approve', opinion: '越权通过' })) },
    { as: 'kbrev', expect: 'hidden', req: K((k) => post(`/api/v1/kb/articles/${k.pendingReview}/review`, { decision: 'return', opinion: '越权退回' })) },
  ],
  'POST /api/v1/kb/articles/{id}/publish': [{ as: 'kbrev', expect: 'hidden', req: K((k) => post(`/api/v1/kb/articles/${k.pendingPublish}/publish`)) }],
  'POST /api/v1/kb/articles/{id}/unpublish': [{ as: 'kbrev', expect: 'hidden', req: K((k) => post(`/api/v1/kb/articles/${k.published}/unpublish`, { reason: '越权下架' })) }],
  'POST /api/v1/kb/articles/{id}/recycle': [{ as: 'kbed', expect: 'hidden', req: K((k) => post(`/api/v1/kb/articles/${k.offline}/recycle`, { reason: '越权回收' })) }],
  'POST /api/v1/kb/articles/{id}/restore': [{ as: 'kbed', expect: 'hidden', req: K((k) => post(`/api/v1/kb/articles/${k.recycled}/restore`)) }],
  'POST /api/v1/kb/articles/{id}/discard': [{ as: 'kbed', expect: 'hidden', req: K((k) => post(`/api/v1/kb/articles/${k.draft}/discard`)) }],
  'POST /api/v1/kb/articles/{id}/use': [{ as: 'kbed', expect: 'hidden', req: K((k) => post(`/api/v1/kb/articles/${k.published}/use`, { kind: 'view' })) }],
  'GET /api/v1/kb/search': [{ as: 'kbed', expect: 'list', req: K((k, t) => get(`/api/v1/kb/search?q=${encodeURIComponent(MARK)}&directoryId=${k.dir}&ownerTenantId=${t.tenant}`)), check: kbSearchInReach }],
  'POST /api/v1/kb/recommend': [{ as: 'kbed', expect: 'list', req: C((c) => post('/api/v1/kb/recommend', { text: MARK, itemId: c.item })), check: kbSearchInReach }],

  // ---- 企业库: records belong to the region that maintains them; upper levels read their subtree ----
  'GET /api/v1/enterprises': [
    { as: 'cat', expect: 'hidden', req: C((_, t) => get(`/api/v1/enterprises?tenantId=${t.tenant}`)) },
    { as: 'catrev', expect: 'hidden', req: C((_, t) => get(`/api/v1/enterprises?tenantId=${t.tenant}&status=pending`)) },
    { as: 'cat', expect: 'list', req: C((c) => get(`/api/v1/enterprises?keyword=${c.creditCode}&pageSize=200`)), check: scoped('subtree') },
  ],
  'POST /api/v1/enterprises': [{ as: 'cat', expect: 'hidden', req: C((_, t) => post('/api/v1/enterprises', { tenantId: t.tenant, creditCode: freshCode(), name: '攻击者录入的企业' })) }],
  'GET /api/v1/enterprises/by-code/{code}': [
    { as: 'cat', expect: 'hidden', req: C((c) => get(`/api/v1/enterprises/by-code/${c.creditCode}`)) },
    { as: 'catrev', expect: 'hidden', req: C((c) => get(`/api/v1/enterprises/by-code/${c.creditCode.toLowerCase()}`)) },
  ],
  'GET /api/v1/enterprises/export': [
    { as: 'cat', expect: 'hidden', req: C((_, t) => get(`/api/v1/enterprises/export?tenantId=${t.tenant}`)) },
    { as: 'catrev', expect: 'list', req: C((c) => get(`/api/v1/enterprises/export?keyword=${c.creditCode}`)), check: workbookClean },
  ],
  'POST /api/v1/enterprises/import': [{ as: 'cat', expect: 'hidden', req: C((_, t) => ({ method: 'POST', url: `/api/v1/enterprises/import?tenantId=${t.tenant}`, xlsx: UPLOAD.file })) }],
  'GET /api/v1/enterprises/{id}': [
    { as: 'cat', expect: 'hidden', req: C((c) => get(`/api/v1/enterprises/${c.enterprise}`)) },
    { as: 'catrev', expect: 'hidden', req: C((c) => get(`/api/v1/enterprises/${c.enterprise}`)) },
  ],
  'PATCH /api/v1/enterprises/{id}': [
    { as: 'cat', expect: 'hidden', req: C((c) => patch(`/api/v1/enterprises/${c.enterprise}`, { name: '被篡改的企业', tags: ['攻击'] })) },
    // Moving one's own record into B's region.
    { as: 'cat', expect: 'hidden', req: C((_, t, me) => patch(`/api/v1/enterprises/${own(me).enterprise}`, { tenantId: t.tenant })) },
  ],
  'DELETE /api/v1/enterprises/{id}': [{ as: 'cat', expect: 'hidden', req: C((c) => del(`/api/v1/enterprises/${c.enterprise}`)) }],
  'POST /api/v1/enterprises/{id}/approve': [{ as: 'catrev', expect: 'hidden', req: C((c) => post(`/api/v1/enterprises/${c.enterprise}/approve`, { opinion: '同意' })) }],
  'POST /api/v1/enterprises/{id}/reject': [{ as: 'catrev', expect: 'hidden', req: C((c) => post(`/api/v1/enterprises/${c.enterprise}/reject`, { opinion: '越权驳回' })) }],

  // ---- 办结时限: owned by a tenant, valid in its subtree; the root's rules are read-only below ----
  'GET /api/v1/time-limits': [
    { as: 'cat', expect: 'hidden', req: C((_, t) => get(`/api/v1/time-limits?tenantId=${t.tenant}`)) },
    { as: 'catrev', expect: 'hidden', req: C((_, t) => get(`/api/v1/time-limits?tenantId=${t.tenant}&level=2`)) },
    { as: 'cat', expect: 'list', req: C(() => get('/api/v1/time-limits?pageSize=200')), check: scoped('readable') },
    { as: 'catrev', expect: 'list', req: C(() => get('/api/v1/time-limits?level=2&pageSize=200')), check: scoped('readable') },
  ],
  'POST /api/v1/time-limits': [{ as: 'cat', expect: 'hidden', req: C((_, t) => post('/api/v1/time-limits', { tenantId: t.tenant, level: 2, amount: 1, unit: 'workday', note: '攻击者的规则' })) }],
  'GET /api/v1/time-limits/by-level': [{ as: 'cat', expect: 'hidden', req: C((_, t) => get(`/api/v1/time-limits/by-level?tenantId=${t.tenant}`)) }],
  'GET /api/v1/time-limits/by-industry': [{ as: 'catrev', expect: 'hidden', req: C((_, t) => get(`/api/v1/time-limits/by-industry?tenantId=${t.tenant}&level=2`)) }],
  'GET /api/v1/time-limits/resolve': [{ as: 'cat', expect: 'hidden', req: C((_, t) => get(`/api/v1/time-limits/resolve?tenantId=${t.tenant}&level=2`)) }],
  'GET /api/v1/time-limits/export': [
    { as: 'cat', expect: 'hidden', req: C((_, t) => get(`/api/v1/time-limits/export?tenantId=${t.tenant}`)) },
    { as: 'cat', expect: 'list', req: C(() => get('/api/v1/time-limits/export')), check: workbookClean },
  ],
  'POST /api/v1/time-limits/import': [{ as: 'cat', expect: 'hidden', req: C((_, t) => ({ method: 'POST', url: `/api/v1/time-limits/import?tenantId=${t.tenant}`, xlsx: UPLOAD.file })) }],
  'GET /api/v1/time-limits/{id}': [
    { as: 'cat', expect: 'hidden', req: C((c) => get(`/api/v1/time-limits/${c.timeLimit}`)) },
    { as: 'catrev', expect: 'hidden', req: C((c) => get(`/api/v1/time-limits/${c.timeLimit}`)) },
  ],
  'PATCH /api/v1/time-limits/{id}': [
    { as: 'cat', expect: 'hidden', req: C((c) => patch(`/api/v1/time-limits/${c.timeLimit}`, { amount: 99, note: '被篡改' })) },
    { as: 'cat', readOnly: (u) => patch(`/api/v1/time-limits/${u.timeLimit}`, { amount: 1 }), detail: timeLimitReadOnly },
  ],
  'DELETE /api/v1/time-limits/{id}': [
    { as: 'cat', expect: 'hidden', req: C((c) => del(`/api/v1/time-limits/${c.timeLimit}`)) },
    { as: 'cat', readOnly: (u) => del(`/api/v1/time-limits/${u.timeLimit}`), detail: timeLimitReadOnly },
  ],

  // ---- 三类清单: a region keeps its own entries; upper regions read (and review) their subtree ----
  'GET /api/v1/catalog/list-entries': [
    { as: 'cat', expect: 'list', req: C((_, t) => get(`/api/v1/catalog/list-entries?tenantId=${t.tenant}&pageSize=200`)), check: scoped('subtree') },
    { as: 'catrev', expect: 'list', req: C((c) => get(`/api/v1/catalog/list-entries?itemId=${c.item}&pageSize=200`)), check: scoped('subtree') },
    { as: 'cat', expect: 'list', req: C((c) => get(`/api/v1/catalog/list-entries?orgId=${c.org}&status=published`)), check: scoped('subtree') },
  ],
  'POST /api/v1/catalog/list-entries': [
    { as: 'cat', expect: 'hidden', req: C((c, t) => post('/api/v1/catalog/list-entries', { listType: 'responsibility', itemId: c.item, tenantId: t.tenant, unitName: '攻击者单位' })) },
    // B's local item and B's org as references in an entry of one's own region.
    { as: 'cat', expect: 'sameAsGhost', req: C((c) => post('/api/v1/catalog/list-entries', { listType: 'power', itemId: c.item, unitName: '攻击者单位' })) },
    { as: 'cat', expect: 'sameAsGhost', req: C((c, _, me) => post('/api/v1/catalog/list-entries', { listType: 'power', itemId: me.inherited!.item, orgId: c.org, role: 'assist' })) },
  ],
  'GET /api/v1/catalog/list-entries/{id}': [
    { as: 'cat', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/list-entries/${c.entry}`)) },
    { as: 'catrev', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/list-entries/${c.pendingEntry}`)) },
  ],
  'PATCH /api/v1/catalog/list-entries/{id}': [
    { as: 'cat', expect: 'hidden', req: C((c) => patch(`/api/v1/catalog/list-entries/${c.draftEntry}`, { duty: '被篡改的职责', role: 'assist' })) },
    { as: 'cat', expect: 'sameAsGhost', req: C((c, _, me) => patch(`/api/v1/catalog/list-entries/${own(me).draftEntry}`, { orgId: c.org })) },
  ],
  'DELETE /api/v1/catalog/list-entries/{id}': [{ as: 'cat', expect: 'hidden', req: C((c) => del(`/api/v1/catalog/list-entries/${c.draftEntry}`)) }],
  'GET /api/v1/catalog/list-entries/{id}/history': [{ as: 'cat', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/list-entries/${c.entry}/history`)) }],
  'GET /api/v1/catalog/responsibility/recommend': [
    { as: 'cat', expect: 'hidden', req: C((_, t, me) => get(`/api/v1/catalog/responsibility/recommend?itemId=${me.inherited!.item}&tenantId=${t.tenant}`)) },
    { as: 'catrev', expect: 'hidden', req: C((c, _, me) => get(`/api/v1/catalog/responsibility/recommend?itemId=${c.item}&tenantId=${me.tenant}`)) },
  ],
  'POST /api/v1/catalog/list-entries/{id}/revisions': [{ as: 'cat', expect: 'hidden', req: C((c) => post(`/api/v1/catalog/list-entries/${c.entry}/revisions`, { unitName: '攻击者单位', submit: true })) }],
  'POST /api/v1/catalog/list-entries/{id}/submit': [{ as: 'cat', expect: 'hidden', req: C((c) => post(`/api/v1/catalog/list-entries/${c.draftEntry}/submit`)) }],
  'POST /api/v1/catalog/list-entries/{id}/withdraw': [{ as: 'cat', expect: 'hidden', req: C((c) => post(`/api/v1/catalog/list-entries/${c.pendingEntry}/withdraw`)) }],
  'POST /api/v1/catalog/list-entries/{id}/offline': [{ as: 'cat', expect: 'hidden', req: C((c) => post(`/api/v1/catalog/list-entries/${c.entry}/offline`)) }],
  'POST /api/v1/catalog/list-entries/{id}/approve': [{ as: 'catrev', expect: 'hidden', req: C((c) => post(`/api/v1/catalog/list-entries/${c.pendingEntry}/approve`, { opinion: '同意' })) }],
  'POST /api/v1/catalog/list-entries/{id}/reject': [{ as: 'catrev', expect: 'hidden', req: C((c) => post(`/api/v1/catalog/list-entries/${c.pendingEntry}/reject`, { opinion: '越权退回' })) }],
  'GET /api/v1/catalog/list-entries/export': [
    { as: 'cat', expect: 'list', req: C((_, t) => get(`/api/v1/catalog/list-entries/export?tenantId=${t.tenant}`)), check: workbookClean },
    { as: 'catrev', expect: 'list', req: C((c) => get(`/api/v1/catalog/list-entries/export?listType=negative&itemId=${c.item}`)), check: workbookClean },
  ],
  'GET /api/v1/catalog/list-options/units': [
    { as: 'cat', expect: 'hidden', req: C((_, t) => get(`/api/v1/catalog/list-options/units?tenantId=${t.tenant}`)) },
    { as: 'catrev', expect: 'hidden', req: C((_, t) => get(`/api/v1/catalog/list-options/units?tenantId=${t.tenant}`)) },
  ],
  'GET /api/v1/catalog/list-options/items': [{ as: 'cat', expect: 'hidden', req: C((_, t) => get(`/api/v1/catalog/list-options/items?tenantId=${t.tenant}&keyword=${encodeURIComponent(MARK)}`)) }],

  // ---- 事项要素: shared down the tree like dictionaries; only the owning tenant edits one ----
  'GET /api/v1/catalog/elements/{id}': [
    { as: 'cat', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/elements/${c.element}`)) },
    { as: 'catrev', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/elements/${c.element2}`)) },
  ],
  'PATCH /api/v1/catalog/elements/{id}': [
    { as: 'cat', expect: 'hidden', req: C((c) => patch(`/api/v1/catalog/elements/${c.element}`, { name: '被篡改的要素', description: '攻击' })) },
    { as: 'cat', readOnly: (u) => patch(`/api/v1/catalog/elements/${u.relation.fromElementId}`, { name: '被篡改的要素' }), detail: () => ELEMENT_READ_ONLY },
  ],
  'DELETE /api/v1/catalog/elements/{id}': [
    { as: 'cat', expect: 'hidden', req: C((c) => del(`/api/v1/catalog/elements/${c.element2}`)) },
    { as: 'cat', readOnly: (u) => del(`/api/v1/catalog/elements/${u.relation.toElementId}`), detail: () => ELEMENT_READ_ONLY },
  ],
  'GET /api/v1/catalog/elements/{id}/versions': [{ as: 'cat', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/elements/${c.element}/versions`)) }],
  'POST /api/v1/catalog/element-relations': [
    { as: 'cat', expect: 'hidden', req: C((c, _, me) => post('/api/v1/catalog/element-relations', { fromElementId: c.element, toElementId: own(me).element, kind: 'association' })) },
    { as: 'cat', expect: 'hidden', req: C((c, _, me) => post('/api/v1/catalog/element-relations', { fromElementId: own(me).element, toElementId: c.element2, kind: 'dependency' })) },
    { as: 'cat', readOnly: (u, me) => post('/api/v1/catalog/element-relations', { fromElementId: u.relation.fromElementId, toElementId: own(me).element, kind: 'exclusive' }), detail: () => ELEMENT_READ_ONLY },
  ],
  'DELETE /api/v1/catalog/element-relations': [
    { as: 'cat', expect: 'hidden', req: C((c) => del(`/api/v1/catalog/element-relations?fromElementId=${c.element}&toElementId=${c.element2}&kind=association`)) },
    {
      as: 'cat',
      readOnly: (u) => del(`/api/v1/catalog/element-relations?fromElementId=${u.relation.fromElementId}&toElementId=${u.relation.toElementId}&kind=${u.relation.kind}`),
      detail: () => ELEMENT_READ_ONLY,
    },
  ],
  'GET /api/v1/catalog/items/{id}/elements': [
    { as: 'cat', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/items/${c.item}/elements`)) },
    { as: 'catrev', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/items/${c.item}/elements`)) },
  ],
  'PUT /api/v1/catalog/items/{id}/elements': [
    { as: 'cat', expect: 'hidden', req: C((c) => put(`/api/v1/catalog/items/${c.item}/elements`, { elements: [] })) },
    // B's element on one's own item.
    { as: 'cat', expect: 'sameAsGhost', req: C((c, _, me) => put(`/api/v1/catalog/items/${own(me).item}/elements`, { elements: [{ elementId: own(me).element }, { elementId: c.element, required: true }] })) },
    { as: 'cat', readOnly: (u) => put(`/api/v1/catalog/items/${u.item}/elements`, { elements: [] }), detail: () => '只能配置本区域事项的要素' },
  ],
  'GET /api/v1/catalog/items/{id}/form': [{ as: 'cat', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/items/${c.item}/form`)) }],
  'POST /api/v1/catalog/items/{id}/form/validate': [{ as: 'catrev', expect: 'hidden', req: C((c) => post(`/api/v1/catalog/items/${c.item}/form/validate`, { data: {} })) }],

  // ---- 事项目录 and 事项清单: the root's standard content is inherited read-only ----
  'GET /api/v1/catalog/categories': [
    { as: 'cat', expect: 'list', req: C((c) => get(`/api/v1/catalog/categories?createdOrgId=${c.org}&pageSize=200`)), check: scoped('readable') },
    { as: 'catrev', expect: 'list', req: C(() => get(`/api/v1/catalog/categories?name=${encodeURIComponent(MARK)}`)), check: scoped('readable') },
  ],
  'POST /api/v1/catalog/categories': [
    { as: 'cat', expect: 'hidden', req: C((c) => post('/api/v1/catalog/categories', { parentId: c.category, code: 'ATK-CAT-1', name: '挂到喀什目录下', submit: true })) },
    { as: 'cat', readOnly: (u) => post('/api/v1/catalog/categories', { parentId: u.category, code: 'ATK-CAT-2', name: '挂到自治区目录下' }), detail: () => '不能在上级统一制定的目录下新建子目录' },
  ],
  'GET /api/v1/catalog/categories/{id}': [
    { as: 'cat', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/categories/${c.category}`)) },
    { as: 'catrev', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/categories/${c.draftCategory}`)) },
  ],
  'PATCH /api/v1/catalog/categories/{id}': [
    { as: 'cat', expect: 'hidden', req: C((c) => patch(`/api/v1/catalog/categories/${c.category}`, { name: '被篡改的目录', submit: true })) },
    { as: 'cat', readOnly: (u) => patch(`/api/v1/catalog/categories/${u.category}`, { name: '被篡改的目录' }), detail: () => CATEGORY_READ_ONLY },
  ],
  'DELETE /api/v1/catalog/categories/{id}': [
    { as: 'cat', expect: 'hidden', req: C((c) => del(`/api/v1/catalog/categories/${c.draftCategory}`)) },
    { as: 'cat', readOnly: (u) => del(`/api/v1/catalog/categories/${u.category}`), detail: () => CATEGORY_READ_ONLY },
  ],
  'POST /api/v1/catalog/categories/{id}/offline': [
    { as: 'cat', expect: 'hidden', req: C((c) => post(`/api/v1/catalog/categories/${c.category}/offline`, { reason: '攻击', submit: true })) },
    { as: 'cat', readOnly: (u) => post(`/api/v1/catalog/categories/${u.category}/offline`, { reason: '攻击' }), detail: () => CATEGORY_READ_ONLY },
  ],
  'GET /api/v1/catalog/items': [
    { as: 'cat', expect: 'list', req: C((_, t) => get(`/api/v1/catalog/items?tenantId=${t.tenant}&pageSize=200`)), check: scoped('readable') },
    { as: 'catrev', expect: 'list', req: C(() => get(`/api/v1/catalog/items?q=${encodeURIComponent(MARK)}&origin=local`)), check: scoped('readable') },
    { as: 'cat', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/items?categoryId=${c.category}`)) },
  ],
  'POST /api/v1/catalog/items': [{ as: 'cat', expect: 'hidden', req: C((c) => post('/api/v1/catalog/items', { categoryId: c.category, code: 'ATK-ITEM-1', name: '塞进喀什目录的事项', submit: true })) }],
  'GET /api/v1/catalog/items/{id}': [
    { as: 'cat', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/items/${c.item}`)) },
    { as: 'catrev', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/items/${c.item}`)) },
  ],
  'PATCH /api/v1/catalog/items/{id}': [
    { as: 'cat', expect: 'hidden', req: C((c) => patch(`/api/v1/catalog/items/${c.item}`, { name: '被篡改的事项', submit: true })) },
    { as: 'cat', readOnly: (u) => patch(`/api/v1/catalog/items/${u.item}`, { description: '被篡改' }), detail: () => INHERITED_ITEM_MESSAGE },
  ],
  'DELETE /api/v1/catalog/items/{id}': [
    { as: 'cat', expect: 'hidden', req: C((c) => del(`/api/v1/catalog/items/${c.item}`)) },
    { as: 'cat', readOnly: (u) => del(`/api/v1/catalog/items/${u.item}`), detail: () => INHERITED_ITEM_MESSAGE },
  ],
  'POST /api/v1/catalog/items/{id}/lifecycle': [
    { as: 'cat', expect: 'hidden', req: C((c) => post(`/api/v1/catalog/items/${c.item}/lifecycle`, { action: 'void', reason: '攻击', submit: true })) },
    { as: 'cat', readOnly: (u) => post(`/api/v1/catalog/items/${u.item}/lifecycle`, { action: 'offline' }), detail: () => INHERITED_ITEM_MESSAGE },
  ],
  'POST /api/v1/catalog/items/{id}/rollback': [
    { as: 'cat', expect: 'hidden', req: C((c) => post(`/api/v1/catalog/items/${c.item}/rollback`, { version: 1 })) },
    { as: 'cat', readOnly: (u) => post(`/api/v1/catalog/items/${u.item}/rollback`, { version: 1 }), detail: () => INHERITED_ITEM_MESSAGE },
  ],
  'GET /api/v1/catalog/items/{id}/versions': [{ as: 'cat', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/items/${c.item}/versions`)) }],
  'GET /api/v1/catalog/items/{id}/versions/{version}': [{ as: 'catrev', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/items/${c.item}/versions/1`)) }],
  'GET /api/v1/catalog/items/{id}/diff': [{ as: 'cat', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/items/${c.item}/diff?from=0&to=1`)) }],
  'GET /api/v1/catalog/items/{id}/changes': [
    { as: 'cat', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/items/${c.item}/changes`)) },
    { as: 'catrev', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/items/${c.item}/changes`)) },
  ],
  'GET /api/v1/catalog/items/{id}/knowledge': [{ as: 'cat', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/items/${c.item}/knowledge`)) }],
  'POST /api/v1/catalog/items/{id}/knowledge': [
    { as: 'cat', expect: 'hidden', req: C((c) => post(`/api/v1/catalog/items/${c.item}/knowledge`, { articleId: randomUUID(), note: '攻击' })) },
    { as: 'cat', readOnly: (u) => post(`/api/v1/catalog/items/${u.item}/knowledge`, { articleId: randomUUID() }), detail: () => INHERITED_ITEM_MESSAGE },
  ],
  'DELETE /api/v1/catalog/items/{id}/knowledge/{articleId}': [
    { as: 'cat', expect: 'hidden', req: C((c) => del(`/api/v1/catalog/items/${c.item}/knowledge/${c.article}`)) },
    { as: 'cat', readOnly: (u) => del(`/api/v1/catalog/items/${u.item}/knowledge/${randomUUID()}`), detail: () => INHERITED_ITEM_MESSAGE },
  ],
  'GET /api/v1/catalog/items/export': [
    { as: 'cat', expect: 'list', req: C((_, t) => get(`/api/v1/catalog/items/export?tenantId=${t.tenant}`)), check: workbookClean },
    { as: 'catrev', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/items/export?categoryId=${c.category}`)) },
  ],

  // ---- 事项审核: changes are seen and decided within the caller's subtree ----
  'GET /api/v1/catalog/changes': [
    { as: 'cat', expect: 'list', req: C((c) => get(`/api/v1/catalog/changes?entityId=${c.item}&pageSize=200`)), check: scoped('subtree') },
    { as: 'catrev', expect: 'list', req: C(() => get('/api/v1/catalog/changes?reviewable=true&status=pending&pageSize=200')), check: scoped('subtree') },
  ],
  'GET /api/v1/catalog/changes/{id}': [
    { as: 'cat', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/changes/${c.draftChange}`)) },
    { as: 'catrev', expect: 'hidden', req: C((c) => get(`/api/v1/catalog/changes/${c.pendingChange}`)) },
  ],
  'DELETE /api/v1/catalog/changes/{id}': [{ as: 'cat', expect: 'hidden', req: C((c) => del(`/api/v1/catalog/changes/${c.draftChange}`)) }],
  'POST /api/v1/catalog/changes/{id}/submit': [{ as: 'cat', expect: 'hidden', req: C((c) => post(`/api/v1/catalog/changes/${c.draftChange}/submit`)) }],
  'POST /api/v1/catalog/changes/{id}/approve': [{ as: 'catrev', expect: 'hidden', req: C((c) => post(`/api/v1/catalog/changes/${c.pendingChange}/approve`, { opinion: '同意' })) }],
  'POST /api/v1/catalog/changes/{id}/reject': [{ as: 'catrev', expect: 'hidden', req: C((c) => post(`/api/v1/catalog/changes/${c.pendingChange}/reject`, { opinion: '越权退回' })) }],
  'POST /api/v1/catalog/changes/{id}/withdraw': [{ as: 'cat', expect: 'hidden', req: C((c) => post(`/api/v1/catalog/changes/${c.pendingChange}/withdraw`)) }],

  // ---- 实施清单: per tenant; adoption and local detail are the (visible) lower tenant's ----
  'GET /api/v1/catalog/implementation': [
    { as: 'cat', expect: 'hidden', req: C((_, t) => get(`/api/v1/catalog/implementation?tenantId=${t.tenant}`)) },
    { as: 'catrev', expect: 'hidden', req: C((_, t) => get(`/api/v1/catalog/implementation?tenantId=${t.tenant}&kind=local`)) },
  ],
  'GET /api/v1/catalog/implementation/{itemId}': [
    { as: 'cat', expect: 'hidden', req: C((c, t) => get(`/api/v1/catalog/implementation/${c.adopted}?tenantId=${t.tenant}`)) },
    // B's local item in one's own 实施清单.
    { as: 'cat', expect: 'hidden', req: C((c, _, me) => get(`/api/v1/catalog/implementation/${c.item}?tenantId=${me.tenant}`)) },
  ],
  'GET /api/v1/catalog/implementation/{itemId}/changes': [{ as: 'cat', expect: 'hidden', req: C((c, t) => get(`/api/v1/catalog/implementation/${c.adopted}/changes?tenantId=${t.tenant}`)) }],
  'PUT /api/v1/catalog/implementation/{itemId}/local-detail': [
    { as: 'cat', expect: 'hidden', req: C((c, t) => put(`/api/v1/catalog/implementation/${c.adopted}/local-detail`, { tenantId: t.tenant, rules: '被篡改的实施细则', materials: [] })) },
  ],
  'POST /api/v1/catalog/implementation/{itemId}/accept': [{ as: 'cat', expect: 'hidden', req: C((c, t) => post(`/api/v1/catalog/implementation/${c.adopted}/accept`, { tenantId: t.tenant })) }],
  'POST /api/v1/catalog/implementation/{itemId}/exclude': [{ as: 'cat', expect: 'hidden', req: C((c, t) => post(`/api/v1/catalog/implementation/${c.adopted}/exclude`, { tenantId: t.tenant, reason: '攻击者排除' })) }],
};

/** The workbook an Excel attack uploads (set once the platform is up). */
const UPLOAD: { file: Buffer } = { file: Buffer.alloc(0) };

function itemsOf(body: unknown): Json[] {
  return (body as { items: Json[] }).items;
}

function usersInSubtree(body: unknown, me: Attacker): void {
  for (const u of itemsOf(body)) expect(me.subtree.has(String(u.tenantId)), `user ${String(u.username)} outside ${me.name}'s subtree`).toBe(true);
}

function sessionsInSubtree(body: unknown, me: Attacker, ctx: Ctx): void {
  for (const s of itemsOf(body)) expect(me.subtree.has(ctx.userTenant.get(String(s.userId)) ?? ''), `session of ${String(s.username)}`).toBe(true);
}

function auditInSubtree(body: unknown, me: Attacker): void {
  for (const r of itemsOf(body)) expect(me.subtree.has(String(r.tenantId)), `audit row ${String(r.id)} (${String(r.action)})`).toBe(true);
}

/**
 * Catalogue rows: nothing of B's (its records all carry MARK), and every row's tenant in the
 * attacker's subtree — or, for content issued down the tree ('readable'), in a tenant above it.
 */
function scoped(scope: 'subtree' | 'readable', field = 'tenantId') {
  return (body: unknown, me: Attacker): void => {
    expect(JSON.stringify(body).includes(MARK), `${me.name} is shown a record of 喀什`).toBe(false);
    for (const r of itemsOf(body)) {
      const t = String(r[field]);
      expect(me.subtree.has(t) || (scope === 'readable' && me.above.has(t)), `${me.name} is shown row ${String(r.id)} of tenant ${t}`).toBe(true);
    }
  };
}

async function workbookText(body: unknown): Promise<string> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  const cells: string[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => cells.push(JSON.stringify(row.values))));
  return cells.join('\n');
}

/** An exported workbook holds none of B's records. */
async function workbookClean(body: unknown, me: Attacker): Promise<void> {
  expect(Buffer.isBuffer(body), 'an .xlsx file').toBe(true);
  expect((await workbookText(body)).includes(MARK), `${me.name} exported a record of 喀什`).toBe(false);
}

async function exportInSubtree(body: unknown, me: Attacker, ctx: Ctx): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('审计日志')!;
  const exported: number[] = [];
  ws.eachRow((row, n) => {
    if (n > 1) exported.push(Number(row.getCell(1).value));
  });
  if (exported.length === 0) return;
  const rows = await ctx.p.deps.db.selectFrom('audit_log').select(['id', 'tenant_id']).where('id', 'in', exported).execute();
  expect(rows).toHaveLength(exported.length);
  for (const r of rows) expect(me.subtree.has(r.tenant_id ?? ''), `exported audit row ${r.id}`).toBe(true);
}

/** Articles listed to a knowledge editor: their own tenant's only. */
async function kbArticlesInTenant(body: unknown, me: Attacker): Promise<void> {
  const items = (body as { items: { tenantId: string; title: string }[] }).items;
  for (const a of items) expect(a.tenantId, a.title).toBe(me.tenant);
}

/** Search and recommendation hits: knowledge of the caller's tenant or of a tenant above it, never B's. */
async function kbSearchInReach(body: unknown, me: Attacker, ctx: Ctx): Promise<void> {
  const items = (body as { items: { id: string }[] }).items;
  if (items.length === 0) return;
  const rows = await ctx.p.deps.db.selectFrom('kb_article').select(['id', 'tenant_id']).where('id', 'in', items.map((i) => i.id)).execute();
  for (const r of rows) expect(r.tenant_id === me.tenant || me.above.has(r.tenant_id), `hit ${r.id} of tenant ${r.tenant_id}`).toBe(true);
}

function takesIds(path: string, op: Operation): boolean {
  // The work-order module keeps its own attack matrix (tickets-tenancy.int.test.ts) with its own coverage check.
  if (TICKET_API.test(path)) return false;
  if (/\{[^}]+\}/.test(path)) return true;
  if ((op.parameters ?? []).some((p) => p.in === 'query' && ID_INPUT.test(p.name))) return true;
  const props = op.requestBody?.content['application/json']?.schema.properties ?? {};
  return Object.keys(props).some((k) => ID_INPUT.test(k));
}

async function send(c: Client, r: Req): Promise<Res<unknown>> {
  const headers = { authorization: `Bearer ${c.token ?? ''}`, 'user-agent': 'vitest' };
  if (r.xlsx) {
    const res = await c.p.app.inject({ method: r.method, url: r.url, headers: { ...headers, 'content-type': XLSX_MIME }, payload: r.xlsx });
    return { status: res.statusCode, body: res.json(), headers: res.headers };
  }
  if (r.url.includes('/export')) {
    // Binary: read the raw payload so the workbook can be parsed back.
    const res = await c.p.app.inject({ method: 'GET', url: r.url, headers });
    const type = String(res.headers['content-type'] ?? '');
    return { status: res.statusCode, body: type.includes('json') ? res.json() : res.rawPayload, headers: res.headers };
  }
  return c.req<unknown>(r.method, r.url, r.body ?? (r.method === 'POST' ? {} : undefined));
}

/** Catalogue and knowledge tables are large (seeded content): compared by a digest computed in the database. */
const CATALOG_TABLES = [
  'kb_type',
  'kb_directory',
  'kb_article',
  'kb_revision',
  'kb_hot_word',
  'kb_synonym',
  'enterprise',
  'time_limit',
  'catalog_category',
  'catalog_item',
  'catalog_item_version',
  'catalog_change',
  'catalog_publication',
  'catalog_adoption',
  'catalog_item_knowledge',
  'catalog_list_entry',
  'catalog_element',
  'catalog_element_version',
  'catalog_element_relation',
  'catalog_item_element',
] as const;

/** Everything an attack could change, minus columns that move on their own (session activity); by table. */
async function snapshot(p: TestPlatform): Promise<Record<string, string>> {
  const db = p.deps.db;
  const tables: Record<string, Promise<unknown[]>> = {
    tenant: db.selectFrom('tenant').selectAll().orderBy('id').execute(),
    tenant_product: db.selectFrom('tenant_product').selectAll().orderBy('tenant_id').orderBy('product_key').execute(),
    tenant_menu: db.selectFrom('tenant_menu').selectAll().orderBy('tenant_id').orderBy('menu_key').execute(),
    org: db.selectFrom('org').selectAll().orderBy('id').execute(),
    app_user: db.selectFrom('app_user').selectAll().orderBy('id').execute(),
    role: db.selectFrom('role').selectAll().orderBy('id').execute(),
    user_role: db.selectFrom('user_role').selectAll().orderBy('user_id').orderBy('role_id').execute(),
    session: db.selectFrom('session').select(['id', 'user_id', 'revoked_at', 'revoke_reason']).orderBy('id').execute(),
    dict_type: db.selectFrom('dict_type').selectAll().orderBy('code').execute(),
    dict_item: db.selectFrom('dict_item').selectAll().orderBy('id').execute(),
    notification: db.selectFrom('notification').selectAll().orderBy('id').execute(),
    notification_recipient: db.selectFrom('notification_recipient').selectAll().orderBy('notification_id').orderBy('user_id').execute(),
    sys_param: db.selectFrom('sys_param').select(['key', 'value']).orderBy('key').execute(),
    catalog: sql`${sql.join(
      CATALOG_TABLES.map((t) => sql`select ${t} as t, count(*)::int as n, coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as h from ${sql.table(t)} x`),
      sql` union all `,
    )}`
      .execute(db)
      .then((r) => r.rows),
  };
  const out: Record<string, string> = {};
  for (const [name, rows] of Object.entries(tables)) {
    const list = await rows;
    if (name !== 'catalog') out[name] = JSON.stringify(list);
    else for (const r of list as { t: string; n: number; h: string }[]) out[r.t] = `${r.n}:${r.h}`;
  }
  return out;
}

/** Names of the tables that differ between two snapshots. */
function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys(before).filter((k) => before[k] !== after[k]);
}

/** B's own catalogue rows, in full: unchanged after every attack. */
async function catalogRowsOf(p: TestPlatform, tenantId: string): Promise<string> {
  const db = p.deps.db;
  const itemIds = db.selectFrom('catalog_item').select('id').where('tenant_id', '=', tenantId);
  const elementIds = db.selectFrom('catalog_element').select('id').where('tenant_id', '=', tenantId);
  const parts = await Promise.all([
    db.selectFrom('enterprise').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
    db.selectFrom('time_limit').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
    db.selectFrom('catalog_category').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
    db.selectFrom('catalog_item').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
    db.selectFrom('catalog_item_version').selectAll().where('item_id', 'in', itemIds).orderBy('item_id').orderBy('version').execute(),
    db.selectFrom('catalog_item_knowledge').selectAll().where('item_id', 'in', itemIds).orderBy('item_id').orderBy('article_id').execute(),
    db.selectFrom('catalog_item_element').selectAll().where('item_id', 'in', itemIds).orderBy('item_id').orderBy('element_id').execute(),
    db.selectFrom('catalog_change').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
    db.selectFrom('catalog_adoption').selectAll().where('tenant_id', '=', tenantId).orderBy('item_id').execute(),
    db.selectFrom('catalog_list_entry').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
    db.selectFrom('catalog_element').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute(),
    db.selectFrom('catalog_element_version').selectAll().where('element_id', 'in', elementIds).orderBy('element_id').orderBy('version').execute(),
    db.selectFrom('catalog_element_relation').selectAll().where('from_element_id', 'in', elementIds).orderBy('to_element_id').orderBy('kind').execute(),
  ]);
  for (const [i, rows] of parts.entries()) expect(rows.length, `B's catalogue part #${i} is empty`).toBeGreaterThan(0);
  return JSON.stringify(parts);
}

function flatten(nodes: { id: string; children: unknown[] }[]): string[] {
  return nodes.flatMap((n) => [n.id, ...flatten(n.children as { id: string; children: unknown[] }[])]);
}

describe('tenant isolation: cross-tenant attack matrix', () => {
  let p: TestPlatform;
  let sys: Client;
  let sec: Client;
  let aud: Client;
  let I: Awaited<ReturnType<typeof ids>>;
  let A: string;
  let A2: string;
  let B: string;
  let bTarget: Target;
  let aTarget: Target;
  let ghost: Target;
  let attackers: Attacker[];
  let ctx: Ctx;
  let subtreeOf: (tenantId: string) => Promise<Set<string>>;
  let aboveOf: (tenantId: string) => Promise<Set<string>>;
  let inherited: Inherited;
  let kashCatalog: Client;
  let catalog01: Client;
  let catreview01: Client;
  /** B's catalogue rows as set up, before any attack. */
  let bCatalogBefore: string;

  /** sysadmin creates the user, secadmin grants the role, the user logs in and sets a password. */
  async function provision(tenantId: string, orgCode: string, username: string, roleCode: string | null): Promise<{ id: string; c: Client }> {
    const created = await sys.post<{ id: string }>('/api/v1/users', { tenantId, orgId: await I.org(orgCode), username, displayName: username, password: INIT_PW });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    if (roleCode) {
      const granted = await sec.patch(`/api/v1/users/${created.body.id}`, { roleIds: [await I.role(roleCode)] });
      expect(granted.status, JSON.stringify(granted.body)).toBe(200);
    }
    const c = await login(p, username, INIT_PW);
    const changed = await c.post('/api/v1/me/password', { oldPassword: INIT_PW, newPassword: NEW_PW });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    return { id: created.body.id, c };
  }

  /** B's knowledge, written, reviewed and configured by B's own knowledge staff. */
  async function knowledgeOf(tenantId: string): Promise<KnowledgeTarget> {
    const editor = (await provision(tenantId, 'KS-12345', 'kash_kbed', 'kb_editor')).c;
    const reviewer = (await provision(tenantId, 'KS-12345', 'kash_kbrev', 'kb_reviewer')).c;
    const admin = (await provision(tenantId, 'KS-12345', 'kash_kbadm', 'kb_admin')).c;
    const ok = async <T>(res: Promise<Res<T>>, what: string) => {
      const r = await res;
      expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
      return r.body;
    };
    const dir = await ok(admin.post<{ id: string }>('/api/v1/kb/directories', { name: `${MARK}目录` }), 'kb directory');
    const order = ['draft', 'pendingReview', 'pendingPublish', 'published', 'offline', 'recycled'] as const;
    const article = async (to: (typeof order)[number]) => {
      const a = await ok(editor.post<{ id: string }>('/api/v1/kb/articles', { directoryId: dir.id, typeCode: 'faq', title: `${MARK}知识（${to}）`, body: MARK, fields: { question: MARK }, basis: MARK }), to);
      const reach = (s: (typeof order)[number]) => order.indexOf(to) >= order.indexOf(s);
      if (reach('pendingReview')) await ok(editor.post(`/api/v1/kb/articles/${a.id}/submit`), 'submit');
      if (reach('pendingPublish')) await ok(reviewer.post(`/api/v1/kb/articles/${a.id}/review`, { decision: 'approve' }), 'approve');
      if (reach('published')) await ok(reviewer.post(`/api/v1/kb/articles/${a.id}/publish`), 'publish');
      if (reach('offline')) await ok(reviewer.post(`/api/v1/kb/articles/${a.id}/unpublish`, { reason: MARK }), 'unpublish');
      if (reach('recycled')) await ok(editor.post(`/api/v1/kb/articles/${a.id}/recycle`, { reason: MARK }), 'recycle');
      return a.id;
    };
    const published = await article('published');
    const hotWord = await ok(admin.post<{ id: string }>('/api/v1/kb/hot-words', { word: MARK, articleIds: [published] }), 'hot word');
    await ok(admin.put('/api/v1/kb/synonyms', { items: [{ term: MARK, synonyms: ['喀什同义词'] }] }), 'synonyms');
    return {
      dir: dir.id,
      hotWord: hotWord.id,
      draft: await article('draft'),
      pendingReview: await article('pendingReview'),
      pendingPublish: await article('pendingPublish'),
      published,
      offline: await article('offline'),
      recycled: await article('recycled'),
    };
  }

  /** A call of the tenant owning the number, with a recording in the blob store, as the media role stores it. */
  async function callOf(tenantCode: string, id: string): Promise<string> {
    const at = Date.parse('2026-01-05T10:00:00+08:00');
    const cdr = { id, sipCallId: `${id}@carrier`, caller: '13812345678', callerWithheld: false, callee: '12345', startedAt: at, endedAt: at + 60_000, endReason: 'caller-hangup' as const, ivrPath: ['menu'], ivrInputs: [], dtmf: '1', transfers: [], legs: [], holdSeconds: 0, queue: 'mandarin', agent: '1001' };
    const recording = await p.deps.blobs.put(callAudioKey('recordings', cdr), Buffer.from(`RIFF ${MARK}`), { contentType: 'audio/wav' });
    const voicemail = await p.deps.blobs.put(callAudioKey('voicemail', cdr), Buffer.from(`RIFF ${MARK}`), { contentType: 'audio/wav' });
    await insertCdr(p.deps.db, tenantCode, cdr, { recording, voicemail });
    return id;
  }

  /** No route starts an import yet, so the job is started the way a module's import route would. */
  async function importJobOf(c: Client): Promise<string> {
    const actor = await authenticate(p.deps, c.token!, { ip: '127.0.0.1', userAgent: 'vitest' });
    const job = startImport(p.deps, actor, 'tenancy-test', async () => {});
    await job.done;
    expect((await c.get(`/api/v1/imports/${job.id}`)).status).toBe(200);
    return job.id;
  }

  async function latestSession(userId: string): Promise<string> {
    const s = await p.deps.db.selectFrom('session').select('id').where('user_id', '=', userId).where('revoked_at', 'is', null).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    return s.id;
  }

  /** The request succeeded with `status`; its body. */
  function ok<T>(res: Res<T>, status: number, what: string): T {
    expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(status);
    return res.body;
  }

  /** A real workbook to upload (the enterprise import template), read as raw bytes. */
  async function templateFile(c: Client): Promise<Buffer> {
    const res = await p.app.inject({ url: '/api/v1/enterprises/import-template', headers: { authorization: `Bearer ${c.token ?? ''}`, 'user-agent': 'vitest' } });
    expect(res.statusCode).toBe(200);
    return res.rawPayload;
  }

  /** A change made by a catalogue admin, approved by the root's reviewer (four eyes). */
  async function approved(changeId: string, what: string): Promise<void> {
    ok(await catreview01.post(`/api/v1/catalog/changes/${changeId}/approve`, { opinion: '同意' }), 200, `approve ${what}`);
  }

  /** What the root issues down: a rule, a standard item on its leaf category, a relation of two elements. */
  async function rootCatalog(): Promise<Inherited> {
    const root = (await p.deps.db.selectFrom('tenant').select(['id', 'name']).where('level', '=', 1).where('kind', '=', 'region').executeTakeFirstOrThrow());
    const rules = ok(await catalog01.get<{ items: { id: string; tenantName: string }[] }>(`/api/v1/time-limits?tenantId=${root.id}&pageSize=1`), 200, 'root rules');
    const items = ok(await catalog01.get<{ items: { id: string; categoryId: string; tenantId: string }[] }>('/api/v1/catalog/items?origin=standard&status=published&pageSize=1'), 200, 'root items');
    const graph = ok(await catalog01.get<{ edges: { from: string; to: string; kind: string }[] }>('/api/v1/catalog/elements/graph'), 200, 'element graph');
    const edge = graph.edges.find((e) => e.kind === 'association') ?? graph.edges[0]!;
    expect(items.items[0]!.tenantId).toBe(root.id);
    return {
      ownerName: rules.items[0]!.tenantName,
      timeLimit: rules.items[0]!.id,
      item: items.items[0]!.id,
      category: items.items[0]!.categoryId,
      relation: { fromElementId: edge.from, toElementId: edge.to, kind: edge.kind },
    };
  }

  /** A tenant's catalogue, set up through the API by its own 事项管理员 `c` (tenant B). */
  async function catalogOf(c: Client, tenantId: string, org: string): Promise<CatalogTarget> {
    const code = creditCode(1, '653100');
    const enterprise = ok(await c.post<{ id: string; status: string }>('/api/v1/enterprises', { creditCode: code, name: `${MARK}企业`, legalPerson: MARK, contacts: [{ name: '联系人', phone: '13800000000' }] }), 201, 'B enterprise');
    expect(enterprise.status).toBe('pending');
    const rule = ok(await c.post<{ id: string }>('/api/v1/time-limits', { level: 2, amount: 6, unit: 'workday', legalBasis: MARK, note: MARK }), 201, 'B time limit');
    // A published local category with a published local item on it (created by B, approved at the root).
    const category = ok(await c.post<{ id: string; openChange: { id: string } }>('/api/v1/catalog/categories', { code: 'KS-TGT-CAT', name: `${MARK}目录`, submit: true }), 201, 'B category');
    await approved(category.openChange.id, 'B category');
    const item = ok(await c.post<{ id: string; origin: string; openChange: { id: string } }>('/api/v1/catalog/items', { categoryId: category.id, code: 'KS-TGT-ITEM', name: `${MARK}事项`, description: MARK, keywords: [MARK], submit: true }), 201, 'B item');
    expect(item.origin).toBe('local');
    await approved(item.openChange.id, 'B item');
    // Open changes: an edit of the item waiting for review, a new category kept as a draft.
    const edited = ok(await c.patch<{ openChange: { id: string; status: string } }>(`/api/v1/catalog/items/${item.id}`, { description: `${MARK}（修订中）`, submit: true }), 200, 'B item edit');
    expect(edited.openChange.status).toBe('pending');
    const draftCategory = ok(await c.post<{ id: string; openChange: { id: string; status: string } }>('/api/v1/catalog/categories', { code: 'KS-TGT-DRAFT', name: `${MARK}草稿目录` }), 201, 'B draft category');
    expect(draftCategory.openChange.status).toBe('draft');
    // 三类清单: a published 职责清单 entry (B's org as lead unit), a draft and a pending one.
    const entry = ok(await c.post<{ id: string }>('/api/v1/catalog/list-entries', { listType: 'responsibility', itemId: item.id, orgId: org, role: 'lead', duty: MARK, submit: true }), 201, 'B entry');
    expect(ok(await catreview01.post<{ status: string }>(`/api/v1/catalog/list-entries/${entry.id}/approve`, { opinion: '同意' }), 200, 'approve B entry').status).toBe('published');
    const draftEntry = ok(await c.post<{ id: string }>('/api/v1/catalog/list-entries', { listType: 'power', itemId: item.id, unitName: `${MARK}单位`, duty: MARK }), 201, 'B draft entry');
    const pendingEntry = ok(await c.post<{ id: string }>('/api/v1/catalog/list-entries', { listType: 'negative', itemId: item.id, unitName: `${MARK}负面单位`, duty: MARK, submit: true }), 201, 'B pending entry');
    // Elements of B, linked, configured on B's item; a knowledge link.
    const element = ok(await c.post<{ id: string }>('/api/v1/catalog/elements', { code: 'ks.tgt_text', name: `${MARK}要素甲`, dataType: 'text', description: MARK }), 201, 'B element');
    const element2 = ok(await c.post<{ id: string }>('/api/v1/catalog/elements', { code: 'ks.tgt_number', name: `${MARK}要素乙`, dataType: 'number', validation: { min: 0 } }), 201, 'B element 2');
    ok(await c.post('/api/v1/catalog/element-relations', { fromElementId: element.id, toElementId: element2.id, kind: 'association' }), 201, 'B relation');
    ok(await c.put(`/api/v1/catalog/items/${item.id}/elements`, { elements: [{ elementId: element.id, required: true }, { elementId: element2.id }] }), 200, 'B item elements');
    const article = randomUUID();
    ok(await c.post(`/api/v1/catalog/items/${item.id}/knowledge`, { articleId: article, note: MARK }), 201, 'B knowledge link');
    // 实施清单: B adopts the root's standard item with local detail of its own.
    ok(await c.put(`/api/v1/catalog/implementation/${inherited.item}/local-detail`, { tenantId, rules: MARK, materials: [MARK], contactUnit: MARK }), 200, 'B local detail');
    expect(ok(await c.post<{ adoptionStatus: string }>(`/api/v1/catalog/implementation/${inherited.item}/accept`, { tenantId }), 200, 'B adoption').adoptionStatus).toBe('active');
    return {
      enterprise: enterprise.id,
      creditCode: code,
      timeLimit: rule.id,
      entry: entry.id,
      draftEntry: draftEntry.id,
      pendingEntry: pendingEntry.id,
      element: element.id,
      element2: element2.id,
      category: category.id,
      draftCategory: draftCategory.id,
      item: item.id,
      pendingChange: edited.openChange.id,
      draftChange: draftCategory.openChange.id,
      article,
      adopted: inherited.item,
      org,
    };
  }

  /** The attacker's own records, to carry B's ids in otherwise valid requests. */
  async function ownCatalog(c: Client, tenantId: string): Promise<OwnCatalog> {
    const enterprise = ok(await c.post<{ id: string; tenantId: string }>('/api/v1/enterprises', { creditCode: creditCode(1, '650100'), name: '乌鲁木齐自有企业' }), 201, 'own enterprise');
    expect(enterprise.tenantId).toBe(tenantId);
    const element = ok(await c.post<{ id: string }>('/api/v1/catalog/elements', { code: 'wl.own_text', name: '乌鲁木齐自有要素', dataType: 'text' }), 201, 'own element');
    // A local item filed on the root's (inherited) leaf category belongs to the filing tenant.
    const item = ok(await c.post<{ id: string; tenantId: string; openChange: { id: string } }>('/api/v1/catalog/items', { categoryId: inherited.category, code: 'WL-OWN-ITEM', name: '乌鲁木齐本地事项', submit: true }), 201, 'own item');
    expect(item.tenantId).toBe(tenantId);
    await approved(item.openChange.id, 'own item');
    const draftEntry = ok(await c.post<{ id: string }>('/api/v1/catalog/list-entries', { listType: 'power', itemId: inherited.item, unitName: '乌鲁木齐自有单位' }), 201, 'own draft entry');
    return { enterprise: enterprise.id, element: element.id, item: item.id, draftEntry: draftEntry.id };
  }

  beforeAll(async () => {
    p = await createTestPlatform();
    I = await ids(p);
    [sys, sec, aud] = await Promise.all([login(p, 'sysadmin'), login(p, 'secadmin'), login(p, 'auditadmin')]);
    A = await I.tenant('650100');
    A2 = await I.tenant('650102');
    B = await I.tenant('653100');
    const bCounty = await I.tenant('653101');
    subtreeOf = async (tenantId) => {
      const t = await p.deps.db.selectFrom('tenant').select('path').where('id', '=', tenantId).executeTakeFirstOrThrow();
      return new Set((await p.deps.db.selectFrom('tenant').select('id').where('path', 'like', `${t.path}%`).execute()).map((r) => r.id));
    };
    aboveOf = async (tenantId) => {
      const t = await p.deps.db.selectFrom('tenant').select('path').where('id', '=', tenantId).executeTakeFirstOrThrow();
      return new Set(t.path.split('/').filter((id) => id && id !== tenantId));
    };

    // ---- tenant B's records, made by the root admins and by B's own admin ----
    const orgB = await sys.post<{ id: string }>('/api/v1/orgs', { tenantId: B, code: 'KS-TARGET', name: '喀什地区测试科室', kind: 'department' });
    expect(orgB.status).toBe(201);
    const userB = await sys.post<{ id: string }>('/api/v1/users', { tenantId: B, orgId: await I.org('KS-RSJ'), username: 'kash_target', displayName: '喀什目标用户', password: INIT_PW });
    expect(userB.status).toBe(201);
    const roleB = await sec.post<{ id: string }>('/api/v1/roles', { tenantId: B, code: 'kash_custom', name: '喀什自定义角色', dataScope: 'tenant', permissions: ['dashboard:view', 'message:read'] });
    expect(roleB.status).toBe(201);
    const adminB = await provision(B, 'KS-12345', 'admin_kash', 'sys_admin');
    const dictB = await adminB.c.post('/api/v1/dicts', { code: 'kash_dict', name: '喀什地区专用字典' });
    expect(dictB.status, JSON.stringify(dictB.body)).toBe(201);
    const itemB = await adminB.c.post<{ id: string }>('/api/v1/dicts/kash_dict/items', { value: 'k1', label: '喀什项' });
    expect(itemB.status).toBe(201);
    const kashHandler = await I.user('handler_kash');
    const noteB = await adminB.c.post<{ id: string }>('/api/v1/notifications', { title: '喀什内部通知', body: '仅限喀什', targets: [{ type: 'user', id: kashHandler }] });
    expect(noteB.status).toBe(201);
    const kashSession = await login(p, 'handler_kash');
    bTarget = {
      label: '喀什 653100',
      tenant: B,
      county: bCounty,
      org: orgB.body.id,
      user: userB.body.id,
      role: roleB.body.id,
      notification: noteB.body.id,
      session: await latestSession(kashHandler),
      dict: { code: 'kash_dict', item: itemB.body.id },
      importJob: await importJobOf(kashSession),
      call: await callOf('653100', 'tenancy-call-kash'),
    };

    // ---- B's catalogue, kept by B's own 事项管理员 and reviewed at the root ----
    catalog01 = await login(p, 'catalog01');
    catreview01 = await login(p, 'catreview01');
    kashCatalog = (await provision(B, 'KS-12345', 'kash_catalog', 'catalog_admin')).c;
    UPLOAD.file = await templateFile(catalog01);
    inherited = await rootCatalog();
    bTarget.cat = await catalogOf(kashCatalog, B, await I.org('KS-12345'));
    bTarget.kb = await knowledgeOf(B);

    // ---- tenant A's attackers ----
    const adminWlmq = await login(p, 'admin_wlmq');
    const tsAdmin = await provision(A2, 'TS-ZWFW', 'ts_admin', 'sys_admin');
    const secWlmq = await provision(A, 'WLMQ-12345', 'sec_wlmq', 'security_admin');
    const auditWlmq = await provision(A, 'WLMQ-12345', 'audit_wlmq', 'audit_admin');
    const aSubtree = await subtreeOf(A);
    const a2Subtree = await subtreeOf(A2);
    const handlerWlmq = await I.user('handler_wlmq');
    const handlerTs = await I.user('handler_ts');
    const wlmq = { tenant: A, org: await I.org('WLMQ-12345'), user: handlerWlmq, subtree: aSubtree, above: await aboveOf(A) };
    // 乌鲁木齐's catalogue staff: the seeded 事项管理员 and a 事项审核员 made here.
    const catalogWlmq = await login(p, 'catalog_wlmq');
    const catreviewWlmq = await provision(A, 'WLMQ-12345', 'catreview_wlmq', 'catalog_reviewer');
    attackers = [
      { name: 'admin_wlmq', kind: 'sys', c: adminWlmq, ...wlmq },
      { name: 'ts_admin', kind: 'sys', c: tsAdmin.c, tenant: A2, org: await I.org('TS-ZWFW'), user: handlerTs, subtree: a2Subtree, above: await aboveOf(A2) },
      { name: 'sec_wlmq', kind: 'sec', c: secWlmq.c, ...wlmq },
      { name: 'audit_wlmq', kind: 'audit', c: auditWlmq.c, ...wlmq },
      { name: 'catalog_wlmq', kind: 'cat', c: catalogWlmq, ...wlmq, user: await I.user('catalog_wlmq'), inherited, own: await ownCatalog(catalogWlmq, A) },
      { name: 'catreview_wlmq', kind: 'catrev', c: catreviewWlmq.c, ...wlmq, user: catreviewWlmq.id, inherited },
      // Call-center supervisors (通话记录, recordings) of 乌鲁木齐 and of 天山区 (which also attacks upwards).
      { name: 'tel_wlmq', kind: 'tel', c: (await provision(A, 'WLMQ-12345', 'tel_wlmq', 'supervisor')).c, ...wlmq },
      // 乌鲁木齐's knowledge staff: the seeded editor and reviewer, and a knowledge admin made here.
      { name: 'kbeditor_wlmq', kind: 'kbed', c: await login(p, 'kbeditor_wlmq'), ...wlmq, user: await I.user('kbeditor_wlmq') },
      { name: 'kbreviewer_wlmq', kind: 'kbrev', c: await login(p, 'kbreviewer_wlmq'), ...wlmq, user: await I.user('kbreviewer_wlmq') },
      { name: 'kbadmin_wlmq', kind: 'kbadm', c: (await provision(A, 'WLMQ-12345', 'kbadmin_wlmq', 'kb_admin')).c, ...wlmq },
      { name: 'tel_ts', kind: 'tel', c: (await provision(A2, 'TS-ZWFW', 'tel_ts', 'supervisor')).c, tenant: A2, org: await I.org('TS-ZWFW'), user: handlerTs, subtree: a2Subtree, above: await aboveOf(A2) },
    ];

    // ---- tenant A's own records: the 天山区 admin attacks upwards ----
    const roleA = await secWlmq.c.post<{ id: string }>('/api/v1/roles', { tenantId: A, code: 'wlmq_custom', name: '乌鲁木齐自定义角色', dataScope: 'tenant', permissions: ['dashboard:view'] });
    expect(roleA.status).toBe(201);
    const noteA = await adminWlmq.post<{ id: string }>('/api/v1/notifications', { title: '乌鲁木齐内部通知', body: '仅限市级', targets: [{ type: 'user', id: handlerWlmq }] });
    expect(noteA.status).toBe(201);
    const wlmqSession = await login(p, 'handler_wlmq');
    aTarget = {
      label: '乌鲁木齐 650100 (upwards)',
      tenant: A,
      county: A,
      org: await I.org('WLMQ-ZJJ-WY'),
      user: handlerWlmq,
      role: roleA.body.id,
      notification: noteA.body.id,
      session: await latestSession(handlerWlmq),
      importJob: await importJobOf(wlmqSession),
      call: await callOf('650100', 'tenancy-call-wlmq'),
    };
    ghost = {
      label: 'ghost',
      tenant: randomUUID(),
      county: randomUUID(),
      org: randomUUID(),
      user: randomUUID(),
      role: randomUUID(),
      notification: randomUUID(),
      session: randomUUID(),
      dict: { code: `ghost_${randomBytes(4).toString('hex')}`, item: randomUUID() },
      importJob: randomUUID(),
      call: `ghost-call-${randomBytes(4).toString('hex')}`,
      kb: { dir: randomUUID(), hotWord: randomUUID(), draft: randomUUID(), pendingReview: randomUUID(), pendingPublish: randomUUID(), published: randomUUID(), offline: randomUUID(), recycled: randomUUID() },
      cat: {
        enterprise: randomUUID(),
        creditCode: creditCode(8888888, '653100'),
        timeLimit: randomUUID(),
        entry: randomUUID(),
        draftEntry: randomUUID(),
        pendingEntry: randomUUID(),
        element: randomUUID(),
        element2: randomUUID(),
        category: randomUUID(),
        draftCategory: randomUUID(),
        item: randomUUID(),
        pendingChange: randomUUID(),
        draftChange: randomUUID(),
        article: randomUUID(),
        adopted: randomUUID(),
        org: randomUUID(),
      },
    };
    bCatalogBefore = await catalogRowsOf(p, B);
    const users = await p.deps.db.selectFrom('app_user').select(['id', 'tenant_id']).execute();
    ctx = { p, userTenant: new Map(users.map((u) => [u.id, u.tenant_id])) };
  });
  afterAll(() => p?.close());

  it('covers every route of the OpenAPI spec that takes an id or a tenant id', async () => {
    const spec = (await p.app.inject({ url: '/api/openapi.json' })).json() as Spec;
    const withIds: string[] = [];
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) if (takesIds(path, op)) withIds.push(`${method.toUpperCase()} ${path}`);
    }
    expect(withIds.length).toBeGreaterThan(25);
    const missing = withIds.filter((k) => !(k in CASES));
    expect(missing, 'routes taking an id/tenantId without an attack case in CASES').toEqual([]);
    const stale = Object.keys(CASES).filter((k) => !withIds.includes(k));
    expect(stale, 'CASES entries for routes that no longer exist').toEqual([]);
  });

  it('answers 404 (exactly like a non-existent id) and changes nothing, for every route, attacker and foreign tenant', async () => {
    const failures: string[] = [];
    let attempts = 0;
    let readOnlyAttempts = 0;
    /** Sends one attack; reports any table it changed. */
    async function attack(me: Attacker, r: Req, where: string): Promise<Res<unknown>> {
      const before = await snapshot(p);
      const res = await send(me.c, r);
      const changed = changedTables(before, await snapshot(p));
      if (changed.length) failures.push(`${where} → CHANGED THE DATABASE (${changed.join(', ')}; status ${res.status})`);
      if (res.status >= 400 && !String(res.headers['content-type']).includes('application/problem+json')) failures.push(`${where} → ${res.status} without problem+json`);
      return res;
    }
    for (const [route, cases] of Object.entries(CASES)) {
      for (const [i, kase] of cases.entries()) {
        if ('readOnly' in kase) {
          // Issued from above: visible, so refused with the service's reason rather than hidden.
          for (const me of attackers.filter((a) => a.kind === kase.as && a.inherited)) {
            const r = kase.readOnly(me.inherited!, me);
            attempts++;
            readOnlyAttempts++;
            const where = `${route} #${i} as ${me.name} against the root's inherited record: ${r.method} ${r.url} ${JSON.stringify(r.body ?? '')}`;
            const res = await attack(me, r, where);
            const body = res.body as Json;
            const detail = kase.detail(me.inherited!);
            if (res.status !== 403 || body.code !== 'FORBIDDEN' || body.detail !== detail) failures.push(`${where} → ${res.status} ${String(body.code)} ${String(body.detail)}, expected 403 FORBIDDEN “${detail}”`);
          }
          continue;
        }
        for (const me of attackers.filter((a) => kase.as === 'any' || a.kind === kase.as)) {
          // 天山区's attackers also attack their parent 乌鲁木齐; the city's only attack 喀什.
          const targets = me.tenant === A2 ? [bTarget, aTarget] : [bTarget];
          for (const t of targets) {
            const real = kase.req(t, me);
            if (!real) continue;
            attempts++;
            const where = `${route} #${i} as ${me.name} against ${t.label}: ${real.method} ${real.url} ${JSON.stringify(real.body ?? '')}`;
            const res = await attack(me, real, where);
            const body = res.body as Json;
            if (kase.expect === 'list') {
              if (res.status !== 200) failures.push(`${where} → ${res.status} ${JSON.stringify(body)}, expected 200`);
              else {
                try {
                  await kase.check?.(res.body, me, ctx);
                } catch (err) {
                  failures.push(`${where} → ${err instanceof Error ? err.message : String(err)}`);
                }
              }
              continue;
            }
            if (kase.expect === 'forbidden') {
              if (res.status !== 403) failures.push(`${where} → ${res.status} ${JSON.stringify(body)}, expected 403`);
              continue;
            }
            const fake = kase.req(ghost, me);
            if (!fake) throw new Error(`${where}: no ghost request to compare with`);
            const ref = await send(me.c, fake);
            const refBody = ref.body as Json;
            const same = res.status === ref.status && body.code === refBody.code && body.detail === refBody.detail;
            if (!same) failures.push(`${where} → ${res.status} ${String(body.code)} ${String(body.detail)}; a non-existent id gives ${ref.status} ${String(refBody.code)} ${String(refBody.detail)}`);
            if (kase.expect === 'hidden' && (res.status !== 404 || body.code !== 'NOT_FOUND')) failures.push(`${where} → ${res.status} ${JSON.stringify(body)}, expected 404 NOT_FOUND`);
            if (kase.expect === 'sameAsGhost' && (res.status < 400 || res.status === 403)) failures.push(`${where} → ${res.status}, expected a 4xx other than 403`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(attempts).toBeGreaterThan(250);
    const readOnlyCases = Object.values(CASES).flat().filter((k) => 'readOnly' in k).length;
    expect(readOnlyCases).toBeGreaterThanOrEqual(17);
    expect(readOnlyAttempts).toBe(readOnlyCases);
    // B's catalogue, row by row, is as its own staff left it.
    expect(await catalogRowsOf(p, B)).toBe(bCatalogBefore);
  });

  /** Every catalogue list, page by page, as a catalogue attacker sees it: nothing of B's. */
  async function catalogueSweep(me: Attacker, bSubtree: Set<string>): Promise<void> {
    const pages = async (url: string, scope: 'subtree' | 'readable', field = 'tenantId'): Promise<number> => {
      let seen = 0;
      for (let page = 1; ; page++) {
        const res = await me.c.get<{ items: Json[]; total: number }>(`${url}${url.includes('?') ? '&' : '?'}pageSize=200&page=${page}`);
        expect(res.status, `${me.name} ${url}`).toBe(200);
        scoped(scope, field)(res.body, me);
        seen += res.body.items.length;
        if (res.body.items.length < 200) {
          expect(seen, `${me.name} ${url}: total`).toBe(res.body.total);
          return seen;
        }
      }
    };
    expect(await pages('/api/v1/enterprises', 'subtree')).toBeGreaterThan(0);
    expect(await pages('/api/v1/time-limits', 'readable')).toBeGreaterThan(0);
    expect(await pages('/api/v1/catalog/list-entries', 'subtree')).toBeGreaterThan(0);
    expect(await pages('/api/v1/catalog/elements', 'readable')).toBeGreaterThan(0);
    expect(await pages('/api/v1/catalog/categories', 'readable')).toBeGreaterThan(0);
    expect(await pages('/api/v1/catalog/items', 'readable')).toBeGreaterThan(0);
    await pages('/api/v1/catalog/changes', 'subtree');
    expect(await pages(`/api/v1/catalog/implementation?tenantId=${me.tenant}`, 'readable', 'ownerTenantId')).toBeGreaterThan(0);
    // Trees, pickers and option lists.
    const clean = (what: string, res: Res<unknown>) => {
      expect(res.status, `${me.name} ${what}`).toBe(200);
      const text = JSON.stringify(res.body);
      expect(text.includes(MARK), `${me.name} ${what} shows a record of 喀什`).toBe(false);
      for (const id of bSubtree) expect(text.includes(id), `${me.name} ${what} names a tenant of 喀什`).toBe(false);
    };
    clean('category tree', await me.c.get('/api/v1/catalog/categories/tree'));
    clean('element graph', await me.c.get('/api/v1/catalog/elements/graph'));
    clean('regions', await me.c.get('/api/v1/catalog/list-options/regions'));
    clean('item options', await me.c.get('/api/v1/catalog/list-options/items'));
    clean('enterprise options', await me.c.get('/api/v1/enterprises/options'));
    clean('time-limit options', await me.c.get('/api/v1/time-limits/options'));
    clean('limits by level', await me.c.get('/api/v1/time-limits/by-level'));
    clean('element dictionaries', await me.c.get('/api/v1/catalog/element-options/dicts'));
    expect(JSON.stringify((await me.c.get('/api/v1/catalog/element-options/dicts')).body)).not.toContain('kash_dict');
    for (const url of ['/api/v1/enterprises/export', '/api/v1/time-limits/export', '/api/v1/catalog/items/export', '/api/v1/catalog/list-entries/export']) {
      const res = await send(me.c, get(url));
      expect(res.status, `${me.name} ${url}`).toBe(200);
      await workbookClean(res.body, me);
    }
  }

  it('control: every catalogue read hidden from 乌鲁木齐 works for 喀什’s own 事项管理员', async () => {
    // Otherwise a 404 above could come from a mistyped id rather than from tenant isolation.
    const owner: Attacker = { name: 'kash_catalog', kind: 'cat', c: kashCatalog, tenant: B, org: bTarget.cat!.org, user: '', subtree: await subtreeOf(B), above: await aboveOf(B), inherited };
    const failures: string[] = [];
    let controls = 0;
    for (const [route, cases] of Object.entries(CASES)) {
      for (const kase of cases) {
        if ('readOnly' in kase || kase.expect !== 'hidden' || (kase.as !== 'cat' && kase.as !== 'catrev')) continue;
        let r: Req | null;
        try {
          r = kase.req(bTarget, owner);
        } catch {
          continue; // needs the attacker's own records
        }
        if (!r || r.method !== 'GET') continue;
        controls++;
        const res = await send(owner.c, r);
        if (res.status !== 200) failures.push(`${route}: ${r.url} as 喀什's own admin → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(controls).toBeGreaterThan(30);
  });

  /** Every knowledge list a 乌鲁木齐 knowledge user opens: their own tenant's and inherited rows, never 喀什's. */
  async function knowledgeSweep(me: Attacker): Promise<void> {
    const reach = (tenantId: string) => tenantId === me.tenant || me.above.has(tenantId);
    const bArticles = new Set(Object.values(bTarget.kb!).filter((id) => id !== bTarget.kb!.dir && id !== bTarget.kb!.hotWord));
    const list = async <T>(url: string) => {
      const res = await me.c.get<T>(url);
      expect(res.status, `${me.name} ${url}`).toBe(200);
      expect(JSON.stringify(res.body), `${me.name} ${url} shows 喀什's knowledge`).not.toContain(MARK);
      return res.body;
    };
    const dirs = await list<{ items: { id: string; tenantId: string }[] }>('/api/v1/kb/directories');
    expect(dirs.items.every((d) => reach(d.tenantId))).toBe(true);
    const words = await list<{ items: { tenantId: string }[] }>('/api/v1/kb/hot-words');
    expect(words.items.every((w) => reach(w.tenantId))).toBe(true);
    const synonyms = await list<{ items: { tenantId: string }[] }>('/api/v1/kb/synonyms');
    expect(synonyms.items.every((w) => reach(w.tenantId))).toBe(true);
    if (me.kind === 'kbadm') return;
    for (const status of ['', '&status=recycled', '&status=draft', '&status=pending_review']) {
      const articles = await list<{ items: { id: string; tenantId: string }[] }>(`/api/v1/kb/articles?pageSize=200${status}`);
      expect(articles.items.every((a) => a.tenantId === me.tenant && !bArticles.has(a.id))).toBe(true);
    }
    const orders = await list<{ items: { articleId: string }[] }>('/api/v1/kb/work-orders?pageSize=200');
    expect(orders.items.some((o) => bArticles.has(o.articleId))).toBe(false);
    if (me.kind === 'kbed') await list('/api/v1/kb/recycle-bin');
    if (me.kind === 'kbrev') {
      const reviews = await list<{ items: { articleId: string }[] }>('/api/v1/kb/reviews');
      expect(reviews.items.some((r) => bArticles.has(r.articleId))).toBe(false);
    }
  }

  it('list endpoints never show another tenant’s rows', async () => {
    const db = p.deps.db;
    const bSubtree = await subtreeOf(B);
    for (const me of attackers) {
      if (me.kind === 'cat' || me.kind === 'catrev') {
        await catalogueSweep(me, bSubtree);
        continue;
      }
      if (me.kind === 'tel') {
        const calls = await me.c.get<{ items: { id: string; tenantId: string }[]; total: number }>('/api/v1/telephony/calls?pageSize=200');
        expect(calls.status).toBe(200);
        expect(calls.body.items.length).toBe(calls.body.total);
        expect(calls.body.items.every((c) => me.subtree.has(c.tenantId)), `${me.name} sees a call outside its subtree`).toBe(true);
        expect(calls.body.items.some((c) => c.id === bTarget.call)).toBe(false);
        // 乌鲁木齐's supervisor sees 乌鲁木齐's call (its own tenant); 天山区's does not (it is above).
        expect(calls.body.items.some((c) => c.id === aTarget.call)).toBe(me.tenant === A);
        continue;
      }
      if (me.kind === 'kbed' || me.kind === 'kbrev' || me.kind === 'kbadm') {
        await knowledgeSweep(me);
        continue;
      }
      if (me.kind !== 'audit') {
        const users = await me.c.get<{ items: Json[]; total: number }>('/api/v1/users?pageSize=200');
        expect(users.status).toBe(200);
        expect(users.body.items.length).toBe(users.body.total);
        usersInSubtree(users.body, me);
        expect(users.body.items.some((u) => u.username === 'kash_target' || u.username === 'handler_kash')).toBe(false);
      }
      const tree = await me.c.get<{ id: string; children: unknown[] }[]>('/api/v1/tenants/tree');
      expect(tree.status).toBe(200);
      expect(tree.body.map((n) => n.id)).toEqual([me.tenant]);
      const visible = flatten(tree.body);
      expect(visible.every((id) => me.subtree.has(id))).toBe(true);
      expect(visible.some((id) => bSubtree.has(id))).toBe(false);
    }
    // Sessions: 喀什's handler is logged in; root's security admin sees it, 乌鲁木齐's does not.
    const secWlmq = attackers.find((a) => a.name === 'sec_wlmq')!;
    const sessions = await secWlmq.c.get<{ items: Json[]; total: number }>('/api/v1/sessions?pageSize=200');
    expect(sessions.status).toBe(200);
    expect(sessions.body.items.length).toBeGreaterThan(0);
    sessionsInSubtree(sessions.body, secWlmq, ctx);
    const rootSessions = await sec.get<{ items: Json[] }>('/api/v1/sessions?pageSize=200');
    expect(rootSessions.body.items.some((s) => s.id === bTarget.session)).toBe(true);

    // Audit, login and access logs for 乌鲁木齐's own auditor.
    const auditWlmq = attackers.find((a) => a.name === 'audit_wlmq')!;
    let page = 1;
    let seen = 0;
    for (;;) {
      const logs = await auditWlmq.c.get<{ items: Json[]; total: number }>(`/api/v1/audit/logs?pageSize=200&page=${page}`);
      expect(logs.status).toBe(200);
      auditInSubtree(logs.body, auditWlmq);
      seen += logs.body.items.length;
      if (logs.body.items.length < 200) break;
      page++;
    }
    expect(seen).toBeGreaterThan(0);
    const bRows = await db.selectFrom('audit_log').select('id').where('tenant_id', 'in', [...bSubtree]).execute();
    expect(bRows.length).toBeGreaterThan(0);
    const rootLogs = await aud.get<{ total: number }>('/api/v1/audit/logs?pageSize=1');
    expect(rootLogs.body.total).toBeGreaterThan(seen);

    const kashLogins = await auditWlmq.c.get<{ items: Json[] }>('/api/v1/audit/login-logs?username=handler_kash');
    expect(kashLogins.status).toBe(200);
    expect(kashLogins.body.items).toEqual([]);
    const rootKashLogins = await aud.get<{ items: Json[] }>('/api/v1/audit/login-logs?username=handler_kash');
    expect(rootKashLogins.body.items.length).toBeGreaterThan(0);
    const ownLogins = await auditWlmq.c.get<{ items: Json[] }>('/api/v1/audit/login-logs?username=handler_wlmq');
    expect(ownLogins.body.items.length).toBeGreaterThan(0);
  });

  it('upper levels read their subtree: root reads 喀什, 乌鲁木齐 reads 天山区 but not 喀什', async () => {
    const bUser = await sys.get<{ username: string; tenantId: string }>(`/api/v1/users/${bTarget.user}`);
    expect(bUser.status).toBe(200);
    expect(bUser.body).toMatchObject({ username: 'kash_target', tenantId: B });
    const bOrgs = await sys.get<{ id: string; code: string }[]>(`/api/v1/orgs/tree?tenantId=${B}`);
    expect(bOrgs.status).toBe(200);
    expect(bOrgs.body.map((o) => o.code)).toContain('KS-TARGET');
    expect((await sys.get(`/api/v1/tenants/${B}`)).status).toBe(200);
    expect((await sec.get(`/api/v1/roles?tenantId=${B}`)).body).toMatchObject({ items: expect.arrayContaining([expect.objectContaining({ code: 'kash_custom' })]) as unknown });

    const adminWlmq = attackers.find((a) => a.name === 'admin_wlmq')!;
    const tsUser = await adminWlmq.c.get<{ username: string }>(`/api/v1/users/${await I.user('handler_ts')}`);
    expect(tsUser.status).toBe(200);
    expect(tsUser.body.username).toBe('handler_ts');
    const tsUsers = await adminWlmq.c.get<{ items: { username: string }[] }>(`/api/v1/users?tenantId=${A2}`);
    expect(tsUsers.body.items.map((u) => u.username)).toEqual(expect.arrayContaining(['handler_ts', 'ts_admin']));
    expect((await adminWlmq.c.get(`/api/v1/orgs/tree?tenantId=${A2}`)).status).toBe(200);
    expect((await adminWlmq.c.get(`/api/v1/users/${await I.user('handler_kash')}`)).status).toBe(404);
    // …and 天山区 does not read its parent.
    const tsAdmin = attackers.find((a) => a.name === 'ts_admin')!;
    expect((await tsAdmin.c.get(`/api/v1/users/${await I.user('admin_wlmq')}`)).status).toBe(404);
    expect((await tsAdmin.c.get(`/api/v1/tenants/${A}`)).status).toBe(404);
  });

  it('catalogue: the root reads and reviews 喀什’s records; 乌鲁木齐 reads what the root issues, read-only', async () => {
    const c = bTarget.cat!;
    // Upper levels read their subtree, and the root's reviewer decides 喀什's changes.
    expect(ok(await catalog01.get<{ tenantId: string; name: string }>(`/api/v1/enterprises/${c.enterprise}`), 200, 'root reads B enterprise')).toMatchObject({ tenantId: B, name: `${MARK}企业` });
    expect(ok(await catalog01.get<{ editable: boolean }>(`/api/v1/time-limits/${c.timeLimit}`), 200, 'root reads B rule').editable).toBe(true);
    expect(ok(await catalog01.get<{ tenantId: string }>(`/api/v1/catalog/items/${c.item}`), 200, 'root reads B item').tenantId).toBe(B);
    expect(ok(await catalog01.get<{ status: string }>(`/api/v1/catalog/list-entries/${c.entry}`), 200, 'root reads B entry').status).toBe('published');
    expect(ok(await catalog01.get<{ editable: boolean }>(`/api/v1/catalog/elements/${c.element}`), 200, 'root reads B element').editable).toBe(false);
    expect(ok(await catalog01.get<{ adoptionStatus: string }>(`/api/v1/catalog/implementation/${c.adopted}?tenantId=${B}`), 200, 'root reads B adoption').adoptionStatus).toBe('active');
    const reviewable = ok(await catreview01.get<{ items: { id: string }[] }>('/api/v1/catalog/changes?reviewable=true&pageSize=200'), 200, 'root reviewer queue');
    expect(reviewable.items.map((x) => x.id)).toContain(c.pendingChange);
    // …and 喀什's own staff see their records as editable.
    expect(ok(await kashCatalog.get<{ editable: boolean }>(`/api/v1/catalog/items/${c.item}`), 200, 'B reads B item').editable).toBe(true);

    // 乌鲁木齐 reads the root's rule, element, category and standard item, marked as not its own.
    const catalogWlmq = attackers.find((a) => a.name === 'catalog_wlmq')!;
    const u = inherited;
    expect(ok(await catalogWlmq.c.get<{ editable: boolean; tenantName: string }>(`/api/v1/time-limits/${u.timeLimit}`), 200, 'inherited rule')).toMatchObject({ editable: false, tenantName: u.ownerName });
    expect(ok(await catalogWlmq.c.get<{ editable: boolean }>(`/api/v1/catalog/elements/${u.relation.fromElementId}`), 200, 'inherited element').editable).toBe(false);
    expect(ok(await catalogWlmq.c.get<{ inherited: boolean }>(`/api/v1/catalog/categories/${u.category}`), 200, 'inherited category').inherited).toBe(true);
    expect(ok(await catalogWlmq.c.get<{ inherited: boolean; editable: boolean }>(`/api/v1/catalog/items/${u.item}`), 200, 'inherited item')).toMatchObject({ inherited: true, editable: false });
    // The adoption of the same standard item is 乌鲁木齐's own business, and 喀什's stays 喀什's.
    const mine = ok(await catalogWlmq.c.get<{ adoptionStatus: string; localDetail: { rules: string } }>(`/api/v1/catalog/implementation/${u.item}?tenantId=${A}`), 200, 'own adoption row');
    expect(mine.adoptionStatus).toBe('new');
    expect(mine.localDetail.rules).not.toContain(MARK);
  });

  it('catalogue: references to another tenant’s records read as non-existent and reveal nothing', async () => {
    const catalogWlmq = attackers.find((a) => a.name === 'catalog_wlmq')!;
    const c = bTarget.cat!;
    const u = inherited;
    // An element on 喀什's private dictionary would put 喀什's options into 乌鲁木齐's forms.
    const before = await snapshot(p);
    const withB = await catalogWlmq.c.post<Json>('/api/v1/catalog/elements', { code: 'wl.atk_select', name: '借用喀什字典', dataType: 'select', dictCode: bTarget.dict!.code });
    const withGhost = await catalogWlmq.c.post<Json>('/api/v1/catalog/elements', { code: 'wl.atk_select', name: '借用喀什字典', dataType: 'select', dictCode: 'no_such_dict' });
    expect(changedTables(before, await snapshot(p))).toEqual([]);
    expect(withB.status).toBe(400);
    expect([withB.status, withB.body.code, withB.body.detail]).toEqual([withGhost.status, withGhost.body.code, String(withGhost.body.detail).replace('no_such_dict', bTarget.dict!.code)]);
    const ownElement = catalogWlmq.own!.element;
    expect((await catalogWlmq.c.patch(`/api/v1/catalog/elements/${ownElement}`, { dataType: 'select', dictCode: bTarget.dict!.code })).status).toBe(400);
    expect(changedTables(before, await snapshot(p))).toEqual([]);

    // 喀什 links its element to the root's: the root's element, read from 乌鲁木齐, does not show that link.
    ok(await kashCatalog.post('/api/v1/catalog/element-relations', { fromElementId: c.element2, toElementId: u.relation.fromElementId, kind: 'association' }), 201, 'B links a root element');
    const shared = ok(await catalogWlmq.c.get<{ relations: { from: string; to: string }[] }>(`/api/v1/catalog/elements/${u.relation.fromElementId}`), 200, 'inherited element');
    expect(JSON.stringify(shared.relations)).not.toContain(c.element2);
    expect(shared.relations).toContainEqual({ from: u.relation.fromElementId, to: u.relation.toElementId, kind: u.relation.kind });
    const fromRoot = ok(await catalog01.get<{ relations: { from: string }[] }>(`/api/v1/catalog/elements/${u.relation.fromElementId}`), 200, 'root element');
    expect(fromRoot.relations.map((r) => r.from)).toContain(c.element2);
    ok(await kashCatalog.delete(`/api/v1/catalog/element-relations?fromElementId=${c.element2}&toElementId=${u.relation.fromElementId}&kind=association`), 200, 'B unlinks');

    // The root drafts a change to a standard item: not part of the catalogue for 乌鲁木齐 until approved.
    const draft = ok(await catalog01.patch<{ openChange: { id: string } }>(`/api/v1/catalog/items/${u.item}`, { description: '自治区内部未发布的草稿' }), 200, 'root draft');
    const history = ok(await catalogWlmq.c.get<{ items: Json[] }>(`/api/v1/catalog/items/${u.item}/changes`), 200, 'inherited item changes');
    expect(JSON.stringify(history)).not.toContain('自治区内部未发布的草稿');
    for (const ch of history.items) expect(catalogWlmq.subtree.has(String(ch.tenantId))).toBe(true);
    expect(JSON.stringify((await catalogWlmq.c.get(`/api/v1/catalog/items/${u.item}`)).body)).not.toContain('自治区内部未发布的草稿');
    expect((await catalogWlmq.c.get(`/api/v1/catalog/changes/${draft.openChange.id}`)).status).toBe(404);
    const rootHistory = ok(await catalog01.get<{ items: { id: string }[] }>(`/api/v1/catalog/items/${u.item}/changes`), 200, 'root item changes');
    expect(rootHistory.items.map((x) => x.id)).toContain(draft.openChange.id);
    ok(await catalog01.delete(`/api/v1/catalog/changes/${draft.openChange.id}`), 200, 'root drops its draft');
    expect(await catalogRowsOf(p, B)).toBe(bCatalogBefore);
  });

  it('a role with data scope "all" made inside tenant A still cannot reach tenant B', async () => {
    const secWlmq = attackers.find((a) => a.name === 'sec_wlmq')!;
    const adminWlmq = attackers.find((a) => a.name === 'admin_wlmq')!;
    const role = await secWlmq.c.post<{ id: string }>('/api/v1/roles', { tenantId: A, code: 'wlmq_all_scope', name: '全部数据', dataScope: 'all', permissions: ['identity:user:read', 'identity:user:write'] });
    expect(role.status).toBe(201);
    const spy = await adminWlmq.c.post<{ id: string }>('/api/v1/users', { tenantId: A, orgId: await I.org('WLMQ-12345'), username: 'spy_wlmq', displayName: '全部数据测试', password: INIT_PW });
    expect(spy.status).toBe(201);
    expect((await secWlmq.c.patch(`/api/v1/users/${spy.body.id}`, { roleIds: [role.body.id] })).status).toBe(200);
    const c = await login(p, 'spy_wlmq', INIT_PW);
    expect((await c.post('/api/v1/me/password', { oldPassword: INIT_PW, newPassword: NEW_PW })).status).toBe(200);

    const before = await snapshot(p);
    expect((await c.get(`/api/v1/users/${bTarget.user}`)).status).toBe(404);
    expect((await c.patch(`/api/v1/users/${bTarget.user}`, { displayName: '越权修改' })).status).toBe(404);
    expect(await snapshot(p)).toEqual(before);
    const list = await c.get<{ items: Json[] }>('/api/v1/users?pageSize=200');
    expect(list.status).toBe(200);
    usersInSubtree(list.body, adminWlmq);
    expect((await c.get(`/api/v1/users/${await I.user('handler_ts')}`)).status).toBe(200);
    // The root's own users stay out of reach too.
    expect((await c.get(`/api/v1/users/${await I.user('sysadmin')}`)).status).toBe(404);
  });

  it('per-tenant products and menus: the root narrows 乌鲁木齐, whose admins cannot widen it back', async () => {
    type MeBody = { menus: { key: string; children?: { key: string }[] }[] };
    const menuKeys = async (c: Client) => {
      const me = await c.get<MeBody>('/api/v1/me');
      expect(me.status).toBe(200);
      return me.body.menus.map((m) => m.key);
    };
    const adminWlmq = attackers.find((a) => a.name === 'admin_wlmq')!;
    const auditWlmq = attackers.find((a) => a.name === 'audit_wlmq')!;
    const tsAdmin = attackers.find((a) => a.name === 'ts_admin')!;
    expect(await menuKeys(adminWlmq.c)).toContain('system');
    expect(await menuKeys(auditWlmq.c)).toContain('audit');

    const current = await sys.get<{ products: { key: string; enabled: boolean }[]; menus: { key: string; product: string; enabled: boolean }[] }>(`/api/v1/tenants/${A}/products`);
    expect(current.status).toBe(200);
    const allProducts = current.body.products.map((x) => x.key);
    const allMenus = current.body.menus.map((m) => m.key);
    const keep = allProducts.filter((k) => k !== 'audit' && k !== 'system');
    const keepMenus = current.body.menus.filter((m) => keep.includes(m.product)).map((m) => m.key);
    const put = await sys.put<{ products: { key: string; enabled: boolean }[] }>(`/api/v1/tenants/${A}/products`, { products: keep, menus: keepMenus });
    expect(put.status).toBe(200);
    expect(put.body.products.filter((x) => !x.enabled).map((x) => x.key).sort()).toEqual(['audit', 'system']);

    const wlmqMenus = await menuKeys(adminWlmq.c);
    expect(wlmqMenus).not.toContain('system');
    expect(wlmqMenus).not.toContain('audit');
    expect(wlmqMenus).toContain('identity');
    expect(await menuKeys(auditWlmq.c)).not.toContain('audit');
    // The root's own menus are its own tenant's: unchanged.
    expect(await menuKeys(sys)).toContain('system');
    expect(await menuKeys(aud)).toContain('audit');
    // Each user sees their own tenant's menus: 天山区 was not narrowed.
    expect(await menuKeys(tsAdmin.c)).toContain('system');

    // 乌鲁木齐's admin cannot re-enable what the root took away, for itself or for its children…
    const widen = await adminWlmq.c.put(`/api/v1/tenants/${A}/products`, { products: allProducts, menus: allMenus });
    expect(widen.status).toBe(403);
    expect((widen.body as Json).detail).toMatch(/[\u4e00-\u9fa5]/);
    expect(await menuKeys(adminWlmq.c)).not.toContain('system');
    const tsProducts = allProducts.filter((k) => k !== 'system');
    const tsMenus = current.body.menus.filter((m) => tsProducts.includes(m.product)).map((m) => m.key);
    expect((await adminWlmq.c.put(`/api/v1/tenants/${A2}/products`, { products: tsProducts, menus: tsMenus })).status).toBe(200);
    expect(await menuKeys(tsAdmin.c)).not.toContain('system');
    expect((await adminWlmq.c.put(`/api/v1/tenants/${A2}/products`, { products: allProducts, menus: allMenus })).status).toBe(403);
    expect(await menuKeys(tsAdmin.c)).not.toContain('system');
    // …while the root can.
    for (const t of [A, A2]) expect((await sys.put(`/api/v1/tenants/${t}/products`, { products: allProducts, menus: allMenus })).status).toBe(200);
    expect(await menuKeys(adminWlmq.c)).toContain('system');
    expect(await menuKeys(tsAdmin.c)).toContain('system');
  });
});
