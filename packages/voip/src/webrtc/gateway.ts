/**
 * SoftphoneGateway: browser agents on WebRTC, seen by the B2BUA as ordinary SIP phones. The
 * gateway is a SIP user agent: each attached extension REGISTERs (digest) with the B2BUA from the
 * gateway's own SIP stack, with a Contact of its own, so the B2BUA's INVITE for an extension
 * reaches that extension's session. Audio is relayed between the browser's peer connection (werift,
 * PCMU only) and a plain RTP session towards the B2BUA.
 */
import { randomBytes } from 'node:crypto';
import { SipStack, silentLogger } from '../sip/index.js';
import type { SipInboundCall, SipLogger } from '../sip/index.js';
import { parseSipUri } from '../sip/uri.js';
import { PortAllocator } from '../media/port-allocator.js';
import { concreteAddress } from './media.js';
import type { IceServer, PeerSettings } from './media.js';
import { RegistrationError, SoftphoneSessionImpl } from './session.js';
import type { SessionContext, SoftphoneSession } from './session.js';

export interface SoftphoneGatewayOptions {
  /** The SIP server agents register with (the B2BUA of the media role). */
  registrar: { host: string; port: number; domain: string };
  /** Digest password of an extension (the product derives it from a secret). */
  password: (extension: string) => string;
  rtp: { min: number; max: number; bindAddress?: string };
  /** Gateway's own SIP bind (default 127.0.0.1, ephemeral port). */
  sip?: { host?: string; port?: number };
  /** ICE servers for werift (default none: host candidates only). */
  iceServers?: IceServer[];
  /**
   * The one local address WebRTC host candidates use (e.g. '127.0.0.1' in tests, or the LAN address
   * agents reach); default every non-loopback interface. Independent of rtp.bindAddress, which is
   * only the socket towards the B2BUA (often loopback).
   */
  iceHostAddress?: string;
  /** UDP ports werift's ICE sockets use, for firewalls (default ephemeral ports). */
  icePortRange?: [number, number];
  /** Seconds asked for in REGISTER (default 300); refreshed at 80 % of what the registrar grants. */
  registerExpires?: number;
  logger?: SipLogger;
}

export interface SoftphoneGatewayStats {
  sessions: number;
  calls: number;
  /** RTP port pairs held towards the B2BUA. */
  portsInUse: number;
  /** SIP calls the gateway's stack still tracks. */
  sipCalls: number;
}

/** Extensions are what the registrar knows: digits mostly, letters allowed. */
const EXTENSION = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$/;

export class SoftphoneGateway {
  private readonly sessionsByExtension = new Map<string, SoftphoneSessionImpl>();
  private readonly sessionsByContact = new Map<string, SoftphoneSessionImpl>();
  /** attach() and close of one extension run one after another. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Part of every Contact user: nobody can guess a session's Contact to ring it directly. */
  private readonly token = randomBytes(6).toString('hex');
  private readonly context: SessionContext;
  private closing: Promise<void> | undefined;

  private constructor(
    readonly options: SoftphoneGatewayOptions,
    readonly stack: SipStack,
    readonly allocator: PortAllocator,
  ) {
    const logger = options.logger ?? silentLogger;
    const bind = options.rtp.bindAddress ?? options.sip?.host ?? '127.0.0.1';
    const iceHost = concreteAddress(options.iceHostAddress);
    const peer: PeerSettings = {
      iceServers: options.iceServers ?? [],
      gatherTimeoutMs: 5_000,
      ...(iceHost ? { hostAddress: iceHost } : {}),
      ...(options.icePortRange ? { portRange: options.icePortRange } : {}),
    };
    this.context = {
      stack,
      allocator,
      logger,
      registrar: options.registrar,
      password: options.password,
      registerExpires: options.registerExpires ?? 300,
      rtpBindAddress: bind,
      mediaAddress: concreteAddress(bind) ?? stack.address,
      peer,
      detach: (session) => this.forget(session),
    };
    stack.on('invite', (call) => this.onInvite(call));
  }

