/** Inbound calls (we are the UAS): ringing, answer or reject, CANCEL, and the end-of-call paths. */
import { extractSdp, SipCall } from './call.js';
import type { SipCallHost } from './call.js';
import { randomToken, SipDialog } from './dialog.js';
import { buildResponse } from './message.js';
import type { SipRequest } from './message.js';
import type { ServerTransaction } from './transaction.js';
import type { SipPeer } from './transport.js';
import { parseSipUri } from './uri.js';
import type { NameAddr } from './uri.js';

/** Who is calling, for the agent's screen pop (T04) and CDRs. */
export interface SipCallerId {
  /** The user part of the identity URI (a phone number for carrier calls), without parameters. */
  number: string;
  displayName?: string;
  uri: string;
  /** The caller asked for privacy (Privacy: id/user, or an anonymous From). */
  withheld: boolean;
  source: 'p-asserted-identity' | 'from';
}

function userOf(uri: string): string {
  try {
    return parseSipUri(uri).user?.split(';')[0] ?? '';
  } catch {
    return '';
  }
}

/** A call we received. The B2BUA answers or rejects it. */
export class SipInboundCall extends SipCall {
  readonly direction = 'inbound' as const;
  /** The digest user, when the stack authenticated this INVITE (registrar.authenticateCalls). */
  authenticatedUser: string | undefined;
  private finalSent = false;

  constructor(
    host: SipCallHost,
    /** The initial INVITE. */
    readonly request: SipRequest,
    private readonly tx: ServerTransaction,
    /** Where the INVITE came from. */
    readonly source: SipPeer,
  ) {
    super(host, request.headers.get('Call-ID') ?? '', source.transport);
    this.remoteSdp = extractSdp(request);
    this.dialog = SipDialog.fromRequest(request, randomToken(6), source.transport, source.connectionId);
    this.dialog.flow = source;
    host.bindDialog(this, this.dialog);
  }

  get remoteParty(): NameAddr {
    return SipCall.party(this.request.headers.get('From'));
  }

  get localParty(): NameAddr {
    return SipCall.party(this.request.headers.get('To'));
  }

  /**
   * The caller's identity: P-Asserted-Identity (RFC 3325, set by trusted carriers and proxies)
   * before From, which the caller controls.
   */
  get callerId(): SipCallerId {
    const privacy = (this.request.headers.get('Privacy') ?? '').toLowerCase();
    const asserted = this.request.headers.getAll('P-Asserted-Identity').map((v) => SipCall.party(v));
    const pai = asserted.find((a) => /^(sips?|tel):/i.test(a.uri));
    const party = pai ?? this.remoteParty;
    const from = this.remoteParty;
    const anonymous = /anonymous/i.test(from.uri) || /anonymous/i.test(from.displayName ?? '');
    const id: SipCallerId = {
      number: userOf(party.uri),
      uri: party.uri,
      withheld: /\b(id|user|header)\b/.test(privacy) || (!pai && anonymous),
      source: pai ? 'p-asserted-identity' : 'from',
    };
    const name = party.displayName ?? from.displayName;
    if (name !== undefined) id.displayName = name;
    return id;
  }

  /** The dialled number/user (Request-URI user part). */
  get calledUri(): string {
    return this.request.uri;
  }

  /** 180 Ringing. */
  ringing(): void {
    this.provisional(180);
  }

  /** 183 Session Progress, optionally with early media SDP. */
  progress(sdp?: string): void {
    this.provisional(183, sdp);
  }

  private provisional(status: number, sdp?: string): void {
    if (this.finalSent || this.state === 'terminated') return;
    this.state = 'early';
    if (sdp !== undefined) this.localSdp = sdp;
    this.host.respond(this.tx, this.withContact(buildResponse(this.request, status, { toTag: this.dialog?.localTag, body: sdp }), sdp));
  }

  /** 200 OK with our SDP (an answer, or an offer if the INVITE had none). */
  answer(sdp: string): void {
    if (this.finalSent || this.state === 'terminated') return;
    this.finalSent = true;
    this.localSdp = sdp;
    this.state = 'answering';
    this.answeredAt = Date.now();
    if (this.dialog) this.dialog.state = 'confirmed';
    const response = this.withContact(buildResponse(this.request, 200, { toTag: this.dialog?.localTag, body: sdp }), sdp);
    this.answerSessionRefresh(this.request, response);
    this.sendInvite2xx(this.tx, response);
  }

  /**
   * Final non-2xx response, e.g. 486 Busy Here, 480, 603; `headers` carry a 3xx Contact, a 503
   * Retry-After or a Reason.
   */
  reject(status = 486, reason?: string, headers: Array<[string, string]> = []): void {
    if (this.finalSent || this.state === 'terminated') return;
    const code = status >= 300 && status < 700 ? status : 500;
    this.finalSent = true;
    const response = buildResponse(this.request, code, { toTag: this.dialog?.localTag, ...(reason ? { reason } : {}) });
    for (const [name, value] of headers) response.headers.append(name, value);
    this.host.respond(this.tx, response);
    this.terminate({ reason: 'rejected', status: code });
  }

  hangup(status = 480): Promise<void> {
    if (!this.finalSent && this.state !== 'terminated') {
      this.reject(status);
      return Promise.resolve();
    }
    return this.bye();
  }

  /** Key of the INVITE server transaction, for matching a CANCEL to this call. */
  get inviteKey(): string {
    return this.tx.key;
  }

  /** CANCEL matched our INVITE (the stack already answered the CANCEL with 200). */
  handleCancel(): void {
    if (this.finalSent || this.state === 'terminated') return;
    this.finalSent = true;
    this.host.respond(this.tx, buildResponse(this.request, 487, { toTag: this.dialog?.localTag }));
    this.emit('cancel');
    this.terminate({ reason: 'cancelled', status: 487 });
  }

  protected override onBye(request: SipRequest, tx: ServerTransaction): void {
    // A BYE in an early dialog also ends the pending INVITE (RFC 3261 §15.1.2).
    if (!this.finalSent) {
      this.finalSent = true;
      this.host.respond(this.tx, buildResponse(this.request, 487, { toTag: this.dialog?.localTag }));
    }
    super.onBye(request, tx);
  }

  /** Reaper/shutdown path: answer an unanswered INVITE so the caller is not left hanging. */
  expire(reason: 'timeout' | 'stale' | 'shutdown'): void {
    if (!this.finalSent) {
      this.finalSent = true;
      const status = reason === 'shutdown' ? 503 : 408;
      this.host.respond(this.tx, buildResponse(this.request, status, { toTag: this.dialog?.localTag }));
      this.terminate({ reason, status });
      return;
    }
    if (this.state === 'confirmed' || this.state === 'answering') void this.sendRequest('BYE').catch(() => undefined);
    this.terminate({ reason });
  }
}
