import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import { conflict, forbidden, invalid, notFound, type FieldError } from '../../platform/errors.js';
import { tenantVisible } from '../../platform/scope.js';
import { commit, pageOf } from '../../platform/usecase.js';
import { loadVisibleTenant, tenantTree, type TenantNode } from '../identity/tenant.service.js';
import {
  DEFAULT_WARN_RATIO,
  LEVEL_NAMES,
  LEVELS,
  PLATFORM_DEFAULT,
  UNIT_NAMES,
  UNITS,
  describeDimensions,
  explainPlatformDefault,
  explainRule,
  formatAmount,
  warnAtOf,
  type RuleDimensions,
  type TimeLimitUnit,
} from './time-limit.model.js';
import { findLoosening, pickRule, type LimitQuery } from './time-limit.ranking.js';
import {
  ancestorsOf,
  canManage,
  canRead,
  findSameDimensions,
  loadLabels,
  loadRule,
  loadTenantRef,
  parentPath,
  rulesAlong,
  rulesQuery,
  toOwnedRule,
  type Labels,
  type OwnedRule,
  type TenantRef,
} from './time-limit.repo.js';

/**
 * 办结时限: limits by administrative level, industry and urgency tier, owned by a tenant and valid
 * in its whole subtree. Lower tenants read what they inherit and may add stricter local rules;
 * other modules ask resolveTimeLimit() for a demand's limit.
 */

// ---------------------------------------------------------------- resolution

export interface ResolvedTimeLimit {
  amount: number;
  unit: TimeLimitUnit;
  warnRatio: number;
  /** When the demand turns yellow, counted from acceptance in `unit`; red is at `amount`. */
  warnAt: number;
  /** The deciding rule; null when the platform default applied. */
  ruleId: string | null;
  ownerTenantId: string | null;
  ownerName: string | null;
  explanation: string;
  isDefault: boolean;
}

export type ResolveInput = LimitQuery & ({ tenantPath: string; tenantId?: string } | { tenantId: string; tenantPath?: undefined });

export function resolveAmong(rules: readonly OwnedRule[], labels: Labels, q: LimitQuery): ResolvedTimeLimit {
  const rule = pickRule(rules, q);
  if (!rule) {
    const { amount, unit, warnRatio } = PLATFORM_DEFAULT;
    return { amount, unit, warnRatio, warnAt: warnAtOf(amount, warnRatio), ruleId: null, ownerTenantId: null, ownerName: null, explanation: explainPlatformDefault(), isDefault: true };
  }
  return {
    amount: rule.amount,
    unit: rule.unit,
    warnRatio: rule.warnRatio,
    warnAt: warnAtOf(rule.amount, rule.warnRatio),
    ruleId: rule.id,
    ownerTenantId: rule.tenantId,
    ownerName: rule.ownerName,
    explanation: explainRule(rule, labels),
    isDefault: false,
  };
}

/**
 * The limit for a demand handled at `level` within the given tenant: the rules of the tenant and
 * its ancestors compete as described in time-limit.ranking.ts; with no match, PLATFORM_DEFAULT.
 * Inside a transaction pass the transaction handle.
 */
export async function resolveTimeLimit(db: Db, input: ResolveInput): Promise<ResolvedTimeLimit> {
  const path = input.tenantPath !== undefined ? input.tenantPath : (await loadTenantRef(db, input.tenantId)).path;
  const rules = await rulesAlong(db, path);
  const labels = await loadLabels(db);
  return resolveAmong(rules, labels, input);
}

const clampLevel = (level: number) => Math.min(5, Math.max(1, level));

export interface ResolveRequest {
  tenantId?: string;
  level?: number;
  industry?: string;
  urgency?: string;
  itemId?: string;
}

