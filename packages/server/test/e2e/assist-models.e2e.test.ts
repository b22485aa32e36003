import type { Locator, Page, Request, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/bootstrap.js';
import { assistEngines } from '../../src/modules/assist/engines.js';
import { Client, ids, login as apiLogin, relaxLoginRateLimit } from '../harness.js';
import { screenshotFailures, SHOTS, startBrowserSession, submitLogin, toastsGone, type BrowserSession } from './browser.js';

/**
 * The supervisor retrains smart intake from the deployment's own tickets, in a real browser against
 * a real server (embedded PGlite, real clock): 24 tickets filed under the water-outage item, 12 of
 * them closed after a satisfied callback, are the history. supervisor01 opens 智能辅助模型 from the
 * menu, sees the catalogue bootstrap model, starts 重新训练 after the confirmation, watches the job
 * reach 100 % and 已完成, and the cards turn to the trained models (hold-out accuracy, title model
 * from the closed tickets). In Uyghur the page is right-to-left and translated.
 *
 * The steps share one browser page and run in order; a failing step leaves a screenshot in
 * packages/server/.test-results/ (as does the finished job, on success).
 */

const ITEM = '停水及水压不足';
// Enough for every model the job trains, hold-out included: 20 labelled tickets for the item
// model's, 10 closed ones for the title model, 50 with two demand types for the intent model's.
const REGISTERED = 56;
const CLOSED = 12;
const PLACES = ['和平南路', '红山路', '解放北路', '人民路', '新华南路', '光明路', '团结路', '胜利路', '建设路', '延安路', '南湖路', '青年路'];
const PROBLEMS = ['从昨天下午开始停水', '已经停水两天了', '水压太低楼上没水', '突然停水没有任何通知'];
// What the page calls the worker's phases, and how often it polls a running job.
const PHASE_NAMES = ['读取工单', '构建目录初始模型', '留出验证', '训练事项模型', '训练标题模型', '训练诉求类型模型'];
const POLL_MS = 1500;
const ARABIC_SCRIPT = /[\u0600-\u06FF\uFB50-\uFDFF\uFE70-\uFEFF]/;

let session: BrowserSession | undefined;
let platform: Platform | undefined;
let pageErrors: string[] = [];
let page: Page;

const deps = () => {
  if (!platform) throw new Error('platform not started');
  return platform.deps;
};

describe('smart intake models page in the browser', () => {
  beforeAll(async () => {
    session = await startBrowserSession();
    platform = session.platform;
    page = session.page;
    pageErrors = session.pageErrors;
    // The browser harness skips the start-up build; two epochs make the catalogue model and the
    // retrain take seconds instead of a minute, which is all the page needs to show.
    assistEngines(deps()).buildOptions = { epochs: 2 };
    await assistEngines(deps()).ready();
    expect(assistEngines(deps()).buildError).toBeNull();
    await relaxLoginRateLimit(platform);
    await fileHistory(platform);
  }, 300_000);

  afterAll(() => session?.close());

  screenshotFailures('e2e-assist-models', () => page);

  it('supervisor01 opens 智能辅助模型 from the menu and sees the catalogue model', async () => {
    await submitLogin(page, 'supervisor01');
    await page.waitForURL((url) => url.pathname !== '/login');
    const link = page.locator('.ant-pro-sider a[href="/assist/models"]');
    await link.waitFor();
    expect(await link.innerText()).toContain('智能辅助模型');
    await link.click();
    await page.waitForURL('**/assist/models');

    const card = page.getByTestId('assist-item-model');
    await card.waitFor();
    expect(await card.innerText()).toContain('事项分类模型');
    expect(await card.getByTestId('assist-item-kind').innerText()).toBe('目录初始模型');
    const catalogueItems = (await assistEngines(deps()).snapshot()).model?.catalogueItems ?? 0;
    expect(catalogueItems).toBeGreaterThan(0);
    expect(await card.innerText()).toContain(grouped(catalogueItems));
    expect(await page.getByTestId('assist-title-model').innerText()).toContain('未训练：使用无监督标题生成');
    expect(await page.getByTestId('assist-intent-model').innerText()).toContain('未训练：使用规则');
    expect(await page.getByTestId('assist-training').innerText()).toContain('暂无训练任务');
  });

  it('retrains after the confirmation and follows the job to 100 %', async () => {
    const train = page.getByTestId('assist-train');
    expect(await train.isEnabled()).toBe(true);
    await train.click();
    const dialog = page.getByRole('dialog').filter({ hasText: '重新训练智能辅助模型？' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('已办结的历史工单');

    const response = await withResponse('POST', '/api/v1/assist/models/items/train', () => dialog.getByRole('button', { name: '开始训练' }).click());
    expect(response.status()).toBe(202);
    await dialog.waitFor({ state: 'hidden' });

    const job = page.getByTestId('assist-job');
    await job.waitFor();
    const status = page.getByTestId('assist-job-status');
    // Sampled while the page polls the running job: the phases it names and the locked button.
    const phases = new Set<string>();
    let lockedWhileRunning = false;
    await expect
      .poll(
        async () => {
          const [now] = await status.allInnerTexts();
          for (const p of await page.getByTestId('assist-job-phase').allInnerTexts()) phases.add(p.split(' · ')[0]!);
          if (now === '训练中' && (await train.isDisabled())) lockedWhileRunning = true;
          return now;
        },
        { timeout: 120_000, interval: 300 },
      )
      .toBe('已完成');
    expect(lockedWhileRunning).toBe(true);
    expect(phases.size).toBeGreaterThan(0);
    for (const p of phases) expect(PHASE_NAMES).toContain(p);
    const bar = page.getByTestId('assist-job-progress');
    expect(await bar.getAttribute('aria-valuenow')).toBe('100');
    expect(await bar.innerText()).toContain('100%');
    expect(await job.innerText()).toContain(`标题模型已用 ${CLOSED} 条办结工单的标题训练`);
    expect(assistEngines(deps()).job?.status).toBe('succeeded');

    // The cards follow the swapped-in models without a reload.
    const card = page.getByTestId('assist-item-model');
    await expect.poll(() => card.getByTestId('assist-item-kind').innerText()).toBe('历史工单训练');
    const trained = (await assistEngines(deps()).snapshot()).model!;
    expect(trained.holdOut).not.toBeNull();
    const text = await card.innerText();
    expect(text).toContain(grouped(trained.examples));
    expect(text).toContain(`${(trained.holdOut!.top1 * 100).toFixed(1)}%`);
    expect(text).toContain(`${(trained.holdOut!.top3 * 100).toFixed(1)}%`);
    const title = page.getByTestId('assist-title-model');
    await expect.poll(() => title.innerText()).toContain('已训练');
    expect(await title.innerText()).toContain(String(CLOSED));
    const intents = (await assistEngines(deps()).snapshot()).intentModel!;
    expect(intents.holdOut).not.toBeNull();
    const intent = page.getByTestId('assist-intent-model');
    await expect.poll(() => intent.innerText()).toContain('已训练');
    expect(await intent.innerText()).toContain(String(intents.examples));
    expect(await intent.innerText()).toContain(`${(intents.holdOut!.accuracy * 100).toFixed(1)}%（${intents.holdOut!.size} 条工单）`);
    expect(await job.innerText()).toContain(`诉求类型模型已用 ${intents.examples} 条工单的诉求类型训练`);
    expect(await train.isEnabled()).toBe(true);

    // Once the job has ended the page stops asking (after the one read that picks up the new models).
    await page.waitForTimeout(POLL_MS);
    let polls = 0;
    const count = (r: Request) => void (new URL(r.url()).pathname === '/api/v1/assist/models/items' && polls++);
    page.on('request', count);
    await page.waitForTimeout(3 * POLL_MS);
    page.off('request', count);
    expect(polls).toBe(0);

    await toastsGone(page);
    await page.screenshot({ path: `${SHOTS}/e2e-assist-models-trained.png`, fullPage: true, animations: 'disabled' });
  });

  it('shows the page in Uyghur, right to left, and back in Chinese', async () => {
    await page.getByTestId('lang-ug').click();
    await expect.poll(() => page.evaluate(() => [document.documentElement.dir, document.documentElement.lang])).toEqual(['rtl', 'ug']);
    const card = page.getByTestId('assist-item-model');
    await expect.poll(() => card.locator('.ant-card-head-title').innerText()).toMatch(ARABIC_SCRIPT);
    expect(await page.getByTestId('assist-job-status').innerText()).toMatch(ARABIC_SCRIPT);
    expect(await page.getByTestId('assist-train').innerText()).toMatch(ARABIC_SCRIPT);
    // No Chinese left on the page but what the server wrote (its job messages) and names.
    expect(await chineseOutside(page.locator('.ant-pro-page-container'), page.locator('[data-testid="assist-job"] .ant-alert'))).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/e2e-assist-models-ug.png`, fullPage: true, animations: 'disabled' });

    await page.getByTestId('lang-zh-CN').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    await expect.poll(() => card.locator('.ant-card-head-title').innerText()).toBe('事项分类模型');

    expect(pageErrors).toEqual([]);
  });
});

/** Registers REGISTERED water-outage tickets of 天山区 and takes CLOSED of them through to a satisfied callback. */
async function fileHistory(p: Platform): Promise<void> {
  const I = await ids(p);
  const itemId = (await p.deps.db.selectFrom('catalog_item').select('id').where('name', '=', ITEM).where('status', '=', 'published').executeTakeFirstOrThrow()).id;
  const unit = await I.org('ZJT');
  const [agent, dispatcher, handler, reviewer] = await Promise.all(['agent01', 'dispatcher01', 'handler_xj', 'reviewer01'].map((u) => apiLogin(p, u)));
  const ok = async <T>(r: Promise<{ status: number; body: T }>, status = 200): Promise<T> => {
    const res = await r;
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res.body;
  };
  for (let i = 0; i < REGISTERED; i++) {
    const place = PLACES[i % PLACES.length]!;
    const problem = PROBLEMS[i % PROBLEMS.length]!;
    // Complaints and questions about the same outage: the demand type is what tells them apart.
    const demand =
      i % 2 === 0
        ? { kind: 'complaint', title: `关于天山区${place}停水的投诉`, content: `我是天山区${place}的住户，${problem}，物业也不管，请尽快处理。` }
        : { kind: 'consult', title: `咨询天山区${place}恢复供水时间`, content: `请问天山区${place}${problem}，是什么原因，大概什么时候能恢复供水？` };
    const ticket = await ok(
      agent!.post<{ id: string }>('/api/v1/tickets', { channel: 'phone', ...demand, itemId, regionCode: '650102', regionName: '天山区', citizen: { name: '张三', phone: `1389999${String(3000 + i)}` } }),
      201,
    );
    if (i >= CLOSED) continue;
    await closeTicket(ticket.id, { dispatcher: dispatcher!, handler: handler!, reviewer: reviewer! }, unit, ok);
  }
}

async function closeTicket(
  id: string,
  who: { dispatcher: Client; handler: Client; reviewer: Client },
  unit: string,
  ok: <T>(r: Promise<{ status: number; body: T }>, status?: number) => Promise<T>,
): Promise<void> {
  const task = (await ok(who.dispatcher.post<{ taskIds: string[] }>(`/api/v1/tickets/${id}/dispatch`, { mode: 'single', orgIds: [unit], opinion: '请核实处理' }))).taskIds[0]!;
  await ok(who.handler.post(`/api/v1/ticket-tasks/${task}/sign`));
  await ok(who.handler.post(`/api/v1/ticket-tasks/${task}/report`, { result: '已联系供水公司抢修，当日恢复供水', basis: '《城市供水条例》' }));
  await ok(who.reviewer.post(`/api/v1/tickets/${id}/review`, { approve: true, opinion: '办理到位' }));
  await ok(who.reviewer.post(`/api/v1/tickets/${id}/callback`, { result: 'satisfied', handlingRating: 5, serviceRating: 5, channel: 'phone' }));
}

/** Does `action` and returns the response of the `method` request to `path` it causes. */
async function withResponse(method: string, path: string, action: () => Promise<void>): Promise<Response> {
  const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === method && new URL(r.url()).pathname === path), action()]);
  return response;
}

/** Chinese characters in `scope` outside the `except` elements (text the server wrote in Chinese). */
async function chineseOutside(scope: Locator, except: Locator): Promise<string[]> {
  const excluded = await except.allInnerTexts();
  let text = await scope.innerText();
  for (const e of excluded) text = text.replace(e, '');
  return text.match(/[\u4e00-\u9fff]+/g) ?? [];
}

/** A count as antd's Statistic shows it (thousands grouped with commas). */
function grouped(n: number): string {
  return n.toLocaleString('en-US');
}
