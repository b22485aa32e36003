/**
 * SipStack: the UA core (RFC 3261 §8, §12-15) over the transaction and transport layers.
 * Inbound INVITEs become SipInboundCall objects, REGISTER goes to the registrar, everything
 * else we do not implement is refused with the right status code.
 */
import { networkInterfaces } from 'node:os';
import { SipCallError } from './call.js';
import { SipInboundCall } from './call-inbound.js';
import { SipOutboundCall } from './call-outbound.js';
import type { SipCall, SipCallHost } from './call.js';
import { buildAuthorization, parseAuthHeader } from './digest.js';
import type { DigestCredentials } from './digest.js';
import { dialogKey, randomToken } from './dialog.js';
import type { SipDialog } from './dialog.js';
import { TypedEmitter } from './emitter.js';
import { SipHeaders } from './headers.js';
import { silentLogger } from './logger.js';
import type { SipLogger } from './logger.js';
import { buildResponse, createRequest, createResponseMessage, describeMessage, getCSeq } from './message.js';
import type { SipParseError } from './message.js';
import { salvageRequestHead } from './parser.js';
import type { SipRequest, SipResponse, SipMessage } from './message.js';
import { SipRegistrar } from './registrar.js';
import { DEFAULT_SESSION_TIMER, negotiateAsUas } from './session-timer.js';
import type { SessionTimerConfig } from './session-timer.js';
import type { SipBinding, SipPasswordLookup } from './registrar.js';
import {
  BRANCH_COOKIE,
  clientTransactionKey,
  DEFAULT_SIP_TIMERS,
  InviteClientTransaction,
  InviteServerTransaction,
  NonInviteClientTransaction,
  NonInviteServerTransaction,
  serverTransactionKey,
  TransactionTable,
} from './transaction.js';
import type { ClientTransactionEvents, ServerTransaction, SipTimerConfig } from './transaction.js';
import { isReliable, SipTransportLayer } from './transport.js';
import type { SipPeer, SipTlsOptions, SipTransportName } from './transport.js';
import { parseSipUri, parseVia, socketHost, tagOf } from './uri.js';

export const SIP_ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY, REGISTER';
/** Methods we recognise but do not serve: 405 rather than 501 (RFC 3261 §8.2.1). */
const KNOWN_UNSUPPORTED = new Set(['SUBSCRIBE', 'MESSAGE', 'PUBLISH', 'UPDATE', 'PRACK']);
/**
 * Option tags we honour in Require. "replaces" (RFC 3891) is only matched here; acting on it
 * (swapping legs) is the B2BUA's job, through findCallByReplaces().
 */
export const SIP_SUPPORTED = ['replaces'];
/** Methods only meaningful inside a dialog: without one they get 481. */
const DIALOG_ONLY = new Set(['BYE', 'INFO', 'REFER', 'NOTIFY']);

export interface SipStackOptions {
  /** UDP listener; port 0 picks a free port. Default: UDP on an ephemeral port if tcp is absent. */
  udp?: { port: number; host?: string };
  tcp?: { port: number; host?: string };
  /** TLS listener (and client settings for sips:/transport=tls targets). */
  tls?: SipTlsOptions;
  /** Our SIP domain (From of our requests, default registrar realm). */
  domain: string;
  /** Address written into Via and Contact (default: the bind address, else the first LAN IPv4). */
  publicAddress?: string;
  /** User part of our Contact (default "hotline"). */
  contactUser?: string;
  userAgent?: string;
  timers?: Partial<SipTimerConfig>;
  logger?: SipLogger;
  /** Enables the registrar; with `users` REGISTER needs digest authentication. */
  registrar?: {
    users?: SipPasswordLookup;
    realm?: string;
    nonceTtlMs?: number;
    algorithm?: 'MD5' | 'SHA-256';
    /** See SipAuthOptions.verifyDigestUri. */
    verifyDigestUri?: boolean;
    minExpires?: number;
    maxExpires?: number;
    defaultExpires?: number;
    /**
     * Challenge new INVITEs too (401 + digest), e.g. from registered phones; a function can exempt
     * trusted sources such as carrier trunks. The user ends up in call.authenticatedUser.
     */
    authenticateCalls?: boolean | ((request: SipRequest, source: SipPeer) => boolean);
  };
  /**
   * RFC 4028 session timers (seconds): on by default with interval 1800 and Min-SE 90; false
   * turns them off. They detect calls whose far end vanished without a BYE.
   */
  sessionTimers?: Partial<SessionTimerConfig> | false;
  /** Default credentials answering 401/407 challenges to our requests. */
  credentials?: DigestCredentials;
  dialogs?: {
    /** Confirmed calls with no signalling for this long are ended with BYE (default 2 h). */
    staleAfterMs?: number;
    /** Unanswered calls older than this are ended (408 inbound, CANCEL outbound; default 3 min). */
    inviteTimeoutMs?: number;
    /** How often the reaper runs (default 10 s). */
    reapIntervalMs?: number;
  };
  maxMessageSize?: number;
  /** Idle stream connections are closed after this long (default 65 minutes). */
  tcpIdleTimeoutMs?: number;
  now?: () => number;
}

