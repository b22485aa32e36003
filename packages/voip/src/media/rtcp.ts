/**
 * RTCP (RFC 3550 §6): sender and receiver reports, SDES CNAME and BYE.
 * Only what a telephony endpoint needs for quality statistics and teardown.
 */

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;

export interface ReportBlock {
  readonly ssrc: number;
  /** Fraction lost since the previous report, 0..255 (fixed point /256). */
  readonly fractionLost: number;
  readonly cumulativeLost: number;
  readonly highestSeq: number;
  readonly jitter: number;
  readonly lastSr: number;
  readonly delaySinceLastSr: number;
}

export interface SenderInfo {
  readonly ntpSec: number;
  readonly ntpFrac: number;
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
}

export type RtcpPacket =
  | { readonly type: 'sr'; readonly ssrc: number; readonly sender: SenderInfo; readonly reports: readonly ReportBlock[] }
  | { readonly type: 'rr'; readonly ssrc: number; readonly reports: readonly ReportBlock[] }
  | { readonly type: 'sdes'; readonly ssrc: number; readonly cname?: string }
  | { readonly type: 'bye'; readonly ssrcs: readonly number[]; readonly reason?: string }
  | { readonly type: 'other'; readonly packetType: number };

const NTP_EPOCH_OFFSET = 2_208_988_800;

/** Wall-clock time as the 64-bit NTP timestamp RTCP carries. */
export function ntpNow(nowMs: number = Date.now()): { sec: number; frac: number } {
  const sec = Math.floor(nowMs / 1000);
  return { sec: (sec + NTP_EPOCH_OFFSET) >>> 0, frac: Math.floor(((nowMs % 1000) / 1000) * 0x1_0000_0000) >>> 0 };
}

/** The middle 32 bits of an NTP timestamp, used as LSR (in 1/65536 s). */
export function ntpMiddle(sec: number, frac: number): number {
  return (((sec & 0xffff) << 16) | (frac >>> 16)) >>> 0;
}

function header(count: number, type: number, lengthWords: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt8(0x80 | (count & 0x1f), 0);
  b.writeUInt8(type, 1);
  b.writeUInt16BE(lengthWords, 2);
  return b;
}

function reportBlockBytes(r: ReportBlock): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32BE(r.ssrc >>> 0, 0);
  // Cumulative loss is a signed 24-bit field (duplicates can make it negative).
  const lost = Math.max(-0x800000, Math.min(0x7fffff, r.cumulativeLost)) & 0xffffff;
  b.writeUInt32BE(((r.fractionLost & 0xff) << 24 | lost) >>> 0, 4);
  b.writeUInt32BE(r.highestSeq >>> 0, 8);
  b.writeUInt32BE(Math.min(0xffffffff, Math.max(0, Math.round(r.jitter))) >>> 0, 12);
  b.writeUInt32BE(r.lastSr >>> 0, 16);
  b.writeUInt32BE(r.delaySinceLastSr >>> 0, 20);
  return b;
}

export function buildSenderReport(ssrc: number, sender: SenderInfo, reports: readonly ReportBlock[]): Buffer {
  const blocks = reports.slice(0, 31).map(reportBlockBytes);
  const body = Buffer.alloc(24);
  body.writeUInt32BE(ssrc >>> 0, 0);
  body.writeUInt32BE(sender.ntpSec >>> 0, 4);
  body.writeUInt32BE(sender.ntpFrac >>> 0, 8);
  body.writeUInt32BE(sender.rtpTimestamp >>> 0, 12);
  body.writeUInt32BE(sender.packetCount >>> 0, 16);
  body.writeUInt32BE(sender.octetCount >>> 0, 20);
  const len = (body.length + blocks.length * 24) / 4;
  return Buffer.concat([header(blocks.length, RTCP_SR, len), body, ...blocks]);
}

export function buildReceiverReport(ssrc: number, reports: readonly ReportBlock[]): Buffer {
  const blocks = reports.slice(0, 31).map(reportBlockBytes);
  const body = Buffer.alloc(4);
  body.writeUInt32BE(ssrc >>> 0, 0);
  return Buffer.concat([header(blocks.length, RTCP_RR, 1 + blocks.length * 6), body, ...blocks]);
}

export function buildSdesCname(ssrc: number, cname: string): Buffer {
  const text = Buffer.from(cname, 'utf8').subarray(0, 255);
  // ssrc + item(type,len,text) + at least one null terminator, padded to 32 bits.
  const raw = 4 + 2 + text.length + 1;
  const padded = Math.ceil(raw / 4) * 4;
  const body = Buffer.alloc(padded);
  body.writeUInt32BE(ssrc >>> 0, 0);
  body.writeUInt8(1, 4);
  body.writeUInt8(text.length, 5);
  text.copy(body, 6);
  return Buffer.concat([header(1, RTCP_SDES, padded / 4), body]);
}

