/**
 * Dialog state (RFC 3261 §12): identifiers, sequence numbers, route set and remote target, and
 * construction of in-dialog requests.
 */
import { randomBytes } from 'node:crypto';
import { SipHeaders } from './headers.js';
import { createRequest, getCSeq } from './message.js';
import type { SipRequest, SipResponse } from './message.js';
import type { SipPeer, SipTransportName } from './transport.js';
import { parseNameAddr, parseSipUri, tagOf } from './uri.js';

export type DialogState = 'early' | 'confirmed' | 'terminated';

export function randomToken(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}

export function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}|${localTag}|${remoteTag}`;
}

export interface DialogInit {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Our From (UAC) or To (UAS) value, with our tag. */
  localAddress: string;
  /** The peer's address value, with its tag. */
  remoteAddress: string;
  localSeq: number;
  remoteSeq?: number;
  remoteTarget: string;
  routeSet: string[];
  transport: SipTransportName;
  connectionId?: number;
  state: DialogState;
}

export class SipDialog {
  readonly callId: string;
  readonly localTag: string;
  remoteTag: string;
  readonly localAddress: string;
  remoteAddress: string;
  localSeq: number;
  remoteSeq: number | undefined;
  remoteTarget: string;
  routeSet: string[];
  readonly transport: SipTransportName;
  /** The TCP connection the dialog was set up on, reused for in-dialog requests (NAT-friendly). */
  connectionId: number | undefined;
  /** Where the peer really is (source of its INVITE, or where we sent ours); see SipStack NAT rules. */
  flow: SipPeer | undefined;
  state: DialogState;

  constructor(init: DialogInit) {
    this.callId = init.callId;
    this.localTag = init.localTag;
    this.remoteTag = init.remoteTag;
    this.localAddress = init.localAddress;
    this.remoteAddress = init.remoteAddress;
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.remoteTarget = init.remoteTarget;
    this.routeSet = init.routeSet;
    this.transport = init.transport;
    this.connectionId = init.connectionId;
    this.flow = undefined;
    this.state = init.state;
  }

  get key(): string {
    return dialogKey(this.callId, this.localTag, this.remoteTag);
  }

  /** UAS side (RFC 3261 §12.1.1): built from the request and our tag. */
  static fromRequest(request: SipRequest, localTag: string, transport: SipTransportName, connectionId: number | undefined): SipDialog {
    const to = request.headers.get('To') ?? '';
    const init: DialogInit = {
      callId: request.headers.get('Call-ID') ?? '',
      localTag,
      remoteTag: tagOf(request.headers.get('From')) ?? '',
      localAddress: /;\s*tag=/i.test(to) ? to : `${to};tag=${localTag}`,
      remoteAddress: request.headers.get('From') ?? '',
      localSeq: 0,
      remoteSeq: getCSeq(request).seq,
      remoteTarget: contactUri(request.headers.get('Contact')) ?? request.uri,
      routeSet: request.headers.getAll('Record-Route'),
      transport,
      state: 'early',
    };
    if (connectionId !== undefined) init.connectionId = connectionId;
    return new SipDialog(init);
  }

  /** UAC side (RFC 3261 §12.1.2): built from our request and the peer's response. */
  static fromResponse(request: SipRequest, response: SipResponse, transport: SipTransportName, connectionId: number | undefined): SipDialog {
    const init: DialogInit = {
      callId: request.headers.get('Call-ID') ?? '',
      localTag: tagOf(request.headers.get('From')) ?? '',
      remoteTag: tagOf(response.headers.get('To')) ?? '',
      localAddress: request.headers.get('From') ?? '',
      remoteAddress: response.headers.get('To') ?? '',
      localSeq: getCSeq(request).seq,
      remoteTarget: contactUri(response.headers.get('Contact')) ?? request.uri,
      routeSet: [...response.headers.getAll('Record-Route')].reverse(),
      transport,
      state: response.status < 200 ? 'early' : 'confirmed',
    };
    if (connectionId !== undefined) init.connectionId = connectionId;
    return new SipDialog(init);
  }

  /**
   * Accepts the CSeq of an incoming in-dialog request; false means it is out of order and must be
   * answered 500 (RFC 3261 §12.2.2).
   */
  acceptRemoteSeq(request: SipRequest): boolean {
    const seq = getCSeq(request).seq;
    if (this.remoteSeq !== undefined && seq <= this.remoteSeq && request.method !== 'ACK' && request.method !== 'CANCEL') return false;
    if (request.method !== 'ACK' && request.method !== 'CANCEL') this.remoteSeq = seq;
    return true;
  }

  /** Target refresh (re-INVITE, or the 2xx to one): a new Contact replaces the remote target. */
  refreshTarget(contact: string | undefined): void {
    const uri = contactUri(contact);
    if (uri) this.remoteTarget = uri;
  }

  /** The URI the next hop is taken from: the first route if any, else the remote target. */
  nextHopUri(): string {
    const first = this.routeSet[0];
    return first !== undefined ? parseNameAddr(first).uri : this.remoteTarget;
  }

  /** Builds an in-dialog request (RFC 3261 §12.2.1.1); ACK reuses the INVITE's sequence number. */
  createRequest(method: string, options: { seq?: number; body?: Buffer | string; contentType?: string; headers?: Array<[string, string]> } = {}): SipRequest {
    const seq = options.seq ?? ++this.localSeq;
    const headers = new SipHeaders();
    const { uri, routes } = this.requestUriAndRoutes();
    for (const route of routes) headers.append('Route', route);
    headers.append('Max-Forwards', '70');
    headers.append('From', this.localAddress);
    headers.append('To', this.remoteAddress);
    headers.append('Call-ID', this.callId);
    headers.append('CSeq', `${seq} ${method}`);
    for (const [name, value] of options.headers ?? []) headers.append(name, value);
    if (options.body !== undefined && options.contentType) headers.append('Content-Type', options.contentType);
    return createRequest(method, uri, headers, options.body);
  }

  /** Loose routing keeps the target in the Request-URI; a strict router wants to be in it itself. */
  private requestUriAndRoutes(): { uri: string; routes: string[] } {
    const first = this.routeSet[0];
    if (first === undefined) return { uri: this.remoteTarget, routes: [] };
    const firstUri = parseNameAddr(first).uri;
    let loose = true;
    try {
      loose = parseSipUri(firstUri).params.has('lr');
    } catch {
      loose = true;
    }
    if (loose) return { uri: this.remoteTarget, routes: this.routeSet };
    return { uri: firstUri, routes: [...this.routeSet.slice(1), `<${this.remoteTarget}>`] };
  }
}

/** The URI of the first Contact value, if any. */
export function contactUri(contact: string | undefined): string | undefined {
  if (contact === undefined || contact.trim() === '' || contact.trim() === '*') return undefined;
  try {
    return parseNameAddr(contact).uri;
  } catch {
    return undefined;
  }
}
