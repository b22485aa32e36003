import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/database.js';
import type { Actor, Deps } from '../../platform/context.js';
import { invalid, type FieldError } from '../../platform/errors.js';
import { readSheet, splitList, writeSheet, type ColumnSpec } from '../../platform/excel/sheet.js';
import { commit } from '../../platform/usecase.js';
import { ownersOfActor, ownership, pathIds } from './visibility.js';

/**
 * 同义词: a main term and its related words (社保 ↔ 社会保险), expanded in search both ways. Each
 * tenant keeps its own list and inherits its ancestors'; the editors replace their list as a
 * whole (the page edits it as one table) or merge rows from an Excel sheet.
 */

export interface SynonymEntry {
  term: string;
  synonyms: string[];
}

export interface SynonymView extends SynonymEntry {
  id: string;
  tenantId: string;
  tenantName: string;
  inherited: boolean;
  updatedAt: Date;
}

export const MAX_SYNONYM_ENTRIES = 2000;

/**
 * For search: groups of words that mean the same in a tenant (its own and its ancestors' lists).
 * A group is the term followed by its synonyms; groups are not merged transitively, so one
 * careless entry cannot chain unrelated words together.
 */
export async function synonymGroupsFor(db: Db, tenantId: string): Promise<string[][]> {
  const t = await db.selectFrom('tenant').select('path').where('id', '=', tenantId).executeTakeFirst();
  const chain = t ? pathIds(t.path) : [tenantId];
  const rows = await db.selectFrom('kb_synonym').select(['term', 'synonyms']).where('tenant_id', 'in', chain).execute();
  return rows.map((r) => [r.term, ...(r.synonyms ?? []).filter((s) => s !== r.term)]);
}

export async function listSynonyms(deps: Deps, actor: Actor): Promise<{ items: SynonymView[] }> {
  const owners = ownersOfActor(actor);
  const rows = await deps.db
    .selectFrom('kb_synonym as s')
    .innerJoin('tenant as t', 't.id', 's.tenant_id')
    .select(['s.id', 's.tenant_id', 't.name as tenant_name', 's.term', 's.synonyms', 's.updated_at'])
    .where('s.tenant_id', 'in', [...owners.ancestorIds, owners.tenantId])
    .orderBy('t.level')
    .orderBy('s.term')
    .execute();
  return {
    items: rows.map((r) => ({
      id: r.id,
      ...ownership(r, actor),
      term: r.term,
      synonyms: r.synonyms ?? [],
      updatedAt: r.updated_at,
    })),
  };
}

