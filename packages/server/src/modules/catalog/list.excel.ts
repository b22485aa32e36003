import { randomUUID } from 'node:crypto';
import type { Actor, Deps } from '../../platform/context.js';
import type { Db } from '../../platform/db/database.js';
import { auditActorOf } from '../../platform/context.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { invalid } from '../../platform/errors.js';
import { readSheet, writeSheet, type ColumnSpec, type RowError } from '../../platform/excel/sheet.js';
import { ImportRejected, startImport, type ImportJob, type ImportProgress } from '../../platform/excel/import-jobs.js';
import { loadVisibleTenant } from '../identity/tenant.service.js';
import {
  LIST_TYPE_NAMES,
  ROLE_NAMES,
  STATUS_NAMES,
  entriesForExport,
  findConflict,
  pathIds,
  type EntryQuery,
  type ListEntry,
  type ListRole,
  type ListType,
} from './list.service.js';

/**
 * Excel in and out for the lists. An import is all or nothing: every bad row is reported with its
 * line, column and reason, and nothing is written unless the whole file is clean. Rows become
 * drafts (or pending entries) of the caller's own region, like entries typed in by hand.
 */
interface SheetRow {
  itemCode: string;
  tenantCode: string;
  orgCode?: string;
  unitName?: string;
  role: ListRole;
  duty?: string;
  legalBasis?: string;
  status?: string;
  version?: number;
  updatedAt?: string;
}

const COL = { item: '事项编码', tenant: '区域编码', org: '单位编码', unit: '单位名称', role: '角色', duty: '职责描述', basis: '法律依据' } as const;

function parseRole(text: string): ListRole {
  if (text === '主办' || text === 'lead') return 'lead';
  if (text === '协办' || text === 'assist') return 'assist';
  throw new Error('角色只能填写“主办”或“协办”');
}

const IMPORT_COLUMNS: ColumnSpec<SheetRow>[] = [
  { header: COL.item, key: 'itemCode', required: true, width: 20 },
  { header: COL.tenant, key: 'tenantCode', required: true, width: 14 },
  { header: COL.org, key: 'orgCode', width: 18 },
  { header: COL.unit, key: 'unitName', width: 30 },
  { header: COL.role, key: 'role', required: true, width: 10, parse: parseRole, format: (v) => ROLE_NAMES[v as ListRole] },
  { header: COL.duty, key: 'duty', width: 40 },
  { header: COL.basis, key: 'legalBasis', width: 40 },
];

const EXPORT_COLUMNS: ColumnSpec<SheetRow>[] = [
  ...IMPORT_COLUMNS,
  { header: '状态', key: 'status', width: 12 },
  { header: '版本', key: 'version', width: 8 },
  { header: '更新时间', key: 'updatedAt', width: 20 },
];

export const EXPORT_LIMIT = 20_000;

export function listTemplate(listType: ListType): Promise<Buffer> {
  return writeSheet(LIST_TYPE_NAMES[listType], IMPORT_COLUMNS, []);
}

export async function exportList(deps: Deps, actor: Actor, q: EntryQuery & { listType: ListType }): Promise<Buffer> {
  const rows = await entriesForExport(deps, actor, q, EXPORT_LIMIT);
  return writeSheet(
    LIST_TYPE_NAMES[q.listType],
    EXPORT_COLUMNS,
    rows.map((r) => ({
      itemCode: r.itemCode,
      tenantCode: r.tenantCode,
      orgCode: r.orgCode ?? '',
      unitName: r.unitName,
      role: r.role,
      duty: r.duty,
      legalBasis: r.legalBasis,
      status: STATUS_NAMES[r.status],
      version: r.version,
      updatedAt: r.updatedAt.toISOString(),
    })),
  );
}

export interface ImportOptions {
  listType: ListType;
  /** Submit the imported entries for review at once. */
  submit?: boolean;
}

export async function importList(deps: Deps, actor: Actor, file: unknown, opts: ImportOptions): Promise<ImportJob> {
  if (!Buffer.isBuffer(file) || file.length === 0) throw invalid('请上传 Excel（.xlsx）文件，请求体为文件内容');
  // Read before the job: on PGlite the job's transaction holds the only connection.
  const tenant = await loadVisibleTenant(deps.db, actor, actor.tenantId);
  return startImport(deps, actor, `catalog.list.${opts.listType}`, (trx, progress) => importBody(trx, { deps, actor, file, opts, tenant }, progress));
}

interface ImportContext {
  deps: Deps;
  actor: Actor;
  file: Buffer;
  opts: ImportOptions;
  tenant: { id: string; code: string; path: string };
}

interface Lookups {
  items: Map<string, string>;
  tenants: Map<string, string>;
  orgs: Map<string, { id: string; name: string }>;
}

