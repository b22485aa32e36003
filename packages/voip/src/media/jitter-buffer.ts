/**
 * Playout buffer: packets go in as they arrive (out of order, duplicated,
 * missing) and frames come out one per 20 ms tick in sequence order, with loss
 * concealed. Sequence numbers are unwrapped to a running count so wraparound at
 * 65535 is invisible; a large jump in sequence or timestamp means the sender
 * restarted (new call leg, re-INVITE), and the buffer resynchronises.
 */
import { seqDelta, tsDelta } from './rtp-packet.js';

export type Concealment = 'silence' | 'repeat';

export interface JitterBufferOptions {
  /** Frames to collect before playout starts (the added latency). */
  readonly depth?: number;
  /** Frames held at most; older ones are dropped when a burst arrives. */
  readonly maxDepth?: number;
  readonly frameSamples?: number;
  readonly concealment?: Concealment;
  /** Repeat the last frame at most this many times, fading, then play silence. */
  readonly maxRepeats?: number;
  /** A sequence jump larger than this restarts the buffer. */
  readonly maxSequenceJump?: number;
  /** A timestamp jump (beyond what the sequence explains) larger than this, in samples, restarts it. */
  readonly maxTimestampJump?: number;
}

export interface PlayoutFrame {
  readonly pcm: Int16Array;
  readonly kind: 'audio' | 'concealed' | 'silence';
}

export interface JitterBufferStats {
  received: number;
  played: number;
  concealed: number;
  silence: number;
  late: number;
  duplicates: number;
  overflowDropped: number;
  resyncs: number;
}

interface Slot {
  readonly pcm: Int16Array;
  readonly timestamp: number;
}

export class JitterBuffer {
  private readonly depth: number;
  private readonly maxDepth: number;
  private readonly frameSamples: number;
  private readonly concealment: Concealment;
  private readonly maxRepeats: number;
  private readonly maxSeqJump: number;
  private readonly maxTsJump: number;
  private readonly slots = new Map<number, Slot>();
  /** Last raw sequence seen and its unwrapped value. */
  private refSeq: number | undefined;
  private refExt = 0;
  private refTs = 0;
  private next: number | undefined;
  private highest = 0;
  private last: Int16Array | undefined;
  private repeats = 0;
  readonly stats: JitterBufferStats = {
    received: 0, played: 0, concealed: 0, silence: 0, late: 0, duplicates: 0, overflowDropped: 0, resyncs: 0,
  };

  constructor(opts: JitterBufferOptions = {}) {
    this.depth = Math.max(1, opts.depth ?? 3);
    this.maxDepth = Math.max(this.depth + 1, opts.maxDepth ?? 50);
    this.frameSamples = opts.frameSamples ?? 160;
    this.concealment = opts.concealment ?? 'repeat';
    this.maxRepeats = opts.maxRepeats ?? 3;
    this.maxSeqJump = opts.maxSequenceJump ?? 100;
    this.maxTsJump = opts.maxTimestampJump ?? 8000 * 10;
  }

  /** Frames buffered and not yet played. */
  get size(): number {
    return this.slots.size;
  }

  push(sequence: number, timestamp: number, pcm: Int16Array): void {
    this.stats.received += 1;
    const ext = this.unwrap(sequence, timestamp);
    if (this.next !== undefined && ext < this.next) {
      this.stats.late += 1;
      return;
    }
    if (this.slots.has(ext)) {
      this.stats.duplicates += 1;
      return;
    }
    this.slots.set(ext, { pcm, timestamp });
    this.highest = Math.max(this.highest, ext);
    this.trimOverflow();
  }

  /** Takes the frame due now; call once per frame interval. */
  pop(): PlayoutFrame {
    if (this.next === undefined) {
      if (this.slots.size < this.depth) return this.silence();
      this.next = Math.min(...this.slots.keys());
    }
    const slot = this.slots.get(this.next);
    this.next += 1;
    if (slot) {
      this.slots.delete(this.next - 1);
      this.last = slot.pcm;
      this.repeats = 0;
      this.stats.played += 1;
      return { pcm: slot.pcm, kind: 'audio' };
    }
    if (this.slots.size === 0) {
      // Underrun with nothing queued: rebuild the cushion instead of concealing forever.
      this.next = undefined;
    }
    return this.conceal();
  }

  /** Drops all state, e.g. when the remote SSRC changes. */
  reset(): void {
    this.slots.clear();
    this.refSeq = undefined;
    this.next = undefined;
    this.last = undefined;
    this.repeats = 0;
  }

  private unwrap(sequence: number, timestamp: number): number {
    if (this.refSeq === undefined) return this.rebase(sequence, timestamp, 0);
    const d = seqDelta(this.refSeq, sequence);
    const tsGap = tsDelta(this.refTs, timestamp) - d * this.frameSamples;
    if (Math.abs(d) > this.maxSeqJump || Math.abs(tsGap) > this.maxTsJump) {
      this.stats.resyncs += 1;
      const base = this.highest + this.maxSeqJump + 1;
      this.slots.clear();
      this.next = undefined;
      return this.rebase(sequence, timestamp, base);
    }
    const ext = this.refExt + d;
    if (d > 0) {
      this.refSeq = sequence;
      this.refExt = ext;
      this.refTs = timestamp;
    }
    return ext;
  }

  private rebase(sequence: number, timestamp: number, ext: number): number {
    this.refSeq = sequence;
    this.refExt = ext;
    this.refTs = timestamp;
    this.highest = Math.max(this.highest, ext);
    return ext;
  }

  private trimOverflow(): void {
    while (this.slots.size > this.maxDepth) {
      const oldest = Math.min(...this.slots.keys());
      this.slots.delete(oldest);
      this.stats.overflowDropped += 1;
      if (this.next !== undefined && this.next <= oldest) this.next = oldest + 1;
    }
  }

  private conceal(): PlayoutFrame {
    this.stats.concealed += 1;
    if (this.concealment === 'repeat' && this.last && this.repeats < this.maxRepeats) {
      this.repeats += 1;
      // Fade each repetition so a long gap does not buzz.
      const gain = 1 - this.repeats / (this.maxRepeats + 1);
      return { pcm: this.last.map((v) => Math.round(v * gain)), kind: 'concealed' };
    }
    return { pcm: new Int16Array(this.frameSamples), kind: 'concealed' };
  }

  private silence(): PlayoutFrame {
    this.stats.silence += 1;
    return { pcm: new Int16Array(this.frameSamples), kind: 'silence' };
  }
}