  static async create(options: SoftphoneGatewayOptions): Promise<SoftphoneGateway> {
    const { registrar, rtp } = options;
    if (!registrar || typeof registrar.host !== 'string' || registrar.host === '' || !Number.isInteger(registrar.port) || registrar.port <= 0 || registrar.port > 65535) {
      throw new Error('SoftphoneGateway: registrar needs host, port and domain');
    }
    if (typeof registrar.domain !== 'string' || registrar.domain === '') throw new Error('SoftphoneGateway: registrar.domain is required');
    if (typeof options.password !== 'function') throw new Error('SoftphoneGateway: password(extension) is required');
    if (options.iceHostAddress !== undefined && !concreteAddress(options.iceHostAddress)) throw new Error('SoftphoneGateway: iceHostAddress must be an IP address');
    const range = options.icePortRange;
    if (range && !(Number.isInteger(range[0]) && Number.isInteger(range[1]) && range[0] > 0 && range[1] <= 65535 && range[1] - range[0] >= 1)) {
      throw new Error('SoftphoneGateway: icePortRange must be [min, max] with min < max');
    }
    const allocator = new PortAllocator({ min: rtp.min, max: rtp.max });
    const host = options.sip?.host ?? '127.0.0.1';
    const stack = await SipStack.create({
      udp: { port: options.sip?.port ?? 0, host },
      domain: registrar.domain,
      ...(concreteAddress(host) ? { publicAddress: host } : {}),
      contactUser: 'softphone',
      userAgent: 'hotline-softphone-gateway',
      ...(options.logger ? { logger: options.logger } : {}),
    });
    return new SoftphoneGateway(options, stack, allocator);
  }

  /** Attached extensions. */
  get sessions(): number {
    return this.sessionsByExtension.size;
  }

  /** The session of an extension, if attached. */
  session(extension: string): SoftphoneSession | undefined {
    return this.sessionsByExtension.get(extension);
  }

  stats(): SoftphoneGatewayStats {
    let calls = 0;
    for (const s of this.sessionsByExtension.values()) if (s.activeCall) calls++;
    return { sessions: this.sessionsByExtension.size, calls, portsInUse: this.allocator.allocated, sipCalls: this.stack.stats().calls };
  }

  /**
   * REGISTERs the extension (digest) and returns the agent's session. An extension already attached
   * is closed first (its browser gets {type:'closed', reason:'replaced'}). Rejects when the
   * registrar refuses or does not answer.
   */
  attach(extension: string, opts: { displayName?: string } = {}): Promise<SoftphoneSession> {
    if (this.closing) return Promise.reject(new Error('SoftphoneGateway is closed'));
    if (typeof extension !== 'string' || !EXTENSION.test(extension)) return Promise.reject(new Error(`invalid extension: ${String(extension).slice(0, 64)}`));
    if (opts.displayName !== undefined && (typeof opts.displayName !== 'string' || opts.displayName.length > 64)) {
      return Promise.reject(new Error('invalid displayName'));
    }
    return this.serialize(extension, () => this.attachNow(extension, opts.displayName));
  }

  private async attachNow(extension: string, displayName: string | undefined): Promise<SoftphoneSession> {
    const old = this.sessionsByExtension.get(extension);
    if (old) await old.closeWith('replaced');
    if (this.closing) throw new Error('SoftphoneGateway is closed');
    const contactUser = `${extension}-${this.token}`;
    const session = new SoftphoneSessionImpl(this.context, extension, contactUser, displayName);
    this.sessionsByExtension.set(extension, session);
    this.sessionsByContact.set(contactUser, session);
    try {
      await session.register();
    } catch (err) {
      this.forget(session);
      await session.close().catch(() => undefined);
      if (err instanceof RegistrationError) throw err;
      throw new RegistrationError(`registration of extension ${extension} failed: ${String(err)}`);
    }
    if (this.closing) {
      await session.closeWith('shutdown');
      throw new Error('SoftphoneGateway is closed');
    }
    return session;
  }

  private serialize<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(task);
    const tail = run.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }

  private forget(session: SoftphoneSessionImpl): void {
    if (this.sessionsByExtension.get(session.extension) === session) this.sessionsByExtension.delete(session.extension);
    if (this.sessionsByContact.get(session.contactUser) === session) this.sessionsByContact.delete(session.contactUser);
  }

  /** INVITEs are routed by the user part of the Request-URI: the Contact we registered. */
  private onInvite(call: SipInboundCall): void {
    let user: string | undefined;
    try {
      user = parseSipUri(call.calledUri).user?.split(';')[0];
    } catch {
      user = undefined;
    }
    const session = user !== undefined ? this.sessionsByContact.get(user) : undefined;
    if (!session || session.closed) {
      this.context.logger.info({ user, from: call.remoteParty.uri }, 'softphone gateway: INVITE for no attached extension');
      call.reject(user !== undefined && user.endsWith(`-${this.token}`) ? 480 : 404);
      return;
    }
    session.onInvite(call);
  }

  /** Hangs up every call, un-REGISTERs every extension ({type:'closed', reason:'shutdown'}), closes the stack. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.queues.values()]);
      await Promise.all([...this.sessionsByExtension.values()].map((s) => s.closeWith('shutdown')));
      await this.stack.close();
    })();
    return this.closing;
  }
}