/** Trims, drops empty words and the term itself, and refuses a term listed twice. */
function normalise(entries: SynonymEntry[], pathOf: (i: number) => string): { entries: SynonymEntry[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  const out: SynonymEntry[] = [];
  entries.forEach((e, i) => {
    const term = e.term.trim();
    const synonyms = [...new Set(e.synonyms.map((s) => s.trim()).filter((s) => s && s !== term))];
    if (!term) errors.push({ path: `${pathOf(i)}/term`, message: '主词不能为空' });
    else if (synonyms.length === 0) errors.push({ path: `${pathOf(i)}/synonyms`, message: `“${term}”至少需要一个关联词` });
    else if (seen.has(term)) errors.push({ path: `${pathOf(i)}/term`, message: `主词“${term}”重复（第 ${seen.get(term)! + 1} 项已有）` });
    else {
      seen.set(term, i);
      out.push({ term, synonyms });
    }
  });
  return { entries: out, errors };
}

async function writeList(deps: Deps, actor: Actor, entries: SynonymEntry[], action: string, detail: Record<string, unknown>) {
  await commit(deps, actor, async (trx) => {
    const before = await trx.selectFrom('kb_synonym').select(['term', 'synonyms']).where('tenant_id', '=', actor.tenantId).orderBy('term').execute();
    await trx.deleteFrom('kb_synonym').where('tenant_id', '=', actor.tenantId).execute();
    const now = deps.clock.now();
    if (entries.length) {
      await trx
        .insertInto('kb_synonym')
        .values(entries.map((e) => ({ id: randomUUID(), tenant_id: actor.tenantId, term: e.term, synonyms: JSON.stringify(e.synonyms), updated_by: actor.userId, updated_at: now })))
        .execute();
    }
    const beforeMap = new Map(before.map((b) => [b.term, b.synonyms ?? []]));
    const afterMap = new Map(entries.map((e) => [e.term, e.synonyms]));
    const changed = [...new Set([...beforeMap.keys(), ...afterMap.keys()])].filter((t) => JSON.stringify(beforeMap.get(t)) !== JSON.stringify(afterMap.get(t)));
    return {
      result: null,
      audit: {
        action,
        targetType: 'kb_synonym',
        targetId: actor.tenantId,
        detail: { ...detail, before: before.length, after: entries.length, changed: changed.slice(0, 200).map((t) => ({ term: t, before: beforeMap.get(t) ?? null, after: afterMap.get(t) ?? null })) },
      },
    };
  });
}

export async function replaceSynonyms(deps: Deps, actor: Actor, items: SynonymEntry[]): Promise<{ items: SynonymView[] }> {
  const { entries, errors } = normalise(items, (i) => `/items/${i}`);
  if (errors.length) throw invalid(errors[0]!.message, errors);
  if (entries.length > MAX_SYNONYM_ENTRIES) throw invalid(`同义词最多 ${MAX_SYNONYM_ENTRIES} 组`);
  await writeList(deps, actor, entries, 'kb.synonym.replace', {});
  return listSynonyms(deps, actor);
}

interface SheetRow {
  term: string;
  synonyms: string[];
}

const COLUMNS: ColumnSpec<SheetRow>[] = [
  { header: '主词', key: 'term', required: true, width: 20 },
  { header: '关联词', key: 'synonyms', required: true, width: 50, parse: splitList },
];

export async function synonymTemplate(): Promise<Buffer> {
  return writeSheet('同义词', COLUMNS, [
    { term: '社保', synonyms: ['社会保险'] },
    { term: '个税', synonyms: ['个人所得税'] },
  ]);
}

export async function exportSynonyms(deps: Deps, actor: Actor): Promise<Buffer> {
  const own = (await listSynonyms(deps, actor)).items.filter((s) => !s.inherited);
  return writeSheet('同义词', COLUMNS, own.map((s) => ({ term: s.term, synonyms: s.synonyms })));
}

/**
 * Excel 批量导入: rows are merged into the tenant's own list (a term already there gets the new
 * words added). Nothing is written unless every row is good, and the errors name line and column.
 */
export async function importSynonyms(deps: Deps, actor: Actor, file: Buffer): Promise<{ imported: number; items: SynonymView[] }> {
  const sheet = await readSheet(file, COLUMNS, MAX_SYNONYM_ENTRIES);
  const refuse = (all: FieldError[]) => invalid(`导入失败，共 ${all.length} 处错误：${all.slice(0, 5).map((e) => `${e.path} ${e.message}`).join('；')}`, all);
  // A row with a bad cell has no usable value, so cell errors are reported before anything else.
  if (sheet.errors.length) throw refuse(sheet.errors.map((e) => ({ path: e.line > 0 ? `第${e.line}行/${e.column}` : '文件', message: e.reason })));
  const { entries, errors } = normalise(
    sheet.rows.map((r) => r.value),
    (i) => `第${sheet.rows[i]?.line ?? i + 2}行`,
  );
  if (errors.length) throw refuse(errors);
  if (entries.length === 0) throw invalid('文件中没有同义词数据');
  const current = (await listSynonyms(deps, actor)).items.filter((s) => !s.inherited);
  const merged = new Map(current.map((s) => [s.term, s.synonyms]));
  for (const e of entries) merged.set(e.term, [...new Set([...(merged.get(e.term) ?? []), ...e.synonyms])]);
  if (merged.size > MAX_SYNONYM_ENTRIES) throw invalid(`同义词最多 ${MAX_SYNONYM_ENTRIES} 组`);
  await writeList(deps, actor, [...merged].map(([term, synonyms]) => ({ term, synonyms })), 'kb.synonym.import', { rows: entries.length });
  return { imported: entries.length, items: (await listSynonyms(deps, actor)).items };
}
