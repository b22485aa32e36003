/**
 * Registrar (RFC 3261 §10.3) with digest authentication (RFC 2617/7616, qop=auth, stale nonces).
 * Bindings live in memory; a clustered deployment would put them behind the same interface.
 */
import { computeDigestResponse, digestEquals, NonceManager, normaliseAlgorithm, parseAuthHeader } from './digest.js';
import type { DigestAlgorithm } from './digest.js';
import type { SipRequest } from './message.js';
import { getCSeq } from './message.js';
import type { SipPeer } from './transport.js';
import { parseNameAddr, parseSipUri } from './uri.js';

/** Looks up a user's password; undefined means the user does not exist. */
export type SipPasswordLookup = (username: string, realm: string) => string | undefined | Promise<string | undefined>;

export interface SipAuthOptions {
  realm: string;
  users: SipPasswordLookup;
  /** Nonce lifetime; older nonces get a stale=true challenge (default 5 minutes). */
  nonceTtlMs?: number;
  algorithm?: 'MD5' | 'SHA-256';
  /**
   * Require the digest uri to name the Request-URI (RFC 2617 §3.2.2.5 SHOULD). Off by default:
   * SIPp and several phones sign the registrar's address instead of the Request-URI.
   */
  verifyDigestUri?: boolean;
  now?: () => number;
}

export type AuthResult =
  | { ok: true; username: string }
  | { ok: false; status: 401 | 403 | 407; challenge?: string };

/** Verifies Authorization (or Proxy-Authorization) headers and issues challenges. */
export class DigestAuthenticator {
  private readonly nonces: NonceManager;
  private readonly algorithm: DigestAlgorithm;
  /** Highest nonce-count accepted per nonce, to refuse replays (RFC 7616 §3.4.5). */
  private readonly counts = new Map<string, { nc: number; expires: number }>();
  private readonly now: () => number;

  constructor(private readonly options: SipAuthOptions) {
    this.nonces = new NonceManager(options.nonceTtlMs ?? 300_000, undefined, options.now);
    this.algorithm = options.algorithm ?? 'MD5';
    this.now = options.now ?? Date.now;
  }

  get realm(): string {
    return this.options.realm;
  }

  challenge(stale = false): string {
    const parts = [`realm="${this.options.realm}"`, `nonce="${this.nonces.issue()}"`, `algorithm=${this.algorithm}`, `qop="auth"`];
    if (stale) parts.push('stale=true');
    return `Digest ${parts.join(', ')}`;
  }

  /**
   * `proxy` selects 407/Proxy-Authorization (for INVITEs) instead of 401/Authorization.
   * `expectedUser`, when given, must equal the digest username (a user may register only itself).
   */
  async verify(request: SipRequest, options: { proxy?: boolean; expectedUser?: string } = {}): Promise<AuthResult> {
    const challengeStatus = options.proxy ? 407 : 401;
    const header = request.headers.getAll(options.proxy ? 'Proxy-Authorization' : 'Authorization')
      .map(parseAuthHeader)
      .find((h) => h?.scheme.toLowerCase() === 'digest' && h.params.get('realm') === this.options.realm);
    if (!header) return { ok: false, status: challengeStatus, challenge: this.challenge() };
    const p = header.params;
    const username = p.get('username') ?? '';
    const nonce = p.get('nonce') ?? '';
    const nonceState = this.nonces.check(nonce);
    if (nonceState !== 'valid') return { ok: false, status: challengeStatus, challenge: this.challenge(nonceState === 'stale') };
    const qop = p.get('qop');
    if (qop !== undefined && (qop !== 'auth' || !/^[0-9a-f]{8}$/i.test(p.get('nc') ?? '') || !p.get('cnonce'))) return { ok: false, status: 403 };
    if (this.options.verifyDigestUri && !sameResource(p.get('uri') ?? '', request.uri)) return { ok: false, status: 403 };
    if (options.expectedUser !== undefined && username !== options.expectedUser) return { ok: false, status: 403 };
    const password = await this.options.users(username, this.options.realm);
    if (password === undefined) return { ok: false, status: 403 };
    const expected = computeDigestResponse({
      algorithm: normaliseAlgorithm(p.get('algorithm')),
      username,
      realm: this.options.realm,
      password,
      method: request.method,
      uri: p.get('uri') ?? '',
      nonce,
      ...(qop === 'auth' ? { qop: 'auth' as const, nc: p.get('nc') ?? '', cnonce: p.get('cnonce') ?? '' } : {}),
    });
    if (!digestEquals(expected, p.get('response') ?? '')) return { ok: false, status: 403 };
    if (qop === 'auth' && !this.acceptCount(nonce, Number.parseInt(p.get('nc') ?? '0', 16))) {
      // A replayed (or reordered) count: make the client start over with a fresh nonce.
      return { ok: false, status: challengeStatus, challenge: this.challenge(true) };
    }
    return { ok: true, username };
  }

