/**
 * Transaction layer (RFC 3261 §17 with the RFC 6026 "Accepted" states). Each transaction owns
 * its retransmission and timeout timers; the transport is a callback so the state machines can
 * be driven by fake timers in tests.
 */
import { SipHeaders } from './headers.js';
import { createRequest, getCSeq } from './message.js';
import type { SipMessage, SipRequest, SipResponse } from './message.js';
import { parseVia } from './uri.js';

/** Base timer values (RFC 3261 Table 4); everything else derives from them. */
export interface SipTimerConfig {
  /** RTT estimate, 500 ms. */
  t1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses, 4 s. */
  t2: number;
  /** Maximum duration a message stays in the network, 5 s. */
  t4: number;
  /** Timer D: wait time for response retransmits after a non-2xx INVITE final (≥ 32 s). */
  timerD: number;
}

export const DEFAULT_SIP_TIMERS: SipTimerConfig = { t1: 500, t2: 4_000, t4: 5_000, timerD: 32_000 };

export const BRANCH_COOKIE = 'z9hG4bK';

export type TransactionState = 'calling' | 'trying' | 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';

/** Sends one message to the transaction's peer; rejects on transport failure. */
export type TransactionSender = (message: SipMessage) => Promise<void>;

abstract class Transaction {
  state: TransactionState;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private terminatedListeners: Array<() => void> = [];

  protected constructor(
    readonly key: string,
    readonly request: SipRequest,
    protected readonly reliable: boolean,
    protected readonly config: SipTimerConfig,
    protected readonly sender: TransactionSender,
    initial: TransactionState,
  ) {
    this.state = initial;
  }

  onTerminated(listener: () => void): void {
    this.terminatedListeners.push(listener);
  }

  /** Ends the transaction and drops every timer; safe to call twice. */
  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    const listeners = this.terminatedListeners;
    this.terminatedListeners = [];
    for (const listener of listeners) listener();
  }

  protected setTimer(name: string, ms: number, fn: () => void): void {
    this.clearTimer(name);
    this.timers.set(
      name,
      setTimeout(() => {
        this.timers.delete(name);
        if (this.state !== 'terminated') fn();
      }, ms),
    );
  }

  protected clearTimer(name: string): void {
    const timer = this.timers.get(name);
    if (timer) clearTimeout(timer);
    this.timers.delete(name);
  }

  /** Sends and converts a transport failure into the subclass's failure handling. */
  protected transmit(message: SipMessage): void {
    this.sender(message).catch((err: unknown) => this.onTransportError(err));
  }

  protected abstract onTransportError(err: unknown): void;

  /** Waits `ms` then terminates; zero (reliable transports) terminates at once. */
  protected linger(ms: number): void {
    if (ms <= 0) this.terminate();
    else this.setTimer('linger', ms, () => this.terminate());
  }
}

export interface ClientTransactionEvents {
  /** Every response the TU must see (provisionals, the first final, 2xx retransmissions). */
  onResponse: (response: SipResponse) => void;
  /** Timer B/F fired or the transport failed: the TU treats it as 408/503 (RFC 3261 §8.1.3.1). */
  onFailure: (reason: 'timeout' | 'transport') => void;
}

export abstract class ClientTransaction extends Transaction {
  protected finalSeen = false;

  constructor(
    key: string,
    request: SipRequest,
    reliable: boolean,
    config: SipTimerConfig,
    sender: TransactionSender,
    protected readonly events: ClientTransactionEvents,
    initial: TransactionState,
  ) {
    super(key, request, reliable, config, sender, initial);
  }

  abstract start(): void;
  abstract receive(response: SipResponse): void;

  protected fail(reason: 'timeout' | 'transport'): void {
    if (this.state === 'terminated') return;
    this.terminate();
    this.events.onFailure(reason);
  }

  protected onTransportError(): void {
    this.fail('transport');
  }
}

export class InviteClientTransaction extends ClientTransaction {
  private ack?: SipRequest;

  constructor(key: string, request: SipRequest, reliable: boolean, config: SipTimerConfig, sender: TransactionSender, events: ClientTransactionEvents) {
    super(key, request, reliable, config, sender, events, 'calling');
  }

  start(): void {
    this.transmit(this.request);
    if (!this.reliable) this.scheduleTimerA(this.config.t1);
    this.setTimer('B', 64 * this.config.t1, () => this.fail('timeout'));
  }

  private scheduleTimerA(interval: number): void {
    this.setTimer('A', interval, () => {
      if (this.state !== 'calling') return;
      this.transmit(this.request);
      this.scheduleTimerA(interval * 2);
    });
  }

