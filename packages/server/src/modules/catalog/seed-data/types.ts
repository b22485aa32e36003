import type { DeptKey } from './departments.js';
import type { ElementCode } from './elements.js';

/**
 * Shapes of the standard catalogue seed (诉求事项标准目录). The data modules in this folder are
 * written by hand; catalog.seed.ts turns them into catalog_category / catalog_item / … rows.
 */

/** Values of the seeded dictionaries (src/seed/base.seed.ts). */
export type DemandType = 'consult' | 'help' | 'complaint' | 'report' | 'suggest' | 'praise';
export type UrgencyTier = 'normal' | 'urgent' | 'critical';
export type Industry =
  | 'urban-construction'
  | 'housing'
  | 'labor-social-security'
  | 'education-culture'
  | 'health'
  | 'transport'
  | 'market-consumer'
  | 'environment'
  | 'public-security'
  | 'civil-affairs'
  | 'agriculture'
  | 'natural-resources'
  | 'commerce-tourism'
  | 'business-environment'
  | 'utilities'
  | 'urban-management'
  | 'xpcc-coordination'
  | 'other';

/** 五级: 1 自治区, 2 地（州、市）, 3 区（县）, 4 乡镇（街道）, 5 村（社区）. */
export type HandlingLevel = 1 | 2 | 3 | 4 | 5;

/** An element reference; a leading "!" marks the element as required for the item. */
export type ElementRef = ElementCode | `!${ElementCode}`;

/** A 协办 (assisting) unit and what it does for the item. */
export type AssistSeed = readonly [dept: DeptKey | 'xpcc-peer', duty: string];

export interface ItemSeed {
  /** 事项名称 */
  n: string;
  /** 事项描述: what the caller typically reports. */
  d: string;
  /** 关键词 */
  k: readonly string[];
  /** 同义词 (how callers say it) */
  s?: readonly string[];
  /** 诉求类型 */
  t: readonly DemandType[];
  /** Overrides of the sub-category defaults. */
  l?: readonly HandlingLevel[];
  u?: readonly UrgencyTier[];
  dept?: DeptKey;
  assist?: readonly AssistSeed[];
  law?: string;
  std?: string;
  duty?: string;
  industry?: Industry;
  /** Elements of this item in addition to the sub-category's. */
  el?: readonly ElementRef[];
  /** TASK_CODE of the gd-service-guides record this 办事指南-style item was generalised from. */
  src?: string;
}

export interface SubCategorySeed {
  n: string;
  d: string;
  /** Short topic used in the 自治区 duty text, e.g. "物业服务监督管理". */
  topic: string;
  /** Lead department (主办单位), also the 主管部门 unless `authority` says otherwise. */
  dept: DeptKey;
  /** 主管部门 when the lead unit is an enterprise (供电公司 …) rather than the regulator. */
  authority?: DeptKey;
  assist?: readonly AssistSeed[];
  /** 办结依据 */
  law: string;
  /** 办结标准 for non-consultation items. */
  std: string;
  /** 办结标准 for consultation-only items (falls back to a generic one). */
  stdConsult?: string;
  /** What the local lead unit does (职责描述). */
  duty: string;
  l: readonly HandlingLevel[];
  u: readonly UrgencyTier[];
  /** Elements every non-consultation item of the sub-category carries. */
  el?: readonly ElementRef[];
  industry?: Industry;
  items: readonly ItemSeed[];
}

export interface DomainSeed {
  n: string;
  d: string;
  industry: Industry;
  subs: readonly SubCategorySeed[];
}
