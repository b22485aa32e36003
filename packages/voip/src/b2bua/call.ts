/**
 * One inbound call through the B2BUA: the caller's leg runs the IVR flow, then the call is
 * bridged to agents, held, transferred, conferenced or handed off. Media always passes through
 * the engine: one 20 ms clock per call pops a frame from every leg's jitter buffer, mixes per
 * room (mix-minus), feeds music on hold to whoever waits alone, and writes the stereo recording
 * (citizen left, everyone else right).
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SipCallEnd, SipInboundCall } from '../sip/index.js';
import { collectDigits } from '../media/dtmf-collector.js';
import { FrameClock } from '../media/frame-clock.js';
import { G711_FRAME_SAMPLES } from '../media/g711.js';
import { mixMinusOne, softLimit } from '../media/mixer.js';
import { playPrompt } from '../media/prompt-player.js';
import { StereoRecorder } from '../media/stereo-recorder.js';
import { WavFileWriter } from '../media/wav.js';
import { tapToAsr } from '../media/asr.js';
import type { DtmfEvent } from '../media/telephone-event.js';
import type { AudioFrame } from '../media/rtp-session.js';
import type { IvrCollectNode, IvrFlow, IvrPrompt, IvrTransferNode, IvrVoicemailNode } from './flow.js';
import { promptList } from './flow.js';
import { MediaLeg } from './leg.js';
import type { B2bua, DialOptions } from './engine.js';
import type { CallEndReason, CallEventType, Cdr } from './types.js';

export type CallState = 'ivr' | 'queued' | 'connecting' | 'bridged' | 'ended';

export class B2buaError extends Error {
  override readonly name = 'B2buaError';
  constructor(
    readonly code: 'not-registered' | 'bad-target' | 'no-answer' | 'call-ended' | 'bad-state' | 'no-such-leg' | 'ports-exhausted',
    message: string,
    /** SIP status of a failed outbound leg. */
    readonly status?: number,
  ) {
    super(message);
  }
}

const SILENCE = new Int16Array(G711_FRAME_SAMPLES);

export class B2buaCall {
  readonly id: string;
  readonly cdr: Cdr;
  readonly citizen: MediaLeg;
  readonly legs = new Map<string, MediaLeg>();
  /** IVR variables (collect results, transfer data). */
  readonly vars = new Map<string, string>();
  state: CallState = 'ivr';
  private readonly engine: B2bua;
  private readonly ivrAbort = new AbortController();
  private clock: FrameClock | undefined;
  private tickNo = 0;
  private recorder: StereoRecorder | undefined;
  private recordStartTick = 0;
  private mohPos = 0;
  private partySeq = 0;
  private holdStartedAt: number | undefined;
  private readonly pending = new Set<MediaLeg>();
  private readonly taps = new Map<string, () => void>();
  private readonly tapping = new WeakSet<MediaLeg>();
  private endPromise: Promise<void> | undefined;
  private consultLeg: MediaLeg | undefined;

  constructor(engine: B2bua, id: string, inbound: SipInboundCall, leg: MediaLeg, cdr: Cdr) {
    this.engine = engine;
    this.id = id;
    this.cdr = cdr;
    this.citizen = leg;
    this.legs.set(leg.id, leg);
    leg.on('ended', (end) => this.onLegEnded(leg, end));
    leg.on('remoteHold', (held) => this.emit(held ? 'call.held' : 'call.retrieved', { leg: leg.id, by: 'remote' }));
    leg.on('dtmf', (e) => this.onCitizenDigit(e));
    void inbound;
  }

  get caller(): string {
    return this.cdr.caller;
  }

  /** The first connected agent leg, if any. */
  get agent(): MediaLeg | undefined {
    for (const leg of this.legs.values()) if (leg.role === 'agent' && !leg.ended) return leg;
    return undefined;
  }

  /** Resolves when the call has ended and every resource is released. */
  get ended(): Promise<void> {
    return this.endPromise ?? new Promise((resolve) => this.engine.onceCallReleased(this.id, resolve));
  }

  // ---- IVR ----------------------------------------------------------------------------------