  receive(response: SipResponse): void {
    const status = response.status;
    if (this.state === 'calling' || this.state === 'proceeding') {
      if (status < 200) {
        this.enterProceeding();
        this.events.onResponse(response);
      } else if (status < 300) {
        this.enterAccepted();
        this.events.onResponse(response);
      } else {
        this.enterCompleted(response);
        this.events.onResponse(response);
      }
    } else if (this.state === 'accepted' && status >= 200 && status < 300) {
      // 2xx retransmission (or a 2xx from another fork): the TU re-ACKs it.
      this.events.onResponse(response);
    } else if (this.state === 'completed' && status >= 300 && this.ack) {
      this.transmit(this.ack);
    }
  }

  private enterProceeding(): void {
    this.state = 'proceeding';
    this.clearTimer('A');
    this.clearTimer('B');
  }

  /** RFC 6026 §8.4: stay alive for Timer M so retransmitted 2xx still reach the TU. */
  private enterAccepted(): void {
    this.state = 'accepted';
    this.clearTimer('A');
    this.clearTimer('B');
    this.setTimer('M', 64 * this.config.t1, () => this.terminate());
  }

  private enterCompleted(response: SipResponse): void {
    this.state = 'completed';
    this.clearTimer('A');
    this.clearTimer('B');
    this.ack = buildNon2xxAck(this.request, response);
    this.transmit(this.ack);
    this.linger(this.reliable ? 0 : this.config.timerD);
  }
}

export class NonInviteClientTransaction extends ClientTransaction {
  constructor(key: string, request: SipRequest, reliable: boolean, config: SipTimerConfig, sender: TransactionSender, events: ClientTransactionEvents) {
    super(key, request, reliable, config, sender, events, 'trying');
  }

  start(): void {
    this.transmit(this.request);
    if (!this.reliable) this.scheduleTimerE(this.config.t1);
    this.setTimer('F', 64 * this.config.t1, () => this.fail('timeout'));
  }

  private scheduleTimerE(interval: number): void {
    this.setTimer('E', interval, () => {
      if (this.state !== 'trying' && this.state !== 'proceeding') return;
      this.transmit(this.request);
      // In Proceeding the interval is T2 (RFC 3261 §17.1.2.2).
      this.scheduleTimerE(this.state === 'proceeding' ? this.config.t2 : Math.min(interval * 2, this.config.t2));
    });
  }

  receive(response: SipResponse): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    if (response.status < 200) {
      this.state = 'proceeding';
      this.events.onResponse(response);
      return;
    }
    this.state = 'completed';
    this.clearTimer('E');
    this.clearTimer('F');
    this.events.onResponse(response);
    this.linger(this.reliable ? 0 : this.config.t4);
  }
}

/** RFC 3261 §17.1.1.3: the ACK for a non-2xx final is built by the transaction, same branch. */
export function buildNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  const headers = new SipHeaders();
  const topVia = invite.headers.get('Via');
  if (topVia !== undefined) headers.append('Via', topVia);
  for (const route of invite.headers.getAll('Route')) headers.append('Route', route);
  headers.append('Max-Forwards', '70');
  headers.append('From', invite.headers.get('From') ?? '');
  headers.append('To', response.headers.get('To') ?? invite.headers.get('To') ?? '');
  headers.append('Call-ID', invite.headers.get('Call-ID') ?? '');
  headers.append('CSeq', `${getCSeq(invite).seq} ACK`);
  return createRequest('ACK', invite.uri, headers);
}

export interface ServerTransactionEvents {
  /** Timer H fired: no ACK for our non-2xx final (RFC 3261 §17.2.1). */
  onAckTimeout?: () => void;
  /** An ACK matched this INVITE transaction after its final response. */
  onAck?: (ack: SipRequest) => void;
}

export abstract class ServerTransaction extends Transaction {
  protected lastResponse?: SipResponse;

  constructor(key: string, request: SipRequest, reliable: boolean, config: SipTimerConfig, sender: TransactionSender, protected readonly events: ServerTransactionEvents, initial: TransactionState) {
    super(key, request, reliable, config, sender, initial);
  }

  /** True once a final response was sent. */
  get finalSent(): boolean {
    return this.lastResponse !== undefined && this.lastResponse.status >= 200;
  }

  abstract respond(response: SipResponse): void;
  /** A retransmission of the request (or, for INVITE, an ACK) matched this transaction. */
  abstract receiveRequest(request: SipRequest): void;

  protected onTransportError(): void {
    // RFC 3261 §17.2.4: a failed response send ends the transaction; the TU learns through timers.
    this.terminate();
  }
}

export class InviteServerTransaction extends ServerTransaction {
  constructor(key: string, request: SipRequest, reliable: boolean, config: SipTimerConfig, sender: TransactionSender, events: ServerTransactionEvents) {
    super(key, request, reliable, config, sender, events, 'proceeding');
  }

