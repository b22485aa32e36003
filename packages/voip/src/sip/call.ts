/**
 * Calls: an INVITE dialog seen from our UA, inbound (UAS) or outbound (UAC). Owns the offer/answer
 * state, 2xx retransmission, re-INVITE, BYE, INFO, REFER/NOTIFY and the end-of-call cleanup.
 */
import { TypedEmitter } from './emitter.js';
import { randomToken } from './dialog.js';
import type { SipDialog } from './dialog.js';
import type { SipLogger } from './logger.js';
import { buildResponse, getCSeq, reasonPhrase } from './message.js';
import type { SipRequest, SipResponse } from './message.js';
import { parseSdp, sdpDirection, answerDirection, withSdpDirection, serializeSdp } from './sdp.js';
import type { SdpDirection, SessionDescription } from './sdp.js';
import type { ClientTransactionEvents, ServerTransaction, SipTimerConfig } from './transaction.js';
import type { SipTransportName } from './transport.js';
import { hasOption, negotiateAsUas, parseSessionExpires, SessionTimer, weRefresh } from './session-timer.js';
import type { SessionExpires, SessionTimerConfig } from './session-timer.js';
import { parseNameAddr } from './uri.js';
import type { NameAddr } from './uri.js';

export type SipCallDirection = 'inbound' | 'outbound';

/**
 * calling: INVITE sent or received, no provisional with a tag yet;
 * early: 1xx with To tag seen/sent; answering: our 2xx sent, waiting for ACK;
 * confirmed: dialog established; terminated: over, resources released.
 */
export type SipCallState = 'calling' | 'early' | 'answering' | 'confirmed' | 'terminated';

export type SipCallEndReason =
  | 'remote-bye'
  | 'local-bye'
  | 'cancelled'
  | 'rejected'
  | 'timeout'
  | 'ack-timeout'
  | 'transport-error'
  | 'stale'
  | 'session-expired'
  | 'shutdown';

export interface SipCallEnd {
  reason: SipCallEndReason;
  /** The final status involved, when there was one (e.g. 486 for a rejected call). */
  status?: number;
}

export interface SipInfo {
  contentType: string;
  body: string;
  /** Decoded application/dtmf-relay or application/dtmf body. */
  dtmf?: { signal: string; durationMs?: number };
}

export interface SipReferStatus {
  status: number;
  reason: string;
  /** True when the subscription ended (the transfer finished, one way or the other). */
  final: boolean;
}

/** Progress of our outbound call, as reported to 'progress' listeners. */
export interface SipProgress {
  status: number;
  reason: string;
  sdp?: string;
}

export interface SipCallEvents {
  /** Inbound: ACK for our 2xx arrived (carries the answer when the INVITE had no offer). */
  ack: (sdp: string | undefined) => void;
  /** Inbound: the caller cancelled before we answered (487 already sent). */
  cancel: () => void;
  /** Outbound: a provisional response arrived. */
  progress: (progress: SipProgress) => void;
  /** Outbound: the callee answered (ACK already sent). */
  answered: (sdp: string | undefined) => void;
  /** The peer hung up (200 already sent). */
  bye: () => void;
  /** The peer sent a re-INVITE; call accept()/reject() (no listener: auto-answer mirroring hold). */
  reinvite: (request: SipReinvite) => void;
  /** The peer asked us to transfer (202 and NOTIFY 100 already sent); report with notify(). */
  refer: (request: SipReferRequest) => void;
  /** NOTIFY progress of a REFER we sent. */
  referStatus: (status: SipReferStatus) => void;
  info: (info: SipInfo) => void;
  terminated: (end: SipCallEnd) => void;
}

