import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { Actor, Deps } from '../../platform/context.js';
import type { Db } from '../../platform/db/database.js';
import type { EnterpriseContact } from '../../platform/db/schema.js';
import { auditActorOf } from '../../platform/context.js';
import { recordAudit, type AuditEntry } from '../../platform/audit/audit.js';
import { invalid } from '../../platform/errors.js';
import { tenantVisible } from '../../platform/scope.js';
import { ImportRejected, startImport, type ImportJob, type ImportProgress } from '../../platform/excel/import-jobs.js';
import { readSheet, splitList, writeSheet, type ColumnSpec, type RowError } from '../../platform/excel/sheet.js';
import { validateCreditCode } from './credit-code.js';
import {
  auditFields,
  cleanTags,
  dictOptions,
  filteredQuery,
  isUniqueViolation,
  maintainingTenant,
  maskedPhone,
  sameContent,
  writeRow,
  type Enterprise,
  type EnterpriseQuery,
  type Option,
} from './enterprise.service.js';

/**
 * Bulk maintenance of the enterprise library through Excel. An import is all or nothing: one bad
 * cell rejects the file with (line, column, reason) and nothing is written. Existing codes are
 * updated, new ones created, and every changed row waits for approval like a manual edit.
 */
export interface SheetRow {
  creditCode: string;
  name: string;
  ownership?: string;
  industry?: string;
  registeredRegion?: string;
  address?: string;
  legalPerson?: string;
  contactName?: string;
  contactRole?: string;
  contactPhone?: string;
  tags?: string[];
  status?: string;
  tenantName?: string;
  updatedAt?: string;
}

export const EXPORT_LIMIT = 50_000;
const STATUS_LABEL: Record<string, string> = { pending: '待审核', approved: '已通过', rejected: '已驳回' };
const PHONE_RE = /^[0-9+\- ]{5,20}$/;

function maxLength(n: number, what: string) {
  return (text: string) => {
    if (text.length > n) throw new Error(`${what}不能超过 ${n} 个字`);
    return text;
  };
}

/** A dictionary cell may hold the value ('C'), the label ('制造业') or both ('C 制造业'). */
export function resolveOption(options: Option[], text: string, what: string): string {
  const compact = text.replace(/\s/g, '');
  const hit = options.find((o) => o.value.toUpperCase() === compact.toUpperCase() || o.label === compact || `${o.value}${o.label}` === compact);
  if (!hit) throw new Error(`未知的${what}“${text}”，请从填写说明中选择`);
  return hit.value;
}

function parseTags(text: string): string[] {
  const tags = cleanTags(splitList(text));
  if (tags.length > 10) throw new Error('标签最多 10 个');
  const long = tags.find((t) => t.length > 20);
  if (long) throw new Error(`标签“${long}”超过 20 个字`);
  return tags;
}

function parsePhone(text: string): string {
  // An exported file carries masked phones; they mean "leave the number as it is".
  if (text.includes('*')) return text;
  if (!PHONE_RE.test(text)) throw new Error('联系电话格式不正确');
  return text;
}

function importColumns(dicts: { industries: Option[]; ownerships: Option[] }): ColumnSpec<SheetRow>[] {
  return [
    {
      header: '统一社会信用代码',
      key: 'creditCode',
      required: true,
      width: 24,
      parse: (text) => {
        const r = validateCreditCode(text);
        if (!r.ok) throw new Error(r.reason);
        return r.normalized;
      },
    },
    { header: '企业名称', key: 'name', required: true, width: 36, parse: maxLength(200, '企业名称') },
    { header: '所有制性质', key: 'ownership', parse: (t) => resolveOption(dicts.ownerships, t, '所有制性质'), format: (v) => labelOf(dicts.ownerships, v) },
    { header: '所属行业', key: 'industry', width: 28, parse: (t) => resolveOption(dicts.industries, t, '所属行业'), format: (v) => labelOf(dicts.industries, v) },
    { header: '注册地', key: 'registeredRegion', parse: maxLength(100, '注册地') },
    { header: '地址', key: 'address', width: 36, parse: maxLength(200, '地址') },
    { header: '法定代表人', key: 'legalPerson', parse: maxLength(50, '法定代表人') },
    { header: '联系人', key: 'contactName', parse: maxLength(50, '联系人') },
    { header: '联系人职务', key: 'contactRole', parse: maxLength(50, '联系人职务') },
    { header: '联系电话', key: 'contactPhone', parse: parsePhone },
    { header: '标签', key: 'tags', width: 24, parse: parseTags },
  ];
}

