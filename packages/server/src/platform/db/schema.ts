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
}
