import type { FieldError } from '../../platform/errors.js';
import type { ElementOption } from '../../platform/db/schema.js';

/**
 * The ticket form of a demand item: the base fields every ticket has plus the item's own elements.
 * Intake renders it and the work-order module checks submitted data with validateFormData, so the
 * same rules hold in the browser and on the server. Everything here is pure.
 */
export const ELEMENT_TYPES = ['text', 'textarea', 'number', 'date', 'datetime', 'select', 'multiselect', 'checkbox', 'phone', 'idcard', 'address', 'enterprise'] as const;
export type ElementType = (typeof ELEMENT_TYPES)[number];

export interface ElementValidation {
  required?: boolean;
  pattern?: string;
  min?: number;
  max?: number;
  maxLength?: number;
}

/** 录入控件: the input control each data type is entered with. */
export type Widget = 'input' | 'textarea' | 'inputNumber' | 'datePicker' | 'dateTimePicker' | 'select' | 'multiSelect' | 'checkbox' | 'phoneInput' | 'idcardInput' | 'addressInput' | 'enterprisePicker';

const WIDGETS: Record<ElementType, Widget> = {
  text: 'input',
  textarea: 'textarea',
  number: 'inputNumber',
  date: 'datePicker',
  datetime: 'dateTimePicker',
  select: 'select',
  multiselect: 'multiSelect',
  checkbox: 'checkbox',
  phone: 'phoneInput',
  idcard: 'idcardInput',
  address: 'addressInput',
  enterprise: 'enterprisePicker',
};

export const widgetOf = (type: ElementType): Widget => WIDGETS[type];
export const isChoiceType = (type: ElementType): boolean => type === 'select' || type === 'multiselect';
/** Types whose value is free text, so a pattern and a length limit make sense. */
export const isTextType = (type: ElementType): boolean => ['text', 'textarea', 'phone', 'idcard', 'address', 'enterprise'].includes(type);

export interface FormField {
  code: string;
  label: string;
  type: ElementType;
  widget: Widget;
  required: boolean;
  validation: ElementValidation;
  options?: ElementOption[];
  dictCode: string | null;
  group: string;
  description: string;
  /** Base fields are on every ticket; the others come from the item's elements. */
  base: boolean;
  sort: number;
  elementId: string | null;
  version: number;
  /** Codes this field needs filled in whenever it is filled in. */
  dependsOn: string[];
  /** Codes that must stay empty when this field is filled in. */
  excludes: string[];
  parent: string | null;
}

export interface FormSchema {
  itemId: string;
  itemCode: string;
  itemName: string;
  fields: FormField[];
}

const baseField = (code: string, label: string, type: ElementType, validation: ElementValidation, sort: number): FormField => ({
  code,
  label,
  type,
  widget: widgetOf(type),
  required: validation.required === true,
  validation,
  dictCode: null,
  group: 'base',
  description: '',
  base: true,
  sort,
  elementId: null,
  version: 1,
  dependsOn: [],
  excludes: [],
  parent: null,
});

export const BASE_FIELDS: readonly FormField[] = [
  baseField('citizen_name', '诉求人姓名', 'text', { required: true, maxLength: 50 }, 1),
  baseField('contact_phone', '联系电话', 'phone', { required: true }, 2),
  baseField('event_address', '事件地址', 'address', { required: true, maxLength: 200 }, 3),
  baseField('content', '诉求内容', 'textarea', { required: true, maxLength: 4000 }, 4),
];

/** Element codes that would shadow a base field. */
export const RESERVED_CODES: ReadonlySet<string> = new Set(BASE_FIELDS.map((f) => f.code));

// ---------------------------------------------------------------- value checks

const isEmpty = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);

const MOBILE = /^(\+?86)?1[3-9]\d{9}$/;
const LANDLINE = /^0\d{2,3}-?\d{7,8}(-\d{1,6})?$/;
// 12345-style service numbers (5 digits) and 400/800 numbers are what citizens often leave.
const SERVICE = /^(\d{5}|[48]00-?\d{3}-?\d{4})$/;