/** Items usable in the region (published, issued from above or its own), its tenant and its orgs. */
async function lookups(trx: Db, tenant: ImportContext['tenant']): Promise<Lookups> {
  const [items, tenants, orgs] = await Promise.all([
    trx.selectFrom('catalog_item').select(['id', 'code']).where('status', '=', 'published').where('tenant_id', 'in', pathIds(tenant.path)).execute(),
    trx.selectFrom('tenant').select(['id', 'code']).where('path', 'like', `${tenant.path}%`).execute(),
    trx.selectFrom('org').select(['id', 'code', 'name']).where('tenant_id', '=', tenant.id).execute(),
  ]);
  return {
    items: new Map(items.map((i) => [i.code, i.id])),
    tenants: new Map(tenants.map((t) => [t.code, t.id])),
    orgs: new Map(orgs.map((o) => [o.code, { id: o.id, name: o.name }])),
  };
}

type Checked = { ok: true; entry: ListEntry } | { ok: false; errors: RowError[] };

function checkRow(ctx: ImportContext, look: Lookups, line: number, v: SheetRow): Checked {
  const errors: RowError[] = [];
  const err = (column: string, reason: string) => errors.push({ line, column, reason });
  const itemId = look.items.get(v.itemCode);
  if (!itemId) err(COL.item, `事项编码“${v.itemCode}”不存在、未发布或不适用于本区域`);
  if (!look.tenants.has(v.tenantCode)) err(COL.tenant, `区域编码“${v.tenantCode}”不存在或不在您的管辖范围`);
  else if (v.tenantCode !== ctx.tenant.code) err(COL.tenant, `只能导入本区域（${ctx.tenant.code}）的清单，下级区域的清单由其自行维护`);
  const org = v.orgCode ? look.orgs.get(v.orgCode) : undefined;
  if (v.orgCode && !org) err(COL.org, `单位编码“${v.orgCode}”不是本区域的机构`);
  if (!v.orgCode && !v.unitName) err(COL.unit, '未填写单位编码时必须填写单位名称');
  if (errors.length || !itemId) return { ok: false, errors };
  const now = ctx.deps.clock.now();
  const entry: ListEntry = {
    id: randomUUID(),
    list_type: ctx.opts.listType,
    item_id: itemId,
    tenant_id: ctx.tenant.id,
    org_id: org?.id ?? null,
    unit_name: v.unitName || org?.name || '',
    role: v.role,
    duty: v.duty ?? '',
    legal_basis: v.legalBasis ?? '',
    status: ctx.opts.submit ? 'pending' : 'draft',
    version: 1,
    replaces_id: null,
    reviewed_by: null,
    reviewed_at: null,
    review_opinion: '',
    created_by: ctx.actor.userId,
    created_at: now,
    updated_at: now,
  };
  return { ok: true, entry };
}

/** Conflicts with what is pending or published and with earlier rows of the same file. */
async function conflictErrors(trx: Db, rows: { line: number; entry: ListEntry }[]): Promise<RowError[]> {
  if (rows.length === 0) return [];
  const first = rows[0]!.entry;
  const existing = await trx
    .selectFrom('catalog_list_entry')
    .select(['id', 'list_type', 'item_id', 'role', 'org_id', 'unit_name', 'replaces_id'])
    .where('list_type', '=', first.list_type)
    .where('tenant_id', '=', first.tenant_id)
    .where('status', 'in', ['pending', 'published'])
    .execute();
  const errors: RowError[] = [];
  const seen: typeof existing = [...existing];
  for (const { line, entry } of rows) {
    const problem = findConflict(entry, seen.filter((o) => o.item_id === entry.item_id));
    if (problem) errors.push({ line, column: COL.unit, reason: problem });
    seen.push({ ...entry });
  }
  return errors;
}

async function importBody(trx: Db, ctx: ImportContext, progress: ImportProgress): Promise<void> {
  const sheet = await readSheet(ctx.file, IMPORT_COLUMNS);
  if (sheet.errors.some((e) => e.line <= 1)) throw new ImportRejected(sheet.errors);
  if (sheet.rows.length === 0) throw new ImportRejected([{ line: 0, column: '', reason: '文件中没有数据行' }]);
  progress.total(sheet.rows.length);
  const look = await lookups(trx, ctx.tenant);
  const badLines = new Set(sheet.errors.map((e) => e.line));
  const errors: RowError[] = [...sheet.errors];
  const good: { line: number; entry: ListEntry }[] = [];
  for (const { line, value } of sheet.rows) {
    if (badLines.has(line)) continue;
    const checked = checkRow(ctx, look, line, value);
    if (checked.ok) good.push({ line, entry: checked.entry });
    else errors.push(...checked.errors);
  }
  errors.push(...(await conflictErrors(trx, good)));
  if (errors.length) throw new ImportRejected(errors.sort((a, b) => a.line - b.line));
  for (const { entry } of good) {
    await trx.insertInto('catalog_list_entry').values(entry).execute();
    progress.tick();
    progress.created();
  }
  await recordAudit(trx, ctx.deps.clock, auditActorOf(ctx.actor), {
    action: 'catalog.list.import',
    targetType: 'catalog_list_entry',
    tenantId: ctx.tenant.id,
    detail: { listType: ctx.opts.listType, op: '新增', count: good.length, ids: good.map((g) => g.entry.id), submitted: ctx.opts.submit === true },
  });
}
