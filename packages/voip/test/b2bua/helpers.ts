/** Loopback peers for the B2BUA tests: the engine, a caller UAC with RTP, agent phones. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { B2bua } from '../../src/b2bua/index.js';
import type { B2buaOptions, CallEvent, Cdr, IvrFlow } from '../../src/b2bua/index.js';
import { PortAllocator } from '../../src/media/port-allocator.js';
import { RtpSession } from '../../src/media/rtp-session.js';
import { FrameClock } from '../../src/media/frame-clock.js';
import { encodeWav } from '../../src/media/wav.js';
import { createAudioSdp, parseSdp, serializeSdp, SipStack, answerAudioOffer, sdpCodecs } from '../../src/sip/index.js';
import type { SipCall, SipInboundCall, SipOutboundCall } from '../../src/sip/index.js';

// Timers, delay and port probing are the SIP tests' own.
import { FAST_TIMERS, delay, freeMediaPort, freePort } from '../sip/helpers.js';
export { FAST_TIMERS, delay, freePort };
export const DOMAIN = 'hotline.test';

/** A random even port range so parallel test files do not collide. */
export function randomRange(size = 400): { min: number; max: number } {
  const min = 30_000 + 2 * Math.floor(Math.random() * ((25_000 - size) / 2));
  return { min, max: min + size - 1 };
}

export function sine(freq: number, ms: number, amplitude = 8000): Int16Array {
  const n = Math.round(ms * 8);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / 8000));
  return out;
}

export function rms(pcm: Int16Array): number {
  if (pcm.length === 0) return 0;
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return Math.sqrt(sum / pcm.length);
}

