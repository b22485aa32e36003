import type { Locator, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/bootstrap.js';
import { logout as logoutOf, screenshotFailures, SHOTS, startBrowserSession, submitLogin, toastsGone as toastsGoneOn, VIEWPORT, type BrowserSession } from './browser.js';

/**
 * A catalogue item's change control, in a real browser against a real server (embedded PGlite,
 * real clock): the catalogue admin finds a seeded item by its pinyin initials, edits its definition
 * (a new keyword, a new description) and submits it, and files a new item on a leaf category; the
 * reviewer sees both changes with the highlighted field diff, approves the edit (V2 is published)
 * and rejects the new item with an opinion; the admin sees V2 in the version history and the
 * opinion on the rejected item; 乌鲁木齐市, which had adopted V1, sees the update waiting on its
 * implementation list (实施清单).
 *
 * The steps share one browser page and run in order; a failing step leaves a screenshot in
 * packages/server/.test-results/ (as does the review step, on success).
 */


const RUN = Date.now().toString(36).toUpperCase();
// A seeded standard item (root tenant, V1 published) and its leaf category.
const ITEM_NAME = '供暖温度不达标';
const CATEGORY_NAME = '冬季供暖';
const NEW_KEYWORD = `E2E测温${RUN}`;
const NEW_DESCRIPTION = `反映供暖期室内温度低于18℃、暖气片不热或上热下不热（E2E ${RUN}）`;
const NEW_CODE = `E2E-${RUN}`;
const NEW_NAME = `E2E测试事项${RUN}`;
const REJECT_OPINION = `与“${ITEM_NAME}”重复，请并入已有事项（E2E ${RUN}）`;
const WLMQ_CODE = '650100';

let session: BrowserSession | undefined;
let platform: Platform | undefined;
let pageErrors: string[] = [];
let page: Page;

// Filled in as the steps go.
let item = { id: '', code: '', pinyin: '', description: '', keywords: [] as string[] };
let newItemId = '';
let editChangeId = '';
let createChangeId = '';
let wlmqTenantId = '';

const db = () => {
  if (!platform) throw new Error('platform not started');
  return platform.deps.db;
};

describe('catalogue change control in the browser', () => {
  beforeAll(async () => {
    session = await startBrowserSession();
    platform = session.platform;
    page = session.page;
    pageErrors = session.pageErrors;

    const seeded = await db().selectFrom('catalog_item').select(['id', 'code', 'pinyin', 'description', 'keywords', 'current_version', 'status']).where('name', '=', ITEM_NAME).executeTakeFirstOrThrow();
    expect(seeded).toMatchObject({ current_version: 1, status: 'published' });
    item = { id: seeded.id, code: seeded.code, pinyin: seeded.pinyin, description: seeded.description, keywords: seeded.keywords };

    // 乌鲁木齐市 adopted V1 of the item earlier (the demo seed has no adoptions): an approved edit
    // flags it as having an update to confirm.
    const wlmq = await db().selectFrom('tenant').select('id').where('code', '=', WLMQ_CODE).executeTakeFirstOrThrow();
    const wlmqAdmin = await db().selectFrom('app_user').select('id').where('username', '=', 'catalog_wlmq').executeTakeFirstOrThrow();
    wlmqTenantId = wlmq.id;
    await db()
      .insertInto('catalog_adoption')
      .values({ tenant_id: wlmq.id, item_id: item.id, adopted_version: 1, status: 'active', local_detail: JSON.stringify({}), updated_by: wlmqAdmin.id, updated_at: new Date() })
      .execute();

  }, 90_000);

  afterAll(() => session?.close());

  screenshotFailures('e2e-catalog', () => page);

  it('catalog01 finds a seeded item by its pinyin initials, edits it and submits the edit', async () => {
    await login('catalog01');
    await openItemsPage();

    // The pinyin initials of the name (供暖温度不达标 → gnwdbdb) find the item.
    expect(item.pinyin).toBe('gnwdbdb');
    await searchItems(item.pinyin);
    const link = page.getByTestId(`catalog-item-${item.code}`);
    await link.waitFor();
    await expect.poll(() => itemRows().count()).toBe(1);
    expect(await itemRow(item.code).innerText()).toContain(ITEM_NAME);
    expect(await itemRow(item.code).innerText()).toContain('V1');

    await link.click();
    const drawer = drawerOf(ITEM_NAME);
    await drawer.getByTestId('catalog-item-edit').click();
    const dialog = page.getByRole('dialog', { name: `修改事项 ${item.code}` });
    await dialog.waitFor();
    // Code and category are fixed once created.
    expect(await dialog.getByLabel('事项编码').isDisabled()).toBe(true);
    const keywords = dialog.getByLabel('关键词');
    const tags = formItem(dialog, '关键词').locator('.ant-select-selection-item-content');
    expect(await tags.allInnerTexts()).toEqual(item.keywords);
    await keywords.fill(NEW_KEYWORD);
    await keywords.press('Enter');
    await expect.poll(() => tags.allInnerTexts()).toEqual([...item.keywords, NEW_KEYWORD]);
    await dialog.getByLabel('事项描述').fill(NEW_DESCRIPTION);

    const submit = dialog.getByTestId('catalog-item-submit');
    const response = await withResponse('PATCH', `/api/v1/catalog/items/${item.id}`, () => submit.click());
    expect(response.status()).toBe(200);
    await dialog.waitFor({ state: 'hidden' });

    // The published content keeps serving until approval; the drawer shows the pending edit.
    await drawer.getByText('有一项修改变更：待审核').waitFor();
    expect(await drawer.getByTestId('catalog-item-edit').count()).toBe(0);
    const stored = await db().selectFrom('catalog_item').select(['current_version', 'description', 'keywords']).where('id', '=', item.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ current_version: 1, description: item.description, keywords: item.keywords });
    const change = await db().selectFrom('catalog_change').select(['id', 'action', 'status', 'base_version']).where('entity_id', '=', item.id).executeTakeFirstOrThrow();
    expect(change).toMatchObject({ action: 'update', status: 'pending', base_version: 1 });
    editChangeId = change.id;
    await closeDrawer(drawer);
    await expect.poll(() => itemRow(item.code).innerText()).toContain('待审核');
  });

  it('catalog01 files a new item on a leaf category and submits it', async () => {
    // Pick the leaf category in the tree: the create form starts on it.
    await page.getByTestId('catalog-category-search').fill(CATEGORY_NAME);
    const tree = page.getByTestId('catalog-category-tree');
    await tree.locator('.ant-tree-node-content-wrapper', { hasText: CATEGORY_NAME }).click();
    await expect.poll(() => tree.locator('.ant-tree-node-selected').innerText()).toContain(CATEGORY_NAME);
    const category = await db().selectFrom('catalog_category').select(['id', 'code']).where('name', '=', CATEGORY_NAME).executeTakeFirstOrThrow();

    await page.getByTestId('catalog-item-create').click();
    const dialog = page.getByRole('dialog', { name: '新增诉求事项' });
    await dialog.waitFor();
    expect(await formItem(dialog, '所属目录').locator('.ant-select-selection-item').innerText()).toBe(`${CATEGORY_NAME}（${category.code}）`);
    await dialog.getByLabel('事项编码').fill(NEW_CODE);
    await dialog.getByLabel('事项名称').fill(NEW_NAME);
    await dialog.getByLabel('事项描述').fill('E2E 新增的测试事项');

    const submit = dialog.getByTestId('catalog-item-submit');
    const response = await withResponse('POST', '/api/v1/catalog/items', () => submit.click());
    expect(response.status()).toBe(201);
    newItemId = ((await response.json()) as { id: string }).id;
    await dialog.waitFor({ state: 'hidden' });

    // The new item opens in the drawer, waiting for review.
    const drawer = drawerOf(NEW_NAME);
    await drawer.getByText('有一项新增变更：待审核').waitFor();
    await closeDrawer(drawer);

    const row = await db().selectFrom('catalog_item').select(['category_id', 'status', 'current_version', 'origin']).where('id', '=', newItemId).executeTakeFirstOrThrow();
    expect(row).toEqual({ category_id: category.id, status: 'pending', current_version: 0, origin: 'standard' });
    const change = await db().selectFrom('catalog_change').select(['id', 'action', 'status']).where('entity_id', '=', newItemId).executeTakeFirstOrThrow();
    expect(change).toMatchObject({ action: 'create', status: 'pending' });
    createChangeId = change.id;
  });

  it('catreview01 sees both changes with the field diff, approves the edit and rejects the new item', async () => {
    await logout();
    await login('catreview01');
    await page.locator('.ant-pro-sider a[href="/catalog/reviews"]').click();
    await page.waitForURL('**/catalog/reviews');

    const editLink = page.getByTestId(`catalog-review-open-${editChangeId}`);
    const createLink = page.getByTestId(`catalog-review-open-${createChangeId}`);
    await editLink.waitFor();
    await createLink.waitFor();
    expect(await editLink.innerText()).toBe(`${item.code} ${ITEM_NAME}`);
    expect(await createLink.innerText()).toBe(`${NEW_CODE} ${NEW_NAME}`);
    const editRow = page.getByTestId('catalog-review-table').locator('tr.ant-table-row', { has: editLink });
    expect(await editRow.innerText()).toMatch(/修改[\s\S]*新疆维吾尔自治区[\s\S]*周敏[\s\S]*待审核/);
    await toastsGone();
    await page.screenshot({ path: `${SHOTS}/e2e-catalog-reviews.png`, animations: 'disabled' });

    // The edit: only the changed fields, old value struck through, new value highlighted.
    await editLink.click();
    let drawer = drawerOf(`修改：${item.code} ${ITEM_NAME}`);
    const diff = drawer.getByTestId('catalog-review-diff');
    await diff.waitFor();
    const rows = diff.locator('tr.ant-table-row');
    expect(await rows.locator('td:first-child').allInnerTexts()).toEqual(['事项描述', '关键词']);
    const description = rows.filter({ hasText: '事项描述' });
    expect(await description.locator('.catalog-diff-before').innerText()).toBe(item.description);
    expect(await description.locator('.catalog-diff-after').innerText()).toBe(NEW_DESCRIPTION);
    expect(await description.locator('.catalog-diff-before').evaluate((el) => getComputedStyle(el).textDecorationLine)).toBe('line-through');
    const keywordRow = rows.filter({ hasText: '关键词' });
    expect(await keywordRow.locator('.ant-tag-green').innerText()).toBe(`+ ${NEW_KEYWORD}`);
    expect(await keywordRow.locator('.catalog-diff-after').innerText()).toContain(NEW_KEYWORD);
    await page.screenshot({ path: `${SHOTS}/e2e-catalog-review-diff.png`, animations: 'disabled' });

    await drawer.getByTestId('catalog-review-approve').click();
    let dialog = page.getByRole('dialog', { name: '审核通过' });
    await dialog.waitFor();
    expect((await withResponse('POST', `/api/v1/catalog/changes/${editChangeId}/approve`, () => okButton(dialog).click())).status()).toBe(200);
    await dialog.waitFor({ state: 'hidden' });
    await drawer.waitFor({ state: 'hidden' });
    // Decided changes leave the to-do list.
    await editLink.waitFor({ state: 'detached' });

    // The new item: everything is new; rejecting needs an opinion.
    await createLink.click();
    drawer = drawerOf(`新增：${NEW_CODE} ${NEW_NAME}`);
    await drawer.getByTestId('catalog-review-diff').waitFor();
    expect(await drawer.getByTestId('catalog-review-diff').innerText()).toContain(NEW_NAME);
    await drawer.getByTestId('catalog-review-reject').click();
    dialog = page.getByRole('dialog', { name: '退回' });
    await dialog.waitFor();
    await okButton(dialog).click();
    await dialog.getByText('退回时必须填写审核意见', { exact: true }).last().waitFor();
    await dialog.getByLabel('审核意见').fill(REJECT_OPINION);
    expect((await withResponse('POST', `/api/v1/catalog/changes/${createChangeId}/reject`, () => okButton(dialog).click())).status()).toBe(200);
    await dialog.waitFor({ state: 'hidden' });
    await drawer.waitFor({ state: 'hidden' });
    await createLink.waitFor({ state: 'detached' });

    const changes = await db().selectFrom('catalog_change').select(['id', 'status', 'opinion']).where('id', 'in', [editChangeId, createChangeId]).orderBy('action', 'desc').execute();
    expect(changes).toEqual([
      { id: editChangeId, status: 'approved', opinion: '' },
      { id: createChangeId, status: 'rejected', opinion: REJECT_OPINION },
    ]);
  });

  it('catalog01 sees V2 in the version history and the opinion on the rejected item', async () => {
    await logout();
    await login('catalog01');
    await openItemsPage();

    // The new keyword is searchable once published.
    await searchItems(NEW_KEYWORD);
    await page.getByTestId(`catalog-item-${item.code}`).waitFor();
    await expect.poll(() => itemRows().count()).toBe(1);
    expect(await itemRow(item.code).innerText()).toMatch(/已发布[\s\S]*V2/);

    await page.getByTestId(`catalog-item-${item.code}`).click();
    let drawer = drawerOf(ITEM_NAME);
    await drawer.getByText(NEW_DESCRIPTION).waitFor();
    await drawer.getByRole('tab', { name: '版本历史' }).click();
    const diff = drawer.getByTestId('catalog-version-diff');
    await diff.waitFor();
    const versions = drawer.locator('.ant-tabs-tabpane-active .ant-table-wrapper').first();
    expect(await versions.locator('tr.ant-table-row td:first-child').allInnerTexts()).toEqual(['V2', 'V1']);
    expect(await versions.locator('tr.ant-table-row').first().innerText()).toContain('吐尔逊');
    expect(await drawer.getByRole('heading', { name: /版本对比/ }).innerText()).toBe('版本对比：V1 → V2');
    expect(await diff.locator('tr.ant-table-row td:first-child').allInnerTexts()).toEqual(['事项描述', '关键词']);
    expect(await diff.locator('.ant-tag-green').innerText()).toBe(`+ ${NEW_KEYWORD}`);
    await drawer.getByRole('tab', { name: '变更记录' }).click();
    await drawer.getByText('提交人：周敏 · 审核人：吐尔逊').first().waitFor();
    await closeDrawer(drawer);

    const published = await db().selectFrom('catalog_item').select(['current_version', 'status', 'keywords', 'description']).where('id', '=', item.id).executeTakeFirstOrThrow();
    expect(published).toEqual({ current_version: 2, status: 'published', keywords: [...item.keywords, NEW_KEYWORD], description: NEW_DESCRIPTION });
    const stored = await db().selectFrom('catalog_item_version').select(['version', 'change_id']).where('item_id', '=', item.id).orderBy('version').execute();
    expect(stored).toHaveLength(2);
    expect(stored.map((v) => v.version)).toEqual([1, 2]);
    expect(stored[1]!.change_id).toBe(editChangeId);

    // The rejected new item.
    await searchItems(NEW_CODE);
    await page.getByTestId(`catalog-item-${NEW_CODE}`).waitFor();
    expect(await itemRow(NEW_CODE).innerText()).toContain('审核未通过');
    await page.getByTestId(`catalog-item-${NEW_CODE}`).click();
    drawer = drawerOf(NEW_NAME);
    await drawer.getByText('有一项新增变更：已退回').waitFor();
    await drawer.getByRole('tab', { name: '变更记录' }).click();
    await drawer.getByText(`审核意见：${REJECT_OPINION}`).waitFor();
    await closeDrawer(drawer);
    const rejected = await db().selectFrom('catalog_item').select(['status', 'current_version']).where('id', '=', newItemId).executeTakeFirstOrThrow();
    expect(rejected).toEqual({ status: 'rejected', current_version: 0 });
  });

  it('catalog_wlmq sees the new version waiting on its implementation list', async () => {
    await logout();
    await login('catalog_wlmq');
    await openItemsPage();
    await page.getByTestId('catalog-view-switch').getByText('本级实施清单').click();
    const table = page.getByTestId('catalog-implementation-table');
    // The implementation list's own search box (ProTable's test id is on the table, below its toolbar).
    await search(page.getByPlaceholder('名称 / 编码 / 拼音首字母 / 关键词'), '/api/v1/catalog/implementation', NEW_KEYWORD);
    const row = table.locator('tr.ant-table-row', { hasText: item.code });
    await row.waitFor();
    expect(await table.locator('tr.ant-table-row').count()).toBe(1);
    expect(await row.innerText()).toMatch(/上级下发[\s\S]*待确认更新[\s\S]*有更新[\s\S]*V1 \/ V2/);

    // The same through the API, with the browser's session.
    const api = await page.evaluate(async ([tenantId, q]) => {
      const r = await fetch(`/api/v1/catalog/implementation?tenantId=${tenantId}&q=${encodeURIComponent(q!)}`, { headers: { Authorization: `Bearer ${sessionStorage.getItem('hotline.token') ?? ''}` } });
      return (await r.json()) as { items: { itemId: string; adoptionStatus: string; adoptedVersion: number; currentVersion: number; hasUpdate: boolean }[] };
    }, [wlmqTenantId, NEW_KEYWORD] as const);
    expect(api.items).toEqual([expect.objectContaining({ itemId: item.id, adoptionStatus: 'pending', adoptedVersion: 1, currentVersion: 2, hasUpdate: true })]);

    // What changed since the adopted version.
    await row.getByText(item.code).click();
    const drawer = drawerOf(ITEM_NAME);
    await drawer.getByRole('tab', { name: '实施信息' }).click();
    await drawer.getByText('本级采用版本 V1，最新版本 V2').waitFor();
    expect(await drawer.getByTestId('catalog-implementation-diff').locator('.ant-tag-green').innerText()).toBe(`+ ${NEW_KEYWORD}`);

    const adoption = await db().selectFrom('catalog_adoption').select(['status', 'adopted_version']).where('tenant_id', '=', wlmqTenantId).where('item_id', '=', item.id).executeTakeFirstOrThrow();
    expect(adoption).toEqual({ status: 'pending', adopted_version: 1 });

    expect(pageErrors).toEqual([]);
  });
});

