/**
 * In-band DTMF: tone generation and a Goertzel detector used when the peer
 * does not negotiate RFC 4733. Thresholds follow ITU-T Q.24 practice: limits
 * on twist, a minimum level, a minimum duration, and a check that the two
 * tones carry most of the energy, which is what separates DTMF from speech.
 */
import type { DtmfEvent } from './telephone-event.js';
import { DTMF_DIGITS, digitToEvent } from './telephone-event.js';

export const DTMF_ROWS = [697, 770, 852, 941] as const;
export const DTMF_COLS = [1209, 1336, 1477, 1633] as const;

function tonePair(digit: string): [number, number] {
  const code = digitToEvent(digit);
  // DTMF_DIGITS order is 0-9 * # A-D; map it onto the keypad grid.
  const grid = '123A456B789C*0#D';
  const index = grid.indexOf(DTMF_DIGITS[code] ?? '');
  return [DTMF_ROWS[index >> 2] ?? 0, DTMF_COLS[index & 3] ?? 0];
}

export interface DtmfToneOptions {
  readonly sampleRate?: number;
  /** Level of each tone in dBFS (a full-scale sine is 0). */
  readonly levelDb?: number;
  /** Column tone level minus row tone level, in dB. */
  readonly twistDb?: number;
}

/** Generates one digit as a two-tone burst. */
export function generateDtmfTone(digit: string, durationMs: number, opts: DtmfToneOptions = {}): Int16Array {
  const rate = opts.sampleRate ?? 8000;
  const [fr, fc] = tonePair(digit);
  const rowAmp = 32767 * 10 ** ((opts.levelDb ?? -10) / 20);
  const colAmp = rowAmp * 10 ** ((opts.twistDb ?? 0) / 20);
  const n = Math.round((durationMs * rate) / 1000);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const v = rowAmp * Math.sin((2 * Math.PI * fr * i) / rate) + colAmp * Math.sin((2 * Math.PI * fc * i) / rate);
    out[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  return out;
}

/** Generates a dialling sequence with silence between digits. */
export function generateDtmfSequence(digits: string, toneMs = 80, gapMs = 80, opts: DtmfToneOptions = {}): Int16Array {
  const rate = opts.sampleRate ?? 8000;
  const gap = new Int16Array(Math.round((gapMs * rate) / 1000));
  const parts: Int16Array[] = [gap];
  for (const d of digits) parts.push(generateDtmfTone(d, toneMs, opts), gap);
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Goertzel power at one frequency; ≈ (A·N/2)² for a sine of amplitude A. */
function goertzel(block: Float64Array, coeff: number): number {
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < block.length; i++) {
    const s0 = (block[i] ?? 0) + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

export interface DtmfDetectorOptions {
  readonly sampleRate?: number;
  /** ~13 ms blocks put adjacent row tones near a spectral null of each other. */
  readonly blockSize?: number;
  /** Minimum level of each tone, dBFS. */
  readonly minLevelDb?: number;
  /** Row louder than column (normal twist) allowed up to this, dB. */
  readonly maxNormalTwistDb?: number;
  /** Column louder than row (reverse twist) allowed up to this, dB. */
  readonly maxReverseTwistDb?: number;
  /** Share of the block's energy the two tones must carry (rejects speech and noise). */
  readonly minToneRatio?: number;
  /** The strongest tone must beat the others in its group by this much, dB. */
  readonly minPeakRatioDb?: number;
  /**
   * Blocks (out of the last minBlocks + 1, none showing another digit) needed to
   * accept a digit: 2 × 13 ms ≈ 26 ms, under the 40 ms minimum, while one noisy
   * block does not hide a short tone.
   */
  readonly minBlocks?: number;
  readonly onDigit: (event: DtmfEvent) => void;
}

interface Thresholds {
  minTonePower: number;
  normalTwist: number;
  reverseTwist: number;
  minToneRatio: number;
  peakRatio: number;
}

const dbToPower = (db: number): number => 10 ** (db / 10);

export class DtmfDetector {
  private readonly blockSize: number;
  private readonly sampleRate: number;
  private readonly rowCoeffs: number[];
  private readonly colCoeffs: number[];
  private readonly t: Thresholds;
  private readonly minBlocks: number;
  private readonly onDigit: (event: DtmfEvent) => void;
  private readonly block: Float64Array;
  private filled = 0;
  /** Classification of the last few blocks, newest last. */
  private history: (string | undefined)[] = [];
  private active: string | undefined;
  private activeBlocks = 0;
  private missBlocks = 0;
  blocksAnalysed = 0;

  constructor(opts: DtmfDetectorOptions) {
    this.sampleRate = opts.sampleRate ?? 8000;
    this.blockSize = opts.blockSize ?? 106;
    this.block = new Float64Array(this.blockSize);
    const coeff = (f: number): number => 2 * Math.cos((2 * Math.PI * f) / this.sampleRate);
    this.rowCoeffs = DTMF_ROWS.map(coeff);
    this.colCoeffs = DTMF_COLS.map(coeff);
    const fullScaleSinePower = (32767 * 32767) / 2;
    this.t = {
      minTonePower: fullScaleSinePower * dbToPower(opts.minLevelDb ?? -36),
      normalTwist: dbToPower(opts.maxNormalTwistDb ?? 8),
      reverseTwist: dbToPower(opts.maxReverseTwistDb ?? 6),
      minToneRatio: opts.minToneRatio ?? 0.7,
      peakRatio: dbToPower(opts.minPeakRatioDb ?? 8),
    };
    this.minBlocks = opts.minBlocks ?? 2;
    this.onDigit = opts.onDigit;
  }

  push(pcm: Int16Array): void {
    for (let i = 0; i < pcm.length; i++) {
      this.block[this.filled++] = pcm[i] ?? 0;
      if (this.filled === this.blockSize) {
        this.filled = 0;
        this.step(this.classify());
      }
    }
  }

  /** Ends a digit still sounding (e.g. at the end of a recording). */
  flush(): void {
    if (this.active) this.report();
  }

  /** Returns the digit this block holds, if it passes every check. */
  private classify(): string | undefined {
    this.blocksAnalysed += 1;
    const n = this.blockSize;
    let energy = 0;
    for (let i = 0; i < n; i++) energy += (this.block[i] ?? 0) ** 2;
    // Per-sample mean power of each tone, comparable with energy / n.
    const rows = this.rowCoeffs.map((c) => (goertzel(this.block, c) * 2) / (n * n));
    const cols = this.colCoeffs.map((c) => (goertzel(this.block, c) * 2) / (n * n));
    const r = strongest(rows);
    const c = strongest(cols);
    const t = this.t;
    if (r.power < t.minTonePower || c.power < t.minTonePower) return undefined;
    if (r.power > c.power * t.normalTwist || c.power > r.power * t.reverseTwist) return undefined;
    if (r.power < r.runnerUp * t.peakRatio || c.power < c.runnerUp * t.peakRatio) return undefined;
    if (r.power + c.power < t.minToneRatio * (energy / n)) return undefined;
    return '123A456B789C*0#D'[r.index * 4 + c.index];
  }

  private step(digit: string | undefined): void {
    this.history.push(digit);
    if (this.history.length > this.minBlocks + 1) this.history.shift();
    if (this.active !== undefined) {
      if (digit === this.active) {
        this.activeBlocks += 1 + this.missBlocks;
        this.missBlocks = 0;
      } else if (++this.missBlocks >= 2) {
        // One odd block inside a tone (a noise burst) does not end the digit.
        this.report();
      }
      return;
    }
    if (digit === undefined) return;
    const seen = this.history.filter((d) => d !== undefined);
    if (seen.length >= this.minBlocks && seen.every((d) => d === digit)) {
      this.active = digit;
      this.activeBlocks = seen.length;
      this.missBlocks = 0;
    }
  }

  private report(): void {
    const digit = this.active;
    if (digit === undefined) return;
    const durationMs = Math.round((this.activeBlocks * this.blockSize * 1000) / this.sampleRate);
    this.active = undefined;
    this.activeBlocks = 0;
    this.missBlocks = 0;
    this.history = [];
    this.onDigit({ digit, durationMs, source: 'inband' });
  }
}

function strongest(powers: number[]): { index: number; power: number; runnerUp: number } {
  let index = 0;
  powers.forEach((p, i) => {
    if (p > (powers[index] ?? 0)) index = i;
  });
  const runnerUp = Math.max(0, ...powers.filter((_, i) => i !== index));
  return { index, power: powers[index] ?? 0, runnerUp };
}
