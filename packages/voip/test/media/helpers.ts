import { createSocket, type Socket } from 'node:dgram';
import { PortAllocator } from '../../src/media/port-allocator.js';
import { RtpSession, type RtpSessionOptions } from '../../src/media/rtp-session.js';

/** A fresh random port range per call: no fixed ports, parallel-safe. */
export function randomAllocator(pairs = 50): PortAllocator {
  const min = 20000 + 2 * Math.floor(Math.random() * 10000);
  return new PortAllocator({ min, max: min + pairs * 2 - 1 });
}

/** Deterministic PRNG (mulberry32) so noise and shuffles repeat run to run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

export async function openPair(
  extra: Partial<RtpSessionOptions> = {},
): Promise<{ a: RtpSession; b: RtpSession; allocator: PortAllocator }> {
  const allocator = randomAllocator();
  const base = { allocator, bindAddress: '127.0.0.1', rtcpIntervalMs: 0, ...extra };
  const a = await RtpSession.open(base);
  const b = await RtpSession.open(base);
  a.setRemote({ address: '127.0.0.1', port: b.localPort });
  b.setRemote({ address: '127.0.0.1', port: a.localPort });
  return { a, b, allocator };
}

export function rawSocket(): Promise<Socket> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => resolve(s));
  });
}

export function closeRaw(s: Socket): Promise<void> {
  return new Promise((resolve) => s.close(() => resolve()));
}

export function sendRaw(s: Socket, buf: Buffer, port: number): Promise<void> {
  return new Promise((resolve) => s.send(buf, port, '127.0.0.1', () => resolve()));
}

export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until cond() holds or the deadline passes. */
export async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

/** Sine wave test signal. */
export function sine(freq: number, ms: number, amplitude = 8000, rate = 8000): Int16Array {
  const n = Math.round((ms * rate) / 1000);
  return Int16Array.from({ length: n }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / rate)));
}

export function rms(pcm: Int16Array): number {
  if (pcm.length === 0) return 0;
  let s = 0;
  for (const v of pcm) s += v * v;
  return Math.sqrt(s / pcm.length);
}

/** Amplitude of one frequency component (Goertzel, normalised). */
export function toneAmplitude(pcm: Int16Array, freq: number, rate = 8000): number {
  const c = 2 * Math.cos((2 * Math.PI * freq) / rate);
  let s1 = 0;
  let s2 = 0;
  for (const v of pcm) {
    const s0 = v + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - c * s1 * s2))) / pcm.length;
}
