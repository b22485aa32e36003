/**
 * Products and their menus. A tenant enables products and, within them, menus; a user sees a
 * menu only when the tenant enabled it and one of the user's roles grants its permission.
 * Later modules add their products here (catalog, work orders, call center, …).
 */
export interface MenuDef {
  key: string;
  product: string;
  path: string;
  titleKey: string;
  icon: string;
  /** Any one of these shows the menu. */
  permissions: string[];
}

export interface ProductDef {
  key: string;
  name: string;
  titleKey: string;
  icon: string;
}

export const PRODUCTS: ProductDef[] = [
  { key: 'workspace', name: '工作台', titleKey: 'menu.workspace', icon: 'DashboardOutlined' },
  { key: 'catalog', name: '诉求事项', titleKey: 'menu.catalog', icon: 'ProfileOutlined' },
  { key: 'tickets', name: '工单管理', titleKey: 'menu.tickets', icon: 'FileTextOutlined' },
  { key: 'knowledge', name: '知识库', titleKey: 'menu.knowledge', icon: 'ReadOutlined' },
  { key: 'telephony', name: '话务', titleKey: 'menu.telephony', icon: 'PhoneOutlined' },
  { key: 'identity', name: '组织用户', titleKey: 'menu.identity', icon: 'TeamOutlined' },
  { key: 'system', name: '系统配置', titleKey: 'menu.system', icon: 'SettingOutlined' },
  { key: 'security', name: '安全管理', titleKey: 'menu.security', icon: 'SafetyOutlined' },
  { key: 'audit', name: '安全审计', titleKey: 'menu.audit', icon: 'AuditOutlined' },
  { key: 'messages', name: '消息中心', titleKey: 'menu.messages', icon: 'BellOutlined' },
];

