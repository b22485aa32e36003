import type { Db } from '../../platform/db/database.js';
import type { ApprovalStep, RequestKind } from '../../platform/db/schema.js';

/**
 * Per-tenant policy points of the lifecycle (ARCHITECTURE §4: the state machine is code, the
 * policy is configuration). A tenant without its own policy inherits the closest ancestor's, and
 * the platform defaults fill whatever nobody set. Approval chains are a small declarative rule
 * set: an ordered list of steps, each naming who decides.
 */
export type CallbackMode = 'manual' | 'sms' | 'robot' | 'none';

export interface SuspensionReason {
  code: string;
  name: string;
  /** Longest allowed suspension for this reason, in natural days. */
  maxDays: number;
  /** 承诺制: the unit promises a date; unconfirmed at that date, the task resumes by itself. */
  promise: boolean;
}

export interface TicketPolicy {
  callbackMode: CallbackMode;
  /** Per catalogue item, e.g. pure consultations need no callback. */
  itemCallbackModes: Record<string, CallbackMode>;
  /** How long an SMS / robot callback waits for the citizen before 超期自动办结. */
  callbackHours: number;
  /** What an unanswered callback counts as when it expires. */
  unansweredResult: 'satisfied' | 'unreachable';
  /** SMS the result to the citizen when the hotline approves it (acceptance #9). */
  resultSmsToCitizen: boolean;
  approvals: Record<Exclude<RequestKind, 'return'>, ApprovalStep[]>;
  suspensionReasons: SuspensionReason[];
  returnReasons: { code: string; name: string }[];
}

const HOTLINE: ApprovalStep = { by: 'hotline', label: '热线中心审批' };

export const DEFAULT_POLICY: TicketPolicy = {
  callbackMode: 'manual',
  itemCallbackModes: {},
  callbackHours: 72,
  unansweredResult: 'satisfied',
  resultSmsToCitizen: true,
  approvals: {
    extension: [HOTLINE],
    suspension: [HOTLINE],
    resume: [HOTLINE],
    difficult: [{ by: 'hotline', label: '运营班长审核' }],
    appeal: [{ by: 'hotline', label: '热线办审核' }],
    tracking: [HOTLINE],
  },
  suspensionReasons: [
    { code: 'third-party', name: '等待第三方答复', maxDays: 15, promise: false },
    { code: 'survey', name: '需现场勘查', maxDays: 10, promise: false },
    { code: 'judicial', name: '进入司法或行政复议程序', maxDays: 60, promise: false },
    { code: 'promise', name: '承诺办理（承诺制挂起）', maxDays: 30, promise: true },
  ],
  returnReasons: [
    { code: 'not-our-duty', name: '不属于本部门职责' },
    { code: 'already-handled', name: '已处理过' },
    { code: 'unclear', name: '内容不清晰' },
    { code: 'wrong-region', name: '不属于本辖区' },
  ],
};

/** The policy in force for a tenant: its own, else the closest ancestor's, over the defaults. */
export async function policyFor(db: Db, tenantId: string): Promise<TicketPolicy> {
  const tenant = await db.selectFrom('tenant').select('path').where('id', '=', tenantId).executeTakeFirst();
  const ancestors = (tenant?.path ?? '').split('/').filter(Boolean);
  const rows = ancestors.length
    ? await db.selectFrom('ticket_policy').innerJoin('tenant', 'tenant.id', 'ticket_policy.tenant_id').select(['ticket_policy.policy', 'tenant.path']).where('ticket_policy.tenant_id', 'in', ancestors).execute()
    : [];
  const closest = rows.sort((a, b) => b.path.length - a.path.length)[0];
  return mergePolicy(DEFAULT_POLICY, (closest?.policy ?? {}) as PolicyPatch);
}

export type PolicyPatch = Omit<Partial<TicketPolicy>, 'approvals'> & { approvals?: Partial<TicketPolicy['approvals']> };

export function mergePolicy(base: TicketPolicy, over: PolicyPatch): TicketPolicy {
  return { ...base, ...over, approvals: { ...base.approvals, ...(over.approvals ?? {}) } as TicketPolicy['approvals'] };
}

export function callbackModeFor(policy: TicketPolicy, itemId: string | null, requested: string | null): CallbackMode {
  if (requested === 'none' || requested === 'manual' || requested === 'sms' || requested === 'robot') return requested;
  return (itemId && policy.itemCallbackModes[itemId]) || policy.callbackMode;
}