/** What a call needs from the stack; keeps calls testable and the stack the only socket owner. */
export interface SipCallHost {
  readonly logger: SipLogger;
  readonly timers: SipTimerConfig;
  /** RFC 4028 settings, or undefined when session timers are off. */
  readonly sessionTimers: SessionTimerConfig | undefined;
  /** Our Contact value for a transport. */
  contact(transport: SipTransportName): string;
  /** Adds Allow/Supported/Server, then sends through the server transaction. */
  respond(tx: ServerTransaction, response: SipResponse): void;
  /** Sends a request inside a client transaction to the dialog's next hop. */
  sendInDialog(dialog: SipDialog, request: SipRequest, events: ClientTransactionEvents): void;
  /** Sends an ACK for a 2xx (its own transaction-less message, RFC 3261 §13.2.2.4). */
  sendAck(dialog: SipDialog, ack: SipRequest): void;
  bindDialog(call: SipCall, dialog: SipDialog): void;
  callEnded(call: SipCall): void;
}

export class SipCallError extends Error {
  override readonly name = 'SipCallError';
  constructor(
    readonly status: number,
    message: string,
    /** The final response, when there was one: a 3xx's Contact, Retry-After, Reason, Warning. */
    readonly response?: SipResponse,
  ) {
    super(message);
  }
}

/** One re-INVITE received from the peer. */
export class SipReinvite {
  private settled = false;

  constructor(
    /** The offered SDP, or undefined when the peer wants us to offer (answer comes in the ACK). */
    readonly offer: string | undefined,
    private readonly settle: (status: number, sdp?: string) => void,
  ) {}

  /** Offered direction, e.g. 'sendonly' when the peer puts us on hold. */
  get direction(): SdpDirection | undefined {
    return this.offer === undefined ? undefined : safeDirection(this.offer);
  }

  accept(answerSdp: string): void {
    if (this.settled) return;
    this.settled = true;
    this.settle(200, answerSdp);
  }

  reject(status = 488): void {
    if (this.settled) return;
    this.settled = true;
    this.settle(status);
  }
}

/** One REFER received from the peer; the B2BUA performs the transfer and reports through notify(). */
export class SipReferRequest {
  constructor(
    /** The Refer-To URI (headers such as ?Replaces= stay in it). */
    readonly target: string,
    readonly referredBy: string | undefined,
    private readonly sendNotify: (status: number, reason: string) => void,
  ) {}

  notify(status: number, reason = reasonPhrase(status)): void {
    this.sendNotify(status, reason);
  }
}

function safeDirection(sdp: string): SdpDirection | undefined {
  try {
    return sdpDirection(parseSdp(sdp));
  } catch {
    return undefined;
  }
}

/**
 * The SDP of a message: the body when it is application/sdp, or the application/sdp part of a
 * multipart body (SIP-I trunks send SDP next to an ISUP part).
 */
export function extractSdp(message: SipRequest | SipResponse): string | undefined {
  if (message.body.length === 0) return undefined;
  const type = message.headers.get('Content-Type') ?? '';
  if (/^application\/sdp/i.test(type)) return message.body.toString('utf8');
  const boundary = /^multipart\/[a-z]+\s*;.*?boundary\s*=\s*"?([^";]+)"?/is.exec(type)?.[1];
  if (!boundary) return undefined;
  for (const part of message.body.toString('utf8').split(`--${boundary}`)) {
    const split = /\r?\n\r?\n/.exec(part);
    if (!split) continue;
    const head = part.slice(0, split.index);
    if (/^\s*content-type\s*:\s*application\/sdp/im.test(head)) return part.slice(split.index + split[0].length).replace(/\r?\n$/, '');
  }
  return undefined;
}

const bodyText = extractSdp;

/** Parses "Signal=5\r\nDuration=160" (application/dtmf-relay) or a bare digit (application/dtmf). */
export function parseDtmfInfo(contentType: string, body: string): SipInfo['dtmf'] {
  if (/^application\/dtmf-relay/i.test(contentType)) {
    const signal = /^\s*signal\s*=\s*(\S+)/im.exec(body)?.[1];
    const duration = /^\s*duration\s*=\s*(\d+)/im.exec(body)?.[1];
    if (!signal) return undefined;
    return duration !== undefined ? { signal, durationMs: Number(duration) } : { signal };
  }
  if (/^application\/dtmf\b/i.test(contentType)) {
    const signal = body.trim();
    return signal ? { signal } : undefined;
  }
  return undefined;
}

