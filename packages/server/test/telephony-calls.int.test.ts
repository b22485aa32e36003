import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cdr } from '@hotline/voip';
import { sm3Hex } from '../src/platform/crypto/index.js';
import { FsBlobStore } from '../src/platform/blob/index.js';
import { callAudioKey, insertCdr, type StoredCallAudio } from '../src/modules/telephony/media.role.js';
import { Client, createTestPlatform, expectProblem, ids, login, provisionUser, relaxLoginRateLimit, type Res, type TestPlatform } from './harness.js';

/**
 * 通话记录 and recordings through the API: the list with its filters, the detail (legs, transfers,
 * IVR path, timeline), masking of caller numbers without citizen:pii, data scopes (an agent sees
 * the calls of their own extension, a tenant its own, an upper level its subtree, another tenant's
 * call is "not found" exactly like a ghost id), recording reads whole and by HTTP Range with an
 * audit row for each, the SM3 check on full reads, and bad input answered in Chinese.
 */
interface CallItem {
  id: string;
  tenantId: string;
  caller: string;
  callee: string;
  startedAt: string;
  endedAt: string | null;
  durationSeconds: number | null;
  talkSeconds: number | null;
  endReason: string | null;
  queue: string | null;
  agent: string | null;
  hasRecording: boolean;
  hasVoicemail: boolean;
}
interface CallDetail extends CallItem {
  dtmf: string;
  ivrPath: string[];
  ivrInputs: { node: string; digits: string }[];
  legs: { id: string; role: string; party: string; answeredAt: string | null }[];
  transfers: { kind: string; from: string | null; to: string; ok: boolean }[];
  recording: { size: number; sm3: string } | null;
  voicemail: { size: number; sm3: string } | null;
  timeline: { at: string; kind: string; party?: string }[];
}
type Page = { items: CallItem[]; total: number };

const T0 = Date.parse('2026-01-05T09:00:00+08:00');
const MIN = 60_000;

function cdr(id: string, over: Partial<Cdr> & { at: number }): Cdr {
  const { at, ...rest } = over;
  return {
    id,
    sipCallId: `${id}@carrier`,
    caller: '13800000000',
    callerWithheld: false,
    callee: '12345',
    startedAt: at,
    answeredAt: at + 200,
    endedAt: at + 3 * MIN,
    endReason: 'caller-hangup',
    ivrPath: ['menu', 'route', 'mandarin'],
    ivrInputs: [{ node: 'menu', digits: '1' }],
    dtmf: '1',
    transfers: [],
    holdSeconds: 0,
    legs: [{ id: 'citizen', role: 'citizen', party: rest.caller ?? '13800000000', sipCallId: `${id}@carrier`, startedAt: at, answeredAt: at + 200, endedAt: at + 3 * MIN }],
    ...rest,
  };
}