export function buildBye(ssrcs: readonly number[], reason?: string): Buffer {
  const list = ssrcs.slice(0, 31);
  const reasonBytes = reason ? Buffer.from(reason, 'utf8').subarray(0, 255) : Buffer.alloc(0);
  const reasonLen = reason ? Math.ceil((1 + reasonBytes.length) / 4) * 4 : 0;
  const body = Buffer.alloc(list.length * 4 + reasonLen);
  list.forEach((s, i) => body.writeUInt32BE(s >>> 0, i * 4));
  if (reason) {
    body.writeUInt8(reasonBytes.length, list.length * 4);
    reasonBytes.copy(body, list.length * 4 + 1);
  }
  return Buffer.concat([header(list.length, RTCP_BYE, body.length / 4), body]);
}

function readReportBlocks(buf: Buffer, offset: number, count: number): ReportBlock[] {
  const out: ReportBlock[] = [];
  for (let i = 0; i < count; i++) {
    const o = offset + i * 24;
    const word = buf.readUInt32BE(o + 4);
    const lost24 = word & 0xffffff;
    out.push({
      ssrc: buf.readUInt32BE(o),
      fractionLost: word >>> 24,
      cumulativeLost: lost24 & 0x800000 ? lost24 - 0x1000000 : lost24,
      highestSeq: buf.readUInt32BE(o + 8),
      jitter: buf.readUInt32BE(o + 12),
      lastSr: buf.readUInt32BE(o + 16),
      delaySinceLastSr: buf.readUInt32BE(o + 20),
    });
  }
  return out;
}

function parseSdes(body: Buffer): RtcpPacket {
  const ssrc = body.readUInt32BE(0);
  let o = 4;
  while (o + 2 <= body.length) {
    const type = body.readUInt8(o);
    if (type === 0) break;
    const len = body.readUInt8(o + 1);
    if (o + 2 + len > body.length) break;
    if (type === 1) return { type: 'sdes', ssrc, cname: body.toString('utf8', o + 2, o + 2 + len) };
    o += 2 + len;
  }
  return { type: 'sdes', ssrc };
}

function parseBye(body: Buffer, count: number): RtcpPacket | undefined {
  if (count * 4 > body.length) return undefined;
  const ssrcs = Array.from({ length: count }, (_, i) => body.readUInt32BE(i * 4));
  const o = count * 4;
  const len = body[o];
  if (len === undefined || o + 1 + len > body.length) return { type: 'bye', ssrcs };
  return { type: 'bye', ssrcs, reason: body.toString('utf8', o + 1, o + 1 + len) };
}

function parseOne(type: number, count: number, body: Buffer): RtcpPacket | undefined {
  switch (type) {
    case RTCP_SR: {
      if (body.length < 24 + count * 24) return undefined;
      const sender: SenderInfo = {
        ntpSec: body.readUInt32BE(4),
        ntpFrac: body.readUInt32BE(8),
        rtpTimestamp: body.readUInt32BE(12),
        packetCount: body.readUInt32BE(16),
        octetCount: body.readUInt32BE(20),
      };
      return { type: 'sr', ssrc: body.readUInt32BE(0), sender, reports: readReportBlocks(body, 24, count) };
    }
    case RTCP_RR:
      if (body.length < 4 + count * 24) return undefined;
      return { type: 'rr', ssrc: body.readUInt32BE(0), reports: readReportBlocks(body, 4, count) };
    case RTCP_SDES:
      return body.length >= 4 ? parseSdes(body) : undefined;
    case RTCP_BYE:
      return parseBye(body, count);
    default:
      return { type: 'other', packetType: type };
  }
}

/**
 * Parses a compound RTCP packet. Returns undefined if the framing is broken
 * anywhere (RFC 3550 §A.2 validity checks), so garbage is ignored as a whole.
 */
export function parseRtcp(buf: Buffer): RtcpPacket[] | undefined {
  const out: RtcpPacket[] = [];
  let o = 0;
  while (o < buf.length) {
    if (o + 4 > buf.length) return undefined;
    const b0 = buf.readUInt8(o);
    if (b0 >> 6 !== 2) return undefined;
    const end = o + 4 + buf.readUInt16BE(o + 2) * 4;
    if (end > buf.length) return undefined;
    let bodyEnd = end;
    if (b0 & 0x20) {
      const pad = buf.readUInt8(end - 1);
      if (pad === 0 || pad > end - o - 4) return undefined;
      bodyEnd -= pad;
    }
    const parsed = parseOne(buf.readUInt8(o + 1), b0 & 0x1f, buf.subarray(o + 4, bodyEnd));
    if (!parsed) return undefined;
    out.push(parsed);
    o = end;
  }
  return out.length > 0 ? out : undefined;
}
