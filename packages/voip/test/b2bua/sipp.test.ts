/**
 * SIPp (Debian sip-tester) as the citizen's phone against the engine on loopback. SIPp does the
 * signalling; where the test needs the caller's media (hearing the prompt, sending RFC 4733
 * digits) the SDP points at the test's own RTP session.
 */
import { rmSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { B2bua, IvrFlow } from '../../src/b2bua/index.js';
import { PortAllocator } from '../../src/media/port-allocator.js';
import { RtpSession } from '../../src/media/rtp-session.js';
import { EventLog, Phone, SIPP, binaryAvailable, delay, live, randomRange, runSipp, startEngine, tempDir, tonePromptFile } from './helpers.js';

const dir = tempDir('b2bua-sipp-');
const tone = tonePromptFile(dir, 'menu.wav', 800);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const flow: IvrFlow = {
  start: 'welcome',
  nodes: {
    welcome: { type: 'play', prompt: { file: tone }, bargeIn: true, next: 'menu' },
    menu: { type: 'collect', prompt: { file: tone }, maxDigits: 1, valid: '^[12]$', firstDigitTimeoutMs: 3000, retries: 0, next: 'route', onFail: 'bye' },
    route: { type: 'branch', cases: { '1': 'mandarin', '2': 'uyghur' }, default: 'bye' },
    mandarin: { type: 'play', prompt: { silenceMs: 200 }, next: 'bye' },
    uyghur: { type: 'play', prompt: { silenceMs: 200 }, next: 'bye' },
    bye: { type: 'hangup', prompt: { silenceMs: 100 } },
  },
};

let engine: B2bua | undefined;
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
  await engine?.close();
  engine = undefined;
});

describe.skipIf(!binaryAvailable(SIPP, ['-v']))('SIPp caller', () => {
  it('inbound call → prompt RTP within 250 ms of the ACK → RFC 4733 digit → branch → BYE from the IVR', async () => {
    engine = await startEngine(flow);
    const log = new EventLog(engine);
    let ackAt: number | undefined;
    engine.on('event', (e) => {
      if (e.type === 'ivr.node') ackAt ??= performance.now();
    });
    // The caller's media: hears the prompt, then answers with a digit from the port it latched to.
    const media = await RtpSession.open({ allocator: new PortAllocator(randomRange(20)), bindAddress: '127.0.0.1', symmetric: true });
    cleanup.push(() => media.close());
    let firstAudioAt: number | undefined;
    media.on('audio', () => {
      if (firstAudioAt !== undefined) return;
      firstAudioAt = performance.now();
      void media.sendDigits('1', { durationMs: 80 });
    });
    const result = await runSipp({ scenario: 'ivr-call.xml', remotePort: engine.stack.udpPort ?? 0, keys: { rtp_ip: '127.0.0.1', rtp_port: String(media.localPort) } });
    expect(result.exitCode, result.output).toBe(0);
    expect(result.successful).toBe(1);
    expect(firstAudioAt).toBeDefined();
    // The goal is 100 ms at p95 (bench/sip.ts measures it under load); a test shares the CI machine.
    expect((firstAudioAt ?? 0) - (ackAt ?? 0)).toBeLessThan(250);
    const cdr = await log.waitCdr();
    expect(cdr.caller).toMatch(/^1390000/);
    expect(cdr.ivrPath).toEqual(['welcome', 'menu', 'route', 'mandarin', 'bye']);
    expect(cdr.dtmf).toBe('1');
    expect(cdr.endReason).toBe('ivr-hangup');
    expect(engine.stats()).toMatchObject({ activeCalls: 0, portsInUse: 0 });
  });

  it('late offer: INVITE without SDP, our offer in the 200, the answer in the ACK, then the prompt', async () => {
    engine = await startEngine({ start: 'hello', nodes: { hello: { type: 'play', prompt: { file: tone }, next: 'bye' }, bye: { type: 'hangup' } } });
    const log = new EventLog(engine);
    const media = await RtpSession.open({ allocator: new PortAllocator(randomRange(20)), bindAddress: '127.0.0.1', symmetric: true });
    cleanup.push(() => media.close());
    let packets = 0;
    media.on('audio', () => packets++);
    const result = await runSipp({ scenario: 'late-offer.xml', remotePort: engine.stack.udpPort ?? 0, keys: { rtp_ip: '127.0.0.1', rtp_port: String(media.localPort) } });
    expect(result.exitCode, result.output).toBe(0);
    expect(packets).toBeGreaterThan(20);
    const cdr = await log.waitCdr();
    expect(cdr.endReason).toBe('ivr-hangup');
    expect(engine.stats()).toMatchObject({ activeCalls: 0, portsInUse: 0 });
  });

  it('CANCEL while ringing: 487, CDR "cancelled", ports released', async () => {
    engine = await startEngine(flow, { answerDelayMs: 3000 });
    const log = new EventLog(engine);
    const result = await runSipp({ scenario: 'ivr-cancel.xml', remotePort: engine.stack.udpPort ?? 0 });
    expect(result.exitCode, result.output).toBe(0);
    const cdr = await log.waitCdr();
    expect(cdr.endReason).toBe('cancelled');
    expect(cdr.answeredAt).toBeUndefined();
    await delay(50);
    expect(engine.stats()).toMatchObject({ activeCalls: 0, portsInUse: 0 });
  });

  it('re-INVITE hold and unhold from the caller on a bridged call', async () => {
    const agent = await Phone.create(1000);
    cleanup.push(() => agent.close());
    engine = await startEngine({ start: 't', nodes: { t: { type: 'transfer', target: agent.uri } } }, { recordingsDir: dir });
    const log = new EventLog(engine);
    const result = await runSipp({ scenario: 'bridge-hold.xml', remotePort: engine.stack.udpPort ?? 0, keys: { rtp_ip: '127.0.0.1', rtp_port: '9' } });
    expect(result.exitCode, result.output).toBe(0);
    const cdr = await log.waitCdr();
    expect(log.types()).toEqual(expect.arrayContaining(['call.bridged', 'call.held', 'call.retrieved', 'call.ended']));
    expect(log.events.find((e) => e.type === 'call.held')?.data).toMatchObject({ leg: 'citizen', by: 'remote' });
    expect(cdr.endReason).toBe('caller-hangup');
    expect(cdr.recordingPath).toBeDefined();
    const deadline = Date.now() + 3000;
    while (live(agent.last) && Date.now() < deadline) await delay(10);
    expect(live(agent.last)).toBe(false);
    expect(engine.stats()).toMatchObject({ activeCalls: 0, portsInUse: 0 });
  });
});