export const MENUS: MenuDef[] = [
  { key: 'workspace.dashboard', product: 'workspace', path: '/dashboard', titleKey: 'menu.workspace.dashboard', icon: 'DashboardOutlined', permissions: ['dashboard:view'] },
  { key: 'tickets.new', product: 'tickets', path: '/tickets/new', titleKey: 'menu.tickets.new', icon: 'FormOutlined', permissions: ['ticket:register'] },
  { key: 'tickets.dispatch', product: 'tickets', path: '/tickets/dispatch', titleKey: 'menu.tickets.dispatch', icon: 'SendOutlined', permissions: ['ticket:dispatch'] },
  { key: 'tickets.review', product: 'tickets', path: '/tickets/review', titleKey: 'menu.tickets.review', icon: 'AuditOutlined', permissions: ['ticket:review'] },
  { key: 'tickets.tasks', product: 'tickets', path: '/tickets/tasks', titleKey: 'menu.tickets.tasks', icon: 'InboxOutlined', permissions: ['ticket:handle'] },
  { key: 'tickets.callbacks', product: 'tickets', path: '/tickets/callbacks', titleKey: 'menu.tickets.callbacks', icon: 'PhoneOutlined', permissions: ['ticket:callback'] },
  { key: 'tickets.supervision', product: 'tickets', path: '/tickets/supervision', titleKey: 'menu.tickets.supervision', icon: 'AlertOutlined', permissions: ['ticket:supervise'] },
  { key: 'tickets.search', product: 'tickets', path: '/tickets/search', titleKey: 'menu.tickets.search', icon: 'SearchOutlined', permissions: ['ticket:read'] },
  { key: 'tickets.slaRules', product: 'tickets', path: '/tickets/sla-rules', titleKey: 'menu.tickets.slaRules', icon: 'FieldTimeOutlined', permissions: ['ticket:config'] },
  { key: 'tickets.assistModels', product: 'tickets', path: '/assist/models', titleKey: 'menu.tickets.assistModels', icon: 'ExperimentOutlined', permissions: ['assist:train'] },
  { key: 'knowledge.search', product: 'knowledge', path: '/kb/search', titleKey: 'menu.knowledge.search', icon: 'SearchOutlined', permissions: ['kb:read'] },
  { key: 'knowledge.articles', product: 'knowledge', path: '/kb/articles', titleKey: 'menu.knowledge.articles', icon: 'EditOutlined', permissions: ['kb:edit'] },
  { key: 'knowledge.reviews', product: 'knowledge', path: '/kb/reviews', titleKey: 'menu.knowledge.reviews', icon: 'AuditOutlined', permissions: ['kb:review', 'kb:publish'] },
  { key: 'knowledge.recycle', product: 'knowledge', path: '/kb/recycle', titleKey: 'menu.knowledge.recycle', icon: 'DeleteOutlined', permissions: ['kb:edit'] },
  { key: 'knowledge.config', product: 'knowledge', path: '/kb/config', titleKey: 'menu.knowledge.config', icon: 'SettingOutlined', permissions: ['kb:admin'] },
  { key: 'telephony.calls', product: 'telephony', path: '/telephony/calls', titleKey: 'menu.telephony.calls', icon: 'HistoryOutlined', permissions: ['telephony:call:read'] },
  { key: 'telephony.softphone', product: 'telephony', path: '/telephony/softphone', titleKey: 'menu.telephony.softphone', icon: 'PhoneOutlined', permissions: ['telephony:softphone:use'] },
  { key: 'telephony.agents', product: 'telephony', path: '/telephony/agents', titleKey: 'menu.telephony.agents', icon: 'TeamOutlined', permissions: ['telephony:agent:manage'] },
  { key: 'catalog.items', product: 'catalog', path: '/catalog/items', titleKey: 'menu.catalog.items', icon: 'ProfileOutlined', permissions: ['catalog:read'] },
  { key: 'catalog.reviews', product: 'catalog', path: '/catalog/reviews', titleKey: 'menu.catalog.reviews', icon: 'AuditOutlined', permissions: ['catalog:review'] },
  { key: 'catalog.responsibilities', product: 'catalog', path: '/catalog/responsibilities', titleKey: 'menu.catalog.responsibilities', icon: 'PartitionOutlined', permissions: ['catalog:read'] },
  { key: 'catalog.elements', product: 'catalog', path: '/catalog/elements', titleKey: 'menu.catalog.elements', icon: 'FormOutlined', permissions: ['catalog:read'] },
  { key: 'catalog.timeLimits', product: 'catalog', path: '/catalog/time-limits', titleKey: 'menu.catalog.timeLimits', icon: 'FieldTimeOutlined', permissions: ['catalog:time-limit:read'] },
  { key: 'catalog.enterprises', product: 'catalog', path: '/catalog/enterprises', titleKey: 'menu.catalog.enterprises', icon: 'BankOutlined', permissions: ['catalog:enterprise:read'] },
  { key: 'identity.tenants', product: 'identity', path: '/system/tenants', titleKey: 'menu.system.tenants', icon: 'ApartmentOutlined', permissions: ['identity:tenant:read'] },
  { key: 'identity.orgs', product: 'identity', path: '/system/orgs', titleKey: 'menu.system.orgs', icon: 'ClusterOutlined', permissions: ['identity:org:read'] },
  { key: 'identity.users', product: 'identity', path: '/system/users', titleKey: 'menu.system.users', icon: 'UserOutlined', permissions: ['identity:user:read', 'identity:user:grant'] },
  { key: 'identity.roles', product: 'identity', path: '/system/roles', titleKey: 'menu.system.roles', icon: 'SafetyCertificateOutlined', permissions: ['identity:role:read'] },
  { key: 'system.dicts', product: 'system', path: '/system/dicts', titleKey: 'menu.system.dicts', icon: 'BookOutlined', permissions: ['system:dict:read'] },
  { key: 'system.config', product: 'system', path: '/system/config', titleKey: 'menu.system.config', icon: 'ControlOutlined', permissions: ['system:config:read'] },
  { key: 'security.config', product: 'security', path: '/system/config', titleKey: 'menu.security.config', icon: 'LockOutlined', permissions: ['security:config:read'] },
  { key: 'security.sessions', product: 'security', path: '/security/sessions', titleKey: 'menu.security.sessions', icon: 'DesktopOutlined', permissions: ['security:session:read'] },
  { key: 'audit.logs', product: 'audit', path: '/audit/logs', titleKey: 'menu.audit.logs', icon: 'FileSearchOutlined', permissions: ['audit:log:read'] },
  { key: 'audit.loginLogs', product: 'audit', path: '/audit/login-logs', titleKey: 'menu.audit.loginLogs', icon: 'LoginOutlined', permissions: ['audit:login-log:read'] },
  { key: 'audit.accessLogs', product: 'audit', path: '/audit/access-logs', titleKey: 'menu.audit.accessLogs', icon: 'HistoryOutlined', permissions: ['audit:access-log:read'] },
  { key: 'messages.inbox', product: 'messages', path: '/messages', titleKey: 'menu.messages.inbox', icon: 'BellOutlined', permissions: ['message:read'] },
];

export interface MenuNode {
  key: string;
  path: string;
  titleKey: string;
  icon?: string;
  children?: MenuNode[];
}

/** Builds the menu tree (product → menus) a user sees. */
export function buildMenuTree(enabledMenus: ReadonlySet<string>, enabledProducts: ReadonlySet<string>, permissions: ReadonlySet<string>): MenuNode[] {
  const tree: MenuNode[] = [];
  for (const product of PRODUCTS) {
    if (!enabledProducts.has(product.key)) continue;
    const seen = new Set<string>();
    const children = MENUS.filter(
      (m) => m.product === product.key && enabledMenus.has(m.key) && m.permissions.some((p) => permissions.has(p)),
    )
      .filter((m) => !seen.has(m.path) && seen.add(m.path))
      .map(({ key, path, titleKey, icon }) => ({ key, path, titleKey, icon }));
    if (children.length === 0) continue;
    tree.push(
      children.length === 1 && product.key === 'workspace'
        ? children[0]!
        : { key: product.key, path: `/${product.key}`, titleKey: product.titleKey, icon: product.icon, children },
    );
  }
  return tree;
}