const exportOnlyColumns: ColumnSpec<SheetRow>[] = [
  { header: '审核状态', key: 'status' },
  { header: '维护地区', key: 'tenantName', width: 24 },
  { header: '更新时间', key: 'updatedAt', width: 22 },
];

function labelOf(options: Option[], v: unknown): string {
  return options.find((o) => o.value === v)?.label ?? String(v);
}

// ---------------------------------------------------------------- export and template

export async function exportEnterprises(deps: Deps, actor: Actor, q: EnterpriseQuery): Promise<Buffer> {
  const query = await filteredQuery(deps, actor, q);
  const rows = await query
    .innerJoin('tenant', 'tenant.id', 'enterprise.tenant_id')
    .selectAll('enterprise')
    .select('tenant.name as tenant_name')
    .orderBy('enterprise.credit_code')
    .limit(EXPORT_LIMIT + 1)
    .execute();
  if (rows.length > EXPORT_LIMIT) throw invalid(`导出数据超过 ${EXPORT_LIMIT} 条，请缩小筛选范围后分批导出`);
  const dicts = await dictOptions(deps, actor);
  const sheetRows = rows.map((r): SheetRow => {
    const first = r.contacts[0];
    return {
      creditCode: r.credit_code,
      name: r.name,
      ownership: r.ownership ?? undefined,
      industry: r.industry ?? undefined,
      registeredRegion: r.registered_region ?? undefined,
      address: r.address ?? undefined,
      legalPerson: r.legal_person ?? undefined,
      contactName: first?.name,
      contactRole: first?.role || undefined,
      // Personal data leaves the system masked only.
      contactPhone: first ? (maskedPhone(deps, first) ?? undefined) : undefined,
      tags: r.tags,
      status: STATUS_LABEL[r.status] ?? r.status,
      tenantName: r.tenant_name,
      updatedAt: r.updated_at.toISOString(),
    };
  });
  return writeSheet('企业库', [...importColumns(dicts), ...exportOnlyColumns], sheetRows);
}

