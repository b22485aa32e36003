import { AppError } from '../../platform/errors.js';
import type { TaskStatus, TicketStatus } from '../../platform/db/schema.js';

/**
 * The work-order lifecycle as data (seed-s3 §3). A ticket has a citizen-facing status; each
 * receiving unit works on its own assignment task. Every use case names its action here, and the
 * table decides whether the action is allowed from the current status and where it leads, so the
 * rules live in one place that tests can walk.
 */
export const TICKET_STATUS_NAMES: Record<TicketStatus, string> = {
  draft: '暂存',
  registered: '已登记',
  shift_lead: '值班长处理中',
  intake_review: '待审核（受理）',
  supplement: '退回补充登记',
  pending_dispatch: '待派发',
  handling: '处置中',
  return_review: '退单审核中',
  difficult: '疑难挂办池',
  result_review: '待审核（办结）',
  callback: '待回访',
  rework: '不满意重办',
  appeal_review: '申诉审核中',
  archived: '已归档',
};

/** The four statuses a citizen and the chain view show (§2.3 实时进度查看). */
export function publicStatusOf(s: TicketStatus): string {
  if (s === 'draft' || s === 'registered' || s === 'shift_lead' || s === 'intake_review' || s === 'supplement') return '待受理';
  if (s === 'pending_dispatch' || s === 'difficult') return '待派发';
  if (s === 'result_review') return '待审核';
  if (s === 'callback' || s === 'archived') return '已办结';
  return '处置中';
}

export const TASK_STATUS_NAMES: Record<TaskStatus, string> = {
  awaiting_sign: '待签收',
  in_progress: '处置中',
  return_requested: '退回申请中',
  suspended: '挂起',
  reported: '已反馈',
  done: '已办结',
  returned: '已退回',
  cancelled: '已撤销',
};

const OPEN: TicketStatus[] = ['registered', 'shift_lead', 'intake_review', 'supplement', 'pending_dispatch', 'handling', 'return_review', 'difficult', 'result_review', 'callback', 'rework', 'appeal_review'];
const INTAKE: TicketStatus[] = ['registered', 'shift_lead', 'intake_review', 'supplement'];
const IN_HANDS: TicketStatus[] = ['handling', 'return_review', 'rework'];

interface TicketTransition {
  from: readonly TicketStatus[];
  /** null: the status does not change (side records such as urge or append). */
  to: TicketStatus | null;
  name: string;
}

export const TICKET_TRANSITIONS = {
  register: { from: ['draft'], to: 'registered', name: '登记' },
  save_draft: { from: ['draft'], to: 'draft', name: '暂存' },
  edit: { from: [...INTAKE, 'pending_dispatch'], to: null, name: '修改' },
  escalate: { from: ['registered', 'supplement'], to: 'shift_lead', name: '提交值班长' },
  send_to_review: { from: ['registered', 'shift_lead', 'supplement'], to: 'intake_review', name: '送审核' },
  return_for_supplement: { from: ['intake_review', 'shift_lead'], to: 'supplement', name: '退回补充登记' },
  approve_intake: { from: ['intake_review'], to: 'pending_dispatch', name: '审核通过待派发' },
  direct_answer: { from: INTAKE, to: 'callback', name: '直接答复' },
  dispatch: { from: [...INTAKE, 'pending_dispatch', 'difficult'], to: 'handling', name: '派单' },
  redispatch: { from: ['return_review', 'handling'], to: 'handling', name: '改派' },
  all_returned: { from: ['handling', 'rework'], to: 'return_review', name: '退单待审核' },
  return_rejected: { from: ['return_review'], to: 'handling', name: '驳回退单' },
  return_to_pool: { from: ['return_review'], to: 'pending_dispatch', name: '退单通过待派发' },
  to_difficult_pool: { from: ['handling', 'return_review', 'pending_dispatch', 'rework'], to: 'difficult', name: '进入疑难挂办池' },
  all_reported: { from: ['handling', 'rework'], to: 'result_review', name: '待办结审核' },
  review_approve: { from: ['result_review'], to: 'callback', name: '审核办结' },
  review_reject: { from: ['result_review'], to: 'handling', name: '审核退回' },
  callback_satisfied: { from: ['callback'], to: 'archived', name: '回访满意归档' },
  callback_dissatisfied: { from: ['callback'], to: 'rework', name: '回访不满意退回' },
  callback_closed: { from: ['callback'], to: 'archived', name: '回访结束归档' },
  appeal: { from: ['rework'], to: 'appeal_review', name: '不满意申诉' },
  appeal_approved: { from: ['appeal_review'], to: 'archived', name: '申诉通过归档' },
  appeal_rejected: { from: ['appeal_review'], to: 'rework', name: '申诉驳回' },
  archive_direct: { from: ['callback'], to: 'archived', name: '无需回访归档' },
  withdraw: { from: OPEN, to: 'archived', name: '撤单' },
  append: { from: OPEN, to: null, name: '追加' },
  urge: { from: [...IN_HANDS, 'result_review', 'pending_dispatch'], to: null, name: '催办' },
  copy: { from: [...OPEN, 'archived', 'draft'], to: null, name: '复制工单' },
  redo: { from: ['callback', 'rework', 'archived'], to: null, name: '重办' },
  supervise: { from: [...IN_HANDS, 'result_review', 'pending_dispatch', 'difficult'], to: null, name: '督办' },
  task_action: { from: [...IN_HANDS], to: null, name: '承办处理' },
} as const satisfies Record<string, TicketTransition>;