export abstract class SipCall extends TypedEmitter<SipCallEvents> {
  readonly id = randomToken(6);
  abstract readonly direction: SipCallDirection;
  state: SipCallState = 'calling';
  dialog: SipDialog | undefined;
  /** SDP we last sent (offer or answer). */
  localSdp: string | undefined;
  /** SDP the peer last sent. */
  remoteSdp: string | undefined;
  readonly createdAt = Date.now();
  answeredAt: number | undefined;
  endedAt: number | undefined;
  end: SipCallEnd | undefined;
  /** Last signalling activity, for the stale-dialog reaper. */
  lastActivity = Date.now();

  private ackWait?: { seq: number; timer?: NodeJS.Timeout; deadline?: NodeJS.Timeout };
  private lastAck?: { seq: number; ack: SipRequest };
  private reinviteOut = false;
  private reinviteIn = false;
  private byeAfterAck = false;
  /** Negotiated session interval (seconds) and whether we are the refresher. */
  private session?: { seconds: number; weRefresh: boolean };
  private sessionTimer?: SessionTimer;

  protected constructor(
    protected readonly host: SipCallHost,
    readonly callId: string,
    readonly transport: SipTransportName,
  ) {
    super(host.logger);
  }

  /** The far party's address (From for inbound, To for outbound). */
  abstract get remoteParty(): NameAddr;
  /** Our own address (To for inbound, From for outbound). */
  abstract get localParty(): NameAddr;

  get remoteSession(): SessionDescription | undefined {
    if (this.remoteSdp === undefined) return undefined;
    try {
      return parseSdp(this.remoteSdp);
    } catch {
      return undefined;
    }
  }

  /**
   * Ends the call whatever its state: BYE when established, CANCEL for our unanswered call, a
   * final error (480 by default) for an inbound call not yet answered. The B2BUA's one verb.
   */
  abstract hangup(status?: number): Promise<void>;

  /** Hangs up a confirmed call (or one waiting for ACK); resolves when the BYE transaction ends. */
  bye(): Promise<void> {
    const dialog = this.dialog;
    if (!dialog || (this.state !== 'confirmed' && this.state !== 'answering')) return Promise.resolve();
    if (this.state === 'answering') {
      // RFC 3261 §15: no BYE before the ACK (or its timeout); handleAck sends it.
      this.byeAfterAck = true;
      return new Promise((resolve) => this.once('terminated', () => resolve()));
    }
    const done = this.sendRequest('BYE').then(
      () => undefined,
      () => undefined,
    );
    this.terminate({ reason: 'local-bye' });
    return done;
  }

  /**
   * Sends a re-INVITE with a new offer; resolves with the answer SDP. After a 491 (both sides
   * re-INVITEd at once) it retries once after the RFC 3261 §14.1 random wait.
   */
  async reinvite(sdp: string, retryGlare = true): Promise<string | undefined> {
    try {
      return await this.reinviteOnce(sdp);
    } catch (err) {
      if (!retryGlare || !(err instanceof SipCallError) || err.status !== 491) throw err;
      await new Promise((resolve) => setTimeout(resolve, this.glareWaitMs()));
      return this.reinviteOnce(sdp);
    }
  }

  /** §14.1: the Call-ID owner waits 2.1-4 s, the other side 0-2 s (scaled with T1 = 500 ms). */
  private glareWaitMs(): number {
    const t1 = this.host.timers.t1;
    return this.direction === 'outbound' ? t1 * (4.2 + Math.random() * 3.8) : t1 * Math.random() * 4;
  }

  private async reinviteOnce(sdp: string): Promise<string | undefined> {
    if (this.state !== 'confirmed' || !this.dialog) throw new SipCallError(481, 'call is not established');
    if (this.reinviteOut || this.reinviteIn) throw new SipCallError(491, 'another re-INVITE is in progress');
    this.reinviteOut = true;
    try {
      const response = await this.sendRequest('INVITE', { body: sdp, contentType: 'application/sdp', contact: true, headers: this.sessionHeaders() });
      this.applySessionAnswer(response, true);
      this.localSdp = sdp;
      this.remoteSdp = bodyText(response) ?? this.remoteSdp;
      this.dialog.refreshTarget(response.headers.get('Contact'));
      return bodyText(response);
    } catch (err) {
      // RFC 3261 §14.1: 481/408 to a re-INVITE means the dialog is gone.
      if (err instanceof SipCallError && (err.status === 481 || err.status === 408)) void this.bye();
      throw err;
    } finally {
      this.reinviteOut = false;
    }
  }

