/**
 * One leg of a B2BUA call: a SIP dialog and the RTP session the engine terminates for it. The
 * leg merges the three DTMF sources (RFC 4733 events, in-band tones found by the Goertzel
 * detector, SIP INFO) into one 'dtmf' stream, and answers the peer's re-INVITEs (hold/unhold,
 * a moved media address) itself.
 */
import { EventEmitter } from 'node:events';
import type { SipCall, SipCallEnd, SipInfo, SipReinvite } from '../sip/index.js';
import { answerAudioOffer, isSdpHold, parseSdp, sdpCodecs, sdpDirection, serializeSdp, withSdpDirection } from '../sip/index.js';
import type { SdpDirection, SessionDescription } from '../sip/index.js';
import type { RtpSession } from '../media/rtp-session.js';
import { PlayoutLeg } from '../media/playout-leg.js';
import { DTMF_DIGITS, type DtmfEvent } from '../media/telephone-event.js';
import type { G711Law } from '../media/g711.js';

export type LegRole = 'citizen' | 'agent' | 'party';

export interface MediaLegEvents {
  dtmf: [DtmfEvent];
  /** The peer changed its hold state by re-INVITE (true = it put us on hold). */
  remoteHold: [boolean];
  ended: [SipCallEnd];
}

/** The audio part of a remote description, as the RTP session needs it. */
export interface RemoteMedia {
  readonly address: string;
  readonly port: number;
  readonly codec: G711Law;
  readonly telephoneEventPt: number | null;
  readonly direction: SdpDirection;
  readonly hold: boolean;
}

/** Reads address, port, first G.711 codec and telephone-event from an SDP; undefined if unusable. */
export function remoteMediaOf(sdp: SessionDescription): RemoteMedia | undefined {
  const media = sdp.media.find((m) => m.type === 'audio' && /RTP\/AVP/.test(m.protocol));
  if (!media) return undefined;
  const codecs = sdpCodecs(media);
  const audio = codecs.find((c) => (c.name.toUpperCase() === 'PCMU' || c.name.toUpperCase() === 'PCMA') && c.clockRate === 8000);
  if (!audio) return undefined;
  const event = codecs.find((c) => c.name.toLowerCase() === 'telephone-event' && c.clockRate === 8000);
  return {
    address: media.connection?.address ?? sdp.connection?.address ?? '',
    port: media.port,
    codec: audio.name.toUpperCase() as G711Law,
    telephoneEventPt: event ? event.payloadType : null,
    direction: sdpDirection(sdp, media),
    hold: isSdpHold(sdp),
  };
}

/** Points the session at the peer, unless the SDP is the old c=0.0.0.0 hold form or port 0. */
export function applyRemoteMedia(rtp: RtpSession, remote: RemoteMedia): void {
  rtp.setPayloadFormat({ codec: remote.codec, telephoneEventPt: remote.telephoneEventPt });
  if (remote.port > 0 && remote.address !== '' && remote.address !== '0.0.0.0') {
    const cur = rtp.remoteEndpoint;
    if (!cur || cur.address !== remote.address || cur.port !== remote.port) rtp.setRemote({ address: remote.address, port: remote.port });
  }
}

const INFO_EVENT_CODES: Record<string, string> = { '10': '*', '11': '#', '12': 'A', '13': 'B', '14': 'C', '15': 'D' };

export class MediaLeg extends EventEmitter<MediaLegEvents> {
  /** Which room of the call this leg is in; legs in one room hear each other. */
  room = 'main';
  /** We put the peer on hold (a=sendonly from us): it hears music on hold. */
  localHold = false;
  /** The peer put us on hold (sendonly/inactive from it): we send it nothing. */
  remoteHold = false;
  /** Playout buffer for the call clock; created when the leg joins the mixer. */
  playout: PlayoutLeg | undefined;
  connectedAt: number | undefined;
  ended = false;
  private readonly address: string;