/** A small stereo 8 kHz WAV: header and noise. */
function wav(bytes: number): Buffer {
  const data = randomBytes(bytes);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + bytes, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(2, 22);
  h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(32000, 28);
  h.writeUInt16LE(4, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(bytes, 40);
  return Buffer.concat([h, data]);
}

let p: TestPlatform;
let rev: Client;
let sup: Client;
let agent: Client;
let disp: Client;
let sys: Client;
let kash: Client;
let root: string;
let kashgar: string;
const audio = { a1: wav(20_000), a3vm: wav(4_000), b1: wav(6_000), tamper: wav(3_000) };

async function store(c: Cdr, recording?: Buffer, voicemail?: Buffer): Promise<StoredCallAudio> {
  const out: StoredCallAudio = {};
  if (recording) out.recording = await p.deps.blobs.put(callAudioKey('recordings', c), recording, { contentType: 'audio/wav' });
  if (voicemail) out.voicemail = await p.deps.blobs.put(callAudioKey('voicemail', c), voicemail, { contentType: 'audio/wav' });
  return out;
}

async function add(tenantCode: string, c: Cdr, recording?: Buffer, voicemail?: Buffer): Promise<void> {
  await insertCdr(p.deps.db, tenantCode, c, await store(c, recording, voicemail));
}

/** GET with optional extra headers; the body as a Buffer unless it is JSON. */
async function raw(c: Client, url: string, headers: Record<string, string> = {}) {
  const res = await p.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${c.token ?? ''}`, 'user-agent': 'vitest', ...headers } });
  const type = String(res.headers['content-type'] ?? '');
  return { status: res.statusCode, headers: res.headers, body: type.includes('json') ? (res.json() as unknown) : res.rawPayload };
}

const playRows = async (callId: string) =>
  p.deps.db.selectFrom('audit_log').select(['actor_name', 'result', 'summary', 'tenant_id']).where('action', '=', 'telephony.recording.play').where('target_id', '=', callId).orderBy('id').execute();

function ok<T>(r: Res<T>, status = 200): T {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

beforeAll(async () => {
  p = await createTestPlatform();
  await relaxLoginRateLimit(p);
  const I = await ids(p);
  root = await I.tenant('650000');
  kashgar = await I.tenant('653100');
  [rev, sup, agent, disp, sys] = await Promise.all([login(p, 'reviewer01'), login(p, 'supervisor01'), login(p, 'agent01'), login(p, 'dispatcher01'), login(p, 'sysadmin')]);
  kash = await provisionUser(p, { tenantId: kashgar, orgId: await I.org('KS-12345'), username: 'kash_reviewer', roleCode: 'reviewer' });
  // agent01 answers on extension 1001 here (the demo seed gave 8001).
  expect((await sys.put(`/api/v1/telephony/agents/${await I.user('agent01')}`, { extension: '1001' })).status).toBe(200);

  await add(
    '650000',
    cdr('call-a1', {
      at: T0,
      bridgedAt: T0 + 20_000,
      agent: '1001',
      queue: 'mandarin',
      dtmf: '1310102198001011234',
      ivrInputs: [{ node: 'menu', digits: '1' }, { node: 'idcard', digits: '310102198001011234' }],
      transfers: [{ at: T0 + 2 * MIN, kind: 'blind', from: '1001', to: '1002', ok: true }],
      legs: [
        { id: 'citizen', role: 'citizen', party: '13800000000', sipCallId: 'call-a1@carrier', startedAt: T0, answeredAt: T0 + 200, endedAt: T0 + 3 * MIN },
        { id: 'agent-1', role: 'agent', party: '1001', sipCallId: 'x1', startedAt: T0 + 10_000, answeredAt: T0 + 20_000, endedAt: T0 + 2 * MIN },
        { id: 'agent-2', role: 'agent', party: '1002', sipCallId: 'x2', startedAt: T0 + 2 * MIN, answeredAt: T0 + 2 * MIN + 5000, endedAt: T0 + 3 * MIN },
      ],
      holdSeconds: 4.5,
    }),
    audio.a1,
  );
  await add('650000', cdr('call-a2', { at: T0 + 60 * MIN, caller: '13911112222', agent: '1002', bridgedAt: T0 + 60 * MIN + 9000, queue: 'uyghur', endReason: 'agent-hangup', ivrPath: ['menu', 'route', 'uyghur'], dtmf: '2' }));
  await add('650000', cdr('call-a3', { at: T0 + 120 * MIN, queue: 'general', endReason: 'ivr-end', ivrPath: ['menu', 'route', 'human', 'busy', 'thanks'], dtmf: '0' }), undefined, audio.a3vm);
  await add('650000', cdr('call-a4', { at: T0 + 180 * MIN, caller: '13700001111', agent: '1001', bridgedAt: T0 + 180 * MIN + 5000, queue: 'mandarin' }), audio.tamper);
  await add('653100', cdr('call-b1', { at: T0 + 30 * MIN, caller: '13755556666', agent: '2001', bridgedAt: T0 + 31 * MIN, queue: 'mandarin' }), audio.b1);
});
afterAll(() => p?.close());

describe('call records list', () => {
  it('lists the tenant’s calls newest first, with full numbers for citizen:pii holders', async () => {
    const page = ok(await rev.get<Page>('/api/v1/telephony/calls'));
    expect(page.total).toBe(4);
    expect(page.items.map((c) => c.id)).toEqual(['call-a4', 'call-a3', 'call-a2', 'call-a1']);
    const a1 = page.items.find((c) => c.id === 'call-a1')!;
    expect(a1).toMatchObject({ tenantId: root, caller: '13800000000', callee: '12345', agent: '1001', queue: 'mandarin', endReason: 'caller-hangup', hasRecording: true, hasVoicemail: false, durationSeconds: 180, talkSeconds: 160 });
    expect(a1.startedAt).toBe(new Date(T0).toISOString());
    expect(page.items.find((c) => c.id === 'call-a3')).toMatchObject({ hasRecording: false, hasVoicemail: true, agent: null, talkSeconds: null });
    const asc = ok(await rev.get<Page>('/api/v1/telephony/calls?order=asc&pageSize=2&page=2'));
    expect(asc.items.map((c) => c.id)).toEqual(['call-a3', 'call-a4']);
    expect(asc.total).toBe(4);
  });

  it('filters by time range, caller (exact or suffix), agent extension, end reason, queue and recording', async () => {
    const ids = async (q: string, who: Client = rev) => ok(await who.get<Page>(`/api/v1/telephony/calls?${q}`)).items.map((c) => c.id).sort();
    const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
    expect(await ids(`from=${iso(T0 + 30 * MIN)}&to=${iso(T0 + 150 * MIN)}`)).toEqual(['call-a2', 'call-a3']);
    expect(await ids(`from=${iso(T0 + 120 * MIN)}`)).toEqual(['call-a3', 'call-a4']);
    expect(await ids('caller=13800000000')).toEqual(['call-a1', 'call-a3']);
    expect(await ids('caller=1380000')).toEqual([]);
    expect(await ids('caller=2222&callerMatch=suffix')).toEqual(['call-a2']);
    expect(await ids('caller=1111&callerMatch=suffix')).toEqual(['call-a4']);
    expect(await ids('agent=1001')).toEqual(['call-a1', 'call-a4']);
    expect(await ids('endReason=agent-hangup')).toEqual(['call-a2']);
    expect(await ids('queue=mandarin')).toEqual(['call-a1', 'call-a4']);
    expect(await ids('hasRecording=true')).toEqual(['call-a1', 'call-a4']);
    expect(await ids('hasRecording=false')).toEqual(['call-a2', 'call-a3']);
    expect(await ids('queue=mandarin&agent=1001&hasRecording=true&caller=13700001111')).toEqual(['call-a4']);
  });

  it('masks caller numbers without citizen:pii and allows only a search by the digits the mask shows', async () => {
    // supervisor01: tenant subtree, no citizen:pii.
    const page = ok(await sup.get<Page>('/api/v1/telephony/calls?pageSize=50'));
    expect(page.items.find((c) => c.id === 'call-a1')?.caller).toBe('138****0000');
    expect(page.items.every((c) => /^\d{3}\*{4}\d{4}$/.test(c.caller))).toBe(true);
    expect(ok(await sup.get<Page>('/api/v1/telephony/calls?caller=0000&callerMatch=suffix')).items.map((c) => c.id).sort()).toEqual(['call-a1', 'call-a3']);
    const full = expectProblem(await sup.get('/api/v1/telephony/calls?caller=13800000000'), 403, 'FORBIDDEN');
    expect(full.detail).toContain('后4位');
    expectProblem(await sup.get('/api/v1/telephony/calls?caller=00000&callerMatch=suffix'), 403, 'FORBIDDEN');
    const d = ok(await sup.get<CallDetail>('/api/v1/telephony/calls/call-a1'));
    expect(d.caller).toBe('138****0000');
    expect(d.legs.find((l) => l.role === 'citizen')?.party).toBe('138****0000');
    expect(d.timeline.find((e) => e.kind === 'started')?.party).toBe('138****0000');
    // Digits typed into the IVR beyond a menu choice may be an ID number.
    expect(d.ivrInputs).toEqual([{ node: 'menu', digits: '1' }, { node: 'idcard', digits: '31**************34' }]);
    expect(d.dtmf).toBe('13***************34');
    expect(JSON.stringify(d)).not.toContain('13800000000');
    expect(JSON.stringify(d)).not.toContain('310102198001011234');
  });
});

describe('data scopes', () => {
  it('an upper level sees its subtree; a tenant-scoped role only its own tenant', async () => {
    expect(ok(await sup.get<Page>('/api/v1/telephony/calls')).total).toBe(5);
    const kashPage = ok(await kash.get<Page>('/api/v1/telephony/calls'));
    expect(kashPage.items.map((c) => c.id)).toEqual(['call-b1']);
    expect(kashPage.items[0]?.caller).toBe('13755556666');
  });

  it('an agent sees the calls answered on their own extension only', async () => {
    const page = ok(await agent.get<Page>('/api/v1/telephony/calls'));
    expect(page.items.map((c) => c.id).sort()).toEqual(['call-a1', 'call-a4']);
    expectProblem(await agent.get('/api/v1/telephony/calls/call-a2'), 404, 'NOT_FOUND');
    expect((await raw(agent, '/api/v1/telephony/calls/call-a1/recording')).status).toBe(200);
  });

  it('another tenant’s call is not found, exactly like an id that does not exist', async () => {
    const pairs: [Client, string][] = [
      [rev, 'call-b1'],
      [kash, 'call-a1'],
      [kash, 'call-a3'],
    ];
    for (const [who, id] of pairs) {
      for (const suffix of ['', '/recording', '/recording?kind=voicemail']) {
        const real = await raw(who, `/api/v1/telephony/calls/${id}${suffix}`);
        const ghost = await raw(who, `/api/v1/telephony/calls/ghost-${randomBytes(4).toString('hex')}${suffix}`);
        expect(real.status, `${id}${suffix}`).toBe(404);
        expect(real.body).toMatchObject({ code: 'NOT_FOUND', detail: (ghost.body as { detail: string }).detail });
        expect(ghost.status).toBe(404);
      }
    }
    // Nothing was played, so nothing was audited as played.
    expect(await playRows('call-b1')).toEqual([]);
  });

  it('refuses users without the telephony permissions, and tenants without the 话务 product', async () => {
    expectProblem(await disp.get('/api/v1/telephony/calls'), 403, 'FORBIDDEN');
    expectProblem(await sys.get('/api/v1/telephony/calls/call-a1'), 403, 'FORBIDDEN');
    expectProblem(await disp.get('/api/v1/telephony/calls/call-a1/recording'), 403, 'FORBIDDEN');
    const products = await p.deps.db.selectFrom('tenant_product').select('product_key').where('tenant_id', '=', kashgar).execute();
    expect(products.map((r) => r.product_key)).toContain('telephony');
    await p.deps.db.deleteFrom('tenant_product').where('tenant_id', '=', kashgar).where('product_key', '=', 'telephony').execute();
    try {
      const again = await login(p, 'kash_reviewer', 'Changed@Pass2026y');
      const res = expectProblem(await again.get('/api/v1/telephony/calls'), 403, 'FORBIDDEN');
      expect(res.detail).toContain('未开通');
    } finally {
      await p.deps.db.insertInto('tenant_product').values({ tenant_id: kashgar, product_key: 'telephony' }).execute();
    }
  });
});

describe('call detail', () => {
  it('shows legs, transfers, the IVR path, DTMF, the recording and a timeline in time order', async () => {
    const d = ok(await rev.get<CallDetail>('/api/v1/telephony/calls/call-a1'));
    expect(d).toMatchObject({ id: 'call-a1', caller: '13800000000', dtmf: '1310102198001011234', ivrPath: ['menu', 'route', 'mandarin'], agent: '1001', queue: 'mandarin' });
    expect(d.ivrInputs).toEqual([{ node: 'menu', digits: '1' }, { node: 'idcard', digits: '310102198001011234' }]);
    expect(d.legs.map((l) => [l.id, l.role, l.party])).toEqual([
      ['citizen', 'citizen', '13800000000'],
      ['agent-1', 'agent', '1001'],
      ['agent-2', 'agent', '1002'],
    ]);
    expect(d.transfers).toEqual([{ at: new Date(T0 + 2 * MIN).toISOString(), kind: 'blind', from: '1001', to: '1002', ok: true }]);
    expect(d.recording).toEqual({ size: audio.a1.length, sm3: sm3Hex(audio.a1), contentType: 'audio/wav' });
    expect(d.voicemail).toBeNull();
    expect(d.timeline.map((e) => e.kind)).toEqual(['started', 'answered', 'leg-started', 'leg-answered', 'bridged', 'leg-ended', 'leg-started', 'transfer', 'leg-answered', 'leg-ended', 'ended']);
    const times = d.timeline.map((e) => e.at);
    expect([...times].sort()).toEqual(times);
  });
});

describe('recordings', () => {
  const url = '/api/v1/telephony/calls/call-a1/recording';

  it('streams the whole WAV after checking its SM3 digest, and audits the play', async () => {
    const before = (await playRows('call-a1')).length;
    const res = await raw(rev, url);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('audio/wav');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(Number(res.headers['content-length'])).toBe(audio.a1.length);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(Buffer.compare(res.body as Buffer, audio.a1)).toBe(0);
    const rows = await playRows('call-a1');
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)).toMatchObject({ actor_name: '李慧(reviewer01)', result: 'success', tenant_id: root });
    expect(rows.at(-1)?.summary).toMatchObject({ detail: { kind: 'recording', range: null, bytes: audio.a1.length, verified: true, sm3: sm3Hex(audio.a1) } });
  });

  it('serves HTTP ranges (206 with Content-Range), each one audited; refuses a range past the end with 416', async () => {
    const before = (await playRows('call-a1')).length;
    const size = audio.a1.length;
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=1000-1999', 1000, 1999],
      ['bytes=20000-', 20000, size - 1],
      ['bytes=-44', size - 44, size - 1],
      ['bytes=100-999999', 100, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const res = await raw(rev, url, { range });
      expect(res.status, range).toBe(206);
      expect(res.headers['content-range'], range).toBe(`bytes ${start}-${end}/${size}`);
      expect(Number(res.headers['content-length'])).toBe(end - start + 1);
      expect(Buffer.compare(res.body as Buffer, audio.a1.subarray(start, end + 1)), range).toBe(0);
    }
    const rows = await playRows('call-a1');
    expect(rows).toHaveLength(before + cases.length);
    expect(rows.at(-1)?.summary).toMatchObject({ detail: { range: `bytes=100-${size - 1}`, bytes: size - 100, verified: false } });
    const past = await raw(rev, url, { range: `bytes=${size}-` });
    expectProblem(past as Res<unknown>, 416, 'RANGE_NOT_SATISFIABLE');
    expect(past.headers['content-range']).toBe(`bytes */${size}`);
    expect(String((past.body as { detail: string }).detail)).toMatch(/超出文件范围/);
    // Ranges the server does not serve piecewise (several, other units, malformed) get the whole file.
    for (const range of ['bytes=0-1,5-9', 'items=0-5', 'bytes=abc', 'bytes=9-3']) {
      const res = await raw(rev, url, { range });
      expect(res.status, range).toBe(200);
      expect((res.body as Buffer).length).toBe(size);
    }
    expect(await playRows('call-a1')).toHaveLength(before + cases.length + 4);
    // HEAD is not offered (it would be audited as a play that sent nothing).
    const head = await p.app.inject({ method: 'HEAD', url, headers: { authorization: `Bearer ${rev.token ?? ''}` } });
    expect(head.statusCode).toBe(404);
    expect(await playRows('call-a1')).toHaveLength(before + cases.length + 4);
  });

  it('plays voicemail with kind=voicemail; a call without a recording answers 404', async () => {
    const vm = await raw(rev, '/api/v1/telephony/calls/call-a3/recording?kind=voicemail');
    expect(vm.status).toBe(200);
    expect(Buffer.compare(vm.body as Buffer, audio.a3vm)).toBe(0);
    expect(vm.headers['content-disposition']).toBe('inline; filename="call-a3-voicemail.wav"');
    expect((await playRows('call-a3')).at(-1)?.summary).toMatchObject({ detail: { kind: 'voicemail' } });
    const none = expectProblem((await raw(rev, '/api/v1/telephony/calls/call-a2/recording')) as Res<unknown>, 404, 'NOT_FOUND');
    expect(none.detail).toBe('录音不存在或无权访问');
  });

  it('refuses a recording whose bytes no longer match the stored SM3 digest, and audits the failure', async () => {
    const store = p.deps.blobs as FsBlobStore;
    const key = callAudioKey('recordings', { id: 'call-a4', startedAt: T0 + 180 * MIN });
    const forged = Buffer.from(audio.tamper);
    forged[100] = (forged[100] ?? 0) ^ 0xff;
    writeFileSync(join(store.root, ...key.split('/')), forged);
    const res = await raw(rev, '/api/v1/telephony/calls/call-a4/recording');
    const problem = expectProblem(res as Res<unknown>, 409, 'INTEGRITY_CHECK_FAILED');
    expect(problem.detail).toContain('SM3');
    const rows = await playRows('call-a4');
    expect(rows.at(-1)).toMatchObject({ result: 'failure' });
    expect(rows.at(-1)?.summary).toMatchObject({ detail: { reason: 'sm3-mismatch', expected: sm3Hex(audio.tamper), actual: sm3Hex(forged) } });
  });
});

describe('bad input', () => {
  it('answers malformed filters and ids with 400 problem+json in Chinese', async () => {
    const bad = [
      '/api/v1/telephony/calls?from=yesterday',
      '/api/v1/telephony/calls?pageSize=0',
      '/api/v1/telephony/calls?pageSize=500',
      '/api/v1/telephony/calls?endReason=bogus',
      '/api/v1/telephony/calls?caller=138-0000',
      `/api/v1/telephony/calls?caller=${encodeURIComponent("'; drop table telephony_cdr; --")}`,
      '/api/v1/telephony/calls?callerMatch=prefix&caller=138',
      '/api/v1/telephony/calls?hasRecording=maybe',
      `/api/v1/telephony/calls?agent=${encodeURIComponent('<script>')}`,
      '/api/v1/telephony/calls?queue=a%20b',
      `/api/v1/telephony/calls/${'x'.repeat(65)}`,
      '/api/v1/telephony/calls/call-a1/recording?kind=video',
    ];
    for (const url of bad) {
      const problem = expectProblem(await rev.get(url), 400, 'VALIDATION_FAILED');
      expect(problem.detail, url).toMatch(/[\u4e00-\u9fa5]/);
    }
    const order = expectProblem(await rev.get(`/api/v1/telephony/calls?from=${encodeURIComponent('2026-02-01T00:00:00Z')}&to=${encodeURIComponent('2026-01-01T00:00:00Z')}`), 400, 'VALIDATION_FAILED');
    expect(order.detail).toBe('开始时间应早于结束时间');
    // Path segments that are not call ids never reach a file or a query.
    for (const id of ['..%2F..%2Fetc%2Fpasswd', '.hidden', '%00']) {
      const res = await rev.get(`/api/v1/telephony/calls/${id}/recording`);
      expect(res.status, id).toBeGreaterThanOrEqual(400);
      expect(res.status, id).toBeLessThan(500);
    }
  });
});