export interface SipRegisterEvent {
  aor: string;
  username?: string;
  bindings: SipBinding[];
  source: SipPeer;
}

export interface SipStackStats {
  /** Live calls. */
  calls: number;
  callsStarted: number;
  callsEnded: number;
  transactions: number;
  dialogs: number;
  registrations: number;
  connections: number;
  /** Messages parsed, sent, dropped as malformed, and failed sends since start. */
  received: number;
  sent: number;
  malformed: number;
  sendErrors: number;
}

export type SipStackEvents = {
  /** A new inbound call; answer, ring or reject it. Without a listener calls get 480. */
  invite: (call: SipInboundCall) => void;
  /** A successful REGISTER (including refreshes and removals). */
  register: (event: SipRegisterEvent) => void;
  /** An out-of-dialog OPTIONS (already answered 200). */
  options: (request: SipRequest, source: SipPeer) => void;
};

export interface SipCallOptions {
  /** Our From URI (default sip:<contactUser>@<domain>). */
  from?: string;
  displayName?: string;
  /** Extra headers, e.g. P-Asserted-Identity for carrying the caller's number (the 110 case). */
  headers?: Array<[string, string]>;
  /** Forces a transport when the URI has no transport parameter. */
  transport?: SipTransportName;
  /** Sends to this peer instead of resolving the URI (e.g. a registered phone behind NAT). */
  destination?: SipPeer;
  credentials?: DigestCredentials;
  /**
   * User part of the Contact of this request (default the stack's contactUser): a gateway that
   * registers several AORs from one stack gives each its own Contact, so calls to it can be told apart.
   */
  contactUser?: string;
}

export interface SipRequestOptions extends Omit<SipCallOptions, 'displayName'> {
  to?: string;
  body?: string;
  contentType?: string;
  callId?: string;
  cseq?: number;
}

export interface SipRegisterOptions {
  /** Registrar URI, e.g. sip:registrar.example:5060. */
  registrar: string;
  /** Address-of-record to bind, e.g. sip:1001@example. */
  aor: string;
  credentials?: DigestCredentials;
  expires?: number;
  transport?: SipTransportName;
  /** User part of the Contact to bind (default the stack's contactUser). */
  contactUser?: string;
}

export interface SipRegistrationState {
  registered: boolean;
  /** Final status of the last attempt, absent when it failed at the transport. */
  status?: number;
  /** Seconds granted by the registrar. */
  expires?: number;
}

export interface SipKeepRegisteredOptions extends SipRegisterOptions {
  onState?: (state: SipRegistrationState) => void;
  /** Wait before retrying a failed registration (default 30 s). */
  retryMs?: number;
}

export interface SipRegistrationHandle {
  /** Stops refreshing and unregisters (expires 0). */
  stop: () => Promise<void>;
}

/** Seconds the registrar granted: our Contact's expires parameter, else Expires, else what we asked. */
function grantedExpires(response: SipResponse, contact: string, asked: number): number {
  const uri = /<([^>]+)>/.exec(contact)?.[1];
  for (const value of response.headers.getAll('Contact')) {
    const seconds = /;\s*expires\s*=\s*(\d+)/i.exec(value)?.[1];
    if (uri && value.includes(uri) && seconds !== undefined) return Number(seconds);
  }
  const header = Number(response.headers.get('Expires') ?? NaN);
  return Number.isFinite(header) ? header : asked;
}

function firstLanAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) return info.address;
  }
  return '127.0.0.1';
}

export class SipStack extends TypedEmitter<SipStackEvents> implements SipCallHost {
  readonly timers: SipTimerConfig;
  readonly sessionTimers: SessionTimerConfig | undefined;
  /** Option tags we support (Supported header, Require check). */
  readonly supported: string[];
  readonly registrar: SipRegistrar | undefined;
  private readonly transactions = new TransactionTable();
  private readonly callsById = new Map<string, SipCall>();
  private readonly dialogs = new Map<string, SipCall>();
  private readonly inviteCalls = new Map<string, SipInboundCall>();
  private readonly registrations = new Map<string, { callId: string; cseq: number }>();
  /** Call-ID|From-tag|CSeq of live out-of-dialog server transactions, for 482 (RFC 3261 §8.2.2.2). */
  private readonly merged = new Map<string, ServerTransaction>();
  private readonly reaper: NodeJS.Timeout;
  /** Pending keepRegistered() refreshes, cleared on close. */
  private readonly refreshTimers = new Set<NodeJS.Timeout>();
  private closed = false;
  private callsStarted = 0;
  private callsEnded = 0;
  readonly address: string;

  private constructor(
    private readonly options: SipStackOptions,
    private readonly transport: SipTransportLayer,
    logger: SipLogger,
  ) {
    super(logger);
    this.timers = { ...DEFAULT_SIP_TIMERS, ...options.timers };
    this.sessionTimers = options.sessionTimers === false ? undefined : { ...DEFAULT_SESSION_TIMER, ...options.sessionTimers };
    this.supported = [...SIP_SUPPORTED, ...(this.sessionTimers ? ['timer'] : [])];
    const bind = options.udp?.host ?? options.tcp?.host ?? options.tls?.host;
    this.address = options.publicAddress ?? (bind && bind !== '0.0.0.0' && bind !== '::' ? bind : firstLanAddress());
    if (options.registrar) this.registrar = this.createRegistrar(options.registrar);
    transport.onMessage((message, peer) => this.onMessage(message, peer));
    transport.onMalformed((raw, peer, error) => this.onMalformed(raw, peer, error));
    this.reaper = setInterval(() => this.reap(), options.dialogs?.reapIntervalMs ?? 10_000);
    this.reaper.unref();
  }

