import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
// Crockford's alphabet without i, l, o, u: recovery codes are read off paper and typed by hand.
const RECOVERY_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const SECRET_BYTES = 20; // RFC 4226 recommends 160 bits, matching the HMAC-SHA1 block output.
const STEP_SECONDS = 30;
const DIGITS = 6;
const CODE_RE = /^[0-9]{6}$/;
const MAX_WINDOW = 10;

/** RFC 4648 base32 without padding. */
export function base32Encode(bytes: Uint8Array): string {
  return encodeBits(bytes, BASE32_ALPHABET);
}

/** Accepts lowercase, spaces and '=' padding, since authenticator apps display secrets that way. */
export function base32Decode(text: string): Uint8Array {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of text.replace(/[\s=]/g, '').toUpperCase()) {
    const value = BASE32_ALPHABET.indexOf(ch);
    if (value < 0) throw new Error(`Invalid base32 character "${ch}"`);
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >>> bits) & 0xff);
      buffer &= (1 << bits) - 1;
    }
  }
  return Uint8Array.from(out);
}

export function generateTotpSecret(): string {
  return base32Encode(randomBytes(SECRET_BYTES));
}

/** Key URI for authenticator apps (Google Authenticator key-uri format). */
export function totpUri(opts: { secret: string; account: string; issuer: string }): string {
  const { account, issuer } = opts;
  if (!account || !issuer || account.includes(':') || issuer.includes(':')) {
    throw new Error('totpUri: account and issuer must be non-empty and must not contain ":"');
  }
  // Round-tripping canonicalises the secret and rejects one that could never verify.
  const secret = base32Encode(base32Decode(opts.secret));
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = Object.entries({ secret, issuer, algorithm: 'SHA1', digits: String(DIGITS), period: String(STEP_SECONDS) })
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join('&');
  return `otpauth://totp/${label}?${query}`;
}

export function generateTotp(secret: string, at: Date): string {
  const counter = counterAt(at);
  if (counter === null) throw new Error('generateTotp: invalid date');
  return hotp(base32Decode(secret), counter);
}

/**
 * Returns the time step the code belongs to, or null. Callers store the step and refuse codes of
 * an equal or earlier step, which stops replay of a code seen over someone's shoulder.
 */
export function matchTotpStep(secret: string, code: string, at: Date, window = 1): number | null {
  if (!Number.isInteger(window) || window < 0 || window > MAX_WINDOW) {
    throw new RangeError(`matchTotpStep: window must be an integer in [0, ${MAX_WINDOW}]`);
  }
  const key = decodeSecretOrNull(secret);
  const counter = counterAt(at);
  if (typeof code !== 'string' || !CODE_RE.test(code) || !key || counter === null) return null;
  const given = Buffer.from(code);
  let matched: number | null = null;
  // No early exit, so timing does not reveal which step matched.
  for (let step = Math.max(0, counter - window); step <= counter + window; step++) {
    if (timingSafeEqual(Buffer.from(hotp(key, step)), given) && matched === null) matched = step;
  }
  return matched;
}

export function verifyTotp(secret: string, code: string, at: Date, window = 1): boolean {
  return matchTotpStep(secret, code, at, window) !== null;
}

export function generateRecoveryCodes(count = 10): string[] {
  if (!Number.isInteger(count) || count < 1 || count > 100) {
    throw new RangeError('generateRecoveryCodes: count must be an integer in [1, 100]');
  }
  const codes = new Set<string>();
  while (codes.size < count) codes.add(recoveryCode());
  return [...codes];
}

function recoveryCode(): string {
  // 5 bytes = 40 bits = exactly 8 symbols of 5 bits, so there is no modulo bias.
  const text = encodeBits(randomBytes(5), RECOVERY_ALPHABET);
  return `${text.slice(0, 4)}-${text.slice(4)}`;
}

function encodeBits(bytes: Uint8Array, alphabet: string): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += alphabet.charAt((buffer >>> bits) & 31);
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += alphabet.charAt((buffer << (5 - bits)) & 31);
  return out;
}

/** RFC 4226 HOTP with dynamic truncation. */
function hotp(key: Uint8Array, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac.readUInt8(mac.length - 1) & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** DIGITS;
  return code.toString().padStart(DIGITS, '0');
}

function counterAt(at: Date): number | null {
  const counter = Math.floor(at.getTime() / 1000 / STEP_SECONDS);
  return Number.isSafeInteger(counter) && counter >= 0 ? counter : null;
}

function decodeSecretOrNull(secret: string): Uint8Array | null {
  try {
    const key = base32Decode(secret);
    return key.length > 0 ? key : null;
  } catch {
    return null;
  }
}
