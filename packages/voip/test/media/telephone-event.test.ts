import { afterEach, describe, expect, it } from 'vitest';
import type { RtpPacket } from '../../src/media/rtp-packet.js';
import type { RtpSession } from '../../src/media/rtp-session.js';
import {
  decodeTelephoneEvent, type DtmfEvent, DTMF_DIGITS, encodeTelephoneEvent, TelephoneEventReceiver,
} from '../../src/media/telephone-event.js';
import { openPair, prng, sleep, tick, waitFor } from './helpers.js';

const open: RtpSession[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** Accelerated pacing: yield to the event loop instead of waiting 20 ms. */
const fast = (): Promise<void> => tick();

describe('RFC 4733 payload', () => {
  it('encodes event, end bit, volume and duration', () => {
    const b = encodeTelephoneEvent({ event: 11, end: true, volume: 10, duration: 800 });
    expect(b.toString('hex')).toBe('0b8a0320');
    expect(decodeTelephoneEvent(b)).toEqual({ event: 11, end: true, volume: 10, duration: 800 });
    expect(decodeTelephoneEvent(Buffer.from([1, 2]))).toBeUndefined();
  });
});

describe('RFC 4733 over two RTP sessions on loopback', () => {
  it('sends updates with one timestamp, a marker on the first, and three end packets', async () => {
    const { a, b } = await openPair();
    open.push(a, b);
    const packets: RtpPacket[] = [];
    b.on('rtp', (p) => packets.push(p));
    const startTs = a.mediaTimestamp;
    await a.sendDigits('7', { durationMs: 100, pace: fast, gapMs: 0 });
    await waitFor(() => packets.length === 7);
    const events = packets.map((p) => decodeTelephoneEvent(p.payload));
    expect(packets.every((p) => p.timestamp === startTs && p.payloadType === 101)).toBe(true);
    expect(packets.map((p) => p.marker)).toEqual([true, false, false, false, false, false, false]);
    expect(events.map((e) => e?.duration)).toEqual([160, 320, 480, 640, 800, 800, 800]);
    expect(events.map((e) => e?.end)).toEqual([false, false, false, false, true, true, true]);
    expect(new Set(packets.map((p) => p.sequence)).size).toBe(7);
    // The media clock moved on by the event's 800 samples.
    expect((a.mediaTimestamp - startTs) >>> 0).toBe(800);
  });

  it('delivers 1,000 digits, each recognised exactly once, in order, with its duration', async () => {
    const { a, b } = await openPair();
    open.push(a, b);
    const got: DtmfEvent[] = [];
    b.on('dtmf', (d) => got.push(d));
    const rand = prng(1000);
    const digits = Array.from({ length: 1000 }, () => DTMF_DIGITS[Math.floor(rand() * 16)] ?? '0').join('');
    await a.sendDigits(digits, { durationMs: 60, pace: fast, gapMs: 0 });
    await waitFor(() => got.length >= 1000, 20_000);
    await sleep(50); // any duplicate end packet would have shown up by now
    expect(got.length).toBe(1000);
    expect(got.map((d) => d.digit).join('')).toBe(digits);
    expect(got.every((d) => d.durationMs === 60 && d.source === 'rfc4733' && !d.endLost)).toBe(true);
    expect(b.stats().lost).toBe(0);
  });

  it('paces packets in real time by default (20 ms apart)', async () => {
    const { a, b } = await openPair();
    open.push(a, b);
    const got: DtmfEvent[] = [];
    b.on('dtmf', (d) => got.push(d));
    const arrivals: number[] = [];
    b.on('rtp', () => arrivals.push(performance.now()));
    const t0 = performance.now();
    await a.sendDigits('0123456789', { durationMs: 60, gapMs: 40 });
    const elapsed = performance.now() - t0;
    await waitFor(() => got.length === 10);
    expect(got.map((d) => d.digit).join('')).toBe('0123456789');
    expect(elapsed).toBeGreaterThan(900);
    // Within a digit: two updates 20 ms apart, then the three end packets together.
    expect((arrivals[2] ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThan(30);
  });

  it('splits an event longer than 0xFFFF samples into segments and reports it whole', async () => {
    const { a, b } = await openPair();
    open.push(a, b);
    const got: DtmfEvent[] = [];
    b.on('dtmf', (d) => got.push(d));
    await a.sendDigits('#', { durationMs: 9000, packetIntervalMs: 50, pace: fast, gapMs: 0 });
    await waitFor(() => got.length === 1);
    await sleep(30);
    expect(got).toEqual([{ digit: '#', durationMs: 9000, source: 'rfc4733' }]);
  });

  it('mutes audio while a digit is being sent', async () => {
    const { a, b } = await openPair();
    open.push(a, b);
    const sending = a.sendDigits('1', { durationMs: 40, pace: () => sleep(5), gapMs: 0 });
    a.sendAudio(new Int16Array(160));
    await sending;
    expect(a.stats().audioSuppressed).toBe(1);
  });
});

describe('RFC 4733 receiver robustness', () => {
  const packet = (event: number, duration: number, end: boolean): Buffer => encodeTelephoneEvent({ event, end, volume: 10, duration });

  it('reports once despite lost updates, duplicated and reordered end packets', () => {
    const got: DtmfEvent[] = [];
    const rx = new TelephoneEventReceiver({ onDigit: (d) => got.push(d) });
    const rand = prng(5);
    for (let i = 0; i < 200; i++) {
      const ts = 1000 + i * 2000;
      const stream = [160, 320, 480, 640].filter(() => rand() > 0.3).map((d) => packet(i % 16, d, false));
      stream.push(packet(i % 16, 800, true), packet(i % 16, 800, true), packet(i % 16, 800, true));
      // A late update arriving after the end must not resurrect the digit.
      if (i % 7 === 0) stream.push(packet(i % 16, 640, false));
      for (const p of stream) rx.handle(ts, p);
    }
    rx.close();
    expect(got.length).toBe(200);
    expect(got.every((d, i) => d.digit === DTMF_DIGITS[i % 16] && d.durationMs === 100)).toBe(true);
  });

  it('still reports a digit whose end packets were all lost', async () => {
    const got: DtmfEvent[] = [];
    const rx = new TelephoneEventReceiver({ onDigit: (d) => got.push(d), endTimeoutMs: 30 });
    rx.handle(5000, packet(3, 160, false));
    rx.handle(5000, packet(3, 480, false));
    rx.handle(9000, packet(4, 160, false)); // next digit starts: the first one is over
    expect(got).toEqual([{ digit: '3', durationMs: 60, source: 'rfc4733', endLost: true }]);
    await sleep(80); // the second one times out
    expect(got.at(-1)).toEqual({ digit: '4', durationMs: 20, source: 'rfc4733', endLost: true });
    rx.close();
  });

  it('ignores unknown events and short payloads', () => {
    const got: DtmfEvent[] = [];
    const rx = new TelephoneEventReceiver({ onDigit: (d) => got.push(d) });
    rx.handle(1, packet(40, 160, true));
    rx.handle(2, Buffer.from([1]));
    rx.close();
    expect(got).toEqual([]);
    expect(rx.malformed).toBe(1);
  });
});
