/**
 * Which product an API path belongs to. A tenant that has not enabled a product gets neither its
 * menus nor its endpoints: hiding menus alone would leave the API open to anyone with a token.
 * Paths not listed (auth, /me, imports, health) belong to every tenant.
 */
const PRODUCT_PREFIXES: [prefix: string, products: string[]][] = [
  ['/api/v1/tenants', ['identity']],
  ['/api/v1/orgs', ['identity']],
  ['/api/v1/users', ['identity']],
  ['/api/v1/roles', ['identity']],
  ['/api/v1/permissions', ['identity']],
  ['/api/v1/dicts', ['system']],
  ['/api/v1/config', ['system', 'security']],
  ['/api/v1/sessions', ['security']],
  ['/api/v1/audit', ['audit']],
  ['/api/v1/notifications', ['messages']],
  ['/api/v1/catalog', ['catalog']],
  ['/api/v1/enterprises', ['catalog']],
  ['/api/v1/time-limits', ['catalog']],
  ['/api/v1/tickets', ['tickets']],
  ['/api/v1/ticket-tasks', ['tickets']],
  ['/api/v1/ticket-requests', ['tickets']],
  ['/api/v1/callbacks', ['tickets']],
  ['/api/v1/supervisions', ['tickets']],
  ['/api/v1/sla-rules', ['tickets']],
  ['/api/v1/ticket-config', ['tickets']],
  ['/api/v1/citizens', ['tickets']],
  ['/api/v1/assist', ['tickets']],
  ['/api/v1/telephony', ['telephony']],
  ['/api/v1/kb', ['knowledge']],
];

export function productsForPath(routeUrl: string): string[] | undefined {
  return PRODUCT_PREFIXES.find(([prefix]) => routeUrl === prefix || routeUrl.startsWith(`${prefix}/`))?.[1];
}
