/**
 * One browser agent on the gateway: the extension's registration with the B2BUA (digest, refreshed
 * before expiry), at most one call at a time, and the agent's messages.
 */
import { EventEmitter } from 'node:events';
import type { SipInboundCall, SipLogger, SipOutboundCall, SipResponse, SipStack } from '../sip/index.js';
import type { PortAllocator } from '../media/port-allocator.js';
import { SoftphoneCall } from './call.js';
import type { SoftphoneCallHost, SoftphoneEndReason } from './call.js';
import type { PeerSettings } from './media.js';
import { errorMessage, validateClientMessage } from './messages.js';
import type { SoftphoneServerMessage } from './messages.js';

export type SoftphoneCloseReason = 'replaced' | 'shutdown' | 'registration-lost';

export interface SoftphoneSession extends EventEmitter<{ message: [SoftphoneServerMessage]; closed: [] }> {
  readonly extension: string;
  /** A message from the browser (already JSON-parsed, not yet validated). Never rejects. */
  handle(message: unknown): Promise<void>;
  /** Hangs up any call, un-REGISTERs (expires 0), releases ports, sockets and peer connections. */
  close(): Promise<void>;
}

/** What a session needs from its gateway. */
export interface SessionContext {
  readonly stack: SipStack;
  readonly allocator: PortAllocator;
  readonly logger: SipLogger;
  readonly registrar: { host: string; port: number; domain: string };
  readonly password: (extension: string) => string;
  readonly registerExpires: number;
  readonly rtpBindAddress: string;
  readonly mediaAddress: string;
  readonly peer: PeerSettings;
  /** The session is gone (closed for any reason): forget it. */
  detach(session: SoftphoneSessionImpl): void;
}

/** A transient registration failure is retried this often while the binding is still valid. */
const RETRY_MS = 5_000;
/** An un-REGISTER on close waits this long at most (the registrar may be gone). */
const UNREGISTER_WAIT_MS = 2_000;

export class RegistrationError extends Error {
  override readonly name = 'RegistrationError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export class SoftphoneSessionImpl extends EventEmitter<{ message: [SoftphoneServerMessage]; closed: [] }> implements SoftphoneSession {
  private call: SoftphoneCall | undefined;
  /** Every call not yet released (an ended one may still be closing its peer connection). */
  private readonly calls = new Set<SoftphoneCall>();
  private closing: Promise<void> | undefined;
  private registered = false;
  private expiresAt = 0;
  private refreshTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private readonly host: SoftphoneCallHost;
  /** Seconds we ask for: registerExpires, raised to the registrar's Min-Expires after a 423. */
  private askExpires: number;

