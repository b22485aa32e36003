import type { AdminType } from '../../platform/db/schema.js';

/**
 * The permission catalog. Admin permissions belong to exactly one of the three admins
 * (三员分立): no role and no user may hold permissions of two admin types.
 */
export interface PermissionDef {
  code: string;
  group: string;
  adminType: AdminType | null;
}

const def = (code: string, group: string, adminType: AdminType | null = null): PermissionDef => ({ code, group, adminType });

export const PERMISSIONS: PermissionDef[] = [
  def('dashboard:view', 'common'),
  def('message:read', 'common'),
  def('message:send', 'common'),
  // demand-item catalogue (诉求事项): business permissions, no admin type
  def('catalog:read', 'catalog'),
  def('catalog:write', 'catalog'),
  def('catalog:review', 'catalog'),
  def('catalog:enterprise:read', 'enterprise'),
  def('catalog:enterprise:write', 'enterprise'),
  def('catalog:enterprise:approve', 'enterprise'),
  def('catalog:time-limit:read', 'time-limit'),
  def('catalog:time-limit:write', 'time-limit'),
  // work orders (工单): intake, dispatch and review at the hotline; handling in the units
  def('ticket:read', 'ticket'),
  def('ticket:register', 'ticket'),
  def('ticket:dispatch', 'ticket'),
  def('ticket:review', 'ticket'),
  def('ticket:callback', 'ticket'),
  def('ticket:handle', 'ticket'),
  def('ticket:handle:approve', 'ticket'),
  def('ticket:supervise', 'ticket'),
  def('ticket:export', 'ticket'),
  def('ticket:config', 'ticket'),
  // full view of a citizen's phone and ID number (分级查看); everyone else sees them masked
  def('citizen:pii', 'ticket'),
  // smart intake (智能座席助手): analyse demands; retrain the item model
  def('assist:use', 'assist'),
  def('assist:train', 'assist'),
  // 知识库: read (search, recommend), write drafts, review, publish, and configure directories,
  // hot words and synonyms (types only at the root)
  def('kb:read', 'knowledge'),
  def('kb:edit', 'knowledge'),
  def('kb:review', 'knowledge'),
  def('kb:publish', 'knowledge'),
  def('kb:admin', 'knowledge'),
  // 话务 (call center): 通话记录查询, 录音播放/下载 (audited), 软电话, 坐席分机管理
  def('telephony:call:read', 'telephony'),
  def('telephony:recording:play', 'telephony'),
  def('telephony:softphone:use', 'telephony'),
  def('telephony:agent:manage', 'telephony'),
  // system admin: structure and master data
  def('identity:tenant:read', 'tenant', 'system'),
  def('identity:tenant:write', 'tenant', 'system'),
  def('identity:org:read', 'org', 'system'),
  def('identity:org:write', 'org', 'system'),
  def('identity:user:read', 'user', 'system'),
  def('identity:user:write', 'user', 'system'),
  def('system:dict:read', 'dict', 'system'),
  def('system:dict:write', 'dict', 'system'),
  def('system:config:read', 'config', 'system'),
  def('system:config:write', 'config', 'system'),
  // security admin: who may do what, and the security policy
  def('identity:role:read', 'role', 'security'),
  def('identity:role:write', 'role', 'security'),
  def('identity:user:grant', 'user', 'security'),
  def('identity:user:unlock', 'user', 'security'),
  def('identity:user:reset-password', 'user', 'security'),
  def('security:session:read', 'session', 'security'),
  def('security:session:revoke', 'session', 'security'),
  def('security:config:read', 'config', 'security'),
  def('security:config:write', 'config', 'security'),
  // audit admin: read-only oversight of everyone, including the other two admins
  def('audit:log:read', 'audit', 'audit'),
  def('audit:log:export', 'audit', 'audit'),
  def('audit:log:verify', 'audit', 'audit'),
  def('audit:login-log:read', 'audit', 'audit'),
  def('audit:access-log:read', 'audit', 'audit'),
];

const BY_CODE = new Map(PERMISSIONS.map((p) => [p.code, p]));

export function isKnownPermission(code: string): boolean {
  return BY_CODE.has(code);
}

/** The admin types a set of permissions touches; more than one breaks 三员分立. */
export function adminTypesOf(codes: Iterable<string>): Set<AdminType> {
  const types = new Set<AdminType>();
  for (const c of codes) {
    const t = BY_CODE.get(c)?.adminType;
    if (t) types.add(t);
  }
  return types;
}
