/**
 * The WebRTC half of a softphone call: a werift RTCPeerConnection offering PCMU only, and the
 * relay between its audio track and the plain RTP session towards the B2BUA. G.711 payloads are
 * passed through (PCMA on the SIP side is converted sample by sample); sequence numbers,
 * timestamps and SSRC are our own on each side, so a new source on one side (a transfer, a
 * re-INVITE) is a seamless continuation on the other.
 */
import { isIP } from 'node:net';
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';
import type { PeerConfig, RTCRtpTransceiver } from 'werift';
import { randomBytes } from 'node:crypto';
import { decodeG711, encodeG711 } from '../media/g711.js';
import type { G711Law } from '../media/g711.js';
import type { RtpSession } from '../media/rtp-session.js';
import type { RtpPacket as SipRtpPacket } from '../media/rtp-packet.js';

export interface IceServer {
  urls: string;
  username?: string;
  credential?: string;
}

export interface PeerSettings {
  iceServers: IceServer[];
  /** A concrete local address: ICE host candidates use only it. Undefined = every interface. */
  hostAddress?: string;
  portRange?: [number, number];
  /** How long to wait for ICE gathering (STUN/TURN) before offering what we have. */
  gatherTimeoutMs: number;
}

const random32 = (): number => randomBytes(4).readUInt32BE(0);

/** A concrete bind address (not a wildcard) restricts ICE to that address. */
export function concreteAddress(address: string | undefined): string | undefined {
  if (!address || address === '0.0.0.0' || address === '::') return undefined;
  return isIP(address) ? address : undefined;
}

function peerConfig(settings: PeerSettings): Partial<PeerConfig> {
  const config: Partial<PeerConfig> = {
    codecs: { audio: [new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 })], video: [] },
    headerExtensions: { audio: [], video: [] },
    iceServers: settings.iceServers.map((s) => ({ urls: s.urls, ...(s.username !== undefined ? { username: s.username } : {}), ...(s.credential !== undefined ? { credential: s.credential } : {}) })),
  };
  if (settings.portRange) config.icePortRange = settings.portRange;
  const host = settings.hostAddress;
  if (host) {
    const v4 = isIP(host) === 4;
    config.iceInterfaceAddresses = v4 ? { udp4: host } : { udp6: host };
    // Loopback and other internal addresses are not gathered by default; name it explicitly.
    config.iceAdditionalHostAddresses = [host];
    config.iceUseIpv4 = v4;
    config.iceUseIpv6 = !v4;
  }
  return config;
}

/**
 * Keeps only the host candidates on `address` (werift still lists the machine's other interfaces
 * even when its sockets are bound to one address); server-reflexive and relay candidates stay.
 */
export function restrictHostCandidates(sdp: string, address: string | undefined): string {
  if (!address) return sdp;
  const lines = sdp.split(/\r\n/);
  const kept = lines.filter((line) => {
    const m = /^a=candidate:\S+ \d+ \S+ \d+ (\S+) \d+ typ host\b/.exec(line);
    return !m || m[1] === address;
  });
  return kept.join('\r\n');
}

/** The browser's answer must keep PCMU (payload type 0) for audio. */
export function answerHasPcmu(sdp: string): boolean {
  const m = /^m=audio \d+ \S+ ([0-9 ]+)$/m.exec(sdp);
  if (!m) return false;
  const formats = (m[1] ?? '').trim().split(/\s+/);
  return formats.includes('0') || /^a=rtpmap:(\d+) PCMU\/8000/im.test(sdp);
}

type Unsubscribe = () => void;

/** The browser-facing peer connection of one call plus the audio relay to the SIP-side session. */
export class WebRtcMedia {
  readonly pc: RTCPeerConnection;
  private readonly track = new MediaStreamTrack({ kind: 'audio' });
  private readonly transceiver: RTCRtpTransceiver;
  private readonly unsubscribe: Unsubscribe[] = [];
  private rtp: RtpSession | undefined;
  private sipLaw: G711Law = 'PCMU';
  private closed = false;
  /** Browser audio is not forwarded while this is set (hold, DTMF being sent). */
  muteUpstream = false;
  // Towards the browser: our own stream.
  private outSeq = random32() & 0xffff;
  private outTs = random32();
  private outSource: { ssrc: number; ts: number; at: number } | undefined;
  private outMarker = true;
  // Towards the SIP side: timestamp gaps of the browser's stream are carried over.
  private inLast: { ssrc: number; ts: number; len: number } | undefined;
  packetsToBrowser = 0;
  packetsFromBrowser = 0;

