/** Outbound calls (we are the UAC): provisional/final handling, digest retry, CANCEL, forks. */
import { extractSdp, SipCall, SipCallError } from './call.js';
import type { SipCallEndReason, SipCallHost, SipProgress } from './call.js';
import { SipDialog } from './dialog.js';
import { createRequest, getCSeq, reasonPhrase } from './message.js';
import { minSeOf, parseSessionExpires } from './session-timer.js';
import type { SipRequest, SipResponse } from './message.js';
import type { ClientTransactionEvents } from './transaction.js';
import type { SipPeer, SipTransportName } from './transport.js';
import type { NameAddr } from './uri.js';

const bodyText = extractSdp;

export interface SipOutboundCallInit {
  invite: SipRequest;
  transport: SipTransportName;
  /** Sends (or re-sends with credentials) the INVITE; the stack adds Via and the transaction. */
  send: (invite: SipRequest, events: ClientTransactionEvents) => void;
  /** Sends a CANCEL for the INVITE (same Via branch, RFC 3261 §9.1). */
  cancel: (invite: SipRequest) => void;
  /** Returns a re-signed INVITE for a 401/407 challenge, or undefined when we have no credentials. */
  authenticate: (invite: SipRequest, challenge: SipResponse) => SipRequest | undefined;
  /** An explicit destination (a registered phone's flow) that in-dialog requests should follow. */
  flow?: SipPeer;
}

/** A call we placed. */
export class SipOutboundCall extends SipCall {
  readonly direction = 'outbound' as const;
  private invite: SipRequest;
  private provisionalSeen = false;
  private cancelRequested = false;
  private authTried = false;
  private intervalRetried = false;
  private cancelGuard?: NodeJS.Timeout;
  private readonly forks = new Map<string, { dialog: SipDialog; ack: SipRequest }>();
  private readonly answer: Promise<string | undefined>;
  private settleAnswer!: { resolve: (sdp: string | undefined) => void; reject: (err: SipCallError) => void };

  constructor(
    host: SipCallHost,
    private readonly init: SipOutboundCallInit,
  ) {
    super(host, init.invite.headers.get('Call-ID') ?? '', init.transport);
    this.invite = init.invite;
    this.localSdp = bodyText(init.invite);
    this.answer = new Promise((resolve, reject) => {
      this.settleAnswer = { resolve, reject };
    });
    // Callers that only listen to events must not see an unhandled rejection.
    this.answer.catch(() => undefined);
  }

  get request(): SipRequest {
    return this.invite;
  }

  get remoteParty(): NameAddr {
    return SipCall.party(this.dialog?.remoteAddress ?? this.invite.headers.get('To'));
  }

  get localParty(): NameAddr {
    return SipCall.party(this.invite.headers.get('From'));
  }

  /** Resolves with the answer SDP on 2xx; rejects with SipCallError on failure or cancel. */
  waitAnswer(): Promise<string | undefined> {
    return this.answer;
  }

  start(): void {
    this.init.send(this.invite, this.events());
  }

  hangup(): Promise<void> {
    if (this.state === 'calling' || this.state === 'early') {
      const ended = new Promise<void>((resolve) => this.once('terminated', () => resolve()));
      this.cancel();
      return ended;
    }
    return this.bye();
  }

  /** Cancels a call not yet answered (deferred until a provisional arrives, RFC 3261 §9.1). */
  cancel(): void {
    if (this.state !== 'calling' && this.state !== 'early') return;
    if (this.cancelRequested) return;
    this.cancelRequested = true;
    if (this.provisionalSeen) this.sendCancel();
  }

  /** RFC 3261 §9.1: without a final response 64*T1 after the CANCEL, the call is given up. */
  private sendCancel(): void {
    this.init.cancel(this.invite);
    this.cancelGuard = setTimeout(() => this.fail(487, 'cancelled', 'no final response to CANCEL'), 64 * this.host.timers.t1);
  }

  private events(): ClientTransactionEvents {
    return {
      onResponse: (response) => this.onResponse(response),
      onFailure: (why) => this.fail(why === 'timeout' ? 408 : 503, why === 'timeout' ? 'timeout' : 'transport-error'),
    };
  }

  private onResponse(response: SipResponse): void {
    this.touch();
    if (response.status < 200) this.onProvisional(response);
    else if (response.status < 300) this.onSuccess(response);
    else this.onFailureResponse(response);
  }

  private onProvisional(response: SipResponse): void {
    if (this.state === 'terminated') return;
    const first = !this.provisionalSeen;
    this.provisionalSeen = true;
    if (first && this.cancelRequested) this.sendCancel();
    if (response.status > 100 && /;\s*tag=/i.test(response.headers.get('To') ?? '')) {
      this.state = 'early';
      if (!this.dialog) this.dialog = SipDialog.fromResponse(this.invite, response, this.transport, undefined);
    }
    const sdp = bodyText(response);
    if (sdp !== undefined) this.remoteSdp = sdp;
    const progress: SipProgress = { status: response.status, reason: response.reason };
    if (sdp !== undefined) progress.sdp = sdp;
    if (response.status > 100) this.emit('progress', progress);
  }

