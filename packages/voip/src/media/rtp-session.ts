/**
 * One RTP stream over UDP (RFC 3550) with its RTCP companion on port+1:
 * G.711 audio out and in, RFC 4733 events out and in, symmetric-RTP latching,
 * receiver statistics, periodic SR/RR, BYE on close.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { bumpCounter } from './counters.js';
import { DtmfDetector } from './dtmf-inband.js';
import { decodeG711, encodeG711, type G711Law, G711_PAYLOAD_TYPE, lawForPayloadType } from './g711.js';
import { PortRangeExhaustedError, type PortAllocator } from './port-allocator.js';
import {
  buildBye, buildReceiverReport, buildSdesCname, buildSenderReport, ntpMiddle, ntpNow, parseRtcp, type RtcpPacket,
} from './rtcp.js';
import { looksLikeRtcp, parseRtp, type RtpPacket, serializeRtp } from './rtp-packet.js';
import { ReceiverStats } from './rtp-stats.js';
import {
  DEFAULT_TELEPHONE_EVENT_PT, digitToEvent, type DtmfEvent, type SendDigitOptions, sendTelephoneEvent, TelephoneEventReceiver,
} from './telephone-event.js';

export interface RtpEndpoint {
  readonly address: string;
  readonly port: number;
}

export interface RtpSessionOptions {
  readonly allocator: PortAllocator;
  /** Local address to bind; '0.0.0.0' in production, '127.0.0.1' in tests. */
  readonly bindAddress?: string;
  readonly codec?: G711Law;
  /** Negotiated telephone-event payload type; null when the peer has none. */
  readonly telephoneEventPt?: number | null;
  /** Where to send, from the remote SDP; may be set later with setRemote(). */
  readonly remote?: RtpEndpoint;
  /** Symmetric RTP: send to wherever the peer's packets come from, and accept only that source. */
  readonly symmetric?: boolean;
  /** RTCP on the RTP port (RFC 5761) instead of port+1. */
  readonly rtcpMux?: boolean;
  readonly ssrc?: number;
  readonly cname?: string;
  /** Mean RTCP report interval (randomised ±50% as RFC 3550 asks); 0 disables reports. */
  readonly rtcpIntervalMs?: number;
  /** Emit 'inactive' after this long without RTP (lets the B2BUA reap dead calls); 0 = off. */
  readonly inactivityTimeoutMs?: number;
  /** Also run the Goertzel detector on received audio (for peers without RFC 4733). */
  readonly inbandDtmf?: boolean;
  readonly dtmfEndTimeoutMs?: number;
  /**
   * Drop packets beyond this rate before parsing them (a call is 50/s), so a
   * flood aimed at one port costs little CPU; 0 = no limit.
   */
  readonly maxPacketsPerSecond?: number;
}

export interface AudioFrame {
  readonly pcm: Int16Array;
  readonly sequence: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly marker: boolean;
  /** performance.now() at arrival. */
  readonly receivedAt: number;
}

export interface RtpSessionStats {
  readonly ssrc: number;
  readonly packetsSent: number;
  readonly bytesSent: number;
  readonly packetsReceived: number;
  readonly bytesReceived: number;
  readonly lost: number;
  readonly jitterMs: number;
  readonly malformed: number;
  readonly foreignSource: number;
  readonly unknownPayload: number;
  readonly audioSuppressed: number;
  readonly rateLimited: number;
  readonly rtcpSent: number;
  readonly rtcpReceived: number;
  readonly dtmfReceived: number;
  readonly roundTripMs?: number;
  /** What the peer last reported about our stream. */
  readonly remoteReport?: { readonly fractionLost: number; readonly cumulativeLost: number; readonly jitterMs: number };
}

export interface RtpSessionEvents {
  rtp: [RtpPacket, RtpEndpoint];
  audio: [AudioFrame];
  dtmf: [DtmfEvent];
  rtcp: [RtcpPacket[]];
  bye: [string | undefined];
  latched: [RtpEndpoint];
  inactive: [];
  close: [];
}

