import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/bootstrap.js';
import { relaxLoginRateLimit } from '../harness.js';
import { screenshotFailures, SHOTS, startBrowserSession, submitLogin, toastsGone, type BrowserSession } from './browser.js';

/**
 * The knowledge base in a real browser against a real server (embedded PGlite, real clock):
 * kbeditor01 writes a 常见问答 from its edit template and submits it; kbreviewer01 sees it next to
 * (no) live version, approves and publishes it at once; agent01 finds it in 知识检索 with the query
 * word marked, and on 工单登记 the question typed into the demand content brings it up among the
 * 知识推荐 without a search (demo ① step 4) — 插入 puts its text into the 直接答复 answer. In
 * Uyghur the search page is right-to-left and translated.
 *
 * The steps share one browser page and run in order; a failing step leaves a screenshot in
 * packages/server/.test-results/.
 */

const RUN = Date.now().toString(36).toUpperCase();
// Words no demo article uses, so the new one is the best match for the question below.
const TITLE = `新生儿医保参保登记怎么办理（${RUN}）`;
const SUMMARY = '新生儿出生后凭出生医学证明即可办理城乡居民医保参保登记，出生当年免缴费。';
const BODY = '新生儿出生后，监护人可携带出生医学证明和户口簿，到户籍所在地社区或乡镇社保服务窗口办理新生儿医保参保登记，也可在手机上通过“新疆智慧人社”办理。出生 90 天内参保的，自出生之日起享受医保待遇。';
const BASIS = '《自治区城乡居民基本医疗保险实施办法》';
const QUERY = '新生儿 医保';
const QUESTION = '您好，我家孩子上个月刚出生，想问一下新生儿医保参保登记怎么办理，要带什么材料？';
const ARABIC_SCRIPT = /[\u0600-\u06FF\uFB50-\uFDFF\uFE70-\uFEFF]/;

let session: BrowserSession | undefined;
let platform: Platform | undefined;
let page: Page;
let pageErrors: string[] = [];

// ------------------------------------------------------------------ UI helpers

async function login(username: string): Promise<void> {
  if (new URL(page.url(), 'http://x').pathname !== '/login' && (await page.getByTestId('logout').count()) > 0) {
    // A drawer may cover the header: press the button directly.
    await page.getByTestId('logout').dispatchEvent('click');
    await page.waitForURL('**/login');
  }
  await submitLogin(page, username);
  await page.waitForURL((url) => url.pathname !== '/login');
  await page.getByTestId('logout').waitFor();
}

/** Opens a page from the side menu: the server's menus decide what the user sees. */
async function openMenu(path: string, title: string): Promise<void> {
  const link = page.locator(`.ant-pro-sider a[href="${path}"]`);
  if (!(await link.isVisible())) await page.locator('.ant-pro-sider .ant-menu-submenu-title', { hasText: '知识库' }).click();
  expect(await link.innerText()).toContain(title);
  await link.click();
  await page.waitForURL(`**${path}`);
}

const visibleDropdown = () => page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');

function rowOf(scope: Locator, text: string): Locator {
  return scope.locator('tr.ant-table-row', { hasText: text });
}

/** antd modals and drawers zoom/slide in; a click during the animation can miss its button. */
async function settled(): Promise<void> {
  await expect.poll(() => page.locator('[class*="-zoom-appear"], [class*="-zoom-enter"], [class*="-panel-motion-"]').count(), { timeout: 5_000 }).toBe(0);
}

