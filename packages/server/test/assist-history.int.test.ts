import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.js';
import { assistEngines, AssistEngines, UNIT_HISTORY_TTL_MS } from '../src/modules/assist/engines.js';
import type { AssistResult } from '../src/modules/assist/analyse.service.js';
import { Client, createAssistPlatform, ids, login, provisionUser, relaxLoginRateLimit, type AssistPlatform } from './harness.js';

/**
 * Smart intake learning from the installation's own closed tickets, everything through the API:
 * tickets are registered, dispatched, handled, approved and called back, then
 *  - the unit ranking of a hotline follows who actually finished similar tickets of THAT hotline
 *    (with a reason the agent sees), and does not move on too little history;
 *  - another hotline's history (乌鲁木齐's own tickets) never changes the 自治区 hotline's ranking,
 *    and the other way round;
 *  - the retraining job trains a title model on (content, final title) once there are ≥ 10 closed
 *    tickets, says why not before, persists it next to the item model, and analyse titles follow
 *    the history's style.
 */
const DEMAND = '我是天山区幸福路小区的住户，从昨天下午开始停水，物业不管，请尽快处理';
const PLACES = ['和平南路', '红山路', '解放北路', '人民路', '新华南路', '光明路', '团结路', '胜利路', '建设路', '延安路', '明园小区', '碱泉街', '燕尔窝路', '南湖路', '青年路', '东风路', '中山路', '文艺路'];
const PROBLEMS = ['从昨天下午开始停水', '已经停水两天了', '水压太低楼上没水', '突然停水没有任何通知', '自来水停了一整天'];

interface Hotline {
  agent: Client;
  dispatcher: Client;
  reviewer: Client;
}
interface Status {
  model: { kind: string };
  titleModel: { active: boolean; pairs: number; trainedAt: string | null };
  job: { status: string; progress: number; error: string | null; titleModel: { trained: boolean; pairs: number; message: string } | null } | null;
}

