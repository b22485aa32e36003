import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeAlawSample, decodeG711, decodeUlawSample, encodeAlawSample, encodeG711, encodeUlawSample, G711_FRAME_SAMPLES, toFrames,
} from '../../src/media/g711.js';

const sha = (t: Int16Array): string => createHash('sha256').update(Buffer.from(t.buffer, t.byteOffset, t.byteLength)).digest('hex');
const allCodes = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('G.711', () => {
  it('decodes every code exactly as sox does (independent implementation)', () => {
    // Hashes of sox's s16le output for the 256 codes 0x00..0xFF.
    expect(sha(decodeG711('PCMU', allCodes))).toBe('3dab54339e520bb2c924826e3b72a917a2b612e9fd12fc867500f1d983a75827');
    expect(sha(decodeG711('PCMA', allCodes))).toBe('e04788d110e58ff8c70c93b8480190d973e3b67876b6119abbaec766cc75c174');
  });

  it('matches the published μ-law end points', () => {
    expect([0x00, 0x80, 0x7f, 0xff, 0x0f, 0x10].map(decodeUlawSample)).toEqual([-32124, 32124, 0, 0, -16764, -15996]);
    const pcm = Int16Array.from([0, 1, -1, 100, -100, 1000, -1000, 32767, -32768]);
    expect([...encodeG711('PCMU', pcm)]).toEqual([0xff, 0xff, 0x7f, 0xf2, 0x73, 0xce, 0x4e, 0x80, 0x00]);
  });

  it('matches the published A-law end points', () => {
    expect([0xd5, 0x55, 0xaa, 0x2a].map(decodeAlawSample)).toEqual([8, -8, 32256, -32256]);
    const pcm = Int16Array.from([0, -1, 1000, -1000, 32767, -32768]);
    expect([...encodeG711('PCMA', pcm)]).toEqual([0xd5, 0x55, 0xfa, 0x7a, 0xaa, 0x2a]);
  });

  it('re-encodes every decoded code to itself (bar μ-law negative zero)', () => {
    for (const code of allCodes) {
      expect(encodeAlawSample(decodeAlawSample(code))).toBe(code);
      expect(encodeUlawSample(decodeUlawSample(code))).toBe(code === 0x7f ? 0xff : code);
    }
  });

  it('keeps quantisation error within one step across the whole range', () => {
    for (let x = -32768; x <= 32767; x += 7) {
      const u = decodeUlawSample(encodeUlawSample(x));
      const a = decodeAlawSample(encodeAlawSample(x));
      const clipped = Math.max(-32124, Math.min(32124, x));
      expect(Math.abs(u - clipped)).toBeLessThanOrEqual(Math.max(8, Math.abs(clipped) / 16 + 8));
      expect(Math.abs(a - Math.max(-32256, Math.min(32256, x)))).toBeLessThanOrEqual(Math.max(16, Math.abs(x) / 16 + 16));
    }
  });

  it('frames 20 ms at 8 kHz and round-trips a frame', () => {
    expect(G711_FRAME_SAMPLES).toBe(160);
    const frames = toFrames(new Int16Array(400).fill(7));
    expect(frames.map((f) => f.length)).toEqual([160, 160, 160]);
    expect(frames[2]?.[79]).toBe(7);
    expect(frames[2]?.[80]).toBe(0);
    const frame = Int16Array.from({ length: 160 }, (_, i) => Math.round(6000 * Math.sin(i / 5)));
    for (const law of ['PCMU', 'PCMA'] as const) {
      const bytes = encodeG711(law, frame);
      expect(bytes.length).toBe(160);
      const back = decodeG711(law, bytes);
      back.forEach((v, i) => expect(Math.abs(v - (frame[i] ?? 0))).toBeLessThan(260));
    }
  });
});
