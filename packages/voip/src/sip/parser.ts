import { canonicalHeaderName, SipHeaders } from './headers.js';
import { parseCSeq, SipParseError, SIP_VERSION } from './message.js';
import type { SipMessage } from './message.js';
import { parseVia } from './uri.js';

export interface SipParseOptions {
  /** Largest message accepted, head plus body (default 64 KiB, the UDP datagram ceiling). */
  maxMessageSize?: number;
  /** Most header lines accepted, to bound work on hostile input (default 256). */
  maxHeaders?: number;
}

const DEFAULT_MAX_SIZE = 65_535;
const DEFAULT_MAX_HEADERS = 256;
const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;
const MANDATORY = ['Via', 'From', 'To', 'Call-ID', 'CSeq'] as const;

/** Finds the blank line ending the head; tolerates bare LF line ends from sloppy peers. */
function findHeadEnd(data: Buffer): { headEnd: number; bodyStart: number } | undefined {
  const crlf = data.indexOf('\r\n\r\n');
  const lf = data.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { headEnd: crlf, bodyStart: crlf + 4 };
  if (lf >= 0) return { headEnd: lf, bodyStart: lf + 2 };
  return undefined;
}

/** Splits the head into logical lines, joining folded continuation lines (RFC 3261 §7.3.1). */
function unfoldLines(head: string): string[] {
  const lines: string[] = [];
  for (const raw of head.split(/\r?\n/)) {
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && lines.length > 0) {
      lines[lines.length - 1] = `${lines[lines.length - 1] ?? ''} ${raw.trim()}`;
    } else {
      lines.push(raw);
    }
  }
  return lines;
}

type StartLine = { kind: 'request'; method: string; uri: string } | { kind: 'response'; status: number; reason: string };

function parseStartLine(line: string): StartLine {
  if (line.startsWith('SIP/')) {
    const match = /^SIP\/2\.0 ([1-6]\d\d)(?: (.*))?$/.exec(line);
    if (!match) throw new SipParseError('bad-start-line', 'bad status line');
    return { kind: 'response', status: Number(match[1]), reason: (match[2] ?? '').trim() };
  }
  const parts = line.split(' ');
  const [method, uri, version] = parts;
  if (parts.length !== 3 || !method || !uri || version !== SIP_VERSION) {
    throw new SipParseError('bad-start-line', 'bad request line');
  }
  if (!TOKEN.test(method)) throw new SipParseError('bad-start-line', 'bad method token');
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(uri)) throw new SipParseError('bad-uri', 'bad Request-URI');
  return { kind: 'request', method, uri };
}

function parseHeaderLines(lines: string[], maxHeaders: number): SipHeaders {
  if (lines.length > maxHeaders) throw new SipParseError('too-large', 'too many header lines');
  const headers = new SipHeaders();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SipParseError('bad-header', 'header line without a name');
    const name = line.slice(0, colon).trim();
    if (!TOKEN.test(name)) throw new SipParseError('bad-header', 'bad header name');
    headers.append(name, line.slice(colon + 1));
  }
  return headers;
}

/** Reads Content-Length; returns undefined when absent. */
export function parseContentLength(headers: SipHeaders, maxSize: number): number | undefined {
  const values = headers.getAll('Content-Length');
  if (values.length === 0) return undefined;
  const distinct = new Set(values.map((v) => v.trim()));
  const value = values[0]?.trim() ?? '';
  if (distinct.size !== 1 || !/^\d{1,10}$/.test(value)) {
    throw new SipParseError('bad-content-length', 'malformed Content-Length');
  }
  const length = Number(value);
  if (length > maxSize) throw new SipParseError('too-large', 'Content-Length exceeds the size limit');
  return length;
}

function validateMandatory(headers: SipHeaders, start: StartLine): void {
  for (const name of MANDATORY) {
    if (!headers.has(name)) throw new SipParseError('missing-header', `missing ${name}`);
  }
  const cseq = parseCSeq(headers.get('CSeq'));
  if (!cseq) throw new SipParseError('bad-cseq', 'malformed CSeq');
  if (start.kind === 'request' && cseq.method !== start.method.toUpperCase()) {
    throw new SipParseError('bad-cseq', 'CSeq method differs from the request method');
  }
  for (const via of headers.getAll('Via')) parseVia(via);
}

