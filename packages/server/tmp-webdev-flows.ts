import { startBrowserSession, submitLogin } from './test/e2e/browser.js';
import { DEMO_PASSWORD } from './src/seed/demo.seed.js';
import type { AddressInfo } from 'node:net';

const s = await startBrowserSession();
const { port } = s.platform.app.server.address() as AddressInfo;
const base = `http://127.0.0.1:${port}`;
const page = s.page;
page.setDefaultTimeout(8000);
const db = s.platform.deps.db;
async function tok(u: string) {
  const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.1.1.1' }, body: JSON.stringify({ username: u, password: DEMO_PASSWORD }) });
  return ((await r.json()) as { token: string }).token;
}
async function api(u: string, m: string, p: string, b?: unknown) {
  const r = await fetch(`${base}/api/v1${p}`, { method: m, headers: { authorization: `Bearer ${await tok(u)}`, 'x-forwarded-for': '10.1.1.1', 'content-type': 'application/json' }, body: b === undefined ? undefined : JSON.stringify(b) });
  const txt = await r.text();
  if (!r.ok) console.log('API ERR', m, p, r.status, txt.slice(0, 200));
  return JSON.parse(txt || '{}') as Record<string, unknown>;
}
const zjt = (await db.selectFrom('org').select('id').where('code', '=', 'ZJT').executeTakeFirstOrThrow()).id;
async function make(title: string) {
  const t = await api('agent01', 'POST', '/tickets', { channel: 'phone', title, content: '内容', citizen: { name: '李先生', phone: '13900009999' } });
  const d = await api('dispatcher01', 'POST', `/tickets/${t.id}/dispatch`, { mode: 'single', orgIds: [zjt] });
  return { id: String(t.id), taskId: (d.taskIds as string[])[0]! };
}
const login = async (u: string) => { if (page.url().includes('/tickets') || page.url().includes('/dashboard')) { await page.getByTestId('logout').dispatchEvent('click'); await page.waitForURL('**/login'); } await submitLogin(page, u); await page.waitForURL((url) => url.pathname !== '/login'); await page.getByTestId('logout').waitFor(); };
const shot = async (name: string) => { await page.screenshot({ path: `/tmp/webdev/shots/${name}.png` }); };
const status = async (id: string) => (await db.selectFrom('ticket').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const step = async (name: string, f: () => Promise<void>) => { try { await f(); console.log('OK', name); } catch (e) { console.log('FAIL', name, String(e).slice(0, 300)); await shot(`fail-${name}`); } };

const r1 = await make('退回流程样例');
const r2 = await make('挂起流程样例');
await api('handler_xj', 'POST', `/ticket-tasks/${r2.taskId}/sign`, {});
await step('unit returns', async () => {
  await login('handler_xj');
  await page.goto('/tickets/tasks');
  const row = page.locator('tr.ant-table-row', { hasText: '退回流程样例' });
  await row.getByTestId('task-return').click();
  await page.getByTestId('return-reason').locator('.ant-select-selector').click();
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').first().click();
  await page.getByTestId('task-action-reason').fill('非本单位职责');
  await page.getByTestId('task-action-submit').click();
  await page.locator('.ant-message-notice').first().waitFor();
  console.log('  status', await status(r1.id));
});
await step('unit suspends', async () => {
  await page.getByTestId('tab-handling').click();
  const row = page.locator('tr.ant-table-row', { hasText: '挂起流程样例' });
  await row.getByTestId('task-more').hover();
  await page.locator('.ant-dropdown-menu-item', { hasText: '申请挂起' }).click();
  await page.locator('.ant-modal-content .ant-select-selector').first().click();
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').first().click();
  await page.locator('.ant-modal-content .ant-input-number-input').fill('5');
  await page.getByTestId('task-action-reason').fill('等待第三方答复');
  await page.locator('.ant-modal-content input[type=file]').setInputFiles({ name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
  await page.locator('.ant-modal-content .ant-upload-list-item').waitFor();
  await page.getByTestId('task-action-submit').click();
  await page.locator('.ant-message-notice').first().waitFor();
});
await step('dispatcher decides return with redispatch', async () => {
  await login('dispatcher01');
  await page.goto('/tickets/dispatch');
  await page.getByRole('tab', { name: '退单审核' }).click();
  await page.locator('tr.ant-table-row', { hasText: '退回流程样例' }).getByTestId('decide-return').click();
  await page.getByTestId('request-pick').click();
  await page.getByText('改派其他单位').click();
  await page.getByTestId('unit-tenant').locator('.ant-select-selector').click();
  await page.keyboard.type('乌鲁木齐');
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-tree-node-content-wrapper', { hasText: '乌鲁木齐市' }).first().click();
  await page.getByTestId('unit-orgs').locator('.ant-select-selector').click();
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-tree-node-content-wrapper', { hasText: '住房和城乡建设局' }).first().click();
  await page.getByTestId('decide-opinion').fill('改派市住建局');
  await page.getByTestId('decide-approve').click();
  await page.locator('.ant-message-notice', { hasText: '已同意' }).waitFor();
  console.log('  status', await status(r1.id));
});
await step('reviewer approves suspension', async () => {
  await login('reviewer01');
  await page.goto('/tickets/review');
  await page.getByRole('tab', { name: '待我审批' }).click();
  await page.locator('tr.ant-table-row', { hasText: '挂起流程样例' }).getByTestId('open-decide').click();
  await page.getByTestId('request-pick').click();
  await page.getByTestId('decide-opinion').fill('同意');
  await page.getByTestId('decide-approve').click();
  await page.locator('.ant-message-notice', { hasText: '已同意' }).waitFor();
  const task = await db.selectFrom('ticket_task').select('status').where('id', '=', r2.taskId).executeTakeFirstOrThrow();
  console.log('  task', task.status);
});
await step('sla rule dry run + activate', async () => {
  await login('supervisor01');
  await page.goto('/tickets/sla-rules');
  await page.getByRole('button', { name: /新建规则/ }).click();
  await page.locator('.ant-modal-content input#name').fill('超期督办');
  await page.locator('.ant-modal-content').getByRole('button', { name: /确/ }).click();
  await page.locator('tr.ant-table-row', { hasText: '超期督办' }).waitFor();
  await page.locator('tr.ant-table-row', { hasText: '超期督办' }).getByRole('button', { name: '模拟测试' }).click();
  await page.locator('.ant-modal-title', { hasText: '命中' }).waitFor();
  await shot('sla-dryrun');
  await page.keyboard.press('Escape');
  await page.locator('tr.ant-table-row', { hasText: '超期督办' }).getByRole('button', { name: /启\s*用/ }).click();
  await page.locator('tr.ant-table-row', { hasText: '已启用' }).waitFor();
});
await step('h5 submit + query', async () => {
  await page.goto('/h5/submit');
  await page.locator('#name').fill('张三');
  await page.locator('#phone').fill('13912345678');
  await page.locator('#title').fill('路灯不亮');
  await page.locator('#content').fill('某某路路灯不亮');
  await page.getByRole('button', { name: /提\s*交/ }).click();
  const no = (await page.getByTestId('h5-no').textContent())?.replace(/[^A-Z0-9]/g, '');
  console.log('  no', no);
  await page.getByRole('button', { name: '进度查询' }).click();
  await page.locator('#phone').fill('13912345678');
  await page.getByRole('button', { name: /查\s*询/ }).click();
  await page.locator('.ant-timeline-item').first().waitFor();
  await shot('h5-progress');
});
console.log('pageErrors', s.pageErrors);
await s.close();
process.exit(0);