  /** @internal Runs the flow from its start node; ends by hang-up, transfer or queue. */
  async runIvr(flow: IvrFlow): Promise<void> {
    const signal = this.ivrAbort.signal;
    let id: string | undefined = flow.start;
    let pendingDigit = '';
    let steps = 0;
    const max = flow.maxSteps ?? 200;
    try {
      while (id !== undefined && !signal.aborted && this.state === 'ivr') {
        if (++steps > max) break;
        const node: IvrFlow['nodes'][string] | undefined = flow.nodes[id];
        if (!node) break;
        this.cdr.ivrPath.push(id);
        this.emit('ivr.node', { node: id, type: node.type });
        switch (node.type) {
          case 'play': {
            const digit = await this.play(node.prompt, node.bargeIn ?? false);
            if (digit) pendingDigit += digit;
            id = node.next;
            break;
          }
          case 'collect': {
            const got = await this.collect(id, node, pendingDigit);
            pendingDigit = '';
            id = got ? node.next : node.onFail;
            break;
          }
          case 'branch': {
            const value = this.vars.get(node.variable ?? 'digits') ?? '';
            id = node.cases[value] ?? node.default ?? node.next;
            break;
          }
          case 'transfer':
            await this.play(node.prompt, false);
            if (signal.aborted) return;
            id = await this.transferFromIvr(node);
            break;
          case 'voicemail':
            await this.play(node.prompt, false);
            if (signal.aborted) return;
            await this.recordVoicemail(node);
            id = node.next;
            break;
          case 'hangup':
            await this.play(node.prompt, false);
            id = undefined;
            break;
        }
      }
      if (!signal.aborted && this.state === 'ivr') await this.hangup(id === undefined ? 'ivr-hangup' : 'ivr-end');
    } catch (err) {
      this.engine.log('warn', { callId: this.id, err: String(err) }, 'ivr failed');
      if (this.state !== 'ended') await this.hangup('error');
    }
  }

  /** Plays prompts to the caller; returns the barge-in digit, if any. */
  private async play(prompt: IvrPrompt | readonly IvrPrompt[] | undefined, bargeIn: boolean): Promise<string | undefined> {
    for (const p of promptList(prompt)) {
      if (this.ivrAbort.signal.aborted) return undefined;
      const pcm = await this.engine.promptAudio(p);
      if (this.ivrAbort.signal.aborted || this.citizen.ended) return undefined;
      const result = await playPrompt(this.citizen.rtp, pcm, { signal: this.ivrAbort.signal, ...(bargeIn ? { bargeIn: this.citizen } : {}) });
      if (result.reason === 'dtmf') return result.digit;
    }
    return undefined;
  }

  private async collect(id: string, node: IvrCollectNode, initial: string): Promise<boolean> {
    const tries = 1 + (node.retries ?? 2);
    const valid = node.valid !== undefined ? new RegExp(node.valid) : undefined;
    let carried = initial;
    for (let attempt = 0; attempt < tries; attempt++) {
      if (this.ivrAbort.signal.aborted) return false;
      let first = carried;
      carried = '';
      if (first === '') first = (await this.play(attempt === 0 ? node.prompt : node.retryPrompt ?? node.prompt, true)) ?? '';
      if (this.ivrAbort.signal.aborted) return false;
      const result = await collectDigits(this.citizen, {
        maxDigits: node.maxDigits ?? 1,
        terminators: node.terminators ?? '#',
        firstDigitTimeoutMs: node.firstDigitTimeoutMs ?? 5000,
        interDigitTimeoutMs: node.interDigitTimeoutMs ?? 3000,
        initial: first,
        signal: this.ivrAbort.signal,
      });
      if (result.reason === 'aborted') return false;
      if (result.digits !== '' && (!valid || valid.test(result.digits))) {
        this.vars.set(node.variable ?? 'digits', result.digits);
        this.cdr.ivrInputs.push({ node: id, digits: result.digits });
        return true;
      }
      this.cdr.ivrInputs.push({ node: id, digits: result.digits });
      this.emit('ivr.retry', { node: id, attempt: attempt + 1, reason: result.digits === '' ? 'no-input' : 'invalid', last: attempt + 1 >= tries });
    }
    return false;
  }

