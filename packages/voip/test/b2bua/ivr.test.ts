/**
 * The IVR through the whole engine with our own UAC as the caller: prompt audio, DTMF by RFC 4733,
 * in-band tones and SIP INFO, branches, retries, voicemail, refusals, and resources released.
 */
import { rmSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { B2bua, IvrFlow } from '../../src/b2bua/index.js';
import { mediaCounters } from '../../src/media/counters.js';
import { generateDtmfTone } from '../../src/media/dtmf-inband.js';
import { toFrames } from '../../src/media/g711.js';
import { parseWav } from '../../src/media/wav.js';
import { readFileSync } from 'node:fs';
import type { SipStack } from '../../src/sip/index.js';
import { Caller, EventLog, delay, peerStack, startEngine, tempDir, tonePromptFile } from './helpers.js';

const dir = tempDir('b2bua-ivr-');
const tone = tonePromptFile(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const menu: IvrFlow = {
  start: 'welcome',
  nodes: {
    welcome: { type: 'play', prompt: { file: tone }, bargeIn: true, next: 'menu' },
    menu: { type: 'collect', prompt: { file: tone }, maxDigits: 1, valid: '^[1-3]$', retries: 1, firstDigitTimeoutMs: 1500, next: 'route', onFail: 'bye' },
    route: { type: 'branch', cases: { '1': 'mandarin', '2': 'uyghur', '3': 'vm' }, default: 'bye' },
    mandarin: { type: 'play', prompt: { silenceMs: 200 }, next: 'bye' },
    uyghur: { type: 'play', prompt: { silenceMs: 200 }, next: 'bye' },
    vm: { type: 'voicemail', prompt: { silenceMs: 100 }, maxSeconds: 5, next: 'bye' },
    bye: { type: 'hangup', prompt: { silenceMs: 100 } },
  },
};

let engine: B2bua | undefined;
let stack: SipStack | undefined;
const callers: Caller[] = [];
afterEach(async () => {
  await Promise.all(callers.splice(0).map((c) => c.close()));
  await engine?.close();
  await stack?.close();
  engine = undefined;
  stack = undefined;
});

async function setup(flow: IvrFlow = menu, extra = {}): Promise<{ engine: B2bua; log: EventLog; caller: Caller }> {
  engine = await startEngine(flow, { recordingsDir: dir, ...extra });
  stack = await peerStack();
  const caller = new Caller(stack);
  callers.push(caller);
  return { engine, log: new EventLog(engine), caller };
}

async function ended(caller: Caller, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (caller.call.state !== 'terminated') {
    if (Date.now() > deadline) throw new Error('call did not end');
    await delay(10);
  }
}

describe('IVR', () => {
  it('plays the prompt at once, takes an RFC 4733 digit, branches and hangs up; CDR and resources', async () => {
    const sessionsBefore = mediaCounters().sessionsOpen;
    const { engine, log, caller } = await setup();
    await caller.dial(engine);
    const deadline = Date.now() + 2000;
    while (caller.firstAudioAt === undefined && Date.now() < deadline) await delay(5);
    expect(caller.firstAudioAt).toBeDefined();
    // First prompt packet after the 200 OK: the engine starts on the ACK, within a frame or two.
    expect((caller.firstAudioAt ?? 0) - (caller.answeredAt ?? 0)).toBeLessThan(150);
    await caller.rtp.sendDigits('1', { durationMs: 60 });
    await ended(caller);
    const cdr = await log.waitCdr();
    expect(cdr.callee).toBe('12345');
    expect(cdr.ivrPath).toEqual(['welcome', 'menu', 'route', 'mandarin', 'bye']);
    expect(cdr.ivrInputs).toEqual([{ node: 'menu', digits: '1' }]);
    expect(cdr.dtmf).toBe('1');
    expect(cdr.endReason).toBe('ivr-hangup');
    expect(cdr.answeredAt).toBeGreaterThanOrEqual(cdr.startedAt);
    expect(log.types()).toEqual(expect.arrayContaining(['call.started', 'call.answered', 'ivr.node', 'ivr.digit', 'call.ended']));
    expect(log.events.find((e) => e.type === 'ivr.digit')?.data).toMatchObject({ digit: '1', source: 'rfc4733' });
    expect(engine.stats()).toMatchObject({ activeCalls: 0, portsInUse: 0 });
    await caller.rtp.close();
    expect(mediaCounters().sessionsOpen).toBe(sessionsBefore);
  });

  it('recognises in-band tones from a caller without telephone-event', async () => {
    const { engine, log, caller } = await setup();
    await caller.dial(engine, '12345', { telephoneEvent: false });
    await delay(100);
    for (const frame of toFrames(generateDtmfTone('2', 100, { levelDb: -10 }))) {
      caller.rtp.sendAudio(frame);
      await delay(20);
    }
    for (let i = 0; i < 5; i++) {
      caller.rtp.sendAudio(new Int16Array(160));
      await delay(20);
    }
    await ended(caller);
    const cdr = await log.waitCdr();
    expect(cdr.ivrPath).toContain('uyghur');
    expect(log.events.find((e) => e.type === 'ivr.digit')?.data).toMatchObject({ digit: '2', source: 'inband' });
  });

  it('takes SIP INFO digits, retries after no input, and records a voicemail until #', async () => {
    const { engine, log, caller } = await setup();
    await caller.dial(engine);
    // No input: the menu times out once (1.5 s) and is played again; then 3 by INFO.
    const retry = await log.waitFor('ivr.retry', 6000);
    expect(retry.data).toMatchObject({ node: 'menu', attempt: 1, reason: 'no-input', last: false });
    await delay(100);
    await caller.call.sendDtmfInfo('3');
    await log.waitFor('ivr.node', 5000, (e) => e.data.node === 'vm');
    caller.talk(500);
    await delay(600);
    await caller.rtp.sendDigits('#', { durationMs: 60 });
    await ended(caller);
    const cdr = await log.waitCdr();
    expect(cdr.ivrInputs).toEqual([{ node: 'menu', digits: '' }, { node: 'menu', digits: '3' }]);
    expect(cdr.voicemailPath).toBeDefined();
    const wav = parseWav(readFileSync(cdr.voicemailPath ?? ''));
    expect(wav.channels).toBe(1);
    expect(wav.samples.length).toBeGreaterThan(8000 * 0.3);
  });

  it('refuses other numbers (404) and offers without usable audio (488); the caller may hang up in the IVR', async () => {
    const { engine, log, caller } = await setup();
    await expect(caller.dial(engine, '99999')).rejects.toMatchObject({ status: 404 });
    await caller.rtp.close();
    const bad = await stack!.call(`sip:12345@127.0.0.1:${engine.stack.udpPort ?? 0}`, 'v=0\r\nm=audio 4000 RTP/AVP 18\r\n').waitAnswer().catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 488 });
    const second = new Caller(stack!);
    callers.push(second);
    await second.dial(engine);
    await delay(200);
    await second.call.hangup();
    const cdr = await log.waitCdr();
    expect(cdr.endReason).toBe('caller-hangup');
    await delay(50);
    expect(engine.stats()).toMatchObject({ activeCalls: 0, portsInUse: 0, rejected: 2 });
  });
});
