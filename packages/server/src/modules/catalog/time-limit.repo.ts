import type { Selectable } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { Actor } from '../../platform/context.js';
import type { TimeLimitTable } from '../../platform/db/schema.js';
import { seesSubtree } from '../../platform/scope.js';
import { notFound } from '../../platform/errors.js';
import type { DimensionLabels, RuleDimensions, TimeLimitUnit } from './time-limit.model.js';
import type { Candidate } from './time-limit.ranking.js';

/**
 * Queries of the time_limit table. Tenant names and paths and the dictionary labels are read
 * here directly (read-only): resolveTimeLimit is called by other modules with a bare database
 * handle and no caller, so the actor-checked services of identity and system do not fit.
 */
export type TimeLimitRow = Selectable<TimeLimitTable>;

export interface OwnedRule extends Candidate {
  id: string;
  tenantId: string;
  ownerName: string;
  ownerPath: string;
  amount: number;
  unit: TimeLimitUnit;
  warnRatio: number;
  legalBasis: string;
  note: string;
  updatedBy: string | null;
  updatedAt: Date;
}

export interface DictOption {
  value: string;
  label: string;
  enabled: boolean;
}

export interface Labels extends DimensionLabels {
  industries: DictOption[];
  urgencies: DictOption[];
}

export const ancestorsOf = (path: string): string[] => path.split('/').filter(Boolean);
export const parentPath = (path: string): string => path.replace(/[^/]+\/$/, '');

export async function loadLabels(db: Db): Promise<Labels> {
  const rows = await db.selectFrom('dict_item').select(['type_code', 'value', 'label', 'enabled']).where('type_code', 'in', ['industry', 'urgency']).orderBy('sort').orderBy('value').execute();
  const of = (code: string) => rows.filter((r) => r.type_code === code).map((r) => ({ value: r.value, label: r.label, enabled: r.enabled }));
  const industries = of('industry');
  const urgencies = of('urgency');
  return {
    industries,
    urgencies,
    industry: new Map(industries.map((o) => [o.value, o.label])),
    urgency: new Map(urgencies.map((o) => [o.value, o.label])),
  };
}

export interface TenantRef {
  id: string;
  name: string;
  level: number;
  path: string;
}

export async function loadTenantRef(db: Db, id: string): Promise<TenantRef> {
  const t = await db.selectFrom('tenant').select(['id', 'name', 'level', 'path']).where('id', '=', id).executeTakeFirst();
  if (!t) throw notFound('租户');
  return t;
}

const RULE_COLUMNS = [
  'time_limit.id',
  'time_limit.tenant_id',
  'time_limit.level',
  'time_limit.industry',
  'time_limit.urgency',
  'time_limit.item_id',
  'time_limit.amount',
  'time_limit.unit',
  'time_limit.warn_ratio',
  'time_limit.legal_basis',
  'time_limit.note',
  'time_limit.updated_by',
  'time_limit.updated_at',
  'tenant.name as owner_name',
  'tenant.path as owner_path',
] as const;

type JoinedRow = TimeLimitRow & { owner_name: string; owner_path: string };

export function toOwnedRule(r: JoinedRow): OwnedRule {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    ownerName: r.owner_name,
    ownerPath: r.owner_path,
    ownerDepth: ancestorsOf(r.owner_path).length - 1,
    level: r.level,
    industry: r.industry,
    urgency: r.urgency,
    itemId: r.item_id,
    amount: r.amount,
    unit: r.unit,
    warnRatio: Number(r.warn_ratio),
    legalBasis: r.legal_basis,
    note: r.note,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
  };
}

export function rulesQuery(db: Db) {
  return db.selectFrom('time_limit').innerJoin('tenant', 'tenant.id', 'time_limit.tenant_id').select(RULE_COLUMNS);
}

/** Every rule owned along the path (the tenant itself and its ancestors). */
export async function rulesAlong(db: Db, tenantPath: string): Promise<OwnedRule[]> {
  const ids = ancestorsOf(tenantPath);
  if (ids.length === 0) return [];
  const rows = await rulesQuery(db).where('time_limit.tenant_id', 'in', ids).execute();
  return rows.map(toOwnedRule);
}

export async function loadRule(db: Db, id: string): Promise<OwnedRule | undefined> {
  const row = await rulesQuery(db).where('time_limit.id', '=', id).executeTakeFirst();
  return row ? toOwnedRule(row) : undefined;
}

/**
 * Mirrors tenantVisible() for a rule already loaded with its owner's path: the caller manages the
 * rules of the tenants their data scope reaches; inherited rules from above are only readable.
 */
export function canManage(actor: Actor, ownerId: string, ownerPath: string): boolean {
  return seesSubtree(actor) ? ownerPath.startsWith(actor.tenantPath) : ownerId === actor.tenantId;
}

export function canRead(actor: Actor, ownerId: string, ownerPath: string): boolean {
  return actor.tenantPath.startsWith(ownerPath) || canManage(actor, ownerId, ownerPath);
}

export async function findSameDimensions(db: Db, tenantId: string, d: RuleDimensions, exceptId?: string): Promise<string | undefined> {
  let q = db.selectFrom('time_limit').select('id').where('tenant_id', '=', tenantId);
  q = d.level === null ? q.where('level', 'is', null) : q.where('level', '=', d.level);
  q = d.industry === null ? q.where('industry', 'is', null) : q.where('industry', '=', d.industry);
  q = d.urgency === null ? q.where('urgency', 'is', null) : q.where('urgency', '=', d.urgency);
  q = d.itemId === null ? q.where('item_id', 'is', null) : q.where('item_id', '=', d.itemId);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst())?.id;
}

export const dimensionKey = (d: RuleDimensions): string => [d.level ?? 0, d.industry ?? '', d.urgency ?? '', d.itemId ?? ''].join('|');
