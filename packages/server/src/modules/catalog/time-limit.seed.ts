import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/database.js';
import type { Clock } from '../../platform/clock.js';
import type { TimeLimitUnit } from './time-limit.model.js';

/**
 * Region-wide default 办结时限, owned by the root tenant (自治区) and editable there.
 *
 * Sources. The tender (§1 办结时限管理服务, shared/seed/s1_classification.txt) asks for limits per
 * level, per industry and per industry × tier (普通/紧急/重大) with a yellow stage before the
 * deadline and red when overdue, but gives no limits, only warning offsets as examples: 金融
 * 24 小时前预警, 医疗紧急工单 6 小时前预警. §3 (s3_workorder.txt) gives the only concrete limits, for
 * tourism: 紧急诉求 24 小时内响应并处置, 复杂投诉 72 小时内给出处理方案, 重大诉求 4 小时内响应; and
 * warning examples 距离办结时限 24 小时 and 剩余 1 小时. Everything else follows common 12345
 * practice and is marked as such: a county handles a general demand in 5 working days, upper
 * levels get longer because they coordinate several departments, townships and villages act on
 * the spot; utilities (水电气热) outages and other emergencies are counted in hours.
 *
 * Yellow: one working day before the deadline for working-day limits (the tender's 24 h), 6 h
 * before for urgent hour limits (its 医疗紧急 example), 1 h before for critical ones (剩余 1 小时).
 * Demand types (咨询 within 1 working day…) are no dimension here; they belong on catalogue items.
 */
type Seed = [level: number | null, industry: string | null, urgency: string | null, amount: number, unit: TimeLimitUnit, warnRatio: number, basis: string];

const TENDER_LEVEL = '招标文件§1“展示各层级办理时限服务”要求按层级配置办结时限；时限取12345热线通行做法（区县一般诉求5个工作日，层级越高协调部门越多、时限越长），黄灯提前1个工作日（参照招标文件“提前24小时预警”示例）';
const TENDER_TIER = '招标文件§1“行业、层级办理时限维护服务”要求按普通/紧急/重大分级设定时限；紧急提前6小时、特急提前1小时黄灯（参照招标文件“医疗紧急工单提前6小时预警”“剩余1小时预警”示例）';
const PRACTICE_INDUSTRY = '招标文件§1“展示各行业办理时限服务”要求按行业差异化配置；时限取12345热线通行做法';
const TOURISM = '招标文件§3涉旅工单处理时限规则：紧急诉求24小时内响应并处置，复杂投诉72小时内给出处理方案，重大诉求4小时内响应';

