import { afterEach, describe, expect, it } from 'vitest';
import { callbackLogger, parseSdp, sdpDirection, SipCallError } from '../../src/sip/index.js';
import type { SipCallEnd, SipInboundCall, SipInfo, SipProgress, SipReferRequest, SipReferStatus, SipRegistrationState, SipStack } from '../../src/sip/index.js';
import { audioSdp, delay, loopbackStack, next } from './helpers.js';

const stacks: SipStack[] = [];

async function pair(serverOptions: Parameters<typeof loopbackStack>[0] = {}): Promise<{ a: SipStack; b: SipStack }> {
  const a = await loopbackStack();
  const b = await loopbackStack(serverOptions);
  stacks.push(a, b);
  return { a, b };
}

afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
});

function autoAnswer(b: SipStack, port = 40_000): Promise<SipInboundCall> {
  return new Promise((resolve) => {
    b.once('invite', (call) => {
      call.ringing();
      call.answer(audioSdp(port));
      resolve(call);
    });
  });
}

describe.each(['udp', 'tcp'] as const)('stack to stack over %s', (transport) => {
  const target = (b: SipStack): string =>
    transport === 'udp' ? `sip:1001@127.0.0.1:${b.udpPort}` : `sip:1001@127.0.0.1:${b.tcpPort};transport=tcp`;

  it('rings, answers, ACKs and hangs up', async () => {
    const { a, b } = await pair();
    const inbound = autoAnswer(b);
    const call = a.call(target(b), audioSdp(30_000));
    const progress = next<[{ status: number }]>(call, 'progress');
    const answer = await call.waitAnswer();
    expect((await progress)[0].status).toBe(180);
    expect(parseSdp(answer ?? '').media[0]?.port).toBe(40_000);
    const server = await inbound;
    if (server.state !== 'confirmed') await next(server, 'ack');
    expect(server.remoteSdp).toContain('m=audio 30000');
    expect(server.remoteParty.uri).toBe('sip:hotline@hotline.test');
    const ended = next<[SipCallEnd]>(server, 'terminated');
    await call.bye();
    expect((await ended)[0].reason).toBe('remote-bye');
    expect(call.end?.reason).toBe('local-bye');
    expect(a.calls).toHaveLength(0);
    expect(b.calls).toHaveLength(0);
  });

  it('cancels a ringing call (487)', async () => {
    const { a, b } = await pair();
    const inbound = new Promise<SipInboundCall>((resolve) => b.once('invite', (c) => (c.ringing(), resolve(c))));
    const call = a.call(target(b), audioSdp(30_000));
    await next(call, 'progress');
    const server = await inbound;
    const cancelled = next(server, 'cancel');
    call.cancel();
    await expect(call.waitAnswer()).rejects.toMatchObject({ status: 487 });
    await cancelled;
    expect(server.end).toEqual({ reason: 'cancelled', status: 487 });
    expect(call.end?.reason).toBe('cancelled');
  });

  it('puts on hold and resumes with re-INVITE', async () => {
    const { a, b } = await pair();
    const inbound = autoAnswer(b);
    const call = a.call(target(b), audioSdp(30_000));
    await call.waitAnswer();
    const server = await inbound;
    const seen: string[] = [];
    server.on('reinvite', (r) => {
      seen.push(r.direction ?? '?');
      r.accept(audioSdp(40_000, r.direction === 'sendonly' ? 'recvonly' : 'sendrecv'));
    });
    const held = await call.hold();
    expect(sdpDirection(parseSdp(held ?? ''))).toBe('recvonly');
    const resumed = await call.unhold();
    expect(sdpDirection(parseSdp(resumed ?? ''))).toBe('sendrecv');
    expect(seen).toEqual(['sendonly', 'sendrecv']);
    await call.bye();
  });
});

