import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ScryptOptions } from 'node:crypto';

export type PasswordPolicy = { minLength: number; minClasses: number };

type ScryptParams = { N: number; r: number; p: number };
type ParsedHash = ScryptParams & { salt: Buffer; hash: Buffer };

const DEFAULT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const MAX_PASSWORD_LENGTH = 128;
// Caps what a stored hash may demand, so a corrupted or hostile row cannot exhaust server memory.
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;
const ENCODED_RE = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

const CHARACTER_CLASSES: readonly RegExp[] = [/\p{Lu}/u, /\p{Ll}/u, /\p{Nd}/u, /[^\p{L}\p{N}]/u];

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await deriveKey(password, salt, KEY_BYTES, DEFAULT_PARAMS);
  const { N, r, p } = DEFAULT_PARAMS;
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

// Login must not turn a damaged row into a 500, so every failure is a plain mismatch.
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  try {
    const parsed = parseEncoded(encoded);
    if (!parsed) return false;
    const candidate = await deriveKey(password, parsed.salt, KEY_BYTES, parsed);
    return timingSafeEqual(candidate, parsed.hash);
  } catch {
    return false;
  }
}

/** Returns user-facing messages; an empty array means the password is acceptable. */
export function checkPasswordPolicy(password: string, policy: PasswordPolicy, username?: string): string[] {
  const errors: string[] = [];
  const length = Array.from(password).length;
  if (length < policy.minLength) errors.push(`密码长度不能少于${policy.minLength}位`);
  if (length > MAX_PASSWORD_LENGTH) errors.push('密码过长');
  const classes = CHARACTER_CLASSES.filter((re) => re.test(password)).length;
  if (classes < policy.minClasses) {
    errors.push(`密码需包含大写字母、小写字母、数字、特殊字符中的至少${policy.minClasses}类`);
  }
  if (containsUsername(password, username)) errors.push('密码不能包含用户名');
  return errors;
}

function containsUsername(password: string, username: string | undefined): boolean {
  const name = username?.trim().toLowerCase();
  return !!name && password.toLowerCase().includes(name);
}

function deriveKey(password: string, salt: Buffer, keyLength: number, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: scryptMemory(params) };
  // NFC: the same password typed on different OSes/IMEs may arrive composed or decomposed.
  const secret = password.normalize('NFC');
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

// OpenSSL's own estimate is exactly 128·r·(N+p+2) bytes; Node's 32 MiB default maxmem is a few
// hundred bytes short of that for N=2^15, r=8, so the limit must be raised explicitly.
function scryptMemory({ N, r, p }: ScryptParams): number {
  return 128 * r * (N + p + 2);
}

function parseEncoded(encoded: string): ParsedHash | null {
  const match = typeof encoded === 'string' ? ENCODED_RE.exec(encoded) : null;
  if (!match) return null;
  const [, nText, rText, pText, saltB64, hashB64] = match;
  if (!nText || !rText || !pText || !saltB64 || !hashB64) return null;
  const params = { N: Number(nText), r: Number(rText), p: Number(pText) };
  const salt = decodeCanonicalBase64(saltB64);
  const hash = decodeCanonicalBase64(hashB64);
  if (!salt || !hash || !paramsAcceptable(params, salt, hash)) return null;
  return { ...params, salt, hash };
}

function paramsAcceptable({ N, r, p }: ScryptParams, salt: Buffer, hash: Buffer): boolean {
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  return (
    powerOfTwo &&
    r >= 1 &&
    p >= 1 &&
    p <= 16 &&
    scryptMemory({ N, r, p }) <= MAX_SCRYPT_MEMORY &&
    salt.length >= SALT_BYTES &&
    // A shorter scrypt output is a prefix of the longer one, so any other length would let a
    // truncated (edited) hash verify.
    hash.length === KEY_BYTES
  );
}

// Buffer.from(_, 'base64') ignores junk; re-encoding rejects anything that is not what we wrote.
function decodeCanonicalBase64(text: string): Buffer | null {
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}