  private acceptCount(nonce: string, nc: number): boolean {
    const now = this.now();
    const seen = this.counts.get(nonce);
    if (seen && nc <= seen.nc) return false;
    this.counts.set(nonce, { nc, expires: now + (this.options.nonceTtlMs ?? 300_000) });
    if (this.counts.size > 1_000 && this.counts.size % 1_000 === 1) {
      for (const [key, entry] of this.counts) if (entry.expires < now) this.counts.delete(key);
    }
    return true;
  }
}

export interface SipBinding {
  aor: string;
  /** Contact URI to send requests to. */
  contact: string;
  expiresAt: number;
  callId: string;
  cseq: number;
  /** Where the REGISTER came from; for NAT-ed phones this is where requests must really go. */
  source: SipPeer;
  q?: number;
  userAgent?: string;
}

export interface RegistrarOptions {
  /** Domain (and default realm). */
  domain: string;
  /** When given, REGISTER requires digest authentication. */
  auth?: SipAuthOptions;
  minExpires?: number;
  maxExpires?: number;
  defaultExpires?: number;
  now?: () => number;
}

export type RegisterOutcome =
  | { status: 200; aor: string; username?: string; bindings: SipBinding[]; contactHeaders: string[] }
  | { status: 400 | 401 | 403 | 423; challenge?: string; minExpires?: number };

/** Canonical address-of-record "user@host" (scheme, port and parameters dropped). */
export function addressOfRecord(uri: string): string {
  const parsed = parseSipUri(uri);
  return `${parsed.user ?? ''}@${parsed.host.toLowerCase()}`;
}

export class SipRegistrar {
  private readonly bindingsByAor = new Map<string, SipBinding[]>();
  readonly authenticator?: DigestAuthenticator;
  private readonly now: () => number;

  constructor(private readonly options: RegistrarOptions) {
    if (options.auth) this.authenticator = new DigestAuthenticator({ ...options.auth, ...(options.now ? { now: options.now } : {}) });
    this.now = options.now ?? Date.now;
  }

  /** Current (unexpired) bindings of an address-of-record such as "1001@hotline.local". */
  lookup(aor: string): SipBinding[] {
    const key = aor.includes(':') ? addressOfRecord(aor) : aor.toLowerCase();
    const live = (this.bindingsByAor.get(key) ?? []).filter((b) => b.expiresAt > this.now());
    if (live.length === 0) this.bindingsByAor.delete(key);
    else this.bindingsByAor.set(key, live);
    return live;
  }

  /** Drops expired bindings everywhere (called by the stack's reaper). */
  purge(): void {
    for (const aor of [...this.bindingsByAor.keys()]) this.lookup(aor);
  }

  get size(): number {
    let n = 0;
    for (const list of this.bindingsByAor.values()) n += list.length;
    return n;
  }

  async handle(request: SipRequest, source: SipPeer): Promise<RegisterOutcome> {
    let aor: string;
    let toUser: string;
    try {
      const toUri = parseNameAddr(request.headers.get('To') ?? '').uri;
      aor = addressOfRecord(toUri);
      toUser = parseSipUri(toUri).user ?? '';
    } catch {
      return { status: 400 };
    }
    let username: string | undefined;
    if (this.authenticator) {
      const result = await this.authenticator.verify(request, { expectedUser: toUser });
      if (!result.ok) return result.challenge !== undefined ? { status: 401, challenge: result.challenge } : { status: 403 };
      username = result.username;
    }
    const applied = this.apply(aor, request, source);
    if (applied) return applied;
    const bindings = this.lookup(aor);
    const outcome: RegisterOutcome = { status: 200, aor, bindings, contactHeaders: bindings.map((b) => this.contactHeader(b)) };
    if (username !== undefined) outcome.username = username;
    return outcome;
  }

