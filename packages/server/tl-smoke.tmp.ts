import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { createPlatform } from './src/bootstrap.js';
import { openDatabase } from './src/platform/db/database.js';
import { testConfig } from './test/harness.js';

const database = await openDatabase({});
const platform = await createPlatform(testConfig({ webDist: '/tmp/tl-build' }), { logger: false, database, startWorkers: false });
await platform.app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(platform.app.server.address() as AddressInfo).port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ baseURL: base, viewport: { width: 1440, height: 1000 } });
const errors: string[] = [];
page.on('pageerror', (e) => errors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
try {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(process.argv[2] ?? 'catalog_wlmq');
  await page.getByTestId('login-password').fill('Hotline@2026');
  await page.getByTestId('login-submit').click();
  await page.waitForURL('**/dashboard');
  await page.goto('/catalog/time-limits');
  await page.getByTestId('time-limit-matrix').waitFor();
  await page.waitForTimeout(800);
  await page.screenshot({ path: '/tmp/tl-level.png', fullPage: true });
  await page.getByRole('tab', { name: '按行业' }).click();
  await page.waitForTimeout(800);
  await page.screenshot({ path: '/tmp/tl-industry.png', fullPage: true });
  await page.getByRole('tab', { name: '全部规则' }).click();
  await page.getByTestId('time-limit-table').waitFor();
  await page.waitForTimeout(1000);
  await page.screenshot({ path: '/tmp/tl-rules.png', fullPage: true });
  // resolve tester
  const tester = page.getByTestId('time-limit-tester');
  await tester.getByLabel('行业领域').click();
  await page.keyboard.type('水电');
  await page.keyboard.press('Enter');
  await tester.getByLabel('紧急程度').click();
  await page.getByTitle('特急').click();
  await tester.getByRole('button', { name: /试\s*算/ }).click();
  await page.getByTestId('time-limit-result').waitFor();
  await page.screenshot({ path: '/tmp/tl-tester.png', fullPage: false });
  await page.getByTestId('time-limit-create').click();
  await page.waitForTimeout(600);
  await page.screenshot({ path: '/tmp/tl-modal.png' });
} catch (e) {
  console.error('FAILED', e);
  await page.screenshot({ path: '/tmp/tl-fail.png', fullPage: true });
} finally {
  console.log('errors:', JSON.stringify(errors, null, 1));
  await browser.close();
  await platform.close();
  await database.close();
}