describe('in-dialog features', () => {
  it('auto-answers a hold re-INVITE from the callee side without a listener', async () => {
    const { a, b } = await pair();
    const inbound = autoAnswer(b);
    const call = a.call(`sip:x@127.0.0.1:${b.udpPort}`, audioSdp(30_000));
    await call.waitAnswer();
    const server = await inbound;
    if (server.state !== 'confirmed') await next(server, 'ack');
    const answer = await server.hold();
    expect(sdpDirection(parseSdp(answer ?? ''))).toBe('recvonly');
    await server.bye();
  });

  it('resolves re-INVITE glare: both sides get 491, retry after the random wait, both succeed', async () => {
    const seen: string[] = [];
    const logger = callbackLogger((_level, _message, fields) => seen.push(String(fields.msg ?? '')));
    const a = await loopbackStack({ logger });
    const b = await loopbackStack();
    stacks.push(a, b);
    const inbound = autoAnswer(b);
    const call = a.call(`sip:x@127.0.0.1:${b.udpPort}`, audioSdp(30_000));
    await call.waitAnswer();
    const server = await inbound;
    if (server.state !== 'confirmed') await next(server, 'ack');
    const [fromCaller, fromCallee] = await Promise.all([call.hold(), server.hold()]);
    expect(fromCaller).toBeDefined();
    expect(fromCallee).toBeDefined();
    expect(seen.some((m) => m.startsWith('491'))).toBe(true);
    await call.bye();
  });

  it('relays INFO DTMF and a REFER with NOTIFY progress', async () => {
    const { a, b } = await pair();
    const inbound = autoAnswer(b);
    const call = a.call(`sip:x@127.0.0.1:${b.udpPort}`, audioSdp(30_000));
    await call.waitAnswer();
    const server = await inbound;
    const info = next<[SipInfo]>(server, 'info');
    await call.sendDtmfInfo('5', 200);
    expect((await info)[0].dtmf).toEqual({ signal: '5', durationMs: 200 });

    const statuses: SipReferStatus[] = [];
    call.on('referStatus', (s) => statuses.push(s));
    const referred = next<[SipReferRequest]>(server, 'refer');
    await call.refer('sip:2000@127.0.0.1');
    const [refer] = await referred;
    expect(refer.target).toBe('sip:2000@127.0.0.1');
    refer.notify(200);
    await delay(200);
    expect(statuses.map((s) => [s.status, s.final])).toEqual([[100, false], [200, true]]);
    await call.bye();
  });

  it('declines REFER when nobody handles transfers', async () => {
    const { a, b } = await pair();
    autoAnswer(b);
    const call = a.call(`sip:x@127.0.0.1:${b.udpPort}`, audioSdp(30_000));
    await call.waitAnswer();
    await expect(call.refer('sip:2000@127.0.0.1')).rejects.toMatchObject({ status: 603 });
    await call.bye();
  });

  it('reports the caller ID from P-Asserted-Identity before From, with privacy', async () => {
    const { a, b } = await pair();
    const seen = new Promise<SipInboundCall>((resolve) => b.once('invite', (c) => (c.reject(486), resolve(c))));
    const call = a.call(`sip:12345@127.0.0.1:${b.udpPort}`, audioSdp(1), {
      displayName: 'Anonymous',
      from: 'sip:anonymous@anonymous.invalid',
      headers: [['P-Asserted-Identity', '"Li Si" <tel:+8613912345678;cpc=ordinary>'], ['Privacy', 'id']],
    });
    await call.waitAnswer().catch(() => undefined);
    expect((await seen).callerId).toEqual({ number: '+8613912345678', displayName: 'Li Si', uri: 'tel:+8613912345678;cpc=ordinary', withheld: true, source: 'p-asserted-identity' });
  });

  it('passes a redirect Contact back to the caller in the SipCallError', async () => {
    const { a, b } = await pair();
    b.once('invite', (c) => c.reject(302, 'Moved Temporarily', [['Contact', '<sip:2001@10.1.1.1>']]));
    const error = await a.call(`sip:x@127.0.0.1:${b.udpPort}`, audioSdp(1)).waitAnswer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SipCallError);
    expect((error as SipCallError).response?.headers.get('Contact')).toBe('<sip:2001@10.1.1.1>');
  });

  it('sends 183 with early-media SDP, then answers', async () => {
    const { a, b } = await pair();
    b.once('invite', (c) => {
      c.progress(audioSdp(40_000));
      setTimeout(() => c.answer(audioSdp(40_000)), 50);
    });
    const call = a.call(`sip:x@127.0.0.1:${b.udpPort}`, audioSdp(30_000));
    const [progress] = await next<[SipProgress]>(call, 'progress');
    expect(progress.status).toBe(183);
    expect(progress.sdp).toContain('m=audio 40000');
    expect(call.state).toBe('early');
    expect(call.remoteSdp).toContain('m=audio 40000');
    await call.waitAnswer();
    await call.bye();
  });

  it('rejects, and answers 480 when no one listens for invites', async () => {
    const { a, b } = await pair();
    b.once('invite', (c) => c.reject(486));
    await expect(a.call(`sip:x@127.0.0.1:${b.udpPort}`, audioSdp(1)).waitAnswer()).rejects.toMatchObject({ status: 486 });
    await expect(a.call(`sip:x@127.0.0.1:${b.udpPort}`, audioSdp(1)).waitAnswer()).rejects.toBeInstanceOf(SipCallError);
    const c = a.call(`sip:x@127.0.0.1:${b.udpPort}`, audioSdp(1));
    await expect(c.waitAnswer()).rejects.toMatchObject({ status: 480 });
  });

  it('hangup() does the right thing in every state, and stats() counts', async () => {
    const { a, b } = await pair();
    // Inbound, unanswered: a final error.
    b.once('invite', (c) => (c.ringing(), void c.hangup()));
    await expect(a.call(`sip:x@127.0.0.1:${b.udpPort}`, audioSdp(1)).waitAnswer()).rejects.toMatchObject({ status: 480 });
    // Outbound, ringing: CANCEL.
    b.once('invite', (c) => c.ringing());
    const ringing = a.call(`sip:x@127.0.0.1:${b.udpPort}`, audioSdp(1));
    await next(ringing, 'progress');
    await ringing.hangup();
    expect(ringing.end?.reason).toBe('cancelled');
    // Established: BYE.
    const inbound = autoAnswer(b);
    const call = a.call(`sip:x@127.0.0.1:${b.udpPort}`, audioSdp(1));
    await call.waitAnswer();
    const server = await inbound;
    const bye = next(call, 'bye');
    if (server.state !== 'confirmed') await next(server, 'ack');
    await server.hangup();
    await bye;
    expect(a.stats()).toMatchObject({ calls: 0, callsStarted: 3, callsEnded: 3, malformed: 0 });
    expect(b.stats()).toMatchObject({ calls: 0, callsStarted: 3, callsEnded: 3, dialogs: 0 });
  });

  it('answers 500 when a re-INVITE listener never decides', async () => {
    const quick = { t1: 20, t2: 160, t4: 200, timerD: 200 };
    const a = await loopbackStack({ timers: quick });
    const b = await loopbackStack({ timers: quick });
    stacks.push(a, b);
    const inbound = autoAnswer(b);
    const call = a.call(`sip:x@127.0.0.1:${b.udpPort}`, audioSdp(30_000));
    await call.waitAnswer();
    (await inbound).on('reinvite', () => undefined);
    await expect(call.hold()).rejects.toMatchObject({ status: 500 });
    await call.bye();
  });

  it('reaps stale dialogs with a BYE', async () => {
    const { a, b } = await pair({ dialogs: { staleAfterMs: 1_000 } });
    const inbound = autoAnswer(b);
    const call = a.call(`sip:x@127.0.0.1:${b.udpPort}`, audioSdp(30_000));
    await call.waitAnswer();
    const server = await inbound;
    const bye = next(call, 'bye');
    b.reap(Date.now() + 5_000);
    expect(server.end?.reason).toBe('stale');
    await bye;
  });

  it('times out an unanswered outbound call to a silent peer (Timer B)', async () => {
    const a = await loopbackStack({ timers: { t1: 20, t2: 160, t4: 200, timerD: 200 } });
    stacks.push(a);
    const sink = await loopbackStack();
    stacks.push(sink);
    const port = sink.udpPort;
    await sink.close();
    const call = a.call(`sip:x@127.0.0.1:${port}`, audioSdp(1));
    await expect(call.waitAnswer()).rejects.toMatchObject({ status: 408 });
  });
});

