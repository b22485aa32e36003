import { createHash, createHmac, getHashes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSm3Hex, sm3Hex } from '../index.js';

// Node's OpenSSL build is an independent SM3 implementation to compare against.
const opensslHasSm3 = getHashes().includes('sm3');

describe('sm3Hex', () => {
  it('matches the GB/T 32905 example 1 ("abc")', () => {
    expect(sm3Hex('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });

  it('matches the GB/T 32905 example 2 (512-bit message)', () => {
    expect(sm3Hex('abcd'.repeat(16))).toBe('debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
  });

  it('hashes strings as their UTF-8 bytes, including astral code points', () => {
    for (const text of ['新疆12345', 'ئۈرۈمچی', '😀', '\u{E0067}']) {
      expect(sm3Hex(text)).toBe(sm3Hex(new TextEncoder().encode(text)));
    }
  });

  it.skipIf(!opensslHasSm3)('agrees with OpenSSL on text beyond the BMP', () => {
    const text = '工单 \u{20BB7} \u{E0067}';
    expect(sm3Hex(text)).toBe(createHash('sm3').update(text, 'utf8').digest('hex'));
  });
});

describe('hmacSm3Hex', () => {
  const keyHex = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

  it.skipIf(!opensslHasSm3)('agrees with OpenSSL HMAC-SM3', () => {
    for (const data of ['', 'abc', '投诉 13800138000']) {
      const expected = createHmac('sm3', Buffer.from(keyHex, 'hex')).update(data, 'utf8').digest('hex');
      expect(hmacSm3Hex(keyHex, data)).toBe(expected);
    }
  });

  it('depends on the key', () => {
    expect(hmacSm3Hex(keyHex, 'abc')).not.toBe(hmacSm3Hex(keyHex.replace(/^00/, '01'), 'abc'));
  });

  it('rejects keys that are not hex', () => {
    expect(() => hmacSm3Hex('zz', 'abc')).toThrow(/hex/);
    expect(() => hmacSm3Hex('abc', 'abc')).toThrow(/hex/);
    expect(() => hmacSm3Hex('', 'abc')).toThrow(/empty/);
  });
});
