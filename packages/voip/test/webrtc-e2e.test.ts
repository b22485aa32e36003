/**
 * End to end: SIPp is the citizen calling 12345, the B2BUA queues the call to extension 1001, a
 * browser agent (a werift RTCPeerConnection in the test) registered through the SoftphoneGateway
 * answers over WebRTC, talks, holds (the citizen hears music), sends a digit, blind-transfers to
 * extension 1002 (a second browser session), and the second agent hangs up: the B2BUA sends BYE
 * to SIPp and the scenario completes. Audio is checked by tone: citizen 700 Hz, agents 440 and
 * 880 Hz, music on hold 300 Hz.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { B2bua } from '../src/b2bua/index.js';
import { FrameClock } from '../src/media/frame-clock.js';
import { PortAllocator } from '../src/media/port-allocator.js';
import { RtpSession } from '../src/media/rtp-session.js';
import { parseWav } from '../src/media/wav.js';
import { SoftphoneGateway } from '../src/webrtc/index.js';
import type { SoftphoneSession } from '../src/webrtc/index.js';
import { DOMAIN, EventLog, SIPP, binaryAvailable, randomRange, rms, runSipp, sine, startEngine, tempDir } from './b2bua/helpers.js';
import { FakeBrowser, MessageLog, Recording, delay, dominantTone, mulawWav, udpHandles, waitUntil } from './webrtc-helpers.js';

const dir = tempDir('webrtc-e2e-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PASSWORDS: Record<string, string> = { '1001': 'secret-1001', '1002': 'secret-1002' };
const TONES = [300, 440, 700, 880];
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
});

/** What the citizen's phone plays and hears (SIPp's SDP points here). */
async function citizenMedia(): Promise<{ rtp: RtpSession; heard: Recording }> {
  const rtp = await RtpSession.open({ allocator: new PortAllocator(randomRange(20)), bindAddress: '127.0.0.1', symmetric: true });
  const heard = new Recording();
  rtp.on('audio', (f) => heard.push(f.pcm));
  // The citizen talks (700 Hz) once the engine's first packet showed where it listens.
  const voice = sine(700, 2000);
  let offset = 0;
  const clock = new FrameClock(() => {
    rtp.sendAudio(voice.subarray(offset, offset + 160));
    offset = (offset + 160) % voice.length;
  });
  clock.start();
  cleanup.push(async () => {
    clock.stop();
    await rtp.close();
  });
  return { rtp, heard };
}

async function startAll(onQueue: () => string | undefined = () => '1001'): Promise<{ engine: B2bua; events: EventLog; gateway: SoftphoneGateway }> {
  const engine = await startEngine(
    { start: 'q', nodes: { q: { type: 'transfer', queue: 'hotline-agents' } } },
    {
      sip: { udpPort: 0, host: '127.0.0.1', publicAddress: '127.0.0.1', domain: DOMAIN, sessionTimers: false, users: (u) => PASSWORDS[u] },
      onQueue,
      recordingsDir: dir,
      musicOnHold: sine(300, 2000),
    },
  );
  cleanup.push(() => engine.close());
  const events = new EventLog(engine);
  const ice = randomRange(200);
  const gateway = await SoftphoneGateway.create({
    registrar: { host: '127.0.0.1', port: engine.stack.udpPort ?? 0, domain: DOMAIN },
    password: (e) => PASSWORDS[e] ?? '',
    rtp: { ...randomRange(40), bindAddress: '127.0.0.1' },
    iceHostAddress: '127.0.0.1',
    icePortRange: [ice.min, ice.max],
  });
  cleanup.push(() => gateway.close());
  return { engine, events, gateway };
}

async function agent(gateway: SoftphoneGateway, extension: string, freq: number): Promise<{ session: SoftphoneSession; log: MessageLog; browser: FakeBrowser }> {
  const session = await gateway.attach(extension);
  const log = new MessageLog(session);
  const browser = new FakeBrowser(freq);
  cleanup.push(() => browser.close());
  expect(await log.waitFor('registered')).toEqual({ type: 'registered', extension, expires: 300 });
  return { session, log, browser };
}

/** The tone `who` hears now (last 400 ms), polled until it is `freq`. */
async function hears(recording: Recording, freq: number, what: string, timeoutMs = 5000): Promise<void> {
  await waitUntil(() => dominantTone(recording.since(400), TONES) === freq, timeoutMs, `${what} to hear ${freq} Hz (hears ${String(dominantTone(recording.since(400), TONES))})`);
}

