import type { KbTypeField } from '../../platform/db/schema.js';

/**
 * The five installation-wide 知识类型 and their 编辑模板 as first shipped (migration 0016 inserts
 * them, so fresh and upgraded installations start alike; the root's knowledge admin edits them
 * afterwards). Required fields are what a reviewer cannot judge an article without.
 */
export interface KbTypeSeed {
  code: string;
  name: string;
  description: string;
  sort: number;
  fields: KbTypeField[];
}

const f = (key: string, label: string, required: boolean, kind: KbTypeField['kind'] = 'text'): KbTypeField => ({ key, label, required, kind });

export const KB_TYPES: KbTypeSeed[] = [
  {
    code: 'policy',
    name: '政策法规',
    description: '法律法规、规章和规范性文件的要点解读，答复市民时引用的依据',
    sort: 10,
    fields: [f('docNumber', '文号', true), f('issuer', '发布机关', true), f('effectiveDate', '生效日期', true, 'date'), f('region', '适用地域', false), f('keyPoints', '要点摘要', false, 'textarea')],
  },
  {
    code: 'guide',
    name: '办事指南',
    description: '政务服务事项怎么办：条件、材料、时限、地点和咨询电话',
    sort: 20,
    fields: [
      f('conditions', '受理条件', true, 'textarea'),
      f('materials', '申请材料', true, 'textarea'),
      f('timeLimit', '办理时限', true),
      f('location', '办理地点', true, 'textarea'),
      f('phone', '咨询电话', true),
      f('fee', '收费标准', false),
      f('online', '网上办理渠道', false),
    ],
  },
  {
    code: 'faq',
    name: '常见问答',
    description: '市民高频问题与标准答复',
    sort: 30,
    fields: [f('question', '常见问题', true, 'textarea'), f('audience', '适用对象', false)],
  },
  {
    code: 'script',
    name: '统一话术',
    description: '坐席在受理、安抚、解释、转办等环节使用的统一口径',
    sort: 40,
    fields: [f('scenario', '适用场景', true, 'textarea'), f('forbidden', '禁用表述', false, 'textarea')],
  },
  {
    code: 'emergency',
    name: '应急知识',
    description: '突发事件、极端天气和公共设施故障时的处置流程、联系方式和对外口径',
    sort: 50,
    fields: [f('eventType', '事件类型', true), f('procedure', '处置流程', true, 'textarea'), f('contacts', '联系方式', true, 'textarea')],
  },
];