async function expectToast(text: string | RegExp): Promise<void> {
  await expect.poll(() => page.locator('.ant-message-notice').filter({ hasText: text }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
}

describe('knowledge base in the browser', () => {
  beforeAll(async () => {
    session = await startBrowserSession();
    platform = session.platform;
    page = session.page;
    pageErrors = session.pageErrors;
    await relaxLoginRateLimit(platform);
  }, 120_000);

  afterAll(() => session?.close());

  screenshotFailures('e2e-knowledge', () => page);

  it('kbeditor01 writes a 常见问答 from its template and submits it for review', async () => {
    await login('kbeditor01');
    await openMenu('/kb/articles', '知识采编');
    await page.getByTestId('kb-create').click();
    const editor = page.locator('.ant-drawer-content').filter({ has: page.getByTestId('kb-save-submit') });
    await editor.waitFor();
    await settled();

    await editor.getByTestId('kb-field-type').locator('.ant-select-selector').click();
    await visibleDropdown().locator('.ant-select-item-option', { hasText: '常见问答' }).click();
    await editor.getByTestId('kb-field-directory').locator('.ant-select-selector').click();
    await visibleDropdown().locator('.ant-select-tree-treenode:not(.ant-select-tree-treenode-disabled) .ant-select-tree-node-content-wrapper').first().click();

    await editor.getByTestId('kb-field-title').fill(TITLE);
    await editor.getByTestId('kb-field-summary').fill(SUMMARY);
    await editor.getByTestId('kb-field-body').fill(BODY);
    // The 常见问答 template decides the extra fields; every required one gets an answer.
    const templateInputs = editor.locator('[data-testid^="kb-tpl-"]');
    await expect.poll(() => templateInputs.count()).toBeGreaterThan(0);
    for (const input of await templateInputs.all()) await input.fill(BODY.slice(0, 40));
    await editor.getByTestId('kb-field-keywords').locator('input').fill('新生儿医保');
    await page.keyboard.press('Enter');

    // Without 采编依据 the draft cannot go to review.
    await editor.getByTestId('kb-save-submit').click();
    await expect.poll(() => editor.locator('.ant-form-item-explain-error').allInnerTexts()).toContain('提交审核前请填写采编依据');
    await editor.getByTestId('kb-field-basis').fill(BASIS);
    await editor.getByTestId('kb-save-submit').click();
    await expectToast('已提交审核');

    // The detail opens on the revision; its 知识工单 tab shows the new order in the review step.
    const detail = page.locator('.ant-drawer-content').filter({ has: page.getByTestId('kb-status') });
    await detail.waitFor();
    await settled();
    expect(await detail.getByTestId('kb-status').first().innerText()).toBe('待审核');
    await detail.getByRole('tab', { name: '知识工单' }).click();
    const order = detail.getByTestId('kb-history-item').first();
    await order.waitFor();
    expect(await order.innerText()).toContain('新增');
    expect(await order.innerText()).toContain('审核');
    await page.keyboard.press('Escape');
    await expect.poll(() => rowOf(page.locator('.ant-table'), TITLE).getByTestId('kb-status').innerText()).toBe('待审核');
  });

  it('kbreviewer01 sees the revision, approves it and publishes it now', async () => {
    await login('kbreviewer01');
    await openMenu('/kb/reviews', '知识审核');
    await rowOf(page.locator('.ant-table'), TITLE).getByTestId('kb-review-open').click();
    const drawer = page.locator('.ant-drawer-content').filter({ has: page.getByTestId('kb-review-diff') });
    await drawer.waitFor();
    await settled();
    // A new article has no live version: every field is a change.
    expect(await drawer.getByTestId('kb-review-revision').innerText()).toContain(BODY.slice(0, 20));
    expect(await drawer.getByTestId('kb-review-diff').innerText()).toContain(TITLE);
    expect(await drawer.locator('.kb-changed').count()).toBeGreaterThan(0);

    await drawer.getByTestId('kb-review-approve').click();
    const decide = page.locator('.ant-modal-content').filter({ has: page.getByTestId('kb-review-opinion') });
    await decide.waitFor();
    await decide.getByTestId('kb-review-opinion').fill('内容准确，同意发布');
    await decide.getByRole('button', { name: /确\s*定/ }).click();
    await expectToast('已通过');

    // 通过 moves it to the publication step of the same queue.
    const row = rowOf(page.locator('.ant-table'), TITLE);
    await expect.poll(() => row.innerText()).toContain('发布');
    await row.getByTestId('kb-review-open').click();
    const again = page.locator('.ant-drawer-content').filter({ has: page.getByTestId('kb-review-publish') });
    await again.waitFor();
    await settled();
    await again.getByTestId('kb-review-publish').click();
    const publish = page.locator('.ant-modal-content').filter({ hasText: '立即发布' });
    await publish.waitFor();
    await publish.getByRole('button', { name: /确\s*定/ }).click();
    await expectToast('已发布');
    await expect.poll(() => rowOf(page.locator('.ant-table'), TITLE).count()).toBe(0);
  });

  it('agent01 finds it in 知识检索 with the query words marked', async () => {
    await login('agent01');
    await openMenu('/kb/search', '知识检索');
    await page.getByTestId('kb-search-input').fill(QUERY);
    await page.getByTestId('kb-search-input').press('Enter');
    const hit = page.getByTestId('kb-hit').filter({ hasText: TITLE });
    // The page opens on the newest knowledge (this article first, unmarked): wait for the search's answer.
    await hit.getByTestId('kb-hit-title').locator('mark.kb-hl').first().waitFor();
    const marked = await hit.getByTestId('kb-hit-title').locator('mark.kb-hl').allInnerTexts();
    expect(marked.length).toBeGreaterThan(0);
    for (const m of marked) expect(QUERY.replace(/\s+/g, '')).toContain(m);
    expect(marked.join('')).toContain('新生儿');
    expect(await hit.getByTestId('kb-hit-snippet').locator('mark.kb-hl').count()).toBeGreaterThan(0);

    // The detail shows the live content with its owner; the search itself is now a hot term.
    await hit.getByTestId('kb-hit-title').click();
    const detail = page.locator('.ant-drawer-content').filter({ has: page.getByTestId('kb-copy') });
    await detail.waitFor();
    expect(await detail.getByTestId('kb-content-body').innerText()).toContain(BODY.slice(0, 30));
    expect(await detail.getByTestId('kb-detail-owner').innerText()).toContain('新疆维吾尔自治区');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('kb-hot-terms').innerText()).toMatch(/新生儿|医保/);

    // 在结果中搜索 keeps only listed knowledge that also has the new words.
    const before = await page.getByTestId('kb-hit-title').allInnerTexts();
    await page.getByTestId('kb-search-within').check();
    await page.getByTestId('kb-search-input').fill('出生医学证明');
    await page.getByTestId('kb-search-input').press('Enter');
    await expect.poll(() => page.getByTestId('kb-hit').filter({ hasText: TITLE }).count()).toBe(1);
    const after = await page.getByTestId('kb-hit-title').allInnerTexts();
    expect(after.length).toBeLessThanOrEqual(before.length);
    for (const title of after) expect(before).toContain(title);
    await page.getByTestId('kb-search-within').uncheck();
    await page.getByTestId('kb-search-input').fill(QUERY);
    await page.getByTestId('kb-search-input').press('Enter');
    await page.getByTestId('kb-hit').filter({ hasText: TITLE }).waitFor();
    await toastsGone(page);
    await page.screenshot({ path: `${SHOTS}/e2e-knowledge-search.png`, fullPage: true, animations: 'disabled' });
  });

  it('on 工单登记 the question brings it up among 知识推荐 and 插入 fills the answer', async () => {
    await page.goto('/tickets/new');
    await page.getByTestId('field-content').fill(QUESTION);
    const card = page.getByTestId('kb-rec-card').filter({ hasText: TITLE });
    await card.waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('kb-rec-card').count()).toBeLessThanOrEqual(5);
    expect(await card.getByTestId('kb-rec-match').getAttribute('aria-valuenow')).toMatch(/^\d+$/);

    await card.getByTestId('kb-rec-insert').click();
    const answer = page.getByTestId('text-action-input');
    await answer.waitFor();
    await expect.poll(() => answer.inputValue()).toContain(BODY.slice(0, 30));
    await expectToast('已插入答复内容');
    await page.screenshot({ path: `${SHOTS}/e2e-knowledge-recommend.png`, fullPage: true, animations: 'disabled' });
    await page.keyboard.press('Escape');
  });

  it('shows the search page in Uyghur, right to left', async () => {
    await page.goto(`/kb/search?q=${encodeURIComponent(QUERY)}`);
    await page.getByTestId('kb-hit').filter({ hasText: TITLE }).waitFor();
    await page.getByTestId('lang-ug').click();
    await expect.poll(() => page.evaluate(() => [document.documentElement.dir, document.documentElement.lang])).toEqual(['rtl', 'ug']);
    await expect.poll(() => page.getByTestId('kb-search-submit').innerText()).toMatch(ARABIC_SCRIPT);
    expect(await page.locator('.ant-pro-page-container .ant-page-header-heading-title').innerText()).toMatch(ARABIC_SCRIPT);
    expect(await page.getByTestId('kb-hot-terms').locator('.ant-card-head-title').innerText()).toMatch(ARABIC_SCRIPT);
    // The results keep what the editors wrote, in Chinese, inside the right-to-left page; nothing else is left in Chinese.
    expect(await page.getByTestId('kb-hit').filter({ hasText: TITLE }).count()).toBe(1);
    const written = page.locator('[data-testid="kb-hit"], [data-testid="kb-hot-term"]');
    expect(await chineseOutside(page.locator('.ant-pro-page-container'), written)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/e2e-knowledge-ug.png`, fullPage: true, animations: 'disabled' });

    await page.getByTestId('lang-zh-CN').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    expect(pageErrors).toEqual([]);
  });
});

/** Chinese characters in `scope` outside the `except` elements (text the editors and callers wrote). */
async function chineseOutside(scope: Locator, except: Locator): Promise<string[]> {
  let text = await scope.innerText();
  for (const e of await except.allInnerTexts()) text = text.replace(e, '');
  return text.match(/[\u4e00-\u9fff]+/g) ?? [];
}