describe('out-of-dialog requests', () => {
  it('answers OPTIONS, 501 for unknown, 405 for unsupported, 481 for unknown dialogs', async () => {
    const { a, b } = await pair();
    const target = `sip:127.0.0.1:${b.udpPort}`;
    const options = await a.request('OPTIONS', target);
    expect(options.status).toBe(200);
    expect(options.headers.get('Allow')).toContain('INVITE');
    expect((await a.request('FROBNICATE', target)).status).toBe(501);
    expect((await a.request('SUBSCRIBE', target)).status).toBe(405);
    expect((await a.request('BYE', target)).status).toBe(481);
    const inDialog = await a.request('INFO', target, { to: `${target};tag=nope` });
    expect(inDialog.status).toBe(481);
  });

  it('challenges INVITEs when asked to, and reports the authenticated user', async () => {
    const { a, b } = await pair({ registrar: { users: (u) => (u === '1001' ? 'secret' : undefined), authenticateCalls: true } });
    const inbound = autoAnswer(b);
    const call = a.call(`sip:2000@127.0.0.1:${b.udpPort}`, audioSdp(30_000), { credentials: { username: '1001', password: 'secret' } });
    await call.waitAnswer();
    expect((await inbound).authenticatedUser).toBe('1001');
    await call.bye();
    const anonymous = a.call(`sip:2000@127.0.0.1:${b.udpPort}`, audioSdp(30_000));
    await expect(anonymous.waitAnswer()).rejects.toMatchObject({ status: 401 });
    const wrong = a.call(`sip:2000@127.0.0.1:${b.udpPort}`, audioSdp(30_000), { credentials: { username: '1001', password: 'nope' } });
    await expect(wrong.waitAnswer()).rejects.toMatchObject({ status: 403 });
  });

  it('accepts Require: replaces and finds the replaced call; refuses other Require tags with 420', async () => {
    const { a, b } = await pair();
    const inbound = autoAnswer(b);
    const first = a.call(`sip:x@127.0.0.1:${b.udpPort}`, audioSdp(1));
    await first.waitAnswer();
    const original = await inbound;
    const d = first.dialog;
    if (!d) throw new Error('no dialog');
    const replacing = new Promise<SipInboundCall>((resolve) => b.once('invite', resolve));
    const second = a.call(`sip:x@127.0.0.1:${b.udpPort}`, audioSdp(2), {
      headers: [['Require', 'replaces'], ['Replaces', `${d.callId};to-tag=${d.remoteTag};from-tag=${d.localTag}`]],
    });
    const incoming = await replacing;
    expect(b.findCallByReplaces(incoming.request.headers.get('Replaces') ?? '')).toBe(original);
    incoming.reject(486);
    await expect(second.waitAnswer()).rejects.toMatchObject({ status: 486 });
    const prack = a.call(`sip:x@127.0.0.1:${b.udpPort}`, audioSdp(3), { headers: [['Require', '100rel']] });
    await expect(prack.waitAnswer()).rejects.toMatchObject({ status: 420 });
    await first.bye();
  });

  it('keeps a registration fresh (following 423 Min-Expires) and removes it on stop()', async () => {
    const { a, b } = await pair({ registrar: { users: (u) => (u === '1001' ? 'secret' : undefined), minExpires: 2 } });
    let registers = 0;
    b.on('register', () => registers++);
    const states: SipRegistrationState[] = [];
    const handle = a.keepRegistered({
      registrar: `sip:127.0.0.1:${b.udpPort}`,
      aor: 'sip:1001@hotline.test',
      credentials: { username: '1001', password: 'secret' },
      expires: 1,
      onState: (state) => states.push(state),
    });
    // The refresh is due at 80 % of the 2 s granted.
    for (let i = 0; i < 300 && registers < 2; i++) await delay(10);
    expect(states[0]).toEqual({ registered: true, status: 200, expires: 2 });
    expect(registers).toBeGreaterThanOrEqual(2);
    expect(b.lookup('1001@hotline.test')).toHaveLength(1);
    await handle.stop();
    expect(b.lookup('1001@hotline.test')).toHaveLength(0);
  });

  it('answers 500 when the password lookup fails', async () => {
    const { a, b } = await pair({ registrar: { users: () => Promise.reject(new Error('db down')) } });
    const registrar = `sip:127.0.0.1:${b.udpPort}`;
    const response = await a.register({ registrar, aor: 'sip:1001@hotline.test', credentials: { username: '1001', password: 'x' } });
    expect(response.status).toBe(500);
  });

  it('registers with digest auth, refuses a wrong password', async () => {
    const users: Record<string, string> = { '1001': 'secret' };
    const { a, b } = await pair({ registrar: { users: (u) => users[u] } });
    const registrar = `sip:127.0.0.1:${b.udpPort}`;
    const registered = next(b, 'register');
    const ok = await a.register({ registrar, aor: 'sip:1001@hotline.test', credentials: { username: '1001', password: 'secret' }, expires: 120 });
    expect(ok.status).toBe(200);
    await registered;
    expect(b.lookup('1001@hotline.test')).toHaveLength(1);
    expect(ok.headers.get('Contact')).toMatch(/expires=12\d/);
    const bad = await a.register({ registrar, aor: 'sip:1001@hotline.test', credentials: { username: '1001', password: 'wrong' } });
    expect(bad.status).toBe(403);
    const none = await a.register({ registrar, aor: 'sip:1001@hotline.test' });
    expect(none.status).toBe(401);
    expect(none.headers.get('WWW-Authenticate')).toMatch(/qop="auth"/);
    const removed = await a.register({ registrar, aor: 'sip:1001@hotline.test', credentials: { username: '1001', password: 'secret' }, expires: 0 });
    expect(removed.status).toBe(200);
    expect(b.lookup('sip:1001@hotline.test')).toHaveLength(0);
  });
});