const sameEndpoint = (a: RtpEndpoint | undefined, r: RemoteInfo): boolean =>
  a !== undefined && a.port === r.port && a.address === r.address;

const random32 = (): number => randomBytes(4).readUInt32BE(0);

interface Counts {
  packetsSent: number; bytesSent: number; malformed: number; foreignSource: number; unknownPayload: number;
  audioSuppressed: number; rateLimited: number; rtcpSent: number; rtcpReceived: number; dtmfReceived: number; packetsReceived: number;
  bytesReceived: number;
}

export class RtpSession extends EventEmitter<RtpSessionEvents> {
  readonly localPort: number;
  readonly localAddress: string;
  readonly ssrc: number;
  private sendCodec: G711Law;
  private eventPt: number | null;
  private readonly opts: RtpSessionOptions;
  private readonly rtp: Socket;
  private readonly rtcp: Socket | undefined;
  private remote: RtpEndpoint | undefined;
  private remoteRtcp: RtpEndpoint | undefined;
  private latched = false;
  private rtcpLatched = false;
  private sequence = random32() & 0xffff;
  private timestamp = random32();
  private sourceStats: ReceiverStats | undefined;
  private readonly dtmfRx: TelephoneEventReceiver;
  private readonly inband: DtmfDetector | undefined;
  private inbandSuppressed = false;
  /** The last exception a listener threw (see guard()); for diagnostics. */
  lastListenerError: unknown;
  private tokens = Number.POSITIVE_INFINITY;
  private tokensAt = performance.now();
  private dtmfChain: Promise<void> = Promise.resolve();
  /** Digit jobs queued or running; audio is muted meanwhile (gaps included, their media time is accounted for). */
  private digitJobs = 0;
  private rtcpTimer: NodeJS.Timeout | undefined;
  private inactivityTimer: NodeJS.Timeout | undefined;
  private lastRtpAt = performance.now();
  private inactiveReported = false;
  private closed = false;
  private readonly n: Counts = {
    packetsSent: 0, bytesSent: 0, malformed: 0, foreignSource: 0, unknownPayload: 0, audioSuppressed: 0, rateLimited: 0,
    rtcpSent: 0, rtcpReceived: 0, dtmfReceived: 0, packetsReceived: 0, bytesReceived: 0,
  };
  private roundTripMs: number | undefined;
  private remoteReport: RtpSessionStats['remoteReport'];

  /** Binds a port pair from the allocator, skipping ports other processes hold. */
  static async open(opts: RtpSessionOptions): Promise<RtpSession> {
    const address = opts.bindAddress ?? '0.0.0.0';
    for (let attempt = 0; attempt < opts.allocator.capacity; attempt++) {
      const port = opts.allocator.acquire();
      const sockets = await bindPair(address, port, !opts.rtcpMux);
      if (sockets) return new RtpSession(opts, port, address, sockets.rtp, sockets.rtcp);
      opts.allocator.release(port);
    }
    throw new PortRangeExhaustedError(opts.allocator.range);
  }

  private constructor(opts: RtpSessionOptions, port: number, address: string, rtp: Socket, rtcp: Socket | undefined) {
    super();
    this.opts = opts;
    this.localPort = port;
    this.localAddress = address;
    this.rtp = rtp;
    this.rtcp = rtcp;
    this.sendCodec = opts.codec ?? 'PCMU';
    this.eventPt = opts.telephoneEventPt === undefined ? DEFAULT_TELEPHONE_EVENT_PT : opts.telephoneEventPt;
    this.ssrc = (opts.ssrc ?? random32()) >>> 0;
    this.dtmfRx = new TelephoneEventReceiver({
      ...(opts.dtmfEndTimeoutMs !== undefined ? { endTimeoutMs: opts.dtmfEndTimeoutMs } : {}),
      onDigit: (e) => this.emitDtmf(e),
    });
    this.inband = opts.inbandDtmf ? new DtmfDetector({ onDigit: (e) => this.emitDtmf(e) }) : undefined;
    if (opts.remote) this.setRemote(opts.remote);
    this.attachSockets();
    this.startTimers();
    bumpCounter('sessionsOpen');
    bumpCounter('sessionsOpened');
  }