describe.skipIf(!binaryAvailable(SIPP, ['-v']))('WebRTC softphone gateway end to end (SIPp citizen, B2BUA, browser agents)', () => {
  it('registers, rings with the caller number, relays audio both ways, holds, sends DTMF, transfers by REFER and hangs up', async () => {
    const udpBefore = udpHandles();
    const { engine, events, gateway } = await startAll();
    const a1 = await agent(gateway, '1001', 440);
    const a2 = await agent(gateway, '1002', 880);
    expect(gateway.sessions).toBe(2);

    const citizen = await citizenMedia();
    const sipp = runSipp({
      scenario: '../../webrtc-scenarios/citizen.xml',
      remotePort: engine.stack.udpPort ?? 0,
      timeoutS: 55,
      keys: { rtp_ip: '127.0.0.1', rtp_port: String(citizen.rtp.localPort) },
    });

    // Ringing in the browser: the offer is WebRTC (DTLS-SRTP, PCMU only, complete ICE).
    const incoming = await a1.log.waitFor('incoming', () => true, 15_000);
    expect(incoming.from).toMatch(/^13900000\d+$/);
    expect(incoming.sdp).toMatch(/m=audio \d+ UDP\/TLS\/RTP\/SAVPF 0\r\n/);
    expect(incoming.sdp).toMatch(/a=fingerprint:sha-256 /);
    const candidates = [...incoming.sdp.matchAll(/a=candidate:\S+ \d+ udp \d+ (\S+) (\d+) typ host/g)];
    expect(candidates.length).toBeGreaterThan(0);
    for (const [, address, port] of candidates) {
      expect(address).toBe('127.0.0.1');
      const range = gateway.options.icePortRange ?? [0, 0];
      expect(Number(port)).toBeGreaterThanOrEqual(range[0]);
      expect(Number(port)).toBeLessThanOrEqual(range[1]);
    }
    expect(incoming.sdp).toMatch(/a=end-of-candidates/);
    await a1.session.handle({ type: 'answer', callId: incoming.callId, sdp: await a1.browser.answer(incoming.sdp) });
    await a1.log.waitFor('state', (m) => m.callId === incoming.callId && m.state === 'connected');
    await a1.browser.connected();
    a1.browser.talk();
    const bridged = await events.waitFor('call.bridged');
    expect(bridged.data).toMatchObject({ agent: '1001' });

    // Both directions: the browser hears the citizen, the citizen hears the browser.
    await hears(a1.browser.heard, 700, 'browser 1001');
    await hears(citizen.heard, 440, 'citizen');

    // Hold: re-INVITE a=sendonly to the B2BUA; the citizen gets music on hold, then the agent again.
    await a1.session.handle({ type: 'hold', callId: incoming.callId, on: true });
    await a1.log.waitFor('state', (m) => m.callId === incoming.callId && m.state === 'held');
    await events.waitFor('call.held', 3000, (e) => e.data['by'] === 'remote');
    await hears(citizen.heard, 300, 'citizen (music on hold)');
    await a1.session.handle({ type: 'hold', callId: incoming.callId, on: false });
    await waitUntil(() => a1.log.states(incoming.callId).at(-1) === 'connected', 3000, 'connected again');
    await hears(citizen.heard, 440, 'citizen (after unhold)');

    // DTMF from the browser: RFC 4733 on the SIP side, seen by the B2BUA's agent leg.
    const digits: string[] = [];
    engine.activeCalls[0]?.legs.get('agent')?.rtp.on('dtmf', (e) => digits.push(e.digit));
    await a1.session.handle({ type: 'dtmf', callId: incoming.callId, digits: '5#' });
    await waitUntil(() => digits.length === 2, 3000, 'digits at the B2BUA');
    expect(digits).toEqual(['5', '#']);

    // Blind transfer to 1002: REFER; the second browser rings, answers, the first one is released.
    await a1.session.handle({ type: 'transfer', callId: incoming.callId, target: '1002' });
    const incoming2 = await a2.log.waitFor('incoming', () => true, 10_000);
    expect(incoming2.from).toBe(incoming.from);
    await a2.session.handle({ type: 'answer', callId: incoming2.callId, sdp: await a2.browser.answer(incoming2.sdp) });
    await a2.log.waitFor('state', (m) => m.callId === incoming2.callId && m.state === 'connected');
    a2.browser.talk();
    expect(await a1.log.waitFor('state', (m) => m.callId === incoming.callId && m.state === 'ended')).toMatchObject({ reason: 'transferred' });
    await hears(citizen.heard, 880, 'citizen (after transfer)');
    await hears(a2.browser.heard, 700, 'browser 1002');
    await events.waitFor('call.transferred', 3000, (e) => e.data['kind'] === 'refer');

    // The agent hangs up in the browser: BYE to the B2BUA, which ends the citizen's call (SIPp done).
    await delay(300);
    await a2.session.handle({ type: 'hangup', callId: incoming2.callId });
    expect(await a2.log.waitFor('state', (m) => m.callId === incoming2.callId && m.state === 'ended')).toMatchObject({ reason: 'hangup' });
    const result = await sipp;
    expect(result.exitCode, result.output).toBe(0);
    expect(result.successful).toBe(1);

    const cdr = await events.waitCdr();
    expect(cdr.endReason).toBe('agent-hangup');
    expect(cdr.agent).toBe('1001');
    expect(cdr.transfers).toEqual([expect.objectContaining({ kind: 'refer', from: '1001', to: 'sip:1002@hotline.test', ok: true })]);
    expect(cdr.holdSeconds).toBeGreaterThan(0); // the agent held the citizen from the browser
    const wav = parseWav(readFileSync(cdr.recordingPath ?? ''));
    expect(wav.channels).toBe(2);
    const left = wav.samples.filter((_, i) => i % 2 === 0);
    const right = wav.samples.filter((_, i) => i % 2 === 1);
    expect(left.length / 8000).toBeGreaterThan(1);
    expect(rms(left), 'citizen channel').toBeGreaterThan(1000);
    expect(rms(right), 'agent channel').toBeGreaterThan(1000);
    expect(dominantTone(right, [440, 880, 700])).toBeDefined();

    // Everything released: calls, ports, peer connections; the sessions stay registered.
    await waitUntil(() => gateway.stats().calls === 0 && gateway.stats().portsInUse === 0 && gateway.stats().sipCalls === 0, 5000, 'gateway released');
    expect(gateway.sessions).toBe(2);
    expect(engine.stats()).toMatchObject({ activeCalls: 0, portsInUse: 0 });
    await a1.session.close();
    await a2.session.close();
    expect(gateway.sessions).toBe(0);
    expect(engine.stack.lookup(`1001@${DOMAIN}`)).toHaveLength(0);
    await a1.browser.close();
    await a2.browser.close();
    await gateway.close();
    await engine.close();
    for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
    await waitUntil(() => udpHandles() <= udpBefore, 5000, `UDP sockets closed (${udpHandles()} > ${udpBefore})`);
  });

  it('an agent dials out from the browser: INVITE through the registrar, the B2BUA answers and the browser hears its queue music', async () => {
    const { events, gateway } = await startAll(() => undefined);
    const a1 = await agent(gateway, '1001', 440);
    await a1.session.handle({ type: 'dial', target: '12345' });
    const offer = await a1.log.waitFor('incoming');
    expect(offer.from).toBe('12345');
    await a1.session.handle({ type: 'answer', callId: offer.callId, sdp: await a1.browser.answer(offer.sdp) });
    await a1.log.waitFor('state', (m) => m.callId === offer.callId && m.state === 'connected');
    await events.waitFor('call.queued');
    // No agent free: the calling agent waits in the queue and hears the music.
    await hears(a1.browser.heard, 300, 'browser (queue music)');
    await a1.session.handle({ type: 'hangup', callId: offer.callId });
    await a1.log.waitFor('state', (m) => m.callId === offer.callId && m.state === 'ended');
    const cdr = await events.waitCdr();
    expect(cdr.caller).toBe('1001');
    await waitUntil(() => gateway.stats().portsInUse === 0, 3000, 'ports released');
  });

  it('SIPp streams the citizen\'s voice itself (rtp_stream, u-law WAV): the browser hears it, then hangs up', async () => {
    const { events, gateway } = await startAll();
    const a1 = await agent(gateway, '1001', 440);
    const work = tempDir('webrtc-sipp-stream-');
    cleanup.push(async () => rmSync(work, { recursive: true, force: true }));
    writeFileSync(join(work, 'citizen.wav'), mulawWav(sine(700, 3000)));
    const scenario = join(dirname(fileURLToPath(import.meta.url)), 'webrtc-scenarios', 'citizen-stream.xml');
    const sipp = runSipp({ cwd: work, scenario, remotePort: gateway.options.registrar.port, timeoutS: 40 });
    const incoming = await a1.log.waitFor('incoming', () => true, 15_000);
    expect(incoming.from).toMatch(/^13700000\d+$/);
    await a1.session.handle({ type: 'answer', callId: incoming.callId, sdp: await a1.browser.answer(incoming.sdp) });
    await a1.log.waitFor('state', (m) => m.callId === incoming.callId && m.state === 'connected');
    a1.browser.talk();
    await hears(a1.browser.heard, 700, 'browser (SIPp rtp_stream)');
    await a1.browser.connected();
    await delay(1000);
    await a1.session.handle({ type: 'hangup', callId: incoming.callId });
    const result = await sipp;
    expect(result.exitCode, result.output).toBe(0);
    expect(result.successful).toBe(1);
    const cdr = await events.waitCdr();
    expect(cdr.endReason).toBe('agent-hangup');
    const wav = parseWav(readFileSync(cdr.recordingPath ?? ''));
    const left = wav.samples.filter((_, i) => i % 2 === 0);
    const right = wav.samples.filter((_, i) => i % 2 === 1);
    expect(dominantTone(left, [440, 700])).toBe(700);
    expect(dominantTone(right, [440, 700])).toBe(440);
  });
});