export async function resolveForActor(deps: Deps, actor: Actor, req: ResolveRequest) {
  const tenant = req.tenantId ? await loadVisibleTenant(deps.db, actor, req.tenantId) : await loadTenantRef(deps.db, actor.tenantId);
  const labels = await loadLabels(deps.db);
  const errors = dictionaryErrors(labels, { industry: req.industry ?? null, urgency: req.urgency ?? null });
  if (errors.length) throw invalid('查询条件有误', errors);
  const q: LimitQuery = { level: req.level ?? clampLevel(tenant.level), industry: req.industry, urgency: req.urgency, itemId: req.itemId };
  const resolved = resolveAmong(await rulesAlong(deps.db, tenant.path), labels, q);
  return { tenantId: tenant.id, tenantName: tenant.name, query: q, ...resolved };
}

// ---------------------------------------------------------------- views

export interface TimeLimitView {
  id: string;
  tenantId: string;
  tenantName: string;
  level: number | null;
  levelName: string | null;
  industry: string | null;
  industryLabel: string | null;
  urgency: string | null;
  urgencyLabel: string | null;
  itemId: string | null;
  scope: string;
  amount: number;
  unit: TimeLimitUnit;
  limitText: string;
  warnRatio: number;
  warnAt: number;
  legalBasis: string;
  note: string;
  updatedBy: string | null;
  updatedAt: Date;
  /** False for rules inherited from an upper tenant: they are read-only here. */
  editable: boolean;
}

export function toView(r: OwnedRule, labels: Labels, actor: Actor): TimeLimitView {
  return {
    id: r.id,
    tenantId: r.tenantId,
    tenantName: r.ownerName,
    level: r.level,
    levelName: r.level === null ? null : (LEVEL_NAMES[r.level] ?? null),
    industry: r.industry,
    industryLabel: r.industry === null ? null : (labels.industry.get(r.industry) ?? r.industry),
    urgency: r.urgency,
    urgencyLabel: r.urgency === null ? null : (labels.urgency.get(r.urgency) ?? r.urgency),
    itemId: r.itemId,
    scope: describeDimensions(r, labels),
    amount: r.amount,
    unit: r.unit,
    limitText: formatAmount(r.amount, r.unit),
    warnRatio: r.warnRatio,
    warnAt: warnAtOf(r.amount, r.warnRatio),
    legalBasis: r.legalBasis,
    note: r.note,
    updatedBy: r.updatedBy,
    updatedAt: r.updatedAt,
    editable: canManage(actor, r.tenantId, r.ownerPath),
  };
}

export interface ListQuery {
  page?: number;
  pageSize?: number;
  tenantId?: string;
  level?: number;
  industry?: string;
  urgency?: string;
  itemId?: string;
}

/** Rules the caller may read: inherited from above, their own, and (with a subtree scope) below. */
function readableQuery(db: Db, actor: Actor) {
  const above = ancestorsOf(actor.tenantPath);
  return rulesQuery(db).where((eb) => eb.or([eb('time_limit.tenant_id', 'in', above), tenantVisible(eb, 'time_limit.tenant_id', actor)]));
}

async function assertReadableTenant(deps: Deps, actor: Actor, tenantId: string): Promise<TenantRef> {
  const t = await loadTenantRef(deps.db, tenantId).catch(() => undefined);
  if (!t || !canRead(actor, t.id, t.path)) throw notFound('租户');
  return t;
}

function filtered(deps: Deps, actor: Actor, q: ListQuery) {
  let query = readableQuery(deps.db, actor);
  if (q.tenantId) query = query.where('time_limit.tenant_id', '=', q.tenantId);
  if (q.level !== undefined) query = query.where('time_limit.level', '=', q.level);
  if (q.industry) query = query.where('time_limit.industry', '=', q.industry);
  if (q.urgency) query = query.where('time_limit.urgency', '=', q.urgency);
  if (q.itemId) query = query.where('time_limit.item_id', '=', q.itemId);
  return query
    .orderBy('tenant.level')
    .orderBy('tenant.path')
    .orderBy('time_limit.item_id', (ob) => ob.asc().nullsFirst())
    .orderBy('time_limit.industry', (ob) => ob.asc().nullsFirst())
    .orderBy('time_limit.urgency', (ob) => ob.asc().nullsFirst())
    .orderBy('time_limit.level', (ob) => ob.asc().nullsFirst())
    .orderBy('time_limit.id');
}

