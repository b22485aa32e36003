/**
 * Bridged calls with our own phones as agents: queue placeholder, registered extensions, stereo
 * recording, hold/retrieve, blind transfer (API and REFER), attended transfer, three-way calls
 * where any party may leave, and the 110 hand-off carrying the caller's number.
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { B2bua, B2buaCall, IvrFlow } from '../../src/b2bua/index.js';
import { parseWav } from '../../src/media/wav.js';
import { TranscriptQueue } from '../../src/media/asr.js';
import type { AsrPort, AsrStream } from '../../src/media/asr.js';
import type { SipStack } from '../../src/sip/index.js';
import { Caller, DOMAIN, EventLog, Phone, delay, live, peerStack, rms, startEngine, tempDir } from './helpers.js';

const dir = tempDir('b2bua-bridge-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const toQueue: IvrFlow = {
  start: 'q',
  nodes: { q: { type: 'transfer', queue: 'general', data: { skill: 'mandarin' } } },
};

let engine: B2bua | undefined;
let stack: SipStack | undefined;
const phones: Phone[] = [];
const callers: Caller[] = [];
afterEach(async () => {
  await Promise.all(callers.splice(0).map((c) => c.close()));
  await engine?.close();
  await stack?.close();
  await Promise.all(phones.splice(0).map((p) => p.close()));
  engine = undefined;
  stack = undefined;
});

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await delay(10);
  }
}

/** A voice-activity "recogniser": one final transcript per stream once it has heard 0.2 s of sound. */
class VoiceActivityAsr implements AsrPort {
  readonly name = 'vad';
  readonly sessions: string[] = [];
  availability() {
    return Promise.resolve({ available: true });
  }
  start(sessionId: string): Promise<AsrStream> {
    this.sessions.push(sessionId);
    const results = new TranscriptQueue();
    let voiced = 0;
    return Promise.resolve({
      sessionId,
      results,
      push: (pcm: Int16Array) => {
        if (rms(pcm) > 500 && (voiced += pcm.length) >= 1600 && voiced - pcm.length < 1600) results.put({ sessionId, text: '[speech]', final: true });
      },
      end: () => results.close(),
    });
  }
}

async function bridged(flow: IvrFlow = toQueue, agentFor?: (p: Phone) => string, asr?: AsrPort): Promise<{ engine: B2bua; log: EventLog; caller: Caller; agent: Phone; call: B2buaCall }> {
  const agent = await Phone.create(1000);
  phones.push(agent);
  engine = await startEngine(flow, { recordingsDir: dir, onQueue: () => (agentFor ? agentFor(agent) : agent.uri), musicOnHold: new Int16Array(1600).fill(3000), ...(asr ? { asr } : {}) });
  const log = new EventLog(engine);
  stack = await peerStack();
  const caller = new Caller(stack);
  callers.push(caller);
  await caller.dial(engine, '12345', { from: `sip:13800000000@${DOMAIN}` });
  caller.talk(700);
  await log.waitFor('call.bridged');
  const call = engine.activeCalls[0];
  if (!call) throw new Error('no call');
  return { engine, log, caller, agent, call };
}