  static async create(options: SipStackOptions): Promise<SipStack> {
    const logger = options.logger ?? silentLogger;
    const udp = options.udp ?? (options.tcp || options.tls ? undefined : { port: 0 });
    const transport = await SipTransportLayer.listen({
      ...(udp ? { udp } : {}),
      ...(options.tcp ? { tcp: options.tcp } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.maxMessageSize !== undefined ? { maxMessageSize: options.maxMessageSize } : {}),
      ...(options.tcpIdleTimeoutMs !== undefined ? { tcpIdleTimeoutMs: options.tcpIdleTimeoutMs } : {}),
      logger,
    });
    return new SipStack(options, transport, logger);
  }

  private createRegistrar(config: NonNullable<SipStackOptions['registrar']>): SipRegistrar {
    const realm = config.realm ?? this.options.domain;
    return new SipRegistrar({
      domain: this.options.domain,
      ...(config.users ? { auth: { realm, users: config.users, ...pick(config, ['nonceTtlMs', 'algorithm', 'verifyDigestUri']) } } : {}),
      ...pick(config, ['minExpires', 'maxExpires', 'defaultExpires']),
      ...(this.options.now ? { now: this.options.now } : {}),
    });
  }

  get udpPort(): number | undefined {
    return this.transport.udpPort;
  }

  get tcpPort(): number | undefined {
    return this.transport.tcpPort;
  }

  get tlsPort(): number | undefined {
    return this.transport.tlsPort;
  }

  private portFor(transport: SipTransportName): number | undefined {
    if (transport === 'udp') return this.transport.udpPort;
    return transport === 'tcp' ? this.transport.tcpPort : this.transport.tlsPort;
  }

  /** Live calls (inbound and outbound). */
  get calls(): SipCall[] {
    return [...this.callsById.values()];
  }

  /** Live transactions, for leak checks and monitoring. */
  get transactionCount(): number {
    return this.transactions.size;
  }

  get openConnections(): number {
    return this.transport.openConnections;
  }

  /**
   * How to reach a registered contact: its flow (source address or TCP connection) when the phone
   * is behind NAT or registered over TCP, else undefined (the Contact URI is reachable as is).
   * Use as `stack.call(binding.contact, sdp, { destination: stack.bindingDestination(binding) })`.
   */
  bindingDestination(binding: SipBinding): SipPeer | undefined {
    const source = binding.source;
    if (isReliable(source.transport)) return source.connectionId !== undefined && this.transport.isOpen(source.connectionId) ? source : undefined;
    try {
      return socketHost(parseSipUri(binding.contact).host) === source.address ? undefined : source;
    } catch {
      return source;
    }
  }

  /** Registered contacts of an address-of-record ("1001@domain" or a SIP URI). */
  lookup(aor: string): SipBinding[] {
    return this.registrar?.lookup(aor) ?? [];
  }

  contact(transport: SipTransportName, user?: string): string {
    const port = this.portFor(transport);
    const host = this.address.includes(':') ? `[${this.address}]` : this.address;
    const param = transport === 'udp' ? '' : `;transport=${transport}`;
    return `<sip:${user ?? this.options.contactUser ?? 'hotline'}@${host}:${port ?? 5060}${param}>`;
  }

  // ---- Sending -------------------------------------------------------------------------------

  /** Where a request for `uri` goes (RFC 3263 reduced to: maddr/host, port, transport param). */
  private resolve(uri: string, preferred?: SipTransportName, connectionId?: number): SipPeer {
    const parsed = parseSipUri(uri);
    if (parsed.scheme === 'tel') throw new SipCallError(416, 'tel: URIs need a gateway route');
    const transport = this.chooseTransport(parsed.scheme, parsed.params.get('transport')?.toLowerCase(), preferred);
    const host = socketHost(parsed.params.get('maddr') ?? parsed.host);
    const peer: SipPeer = { transport, address: host, port: parsed.port ?? (transport === 'tls' ? 5061 : 5060) };
    if (isReliable(transport) && connectionId !== undefined && this.transport.isOpen(connectionId)) peer.connectionId = connectionId;
    return peer;
  }

  /** sips: and transport=tls must stay on TLS; UDP and TCP may stand in for each other. */
  private chooseTransport(scheme: string, param: string | undefined, preferred?: SipTransportName): SipTransportName {
    const wanted: SipTransportName = scheme === 'sips' || param === 'tls' ? 'tls' : param === 'tcp' ? 'tcp' : param === 'udp' ? 'udp' : (preferred ?? 'udp');
    if (this.transport.supports(wanted)) return wanted;
    if (wanted === 'tls') throw new SipCallError(503, 'TLS target but no TLS transport configured');
    const other: SipTransportName = wanted === 'udp' ? 'tcp' : 'udp';
    return this.transport.supports(other) ? other : 'tls';
  }