export async function listTimeLimits(deps: Deps, actor: Actor, q: ListQuery): Promise<{ items: TimeLimitView[]; total: number }> {
  if (q.tenantId) await assertReadableTenant(deps, actor, q.tenantId);
  const { page, pageSize } = pageOf(q);
  const base = filtered(deps, actor, q).clearOrderBy().clearSelect();
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await filtered(deps, actor, q).limit(pageSize).offset((page - 1) * pageSize).execute();
  const labels = await loadLabels(deps.db);
  return { items: rows.map((r) => toView(toOwnedRule(r), labels, actor)), total: Number(total) };
}

/** Every matching rule, for the Excel export. */
export async function allTimeLimits(deps: Deps, actor: Actor, q: ListQuery): Promise<TimeLimitView[]> {
  if (q.tenantId) await assertReadableTenant(deps, actor, q.tenantId);
  const rows = await filtered(deps, actor, q).execute();
  const labels = await loadLabels(deps.db);
  return rows.map((r) => toView(toOwnedRule(r), labels, actor));
}

async function loadReadableRule(deps: Deps, actor: Actor, id: string): Promise<OwnedRule> {
  const rule = await loadRule(deps.db, id);
  if (!rule || !canRead(actor, rule.tenantId, rule.ownerPath)) throw notFound('时限规则');
  return rule;
}

export async function getTimeLimit(deps: Deps, actor: Actor, id: string): Promise<TimeLimitView> {
  const rule = await loadReadableRule(deps, actor, id);
  return toView(rule, await loadLabels(deps.db), actor);
}

/** Out of scope reads as "not found"; an inherited rule is visible, so refusing it says why. */
async function loadManagedRule(deps: Deps, actor: Actor, id: string): Promise<OwnedRule> {
  const rule = await loadReadableRule(deps, actor, id);
  if (!canManage(actor, rule.tenantId, rule.ownerPath)) {
    throw forbidden(`该时限规则由上级“${rule.ownerName}”制定，本级只能查看，不能修改或删除；如需从严执行，请新增本级规则`);
  }
  return rule;
}

// ---------------------------------------------------------------- matrices

export interface MatrixColumn {
  key: string;
  label: string;
}

export interface MatrixCell extends ResolvedTimeLimit {
  /** Decided by a rule of the viewed tenant itself (not inherited). */
  local: boolean;
}

export interface MatrixRow {
  key: string;
  label: string;
  cells: MatrixCell[];
}

export interface Matrix {
  tenantId: string;
  tenantName: string;
  level: number | null;
  columns: MatrixColumn[];
  rows: MatrixRow[];
}

function urgencyColumns(labels: Labels): MatrixColumn[] {
  return [{ key: '', label: '不分紧急程度' }, ...labels.urgencies.filter((u) => u.enabled).map((u) => ({ key: u.value, label: u.label }))];
}

async function matrixContext(deps: Deps, actor: Actor, tenantId?: string) {
  const tenant = tenantId ? await assertReadableTenant(deps, actor, tenantId) : await loadTenantRef(deps.db, actor.tenantId);
  const rules = await rulesAlong(deps.db, tenant.path);
  const labels = await loadLabels(deps.db);
  const cell = (q: LimitQuery): MatrixCell => {
    const r = resolveAmong(rules, labels, q);
    return { ...r, local: r.ownerTenantId === tenant.id };
  };
  return { tenant, labels, columns: urgencyColumns(labels), cell };
}

/** 展示各层级办理时限: rows are the five levels, columns the urgency tiers. */
export async function matrixByLevel(deps: Deps, actor: Actor, tenantId?: string): Promise<Matrix> {
  const { tenant, columns, cell } = await matrixContext(deps, actor, tenantId);
  const rows = LEVELS.map((level) => ({
    key: String(level),
    label: LEVEL_NAMES[level] ?? String(level),
    cells: columns.map((c) => cell({ level, urgency: c.key || null })),
  }));
  return { tenantId: tenant.id, tenantName: tenant.name, level: null, columns, rows };
}

