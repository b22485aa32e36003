import { describe, expect, it } from 'vitest';
import { createRequest, SipHeaders, SipRegistrar } from '../../src/sip/index.js';
import type { SipPeer } from '../../src/sip/index.js';

const source: SipPeer = { transport: 'udp', address: '10.0.0.7', port: 5060 };

function register(contacts: string[], options: { cseq?: number; callId?: string; expires?: string } = {}) {
  const headers = new SipHeaders([
    ['Via', 'SIP/2.0/UDP 10.0.0.7;branch=z9hG4bKr'],
    ['From', '<sip:1001@hotline.test>;tag=1'],
    ['To', '<sip:1001@hotline.test>'],
    ['Call-ID', options.callId ?? 'reg-1'],
    ['CSeq', `${options.cseq ?? 1} REGISTER`],
  ]);
  for (const c of contacts) headers.append('Contact', c);
  if (options.expires !== undefined) headers.append('Expires', options.expires);
  return createRequest('REGISTER', 'sip:hotline.test', headers);
}

describe('SipRegistrar (open, no auth)', () => {
  it('adds, refreshes, lists, expires and removes bindings', async () => {
    let now = 1_000_000;
    const r = new SipRegistrar({ domain: 'hotline.test', now: () => now, minExpires: 60, maxExpires: 3600 });
    const added = await r.handle(register(['<sip:1001@10.0.0.7:5060>;q=0.5', '<sip:1001@10.0.0.8>;expires=120'], { expires: '7200' }), source);
    expect(added.status).toBe(200);
    const bindings = r.lookup('1001@hotline.test');
    expect(bindings.map((b) => [b.contact, b.q, (b.expiresAt - now) / 1000])).toEqual([
      ['sip:1001@10.0.0.7:5060', 0.5, 3600],
      ['sip:1001@10.0.0.8', undefined, 120],
    ]);
    const query = await r.handle(register([], { cseq: 2 }), source);
    expect(query.status === 200 && query.contactHeaders).toEqual(['<sip:1001@10.0.0.7:5060>;expires=3600', '<sip:1001@10.0.0.8>;expires=120']);
    now += 121_000;
    expect(r.lookup('sip:1001@hotline.test')).toHaveLength(1);
    await r.handle(register(['*'], { cseq: 3, expires: '0' }), source);
    expect(r.size).toBe(0);
  });

  it('is atomic: one bad Contact (or a too-short interval) changes nothing', async () => {
    const r = new SipRegistrar({ domain: 'hotline.test', minExpires: 60 });
    await r.handle(register(['<sip:1001@10.0.0.7>']), source);
    const tooShort = await r.handle(register(['<sip:1001@10.0.0.7>;expires=0', '<sip:1001@10.0.0.9>;expires=5'], { cseq: 2 }), source);
    expect(tooShort).toEqual({ status: 423, minExpires: 60 });
    const garbage = await r.handle(register(['<sip:1001@10.0.0.7>;expires=0', '<sip:1001@10.0.0.9'], { cseq: 3 }), source);
    expect(garbage.status).toBe(400);
    expect(r.lookup('1001@hotline.test').map((b) => b.contact)).toEqual(['sip:1001@10.0.0.7']);
  });

  it('ignores an older CSeq from the same Call-ID and refuses a wildcard with bindings', async () => {
    const r = new SipRegistrar({ domain: 'hotline.test' });
    await r.handle(register(['<sip:1001@10.0.0.7>;expires=600'], { cseq: 5 }), source);
    await r.handle(register(['<sip:1001@10.0.0.7>;expires=0'], { cseq: 4 }), source);
    expect(r.lookup('1001@hotline.test')).toHaveLength(1);
    expect((await r.handle(register(['*', '<sip:x@y>'], { cseq: 6, expires: '0' }), source)).status).toBe(400);
    expect((await r.handle(register(['*'], { cseq: 7 }), source)).status).toBe(400);
  });
});