const RULES: Seed[] = [
  // By level: the general limit where no industry or tier rule is more specific.
  [1, null, null, 10, 'workday', 0.9, TENDER_LEVEL],
  [2, null, null, 7, 'workday', 0.857, TENDER_LEVEL],
  [3, null, null, 5, 'workday', 0.8, TENDER_LEVEL],
  [4, null, null, 3, 'workday', 0.667, TENDER_LEVEL],
  [5, null, null, 2, 'workday', 0.5, TENDER_LEVEL],
  // By tier, for every industry without its own tier rule.
  [null, null, 'urgent', 24, 'hour', 0.75, TENDER_TIER],
  [null, null, 'critical', 4, 'hour', 0.75, TENDER_TIER],
  // By industry (normal tier, every level).
  [null, 'utilities', null, 3, 'workday', 0.667, `${PRACTICE_INDUSTRY}：水电气热事关基本生活，供水供电供气供热企业从快办理`],
  [null, 'urban-management', null, 3, 'workday', 0.667, `${PRACTICE_INDUSTRY}：占道、噪音、环卫等城市管理诉求现场可处置`],
  [null, 'business-environment', null, 3, 'workday', 0.667, `${PRACTICE_INDUSTRY}：涉企诉求从快办理，优化营商环境`],
  [null, 'labor-social-security', null, 7, 'workday', 0.857, `${PRACTICE_INDUSTRY}：劳动保障监察需调查取证`],
  [null, 'natural-resources', null, 10, 'workday', 0.9, `${PRACTICE_INDUSTRY}：土地、不动产等诉求需多部门核实`],
  [null, 'xpcc-coordination', null, 10, 'workday', 0.9, `${PRACTICE_INDUSTRY}：兵地协同需两套体系会商`],
  [null, 'commerce-tourism', null, 3, 'natural_day', 0.667, TOURISM],
  // Industry × tier. An industry rule outranks a tier rule, so every industry with a rule of its
  // own also states its 紧急/特急 limits; otherwise its urgent demands would get working days.
  [null, 'utilities', 'urgent', 12, 'hour', 0.5, `${TENDER_TIER}；停水停电停气停暖抢修按小时计（通行做法）`],
  [null, 'utilities', 'critical', 2, 'hour', 0.5, `${TENDER_TIER}；大面积停供、管线爆裂按小时计（通行做法）`],
  [null, 'health', 'urgent', 12, 'hour', 0.5, '招标文件§1“展示各行业办理时限服务”：医疗行业紧急工单提前6小时预警；时限取通行做法'],
  [null, 'health', 'critical', 2, 'hour', 0.5, `${TENDER_TIER}；危及生命健康的诉求按小时计（通行做法）`],
  [null, 'housing', 'critical', 2, 'hour', 0.5, `${TENDER_TIER}；电梯困人、燃气泄漏等物业险情按小时计（通行做法）`],
  [null, 'environment', 'urgent', 12, 'hour', 0.5, `${TENDER_TIER}；突发环境污染按小时计（通行做法）`],
  [null, 'commerce-tourism', 'urgent', 24, 'hour', 0.75, TOURISM],
  [null, 'commerce-tourism', 'critical', 4, 'hour', 0.75, TOURISM],
  [null, 'urban-management', 'urgent', 12, 'hour', 0.5, `${TENDER_TIER}；井盖缺失、路面塌陷等城市管理险情按小时计（通行做法）`],
  [null, 'urban-management', 'critical', 2, 'hour', 0.5, `${TENDER_TIER}；危及通行安全的险情按小时计（通行做法）`],
  [null, 'business-environment', 'urgent', 24, 'hour', 0.75, TENDER_TIER],
  [null, 'business-environment', 'critical', 4, 'hour', 0.75, TENDER_TIER],
  [null, 'labor-social-security', 'urgent', 24, 'hour', 0.75, `${TENDER_TIER}；集中讨薪等紧急诉求按小时计（通行做法）`],
  [null, 'labor-social-security', 'critical', 4, 'hour', 0.75, TENDER_TIER],
  [null, 'natural-resources', 'urgent', 24, 'hour', 0.75, TENDER_TIER],
  [null, 'natural-resources', 'critical', 4, 'hour', 0.75, `${TENDER_TIER}；地质灾害隐患按小时计（通行做法）`],
  [null, 'xpcc-coordination', 'urgent', 24, 'hour', 0.75, TENDER_TIER],
  [null, 'xpcc-coordination', 'critical', 4, 'hour', 0.75, TENDER_TIER],
  // Level × industry: street-level enforcement teams act on the spot.
  [4, 'urban-management', null, 2, 'workday', 0.5, `${PRACTICE_INDUSTRY}：乡镇（街道）综合行政执法现场处置`],
];

export async function seedTimeLimits(trx: Db, clock: Clock, rootTenantId: string): Promise<void> {
  const now = clock.now();
  await trx
    .insertInto('time_limit')
    .values(
      RULES.map(([level, industry, urgency, amount, unit, warnRatio, basis]) => ({
        id: randomUUID(),
        tenant_id: rootTenantId,
        level,
        industry,
        urgency,
        item_id: null,
        amount,
        unit,
        warn_ratio: warnRatio,
        legal_basis: basis,
        note: '平台预置默认值，可按本地管理办法调整',
        updated_by: null,
        updated_at: now,
      })),
    )
    .execute();
}
