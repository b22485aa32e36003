/**
 * One softphone call: the SIP dialog with the B2BUA (we are the agent's phone), the RTP session
 * the B2BUA talks to, and the browser's WebRTC peer connection, with the audio relayed between
 * them. Every way a call can end goes through finish(), which releases the peer connection, the
 * RTP ports and every timer exactly once.
 */
import { randomBytes } from 'node:crypto';
import { SipCallError, answerAudioOffer, createAudioSdp, parseSdp, serializeSdp, withSdpDirection, PCMA, PCMU, TELEPHONE_EVENT } from '../sip/index.js';
import type { SessionDescription, SipCall, SipCallEnd, SipInboundCall, SipLogger, SipOutboundCall, SipReinvite, SipReferStatus } from '../sip/index.js';
import { PortRangeExhaustedError } from '../media/port-allocator.js';
import type { PortAllocator } from '../media/port-allocator.js';
import { RtpSession } from '../media/rtp-session.js';
import type { G711Law } from '../media/g711.js';
import { remoteMediaOf } from '../b2bua/leg.js';
import type { RemoteMedia } from '../b2bua/leg.js';
import { WebRtcMedia, answerHasPcmu } from './media.js';
import type { PeerSettings } from './media.js';
import { errorMessage } from './messages.js';
import type { SoftphoneCallState, SoftphoneErrorCode, SoftphoneServerMessage } from './messages.js';

/** What a call needs from its session and gateway. */
export interface SoftphoneCallHost {
  readonly logger: SipLogger;
  readonly allocator: PortAllocator;
  /** Where the SIP-side RTP socket binds. */
  readonly rtpBindAddress: string;
  /** Address written into our SIP SDP. */
  readonly mediaAddress: string;
  readonly peer: PeerSettings;
  /** The registrar's domain (Refer-To targets are extension@domain). */
  readonly domain: string;
  send(message: SoftphoneServerMessage): void;
  /** Places the INVITE of an outbound call (dial). */
  placeCall(target: string, sdp: string): SipOutboundCall;
  released(call: SoftphoneCall): void;
}

/** Why calls end, as the `reason` of {state:'ended'}. */
export type SoftphoneEndReason =
  | 'hangup'
  | 'remote-hangup'
  | 'cancelled'
  | 'rejected'
  | 'transferred'
  | 'media-failed'
  | 'no-answer'
  | 'busy'
  | 'failed'
  | 'timeout'
  | 'session-expired'
  | 'network-error'
  | 'replaced'
  | 'shutdown'
  | 'registration-lost'
  | 'closed';

/** ICE+DTLS must be up this long after the browser's answer, else the call is ended. */
const CONNECT_TIMEOUT_MS = 15_000;
/** A connection 'disconnected' for this long counts as lost. */
const DISCONNECTED_GRACE_MS = 10_000;
/** Hang-ups wait this long for the BYE/CANCEL transaction before resources are released anyway. */
const HANGUP_WAIT_MS = 2_000;

type Phase = 'preparing' | 'ringing' | 'connecting' | 'connected' | 'ended';

export class SoftphoneCall {
  readonly id = `c${randomBytes(8).toString('hex')}`;
  /** Resolves when every resource of the call is released. */
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private phase: Phase = 'preparing';
  private sip: SipCall | undefined;
  private rtp: RtpSession | undefined;
  private media: WebRtcMedia | undefined;
  private announced = false;
  private endReason: SoftphoneEndReason | undefined;
  /** Our SIP answer (inbound) or offer (outbound), and the remote media it was built against. */
  private sipOffer: SessionDescription | undefined;
  private law: G711Law = 'PCMU';
  private localHold = false;
  private remoteHold = false;
  private holdBusy = false;
  private dtmfBusy = 0;
  private transfer: { target: string; accepted: boolean } | undefined;
  private transferred = false;
  private connectTimer: NodeJS.Timeout | undefined;
  private disconnectTimer: NodeJS.Timeout | undefined;
  private ringingSent = false;
  private answering = false;
  /** The SIP offer of an inbound call (undefined for a late offer, answered in the ACK). */
  private inboundOffer: SessionDescription | undefined;