  respond(response: SipResponse): void {
    if (this.state === 'accepted' && response.status >= 200 && response.status < 300) {
      // The TU retransmits its 2xx through us while we absorb INVITE retransmissions.
      this.transmit(response);
      return;
    }
    if (this.state !== 'proceeding') return;
    this.lastResponse = response;
    this.transmit(response);
    if (response.status < 200) return;
    if (response.status < 300) {
      this.state = 'accepted';
      this.setTimer('L', 64 * this.config.t1, () => this.terminate());
      return;
    }
    this.state = 'completed';
    if (!this.reliable) this.scheduleTimerG(this.config.t1);
    this.setTimer('H', 64 * this.config.t1, () => {
      this.terminate();
      this.events.onAckTimeout?.();
    });
  }

  private scheduleTimerG(interval: number): void {
    this.setTimer('G', interval, () => {
      if (this.state !== 'completed' || !this.lastResponse) return;
      this.transmit(this.lastResponse);
      this.scheduleTimerG(Math.min(interval * 2, this.config.t2));
    });
  }

  receiveRequest(request: SipRequest): void {
    if (request.method === 'ACK') {
      if (this.state === 'completed') {
        this.state = 'confirmed';
        this.clearTimer('G');
        this.clearTimer('H');
        this.linger(this.reliable ? 0 : this.config.t4);
      } else if (this.state === 'accepted') {
        this.events.onAck?.(request);
      }
      return;
    }
    // Retransmitted INVITE: repeat the last provisional or non-2xx final; 2xx is the TU's job.
    if ((this.state === 'proceeding' || this.state === 'completed') && this.lastResponse) this.transmit(this.lastResponse);
  }
}

export class NonInviteServerTransaction extends ServerTransaction {
  constructor(key: string, request: SipRequest, reliable: boolean, config: SipTimerConfig, sender: TransactionSender, events: ServerTransactionEvents) {
    super(key, request, reliable, config, sender, events, 'trying');
  }

  respond(response: SipResponse): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    this.lastResponse = response;
    this.transmit(response);
    if (response.status < 200) {
      this.state = 'proceeding';
      return;
    }
    this.state = 'completed';
    this.linger(this.reliable ? 0 : 64 * this.config.t1);
  }

  receiveRequest(_request: SipRequest): void {
    if ((this.state === 'proceeding' || this.state === 'completed') && this.lastResponse) this.transmit(this.lastResponse);
  }
}

/** Branch of the top Via, or undefined. */
export function topBranch(message: SipMessage): string | undefined {
  const via = message.headers.get('Via');
  if (via === undefined) return undefined;
  try {
    return parseVia(via).params.get('branch') ?? undefined;
  } catch {
    return undefined;
  }
}

/** Client-side key (RFC 3261 §17.1.3): branch plus CSeq method. */
export function clientTransactionKey(message: SipMessage): string {
  return `${topBranch(message) ?? ''}|${getCSeq(message).method}`;
}

/**
 * Server-side key (RFC 3261 §17.2.3): branch, sent-by and method, with ACK folded into INVITE.
 * Requests without the magic cookie (RFC 2543 peers) fall back to dialog identifiers.
 */
export function serverTransactionKey(request: SipRequest): string {
  const method = request.method === 'ACK' ? 'INVITE' : request.method;
  const top = request.headers.get('Via') ?? '';
  const via = parseVia(top);
  const branch = via.params.get('branch') ?? '';
  const sentBy = `${via.host}:${via.port ?? ''}`;
  if (branch.startsWith(BRANCH_COOKIE)) return `${branch}|${sentBy}|${method}`;
  const fromTag = /;\s*tag=([^;\s]+)/i.exec(request.headers.get('From') ?? '')?.[1] ?? '';
  return `legacy|${request.headers.get('Call-ID') ?? ''}|${fromTag}|${getCSeq(request).seq}|${sentBy}|${method}`;
}

/** Tracks live transactions and routes incoming messages to them. */
export class TransactionTable {
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, ServerTransaction>();

  addClient(tx: ClientTransaction): void {
    this.clients.set(tx.key, tx);
    tx.onTerminated(() => {
      if (this.clients.get(tx.key) === tx) this.clients.delete(tx.key);
    });
  }

  addServer(tx: ServerTransaction): void {
    this.servers.set(tx.key, tx);
    tx.onTerminated(() => {
      if (this.servers.get(tx.key) === tx) this.servers.delete(tx.key);
    });
  }

  findClient(response: SipResponse): ClientTransaction | undefined {
    return this.clients.get(clientTransactionKey(response));
  }

  findServer(request: SipRequest): ServerTransaction | undefined {
    return this.servers.get(serverTransactionKey(request));
  }

  /** The INVITE transaction a CANCEL refers to (RFC 3261 §9.2: same key apart from the method). */
  findInviteForCancel(cancel: SipRequest): ServerTransaction | undefined {
    const key = serverTransactionKey(cancel);
    return this.servers.get(key.replace(/\|CANCEL$/, '|INVITE'));
  }

  get size(): number {
    return this.clients.size + this.servers.size;
  }

  terminateAll(): void {
    for (const tx of [...this.clients.values(), ...this.servers.values()]) tx.terminate();
    this.clients.clear();
    this.servers.clear();
  }
}
