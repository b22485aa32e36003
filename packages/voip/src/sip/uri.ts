import { splitOutsideQuotes } from './headers.js';
import { SipParseError } from './message.js';

/** Header/URI parameters; a parameter without "=value" maps to null. */
export type SipParams = Map<string, string | null>;

export interface SipUri {
  scheme: 'sip' | 'sips' | 'tel';
  user?: string;
  password?: string;
  host: string;
  port?: number;
  params: SipParams;
  /** Raw "?a=b&c=d" part without the question mark, if any. */
  headers?: string;
}

export interface NameAddr {
  displayName?: string;
  uri: string;
  params: SipParams;
}

export interface Via {
  protocol: string;
  transport: string;
  host: string;
  port?: number;
  params: SipParams;
}

/** Parses ";a=b;c" style parameters (the leading ';' is optional). */
export function parseParams(text: string): SipParams {
  const params: SipParams = new Map();
  for (const part of splitOutsideQuotes(text, ';')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    if (eq < 0) params.set(trimmed.toLowerCase(), null);
    else params.set(trimmed.slice(0, eq).trim().toLowerCase(), trimmed.slice(eq + 1).trim());
  }
  return params;
}

export function formatParams(params: SipParams): string {
  let out = '';
  for (const [k, v] of params) out += v === null ? `;${k}` : `;${k}=${v}`;
  return out;
}

/** Splits "host", "host:port", "[v6]" or "[v6]:port". */
export function parseHostPort(text: string): { host: string; port?: number } | undefined {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(text.trim());
  if (!match) return undefined;
  const host = match[1] ?? '';
  if (match[2] === undefined) return { host };
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host, port };
}

export function parseSipUri(text: string): SipUri {
  const match = /^(sips?|tel):(.*)$/i.exec(text.trim());
  if (!match) throw new SipParseError('bad-uri', `unsupported URI: ${text.slice(0, 80)}`);
  const scheme = (match[1] ?? '').toLowerCase() as SipUri['scheme'];
  let rest = match[2] ?? '';
  if (scheme === 'tel') {
    const [number = '', ...params] = rest.split(';');
    return { scheme, user: number, host: '', params: parseParams(params.join(';')) };
  }
  let headers: string | undefined;
  const q = rest.indexOf('?');
  if (q >= 0) {
    headers = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const at = rest.lastIndexOf('@');
  let userinfo: string | undefined;
  if (at >= 0) {
    userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  const semi = rest.indexOf(';');
  const hostport = parseHostPort(semi >= 0 ? rest.slice(0, semi) : rest);
  if (!hostport) throw new SipParseError('bad-uri', `bad host in URI: ${text.slice(0, 80)}`);
  const uri: SipUri = { scheme, host: hostport.host, params: parseParams(semi >= 0 ? rest.slice(semi) : '') };
  if (hostport.port !== undefined) uri.port = hostport.port;
  if (headers !== undefined) uri.headers = headers;
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    uri.user = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
    if (colon >= 0) uri.password = userinfo.slice(colon + 1);
  }
  return uri;
}

export function formatSipUri(uri: SipUri): string {
  if (uri.scheme === 'tel') return `tel:${uri.user ?? ''}${formatParams(uri.params)}`;
  let out = `${uri.scheme}:`;
  if (uri.user !== undefined) out += uri.password !== undefined ? `${uri.user}:${uri.password}@` : `${uri.user}@`;
  out += uri.host;
  if (uri.port !== undefined) out += `:${uri.port}`;
  out += formatParams(uri.params);
  if (uri.headers !== undefined) out += `?${uri.headers}`;
  return out;
}

/** Parses From/To/Contact/Route/Refer-To values: `"Name" <uri>;p=v`, `<uri>;p`, or a bare `uri;p`. */
export function parseNameAddr(text: string): NameAddr {
  const value = text.trim();
  const lt = findUnquoted(value, '<');
  if (lt >= 0) {
    const gt = value.indexOf('>', lt);
    if (gt < 0) throw new SipParseError('bad-uri', 'unterminated <');
    const display = value.slice(0, lt).trim();
    const result: NameAddr = { uri: value.slice(lt + 1, gt).trim(), params: parseParams(value.slice(gt + 1)) };
    if (display) result.displayName = unquote(display);
    return result;
  }
  // Without angle brackets, parameters after the URI belong to the header (RFC 3261 §20.10).
  const semi = value.indexOf(';');
  const uri = (semi >= 0 ? value.slice(0, semi) : value).trim();
  if (!uri) throw new SipParseError('bad-uri', 'empty address');
  return { uri, params: parseParams(semi >= 0 ? value.slice(semi) : '') };
}

export function formatNameAddr(addr: NameAddr): string {
  const display = addr.displayName !== undefined ? `"${addr.displayName.replace(/(["\\])/g, '\\$1')}" ` : '';
  return `${display}<${addr.uri}>${formatParams(addr.params)}`;
}

function findUnquoted(text: string, ch: string): number {
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && inQuotes) i++;
    else if (c === '"') inQuotes = !inQuotes;
    else if (c === ch && !inQuotes) return i;
  }
  return -1;
}

export function unquote(text: string): string {
  const t = text.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  return t;
}

/** The tag parameter of a From/To value, or undefined. */
export function tagOf(headerValue: string | undefined): string | undefined {
  if (headerValue === undefined) return undefined;
  try {
    return parseNameAddr(headerValue).params.get('tag') ?? undefined;
  } catch {
    return undefined;
  }
}

export function parseVia(text: string): Via {
  const match = /^\s*([A-Za-z0-9.!%*_+`'~-]+)\s*\/\s*([0-9.]+)\s*\/\s*([A-Za-z0-9.!%*_+`'~-]+)\s+([^;\s]+)\s*(;.*)?$/s.exec(text);
  if (!match) throw new SipParseError('bad-via', `bad Via: ${text.slice(0, 80)}`);
  const hostport = parseHostPort(match[4] ?? '');
  if (!hostport) throw new SipParseError('bad-via', `bad Via sent-by: ${text.slice(0, 80)}`);
  const via: Via = {
    protocol: `${match[1] ?? ''}/${match[2] ?? ''}`.toUpperCase(),
    transport: (match[3] ?? '').toUpperCase(),
    host: hostport.host,
    params: parseParams(match[5] ?? ''),
  };
  if (hostport.port !== undefined) via.port = hostport.port;
  return via;
}

export function formatVia(via: Via): string {
  const port = via.port !== undefined ? `:${via.port}` : '';
  return `${via.protocol}/${via.transport} ${via.host}${port}${formatParams(via.params)}`;
}

/** Strips the brackets of an IPv6 reference so it can be given to the socket API. */
export function socketHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