async function login(username: string): Promise<void> {
  await submitLogin(page, username);
  await page.waitForURL((url) => url.pathname !== '/login');
  await page.getByTestId('logout').waitFor();
}

function logout(): Promise<void> {
  return logoutOf(page);
}

async function openItemsPage(): Promise<void> {
  await page.locator('.ant-pro-sider a[href="/catalog/items"]').click();
  await page.waitForURL('**/catalog/items');
}

/** Does `action` and returns the response of the `method` request to `path` it causes (the first one that `match`es). */
async function withResponse(method: string, path: string, action: () => Promise<void>, match: (url: URL) => boolean = () => true): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => {
      const url = new URL(r.url());
      return r.request().method() === method && url.pathname === path && match(url);
    }),
    action(),
  ]);
  return response;
}

/** Types `q` into a search box and presses Enter; waits for the list request that carries it. */
async function search(input: Locator, listPath: string, q: string): Promise<void> {
  await input.fill(q);
  const response = await withResponse('GET', listPath, () => input.press('Enter'), (url) => url.searchParams.get('q') === q);
  expect(response.status()).toBe(200);
}

/** The item list's search box (catalog-search; antd's Input.Search puts the test id on the <input>). */
async function searchItems(q: string): Promise<void> {
  await search(page.getByTestId('catalog-search'), '/api/v1/catalog/items', q);
}

function itemRows(): Locator {
  return page.getByTestId('catalog-item-table').locator('tr.ant-table-row');
}

function itemRow(code: string): Locator {
  return itemRows().filter({ has: page.getByTestId(`catalog-item-${code}`) });
}

/** The open drawer whose title contains `title`. */
function drawerOf(title: string): Locator {
  return page.locator('.ant-drawer-content').filter({ has: page.locator('.ant-drawer-title', { hasText: title }) });
}

async function closeDrawer(drawer: Locator): Promise<void> {
  await drawer.locator('.ant-drawer-close').click();
  await drawer.waitFor({ state: 'hidden' });
}

/** A form item of a modal form, by its label. */
function formItem(dialog: Locator, label: string): Locator {
  return dialog.locator('.ant-form-item').filter({ has: page.locator('.ant-form-item-label label', { hasText: label }) });
}

function okButton(dialog: Locator): Locator {
  return dialog.getByRole('button', { name: /确\s*定/ });
}

/** Success toasts of earlier steps fade after 3 s; wait for them so screenshots show the page. */
function toastsGone(): Promise<void> {
  return toastsGoneOn(page);
}
