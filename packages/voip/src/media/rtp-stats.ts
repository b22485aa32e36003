/**
 * Receiver statistics for one source (RFC 3550 §6.4.1 and appendix A.1/A.3/A.8):
 * extended highest sequence, loss, interarrival jitter.
 */
import type { ReportBlock } from './rtcp.js';
import { seqDelta } from './rtp-packet.js';

/** A jump bigger than this is treated as a restart of the sender's sequence. */
const MAX_DROPOUT = 3000;

export class ReceiverStats {
  readonly ssrc: number;
  private readonly clockRate: number;
  private baseSeq = 0;
  private maxSeq = 0;
  private cycles = 0;
  private started = false;
  received = 0;
  bytes = 0;
  duplicatesOrLate = 0;
  /** Interarrival jitter in timestamp units (the RTCP field). */
  jitter = 0;
  private lastTransit: number | undefined;
  private expectedPrior = 0;
  private receivedPrior = 0;
  lastSrMiddle = 0;
  lastSrArrivalMs = 0;

  constructor(ssrc: number, clockRate: number) {
    this.ssrc = ssrc;
    this.clockRate = clockRate;
  }

  /** Records one packet; arrivalMs is a monotonic clock. */
  record(sequence: number, timestamp: number, payloadBytes: number, arrivalMs: number): void {
    this.received += 1;
    this.bytes += payloadBytes;
    this.updateSequence(sequence);
    this.updateJitter(timestamp, arrivalMs);
  }

  private updateSequence(seq: number): void {
    if (!this.started) {
      this.started = true;
      this.baseSeq = seq;
      this.maxSeq = seq;
      return;
    }
    const delta = seqDelta(this.maxSeq, seq);
    if (delta > 0 && delta < MAX_DROPOUT) {
      if (seq < this.maxSeq) this.cycles += 0x10000;
      this.maxSeq = seq;
    } else if (delta <= 0 && delta > -MAX_DROPOUT) {
      this.duplicatesOrLate += 1;
    } else {
      // Sender restarted its sequence: rebase so loss is not counted in thousands.
      this.baseSeq = seq;
      this.maxSeq = seq;
      this.cycles = 0;
      this.received = 1;
      this.expectedPrior = 0;
      this.receivedPrior = 0;
    }
  }

  private updateJitter(timestamp: number, arrivalMs: number): void {
    const arrival = Math.round((arrivalMs * this.clockRate) / 1000);
    const transit = (arrival - timestamp) | 0;
    if (this.lastTransit !== undefined) {
      const d = Math.abs((transit - this.lastTransit) | 0);
      // Ignore timestamp jumps (e.g. after a DTMF event or silence) larger than 1 s.
      if (d < this.clockRate) this.jitter += (d - this.jitter) / 16;
    }
    this.lastTransit = transit;
  }

  get extendedHighestSeq(): number {
    return this.cycles + this.maxSeq;
  }

  get expected(): number {
    return this.started ? this.extendedHighestSeq - this.baseSeq + 1 : 0;
  }

  /** Cumulative packets lost; can be negative with duplicates, clamped here for display. */
  get lost(): number {
    return Math.max(0, this.expected - this.received);
  }

  get jitterMs(): number {
    return (this.jitter * 1000) / this.clockRate;
  }

  /** Builds a report block and advances the "since last report" interval. */
  reportBlock(nowMs: number): ReportBlock {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    const receivedInterval = this.received - this.receivedPrior;
    this.expectedPrior = expected;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    const fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval << 8) / expectedInterval);
    const dlsr = this.lastSrArrivalMs ? Math.round(((nowMs - this.lastSrArrivalMs) / 1000) * 65536) : 0;
    return {
      ssrc: this.ssrc,
      fractionLost: Math.min(255, fraction),
      cumulativeLost: expected - this.received,
      highestSeq: this.extendedHighestSeq >>> 0,
      jitter: this.jitter,
      lastSr: this.lastSrMiddle,
      delaySinceLastSr: this.lastSrMiddle ? dlsr : 0,
    };
  }
}
