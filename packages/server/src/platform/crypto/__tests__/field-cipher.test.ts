import { describe, expect, it } from 'vitest';
import { FieldCipher, hmacSm3Hex } from '../index.js';

const keys = { sm4KeyHex: '0123456789abcdeffedcba9876543210', indexKeyHex: 'a1'.repeat(32) };
const cipher = new FieldCipher(keys);
const TOKEN_RE = /^sm4gcm:v1:[0-9a-f]{24}:[0-9a-f]{32,}$/;

// Replace the hex digit at `index` with a different one (and keep it lowercase hex).
function flipHex(token: string, index: number): string {
  const ch = token.charAt(index);
  return token.slice(0, index) + (ch === '0' ? '1' : '0') + token.slice(index + 1);
}

describe('FieldCipher encrypt/decrypt', () => {
  it('round-trips text in any script, and the empty string', () => {
    for (const plain of ['13800138000', '650102199001011234', '张三 乌鲁木齐市天山区', 'ئابدۇرېھىم', '😀\u{E0067}', '']) {
      const token = cipher.encrypt(plain);
      expect(token).toMatch(TOKEN_RE);
      expect(cipher.decrypt(token)).toBe(plain);
    }
  });

  it('uses a fresh IV, so equal plaintexts give different tokens', () => {
    const a = cipher.encrypt('13800138000');
    const b = cipher.encrypt('13800138000');
    expect(a).not.toBe(b);
    expect(a.split(':')[2]).not.toBe(b.split(':')[2]);
  });

  it('detects a flipped hex digit in the IV, ciphertext or tag', () => {
    const token = cipher.encrypt('650102199001011234');
    const ivStart = 'sm4gcm:v1:'.length;
    for (const index of [ivStart, ivStart + 23, ivStart + 25, token.length - 20, token.length - 1]) {
      expect(() => cipher.decrypt(flipHex(token, index))).toThrow(/authentication failed/);
    }
  });

  it('rejects structurally damaged tokens', () => {
    const token = cipher.encrypt('abc');
    const damaged = [
      token.toUpperCase(),
      token.replace(/[a-f]/, (c) => c.toUpperCase()),
      token.slice(0, -32),
      token.slice(0, -1),
      token.replace('sm4gcm:v1', 'sm4gcm:v2'),
      `${token}:00`,
      'hello',
      '',
    ];
    for (const bad of damaged) expect(() => cipher.decrypt(bad)).toThrow(/not a valid sm4gcm:v1 token|authentication failed/);
  });

  it('fails with a clear error under the wrong key', () => {
    const other = new FieldCipher({ ...keys, sm4KeyHex: 'fedcba98765432100123456789abcdef' });
    expect(() => other.decrypt(cipher.encrypt('13800138000'))).toThrow(/authentication failed/);
  });
});

describe('FieldCipher key validation', () => {
  it.each([
    ['short SM4 key', { ...keys, sm4KeyHex: '0123456789abcdef' }, /sm4KeyHex/],
    ['non-hex SM4 key', { ...keys, sm4KeyHex: 'g'.repeat(32) }, /sm4KeyHex/],
    ['256-bit SM4 key', { ...keys, sm4KeyHex: 'ab'.repeat(32) }, /sm4KeyHex/],
    ['short index key', { ...keys, indexKeyHex: 'ab'.repeat(15) }, /indexKeyHex/],
    ['odd-length index key', { ...keys, indexKeyHex: 'a'.repeat(33) }, /indexKeyHex/],
    ['non-hex index key', { ...keys, indexKeyHex: 'x'.repeat(64) }, /indexKeyHex/],
    ['index key reused as SM4 key', { ...keys, indexKeyHex: keys.sm4KeyHex.toUpperCase() }, /must differ/],
  ])('rejects %s', (_name, badKeys, message) => {
    expect(() => new FieldCipher(badKeys)).toThrow(message);
  });

  it('does not expose key material when inspected or serialised', () => {
    expect(JSON.stringify(cipher)).not.toContain(keys.sm4KeyHex);
    expect(Object.keys(cipher)).toEqual([]);
  });
});

describe('FieldCipher.blindIndex', () => {
  it('is HMAC-SM3(indexKey, purpose || NUL || normalised value)', () => {
    expect(cipher.blindIndex(' 138-0013 8000 ', 'phone')).toBe(hmacSm3Hex(keys.indexKeyHex, 'phone\u000013800138000'));
  });

  it('matches across spacing, dashes, full-width digits and x/X', () => {
    const phone = cipher.blindIndex('13800138000', 'phone');
    for (const variant of ['138 0013 8000', '138-0013-8000', ' 13800138000\t', '１３８\u3000００１３\u3000８０００']) {
      expect(cipher.blindIndex(variant, 'phone')).toBe(phone);
    }
    expect(cipher.blindIndex('65010219900101123x', 'id')).toBe(cipher.blindIndex('65010219900101123X', 'id'));
  });

  it('differs across purposes, values and index keys', () => {
    const base = cipher.blindIndex('13800138000', 'phone');
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(cipher.blindIndex('13800138000', 'contact-phone')).not.toBe(base);
    expect(cipher.blindIndex('13800138001', 'phone')).not.toBe(base);
    expect(new FieldCipher({ ...keys, indexKeyHex: 'b2'.repeat(32) }).blindIndex('13800138000', 'phone')).not.toBe(base);
  });

  it('rejects purposes that would make the encoding ambiguous', () => {
    expect(() => cipher.blindIndex('x', '')).toThrow(/purpose/);
    expect(() => cipher.blindIndex('x', 'a\u0000b')).toThrow(/purpose/);
  });
});

describe('FieldCipher masking', () => {
  it('masks phone numbers, keeping the first 3 and last 4', () => {
    expect(FieldCipher.maskPhone('13800138000')).toBe('138****8000');
    expect(FieldCipher.maskPhone('138 0013 8000')).toBe('138****8000');
    expect(FieldCipher.maskPhone('1234567')).toBe('*******');
  });

  it('masks ID numbers, keeping the first 6 and last 4', () => {
    expect(FieldCipher.maskIdNumber('65010219900101123X')).toBe('650102********123X');
    expect(FieldCipher.maskIdNumber('650102900101123')).toBe('650102*****1123');
    expect(FieldCipher.maskIdNumber('1234567890')).toBe('**********');
  });
});