export type TicketAction = keyof typeof TICKET_TRANSITIONS;

/** The status after `action`, or a 409 that says what the ticket is doing now. */
export function nextTicketStatus(action: TicketAction, current: TicketStatus): TicketStatus {
  const t: TicketTransition = TICKET_TRANSITIONS[action];
  if (!t.from.includes(current)) {
    throw new AppError('INVALID_STATE', `工单当前状态为“${TICKET_STATUS_NAMES[current]}”，不能${t.name}`, 409);
  }
  return t.to ?? current;
}

interface TaskTransition {
  from: readonly TaskStatus[];
  to: TaskStatus | null;
  name: string;
}

export const TASK_TRANSITIONS = {
  sign: { from: ['awaiting_sign'], to: 'in_progress', name: '签收' },
  request_return: { from: ['awaiting_sign', 'in_progress'], to: 'return_requested', name: '退回' },
  return_approved: { from: ['return_requested'], to: 'returned', name: '退回通过' },
  return_rejected: { from: ['return_requested'], to: 'in_progress', name: '退回驳回' },
  sub_assign: { from: ['in_progress'], to: null, name: '下派' },
  report: { from: ['in_progress'], to: 'reported', name: '反馈结果' },
  request_extension: { from: ['in_progress', 'awaiting_sign'], to: null, name: '申请延期' },
  request_suspension: { from: ['in_progress'], to: null, name: '申请挂起' },
  suspend: { from: ['in_progress'], to: 'suspended', name: '挂起' },
  request_resume: { from: ['suspended'], to: null, name: '申请恢复' },
  resume: { from: ['suspended'], to: 'in_progress', name: '恢复办理' },
  mark_difficult: { from: ['in_progress', 'awaiting_sign'], to: null, name: '挂办标记' },
  review_reject: { from: ['reported'], to: 'in_progress', name: '审核退回' },
  reopen: { from: ['reported', 'done'], to: 'in_progress', name: '重办' },
  close: { from: ['reported', 'in_progress', 'awaiting_sign', 'suspended'], to: 'done', name: '办结' },
  cancel: { from: ['awaiting_sign', 'in_progress', 'return_requested', 'suspended', 'reported'], to: 'cancelled', name: '撤销' },
  appeal: { from: ['in_progress'], to: null, name: '申诉' },
} as const satisfies Record<string, TaskTransition>;

export type TaskAction = keyof typeof TASK_TRANSITIONS;

export function nextTaskStatus(action: TaskAction, current: TaskStatus): TaskStatus {
  const t: TaskTransition = TASK_TRANSITIONS[action];
  if (!t.from.includes(current)) {
    throw new AppError('INVALID_STATE', `派单任务当前状态为“${TASK_STATUS_NAMES[current]}”，不能${t.name}`, 409);
  }
  return t.to ?? current;
}

/** Tasks that still hold work (a unit must act on them). */
export const ACTIVE_TASK: readonly TaskStatus[] = ['awaiting_sign', 'in_progress', 'return_requested', 'suspended'];
export const isActiveTask = (s: TaskStatus) => ACTIVE_TASK.includes(s);
export const isOpenTicket = (s: TicketStatus) => OPEN.includes(s);
