/**
 * Field-level differences between two states of a catalogue record, labelled in Chinese for the
 * reviewer's highlighted view and for "what changed" in the implementation list. Pure functions:
 * the services hand in plain records (snapshots, change payloads) and a formatter for dictionary
 * values.
 */
export interface FieldSpec {
  key: string;
  label: string;
}

export interface FieldDiff {
  field: string;
  label: string;
  before: unknown;
  after: unknown;
  /** Readable values (dictionary labels, joined lists) for display. */
  beforeText: string;
  afterText: string;
  /** For list fields: what was added and removed, so a reviewer sees more than two long lists. */
  added?: unknown[];
  removed?: unknown[];
  addedText?: string;
  removedText?: string;
}

export type Formatter = (field: string, value: unknown) => string;

export const ITEM_FIELDS: readonly FieldSpec[] = [
  { key: 'code', label: '事项编码' },
  { key: 'name', label: '事项名称' },
  { key: 'description', label: '事项描述' },
  { key: 'keywords', label: '关键词' },
  { key: 'synonyms', label: '同义词' },
  { key: 'industry', label: '行业领域' },
  { key: 'demandTypes', label: '诉求类型' },
  { key: 'levels', label: '适用层级' },
  { key: 'urgencyTiers', label: '紧急程度' },
  { key: 'department', label: '主管部门' },
  { key: 'handlingStandard', label: '办结标准' },
  { key: 'legalBasis', label: '办结依据' },
  { key: 'effectiveFrom', label: '生效日期' },
  { key: 'effectiveTo', label: '失效日期' },
  { key: 'status', label: '状态' },
];

export const CATEGORY_FIELDS: readonly FieldSpec[] = [
  { key: 'code', label: '目录编码' },
  { key: 'name', label: '目录名称' },
  { key: 'description', label: '目录说明' },
  { key: 'sort', label: '排序号' },
  { key: 'status', label: '状态' },
];

export const STATUS_LABELS: Readonly<Record<string, string>> = {
  draft: '待提交',
  pending: '待审核',
  published: '已发布',
  rejected: '审核未通过',
  offline: '已下架',
  void: '已作废',
};

const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/** Lists compare as sets: reordering keywords is not a change a reviewer needs to look at. */
function canonical(v: unknown): string {
  if (isEmpty(v)) return 'null';
  if (Array.isArray(v)) return JSON.stringify(v.map((x) => JSON.stringify(x)).sort());
  return JSON.stringify(v);
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

export const defaultFormat: Formatter = (field, value) => {
  if (isEmpty(value)) return '（空）';
  if (field === 'status' && typeof value === 'string') return STATUS_LABELS[value] ?? value;
  if (Array.isArray(value)) return value.map(String).join('、');
  return String(value);
};

/** Added and removed entries, only when a list really changed (not when it went from or to empty). */
function listDelta(field: string, before: unknown, after: unknown, format: Formatter): Pick<FieldDiff, 'added' | 'removed' | 'addedText' | 'removedText'> {
  if (!Array.isArray(before) || !Array.isArray(after) || before.length === 0 || after.length === 0) return {};
  const has = (list: unknown[], x: unknown) => list.some((y) => JSON.stringify(y) === JSON.stringify(x));
  const added = after.filter((x) => !has(before, x));
  const removed = before.filter((x) => !has(after, x));
  return { added, removed, addedText: added.length ? format(field, added) : '', removedText: removed.length ? format(field, removed) : '' };
}

/**
 * The fields whose values differ, in the order of `fields`. `before` is null for a record that
 * does not exist yet: then every non-empty field of `after` is listed as new.
 */
export function diffRecords(
  before: Readonly<Record<string, unknown>> | null,
  after: Readonly<Record<string, unknown>> | null,
  fields: readonly FieldSpec[],
  format: Formatter = defaultFormat,
): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const { key, label } of fields) {
    const b = before?.[key] ?? null;
    const a = after?.[key] ?? null;
    if (sameValue(b, a)) continue;
    out.push({ field: key, label, before: b, after: a, beforeText: format(key, b), afterText: format(key, a), ...listDelta(key, b, a, format) });
  }
  return out;
}

/** One line for publication records and todos: "修改了 事项名称、关键词". */
export function describeDiff(diffs: readonly FieldDiff[]): string {
  if (diffs.length === 0) return '内容无变化';
  return `修改了 ${diffs.map((d) => d.label).join('、')}`;
}
