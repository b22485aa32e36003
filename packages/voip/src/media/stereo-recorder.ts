/**
 * Call recording: citizen on the left channel, agent on the right, 8 kHz
 * 16-bit stereo WAV streamed to disk. Each side's audio carries a time (ms
 * since the recording started, from an injectable clock); gaps become silence
 * and the two sides are interleaved by time, so the channels stay aligned even
 * when one side sends nothing (mute, hold, one-way audio).
 */
import { WavFileWriter } from './wav.js';

export type RecordingChannel = 'left' | 'right';

export interface StereoRecorderOptions {
  readonly sampleRate?: number;
  /** Milliseconds since an arbitrary origin; defaults to performance.now(). */
  readonly now?: () => number;
  /** Timing slack before a late or early chunk is moved (ms). */
  readonly toleranceMs?: number;
  /** One side may lag the other by this much before it is padded with silence (ms). */
  readonly maxSkewMs?: number;
}

class ChannelQueue {
  /** Next sample index this channel will receive. */
  end = 0;
  chunks: Int16Array[] = [];
  queued = 0;

  append(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    this.chunks.push(pcm);
    this.queued += pcm.length;
    this.end += pcm.length;
  }

  /** Removes the first n queued samples into out (at stride 2, from offset). */
  drainInto(out: Int16Array, offset: number, n: number): void {
    let i = 0;
    while (i < n) {
      const chunk = this.chunks[0];
      if (!chunk) break;
      const take = Math.min(chunk.length, n - i);
      for (let k = 0; k < take; k++) out[(i + k) * 2 + offset] = chunk[k] ?? 0;
      i += take;
      if (take === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(take);
    }
    this.queued -= n;
  }
}

export class StereoRecorder {
  readonly path: string;
  private readonly writer: WavFileWriter;
  private readonly rate: number;
  private readonly now: () => number;
  private readonly origin: number;
  private readonly tolerance: number;
  private readonly maxSkew: number;
  private readonly left = new ChannelQueue();
  private readonly right = new ChannelQueue();
  private written = 0;
  private closed = false;
  droppedSamples = 0;

  static async create(path: string, opts: StereoRecorderOptions = {}): Promise<StereoRecorder> {
    const writer = await WavFileWriter.create(path, opts.sampleRate ?? 8000, 2);
    return new StereoRecorder(writer, opts);
  }

  private constructor(writer: WavFileWriter, opts: StereoRecorderOptions) {
    this.writer = writer;
    this.path = writer.path;
    this.rate = writer.sampleRate;
    this.now = opts.now ?? (() => performance.now());
    this.origin = this.now();
    this.tolerance = Math.round(((opts.toleranceMs ?? 60) * this.rate) / 1000);
    this.maxSkew = Math.round(((opts.maxSkewMs ?? 500) * this.rate) / 1000);
  }

  /** Seconds of stereo audio written so far. */
  get durationSeconds(): number {
    return this.written / this.rate;
  }

  /**
   * Adds audio for one side. atMs is when its first sample was heard
   * (relative to the recorder's clock origin); defaults to now minus its length.
   */
  write(channel: RecordingChannel, pcm: Int16Array, atMs?: number): void {
    if (this.closed) return;
    const q = channel === 'left' ? this.left : this.right;
    const at = atMs ?? this.now() - this.origin - (pcm.length * 1000) / this.rate;
    const start = Math.max(0, Math.round((at * this.rate) / 1000));
    this.place(q, pcm, start);
    this.flush(false);
  }

  /** Pads the shorter side with silence, finalises the WAV header and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush(true);
    await this.writer.close();
  }

  private place(q: ChannelQueue, pcm: Int16Array, start: number): void {
    const gap = start - q.end;
    if (gap > this.tolerance) {
      q.append(new Int16Array(gap));
      q.append(pcm);
    } else if (gap < -this.tolerance) {
      // Overlaps audio already placed (a clock step or a duplicate): keep only the new tail.
      const overlap = Math.min(pcm.length, -gap);
      this.droppedSamples += overlap;
      q.append(pcm.subarray(overlap));
    } else {
      q.append(pcm);
    }
  }

  private flush(final: boolean): void {
    const target = Math.max(this.left.end, this.right.end);
    for (const q of [this.left, this.right]) {
      // A silent side (muted, on hold, not yet answered) must not hold back the other forever.
      const lag = target - q.end;
      if (final ? lag > 0 : lag > this.maxSkew) q.append(new Int16Array(final ? lag : lag - this.maxSkew));
    }
    const n = Math.min(this.left.queued, this.right.queued);
    if (n === 0) return;
    const out = new Int16Array(n * 2);
    this.left.drainInto(out, 0, n);
    this.right.drainInto(out, 1, n);
    this.written += n;
    this.writer.write(out);
  }
}
