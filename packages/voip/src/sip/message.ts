import { SipHeaders } from './headers.js';

export const SIP_VERSION = 'SIP/2.0';

interface SipMessageBase {
  headers: SipHeaders;
  body: Buffer;
}

export interface SipRequest extends SipMessageBase {
  kind: 'request';
  method: string;
  uri: string;
}

export interface SipResponse extends SipMessageBase {
  kind: 'response';
  status: number;
  reason: string;
}

export type SipMessage = SipRequest | SipResponse;

/** Parsed CSeq header. */
export interface CSeq {
  seq: number;
  method: string;
}

/** Why parsing failed; the codes let callers decide between 400 and silently dropping. */
export type SipParseErrorCode =
  | 'too-large'
  | 'incomplete'
  | 'bad-start-line'
  | 'bad-header'
  | 'missing-header'
  | 'bad-content-length'
  | 'bad-cseq'
  | 'bad-uri'
  | 'bad-via'
  | 'bad-encoding';

/** The only error the parsers throw, whatever bytes they are given. */
export class SipParseError extends Error {
  override readonly name = 'SipParseError';
  constructor(
    readonly code: SipParseErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Default reason phrases for responses we generate. */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  415: 'Unsupported Media Type',
  420: 'Bad Extension',
  422: 'Session Interval Too Small',
  423: 'Interval Too Brief',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  513: 'Message Too Large',
  600: 'Busy Everywhere',
  603: 'Decline',
};

export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? (status < 200 ? 'Progress' : status < 300 ? 'OK' : 'Error');
}

export function parseCSeq(value: string | undefined): CSeq | undefined {
  const match = /^\s*(\d{1,10})\s+([A-Za-z0-9.!%*_+`'~-]+)\s*$/.exec(value ?? '');
  if (!match) return undefined;
  const seq = Number(match[1]);
  // RFC 3261 §8.1.1.5: the sequence number must fit in 32 bits (and we keep it below 2**31).
  if (!Number.isSafeInteger(seq) || seq >= 2 ** 31) return undefined;
  return { seq, method: (match[2] ?? '').toUpperCase() };
}

export function getCSeq(message: SipMessage): CSeq {
  const cseq = parseCSeq(message.headers.get('CSeq'));
  if (!cseq) throw new SipParseError('bad-cseq', 'missing or malformed CSeq');
  return cseq;
}

/** Serialises a message; Content-Length is always recomputed from the body. */
export function serializeSipMessage(message: SipMessage): Buffer {
  const startLine =
    message.kind === 'request'
      ? `${message.method} ${message.uri} ${SIP_VERSION}`
      : `${SIP_VERSION} ${message.status} ${message.reason}`;
  const lines = [startLine];
  for (const [name, value] of message.headers) {
    if (name === 'Content-Length') continue;
    lines.push(`${name}: ${value}`);
  }
  lines.push(`Content-Length: ${message.body.length}`, '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'utf8'), message.body]);
}

export function createRequest(method: string, uri: string, headers: SipHeaders, body?: Buffer | string): SipRequest {
  return { kind: 'request', method, uri, headers, body: toBody(body) };
}

export function createResponseMessage(status: number, reason: string, headers: SipHeaders, body?: Buffer | string): SipResponse {
  return { kind: 'response', status, reason, headers, body: toBody(body) };
}

function toBody(body: Buffer | string | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/**
 * Builds a response to a request per RFC 3261 §8.2.6: Via, From, To, Call-ID and CSeq are copied;
 * a To tag is added when the caller gives one and the request had none.
 */
export function buildResponse(request: SipRequest, status: number, options: { reason?: string; toTag?: string; body?: Buffer | string } = {}): SipResponse {
  const headers = new SipHeaders();
  for (const via of request.headers.getAll('Via')) headers.append('Via', via);
  if (status > 100) for (const rr of request.headers.getAll('Record-Route')) headers.append('Record-Route', rr);
  headers.append('From', request.headers.get('From') ?? '');
  let to = request.headers.get('To') ?? '';
  if (options.toTag && status > 100 && !/;\s*tag=/i.test(to)) to = `${to};tag=${options.toTag}`;
  headers.append('To', to);
  headers.append('Call-ID', request.headers.get('Call-ID') ?? '');
  headers.append('CSeq', request.headers.get('CSeq') ?? '');
  return createResponseMessage(status, options.reason ?? reasonPhrase(status), headers, options.body);
}

/** Short one-line description for logs. */
export function describeMessage(message: SipMessage): string {
  const cseq = message.headers.get('CSeq') ?? '?';
  return message.kind === 'request'
    ? `${message.method} ${message.uri} (${cseq})`
    : `${message.status} ${message.reason} (${cseq})`;
}