  private newVia(transport: SipTransportName): string {
    const port = this.portFor(transport);
    const host = this.address.includes(':') ? `[${this.address}]` : this.address;
    return `SIP/2.0/${transport.toUpperCase()} ${host}:${port ?? 5060};branch=${BRANCH_COOKIE}${randomToken(8)};rport`;
  }

  /** Starts a client transaction for `request` towards `peer`; `via` is given only for CANCEL. */
  private startClient(request: SipRequest, peer: SipPeer, events: ClientTransactionEvents, via?: string): void {
    request.headers.remove('Via');
    request.headers.prepend('Via', via ?? this.newVia(peer.transport));
    if (!request.headers.has('User-Agent')) request.headers.append('User-Agent', this.options.userAgent ?? 'hotline-voip');
    const reliable = isReliable(peer.transport);
    const sender = (message: SipMessage): Promise<void> => this.transport.send(message, peer);
    const key = clientTransactionKey(request);
    const Tx = request.method === 'INVITE' ? InviteClientTransaction : NonInviteClientTransaction;
    const tx = new Tx(key, request, reliable, this.timers, sender, events);
    this.transactions.addClient(tx);
    this.logger.debug({ peer: `${peer.transport}:${peer.address}:${peer.port}`, msg: describeMessage(request) }, 'sip send request');
    tx.start();
  }

  /**
   * Next hop of an in-dialog request. Without a route set we follow the peer's flow when its
   * Contact is unreachable as written: a live TCP connection, or a UDP Contact whose host differs
   * from where the peer's packets come from (a phone behind NAT). Otherwise the Contact rules.
   */
  private dialogPeer(dialog: SipDialog): SipPeer {
    const flow = dialog.flow;
    if (dialog.routeSet.length === 0 && flow) {
      if (isReliable(flow.transport) && flow.connectionId !== undefined && this.transport.isOpen(flow.connectionId)) return flow;
      if (flow.transport === 'udp' && dialog.transport === 'udp') {
        let host: string | undefined;
        try {
          host = socketHost(parseSipUri(dialog.remoteTarget).host);
        } catch {
          host = undefined;
        }
        if (host !== flow.address) return flow;
      }
    }
    return this.resolve(dialog.nextHopUri(), dialog.transport, dialog.connectionId);
  }

  sendInDialog(dialog: SipDialog, request: SipRequest, events: ClientTransactionEvents): void {
    let peer: SipPeer;
    try {
      peer = this.dialogPeer(dialog);
    } catch {
      queueMicrotask(() => events.onFailure('transport'));
      return;
    }
    this.startClient(request, peer, events);
  }

  sendAck(dialog: SipDialog, ack: SipRequest): void {
    let peer: SipPeer;
    try {
      peer = this.dialogPeer(dialog);
    } catch {
      return;
    }
    if (!ack.headers.has('Via')) ack.headers.append('Via', this.newVia(peer.transport));
    this.transport.send(ack, peer).catch((err: unknown) => this.logger.debug({ err: String(err) }, 'ACK send failed'));
  }

  respond(tx: ServerTransaction, response: SipResponse): void {
    if (!response.headers.has('Server')) response.headers.append('Server', this.options.userAgent ?? 'hotline-voip');
    const method = tx.request.method;
    const okInvite = response.status >= 200 && response.status < 300 && (method === 'INVITE' || method === 'OPTIONS');
    if ((okInvite || response.status === 405) && !response.headers.has('Allow')) response.headers.append('Allow', SIP_ALLOW);
    if (okInvite && !response.headers.has('Supported')) response.headers.append('Supported', this.supported.join(', '));
    tx.respond(response);
  }

  /** RFC 3261 §18.2.2 (+ RFC 3581): responses go back where the request came from. */
  private responsePeer(request: SipRequest, source: SipPeer): SipPeer {
    if (isReliable(source.transport) && source.connectionId !== undefined && this.transport.isOpen(source.connectionId)) return source;
    const via = parseVia(request.headers.get('Via') ?? '');
    const rport = Number(via.params.get('rport') ?? NaN);
    return {
      transport: source.transport,
      address: socketHost(via.params.get('received') ?? via.host),
      port: Number.isInteger(rport) && rport > 0 ? rport : (via.port ?? 5060),
    };
  }

  // ---- Calls ---------------------------------------------------------------------------------

  bindDialog(call: SipCall, dialog: SipDialog): void {
    this.callsById.set(call.id, call);
    this.dialogs.set(dialog.key, call);
  }

  callEnded(call: SipCall): void {
    this.callsById.delete(call.id);
    const key = call.dialog?.key;
    if (key !== undefined && this.dialogs.get(key) === call) this.dialogs.delete(key);
    if (call instanceof SipInboundCall && this.inviteCalls.get(call.inviteKey) === call) this.inviteCalls.delete(call.inviteKey);
    this.callsEnded++;
    this.logger.info({ callId: call.callId, direction: call.direction, reason: call.end?.reason, status: call.end?.status }, 'sip call ended');
  }

