import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import type { EnterpriseContact, EnterpriseStatus, EnterpriseTable } from '../../platform/db/schema.js';
import { FieldCipher } from '../../platform/crypto/index.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../platform/errors.js';
import { tenantVisible } from '../../platform/scope.js';
import { commit, pageOf } from '../../platform/usecase.js';
import { loadVisibleTenant, tenantTree, type Tenant, type TenantNode } from '../identity/tenant.service.js';
import { readDivisions } from '../identity/divisions.js';
import { listItems } from '../system/dict.service.js';
import { validateCreditCode } from './credit-code.js';
import { containsPattern } from '../../platform/sql.js';

/**
 * The enterprise library (企业库). Maintainers (catalog:enterprise:write) add and change records,
 * every change waits in 'pending' until someone else with catalog:enterprise:approve approves it
 * (four eyes: nobody approves their own change). Records belong to the region tenant that
 * maintains them and are seen by that tenant and the levels above it.
 */
export type Enterprise = Selectable<EnterpriseTable>;

export const INDUSTRY_DICT = 'enterprise_industry';
export const OWNERSHIP_DICT = 'ownership';
/** Offered in the form; other tags are allowed too. */
export const SUGGESTED_TAGS = ['涉企', '重点企业', '专精特新', '高新技术企业', '小微企业', '外贸企业'];
export const DUPLICATE_CODE = '统一社会信用代码已存在';

export interface Option {
  value: string;
  label: string;
}
export interface EnterpriseOptions {
  industries: Option[];
  ownerships: Option[];
  tags: string[];
  tenants: TenantNode[];
}

export interface ContactView {
  name: string;
  role: string;
  phoneMasked: string | null;
}

export interface EnterpriseView {
  id: string;
  tenantId: string;
  tenantName: string;
  creditCode: string;
  name: string;
  ownership: string | null;
  industry: string | null;
  registeredRegion: string | null;
  registeredRegionName: string | null;
  address: string | null;
  legalPerson: string | null;
  contacts: ContactView[];
  tags: string[];
  status: EnterpriseStatus;
  reviewOpinion: string | null;
  submittedBy: string | null;
  submittedByName: string | null;
  reviewedBy: string | null;
  reviewedByName: string | null;
  reviewedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ContactInput {
  name: string;
  role?: string;
  /** Omitted: keep the phone the contact of the same name already has. Null: remove it. */
  phone?: string | null;
}

export interface EnterpriseFields {
  creditCode: string;
  name: string;
  ownership?: string | null;
  industry?: string | null;
  registeredRegion?: string | null;
  address?: string | null;
  legalPerson?: string | null;
  contacts?: ContactInput[];
  tags?: string[];
}

export interface CreateEnterpriseInput extends EnterpriseFields {
  tenantId?: string;
}

export type UpdateEnterpriseInput = Partial<CreateEnterpriseInput>;

export interface EnterpriseQuery {
  keyword?: string;
  industry?: string;
  ownership?: string;
  tag?: string;
  status?: EnterpriseStatus;
  tenantId?: string;
  page?: number;
  pageSize?: number;
  sort?: 'name' | 'creditCode' | 'createdAt' | 'updatedAt';
  order?: 'asc' | 'desc';
}

// ---------------------------------------------------------------- options and checks

export async function dictOptions(deps: Deps, actor: Actor): Promise<{ industries: Option[]; ownerships: Option[] }> {
  const enabled = async (code: string) =>
    (await listItems(deps, actor, code)).filter((i) => i.enabled).map((i) => ({ value: i.value, label: i.label }));
  const [industries, ownerships] = await Promise.all([enabled(INDUSTRY_DICT), enabled(OWNERSHIP_DICT)]);
  return { industries, ownerships };
}

/** Form options for maintainers, who hold no system:dict:read nor identity:tenant:read. */
export async function enterpriseOptions(deps: Deps, actor: Actor): Promise<EnterpriseOptions> {
  const [dicts, tree] = await Promise.all([dictOptions(deps, actor), tenantTree(deps, actor)]);
  return { ...dicts, tags: SUGGESTED_TAGS, tenants: maintainingTenants(tree) };
}

const MAINTAINING_KINDS = new Set(['region', 'xpcc']);

function maintainingTenants(nodes: TenantNode[]): TenantNode[] {
  return nodes.filter((n) => MAINTAINING_KINDS.has(n.kind)).map((n) => ({ ...n, children: maintainingTenants(n.children) }));
}

export function checkedCreditCode(code: string, path = '/creditCode'): { code: string; regionCode: string } {
  const r = validateCreditCode(code);
  if (!r.ok) throw invalid(`统一社会信用代码无效：${r.reason}`, [{ path, message: r.reason }]);
  return { code: r.normalized, regionCode: r.regionCode };
}

function checkOption(options: Option[], value: string | null | undefined, what: string, path: string): void {
  if (value === null || value === undefined) return;
  if (!options.some((o) => o.value === value)) throw invalid(`${what}“${value}”不在字典中`, [{ path, message: `未知的${what}` }]);
}

export async function maintainingTenant(deps: Deps, actor: Actor, tenantId: string): Promise<Tenant> {
  const tenant = await loadVisibleTenant(deps.db, actor, tenantId);
  if (!MAINTAINING_KINDS.has(tenant.kind)) throw invalid('企业只能由行政区划或兵团租户维护', [{ path: '/tenantId', message: '租户类型不能维护企业库' }]);
  return tenant;
}

export function cleanTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
}