  private onCitizenDigit(e: DtmfEvent): void {
    if (this.state !== 'ivr' && this.state !== 'queued') return;
    this.cdr.dtmf += e.digit;
    this.emit('ivr.digit', { digit: e.digit, source: e.source });
  }

  /** Transfer node: straight to a target, or into a queue whose callback picks the agent. */
  private async transferFromIvr(node: IvrTransferNode): Promise<string | undefined> {
    if (node.target !== undefined) {
      try {
        await this.bridgeTo(node.target);
        return undefined;
      } catch (err) {
        this.engine.log('info', { callId: this.id, target: node.target, err: String(err) }, 'ivr transfer failed');
        if (this.state === 'ended') return undefined;
        this.state = 'ivr';
        return node.next;
      }
    }
    const queue = node.queue ?? 'default';
    this.cdr.queue = queue;
    this.enterWaiting('queued');
    this.emit('call.queued', { queue, data: node.data ?? {}, vars: Object.fromEntries(this.vars) });
    const target = await this.engine.queueRequest(this, queue, node.data ?? {});
    if (target !== undefined && this.state === 'queued') {
      try {
        await this.bridgeTo(target);
      } catch (err) {
        this.engine.log('info', { callId: this.id, target, err: String(err) }, 'queue target failed');
        if (this.state === 'queued') return node.next;
      }
    }
    return undefined;
  }

  /** Records the caller (mono WAV) until the terminator key, the time limit or hang-up. */
  private async recordVoicemail(node: IvrVoicemailNode): Promise<void> {
    const dir = this.engine.options.voicemailDir ?? this.engine.options.recordingsDir;
    if (!dir) return;
    const path = join(dir, 'voicemail', dayDir(this.cdr.startedAt), `${this.id}.wav`);
    await mkdir(dirname(path), { recursive: true });
    const writer = await WavFileWriter.create(path, 8000, 1);
    const onAudio = (f: AudioFrame): void => writer.write(f.pcm);
    this.citizen.rtp.on('audio', onAudio);
    try {
      await collectDigits(this.citizen, {
        maxDigits: 1,
        terminators: node.terminator ?? '#',
        firstDigitTimeoutMs: (node.maxSeconds ?? 120) * 1000,
        signal: this.ivrAbort.signal,
      });
    } finally {
      this.citizen.rtp.off('audio', onAudio);
      await writer.close().catch(() => undefined);
    }
    this.cdr.voicemailPath = path;
    this.emit('call.voicemail', { path, seconds: writer.frames / 8000 });
  }

  // ---- Bridging -----------------------------------------------------------------------------

  /**
   * Bridges the caller to an agent: an extension registered with our registrar ("1002") or a
   * SIP URI. Resolves with the agent leg once it answered; rejects with B2buaError otherwise.
   */
  async bridgeTo(target: string, opts: DialOptions = {}): Promise<MediaLeg> {
    this.assertLive();
    this.stopIvr();
    if (this.state !== 'bridged') this.enterWaiting('connecting');
    this.emit('call.ringing', { target });
    const leg = await this.dial('agent', target, opts);
    // The caller may have hung up while the agent's phone rang.
    if (this.isEnded()) {
      await leg.hangup();
      await leg.closeMedia();
      throw new B2buaError('call-ended', 'the caller hung up');
    }
    for (const other of this.legs.values()) if (other.role === 'agent' && other !== leg && !other.ended) other.room = 'parked';
    leg.room = 'main';
    this.citizen.room = 'main';
    this.addLeg(leg);
    await this.markBridged(leg);
    return leg;
  }

  private async markBridged(leg: MediaLeg): Promise<void> {
    this.state = 'bridged';
    const first = this.cdr.bridgedAt === undefined;
    if (first) {
      this.cdr.bridgedAt = this.engine.now();
      this.cdr.agent = leg.party;
      void this.startTap(this.citizen);
      await this.startRecording();
    }
    this.emit('call.bridged', { leg: leg.id, agent: leg.party, recordingPath: this.cdr.recordingPath ?? null });
  }

