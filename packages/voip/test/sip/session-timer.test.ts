/** RFC 4028 session timers: refreshing, expiry of a vanished peer, 422 both ways, UAS as refresher. */
import { afterEach, describe, expect, it } from 'vitest';
import { parseSessionExpires } from '../../src/sip/index.js';
import type { SipCallEnd, SipStack } from '../../src/sip/index.js';
import { audioSdp, delay, isMethod, isStatus, loopbackStack, rawInvite, rawUdpPeer } from './helpers.js';
import type { RawPeer } from './helpers.js';

const stacks: SipStack[] = [];
const peers: RawPeer[] = [];

afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
  for (const p of peers.splice(0)) p.close();
});

/** Session intervals are whole seconds; 2 s with Min-SE 1 s keeps these tests short. */
async function stack(sessionTimers = { interval: 2, minSe: 1 }): Promise<SipStack> {
  const s = await loopbackStack({ sessionTimers });
  stacks.push(s);
  return s;
}

async function peer(): Promise<RawPeer> {
  const p = await rawUdpPeer();
  peers.push(p);
  return p;
}

function ackFor(p: RawPeer, toPort: number, toTag: string): void {
  p.send(`ACK sip:1001@127.0.0.1:${toPort} SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:${p.port};branch=z9hG4bKack${toTag}
From: <sip:caller@127.0.0.1>;tag=raw
To: <sip:1001@127.0.0.1>;tag=${toTag}
Call-ID: raw-call-1
CSeq: 1 ACK
Content-Length: 0

`, toPort);
}

describe('session timers', () => {
  it('the UAC refreshes every half interval and the call stays up', async () => {
    const a = await stack();
    const b = await stack();
    let refreshes = 0;
    let secondRefresh: () => void = () => undefined;
    const twoRefreshes = new Promise<void>((resolve) => (secondRefresh = resolve));
    b.once('invite', (call) => {
      call.on('reinvite', (r) => {
        r.accept(call.localSdp ?? '');
        if (++refreshes === 2) secondRefresh();
      });
      call.answer(audioSdp(40_000));
    });
    const call = a.call(`sip:x@127.0.0.1:${b.udpPort}`, audioSdp(30_000));
    await call.waitAnswer();
    const started = Date.now();
    await twoRefreshes;
    // Refreshes come at half the 2 s interval; without them b would have hung up after 1.33 s.
    expect(Date.now() - started).toBeGreaterThan(1_800);
    expect(call.state).toBe('confirmed');
    expect(b.calls[0]?.state).toBe('confirmed');
    await call.bye();
  });

  it('ends a call whose refresher went silent, with BYE', async () => {
    const b = await stack();
    const p = await peer();
    const ended = new Promise<SipCallEnd>((resolve) => b.once('invite', (c) => (c.on('terminated', resolve), c.answer(audioSdp(40_000)))));
    p.send(rawInvite(p.port, b.udpPort ?? 0, { headers: ['Session-Expires: 2;refresher=uac', 'Supported: timer'] }), b.udpPort ?? 0);
    const ok = await p.waitFor(isStatus(200));
    expect(ok.headers.get('Session-Expires')).toBe('2;refresher=uac');
    expect(ok.headers.getAll('Require')).toContain('timer');
    ackFor(p, b.udpPort ?? 0, /tag=([^;\s>]+)/.exec(ok.headers.get('To') ?? '')?.[1] ?? '');
    const started = Date.now();
    expect(await ended).toEqual({ reason: 'session-expired' });
    // 2 s - min(32, 2/3) s = 1.33 s.
    expect(Date.now() - started).toBeGreaterThan(1_200);
    await p.waitFor(isMethod('BYE'));
  });

  it('refreshes as UAS when the caller does not support timers', async () => {
    const b = await stack();
    const p = await peer();
    b.once('invite', (c) => c.answer(audioSdp(40_000)));
    p.send(rawInvite(p.port, b.udpPort ?? 0, { headers: ['Session-Expires: 2'] }), b.udpPort ?? 0);
    const ok = await p.waitFor(isStatus(200));
    expect(ok.headers.get('Session-Expires')).toBe('2;refresher=uas');
    expect(ok.headers.getAll('Require')).not.toContain('timer');
    ackFor(p, b.udpPort ?? 0, /tag=([^;\s>]+)/.exec(ok.headers.get('To') ?? '')?.[1] ?? '');
    const refresh = await p.waitFor((m) => isMethod('INVITE')(m) && (m.headers.get('To') ?? '').includes('tag=raw'), 3_000);
    expect(parseSessionExpires(refresh)).toEqual({ seconds: 2, refresher: 'uac' });
  });

  it('answers 422 with Min-SE to a too-short interval, and our UAC retries with it', async () => {
    const strict = await stack({ interval: 1800, minSe: 5 });
    const p = await peer();
    p.send(rawInvite(p.port, strict.udpPort ?? 0, { headers: ['Session-Expires: 2', 'Supported: timer'] }), strict.udpPort ?? 0);
    const tooSmall = await p.waitFor(isStatus(422));
    expect(tooSmall.headers.get('Min-SE')).toBe('5');

    const eager = await stack({ interval: 2, minSe: 1 });
    const asked: string[] = [];
    strict.once('invite', (c) => {
      asked.push(c.request.headers.get('Session-Expires') ?? '');
      c.answer(audioSdp(40_000));
    });
    const call = eager.call(`sip:x@127.0.0.1:${strict.udpPort}`, audioSdp(30_000));
    await call.waitAnswer();
    expect(asked).toEqual(['5']);
    await call.bye();
  });

  it('can be turned off', async () => {
    const b = await loopbackStack({ sessionTimers: false });
    stacks.push(b);
    const p = await peer();
    b.once('invite', (c) => c.answer(audioSdp(40_000)));
    p.send(rawInvite(p.port, b.udpPort ?? 0, { headers: ['Session-Expires: 2;refresher=uac', 'Supported: timer'] }), b.udpPort ?? 0);
    const ok = await p.waitFor(isStatus(200));
    expect(ok.headers.get('Session-Expires')).toBeUndefined();
  });
});
