/**
 * The media engine of the hotline's media role: a B2BUA with IVR. It answers inbound INVITEs to
 * the configured numbers (others get 404), terminates their RTP, runs the IVR flow, and bridges,
 * holds, transfers, conferences and hands off calls, with every bridged call recorded in stereo.
 * Calls are published as events for the CTI layer and end with a CDR.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import {
  SipStack, SipCallError, createAudioSdp, answerAudioOffer, parseSdp, parseSipUri, serializeSdp, silentLogger,
} from '../sip/index.js';
import type { SessionDescription, SipInboundCall, SipLogger, SipOutboundCall, SipPasswordLookup, SipTimerConfig } from '../sip/index.js';
import { PortAllocator, PortRangeExhaustedError } from '../media/port-allocator.js';
import { RtpSession } from '../media/rtp-session.js';
import { readPromptFile } from '../media/wav.js';
import type { TtsPort } from '../media/tts-espeak.js';
import type { AsrPort } from '../media/asr.js';
import { IvrFlowError, flowPrompts, validateFlow } from './flow.js';
import type { IvrFlow, IvrPrompt } from './flow.js';
import { MediaLeg, applyRemoteMedia, remoteMediaOf } from './leg.js';
import type { LegRole, RemoteMedia } from './leg.js';
import { B2buaCall, B2buaError } from './call.js';
import type { CallEvent, Cdr } from './types.js';

export interface B2buaSipOptions {
  udpPort?: number;
  tcpPort?: number;
  host?: string;
  /** Address written into Via/Contact and SDP (default: host, else 127.0.0.1). */
  publicAddress?: string;
  domain?: string;
  /** Phones registering with us (agents): username → password; omit for an open registrar. */
  users?: SipPasswordLookup;
  timers?: Partial<SipTimerConfig>;
  sessionTimers?: false | { interval?: number; minSe?: number };
  logger?: SipLogger;
}

export interface B2buaOptions {
  /** Use an existing stack (its 'invite' events are taken over); otherwise one is created from `sip`. */
  stack?: SipStack;
  sip?: B2buaSipOptions;
  rtp: {
    min: number;
    max: number;
    bindAddress?: string;
    /** Address put into our SDP (default: sip.publicAddress, else bindAddress, else 127.0.0.1). */
    publicAddress?: string;
    /** Per-session flood guard; a call is 50 packets/s, DTMF bursts add some (default 400). */
    maxPacketsPerSecond?: number;
    /** Hang up a call whose caller sent no RTP for this long (0 = off, the default; hold is exempt). */
    inactivityTimeoutMs?: number;
  };
  /** Dialled numbers (Request-URI user part) we answer, e.g. ['12345']. */
  numbers: readonly string[];
  /** The IVR flow, or a function choosing one per call (by number, time of day …). */
  flow: IvrFlow | ((call: SipInboundCall) => IvrFlow);
  /** TTS for prompts with `tts` text (EspeakTts in the product). Without one, such prompts are silent. */
  tts?: TtsPort;
  /** Stereo recordings of bridged calls go here (<dir>/<yyyymmdd>/<call id>.wav); omit to not record. */
  recordingsDir?: string;
  /** Voicemail files (default: recordingsDir/voicemail). */
  voicemailDir?: string;
  /** Music on hold: 8 kHz PCM or a prompt (looped). Default: silence. */
  musicOnHold?: Int16Array | IvrPrompt;
  /**
   * Queue placeholder: a transfer node with a queue calls this; return an agent target (an
   * extension or SIP URI) to bridge now, or undefined and call `call.bridgeTo()` later.
   */
  onQueue?: (call: B2buaCall, queue: string, data: Readonly<Record<string, string>>) => string | undefined | Promise<string | undefined>;
  /** Speech recognition tap for every bridged leg (transcripts become 'call.transcript' events). */
  asr?: AsrPort;
  /** Ring this long (180) before answering (default 0). */
  answerDelayMs?: number;
  /** Outbound legs that do not answer within this are cancelled (default 30 s). */
  ringTimeoutMs?: number;
  /** A caller left waiting in a queue longer than this is hung up (default 10 min). */
  queueTimeoutMs?: number;
  /** Run the in-band (Goertzel) DTMF detector on callers' audio too (default true). */
  inbandDtmf?: boolean;
  now?: () => number;
  logger?: SipLogger;
}