  /** Hold: re-INVITE a=sendonly towards the leg (default the caller), who then hears music. */
  async hold(legId = 'citizen'): Promise<void> {
    const leg = this.leg(legId);
    if (leg.localHold) return;
    await leg.setLocalHold(true);
    if (leg === this.citizen) this.startHoldClock();
    this.emit('call.held', { leg: leg.id, by: 'engine' });
  }

  async retrieve(legId = 'citizen'): Promise<void> {
    const leg = this.leg(legId);
    if (!leg.localHold) return;
    await leg.setLocalHold(false);
    if (leg === this.citizen && ![...this.legs.values()].some((l) => l !== this.citizen && l.remoteHold && !l.ended)) this.stopHoldClock();
    this.emit('call.retrieved', { leg: leg.id, by: 'engine' });
  }

  /** The CDR's hold time is the citizen's waiting time, whoever held the call. */
  private startHoldClock(): void {
    this.holdStartedAt ??= this.engine.now();
  }

  private stopHoldClock(): void {
    if (this.holdStartedAt === undefined) return;
    this.cdr.holdSeconds += (this.engine.now() - this.holdStartedAt) / 1000;
    this.holdStartedAt = undefined;
  }

  /** Blind transfer: the caller is connected to `target` and the current agent leaves. */
  async blindTransfer(
    target: string,
    kind: 'blind' | 'refer' | 'handoff' = 'blind',
    opts: DialOptions = {},
    /** Runs once the target answered, before the old agent is released (REFER's NOTIFY 200). */
    onConnected?: () => void,
  ): Promise<MediaLeg> {
    this.assertLive();
    const from = this.agent;
    let leg: MediaLeg;
    try {
      leg = await this.dial('agent', target, opts);
    } catch (err) {
      this.cdr.transfers.push({ at: this.engine.now(), kind, to: target, ok: false, ...(from ? { from: from.party } : {}) });
      throw err;
    }
    if (this.isEnded()) {
      await leg.hangup();
      await leg.closeMedia();
      throw new B2buaError('call-ended', 'the caller hung up');
    }
    this.addLeg(leg);
    leg.room = 'main';
    this.citizen.room = 'main';
    this.cdr.transfers.push({ at: this.engine.now(), kind, to: target, ok: true, ...(from ? { from: from.party } : {}) });
    onConnected?.();
    if (from) {
      this.legs.delete(from.id);
      await from.hangup();
    }
    if (this.state !== 'bridged') await this.markBridged(leg);
    this.emit('call.transferred', { kind, from: from?.party ?? null, to: target, leg: leg.id });
    return leg;
  }

  /**
   * Attended transfer, step 1: the caller waits (music) while the agent talks to `target`.
   * Then completeTransfer() joins caller and target, or cancelConsult() goes back.
   */
  async consult(target: string, opts: DialOptions = {}): Promise<MediaLeg> {
    this.assertLive();
    const agent = this.agent;
    if (!agent || this.consultLeg) throw new B2buaError('bad-state', 'consult needs a bridged agent and no consult in progress');
    this.citizen.room = 'waiting';
    this.emit('call.consulting', { target });
    let leg: MediaLeg;
    try {
      leg = await this.dial('party', target, opts);
    } catch (err) {
      this.citizen.room = 'main';
      throw err;
    }
    if (this.isEnded()) {
      await leg.hangup();
      await leg.closeMedia();
      throw new B2buaError('call-ended', 'the caller hung up');
    }
    agent.room = 'consult';
    leg.room = 'consult';
    this.consultLeg = leg;
    this.addLeg(leg);
    return leg;
  }

  async completeTransfer(): Promise<void> {
    const leg = this.consultLeg;
    const agent = this.agent;
    if (!leg || leg.ended) throw new B2buaError('bad-state', 'no consult call to complete');
    this.consultLeg = undefined;
    leg.room = 'main';
    this.citizen.room = 'main';
    this.cdr.transfers.push({ at: this.engine.now(), kind: 'attended', to: leg.party, ok: true, ...(agent ? { from: agent.party } : {}) });
    if (agent) {
      this.legs.delete(agent.id);
      await agent.hangup();
    }
    this.emit('call.transferred', { kind: 'attended', from: agent?.party ?? null, to: leg.party, leg: leg.id });
  }

