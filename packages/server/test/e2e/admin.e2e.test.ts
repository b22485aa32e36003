import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/bootstrap.js';
import { generateTotp } from '../../src/platform/crypto/index.js';
import { logout as logoutOf, screenshotFailures, SHOTS, startBrowserSession, submitLogin, toastsGone as toastsGoneOn, VIEWPORT, type BrowserSession } from './browser.js';

/**
 * The administrators' day, in a real browser against a real server (embedded PGlite, real clock):
 * the system admin enrols TOTP on the profile page and logs in with it, looks at the console in
 * Uyghur (right-to-left), creates a tenant under 乌鲁木齐市, an organisation and a user in it; the
 * audit admin then finds those changes in the audit log. Three-admin separation: the system admin
 * has no audit menu.
 *
 * The steps share one browser page and run in order; a failing step leaves a screenshot in
 * packages/server/.test-results/ (as do the RTL and audit steps, on success).
 */

// The audit page shows Beijing time (UTC+8, no daylight saving).
const TZ_OFFSET_MS = 8 * 3_600_000;

const RUN = Date.now().toString(36).toUpperCase();
const TENANT_CODE = `E2E-${RUN}`;
const TENANT_NAME = `E2E测试租户${RUN}`;
const ORG_CODE = `E2E-ORG-${RUN}`;
const ORG_NAME = `E2E测试科室${RUN}`;
const USERNAME = `e2e_user_${RUN.toLowerCase()}`;
const DISPLAY_NAME = `E2E测试员${RUN}`;
const USER_PASSWORD = 'E2e@Passw0rd2026';
// Uyghur is written in Arabic script (U+0600–U+06FF and the presentation forms).
const ARABIC_SCRIPT = /[\u0600-\u06FF\uFB50-\uFDFF\uFE70-\uFEFF]/;

let session: BrowserSession | undefined;
let platform: Platform | undefined;
let pageErrors: string[] = [];
let page: Page;
let mfaSecret = '';
let tenantId = '';

const db = () => {
  if (!platform) throw new Error('platform not started');
  return platform.deps.db;
};