export interface DialOptions {
  from?: string;
  displayName?: string;
  headers?: Array<[string, string]>;
  ringTimeoutMs?: number;
}

export interface B2buaEvents {
  event: [CallEvent];
  cdr: [Cdr];
}

export interface B2buaStats {
  activeCalls: number;
  callsStarted: number;
  callsEnded: number;
  rejected: number;
  portsInUse: number;
  portCapacity: number;
}

export class B2bua extends EventEmitter<B2buaEvents> {
  readonly stack: SipStack;
  readonly allocator: PortAllocator;
  readonly options: B2buaOptions;
  readonly domain: string;
  musicOnHold: Int16Array = new Int16Array(0);
  private readonly ownsStack: boolean;
  private readonly calls = new Map<string, B2buaCall>();
  private readonly released = new Map<string, Array<() => void>>();
  private readonly prompts = new Map<string, Promise<Int16Array>>();
  private readonly numbers: Set<string>;
  private readonly logger: SipLogger;
  private readonly mediaAddress: string;
  private counts = { started: 0, ended: 0, rejected: 0 };
  private closing = false;

  /** Creates the engine (and its SIP stack unless one is given) and prepares the flow's prompts. */
  static async create(options: B2buaOptions): Promise<B2bua> {
    if (typeof options.flow !== 'function') validateFlow(options.flow);
    const sip = options.sip ?? {};
    const stack =
      options.stack ??
      (await SipStack.create({
        udp: { port: sip.udpPort ?? 5060, ...(sip.host ? { host: sip.host } : {}) },
        ...(sip.tcpPort !== undefined ? { tcp: { port: sip.tcpPort, ...(sip.host ? { host: sip.host } : {}) } } : {}),
        domain: sip.domain ?? 'hotline.local',
        ...(sip.publicAddress ?? sip.host ? { publicAddress: sip.publicAddress ?? sip.host } : {}),
        registrar: sip.users ? { users: sip.users } : {},
        ...(sip.timers ? { timers: sip.timers } : {}),
        ...(sip.sessionTimers !== undefined ? { sessionTimers: sip.sessionTimers } : {}),
        ...(sip.logger ?? options.logger ? { logger: sip.logger ?? options.logger } : {}),
      }));
    const engine = new B2bua(options, stack, options.stack === undefined);
    await engine.prepare();
    return engine;
  }

  private constructor(options: B2buaOptions, stack: SipStack, ownsStack: boolean) {
    super();
    this.options = options;
    this.stack = stack;
    this.ownsStack = ownsStack;
    this.domain = options.sip?.domain ?? 'hotline.local';
    this.allocator = new PortAllocator({ min: options.rtp.min, max: options.rtp.max });
    this.numbers = new Set(options.numbers);
    this.logger = options.logger ?? options.sip?.logger ?? silentLogger;
    this.mediaAddress = options.rtp.publicAddress ?? options.sip?.publicAddress ?? stack.address ?? options.rtp.bindAddress ?? '127.0.0.1';
    stack.on('invite', (call) => this.onInvite(call));
  }

  now(): number {
    return (this.options.now ?? Date.now)();
  }

  stats(): B2buaStats {
    return {
      activeCalls: this.calls.size,
      callsStarted: this.counts.started,
      callsEnded: this.counts.ended,
      rejected: this.counts.rejected,
      portsInUse: this.allocator.allocated,
      portCapacity: this.allocator.capacity,
    };
  }

  get activeCalls(): B2buaCall[] {
    return [...this.calls.values()];
  }

  call(id: string): B2buaCall | undefined {
    return this.calls.get(id);
  }

  /** Synthesises (or loads) every prompt of the flow and the music on hold, so calls never wait for TTS. */
  async prepare(): Promise<void> {
    const moh = this.options.musicOnHold;
    if (moh instanceof Int16Array) this.musicOnHold = moh;
    else if (moh) this.musicOnHold = await this.promptAudio(moh);
    if (typeof this.options.flow !== 'function') await Promise.all(flowPrompts(this.options.flow).map((p) => this.promptAudio(p)));
  }