// ---------------------------------------------------------------- reading

export async function loadVisibleEnterprise(db: Db, actor: Actor, id: string): Promise<Enterprise> {
  const row = await db
    .selectFrom('enterprise')
    .selectAll()
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .where((eb) => tenantVisible(eb, 'enterprise.tenant_id', actor))
    .executeTakeFirst();
  if (!row) throw notFound('企业');
  return row;
}

const SORT_COLUMNS = {
  name: 'enterprise.name',
  creditCode: 'enterprise.credit_code',
  createdAt: 'enterprise.created_at',
  updatedAt: 'enterprise.updated_at',
} as const;

/** The list filters, shared by the page query and the Excel export. */
export async function filteredQuery(deps: Deps, actor: Actor, q: EnterpriseQuery) {
  let query = deps.db
    .selectFrom('enterprise')
    .where('enterprise.deleted_at', 'is', null)
    .where((eb) => tenantVisible(eb, 'enterprise.tenant_id', actor));
  if (q.tenantId) {
    // A region picked in the filter stands for itself and the levels below it.
    const tenant = await loadVisibleTenant(deps.db, actor, q.tenantId);
    query = query.where('enterprise.tenant_id', 'in', (eb) => eb.selectFrom('tenant').select('tenant.id').where('tenant.path', 'like', `${tenant.path}%`));
  }
  if (q.keyword?.trim()) {
    const kw = q.keyword.trim();
    const code = kw.normalize('NFKC').replace(/\s/g, '').toUpperCase();
    query = query.where((eb) =>
      eb.or([eb('enterprise.name', 'ilike', containsPattern(kw)), eb('enterprise.credit_code', 'like', containsPattern(code))]),
    );
  }
  if (q.industry) query = query.where('enterprise.industry', '=', q.industry);
  if (q.ownership) query = query.where('enterprise.ownership', '=', q.ownership);
  if (q.status) query = query.where('enterprise.status', '=', q.status);
  if (q.tag) query = query.where(sql<boolean>`enterprise.tags @> array[${q.tag}]::text[]`);
  return query;
}

