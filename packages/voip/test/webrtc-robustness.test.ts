/**
 * The gateway when things go wrong: the browser never answers and the caller gives up, the
 * gateway shuts down in a call, a second call while busy, registration refresh and loss,
 * replaced sessions, refused credentials. Real B2BUA, real SIP, real werift peer connections.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { B2bua } from '../src/b2bua/index.js';
import { mediaCounters } from '../src/media/counters.js';
import { FrameClock } from '../src/media/frame-clock.js';
import { PortAllocator } from '../src/media/port-allocator.js';
import { RtpSession } from '../src/media/rtp-session.js';
import { PCMA, SipStack, createAudioSdp, parseSdp, sdpCodecs, serializeSdp } from '../src/sip/index.js';
import { SoftphoneGateway } from '../src/webrtc/index.js';
import { Caller, DOMAIN, EventLog, peerStack, randomRange, sine, startEngine } from './b2bua/helpers.js';
import { FakeBrowser, MessageLog, Recording, delay, dominantTone, udpHandles, waitUntil } from './webrtc-helpers.js';

const PASSWORDS: Record<string, string> = { '1001': 'pw-1001', '1002': 'pw-1002' };
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
});

async function engineWithAgents(): Promise<B2bua> {
  const engine = await startEngine(
    { start: 'q', nodes: { q: { type: 'transfer', queue: 'agents' } } },
    {
      sip: { udpPort: 0, host: '127.0.0.1', publicAddress: '127.0.0.1', domain: DOMAIN, sessionTimers: false, users: (u) => PASSWORDS[u] },
      onQueue: () => '1001',
    },
  );
  cleanup.push(() => engine.close());
  return engine;
}

async function gatewayFor(port: number, extra: { registerExpires?: number; password?: (e: string) => string } = {}): Promise<SoftphoneGateway> {
  const gateway = await SoftphoneGateway.create({
    registrar: { host: '127.0.0.1', port, domain: DOMAIN },
    password: extra.password ?? ((e) => PASSWORDS[e] ?? 'none'),
    rtp: { ...randomRange(40), bindAddress: '127.0.0.1' },
    iceHostAddress: '127.0.0.1',
    ...(extra.registerExpires !== undefined ? { registerExpires: extra.registerExpires } : {}),
  });
  cleanup.push(() => gateway.close());
  return gateway;
}

async function caller(): Promise<Caller> {
  const stack = await peerStack();
  const c = new Caller(stack);
  cleanup.push(async () => {
    await c.close();
    await stack.close();
  });
  return c;
}

/** A caller (700 Hz) bridged to a browser agent (440 Hz) on extension 1001, both talking. */
async function bridgedCall() {
  const engine = await engineWithAgents();
  const events = new EventLog(engine);
  const gateway = await gatewayFor(engine.stack.udpPort ?? 0);
  const session = await gateway.attach('1001');
  const log = new MessageLog(session);
  const c = await caller();
  await c.dial(engine);
  c.talk(700);
  const incoming = await log.waitFor('incoming');
  const browser = new FakeBrowser(440);
  cleanup.push(() => browser.close());
  await session.handle({ type: 'answer', callId: incoming.callId, sdp: await browser.answer(incoming.sdp) });
  await log.waitFor('state', (m) => m.state === 'connected');
  browser.talk();
  await events.waitFor('call.bridged');
  return { engine, events, gateway, session, log, c, incoming, browser };
}