  private onSuccess(response: SipResponse): void {
    const seq = getCSeq(this.invite).seq;
    if (this.state === 'confirmed' || this.state === 'terminated') {
      // Retransmitted 2xx: our ACK was lost; send it again (the dialog may already be ending).
      if (this.dialog && tagOfTo(response) === this.dialog.remoteTag) this.ackInDialog(seq);
      else this.endFork(response, seq);
      return;
    }
    const dialog = SipDialog.fromResponse(this.invite, response, this.transport, this.init.flow?.connectionId);
    dialog.flow = this.init.flow;
    this.dialog = dialog;
    this.host.bindDialog(this, dialog);
    this.state = 'confirmed';
    this.answeredAt = Date.now();
    const sdp = bodyText(response);
    if (sdp !== undefined) this.remoteSdp = sdp;
    this.ackInDialog(seq);
    this.applySessionAnswer(response, true);
    if (this.cancelRequested) {
      // The 2xx crossed our CANCEL: the call exists, so it must be ended with BYE.
      void this.bye();
      this.settleAnswer.reject(new SipCallError(487, 'cancelled'));
      return;
    }
    this.settleAnswer.resolve(sdp);
    this.emit('answered', sdp);
  }

  /**
   * A 2xx from a second fork of our INVITE (RFC 3261 §13.2.2.4): it must be ACKed, and as we keep
   * only the first answer, ended with BYE. Retransmissions of it are only re-ACKed.
   */
  private endFork(response: SipResponse, seq: number): void {
    const tag = tagOfTo(response) ?? '';
    const known = this.forks.get(tag);
    if (known) return this.host.sendAck(known.dialog, known.ack);
    const dialog = SipDialog.fromResponse(this.invite, response, this.transport, this.init.flow?.connectionId);
    const ack = dialog.createRequest('ACK', { seq });
    this.forks.set(tag, { dialog, ack });
    this.host.sendAck(dialog, ack);
    const noop = { onResponse: () => undefined, onFailure: () => undefined };
    this.host.sendInDialog(dialog, dialog.createRequest('BYE'), noop);
  }

  private onFailureResponse(response: SipResponse): void {
    if (this.state === 'terminated' || this.state === 'confirmed') return;
    if (response.status === 422 && !this.intervalRetried && !this.cancelRequested) {
      this.intervalRetried = true;
      return this.resend(this.withLongerInterval(response));
    }
    if ((response.status === 401 || response.status === 407) && !this.authTried && !this.cancelRequested) {
      this.authTried = true;
      const retry = this.init.authenticate(this.invite, response);
      if (retry) return this.resend(retry);
    }
    const reason = this.cancelRequested && response.status === 487 ? 'cancelled' : 'rejected';
    this.fail(response.status, reason, response.reason, response);
  }

  private resend(invite: SipRequest): void {
    this.invite = invite;
    this.provisionalSeen = false;
    this.init.send(invite, this.events());
  }

  /** RFC 4028 §7.3: after 422, ask again with at least the peer's Min-SE (new CSeq and branch). */
  private withLongerInterval(response: SipResponse): SipRequest {
    const minSe = minSeOf(response);
    const headers = this.invite.headers.clone();
    const cseq = getCSeq(this.invite);
    headers.set('CSeq', `${cseq.seq + 1} ${cseq.method}`);
    headers.set('Session-Expires', String(Math.max(minSe, parseSessionExpires(this.invite)?.seconds ?? 0)));
    headers.set('Min-SE', String(minSe));
    headers.remove('Via');
    return createRequest('INVITE', this.invite.uri, headers, this.invite.body);
  }

  private fail(status: number, reason: SipCallEndReason, text?: string, response?: SipResponse): void {
    if (this.state === 'terminated') return;
    this.settleAnswer.reject(new SipCallError(status, text ?? reasonPhrase(status), response));
    this.terminate({ reason, status });
  }

  /** Reaper/shutdown path. */
  expire(reason: 'timeout' | 'stale' | 'shutdown'): void {
    if (this.state === 'calling' || this.state === 'early') {
      this.cancel();
      this.fail(408, reason);
      return;
    }
    if (this.state === 'confirmed') void this.sendRequest('BYE').catch(() => undefined);
    this.terminate({ reason });
  }

  protected override onTerminate(): void {
    if (this.cancelGuard) clearTimeout(this.cancelGuard);
    this.settleAnswer.reject(new SipCallError(this.end?.status ?? 487, this.end?.reason ?? 'terminated'));
  }
}

function tagOfTo(response: SipResponse): string | undefined {
  return /;\s*tag=([^;\s>]+)/i.exec(response.headers.get('To') ?? '')?.[1];
}