  constructor(
    private readonly ctx: SessionContext,
    readonly extension: string,
    /** User part of our Contact for this extension: the B2BUA's INVITEs for it carry it. */
    readonly contactUser: string,
    readonly displayName: string | undefined,
  ) {
    super();
    this.askExpires = ctx.registerExpires;
    const session = this;
    this.host = {
      logger: ctx.logger,
      allocator: ctx.allocator,
      rtpBindAddress: ctx.rtpBindAddress,
      mediaAddress: ctx.mediaAddress,
      peer: ctx.peer,
      domain: ctx.registrar.domain,
      send: (message) => session.send(message),
      placeCall: (target, sdp) => session.placeCall(target, sdp),
      released: (call) => {
        session.calls.delete(call);
        if (session.call === call) session.call = undefined;
      },
    };
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** The call in progress, if any (for monitoring and tests). */
  get activeCall(): SoftphoneCall | undefined {
    return this.call;
  }

  private send(message: SoftphoneServerMessage): void {
    try {
      this.emit('message', message);
    } catch (err) {
      this.ctx.logger.error({ extension: this.extension, err: String(err) }, 'softphone message listener threw');
    }
  }

  // ---- Registration -------------------------------------------------------------------------

  private get aor(): string {
    return `sip:${this.extension}@${this.ctx.registrar.domain}`;
  }

  private registerOnce(expires: number): Promise<SipResponse> {
    const { host, port } = this.ctx.registrar;
    const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    return this.ctx.stack.register({
      registrar: `sip:${hostPart}:${port}`,
      aor: this.aor,
      credentials: { username: this.extension, password: this.ctx.password(this.extension) },
      expires,
      contactUser: this.contactUser,
    });
  }

  /** REGISTER for `asked` seconds, once more with Min-Expires after a 423 (RFC 3261 §10.2.8). */
  private async registerFor(): Promise<SipResponse> {
    const response = await this.registerOnce(this.askExpires);
    if (response.status !== 423) return response;
    const min = Number(response.headers.get('Min-Expires'));
    if (!Number.isInteger(min) || min <= this.askExpires || min > 86_400) return response;
    this.askExpires = min;
    return this.registerOnce(min);
  }

  /** Seconds granted for our Contact: its expires parameter, else Expires, else what we asked. */
  private granted(response: SipResponse, asked: number): number {
    const needle = `sip:${this.contactUser}@`;
    for (const value of response.headers.getAll('Contact')) {
      const seconds = /;\s*expires\s*=\s*(\d+)/i.exec(value)?.[1];
      if (value.includes(needle) && seconds !== undefined) return Number(seconds);
    }
    const header = Number(response.headers.get('Expires') ?? NaN);
    return Number.isFinite(header) ? header : asked;
  }

  /** The first REGISTER; rejects with RegistrationError. Emits 'registered' once the caller listens. */
  async register(): Promise<void> {
    let response: SipResponse;
    try {
      response = await this.registerFor();
    } catch (err) {
      throw new RegistrationError(`registration of extension ${this.extension} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (response.status < 200 || response.status >= 300) {
      throw new RegistrationError(`registration of extension ${this.extension} failed: ${response.status} ${response.reason}`, response.status);
    }
    const expires = this.granted(response, this.askExpires);
    this.registered = true;
    this.onRegistered(expires);
    // The caller attaches its listener when attach() resolves: tell it on the next turn.
    setImmediate(() => {
      if (!this.closed) this.send({ type: 'registered', extension: this.extension, expires });
    });
  }

  private onRegistered(expires: number): void {
    this.expiresAt = Date.now() + expires * 1000;
    this.schedule(Math.max(1000, expires * 800));
    // Past the binding's expiry the B2BUA no longer routes calls to us, whatever a pending refresh does.
    clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(() => {
      if (!this.closed) void this.closeWith('registration-lost');
    }, expires * 1000 + 50);
  }

  private schedule(ms: number): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), ms);
  }

  private async refresh(): Promise<void> {
    this.refreshTimer = undefined;
    if (this.closed) return;
    let response: SipResponse | undefined;
    try {
      response = await this.registerFor();
    } catch (err) {
      this.ctx.logger.warn({ extension: this.extension, err: String(err) }, 'softphone re-registration failed');
    }
    if (this.closed) return;
    if (response && response.status >= 200 && response.status < 300) {
      this.onRegistered(this.granted(response, this.askExpires));
      return;
    }
    const status = response?.status;
    // Refused credentials or an unknown account will not get better by retrying.
    const definite = status === 401 || status === 403 || status === 404 || status === 400;
    const remaining = this.expiresAt - Date.now();
    this.ctx.logger.warn({ extension: this.extension, status, remainingMs: remaining }, 'softphone registration refresh refused');
    if (definite || remaining <= 0) {
      void this.closeWith('registration-lost');
      return;
    }
    this.schedule(Math.min(RETRY_MS, Math.max(200, remaining / 3)));
  }

  // ---- Calls --------------------------------------------------------------------------------

  /** An INVITE for this extension arrived from the B2BUA. */
  onInvite(sip: SipInboundCall): void {
    if (this.closed) return sip.reject(480);
    if (this.call && !this.call.ended) return sip.reject(486);
    const id = sip.callerId;
    let from = id.number;
    let name = id.displayName;
    // The B2BUA writes the citizen's number as the display name of its own From (sip:hotline@…).
    if (id.source === 'from' && name !== undefined && /^\+?[0-9*#]{3,32}$/.test(name) && !/^\+?[0-9]{3,}$/.test(from)) {
      from = name;
      name = undefined;
    }
    if (id.withheld) from = 'anonymous';
    this.call = SoftphoneCall.inbound(this.host, sip, from, name);
    this.calls.add(this.call);
  }

  private placeCall(target: string, sdp: string): SipOutboundCall {
    const { host, port, domain } = this.ctx.registrar;
    const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    const uri = /^sips?:/i.test(target) ? target : `sip:${target}@${hostPart}:${port}`;
    return this.ctx.stack.call(uri, sdp, {
      from: `sip:${this.extension}@${domain}`,
      ...(this.displayName !== undefined ? { displayName: this.displayName } : {}),
      credentials: { username: this.extension, password: this.ctx.password(this.extension) },
      contactUser: this.contactUser,
    });
  }

  // ---- Browser messages ---------------------------------------------------------------------

  async handle(input: unknown): Promise<void> {
    try {
      if (this.closed) return this.send(errorMessage('closed'));
      const result = validateClientMessage(input);
      if (!result.ok) return this.send(result.error);
      const message = result.message;
      if (message.type === 'dial') {
        if (this.call && !this.call.ended) return this.send(errorMessage('busy'));
        this.call = SoftphoneCall.outbound(this.host, message.target);
        this.calls.add(this.call);
        return;
      }
      const call = this.call;
      if (!call || call.id !== message.callId || call.ended) return this.send(errorMessage('unknown-call', message.callId));
      switch (message.type) {
        case 'answer':
          return await call.answer(message.sdp);
        case 'reject':
          return await call.reject();
        case 'hangup':
          return await call.hangup();
        case 'hold':
          return await call.hold(message.on);
        case 'transfer':
          return await call.transferTo(message.target);
        case 'dtmf':
          return await call.dtmf(message.digits);
      }
    } catch (err) {
      this.ctx.logger.error({ extension: this.extension, err: String(err), stack: err instanceof Error ? err.stack : undefined }, 'softphone message failed');
      this.send(errorMessage('internal'));
    }
  }

  // ---- Closing ------------------------------------------------------------------------------

  close(): Promise<void> {
    return this.closeWith(undefined);
  }

  /** Ends the call, un-REGISTERs and releases everything; `reason` is told to the browser. */
  closeWith(reason: SoftphoneCloseReason | undefined): Promise<void> {
    this.closing ??= this.shutdown(reason);
    return this.closing;
  }

  private async shutdown(reason: SoftphoneCloseReason | undefined): Promise<void> {
    clearTimeout(this.refreshTimer);
    clearTimeout(this.expiryTimer);
    this.refreshTimer = undefined;
    this.expiryTimer = undefined;
    const callReason: SoftphoneEndReason = reason ?? 'closed';
    await Promise.all([...this.calls].map((call) => call.close(callReason)));
    if (this.registered && reason !== 'registration-lost') {
      this.registered = false;
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, UNREGISTER_WAIT_MS)));
      await Promise.race([this.registerOnce(0).catch(() => undefined), waited]);
      clearTimeout(timer);
    }
    this.ctx.detach(this);
    if (reason) this.send({ type: 'closed', reason });
    this.emit('closed');
    this.removeAllListeners();
  }
}