export function isPhone(text: string): boolean {
  const s = text.replace(/\s+/g, '');
  return MOBILE.test(s) || LANDLINE.test(s) || SERVICE.test(s);
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** 18-digit resident identity number (GB 11643-1999): birth date and check character. */
export function isIdCard(text: string): boolean {
  const s = text.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(s)) return false;
  if (!isDate(`${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`)) return false;
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(s[i]), 0);
  return ID_CHECK[sum % 11] === s[17];
}

export function isDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

export function isDateTime(text: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!m || !isDate(m[1]!)) return false;
  return Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[5] ?? 0) < 60;
}

function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return null;
}

/** Safe for user-written patterns: a pattern that does not compile simply does not match. */
function matches(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(text);
  } catch {
    return false;
  }
}

/** Free text has a ceiling even when the element sets none, which also bounds regex work. */
export const MAX_TEXT_LENGTH = 2000;

function checkText(f: FormField, v: unknown): string | null {
  if (typeof v !== 'string') return `${f.label}必须是文本`;
  const limit = Math.min(f.validation.maxLength ?? MAX_TEXT_LENGTH, MAX_TEXT_LENGTH);
  if ([...v].length > limit) return `${f.label}不能超过${limit}个字`;
  if (f.type === 'phone' && !isPhone(v)) return `${f.label}不是有效的电话号码`;
  if (f.type === 'idcard' && !isIdCard(v)) return `${f.label}不是有效的身份证号码`;
  if (f.validation.pattern && !matches(f.validation.pattern, v)) return `${f.label}格式不正确`;
  return null;
}

function checkNumber(f: FormField, v: unknown): string | null {
  const n = toNumber(v);
  if (n === null) return `${f.label}必须是数字`;
  if (f.validation.min !== undefined && n < f.validation.min) return `${f.label}不能小于${f.validation.min}`;
  if (f.validation.max !== undefined && n > f.validation.max) return `${f.label}不能大于${f.validation.max}`;
  return null;
}

function checkChoice(f: FormField, v: unknown): string | null {
  const allowed = new Set((f.options ?? []).map((o) => o.value));
  if (f.type === 'select') {
    if (typeof v !== 'string') return `${f.label}必须选择一项`;
    return allowed.has(v) ? null : `${f.label}的取值不在可选范围内`;
  }
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return `${f.label}必须是选项列表`;
  return v.every((x) => allowed.has(x as string)) ? null : `${f.label}的取值不在可选范围内`;
}

/** The problem with one non-empty value, or null when it is acceptable. */
export function checkValue(f: FormField, v: unknown): string | null {
  switch (f.type) {
    case 'number':
      return checkNumber(f, v);
    case 'date':
      return typeof v === 'string' && isDate(v) ? null : `${f.label}必须是有效日期（年-月-日）`;
    case 'datetime':
      return typeof v === 'string' && isDateTime(v) ? null : `${f.label}必须是有效的日期时间`;
    case 'select':
    case 'multiselect':
      return checkChoice(f, v);
    case 'checkbox':
      return typeof v === 'boolean' ? null : `${f.label}只能为是或否`;
    default:
      return checkText(f, v);
  }
}

function relationErrors(schema: FormSchema, data: Record<string, unknown>): FieldError[] {
  const byCode = new Map(schema.fields.map((f) => [f.code, f]));
  const filled = (code: string) => !isEmpty(data[code]);
  const errors: FieldError[] = [];
  const reported = new Set<string>();
  for (const f of schema.fields) {
    if (!filled(f.code)) continue;
    for (const dep of f.dependsOn) {
      const other = byCode.get(dep);
      if (other && !filled(dep)) errors.push({ path: dep, message: `填写${f.label}时必须同时填写${other.label}` });
    }
    for (const ex of f.excludes) {
      const other = byCode.get(ex);
      const pair = [f.code, ex].sort().join('|');
      if (other && filled(ex) && !reported.has(pair)) {
        reported.add(pair);
        errors.push({ path: f.code, message: `${f.label}与${other.label}不能同时填写` });
      }
    }
  }
  return errors;
}

