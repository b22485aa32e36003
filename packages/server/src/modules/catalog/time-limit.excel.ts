import { randomUUID } from 'node:crypto';
import type { Actor, Deps } from '../../platform/context.js';
import { auditActorOf } from '../../platform/context.js';
import type { Db } from '../../platform/db/database.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { readSheet, writeSheet, type ColumnSpec, type RowError } from '../../platform/excel/sheet.js';
import { ImportRejected, startImport, type ImportJob, type ImportProgress } from '../../platform/excel/import-jobs.js';
import { loadVisibleTenant } from '../identity/tenant.service.js';
import { DEFAULT_WARN_RATIO, LEVEL_NAMES, UNIT_NAMES, UNITS, type TimeLimitUnit } from './time-limit.model.js';
import { dimensionKey, loadLabels, parentPath, rulesAlong, type Labels, type OwnedRule, type TenantRef } from './time-limit.repo.js';
import { allTimeLimits, ruleErrors, rowValues, type ListQuery, type RuleFields } from './time-limit.service.js';

/**
 * Bulk maintenance in Excel. The export can be edited and imported again: rows are matched to the
 * target tenant's rules by their dimensions (update) or added (create); columns that only the
 * export has (制定单位, 更新人…) are ignored on import. A file with any bad row imports nothing.
 */
interface SheetRow {
  level?: number;
  industry?: string;
  urgency?: string;
  itemId?: string;
  amount: number;
  unit: TimeLimitUnit;
  warnRatio?: number;
  legalBasis?: string;
  note?: string;
}

interface ExportRow extends SheetRow {
  tenantName: string;
  updatedBy: string;
  updatedAt: string;
}

const HEADERS = {
  level: '层级',
  industry: '行业领域',
  urgency: '紧急程度',
  itemId: '事项ID',
  amount: '时限',
  unit: '时限单位',
  warnRatio: '黄灯比例',
  legalBasis: '依据',
  note: '备注',
} as const;

// Accepts '3', '区县级', '区县', '乡镇（街道）级', '街道'…: people type levels in many ways.
const LEVEL_WORDS: Record<string, number> = { 自治区: 1, 地州市: 2, 地州: 2, 市州: 2, 区县: 3, 县区: 3, 乡镇街道: 4, 乡镇: 4, 街道: 4, 村社区: 5, 村: 5, 社区: 5 };

function parseLevel(text: string): number {
  if (/^[1-5]$/.test(text)) return Number(text);
  const word = text.replace(/[（）()\s]/g, '').replace(/级$/, '');
  const level = LEVEL_WORDS[word];
  if (level === undefined) throw new Error('层级应为 1-5 或“自治区级、地州市级、区县级、乡镇（街道）级、村（社区）级”');
  return level;
}

function parseDict(name: string, options: Labels['industries']) {
  return (text: string): string => {
    const hit = options.find((o) => o.value === text || o.label === text);
    if (!hit) throw new Error(`${name}“${text}”不在字典中`);
    return hit.value;
  };
}

function parseAmount(text: string): number {
  if (!/^\d{1,4}$/.test(text) || Number(text) === 0) throw new Error('时限应为 1-9999 的整数');
  return Number(text);
}

function parseUnit(text: string): TimeLimitUnit {
  const hit = UNITS.find((u) => u === text || UNIT_NAMES[u] === text);
  if (!hit) throw new Error('时限单位应为“工作日”“小时”或“自然日”');
  return hit;
}

function parseRatio(text: string): number {
  const percent = text.endsWith('%');
  const n = Number(percent ? text.slice(0, -1) : text) / (percent ? 100 : 1);
  if (!Number.isFinite(n) || n <= 0 || n >= 1) throw new Error('黄灯比例应在 0 与 1 之间（如 0.8 或 80%）');
  return Math.round(n * 1000) / 1000;
}

function parseUuid(text: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)) throw new Error('事项ID应为 UUID');
  return text.toLowerCase();
}

function parseText(text: string): string {
  if (text.length > 500) throw new Error('不能超过 500 个字符');
  return text;
}

function sheetColumns(labels: Labels): ColumnSpec<SheetRow>[] {
  const label = (map: ReadonlyMap<string, string>) => (v: unknown) => map.get(String(v)) ?? String(v);
  return [
    { header: HEADERS.level, key: 'level', width: 14, parse: parseLevel, format: (v) => LEVEL_NAMES[Number(v)] ?? String(v) },
    { header: HEADERS.industry, key: 'industry', width: 18, parse: parseDict('行业领域', labels.industries), format: label(labels.industry) },
    { header: HEADERS.urgency, key: 'urgency', width: 10, parse: parseDict('紧急程度', labels.urgencies), format: label(labels.urgency) },
    { header: HEADERS.itemId, key: 'itemId', width: 38, parse: parseUuid },
    { header: HEADERS.amount, key: 'amount', required: true, width: 8, parse: parseAmount, format: (v) => Number(v) },
    { header: HEADERS.unit, key: 'unit', required: true, width: 10, parse: parseUnit, format: (v) => UNIT_NAMES[v as TimeLimitUnit] ?? String(v) },
    { header: HEADERS.warnRatio, key: 'warnRatio', width: 10, parse: parseRatio, format: (v) => Number(v) },
    { header: HEADERS.legalBasis, key: 'legalBasis', width: 40, parse: parseText },
    { header: HEADERS.note, key: 'note', width: 30, parse: parseText },
  ];
}

