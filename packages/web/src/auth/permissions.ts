// Permission codes checked by the UI to hide action buttons. The server remains the authority:
// a hidden button is a convenience, every request is authorised again server-side.
export const PERM = {
  tenantWrite: 'identity:tenant:write',
  orgWrite: 'identity:org:write',
  userWrite: 'identity:user:write',
  /** Assign roles to users (security admin). */
  userGrant: 'identity:user:grant',
  userUnlock: 'identity:user:unlock',
  userResetPassword: 'identity:user:reset-password',
  roleWrite: 'identity:role:write',
  dictWrite: 'system:dict:write',
  configWrite: 'system:config:write',
  securityConfigWrite: 'security:config:write',
  sessionRevoke: 'security:session:revoke',
  auditExport: 'audit:log:export',
  auditVerify: 'audit:log:verify',
  notificationRead: 'message:read',
  notificationSend: 'message:send',
} as const;

export type PermCode = (typeof PERM)[keyof typeof PERM];

/**
 * True when `granted` contains `wanted`, the global wildcard '*', or a wildcard prefix
 * such as 'identity:*' or 'identity:user:*'.
 */
export function hasPermission(granted: readonly string[], wanted: string): boolean {
  if (granted.includes(wanted) || granted.includes('*')) return true;
  const parts = wanted.split(':');
  for (let i = parts.length - 1; i > 0; i--) {
    if (granted.includes(`${parts.slice(0, i).join(':')}:*`)) return true;
  }
  return false;
}
