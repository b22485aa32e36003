import type { ColumnType, Generated } from 'kysely';

/**
 * Row types for Kysely, grouped by the module that owns each table. Only the owning module's
 * repository queries a table; other modules call that module's exported functions.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = Record<string, unknown>> = ColumnType<T, string, string>;

// ---- platform ----
export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  tenant_id: string | null;
  actor_id: string | null;
  actor_name: string;
  ip: string;
  user_agent: string;
  action: string;
  target_type: string;
  target_id: string;
  summary: Json;
  result: 'success' | 'failure';
  prev_hash: string;
  hash: string;
  /** Chain lane (0 for rows written before lanes existed). */
  lane: ColumnType<number, number | undefined, number>;
  /** Last row id of every lane when this row was written, indexed by lane; null on pre-lane rows. */
  heads: ColumnType<number[] | null, string | null | undefined, string | null>;
}
export interface AccessLogTable {
  id: Generated<number>;
  at: Timestamp;
  tenant_id: string | null;
  user_id: string | null;
  username: string | null;
  method: string;
  path: string;
  module: string;
  status: number;
  ip: string;
  duration_ms: number;
}
export interface LoginLogTable {
  id: Generated<number>;
  at: Timestamp;
  tenant_id: string | null;
  user_id: string | null;
  username: string;
  ip: string;
  user_agent: string;
  result: 'success' | 'failure';
  reason: string;
}
export interface OutboxEventTable {
  id: Generated<number>;
  topic: string;
  payload: Json;
  created_at: Timestamp;
  available_at: Timestamp;
  attempts: Generated<number>;
  processed_at: Timestamp | null;
  last_error: string | null;
}

