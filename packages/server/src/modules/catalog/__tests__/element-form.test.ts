import { describe, expect, it } from 'vitest';
import { BASE_FIELDS, buildFormSchema, isDateTime, isIdCard, isPhone, validateFormData, type AssignedElement, type FormSchema } from '../form-schema.js';

const el = (over: Partial<AssignedElement> & Pick<AssignedElement, 'elementId' | 'code' | 'name' | 'dataType'>): AssignedElement => ({
  dictCode: null,
  options: [],
  validation: {},
  groupCode: 'common',
  description: '',
  required: false,
  sort: 0,
  version: 1,
  ...over,
});

const ITEM = { id: 'item-1', code: 'ZF-001', name: '小区供暖不热' };
const BASE_OK = { citizen_name: '张三', contact_phone: '13999001122', event_address: '天山区解放北路1号', content: '暖气不热' };

function heatingForm(): FormSchema {
  return buildFormSchema(
    ITEM,
    [
      el({ elementId: 'e-temp', code: 'room_temp', name: '室内温度', dataType: 'number', validation: { min: -30, max: 40 }, sort: 2 }),
      el({ elementId: 'e-comm', code: 'community', name: '小区名称', dataType: 'text', required: true, validation: { maxLength: 20 }, sort: 1 }),
      el({ elementId: 'e-kind', code: 'heating_kind', name: '供暖方式', dataType: 'select', dictCode: 'heating', sort: 3 }),
      el({ elementId: 'e-bld', code: 'building', name: '楼栋号', dataType: 'text', validation: { pattern: '^\\d+号楼$' }, sort: 4 }),
      el({ elementId: 'e-room', code: 'room', name: '房号', dataType: 'text', sort: 5 }),
      el({ elementId: 'e-idc', code: 'owner_id', name: '业主身份证号', dataType: 'idcard', sort: 6 }),
      el({ elementId: 'e-anon', code: 'anonymous', name: '匿名反映', dataType: 'checkbox', sort: 7 }),
      el({ elementId: 'e-date', code: 'since', name: '开始日期', dataType: 'date', sort: 8 }),
      el({ elementId: 'e-tags', code: 'issues', name: '问题类型', dataType: 'multiselect', options: [{ value: 'cold', label: '不热' }, { value: 'leak', label: '漏水' }], sort: 9 }),
    ],
    [
      { from: 'e-room', to: 'e-bld', kind: 'dependency' },
      { from: 'e-anon', to: 'e-idc', kind: 'exclusive' },
      { from: 'e-comm', to: 'e-bld', kind: 'parent' },
      { from: 'e-room', to: 'e-unrelated', kind: 'dependency' },
    ],
    new Map([['heating', [{ value: 'central', label: '集中供暖' }, { value: 'self', label: '自采暖' }]]]),
  );
}

describe('buildFormSchema', () => {
  it('puts the four base fields first, then the item’s elements in their order', () => {
    const form = heatingForm();
    expect(form.fields.slice(0, 4).map((f) => f.label)).toEqual(['诉求人姓名', '联系电话', '事件地址', '诉求内容']);
    expect(form.fields.slice(4).map((f) => f.code)).toEqual(['community', 'room_temp', 'heating_kind', 'building', 'room', 'owner_id', 'anonymous', 'since', 'issues']);
    expect(form.fields.every((f, i) => i < 4 === f.base)).toBe(true);
  });

  it('resolves dictionary options, widgets and relations among the item’s own elements', () => {
    const f = new Map(heatingForm().fields.map((x) => [x.code, x]));
    expect(f.get('heating_kind')?.options).toEqual([{ value: 'central', label: '集中供暖' }, { value: 'self', label: '自采暖' }]);
    expect(f.get('heating_kind')?.widget).toBe('select');
    expect(f.get('room_temp')?.widget).toBe('inputNumber');
    expect(f.get('room')?.dependsOn).toEqual(['building']);
    expect(f.get('owner_id')?.excludes).toEqual(['anonymous']);
    expect(f.get('anonymous')?.excludes).toEqual(['owner_id']);
    expect(f.get('building')?.parent).toBe('community');
    expect(f.get('community')?.required).toBe(true);
    expect(f.get('room_temp')?.options).toBeUndefined();
  });

  it('does not let a form change the shared base fields', () => {
    heatingForm().fields[0]!.label = '改了';
    expect(BASE_FIELDS[0]!.label).toBe('诉求人姓名');
  });
});

