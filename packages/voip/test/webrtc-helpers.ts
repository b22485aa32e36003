/**
 * Test peers for the WebRTC softphone gateway: a werift RTCPeerConnection playing the browser
 * (answers the gateway's offer, talks a PCMU tone, records what it hears), a message log per
 * session, and tone detection (Goertzel) to tell who is heard.
 */
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';
import type { RTCRtpTransceiver } from 'werift';
import { decodeG711, encodeG711 } from '../src/media/g711.js';
import { FrameClock } from '../src/media/frame-clock.js';
import type { SoftphoneServerMessage, SoftphoneSession } from '../src/webrtc/index.js';
import { delay } from './sip/helpers.js';
import { toneAmplitude } from './media/helpers.js';

export { delay };

/** Only loopback: every test packet stays on 127.0.0.1. */
const LOOPBACK = '127.0.0.1';

export function sineFrame(freq: number, offset: number, samples = 160, amplitude = 8000): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * (offset + i)) / 8000));
  return out;
}

/** Which of `freqs` dominates `pcm` (the strongest), or undefined when it is silence. */
export function dominantTone(pcm: Int16Array, freqs: number[]): number | undefined {
  let best: number | undefined;
  let power = 200;
  for (const f of freqs) {
    const p = toneAmplitude(pcm, f) / 2;
    if (p > power) {
      power = p;
      best = f;
    }
  }
  return best;
}

export function concat(frames: Int16Array[]): Int16Array {
  const out = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

/** Audio received with its arrival time, so a test can look at "the last 500 ms". */
export class Recording {
  readonly frames: Array<{ at: number; pcm: Int16Array }> = [];
  push(pcm: Int16Array): void {
    this.frames.push({ at: performance.now(), pcm });
  }
  since(ms: number): Int16Array {
    const from = performance.now() - ms;
    return concat(this.frames.filter((f) => f.at >= from).map((f) => f.pcm));
  }
  get count(): number {
    return this.frames.length;
  }
}

/** Collects a session's messages and waits for them. */
export class MessageLog {
  readonly messages: SoftphoneServerMessage[] = [];
  constructor(session: SoftphoneSession) {
    session.on('message', (m) => this.messages.push(m));
  }
  async waitFor<T extends SoftphoneServerMessage['type']>(
    type: T,
    predicate: (m: Extract<SoftphoneServerMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Extract<SoftphoneServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find((m): m is Extract<SoftphoneServerMessage, { type: T }> => m.type === type && predicate(m as Extract<SoftphoneServerMessage, { type: T }>));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} message; got ${JSON.stringify(this.messages).slice(0, 2000)}`);
      await delay(10);
    }
  }
  states(callId: string): string[] {
    return this.messages.flatMap((m) => (m.type === 'state' && m.callId === callId ? [m.state] : []));
  }
}

/** The browser: a werift peer connection that answers the gateway's offer and talks a tone. */
export class FakeBrowser {
  pc: RTCPeerConnection | undefined;
  readonly heard = new Recording();
  private clock: FrameClock | undefined;
  private track: MediaStreamTrack | undefined;
  private seq = 1000;
  private ts = 5000;
  private offset = 0;

  constructor(readonly freq: number) {}

  /** Answers an offer like Chromium: after ICE gathering, one complete SDP. */
  async answer(offer: string): Promise<string> {
    const pc = new RTCPeerConnection({
      codecs: { audio: [new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 })], video: [] },
      iceInterfaceAddresses: { udp4: LOOPBACK },
      iceAdditionalHostAddresses: [LOOPBACK],
      iceUseIpv6: false,
    });
    this.pc = pc;
    pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((packet) => {
        if (packet.header.payloadType === 0) this.heard.push(decodeG711('PCMU', packet.payload));
      });
    });
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    const transceiver = pc.getTransceivers()[0] as RTCRtpTransceiver;
    this.track = new MediaStreamTrack({ kind: 'audio' });
    await transceiver.sender.replaceTrack(this.track);
    transceiver.setDirection('sendrecv');
    await pc.setLocalDescription(await pc.createAnswer());
    if (pc.iceGatheringState !== 'complete') {
      await new Promise<void>((resolve) => {
        const sub = pc.iceGatheringStateChange.subscribe((s) => {
          if (s === 'complete') {
            sub.unSubscribe();
            resolve();
          }
        });
      });
    }
    const sdp = pc.localDescription?.sdp ?? '';
    // Our host candidates on loopback only (werift also lists the machine's other interfaces).
    return sdp
      .split('\r\n')
      .filter((l) => !/^a=candidate:/.test(l) || l.includes(` ${LOOPBACK} `))
      .join('\r\n');
  }

  /** Starts talking: a 20 ms PCMU frame of the tone every 20 ms. */
  talk(freq = this.freq): void {
    this.clock?.stop();
    this.clock = new FrameClock(() => {
      const payload = encodeG711('PCMU', sineFrame(freq, this.offset));
      this.offset += 160;
      this.track?.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 0, sequenceNumber: this.seq, timestamp: this.ts, ssrc: 42 }), payload));
      this.seq = (this.seq + 1) & 0xffff;
      this.ts = (this.ts + 160) >>> 0;
    });
    this.clock.start();
  }

  async connected(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pc?.connectionState !== 'connected') {
      if (Date.now() > deadline) throw new Error(`browser peer connection is ${this.pc?.connectionState}`);
      await delay(20);
    }
  }

  async close(): Promise<void> {
    this.clock?.stop();
    this.clock = undefined;
    this.track?.stop();
    await this.pc?.close();
  }
}

export async function waitUntil(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

/** UDP sockets and timers the process holds (Node 20), for leak checks. */
export function udpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
}

/** An 8 kHz mono G.711 μ-law WAV (format 7), what SIPp's rtp_stream plays as payload type 0. */
export function mulawWav(pcm: Int16Array): Buffer {
  const data = encodeG711('PCMU', pcm);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(7, 20); // WAVE_FORMAT_MULAW
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(8000, 28);
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
