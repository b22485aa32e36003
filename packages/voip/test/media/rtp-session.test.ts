import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { NoopAsr, tapToAsr } from '../../src/media/asr.js';
import { mediaCounters } from '../../src/media/counters.js';
import { generateDtmfSequence } from '../../src/media/dtmf-inband.js';
import { encodeG711 } from '../../src/media/g711.js';
import { PortAllocator, PortRangeExhaustedError } from '../../src/media/port-allocator.js';
import type { RtcpPacket } from '../../src/media/rtcp.js';
import { serializeRtp } from '../../src/media/rtp-packet.js';
import { type AudioFrame, RtpSession } from '../../src/media/rtp-session.js';
import type { DtmfEvent } from '../../src/media/telephone-event.js';
import { closeRaw, openPair, prng, randomAllocator, rawSocket, sendRaw, sine, sleep, tick, waitFor } from './helpers.js';

const open: RtpSession[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function pcmuPacket(seq: number, ts: number, ssrc = 0x1234, pcm = sine(440, 20)): Buffer {
  return serializeRtp({ payloadType: 0, sequence: seq & 0xffff, timestamp: ts >>> 0, ssrc, marker: false, csrcs: [], payload: encodeG711('PCMU', pcm) });
}

describe('RTP session', () => {
  it('carries G.711 audio both ways with sequence and timestamp advancing by 160', async () => {
    const { a, b } = await openPair();
    open.push(a, b);
    const got: AudioFrame[] = [];
    b.on('audio', (f) => got.push(f));
    const tone = sine(1000, 20);
    for (let i = 0; i < 20; i++) a.sendAudio(tone, i === 0);
    await waitFor(() => got.length === 20);
    expect(got[0]?.marker).toBe(true);
    expect(got.slice(1).every((f, i) => ((f.sequence - (got[i]?.sequence ?? 0)) & 0xffff) === 1)).toBe(true);
    expect(got.slice(1).every((f, i) => ((f.timestamp - (got[i]?.timestamp ?? 0)) >>> 0) === 160)).toBe(true);
    expect(Math.abs((got[5]?.pcm[10] ?? 0) - (tone[10] ?? 0))).toBeLessThan(300);
    expect(b.stats()).toMatchObject({ packetsReceived: 20, bytesReceived: 3200, lost: 0 });
    // Each leg's decoded audio can be tapped for ASR.
    const { detach } = await tapToAsr(b, new NoopAsr(), 'leg-b');
    expect(b.listenerCount('audio')).toBe(2);
    detach();
    expect(b.listenerCount('audio')).toBe(1);
    expect(a.stats()).toMatchObject({ packetsSent: 20, bytesSent: 3200 });
  });

  it('speaks A-law, detects in-band DTMF when asked, and multiplexes RTCP on the RTP port', async () => {
    const { a, b } = await openPair({ codec: 'PCMA', inbandDtmf: true, telephoneEventPt: null, rtcpMux: true, rtcpIntervalMs: 30 });
    open.push(a, b);
    expect(a.payloadType).toBe(8);
    const digits: DtmfEvent[] = [];
    b.on('dtmf', (d) => digits.push(d));
    const tones = generateDtmfSequence('12345', 80, 80);
    for (let i = 0; i + 160 <= tones.length; i += 160) {
      a.sendAudio(tones.subarray(i, i + 160));
      if (i % 1600 === 0) await tick();
    }
    await waitFor(() => digits.length === 5 && b.stats().rtcpReceived > 0);
    expect(digits.map((d) => d.digit).join('')).toBe('12345');
    expect(digits.every((d) => d.source === 'inband')).toBe(true);
    await expect(a.sendDigits('1')).rejects.toThrow(/telephone-event/);
  });

  it('trusts RFC 4733 over in-band tones once the peer sends events (no double digits)', async () => {
    const { a, b } = await openPair({ inbandDtmf: true });
    open.push(a, b);
    const digits: DtmfEvent[] = [];
    b.on('dtmf', (d) => digits.push(d));
    await a.sendDigits('4', { durationMs: 80, pace: tick, gapMs: 0 });
    await waitFor(() => digits.length === 1);
    // The same peer now also leaks tones into its audio: not reported again.
    const tones = generateDtmfSequence('4', 100, 40);
    for (let i = 0; i + 160 <= tones.length; i += 160) a.sendAudio(tones.subarray(i, i + 160));
    await sleep(50);
    expect(digits.map((d) => d.source)).toEqual(['rfc4733']);
  });

  it('applies the SDP answer after opening: codec and event payload type change mid-call', async () => {
    const { a, b } = await openPair();
    open.push(a, b);
    const got: AudioFrame[] = [];
    b.on('audio', (f) => got.push(f));
    const digits: DtmfEvent[] = [];
    b.on('dtmf', (d) => digits.push(d));
    const tone = sine(700, 20, 10000);
    a.sendAudio(tone);
    a.setPayloadFormat({ codec: 'PCMA', telephoneEventPt: 96 });
    b.setPayloadFormat({ telephoneEventPt: 96 });
    a.sendAudio(tone);
    await a.sendDigits('*', { pace: tick, gapMs: 0 });
    await waitFor(() => got.length === 2 && digits.length === 1);
    expect(a.payloadType).toBe(8);
    // Both laws decode to (nearly) the same waveform.
    got.forEach((f) => expect(Math.abs((f.pcm[40] ?? 0) - (tone[40] ?? 0))).toBeLessThan(400));
    expect(digits[0]?.digit).toBe('*');
    await expect(a.sendDigits('12x4')).rejects.toThrow(/not a DTMF digit/);
    await sleep(20);
    expect(digits.length).toBe(1);
  });

  it('counts lost packets and jitter from sequence gaps', async () => {
    const allocator = randomAllocator();
    const b = await RtpSession.open({ allocator, bindAddress: '127.0.0.1', rtcpIntervalMs: 0 });
    open.push(b);
    const s = await rawSocket();
    for (let i = 0; i < 100; i++) {
      if (i % 20 === 7) continue; // 5 lost
      await sendRaw(s, pcmuPacket(65500 + i, i * 160), b.localPort);
    }
    await waitFor(() => b.stats().packetsReceived === 95);
    expect(b.stats().lost).toBe(5);
    expect(b.stats().jitterMs).toBeGreaterThan(0); // sent in a burst, not at 20 ms spacing
    await closeRaw(s);
  });

  it('latches to the first source (symmetric RTP) and ignores strangers afterwards', async () => {
    const allocator = randomAllocator();
    const b = await RtpSession.open({ allocator, bindAddress: '127.0.0.1', rtcpIntervalMs: 0 });
    open.push(b);
    const peer = await rawSocket();
    const stranger = await rawSocket();
    const received: Buffer[] = [];
    peer.on('message', (m) => received.push(m));
    const latched: number[] = [];
    b.on('latched', (e) => latched.push(e.port));
    let frames = 0;
    b.on('audio', () => frames++);
    await sendRaw(peer, pcmuPacket(1, 0), b.localPort);
    await waitFor(() => frames === 1);
    await sendRaw(stranger, pcmuPacket(2, 160, 0x9999), b.localPort);
    await sendRaw(peer, pcmuPacket(2, 160), b.localPort);
    await waitFor(() => frames === 2);
    expect(b.stats().foreignSource).toBe(1);
    expect(latched).toEqual([peer.address().port]);
    b.sendAudio(sine(500, 20));
    await waitFor(() => received.length === 1);
    await Promise.all([closeRaw(peer), closeRaw(stranger)]);
  });

  it('exchanges RTCP SR/RR (loss, jitter, round trip) and signals BYE on close', async () => {
    const { a, b } = await openPair({ rtcpIntervalMs: 40 });
    open.push(a, b);
    const rtcpAtB: RtcpPacket[][] = [];
    b.on('rtcp', (p) => rtcpAtB.push(p));
    const byes: (string | undefined)[] = [];
    b.on('bye', (r) => byes.push(r));
    for (let i = 0; i < 30; i++) {
      a.sendAudio(sine(440, 20));
      b.sendAudio(sine(660, 20));
      await sleep(5);
    }
    await waitFor(() => a.stats().roundTripMs !== undefined && rtcpAtB.some((c) => c.some((p) => p.type === 'sr')));
    expect(a.stats().roundTripMs).toBeLessThan(1000);
    expect(a.stats().remoteReport).toMatchObject({ cumulativeLost: 0 });
    expect(rtcpAtB.flat().some((p) => p.type === 'sdes' && p.cname !== undefined)).toBe(true);
    await a.close('call ended');
    await waitFor(() => byes.length === 1);
    expect(byes[0]).toBe('call ended');
  });

  it('keeps running when a listener throws', async () => {
    const { a, b } = await openPair();
    open.push(a, b);
    let calls = 0;
    b.on('audio', () => {
      calls += 1;
      throw new Error('bug in a consumer');
    });
    a.sendAudio(sine(300, 20));
    a.sendAudio(sine(300, 20));
    await waitFor(() => calls === 2);
    expect(b.lastListenerError).toBeInstanceOf(Error);
    expect(mediaCounters().listenerErrors).toBeGreaterThanOrEqual(2);
  });

  it('does not latch onto a packet of an unnegotiated format', async () => {
    const allocator = randomAllocator();
    const b = await RtpSession.open({ allocator, bindAddress: '127.0.0.1', rtcpIntervalMs: 0 });
    open.push(b);
    const stray = await rawSocket();
    const peer = await rawSocket();
    const video = serializeRtp({ payloadType: 96, sequence: 1, timestamp: 1, ssrc: 5, marker: false, csrcs: [], payload: Buffer.alloc(10) });
    await sendRaw(stray, video, b.localPort);
    let frames = 0;
    b.on('audio', () => frames++);
    await sendRaw(peer, pcmuPacket(1, 0), b.localPort);
    await waitFor(() => frames === 1);
    expect(b.remoteEndpoint?.port).toBe(peer.address().port);
    expect(b.stats().unknownPayload).toBe(1);
    await Promise.all([closeRaw(stray), closeRaw(peer)]);
  });

  it('reports RTP inactivity once so the call can be reaped', async () => {
    const { a, b } = await openPair({ inactivityTimeoutMs: 60 });
    open.push(a, b);
    let inactive = 0;
    b.on('inactive', () => inactive++);
    await sleep(250);
    expect(inactive).toBe(1);
  });

  it('survives a flood of 10,000 malformed and foreign packets and keeps working', async () => {
    const allocator = randomAllocator();
    const b = await RtpSession.open({ allocator, bindAddress: '127.0.0.1', rtcpIntervalMs: 0 });
    open.push(b);
    const peer = await rawSocket();
    const stranger = await rawSocket();
    const digits: DtmfEvent[] = [];
    b.on('dtmf', (d) => digits.push(d));
    let frames = 0;
    b.on('audio', () => frames++);
    await sendRaw(peer, pcmuPacket(1, 0), b.localPort); // latch to peer
    await waitFor(() => frames === 1);
    const before = mediaCounters();
    const rand = prng(99);
    for (let i = 0; i < 10_000; i++) {
      const len = Math.floor(rand() * 200);
      const buf = Buffer.from(Array.from({ length: len }, () => Math.floor(rand() * 256)));
      // Half look like RTP v2 so parsing goes past the first byte; some use our payload types.
      if (len > 1 && i % 2 === 0) {
        buf[0] = 0x80;
        buf[1] = [0, 101, 8, 72, 200][i % 5] ?? 0;
      }
      // Garbage from the latched peer itself and from a stranger.
      await sendRaw(i % 3 === 0 ? stranger : peer, buf, b.localPort);
      // Yield so the session really reads them (not the kernel dropping a full buffer).
      if (i % 16 === 0) await sleep(0);
    }
    await sleep(50);
    const after = mediaCounters();
    const handled = (k: 'malformedPackets' | 'foreignSourcePackets' | 'unknownPayloadPackets' | 'packetsReceived'): number => after[k] - before[k];
    const seen = handled('malformedPackets') + handled('foreignSourcePackets') + handled('unknownPayloadPackets') + handled('packetsReceived');
    expect(seen).toBeGreaterThan(9500);
    expect(handled('malformedPackets')).toBeGreaterThan(3000);
    expect(handled('foreignSourcePackets')).toBeGreaterThan(500);
    // Still working: audio and an RFC 4733 digit from the peer get through.
    const framesBefore = frames;
    for (let i = 0; i < 5; i++) await sendRaw(peer, pcmuPacket(10 + i, 90000 + i * 160), b.localPort);
    const ev = (dur: number, end: boolean): Buffer =>
      serializeRtp({ payloadType: 101, sequence: 30, timestamp: 777777, ssrc: 0x1234, marker: !end, csrcs: [], payload: Buffer.from([5, end ? 0x8a : 0x0a, dur >> 8, dur & 0xff]) });
    await sendRaw(peer, ev(160, false), b.localPort);
    await sendRaw(peer, ev(800, true), b.localPort);
    await waitFor(() => frames >= framesBefore + 5 && digits.at(-1)?.digit === '5');
    expect(digits.at(-1)).toMatchObject({ digit: '5', durationMs: 100 });
    await Promise.all([closeRaw(peer), closeRaw(stranger)]);
  });
});

describe('rate limit', () => {
  it('drops packets beyond the configured rate before parsing them', async () => {
    const allocator = randomAllocator();
    const b = await RtpSession.open({ allocator, bindAddress: '127.0.0.1', rtcpIntervalMs: 0, maxPacketsPerSecond: 200 });
    open.push(b);
    const s = await rawSocket();
    for (let i = 0; i < 2000; i++) {
      await sendRaw(s, pcmuPacket(i, i * 160), b.localPort);
      // Let the receiver drain so the kernel's socket buffer is not what drops them.
      if (i % 16 === 0) await sleep(0);
    }
    await waitFor(() => b.stats().packetsReceived + b.stats().rateLimited >= 1900);
    expect(b.stats().rateLimited).toBeGreaterThan(1000);
    expect(b.stats().packetsReceived).toBeGreaterThanOrEqual(200);
    expect(b.stats().packetsReceived).toBeLessThan(700);
    await sleep(100); // the bucket refills: normal traffic flows again
    const before = b.stats().packetsReceived;
    for (let i = 0; i < 5; i++) await sendRaw(s, pcmuPacket(3000 + i, 9000 + i * 160), b.localPort);
    await waitFor(() => b.stats().packetsReceived === before + 5);
    await closeRaw(s);
  });
});

describe('port allocator', () => {
  it('hands out even pairs, refuses when exhausted, and gets every port back on close', async () => {
    const allocator = randomAllocator(3);
    const openBefore = mediaCounters().sessionsOpen;
    const sessions = await Promise.all([0, 1, 2].map(() => RtpSession.open({ allocator, bindAddress: '127.0.0.1' })));
    expect(sessions.every((s) => s.localPort % 2 === 0)).toBe(true);
    expect(new Set(sessions.map((s) => s.localPort)).size).toBe(3);
    expect(allocator.allocated).toBe(3);
    await expect(RtpSession.open({ allocator, bindAddress: '127.0.0.1' })).rejects.toBeInstanceOf(PortRangeExhaustedError);
    const freed = sessions[0]?.localPort ?? 0;
    await sessions[0]?.close();
    expect(allocator.isAllocated(freed)).toBe(false);
    const again = await RtpSession.open({ allocator, bindAddress: '127.0.0.1' });
    expect(again.localPort).toBe(freed);
    await Promise.all([again, ...sessions.slice(1)].map((s) => s.close()));
    expect(allocator.allocated).toBe(0);
    expect(mediaCounters().sessionsOpen).toBe(openBefore);
    // The OS has the ports back too: we can bind every one of them.
    const probe = await Promise.all([freed, freed + 1].map((port) => {
      return new Promise<boolean>((resolve) => {
        const t = createSocket('udp4');
        t.once('error', () => resolve(false));
        t.bind(port, '127.0.0.1', () => t.close(() => resolve(true)));
      });
    }));
    expect(probe).toEqual([true, true]);
  });

  it('skips ports another process holds', async () => {
    const allocator = randomAllocator(3);
    const squatter = await new Promise<Socket>((resolve, reject) => {
      const s = createSocket('udp4');
      s.once('error', reject);
      s.bind(allocator.range.min, '127.0.0.1', () => resolve(s));
    });
    const s = await RtpSession.open({ allocator, bindAddress: '127.0.0.1' });
    expect(s.localPort).toBe(allocator.range.min + 2);
    await s.close();
    expect(allocator.allocated).toBe(0);
    await closeRaw(squatter);
  });

  it('rejects a nonsensical range', () => {
    expect(() => new PortAllocator({ min: 80, max: 90 })).toThrow(RangeError);
  });
});