  private contactHeader(binding: SipBinding): string {
    const seconds = Math.max(0, Math.round((binding.expiresAt - this.now()) / 1000));
    return `<${binding.contact}>;expires=${seconds}`;
  }

  /**
   * Applies the Contact list of a REGISTER; returns an error outcome or undefined on success.
   * Every Contact is validated before any binding changes, so a bad request changes nothing.
   */
  private apply(aor: string, request: SipRequest, source: SipPeer): RegisterOutcome | undefined {
    const contacts = request.headers.getAll('Contact');
    if (contacts.length === 0) return undefined; // a query: just list the bindings
    const headerExpires = parseSeconds(request.headers.get('Expires'));
    if (contacts.some((c) => c.trim() === '*')) {
      if (contacts.length !== 1 || headerExpires !== 0) return { status: 400 };
      this.bindingsByAor.delete(aor);
      return undefined;
    }
    const plan = this.plan(contacts, headerExpires);
    if ('status' in plan) return plan;
    const list = [...this.lookup(aor)];
    const callId = request.headers.get('Call-ID') ?? '';
    const cseq = getCSeq(request).seq;
    const userAgent = request.headers.get('User-Agent');
    for (const { uri, expires, q } of plan) {
      const existing = list.findIndex((b) => b.contact === uri);
      const prior = list[existing];
      // RFC 3261 §10.3 step 7: an older CSeq from the same Call-ID must not undo a newer update.
      if (prior && prior.callId === callId && prior.cseq >= cseq) continue;
      if (existing >= 0) list.splice(existing, 1);
      if (expires === 0) continue;
      const binding: SipBinding = { aor, contact: uri, expiresAt: this.now() + expires * 1000, callId, cseq, source };
      if (q !== undefined) binding.q = q;
      if (userAgent !== undefined) binding.userAgent = userAgent;
      list.push(binding);
    }
    if (list.length > 0) this.bindingsByAor.set(aor, list);
    else this.bindingsByAor.delete(aor);
    return undefined;
  }

  /** Parses and checks every Contact: 400 for garbage, 423 for an interval under Min-Expires. */
  private plan(contacts: string[], headerExpires: number | undefined): Array<{ uri: string; expires: number; q?: number }> | { status: 400 | 423; minExpires?: number } {
    const minExpires = this.options.minExpires ?? 60;
    const plan: Array<{ uri: string; expires: number; q?: number }> = [];
    for (const value of contacts) {
      let addr;
      try {
        addr = parseNameAddr(value);
      } catch {
        return { status: 400 };
      }
      const requested = parseSeconds(addr.params.get('expires') ?? undefined) ?? headerExpires ?? this.options.defaultExpires ?? 3600;
      if (requested > 0 && requested < minExpires) return { status: 423, minExpires };
      const q = Number(addr.params.get('q') ?? NaN);
      plan.push({ uri: addr.uri, expires: Math.min(requested, this.options.maxExpires ?? 3600), ...(Number.isFinite(q) ? { q } : {}) });
    }
    return plan;
  }
}

function parseSeconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d{1,10}\s*$/.test(value)) return undefined;
  return Number(value);
}

/** Whether the digest-uri names the Request-URI (RFC 2617 §3.2.2.5), ignoring URI parameters. */
function sameResource(digestUri: string, requestUri: string): boolean {
  if (digestUri === requestUri) return true;
  try {
    const a = parseSipUri(digestUri);
    const b = parseSipUri(requestUri);
    return a.scheme === b.scheme && (a.user ?? '') === (b.user ?? '') && a.host.toLowerCase() === b.host.toLowerCase() && (a.port ?? 5060) === (b.port ?? 5060);
  } catch {
    return false;
  }
}