describe('admin console in the browser', () => {
  beforeAll(async () => {
    session = await startBrowserSession();
    platform = session.platform;
    page = session.page;
    pageErrors = session.pageErrors;
  }, 90_000);

  afterAll(() => session?.close());

  screenshotFailures('e2e-admin', () => page);

  it('sysadmin enrols TOTP on the profile page, then logs in with password + TOTP', async () => {
    await loginWithPassword('sysadmin');
    await page.waitForURL('**/dashboard');

    // Profile → two-factor authentication, through the user menu in the header.
    await page.getByTestId('user-menu').hover();
    // Click once the menu has finished sliding in (a click during the motion can miss the item).
    await page.locator('.ant-dropdown:not(.ant-dropdown-hidden):not([class*="-enter"]):not([class*="-appear"])').getByRole('menuitem', { name: '双因素认证' }).click();
    await page.waitForURL((url) => url.pathname === '/profile' && url.searchParams.get('tab') === 'mfa');
    await page.getByTestId('mfa-enroll').click();

    // A QR code (a PNG that really decoded) and the secret for manual entry.
    const qr = page.getByTestId('mfa-qr');
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth >= 100)).toBe(true);
    mfaSecret = (await page.getByTestId('mfa-secret').locator('span[dir="ltr"]').innerText()).replace(/\s+/g, '');
    expect(mfaSecret).toMatch(/^[A-Z2-7]{16,}$/);
    const stored = await db().selectFrom('app_user').select(['mfa_secret_enc', 'mfa_enabled']).where('username', '=', 'sysadmin').executeTakeFirstOrThrow();
    expect(stored.mfa_enabled).toBe(false);
    expect(platform!.deps.cipher.decrypt(stored.mfa_secret_enc!)).toBe(mfaSecret);

    // Type the authenticator's current code; the recovery codes are shown once.
    await page.getByTestId('mfa-activate-code').fill(generateTotp(mfaSecret, new Date()));
    await page.getByTestId('mfa-activate').click();
    const recovery = page.getByTestId('recovery-codes');
    await recovery.waitFor();
    const codes = await recovery.locator('code').allInnerTexts();
    expect(codes).toHaveLength(10);
    for (const c of codes) expect(c).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}$/);
    await page.getByTestId('recovery-done').click();
    const enabled = await db().selectFrom('app_user').select('mfa_enabled').where('username', '=', 'sysadmin').executeTakeFirstOrThrow();
    expect(enabled.mfa_enabled).toBe(true);

    await logout();

    // Password first, then the MFA step.
    await loginWithPassword('sysadmin');
    const code = page.getByTestId('mfa-code');
    await code.waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    // Activation consumed the current 30-second step and the server refuses a step twice (replay
    // protection); the next step is inside its ±1 window.
    await code.fill(generateTotp(mfaSecret, new Date(Date.now() + 30_000)));
    await page.getByTestId('mfa-submit').click();
    await page.waitForURL('**/dashboard');
    expect(await page.getByTestId('current-tenant').innerText()).toContain('新疆维吾尔自治区');

    const login = await db().selectFrom('login_log').select(['result', 'reason']).where('username', '=', 'sysadmin').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(login).toEqual({ result: 'success', reason: 'password+totp' });

    // Three-admin separation: the system admin manages tenants but has no audit menu.
    await sideMenuLink('/system/tenants').waitFor();
    expect(await page.locator('a[href^="/audit/"]').count()).toBe(0);
  });

  it('switches the console to Uyghur (right-to-left) and back to Chinese', async () => {
    const tenantsItem = sideMenuLink('/system/tenants');
    await page.getByTestId('lang-ug').click();
    await expect.poll(() => page.evaluate(() => [document.documentElement.dir, document.documentElement.lang])).toEqual(['rtl', 'ug']);
    await expect.poll(() => tenantsItem.innerText()).toMatch(ARABIC_SCRIPT);
    expect(await tenantsItem.isVisible()).toBe(true);
    expect(await page.getByTestId('product-name').innerText()).toMatch(ARABIC_SCRIPT);
    expect(await localStorageLocale()).toBe('ug');
    // Mirrored layout: the menu is on the right, the user's actions on the left.
    const sider = await page.locator('.ant-pro-sider').first().boundingBox();
    const logoutButton = await page.getByTestId('logout').boundingBox();
    expect(sider?.x).toBeGreaterThan(VIEWPORT.width / 2);
    expect(logoutButton?.x).toBeLessThan(VIEWPORT.width / 2);
    await toastsGone();
    await page.screenshot({ path: `${SHOTS}/e2e-admin-rtl.png`, animations: 'disabled' });

    await page.getByTestId('lang-zh-CN').click();
    await expect.poll(() => page.evaluate(() => [document.documentElement.dir, document.documentElement.lang])).toEqual(['ltr', 'zh-CN']);
    await expect.poll(() => tenantsItem.innerText()).toBe('租户管理');
    expect((await page.locator('.ant-pro-sider').first().boundingBox())?.x).toBeLessThan(VIEWPORT.width / 2);
  });

  it('sysadmin creates a tenant under 乌鲁木齐市', async () => {
    await sideMenuLink('/system/tenants').click();
    await page.waitForURL('**/system/tenants');
    const tree = page.getByTestId('tenant-tree');
    const detailTitle = page.getByTestId('tenant-detail').locator('h4');
    await tenantNode(tree, '乌鲁木齐市').click();
    await expect.poll(() => detailTitle.innerText()).toBe('乌鲁木齐市');

    await page.getByTestId('tenant-create').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // The parent defaults to the selected tenant, the kind to 'region'.
    expect(await dialog.locator('.ant-select-selection-item').allInnerTexts()).toEqual(['乌鲁木齐市', '行政区域']);
    await dialog.getByLabel('租户编码').fill(TENANT_CODE);
    await dialog.getByLabel('租户名称').fill(TENANT_NAME);
    expect(await submitDialog(dialog, '/api/v1/tenants')).toBe(201);

    // The new tenant is in the tree, selected, and shown with its parent.
    await tenantNode(tree, TENANT_NAME).waitFor();
    await expect.poll(() => detailTitle.innerText()).toBe(TENANT_NAME);
    const detail = await page.getByTestId('tenant-detail').innerText();
    expect(detail).toContain(TENANT_CODE);
    expect(detail).toContain('乌鲁木齐市');

    const row = await db().selectFrom('tenant').select(['id', 'parent_id', 'name', 'kind', 'status', 'level']).where('code', '=', TENANT_CODE).executeTakeFirstOrThrow();
    const parent = await db().selectFrom('tenant').select(['id', 'level']).where('code', '=', '650100').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ parent_id: parent.id, name: TENANT_NAME, kind: 'region', status: 'active', level: parent.level + 1 });
    tenantId = row.id;
  });

  it('sysadmin creates an organisation and a user in the new tenant', async () => {
    expect(tenantId).not.toBe('');
    // A user belongs to an organisation of the tenant: create one first.
    await sideMenuLink('/system/orgs').click();
    await page.waitForURL('**/system/orgs');
    await pickTenant(page.getByTestId('org-tenant-picker'), TENANT_NAME);
    await page.getByTestId('org-create').click();
    let dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByLabel('机构编码').fill(ORG_CODE);
    await dialog.getByLabel('机构名称').fill(ORG_NAME);
    expect(await submitDialog(dialog, '/api/v1/orgs')).toBe(201);
    await page.getByTestId('org-tree').locator('.ant-tree-node-content-wrapper', { hasText: ORG_CODE }).waitFor();

    await sideMenuLink('/system/users').click();
    await page.waitForURL('**/system/users');
    await pickTenant(page.getByTestId('user-tenant-picker'), TENANT_NAME);
    await page.locator('.split-side .ant-tree').getByText(ORG_NAME, { exact: true }).waitFor();
    await page.getByTestId('user-create').click();
    dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // The tenant comes from the page; the organisation is picked from the tenant's tree.
    expect(await dialog.locator('.ant-select-selection-item').first().innerText()).toBe(TENANT_NAME);
    await dialog.getByLabel('所属机构').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-tree-node-content-wrapper').getByText(ORG_NAME, { exact: true }).click();
    await dialog.getByLabel('用户名').fill(USERNAME);
    await dialog.getByLabel('姓名').fill(DISPLAY_NAME);
    await dialog.getByLabel('初始密码').fill(USER_PASSWORD);
    expect(await submitDialog(dialog, '/api/v1/users')).toBe(201);

    const row = page.getByTestId('user-table').locator('tr.ant-table-row', { hasText: USERNAME });
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain(DISPLAY_NAME);
    expect(text).toContain(ORG_NAME);

    const user = await db()
      .selectFrom('app_user')
      .innerJoin('org', 'org.id', 'app_user.org_id')
      .select(['app_user.tenant_id', 'org.code as orgCode', 'app_user.must_change_password'])
      .where('app_user.username', '=', USERNAME)
      .executeTakeFirstOrThrow();
    expect(user).toEqual({ tenant_id: tenantId, orgCode: ORG_CODE, must_change_password: true });
  });

  it("auditadmin finds sysadmin's changes in the audit log", async () => {
    await logout();
    await loginWithPassword('auditadmin');
    await page.waitForURL('**/dashboard');
    await sideMenuLink('/audit/logs').click();
    await page.waitForURL('**/audit/logs');
    const table = page.getByTestId('audit-table');
    const rows = table.locator('tr.ant-table-row');
    await rows.first().waitFor();

    // Everything sysadmin did, newest first.
    await table.getByLabel('操作人').fill('sysadmin');
    expect(await search(table, 'actor=sysadmin')).toBe(200);
    await expect
      .poll(() => rows.locator('td:nth-child(4)').allInnerTexts())
      .toEqual(['创建用户', '创建机构', '创建租户', '启用双因素认证', '开始绑定双因素认证']);
    for (const r of await rows.allInnerTexts()) expect(r).toContain('系统管理员(sysadmin)');

    // The time is shown in the browser's time zone.
    const audit = await db().selectFrom('audit_log').select(['at']).where('action', '=', 'tenant.create').where('target_id', '=', tenantId).executeTakeFirstOrThrow();
    const tenantRow = rows.filter({ hasText: '创建租户' });
    expect(await tenantRow.innerText()).toContain(new Date(new Date(audit.at).getTime() + TZ_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' '));

    // Expanding a record shows what changed.
    await tenantRow.locator('.ant-table-row-expand-icon').click();
    const tenantDetail = table.locator('tr.ant-table-expanded-row').filter({ hasText: TENANT_CODE });
    await tenantDetail.waitFor();
    expect(await tenantDetail.innerText()).toContain(tenantId);
    expect(await tenantDetail.innerText()).toContain(TENANT_NAME);
    await toastsGone();
    await page.screenshot({ path: `${SHOTS}/e2e-admin-audit.png`, animations: 'disabled' });

    // The action filter narrows the list to the user creation.
    await table.getByLabel('操作', { exact: true }).fill('user.create');
    expect(await search(table, 'action=user.create')).toBe(200);
    await expect.poll(() => rows.count()).toBe(1);
    const userRow = rows.first();
    expect(await userRow.innerText()).toContain('创建用户');
    await userRow.locator('.ant-table-row-expand-icon').click();
    const userDetail = table.locator('tr.ant-table-expanded-row').filter({ hasText: USERNAME });
    await userDetail.waitFor();
    expect(await userDetail.innerText()).toContain(tenantId);

    expect(pageErrors).toEqual([]);
  });
});