describe('assist: learning from closed tickets', () => {
  let p: AssistPlatform;
  let clock: ManualClock;
  let dataDir: string;
  let A: Hotline;
  let B: Hotline;
  let sup: Client;
  let handlers: Record<'ZJT' | 'WLMQ-ZJJ', Client>;
  let org: (code: string) => Promise<string>;
  let waterItem: string;
  let n = 0;
  let baselineA: AssistResult;
  let baselineB: AssistResult;

  beforeAll(async () => {
    p = await createAssistPlatform('assist-history-', 3);
    ({ clock, dataDir } = p);
    await relaxLoginRateLimit(p);
    const I = await ids(p);
    org = I.org;
    const wlmq = await I.tenant('650100');
    const provision = async (orgCode: string, username: string, roleCode: string) => provisionUser(p, { tenantId: wlmq, orgId: await I.org(orgCode), username, roleCode });
    A = { agent: await login(p, 'agent01'), dispatcher: await login(p, 'dispatcher01'), reviewer: await login(p, 'reviewer01') };
    B = { agent: await provision('WLMQ-SL', 'wl_agent', 'hotline_agent'), dispatcher: await provision('WLMQ-12345', 'wl_disp', 'dispatcher'), reviewer: await provision('WLMQ-12345', 'wl_rev', 'reviewer') };
    sup = await login(p, 'supervisor01');
    handlers = { ZJT: await login(p, 'handler_xj'), 'WLMQ-ZJJ': await login(p, 'handler_wlmq') };
    waterItem = (await p.deps.db.selectFrom('catalog_item').select('id').where('name', '=', '停水及水压不足').where('status', '=', 'published').executeTakeFirstOrThrow()).id;
  }, 300_000);
  afterAll(() => p?.close());

  const analyse = async (c: Client, text = DEMAND) => {
    const res = await c.post<AssistResult>('/api/v1/assist/analyse', { text });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  /**
   * A minute later the cached history aggregate is stale; the next request would still answer from
   * it while the fresh one loads, so the test drops the caches as a retrain does.
   */
  const later = () => {
    clock.advance(UNIT_HISTORY_TTL_MS + 1000);
    assistEngines(p.deps).invalidate();
  };
  const ok = async <T>(r: Promise<{ status: number; body: T }>, status = 200): Promise<T> => {
    const res = await r;
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res.body;
  };

  /** A water-outage ticket of 天山区, registered by a hotline, finished by `unit` and archived after a satisfied callback. */
  async function closeTicket(h: Hotline, unit: keyof typeof handlers) {
    const i = n++;
    const place = PLACES[i % PLACES.length]!;
    const content = `我是天山区${place}的住户，${PROBLEMS[i % PROBLEMS.length]}，物业也不管，请尽快处理。`;
    const t = await ok(h.agent.post<{ id: string }>('/api/v1/tickets', { channel: 'phone', kind: 'complaint', title: `关于天山区${place}停水的投诉`, content, itemId: waterItem, regionCode: i % 2 ? '650102' : '650102009', regionName: '天山区', citizen: { name: '张三', phone: `1389999${String(2000 + i)}` } }), 201);
    const task = (await ok(h.dispatcher.post<{ taskIds: string[] }>(`/api/v1/tickets/${t.id}/dispatch`, { mode: 'single', orgIds: [await org(unit)], opinion: '请核实处理' }))).taskIds[0]!;
    await ok(handlers[unit].post(`/api/v1/ticket-tasks/${task}/sign`));
    await ok(handlers[unit].post(`/api/v1/ticket-tasks/${task}/report`, { result: '已联系供水公司抢修，当日恢复供水', basis: '《城市供水条例》' }));
    await ok(h.reviewer.post(`/api/v1/tickets/${t.id}/review`, { approve: true, opinion: '办理到位' }));
    await ok(h.reviewer.post(`/api/v1/tickets/${t.id}/callback`, { result: 'satisfied', handlingRating: 5, serviceRating: 5, channel: 'phone' }));
    clock.advance(60_000);
  }

  /** Retrains and watches the job: its progress only moves forward, in steps of epochs, phase by phase. */
  async function retrain(): Promise<Status & { phases: string[] }> {
    await ok(sup.post('/api/v1/assist/models/items/train', { epochs: 3 }), 202);
    const job = assistEngines(p.deps).job!;
    const seen: { progress: number; phase: string }[] = [];
    let running = true;
    void job.done!.finally(() => (running = false));
    while (running) {
      seen.push({ progress: job.progress, phase: job.phase });
      await new Promise((r) => setTimeout(r, 20));
    }
    const progress = seen.map((x) => x.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(new Set(progress.filter((x) => x > 0 && x < 1)).size).toBeGreaterThanOrEqual(2);
    return { ...(await ok(sup.get<Status>('/api/v1/assist/models/items'))), phases: [...new Set(seen.map((x) => x.phase))] };
  }

  const view = (r: AssistResult) => r.units.map((u) => ({ unitName: u.unitName, probability: u.probability, reasons: u.reasons, history: u.history }));

  it('starts from the responsibility list: both hotlines rank the same units, no history', async () => {
    baselineA = await analyse(A.agent);
    baselineB = await analyse(B.agent);
    expect(baselineA.units.map((u) => u.unitName)).toEqual(['天山区住房和城乡建设局', '乌鲁木齐市住房和城乡建设局', '自治区住房和城乡建设厅']);
    expect(baselineB.units.map((u) => u.unitName)).toEqual(baselineA.units.map((u) => u.unitName));
    // The seeded 职责清单 names units without org ids.
    expect(baselineA.units.every((u) => u.orgId === null && u.history === null)).toBe(true);
    expect(baselineA.unitHistory).toEqual({ applied: false, evidence: 0, minEvidence: 3 });
    expect(baselineA.titleModel).toBeNull();
    expect(baselineA.title.startsWith('关于')).toBe(false);
  });

  it('changes nothing on too little history, and keeps the unsupervised titles with a reason', async () => {
    await closeTicket(A, 'ZJT');
    await closeTicket(A, 'ZJT');
    later();
    const r = await analyse(A.agent);
    expect(r.unitHistory).toEqual({ applied: false, evidence: 2, minEvidence: 3 });
    expect(view(r)).toEqual(view(baselineA));
    expect(r.dispatchDecision).toEqual(baselineA.dispatchDecision);

    const status = await retrain();
    expect(status.job).toMatchObject({ status: 'succeeded', progress: 1, error: null, titleModel: { trained: false, pairs: 2 } });
    expect(status.job!.titleModel!.message).toContain('不足 10 条');
    expect(status.titleModel).toEqual({ active: false, pairs: 0, trainedAt: null, holdOut: null });
    expect(existsSync(join(dataDir, 'models', 'titles.json'))).toBe(false);
    const after = await analyse(A.agent);
    expect(after.titleModel).toBeNull();
    expect(after.title).toBe(baselineA.title);
    // The retrained item model changes item probabilities, hence list shares: the baselines from here on.
    expect(after.model?.kind).toBe('trained');
    expect(after.items[0]!.itemId).toBe(waterItem);
    expect(after.unitHistory.applied).toBe(false);
    baselineA = after;
    baselineB = await analyse(B.agent);
    expect(baselineB.unitHistory).toEqual({ applied: false, evidence: 0, minEvidence: 3 });
  });

  it('another hotline’s history re-ranks only that hotline’s units', async () => {
    for (let i = 0; i < 8; i++) await closeTicket(B, 'WLMQ-ZJJ');
    clock.advance(UNIT_HISTORY_TTL_MS + 1000);
    // The first request after the TTL answers from the cached aggregate (no agent waits for the
    // query); the fresh one is in place a moment later.
    const stale = await analyse(B.agent);
    expect(stale.unitHistory.applied).toBe(false);
    let b = stale;
    for (let i = 0; i < 100 && !b.unitHistory.applied; i++) {
      await new Promise((r) => setTimeout(r, 20));
      b = await analyse(B.agent);
    }
    expect(b.unitHistory).toMatchObject({ applied: true, evidence: 8 });
    // 乌鲁木齐's eight tickets say nothing about the 自治区 hotline's dispatching.
    later();
    const a = await analyse(A.agent);
    expect(view(a)).toEqual(view(baselineA));
    expect(a.unitHistory.applied).toBe(false);
    const top = b.units[0]!;
    expect(top.unitName).toBe('乌鲁木齐市住房和城乡建设局');
    expect(top.reasons).toContain('近90天同类工单由该单位办结 8 件');
    expect(top.history).toEqual({ handled: 8, recent: 8, share: 1 });
    // The list entry had no org id: the history's organisation is matched by tenant and name.
    expect(top.orgId).toBe(await org('WLMQ-ZJJ'));
    expect(top.probability).toBeGreaterThan(baselineB.units.find((u) => u.unitName === top.unitName)!.probability);
    expect(b.units.slice(1).every((u) => u.history === null)).toBe(true);
  });

  it('moves the unit that actually handled this hotline’s similar tickets to the top, with the reason', async () => {
    for (let i = 0; i < 6; i++) await closeTicket(A, 'ZJT');
    later();
    const a = await analyse(A.agent);
    expect(a.unitHistory).toMatchObject({ applied: true, evidence: 8 });
    const top = a.units[0]!;
    expect(top.unitName).toBe('自治区住房和城乡建设厅');
    expect(top.orgId).toBe(await org('ZJT'));
    expect(top.reasons).toContain('近90天同类工单由该单位办结 8 件');
    expect(top.reasons.some((x) => x.startsWith('职责清单含事项'))).toBe(true);
    // Bayesian share with the list as a prior worth 5 tickets: (8 + 5 × list share) / (8 + 5).
    const prior = baselineA.units.find((u) => u.unitName === top.unitName)!.probability;
    expect(top.probability).toBeCloseTo((8 + 5 * prior) / 13, 2);
    // Units without history keep their list order below it, their share shrunk by the same evidence.
    expect(a.units.slice(1).map((u) => u.unitName)).toEqual(baselineA.units.map((u) => u.unitName).filter((x) => x !== top.unitName).slice(0, 2));
    expect(a.units[1]!.history).toBeNull();
    // …and 乌鲁木齐's ranking still follows only its own tickets.
    const b = await analyse(B.agent);
    expect(b.units[0]!.unitName).toBe('乌鲁木齐市住房和城乡建设局');
    expect(b.units.find((u) => u.unitName === '自治区住房和城乡建设厅')?.history ?? null).toBeNull();
    expect(b.unitHistory.evidence).toBe(8);
  });

  it('trains a title model on the closed tickets’ titles, persists it and titles follow their style', async () => {
    const status = await retrain();
    expect(status.job).toMatchObject({ status: 'succeeded', progress: 1, error: null, titleModel: { trained: true, pairs: 16 } });
    expect(status.phases).toEqual(expect.arrayContaining(['final', 'title']));
    // 16 pairs train the model; a hold-out needs 50.
    expect(status.titleModel).toMatchObject({ active: true, pairs: 16, holdOut: null });
    expect(existsSync(join(dataDir, 'models', 'titles.json'))).toBe(true);
    const r = await analyse(A.agent, '我住在天山区大湾北路，家里停水三天了，请帮忙协调');
    expect(r.titleModel).toMatchObject({ pairs: 16 });
    expect(r.title).toMatch(/^关于.*天山区.*大湾北路.*停水.*投诉$/);
    expect(r.fill.title).toBe(r.title);
    const again = await analyse(A.agent);
    expect(again.title).not.toBe(baselineA.title);
    expect(again.title).toMatch(/^关于.*幸福路.*投诉$/);
    // A restart loads it from the data directory.
    const fresh = new AssistEngines(p.deps);
    expect((await fresh.snapshot()).titleModel).toMatchObject({ pairs: 16 });
  });
});