  async cancelConsult(): Promise<void> {
    const leg = this.consultLeg;
    this.consultLeg = undefined;
    if (leg) {
      this.legs.delete(leg.id);
      await leg.hangup();
    }
    const agent = this.agent;
    if (agent) agent.room = 'main';
    this.citizen.room = 'main';
  }

  /** Three-way: adds `target` to the conversation; any party may leave later. */
  async addParty(target: string, opts: DialOptions = {}): Promise<MediaLeg> {
    this.assertLive();
    const leg = await this.dial('party', target, opts);
    if (this.isEnded()) {
      await leg.hangup();
      await leg.closeMedia();
      throw new B2buaError('call-ended', 'the caller hung up');
    }
    leg.room = 'main';
    this.addLeg(leg);
    if (this.state !== 'bridged') await this.markBridged(leg);
    this.emit('call.conferenced', { leg: leg.id, party: target, parties: [...this.legs.values()].filter((l) => !l.ended).map((l) => l.party) });
    return leg;
  }

  /** Drops one leg (a conference member, or the agent); the call goes on while two remain. */
  async removeParty(legId: string): Promise<void> {
    const leg = this.leg(legId);
    await leg.hangup();
  }

  /**
   * The 110 case: calls an external number carrying the caller's number (From display and
   * P-Asserted-Identity), then either joins it as a third party or hands the caller over.
   */
  async handoff(target: string, mode: 'three-way' | 'transfer' = 'three-way'): Promise<MediaLeg> {
    const number = this.cdr.caller;
    const domain = this.engine.domain;
    const opts: DialOptions = {
      from: `sip:${number}@${domain}`,
      displayName: number,
      headers: [['P-Asserted-Identity', `<sip:${number}@${domain}>`]],
    };
    if (mode === 'transfer') return this.blindTransfer(target, 'handoff', opts);
    const leg = await this.addParty(target, opts);
    this.cdr.transfers.push({ at: this.engine.now(), kind: 'handoff', to: target, ok: true, ...(this.agent ? { from: this.agent.party } : {}) });
    return leg;
  }

  /** Taps one leg's decoded audio (what that party says); returns a detach function. */
  tapAudio(legId: string, listener: (pcm: Int16Array) => void): () => void {
    const leg = this.leg(legId);
    const onAudio = (f: AudioFrame): void => listener(f.pcm);
    leg.rtp.on('audio', onAudio);
    return () => leg.rtp.off('audio', onAudio);
  }

  /** Ends the call: every leg is hung up and every resource released. */
  hangup(reason: CallEndReason = 'api-hangup'): Promise<void> {
    this.endPromise ??= this.release(reason);
    return this.endPromise;
  }

  // ---- Internals ----------------------------------------------------------------------------

  private leg(legId: string): MediaLeg {
    const leg = this.legs.get(legId);
    if (!leg || leg.ended) throw new B2buaError('no-such-leg', `no live leg ${legId}`);
    return leg;
  }

  private isEnded(): boolean {
    return this.state === 'ended' || (this.citizen.ended && this.liveLegs().length < 2);
  }

  private assertLive(): void {
    if (this.state === 'ended') throw new B2buaError('call-ended', 'the call has ended');
  }

  private stopIvr(): void {
    if (!this.ivrAbort.signal.aborted) this.ivrAbort.abort();
  }

  /** The caller leaves the IVR and waits (queue, ringing agent): the clock plays music to it. */
  private enterWaiting(state: 'queued' | 'connecting'): void {
    this.stopIvr();
    this.state = state;
    this.startClock();
  }

  private async dial(role: 'agent' | 'party', target: string, opts: DialOptions): Promise<MediaLeg> {
    const id = role === 'agent' && !this.legs.has('agent') ? 'agent' : `${role}-${++this.partySeq}`;
    const leg = await this.engine.dial(this, id, role, target, opts, (l) => this.pending.add(l));
    this.pending.delete(leg);
    return leg;
  }

