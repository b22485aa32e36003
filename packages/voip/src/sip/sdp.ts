/**
 * SDP (RFC 4566) parse/serialise and the audio part of offer/answer (RFC 3264), enough for
 * G.711 + telephone-event calls and hold/unhold by direction attributes.
 */

export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface SdpConnection {
  netType: string;
  addrType: string;
  address: string;
}

export interface SdpOrigin {
  username: string;
  sessionId: string;
  sessionVersion: string;
  netType: string;
  addrType: string;
  address: string;
}

/** One a= line; `value` is undefined for property attributes such as a=sendonly. */
export interface SdpAttribute {
  name: string;
  value?: string;
}

export interface SdpMedia {
  type: string;
  port: number;
  protocol: string;
  formats: string[];
  connection?: SdpConnection;
  /** Lines other than c= and a= (i=, b=, k=) kept verbatim so they survive a round trip. */
  other: string[];
  attributes: SdpAttribute[];
}

export interface SessionDescription {
  version: number;
  origin: SdpOrigin;
  sessionName: string;
  connection?: SdpConnection;
  timing: string;
  other: string[];
  attributes: SdpAttribute[];
  media: SdpMedia[];
}

export interface SdpCodec {
  payloadType: number;
  name: string;
  clockRate: number;
  channels?: number;
  fmtp?: string;
}

export class SdpParseError extends Error {
  override readonly name = 'SdpParseError';
}

const DIRECTIONS: readonly SdpDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

function parseConnection(value: string): SdpConnection {
  const [netType, addrType, address] = value.trim().split(/\s+/);
  if (!netType || !addrType || !address) throw new SdpParseError(`bad c= line: ${value}`);
  // Multicast TTL suffixes ("/127") are not meaningful for our unicast calls.
  return { netType, addrType, address: address.split('/')[0] ?? address };
}

function parseOrigin(value: string): SdpOrigin {
  const [username, sessionId, sessionVersion, netType, addrType, address] = value.trim().split(/\s+/);
  if (!username || !sessionId || !sessionVersion || !netType || !addrType || !address) {
    throw new SdpParseError(`bad o= line: ${value}`);
  }
  return { username, sessionId, sessionVersion, netType, addrType, address };
}

function parseMediaLine(value: string): SdpMedia {
  const [type, portText, protocol, ...formats] = value.trim().split(/\s+/);
  const port = Number((portText ?? '').split('/')[0]);
  if (!type || !protocol || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SdpParseError(`bad m= line: ${value}`);
  }
  return { type, port, protocol, formats, other: [], attributes: [] };
}

function parseAttribute(value: string): SdpAttribute {
  const colon = value.indexOf(':');
  return colon < 0 ? { name: value.trim() } : { name: value.slice(0, colon).trim(), value: value.slice(colon + 1).trim() };
}

export function parseSdp(text: string | Buffer): SessionDescription {
  const lines = String(text).split(/\r?\n/).filter((l) => l.trim() !== '');
  const session: Partial<SessionDescription> & { other: string[]; attributes: SdpAttribute[]; media: SdpMedia[]; timing: string } = {
    other: [],
    attributes: [],
    media: [],
    timing: '0 0',
  };
  let current: SdpMedia | undefined;
  for (const line of lines) {
    if (line.length < 2 || line[1] !== '=') throw new SdpParseError(`bad SDP line: ${line.slice(0, 40)}`);
    const type = line[0];
    const value = line.slice(2);
    if (type === 'm') {
      current = parseMediaLine(value);
      session.media.push(current);
    } else if (type === 'a') {
      (current ?? session).attributes.push(parseAttribute(value));
    } else if (type === 'c') {
      if (current) current.connection = parseConnection(value);
      else session.connection = parseConnection(value);
    } else if (current) {
      current.other.push(line);
    } else {
      applySessionLine(session, type ?? '', value, line);
    }
  }
  if (session.version === undefined || !session.origin) throw new SdpParseError('missing v= or o= line');
  return {
    version: session.version,
    origin: session.origin,
    sessionName: session.sessionName ?? '-',
    timing: session.timing,
    other: session.other,
    attributes: session.attributes,
    media: session.media,
    ...(session.connection ? { connection: session.connection } : {}),
  };
}

function applySessionLine(session: Partial<SessionDescription> & { other: string[] }, type: string, value: string, line: string): void {
  if (type === 'v') {
    if (value.trim() !== '0') throw new SdpParseError('unsupported SDP version');
    session.version = 0;
  } else if (type === 'o') session.origin = parseOrigin(value);
  else if (type === 's') session.sessionName = value;
  else if (type === 't') session.timing = value;
  else session.other.push(line);
}

function formatConnection(c: SdpConnection): string {
  return `c=${c.netType} ${c.addrType} ${c.address}`;
}

function formatAttribute(a: SdpAttribute): string {
  return a.value === undefined ? `a=${a.name}` : `a=${a.name}:${a.value}`;
}

