// Shapes of the work-order API (/api/v1/tickets, /ticket-tasks, /ticket-requests, …) as the
// server's query.service.ts returns them.

export type TicketStatus =
  | 'draft'
  | 'registered'
  | 'shift_lead'
  | 'intake_review'
  | 'supplement'
  | 'pending_dispatch'
  | 'handling'
  | 'return_review'
  | 'difficult'
  | 'result_review'
  | 'callback'
  | 'rework'
  | 'appeal_review'
  | 'archived';

export const TICKET_STATUSES: readonly TicketStatus[] = [
  'draft',
  'registered',
  'shift_lead',
  'intake_review',
  'supplement',
  'pending_dispatch',
  'handling',
  'return_review',
  'difficult',
  'result_review',
  'callback',
  'rework',
  'appeal_review',
  'archived',
];

export type TaskStatus = 'awaiting_sign' | 'in_progress' | 'return_requested' | 'suspended' | 'reported' | 'done' | 'returned' | 'cancelled';
export type Urgency = 'normal' | 'urgent' | 'critical';
export type CallbackMode = 'default' | 'manual' | 'sms' | 'robot' | 'none';
export type DispatchMode = 'single' | 'lead_assist' | 'parallel';

export interface TicketSummary {
  id: string;
  no: string;
  tenantId: string;
  status: TicketStatus;
  statusName: string;
  publicStatus: string;
  closeReason: string | null;
  channel: string;
  kind: string | null;
  title: string;
  itemId: string | null;
  itemName: string | null;
  urgency: Urgency;
  citizenName: string;
  citizenPhone: string | null;
  enterpriseRelated: boolean;
  regionCode: string | null;
  regionName: string | null;
  deadlineAt: string | null;
  overdue: boolean;
  supervised: boolean;
  difficult: boolean;
  returnCount: number;
  complaintCount: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  units?: string[];
}

export interface Task {
  id: string;
  ticketId: string;
  parentId: string | null;
  tenantId: string;
  orgId: string;
  orgName: string;
  role: string;
  status: TaskStatus;
  statusName: string;
  depth: number;
  assignedBy: string | null;
  assignedAt: string;
  opinion: string | null;
  deadlineAt: string | null;
  handlerId: string | null;
  signedBy: string | null;
  signedAt: string | null;
  result: TaskResult | null;
  reportedBy: string | null;
  reportedAt: string | null;
  closedAt: string | null;
  suspendedAt: string | null;
}

/** What a unit reported: the text, its basis and method, the files (auto: closed with the lead). */
export interface TaskResult {
  result: string;
  basis?: string;
  method?: string;
  attachments?: AttachmentRef[];
  auto?: string;
}

/** A row of GET /ticket-tasks: the task with its ticket's headline. */
export interface TaskRow extends Task {
  no: string;
  title: string;
  ticketStatus: TicketStatus;
  ticketStatusName: string;
  urgency: Urgency;
  overdue: boolean;
}

export interface ChainNode {
  taskId: string;
  orgName: string;
  tenantId: string;
  role: string;
  status: TaskStatus;
  statusName: string;
  signedBy: string | null;
  reportedBy: string | null;
  children: ChainNode[];
}

export interface AttachmentRef {
  id: string;
  name: string;
  size?: number;
  mime?: string;
}

export interface TimelineEvent {
  id: string | number;
  at: string;
  actor: string;
  tenant: string | null;
  org: string | null;
  action: string;
  /** Ticket states, or task states for a unit's own steps. */
  from: string | null;
  to: string | null;
  opinion: string | null;
  detail: Record<string, unknown> | null;
  attachments: AttachmentRef[] | null;
  taskId: string | null;
}

export type RequestKind = 'return' | 'extension' | 'suspension' | 'resume' | 'difficult' | 'appeal' | 'tracking';

export interface TicketRequest {
  id: string;
  ticketId: string;
  taskId: string | null;
  kind: RequestKind;
  kindName: string;
  status: 'pending' | 'approved' | 'rejected' | string;
  reasonCode: string | null;
  reason: string;
  payload: Record<string, unknown> & { attachments?: AttachmentRef[] };
  steps: { by: string; label: string }[];
  step: number;
  requestedBy: string | null;
  requestedAt: string;
  decisions: { by?: string; byName?: string; approve?: boolean; opinion?: string; at?: string }[] | null;
}

export interface CallbackRecord {
  id: string;
  round: number;
  mode: string;
  status: string;
  dueAt: string | null;
  result: 'satisfied' | 'dissatisfied' | 'unreachable' | null;
  handlingRating: number | null;
  serviceRating: number | null;
  comment: string | null;
  channel: string | null;
  doneBy: string | null;
  doneAt: string | null;
  robotStep: string | null;
}

export interface Supervision {
  id: string;
  ticketId: string;
  taskId: string | null;
  ruleId: string | null;
  kind: 'warning' | 'supervision';
  level: string;
  reason: string;
  requirement: string;
  targetOrgName: string | null;
  status: 'open' | 'responded' | 'closed';
  reply: string | null;
  firstResponseAt: string | null;
  closedAt: string | null;
  createdBy: string | null;
  createdAt: string;
  no?: string;
  title?: string;
}

export interface TicketDetail extends TicketSummary {
  content: string;
  answer: string | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  formData: Record<string, unknown>;
  tags: string[];
  confidential: boolean;
  callbackMode: CallbackMode;
  enterpriseName: string | null;
  sla: { amount: number; unit: string; warnAt: string | null; deadlineAt: string | null } | null;
  completedAt: string | null;
  archivedAt: string | null;
  redoOf: string | null;
  links: { id: string; no: string; relation: string }[];
  isHotline: boolean;
  tasks: Task[];
  chain: ChainNode[];
  timeline: TimelineEvent[];
  requests: TicketRequest[];
  callbacks: CallbackRecord[];
  supervisions: Supervision[];
  attachments: AttachmentRef[];
}

export interface PolicyReason {
  code: string;
  name: string;
}

export interface SuspensionReason extends PolicyReason {
  maxDays: number;
  promise: boolean;
}

export interface TicketPolicy {
  callbackMode: Exclude<CallbackMode, 'default'>;
  itemCallbackModes: Record<string, string>;
  callbackHours: number;
  unansweredResult: 'satisfied' | 'unreachable';
  resultSmsToCitizen: boolean;
  approvals: Record<string, { by: string; label: string }[]>;
  suspensionReasons: SuspensionReason[];
  returnReasons: PolicyReason[];
}

export interface PolicyResponse {
  effective: TicketPolicy;
  own: Partial<TicketPolicy> | null;
  defaults: TicketPolicy;
}

export interface RegionNode {
  id: string;
  code: string;
  name: string;
  kind: string;
  children: RegionNode[];
}

export interface UnitNode {
  id: string;
  tenantId: string;
  name: string;
  code: string;
  children: UnitNode[];
}