describe('bridging', () => {
  it('queues, bridges to the agent, records citizen left and agent right, holds and retrieves', async () => {
    const { log, caller, agent, call } = await bridged();
    expect(log.events.find((e) => e.type === 'call.queued')?.data).toMatchObject({ queue: 'general', data: { skill: 'mandarin' } });
    // Screen pop: the agent's INVITE shows the caller's number.
    expect(agent.last?.request.headers.get('From')).toContain('"13800000000"');
    await delay(600);
    expect(agent.heard.length).toBeGreaterThan(10);
    await call.hold();
    expect(call.citizen.localHold).toBe(true);
    expect(caller.call.remoteSdp).toContain('a=sendonly');
    const heardBefore = caller.received.length;
    await delay(300);
    // On hold the caller hears the music (3000 DC steps encode to non-silence), not the agent.
    const onHold = caller.received.slice(heardBefore);
    expect(onHold.length).toBeGreaterThan(5);
    await call.retrieve();
    expect(caller.call.remoteSdp).toContain('a=sendrecv');
    await delay(300);
    await caller.call.hangup();
    const cdr = await log.waitCdr();
    expect(cdr.endReason).toBe('caller-hangup');
    expect(cdr.bridgedAt).toBeGreaterThanOrEqual(cdr.answeredAt ?? Infinity);
    expect(cdr.agent).toBe(agent.uri);
    expect(cdr.holdSeconds).toBeGreaterThan(0.2);
    expect(log.types()).toEqual(expect.arrayContaining(['call.queued', 'call.bridged', 'call.held', 'call.retrieved', 'call.ended']));
    await until('agent leg ended', () => !live(agent.last));
    const wav = parseWav(readFileSync(cdr.recordingPath ?? ''));
    expect(wav.channels).toBe(2);
    const left = wav.samples.filter((_, i) => i % 2 === 0);
    const right = wav.samples.filter((_, i) => i % 2 === 1);
    expect(left.length / 8000).toBeGreaterThan(0.8);
    expect(rms(left)).toBeGreaterThan(1000);
    expect(rms(right)).toBeGreaterThan(1000);
  });

  it('blind-transfers by REFER from the agent and by API', async () => {
    const { log, caller, agent, call } = await bridged();
    const second = await Phone.create(1200);
    const third = await Phone.create(1300);
    phones.push(second, third);
    const referStatus: number[] = [];
    agent.last?.on('referStatus', (s) => referStatus.push(s.status));
    await agent.last?.refer(second.uri);
    await until('second agent answered', () => live(second.last) && second.last?.state === 'confirmed');
    await until('first agent released', () => !live(agent.last));
    expect(referStatus).toContain(100);
    await call.blindTransfer(third.uri);
    await until('second agent released', () => !live(second.last));
    expect(live(third.last)).toBe(true);
    expect(live(caller.call)).toBe(true);
    await delay(200);
    const heard = third.heard.length;
    await delay(200);
    expect(third.heard.length).toBeGreaterThan(heard);
    await call.hangup();
    const cdr = await log.waitCdr();
    expect(cdr.transfers.map((t) => [t.kind, t.ok])).toEqual([['refer', true], ['blind', true]]);
    expect(log.types().filter((t) => t === 'call.transferred')).toHaveLength(2);
    await until('all ended', () => !live(third.last) && !live(caller.call));
  });

  it('attended transfer: consult, then complete; an unanswered consult fails cleanly', async () => {
    const { log, caller, agent, call } = await bridged();
    const expert = await Phone.create(1500);
    const nobody = await Phone.create(1600);
    nobody.answer = false;
    phones.push(expert, nobody);
    await expect(call.consult(nobody.uri, { ringTimeoutMs: 300 })).rejects.toMatchObject({ code: 'no-answer' });
    expect(call.citizen.room).toBe('main');
    await call.consult(expert.uri);
    expect(call.citizen.room).toBe('waiting');
    await delay(300);
    await call.completeTransfer();
    await until('first agent released', () => !live(agent.last));
    expect(live(expert.last)).toBe(true);
    expect(call.citizen.room).toBe('main');
    await caller.call.hangup();
    const cdr = await log.waitCdr();
    expect(cdr.transfers).toEqual([expect.objectContaining({ kind: 'attended', to: expert.uri, ok: true })]);
    expect(cdr.legs.map((l) => l.failStatus).filter((s) => s !== undefined)).toHaveLength(1);
    await until('expert released', () => !live(expert.last));
  });

  it('three-way: the agent and the third party stay when the citizen leaves; the call ends when one remains', async () => {
    const { log, caller, agent, call } = await bridged();
    const dept = await Phone.create(1700);
    phones.push(dept);
    await call.addParty(dept.uri);
    await delay(300);
    // The third party hears both others mixed; the agent hears the citizen and the third party.
    expect(dept.heard.length).toBeGreaterThan(5);
    await caller.call.hangup();
    await delay(300);
    expect(live(agent.last)).toBe(true);
    expect(live(dept.last)).toBe(true);
    expect(log.types()).toContain('call.party-left');
    await agent.last?.hangup();
    await until('third party released', () => !live(dept.last));
    const cdr = await log.waitCdr();
    expect(cdr.endReason).toBe('agent-hangup');
    expect(log.types()).toContain('call.conferenced');
  });

  it('110 hand-off: the outbound leg carries the citizen number in From and P-Asserted-Identity', async () => {
    const { log, call } = await bridged();
    const police = await Phone.create(1800);
    phones.push(police);
    await call.handoff(police.uri, 'three-way');
    const invite = police.last?.request;
    expect(invite?.headers.get('P-Asserted-Identity')).toBe(`<sip:13800000000@${DOMAIN}>`);
    expect(invite?.headers.get('From')).toContain(`"13800000000" <sip:13800000000@${DOMAIN}>`);
    expect(police.last?.callerId.number).toBe('13800000000');
    await call.hangup();
    const cdr = await log.waitCdr();
    expect(cdr.transfers).toEqual([expect.objectContaining({ kind: 'handoff', ok: true })]);
    expect(cdr.legs.length).toBe(3);
  });

  it('taps every bridged leg into the ASR port; transcripts become call.transcript events', async () => {
    const asr = new VoiceActivityAsr();
    const { log, call } = await bridged(toQueue, undefined, asr);
    await log.waitFor('call.transcript', 5000, (e) => e.data.leg === 'agent');
    await log.waitFor('call.transcript', 5000, (e) => e.data.leg === 'citizen');
    expect(asr.sessions).toEqual(expect.arrayContaining([`${call.id}:agent`, `${call.id}:citizen`]));
    await call.hangup();
  });

  it('bridges to a registered extension; an unregistered one fails with not-registered', async () => {
    const agent = await Phone.create(900);
    phones.push(agent);
    engine = await startEngine({ start: 't', nodes: { t: { type: 'transfer', target: '1002', next: 'sorry' }, sorry: { type: 'hangup' } } }, { recordingsDir: dir });
    const log = new EventLog(engine);
    const reg = await agent.stack.register({ registrar: `sip:127.0.0.1:${engine.stack.udpPort ?? 0}`, aor: `sip:1002@${DOMAIN}`, expires: 60 });
    expect(reg.status).toBe(200);
    stack = await peerStack();
    const caller = new Caller(stack);
    callers.push(caller);
    await caller.dial(engine);
    await log.waitFor('call.bridged');
    const call = engine.activeCalls[0];
    await expect(call!.blindTransfer('1003')).rejects.toMatchObject({ code: 'not-registered' });
    await caller.call.hangup();
    await log.waitCdr();
    expect(engine.stats()).toMatchObject({ activeCalls: 0, portsInUse: 0 });
  });
});
