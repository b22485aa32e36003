// Shapes of the server's JSON API (base /api/v1). Kept in one place so that the pages and the
// server contract can be compared easily.

export interface Paged<T> {
  items: T[];
  total: number;
}

export interface ItemsOf<T> {
  items: T[];
}

export interface ListQuery {
  page?: number;
  pageSize?: number;
  sort?: string;
  order?: 'asc' | 'desc';
}

// ---- auth / me ----
export type LoginResult =
  | { status: 'ok'; token: string; mustChangePassword: boolean; mfaEnrollRequired: boolean }
  | { status: 'mfa_required'; mfaToken: string };

export interface RoleRef {
  id: string;
  code?: string;
  name: string;
}

export interface MeUser {
  id: string;
  username: string;
  displayName: string;
  tenantId: string;
  tenantName: string;
  orgId: string | null;
  orgName: string | null;
  roles: RoleRef[];
  permissions: string[];
  mfaEnabled: boolean;
  adminType?: AdminType | null;
  dataScope?: DataScope;
}

export interface MenuNode {
  key: string;
  path: string;
  titleKey: string;
  icon?: string;
  children?: MenuNode[];
}

/** Set while the session may only change its password or enrol MFA. */
export type SessionRestriction = 'password-change' | 'mfa-enroll';

export interface MeResponse {
  user: MeUser;
  menus: MenuNode[];
  restriction?: SessionRestriction | null;
}

export interface MfaEnrollResponse {
  secret: string;
  otpauthUri: string;
  qrDataUrl: string;
}

export interface MySession {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  ip: string;
  userAgent: string;
  current: boolean;
}

// ---- tenants ----
export type TenantKind = 'region' | 'xpcc' | 'partner' | 'enterprise';
export type ActiveStatus = 'active' | 'disabled';

export interface TenantNode {
  id: string;
  code: string;
  name: string;
  kind: TenantKind;
  level: number;
  parentId: string | null;
  status: ActiveStatus;
  children?: TenantNode[];
}

export interface TenantProduct {
  key: string;
  name: string;
  enabled: boolean;
}

export interface TenantMenuConfig {
  key: string;
  product: string;
  titleKey: string;
  enabled: boolean;
}

export interface TenantProducts {
  products: TenantProduct[];
  menus: TenantMenuConfig[];
}

// ---- orgs ----
export type OrgKind = 'department' | 'team';

export interface OrgNode {
  id: string;
  tenantId: string;
  parentId: string | null;
  code: string;
  name: string;
  kind: OrgKind;
  children?: OrgNode[];
}

// ---- users ----
export type UserStatus = 'active' | 'disabled' | 'locked';

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  tenantId: string;
  tenantName: string;
  orgId: string | null;
  orgName: string | null;
  phoneMasked: string | null;
  status: UserStatus;
  roles: RoleRef[];
  lastLoginAt: string | null;
  createdAt: string;
}

// ---- roles / permissions ----
export type DataScope = 'self' | 'org' | 'org_subtree' | 'tenant' | 'tenant_subtree' | 'all';
export type AdminType = 'system' | 'security' | 'audit';

export interface Role {
  id: string;
  tenantId: string;
  code: string;
  name: string;
  dataScope: DataScope;
  permissions: string[];
  mfaRequired: boolean;
  adminType: AdminType | null;
  builtin: boolean;
  /** Shared with descendant tenants as a template. */
  shared?: boolean;
}

export interface Permission {
  code: string;
  group: string;
  adminType: AdminType | null;
}

// ---- dictionaries / config ----
export interface Dict {
  code: string;
  name: string;
  description: string | null;
  itemCount: number;
}

export interface DictItem {
  id: string;
  value: string;
  label: string;
  sort: number;
  enabled: boolean;
}

export type ConfigValueType = 'int' | 'bool' | 'string' | 'json';

export interface ConfigEntry {
  key: string;
  value: unknown;
  valueType: ConfigValueType;
  group: string;
  description: string | null;
  updatedAt: string | null;
  updatedBy: string | null;
  /** Security parameters belong to the security admin. */
  security?: boolean;
  /** Whether the current user may change it. */
  editable?: boolean;
}

// ---- security / audit ----
export interface SessionRow {
  id: string;
  userId: string;
  username: string;
  displayName: string;
  ip: string;
  userAgent: string;
  createdAt: string;
  lastSeenAt: string;
  current?: boolean;
}

export type AuditResult = 'success' | 'failure';

export interface AuditLog {
  id: number | string;
  at: string;
  tenantId: string | null;
  actorId?: string | null;
  actorName: string | null;
  ip: string | null;
  userAgent: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  summary: unknown;
  result: AuditResult;
  hash?: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  firstBrokenId: number | null;
}

export interface LoginLog {
  id: number | string;
  at: string;
  username: string;
  ip: string | null;
  userAgent: string | null;
  result: string;
  reason: string | null;
}

export interface AccessLog {
  id: number | string;
  at: string;
  username: string | null;
  method: string;
  path: string;
  module?: string;
  status: number;
  ip: string | null;
  durationMs: number;
}

// ---- notifications ----
export interface NotificationRow {
  id: string;
  title: string;
  body: string;
  createdAt: string;
  readAt: string | null;
  senderName: string | null;
}

export interface NotificationPage extends Paged<NotificationRow> {
  /** Unread count of the current user (independent of the filter). */
  unread?: number;
}

export interface NotificationTarget {
  type: 'user' | 'org';
  id: string;
}

export interface RealtimeNotification {
  id: string;
  title: string;
  body: string;
  createdAt: string;
}