/** Decodes the head as UTF-8, refusing invalid sequences rather than silently replacing them. */
function decodeHead(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SipParseError('bad-encoding', 'head is not valid UTF-8');
  }
}

/** Parses a head (start line + headers) into a message with an empty body. */
function parseHead(head: Buffer, maxHeaders: number): { start: StartLine; headers: SipHeaders } {
  const lines = unfoldLines(decodeHead(head));
  const first = lines.shift();
  if (first === undefined || first.trim() === '') throw new SipParseError('bad-start-line', 'empty start line');
  const start = parseStartLine(first);
  const headers = parseHeaderLines(lines, maxHeaders);
  validateMandatory(headers, start);
  return { start, headers };
}

function assemble(start: StartLine, headers: SipHeaders, body: Buffer): SipMessage {
  return start.kind === 'request'
    ? { kind: 'request', method: start.method.toUpperCase(), uri: start.uri, headers, body }
    : { kind: 'response', status: start.status, reason: start.reason, headers, body };
}

/**
 * Parses one complete message, as received in a UDP datagram. Throws only SipParseError.
 * Over a datagram a missing Content-Length means "the rest of the packet" (RFC 3261 §18.3);
 * a Content-Length longer than what arrived makes the message invalid.
 */
export function parseSipMessage(input: Buffer | string, options: SipParseOptions = {}): SipMessage {
  try {
    return parseDatagram(typeof input === 'string' ? Buffer.from(input, 'utf8') : input, options);
  } catch (err) {
    if (err instanceof SipParseError) throw err;
    // Anything else is a parser bug; still honour the contract of one typed error.
    throw new SipParseError('bad-header', `unparseable message: ${String(err)}`);
  }
}

function parseDatagram(data: Buffer, options: SipParseOptions): SipMessage {
  const maxSize = options.maxMessageSize ?? DEFAULT_MAX_SIZE;
  if (data.length > maxSize) throw new SipParseError('too-large', 'message exceeds the size limit');
  let offset = 0;
  while (offset < data.length && (data[offset] === 0x0d || data[offset] === 0x0a)) offset++;
  const trimmed = offset > 0 ? data.subarray(offset) : data;
  const bounds = findHeadEnd(trimmed);
  if (!bounds) throw new SipParseError('incomplete', 'no blank line after the headers');
  const { start, headers } = parseHead(trimmed.subarray(0, bounds.headEnd), options.maxHeaders ?? DEFAULT_MAX_HEADERS);
  const rest = trimmed.subarray(bounds.bodyStart);
  const length = parseContentLength(headers, maxSize);
  if (length !== undefined && length > rest.length) throw new SipParseError('bad-content-length', 'body shorter than Content-Length');
  const body = Buffer.from(length === undefined ? rest : rest.subarray(0, length));
  return assemble(start, headers, body);
}

/** What a stream framer yields: a message, a per-message error (framing intact), or a keep-alive. */
export type SipStreamEvent =
  | { type: 'message'; message: SipMessage }
  | { type: 'error'; error: SipParseError; raw: Buffer }
  | { type: 'keepalive'; ping: boolean };

/**
 * Splits a TCP byte stream into messages using Content-Length (RFC 3261 §18.3). A framing error
 * (oversized head, bad Content-Length) is thrown: the stream cannot be resynchronised, so the
 * caller must close the connection. Errors inside a well-framed message are yielded instead.
 */
export class SipStreamFramer {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly maxSize: number;
  private readonly maxHeaders: number;

  constructor(options: SipParseOptions = {}) {
    this.maxSize = options.maxMessageSize ?? DEFAULT_MAX_SIZE;
    this.maxHeaders = options.maxHeaders ?? DEFAULT_MAX_HEADERS;
  }

  push(chunk: Buffer): SipStreamEvent[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const events: SipStreamEvent[] = [];
    for (;;) {
      const event = this.next();
      if (!event) break;
      events.push(event);
    }
    return events;
  }