  /** Puts the peer on hold (a=sendonly, RFC 3264 §8.4). */
  hold(): Promise<string | undefined> {
    return this.reinvite(this.localWithDirection('sendonly'));
  }

  unhold(): Promise<string | undefined> {
    return this.reinvite(this.localWithDirection('sendrecv'));
  }

  private localWithDirection(direction: SdpDirection): string {
    if (this.localSdp === undefined) throw new SipCallError(488, 'no local SDP to modify');
    return serializeSdp(withSdpDirection(parseSdp(this.localSdp), direction));
  }

  /** Blind transfer (RFC 3515): asks the peer to call `target`; progress arrives as 'referStatus'. */
  async refer(target: string): Promise<void> {
    const referredBy = this.dialog?.localAddress;
    const headers: Array<[string, string]> = [['Refer-To', target.startsWith('<') ? target : `<${target}>`]];
    if (referredBy) headers.push(['Referred-By', `<${parseNameAddr(referredBy).uri}>`]);
    await this.sendRequest('REFER', { headers, contact: true });
  }

  async info(body: string, contentType: string): Promise<void> {
    await this.sendRequest('INFO', { body, contentType });
  }

  /** Sends a DTMF digit as SIP INFO (application/dtmf-relay), the fallback to RFC 4733. */
  sendDtmfInfo(digit: string, durationMs = 160): Promise<void> {
    return this.info(`Signal=${digit}\r\nDuration=${durationMs}\r\n`, 'application/dtmf-relay');
  }

  /** Sends an in-dialog request; resolves with the 2xx, rejects with SipCallError otherwise. */
  protected sendRequest(
    method: string,
    options: { body?: string; contentType?: string; headers?: Array<[string, string]>; contact?: boolean } = {},
  ): Promise<SipResponse> {
    const dialog = this.dialog;
    if (!dialog) return Promise.reject(new SipCallError(481, 'no dialog'));
    const headers = [...(options.headers ?? [])];
    if (options.contact) headers.push(['Contact', this.host.contact(this.transport)]);
    const request = dialog.createRequest(method, { ...options, headers });
    return new Promise((resolve, reject) => {
      this.host.sendInDialog(dialog, request, {
        onResponse: (response) => this.onInDialogResponse(request, response, resolve, reject),
        onFailure: (why) => reject(new SipCallError(why === 'timeout' ? 408 : 503, `${method} ${why}`)),
      });
    });
  }

  private onInDialogResponse(request: SipRequest, response: SipResponse, resolve: (r: SipResponse) => void, reject: (e: Error) => void): void {
    this.touch();
    if (response.status < 200) return;
    if (request.method === 'INVITE' && response.status < 300) this.ackInDialog(getCSeq(request).seq);
    if (response.status < 300) resolve(response);
    else reject(new SipCallError(response.status, `${request.method} failed: ${response.status} ${response.reason}`, response));
  }

  /** Sends (or re-sends, for a retransmitted 2xx) the ACK for INVITE sequence `seq`. */
  protected ackInDialog(seq: number, body?: string): void {
    const dialog = this.dialog;
    if (!dialog) return;
    if (this.lastAck?.seq !== seq) {
      const options = body !== undefined ? { seq, body, contentType: 'application/sdp' } : { seq };
      this.lastAck = { seq, ack: dialog.createRequest('ACK', options) };
    }
    this.host.sendAck(dialog, this.lastAck.ack);
  }