/**
 * Checks ticket form data against an item's form schema; returns one Chinese message per problem
 * (empty when the data is acceptable). Unknown fields are refused so that typos do not vanish.
 */
export function validateFormData(schema: FormSchema, data: Record<string, unknown>): FieldError[] {
  const known = new Set(schema.fields.map((f) => f.code));
  const errors: FieldError[] = Object.keys(data)
    .filter((k) => !known.has(k))
    .map((k) => ({ path: k, message: `表单中没有字段“${k}”` }));
  for (const f of schema.fields) {
    const v = data[f.code];
    if (isEmpty(v)) {
      if (f.required) errors.push({ path: f.code, message: `${f.label}不能为空` });
      continue;
    }
    const problem = checkValue(f, v);
    if (problem) errors.push({ path: f.code, message: problem });
  }
  return [...errors, ...relationErrors(schema, data)];
}

// ---------------------------------------------------------------- building

export type RelationKind = 'parent' | 'association' | 'dependency' | 'exclusive';
/** parent: from is the parent of to; dependency: from needs to; exclusive and association are symmetric. */
export interface ElementRelation {
  from: string;
  to: string;
  kind: RelationKind;
}

export interface AssignedElement {
  elementId: string;
  code: string;
  name: string;
  dataType: ElementType;
  dictCode: string | null;
  options: ElementOption[];
  validation: ElementValidation;
  groupCode: string;
  description: string;
  required: boolean;
  sort: number;
  version: number;
}

function elementField(e: AssignedElement, relations: readonly ElementRelation[], codeOf: Map<string, string>, dicts: ReadonlyMap<string, ElementOption[]>): FormField {
  const codes = (ids: string[]) => ids.flatMap((id) => (codeOf.has(id) ? [codeOf.get(id)!] : []));
  const mine = relations.filter((r) => r.from === e.elementId || r.to === e.elementId);
  const other = (r: ElementRelation) => (r.from === e.elementId ? r.to : r.from);
  const parent = codes(mine.filter((r) => r.kind === 'parent' && r.to === e.elementId).map((r) => r.from));
  const validation = { ...e.validation };
  delete validation.required;
  return {
    code: e.code,
    label: e.name,
    type: e.dataType,
    widget: widgetOf(e.dataType),
    required: e.required || e.validation.required === true,
    validation,
    ...(isChoiceType(e.dataType) ? { options: e.dictCode ? (dicts.get(e.dictCode) ?? []) : e.options } : {}),
    dictCode: e.dictCode,
    group: e.groupCode,
    description: e.description,
    base: false,
    sort: BASE_FIELDS.length + e.sort,
    elementId: e.elementId,
    version: e.version,
    dependsOn: codes(mine.filter((r) => r.kind === 'dependency' && r.from === e.elementId).map((r) => r.to)),
    excludes: codes(mine.filter((r) => r.kind === 'exclusive').map(other)),
    parent: parent[0] ?? null,
  };
}

/**
 * The form of an item: base fields first, then the item's elements in their configured order, with
 * options resolved from the dictionaries and relations limited to elements the item carries.
 */
export function buildFormSchema(item: { id: string; code: string; name: string }, assigned: readonly AssignedElement[], relations: readonly ElementRelation[], dicts: ReadonlyMap<string, ElementOption[]>): FormSchema {
  const codeOf = new Map(assigned.map((e) => [e.elementId, e.code]));
  const own = [...assigned].sort((a, b) => a.sort - b.sort || a.code.localeCompare(b.code)).map((e) => elementField(e, relations, codeOf, dicts));
  return { itemId: item.id, itemCode: item.code, itemName: item.name, fields: [...BASE_FIELDS.map((f) => ({ ...f })), ...own] };
}