/** 展示各行业办理时限: rows are the industries, columns the urgency tiers, at one level. */
export async function matrixByIndustry(deps: Deps, actor: Actor, tenantId?: string, level?: number): Promise<Matrix> {
  const { tenant, labels, columns, cell } = await matrixContext(deps, actor, tenantId);
  const at = level ?? clampLevel(tenant.level);
  const rows = labels.industries
    .filter((i) => i.enabled)
    .map((i) => ({ key: i.value, label: i.label, cells: columns.map((c) => cell({ level: at, industry: i.value, urgency: c.key || null })) }));
  return { tenantId: tenant.id, tenantName: tenant.name, level: at, columns, rows };
}

export async function timeLimitOptions(deps: Deps, actor: Actor) {
  const labels = await loadLabels(deps.db);
  const tenants: TenantNode[] = await tenantTree(deps, actor);
  return {
    levels: LEVELS.map((l) => ({ value: l, label: LEVEL_NAMES[l] ?? String(l) })),
    industries: labels.industries.filter((o) => o.enabled).map(({ value, label }) => ({ value, label })),
    urgencies: labels.urgencies.filter((o) => o.enabled).map(({ value, label }) => ({ value, label })),
    units: UNITS.map((u) => ({ value: u, label: UNIT_NAMES[u] })),
    defaultWarnRatio: DEFAULT_WARN_RATIO,
    platformDefault: { ...PLATFORM_DEFAULT, explanation: explainPlatformDefault() },
    tenants,
  };
}

// ---------------------------------------------------------------- maintenance

export interface RuleFields {
  level: number | null;
  industry: string | null;
  urgency: string | null;
  itemId: string | null;
  amount: number;
  unit: TimeLimitUnit;
  warnRatio: number;
  legalBasis: string;
  note: string;
}

export interface CreateInput {
  tenantId?: string;
  level?: number | null;
  industry?: string | null;
  urgency?: string | null;
  itemId?: string | null;
  amount: number;
  unit: TimeLimitUnit;
  warnRatio?: number;
  legalBasis?: string;
  note?: string;
}

export type UpdateInput = Partial<Omit<CreateInput, 'tenantId'>>;

export function dictionaryErrors(labels: Labels, d: { industry: string | null; urgency: string | null }): FieldError[] {
  const errors: FieldError[] = [];
  if (d.industry !== null && !labels.industry.has(d.industry)) errors.push({ path: '/industry', message: `行业领域“${d.industry}”不在字典“行业领域”中` });
  if (d.urgency !== null && !labels.urgency.has(d.urgency)) errors.push({ path: '/urgency', message: `紧急程度“${d.urgency}”不在字典“紧急程度”中` });
  return errors;
}

/** Field checks shared by the form and the Excel import; the caller has already made sure of scope. */
export function ruleErrors(owner: TenantRef, fields: RuleFields, labels: Labels, inherited: readonly OwnedRule[]): FieldError[] {
  const errors = dictionaryErrors(labels, fields);
  if (fields.level !== null && fields.level < owner.level) {
    errors.push({ path: '/level', message: `“${owner.name}”为${LEVEL_NAMES[owner.level] ?? owner.level}，只能设置本级及以下层级的时限` });
  }
  if (errors.length) return errors;
  const domains = { industries: labels.industries.map((o) => o.value), urgencies: labels.urgencies.map((o) => o.value) };
  const loosening = findLoosening({ ...fields, ownerDepth: ancestorsOf(owner.path).length - 1 }, inherited, domains, clampLevel(owner.level));
  if (loosening) {
    const { inherited: up, level } = loosening;
    errors.push({
      path: '/amount',
      message: `${formatAmount(fields.amount, fields.unit)}宽于上级“${up.ownerName}”在${LEVEL_NAMES[level] ?? level}的规定（${describeDimensions(up, labels)}：${formatAmount(up.amount, up.unit)}），下级只能在上级标准内从严设定`,
    });
  }
  return errors;
}

