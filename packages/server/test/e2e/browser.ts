import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { beforeEach, expect, onTestFailed } from 'vitest';
import { createPlatform, type Platform } from '../../src/bootstrap.js';
import { openDatabase, type DbHandle } from '../../src/platform/db/database.js';
import { DEMO_PASSWORD } from '../../src/seed/demo.seed.js';
import { testConfig } from '../harness.js';

/**
 * What every browser test needs: the real platform in-process on embedded PGlite with the real
 * clock (TOTP codes typed into the page come from the wall clock), serving the built SPA, and
 * Debian's chromium driven by playwright-core. Never a downloaded browser.
 */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));
export const SHOTS = fileURLToPath(new URL('../../.test-results', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const VIEWPORT = { width: 1440, height: 900 };
// Beijing time, as on the operators' machines (UTC+8, no daylight saving).
const TIME_ZONE = 'Asia/Shanghai';

export interface BrowserSession {
  platform: Platform;
  page: Page;
  /** Uncaught errors thrown in the page; tests assert it stays empty. */
  pageErrors: string[];
  /** Another tab in the same browser (its own session storage, so another user can log in). */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface BrowserSessionOptions {
  /**
   * Chromium's fake capture device as the microphone (a beep every second), granted without a
   * prompt, and real host ICE candidates instead of mDNS names, for the WebRTC softphone.
   */
  fakeMicrophone?: boolean;
}

const FAKE_MICROPHONE_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--disable-features=WebRtcHideLocalIpsWithMdns'];

export async function startBrowserSession(opts: BrowserSessionOptions = {}): Promise<BrowserSession> {
  if (!existsSync(`${WEB_DIST}/index.html`)) {
    throw new Error(`The web app is not built: ${WEB_DIST}/index.html is missing. Build it first: cd packages/web && npx vite build`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(SHOTS, { recursive: true });

  const database: DbHandle = await openDatabase({});
  // No model build in the background: it would take a core from chromium for the first minute.
  const platform = await createPlatform(testConfig({ webDist: WEB_DIST }), { database, logger: false, assistWarmUp: false });
  await platform.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = platform.app.server.address() as AddressInfo;

  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(opts.fakeMicrophone ? FAKE_MICROPHONE_ARGS : [])],
  });
  const context = await browser.newContext({ baseURL: `http://127.0.0.1:${port}`, viewport: VIEWPORT, locale: 'zh-CN', timezoneId: TIME_ZONE, ...(opts.fakeMicrophone ? { permissions: ['microphone'] } : {}) });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return {
    platform,
    page,
    pageErrors,
    newPage: () => context.newPage(),
    async close() {
      await browser.close();
      await platform.close();
      await database.close();
    },
  };
}

/** A failing step leaves `<prefix>-FAILED-<test>.png` in .test-results/. */
export function screenshotFailures(prefix: string, page: () => Page | undefined): void {
  beforeEach((ctx) => {
    onTestFailed(async () => {
      const name = ctx.task.name.replace(/[^\w\u4e00-\u9fff]+/g, '-').slice(0, 60);
      await page()?.screenshot({ path: `${SHOTS}/${prefix}-FAILED-${name}.png` }).catch(() => undefined);
    });
  });
}

/** Types the demo password for `username` on the login page (opening it when needed). */
export async function submitLogin(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  if (new URL(page.url(), 'http://x').pathname !== '/login') await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

export async function logout(page: Page): Promise<void> {
  await page.getByTestId('logout').click();
  await page.waitForURL('**/login');
  await page.getByTestId('login-username').waitFor();
}

/** Waits until antd's toasts from the previous step are gone, so screenshots and clicks are clean. */
export async function toastsGone(page: Page): Promise<void> {
  await expect.poll(() => page.locator('.ant-message-notice').count(), { timeout: 5_000 }).toBe(0);
}