  /** Sends a 2xx to an INVITE and retransmits it over UDP until the ACK (RFC 3261 §13.3.1.4). */
  protected sendInvite2xx(tx: ServerTransaction, response: SipResponse): void {
    const seq = getCSeq(tx.request).seq;
    this.host.respond(tx, response);
    this.clearAckWait();
    const wait: NonNullable<typeof this.ackWait> = { seq };
    this.ackWait = wait;
    if (this.transport === 'udp') {
      const retransmit = (interval: number): void => {
        wait.timer = setTimeout(() => {
          this.host.respond(tx, response);
          retransmit(Math.min(interval * 2, this.host.timers.t2));
        }, interval);
      };
      retransmit(this.host.timers.t1);
    }
    wait.deadline = setTimeout(() => this.onAckTimeout(), 64 * this.host.timers.t1);
  }

  private onAckTimeout(): void {
    this.clearAckWait();
    this.host.logger.warn({ callId: this.callId }, 'no ACK for 2xx; ending the call');
    // RFC 3261 §13.3.1.4: the session is established but must be torn down with BYE.
    if (this.dialog) void this.sendRequest('BYE').catch(() => undefined);
    this.terminate({ reason: 'ack-timeout' });
  }

  private clearAckWait(): void {
    if (this.ackWait?.timer) clearTimeout(this.ackWait.timer);
    if (this.ackWait?.deadline) clearTimeout(this.ackWait.deadline);
    this.ackWait = undefined;
  }

  /** ACK for one of our 2xx responses (the initial INVITE or a re-INVITE). */
  handleAck(ack: SipRequest): void {
    this.touch();
    const seq = getCSeq(ack).seq;
    if (!this.ackWait || this.ackWait.seq !== seq) return; // a retransmitted ACK
    this.clearAckWait();
    const sdp = bodyText(ack);
    if (sdp !== undefined) this.remoteSdp = sdp;
    if (this.state === 'answering') this.state = 'confirmed';
    this.emit('ack', sdp);
    if (this.byeAfterAck) void this.bye();
  }

  /** Requests inside our dialog, except ACK and CANCEL which the stack routes separately. */
  handleRequest(request: SipRequest, tx: ServerTransaction): void {
    this.touch();
    if (this.dialog && !this.dialog.acceptRemoteSeq(request)) {
      this.host.respond(tx, buildResponse(request, 500, { reason: 'CSeq Out Of Order' }));
      return;
    }
    switch (request.method) {
      case 'BYE':
        return this.onBye(request, tx);
      case 'INVITE':
        return this.onReinvite(request, tx);
      case 'INFO':
        return this.onInfo(request, tx);
      case 'REFER':
        return this.onRefer(request, tx);
      case 'NOTIFY':
        return this.onNotify(request, tx);
      case 'OPTIONS':
        return this.host.respond(tx, buildResponse(request, 200));
      default:
        return this.host.respond(tx, buildResponse(request, 405));
    }
  }

  protected onBye(request: SipRequest, tx: ServerTransaction): void {
    this.host.respond(tx, buildResponse(request, 200));
    this.emit('bye');
    this.terminate({ reason: 'remote-bye' });
  }

  private onReinvite(request: SipRequest, tx: ServerTransaction): void {
    if (this.state !== 'confirmed' || this.reinviteOut || this.reinviteIn) {
      // Glare (491) or an INVITE overlapping one not yet finished (500 + Retry-After), §14.2.
      const glare = this.state === 'confirmed' && this.reinviteOut;
      const response = buildResponse(request, glare ? 491 : 500);
      if (!glare) response.headers.append('Retry-After', String(Math.floor(Math.random() * 10)));
      this.host.respond(tx, response);
      return;
    }
    this.reinviteIn = true;
    const offer = bodyText(request);
    let guard: NodeJS.Timeout | undefined;
    const settle = (status: number, sdp?: string): void => {
      clearTimeout(guard);
      this.reinviteIn = false;
      if (this.state === 'terminated') return;
      if (status >= 300) {
        this.host.respond(tx, buildResponse(request, status));
        return;
      }
      this.dialog?.refreshTarget(request.headers.get('Contact'));
      if (offer !== undefined) this.remoteSdp = offer;
      if (sdp !== undefined) this.localSdp = sdp;
      const response = this.withContact(buildResponse(request, 200, { body: sdp }), sdp);
      this.answerSessionRefresh(request, response);
      this.sendInvite2xx(tx, response);
    };
    const reinvite = new SipReinvite(offer, settle);
    if (this.listenerCount('reinvite') === 0) return this.autoAnswerReinvite(reinvite);
    // A listener that never decides must not hold the transaction (and our peer) forever.
    guard = setTimeout(() => reinvite.reject(500), 32 * this.host.timers.t1);
    this.once('terminated', () => clearTimeout(guard));
    this.emit('reinvite', reinvite);
  }