  /** 8 kHz PCM of a prompt, cached in memory; a prompt that cannot be made plays as 200 ms of silence. */
  promptAudio(prompt: IvrPrompt): Promise<Int16Array> {
    const key = JSON.stringify(prompt);
    let pcm = this.prompts.get(key);
    if (!pcm) {
      pcm = this.loadPrompt(prompt).catch((err: unknown) => {
        this.log('error', { prompt: key.slice(0, 200), err: String(err) }, 'prompt unavailable; playing silence');
        this.prompts.delete(key);
        return new Int16Array(1600);
      });
      this.prompts.set(key, pcm);
    }
    return pcm;
  }

  private async loadPrompt(prompt: IvrPrompt): Promise<Int16Array> {
    if ('silenceMs' in prompt) return new Int16Array(Math.round(prompt.silenceMs * 8));
    if ('file' in prompt) return readPromptFile(prompt.file);
    if (!this.options.tts) throw new Error('no TTS configured');
    const result = await this.options.tts.synthesize({
      text: prompt.tts,
      ...(prompt.voice !== undefined ? { voice: prompt.voice } : {}),
      ...(prompt.rate !== undefined ? { rate: prompt.rate } : {}),
    });
    return result.pcm;
  }

  /** Ends every call and, when the engine created it, closes the SIP stack. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.calls.values()].map((c) => c.hangup('shutdown')));
    if (this.ownsStack) await this.stack.close();
  }

  // ---- Inbound ------------------------------------------------------------------------------

  private onInvite(inbound: SipInboundCall): void {
    void this.acceptInvite(inbound).catch((err: unknown) => {
      this.log('error', { err: String(err), stack: err instanceof Error ? err.stack : undefined }, 'inbound call failed');
      inbound.reject(500);
    });
  }

  private dialledNumber(inbound: SipInboundCall): string {
    try {
      return parseSipUri(inbound.calledUri).user?.split(';')[0] ?? '';
    } catch {
      return '';
    }
  }

  private reject(inbound: SipInboundCall, status: number): void {
    this.counts.rejected++;
    inbound.reject(status);
  }

  private async acceptInvite(inbound: SipInboundCall): Promise<void> {
    if (this.closing) return this.reject(inbound, 503);
    const number = this.dialledNumber(inbound);
    if (!this.numbers.has(number)) return this.reject(inbound, 404);
    // Late offer (INVITE without SDP): we offer in the 200 and the caller answers in the ACK.
    const lateOffer = inbound.remoteSdp === undefined;
    let remote: RemoteMedia | undefined;
    let offer: SessionDescription | undefined;
    if (!lateOffer) {
      try {
        offer = parseSdp(inbound.remoteSdp ?? '');
        remote = remoteMediaOf(offer);
      } catch {
        return this.reject(inbound, 488);
      }
      if (!remote || remote.port === 0) return this.reject(inbound, 488);
    }
    let rtp: RtpSession;
    try {
      rtp = await this.openRtp(remote ? remote.telephoneEventPt : 101, this.options.inbandDtmf ?? true);
    } catch (err) {
      if (err instanceof PortRangeExhaustedError) return this.reject(inbound, 503);
      throw err;
    }
    if (inbound.state === 'terminated') {
      await rtp.close();
      return;
    }
    let localSdp: string;
    if (offer && remote) {
      const answer = answerAudioOffer(offer, { address: this.mediaAddress, port: rtp.localPort });
      if (!answer) {
        await rtp.close();
        return this.reject(inbound, 488);
      }
      localSdp = serializeSdp(answer.sdp);
      applyRemoteMedia(rtp, remote);
    } else {
      localSdp = serializeSdp(createAudioSdp({ address: this.mediaAddress, port: rtp.localPort }));
    }
    const id = newCallId();
    const callerId = inbound.callerId;
    const startedAt = this.now();
    const cdr: Cdr = {
      id,
      sipCallId: inbound.callId,
      caller: callerId.number,
      ...(callerId.displayName !== undefined ? { callerName: callerId.displayName } : {}),
      callerWithheld: callerId.withheld,
      callee: number,
      startedAt,
      ivrPath: [],
      ivrInputs: [],
      dtmf: '',
      transfers: [],
      legs: [{ id: 'citizen', role: 'citizen', party: callerId.number, sipCallId: inbound.callId, startedAt }],
      holdSeconds: 0,
    };
    const leg = new MediaLeg('citizen', 'citizen', inbound, rtp, callerId.number, this.mediaAddress);
    const call = new B2buaCall(this, id, inbound, leg, cdr);
    this.calls.set(id, call);
    this.counts.started++;
    call.emit('call.started', { sipCallId: inbound.callId, callerName: callerId.displayName ?? null, withheld: callerId.withheld });
    const flow = typeof this.options.flow === 'function' ? this.options.flow(inbound) : this.options.flow;
    if (typeof this.options.flow === 'function') {
      try {
        validateFlow(flow);
      } catch (err) {
        if (!(err instanceof IvrFlowError)) throw err;
        this.log('error', { err: err.message }, 'invalid IVR flow');
        inbound.reject(500);
        await call.hangup('error');
        return;
      }
    }
    const idle = this.options.rtp.inactivityTimeoutMs ?? 0;
    if (idle > 0) {
      rtp.on('inactive', () => {
        if (!leg.remoteHold && !leg.localHold) void call.hangup('rtp-timeout');
      });
    }
    const delay = this.options.answerDelayMs ?? 0;
    if (delay > 0) {
      inbound.ringing();
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (call.state === 'ended' || leg.ended) return;
    }
    inbound.answer(localSdp);
    leg.connectedAt = this.now();
    cdr.answeredAt = leg.connectedAt;
    const cdrLeg = cdr.legs[0];
    if (cdrLeg) cdrLeg.answeredAt = leg.connectedAt;
    call.emit('call.answered', {});
    // Media starts on the ACK (the caller may not play early audio before it, RFC 3261 §13.2.1).
    const start = (): void => void call.runIvr(flow);
    if (!lateOffer) {
      if (inbound.state === 'confirmed') start();
      else inbound.once('ack', start);
      return;
    }
    inbound.once('ack', (ackSdp) => {
      // RFC 3261 §13.2.1: without a usable answer in the ACK the session cannot run; end it with BYE.
      const answered = ackSdp !== undefined ? leg.applyAnswer(ackSdp) : undefined;
      if (!answered || answered.port === 0) {
        this.log('info', { callId: id }, 'late-offer call without a usable answer in the ACK');
        void call.hangup('error');
        return;
      }
      start();
    });
  }

  private openRtp(telephoneEventPt: number | null, inbandDtmf: boolean): Promise<RtpSession> {
    const rtp = this.options.rtp;
    return RtpSession.open({
      allocator: this.allocator,
      bindAddress: rtp.bindAddress ?? '0.0.0.0',
      telephoneEventPt,
      symmetric: true,
      inbandDtmf,
      maxPacketsPerSecond: rtp.maxPacketsPerSecond ?? 400,
      inactivityTimeoutMs: rtp.inactivityTimeoutMs ?? 0,
    });
  }

  // ---- Outbound legs ------------------------------------------------------------------------

  /** Where an extension or URI is reached: a registered phone's contact, or the URI itself. */
  resolveTarget(target: string): { uri: string; destination?: ReturnType<SipStack['bindingDestination']> } {
    if (/^(sips?|tel):/i.test(target)) {
      // A URI in our own domain (a REFER's Refer-To: sip:1002@domain) names a registered extension.
      const registered = this.registeredUri(target);
      return registered ?? { uri: target };
    }
    if (!/^[\w.+*#-]{1,64}$/.test(target)) throw new B2buaError('bad-target', `not an extension or SIP URI: ${target.slice(0, 80)}`);
    const binding = this.stack.lookup(`${target}@${this.domain}`)[0];
    if (!binding) throw new B2buaError('not-registered', `extension ${target} is not registered`, 480);
    const destination = this.stack.bindingDestination(binding);
    return destination ? { uri: binding.contact, destination } : { uri: binding.contact };
  }

  private registeredUri(target: string): { uri: string; destination?: ReturnType<SipStack['bindingDestination']> } | undefined {
    let user: string | undefined;
    let host: string;
    try {
      const uri = parseSipUri(target);
      if (uri.scheme === 'tel') return undefined;
      user = uri.user?.split(';')[0];
      host = uri.host;
    } catch {
      return undefined;
    }
    if (!user || host.toLowerCase() !== this.domain.toLowerCase()) return undefined;
    const binding = this.stack.lookup(`${user}@${this.domain}`)[0];
    // Our own domain is not resolved by DNS (that would loop back to us): unregistered is final.
    if (!binding) throw new B2buaError('not-registered', `extension ${user} is not registered`, 480);
    const destination = this.stack.bindingDestination(binding);
    return destination ? { uri: binding.contact, destination } : { uri: binding.contact };
  }

  /** @internal Places an outbound leg for a call and waits for its answer. */
  async dial(call: B2buaCall, id: string, role: LegRole, target: string, opts: DialOptions, onPending: (leg: MediaLeg) => void): Promise<MediaLeg> {
    const { uri, destination } = this.resolveTarget(target);
    let rtp: RtpSession;
    try {
      rtp = await this.openRtp(101, false);
    } catch (err) {
      if (err instanceof PortRangeExhaustedError) throw new B2buaError('ports-exhausted', err.message, 503);
      throw err;
    }
    const offer = serializeSdp(createAudioSdp({ address: this.mediaAddress, port: rtp.localPort }));
    let sip: SipOutboundCall;
    try {
      sip = this.stack.call(uri, offer, {
        ...(destination ? { destination } : {}),
        ...(opts.from !== undefined ? { from: opts.from } : {}),
        displayName: opts.displayName ?? call.caller,
        ...(opts.headers ? { headers: opts.headers } : {}),
      });
    } catch (err) {
      await rtp.close();
      throw new B2buaError('bad-target', `cannot call ${uri}: ${String(err)}`, err instanceof SipCallError ? err.status : 503);
    }
    const leg = new MediaLeg(id, role, sip, rtp, target, this.mediaAddress);
    onPending(leg);
    const startedAt = this.now();
    const record: Cdr['legs'][number] = { id, role, party: target, sipCallId: sip.callId, startedAt };
    call.cdr.legs.push(record);
    const ringTimeout = setTimeout(() => void sip.hangup(), opts.ringTimeoutMs ?? this.options.ringTimeoutMs ?? 30_000);
    let answerSdp: string | undefined;
    try {
      answerSdp = await sip.waitAnswer();
    } catch (err) {
      await rtp.close();
      const status = err instanceof SipCallError ? err.status : 500;
      record.failStatus = status;
      record.endedAt = this.now();
      throw new B2buaError('no-answer', `${target} did not answer (${status})`, status);
    } finally {
      clearTimeout(ringTimeout);
    }
    if (answerSdp === undefined || !leg.applyAnswer(answerSdp)) {
      await leg.hangup();
      await rtp.close();
      record.failStatus = 488;
      throw new B2buaError('no-answer', `${target} answered without usable audio`, 488);
    }
    leg.connectedAt = this.now();
    record.answeredAt = leg.connectedAt;
    return leg;
  }

  /** @internal */
  async queueRequest(call: B2buaCall, queue: string, data: Readonly<Record<string, string>>): Promise<string | undefined> {
    const timeout = this.options.queueTimeoutMs ?? 600_000;
    const timer = setTimeout(() => {
      if (call.state === 'queued') void call.hangup('queue-timeout');
    }, timeout);
    void call.ended.then(() => clearTimeout(timer));
    const onQueue = this.options.onQueue;
    if (!onQueue) return undefined;
    return onQueue(call, queue, data);
  }

  // ---- Bookkeeping --------------------------------------------------------------------------

  /** @internal */
  publish(event: CallEvent): void {
    try {
      this.emit('event', event);
    } catch (err) {
      this.log('error', { type: event.type, err: String(err) }, 'call event listener threw');
    }
  }

  /** @internal */
  callReleased(call: B2buaCall): void {
    this.calls.delete(call.id);
    this.counts.ended++;
    try {
      this.emit('cdr', call.cdr);
    } catch (err) {
      this.log('error', { err: String(err) }, 'cdr listener threw');
    }
    for (const fn of this.released.get(call.id) ?? []) fn();
    this.released.delete(call.id);
  }

  /** @internal */
  onceCallReleased(id: string, fn: () => void): void {
    if (!this.calls.has(id)) return fn();
    const list = this.released.get(id) ?? [];
    list.push(fn);
    this.released.set(id, list);
  }

  /** @internal */
  log(level: 'debug' | 'info' | 'warn' | 'error', obj: Record<string, unknown>, msg: string): void {
    this.logger[level].call(this.logger, obj, msg);
  }
}

/** The engine's name in the architecture ("the media role runs the MediaEngine"). */
export const MediaEngine = B2bua;
export type MediaEngine = B2bua;

function newCallId(): string {
  return `${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;
}