export function serializeSdp(sdp: SessionDescription): string {
  const o = sdp.origin;
  const lines = [`v=${sdp.version}`, `o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`, `s=${sdp.sessionName}`];
  // RFC 4566 order: v o s i u e p c b t r z k a m. Session "other" lines (i,u,e,p,b) come before c=.
  const beforeTiming = sdp.other.filter((l) => !/^[rzk]=/.test(l));
  const afterTiming = sdp.other.filter((l) => /^[rzk]=/.test(l));
  lines.push(...beforeTiming.filter((l) => !l.startsWith('b=')));
  if (sdp.connection) lines.push(formatConnection(sdp.connection));
  lines.push(...beforeTiming.filter((l) => l.startsWith('b=')));
  lines.push(`t=${sdp.timing}`, ...afterTiming, ...sdp.attributes.map(formatAttribute));
  for (const m of sdp.media) {
    lines.push(`m=${m.type} ${m.port} ${m.protocol} ${m.formats.join(' ')}`);
    lines.push(...m.other.filter((l) => l.startsWith('i=')));
    if (m.connection) lines.push(formatConnection(m.connection));
    lines.push(...m.other.filter((l) => !l.startsWith('i=')), ...m.attributes.map(formatAttribute));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Codecs of a media section, from rtpmap/fmtp plus the RFC 3551 static types without rtpmap. */
export function sdpCodecs(media: SdpMedia): SdpCodec[] {
  return media.formats.flatMap((fmt): SdpCodec[] => {
    const pt = Number(fmt);
    if (!Number.isInteger(pt)) return [];
    const rtpmap = media.attributes.find((a) => a.name === 'rtpmap' && a.value?.split(/\s+/)[0] === fmt)?.value;
    const fmtp = media.attributes.find((a) => a.name === 'fmtp' && a.value?.split(/\s+/)[0] === fmt)?.value;
    const codec = rtpmap ? parseRtpmap(pt, rtpmap) : STATIC_TYPES[pt];
    if (!codec) return [];
    const result: SdpCodec = { ...codec };
    if (fmtp !== undefined) result.fmtp = fmtp.slice(fmt.length).trim();
    return [result];
  });
}

const STATIC_TYPES: Readonly<Record<number, SdpCodec>> = {
  0: { payloadType: 0, name: 'PCMU', clockRate: 8000 },
  3: { payloadType: 3, name: 'GSM', clockRate: 8000 },
  8: { payloadType: 8, name: 'PCMA', clockRate: 8000 },
  9: { payloadType: 9, name: 'G722', clockRate: 8000 },
  18: { payloadType: 18, name: 'G729', clockRate: 8000 },
};

function parseRtpmap(pt: number, value: string): SdpCodec | undefined {
  const match = /^\d+\s+([^/\s]+)\/(\d+)(?:\/(\d+))?/.exec(value);
  if (!match) return undefined;
  const codec: SdpCodec = { payloadType: pt, name: match[1] ?? '', clockRate: Number(match[2]) };
  if (match[3] !== undefined) codec.channels = Number(match[3]);
  return codec;
}

/** Direction of a media section, falling back to the session level, then to sendrecv. */
export function sdpDirection(sdp: SessionDescription, media: SdpMedia | undefined = sdp.media[0]): SdpDirection {
  const find = (attrs: SdpAttribute[]): SdpDirection | undefined =>
    attrs.map((a) => a.name as SdpDirection).find((n) => DIRECTIONS.includes(n));
  return (media ? find(media.attributes) : undefined) ?? find(sdp.attributes) ?? 'sendrecv';
}

/** o= session versions can exceed 2^53, hence BigInt. */
function nextVersion(version: string): string {
  return String(BigInt(version.replace(/\D/g, '') || '0') + 1n);
}

/** Returns a copy with every media section (and the session level) set to one direction. */
export function withSdpDirection(sdp: SessionDescription, direction: SdpDirection): SessionDescription {
  const strip = (attrs: SdpAttribute[]): SdpAttribute[] => attrs.filter((a) => !DIRECTIONS.includes(a.name as SdpDirection));
  return {
    ...sdp,
    origin: { ...sdp.origin, sessionVersion: nextVersion(sdp.origin.sessionVersion) },
    attributes: strip(sdp.attributes),
    media: sdp.media.map((m) => ({ ...m, attributes: [...strip(m.attributes), { name: direction }] })),
  };
}

/** RFC 3264 §6.1: the answerer's direction for an offered direction. */
export function answerDirection(offered: SdpDirection, local: SdpDirection = 'sendrecv'): SdpDirection {
  const canSend = local === 'sendrecv' || local === 'sendonly';
  const canRecv = local === 'sendrecv' || local === 'recvonly';
  const send = canSend && (offered === 'sendrecv' || offered === 'recvonly');
  const recv = canRecv && (offered === 'sendrecv' || offered === 'sendonly');
  if (send && recv) return 'sendrecv';
  if (send) return 'sendonly';
  if (recv) return 'recvonly';
  return 'inactive';
}

/** True when the description puts the far end on hold (RFC 3264 §8.4, plus the old c=0.0.0.0 form). */
export function isSdpHold(sdp: SessionDescription): boolean {
  const direction = sdpDirection(sdp);
  const address = sdp.media[0]?.connection?.address ?? sdp.connection?.address;
  return direction === 'sendonly' || direction === 'inactive' || address === '0.0.0.0';
}

export interface AudioSdpOptions {
  address: string;
  port: number;
  codecs?: SdpCodec[];
  direction?: SdpDirection;
  sessionId?: string;
  sessionVersion?: number;
  username?: string;
  /** Packetisation time in ms (a=ptime), 20 by default. */
  ptime?: number;
}

export const PCMU: SdpCodec = { payloadType: 0, name: 'PCMU', clockRate: 8000 };
export const PCMA: SdpCodec = { payloadType: 8, name: 'PCMA', clockRate: 8000 };
export const TELEPHONE_EVENT: SdpCodec = { payloadType: 101, name: 'telephone-event', clockRate: 8000, fmtp: '0-16' };

/** Builds a single-audio-stream description (our offer, or the base of an answer). */
export function createAudioSdp(options: AudioSdpOptions): SessionDescription {
  const codecs = options.codecs ?? [PCMA, PCMU, TELEPHONE_EVENT];
  const addrType = options.address.includes(':') ? 'IP6' : 'IP4';
  const connection: SdpConnection = { netType: 'IN', addrType, address: options.address };
  const attributes: SdpAttribute[] = [];
  for (const c of codecs) {
    attributes.push({ name: 'rtpmap', value: `${c.payloadType} ${c.name}/${c.clockRate}${c.channels ? `/${c.channels}` : ''}` });
    if (c.fmtp !== undefined) attributes.push({ name: 'fmtp', value: `${c.payloadType} ${c.fmtp}` });
  }
  attributes.push({ name: 'ptime', value: String(options.ptime ?? 20) }, { name: options.direction ?? 'sendrecv' });
  return {
    version: 0,
    origin: {
      username: options.username ?? '-',
      sessionId: options.sessionId ?? String(Date.now()),
      sessionVersion: String(options.sessionVersion ?? 1),
      ...connection,
    },
    sessionName: '-',
    connection,
    timing: '0 0',
    other: [],
    attributes: [],
    media: [{ type: 'audio', port: options.port, protocol: 'RTP/AVP', formats: codecs.map((c) => String(c.payloadType)), other: [], attributes }],
  };
}

export interface AudioAnswer {
  sdp: SessionDescription;
  /** The codec chosen for audio (first offered codec we support). */
  codec: SdpCodec;
  /** Offered telephone-event payload, if both sides support RFC 4733. */
  telephoneEvent?: SdpCodec;
  remoteAddress: string;
  remotePort: number;
  direction: SdpDirection;
}

/**
 * Answers an audio offer (RFC 3264 §6): keeps the offerer's payload numbers, picks the first
 * offered codec we support, mirrors the direction. Returns undefined when nothing is acceptable
 * (the caller then answers 488).
 */
export function answerAudioOffer(
  offer: SessionDescription,
  local: {
    address: string;
    port: number;
    supported?: string[];
    direction?: SdpDirection;
    sessionId?: string;
    /** Our previous description in this session: its o= line is kept with the version bumped (RFC 3264 §8). */
    previous?: SessionDescription;
  },
): AudioAnswer | undefined {
  const index = offer.media.findIndex((m) => m.type === 'audio' && m.port !== 0 && /RTP\/AVP/.test(m.protocol));
  const media = offer.media[index];
  if (!media) return undefined;
  const supported = (local.supported ?? ['PCMA', 'PCMU']).map((n) => n.toUpperCase());
  const offered = sdpCodecs(media);
  const codec = offered.find((c) => supported.includes(c.name.toUpperCase()) && c.clockRate === 8000);
  if (!codec) return undefined;
  const telephoneEvent = offered.find((c) => c.name.toLowerCase() === 'telephone-event' && c.clockRate === 8000);
  const direction = answerDirection(sdpDirection(offer, media), local.direction);
  const sdp = createAudioSdp({
    address: local.address,
    port: local.port,
    codecs: telephoneEvent ? [codec, telephoneEvent] : [codec],
    direction,
    ...(local.sessionId !== undefined ? { sessionId: local.sessionId } : {}),
  });
  if (local.previous) sdp.origin = { ...local.previous.origin, sessionVersion: nextVersion(local.previous.origin.sessionVersion) };
  // RFC 3264 §6: the answer has as many m= lines as the offer; refuse the others with port 0.
  sdp.media = offer.media.map((m, i) => (i === index ? (sdp.media[0] as SdpMedia) : { ...m, port: 0, attributes: [], other: [], formats: m.formats.slice(0, 1) }));
  const address = media.connection?.address ?? offer.connection?.address ?? '';
  const answer: AudioAnswer = { sdp, codec, remoteAddress: address, remotePort: media.port, direction };
  if (telephoneEvent) answer.telephoneEvent = telephoneEvent;
  return answer;
}
