import { describe, expect, it } from 'vitest';
import {
  base32Decode,
  base32Encode,
  generateRecoveryCodes,
  generateTotp,
  generateTotpSecret,
  totpUri,
  verifyTotp,
} from '../index.js';

// RFC 6238 Appendix B SHA-1 key: ASCII "12345678901234567890".
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890', 'ascii'));
const at = (seconds: number): Date => new Date(seconds * 1000);

describe('base32', () => {
  it.each([
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ])('matches RFC 4648 for %j', (plain, encoded) => {
    expect(base32Encode(Buffer.from(plain))).toBe(encoded);
    expect(Buffer.from(base32Decode(encoded)).toString()).toBe(plain);
  });

  it('decodes lowercase, grouped and padded input', () => {
    expect(Buffer.from(base32Decode('mzxw 6ytb oi======')).toString()).toBe('foobar');
    expect(() => base32Decode('MZXW1')).toThrow(/Invalid base32/);
  });
});

describe('TOTP (RFC 6238, SHA-1, 6 digits)', () => {
  it('matches the RFC 6238 Appendix B vectors', () => {
    expect(RFC_SECRET).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(generateTotp(RFC_SECRET, at(59))).toBe('287082');
    expect(generateTotp(RFC_SECRET, at(1111111109))).toBe('081804');
    expect(generateTotp(RFC_SECRET, at(1234567890))).toBe('005924');
  });

  it('accepts codes within ±window steps only', () => {
    const code = generateTotp(RFC_SECRET, at(1234567890));
    expect(verifyTotp(RFC_SECRET, code, at(1234567890))).toBe(true);
    expect(verifyTotp(RFC_SECRET, code, at(1234567890 + 30))).toBe(true);
    expect(verifyTotp(RFC_SECRET, code, at(1234567890 - 30))).toBe(true);
    expect(verifyTotp(RFC_SECRET, code, at(1234567890 + 60))).toBe(false);
    expect(verifyTotp(RFC_SECRET, code, at(1234567890 + 30), 0)).toBe(false);
    expect(verifyTotp(RFC_SECRET, code, at(1234567890 + 90), 3)).toBe(true);
  });

  it('rejects malformed codes and secrets without throwing', () => {
    for (const code of ['', '05924', '0059240', '00592a', ' 005924', '٠٠٥٩٢٤']) {
      expect(verifyTotp(RFC_SECRET, code, at(1234567890))).toBe(false);
    }
    expect(verifyTotp('not base32!', '005924', at(1234567890))).toBe(false);
    expect(verifyTotp('', '005924', at(1234567890))).toBe(false);
    expect(verifyTotp(RFC_SECRET, '005924', new Date(Number.NaN))).toBe(false);
  });

  it('generates 160-bit base32 secrets that work end to end', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    expect(generateTotpSecret()).not.toBe(secret);
    const now = new Date();
    expect(verifyTotp(secret, generateTotp(secret, now), now)).toBe(true);
  });
});

describe('totpUri', () => {
  it('builds an encoded otpauth URI with all parameters', () => {
    const uri = totpUri({ secret: 'gezd gnbv', account: '张三@hotline', issuer: '新疆12345 热线' });
    const issuer = encodeURIComponent('新疆12345 热线');
    expect(uri).toBe(
      `otpauth://totp/${issuer}:${encodeURIComponent('张三@hotline')}` +
        `?secret=GEZDGNBV&issuer=${issuer}&algorithm=SHA1&digits=6&period=30`,
    );
    expect(uri).not.toMatch(/[\s+]/);
  });

  it('rejects labels an authenticator would misparse, and invalid secrets', () => {
    expect(() => totpUri({ secret: RFC_SECRET, account: 'a:b', issuer: 'x' })).toThrow(/":"/);
    expect(() => totpUri({ secret: RFC_SECRET, account: 'a', issuer: '' })).toThrow(/non-empty/);
    expect(() => totpUri({ secret: '0000', account: 'a', issuer: 'x' })).toThrow(/base32/);
  });
});

describe('generateRecoveryCodes', () => {
  it('returns distinct xxxx-xxxx codes from an unambiguous alphabet', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/);
    expect(generateRecoveryCodes(3)).toHaveLength(3);
    expect(() => generateRecoveryCodes(0)).toThrow(RangeError);
  });
});
