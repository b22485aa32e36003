/** RTP fixed header (RFC 3550 §5.1): parse and serialise. */

export const RTP_VERSION = 2;
export const RTP_HEADER_BYTES = 12;

export interface RtpHeaderExtension {
  readonly profile: number;
  readonly data: Buffer;
}

export interface RtpPacket {
  readonly payloadType: number;
  readonly sequence: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly marker: boolean;
  readonly csrcs: readonly number[];
  readonly extension?: RtpHeaderExtension;
  readonly payload: Buffer;
}

/** Second byte of an RTCP packet is its type 200..204 (SR, RR, SDES, BYE, APP). */
export function looksLikeRtcp(buf: Buffer): boolean {
  const type = buf[1];
  return buf.length >= 8 && type !== undefined && type >= 192 && type <= 223;
}

/**
 * Parses one RTP packet. Returns undefined for anything malformed rather than
 * throwing, because a media port receives whatever the network sends.
 */
export function parseRtp(buf: Buffer): RtpPacket | undefined {
  if (buf.length < RTP_HEADER_BYTES) return undefined;
  const b0 = buf.readUInt8(0);
  const b1 = buf.readUInt8(1);
  if (b0 >> 6 !== RTP_VERSION) return undefined;
  const csrcCount = b0 & 0x0f;
  let offset = RTP_HEADER_BYTES + csrcCount * 4;
  if (offset > buf.length) return undefined;
  const csrcs: number[] = [];
  for (let i = 0; i < csrcCount; i++) csrcs.push(buf.readUInt32BE(RTP_HEADER_BYTES + i * 4));
  let extension: RtpHeaderExtension | undefined;
  if (b0 & 0x10) {
    if (offset + 4 > buf.length) return undefined;
    const words = buf.readUInt16BE(offset + 2);
    const end = offset + 4 + words * 4;
    if (end > buf.length) return undefined;
    extension = { profile: buf.readUInt16BE(offset), data: buf.subarray(offset + 4, end) };
    offset = end;
  }
  let end = buf.length;
  if (b0 & 0x20) {
    const padding = buf.readUInt8(buf.length - 1);
    if (padding === 0 || offset + padding > buf.length) return undefined;
    end -= padding;
  }
  return {
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequence: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    csrcs,
    ...(extension ? { extension } : {}),
    payload: buf.subarray(offset, end),
  };
}

/** Serialises a packet (no padding: we never need to align for encryption here). */
export function serializeRtp(p: RtpPacket): Buffer {
  const csrcs = p.csrcs.slice(0, 15);
  const extBytes = p.extension ? 4 + Math.ceil(p.extension.data.length / 4) * 4 : 0;
  const headerBytes = RTP_HEADER_BYTES + csrcs.length * 4 + extBytes;
  const buf = Buffer.alloc(headerBytes + p.payload.length);
  buf.writeUInt8((RTP_VERSION << 6) | (p.extension ? 0x10 : 0) | csrcs.length, 0);
  buf.writeUInt8((p.marker ? 0x80 : 0) | (p.payloadType & 0x7f), 1);
  buf.writeUInt16BE(p.sequence & 0xffff, 2);
  buf.writeUInt32BE(p.timestamp >>> 0, 4);
  buf.writeUInt32BE(p.ssrc >>> 0, 8);
  csrcs.forEach((c, i) => buf.writeUInt32BE(c >>> 0, RTP_HEADER_BYTES + i * 4));
  let offset = RTP_HEADER_BYTES + csrcs.length * 4;
  if (p.extension) {
    buf.writeUInt16BE(p.extension.profile & 0xffff, offset);
    buf.writeUInt16BE((extBytes - 4) / 4, offset + 2);
    p.extension.data.copy(buf, offset + 4);
    offset += extBytes;
  }
  p.payload.copy(buf, offset);
  return buf;
}

/** Signed distance a→b on the 16-bit sequence circle (positive when b is newer). */
export function seqDelta(a: number, b: number): number {
  const d = (b - a) & 0xffff;
  return d >= 0x8000 ? d - 0x10000 : d;
}

/** Signed distance a→b on the 32-bit timestamp circle. */
export function tsDelta(a: number, b: number): number {
  return ((b - a) | 0);
}
