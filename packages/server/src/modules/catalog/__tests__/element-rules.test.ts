import { describe, expect, it } from 'vitest';
import { checkElementDefinition, checkItemElements, checkRelation, type ElementDefinition } from '../element.service.js';
import type { ElementRelation } from '../form-schema.js';

const def = (over: Partial<ElementDefinition>): ElementDefinition => ({ name: '要素', dataType: 'text', dictCode: null, options: [], validation: {}, ...over });
const messages = (d: ElementDefinition) => checkElementDefinition(d).map((e) => e.message);
const NAMES: Record<string, string> = { a: '小区名称', b: '楼栋号', c: '房号', d: '物业公司' };
const name = (id: string) => NAMES[id] ?? id;

describe('element definitions: the business-rule engine rejects type mismatches', () => {
  it('accepts well-formed definitions of each family', () => {
    expect(messages(def({ dataType: 'text', validation: { required: true, maxLength: 50, pattern: '^[A-Z]\\d+$' } }))).toEqual([]);
    expect(messages(def({ dataType: 'number', validation: { min: 0, max: 100 } }))).toEqual([]);
    expect(messages(def({ dataType: 'select', dictCode: 'industry' }))).toEqual([]);
    expect(messages(def({ dataType: 'multiselect', options: [{ value: '1', label: '一' }, { value: '2', label: '二' }] }))).toEqual([]);
    expect(messages(def({ dataType: 'date', validation: { required: true } }))).toEqual([]);
  });

  it('needs a dictionary or options for a select, never both, without duplicate values', () => {
    expect(messages(def({ name: '事件类型', dataType: 'select' }))[0]).toBe('“事件类型”是下拉单选要素，必须指定数据字典或选项');
    expect(messages(def({ dataType: 'select', dictCode: 'x', options: [{ value: '1', label: '一' }] }))[0]).toBe('数据字典和自定义选项只能二选一');
    expect(messages(def({ dataType: 'multiselect', options: [{ value: '1', label: '一' }, { value: '1', label: '壹' }] }))[0]).toBe('选项值“1”重复');
  });

  it('refuses options on a type that takes free input', () => {
    expect(messages(def({ dataType: 'number', dictCode: 'industry' }))[0]).toBe('数据类型为“数字”的要素不能配置选项或数据字典');
    expect(messages(def({ dataType: 'date', options: [{ value: '1', label: '一' }] }))[0]).toContain('“日期”');
  });

  it('refuses a pattern that does not compile, and patterns or lengths on non-text types', () => {
    expect(messages(def({ validation: { pattern: '([a-z' } }))[0]).toMatch(/^格式校验表达式无法解析/);
    expect(messages(def({ dataType: 'number', validation: { pattern: '\\d+' } }))[0]).toContain('不能设置格式校验');
    expect(messages(def({ dataType: 'date', validation: { maxLength: 10 } }))[0]).toContain('不能设置最大长度');
  });

  it('keeps min/max for numbers and in the right order', () => {
    expect(messages(def({ dataType: 'text', validation: { min: 1 } }))[0]).toContain('不能设置最小值/最大值');
    expect(messages(def({ dataType: 'number', validation: { min: 10, max: 1 } }))).toEqual(['最小值不能大于最大值']);
  });

  it('refuses an unknown data type', () => {
    expect(messages(def({ dataType: 'slider' }))).toEqual(['不支持的数据类型“slider”']);
  });
});

describe('element relations: contradictions are rejected', () => {
  const dep = (from: string, to: string): ElementRelation => ({ from, to, kind: 'dependency' });
  const ex = (from: string, to: string): ElementRelation => ({ from, to, kind: 'exclusive' });
  const parent = (from: string, to: string): ElementRelation => ({ from, to, kind: 'parent' });

  it('accepts consistent relations', () => {
    expect(checkRelation([], dep('b', 'a'), name)).toBeNull();
    expect(checkRelation([dep('b', 'a')], dep('c', 'b'), name)).toBeNull();
    expect(checkRelation([dep('b', 'a')], ex('c', 'd'), name)).toBeNull();
    expect(checkRelation([parent('a', 'b')], { from: 'a', to: 'd', kind: 'association' }, name)).toBeNull();
  });

  it('refuses a relation to itself and duplicates (exclusive is symmetric)', () => {
    expect(checkRelation([], dep('a', 'a'), name)).toBe('要素不能与自身建立关系');
    expect(checkRelation([dep('b', 'a')], dep('b', 'a'), name)).toContain('已存在依赖关系');
    expect(checkRelation([ex('a', 'b')], ex('b', 'a'), name)).toContain('已存在互斥关系');
  });

  it('refuses a pair that is both dependent and exclusive, in either order', () => {
    expect(checkRelation([dep('b', 'a')], ex('a', 'b'), name)).toBe('“小区名称”与“楼栋号”已存在依赖关系，不能再设为互斥');
    expect(checkRelation([ex('a', 'b')], dep('b', 'a'), name)).toBe('“楼栋号”与“小区名称”互斥，不能再设为依赖关系');
    expect(checkRelation([parent('a', 'b')], ex('b', 'a'), name)).toContain('已存在上下级关系');
  });

  it('refuses dependency cycles, naming the loop', () => {
    expect(checkRelation([dep('b', 'a'), dep('c', 'b')], dep('a', 'c'), name)).toBe('依赖关系形成循环：小区名称 → 房号 → 楼栋号 → 小区名称');
    expect(checkRelation([dep('b', 'a')], dep('a', 'b'), name)).toContain('循环');
  });

  it('gives an element one parent and no parent cycles', () => {
    expect(checkRelation([parent('a', 'b')], parent('d', 'b'), name)).toBe('“楼栋号”已有上级要素“小区名称”');
    expect(checkRelation([parent('a', 'b'), parent('b', 'c')], parent('c', 'a'), name)).toContain('上下级关系形成循环');
  });
});

describe('elements on an item', () => {
  const rels: ElementRelation[] = [
    { from: 'c', to: 'b', kind: 'dependency' },
    { from: 'a', to: 'd', kind: 'exclusive' },
  ];

  it('needs what an element depends on', () => {
    expect(checkItemElements([{ elementId: 'c', required: false }], rels, name)).toEqual(['要素“房号”依赖“楼栋号”，请一并配置']);
    expect(checkItemElements([{ elementId: 'c', required: false }, { elementId: 'b', required: false }], rels, name)).toEqual([]);
  });

  it('may carry two exclusive elements, but not both required', () => {
    expect(checkItemElements([{ elementId: 'a', required: true }, { elementId: 'd', required: false }], rels, name)).toEqual([]);
    expect(checkItemElements([{ elementId: 'a', required: true }, { elementId: 'd', required: true }], rels, name)).toEqual(['要素“小区名称”与“物业公司”互斥，不能同时设为必填']);
  });
});
