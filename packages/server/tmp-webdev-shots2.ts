import { startBrowserSession, submitLogin } from './test/e2e/browser.js';

const s = await startBrowserSession();
const page = s.page;
page.setDefaultTimeout(8000);
const shot = async (name: string) => { await page.waitForTimeout(800); await page.screenshot({ path: `/tmp/webdev/shots/${name}.png` }); };
const step = async (name: string, f: () => Promise<void>) => { try { await f(); console.log('OK', name); } catch (e) { console.log('FAIL', name, String(e).slice(0, 300)); await shot(`fail-${name}`); } };
await submitLogin(page, 'agent01'); await page.waitForURL((url) => url.pathname !== '/login');
await step('autosave', async () => {
  await page.goto('/tickets/new');
  await page.getByTestId('field-title').fill('草稿自动保存测试');
  await page.locator('.ant-tag', { hasText: '草稿' }).waitFor({ timeout: 8000 });
  await page.getByTestId('field-content').fill('内容也要保存');
  await page.waitForTimeout(4500);
  await page.goto('/tickets/new');
  await page.getByTestId('my-drafts').click();
  await page.locator('tr.ant-table-row', { hasText: '草稿自动保存测试' }).getByTestId('resume-draft').click();
  const v = await page.getByTestId('field-content').inputValue();
  console.log('  content', v);
  await page.getByTestId('register').click();
  await page.getByTestId('registered-no').waitFor();
  await shot('registered');
});
await step('search', async () => {
  await page.goto('/tickets');
  await page.locator('tr.ant-table-row').first().waitFor();
  await shot('search');
});
console.log('pageErrors', s.pageErrors);
await s.close();
process.exit(0);