export async function listEnterprises(deps: Deps, actor: Actor, q: EnterpriseQuery): Promise<{ items: EnterpriseView[]; total: number }> {
  const { page, pageSize } = pageOf(q);
  const query = await filteredQuery(deps, actor, q);
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll('enterprise')
    .orderBy(sql.ref(SORT_COLUMNS[q.sort ?? 'updatedAt']), q.order ?? (q.sort ? 'asc' : 'desc'))
    .orderBy('enterprise.id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return { items: await toViews(deps, rows), total: Number(total) };
}

export async function toViews(deps: Deps, rows: Enterprise[]): Promise<EnterpriseView[]> {
  if (rows.length === 0) return [];
  const userIds = [...new Set(rows.flatMap((r) => [r.submitted_by, r.reviewed_by]).filter((id): id is string => id !== null))];
  const [tenants, users] = await Promise.all([
    deps.db.selectFrom('tenant').select(['id', 'name']).where('id', 'in', [...new Set(rows.map((r) => r.tenant_id))]).execute(),
    userIds.length ? deps.db.selectFrom('app_user').select(['id', 'display_name']).where('id', 'in', userIds).execute() : [],
  ]);
  const tenantName = new Map(tenants.map((t) => [t.id, t.name]));
  const userName = new Map(users.map((u) => [u.id, u.display_name]));
  const nameOf = (id: string | null) => (id ? (userName.get(id) ?? null) : null);
  return rows.map((r) => ({
    id: r.id,
    tenantId: r.tenant_id,
    tenantName: tenantName.get(r.tenant_id) ?? '',
    creditCode: r.credit_code,
    name: r.name,
    ownership: r.ownership,
    industry: r.industry,
    registeredRegion: r.registered_region,
    registeredRegionName: divisionName(r.registered_region),
    address: r.address,
    legalPerson: r.legal_person,
    contacts: r.contacts.map((c) => ({ name: c.name, role: c.role, phoneMasked: maskedPhone(deps, c) })),
    tags: r.tags,
    status: r.status,
    reviewOpinion: r.review_opinion,
    submittedBy: r.submitted_by,
    submittedByName: nameOf(r.submitted_by),
    reviewedBy: r.reviewed_by,
    reviewedByName: nameOf(r.reviewed_by),
    reviewedAt: r.reviewed_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

export function maskedPhone(deps: Deps, c: EnterpriseContact): string | null {
  return c.phone_enc ? FieldCipher.maskPhone(deps.cipher.decrypt(c.phone_enc)) : null;
}

let divisionNames: Map<string, string> | undefined;

/** 注册地 holds a six-digit division code when it came from the credit code; show its name. */
export function divisionName(region: string | null): string | null {
  if (!region || !/^\d{6}$/.test(region)) return null;
  divisionNames ??= new Map(readDivisions().map((d) => [d.code, d.name]));
  const key = region.endsWith('0000') ? region.slice(0, 2) : region.endsWith('00') ? region.slice(0, 4) : region;
  return divisionNames.get(key) ?? null;
}

export async function getEnterprise(deps: Deps, actor: Actor, id: string): Promise<EnterpriseView> {
  const [view] = await toViews(deps, [await loadVisibleEnterprise(deps.db, actor, id)]);
  return view!;
}

/** What the ticket form asks to mark a demand 涉企: the live record with this code, within scope. */
export async function findByCreditCode(deps: Deps, actor: Actor, raw: string): Promise<EnterpriseView> {
  const { code } = checkedCreditCode(raw, '/code');
  const row = await deps.db
    .selectFrom('enterprise')
    .selectAll()
    .where('credit_code', '=', code)
    .where('deleted_at', 'is', null)
    .where((eb) => tenantVisible(eb, 'enterprise.tenant_id', actor))
    .executeTakeFirst();
  if (!row) throw notFound('企业');
  const [view] = await toViews(deps, [row]);
  return view!;
}

// ---------------------------------------------------------------- writing

/** The audit form of a record: contact phones only masked, never in clear nor as ciphertext. */
export function auditFields(deps: Deps, r: Enterprise): Record<string, unknown> {
  return {
    tenantId: r.tenant_id,
    creditCode: r.credit_code,
    name: r.name,
    ownership: r.ownership,
    industry: r.industry,
    registeredRegion: r.registered_region,
    address: r.address,
    legalPerson: r.legal_person,
    contacts: r.contacts.map((c) => ({ name: c.name, role: c.role, phone: maskedPhone(deps, c) })),
    tags: r.tags,
    status: r.status,
    reviewOpinion: r.review_opinion,
  };
}

/** Contacts with phones encrypted; a phone left out keeps the one the same-named contact had. */
export function encryptContacts(deps: Deps, input: ContactInput[], existing: EnterpriseContact[]): EnterpriseContact[] {
  // Contacts are matched by name when a phone is kept, so a name may appear only once.
  const names = input.map((c) => c.name.trim());
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw invalid(`联系人“${twice}”重复`, [{ path: '/contacts', message: '联系人姓名重复' }]);
  return input.map((c) => {
    const name = c.name.trim();
    const phone = c.phone?.trim();
    const kept = c.phone === undefined ? (existing.find((e) => e.name === name)?.phone_enc ?? null) : null;
    return { name, role: c.role?.trim() ?? '', phone_enc: phone ? deps.cipher.encrypt(phone) : kept };
  });
}

export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && (err as { code: unknown }).code === '23505';
}

export async function assertCodeFree(trx: Db, code: string, exceptId?: string): Promise<void> {
  let q = trx.selectFrom('enterprise').select('id').where('credit_code', '=', code).where('deleted_at', 'is', null);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw conflict(DUPLICATE_CODE);
}

/** The unique index is the last word when two people enter the same code at once. */
async function guardDuplicate<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(DUPLICATE_CODE);
    throw err;
  }
}

async function checkDictValues(deps: Deps, actor: Actor, input: UpdateEnterpriseInput): Promise<void> {
  if (input.industry == null && input.ownership == null) return;
  const { industries, ownerships } = await dictOptions(deps, actor);
  checkOption(industries, input.industry, '所属行业', '/industry');
  checkOption(ownerships, input.ownership, '所有制性质', '/ownership');
}

const blankToNull = (v: string | null | undefined) => (v?.trim() ? v.trim() : null);

export async function createEnterprise(deps: Deps, actor: Actor, input: CreateEnterpriseInput): Promise<EnterpriseView> {
  const { code, regionCode } = checkedCreditCode(input.creditCode);
  const tenant = await maintainingTenant(deps, actor, input.tenantId ?? actor.tenantId);
  await checkDictValues(deps, actor, input);
  const now = deps.clock.now();
  const row: Enterprise = {
    id: randomUUID(),
    tenant_id: tenant.id,
    credit_code: code,
    name: input.name.trim(),
    ownership: input.ownership ?? null,
    industry: input.industry ?? null,
    registered_region: blankToNull(input.registeredRegion) ?? regionCode,
    address: blankToNull(input.address),
    legal_person: blankToNull(input.legalPerson),
    contacts: encryptContacts(deps, input.contacts ?? [], []),
    tags: cleanTags(input.tags ?? []),
    status: 'pending',
    review_opinion: null,
    submitted_by: actor.userId,
    reviewed_by: null,
    reviewed_at: null,
    created_by: actor.userId,
    created_at: now,
    updated_at: now,
    deleted_at: null,
  };
  await guardDuplicate(() =>
    commit(deps, actor, async (trx) => {
      await assertCodeFree(trx, code);
      await trx.insertInto('enterprise').values({ ...row, contacts: JSON.stringify(row.contacts) }).execute();
      return { result: null, audit: { action: 'enterprise.create', targetType: 'enterprise', targetId: row.id, tenantId: row.tenant_id, after: auditFields(deps, row) } };
    }),
  );
  return getEnterprise(deps, actor, row.id);
}

/** The record after a maintainer's patch, back in 'pending' for someone else to approve. */
async function patched(deps: Deps, actor: Actor, before: Enterprise, patch: UpdateEnterpriseInput): Promise<Enterprise> {
  const code = patch.creditCode === undefined ? before.credit_code : checkedCreditCode(patch.creditCode).code;
  const tenantId = patch.tenantId === undefined ? before.tenant_id : (await maintainingTenant(deps, actor, patch.tenantId)).id;
  const keep = (v: string | null | undefined, current: string | null) => (v === undefined ? current : blankToNull(v));
  return {
    ...before,
    tenant_id: tenantId,
    credit_code: code,
    name: patch.name?.trim() || before.name,
    ownership: patch.ownership === undefined ? before.ownership : patch.ownership,
    industry: patch.industry === undefined ? before.industry : patch.industry,
    registered_region: keep(patch.registeredRegion, before.registered_region),
    address: keep(patch.address, before.address),
    legal_person: keep(patch.legalPerson, before.legal_person),
    contacts: patch.contacts === undefined ? before.contacts : encryptContacts(deps, patch.contacts, before.contacts),
    tags: patch.tags === undefined ? before.tags : cleanTags(patch.tags),
    status: 'pending',
    review_opinion: null,
    submitted_by: actor.userId,
    reviewed_by: null,
    reviewed_at: null,
    updated_at: deps.clock.now(),
  };
}

/** Compares what a maintainer can change; phones by plain text, as each encryption differs. */
export function sameContent(deps: Deps, a: Enterprise, b: Enterprise): boolean {
  const content = (r: Enterprise) =>
    JSON.stringify([
      r.tenant_id, r.credit_code, r.name, r.ownership, r.industry, r.registered_region, r.address, r.legal_person, r.tags,
      r.contacts.map((c) => [c.name, c.role, c.phone_enc ? deps.cipher.decrypt(c.phone_enc) : null]),
    ]);
  return content(a) === content(b);
}

export async function updateEnterprise(deps: Deps, actor: Actor, id: string, patch: UpdateEnterpriseInput): Promise<EnterpriseView> {
  const before = await loadVisibleEnterprise(deps.db, actor, id);
  await checkDictValues(deps, actor, patch);
  const after = await patched(deps, actor, before, patch);
  if (sameContent(deps, before, after)) return getEnterprise(deps, actor, id);
  await guardDuplicate(() =>
    commit(deps, actor, async (trx) => {
      if (after.credit_code !== before.credit_code) await assertCodeFree(trx, after.credit_code, id);
      await writeRow(trx, after, before.updated_at);
      return { result: null, audit: { action: 'enterprise.update', targetType: 'enterprise', targetId: id, tenantId: after.tenant_id, before: auditFields(deps, before), after: auditFields(deps, after) } };
    }),
  );
  return getEnterprise(deps, actor, id);
}

const stale = () => new AppError('CONFLICT', '企业信息已被他人修改，请刷新后重试', 409);

/** Writes only if nobody changed the row since it was read, so no edit is silently lost. */
export async function writeRow(trx: Db, r: Enterprise, seenUpdatedAt: Date): Promise<void> {
  const res = await trx
    .updateTable('enterprise')
    .set({
      tenant_id: r.tenant_id,
      credit_code: r.credit_code,
      name: r.name,
      ownership: r.ownership,
      industry: r.industry,
      registered_region: r.registered_region,
      address: r.address,
      legal_person: r.legal_person,
      contacts: JSON.stringify(r.contacts),
      tags: r.tags,
      status: r.status,
      review_opinion: r.review_opinion,
      submitted_by: r.submitted_by,
      reviewed_by: r.reviewed_by,
      reviewed_at: r.reviewed_at,
      updated_at: r.updated_at,
    })
    .where('id', '=', r.id)
    .where('deleted_at', 'is', null)
    .where('updated_at', '=', seenUpdatedAt)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw stale();
}

export async function reviewEnterprise(deps: Deps, actor: Actor, id: string, decision: 'approve' | 'reject', opinion?: string): Promise<EnterpriseView> {
  const before = await loadVisibleEnterprise(deps.db, actor, id);
  if (before.status !== 'pending') throw conflict('只有待审核的企业信息可以审核');
  if (before.submitted_by === actor.userId) throw forbidden('不能审核自己提交的变更，请由其他审核人员审核');
  const text = opinion?.trim() || null;
  if (decision === 'reject' && !text) throw invalid('驳回时请填写审核意见', [{ path: '/opinion', message: '请填写审核意见' }]);
  const now = deps.clock.now();
  const after: Enterprise = { ...before, status: decision === 'approve' ? 'approved' : 'rejected', review_opinion: text, reviewed_by: actor.userId, reviewed_at: now, updated_at: now };
  await commit(deps, actor, async (trx) => {
    await writeRow(trx, after, before.updated_at);
    return {
      result: null,
      audit: {
        action: `enterprise.${decision}`,
        targetType: 'enterprise',
        targetId: id,
        tenantId: before.tenant_id,
        before: { status: before.status },
        after: { status: after.status, reviewOpinion: text },
        detail: { creditCode: before.credit_code, name: before.name, submittedBy: before.submitted_by },
      },
    };
  });
  return getEnterprise(deps, actor, id);
}

export async function deleteEnterprise(deps: Deps, actor: Actor, id: string): Promise<void> {
  const before = await loadVisibleEnterprise(deps.db, actor, id);
  await commit(deps, actor, async (trx) => {
    const now = deps.clock.now();
    // Logical delete: tickets that were marked 涉企 keep pointing at the record.
    const res = await trx.updateTable('enterprise').set({ deleted_at: now, updated_at: now }).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw notFound('企业');
    return { result: null, audit: { action: 'enterprise.delete', targetType: 'enterprise', targetId: id, tenantId: before.tenant_id, before: auditFields(deps, before) } };
  });
}
