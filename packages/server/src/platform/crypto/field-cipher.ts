import { randomBytes } from 'node:crypto';
import { sm4 } from 'sm-crypto-v2';
import { bytesToHex, decodeUtf8Strict, hexToBytes, isHex, utf8Bytes } from './encoding.js';
import { hmacSm3Hex } from './sm3.js';

export type FieldCipherKeys = { sm4KeyHex: string; indexKeyHex: string };

const TOKEN_PREFIX = 'sm4gcm:v1';
// 96-bit IVs are used as-is for the GCM counter block; random ones stay collision-safe for far
// more than the 2^32 encryptions NIST SP 800-38D allows per key.
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Lowercase only: encrypt() never emits uppercase, and a case flip must not slip past tamper checks.
const TOKEN_RE = /^sm4gcm:v1:([0-9a-f]{24}):((?:[0-9a-f]{2}){16,})$/;
// Spaces (incl. U+3000 after NFKC), any dash punctuation, and the minus sign some IMEs insert.
const INDEX_NOISE_RE = /[\s\p{Pd}\u2212]/gu;

/**
 * Encrypts personal data columns with SM4-GCM and derives HMAC-SM3 blind indexes so those columns
 * can still be searched by equality. Token: `sm4gcm:v1:<iv hex>:<ciphertext hex><16-byte tag hex>`,
 * i.e. the same ciphertext||tag layout as OpenSSL/WebCrypto GCM.
 */
export class FieldCipher {
  // Private fields keep key material out of util.inspect, JSON.stringify and error dumps.
  readonly #sm4Key: Uint8Array;
  readonly #indexKeyHex: string;

  constructor(keys: FieldCipherKeys) {
    this.#sm4Key = parseSm4Key(keys.sm4KeyHex);
    this.#indexKeyHex = parseIndexKeyHex(keys.indexKeyHex);
    if (keys.sm4KeyHex.toLowerCase() === this.#indexKeyHex) {
      throw new Error('FieldCipher: indexKeyHex must differ from sm4KeyHex (one key per purpose)');
    }
  }

  encrypt(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const { output, tag } = sm4.encrypt(utf8Bytes(plain), this.#sm4Key, {
      mode: 'gcm',
      iv,
      output: 'array',
      outputTag: true,
    });
    if (!tag) throw new Error('FieldCipher: SM4-GCM produced no authentication tag');
    return `${TOKEN_PREFIX}:${bytesToHex(iv)}:${bytesToHex(output)}${bytesToHex(tag)}`;
  }

  decrypt(token: string): string {
    const { iv, ciphertext, tag } = parseToken(token);
    let plain: Uint8Array;
    try {
      plain = sm4.decrypt(ciphertext, this.#sm4Key, { mode: 'gcm', iv, tag, output: 'array' });
    } catch {
      throw new Error('FieldCipher: authentication failed (token was altered or encrypted with another key)');
    }
    try {
      return decodeUtf8Strict(plain);
    } catch {
      throw new Error('FieldCipher: decrypted field is not valid UTF-8');
    }
  }

  /**
   * Deterministic keyed digest for equality search. `purpose` (e.g. 'citizen.phone') separates
   * domains so equal values in different columns cannot be correlated.
   */
  blindIndex(value: string, purpose: string): string {
    if (purpose.length === 0 || purpose.includes('\u0000')) {
      throw new Error('FieldCipher: blindIndex purpose must be non-empty and must not contain NUL');
    }
    return hmacSm3Hex(this.#indexKeyHex, `${purpose}\u0000${normalizeForIndex(value)}`);
  }

  static maskPhone(phone: string): string {
    return maskMiddle(compact(phone), 3, 4);
  }

  static maskIdNumber(id: string): string {
    return maskMiddle(compact(id), 6, 4);
  }
}

function parseSm4Key(keyHex: string): Uint8Array {
  if (typeof keyHex !== 'string' || keyHex.length !== 32 || !isHex(keyHex)) {
    throw new Error('FieldCipher: sm4KeyHex must be exactly 32 hex characters (128-bit SM4 key)');
  }
  return hexToBytes(keyHex, 'sm4KeyHex');
}

function parseIndexKeyHex(keyHex: string): string {
  if (typeof keyHex !== 'string' || keyHex.length < 32 || !isHex(keyHex)) {
    throw new Error('FieldCipher: indexKeyHex must be an even-length hex string of at least 32 characters');
  }
  return keyHex.toLowerCase();
}

function parseToken(token: string): { iv: Uint8Array; ciphertext: Uint8Array; tag: Uint8Array } {
  const match = typeof token === 'string' ? TOKEN_RE.exec(token) : null;
  const ivHex = match?.[1];
  const bodyHex = match?.[2];
  if (ivHex === undefined || bodyHex === undefined) {
    throw new Error(`FieldCipher: not a valid ${TOKEN_PREFIX} token`);
  }
  const body = hexToBytes(bodyHex, 'ciphertext');
  // sm-crypto-v2 skips authentication entirely when the tag is missing, so it is always split off
  // and always exactly TAG_BYTES long.
  return {
    iv: hexToBytes(ivHex, 'iv'),
    ciphertext: body.subarray(0, body.length - TAG_BYTES),
    tag: body.subarray(body.length - TAG_BYTES),
  };
}

// NFKC folds full-width digits/letters and ideographic spaces typed through Chinese IMEs.
function normalizeForIndex(value: string): string {
  return value.normalize('NFKC').trim().replace(INDEX_NOISE_RE, '').toUpperCase();
}

function compact(value: string): string {
  return value.normalize('NFKC').replace(INDEX_NOISE_RE, '');
}

// Too short to hide a meaningful middle: hide everything rather than reveal most of the value.
function maskMiddle(value: string, keepStart: number, keepEnd: number): string {
  const chars = Array.from(value);
  const hidden = chars.length - keepStart - keepEnd;
  if (hidden <= 0) return '*'.repeat(chars.length);
  return `${chars.slice(0, keepStart).join('')}${'*'.repeat(hidden)}${chars.slice(-keepEnd).join('')}`;
}
