/**
 * HTTP digest authentication as used by SIP (RFC 2617, RFC 7616, RFC 3261 §22.4), qop=auth only.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { splitOutsideQuotes } from './headers.js';
import { unquote } from './uri.js';

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';

export interface DigestInput {
  algorithm?: DigestAlgorithm;
  username: string;
  realm: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
  /** Present with qop=auth; without qop the RFC 2069 form is computed. */
  qop?: 'auth';
  nc?: string;
  cnonce?: string;
}

export interface AuthHeader {
  scheme: string;
  params: Map<string, string>;
}

function hash(algorithm: DigestAlgorithm, text: string): string {
  return createHash(algorithm.startsWith('SHA-256') ? 'sha256' : 'md5').update(text, 'utf8').digest('hex');
}

/** HA1 per RFC 7616 §3.4.2; the -sess variants fold in the nonces. */
export function digestHa1(input: Pick<DigestInput, 'algorithm' | 'username' | 'realm' | 'password' | 'nonce' | 'cnonce'>): string {
  const algorithm = input.algorithm ?? 'MD5';
  const base = hash(algorithm, `${input.username}:${input.realm}:${input.password}`);
  if (!algorithm.endsWith('-sess')) return base;
  return hash(algorithm, `${base}:${input.nonce}:${input.cnonce ?? ''}`);
}

export function computeDigestResponse(input: DigestInput): string {
  const algorithm = input.algorithm ?? 'MD5';
  const ha1 = digestHa1(input);
  const ha2 = hash(algorithm, `${input.method}:${input.uri}`);
  if (input.qop === 'auth') {
    return hash(algorithm, `${ha1}:${input.nonce}:${input.nc ?? '00000001'}:${input.cnonce ?? ''}:auth:${ha2}`);
  }
  return hash(algorithm, `${ha1}:${input.nonce}:${ha2}`);
}

/** Parses `Digest realm="x", nonce="y", qop="auth"` (WWW-Authenticate or Authorization). */
export function parseAuthHeader(value: string): AuthHeader | undefined {
  const match = /^\s*([A-Za-z0-9-]+)\s+(.*)$/s.exec(value);
  if (!match) return undefined;
  const params = new Map<string, string>();
  for (const part of splitOutsideQuotes(match[2] ?? '', ',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    params.set(part.slice(0, eq).trim().toLowerCase(), unquote(part.slice(eq + 1)));
  }
  return { scheme: match[1] ?? '', params };
}

export interface DigestCredentials {
  username: string;
  password: string;
}

/** Builds an Authorization value answering a challenge (the UAC side). */
export function buildAuthorization(
  challenge: AuthHeader,
  credentials: DigestCredentials,
  request: { method: string; uri: string },
  nc = 1,
): string {
  const realm = challenge.params.get('realm') ?? '';
  const nonce = challenge.params.get('nonce') ?? '';
  const algorithm = normaliseAlgorithm(challenge.params.get('algorithm'));
  const offered = (challenge.params.get('qop') ?? '').split(',').map((q) => q.trim().toLowerCase());
  const qop = offered.includes('auth') ? 'auth' : undefined;
  const cnonce = randomBytes(8).toString('hex');
  const ncText = nc.toString(16).padStart(8, '0');
  const input: DigestInput = { algorithm, username: credentials.username, realm, password: credentials.password, method: request.method, uri: request.uri, nonce };
  if (qop) Object.assign(input, { qop, nc: ncText, cnonce });
  const parts = [
    `username="${credentials.username}"`,
    `realm="${realm}"`,
    `nonce="${nonce}"`,
    `uri="${request.uri}"`,
    `response="${computeDigestResponse(input)}"`,
    `algorithm=${algorithm}`,
  ];
  if (qop) parts.push(`qop=auth`, `nc=${ncText}`, `cnonce="${cnonce}"`);
  const opaque = challenge.params.get('opaque');
  if (opaque !== undefined) parts.push(`opaque="${opaque}"`);
  return `Digest ${parts.join(', ')}`;
}

export function normaliseAlgorithm(value: string | undefined): DigestAlgorithm {
  switch ((value ?? 'MD5').toUpperCase()) {
    case 'MD5-SESS':
      return 'MD5-sess';
    case 'SHA-256':
      return 'SHA-256';
    case 'SHA-256-SESS':
      return 'SHA-256-sess';
    default:
      return 'MD5';
  }
}

/**
 * Stateless nonces: "<issued-ms hex>.<random>.<hmac>". The HMAC lets any node of a cluster check
 * a nonce it did not issue, and the timestamp gives expiry (answered with stale=true).
 */
export class NonceManager {
  private readonly secret: Buffer;

  constructor(
    private readonly ttlMs: number,
    secret?: Buffer,
    private readonly now: () => number = Date.now,
  ) {
    this.secret = secret ?? randomBytes(32);
  }

  issue(): string {
    const body = `${this.now().toString(16)}.${randomBytes(8).toString('hex')}`;
    return `${body}.${this.sign(body)}`;
  }

  /** 'valid', 'stale' (genuine but expired) or 'invalid' (forged or garbled). */
  check(nonce: string): 'valid' | 'stale' | 'invalid' {
    const lastDot = nonce.lastIndexOf('.');
    if (lastDot <= 0) return 'invalid';
    const body = nonce.slice(0, lastDot);
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(nonce.slice(lastDot + 1));
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
    const issued = Number.parseInt(body.split('.')[0] ?? '', 16);
    if (!Number.isFinite(issued)) return 'invalid';
    return this.now() - issued > this.ttlMs ? 'stale' : 'valid';
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('hex').slice(0, 32);
  }
}

/** Constant-time comparison of two hex digests. */
export function digestEquals(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase());
  const y = Buffer.from(b.toLowerCase());
  return x.length === y.length && timingSafeEqual(x, y);
}