  /** Without a listener, answer with our last SDP, mirroring the offered direction (hold). */
  private autoAnswerReinvite(reinvite: SipReinvite): void {
    if (this.localSdp === undefined) return reinvite.reject(488);
    try {
      const local = parseSdp(this.localSdp);
      const direction = reinvite.offer === undefined ? 'sendrecv' : answerDirection(reinvite.direction ?? 'sendrecv');
      reinvite.accept(serializeSdp(withSdpDirection(local, direction)));
    } catch {
      reinvite.reject(488);
    }
  }

  protected withContact(response: SipResponse, sdp: string | undefined): SipResponse {
    response.headers.append('Contact', this.host.contact(this.transport));
    if (sdp !== undefined) response.headers.append('Content-Type', 'application/sdp');
    return response;
  }

  private onInfo(request: SipRequest, tx: ServerTransaction): void {
    const contentType = request.headers.get('Content-Type') ?? '';
    const body = request.body.toString('utf8');
    this.host.respond(tx, buildResponse(request, 200));
    const info: SipInfo = { contentType, body };
    const dtmf = parseDtmfInfo(contentType, body);
    if (dtmf) info.dtmf = dtmf;
    this.emit('info', info);
  }

  private onRefer(request: SipRequest, tx: ServerTransaction): void {
    const referTo = request.headers.get('Refer-To');
    if (referTo === undefined || request.headers.getAll('Refer-To').length !== 1) {
      this.host.respond(tx, buildResponse(request, 400, { reason: 'Bad Refer-To' }));
      return;
    }
    if (this.listenerCount('refer') === 0) {
      this.host.respond(tx, buildResponse(request, 603));
      return;
    }
    let target: string;
    try {
      target = parseNameAddr(referTo).uri;
    } catch {
      this.host.respond(tx, buildResponse(request, 400, { reason: 'Bad Refer-To' }));
      return;
    }
    this.host.respond(tx, this.withContact(buildResponse(request, 202), undefined));
    const notify = (status: number, reason: string): void => this.sendReferNotify(status, reason);
    notify(100, 'Trying');
    this.emit('refer', new SipReferRequest(target, request.headers.get('Referred-By'), notify));
  }

  private sendReferNotify(status: number, reason: string): void {
    if (this.state === 'terminated' || !this.dialog) return;
    const state = status >= 200 ? 'terminated;reason=noresource' : 'active;expires=60';
    void this.sendRequest('NOTIFY', {
      body: `SIP/2.0 ${status} ${reason}\r\n`,
      contentType: 'message/sipfrag;version=2.0',
      headers: [['Event', 'refer'], ['Subscription-State', state]],
      contact: true,
    }).catch((err: unknown) => this.host.logger.debug({ callId: this.callId, err: String(err) }, 'refer NOTIFY failed'));
  }

  private onNotify(request: SipRequest, tx: ServerTransaction): void {
    const event = (request.headers.get('Event') ?? '').split(';')[0]?.trim().toLowerCase();
    if (event !== 'refer') {
      this.host.respond(tx, buildResponse(request, 489, { reason: 'Bad Event' }));
      return;
    }
    this.host.respond(tx, buildResponse(request, 200));
    const match = /^SIP\/2\.0\s+(\d{3})\s*(.*)$/m.exec(request.body.toString('utf8'));
    if (!match) return;
    const final = /^\s*terminated/i.test(request.headers.get('Subscription-State') ?? '');
    this.emit('referStatus', { status: Number(match[1]), reason: (match[2] ?? '').trim(), final });
  }