  /** Counters and gauges for monitoring (the media role exports them with its own). */
  stats(): SipStackStats {
    const t = this.transport.counters;
    return {
      calls: this.callsById.size,
      callsStarted: this.callsStarted,
      callsEnded: this.callsEnded,
      transactions: this.transactions.size,
      dialogs: this.dialogs.size,
      registrations: this.registrar?.size ?? 0,
      connections: this.transport.openConnections,
      received: t.received,
      sent: t.sent,
      malformed: t.malformed,
      sendErrors: t.sendErrors,
    };
  }

  /**
   * The call a Replaces header (RFC 3891: "call-id;to-tag=..;from-tag=..") points at, e.g. for an
   * attended transfer; tags are tried both ways because the header is written from the sender's
   * side of the dialog.
   */
  findCallByReplaces(replaces: string): SipCall | undefined {
    const [callId = '', ...rest] = replaces.split(';');
    const params = new Map(rest.map((p) => p.split('=').map((x) => x.trim()) as [string, string]));
    const toTag = params.get('to-tag') ?? '';
    const fromTag = params.get('from-tag') ?? '';
    const id = callId.trim();
    return this.dialogs.get(dialogKey(id, toTag, fromTag)) ?? this.dialogs.get(dialogKey(id, fromTag, toTag));
  }

  /** Places a call; listen for 'progress'/'answered'/'terminated' or await waitAnswer(). */
  call(target: string, sdp: string, options: SipCallOptions = {}): SipOutboundCall {
    if (this.closed) throw new SipCallError(503, 'stack closed');
    const transport = options.destination?.transport ?? this.preferredTransport(target, options.transport);
    const headers = this.baseHeaders(target, options, 'INVITE', 1, transport);
    headers.append('Allow', SIP_ALLOW);
    headers.append('Supported', this.supported.join(', '));
    if (this.sessionTimers) {
      headers.append('Session-Expires', String(this.sessionTimers.interval));
      headers.append('Min-SE', String(this.sessionTimers.minSe));
    }
    headers.append('Content-Type', 'application/sdp');
    const invite = createRequest('INVITE', target, headers, sdp);
    const credentials = options.credentials ?? this.options.credentials;
    const call = new SipOutboundCall(this, {
      invite,
      transport,
      send: (request, events) => this.sendInitial(request, target, options, events),
      cancel: (request) => this.sendCancel(request, target, options),
      authenticate: (request, challenge) => (credentials ? this.withAuthorization(request, challenge, credentials) : undefined),
      ...(options.destination ? { flow: options.destination } : {}),
    });
    this.callsById.set(call.id, call);
    this.callsStarted++;
    this.logger.info({ callId: call.callId, target }, 'sip outbound call');
    call.start();
    return call;
  }

  private preferredTransport(target: string, forced?: SipTransportName): SipTransportName {
    try {
      return this.resolve(target, forced).transport;
    } catch {
      return forced ?? (this.transport.supports('udp') ? 'udp' : this.transport.supports('tcp') ? 'tcp' : 'tls');
    }
  }

  private baseHeaders(target: string, options: SipRequestOptions & { displayName?: string }, method: string, seq: number, transport: SipTransportName): SipHeaders {
    const from = options.from ?? `sip:${this.options.contactUser ?? 'hotline'}@${this.options.domain}`;
    const display = options.displayName !== undefined ? `"${options.displayName.replace(/(["\\])/g, '\\$1')}" ` : '';
    const headers = new SipHeaders();
    headers.append('Max-Forwards', '70');
    headers.append('From', `${display}<${from}>;tag=${randomToken(6)}`);
    headers.append('To', `<${options.to ?? target}>`);
    headers.append('Call-ID', options.callId ?? `${randomToken(12)}@${this.options.domain}`);
    headers.append('CSeq', `${options.cseq ?? seq} ${method}`);
    headers.append('Contact', this.contact(transport, options.contactUser));
    for (const [name, value] of options.headers ?? []) headers.append(name, value);
    return headers;
  }

  private sendInitial(request: SipRequest, target: string, options: SipCallOptions, events: ClientTransactionEvents): void {
    let peer: SipPeer;
    try {
      peer = options.destination ?? this.resolve(target, options.transport);
    } catch {
      queueMicrotask(() => events.onFailure('transport'));
      return;
    }
    this.startClient(request, peer, events);
  }

  /** RFC 3261 §9.1: CANCEL copies Request-URI, top Via, Call-ID, From, To, Route and CSeq number. */
  private sendCancel(invite: SipRequest, target: string, options: SipCallOptions): void {
    const headers = new SipHeaders();
    for (const route of invite.headers.getAll('Route')) headers.append('Route', route);
    headers.append('Max-Forwards', '70');
    for (const name of ['From', 'To', 'Call-ID']) headers.append(name, invite.headers.get(name) ?? '');
    headers.append('CSeq', `${getCSeq(invite).seq} CANCEL`);
    const cancel = createRequest('CANCEL', invite.uri, headers);
    const noop: ClientTransactionEvents = { onResponse: () => undefined, onFailure: () => undefined };
    try {
      const peer = options.destination ?? this.resolve(target, options.transport);
      this.startClient(cancel, peer, noop, invite.headers.get('Via'));
    } catch (err) {
      this.logger.debug({ err: String(err) }, 'CANCEL not sent');
    }
  }