  get telephoneEventPt(): number | null {
    return this.eventPt;
  }

  /** Codec used for sending; received PCMU and PCMA are both decoded. */
  get codec(): G711Law {
    return this.sendCodec;
  }

  get payloadType(): number {
    return G711_PAYLOAD_TYPE[this.sendCodec];
  }

  /**
   * Applies the SDP answer. The session is opened before negotiation ends
   * (its port goes into the offer), so the codec and event payload type are
   * settable afterwards, e.g. on a re-INVITE.
   */
  setPayloadFormat(format: { codec?: G711Law; telephoneEventPt?: number | null }): void {
    if (format.codec) this.sendCodec = format.codec;
    if (format.telephoneEventPt !== undefined) this.eventPt = format.telephoneEventPt;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get remoteEndpoint(): RtpEndpoint | undefined {
    return this.remote;
  }

  /** Sets the peer from SDP (or a re-INVITE); latching starts over. */
  setRemote(remote: RtpEndpoint, rtcp?: RtpEndpoint): void {
    this.remote = remote;
    this.remoteRtcp = rtcp ?? (this.opts.rtcpMux ? remote : { address: remote.address, port: remote.port + 1 });
    this.latched = false;
    this.rtcpLatched = false;
  }

  /** RTP timestamp of the next audio frame. */
  get mediaTimestamp(): number {
    return this.timestamp;
  }

  advanceMediaTimestamp(samples: number): void {
    this.timestamp = (this.timestamp + samples) >>> 0;
  }

  /** Encodes and sends one frame of linear PCM; the media clock advances by its length. */
  sendAudio(pcm: Int16Array, marker = false): void {
    // RFC 4733 §2.5.1.1: audio is muted while an event is being sent, and the
    // event sender moves the media clock on by the event's length.
    if (this.digitJobs > 0) {
      this.n.audioSuppressed += 1;
      return;
    }
    this.sendRtp({ payloadType: this.payloadType, payload: encodeG711(this.sendCodec, pcm), marker, timestamp: this.timestamp });
    this.advanceMediaTimestamp(pcm.length);
  }

  sendRtp(p: { payloadType: number; payload: Buffer; marker: boolean; timestamp: number }): void {
    if (this.closed || !this.remote) return;
    const packet = serializeRtp({ ...p, sequence: this.sequence, ssrc: this.ssrc, csrcs: [] });
    this.sequence = (this.sequence + 1) & 0xffff;
    this.n.packetsSent += 1;
    this.n.bytesSent += p.payload.length;
    bumpCounter('packetsSent');
    this.rtp.send(packet, this.remote.port, this.remote.address, onSendError);
  }

  /**
   * Sends digits as RFC 4733 events, one after another (calls queue up).
   * Resolves when the last end packet has gone out.
   */
  sendDigits(digits: string, opts: SendDigitOptions & { gapMs?: number } = {}): Promise<void> {
    const pt = this.eventPt;
    if (pt === null) return Promise.reject(new Error('peer did not negotiate telephone-event'));
    // Validate the whole string first so a typo does not send half a number.
    try {
      for (const d of digits) digitToEvent(d);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const run = async (): Promise<void> => {
      for (const d of digits) {
        if (this.closed) return;
        await sendTelephoneEvent(this, d, { payloadType: pt, ...opts });
        await (opts.pace ?? sleep)(opts.gapMs ?? 60);
        // The inter-digit pause is media time too.
        this.advanceMediaTimestamp(Math.round(((opts.gapMs ?? 60) * 8000) / 1000));
      }
    };
    this.digitJobs += 1;
    const next = this.dtmfChain.then(run).finally(() => {
      this.digitJobs -= 1;
    });
    this.dtmfChain = next.catch(() => undefined);
    return next;
  }

  stats(): RtpSessionStats {
    const s = this.sourceStats;
    return {
      ssrc: this.ssrc,
      ...this.n,
      lost: s?.lost ?? 0,
      jitterMs: s?.jitterMs ?? 0,
      ...(this.roundTripMs !== undefined ? { roundTripMs: this.roundTripMs } : {}),
      ...(this.remoteReport ? { remoteReport: this.remoteReport } : {}),
    };
  }

  /** Sends RTCP BYE, closes both sockets, stops timers and returns the port pair. */
  async close(reason = 'hangup'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopTimers();
    this.dtmfRx.close();
    this.inband?.flush();
    await this.sendRtcpCompound(true, reason);
    await Promise.all([closeSocket(this.rtp), this.rtcp ? closeSocket(this.rtcp) : undefined]);
    this.opts.allocator.release(this.localPort);
    bumpCounter('sessionsOpen', -1);
    this.emit('close');
    this.removeAllListeners();
  }

  private attachSockets(): void {
    this.rtp.on('message', (msg, rinfo) => this.guard(() => this.onRtpMessage(msg, rinfo)));
    this.rtcp?.on('message', (msg, rinfo) => this.guard(() => this.onRtcpMessage(msg, rinfo)));
    // A socket error must never become an uncaught exception that kills every call.
    const onError = (): void => bumpCounter('socketErrors');
    this.rtp.on('error', onError);
    this.rtcp?.on('error', onError);
  }

  /**
   * A throwing 'audio' or 'dtmf' listener is a bug in one call's code; it must
   * not become an uncaught exception that ends every call in the process.
   */
  private guard(handle: () => void): void {
    try {
      handle();
    } catch (err) {
      this.lastListenerError = err;
      bumpCounter('listenerErrors');
    }
  }

  private onRtpMessage(msg: Buffer, rinfo: RemoteInfo): void {
    if (!this.takeToken()) {
      this.n.rateLimited += 1;
      return;
    }
    if (this.opts.rtcpMux && looksLikeRtcp(msg)) {
      this.onRtcpMessage(msg, rinfo);
      return;
    }
    const packet = parseRtp(msg);
    if (!packet) {
      this.n.malformed += 1;
      bumpCounter('malformedPackets');
      return;
    }
    const law = lawForPayloadType(packet.payloadType);
    const isEvent = packet.payloadType === this.eventPt;
    // Checked before latching so a stray packet of some other format cannot capture the stream.
    if (!law && !isEvent) {
      this.n.unknownPayload += 1;
      bumpCounter('unknownPayloadPackets');
      return;
    }
    if (!this.acceptSource(rinfo)) return;
    this.recordArrival(packet);
    this.emit('rtp', packet, { address: rinfo.address, port: rinfo.port });
    if (law) {
      this.deliverAudio(packet, law);
      return;
    }
    // A peer that sends RFC 4733 may also leave the tones in its audio; trust
    // the events from now on so no digit is reported twice.
    this.inbandSuppressed = true;
    this.dtmfRx.handle(packet.timestamp, packet.payload);
  }

  /** Token bucket holding one second's worth of packets. */
  private takeToken(): boolean {
    const rate = this.opts.maxPacketsPerSecond ?? 0;
    if (rate <= 0) return true;
    const now = performance.now();
    this.tokens = Math.min(rate, this.tokens + ((now - this.tokensAt) * rate) / 1000);
    this.tokensAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Symmetric RTP: the first valid packet fixes the peer; later strangers are dropped. */
  private acceptSource(rinfo: RemoteInfo): boolean {
    const symmetric = this.opts.symmetric ?? true;
    if (this.latched || (!symmetric && this.remote)) {
      if (sameEndpoint(this.remote, rinfo)) return true;
      this.n.foreignSource += 1;
      bumpCounter('foreignSourcePackets');
      return false;
    }
    if (symmetric) {
      const from = { address: rinfo.address, port: rinfo.port };
      const moved = !sameEndpoint(this.remote, rinfo);
      this.remote = from;
      if (!this.remoteRtcp || moved) {
        this.remoteRtcp = this.opts.rtcpMux ? from : { address: from.address, port: from.port + 1 };
      }
      this.latched = true;
      this.emit('latched', from);
    }
    return true;
  }

  private recordArrival(packet: RtpPacket): void {
    const now = performance.now();
    this.lastRtpAt = now;
    this.inactiveReported = false;
    this.n.packetsReceived += 1;
    this.n.bytesReceived += packet.payload.length;
    bumpCounter('packetsReceived');
    if (this.sourceStats?.ssrc !== packet.ssrc) this.sourceStats = new ReceiverStats(packet.ssrc, 8000);
    this.sourceStats.record(packet.sequence, packet.timestamp, packet.payload.length, now);
  }

  private deliverAudio(packet: RtpPacket, law: G711Law): void {
    const pcm = decodeG711(law, packet.payload);
    if (!this.inbandSuppressed) this.inband?.push(pcm);
    this.emit('audio', {
      pcm, sequence: packet.sequence, timestamp: packet.timestamp, ssrc: packet.ssrc, marker: packet.marker,
      receivedAt: this.lastRtpAt,
    });
  }

  private emitDtmf(e: DtmfEvent): void {
    this.n.dtmfReceived += 1;
    // Also reached from the receiver's end-timeout timer, outside any socket callback.
    this.guard(() => this.emit('dtmf', e));
  }

  private onRtcpMessage(msg: Buffer, rinfo: RemoteInfo): void {
    const packets = parseRtcp(msg);
    if (!packets) {
      this.n.malformed += 1;
      bumpCounter('malformedPackets');
      return;
    }
    if (!this.acceptRtcpSource(rinfo)) return;
    this.n.rtcpReceived += 1;
    bumpCounter('rtcpReceived');
    for (const p of packets) this.applyRtcp(p);
    this.emit('rtcp', packets);
  }

  private acceptRtcpSource(rinfo: RemoteInfo): boolean {
    // RTCP comes from the peer's host; its port is only trusted once latched.
    if (this.remote && rinfo.address !== this.remote.address) {
      this.n.foreignSource += 1;
      return false;
    }
    if (this.rtcpLatched) return sameEndpoint(this.remoteRtcp, rinfo);
    if (this.opts.symmetric ?? true) {
      this.remoteRtcp = { address: rinfo.address, port: rinfo.port };
      this.rtcpLatched = true;
    }
    return true;
  }

  private applyRtcp(p: RtcpPacket): void {
    const now = performance.now();
    if (p.type === 'sr' && this.sourceStats?.ssrc === p.ssrc) {
      this.sourceStats.lastSrMiddle = ntpMiddle(p.sender.ntpSec, p.sender.ntpFrac);
      this.sourceStats.lastSrArrivalMs = now;
    }
    if (p.type === 'sr' || p.type === 'rr') {
      const mine = p.reports.find((r) => r.ssrc === this.ssrc);
      if (mine) this.applyReport(mine.fractionLost, mine.cumulativeLost, mine.jitter, mine.lastSr, mine.delaySinceLastSr);
    }
    if (p.type === 'bye') this.emit('bye', p.reason);
  }

  private applyReport(fraction: number, cumulative: number, jitter: number, lsr: number, dlsr: number): void {
    this.remoteReport = { fractionLost: fraction / 256, cumulativeLost: cumulative, jitterMs: (jitter * 1000) / 8000 };
    if (lsr === 0) return;
    const { sec, frac } = ntpNow();
    const rtt = (ntpMiddle(sec, frac) - lsr - dlsr) >>> 0;
    // Values near 2^32 mean a clock step; ignore them rather than report hours.
    if (rtt < 65536 * 60) this.roundTripMs = (rtt / 65536) * 1000;
  }

  private async sendRtcpCompound(bye: boolean, reason?: string): Promise<void> {
    const target = this.remoteRtcp;
    const socket = this.opts.rtcpMux ? this.rtp : this.rtcp;
    // A report timer that fires while close() runs must not touch a closing socket.
    if (!target || !socket || (this.closed && !bye)) return;
    const now = performance.now();
    const reports = this.sourceStats ? [this.sourceStats.reportBlock(now)] : [];
    const parts: Buffer[] = [];
    if (this.n.packetsSent > 0) {
      const ntp = ntpNow();
      parts.push(buildSenderReport(this.ssrc, {
        ntpSec: ntp.sec, ntpFrac: ntp.frac, rtpTimestamp: this.timestamp, packetCount: this.n.packetsSent,
        octetCount: this.n.bytesSent,
      }, reports));
    } else {
      parts.push(buildReceiverReport(this.ssrc, reports));
    }
    parts.push(buildSdesCname(this.ssrc, this.opts.cname ?? `hotline-${this.ssrc.toString(16)}`));
    if (bye) parts.push(buildBye([this.ssrc], reason));
    this.n.rtcpSent += 1;
    bumpCounter('rtcpSent');
    await new Promise<void>((resolve) => {
      try {
        socket.send(Buffer.concat(parts), target.port, target.address, (err) => {
          if (err) bumpCounter('sendErrors');
          resolve();
        });
      } catch {
        bumpCounter('sendErrors');
        resolve();
      }
    });
  }

  private startTimers(): void {
    const interval = this.opts.rtcpIntervalMs ?? 5000;
    if (interval > 0) this.scheduleRtcp(interval);
    const idle = this.opts.inactivityTimeoutMs ?? 0;
    if (idle > 0) {
      this.inactivityTimer = setInterval(() => this.checkInactivity(idle), Math.min(1000, idle / 2));
      this.inactivityTimer.unref();
      bumpCounter('timersActive');
    }
  }

  private scheduleRtcp(mean: number): void {
    if (this.closed) return;
    if (this.rtcpTimer === undefined) bumpCounter('timersActive');
    this.rtcpTimer = setTimeout(() => {
      void this.sendRtcpCompound(false).then(() => this.scheduleRtcp(mean));
    }, mean * (0.5 + Math.random()));
    this.rtcpTimer.unref();
  }

  private checkInactivity(idleMs: number): void {
    if (!this.inactiveReported && performance.now() - this.lastRtpAt >= idleMs) {
      this.inactiveReported = true;
      this.emit('inactive');
    }
  }

  private stopTimers(): void {
    if (this.rtcpTimer) {
      clearTimeout(this.rtcpTimer);
      bumpCounter('timersActive', -1);
    }
    if (this.inactivityTimer) {
      clearInterval(this.inactivityTimer);
      bumpCounter('timersActive', -1);
    }
    this.rtcpTimer = undefined;
    this.inactivityTimer = undefined;
  }
}

function onSendError(err: Error | null): void {
  if (err) bumpCounter('sendErrors');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function bindSocket(address: string, port: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket({ type: isIP(address) === 6 ? 'udp6' : 'udp4' });
    const fail = (): void => {
      socket.close();
      resolve(undefined);
    };
    socket.once('error', fail);
    socket.bind(port, address, () => {
      socket.off('error', fail);
      resolve(socket);
    });
  });
}

async function bindPair(address: string, port: number, withRtcp: boolean): Promise<{ rtp: Socket; rtcp?: Socket } | undefined> {
  const rtp = await bindSocket(address, port);
  if (!rtp) return undefined;
  if (!withRtcp) return { rtp };
  const rtcp = await bindSocket(address, port + 1);
  if (rtcp) return { rtp, rtcp };
  await closeSocket(rtp);
  return undefined;
}

function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}