  constructor(
    readonly id: string,
    readonly role: LegRole,
    readonly sip: SipCall,
    readonly rtp: RtpSession,
    /** Who the leg talks to: the caller's number, an extension or a URI. */
    readonly party: string,
    address: string,
  ) {
    super();
    this.address = address;
    rtp.on('dtmf', (e) => this.emit('dtmf', e));
    sip.on('info', (info) => this.onInfo(info));
    sip.on('reinvite', (r) => this.onReinvite(r));
    sip.once('terminated', (end) => {
      this.ended = true;
      this.emit('ended', end);
    });
  }

  /** The leg takes part in mixing: not ended and not on hold either way. */
  get active(): boolean {
    return !this.ended && this.connectedAt !== undefined && !this.localHold && !this.remoteHold;
  }

  /** Joins the call clock: received audio goes through a jitter buffer from now on. */
  startPlayout(): PlayoutLeg {
    this.playout ??= new PlayoutLeg(this.rtp, { depth: 2, concealment: 'repeat' });
    return this.playout;
  }

  /** Puts the peer on hold (re-INVITE a=sendonly) or takes it off (a=sendrecv). */
  async setLocalHold(hold: boolean): Promise<void> {
    if (this.ended || this.localHold === hold) return;
    const answer = hold ? await this.sip.hold() : await this.sip.unhold();
    this.localHold = hold;
    if (answer !== undefined) this.applyAnswer(answer);
  }

  applyAnswer(sdpText: string): RemoteMedia | undefined {
    let remote: RemoteMedia | undefined;
    try {
      remote = remoteMediaOf(parseSdp(sdpText));
    } catch {
      return undefined;
    }
    if (remote) applyRemoteMedia(this.rtp, remote);
    return remote;
  }

  async hangup(): Promise<void> {
    if (this.ended) return;
    try {
      await this.sip.hangup();
    } catch {
      // The dialog may already be gone; the 'terminated' path releases everything anyway.
    }
  }

  /** Releases the media resources; the SIP dialog ends through hangup() or the peer. */
  async closeMedia(): Promise<void> {
    this.playout?.close();
    await this.rtp.close();
  }

  private onInfo(info: SipInfo): void {
    const raw = info.dtmf?.signal;
    if (raw === undefined) return;
    const digit = INFO_EVENT_CODES[raw] ?? raw.toUpperCase();
    if (digit.length !== 1 || !DTMF_DIGITS.includes(digit)) return;
    this.emit('dtmf', { digit, durationMs: info.dtmf?.durationMs ?? 0, source: 'info' });
  }

  /** The peer's re-INVITE: hold/unhold or new media address; answered from our session. */
  private onReinvite(request: SipReinvite): void {
    try {
      const local = this.sip.localSdp !== undefined ? parseSdp(this.sip.localSdp) : undefined;
      if (request.offer === undefined) {
        // Late offer: we offer our current description (sendrecv); the answer arrives in the ACK.
        if (!local) return request.reject(488);
        request.accept(serializeSdp(withSdpDirection(local, this.localHold ? 'sendonly' : 'sendrecv')));
        return;
      }
      const offer = parseSdp(request.offer);
      const answer = answerAudioOffer(offer, {
        address: this.address,
        port: this.rtp.localPort,
        direction: this.localHold ? 'sendonly' : 'sendrecv',
        ...(local ? { previous: local } : {}),
      });
      const remote = remoteMediaOf(offer);
      if (!answer || !remote) return request.reject(488);
      applyRemoteMedia(this.rtp, remote);
      request.accept(serializeSdp(answer.sdp));
      const held = remote.direction === 'sendonly' || remote.direction === 'inactive' || remote.address === '0.0.0.0';
      if (held !== this.remoteHold) {
        this.remoteHold = held;
        this.emit('remoteHold', held);
      }
    } catch {
      request.reject(488);
    }
  }
}
