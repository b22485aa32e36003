/**
 * G.711 (ITU-T) μ-law and A-law companding.
 *
 * Decoding uses 256-entry tables; encoding uses tables indexed by the
 * truncated linear sample (14 bits for μ-law, 13 bits for A-law), which is the
 * precision each law actually keeps. The tables are derived once at load time
 * from the segment rules of the recommendation.
 */

/** One 20 ms G.711 frame at 8 kHz. */
export const G711_SAMPLE_RATE = 8000;
export const G711_FRAME_MS = 20;
export const G711_FRAME_SAMPLES = (G711_SAMPLE_RATE * G711_FRAME_MS) / 1000;

export type G711Law = 'PCMU' | 'PCMA';

/** Static RTP payload types from RFC 3551. */
export const G711_PAYLOAD_TYPE: Readonly<Record<G711Law, number>> = { PCMU: 0, PCMA: 8 };

const ULAW_BIAS = 0x84;
const ULAW_CLIP = 32635;

/** Index of the highest set bit (0-based) for positive n, -1 for 0. */
function highBit(n: number): number {
  return n === 0 ? -1 : 31 - Math.clz32(n);
}

function ulawFromLinear(sample: number): number {
  const negative = sample < 0;
  // Negative values use one's complement (as in the ITU G.191 reference), so
  // -1 encodes as "negative zero" rather than the next step down.
  const magnitude = Math.min(negative ? -sample - 1 : sample, ULAW_CLIP) + ULAW_BIAS;
  // The biased magnitude always has bit 7 set, so the segment is 0..7.
  const segment = highBit(magnitude) - 7;
  const mantissa = (magnitude >> (segment + 3)) & 0x0f;
  const code = (negative ? 0x80 : 0) | (segment << 4) | mantissa;
  return ~code & 0xff;
}

function linearFromUlaw(byte: number): number {
  const code = ~byte & 0xff;
  const segment = (code >> 4) & 0x07;
  const magnitude = ((((code & 0x0f) << 3) + ULAW_BIAS) << segment) - ULAW_BIAS;
  return code & 0x80 ? -magnitude : magnitude;
}

function alawFromLinear(sample: number): number {
  // A-law works on 13-bit magnitudes; negative values use one's complement so
  // that -1 and 0 land in the same step, as the recommendation specifies.
  let value = sample >> 3;
  let mask = 0xd5;
  if (value < 0) {
    mask = 0x55;
    value = -value - 1;
  }
  const segment = Math.max(0, highBit(value) - 4);
  if (segment > 7) return 0x7f ^ mask;
  const shift = segment < 2 ? 1 : segment;
  return ((segment << 4) | ((value >> shift) & 0x0f)) ^ mask;
}

function linearFromAlaw(byte: number): number {
  const code = byte ^ 0x55;
  const segment = (code >> 4) & 0x07;
  let magnitude = (code & 0x0f) << 4;
  if (segment === 0) magnitude += 8;
  else magnitude = (magnitude + 0x108) << (segment - 1);
  return code & 0x80 ? magnitude : -magnitude;
}

const ULAW_DECODE = Int16Array.from({ length: 256 }, (_, i) => linearFromUlaw(i));
const ALAW_DECODE = Int16Array.from({ length: 256 }, (_, i) => linearFromAlaw(i));
// μ-law keeps 14 bits (drop 2), A-law keeps 13 bits (drop 3).
const ULAW_ENCODE = Uint8Array.from({ length: 1 << 14 }, (_, i) => ulawFromLinear((i - (1 << 13)) << 2));
const ALAW_ENCODE = Uint8Array.from({ length: 1 << 13 }, (_, i) => alawFromLinear((i - (1 << 12)) << 3));

export function encodeUlawSample(sample: number): number {
  return ULAW_ENCODE[(clamp16(sample) >> 2) + (1 << 13)] ?? 0xff;
}
export function decodeUlawSample(byte: number): number {
  return ULAW_DECODE[byte & 0xff] ?? 0;
}
export function encodeAlawSample(sample: number): number {
  return ALAW_ENCODE[(clamp16(sample) >> 3) + (1 << 12)] ?? 0xd5;
}
export function decodeAlawSample(byte: number): number {
  return ALAW_DECODE[byte & 0xff] ?? 0;
}

function clamp16(sample: number): number {
  return sample > 32767 ? 32767 : sample < -32768 ? -32768 : sample | 0;
}

/** Encodes linear PCM to G.711 bytes (one byte per sample). */
export function encodeG711(law: G711Law, pcm: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(pcm.length);
  const table = law === 'PCMU' ? ULAW_ENCODE : ALAW_ENCODE;
  const shift = law === 'PCMU' ? 2 : 3;
  const offset = law === 'PCMU' ? 1 << 13 : 1 << 12;
  for (let i = 0; i < pcm.length; i++) out[i] = table[((pcm[i] ?? 0) >> shift) + offset] ?? 0;
  return out;
}

/** Decodes G.711 bytes to linear PCM. */
export function decodeG711(law: G711Law, payload: Uint8Array): Int16Array {
  const table = law === 'PCMU' ? ULAW_DECODE : ALAW_DECODE;
  const out = new Int16Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = table[payload[i] ?? 0] ?? 0;
  return out;
}

/** The byte that decodes to (near) zero: what a silent frame carries. */
export function silenceByte(law: G711Law): number {
  return law === 'PCMU' ? 0xff : 0xd5;
}

export function lawForPayloadType(pt: number): G711Law | undefined {
  if (pt === G711_PAYLOAD_TYPE.PCMU) return 'PCMU';
  if (pt === G711_PAYLOAD_TYPE.PCMA) return 'PCMA';
  return undefined;
}

/** Splits PCM into 20 ms frames; the last one is padded with silence. */
export function toFrames(pcm: Int16Array, frameSamples: number = G711_FRAME_SAMPLES): Int16Array[] {
  const frames: Int16Array[] = [];
  for (let i = 0; i < pcm.length; i += frameSamples) {
    const frame = new Int16Array(frameSamples);
    frame.set(pcm.subarray(i, i + frameSamples));
    frames.push(frame);
  }
  return frames;
}
