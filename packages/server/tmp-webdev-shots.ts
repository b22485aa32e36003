import { startBrowserSession, submitLogin } from './test/e2e/browser.js';
import { DEMO_PASSWORD } from './src/seed/demo.seed.js';
import type { AddressInfo } from 'node:net';

const s = await startBrowserSession();
const { port } = s.platform.app.server.address() as AddressInfo;
const base = `http://127.0.0.1:${port}`;
const page = s.page;
async function tok(u: string) {
  const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.1.1.1' }, body: JSON.stringify({ username: u, password: DEMO_PASSWORD }) });
  return ((await r.json()) as { token: string }).token;
}
async function api(u: string, m: string, p: string, b?: unknown) {
  const r = await fetch(`${base}/api/v1${p}`, { method: m, headers: { authorization: `Bearer ${await tok(u)}`, 'x-forwarded-for': '10.1.1.1', 'content-type': 'application/json' }, body: b === undefined ? undefined : JSON.stringify(b) });
  return r.json() as Promise<Record<string, unknown>>;
}
const zjt = (await s.platform.deps.db.selectFrom('org').select('id').where('code', '=', 'ZJT').executeTakeFirstOrThrow()).id;
const ids: string[] = [];
for (let i = 0; i < 3; i++) {
  const t = await api('agent01', 'POST', '/tickets', { channel: 'phone', title: `样例工单${i} 小区供暖不热`, content: '家中暖气片不热，室温只有14度。', citizen: { name: '李先生', phone: '13900009999' }, urgency: i === 1 ? 'urgent' : 'normal' });
  await api('dispatcher01', 'POST', `/tickets/${t.id}/dispatch`, { mode: 'single', orgIds: [zjt] });
  ids.push(String(t.id));
}
const login = async (u: string) => { await submitLogin(page, u); await page.waitForURL((url) => url.pathname !== '/login'); await page.getByTestId('logout').waitFor(); };
const logout = async () => { await page.getByTestId('logout').dispatchEvent('click'); await page.waitForURL('**/login'); };
const shot = async (name: string) => { await page.waitForTimeout(1200); await page.screenshot({ path: `/tmp/webdev/shots/${name}.png`, fullPage: false }); };

await login('handler_xj');
await page.setViewportSize({ width: 375, height: 812 });
await page.goto('/tickets/tasks'); await shot('tasks-375');
await page.goto(`/tickets/${ids[0]}`); await shot('detail-375');
await page.setViewportSize({ width: 1440, height: 900 });
await page.goto('/tickets/tasks'); await shot('tasks-1440');
await logout();
await login('agent01');
await page.goto('/tickets/new'); await shot('new');
await page.getByTestId('field-phone').fill('13900009999'); await page.getByTestId('field-phone').blur(); await shot('new-history');
await logout();
await login('dispatcher01');
await page.goto(`/tickets/${ids[1]}`); await shot('detail');
await page.getByTestId('lang-ug').click(); await shot('detail-ug');
await page.getByTestId('lang-en').click(); await shot('detail-en');
await page.getByTestId('lang-zh-CN').click();
await page.goto('/tickets'); await shot('search');
await logout();
await login('supervisor01');
await page.goto('/tickets/sla-rules'); await shot('sla');
await page.setViewportSize({ width: 375, height: 812 });
await page.goto('/h5/query'); await shot('h5-query');
await s.close();
process.exit(0);
