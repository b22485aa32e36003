import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCodeCheckChar } from '../src/modules/catalog/credit-code.js';
import { XLSX_MIME } from '../src/platform/excel/sheet.js';
import { callAudioKey, insertCdr } from '../src/modules/telephony/media.role.js';
import { Client, createTestPlatform, ids, login, type TestPlatform } from './harness.js';

/**
 * Hostile input against every operation of the OpenAPI spec: wrong types, missing and unknown
 * fields, wrong shapes, oversize and malformed bodies, odd content types, hostile path and query
 * values, SQL and script injection in every string. The platform must answer 4xx problem+json
 * with a Chinese explanation (or 2xx where the input is in fact valid), never 5xx, and keep going.
 * Whether a value is "in fact valid" is read off the operation's own schema (types, enums,
 * patterns, lengths, bounds, nullability), so an accepted hostile value is a real finding.
 */

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Json = Record<string, unknown>;

interface Schema {
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: boolean;
}
interface Parameter {
  in: 'path' | 'query';
  name: string;
  required?: boolean;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
}

const SQLI = "'; drop table app_user; --";
const XSS = '<script>alert(1)</script>';
const INJECTIONS = [SQLI, XSS];
const HOSTILE_IDS = [randomUUID(), "1' OR '1'='1", '../../etc/passwd', SQLI, XSS, '\u0000', 'x'.repeat(300)];
const CHINESE = /[\u4e00-\u9fa5]/;

/** Ids of records this file creates, so valid requests have something real to work on. */
interface Refs {
  A: string;
  tenant: string;
  org: string;
  user: string;
  role: string;
  dict: string;
  item: string;
  notification: string;
  agent: string;
  /** A call record of the root (通话记录) with a recording and a voicemail. */
  call: string;
  cat: CatalogRefs;
  tix: TicketRefs;
  kb: KnowledgeRefs;
}

/** Knowledge records of the root in the state each life-cycle operation needs (made through the API). */
interface KnowledgeRefs {
  /** A directory to file into and rename, an empty one to delete; a type of this file to patch. */
  dir: string;
  dirDel: string;
  type: string;
  hotWord: string;
  hotWordDel: string;
  /** A published article to read and link; one article per life-cycle step in the state it needs. */
  read: string;
  draft: string;
  submit: string;
  review: string;
  publish: string;
  unpublish: string;
  recycle: string;
  restore: string;
  discard: string;
}

/** Work-order records in the states the valid requests need (made through the API). */
interface TicketRefs {
  /** A dispatched ticket whose task handler_xj has signed, with a pending extension request. */
  ticket: string;
  task: string;
  request: string;
  /** Tickets still in intake, a draft, and one to withdraw. */
  intake: string;
  draft: string;
  withdraw: string;
  org: string;
  supervision: string;
  rule: string;
  attachment: string;
}

/** Catalogue records made here by the root's 事项管理员 (catalog01) and reviewed by catreview01. */
interface CatalogRefs {
  root: string;
  /** Pending enterprises: one to work on (and approve), one to reject, one to delete; a credit code in the library. */
  enterprise: string;
  enterpriseRej: string;
  enterpriseDel: string;
  creditCode: string;
  timeLimit: string;
  timeLimitDel: string;
  /** A standard item of the seeded catalogue (published at the root). */
  stdItem: string;
  /** A published category without items (parent of new ones), a published leaf with the item below, a draft. */
  catParent: string;
  leaf: string;
  catDel: string;
  /** A published item (V1) on the leaf, a draft item to delete, a knowledge article linked to the item. */
  item: string;
  itemDel: string;
  article: string;
  /** 职责清单 entries of the root in each state an action needs. */
  entry: string;
  offlineEntry: string;
  draftEntry: string;
  submitEntry: string;
  rejectedEntry: string;
  approveEntry: string;
  rejectEntry: string;
  entryDel: string;
  /** Elements: one to edit (text), a second to relate to, one to delete. */
  element: string;
  element2: string;
  elementDel: string;
  /** Changes: pending ones to approve, reject and withdraw; a draft to submit and one to delete. */
  approveChange: string;
  rejectChange: string;
  withdrawChange: string;
  draftChange: string;
  changeDel: string;
}

type Who = 'sys' | 'sec' | 'aud' | 'agent' | 'cat' | 'catrev' | 'disp' | 'rev' | 'hdl' | 'sup' | 'kbed' | 'kbrev' | 'kbadm' | 'anon' | 'fresh';
interface OpSetup {
  /** Who holds the permission (fresh = a new sysadmin session for every request: logout ends it). */
  who: Who;
  params?: (r: Refs) => Record<string, string>;
  query?: (r: Refs) => Record<string, string>;
  /** A valid body; called once per request so unique codes stay unique. */
  body?: (r: Refs) => Json;
  /** An Excel import: the valid request uploads this template (an .xlsx body), and hostile files follow. */
  xlsx?: string;
  /** A raw upload (attachments): the valid request sends these bytes with this content type. */
  raw?: { contentType: string; payload: Buffer };
}

let seq = 0;
const uniq = (prefix: string) => `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`;
/** A valid 统一社会信用代码 not used before in this file (工商 · 企业 · 自治区 · running number). */
let codeSeq = 1;
function creditCode(n = codeSeq++): string {
  const body = `91650000MA${String(n).padStart(7, '0')}`;
  return body + creditCodeCheckChar(body);
}
/** Import templates by URL, uploaded as the valid body of Excel imports (fetched once the platform is up). */
const TEMPLATES = new Map<string, Buffer>();