function sideMenuLink(path: string): Locator {
  return page.locator(`.ant-pro-sider a[href="${path}"]`);
}

function localStorageLocale(): Promise<string | null> {
  return page.evaluate(() => localStorage.getItem('hotline.locale'));
}

function loginWithPassword(username: string): Promise<void> {
  return submitLogin(page, username);
}

function logout(): Promise<void> {
  return logoutOf(page);
}

/** Clicks OK in a modal form and returns the status of the POST it sends; the modal closes. */
async function submitDialog(dialog: Locator, apiPath: string): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === apiPath && r.request().method() === 'POST'),
    dialog.getByRole('button', { name: /确\s*定/ }).click(),
  ]);
  await dialog.waitFor({ state: 'hidden' });
  return response.status();
}

/**
 * Clicks the search button of a ProTable query form and returns the status of the list request.
 * The button's accessible name may still hold antd's fading "loading" icon from the previous
 * request, so the name is not anchored; a button that is really loading is waited out.
 */
async function search(table: Locator, queryPart: string): Promise<number> {
  const button = table.locator('.ant-pro-query-filter').getByRole('button', { name: /查\s*询/ });
  await expect.poll(() => button.evaluate((b) => b.classList.contains('ant-btn-loading'))).toBe(false);
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/audit/logs' && r.url().includes(queryPart)),
    button.click(),
  ]);
  return response.status();
}

/** A tenant in the tenant tree, by its exact name. */
function tenantNode(tree: Locator, name: string): Locator {
  return tree.locator('.ant-tree-node-content-wrapper').filter({ has: page.locator('.tenant-node-name').getByText(name, { exact: true }) });
}

/** Picks a tenant in a TenantPicker (an antd TreeSelect with search) by typing its name. */
async function pickTenant(picker: Locator, name: string): Promise<void> {
  await picker.click();
  await picker.locator('input').fill(name);
  await page.locator('.ant-select-dropdown:visible .ant-select-tree-node-content-wrapper').filter({ hasText: name }).first().click();
  await expect.poll(() => picker.locator('.ant-select-selection-item').innerText()).toBe(name);
}

/** Success toasts of earlier steps fade after 3 s; wait for them so screenshots show the page. */
function toastsGone(): Promise<void> {
  return toastsGoneOn(page);
}