export async function exportTimeLimits(deps: Deps, actor: Actor, q: ListQuery): Promise<Buffer> {
  const labels = await loadLabels(deps.db);
  const rows = await allTimeLimits(deps, actor, q);
  const columns: ColumnSpec<ExportRow>[] = [
    { header: '制定单位', key: 'tenantName', width: 24 },
    ...sheetColumns(labels),
    { header: '更新人', key: 'updatedBy', width: 14 },
    { header: '更新时间', key: 'updatedAt', width: 22 },
  ];
  const data: ExportRow[] = rows.map((r) => ({
    tenantName: r.tenantName,
    level: r.level ?? undefined,
    industry: r.industry ?? undefined,
    urgency: r.urgency ?? undefined,
    itemId: r.itemId ?? undefined,
    amount: r.amount,
    unit: r.unit,
    warnRatio: r.warnRatio,
    legalBasis: r.legalBasis,
    note: r.note,
    updatedBy: r.updatedBy ?? '',
    updatedAt: r.updatedAt.toISOString(),
  }));
  return writeSheet('办结时限', columns, data);
}

export async function timeLimitTemplate(deps: Deps): Promise<Buffer> {
  return writeSheet('办结时限', sheetColumns(await loadLabels(deps.db)), []);
}

function toFields(row: SheetRow): RuleFields {
  return {
    level: row.level ?? null,
    industry: row.industry ?? null,
    urgency: row.urgency ?? null,
    itemId: row.itemId ?? null,
    amount: row.amount,
    unit: row.unit,
    warnRatio: row.warnRatio ?? DEFAULT_WARN_RATIO,
    legalBasis: row.legalBasis ?? '',
    note: row.note ?? '',
  };
}

const COLUMN_OF_PATH: Record<string, string> = { '/level': HEADERS.level, '/industry': HEADERS.industry, '/urgency': HEADERS.urgency, '/amount': HEADERS.amount };

/** Row checks beyond single cells: dictionary, level, duplicates within the file, inherited limits. */
function checkRows(owner: TenantRef, rows: { line: number; value: SheetRow }[], labels: Labels, inherited: readonly OwnedRule[]): RowError[] {
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  for (const { line, value } of rows) {
    const fields = toFields(value);
    const key = dimensionKey(fields);
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({ line, column: HEADERS.level, reason: `与第 ${first} 行的适用范围（层级、行业领域、紧急程度、事项）相同` });
      continue;
    }
    seen.set(key, line);
    for (const e of ruleErrors(owner, fields, labels, inherited)) errors.push({ line, column: COLUMN_OF_PATH[e.path] ?? '', reason: e.message });
  }
  return errors;
}

async function upsertRows(trx: Db, deps: Deps, actor: Actor, owner: TenantRef, rows: SheetRow[], progress: ImportProgress) {
  const existing = await trx.selectFrom('time_limit').select(['id', 'level', 'industry', 'urgency', 'item_id']).where('tenant_id', '=', owner.id).execute();
  const byKey = new Map(existing.map((r) => [dimensionKey({ level: r.level, industry: r.industry, urgency: r.urgency, itemId: r.item_id }), r.id]));
  const stamp = { updated_by: actor.username, updated_at: deps.clock.now() };
  const counts = { created: 0, updated: 0 };
  for (const row of rows) {
    const fields = toFields(row);
    const id = byKey.get(dimensionKey(fields));
    if (id) {
      await trx.updateTable('time_limit').set({ ...rowValues(fields), ...stamp }).where('id', '=', id).execute();
      progress.updated();
      counts.updated++;
    } else {
      await trx.insertInto('time_limit').values({ id: randomUUID(), tenant_id: owner.id, ...rowValues(fields), ...stamp }).execute();
      progress.created();
      counts.created++;
    }
    progress.tick();
  }
  return counts;
}

export async function importTimeLimits(deps: Deps, actor: Actor, tenantId: string | undefined, file: Buffer): Promise<ImportJob> {
  const t = await loadVisibleTenant(deps.db, actor, tenantId ?? actor.tenantId);
  const owner: TenantRef = { id: t.id, name: t.name, level: t.level, path: t.path };
  return startImport(deps, actor, 'time-limit', async (trx, progress) => {
    const labels = await loadLabels(trx);
    const sheet = await readSheet(file, sheetColumns(labels));
    progress.total(sheet.rows.length);
    const badLines = new Set(sheet.errors.map((e) => e.line));
    const inherited = await rulesAlong(trx, parentPath(owner.path));
    const errors = [...sheet.errors, ...checkRows(owner, sheet.rows.filter((r) => !badLines.has(r.line)), labels, inherited)];
    if (errors.length) throw new ImportRejected(errors.sort((a, b) => a.line - b.line));
    if (sheet.rows.length === 0) throw new ImportRejected([{ line: 0, column: '', reason: '文件中没有数据行' }]);
    const counts = await upsertRows(trx, deps, actor, owner, sheet.rows.map((r) => r.value), progress);
    await recordAudit(trx, deps.clock, auditActorOf(actor), {
      action: 'time-limit.import',
      targetType: 'time-limit',
      targetId: owner.id,
      detail: { tenant: owner.name, rows: sheet.rows.length, ...counts },
      tenantId: owner.id,
    });
  });
}