function normalise(input: CreateInput): RuleFields {
  return {
    level: input.level ?? null,
    industry: input.industry ?? null,
    urgency: input.urgency ?? null,
    itemId: input.itemId ?? null,
    amount: input.amount,
    unit: input.unit,
    warnRatio: input.warnRatio ?? DEFAULT_WARN_RATIO,
    legalBasis: input.legalBasis?.trim() ?? '',
    note: input.note?.trim() ?? '',
  };
}

async function validate(db: Db, owner: TenantRef, fields: RuleFields, exceptId?: string): Promise<void> {
  const errors = ruleErrors(owner, fields, await loadLabels(db), await rulesAlong(db, parentPath(owner.path)));
  if (errors.length) throw invalid(errors[0]!.message, errors);
  if (await findSameDimensions(db, owner.id, fields, exceptId)) {
    throw conflict(`“${owner.name}”已有相同适用范围（${describeDimensions(fields, await loadLabels(db))}）的时限规则，请直接修改该规则`);
  }
}

export function rowValues(fields: RuleFields) {
  return {
    level: fields.level,
    industry: fields.industry,
    urgency: fields.urgency,
    item_id: fields.itemId,
    amount: fields.amount,
    unit: fields.unit,
    warn_ratio: fields.warnRatio,
    legal_basis: fields.legalBasis,
    note: fields.note,
  };
}

const snapshot = (tenantId: string, f: RuleFields) => ({ tenantId, ...f });

export async function createTimeLimit(deps: Deps, actor: Actor, input: CreateInput): Promise<TimeLimitView> {
  const visible = await loadVisibleTenant(deps.db, actor, input.tenantId ?? actor.tenantId);
  const owner: TenantRef = { id: visible.id, name: visible.name, level: visible.level, path: visible.path };
  const fields = normalise(input);
  await validate(deps.db, owner, fields);
  const id = randomUUID();
  await commit(deps, actor, async (trx) => {
    await trx
      .insertInto('time_limit')
      .values({ id, tenant_id: owner.id, ...rowValues(fields), updated_by: actor.username, updated_at: deps.clock.now() })
      .execute();
    return { result: null, audit: { action: 'time-limit.create', targetType: 'time-limit', targetId: id, after: snapshot(owner.id, fields), tenantId: owner.id } };
  });
  return getTimeLimit(deps, actor, id);
}

function fieldsOf(rule: OwnedRule): RuleFields {
  const { level, industry, urgency, itemId, amount, unit, warnRatio, legalBasis, note } = rule;
  return { level, industry, urgency, itemId, amount, unit, warnRatio, legalBasis, note };
}

export async function updateTimeLimit(deps: Deps, actor: Actor, id: string, patch: UpdateInput): Promise<TimeLimitView> {
  const rule = await loadManagedRule(deps, actor, id);
  const before = fieldsOf(rule);
  const after = normalise({ ...before, ...patch });
  const owner = await loadTenantRef(deps.db, rule.tenantId);
  await validate(deps.db, owner, after, id);
  await commit(deps, actor, async (trx) => {
    await trx.updateTable('time_limit').set({ ...rowValues(after), updated_by: actor.username, updated_at: deps.clock.now() }).where('id', '=', id).execute();
    return { result: null, audit: { action: 'time-limit.update', targetType: 'time-limit', targetId: id, before: snapshot(owner.id, before), after: snapshot(owner.id, after), tenantId: owner.id } };
  });
  return getTimeLimit(deps, actor, id);
}

export async function deleteTimeLimit(deps: Deps, actor: Actor, id: string): Promise<void> {
  const rule = await loadManagedRule(deps, actor, id);
  await commit(deps, actor, async (trx) => {
    await trx.deleteFrom('time_limit').where('id', '=', id).execute();
    return { result: null, audit: { action: 'time-limit.delete', targetType: 'time-limit', targetId: id, before: snapshot(rule.tenantId, fieldsOf(rule)), tenantId: rule.tenantId } };
  });
}