  private addLeg(leg: MediaLeg): void {
    this.legs.set(leg.id, leg);
    leg.on('ended', (end) => this.onLegEnded(leg, end));
    leg.on('remoteHold', (held) => {
      // An agent's phone holding the call (re-INVITE sendonly) leaves the citizen waiting with music.
      if (held) this.startHoldClock();
      else if (!this.citizen.localHold) this.stopHoldClock();
      this.emit(held ? 'call.held' : 'call.retrieved', { leg: leg.id, by: 'remote' });
    });
    leg.sip.on('refer', (request) => {
      // REFER from an agent: blind transfer of the caller to the Refer-To target.
      void this.blindTransfer(request.target, 'refer', {}, () => request.notify(200)).catch((err: unknown) =>
        request.notify(err instanceof B2buaError && err.status !== undefined && err.status >= 300 ? err.status : 503),
      );
    });
    leg.startPlayout();
    this.startClock();
    void this.startTap(leg);
  }

  private async startTap(leg: MediaLeg): Promise<void> {
    const asr = this.engine.options.asr;
    if (!asr || this.tapping.has(leg)) return;
    this.tapping.add(leg);
    try {
      const { stream, detach } = await tapToAsr(leg.rtp, asr, `${this.id}:${leg.id}`);
      if (leg.ended) return detach();
      this.taps.set(leg.id, detach);
      for await (const t of stream.results) this.emit('call.transcript', { leg: leg.id, role: leg.role, text: t.text, final: t.final });
    } catch (err) {
      this.engine.log('debug', { callId: this.id, err: String(err) }, 'asr tap unavailable');
    }
  }

  private async startRecording(): Promise<void> {
    const dir = this.engine.options.recordingsDir;
    if (!dir || this.recorder) return;
    const path = join(dir, dayDir(this.cdr.startedAt), `${this.id}.wav`);
    try {
      await mkdir(dirname(path), { recursive: true });
      const recorder = await StereoRecorder.create(path);
      if (this.state === 'ended') {
        await recorder.close();
        return;
      }
      this.recorder = recorder;
      this.recordStartTick = this.tickNo;
      this.cdr.recordingPath = path;
    } catch (err) {
      this.engine.log('error', { callId: this.id, path, err: String(err) }, 'recording could not start');
    }
  }

  private startClock(): void {
    if (this.clock || this.state === 'ended') return;
    this.citizen.startPlayout();
    this.clock = new FrameClock((n) => this.tick(n));
    this.clock.start();
  }

  private mohFrame(): Int16Array {
    const moh = this.engine.musicOnHold;
    if (moh.length < G711_FRAME_SAMPLES) return SILENCE;
    if (this.mohPos + G711_FRAME_SAMPLES > moh.length) this.mohPos = 0;
    const frame = moh.subarray(this.mohPos, this.mohPos + G711_FRAME_SAMPLES);
    this.mohPos += G711_FRAME_SAMPLES;
    return frame;
  }

  /** One 20 ms step of the call's media: mix per room, music for those waiting, recording. */
  private tick(n: number): void {
    this.tickNo = n;
    const frames = new Map<MediaLeg, Int16Array | undefined>();
    for (const leg of this.legs.values()) {
      if (leg.ended || !leg.playout) continue;
      const f = leg.playout.pop();
      frames.set(leg, leg.active && f.kind !== 'silence' ? f.pcm : undefined);
    }
    if (this.recorder) {
      const at = (n - this.recordStartTick) * 20;
      let right: Float64Array | undefined;
      for (const [leg, pcm] of frames) {
        if (leg === this.citizen || !pcm) continue;
        right ??= new Float64Array(G711_FRAME_SAMPLES);
        for (let i = 0; i < G711_FRAME_SAMPLES; i++) right[i] = (right[i] ?? 0) + (pcm[i] ?? 0);
      }
      this.recorder.write('left', frames.get(this.citizen) ?? SILENCE, at);
      this.recorder.write('right', right ? Int16Array.from(right, softLimit) : SILENCE, at);
    }
    const rooms = new Map<string, Map<string, Int16Array | undefined>>();
    for (const leg of frames.keys()) {
      if (!leg.active) continue;
      let room = rooms.get(leg.room);
      if (!room) rooms.set(leg.room, (room = new Map()));
      room.set(leg.id, frames.get(leg));
    }
    const moh = this.mohFrame();
    for (const leg of frames.keys()) {
      if (leg.remoteHold || leg.connectedAt === undefined) continue;
      if (leg.localHold) {
        leg.rtp.sendAudio(moh);
        continue;
      }
      const room = rooms.get(leg.room);
      if (!room || room.size < 2) leg.rtp.sendAudio(leg === this.citizen ? moh : SILENCE);
    }
    for (const room of rooms.values()) {
      if (room.size < 2) continue;
      const mixed = mixMinusOne(room);
      for (const [id, pcm] of mixed) this.legs.get(id)?.rtp.sendAudio(pcm);
    }
  }