describe('validateFormData', () => {
  const form = heatingForm();
  const errorsOf = (data: Record<string, unknown>) => validateFormData(form, data).map((e) => `${e.path}: ${e.message}`);

  it('accepts complete, well-formed data', () => {
    expect(
      errorsOf({ ...BASE_OK, community: '幸福小区', room_temp: 12.5, heating_kind: 'central', building: '3号楼', room: '1201', owner_id: '11010519491231002X', since: '2026-01-03', issues: ['cold'] }),
    ).toEqual([]);
  });

  it('names every missing required field in Chinese', () => {
    expect(errorsOf({})).toEqual(['citizen_name: 诉求人姓名不能为空', 'contact_phone: 联系电话不能为空', 'event_address: 事件地址不能为空', 'content: 诉求内容不能为空', 'community: 小区名称不能为空']);
    expect(errorsOf({ ...BASE_OK, community: '   ' })).toEqual(['community: 小区名称不能为空']);
  });

  it('checks types, ranges, lengths, patterns and options', () => {
    expect(
      errorsOf({ ...BASE_OK, community: '幸福小区幸福小区幸福小区幸福小区幸福小区幸', room_temp: 'warm', heating_kind: 'gas', building: 'A栋', since: '2026-02-30', issues: ['cold', 'noise'], anonymous: 'yes' }),
    ).toEqual([
      'community: 小区名称不能超过20个字',
      'room_temp: 室内温度必须是数字',
      'heating_kind: 供暖方式的取值不在可选范围内',
      'building: 楼栋号格式不正确',
      'anonymous: 匿名反映只能为是或否',
      'since: 开始日期必须是有效日期（年-月-日）',
      'issues: 问题类型的取值不在可选范围内',
    ]);
    expect(errorsOf({ ...BASE_OK, community: '幸福小区', room_temp: 41 })).toEqual(['room_temp: 室内温度不能大于40']);
    expect(errorsOf({ ...BASE_OK, community: '幸福小区', room_temp: '-31' })).toEqual(['room_temp: 室内温度不能小于-30']);
  });

  it('checks phone numbers and identity numbers', () => {
    expect(errorsOf({ ...BASE_OK, contact_phone: '12345678', community: '幸福小区', owner_id: '110105194912310021' })).toEqual([
      'contact_phone: 联系电话不是有效的电话号码',
      'owner_id: 业主身份证号不是有效的身份证号码',
    ]);
  });

  it('enforces dependency and exclusion between filled fields', () => {
    expect(errorsOf({ ...BASE_OK, community: '幸福小区', room: '1201' })).toEqual(['building: 填写房号时必须同时填写楼栋号']);
    expect(errorsOf({ ...BASE_OK, community: '幸福小区', anonymous: true, owner_id: '11010519491231002X' })).toEqual(['owner_id: 业主身份证号与匿名反映不能同时填写']);
  });

  it('refuses fields the form does not have', () => {
    expect(errorsOf({ ...BASE_OK, community: '幸福小区', comunity: 'typo' })).toEqual(['comunity: 表单中没有字段“comunity”']);
  });
});

describe('value checks', () => {
  it('knows Chinese phone numbers', () => {
    for (const ok of ['13999001122', '+8613999001122', '0991-2345678', '09912345678', '12345', '400-123-4567']) expect(isPhone(ok), ok).toBe(true);
    for (const bad of ['1399900112', '23999001122', 'abc', '0991-12']) expect(isPhone(bad), bad).toBe(false);
  });

  it('validates the GB 11643 check character and the birth date', () => {
    expect(isIdCard('11010519491231002X')).toBe(true);
    expect(isIdCard('11010519491231002x')).toBe(true);
    expect(isIdCard('110105194912310021')).toBe(false);
    expect(isIdCard('110105194913310028')).toBe(false);
    expect(isIdCard('1101051949123100')).toBe(false);
  });

  it('accepts ISO-like date-times only when the date and time exist', () => {
    expect(isDateTime('2026-01-05T09:30:00+08:00')).toBe(true);
    expect(isDateTime('2026-01-05 09:30')).toBe(true);
    expect(isDateTime('2026-13-05 09:30')).toBe(false);
    expect(isDateTime('2026-01-05 24:00')).toBe(false);
  });
});