// ---- identity ----
export type TenantKind = 'region' | 'xpcc' | 'partner' | 'enterprise';
export interface TenantTable {
  id: string;
  parent_id: string | null;
  code: string;
  name: string;
  kind: TenantKind;
  level: number;
  path: string;
  status: 'active' | 'disabled';
  sort: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface TenantProductTable {
  tenant_id: string;
  product_key: string;
}
export interface TenantMenuTable {
  tenant_id: string;
  menu_key: string;
}
export interface OrgTable {
  id: string;
  tenant_id: string;
  parent_id: string | null;
  code: string;
  name: string;
  kind: 'department' | 'team';
  path: string;
  sort: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface AppUserTable {
  id: string;
  tenant_id: string;
  org_id: string;
  username: string;
  display_name: string;
  password_hash: string;
  phone_enc: string | null;
  phone_idx: string | null;
  status: 'active' | 'disabled';
  failed_attempts: number;
  locked_until: Timestamp | null;
  must_change_password: boolean;
  password_changed_at: Timestamp;
  mfa_secret_enc: string | null;
  mfa_enabled: boolean;
  /** Last TOTP time step accepted, so that a code cannot be replayed. */
  mfa_last_step: number;
  last_login_at: Timestamp | null;
  last_login_ip: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}
export type DataScope = 'self' | 'org' | 'org_subtree' | 'tenant' | 'tenant_subtree' | 'all';
export type AdminType = 'system' | 'security' | 'audit';
export interface RoleTable {
  id: string;
  tenant_id: string;
  code: string;
  name: string;
  data_scope: DataScope;
  permissions: string[];
  mfa_required: boolean;
  admin_type: AdminType | null;
  builtin: boolean;
  /** Shared roles are templates that every tenant in the owner's subtree may assign. */
  shared: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface UserRoleTable {
  user_id: string;
  role_id: string;
}
export interface SessionTable {
  id: string;
  user_id: string;
  tenant_id: string;
  token_hash: string;
  stage: 'mfa' | 'active';
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoke_reason: string | null;
  ip: string;
  user_agent: string;
  mfa_attempts: number;
}
export interface MfaRecoveryCodeTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: Timestamp | null;
}

// ---- system ----
export type ParamType = 'int' | 'bool' | 'string' | 'json';
export interface SysParamTable {
  key: string;
  value: Json<unknown>;
  value_type: ParamType;
  group_key: string;
  description: string;
  /** Security parameters belong to the security admin, the rest to the system admin. */
  security: boolean;
  updated_at: Timestamp;
  updated_by: string | null;
}
export interface DictTypeTable {
  code: string;
  tenant_id: string;
  name: string;
  description: string;
  builtin: boolean;
  created_at: Timestamp;
}
export interface DictItemTable {
  id: string;
  type_code: string;
  value: string;
  label: string;
  sort: number;
  enabled: boolean;
}
export interface NotificationTable {
  id: string;
  tenant_id: string;
  sender_id: string | null;
  sender_name: string;
  title: string;
  body: string;
  created_at: Timestamp;
}
export interface NotificationRecipientTable {
  notification_id: string;
  user_id: string;
  read_at: Timestamp | null;
}

// ---- catalog (core) ----
export type CatalogStatus = 'draft' | 'pending' | 'published' | 'rejected' | 'offline' | 'void';
export interface CatalogCategoryTable {
  id: string;
  tenant_id: string;
  parent_id: string | null;
  code: string;
  name: string;
  level: number;
  path: string;
  sort: number;
  status: CatalogStatus;
  description: string;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface CatalogItemTable {
  id: string;
  tenant_id: string;
  origin: 'standard' | 'local';
  code: string;
  category_id: string;
  status: CatalogStatus;
  current_version: number;
  name: string;
  description: string;
  keywords: string[];
  synonyms: string[];
  industry: string;
  demand_types: string[];
  levels: number[];
  urgency_tiers: string[];
  department: string;
  handling_standard: string;
  legal_basis: string;
  effective_from: ColumnType<Date | null, Date | string | null, Date | string | null>;
  effective_to: ColumnType<Date | null, Date | string | null, Date | string | null>;
  pinyin: string;
  search_text: string;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface CatalogItemVersionTable {
  item_id: string;
  version: number;
  snapshot: Json;
  change_id: string | null;
  published_by: string | null;
  published_at: Timestamp;
}
export interface CatalogChangeTable {
  id: string;
  tenant_id: string;
  entity_type: 'category' | 'item' | 'list_entry';
  entity_id: string;
  action: 'create' | 'update' | 'offline' | 'void' | 'rollback';
  base_version: number;
  payload: Json;
  status: 'draft' | 'pending' | 'approved' | 'rejected' | 'withdrawn';
  created_by: string | null;
  created_at: Timestamp;
  submitted_by: string | null;
  submitted_at: Timestamp | null;
  reviewed_by: string | null;
  reviewed_at: Timestamp | null;
  opinion: string;
}
export interface CatalogAdoptionTable {
  tenant_id: string;
  item_id: string;
  adopted_version: number;
  status: 'pending' | 'active' | 'excluded';
  local_detail: Json;
  updated_by: string | null;
  updated_at: Timestamp;
}
export interface CatalogPublicationTable {
  id: string;
  item_id: string;
  version: number;
  from_tenant_id: string;
  summary: Json;
  published_at: Timestamp;
}
export interface CatalogListEntryTable {
  id: string;
  list_type: 'responsibility' | 'power' | 'negative';
  item_id: string;
  tenant_id: string;
  org_id: string | null;
  unit_name: string;
  role: 'lead' | 'assist';
  duty: string;
  legal_basis: string;
  status: CatalogStatus;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Generated<number>;
  /** The published entry this revision will replace once approved. */
  replaces_id: string | null;
  reviewed_by: string | null;
  reviewed_at: Timestamp | null;
  review_opinion: Generated<string>;
}
export interface ElementOption {
  value: string;
  label: string;
}
export interface CatalogElementTable {
  id: string;
  tenant_id: string;
  code: string;
  name: string;
  data_type: string;
  dict_code: string | null;
  validation: Json;
  group_code: string;
  domain: string;
  description: string;
  status: string;
  version: number;
  /** Choices of a select element that has no dictionary. */
  options: ColumnType<ElementOption[], string | undefined, string | undefined>;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface CatalogElementVersionTable {
  element_id: string;
  version: number;
  snapshot: Json;
  changed_by: string | null;
  changed_at: Timestamp;
}
export interface CatalogElementRelationTable {
  from_element_id: string;
  to_element_id: string;
  kind: 'parent' | 'association' | 'dependency' | 'exclusive';
}
export interface CatalogItemElementTable {
  item_id: string;
  element_id: string;
  required: boolean;
  sort: number;
}
export interface CatalogItemKnowledgeTable {
  item_id: string;
  article_id: string;
  note: string;
  created_by: string | null;
  created_at: Timestamp;
}

// ---- catalog (enterprise library) ----
export type EnterpriseStatus = 'pending' | 'approved' | 'rejected';
export interface EnterpriseContact {
  name: string;
  role: string;
  phone_enc: string | null;
}
export interface EnterpriseTable {
  id: string;
  /** The region tenant that maintains the record. */
  tenant_id: string;
  credit_code: string;
  name: string;
  ownership: string | null;
  industry: string | null;
  /** 注册地: a division code or a place name. */
  registered_region: string | null;
  address: string | null;
  legal_person: string | null;
  contacts: Json<EnterpriseContact[]>;
  tags: string[];
  status: EnterpriseStatus;
  review_opinion: string | null;
  /** Who made the change awaiting review; that person may not approve it. */
  submitted_by: string | null;
  reviewed_by: string | null;
  reviewed_at: Timestamp | null;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

// ---- catalog (time limits, 办结时限) ----
export interface TimeLimitTable {
  id: string;
  /** Owner: the rule applies to this tenant's whole subtree. */
  tenant_id: string;
  /** Null dimensions match anything. */
  level: number | null;
  industry: string | null;
  urgency: string | null;
  item_id: string | null;
  amount: number;
  unit: 'workday' | 'hour' | 'natural_day';
  /** Yellow once this share of the limit has elapsed; numeric comes back as a string. */
  warn_ratio: ColumnType<string, number, number>;
  legal_basis: string;
  note: string;
  updated_by: string | null;
  updated_at: Timestamp;
}

// ---- tickets ----
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
export type TaskStatus = 'awaiting_sign' | 'in_progress' | 'return_requested' | 'suspended' | 'reported' | 'done' | 'returned' | 'cancelled';
export type TaskRole = 'single' | 'lead' | 'assist' | 'parallel';
export type RequestKind = 'return' | 'extension' | 'suspension' | 'resume' | 'difficult' | 'appeal' | 'tracking';
export type SlaUnit = 'workday' | 'hour' | 'natural_day';
export interface Attachment {
  id: string;
  name: string;
  size: number;
}
export interface TicketCounterTable {
  day: string;
  n: number;
}
export interface CitizenTable {
  id: string;
  tenant_id: string;
  phone_idx: string;
  phone_enc: string;
  name: string;
  gender: string | null;
  age_range: string | null;
  address_enc: string | null;
  id_no_enc: string | null;
  updated_at: Timestamp;
}
export interface TicketTable {
  id: string;
  no: string;
  tenant_id: string;
  org_id: string;
  created_by: string | null;
  created_by_name: string;
  status: TicketStatus;
  close_reason: string | null;
  channel: string;
  kind: string | null;
  title: string;
  content: string;
  item_id: string | null;
  item_name: string | null;
  industry: string | null;
  urgency: string;
  confidential: boolean;
  callback_mode: string;
  citizen_id: string | null;
  citizen_name: string;
  citizen_phone_enc: string | null;
  citizen_phone_idx: string | null;
  citizen_id_no_enc: string | null;
  enterprise_id: string | null;
  enterprise_name: string | null;
  enterprise_related: boolean;
  region_code: string | null;
  region_name: string | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  form_data: Json;
  tags: Json<string[]>;
  answer: string | null;
  sla_amount: ColumnType<string | null, number | string | null, number | string | null>;
  sla_unit: SlaUnit | null;
  sla_warn_ratio: ColumnType<string | null, number | string | null, number | string | null>;
  deadline_at: Timestamp | null;
  warn_at: Timestamp | null;
  warned_at: Timestamp | null;
  overdue: Generated<boolean>;
  supervised: Generated<boolean>;
  difficult: Generated<boolean>;
  return_count: Generated<number>;
  complaint_count: Generated<number>;
  redo_of: string | null;
  copied_from: string | null;
  external_source: string | null;
  external_id: string | null;
  dispatched_at: Timestamp | null;
  completed_at: Timestamp | null;
  archived_at: Timestamp | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface TicketTaskTable {
  id: string;
  ticket_id: string;
  parent_id: string | null;
  tenant_id: string;
  org_id: string;
  org_name: string;
  role: TaskRole;
  status: TaskStatus;
  depth: number;
  assigned_by: string | null;
  assigned_by_name: string;
  assigned_tenant_id: string;
  assigned_at: Timestamp;
  handler_id: string | null;
  opinion: string;
  deadline_at: Timestamp | null;
  signed_by: string | null;
  signed_by_name: string | null;
  signed_at: Timestamp | null;
  result: ColumnType<TaskResult | null, string | null, string | null>;
  reported_by_name: string | null;
  reported_at: Timestamp | null;
  closed_at: Timestamp | null;
  suspended_at: Timestamp | null;
  version: number;
}
export interface TaskResult {
  result: string;
  basis?: string;
  method?: string;
  attachments?: Attachment[];
  auto?: string;
}
export interface ApprovalStep {
  /** Who may decide this step: the requesting unit's leader, the unit that assigned the task, or the ticket's hotline. */
  by: 'unit_leader' | 'assigner' | 'hotline';
  label: string;
}
export interface Decision {
  step: number;
  by: string;
  at: string;
  approve: boolean;
  opinion: string;
}
export interface TicketRequestTable {
  id: string;
  ticket_id: string;
  task_id: string | null;
  kind: RequestKind;
  status: 'pending' | 'approved' | 'rejected' | 'cancelled';
  reason_code: string | null;
  reason: string;
  payload: Json;
  steps: Json<ApprovalStep[]>;
  step: number;
  requested_by: string | null;
  requested_by_name: string;
  requested_org_id: string | null;
  requested_at: Timestamp;
  decided_by_name: string | null;
  decided_at: Timestamp | null;
  opinion: string | null;
  decisions: Json<Decision[]>;
}
export interface TicketEventTable {
  id: Generated<number>;
  ticket_id: string;
  task_id: string | null;
  at: Timestamp;
  actor_id: string | null;
  actor_name: string;
  actor_tenant_id: string | null;
  actor_tenant_name: string | null;
  actor_org_name: string | null;
  action: string;
  from_status: string | null;
  to_status: string | null;
  opinion: string | null;
  detail: Json;
  attachments: Json<Attachment[]>;
}
export interface TicketAttachmentTable {
  id: string;
  tenant_id: string;
  ticket_id: string | null;
  name: string;
  mime: string;
  size: number;
  sha256: string;
  content: Buffer;
  uploaded_by: string | null;
  uploaded_at: Timestamp;
}
export interface TicketCallbackTable {
  id: string;
  ticket_id: string;
  round: number;
  mode: 'manual' | 'sms' | 'robot';
  status: 'pending' | 'done' | 'expired' | 'cancelled';
  token_hash: string | null;
  due_at: Timestamp;
  robot_state: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  result: 'satisfied' | 'dissatisfied' | 'unreachable' | null;
  service_rating: number | null;
  handling_rating: number | null;
  comment: string | null;
  channel: string | null;
  done_by_name: string | null;
  done_at: Timestamp | null;
  created_at: Timestamp;
}
export interface SlaRuleTable {
  id: string;
  tenant_id: string;
  name: string;
  kind: 'warning' | 'supervision';
  trigger: 'near_due' | 'overdue' | 'returns' | 'complaints';
  threshold: ColumnType<string, number | string, number | string>;
  level: string;
  requirement: string;
  channels: Json<string[]>;
  item_id: string | null;
  region_code: string | null;
  owner_id: string | null;
  active: boolean;
  tested_at: Timestamp | null;
  test_result: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  updated_at: Timestamp;
}
export interface TicketSupervisionTable {
  id: string;
  ticket_id: string;
  task_id: string | null;
  rule_id: string | null;
  kind: 'warning' | 'supervision';
  level: string;
  reason: string;
  requirement: string;
  target_org_id: string | null;
  target_org_name: string | null;
  owner_id: string | null;
  status: 'open' | 'responded' | 'closed';
  reply: string | null;
  first_response_at: Timestamp | null;
  closed_at: Timestamp | null;
  created_by_name: string;
  created_at: Timestamp;
}
export interface TicketPolicyTable {
  tenant_id: string;
  policy: Json;
  updated_at: Timestamp;
}
export interface CalendarOverrideTable {
  tenant_id: string;
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
}
export interface SmsMessageTable {
  id: string;
  dedupe_key: string;
  tenant_id: string | null;
  phone_enc: string;
  body: string;
  status: 'queued' | 'sent' | 'failed';
  created_at: Timestamp;
  sent_at: Timestamp | null;
}
export interface IntakeClientTable {
  id: string;
  code: string;
  name: string;
  tenant_id: string;
  org_id: string;
  secret_enc: string;
  active: boolean;
  created_at: Timestamp;
}
export interface IntakeNonceTable {
  client_id: string;
  nonce: string;
  seen_at: Timestamp;
}

// ---- telephony ----
/** One inbound call of the media role (migrations 0012/0013); `record` is the engine's full CDR. */
export interface TelephonyCdrTable {
  id: string;
  tenant_id: string | null;
  sip_call_id: string;
  caller: string;
  caller_withheld: ColumnType<boolean, boolean | undefined, boolean>;
  callee: string;
  started_at: Timestamp;
  answered_at: Timestamp | null;
  bridged_at: Timestamp | null;
  ended_at: Timestamp | null;
  end_reason: string | null;
  queue: string | null;
  agent: string | null;
  recording_path: string | null;
  voicemail_path: string | null;
  dtmf: ColumnType<string, string | undefined, string>;
  ivr_path: ColumnType<string[], string | undefined, string>;
  hold_seconds: ColumnType<number, number | undefined, number>;
  record: Json;
  recording_key: string | null;
  recording_sm3: string | null;
  recording_size: number | null;
  voicemail_key: string | null;
  voicemail_sm3: string | null;
  voicemail_size: number | null;
}
/** Agent extensions (坐席分机): one per user, unique across the installation. */
export interface TelephonyAgentTable {
  tenant_id: string;
  user_id: string;
  extension: string;
  display_name: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

// ---- knowledge (知识库) ----
export interface KbTypeField {
  key: string;
  label: string;
  required: boolean;
  kind: 'text' | 'textarea' | 'date';
}
export interface KbTypeTable {
  code: string;
  name: string;
  description: string;
  sort: number;
  enabled: boolean;
  /** 编辑模板: the structured fields an article of this type carries (revision.fields). */
  template: Json<{ fields: KbTypeField[] }>;
  updated_by: string | null;
  updated_at: Timestamp;
}
export interface KbDirectoryTable {
  id: string;
  tenant_id: string;
  parent_id: string | null;
  name: string;
  sort: number;
  enabled: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export type KbArticleStatus = 'draft' | 'pending_review' | 'pending_publish' | 'published' | 'offline' | 'recycled';
export interface KbArticleTable {
  id: string;
  /** Owner; with scope 'subtree' the whole subtree reads it once published. */
  tenant_id: string;
  directory_id: string;
  type_code: string;
  scope: 'subtree' | 'tenant';
  status: KbArticleStatus;
  /** Title of the live revision, or of the open one before the first publication (for lists). */
  title: string;
  live_revision_id: string | null;
  open_revision_id: string | null;
  published_at: Timestamp | null;
  offline_reason: string | null;
  temporary_offline: boolean;
  recycled_at: Timestamp | null;
  recycled_by: string | null;
  purge_after: Timestamp | null;
  expiry_notified_at: Timestamp | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export type KbChangeType = 'create' | 'revise' | 'withdraw' | 'restore';
export type KbRevisionState = 'draft' | 'pending_review' | 'pending_publish' | 'published' | 'superseded' | 'discarded' | 'applied';
export interface KbRevisionTable {
  id: string;
  article_id: string;
  version: number;
  change_type: KbChangeType;
  /** The 知识工单's current 环节. */
  state: KbRevisionState;
  title: string;
  summary: string;
  body: string;
  fields: Json<Record<string, string>>;
  keywords: Json<string[]>;
  item_ids: Json<string[]>;
  /** 采编依据 (required to submit). */
  basis: string;
  source: string;
  /** 有效期 (YYYY-MM-DD, Beijing date) of temporary policy; a reminder goes out before it. */
  valid_to: string | null;
  note: string;
  author_id: string | null;
  created_at: Timestamp;
  submitted_at: Timestamp | null;
  reviewed_by: string | null;
  reviewed_at: Timestamp | null;
  review_opinion: string | null;
  publish_at: Timestamp | null;
  published_by: string | null;
  published_at: Timestamp | null;
  closed_at: Timestamp | null;
}
export interface KbHotWordTable {
  id: string;
  tenant_id: string;
  word: string;
  /** numeric comes back as a string. */
  weight: ColumnType<string, number, number>;
  article_ids: Json<string[]>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export interface KbSynonymTable {
  id: string;
  tenant_id: string;
  term: string;
  synonyms: Json<string[]>;
  updated_by: string | null;
  updated_at: Timestamp;
}
export interface KbUsageTable {
  id: string;
  article_id: string;
  tenant_id: string;
  user_id: string | null;
  kind: 'view' | 'insert' | 'copy' | 'recommend_click';
  ticket_id: string | null;
  at: Timestamp;
}
export interface KbSearchLogTable {
  id: string;
  tenant_id: string;
  user_id: string | null;
  query: string;
  terms: Json<string[]>;
  hits: number;
  at: Timestamp;
}

export interface Database {
  audit_log: AuditLogTable;
  access_log: AccessLogTable;
  login_log: LoginLogTable;
  outbox_event: OutboxEventTable;
  tenant: TenantTable;
  tenant_product: TenantProductTable;
  tenant_menu: TenantMenuTable;
  org: OrgTable;
  app_user: AppUserTable;
  role: RoleTable;
  user_role: UserRoleTable;
  session: SessionTable;
  mfa_recovery_code: MfaRecoveryCodeTable;
  sys_param: SysParamTable;
  dict_type: DictTypeTable;
  dict_item: DictItemTable;
  notification: NotificationTable;
  notification_recipient: NotificationRecipientTable;
  time_limit: TimeLimitTable;
  enterprise: EnterpriseTable;
  catalog_category: CatalogCategoryTable;
  catalog_item: CatalogItemTable;
  catalog_item_version: CatalogItemVersionTable;
  catalog_change: CatalogChangeTable;
  catalog_adoption: CatalogAdoptionTable;
  catalog_publication: CatalogPublicationTable;
  catalog_list_entry: CatalogListEntryTable;
  catalog_element: CatalogElementTable;
  catalog_element_version: CatalogElementVersionTable;
  catalog_element_relation: CatalogElementRelationTable;
  catalog_item_element: CatalogItemElementTable;
  catalog_item_knowledge: CatalogItemKnowledgeTable;
  ticket_counter: TicketCounterTable;
  citizen: CitizenTable;
  ticket: TicketTable;
  ticket_task: TicketTaskTable;
  ticket_request: TicketRequestTable;
  ticket_event: TicketEventTable;
  ticket_attachment: TicketAttachmentTable;
  ticket_callback: TicketCallbackTable;
  sla_rule: SlaRuleTable;
  ticket_supervision: TicketSupervisionTable;
  ticket_policy: TicketPolicyTable;
  calendar_override: CalendarOverrideTable;
  sms_message: SmsMessageTable;
  intake_client: IntakeClientTable;
  intake_nonce: IntakeNonceTable;
  telephony_cdr: TelephonyCdrTable;
  telephony_agent: TelephonyAgentTable;
  kb_type: KbTypeTable;
  kb_directory: KbDirectoryTable;
  kb_article: KbArticleTable;
  kb_revision: KbRevisionTable;
  kb_hot_word: KbHotWordTable;
  kb_synonym: KbSynonymTable;
  kb_usage: KbUsageTable;
  kb_search_log: KbSearchLogTable;
}
