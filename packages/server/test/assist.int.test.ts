import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.js';
import { productsForPath } from '../src/platform/products.js';
import { assistEngines, AssistEngines } from '../src/modules/assist/engines.js';
import type { AssistResult } from '../src/modules/assist/analyse.service.js';
import { Client, createAssistPlatform, expectProblem, login, type AssistPlatform } from './harness.js';

/**
 * Smart intake over the API: a realistic demand is turned into elements, region, item and unit
 * suggestions, title and summary; hostile text gets a clear 4xx or a safe result; retraining from
 * history runs as a job and is persisted; the LLM adapter falls back to the offline engine on
 * every failure of a real (local) chat-completions server.
 */
const DEMAND = '我是天山区幸福路小区的住户，手机13899990001，从昨天下午开始停水，物业不管，请尽快处理';

describe('assist: smart intake', () => {
  let p: AssistPlatform;
  let clock: ManualClock;
  let dataDir: string;
  let agent: Client;
  let sup: Client;

  beforeAll(async () => {
    p = await createAssistPlatform('assist-test-', 3);
    ({ clock, dataDir } = p);
    agent = await login(p, 'agent01');
    sup = await login(p, 'supervisor01');
  });
  afterAll(() => p?.close());

  const analyse = (c: Client, body: unknown) => c.post<AssistResult>('/api/v1/assist/analyse', body);

  it('turns a realistic demand into elements, region, items, units, title and summary', async () => {
    const res = await analyse(agent, { text: DEMAND });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const r = res.body;
    expect(r.engine).toBe('offline');
    expect(r.elements.phones.map((x) => x.text)).toContain('13899990001');
    const phone = r.elements.phones[0]!;
    expect(DEMAND.slice(phone.start, phone.end)).toBe('13899990001');
    expect(r.region?.county).toEqual({ code: '650102', name: '天山区' });
    expect(r.region?.prefecture?.name).toBe('乌鲁木齐市');
    const when = r.elements.times.find((t) => t.text.includes('昨天'));
    expect(when?.date).toBe('2026-01-04');
    expect(r.items.length).toBeGreaterThan(0);
    expect(r.items.length).toBeLessThanOrEqual(3);
    const ids = (await p.deps.db.selectFrom('catalog_item').select(['id', 'name']).where('id', 'in', r.items.map((i) => i.itemId)).execute()).map((x) => x.id);
    expect(ids.sort()).toEqual(r.items.map((i) => i.itemId).sort());
    expect(r.items.map((i) => i.name).join()).toMatch(/水/);
    expect(r.units.length).toBeGreaterThan(0);
    expect(r.units[0]!.reasons.length).toBeGreaterThan(0);
    expect(r.dispatchDecision.reason).toMatch(/[\u4e00-\u9fa5]/);
    expect(r.title.length).toBeGreaterThan(0);
    expect(r.summary.text.length).toBeGreaterThan(0);
    expect(r.model?.kind).toBe('bootstrap');
    // Smart fill: POST /api/v1/tickets field names, every value editable by the agent.
    expect(r.fill).toMatchObject({ title: r.title, content: DEMAND, itemId: r.items[0]!.itemId, regionName: r.region!.name, citizen: { phone: '13899990001' } });
    expect(r.fill.regionCode).toMatch(/^650102/);
    expect(['complaint', 'help', 'consult', 'suggest', 'report', 'praise', null]).toContain(r.fill.kind);
    const registered = await agent.post<{ id: string }>('/api/v1/tickets', { channel: 'phone', ...r.fill, urgency: r.fill.urgency ?? undefined, kind: r.fill.kind ?? undefined, citizen: { phone: r.fill.citizen.phone }, draft: true });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  });

  it('without a place in the demand, suggests units of the hotline’s own jurisdiction and says so', async () => {
    const res = await analyse(agent, { text: '小区供暖温度只有十五度，家里老人孩子受不了，热力公司一直不修' });
    expect(res.status).toBe(200);
    expect(res.body.region).toBeNull();
    expect(res.body.warnings.join()).toContain('未识别到诉求地点');
    expect(res.body.units.length).toBeGreaterThan(0);
    // agent01 works at the 自治区 hotline: 自治区-level units, not some prefecture's.
    expect(res.body.units[0]!.tenantName).toBe('新疆维吾尔自治区');
  });

  it('reads a transcript: the demand from the citizen turns, elements from the whole call', async () => {
    const res = await analyse(agent, {
      transcript: [
        { speaker: 'agent', text: '您好，12345热线，请问有什么可以帮您？' },
        { speaker: 'citizen', text: '我在天山区幸福路小区，昨天下午开始停水了，到现在还没来水' },
        { speaker: 'agent', text: '请留一下联系电话' },
        { speaker: 'citizen', text: '13899990002' },
      ],
      referenceDate: '2026-03-02T10:00:00+08:00',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.elements.phones.map((x) => x.text)).toContain('13899990002');
    expect(res.body.elements.times.find((t) => t.text.includes('昨天'))?.date).toBe('2026-03-01');
    expect(res.body.region?.county?.code).toBe('650102');
  });

  it('answers bad input with a 400 in Chinese or a safe result, never 5xx', async () => {
    const cases: { what: string; body: unknown }[] = [
      { what: 'empty', body: { text: '' } },
      { what: 'blank', body: { text: '   \n ' } },
      { what: 'nothing', body: {} },
      { what: '100 KB', body: { text: '停水'.repeat(50_000) } },
      { what: 'emoji', body: { text: '😡😡😡 停水三天了 🚰❌ 天山区' } },
      { what: 'emoji only', body: { text: '😀😀😀' } },
      { what: 'mixed Uyghur', body: { text: 'مەن ئۈرۈمچى شەھىرى تيانشان رايونىدا تۇرىمەن، سۇ يوق 天山区停水了 13899990003' } },
      { what: 'Uyghur only', body: { text: 'سۇ توختاپ قالدى، ياردەم قىلىڭ' } },
      { what: 'control characters', body: { text: '停水\u0007\u001b[31m了' } },
      { what: 'bad date', body: { text: DEMAND, referenceDate: 'yesterday' } },
      { what: 'long transcript turn', body: { transcript: [{ speaker: 'citizen', text: 'x'.repeat(3000) }] } },
    ];
    for (const c of cases) {
      const res = await analyse(agent, c.body);
      expect(res.status, `${c.what}: ${JSON.stringify(res.body).slice(0, 300)}`).toBeLessThan(500);
      if (res.status >= 400) {
        expect(String(res.headers['content-type']), c.what).toContain('application/problem+json');
        expect(String((res.body as unknown as { detail: string }).detail), c.what).toMatch(/[\u4e00-\u9fa5]/);
      } else {
        expect(res.body.title, c.what).toEqual(expect.any(String));
      }
    }
    expect((await analyse(agent, { text: '' })).status).toBe(400);
    expect((await analyse(agent, { text: '停水'.repeat(50_000) })).status).toBe(400);
    const mixed = await analyse(agent, { text: 'مەن تيانشان رايونىدا تۇرىمەن 天山区停水了 13899990003' });
    expect(mixed.status).toBe(200);
    expect(mixed.body.elements.phones.map((x) => x.text)).toContain('13899990003');
  });

  it('refuses callers without assist:use (a unit handler); the routes belong to the tickets product', async () => {
    for (const url of ['/api/v1/assist/analyse', '/api/v1/assist/models/items', '/api/v1/assist/models/items/train']) expect(productsForPath(url)).toEqual(['tickets']);
    const handler = await login(p, 'handler_ts');
    expectProblem(await analyse(handler, { text: DEMAND }), 403, 'FORBIDDEN');
    expectProblem(await handler.get('/api/v1/assist/models/items'), 403, 'FORBIDDEN');
    expectProblem(await agent.post('/api/v1/assist/models/items/train', {}), 403, 'FORBIDDEN');
    expect((await new Client(p).post('/api/v1/assist/analyse', { text: DEMAND })).status).toBe(401);
  });

  it('lists similar open tickets of the caller’s tenant', async () => {
    const created = await agent.post<{ id: string; no: string }>('/api/v1/tickets', { channel: 'phone', title: '天山区幸福路小区停水', content: DEMAND, citizen: { name: '张三', phone: '13899990001' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    clock.advance(60_000);
    const res = await analyse(agent, { text: DEMAND });
    expect(res.body.similar.map((s) => s.no)).toContain(created.body.no);
  });

  it('retrains the item model from history as a job, persists it and reports it', async () => {
    const before = await sup.get<{ model: { kind: string; trainedAt: string } }>('/api/v1/assist/models/items');
    expect(before.status).toBe(200);
    expect(before.body.model.kind).toBe('bootstrap');
    const items = await p.deps.db.selectFrom('catalog_item').select(['id', 'name']).where('status', '=', 'published').where('name', 'in', ['停水及水压不足', '物业服务质量差']).execute();
    expect(items.length).toBe(2);
    const texts = ['小区连续两天停水，没有任何通知', '自来水水压太低，楼上用不了水', '物业不打扫卫生，垃圾堆在楼道', '物业乱收费，服务很差'];
    for (const [i, content] of texts.entries()) {
      const itemId = items[i < 2 ? 0 : 1]!.id;
      const res = await agent.post('/api/v1/tickets', { channel: 'phone', title: content.slice(0, 10), content, itemId, citizen: { name: '李四', phone: `1389999001${i}` } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    clock.advance(1000);
    const started = await sup.post<{ id: string; status: string }>('/api/v1/assist/models/items/train', { epochs: 3 });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body.status).toBe('running');
    expectProblem(await sup.post('/api/v1/assist/models/items/train', { epochs: 3 }), 409, 'CONFLICT');
    await assistEngines(p.deps).job?.done;
    const after = await sup.get<{ model: { kind: string; trainedAt: string; examples: number }; job: { status: string; progress: number; error: string | null } }>('/api/v1/assist/models/items');
    expect(after.body.job, JSON.stringify(after.body)).toMatchObject({ status: 'succeeded', progress: 1, error: null });
    expect(after.body.model.kind).toBe('trained');
    expect(after.body.model.examples).toBeGreaterThanOrEqual(4);
    expect(after.body.model.trainedAt).not.toBe(before.body.model.trainedAt);
    expect(existsSync(join(dataDir, 'models', 'items.json'))).toBe(true);
    // A restart keeps the trained model: a fresh registry over the same data directory loads it.
    const fresh = new AssistEngines(p.deps);
    expect((await fresh.snapshot()).model).toMatchObject({ kind: 'trained', examples: after.body.model.examples });
    const res = await analyse(agent, { text: DEMAND });
    expect(res.body.model?.kind).toBe('trained');
    expect(res.body.items.length).toBeGreaterThan(0);
  });

  it('trains an intent model from the demand types agents chose, reports its hold-out accuracy and uses it', async () => {
    type Status = { intentModel: { active: boolean; examples: number; trainedAt: string | null; holdOut: { size: number; accuracy: number } | null }; job: { status: string; intentModel: { trained: boolean; examples: number; message: string } | null } };
    const routes = ['1', '7', '12', '35', '52', '101', '305', '910', 'BRT1', 'BRT3', '58', '63', '2', '8', '17', '41', '66', '70', '88', '99', '120', '150', '201', '532', '914'];
    const places = ['幸福路', '南湖', '红山', '友好', '大湾', '北京路', '长江路', '河滩路', '西虹路', '光明路', '新民路', '黄河路', '二道桥', '碱泉街', '延安路', '和平路', '团结路', '燕儿窝', '七道湾', '米东', '头屯河', '达坂城', '安宁渠', '青格达湖', '卡子湾'];
    const examples = routes.flatMap((r, i) => [
      { kind: 'suggest', content: `${r}路公交车晚上九点就收车了，下夜班的人坐不上车，在${places[i]}站多加几个晚班车次会方便很多` },
      { kind: 'help', content: `我母亲八十多岁独居在${places[i]}，腿脚不便，家里暖气不热已经三天，子女在外地回不来，请社区去看看她` },
    ]);
    for (const [i, e] of examples.entries()) {
      const res = await agent.post('/api/v1/tickets', { channel: 'phone', kind: e.kind, title: e.content.slice(0, 12), content: e.content, citizen: { name: '王五', phone: `1389998${String(1000 + i)}` } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const before = await sup.get<Status>('/api/v1/assist/models/items');
    expect(before.body.intentModel).toMatchObject({ active: false, examples: 0, holdOut: null });
    expect((await analyse(agent, { text: '希望在碱泉街增开夜班公交车' })).body.intent.source).toBe('rules');

    expect((await sup.post('/api/v1/assist/models/items/train', { epochs: 3 })).status).toBe(202);
    await assistEngines(p.deps).job?.done;
    const after = await sup.get<Status>('/api/v1/assist/models/items');
    expect(after.body.job.status).toBe('succeeded');
    expect(after.body.job.intentModel).toMatchObject({ trained: true });
    expect(after.body.job.intentModel!.message).toMatch(/诉求类型模型已用 \d+ 条工单/);
    expect(after.body.intentModel.active).toBe(true);
    expect(after.body.intentModel.examples).toBeGreaterThanOrEqual(50);
    // 50 examples and more: a fifth is held out to measure the model before it ships.
    expect(after.body.intentModel.holdOut!.size).toBeGreaterThanOrEqual(10);
    expect(after.body.intentModel.holdOut!.accuracy).toBeGreaterThanOrEqual(0.8);
    expect(existsSync(join(dataDir, 'models', 'intents.json'))).toBe(true);

    const bus = await analyse(agent, { text: '我每天下夜班，88路公交车晚上收车太早，希望多加几个晚班车次' });
    expect(bus.body.intent).toMatchObject({ label: '建议', source: 'model' });
    expect(bus.body.fill.kind).toBe('suggest');
    const elder = await analyse(agent, { text: '我父亲独居在团结路，腿脚不便，暖气不热好几天了，请社区帮忙看看' });
    expect(elder.body.intent).toMatchObject({ label: '求助', source: 'model' });
    // A restart loads it from the data directory.
    expect((await new AssistEngines(p.deps).snapshot()).intentModel).toMatchObject({ examples: after.body.intentModel.examples });
  });

  describe('LLM adapter against a local chat-completions server', () => {
    let server: Server;
    let mode: 'ok' | 'slow' | 'error' | 'garbage' | 'invented' = 'ok';
    const seen: { auth?: string; body: { model: string; messages: { role: string; content: string }[]; response_format: { type: string } } }[] = [];

    beforeAll(async () => {
      server = createServer((req: IncomingMessage, res: ServerResponse) => {
        let raw = '';
        req.on('data', (c: Buffer) => (raw += c.toString()));
        req.on('end', () => {
          const body = JSON.parse(raw) as (typeof seen)[number]['body'];
          seen.push({ auth: req.headers.authorization, body });
          const offered = [...raw.matchAll(/"id\\?":\\?"([0-9a-f-]{36})/g)].map((m) => m[1]!);
          const answer = (content: string) => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }));
          };
          if (mode === 'error') {
            res.writeHead(500, { 'content-type': 'application/json' });
            res.end('{"error":"boom"}');
          } else if (mode === 'slow') {
            setTimeout(() => answer('{}'), 1500).unref();
          } else if (mode === 'garbage') {
            answer('当然可以！以下是结果：{intent: 投诉');
          } else if (mode === 'invented') {
            answer(JSON.stringify({ intent: '投诉', title: '停水', summary: '停水', itemId: '00000000-0000-4000-8000-000000000000' }));
          } else {
            answer('```json\n' + JSON.stringify({ intent: '求助', title: '天山区幸福路小区停水求助', summary: '市民反映天山区幸福路小区自昨天下午起停水，物业未处理，请求尽快恢复供水。', itemId: offered.at(-1) ?? null }) + '\n```');
          }
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      p.deps.config.llm = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, apiKey: 'sk-test', model: 'qwen-test', timeoutMs: 500 };
    });
    afterAll(async () => {
      delete p.deps.config.llm;
      await new Promise((r) => server?.close(r));
    });

    it('uses the LLM answer when it is valid, with the item chosen among the offline candidates', async () => {
      mode = 'ok';
      const offline = (await analyse(agent, { text: DEMAND })).body;
      const res = await analyse(agent, { text: DEMAND });
      expect(res.status).toBe(200);
      expect(res.body.engine).toBe('llm');
      expect(res.body.intent).toMatchObject({ label: '求助', source: 'llm' });
      expect(res.body.title).toBe('天山区幸福路小区停水求助');
      expect(res.body.fill).toMatchObject({ title: '天山区幸福路小区停水求助', kind: 'help' });
      expect(res.body.summary.text).toContain('停水');
      expect(res.body.items.map((i) => i.itemId).sort()).toEqual(offline.items.map((i) => i.itemId).sort());
      const last = seen.at(-1)!;
      expect(last.auth).toBe('Bearer sk-test');
      expect(last.body.model).toBe('qwen-test');
      expect(last.body.response_format.type).toBe('json_schema');
      expect(last.body.messages.at(-1)!.content).toContain('停水');
      // Personal data stays home: the phone number is masked before the text is sent.
      expect(last.body.messages.at(-1)!.content).not.toContain('13899990001');
      expect(last.body.messages.at(-1)!.content).toContain('［电话］');
    });

    for (const [m, why] of [
      ['slow', '超时'],
      ['error', '500'],
      ['garbage', 'JSON'],
      ['invented', '候选'],
    ] as const) {
      it(`falls back to the offline result (${m})`, async () => {
        mode = m;
        const t0 = Date.now();
        const res = await analyse(agent, { text: DEMAND });
        expect(res.status).toBe(200);
        expect(res.body.engine).toBe('offline');
        expect(res.body.warnings.join()).toContain(why);
        expect(res.body.items.length).toBeGreaterThan(0);
        expect(res.body.title.length).toBeGreaterThan(0);
        expect(Date.now() - t0).toBeLessThan(1400);
      });
    }
  });
});