export async function importTemplate(deps: Deps, actor: Actor): Promise<Buffer> {
  const dicts = await dictOptions(deps, actor);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await writeSheet('企业库', importColumns(dicts), [])) as unknown as ArrayBuffer);
  const help = wb.addWorksheet('填写说明');
  help.columns = [{ width: 18 }, { width: 90 }];
  const lines: [string, string][] = [
    ['统一社会信用代码', '必填，18 位（GB 32100-2015），系统校验校验位；已存在的代码将更新该企业，新代码将新增企业'],
    ['企业名称', '必填，企业的规范名称'],
    ['所有制性质', dicts.ownerships.map((o) => o.label).join('、')],
    ['所属行业', dicts.industries.map((o) => `${o.value} ${o.label}`).join('；')],
    ['注册地', '可填行政区划代码或名称；留空则取统一社会信用代码第 3–8 位'],
    ['联系人/联系电话', '每行可填一名联系人；同名联系人将被更新，联系电话留空或为脱敏号码时保留原号码'],
    ['标签', '多个标签用逗号或顿号分隔，如：涉企、重点企业、专精特新'],
    ['说明', '导入的新增和修改均需审核人员审核；任何一行有误时整个文件不导入，请按错误提示修改后重新导入'],
  ];
  help.addRows(lines);
  help.getColumn(1).font = { bold: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---------------------------------------------------------------- import

interface Existing {
  row: Enterprise;
  visible: boolean;
}

async function loadExisting(trx: Db, actor: Actor, codes: string[]): Promise<Map<string, Existing>> {
  const found = new Map<string, Existing>();
  for (let i = 0; i < codes.length; i += 1000) {
    const chunk = codes.slice(i, i + 1000);
    const rows = await trx.selectFrom('enterprise').selectAll().where('credit_code', 'in', chunk).where('deleted_at', 'is', null).execute();
    if (rows.length === 0) continue;
    const visible = new Set(
      (await trx.selectFrom('enterprise').select('id').where('id', 'in', rows.map((r) => r.id)).where((eb) => tenantVisible(eb, 'enterprise.tenant_id', actor)).execute()).map((r) => r.id),
    );
    for (const r of rows) found.set(r.credit_code, { row: r, visible: visible.has(r.id) });
  }
  return found;
}

/** Checks that need the whole file or the database: duplicates, scope and masked phones. */
function crossCheck(rows: { line: number; value: SheetRow }[], existing: Map<string, Existing>): RowError[] {
  const errors: RowError[] = [];
  const firstLine = new Map<string, number>();
  for (const { line, value } of rows) {
    if (!value.creditCode) continue;
    const seen = firstLine.get(value.creditCode);
    if (seen !== undefined) errors.push({ line, column: '统一社会信用代码', reason: `与第 ${seen} 行的统一社会信用代码重复` });
    else firstLine.set(value.creditCode, line);
    const old = existing.get(value.creditCode);
    if (old && !old.visible) errors.push({ line, column: '统一社会信用代码', reason: '该企业已由其他地区维护，无权修改' });
    if (value.contactPhone && !value.contactName) errors.push({ line, column: '联系电话', reason: '填写联系电话时请同时填写联系人' });
    if (value.contactPhone?.includes('*') && !old?.row.contacts.some((c) => c.name === value.contactName && c.phone_enc)) {
      errors.push({ line, column: '联系电话', reason: '联系电话为脱敏号码，无法识别，请填写完整号码' });
    }
  }
  return errors;
}

/** One contact per row: a contact of the same name is updated, others are kept. */
function mergeContact(deps: Deps, contacts: EnterpriseContact[], v: SheetRow): EnterpriseContact[] {
  if (!v.contactName) return contacts;
  const old = contacts.find((c) => c.name === v.contactName);
  const phone = v.contactPhone && !v.contactPhone.includes('*') ? deps.cipher.encrypt(v.contactPhone.trim()) : (old?.phone_enc ?? null);
  const next: EnterpriseContact = { name: v.contactName, role: v.contactRole ?? '', phone_enc: phone };
  return old ? contacts.map((c) => (c === old ? next : c)) : [...contacts, next];
}

function rowFrom(deps: Deps, actor: Actor, v: SheetRow, base: Enterprise): Enterprise {
  return {
    ...base,
    credit_code: v.creditCode,
    name: v.name,
    ownership: v.ownership ?? null,
    industry: v.industry ?? null,
    registered_region: v.registeredRegion ?? v.creditCode.slice(2, 8),
    address: v.address ?? null,
    legal_person: v.legalPerson ?? null,
    contacts: mergeContact(deps, base.contacts, v),
    tags: v.tags ?? [],
    status: 'pending',
    review_opinion: null,
    submitted_by: actor.userId,
    reviewed_by: null,
    reviewed_at: null,
    updated_at: deps.clock.now(),
  };
}

function blankRow(deps: Deps, actor: Actor, tenantId: string): Enterprise {
  const now = deps.clock.now();
  return {
    id: randomUUID(), tenant_id: tenantId, credit_code: '', name: '', ownership: null, industry: null, registered_region: null, address: null,
    legal_person: null, contacts: [], tags: [], status: 'pending', review_opinion: null, submitted_by: actor.userId, reviewed_by: null,
    reviewed_at: null, created_by: actor.userId, created_at: now, updated_at: now, deleted_at: null,
  };
}

async function applyRows(deps: Deps, actor: Actor, trx: Db, tenantId: string, rows: SheetRow[], existing: Map<string, Existing>, progress: ImportProgress): Promise<AuditEntry[]> {
  const audit: AuditEntry[] = [];
  const inserts: Enterprise[] = [];
  for (const v of rows) {
    const old = existing.get(v.creditCode)?.row;
    if (!old) {
      const row = rowFrom(deps, actor, v, blankRow(deps, actor, tenantId));
      inserts.push(row);
      audit.push({ action: 'enterprise.import.create', targetType: 'enterprise', targetId: row.id, tenantId: row.tenant_id, after: auditFields(deps, row) });
      progress.created();
    } else {
      const row = rowFrom(deps, actor, v, old);
      if (!sameContent(deps, old, row)) {
        await writeRow(trx, row, old.updated_at);
        audit.push({ action: 'enterprise.import.update', targetType: 'enterprise', targetId: row.id, tenantId: row.tenant_id, before: auditFields(deps, old), after: auditFields(deps, row) });
        progress.updated();
      }
    }
    progress.tick();
  }
  try {
    for (let i = 0; i < inserts.length; i += 500) {
      await trx.insertInto('enterprise').values(inserts.slice(i, i + 500).map((r) => ({ ...r, contacts: JSON.stringify(r.contacts) }))).execute();
    }
  } catch (err) {
    // Someone entered one of the codes while the file was being checked.
    if (isUniqueViolation(err)) throw new ImportRejected([{ line: 0, column: '统一社会信用代码', reason: '导入期间有企业被他人录入，统一社会信用代码已存在，请重新导入' }]);
    throw err;
  }
  return audit;
}

interface ImportContext {
  deps: Deps;
  actor: Actor;
  tenantId: string;
  file: Buffer;
  dicts: { industries: Option[]; ownerships: Option[] };
  /** The job id exists only once startImport has returned; the body runs after that. */
  jobId: () => string;
}

async function importBody(ctx: ImportContext, trx: Db, progress: ImportProgress): Promise<void> {
  const { deps, actor } = ctx;
  const parsed = await readSheet(ctx.file, importColumns(ctx.dicts));
  progress.total(parsed.rows.length);
  const existing = await loadExisting(trx, actor, [...new Set(parsed.rows.map((r) => r.value.creditCode).filter(Boolean))]);
  const errors = [...parsed.errors, ...crossCheck(parsed.rows, existing)].sort((a, b) => a.line - b.line);
  if (errors.length) throw new ImportRejected(errors);
  if (parsed.rows.length === 0) throw new ImportRejected([{ line: 0, column: '', reason: '文件中没有企业数据' }]);
  const audit = await applyRows(deps, actor, trx, ctx.tenantId, parsed.rows.map((r) => r.value), existing, progress);
  // Audit rows go last: appending takes the chain lock, which is then held until the import commits.
  const who = auditActorOf(actor);
  for (const entry of audit) await recordAudit(trx, deps.clock, who, entry);
  const count = (suffix: string) => audit.filter((a) => a.action.endsWith(suffix)).length;
  await recordAudit(trx, deps.clock, who, {
    action: 'enterprise.import',
    targetType: 'enterprise',
    targetId: ctx.jobId(),
    tenantId: ctx.tenantId,
    detail: { rows: parsed.rows.length, created: count('.create'), updated: count('.update') },
  });
}

export async function importEnterprises(deps: Deps, actor: Actor, file: unknown, tenantId?: string): Promise<ImportJob> {
  if (!Buffer.isBuffer(file) || file.length === 0) throw invalid('请上传 Excel（.xlsx）文件，请求体为文件内容');
  const tenant = await maintainingTenant(deps, actor, tenantId ?? actor.tenantId);
  // Read before the job: on PGlite the job's transaction holds the only connection.
  const dicts = await dictOptions(deps, actor);
  let id = '';
  const job = startImport(deps, actor, 'enterprise', (trx, progress) => importBody({ deps, actor, tenantId: tenant.id, file, dicts, jobId: () => id }, trx, progress));
  id = job.id;
  return job;
}
