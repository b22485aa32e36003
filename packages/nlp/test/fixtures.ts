import type { CatalogueItem, ResponsibilityEntry } from '../src/index.js';

/** A small hand-written catalogue and responsibility list shaped like the catalogue module's export. */
export const CATALOGUE: CatalogueItem[] = [
  { id: 'water', name: '供水问题', path: ['城乡建设', '供水'], keywords: ['停水', '自来水', '水压低', '水管爆裂', '水质'], synonyms: ['没水'] },
  { id: 'property', name: '物业服务', path: ['城乡建设', '物业管理'], keywords: ['物业', '物业费', '保洁', '电梯故障', '业委会'] },
  { id: 'wage', name: '拖欠工资', path: ['劳动和社会保障', '劳动关系'], keywords: ['拖欠工资', '欠薪', '讨薪', '工资不发', '克扣工资'] },
  { id: 'noise', name: '噪音扰民', path: ['环境保护', '噪声污染'], keywords: ['噪音', '扰民', '夜间施工', '太吵'] },
  { id: 'heating', name: '供暖问题', path: ['城乡建设', '供热'], keywords: ['暖气不热', '供暖', '暖气', '采暖费'] },
];

export const UNITS: ResponsibilityEntry[] = [
  { unitId: 'ts-zj', unitName: '天山区住房和城乡建设局', regionCode: '650102', itemIds: ['water', 'property', 'heating'], keywords: ['物业'] },
  { unitId: 'wlmq-water', unitName: '乌鲁木齐水业集团', regionCode: '6501', itemIds: ['water'], keywords: ['自来水', '停水'] },
  { unitId: 'ts-rs', unitName: '天山区人力资源和社会保障局', regionCode: '650102', itemIds: ['wage'] },
  { unitId: 'sy-rs', unitName: '沙依巴克区人力资源和社会保障局', regionCode: '650103', itemIds: ['wage'] },
  { unitId: 'xj-rs', unitName: '自治区人力资源和社会保障厅', regionCode: '650000', itemIds: ['wage'] },
  { unitId: 'kash-rs', unitName: '喀什地区人力资源和社会保障局', regionCode: '6531', itemIds: ['wage'] },
  { unitId: 'ts-env', unitName: '天山区生态环境分局', regionCode: '650102', itemIds: ['noise'], keywords: ['噪音'] },
];