describe('softphone gateway robustness', () => {
  it('browser never answers, the caller hangs up: ended "cancelled", everything released', async () => {
    const baseline = udpHandles();
    const engine = await engineWithAgents();
    const gateway = await gatewayFor(engine.stack.udpPort ?? 0);
    const session = await gateway.attach('1001');
    const log = new MessageLog(session);
    await log.waitFor('registered');
    const c = await caller();
    await c.dial(engine, '12345', { from: `sip:13800001111@${DOMAIN}` });
    const incoming = await log.waitFor('incoming');
    expect(incoming.from).toBe('13800001111');
    expect(gateway.stats()).toMatchObject({ calls: 1, portsInUse: 1 });
    await c.call.hangup();
    const ended = await log.waitFor('state', (m) => m.state === 'ended');
    expect(ended).toMatchObject({ callId: incoming.callId, reason: 'cancelled' });
    await waitUntil(() => gateway.stats().portsInUse === 0 && gateway.stats().calls === 0 && gateway.stats().sipCalls === 0, 5000, 'release');
    // Messages about the ended call are refused politely.
    await session.handle({ type: 'answer', callId: incoming.callId, sdp: 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n' });
    expect(log.messages.at(-1)).toMatchObject({ type: 'error', code: 'unknown-call', callId: incoming.callId });
    await gateway.close();
    await engine.close();
    await c.close();
    await waitUntil(() => udpHandles() <= baseline + 2, 5000, 'UDP sockets closed');
  });

  it('gateway.close() during a call: BYE to the B2BUA, ended "shutdown", closed "shutdown", ports released', async () => {
    const { engine, c, events, gateway, log, incoming, browser } = await bridgedCall();
    await waitUntil(() => dominantTone(browser.heard.since(300), [440, 700]) === 700, 5000, 'browser hears the caller');
    await gateway.close();
    expect(log.messages.filter((m) => m.type === 'state' && m.state === 'ended')).toEqual([{ type: 'state', callId: incoming.callId, state: 'ended', reason: 'shutdown' }]);
    expect(log.messages.at(-1)).toEqual({ type: 'closed', reason: 'shutdown' });
    expect(gateway.sessions).toBe(0);
    expect(gateway.stats().portsInUse).toBe(0);
    const cdr = await events.waitCdr();
    expect(cdr.endReason).toBe('agent-hangup');
    await waitUntil(() => c.call.state === 'terminated', 3000, 'caller hung up');
    expect(engine.stats()).toMatchObject({ activeCalls: 0 });
  });

  it('a second INVITE while in a call gets 486 Busy Here', async () => {
    const engine = await engineWithAgents();
    const gateway = await gatewayFor(engine.stack.udpPort ?? 0);
    const session = await gateway.attach('1001');
    const log = new MessageLog(session);
    const c = await caller();
    await c.dial(engine);
    const incoming = await log.waitFor('incoming');
    // Ring the gateway's registered contact directly, as a second B2BUA leg would.
    const binding = engine.stack.lookup(`1001@${DOMAIN}`)[0];
    expect(binding).toBeDefined();
    const other = await peerStack();
    cleanup.push(() => other.close());
    const second = other.call(binding?.contact ?? '', 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n');
    await expect(second.waitAnswer()).rejects.toMatchObject({ status: 486 });
    expect(log.messages.filter((m) => m.type === 'incoming')).toHaveLength(1);
    await session.handle({ type: 'reject', callId: incoming.callId });
    expect(await log.waitFor('state', (m) => m.state === 'ended')).toMatchObject({ reason: 'rejected' });
    await waitUntil(() => gateway.stats().portsInUse === 0, 3000, 'ports released');
  });

  it('refreshes the registration before expiry and reports registration-lost when refused', async () => {
    const users = new Map([['1001', 'pw-1001']]);
    const registrar = await SipStack.create({
      udp: { port: 0, host: '127.0.0.1' },
      domain: DOMAIN,
      publicAddress: '127.0.0.1',
      registrar: { users: (u) => users.get(u), minExpires: 1 },
    });
    cleanup.push(() => registrar.close());
    let registers = 0;
    registrar.on('register', (e) => {
      if (e.bindings.length > 0) registers++;
    });
    const gateway = await gatewayFor(registrar.udpPort ?? 0, { registerExpires: 2, password: (e) => (e === '1001' ? 'pw-1001' : 'x') });
    const session = await gateway.attach('1001');
    const log = new MessageLog(session);
    expect(await log.waitFor('registered')).toEqual({ type: 'registered', extension: '1001', expires: 2 });
    await delay(3600);
    expect(registers).toBeGreaterThanOrEqual(3);
    expect(registrar.lookup(`1001@${DOMAIN}`)).toHaveLength(1);
    // The account's password changes at the registrar: the next refresh is refused.
    users.set('1001', 'changed');
    const closed = new Promise<void>((resolve) => session.once('closed', resolve));
    expect(await log.waitFor('closed', () => true, 5000)).toEqual({ type: 'closed', reason: 'registration-lost' });
    await closed;
    expect(gateway.sessions).toBe(0);
  });

  it('attach rejects with a clear error on a wrong password; a re-attach replaces the old session', async () => {
    const engine = await engineWithAgents();
    const gateway = await gatewayFor(engine.stack.udpPort ?? 0, { password: (e) => (e === '1001' ? 'pw-1001' : 'wrong') });
    await expect(gateway.attach('1002')).rejects.toThrow(/1002.*403/);
    expect(gateway.sessions).toBe(0);
    await expect(gateway.attach('not an extension')).rejects.toThrow(/invalid extension/);
    const first = await gateway.attach('1001');
    const firstLog = new MessageLog(first);
    await firstLog.waitFor('registered');
    const second = await gateway.attach('1001', { displayName: '张三' });
    expect(firstLog.messages.at(-1)).toEqual({ type: 'closed', reason: 'replaced' });
    expect(gateway.sessions).toBe(1);
    // The new session is the one registered and reachable.
    const bindings = engine.stack.lookup(`1001@${DOMAIN}`);
    expect(bindings).toHaveLength(1);
    const log = new MessageLog(second);
    const c = await caller();
    await c.dial(engine);
    const incoming = await log.waitFor('incoming');
    expect(parseSdp(incoming.sdp).media[0]?.protocol).toBe('UDP/TLS/RTP/SAVPF');
    expect(incoming.sdp).toMatch(/a=rtpmap:0 PCMU\/8000/);
    expect(incoming.sdp).not.toMatch(/opus|a=candidate:\S+ \d+ udp \d+ (?!127\.0\.0\.1)/i);
    await second.close();
    expect(await log.waitFor('state', (m) => m.state === 'ended')).toMatchObject({ reason: 'closed' });
    expect(gateway.sessions).toBe(0);
    expect(engine.stack.lookup(`1001@${DOMAIN}`)).toHaveLength(0);
    expect(mediaCounters().sessionsOpen).toBeGreaterThanOrEqual(0);
  });

  it('a PCMA-only offer without telephone-event: audio converted both ways, DTMF as SIP INFO, BYE from the browser', async () => {
    const registrar = await SipStack.create({
      udp: { port: 0, host: '127.0.0.1' },
      domain: DOMAIN,
      publicAddress: '127.0.0.1',
      registrar: { users: (u) => (u === '1001' ? 'pw' : undefined) },
      sessionTimers: false,
    });
    cleanup.push(() => registrar.close());
    const gateway = await gatewayFor(registrar.udpPort ?? 0, { password: () => 'pw' });
    const session = await gateway.attach('1001');
    const log = new MessageLog(session);
    const binding = registrar.lookup(`1001@${DOMAIN}`)[0];
    if (!binding) throw new Error('not registered');
    // The registrar's own stack plays a PBX that only speaks A-law and has no RFC 4733.
    const rtp = await RtpSession.open({ allocator: new PortAllocator(randomRange(20)), bindAddress: '127.0.0.1', codec: 'PCMA', telephoneEventPt: null });
    const heard = new Recording();
    const payloadTypes = new Set<number>();
    rtp.on('rtp', (p) => payloadTypes.add(p.payloadType));
    rtp.on('audio', (f) => heard.push(f.pcm));
    const voice = sine(700, 1000);
    let offset = 0;
    const clock = new FrameClock(() => {
      rtp.sendAudio(voice.subarray(offset, offset + 160));
      offset = (offset + 160) % voice.length;
    });
    cleanup.push(async () => {
      clock.stop();
      await rtp.close();
    });
    const sdp = serializeSdp(createAudioSdp({ address: '127.0.0.1', port: rtp.localPort, codecs: [PCMA] }));
    const destination = registrar.bindingDestination(binding);
    const out = registrar.call(binding.contact, sdp, { displayName: '13900000001', ...(destination ? { destination } : {}) });
    const infos: string[] = [];
    out.on('info', (i) => infos.push(i.dtmf?.signal ?? '?'));
    const incoming = await log.waitFor('incoming');
    expect(incoming).toMatchObject({ from: '13900000001' });
    expect(incoming.fromName).toBeUndefined();
    const browser = new FakeBrowser(440);
    cleanup.push(() => browser.close());
    await session.handle({ type: 'answer', callId: incoming.callId, sdp: await browser.answer(incoming.sdp) });
    const answer = parseSdp((await out.waitAnswer()) ?? '');
    const media = answer.media[0];
    if (!media) throw new Error('no media');
    expect(sdpCodecs(media).map((c) => c.name)).toEqual(['PCMA']);
    rtp.setRemote({ address: '127.0.0.1', port: media.port });
    clock.start();
    browser.talk();
    await waitUntil(() => dominantTone(browser.heard.since(300), [440, 700]) === 700, 5000, 'browser hears the A-law side');
    await waitUntil(() => dominantTone(heard.since(300), [440, 700]) === 440, 5000, 'A-law side hears the browser');
    expect([...payloadTypes]).toEqual([8]);
    await session.handle({ type: 'dtmf', callId: incoming.callId, digits: '7*' });
    await waitUntil(() => infos.length === 2, 3000, 'INFO digits');
    expect(infos).toEqual(['7', '*']);
    const ended = new Promise((resolve) => out.once('terminated', resolve));
    await session.handle({ type: 'hangup', callId: incoming.callId });
    expect(await ended).toMatchObject({ reason: 'remote-bye' });
    await waitUntil(() => gateway.stats().portsInUse === 0 && gateway.stats().calls === 0, 3000, 'released');
  });

  it('a transfer to an extension that is not registered fails with an error and the call goes on', async () => {
    const { events, session, log, incoming, browser } = await bridgedCall();
    await session.handle({ type: 'transfer', callId: incoming.callId, target: '1003' });
    const error = await log.waitFor('error');
    expect(error).toMatchObject({ code: 'transfer-failed', callId: incoming.callId });
    expect(error.message).toMatch(/转接失败.*480/);
    // Still talking: a fresh stretch of the caller's audio reaches the browser.
    const before = browser.heard.count;
    await waitUntil(() => browser.heard.count > before + 10, 3000, 'audio after the failed transfer');
    expect(dominantTone(browser.heard.since(200), [440, 700])).toBe(700);
    expect(log.states(incoming.callId)).toEqual(['connected']);
    const cdrPromise = events.waitCdr();
    await session.handle({ type: 'hangup', callId: incoming.callId });
    const cdr = await cdrPromise;
    expect(cdr.transfers).toEqual([expect.objectContaining({ kind: 'refer', to: 'sip:1003@hotline.test', ok: false })]);
    expect(cdr.endReason).toBe('agent-hangup');
  });

  it('the browser answers but its media never connects: media-failed after 15 s, BYE, everything released', async () => {
    const registrar = await SipStack.create({ udp: { port: 0, host: '127.0.0.1' }, domain: DOMAIN, publicAddress: '127.0.0.1', registrar: {}, sessionTimers: false });
    cleanup.push(() => registrar.close());
    const gateway = await gatewayFor(registrar.udpPort ?? 0);
    const session = await gateway.attach('1001');
    const log = new MessageLog(session);
    const binding = registrar.lookup(`1001@${DOMAIN}`)[0];
    if (!binding) throw new Error('not registered');
    const out = registrar.call(binding.contact, 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n');
    const incoming = await log.waitFor('incoming');
    // The tab is closed right after it produced its answer: nobody answers ICE checks.
    const browser = new FakeBrowser(440);
    const sdp = await browser.answer(incoming.sdp);
    await browser.close();
    const ended = new Promise((resolve) => out.once('terminated', resolve));
    await session.handle({ type: 'answer', callId: incoming.callId, sdp });
    await log.waitFor('state', (m) => m.state === 'connected');
    expect(await log.waitFor('state', (m) => m.state === 'ended', 20_000)).toMatchObject({ callId: incoming.callId, reason: 'media-failed' });
    expect(log.messages.find((m) => m.type === 'error')).toMatchObject({ code: 'media-failed', callId: incoming.callId });
    expect(await ended).toMatchObject({ reason: 'remote-bye' });
    await waitUntil(() => gateway.stats().portsInUse === 0 && gateway.stats().calls === 0 && gateway.stats().sipCalls === 0, 3000, 'released');
    expect(gateway.sessions).toBe(1);
  }, 30_000);

  it('a registrar asking for a longer interval (423 Min-Expires) gets it', async () => {
    const registrar = await SipStack.create({ udp: { port: 0, host: '127.0.0.1' }, domain: DOMAIN, publicAddress: '127.0.0.1', registrar: { users: () => 'pw', minExpires: 120 } });
    cleanup.push(() => registrar.close());
    const gateway = await gatewayFor(registrar.udpPort ?? 0, { registerExpires: 60, password: () => 'pw' });
    const session = await gateway.attach('1001');
    const log = new MessageLog(session);
    expect(await log.waitFor('registered')).toEqual({ type: 'registered', extension: '1001', expires: 120 });
    const binding = registrar.lookup(`1001@${DOMAIN}`)[0];
    expect((binding?.expiresAt ?? 0) - Date.now()).toBeGreaterThan(110_000);
  });
});