  /** Session-Expires/Supported for a re-INVITE we send while a session timer runs. */
  private sessionHeaders(): Array<[string, string]> {
    if (!this.session) return [];
    // We are the UAC of our re-INVITE: "uac" means us.
    const refresher = this.session.weRefresh ? 'uac' : 'uas';
    return [['Session-Expires', `${this.session.seconds};refresher=${refresher}`], ['Supported', 'timer']];
  }

  /** After a 2xx to an INVITE: a Session-Expires (re)starts the timer, its absence ends it (§7.4). */
  protected applySessionAnswer(response: SipResponse, weAreUac: boolean): void {
    const se = parseSessionExpires(response);
    if (!se || !this.host.sessionTimers) {
      this.stopSession();
      return;
    }
    // A 2xx must name the refresher (§9); when one does not, refreshing ourselves is the safe side.
    this.startSession(se, se.refresher === undefined || weRefresh(se, weAreUac));
  }

  /**
   * We answer an INVITE (initial or refresh) that may carry Session-Expires: negotiate as UAS and
   * put the result in the 2xx; the timer starts now, counted from this refresh.
   */
  protected answerSessionRefresh(request: SipRequest, response: SipResponse): void {
    const config = this.host.sessionTimers;
    const negotiated = config ? negotiateAsUas(request, config) : undefined;
    if (!config || !negotiated) {
      this.stopSession();
      return;
    }
    // A too-small refresh interval mid-call is raised rather than refused: the call matters more.
    const se: SessionExpires = negotiated === 'too-small' ? { seconds: config.minSe, refresher: 'uac' } : negotiated;
    response.headers.append('Session-Expires', `${se.seconds};refresher=${se.refresher ?? 'uas'}`);
    if (hasOption(request, 'timer')) response.headers.append('Require', 'timer');
    this.startSession(se, se.refresher === 'uas');
  }

  private startSession(se: SessionExpires, refresh: boolean): void {
    this.session = { seconds: se.seconds, weRefresh: refresh };
    this.sessionTimer ??= new SessionTimer(
      () => void this.refreshSession(),
      () => this.onSessionExpired(),
    );
    this.sessionTimer.reset(se.seconds, refresh);
  }

  private stopSession(): void {
    this.session = undefined;
    this.sessionTimer?.stop();
  }

  /** Our turn to refresh: re-offer the same SDP (RFC 4028 §10); failures end the call via reinvite(). */
  private async refreshSession(): Promise<void> {
    if (this.state !== 'confirmed' || this.localSdp === undefined) return;
    try {
      await this.reinvite(this.localSdp);
    } catch (err) {
      this.host.logger.warn({ callId: this.callId, err: String(err) }, 'session refresh failed');
      // Keep trying at the next half interval unless the call is gone.
      if (this.session && this.state === 'confirmed') this.sessionTimer?.reset(this.session.seconds, true);
    }
  }

  private onSessionExpired(): void {
    this.host.logger.warn({ callId: this.callId }, 'session timer expired without refresh; ending the call');
    if (this.dialog) void this.sendRequest('BYE').catch(() => undefined);
    this.terminate({ reason: 'session-expired' });
  }

  protected touch(): void {
    this.lastActivity = Date.now();
  }

  /** Ends the call once: stops timers, unregisters the dialog, emits 'terminated'. */
  terminate(end: SipCallEnd): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.end = end;
    this.endedAt = Date.now();
    if (this.dialog) this.dialog.state = 'terminated';
    this.clearAckWait();
    this.sessionTimer?.stop();
    this.onTerminate();
    this.host.callEnded(this);
    this.emit('terminated', end);
    this.removeAllListeners();
  }

  protected onTerminate(): void {}

  /** Parses a name-addr header value, tolerating garbage from the peer. */
  protected static party(value: string | undefined): NameAddr {
    try {
      return parseNameAddr(value ?? '');
    } catch {
      return { uri: value ?? '', params: new Map() };
    }
  }
}