  private liveLegs(): MediaLeg[] {
    return [...this.legs.values()].filter((l) => !l.ended);
  }

  private onLegEnded(leg: MediaLeg, end: SipCallEnd): void {
    this.taps.get(leg.id)?.();
    this.taps.delete(leg.id);
    const record = this.cdr.legs.find((l) => l.id === leg.id && l.sipCallId === leg.sip.callId);
    if (record) record.endedAt = this.engine.now();
    if (this.state === 'ended') return;
    if (leg === this.consultLeg) {
      this.consultLeg = undefined;
      void this.cancelConsult();
    }
    if (leg !== this.citizen) {
      this.legs.delete(leg.id);
      void leg.closeMedia();
      this.emit('call.party-left', { leg: leg.id, party: leg.party, reason: end.reason });
    }
    const live = this.liveLegs();
    if (leg === this.citizen) {
      // Conference: the others stay connected while at least two remain (acceptance #21).
      if (live.length >= 2) {
        this.emit('call.party-left', { leg: leg.id, party: leg.party, reason: end.reason });
        return;
      }
      void this.hangup(end.reason === 'cancelled' ? 'cancelled' : 'caller-hangup');
      return;
    }
    // The agent hung up during a consultation: that is how phones complete an attended transfer.
    if (leg.role === 'agent' && this.consultLeg && !this.consultLeg.ended && !this.citizen.ended) {
      const consult = this.consultLeg;
      this.consultLeg = undefined;
      consult.room = 'main';
      this.citizen.room = 'main';
      this.cdr.transfers.push({ at: this.engine.now(), kind: 'attended', from: leg.party, to: consult.party, ok: true });
      this.emit('call.transferred', { kind: 'attended', from: leg.party, to: consult.party, leg: consult.id });
      return;
    }
    if (this.state === 'bridged' && live.length < 2) void this.hangup('agent-hangup');
  }

  private async release(reason: CallEndReason): Promise<void> {
    const wasState = this.state;
    this.state = 'ended';
    this.stopIvr();
    this.clock?.stop();
    this.clock = undefined;
    if (this.holdStartedAt !== undefined) this.cdr.holdSeconds += (this.engine.now() - this.holdStartedAt) / 1000;
    this.cdr.endedAt = this.engine.now();
    this.cdr.endReason = reason;
    for (const detach of this.taps.values()) detach();
    this.taps.clear();
    const legs = [...this.legs.values(), ...this.pending];
    await Promise.all(legs.map((l) => l.hangup()));
    await Promise.all(legs.map((l) => l.closeMedia().catch(() => undefined)));
    if (this.recorder) await this.recorder.close().catch((err: unknown) => this.engine.log('error', { callId: this.id, err: String(err) }, 'recording close failed'));
    this.recorder = undefined;
    this.emit('call.ended', { reason, previousState: wasState, cdr: this.cdr });
    this.engine.callReleased(this);
  }

  /** @internal */
  emit(type: CallEventType, data: Record<string, unknown>): void {
    this.engine.publish({ type, callId: this.id, at: this.engine.now(), caller: this.cdr.caller, callee: this.cdr.callee, data });
  }
}

function dayDir(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}