  get pendingBytes(): number {
    return this.buffer.length;
  }

  private next(): SipStreamEvent | undefined {
    const keepalive = this.takeKeepalive();
    if (keepalive) return keepalive;
    if (this.buffer.length === 0) return undefined;
    const bounds = findHeadEnd(this.buffer);
    if (!bounds) {
      if (this.buffer.length > this.maxSize) throw new SipParseError('too-large', 'head exceeds the size limit');
      return undefined;
    }
    const length = this.frameLength(this.buffer.subarray(0, bounds.headEnd));
    if (bounds.bodyStart + length > this.maxSize) throw new SipParseError('too-large', 'message exceeds the size limit');
    if (this.buffer.length < bounds.bodyStart + length) return undefined;
    const head = Buffer.from(this.buffer.subarray(0, bounds.headEnd));
    const body = Buffer.from(this.buffer.subarray(bounds.bodyStart, bounds.bodyStart + length));
    this.buffer = this.buffer.subarray(bounds.bodyStart + length);
    try {
      const { start, headers } = parseHead(head, this.maxHeaders);
      return { type: 'message', message: assemble(start, headers, body) };
    } catch (err) {
      const error = err instanceof SipParseError ? err : new SipParseError('bad-header', String(err));
      return { type: 'error', error, raw: head };
    }
  }

  /** RFC 5626 §3.5.1: CRLFCRLF is a ping (answer with CRLF), a lone CRLF is a pong. */
  private takeKeepalive(): SipStreamEvent | undefined {
    let n = 0;
    while (n < this.buffer.length && (this.buffer[n] === 0x0d || this.buffer[n] === 0x0a)) n++;
    if (n === 0) return undefined;
    const leading = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    // A ping split across segments is seen as two pongs; the peer just retries its ping.
    return { type: 'keepalive', ping: leading.includes('\r\n\r\n') || leading.includes('\n\n') };
  }

  /** Content-Length of a framed head; over a stream it is mandatory, but absent is read as 0. */
  private frameLength(head: Buffer): number {
    const text = head.toString('latin1');
    const values: string[] = [];
    for (const line of text.split(/\r?\n/)) {
      const match = /^(content-length|l)\s*:(.*)$/i.exec(line);
      if (match) values.push((match[2] ?? '').trim());
    }
    if (values.length === 0) return 0;
    const first = values[0] ?? '';
    if (!/^\d{1,10}$/.test(first) || values.some((v) => v !== first)) {
      throw new SipParseError('bad-content-length', 'malformed Content-Length on a stream');
    }
    return Number(first);
  }
}

/**
 * For a request too broken to parse, recovers just what a 400 reply needs (RFC 3261 §8.2.6):
 * method, Via, From, To, Call-ID, CSeq. Returns undefined when even that is missing, for ACKs
 * (never answered), and for responses. Never throws.
 */
export function salvageRequestHead(data: Buffer): { method: string; headers: SipHeaders } | undefined {
  try {
    const text = data.subarray(0, Math.min(data.length, DEFAULT_MAX_SIZE)).toString('latin1');
    const end = text.search(/\r?\n\r?\n/);
    const lines = unfoldLines(end >= 0 ? text.slice(0, end) : text);
    const method = /^([A-Za-z]+) \S+ SIP\/2\.0\s*$/.exec(lines.shift() ?? '')?.[1]?.toUpperCase();
    if (!method || method === 'ACK') return undefined;
    const headers = new SipHeaders();
    for (const line of lines.slice(0, DEFAULT_MAX_HEADERS)) {
      const match = /^([A-Za-z0-9.!%*_+`'~-]+)\s*:(.*)$/.exec(line);
      if (!match) continue;
      const name = canonicalHeaderName(match[1] ?? '');
      if (['Via', 'From', 'To', 'Call-ID', 'CSeq'].includes(name)) headers.append(name, match[2] ?? '');
    }
    const vias = headers.getAll('Via');
    if (vias.length === 0 || !headers.has('Call-ID') || !headers.has('CSeq')) return undefined;
    parseVia(vias[0] ?? '');
    return { method, headers };
  } catch {
    return undefined;
  }
}