  private constructor(
    private readonly host: SoftphoneCallHost,
    readonly direction: 'inbound' | 'outbound',
    /** The party: caller's number (inbound) or dialled target (outbound). */
    readonly party: string,
    readonly partyName: string | undefined,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  get state(): SoftphoneCallState {
    if (this.phase === 'ended') return 'ended';
    if (this.phase === 'connected') return this.localHold || this.remoteHold ? 'held' : 'connected';
    return 'ringing';
  }

  get ended(): boolean {
    return this.phase === 'ended';
  }

  /** An INVITE from the B2BUA for our extension. Rings, prepares the WebRTC offer, then announces it. */
  static inbound(host: SoftphoneCallHost, sip: SipInboundCall, party: string, partyName: string | undefined): SoftphoneCall {
    const call = new SoftphoneCall(host, 'inbound', party, partyName);
    call.sip = sip;
    call.watchSip(sip);
    void call.prepareInbound(sip).catch((err: unknown) => call.fail(err, 'internal'));
    return call;
  }

  /** An outbound call from the agent: the browser gets our offer first, the INVITE follows its answer. */
  static outbound(host: SoftphoneCallHost, target: string): SoftphoneCall {
    const call = new SoftphoneCall(host, 'outbound', target, undefined);
    void call.prepareOutbound().catch((err: unknown) => call.fail(err, 'internal'));
    return call;
  }

  // ---- Setting up ---------------------------------------------------------------------------

  private async prepareInbound(sip: SipInboundCall): Promise<void> {
    let remote: RemoteMedia | undefined;
    if (sip.remoteSdp !== undefined) {
      try {
        this.inboundOffer = parseSdp(sip.remoteSdp);
        remote = remoteMediaOf(this.inboundOffer);
      } catch {
        remote = undefined;
      }
      if (!remote || remote.port === 0) {
        sip.reject(488);
        return;
      }
    }
    sip.ringing();
    if (!(await this.openMedia(remote?.telephoneEventPt ?? TELEPHONE_EVENT.payloadType))) return;
    await this.offerToBrowser();
  }

  private async prepareOutbound(): Promise<void> {
    if (!(await this.openMedia(TELEPHONE_EVENT.payloadType))) return;
    await this.offerToBrowser();
  }

  /** Opens the SIP-side RTP session and the peer connection; false when the call could not continue. */
  private async openMedia(telephoneEventPt: number | null): Promise<boolean> {
    let rtp: RtpSession;
    try {
      rtp = await RtpSession.open({
        allocator: this.host.allocator,
        bindAddress: this.host.rtpBindAddress,
        telephoneEventPt,
        symmetric: true,
        maxPacketsPerSecond: 400,
        rtcpIntervalMs: 5000,
      });
    } catch (err) {
      if (err instanceof PortRangeExhaustedError) {
        this.host.logger.warn({ err: err.message }, 'softphone: no free RTP ports');
        if (this.direction === 'inbound') (this.sip as SipInboundCall).reject(503);
        else this.host.send(errorMessage('dial-failed', undefined, '媒体端口不足'));
        await this.finish('failed');
        return false;
      }
      throw err;
    }
    if (this.phase === 'ended') {
      await rtp.close();
      return false;
    }
    this.rtp = rtp;
    this.media = new WebRtcMedia(this.host.peer, (state) => this.onPeerState(state));
    this.media.attach(rtp);
    return true;
  }

  private async offerToBrowser(): Promise<void> {
    const media = this.media;
    if (!media || this.phase === 'ended') return;
    const offer = await media.createOffer();
    if (this.phase !== 'preparing') return;
    this.phase = 'ringing';
    this.announced = true;
    const incoming: SoftphoneServerMessage = { type: 'incoming', callId: this.id, from: this.party, sdp: offer };
    if (this.partyName !== undefined) incoming.fromName = this.partyName;
    this.host.send(incoming);
  }

  // ---- Browser actions ----------------------------------------------------------------------

  /** The browser's SDP answer: completes WebRTC, then answers the SIP call (or places it, for dial). */
  async answer(sdp: string): Promise<void> {
    if (this.phase !== 'ringing' || !this.media || !this.rtp || this.answering) return this.error('bad-state');
    if (!answerHasPcmu(sdp)) return this.error('bad-sdp', 'PCMU');
    this.answering = true;
    try {
      await this.media.applyAnswer(sdp);
    } catch (err) {
      this.answering = false;
      this.host.logger.info({ callId: this.id, err: String(err) }, 'softphone: browser answer rejected');
      return this.error('bad-sdp');
    }
    if (this.ended) return;
    this.connectTimer = setTimeout(() => void this.mediaFailed('ICE/DTLS not connected in time'), CONNECT_TIMEOUT_MS);
    if (this.direction === 'inbound') this.answerSip();
    else this.placeSip();
  }

  private answerSip(): void {
    const sip = this.sip as SipInboundCall;
    const rtp = this.rtp as RtpSession;
    let local: SessionDescription;
    if (this.inboundOffer) {
      const answer =
        answerAudioOffer(this.inboundOffer, { address: this.host.mediaAddress, port: rtp.localPort, supported: ['PCMU'] }) ??
        answerAudioOffer(this.inboundOffer, { address: this.host.mediaAddress, port: rtp.localPort, supported: ['PCMA'] });
      if (!answer) {
        sip.reject(488);
        return;
      }
      local = answer.sdp;
      const remote = remoteMediaOf(this.inboundOffer);
      if (remote) this.applyRemote({ ...remote, codec: answer.codec.name.toUpperCase() as G711Law });
    } else {
      // Late offer: we offer in the 200, the B2BUA answers in the ACK.
      local = createAudioSdp({ address: this.host.mediaAddress, port: rtp.localPort, codecs: [PCMU, PCMA, TELEPHONE_EVENT] });
      sip.once('ack', (sdp) => {
        const remote = sdp !== undefined ? this.remoteOf(sdp) : undefined;
        if (!remote) void this.hangupSip('failed');
        else this.applyRemote(remote);
      });
    }
    this.sipOffer = local;
    sip.answer(serializeSdp(local));
    this.phase = 'connected';
    this.sendState();
  }

  private placeSip(): void {
    const rtp = this.rtp as RtpSession;
    const offer = createAudioSdp({ address: this.host.mediaAddress, port: rtp.localPort, codecs: [PCMU, PCMA, TELEPHONE_EVENT] });
    this.sipOffer = offer;
    let sip: SipOutboundCall;
    try {
      sip = this.host.placeCall(this.party, serializeSdp(offer));
    } catch (err) {
      this.host.send(errorMessage('dial-failed', this.id, err instanceof SipCallError ? String(err.status) : undefined));
      void this.finish('failed');
      return;
    }
    this.sip = sip;
    this.watchSip(sip);
    this.phase = 'connecting';
    sip.on('progress', (p) => {
      if (p.status >= 180 && !this.ringingSent) {
        this.ringingSent = true;
        this.sendState();
      }
    });
    sip.waitAnswer().then(
      (sdp) => {
        if (this.ended) return;
        const remote = sdp !== undefined ? this.remoteOf(sdp) : undefined;
        if (!remote) {
          void this.hangupSip('failed');
          return;
        }
        this.applyRemote(remote);
        this.phase = 'connected';
        this.sendState();
      },
      () => undefined, // 'terminated' carries the failure
    );
  }

  reject(): Promise<void> {
    if (this.phase !== 'ringing' || this.direction !== 'inbound') return this.error('bad-state');
    (this.sip as SipInboundCall).reject(486);
    return this.finish('rejected');
  }

  async hangup(): Promise<void> {
    if (this.ended) return;
    await this.hangupSip('hangup');
  }

  async hold(on: boolean): Promise<void> {
    if (this.phase !== 'connected' || !this.sip) return this.error('bad-state');
    if (this.holdBusy) return this.error('bad-state');
    if (this.localHold === on) return this.sendState();
    this.holdBusy = true;
    try {
      const answer = on ? await this.sip.hold() : await this.sip.unhold();
      if (this.ended) return;
      this.localHold = on;
      this.updateMute();
      if (answer !== undefined) {
        const remote = this.remoteOf(answer);
        if (remote) this.applyRemote(remote);
      }
      this.sendState();
    } catch (err) {
      if (!this.ended) this.error('hold-failed', err instanceof SipCallError ? String(err.status) : undefined);
    } finally {
      this.holdBusy = false;
    }
  }

  /** Blind transfer: REFER to the B2BUA, which connects the citizen to the target and hangs up on us. */
  async transferTo(target: string): Promise<void> {
    if (this.phase !== 'connected' || !this.sip) return this.error('bad-state');
    if (this.transfer) return this.error('bad-state');
    const uri = /^sips?:/i.test(target) ? target : `sip:${target}@${this.host.domain}`;
    this.transfer = { target, accepted: false };
    try {
      await this.sip.refer(uri);
      if (this.transfer) this.transfer.accepted = true;
    } catch (err) {
      this.transfer = undefined;
      if (!this.ended) this.error('transfer-failed', err instanceof SipCallError ? String(err.status) : undefined);
    }
  }

  async dtmf(digits: string): Promise<void> {
    const rtp = this.rtp;
    if (this.phase !== 'connected' || !rtp || !this.sip) return this.error('bad-state');
    try {
      if (rtp.telephoneEventPt !== null) {
        this.dtmfBusy++;
        this.updateMute();
        try {
          await rtp.sendDigits(digits, { durationMs: 100 });
        } finally {
          this.dtmfBusy--;
          this.updateMute();
        }
      } else {
        for (const digit of digits) await this.sip.sendDtmfInfo(digit, 100);
      }
    } catch (err) {
      if (!this.ended) this.error('dtmf-failed', err instanceof SipCallError ? String(err.status) : undefined);
    }
  }

  // ---- SIP events ---------------------------------------------------------------------------

  private watchSip(sip: SipCall): void {
    sip.once('terminated', (end) => void this.onSipEnded(end));
    sip.on('reinvite', (r) => this.onReinvite(r));
    sip.on('referStatus', (s) => this.onReferStatus(s));
  }

  private onSipEnded(end: SipCallEnd): Promise<void> {
    if (this.ended) return Promise.resolve();
    return this.finish(this.reasonOf(end));
  }

  private reasonOf(end: SipCallEnd): SoftphoneEndReason {
    switch (end.reason) {
      case 'remote-bye':
        return this.transferred ? 'transferred' : 'remote-hangup';
      case 'local-bye':
        return 'hangup';
      case 'cancelled':
        return this.direction === 'inbound' ? 'cancelled' : 'hangup';
      case 'rejected':
        if (this.direction === 'inbound') return 'rejected';
        if (end.status === 486 || end.status === 600) return 'busy';
        if (end.status === 408 || end.status === 480 || end.status === 487) return 'no-answer';
        return 'failed';
      case 'timeout':
        return this.direction === 'inbound' ? 'cancelled' : 'no-answer';
      case 'session-expired':
        return 'session-expired';
      case 'transport-error':
      case 'ack-timeout':
      case 'stale':
        return 'network-error';
      case 'shutdown':
        return 'shutdown';
      default:
        return 'failed';
    }
  }

  /** The B2BUA re-INVITEs us: it holds us, moves its media, or refreshes the session. */
  private onReinvite(request: SipReinvite): void {
    const rtp = this.rtp;
    const previous = this.sipOffer;
    if (!rtp || !previous) return request.reject(488);
    try {
      if (request.offer === undefined) {
        request.accept(serializeSdp(withSdpDirection(previous, this.localHold ? 'sendonly' : 'sendrecv')));
        return;
      }
      const offer = parseSdp(request.offer);
      const answer = answerAudioOffer(offer, {
        address: this.host.mediaAddress,
        port: rtp.localPort,
        supported: [this.law],
        direction: this.localHold ? 'sendonly' : 'sendrecv',
        previous,
      });
      const remote = remoteMediaOf(offer);
      if (!answer || !remote) return request.reject(488);
      this.applyRemote(remote);
      this.sipOffer = answer.sdp;
      request.accept(serializeSdp(answer.sdp));
      const held = remote.direction === 'sendonly' || remote.direction === 'inactive' || remote.address === '0.0.0.0';
      if (held !== this.remoteHold) {
        this.remoteHold = held;
        if (this.phase === 'connected') this.sendState(held ? 'remote' : undefined);
      }
    } catch {
      request.reject(488);
    }
  }

  private onReferStatus(status: SipReferStatus): void {
    const transfer = this.transfer;
    if (!transfer || !status.final) return;
    this.transfer = undefined;
    if (status.status >= 200 && status.status < 300) {
      // The B2BUA hangs up on us next (BYE): that ends the call as 'transferred'.
      this.transferred = true;
      return;
    }
    if (!this.ended) this.error('transfer-failed', String(status.status));
  }

  // ---- Media --------------------------------------------------------------------------------

  private remoteOf(sdp: string): RemoteMedia | undefined {
    try {
      return remoteMediaOf(parseSdp(sdp));
    } catch {
      return undefined;
    }
  }

  private applyRemote(remote: RemoteMedia): void {
    const rtp = this.rtp;
    if (!rtp) return;
    this.law = remote.codec;
    rtp.setPayloadFormat({ codec: remote.codec, telephoneEventPt: remote.telephoneEventPt });
    this.media?.setSipCodec(remote.codec);
    if (remote.port > 0 && remote.address !== '' && remote.address !== '0.0.0.0') {
      const cur = rtp.remoteEndpoint;
      if (!cur || cur.address !== remote.address || cur.port !== remote.port) rtp.setRemote({ address: remote.address, port: remote.port });
    }
  }

  private updateMute(): void {
    if (this.media) this.media.muteUpstream = this.localHold || this.dtmfBusy > 0;
  }

  private onPeerState(state: string): void {
    if (this.ended) return;
    if (state === 'connected') {
      clearTimeout(this.connectTimer);
      clearTimeout(this.disconnectTimer);
      this.disconnectTimer = undefined;
      return;
    }
    if (state === 'failed' || state === 'closed') {
      void this.mediaFailed(`peer connection ${state}`);
      return;
    }
    if (state === 'disconnected' && !this.disconnectTimer) {
      this.disconnectTimer = setTimeout(() => void this.mediaFailed('peer connection disconnected'), DISCONNECTED_GRACE_MS);
    }
  }

  private async mediaFailed(why: string): Promise<void> {
    if (this.ended) return;
    this.host.logger.warn({ callId: this.id, why }, 'softphone: WebRTC media failed');
    this.host.send(errorMessage('media-failed', this.id));
    await this.hangupSip('media-failed');
  }

  // ---- Ending -------------------------------------------------------------------------------

  /** Ends the SIP side (BYE, CANCEL or a final response) and then the call. */
  private async hangupSip(reason: SoftphoneEndReason): Promise<void> {
    const sip = this.sip;
    this.endReason ??= reason;
    if (sip && sip.state !== 'terminated') {
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, HANGUP_WAIT_MS)));
      await Promise.race([sip.hangup(this.unansweredStatus(reason)).catch(() => undefined), waited]);
      clearTimeout(timer);
    }
    await this.finish(reason);
  }

  /** Final status for an inbound call still ringing: the agent declined (486), or it cannot be taken. */
  private unansweredStatus(reason: SoftphoneEndReason): number | undefined {
    if (this.direction !== 'inbound' || this.phase === 'connected') return undefined;
    if (reason === 'hangup' || reason === 'rejected') return 486;
    return reason === 'failed' ? 500 : 480;
  }

  /** Ends the call for `reason` (the gateway or session closing): hangs up and releases everything. */
  close(reason: SoftphoneEndReason): Promise<void> {
    if (this.ended) return this.done;
    return this.hangupSip(reason);
  }

  private async finish(reason: SoftphoneEndReason): Promise<void> {
    if (this.phase === 'ended') return this.done;
    this.phase = 'ended';
    const final = this.endReason ?? reason;
    clearTimeout(this.connectTimer);
    clearTimeout(this.disconnectTimer);
    if (this.announced) this.host.send({ type: 'state', callId: this.id, state: 'ended', reason: final });
    this.host.logger.info({ callId: this.id, direction: this.direction, party: this.party, reason: final }, 'softphone call ended');
    if (this.sip && this.sip.state !== 'terminated') void this.sip.hangup().catch(() => undefined);
    await Promise.all([this.media?.close(), this.rtp?.close()].map((p) => p?.catch(() => undefined)));
    this.host.released(this);
    this.resolveDone();
  }

  private fail(err: unknown, code: SoftphoneErrorCode): void {
    // A setup step interrupted by the call ending (closed peer connection) is not a failure.
    if (this.ended) return;
    this.host.logger.error({ callId: this.id, err: String(err), stack: err instanceof Error ? err.stack : undefined }, 'softphone call failed');
    if (this.announced && !this.ended) this.host.send(errorMessage(code, this.id));
    void this.hangupSip('failed');
  }

  private sendState(reason?: string): void {
    if (!this.announced || this.ended) return;
    const message: SoftphoneServerMessage = { type: 'state', callId: this.id, state: this.state };
    if (reason !== undefined) message.reason = reason;
    this.host.send(message);
  }

  private error(code: SoftphoneErrorCode, detail?: string): Promise<void> {
    this.host.send(errorMessage(code, this.id, detail));
    return Promise.resolve();
  }

  /** For monitoring: packets relayed each way. */
  stats(): { toBrowser: number; fromBrowser: number } {
    return { toBrowser: this.media?.packetsToBrowser ?? 0, fromBrowser: this.media?.packetsFromBrowser ?? 0 };
  }
}