/** A WAV prompt file (8 kHz mono tone) in a temp dir. */
export function tonePromptFile(dir: string, name = 'tone.wav', ms = 600): string {
  const path = join(dir, name);
  writeFileSync(path, encodeWav(sine(440, ms), 8000));
  return path;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Collects the engine's events and CDRs. */
export class EventLog {
  readonly events: CallEvent[] = [];
  readonly cdrs: Cdr[] = [];
  constructor(engine: B2bua) {
    engine.on('event', (e) => this.events.push(e));
    engine.on('cdr', (c) => this.cdrs.push(c));
  }
  types(callId?: string): string[] {
    return this.events.filter((e) => callId === undefined || e.callId === callId).map((e) => e.type);
  }
  async waitFor(type: string, timeoutMs = 10_000, predicate: (e: CallEvent) => boolean = () => true): Promise<CallEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => e.type === type && predicate(e));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} event; saw ${this.types().join(', ')}`);
      await delay(10);
    }
  }
  async waitCdr(timeoutMs = 10_000): Promise<Cdr> {
    const deadline = Date.now() + timeoutMs;
    while (this.cdrs.length === 0) {
      if (Date.now() > deadline) throw new Error(`no CDR; saw ${this.types().join(', ')}`);
      await delay(10);
    }
    return this.cdrs[0] as Cdr;
  }
}

export async function startEngine(flow: IvrFlow, extra: Partial<B2buaOptions> = {}): Promise<B2bua> {
  return B2bua.create({
    sip: { udpPort: 0, host: '127.0.0.1', publicAddress: '127.0.0.1', domain: DOMAIN, timers: FAST_TIMERS, sessionTimers: false },
    rtp: { ...randomRange(), bindAddress: '127.0.0.1' },
    numbers: ['12345'],
    flow,
    ...extra,
  });
}

export async function peerStack(): Promise<SipStack> {
  return SipStack.create({ udp: { port: 0, host: '127.0.0.1' }, domain: DOMAIN, publicAddress: '127.0.0.1', timers: FAST_TIMERS, sessionTimers: false });
}

/** A caller (our own UAC) with its RTP session; records when the first audio packet arrived. */
export class Caller {
  readonly allocator = new PortAllocator(randomRange(40));
  rtp!: RtpSession;
  call!: SipOutboundCall;
  firstAudioAt: number | undefined;
  answeredAt: number | undefined;
  received: Int16Array[] = [];
  private tone: FrameClock | undefined;

  constructor(readonly stack: SipStack) {}

  async dial(engine: B2bua, number = '12345', opts: { telephoneEvent?: boolean; from?: string } = {}): Promise<SipOutboundCall> {
    this.rtp = await RtpSession.open({ allocator: this.allocator, bindAddress: '127.0.0.1', symmetric: false });
    this.rtp.on('audio', (f) => {
      this.firstAudioAt ??= performance.now();
      this.received.push(f.pcm);
    });
    const codecs = opts.telephoneEvent === false ? [{ payloadType: 0, name: 'PCMU', clockRate: 8000 }] : undefined;
    const sdp = serializeSdp(createAudioSdp({ address: '127.0.0.1', port: this.rtp.localPort, ...(codecs ? { codecs } : {}) }));
    this.call = this.stack.call(`sip:${number}@127.0.0.1:${engine.stack.udpPort ?? 0}`, sdp, opts.from ? { from: opts.from } : {});
    const answer = await this.call.waitAnswer();
    this.answeredAt = performance.now();
    const media = parseSdp(answer ?? '').media[0];
    if (!media) throw new Error('no media in answer');
    const te = sdpCodecs(media).find((c) => c.name === 'telephone-event');
    this.rtp.setRemote({ address: '127.0.0.1', port: media.port });
    this.rtp.setPayloadFormat({ codec: 'PCMU', telephoneEventPt: te ? te.payloadType : null });
    return this.call;
  }

  /** Sends a continuous tone (the citizen talking). */
  talk(freq = 700): void {
    const frame = sine(freq, 20);
    this.tone = new FrameClock(() => this.rtp.sendAudio(frame));
    this.tone.start();
  }

  async close(): Promise<void> {
    this.tone?.stop();
    if (this.call && this.call.state !== 'terminated') await this.call.hangup().catch(() => undefined);
    await this.rtp?.close();
  }
}

/** An agent phone built on our stack: auto-answers, talks a tone, counts what it hears. */
export class Phone {
  readonly allocator = new PortAllocator(randomRange(40));
  readonly calls: SipInboundCall[] = [];
  readonly sessions: RtpSession[] = [];
  heard: Int16Array[] = [];
  private clocks: FrameClock[] = [];
  answer = true;

  private constructor(readonly stack: SipStack, readonly freq: number) {
    stack.on('invite', (call) => void this.onInvite(call));
  }

  static async create(freq = 1000): Promise<Phone> {
    return new Phone(await peerStack(), freq);
  }

  get uri(): string {
    return `sip:agent@127.0.0.1:${this.stack.udpPort ?? 0}`;
  }

  get last(): SipInboundCall | undefined {
    return this.calls[this.calls.length - 1];
  }

  private async onInvite(call: SipInboundCall): Promise<void> {
    this.calls.push(call);
    if (!this.answer) {
      call.ringing();
      return;
    }
    const rtp = await RtpSession.open({ allocator: this.allocator, bindAddress: '127.0.0.1' });
    this.sessions.push(rtp);
    const offer = parseSdp(call.remoteSdp ?? '');
    const answer = answerAudioOffer(offer, { address: '127.0.0.1', port: rtp.localPort });
    if (!answer) return call.reject(488);
    rtp.setRemote({ address: answer.remoteAddress, port: answer.remotePort });
    rtp.setPayloadFormat({ codec: answer.codec.name === 'PCMA' ? 'PCMA' : 'PCMU', telephoneEventPt: answer.telephoneEvent?.payloadType ?? null });
    rtp.on('audio', (f) => this.heard.push(f.pcm));
    call.answer(serializeSdp(answer.sdp));
    const frame = sine(this.freq, 20);
    const clock = new FrameClock(() => rtp.sendAudio(frame));
    clock.start();
    this.clocks.push(clock);
    call.on('terminated', () => {
      clock.stop();
      void rtp.close();
    });
  }

  async close(): Promise<void> {
    for (const c of this.clocks) c.stop();
    await Promise.all(this.sessions.map((s) => s.close()));
    await this.stack.close();
  }
}

export function live(call: SipCall | undefined): boolean {
  return call !== undefined && call.state !== 'terminated';
}

export const SIPP = process.env.SIPP_PATH ?? '/usr/bin/sipp';
export const BARESIP = process.env.BARESIP_PATH ?? '/usr/bin/baresip';

/** Required in CI; elsewhere the suites are skipped when the binary is missing. */
export function binaryAvailable(path: string, probe: string[]): boolean {
  if (existsSync(path) && spawnSync(path, probe, { timeout: 5_000 }).error === undefined) return true;
  if (process.env.CI === 'true') throw new Error(`${path} is required in CI but missing`);
  return false;
}

export interface SippOptions {
  scenario: string;
  remotePort: number;
  service?: string;
  keys?: Record<string, string>;
  calls?: number;
  /** Calls per second (default 10). */
  rate?: number;
  timeoutS?: number;
  args?: string[];
  /** Working folder (files the scenario names, e.g. rtp_stream audio; the scenario path may then be absolute); default a temporary one. */
  cwd?: string;
}

export interface SippOutcome {
  exitCode: number | null;
  successful: number;
  failed: number;
  output: string;
}

/** Runs Debian's SIPp as the caller against the engine; resolves with its exit code and counters. */
export async function runSipp(o: SippOptions): Promise<SippOutcome> {
  const { spawn } = await import('node:child_process');
  const { readFileSync: read, rmSync: rm } = await import('node:fs');
  const { dirname: dirOf } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const { isAbsolute } = await import('node:path');
  const work = o.cwd ?? tempDir('sipp-b2bua-');
  const stat = join(work, 'stats.csv');
  const scenario = isAbsolute(o.scenario) ? o.scenario : join(dirOf(fileURLToPath(import.meta.url)), 'scenarios', o.scenario);
  const args = [
    `127.0.0.1:${o.remotePort}`, '-sf', scenario, '-t', 'u1', '-i', '127.0.0.1', '-p', String(await freePort()), '-mp', String(await freeMediaPort()),
    '-s', o.service ?? '12345', '-m', String(o.calls ?? 1), '-r', String(o.rate ?? 10), '-timeout', `${o.timeoutS ?? 20}s`, '-timeout_error',
    '-nostdin', '-trace_stat', '-stf', stat, '-fd', '1',
    ...Object.entries(o.keys ?? {}).flatMap(([k, v]) => ['-key', k, v]),
    ...(o.args ?? []),
  ];
  const child = spawn(SIPP, args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (b: Buffer): void => {
    output = (output + b.toString('latin1')).slice(-20_000);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  let successful = -1;
  let failed = -1;
  try {
    const rows = read(stat, 'latin1').trim().split('\n');
    const header = rows[0]?.split(';') ?? [];
    const last = rows[rows.length - 1]?.split(';') ?? [];
    successful = Number(last[header.indexOf('SuccessfulCall(C)')] ?? -1);
    failed = Number(last[header.indexOf('FailedCall(C)')] ?? -1);
  } catch {
    // no statistics: SIPp failed to start; the exit code and output say why
  }
  if (!o.cwd) rm(work, { recursive: true, force: true });
  return { exitCode, successful, failed, output };
}