  /** Copies a challenged request with a fresh branch, CSeq+1 and an Authorization header. */
  private withAuthorization(request: SipRequest, challenge: SipResponse, credentials: DigestCredentials): SipRequest | undefined {
    const proxy = challenge.status === 407;
    const header = challenge.headers.get(proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate');
    const parsed = header !== undefined ? parseAuthHeader(header) : undefined;
    if (!parsed || parsed.scheme.toLowerCase() !== 'digest') return undefined;
    const headers = request.headers.clone();
    const cseq = getCSeq(request);
    headers.set('CSeq', `${cseq.seq + 1} ${cseq.method}`);
    headers.set(proxy ? 'Proxy-Authorization' : 'Authorization', buildAuthorization(parsed, credentials, request));
    headers.remove('Via');
    return createRequest(request.method, request.uri, headers, request.body);
  }

  // ---- Out-of-dialog requests ---------------------------------------------------------------

  /** Sends a non-INVITE request outside a dialog; resolves with the final response (any status). */
  request(method: string, target: string, options: SipRequestOptions = {}): Promise<SipResponse> {
    if (method === 'INVITE' || method === 'ACK' || method === 'CANCEL') return Promise.reject(new SipCallError(400, `use call() for ${method}`));
    const transport = options.destination?.transport ?? this.preferredTransport(target, options.transport);
    const headers = this.baseHeaders(target, options, method, 1, transport);
    if (options.body !== undefined && options.contentType) headers.append('Content-Type', options.contentType);
    const request = createRequest(method, target, headers, options.body);
    const credentials = options.credentials ?? this.options.credentials;
    return new Promise((resolve, reject) => {
      let retried = false;
      const events = (): ClientTransactionEvents => ({
        onResponse: (response) => {
          if (response.status < 200) return;
          if ((response.status === 401 || response.status === 407) && credentials && !retried) {
            retried = true;
            const retry = this.withAuthorization(request, response, credentials);
            if (retry) return this.sendInitial(retry, target, options, events());
          }
          resolve(response);
        },
        onFailure: (why) => reject(new SipCallError(why === 'timeout' ? 408 : 503, `${method} ${why}`)),
      });
      this.sendInitial(request, target, options, events());
    });
  }

  /** Registers (or with expires 0, unregisters) an AOR with an upstream registrar. */
  register(options: SipRegisterOptions): Promise<SipResponse> {
    const state = this.registrations.get(options.aor) ?? { callId: `${randomToken(12)}@${this.options.domain}`, cseq: 0 };
    // RFC 3261 §10.2: one Call-ID per registrar binding, CSeq increasing (the auth retry takes +1).
    state.cseq += 2;
    this.registrations.set(options.aor, state);
    const expires = options.expires ?? 3600;
    return this.request('REGISTER', options.registrar, {
      from: options.aor,
      to: options.aor,
      callId: state.callId,
      cseq: state.cseq,
      headers: [['Expires', String(expires)]],
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.transport ? { transport: options.transport } : {}),
      ...(options.contactUser !== undefined ? { contactUser: options.contactUser } : {}),
    }).then((response) => {
      if (response.status >= 200) state.cseq = Math.max(state.cseq, getCSeq(response).seq);
      return response;
    });
  }

  /**
   * Keeps an AOR registered with an upstream registrar (a carrier trunk): refreshes at 80 % of the
   * granted interval, follows 423 Min-Expires, retries failures after `retryMs`.
   */
  keepRegistered(options: SipKeepRegisteredOptions): SipRegistrationHandle {
    let expires = options.expires ?? 3600;
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const schedule = (ms: number): void => {
      timer = setTimeout(() => void attempt(), ms);
      this.refreshTimers.add(timer);
    };
    const attempt = async (): Promise<void> => {
      if (timer) this.refreshTimers.delete(timer);
      const response = await this.register({ ...options, expires }).catch(() => undefined);
      if (stopped || this.closed) return;
      if (response?.status === 423 && Number(response.headers.get('Min-Expires')) > expires) {
        expires = Number(response.headers.get('Min-Expires'));
        return void attempt();
      }
      if (response && response.status >= 200 && response.status < 300) {
        const granted = grantedExpires(response, this.contact(options.transport ?? this.preferredTransport(options.registrar), options.contactUser), expires);
        options.onState?.({ registered: true, status: response.status, expires: granted });
        return schedule(Math.max(1, granted * 0.8) * 1000);
      }
      options.onState?.(response ? { registered: false, status: response.status } : { registered: false });
      schedule(options.retryMs ?? 30_000);
    };
    void attempt();
    return {
      stop: async () => {
        stopped = true;
        if (timer) {
          clearTimeout(timer);
          this.refreshTimers.delete(timer);
        }
        if (!this.closed) await this.register({ ...options, expires: 0 }).catch(() => undefined);
      },
    };
  }

  // ---- Receiving -----------------------------------------------------------------------------