const OPS: Record<string, OpSetup> = {
  'POST /api/v1/auth/login': { who: 'anon', body: () => ({ username: 'no_such_user', password: 'Wrong@Pass2026' }) },
  'POST /api/v1/auth/mfa': { who: 'anon', body: () => ({ mfaToken: 'x'.repeat(32), code: '123456' }) },
  'POST /api/v1/auth/logout': { who: 'fresh' },
  'GET /api/v1/me': { who: 'sys' },
  // A wrong old password: the request is well-formed but never changes anything.
  'POST /api/v1/me/password': { who: 'sys', body: () => ({ oldPassword: 'Not@ThePassword1', newPassword: 'Brand@NewPass2026' }) },
  'POST /api/v1/me/mfa/enroll': { who: 'agent' },
  'POST /api/v1/me/mfa/activate': { who: 'agent', body: () => ({ code: '000000' }) },
  'POST /api/v1/me/mfa/disable': { who: 'agent', body: () => ({ code: '000000' }) },
  'GET /api/v1/me/sessions': { who: 'sys' },
  'DELETE /api/v1/me/sessions/{id}': { who: 'sys', params: () => ({ id: randomUUID() }) },
  'GET /api/v1/sessions': { who: 'sec', query: (r) => ({ userId: r.user, page: '1', pageSize: '20', order: 'desc' }) },
  'DELETE /api/v1/sessions/{id}': { who: 'sec', params: () => ({ id: randomUUID() }) },
  'GET /api/v1/tenants/tree': { who: 'sys' },
  'GET /api/v1/tenants/{id}': { who: 'sys', params: (r) => ({ id: r.tenant }) },
  'PATCH /api/v1/tenants/{id}': { who: 'sys', params: (r) => ({ id: r.tenant }), body: () => ({ name: '坏输入测试租户', status: 'active' }) },
  'POST /api/v1/tenants': { who: 'sys', body: (r) => ({ parentId: r.A, code: uniq('BI-T'), name: '坏输入新租户', kind: 'enterprise' }) },
  'GET /api/v1/tenants/{id}/products': { who: 'sys', params: (r) => ({ id: r.tenant }) },
  'PUT /api/v1/tenants/{id}/products': { who: 'sys', params: (r) => ({ id: r.tenant }), body: () => ({ products: ['workspace', 'messages'], menus: ['workspace.dashboard'] }) },
  // The scratch tenant is not a county: a valid request is refused (400) instead of importing.
  'POST /api/v1/tenants/{id}/import-townships': { who: 'sys', params: (r) => ({ id: r.tenant }) },
  'GET /api/v1/orgs/tree': { who: 'sys', query: (r) => ({ tenantId: r.tenant }) },
  'POST /api/v1/orgs': { who: 'sys', body: (r) => ({ tenantId: r.tenant, parentId: r.org, code: uniq('BI-O'), name: '坏输入新机构', kind: 'team' }) },
  'PATCH /api/v1/orgs/{id}': { who: 'sys', params: (r) => ({ id: r.org }), body: () => ({ name: '坏输入机构' }) },
  'DELETE /api/v1/orgs/{id}': { who: 'sys', params: () => ({ id: randomUUID() }) },
  'GET /api/v1/users': {
    who: 'sys',
    query: (r) => ({ page: '1', pageSize: '20', order: 'asc', tenantId: r.tenant, orgId: r.org, keyword: 'bad', phone: '13909910000', status: 'active', sort: 'username' }),
  },
  'POST /api/v1/users': { who: 'sys', body: (r) => ({ tenantId: r.tenant, orgId: r.org, username: uniq('bi_u'), displayName: '坏输入用户', password: 'Strong@Pass2026', phone: '13800138000' }) },
  'GET /api/v1/users/{id}': { who: 'sys', params: (r) => ({ id: r.user }) },
  'PATCH /api/v1/users/{id}': { who: 'sys', params: (r) => ({ id: r.user }), body: (r) => ({ displayName: '坏输入用户改', orgId: r.org, phone: '13800138001', status: 'active' }) },
  'DELETE /api/v1/users/{id}': { who: 'sys', params: () => ({ id: randomUUID() }) },
  'POST /api/v1/users/{id}/reset-password': { who: 'sec', params: (r) => ({ id: r.user }), body: () => ({ newPassword: 'Reset@Pass2026' }) },
  'POST /api/v1/users/{id}/unlock': { who: 'sec', params: (r) => ({ id: r.user }) },
  'GET /api/v1/permissions': { who: 'sec' },
  'GET /api/v1/roles': { who: 'sec', query: (r) => ({ tenantId: r.tenant }) },
  'POST /api/v1/roles': { who: 'sec', body: (r) => ({ tenantId: r.tenant, code: uniq('bi_r'), name: '坏输入角色', dataScope: 'self', permissions: ['dashboard:view'], mfaRequired: false, shared: false }) },
  'PATCH /api/v1/roles/{id}': { who: 'sec', params: (r) => ({ id: r.role }), body: () => ({ name: '坏输入角色改', dataScope: 'org', permissions: ['message:read'], mfaRequired: false, shared: false }) },
  'DELETE /api/v1/roles/{id}': { who: 'sec', params: () => ({ id: randomUUID() }) },
  'GET /api/v1/dicts': { who: 'sys' },
  'POST /api/v1/dicts': { who: 'sys', body: () => ({ code: uniq('bi_d'), name: '坏输入字典', description: '说明' }) },
  'PATCH /api/v1/dicts/{code}': { who: 'sys', params: (r) => ({ code: r.dict }), body: () => ({ name: '坏输入字典改', description: '说明改' }) },
  'GET /api/v1/dicts/{code}/items': { who: 'sys', params: (r) => ({ code: r.dict }) },
  'POST /api/v1/dicts/{code}/items': { who: 'sys', params: (r) => ({ code: r.dict }), body: () => ({ value: uniq('v'), label: '坏输入项', sort: 1 }) },
  'PATCH /api/v1/dicts/{code}/items/{id}': { who: 'sys', params: (r) => ({ code: r.dict, id: r.item }), body: () => ({ label: '坏输入项改', sort: 2, enabled: true }) },
  'DELETE /api/v1/dicts/{code}/items/{id}': { who: 'sys', params: (r) => ({ code: r.dict, id: randomUUID() }) },
  'GET /api/v1/config': { who: 'sys' },
  'PUT /api/v1/config/{key}': { who: 'sys', params: () => ({ key: 'system.workdayStart' }), body: () => ({ value: '09:30' }) },
  'GET /api/v1/notifications': { who: 'agent', query: () => ({ page: '1', pageSize: '10', order: 'desc', unread: 'true' }) },
  'POST /api/v1/notifications': { who: 'sys', body: (r) => ({ title: '坏输入通知', body: '正文', targets: [{ type: 'user', id: r.agent }] }) },
  'POST /api/v1/notifications/{id}/read': { who: 'agent', params: (r) => ({ id: r.notification }) },
  'GET /api/v1/imports/{id}': { who: 'sys', params: () => ({ id: randomUUID() }) },
  'GET /api/v1/audit/logs': {
    who: 'aud',
    query: () => ({ page: '1', pageSize: '5', order: 'desc', actor: '系统', action: 'user', targetType: 'user', targetId: 'x', result: 'success', from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' }),
  },
  'GET /api/v1/audit/logs/export': { who: 'aud', query: () => ({ actor: '系统', action: 'user', targetType: 'user', targetId: 'x', result: 'failure', from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' }) },
  'POST /api/v1/audit/verify': { who: 'aud' },
  'GET /api/v1/audit/login-logs': { who: 'aud', query: () => ({ page: '1', pageSize: '5', order: 'asc', username: 'sys', result: 'success', from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' }) },
  'GET /api/v1/audit/access-logs': { who: 'aud', query: () => ({ page: '1', pageSize: '5', order: 'asc', username: 'sys', module: 'users', from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' }) },

  // ---- 企业库 ----
  'GET /api/v1/enterprises': {
    who: 'cat',
    query: (r) => ({ page: '1', pageSize: '20', order: 'desc', keyword: '坏输入', industry: 'C', ownership: 'private', tag: '重点企业', status: 'pending', tenantId: r.cat.root, sort: 'name' }),
  },
  'POST /api/v1/enterprises': {
    who: 'cat',
    body: (r) => ({
      tenantId: r.cat.root,
      creditCode: creditCode(),
      name: '坏输入企业',
      ownership: null,
      industry: null,
      registeredRegion: '650000',
      address: '乌鲁木齐市天山区解放北路1号',
      legalPerson: '张三',
      contacts: [{ name: '联系人', role: '经理', phone: '13800138000' }],
      tags: ['重点企业'],
    }),
  },
  'GET /api/v1/enterprises/options': { who: 'cat' },
  'GET /api/v1/enterprises/by-code/{code}': { who: 'catrev', params: (r) => ({ code: r.cat.creditCode }) },
  'GET /api/v1/enterprises/export': { who: 'catrev', query: (r) => ({ keyword: '坏输入', industry: 'C', ownership: 'private', tag: '重点企业', status: 'pending', tenantId: r.cat.root }) },
  'GET /api/v1/enterprises/import-template': { who: 'cat' },
  'POST /api/v1/enterprises/import': { who: 'cat', query: (r) => ({ tenantId: r.cat.root }), xlsx: '/api/v1/enterprises/import-template' },
  'GET /api/v1/enterprises/{id}': { who: 'cat', params: (r) => ({ id: r.cat.enterprise }) },
  'PATCH /api/v1/enterprises/{id}': { who: 'cat', params: (r) => ({ id: r.cat.enterprise }), body: () => ({ name: '坏输入企业改', address: '新地址', contacts: [{ name: '联系人' }], tags: ['涉企'] }) },
  'DELETE /api/v1/enterprises/{id}': { who: 'cat', params: (r) => ({ id: r.cat.enterpriseDel }) },
  'POST /api/v1/enterprises/{id}/approve': { who: 'catrev', params: (r) => ({ id: r.cat.enterprise }), body: () => ({ opinion: '同意' }) },
  'POST /api/v1/enterprises/{id}/reject': { who: 'catrev', params: (r) => ({ id: r.cat.enterpriseRej }), body: () => ({ opinion: '信息不全' }) },

  // ---- 办结时限 (each new rule gets a fresh item dimension, so valid creations never collide) ----
  'GET /api/v1/time-limits': { who: 'cat', query: (r) => ({ page: '1', pageSize: '20', order: 'asc', tenantId: r.cat.root, level: '1', industry: 'health', urgency: 'urgent', itemId: randomUUID() }) },
  'POST /api/v1/time-limits': {
    who: 'cat',
    body: (r) => ({ tenantId: r.cat.root, level: 1, industry: 'health', urgency: 'urgent', itemId: randomUUID(), amount: 3, unit: 'workday', warnRatio: 0.5, legalBasis: '依据', note: '说明' }),
  },
  'GET /api/v1/time-limits/options': { who: 'catrev' },
  'GET /api/v1/time-limits/by-level': { who: 'cat', query: (r) => ({ tenantId: r.A }) },
  'GET /api/v1/time-limits/by-industry': { who: 'cat', query: (r) => ({ tenantId: r.A, level: '2' }) },
  'GET /api/v1/time-limits/resolve': { who: 'catrev', query: (r) => ({ tenantId: r.A, level: '2', industry: 'health', urgency: 'urgent', itemId: r.cat.item }) },
  'GET /api/v1/time-limits/export': { who: 'cat', query: (r) => ({ tenantId: r.cat.root, level: '1', industry: 'health', urgency: 'urgent', itemId: randomUUID() }) },
  'GET /api/v1/time-limits/template': { who: 'cat' },
  'POST /api/v1/time-limits/import': { who: 'cat', query: (r) => ({ tenantId: r.cat.root }), xlsx: '/api/v1/time-limits/template' },
  'GET /api/v1/time-limits/{id}': { who: 'catrev', params: (r) => ({ id: r.cat.timeLimit }) },
  'PATCH /api/v1/time-limits/{id}': { who: 'cat', params: (r) => ({ id: r.cat.timeLimit }), body: () => ({ legalBasis: '依据改', note: '说明改', warnRatio: 0.6 }) },
  'DELETE /api/v1/time-limits/{id}': { who: 'cat', params: (r) => ({ id: r.cat.timeLimitDel }) },

  // ---- 三类清单 ----
  'GET /api/v1/catalog/list-entries': {
    who: 'cat',
    query: (r) => ({ page: '1', pageSize: '20', order: 'desc', listType: 'responsibility', itemId: r.cat.item, tenantId: r.cat.root, orgId: r.org, role: 'assist', status: 'published', keyword: '坏输入' }),
  },
  'POST /api/v1/catalog/list-entries': {
    who: 'cat',
    body: (r) => ({ listType: 'responsibility', itemId: r.cat.item, tenantId: r.cat.root, unitName: uniq('坏输入单位'), role: 'assist', duty: '职责', legalBasis: '依据', submit: false }),
  },
  'GET /api/v1/catalog/list-entries/{id}': { who: 'catrev', params: (r) => ({ id: r.cat.entry }) },
  'PATCH /api/v1/catalog/list-entries/{id}': { who: 'cat', params: (r) => ({ id: r.cat.draftEntry }), body: () => ({ unitName: uniq('坏输入草稿单位'), role: 'assist', duty: '职责改', legalBasis: '依据改' }) },
  'DELETE /api/v1/catalog/list-entries/{id}': { who: 'cat', params: (r) => ({ id: r.cat.entryDel }) },
  'GET /api/v1/catalog/list-entries/{id}/history': { who: 'cat', params: (r) => ({ id: r.cat.entry }) },
  'GET /api/v1/catalog/responsibility/recommend': { who: 'catrev', query: (r) => ({ itemId: r.cat.item, tenantId: r.A }) },
  'POST /api/v1/catalog/list-entries/{id}/revisions': { who: 'cat', params: (r) => ({ id: r.cat.entry }), body: () => ({ duty: '修订后的职责', legalBasis: '依据', submit: false }) },
  'POST /api/v1/catalog/list-entries/{id}/submit': { who: 'cat', params: (r) => ({ id: r.cat.submitEntry }) },
  'POST /api/v1/catalog/list-entries/{id}/withdraw': { who: 'cat', params: (r) => ({ id: r.cat.rejectedEntry }) },
  'POST /api/v1/catalog/list-entries/{id}/offline': { who: 'cat', params: (r) => ({ id: r.cat.offlineEntry }) },
  'POST /api/v1/catalog/list-entries/{id}/approve': { who: 'catrev', params: (r) => ({ id: r.cat.approveEntry }), body: () => ({ opinion: '同意' }) },
  'POST /api/v1/catalog/list-entries/{id}/reject': { who: 'catrev', params: (r) => ({ id: r.cat.rejectEntry }), body: () => ({ opinion: '职责不清' }) },
  'GET /api/v1/catalog/list-entries/template': { who: 'cat', query: () => ({ listType: 'power' }) },
  'GET /api/v1/catalog/list-entries/export': {
    who: 'catrev',
    query: (r) => ({ listType: 'responsibility', itemId: r.cat.item, tenantId: r.cat.root, orgId: r.org, role: 'assist', status: 'published', keyword: '坏输入' }),
  },
  'POST /api/v1/catalog/list-entries/import': { who: 'cat', query: () => ({ listType: 'responsibility', submit: 'false' }), xlsx: '/api/v1/catalog/list-entries/template' },
  'GET /api/v1/catalog/list-options/regions': { who: 'cat' },
  'GET /api/v1/catalog/list-options/units': { who: 'cat', query: (r) => ({ tenantId: r.A }) },
  'GET /api/v1/catalog/list-options/items': { who: 'catrev', query: (r) => ({ tenantId: r.A, keyword: '供暖' }) },

  // ---- 事项要素 ----
  'GET /api/v1/catalog/elements': { who: 'cat', query: () => ({ page: '1', pageSize: '20', order: 'asc', keyword: '坏输入', dataType: 'text', groupCode: 'common', domain: '坏输入' }) },
  'POST /api/v1/catalog/elements': {
    who: 'cat',
    body: () => ({
      code: uniq('bi.el'),
      name: '坏输入要素',
      dataType: 'select',
      options: [{ value: 'a', label: '甲' }],
      validation: { required: true },
      groupCode: 'bi',
      domain: '坏输入',
      description: '说明',
    }),
  },
  'GET /api/v1/catalog/elements/graph': { who: 'catrev', query: () => ({ groupCode: 'common', domain: '坏输入' }) },
  'GET /api/v1/catalog/element-options/dicts': { who: 'cat' },
  'GET /api/v1/catalog/elements/{id}': { who: 'catrev', params: (r) => ({ id: r.cat.element }) },
  'PATCH /api/v1/catalog/elements/{id}': {
    who: 'cat',
    params: (r) => ({ id: r.cat.element }),
    body: () => ({ name: '坏输入要素改', dataType: 'text', validation: { pattern: '^\\d+$', maxLength: 20 }, groupCode: 'bi', domain: '坏输入', description: '说明改' }),
  },
  'DELETE /api/v1/catalog/elements/{id}': { who: 'cat', params: (r) => ({ id: r.cat.elementDel }) },
  'GET /api/v1/catalog/elements/{id}/versions': { who: 'cat', params: (r) => ({ id: r.cat.element }) },
  'POST /api/v1/catalog/element-relations': { who: 'cat', body: (r) => ({ fromElementId: r.cat.element, toElementId: r.cat.element2, kind: 'association' }) },
  'DELETE /api/v1/catalog/element-relations': { who: 'cat', query: (r) => ({ fromElementId: r.cat.element, toElementId: r.cat.element2, kind: 'association' }) },
  'GET /api/v1/catalog/items/{id}/elements': { who: 'catrev', params: (r) => ({ id: r.cat.item }) },
  'PUT /api/v1/catalog/items/{id}/elements': { who: 'cat', params: (r) => ({ id: r.cat.item }), body: (r) => ({ elements: [{ elementId: r.cat.element2, required: false, sort: 1 }] }) },
  'GET /api/v1/catalog/items/{id}/form': { who: 'catrev', params: (r) => ({ id: r.cat.item }) },
  'POST /api/v1/catalog/items/{id}/form/validate': { who: 'catrev', params: (r) => ({ id: r.cat.item }), body: () => ({ data: { 'bi.number': 3, other: '值' } }) },

  // ---- 事项目录 ----
  'GET /api/v1/catalog/categories/tree': { who: 'catrev', query: () => ({ includeOffline: 'false' }) },
  'GET /api/v1/catalog/categories': {
    who: 'cat',
    query: (r) => ({
      page: '1',
      pageSize: '20',
      order: 'asc',
      name: '坏输入',
      code: 'BI-',
      level: '1',
      status: 'published',
      createdOrgId: r.org,
      createdFrom: '2026-01-01T00:00:00Z',
      createdTo: '2027-01-01T00:00:00Z',
      sort: 'code',
    }),
  },
  'POST /api/v1/catalog/categories': { who: 'cat', body: (r) => ({ parentId: r.cat.catParent, code: uniq('BI-C'), name: '坏输入目录', description: '说明', sort: 1, submit: false }) },
  'GET /api/v1/catalog/categories/{id}': { who: 'catrev', params: (r) => ({ id: r.cat.leaf }) },
  'PATCH /api/v1/catalog/categories/{id}': { who: 'cat', params: (r) => ({ id: r.cat.catParent }), body: () => ({ name: uniq('坏输入目录改'), description: '说明改', sort: 2, submit: false }) },
  'DELETE /api/v1/catalog/categories/{id}': { who: 'cat', params: (r) => ({ id: r.cat.catDel }) },
  'POST /api/v1/catalog/categories/{id}/offline': { who: 'cat', params: (r) => ({ id: r.cat.catParent }), body: () => ({ reason: '调整', submit: false }) },

  // ---- 事项清单 ----
  'GET /api/v1/catalog/items': {
    who: 'cat',
    query: (r) => ({
      page: '1',
      pageSize: '20',
      order: 'asc',
      q: '坏输入 事项',
      name: '坏输入',
      code: 'BI-',
      keyword: '关键词',
      categoryId: r.cat.leaf,
      industry: 'other',
      department: '部门',
      demandType: 'complaint',
      status: 'published',
      origin: 'standard',
      tenantId: r.cat.root,
      sort: 'code',
    }),
  },
  'POST /api/v1/catalog/items': {
    who: 'cat',
    body: (r) => ({
      categoryId: r.cat.leaf,
      code: uniq('BI-I'),
      name: '坏输入事项',
      origin: 'standard',
      description: '描述',
      keywords: ['关键词'],
      synonyms: ['同义词'],
      industry: 'other',
      demandTypes: ['complaint'],
      levels: [1, 2],
      urgencyTiers: ['urgent'],
      department: '部门',
      handlingStandard: '标准',
      legalBasis: '依据',
      effectiveFrom: '2026-01-01',
      effectiveTo: '2026-12-31',
      submit: false,
    }),
  },
  'GET /api/v1/catalog/items/{id}': { who: 'catrev', params: (r) => ({ id: r.cat.item }) },
  'PATCH /api/v1/catalog/items/{id}': {
    who: 'cat',
    params: (r) => ({ id: r.cat.item }),
    body: () => ({ name: '坏输入事项改', description: '描述改', keywords: ['关键词改'], levels: [1], effectiveFrom: '2026-02-01', effectiveTo: null, submit: false }),
  },
  'DELETE /api/v1/catalog/items/{id}': { who: 'cat', params: (r) => ({ id: r.cat.itemDel }) },
  'GET /api/v1/catalog/item-options': { who: 'cat' },
  'POST /api/v1/catalog/items/{id}/lifecycle': { who: 'cat', params: (r) => ({ id: r.cat.item }), body: () => ({ action: 'offline', reason: '调整', submit: false }) },
  'POST /api/v1/catalog/items/{id}/rollback': { who: 'cat', params: (r) => ({ id: r.cat.item }), body: () => ({ version: 1, submit: false }) },
  'GET /api/v1/catalog/items/{id}/versions': { who: 'cat', params: (r) => ({ id: r.cat.item }) },
  'GET /api/v1/catalog/items/{id}/versions/{version}': { who: 'catrev', params: (r) => ({ id: r.cat.item, version: '1' }) },
  'GET /api/v1/catalog/items/{id}/diff': { who: 'cat', params: (r) => ({ id: r.cat.item }), query: () => ({ from: '0', to: '1' }) },
  'GET /api/v1/catalog/items/{id}/changes': { who: 'catrev', params: (r) => ({ id: r.cat.item }) },
  'GET /api/v1/catalog/items/{id}/knowledge': { who: 'cat', params: (r) => ({ id: r.cat.item }) },
  'POST /api/v1/catalog/items/{id}/knowledge': { who: 'cat', params: (r) => ({ id: r.cat.item }), body: () => ({ articleId: randomUUID(), note: '关联说明' }) },
  'DELETE /api/v1/catalog/items/{id}/knowledge/{articleId}': { who: 'cat', params: (r) => ({ id: r.cat.item, articleId: r.cat.article }) },
  'GET /api/v1/catalog/items/template': { who: 'cat' },
  'GET /api/v1/catalog/items/export': {
    who: 'catrev',
    query: (r) => ({ q: '坏输入', name: '坏输入', code: 'BI-', keyword: '关键词', categoryId: r.cat.leaf, industry: 'other', department: '部门', demandType: 'complaint', status: 'published', origin: 'standard', tenantId: r.cat.root }),
  },
  'POST /api/v1/catalog/items/import': { who: 'cat', xlsx: '/api/v1/catalog/items/template' },

  // ---- 事项审核 ----
  'GET /api/v1/catalog/changes': {
    who: 'catrev',
    query: (r) => ({ page: '1', pageSize: '20', order: 'desc', status: 'pending', entityType: 'category', entityId: r.cat.catParent, action: 'create', mine: 'false', reviewable: 'true' }),
  },
  'GET /api/v1/catalog/changes/{id}': { who: 'catrev', params: (r) => ({ id: r.cat.approveChange }) },
  'DELETE /api/v1/catalog/changes/{id}': { who: 'cat', params: (r) => ({ id: r.cat.changeDel }) },
  'POST /api/v1/catalog/changes/{id}/submit': { who: 'cat', params: (r) => ({ id: r.cat.draftChange }) },
  'POST /api/v1/catalog/changes/{id}/approve': { who: 'catrev', params: (r) => ({ id: r.cat.approveChange }), body: () => ({ opinion: '同意' }) },
  'POST /api/v1/catalog/changes/{id}/reject': { who: 'catrev', params: (r) => ({ id: r.cat.rejectChange }), body: () => ({ opinion: '请补充' }) },
  'POST /api/v1/catalog/changes/{id}/withdraw': { who: 'cat', params: (r) => ({ id: r.cat.withdrawChange }) },

  // ---- 实施清单 (the root works on 乌鲁木齐's list) ----
  'GET /api/v1/catalog/implementation': { who: 'cat', query: (r) => ({ page: '1', pageSize: '20', order: 'asc', tenantId: r.A, q: '供暖', kind: 'inherited', adoptionStatus: 'new' }) },
  'GET /api/v1/catalog/implementation/{itemId}': { who: 'catrev', params: (r) => ({ itemId: r.cat.stdItem }), query: (r) => ({ tenantId: r.A }) },
  'GET /api/v1/catalog/implementation/{itemId}/changes': { who: 'cat', params: (r) => ({ itemId: r.cat.stdItem }), query: (r) => ({ tenantId: r.A }) },
  'PUT /api/v1/catalog/implementation/{itemId}/local-detail': {
    who: 'cat',
    params: (r) => ({ itemId: r.cat.stdItem }),
    body: (r) => ({ tenantId: r.A, rules: '实施细则', materials: ['身份证'], process: '流程', contactUnit: '单位', contactPhone: '0991-1234567', contactAddress: '地址', note: '备注' }),
  },
  'POST /api/v1/catalog/implementation/{itemId}/accept': { who: 'cat', params: (r) => ({ itemId: r.cat.stdItem }), body: (r) => ({ tenantId: r.A }) },
  'POST /api/v1/catalog/implementation/{itemId}/exclude': { who: 'cat', params: (r) => ({ itemId: r.cat.stdItem }), body: (r) => ({ tenantId: r.A, reason: '不属于本辖区' }) },

  // ---- 工单 ----
  'GET /api/v1/tickets': { who: 'disp', query: (r) => ({ page: '1', pageSize: '20', order: 'desc', keyword: '停水', status: 'handling', channel: 'phone', itemId: r.cat.item, regionCode: '650102', from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z', overdue: 'false', enterpriseRelated: 'false', supervised: 'false', box: 'dispatch' }) },
  'POST /api/v1/tickets': { who: 'agent', body: () => ({ channel: 'phone', kind: 'complaint', title: '坏输入工单', content: '内容', urgency: 'normal', citizen: { name: '王五', phone: '13899990009' }, draft: true }) },
  'GET /api/v1/tickets/{id}': { who: 'disp', params: (r) => ({ id: r.tix.ticket }) },
  'PATCH /api/v1/tickets/{id}': { who: 'agent', params: (r) => ({ id: r.tix.draft }), body: () => ({ title: '坏输入草稿改', content: '内容改' }) },
  'POST /api/v1/tickets/{id}/copy': { who: 'agent', params: (r) => ({ id: r.tix.ticket }) },
  'POST /api/v1/tickets/{id}/escalate': { who: 'agent', params: (r) => ({ id: r.tix.intake }), body: () => ({ opinion: '请值班长处理' }) },
  'POST /api/v1/tickets/{id}/send-to-review': { who: 'agent', params: (r) => ({ id: r.tix.intake }), body: () => ({ opinion: '送审核' }) },
  'POST /api/v1/tickets/{id}/return-for-supplement': { who: 'disp', params: (r) => ({ id: r.tix.intake }), body: () => ({ opinion: '请补充地址' }) },
  'POST /api/v1/tickets/{id}/approve-intake': { who: 'disp', params: (r) => ({ id: r.tix.intake }), body: () => ({ opinion: '同意' }) },
  'POST /api/v1/tickets/{id}/answer': { who: 'agent', params: (r) => ({ id: r.tix.intake }), body: () => ({ answer: '依据政策答复' }) },
  'POST /api/v1/tickets/{id}/append': { who: 'agent', params: (r) => ({ id: r.tix.ticket }), body: () => ({ content: '补充说明' }) },
  'POST /api/v1/tickets/{id}/urge': { who: 'agent', params: (r) => ({ id: r.tix.ticket }), body: () => ({ content: '请尽快' }) },
  'POST /api/v1/tickets/{id}/withdraw': { who: 'agent', params: (r) => ({ id: r.tix.withdraw }), body: () => ({ reason: '已自行解决' }) },
  'GET /api/v1/citizens/history': { who: 'agent', query: () => ({ phone: '13899990009' }) },
  'GET /api/v1/tickets/targets': { who: 'agent' },
  'GET /api/v1/tickets/map-config': { who: 'agent' },
  'GET /api/v1/tickets/targets/units': { who: 'disp', query: (r) => ({ tenantId: r.cat.root }) },
  'POST /api/v1/tickets/{id}/dispatch': { who: 'disp', params: (r) => ({ id: r.tix.intake }), body: (r) => ({ mode: 'single', orgIds: [r.tix.org], opinion: '请处理', deadlineAt: '2030-01-01T00:00:00Z' }) },
  'POST /api/v1/tickets/{id}/review': { who: 'rev', params: (r) => ({ id: r.tix.ticket }), body: () => ({ approve: false, opinion: '请补充', reply: '答复', taskIds: [] }) },
  'POST /api/v1/tickets/{id}/callback': { who: 'rev', params: (r) => ({ id: r.tix.ticket }), body: () => ({ result: 'satisfied', handlingRating: 5, serviceRating: 5, comment: '好', channel: 'phone' }) },
  'POST /api/v1/tickets/{id}/callback/robot': { who: 'rev', params: (r) => ({ id: r.tix.ticket }), body: () => ({ utterance: '满意' }) },
  'POST /api/v1/tickets/{id}/redo': { who: 'rev', params: (r) => ({ id: r.tix.ticket }), body: () => ({ reason: '要求重办' }) },
  'POST /api/v1/tickets/{id}/supervise': { who: 'sup', params: (r) => ({ id: r.tix.ticket }), body: () => ({ level: 'city', requirement: '24小时内反馈', reason: '群众多次催办' }) },
  'POST /api/v1/ticket-requests/{id}/decide': { who: 'rev', params: (r) => ({ id: r.tix.request }), body: () => ({ approve: false, opinion: '理由不充分' }) },
  'GET /api/v1/supervisions': { who: 'sup', query: () => ({ page: '1', pageSize: '20', order: 'desc', status: 'open', kind: 'supervision' }) },
  'POST /api/v1/supervisions/{id}/reply': { who: 'hdl', params: (r) => ({ id: r.tix.supervision }), body: () => ({ reply: '正在处理' }) },
  'POST /api/v1/supervisions/{id}/close': { who: 'sup', params: (r) => ({ id: r.tix.supervision }), body: () => ({ opinion: '结案' }) },
  'POST /api/v1/tickets/export': { who: 'disp', body: () => ({ keyword: '坏输入', columns: ['no', 'title'] }) },
  'GET /api/v1/tickets/{id}/timeline.xlsx': { who: 'disp', params: (r) => ({ id: r.tix.ticket }) },
  'GET /api/v1/ticket-tasks': { who: 'hdl', query: () => ({ page: '1', pageSize: '20', order: 'desc', box: 'handling', keyword: '停水' }) },
  'POST /api/v1/ticket-tasks/{id}/sign': { who: 'hdl', params: (r) => ({ id: r.tix.task }) },
  'POST /api/v1/ticket-tasks/{id}/sub-assign': { who: 'hdl', params: (r) => ({ id: r.tix.task }), body: (r) => ({ mode: 'single', orgIds: [r.tix.org], opinion: '下派' }) },
  'POST /api/v1/ticket-tasks/{id}/report': { who: 'hdl', params: (r) => ({ id: r.tix.task }), body: () => ({ result: '已处理', basis: '依据', method: 'phone' }) },
  'POST /api/v1/ticket-tasks/{id}/return': { who: 'hdl', params: (r) => ({ id: r.tix.task }), body: () => ({ reasonCode: 'not-our-duty', reason: '不属于本部门' }) },
  'POST /api/v1/ticket-tasks/{id}/extension': { who: 'hdl', params: (r) => ({ id: r.tix.task }), body: () => ({ reason: '需要协调', amount: 2, unit: 'workday' }) },
  'POST /api/v1/ticket-tasks/{id}/suspension': { who: 'hdl', params: (r) => ({ id: r.tix.task }), body: (r) => ({ reasonCode: 'survey', reason: '需现场勘查', days: 5, attachmentIds: [r.tix.attachment] }) },
  'POST /api/v1/ticket-tasks/{id}/resume': { who: 'hdl', params: (r) => ({ id: r.tix.task }), body: () => ({ reason: '勘查完成' }) },
  'POST /api/v1/ticket-tasks/{id}/difficult': { who: 'hdl', params: (r) => ({ id: r.tix.task }), body: () => ({ reason: '职能交叉' }) },
  'POST /api/v1/ticket-tasks/{id}/appeal': { who: 'hdl', params: (r) => ({ id: r.tix.task }), body: (r) => ({ reason: '无进一步处理空间', attachmentIds: [r.tix.attachment] }) },
  'POST /api/v1/tickets/attachments': { who: 'agent', query: () => ({ name: 'a.pdf', mime: 'application/pdf' }), raw: { contentType: 'application/octet-stream', payload: Buffer.from('%PDF-1.4') } },
  'GET /api/v1/tickets/attachments/{id}': { who: 'agent', params: (r) => ({ id: r.tix.attachment }) },
  'GET /api/v1/sla-rules': { who: 'sup' },
  'POST /api/v1/sla-rules': { who: 'sup', body: () => ({ name: '坏输入规则', kind: 'supervision', trigger: 'overdue', threshold: 24, level: 'city', requirement: '24小时内反馈', channels: ['inapp'] }) },
  'PUT /api/v1/sla-rules/{id}': { who: 'sup', params: (r) => ({ id: r.tix.rule }), body: () => ({ name: '坏输入规则改', kind: 'warning', trigger: 'near_due', threshold: 24 }) },
  'POST /api/v1/sla-rules/{id}/dry-run': { who: 'sup', params: (r) => ({ id: r.tix.rule }) },
  'POST /api/v1/sla-rules/{id}/activate': { who: 'sup', params: (r) => ({ id: r.tix.rule }) },
  'POST /api/v1/sla-rules/{id}/deactivate': { who: 'sup', params: (r) => ({ id: r.tix.rule }) },
  'DELETE /api/v1/sla-rules/{id}': { who: 'sup', params: () => ({ id: randomUUID() }) },
  'GET /api/v1/ticket-config/policy': { who: 'sup' },
  'PUT /api/v1/ticket-config/policy': { who: 'sup', body: () => ({ callbackMode: 'manual', callbackHours: 72 }) },
  'GET /api/v1/ticket-config/calendar': { who: 'sup', query: () => ({ year: '2026' }) },
  'PUT /api/v1/ticket-config/calendar': { who: 'sup', body: () => ({ date: '2026-06-16', kind: 'holiday', name: '古尔邦节' }) },
  'GET /api/v1/tickets/intake-clients': { who: 'sup' },
  'POST /api/v1/tickets/intake-clients': { who: 'sup', body: (r) => ({ code: uniq('BI-C'), name: '坏输入接入方', orgId: r.tix.org }) },
  'POST /api/v1/intake/tickets': { who: 'anon', body: () => ({ externalId: uniq('ext'), title: '外部来单', content: '内容' }) },
  'POST /api/v1/public/tickets': { who: 'anon', body: () => ({ title: '网上诉求', content: '内容', name: '李四', phone: '13899990010' }) },
  'POST /api/v1/public/tickets/query': { who: 'anon', body: () => ({ no: 'XJ20260101000001', phone: '13899990010' }) },
  'POST /api/v1/public/tickets/evaluate': { who: 'anon', body: () => ({ no: 'XJ20260101000001', phone: '13899990010', handlingRating: 5, serviceRating: 5 }) },
  'GET /api/v1/public/evaluations/{token}': { who: 'anon', params: () => ({ token: 'AAAAAAAAAAAAAAAAAAAAAAAA' }) },
  'POST /api/v1/public/evaluations/{token}': { who: 'anon', params: () => ({ token: 'AAAAAAAAAAAAAAAAAAAAAAAA' }), body: () => ({ handlingRating: 5, serviceRating: 4, comment: '好' }) },
  // ---- 智能辅助 ----
  'POST /api/v1/assist/analyse': { who: 'agent', body: () => ({ text: '我住天山区幸福路小区，昨天下午开始停水，电话13899990001', title: '停水', referenceDate: '2026-01-05T09:00:00Z', transcript: [{ speaker: 'citizen', text: '还是没有水' }] }) },
  'GET /api/v1/assist/models/items': { who: 'sup' },
  // One training at a time: the valid request starts a job (1 epoch), the hostile ones are refused or get 409.
  'POST /api/v1/assist/models/items/train': { who: 'sup', body: () => ({ epochs: 1 }) },
  // ---- 话务 ----
  'GET /api/v1/telephony/calls': {
    who: 'rev',
    query: () => ({ page: '1', pageSize: '20', order: 'desc', from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z', caller: '13800000000', callerMatch: 'exact', agent: '1001', endReason: 'caller-hangup', queue: 'mandarin', hasRecording: 'true' }),
  },
  'GET /api/v1/telephony/calls/{id}': { who: 'rev', params: (r) => ({ id: r.call }) },
  'GET /api/v1/telephony/calls/{id}/recording': { who: 'rev', params: (r) => ({ id: r.call }), query: () => ({ kind: 'voicemail' }) },
  'GET /api/v1/telephony/softphone': { who: 'agent' },
  'GET /api/v1/telephony/agents': { who: 'sys' },
  'PUT /api/v1/telephony/agents/{userId}': { who: 'sys', params: (r) => ({ userId: r.agent }), body: () => ({ extension: '8099' }) },
  'DELETE /api/v1/telephony/agents/{userId}': { who: 'sys', params: (r) => ({ userId: r.agent }) },

  // ---- 知识库 (configuration and the article life cycle)
  'GET /api/v1/kb/directories': { who: 'agent' },
  'POST /api/v1/kb/directories': { who: 'kbadm', body: (r) => ({ parentId: r.kb.dir, name: uniq('坏输入子目录'), sort: 1 }) },
  'PATCH /api/v1/kb/directories/{id}': { who: 'kbadm', params: (r) => ({ id: r.kb.dir }), body: () => ({ name: uniq('坏输入目录改'), sort: 2, enabled: true }) },
  'DELETE /api/v1/kb/directories/{id}': { who: 'kbadm', params: (r) => ({ id: r.kb.dirDel }) },
  'GET /api/v1/kb/types': { who: 'agent' },
  'POST /api/v1/kb/types': {
    who: 'kbadm',
    body: () => ({ code: uniq('bi'), name: '坏输入新类型', description: '说明', sort: 90, enabled: true, template: { fields: [{ key: 'topic', label: '主题', required: true, kind: 'text' }] } }),
  },
  'PATCH /api/v1/kb/types/{code}': { who: 'kbadm', params: (r) => ({ code: r.kb.type }), body: () => ({ name: '坏输入类型改', description: '说明改', template: { fields: [{ key: 'topic', label: '主题', required: false, kind: 'textarea' }] } }) },
  'GET /api/v1/kb/hot-words': { who: 'kbadm' },
  'POST /api/v1/kb/hot-words': { who: 'kbadm', body: (r) => ({ word: uniq('坏输入热词'), weight: 1.5, articleIds: [r.kb.read] }) },
  'PATCH /api/v1/kb/hot-words/{id}': { who: 'kbadm', params: (r) => ({ id: r.kb.hotWord }), body: (r) => ({ word: uniq('坏输入热词改'), weight: 3, articleIds: [r.kb.read] }) },
  'DELETE /api/v1/kb/hot-words/{id}': { who: 'kbadm', params: (r) => ({ id: r.kb.hotWordDel }) },
  'GET /api/v1/kb/synonyms': { who: 'agent' },
  'PUT /api/v1/kb/synonyms': { who: 'kbadm', body: () => ({ items: [{ term: '坏输入', synonyms: ['坏的输入', '恶意输入'] }] }) },
  'GET /api/v1/kb/synonyms/template': { who: 'kbadm' },
  'GET /api/v1/kb/synonyms/export': { who: 'kbadm' },
  'POST /api/v1/kb/synonyms/import': { who: 'kbadm', xlsx: '/api/v1/kb/synonyms/template' },
  'GET /api/v1/kb/articles': {
    who: 'kbed',
    query: (r) => ({ page: '1', pageSize: '20', order: 'desc', status: 'draft', typeCode: 'faq', directoryId: r.kb.dir, q: '坏输入' }),
  },
  'POST /api/v1/kb/articles': {
    who: 'kbed',
    body: (r) => ({
      directoryId: r.kb.dir,
      typeCode: 'guide',
      scope: 'subtree',
      title: '坏输入新知识',
      summary: '摘要',
      body: '正文',
      fields: { conditions: '条件', phone: '12345' },
      keywords: ['关键词'],
      itemIds: [r.cat.item],
      basis: '依据',
      source: '来源',
      validTo: '2026-12-31',
    }),
  },
  'GET /api/v1/kb/articles/{id}': { who: 'agent', params: (r) => ({ id: r.kb.read }) },
  'PUT /api/v1/kb/articles/{id}/draft': {
    who: 'kbed',
    params: (r) => ({ id: r.kb.draft }),
    body: () => ({ title: '坏输入草稿改', summary: '摘要', body: '正文', fields: { question: '问题' }, keywords: ['关键词'], itemIds: [], basis: '依据', source: '来源', validTo: null }),
  },
  'POST /api/v1/kb/articles/{id}/submit': { who: 'kbed', params: (r) => ({ id: r.kb.submit }) },
  'POST /api/v1/kb/articles/{id}/review': { who: 'kbrev', params: (r) => ({ id: r.kb.review }), body: () => ({ decision: 'approve', opinion: '同意' }) },
  'POST /api/v1/kb/articles/{id}/publish': { who: 'kbrev', params: (r) => ({ id: r.kb.publish }), body: () => ({}) },
  'POST /api/v1/kb/articles/{id}/unpublish': { who: 'kbrev', params: (r) => ({ id: r.kb.unpublish }), body: () => ({ reason: '政策调整', temporary: true }) },
  'POST /api/v1/kb/articles/{id}/recycle': { who: 'kbed', params: (r) => ({ id: r.kb.recycle }), body: () => ({ reason: '内容过时' }) },
  'POST /api/v1/kb/articles/{id}/restore': { who: 'kbed', params: (r) => ({ id: r.kb.restore }) },
  'POST /api/v1/kb/articles/{id}/discard': { who: 'kbed', params: (r) => ({ id: r.kb.discard }) },
  'GET /api/v1/kb/reviews': { who: 'kbrev' },
  'GET /api/v1/kb/work-orders': { who: 'kbed', query: () => ({ page: '1', pageSize: '20', order: 'desc', changeType: 'create', state: 'draft' }) },
  'GET /api/v1/kb/recycle-bin': { who: 'kbed' },
  // ---- 知识库 search and recommendation
  'GET /api/v1/kb/search': {
    who: 'agent',
    query: (r) => ({ q: '社保卡 补办', rule: 'any', typeCode: 'guide', directoryId: r.kb.dir, ownerTenantId: r.cat.root, publishedFrom: '2026-01-01', publishedTo: '2027-01-01', page: '1', pageSize: '10' }),
  },
  'GET /api/v1/kb/search/hot-terms': { who: 'agent', query: () => ({ days: '30', limit: '10' }) },
  'POST /api/v1/kb/recommend': { who: 'agent', body: (r) => ({ text: '我的社保卡丢了，想补办一张', itemId: r.cat.item, limit: 5 }) },
  'POST /api/v1/kb/articles/{id}/use': { who: 'agent', params: (r) => ({ id: r.kb.read }), body: () => ({ kind: 'view' }) },
};

/**
 * Whether the schema admits this string (type, enum, length in code points as ajv counts them,
 * pattern with the u flag as ajv compiles it). Formats (uuid, date, …) admit none of the hostile
 * strings used here. An admitted value may legitimately be accepted (2xx) or refused by the service.
 */
function admits(s: Schema, v: string): boolean {
  if (s.anyOf) return s.anyOf.some((x) => admits(x, v));
  if (s.type !== 'string') return false;
  if (s.enum && !s.enum.includes(v)) return false;
  const length = [...v].length;
  if ((s.minLength !== undefined && length < s.minLength) || (s.maxLength !== undefined && length > s.maxLength)) return false;
  if (s.pattern && !new RegExp(s.pattern, 'u').test(v)) return false;
  return !s.format;
}

/** null is a value of the schema (a nullable field: null clears it). */
function admitsNull(s: Schema): boolean {
  return s.nullable === true || s.type === 'null' || (s.anyOf?.some(admitsNull) ?? false);
}

/** Integer query values the schema refuses: not numbers, fractions, and just past each bound. */
function wrongIntegers(s: Schema): string[] {
  const out = ['abc', '1.5'];
  if (s.minimum !== undefined) out.push(String(s.minimum - 1));
  if (s.maximum !== undefined) out.push(String(s.maximum + 1));
  else out.push('99999999999');
  return out;
}

/** Something of a type the schema does not allow (objects where arrays are expected and so on). */
function wrongValue(s: Schema): unknown {
  if (s.anyOf) return { unexpected: ['object'] };
  switch (s.type) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return '12';
    case 'boolean':
      return 'true';
    case 'array':
      return { 0: 'not', 1: 'an array' };
    case 'object':
      return ['not', 'an object'];
    default:
      return Symbol.for('unreachable');
  }
}

const isStringy = (s: Schema | undefined): boolean => s !== undefined && (s.type === 'string' || (s.anyOf?.some(isStringy) ?? false));

/** Bodies with `value` put at each string leaf (properties, array items, nested objects, objects in arrays). */
function stringLeaves(schema: Schema, base: Json, value: string): { path: string; body: Json; free: boolean }[] {
  const out: { path: string; body: Json; free: boolean }[] = [];
  for (const [k, s] of Object.entries(schema.properties ?? {})) {
    if (isStringy(s)) {
      out.push({ path: k, body: { ...base, [k]: value }, free: admits(s, value) });
    } else if (s.type === 'array' && isStringy(s.items)) {
      out.push({ path: `${k}[0]`, body: { ...base, [k]: [value] }, free: admits(s.items!, value) });
    } else if (s.type === 'array' && s.items?.type === 'object') {
      const first = (Array.isArray(base[k]) ? (base[k] as Json[])[0] : undefined) ?? {};
      for (const inner of stringLeaves(s.items, first, value)) out.push({ path: `${k}[0].${inner.path}`, body: { ...base, [k]: [inner.body] }, free: inner.free });
    } else if (s.type === 'object' && s.properties) {
      const inside = (typeof base[k] === 'object' && base[k] !== null && !Array.isArray(base[k]) ? base[k] : {}) as Json;
      for (const inner of stringLeaves(s, inside, value)) out.push({ path: `${k}.${inner.path}`, body: { ...base, [k]: inner.body }, free: inner.free });
    }
  }
  return out;
}

interface Attempt {
  what: string;
  method: Method;
  url: string;
  payload?: string | Buffer;
  contentType?: string;
  /** reject: must be 4xx; maybe: 2xx or 4xx (the input may be valid). */
  expect: 'reject' | 'maybe';
}

interface Outcome {
  status: number;
  body: unknown;
}

describe('hostile input against every operation', () => {
  let p: TestPlatform;
  let clients: Record<Exclude<Who, 'anon' | 'fresh'>, Client>;
  /** Excel import jobs answered 202: each must end (succeeded or failed with a Chinese reason), never hang or crash. */
  const jobs: { op: string; what: string; id: string; who: Who }[] = [];
  /** The answer to each operation's valid request: proof that the hostile variants hit a working route. */
  const valid = new Map<string, { status: number; body: unknown }>();
  let refs: Refs;
  let spec: Spec;
  const accepted: { op: string; what: string; value: string; body: unknown }[] = [];

  beforeAll(async () => {
    p = await createTestPlatform();
    const I = await ids(p);
    const names = {
      sys: 'sysadmin',
      sec: 'secadmin',
      aud: 'auditadmin',
      agent: 'agent01',
      cat: 'catalog01',
      catrev: 'catreview01',
      disp: 'dispatcher01',
      rev: 'reviewer01',
      hdl: 'handler_xj',
      sup: 'supervisor01',
      kbed: 'kbeditor01',
      kbrev: 'kbreviewer01',
      kbadm: 'kbadmin01',
    } as const;
    clients = Object.fromEntries(await Promise.all(Object.entries(names).map(async ([k, u]) => [k, await login(p, u)] as const))) as typeof clients;
    const { sys, sec } = clients;
    // The login endpoints get hundreds of requests here; lift the per-IP limit for this file.
    expect((await sec.put('/api/v1/config/security.loginRateLimitPerMinute', { value: 100000 })).status).toBe(200);
    const A = await I.tenant('650100');
    for (const op of Object.values(OPS)) {
      if (!op.xlsx || TEMPLATES.has(op.xlsx)) continue;
      const res = await p.app.inject({ url: op.xlsx, headers: { authorization: `Bearer ${clients[op.who as Exclude<Who, 'anon' | 'fresh'>].token ?? ''}` } });
      expect(res.statusCode, op.xlsx).toBe(200);
      TEMPLATES.set(op.xlsx, res.rawPayload);
    }
    const tenant = await sys.post<{ id: string }>('/api/v1/tenants', { parentId: A, code: 'BI-SCRATCH', name: '坏输入测试租户', kind: 'enterprise' });
    expect(tenant.status).toBe(201);
    const org = await sys.post<{ id: string }>('/api/v1/orgs', { tenantId: tenant.body.id, code: 'BI-ORG', name: '坏输入测试机构', kind: 'department' });
    expect(org.status).toBe(201);
    const user = await sys.post<{ id: string }>('/api/v1/users', { tenantId: tenant.body.id, orgId: org.body.id, username: 'bi_scratch', displayName: '坏输入测试用户', password: 'Strong@Pass2026' });
    expect(user.status).toBe(201);
    const role = await sec.post<{ id: string }>('/api/v1/roles', { tenantId: tenant.body.id, code: 'bi_role', name: '坏输入测试角色', dataScope: 'self', permissions: ['dashboard:view'] });
    expect(role.status).toBe(201);
    expect((await sys.post('/api/v1/dicts', { code: 'bi_dict', name: '坏输入测试字典' })).status).toBe(201);
    const item = await sys.post<{ id: string }>('/api/v1/dicts/bi_dict/items', { value: 'v0', label: '初始项' });
    expect(item.status).toBe(201);
    const agentId = await I.user('agent01');
    const note = await sys.post<{ id: string }>('/api/v1/notifications', { title: '坏输入测试', body: '正文', targets: [{ type: 'user', id: agentId }] });
    expect(note.status).toBe(201);
    // The public H5 endpoints get hundreds of requests here too.
    expect((await sec.put('/api/v1/config/security.publicRateLimitPerMinute', { value: 100000 })).status).toBe(200);
    refs = { A, tenant: tenant.body.id, org: org.body.id, user: user.body.id, role: role.body.id, dict: 'bi_dict', item: item.body.id, notification: note.body.id, agent: agentId, call: await callRef(), cat: await catalogRefs(), tix: await ticketRefs(await I.org('ZJT')), kb: await knowledgeRefs() };
    spec = (await p.app.inject({ url: '/api/openapi.json' })).json() as Spec;
  });
  afterAll(() => p?.close());

  /** Body of a request that must succeed during setup. */
  async function made<T>(res: Promise<{ status: number; body: T }>, status: number, what: string): Promise<T> {
    const r = await res;
    expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(status);
    return r.body;
  }

  /** A call of the root's hotline as the media role stores it: the CDR row and its audio in the blob store. */
  async function callRef(): Promise<string> {
    const at = Date.parse('2026-01-05T09:00:00+08:00');
    const cdr = { id: 'bi-call-1', sipCallId: 'bi@carrier', caller: '13800000000', callerWithheld: false, callee: '12345', startedAt: at, bridgedAt: at + 9000, endedAt: at + 60_000, endReason: 'caller-hangup' as const, ivrPath: ['menu', 'route', 'mandarin'], ivrInputs: [{ node: 'menu', digits: '1' }], dtmf: '1', transfers: [], legs: [], holdSeconds: 0, queue: 'mandarin', agent: '1001' };
    const recording = await p.deps.blobs.put(callAudioKey('recordings', cdr), Buffer.from('RIFF recording'), { contentType: 'audio/wav' });
    const voicemail = await p.deps.blobs.put(callAudioKey('voicemail', cdr), Buffer.from('RIFF voicemail'), { contentType: 'audio/wav' });
    await insertCdr(p.deps.db, '650000', cdr, { recording, voicemail });
    return cdr.id;
  }

  /** The root's catalogue records that the valid requests work on (made through the API). */
  async function catalogRefs(): Promise<CatalogRefs> {
    const { cat, catrev } = clients;
    const root = (await p.deps.db.selectFrom('tenant').select('id').where('code', '=', '650000').executeTakeFirstOrThrow()).id;
    type WithChange = { id: string; openChange: { id: string } };
    const approve = async (changeId: string, what: string) => made(catrev.post(`/api/v1/catalog/changes/${changeId}/approve`, { opinion: '同意' }), 200, what);
    const enterprise = async (name: string) => (await made(cat.post<{ id: string; creditCode: string }>('/api/v1/enterprises', { creditCode: creditCode(), name }), 201, name));
    const ent = await enterprise('坏输入测试企业');
    const rule = async (note: string) => (await made(cat.post<{ id: string }>('/api/v1/time-limits', { level: 1, industry: 'health', itemId: randomUUID(), amount: 5, unit: 'workday', note }), 201, note)).id;
    const std = await made(cat.get<{ items: { id: string }[] }>('/api/v1/catalog/items?origin=standard&status=published&pageSize=1'), 200, 'standard item');
    const category = async (code: string, submit: boolean) => made(cat.post<WithChange>('/api/v1/catalog/categories', { code, name: `坏输入${code}`, submit }), 201, code);
    const catParent = await category('BI-CAT-PARENT', true);
    await approve(catParent.openChange.id, 'parent category');
    const leaf = await category('BI-CAT-LEAF', true);
    await approve(leaf.openChange.id, 'leaf category');
    const newItem = async (code: string, submit: boolean) => made(cat.post<WithChange>('/api/v1/catalog/items', { categoryId: leaf.id, code, name: `坏输入事项${code}`, submit }), 201, code);
    const item = await newItem('BI-ITEM-1', true);
    await approve(item.openChange.id, 'item');
    const itemDel = await newItem('BI-ITEM-DEL', false);
    const article = randomUUID();
    await made(cat.post(`/api/v1/catalog/items/${item.id}/knowledge`, { articleId: article, note: '关联' }), 201, 'knowledge');
    const entry = async (unit: string, submit: boolean) =>
      (await made(cat.post<{ id: string }>('/api/v1/catalog/list-entries', { listType: 'responsibility', itemId: item.id, unitName: unit, role: 'assist', duty: '职责', submit }), 201, unit)).id;
    const published = async (unit: string) => {
      const id = await entry(unit, true);
      await made(catrev.post(`/api/v1/catalog/list-entries/${id}/approve`, { opinion: '同意' }), 200, `publish ${unit}`);
      return id;
    };
    const rejectedEntry = await entry('坏输入退回单位', true);
    await made(catrev.post(`/api/v1/catalog/list-entries/${rejectedEntry}/reject`, { opinion: '请补充职责' }), 200, 'reject entry');
    const element = async (code: string, dataType: string) => (await made(cat.post<{ id: string }>('/api/v1/catalog/elements', { code, name: `坏输入要素${code}`, dataType }), 201, code)).id;
    const changeOf = async (code: string, submit: boolean) => (await category(code, submit)).openChange.id;
    return {
      root,
      enterprise: ent.id,
      enterpriseRej: (await enterprise('坏输入待驳回企业')).id,
      enterpriseDel: (await enterprise('坏输入待删企业')).id,
      creditCode: ent.creditCode,
      timeLimit: await rule('坏输入规则'),
      timeLimitDel: await rule('坏输入待删规则'),
      stdItem: std.items[0]!.id,
      catParent: catParent.id,
      leaf: leaf.id,
      catDel: (await category('BI-CAT-DEL', false)).id,
      item: item.id,
      itemDel: itemDel.id,
      article,
      entry: await published('坏输入修订单位'),
      offlineEntry: await published('坏输入下架单位'),
      draftEntry: await entry('坏输入草稿单位', false),
      submitEntry: await entry('坏输入提交单位', false),
      rejectedEntry,
      approveEntry: await entry('坏输入通过单位', true),
      rejectEntry: await entry('坏输入驳回单位', true),
      entryDel: await entry('坏输入删除单位', false),
      element: await element('bi.text', 'text'),
      element2: await element('bi.number', 'number'),
      elementDel: await element('bi.del', 'text'),
      approveChange: await changeOf('BI-CHG-APPROVE', true),
      rejectChange: await changeOf('BI-CHG-REJECT', true),
      withdrawChange: await changeOf('BI-CHG-WITHDRAW', true),
      draftChange: await changeOf('BI-CHG-DRAFT', false),
      changeDel: await changeOf('BI-CHG-DEL', false),
    };
  }

  /** Knowledge of the root: kbeditor01 writes, kbreviewer01 reviews and publishes, kbadmin01 configures. */
  async function knowledgeRefs(): Promise<KnowledgeRefs> {
    const { kbed, kbrev, kbadm } = clients;
    const dir = await made(kbadm.post<{ id: string }>('/api/v1/kb/directories', { name: '坏输入目录', sort: 1 }), 201, 'kb directory');
    const dirDel = await made(kbadm.post<{ id: string }>('/api/v1/kb/directories', { name: '坏输入待删目录' }), 201, 'kb directory to delete');
    await made(kbadm.post('/api/v1/kb/types', { code: 'bi_type', name: '坏输入类型' }), 201, 'kb type');
    const step = async (title: string, to: 'draft' | 'submitted' | 'approved' | 'published' | 'offline' | 'recycled') => {
      const a = await made(
        kbed.post<{ id: string }>('/api/v1/kb/articles', { directoryId: dir.id, typeCode: 'faq', title, body: '坏输入测试正文', fields: { question: '问题' }, basis: '依据' }),
        201,
        title,
      );
      const order = ['draft', 'submitted', 'approved', 'published', 'offline', 'recycled'];
      const reach = (s: string) => order.indexOf(to) >= order.indexOf(s);
      if (reach('submitted')) await made(kbed.post(`/api/v1/kb/articles/${a.id}/submit`), 200, `${title} submit`);
      if (reach('approved')) await made(kbrev.post(`/api/v1/kb/articles/${a.id}/review`, { decision: 'approve', opinion: '同意' }), 200, `${title} approve`);
      if (reach('published')) await made(kbrev.post(`/api/v1/kb/articles/${a.id}/publish`, {}), 200, `${title} publish`);
      if (reach('offline')) await made(kbrev.post(`/api/v1/kb/articles/${a.id}/unpublish`, { reason: '下架' }), 200, `${title} unpublish`);
      if (reach('recycled')) await made(kbed.post(`/api/v1/kb/articles/${a.id}/recycle`, { reason: '回收' }), 200, `${title} recycle`);
      return a.id;
    };
    const read = await step('坏输入已发布知识', 'published');
    const hotWord = async (word: string) => (await made(kbadm.post<{ id: string }>('/api/v1/kb/hot-words', { word, weight: 2, articleIds: [read] }), 201, word)).id;
    return {
      dir: dir.id,
      dirDel: dirDel.id,
      type: 'bi_type',
      hotWord: await hotWord('坏输入热词'),
      hotWordDel: await hotWord('坏输入待删热词'),
      read,
      draft: await step('坏输入草稿', 'draft'),
      submit: await step('坏输入待提交', 'draft'),
      review: await step('坏输入待审核', 'submitted'),
      publish: await step('坏输入待发布', 'approved'),
      unpublish: await step('坏输入待下架', 'published'),
      recycle: await step('坏输入待回收', 'offline'),
      restore: await step('坏输入待恢复', 'recycled'),
      discard: await step('坏输入待放弃', 'draft'),
    };
  }

  /** A ticket worked up to a signed task with a pending request, plus tickets in the other states ops need. */
  async function ticketRefs(org: string): Promise<TicketRefs> {
    const { agent, disp, hdl, sup } = clients;
    const register = async (title: string, draft = false) =>
      (await made(agent.post<{ id: string }>('/api/v1/tickets', { channel: 'phone', title, content: '坏输入测试内容', citizen: { name: '王五', phone: '13899990009' }, draft }), 201, title)).id;
    const ticket = await register('坏输入主工单');
    const dispatched = await made(disp.post<{ taskIds: string[] }>(`/api/v1/tickets/${ticket}/dispatch`, { mode: 'single', orgIds: [org] }), 200, 'dispatch');
    const task = dispatched.taskIds[0]!;
    await made(hdl.post(`/api/v1/ticket-tasks/${task}/sign`), 200, 'sign');
    const request = await made(hdl.post<{ id: string }>(`/api/v1/ticket-tasks/${task}/extension`, { reason: '需协调', amount: 1, unit: 'workday' }), 201, 'extension');
    const upload = await p.app.inject({ method: 'POST', url: '/api/v1/tickets/attachments?name=a.pdf&mime=application/pdf', headers: { authorization: `Bearer ${hdl.token ?? ''}`, 'content-type': 'application/octet-stream' }, payload: Buffer.from('%PDF-1.4') });
    expect(upload.statusCode, upload.body).toBe(201);
    const supervision = await made(sup.post<{ id: string }>(`/api/v1/tickets/${ticket}/supervise`, { level: 'city', requirement: '24小时内反馈', reason: '测试' }), 201, 'supervise');
    const rule = await made(sup.post<{ id: string }>('/api/v1/sla-rules', { name: '坏输入测试规则', kind: 'supervision', trigger: 'returns', threshold: 3 }), 201, 'rule');
    return { ticket, task, request: request.id, intake: await register('坏输入受理中'), draft: await register('坏输入草稿', true), withdraw: await register('坏输入待撤单'), org, supervision: supervision.id, rule: rule.id, attachment: (upload.json() as { id: string }).id };
  }

  async function tokenFor(who: Who): Promise<string | undefined> {
    if (who === 'anon') return undefined;
    if (who === 'fresh') return (await login(p, 'sysadmin')).token;
    return clients[who].token;
  }

  async function send(who: Who, a: Attempt): Promise<Outcome & { type: string }> {
    const token = await tokenFor(who);
    const res = await p.app.inject({
      method: a.method,
      url: a.url,
      headers: {
        'user-agent': 'vitest',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(a.payload !== undefined ? { 'content-type': a.contentType ?? 'application/json' } : {}),
      },
      ...(a.payload !== undefined ? { payload: a.payload } : {}),
    });
    const type = String(res.headers['content-type'] ?? '');
    return { status: res.statusCode, body: type.includes('json') ? res.json() : res.body, type };
  }

  /** Checks one answer; returns a complaint or null. */
  function judge(a: Attempt, res: Outcome & { type: string }): string | null {
    const where = `${a.what}: ${a.method} ${a.url.slice(0, 160)} → ${res.status}`;
    if (res.status >= 500) return `${where} (server error ${JSON.stringify(res.body)})`;
    if (res.status < 200 || (res.status >= 300 && res.status < 400)) return `${where} (unexpected status)`;
    if (res.status < 300) return a.expect === 'reject' ? `${where} accepted, expected a 4xx` : null;
    if (!res.type.startsWith('application/problem+json')) return `${where} content-type ${res.type}`;
    const b = res.body as Json;
    if (typeof b.code !== 'string' || b.code === '') return `${where} no code`;
    if (b.status !== res.status) return `${where} status field ${String(b.status)}`;
    if (typeof b.detail !== 'string' || !CHINESE.test(b.detail)) return `${where} detail not Chinese: ${String(b.detail)}`;
    return null;
  }

  function buildUrl(path: string, params: Record<string, string>, query: Record<string, string>, raw = false): string {
    const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => (raw ? (params[name] ?? '') : encodeURIComponent(params[name] ?? '')));
    const qs = new URLSearchParams(query).toString();
    return qs ? `${filled}?${qs}` : filled;
  }

  function attemptsFor(key: string, op: Operation, setup: OpSetup): Attempt[] {
    const [method, path] = key.split(' ') as [Method, string];
    const params = setup.params?.(refs) ?? {};
    const query = setup.query?.(refs) ?? {};
    const url = buildUrl(path, params, query);
    const schema = op.requestBody?.content['application/json']?.schema;
    const hasBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
    const body = () => (setup.body ? setup.body(refs) : {});
    const json = (v: unknown) => JSON.stringify(v);
    const out: Attempt[] = [];
    // An Excel import's valid body is the workbook itself.
    const validBody = (): Pick<Attempt, 'payload' | 'contentType'> => (setup.xlsx ? { payload: TEMPLATES.get(setup.xlsx)!, contentType: XLSX_MIME } : setup.raw ? { ...setup.raw } : { payload: json(body()) });
    const withBody = (a: Omit<Attempt, 'method'>): Attempt => ({ method, ...(hasBody && a.payload === undefined ? validBody() : {}), ...a });

    // The valid request itself: anything but a 5xx.
    out.push(withBody({ what: 'valid request', url, expect: 'maybe' }));

    // Path parameters: random UUIDs, SQL, traversal, script, NUL, oversize and broken encodings.
    for (const prm of (op.parameters ?? []).filter((x) => x.in === 'path')) {
      for (const bad of HOSTILE_IDS) out.push(withBody({ what: `path ${prm.name}=${json(bad).slice(0, 40)}`, url: buildUrl(path, { ...params, [prm.name]: bad }, query), expect: 'reject' }));
      out.push(withBody({ what: `path ${prm.name} raw traversal`, url: buildUrl(path, { ...params, [prm.name]: '../../../etc/passwd' }, query, true), expect: 'reject' }));
      out.push(withBody({ what: `path ${prm.name} broken percent-encoding`, url: buildUrl(path, { ...params, [prm.name]: '%E0%A4%A' }, query, true), expect: 'reject' }));
    }

    // Query parameters: wrong types, injections, NUL; repeated values become arrays.
    for (const prm of (op.parameters ?? []).filter((x) => x.in === 'query')) {
      const s = prm.schema;
      const wrong = s.type === 'integer' ? wrongIntegers(s) : s.type === 'boolean' ? ['maybe', '2'] : s.anyOf || s.enum ? ['bogus'] : s.format ? ['not-a-' + s.format] : s.pattern ? ['!!'] : [];
      for (const w of wrong) out.push(withBody({ what: `query ${prm.name}=${w}`, url: buildUrl(path, params, { ...query, [prm.name]: w }), expect: 'reject' }));
      for (const inj of INJECTIONS) out.push(withBody({ what: `query ${prm.name} injection ${inj}`, url: buildUrl(path, params, { ...query, [prm.name]: inj }), expect: admits(s, inj) ? 'maybe' : 'reject' }));
      if (s.type === 'string' || s.anyOf) out.push(withBody({ what: `query ${prm.name} NUL`, url: buildUrl(path, params, { ...query, [prm.name]: 'a\u0000b' }), expect: 'reject' }));
      out.push(withBody({ what: `query ${prm.name} repeated`, url: `${url}${url.includes('?') ? '&' : '?'}${prm.name}=a&${prm.name}=b`, expect: 'reject' }));
    }
    if (Object.keys(query).length === 0 && method === 'GET') out.push({ what: 'unknown query param', method, url: `${url}?${new URLSearchParams({ foo: SQLI })}`, expect: 'maybe' });

    if (!hasBody) return out;
    if (setup.xlsx) {
      // Hostile files: not a workbook at all, an empty one, and one over the 10 MiB upload limit.
      // A file that is not a usable workbook may be accepted as a job that then fails (202) or refused.
      out.push({ what: 'garbage bytes as .xlsx', method, url, payload: Buffer.from('PK\u0003\u0004 not really a zip'.repeat(50)), contentType: XLSX_MIME, expect: 'maybe' });
      out.push({ what: 'empty .xlsx body', method, url, payload: Buffer.alloc(0), contentType: XLSX_MIME, expect: 'maybe' });
      out.push({ what: '11 MiB .xlsx', method, url, payload: Buffer.alloc(11 * 1024 * 1024, 0x41), contentType: XLSX_MIME, expect: 'reject' });
    }
    const strictBody = !!schema;
    // Shape of the body.
    out.push({ what: 'array instead of object', method, url, payload: json([body()]), expect: strictBody ? 'reject' : 'maybe' });
    out.push({ what: 'unknown extra field', method, url, payload: json({ ...body(), isAdmin: true }), expect: strictBody ? 'reject' : 'maybe' });
    out.push({ what: 'prototype pollution', method, url, payload: `{"__proto__":{"isAdmin":true},${json(body()).slice(1)}`.replace(',}', '}'), expect: 'reject' });
    out.push({ what: '2 MiB body', method, url, payload: json({ ...body(), padding: 'x'.repeat(2 * 1024 * 1024) }), expect: 'reject' });
    out.push({ what: 'malformed JSON', method, url, payload: '{"name": "未闭合', expect: 'reject' });
    out.push({ what: 'empty JSON body', method, url, payload: '', expect: 'reject' });
    out.push({ what: 'text/plain', method, url, payload: json(body()), contentType: 'text/plain', expect: strictBody ? 'reject' : 'maybe' });
    out.push({ what: 'form-urlencoded', method, url, payload: 'name=x', contentType: 'application/x-www-form-urlencoded', expect: 'reject' });
    out.push({ what: 'xml', method, url, payload: '<name>x</name>', contentType: 'application/xml', expect: 'reject' });
    if (!schema) return out;

    // Each declared property: the wrong type; each required one: missing.
    for (const [k, s] of Object.entries(schema.properties ?? {})) {
      out.push({ what: `wrong type for ${k}`, method, url, payload: json({ ...body(), [k]: wrongValue(s) }), expect: 'reject' });
      out.push({ what: `null for ${k}`, method, url, payload: json({ ...body(), [k]: null }), expect: admitsNull(s) || (k === 'phone' && method === 'PATCH') ? 'maybe' : 'reject' });
    }
    for (const k of schema.required ?? []) {
      const b = body();
      delete b[k];
      out.push({ what: `missing ${k}`, method, url, payload: json(b), expect: 'reject' });
    }
    if ((schema.required ?? []).length > 0) out.push({ what: 'empty object', method, url, payload: '{}', expect: 'reject' });
    // Injection and NUL in every string field.
    for (const inj of INJECTIONS) {
      for (const leaf of stringLeaves(schema, body(), inj)) out.push({ what: `injection in ${leaf.path}: ${inj}`, method, url, payload: json(leaf.body), expect: leaf.free ? 'maybe' : 'reject' });
    }
    for (const leaf of stringLeaves(schema, body(), 'a\u0000b')) out.push({ what: `NUL in ${leaf.path}`, method, url, payload: json(leaf.body), expect: 'reject' });
    for (const leaf of stringLeaves(schema, body(), 'a\ud800b')) out.push({ what: `lone surrogate in ${leaf.path}`, method, url, payload: json(leaf.body), expect: 'reject' });
    return out;
  }

  it('has an input table entry for every operation of the spec', () => {
    const ops = Object.entries(spec.paths).flatMap(([path, o]) => Object.keys(o).map((m) => `${m.toUpperCase()} ${path}`));
    expect(ops.length).toBeGreaterThan(45);
    expect(ops.filter((k) => !(k in OPS)), 'operations without an entry in OPS').toEqual([]);
    expect(Object.keys(OPS).filter((k) => !ops.includes(k)), 'OPS entries for operations that no longer exist').toEqual([]);
  });

  for (const key of Object.keys(OPS)) {
    it(`${key}: 4xx problem+json in Chinese for bad input, never 5xx`, async () => {
      const [method, path] = key.split(' ') as [Method, string];
      const op = spec.paths[path]?.[method.toLowerCase()];
      expect(op, `${key} is not in the spec`).toBeDefined();
      const setup = OPS[key]!;
      const attempts = attemptsFor(key, op!, setup);
      const complaints: string[] = [];
      for (const a of attempts) {
        const res = await send(setup.who, a);
        const complaint = judge(a, res);
        if (complaint) complaints.push(complaint);
        if (res.status < 300 && a.what.startsWith('injection')) accepted.push({ op: key, what: a.what, value: a.what.includes(SQLI) ? SQLI : XSS, body: res.body });
        if (setup.xlsx && res.status === 202) jobs.push({ op: key, what: a.what, id: String((res.body as Json).id), who: setup.who });
        if (a.what === 'valid request') valid.set(key, { status: res.status, body: res.body });
      }
      expect(complaints).toEqual([]);
      expect((await p.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    });
  }

  it('the valid request of every catalogue operation is accepted (so the hostile variants hit a working route)', () => {
    // Valid requests the service refuses by design, with the reason.
    const refusedByDesign: Record<string, number> = {
      // The item is at V1: there is no earlier version to roll back to.
      'POST /api/v1/catalog/items/{id}/rollback': 400,
    };
    const catalogue = Object.keys(OPS).filter((k) => /\/api\/v1\/(catalog|enterprises|time-limits)/.test(k));
    expect(catalogue.length).toBeGreaterThan(90);
    const wrong = catalogue
      .map((k) => ({ k, got: valid.get(k) }))
      .filter(({ k, got }) => !got || (refusedByDesign[k] !== undefined ? got.status !== refusedByDesign[k] : got.status >= 300))
      .map(({ k, got }) => `${k} → ${got?.status ?? 'not sent'} ${JSON.stringify(got?.body ?? '').slice(0, 200)}`);
    expect(wrong).toEqual([]);
  });

  it('the valid request of every knowledge life-cycle and configuration operation is accepted', () => {
    const knowledge = Object.keys(OPS).filter((k) => /\/api\/v1\/kb\/(directories|types|hot-words|synonyms|articles|reviews|work-orders|recycle-bin)/.test(k) && !/\/use$/.test(k));
    expect(knowledge.length).toBe(30);
    const wrong = knowledge
      .map((k) => ({ k, got: valid.get(k) }))
      .filter(({ got }) => !got || got.status >= 300)
      .map(({ k, got }) => `${k} → ${got?.status ?? 'not sent'} ${JSON.stringify(got?.body ?? '').slice(0, 200)}`);
    expect(wrong).toEqual([]);
  });

  it('Excel imports answered 202 end as jobs that succeed or fail with a Chinese reason', async () => {
    expect(jobs.length).toBeGreaterThanOrEqual(4);
    const outcomes: string[] = [];
    for (const job of jobs) {
      const c = clients[job.who as Exclude<Who, 'anon' | 'fresh'>];
      let body: Json = {};
      for (let i = 0; i < 100; i++) {
        const res = await c.get<Json>(`/api/v1/imports/${job.id}`);
        expect(res.status, `${job.op} ${job.what}`).toBe(200);
        body = res.body;
        if (body.status !== 'running') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const errors = (body.errors ?? []) as { reason: string }[];
      if (body.status === 'failed' && errors.every((e) => CHINESE.test(e.reason))) continue;
      if (body.status === 'succeeded') continue;
      outcomes.push(`${job.op} ${job.what} → ${JSON.stringify(body).slice(0, 300)}`);
    }
    expect(outcomes).toEqual([]);
  });

  it('answers unknown /api paths and methods with 404 problem+json', async () => {
    const c = clients.sys;
    const probes: [Method, string][] = [
      ['GET', '/api/v1/nope'],
      ['GET', '/api/v2/users'],
      ['GET', '/api/v1/users/x/y/z'],
      ['GET', '/api/openapi.yaml'],
      ['GET', `/api/v1/${encodeURIComponent(SQLI)}`],
      ['POST', '/api/v1/nope'],
      ['PATCH', '/api/v1/dicts'],
      ['DELETE', '/api/v1/tenants/tree'],
    ];
    for (const [method, url] of probes) {
      const res = await c.req<Json>(method, url, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      expect(String(res.body.detail)).toMatch(CHINESE);
      // Anonymous callers learn nothing about which /api/v1 routes exist: 401 there, 404 elsewhere.
      const anon = await new Client(p).req<Json>(method, url, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect(anon.status, `anonymous ${method} ${url}`).toBe(url.startsWith('/api/v1/') ? 401 : 404);
      expect(String(anon.headers['content-type'])).toContain('application/problem+json');
      expect(String(anon.body.detail)).toMatch(CHINESE);
    }
  });

  it('stores accepted injection strings verbatim and the tables are still there', async () => {
    // Free-text fields legitimately take these strings; they must come back byte for byte.
    expect(accepted.length).toBeGreaterThan(10);
    const echoed = accepted.filter((a) => JSON.stringify(a.body).includes(JSON.stringify(a.value).slice(1, -1)));
    expect(echoed.length).toBeGreaterThan(5);
    const db = p.deps.db;
    const stored = async (rows: Promise<unknown[]>) => (await rows).length;
    for (const value of INJECTIONS) {
      expect(await stored(db.selectFrom('tenant').select('id').where('name', '=', value).execute()), `tenant.name ${value}`).toBeGreaterThan(0);
      expect(await stored(db.selectFrom('org').select('id').where('name', '=', value).execute()), `org.name ${value}`).toBeGreaterThan(0);
      expect(await stored(db.selectFrom('app_user').select('id').where('display_name', '=', value).execute()), `app_user.display_name ${value}`).toBeGreaterThan(0);
      expect(await stored(db.selectFrom('role').select('id').where('name', '=', value).execute()), `role.name ${value}`).toBeGreaterThan(0);
      expect(await stored(db.selectFrom('dict_type').select('code').where((eb) => eb.or([eb('name', '=', value), eb('description', '=', value)])).execute()), `dict_type ${value}`).toBeGreaterThan(0);
      expect(await stored(db.selectFrom('dict_item').select('id').where('label', '=', value).execute()), `dict_item.label ${value}`).toBeGreaterThan(0);
      expect(await stored(db.selectFrom('notification').select('id').where((eb) => eb.or([eb('title', '=', value), eb('body', '=', value)])).execute()), `notification ${value}`).toBeGreaterThan(0);
      // The catalogue's free-text fields.
      expect(await stored(db.selectFrom('enterprise').select('id').where((eb) => eb.or([eb('name', '=', value), eb('address', '=', value), eb('legal_person', '=', value)])).execute()), `enterprise ${value}`).toBeGreaterThan(0);
      expect(await stored(db.selectFrom('time_limit').select('id').where((eb) => eb.or([eb('legal_basis', '=', value), eb('note', '=', value)])).execute()), `time_limit ${value}`).toBeGreaterThan(0);
      expect(await stored(db.selectFrom('catalog_list_entry').select('id').where((eb) => eb.or([eb('unit_name', '=', value), eb('duty', '=', value)])).execute()), `catalog_list_entry ${value}`).toBeGreaterThan(0);
      expect(await stored(db.selectFrom('catalog_element').select('id').where((eb) => eb.or([eb('name', '=', value), eb('description', '=', value)])).execute()), `catalog_element ${value}`).toBeGreaterThan(0);
      expect(await stored(db.selectFrom('catalog_category').select('id').where('name', '=', value).execute()), `catalog_category.name ${value}`).toBeGreaterThan(0);
      expect(await stored(db.selectFrom('catalog_item').select('id').where((eb) => eb.or([eb('name', '=', value), eb('description', '=', value)])).execute()), `catalog_item ${value}`).toBeGreaterThan(0);
    }
    const param = await db.selectFrom('sys_param').select('value').where('key', '=', 'system.workdayStart').executeTakeFirstOrThrow();
    expect(INJECTIONS).toContain(param.value);
    // Read back through the API as well: the stored text is returned unchanged (no escaping on the way in).
    const orgs = await clients.sys.get<{ name: string; children: unknown[] }[]>(`/api/v1/orgs/tree?tenantId=${refs.tenant}`);
    expect(JSON.stringify(orgs.body)).toContain(JSON.stringify(XSS).slice(1, -1));

    const tables = await sql<{ n: number }>`select count(*)::int as n from app_user`.execute(db);
    expect(tables.rows[0]!.n).toBeGreaterThan(10);
    const names = (await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public'`.execute(db)).rows.map((r) => r.table_name);
    expect(names).toEqual(expect.arrayContaining(['app_user', 'tenant', 'org', 'role', 'audit_log', 'dict_type', 'notification', 'enterprise', 'time_limit', 'catalog_item', 'catalog_list_entry', 'catalog_element']));
    expect((await login(p, 'sysadmin')).token).toBeTruthy();
    expect((await p.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});
