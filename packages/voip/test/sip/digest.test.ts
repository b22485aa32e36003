import { describe, expect, it } from 'vitest';
import { buildAuthorization, computeDigestResponse, DigestAuthenticator, NonceManager, parseAuthHeader, SipHeaders, createRequest } from '../../src/sip/index.js';

describe('digest known-answer tests', () => {
  it('RFC 2617 §3.5 example (MD5, qop=auth)', () => {
    const response = computeDigestResponse({
      username: 'Mufasa',
      realm: 'testrealm@host.com',
      password: 'Circle Of Life',
      method: 'GET',
      uri: '/dir/index.html',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      qop: 'auth',
      nc: '00000001',
      cnonce: '0a4f113b',
    });
    expect(response).toBe('6629fae49393a05397450978507c4ef1');
  });

  const rfc7616 = {
    username: 'Mufasa',
    realm: 'http-auth@example.org',
    password: 'Circle of Life',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    qop: 'auth' as const,
    nc: '00000001',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  };

  it('RFC 7616 §3.9.1 example, MD5', () => {
    expect(computeDigestResponse({ ...rfc7616, algorithm: 'MD5' })).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });

  it('RFC 7616 §3.9.1 example, SHA-256', () => {
    expect(computeDigestResponse({ ...rfc7616, algorithm: 'SHA-256' })).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });
});

describe('challenge parsing', () => {
  it('parses quoted, unquoted and comma-containing parameters', () => {
    const h = parseAuthHeader('Digest realm="a, b", nonce="n1", qop="auth,auth-int", algorithm=MD5, stale=TRUE');
    expect(h?.scheme).toBe('Digest');
    expect(h?.params.get('realm')).toBe('a, b');
    expect(h?.params.get('qop')).toBe('auth,auth-int');
    expect(h?.params.get('stale')).toBe('TRUE');
    expect(parseAuthHeader('')).toBeUndefined();
  });
});

describe('NonceManager', () => {
  it('accepts fresh nonces, flags expired ones stale and forged ones invalid', () => {
    let now = 1_000_000;
    const nonces = new NonceManager(60_000, Buffer.alloc(32, 1), () => now);
    const nonce = nonces.issue();
    expect(nonces.check(nonce)).toBe('valid');
    now += 61_000;
    expect(nonces.check(nonce)).toBe('stale');
    expect(nonces.check(nonce.replace(/.$/, (c) => (c === '0' ? '1' : '0')))).toBe('invalid');
    expect(nonces.check('garbage')).toBe('invalid');
    expect(new NonceManager(60_000, Buffer.alloc(32, 2), () => now).check(nonces.issue())).toBe('invalid');
  });
});

describe('DigestAuthenticator', () => {
  function register(authorization?: string) {
    const headers = new SipHeaders([
      ['Via', 'SIP/2.0/UDP h;branch=z9hG4bK1'],
      ['From', '<sip:1001@hotline.test>;tag=1'],
      ['To', '<sip:1001@hotline.test>'],
      ['Call-ID', 'c'],
      ['CSeq', '1 REGISTER'],
    ]);
    if (authorization) headers.append('Authorization', authorization);
    return createRequest('REGISTER', 'sip:hotline.test', headers);
  }

  it('challenges, accepts the right password, refuses the wrong one, and marks expired nonces stale', async () => {
    let now = 5_000_000;
    const auth = new DigestAuthenticator({ realm: 'hotline.test', users: (u) => (u === '1001' ? 'pw' : undefined), nonceTtlMs: 30_000, now: () => now, verifyDigestUri: true });
    const first = await auth.verify(register());
    expect(first).toMatchObject({ ok: false, status: 401 });
    const challenge = parseAuthHeader(first.ok ? '' : (first.challenge ?? ''));
    if (!challenge) throw new Error('no challenge');
    let nc = 0;
    const sign = (password: string, username = '1001'): string => buildAuthorization(challenge, { username, password }, { method: 'REGISTER', uri: 'sip:hotline.test' }, ++nc);
    expect(await auth.verify(register(sign('pw')), { expectedUser: '1001' })).toEqual({ ok: true, username: '1001' });
    expect(await auth.verify(register(sign('nope')))).toMatchObject({ ok: false, status: 403 });
    expect(await auth.verify(register(sign('pw', 'ghost')))).toMatchObject({ ok: false, status: 403 });
    expect(await auth.verify(register(sign('pw')), { expectedUser: '1002' })).toMatchObject({ ok: false, status: 403 });
    // The same Authorization again is a replay: a fresh challenge, not a success.
    const once = register(sign('pw'));
    expect((await auth.verify(once)).ok).toBe(true);
    expect(await auth.verify(once)).toMatchObject({ ok: false, status: 401 });
    // Signed for another Request-URI: refused.
    const elsewhere = buildAuthorization(challenge, { username: '1001', password: 'pw' }, { method: 'REGISTER', uri: 'sip:other.example' }, ++nc);
    expect(await auth.verify(register(elsewhere))).toMatchObject({ ok: false, status: 403 });
    now += 31_000;
    const stale = await auth.verify(register(sign('pw')));
    expect(stale).toMatchObject({ ok: false, status: 401 });
    expect(stale.ok ? '' : stale.challenge).toMatch(/stale=true/);
  });
});