  private onMessage(message: SipMessage, peer: SipPeer): void {
    if (this.closed) return;
    this.logger.debug({ peer: `${peer.transport}:${peer.address}:${peer.port}`, msg: describeMessage(message) }, 'sip receive');
    if (message.kind === 'response') {
      this.transactions.findClient(message)?.receive(message);
      return;
    }
    this.onRequest(message, peer);
  }

  private onRequest(request: SipRequest, peer: SipPeer): void {
    if (request.method === 'ACK') return this.onAck(request);
    const existing = this.transactions.findServer(request);
    if (existing) return existing.receiveRequest(request);
    const tx = this.createServerTransaction(request, peer);
    if (request.method === 'INVITE') this.respond(tx, buildResponse(request, 100));
    const refusal = this.precheck(request);
    if (refusal) return this.respond(tx, refusal);
    if (request.method === 'CANCEL') return this.onCancel(request, tx);
    if (tagOf(request.headers.get('To')) !== undefined) return this.onInDialog(request, tx);
    if (this.isMerged(request, tx)) return this.respond(tx, buildResponse(request, 482));
    this.onOutOfDialog(request, tx, peer);
  }

  /** The same request arriving again by another path (a forking proxy upstream) is refused. */
  private isMerged(request: SipRequest, tx: ServerTransaction): boolean {
    const key = `${request.headers.get('Call-ID') ?? ''}|${tagOf(request.headers.get('From')) ?? ''}|${getCSeq(request).seq}|${request.method}`;
    const earlier = this.merged.get(key);
    if (earlier && earlier !== tx && earlier.state !== 'terminated') return true;
    this.merged.set(key, tx);
    tx.onTerminated(() => {
      if (this.merged.get(key) === tx) this.merged.delete(key);
    });
    return false;
  }

  /** RFC 3261 §8.2.6: answer 400 to a broken request when enough of it survives to address a reply. */
  private onMalformed(raw: Buffer, peer: SipPeer, error: SipParseError): void {
    if (this.closed) return;
    const head = salvageRequestHead(raw);
    if (!head) return;
    const headers = head.headers;
    const to = headers.get('To') ?? '';
    if (to && !/;\s*tag=/i.test(to)) headers.set('To', `${to};tag=${randomToken(6)}`);
    headers.append('Warning', `399 ${this.options.domain} "${error.code}: ${error.message.replace(/"/g, "'")}"`);
    const response = createResponseMessage(400, 'Bad Request', headers);
    this.transport.send(response, peer).catch(() => undefined);
  }

  private createServerTransaction(request: SipRequest, peer: SipPeer): ServerTransaction {
    const key = serverTransactionKey(request);
    const reliable = isReliable(peer.transport);
    const sender = (message: SipMessage): Promise<void> => this.transport.send(message, this.responsePeer(request, peer));
    const tx =
      request.method === 'INVITE'
        ? new InviteServerTransaction(key, request, reliable, this.timers, sender, {})
        : new NonInviteServerTransaction(key, request, reliable, this.timers, sender, {});
    this.transactions.addServer(tx);
    return tx;
  }

  /** RFC 3261 §8.2.2: Max-Forwards and Require checks. */
  private precheck(request: SipRequest): SipResponse | undefined {
    const maxForwards = request.headers.get('Max-Forwards');
    if (maxForwards !== undefined && Number(maxForwards) <= 0 && request.method !== 'OPTIONS') return buildResponse(request, 483);
    const unsupported = request.headers.getAll('Require').filter((r) => r.trim() !== '' && !this.supported.includes(r.trim().toLowerCase()));
    if (unsupported.length > 0 && request.method !== 'CANCEL') {
      const response = buildResponse(request, 420);
      response.headers.append('Unsupported', unsupported.join(', '));
      return response;
    }
    return undefined;
  }

  private onAck(ack: SipRequest): void {
    const tx = this.transactions.findServer(ack);
    if (tx && tx.state === 'completed') return tx.receiveRequest(ack);
    const call = this.dialogs.get(this.dialogKeyOf(ack));
    call?.handleAck(ack);
  }

  private dialogKeyOf(request: SipRequest): string {
    return dialogKey(request.headers.get('Call-ID') ?? '', tagOf(request.headers.get('To')) ?? '', tagOf(request.headers.get('From')) ?? '');
  }

  private onCancel(cancel: SipRequest, tx: ServerTransaction): void {
    const inviteTx = this.transactions.findInviteForCancel(cancel);
    if (!inviteTx) return this.respond(tx, buildResponse(cancel, 481));
    this.respond(tx, buildResponse(cancel, 200));
    this.inviteCalls.get(inviteTx.key)?.handleCancel();
  }

  private onInDialog(request: SipRequest, tx: ServerTransaction): void {
    const call = this.dialogs.get(this.dialogKeyOf(request));
    if (!call) return this.respond(tx, buildResponse(request, 481));
    call.handleRequest(request, tx);
  }