  constructor(
    private readonly settings: PeerSettings,
    onState: (state: string) => void,
  ) {
    this.pc = new RTCPeerConnection(peerConfig(settings));
    this.transceiver = this.pc.addTransceiver(this.track, { direction: 'sendrecv' });
    const track = this.transceiver.onTrack.subscribe((remote) => {
      const rtp = remote.onReceiveRtp.subscribe((packet) => this.fromBrowser(packet));
      this.unsubscribe.push(rtp.unSubscribe);
    });
    this.unsubscribe.push(track.unSubscribe);
    const state = this.pc.connectionStateChange.subscribe((s) => onState(s));
    this.unsubscribe.push(state.unSubscribe);
  }

  /** Our complete (non-trickle) offer, host candidates restricted to the configured address. */
  async createOffer(): Promise<string> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await this.gathered();
    const sdp = this.pc.localDescription?.sdp;
    if (!sdp) throw new Error('no local description');
    return restrictHostCandidates(sdp, this.settings.hostAddress);
  }

  private gathered(): Promise<void> {
    if (this.pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.settings.gatherTimeoutMs);
      const sub = this.pc.iceGatheringStateChange.subscribe((s) => {
        if (s === 'complete') done();
      });
      function done(): void {
        clearTimeout(timer);
        sub.unSubscribe();
        resolve();
      }
    });
  }

  async applyAnswer(sdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
  }

  /** Connects the relay to the SIP-side session (its codec may change on a re-INVITE). */
  attach(rtp: RtpSession): void {
    if (this.rtp === rtp) return;
    this.rtp = rtp;
    const listener = (packet: SipRtpPacket): void => this.fromSip(packet);
    rtp.on('rtp', listener);
    this.unsubscribe.push(() => rtp.off('rtp', listener));
  }

  setSipCodec(law: G711Law): void {
    this.sipLaw = law;
  }

  /** SIP side → browser: PCMU as is, PCMA converted; RFC 4733 events are not forwarded. */
  private fromSip(packet: SipRtpPacket): void {
    if (this.closed) return;
    let payload: Buffer;
    if (packet.payloadType === 0) payload = packet.payload;
    else if (packet.payloadType === 8) payload = encodeG711('PCMU', decodeG711('PCMA', packet.payload));
    else return;
    const now = performance.now();
    const source = this.outSource;
    if (!source || source.ssrc !== packet.ssrc) {
      // A new source: continue our timeline by the wall-clock gap (at least one frame).
      if (source) this.outTs = (this.outTs + Math.max(160, Math.round((now - source.at) * 8))) >>> 0;
      this.outSource = { ssrc: packet.ssrc, ts: packet.timestamp, at: now };
      this.outMarker = true;
    } else {
      const delta = (packet.timestamp - source.ts) | 0;
      // Follow the source's timestamps (silence gaps, reordering); a jump beyond 10 s is a restart.
      if (Math.abs(delta) < 80_000) this.outTs = (this.outTs + delta) >>> 0;
      else this.outTs = (this.outTs + 160) >>> 0;
      source.ts = packet.timestamp;
      source.at = now;
    }
    const header = new RtpHeader({
      payloadType: 0,
      sequenceNumber: this.outSeq,
      timestamp: this.outTs,
      marker: this.outMarker || packet.marker,
    });
    this.outSeq = (this.outSeq + 1) & 0xffff;
    this.outMarker = false;
    this.packetsToBrowser++;
    try {
      this.track.writeRtp(new RtpPacket(header, payload));
    } catch {
      // The track was stopped while a packet was in flight.
    }
  }

  /** Browser → SIP side, re-stamped on the session's own media clock. */
  private fromBrowser(packet: RtpPacket): void {
    const rtp = this.rtp;
    if (this.closed || !rtp || rtp.isClosed || packet.header.payloadType !== 0) return;
    const { ssrc, timestamp } = packet.header;
    const len = packet.payload.length;
    // Muted (hold, or RFC 4733 events on the wire, which move the media clock themselves).
    if (this.muteUpstream) {
      this.inLast = undefined;
      return;
    }
    const last = this.inLast;
    this.inLast = { ssrc, ts: timestamp, len };
    if (last && last.ssrc === ssrc) {
      const gap = ((timestamp - last.ts) | 0) - last.len;
      if (gap > 0 && gap < 80_000) rtp.advanceMediaTimestamp(gap);
    }
    const payload = this.sipLaw === 'PCMU' ? packet.payload : encodeG711(this.sipLaw, decodeG711('PCMU', packet.payload));
    this.packetsFromBrowser++;
    rtp.sendRtp({ payloadType: this.sipLaw === 'PCMU' ? 0 : 8, payload, marker: packet.header.marker, timestamp: rtp.mediaTimestamp });
    rtp.advanceMediaTimestamp(len);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const fn of this.unsubscribe.splice(0)) fn();
    this.track.stop();
    await this.pc.close().catch(() => undefined);
  }
}