  private onOutOfDialog(request: SipRequest, tx: ServerTransaction, peer: SipPeer): void {
    switch (request.method) {
      case 'INVITE':
        return this.onInvite(request, tx, peer);
      case 'REGISTER':
        return void this.onRegister(request, tx, peer).catch((err: unknown) => this.failRequest(tx, err));
      case 'OPTIONS': {
        const response = buildResponse(request, 200, { toTag: randomToken(6) });
        response.headers.append('Accept', 'application/sdp');
        this.respond(tx, response);
        this.emit('options', request, peer);
        return;
      }
      default:
        if (DIALOG_ONLY.has(request.method)) return this.respond(tx, buildResponse(request, 481));
        this.respond(tx, buildResponse(request, KNOWN_UNSUPPORTED.has(request.method) ? 405 : 501));
    }
  }

  private onInvite(request: SipRequest, tx: ServerTransaction, peer: SipPeer): void {
    if (this.sessionTimers && negotiateAsUas(request, this.sessionTimers) === 'too-small') {
      const response = buildResponse(request, 422, { toTag: randomToken(6) });
      response.headers.append('Min-SE', String(this.sessionTimers.minSe));
      return this.respond(tx, response);
    }
    const rule = this.options.registrar?.authenticateCalls;
    const authenticator = this.registrar?.authenticator;
    const required = typeof rule === 'function' ? rule(request, peer) : rule === true;
    if (!required || !authenticator) return this.startInboundCall(request, tx, peer);
    authenticator.verify(request).then(
      (result) => {
        if (result.ok) return this.startInboundCall(request, tx, peer, result.username);
        const response = buildResponse(request, result.status, { toTag: randomToken(6) });
        if (result.challenge !== undefined) response.headers.append('WWW-Authenticate', result.challenge);
        this.respond(tx, response);
      },
      (err: unknown) => this.failRequest(tx, err),
    );
  }

  private startInboundCall(request: SipRequest, tx: ServerTransaction, peer: SipPeer, user?: string): void {
    if (this.closed) return;
    const call = new SipInboundCall(this, request, tx, peer);
    if (user !== undefined) call.authenticatedUser = user;
    this.callsStarted++;
    this.logger.info({ callId: call.callId, from: call.remoteParty.uri, to: request.uri, source: `${peer.transport}:${peer.address}:${peer.port}` }, 'sip inbound call');
    this.inviteCalls.set(tx.key, call);
    if (this.listenerCount('invite') === 0) return call.reject(480);
    this.emit('invite', call);
  }

  /** A user lookup (or other async step) failed: answer 500 rather than leave the peer waiting. */
  private failRequest(tx: ServerTransaction, err: unknown): void {
    this.logger.error({ err: String(err), method: tx.request.method }, 'sip request handling failed');
    this.respond(tx, buildResponse(tx.request, 500));
  }

  private async onRegister(request: SipRequest, tx: ServerTransaction, peer: SipPeer): Promise<void> {
    if (!this.registrar) return this.respond(tx, buildResponse(request, 405));
    const outcome = await this.registrar.handle(request, peer);
    const response = buildResponse(request, outcome.status, { toTag: randomToken(6) });
    if (outcome.status === 200) {
      for (const contact of outcome.contactHeaders) response.headers.append('Contact', contact);
      response.headers.append('Date', new Date().toUTCString());
    } else if (outcome.challenge !== undefined) {
      response.headers.append('WWW-Authenticate', outcome.challenge);
    } else if (outcome.minExpires !== undefined) {
      response.headers.append('Min-Expires', String(outcome.minExpires));
    }
    this.respond(tx, response);
    if (outcome.status === 200) {
      const event: SipRegisterEvent = { aor: outcome.aor, bindings: outcome.bindings, source: peer };
      if (outcome.username !== undefined) event.username = outcome.username;
      this.emit('register', event);
    }
  }

  // ---- Housekeeping --------------------------------------------------------------------------

  /** Ends unanswered calls past inviteTimeoutMs and silent dialogs past staleAfterMs. */
  reap(now = Date.now()): void {
    const inviteTimeout = this.options.dialogs?.inviteTimeoutMs ?? 180_000;
    const staleAfter = this.options.dialogs?.staleAfterMs ?? 7_200_000;
    for (const call of this.calls) {
      const pending = call.state === 'calling' || call.state === 'early';
      if (pending && now - call.createdAt > inviteTimeout) this.expire(call, 'timeout');
      else if (!pending && now - call.lastActivity > staleAfter) this.expire(call, 'stale');
    }
    this.registrar?.purge();
  }

  private expire(call: SipCall, reason: 'timeout' | 'stale' | 'shutdown'): void {
    this.logger.info({ callId: call.callId, reason }, 'sip call reaped');
    if (call instanceof SipInboundCall || call instanceof SipOutboundCall) call.expire(reason);
  }

  /** Ends every call, stops every timer and closes every socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const call of this.calls) this.expire(call, 'shutdown');
    // Give the final BYEs/503s one turn of the event loop to reach the sockets.
    await new Promise((resolve) => setTimeout(resolve, 20));
    this.closed = true;
    clearInterval(this.reaper);
    for (const timer of this.refreshTimers) clearTimeout(timer);
    this.refreshTimers.clear();
    this.transactions.terminateAll();
    this.removeAllListeners();
    await this.transport.close();
  }
}

function pick<T extends object, K extends keyof T>(source: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
