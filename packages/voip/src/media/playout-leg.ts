/**
 * The receive side of one call leg as a steady frame stream: the session's
 * decoded packets go into a jitter buffer, and whoever owns the call's clock
 * (bridge, recorder, mixer) pops one frame per 20 ms tick from every leg, so
 * all legs stay on the same timeline.
 */
import { JitterBuffer, type JitterBufferOptions, type PlayoutFrame } from './jitter-buffer.js';
import type { AudioFrame } from './rtp-session.js';

/** An RtpSession or anything else that emits decoded frames. */
export interface DecodedAudioSource {
  on(event: 'audio', listener: (frame: AudioFrame) => void): unknown;
  off(event: 'audio', listener: (frame: AudioFrame) => void): unknown;
}

export class PlayoutLeg {
  readonly buffer: JitterBuffer;
  private readonly source: DecodedAudioSource;
  private readonly listener = (frame: AudioFrame): void => this.accept(frame);
  private ssrc: number | undefined;
  private closed = false;

  constructor(source: DecodedAudioSource, opts: JitterBufferOptions = {}) {
    this.source = source;
    this.buffer = new JitterBuffer(opts);
    source.on('audio', this.listener);
  }

  /** The frame due now (audio, concealment or silence); call once per tick. */
  pop(): PlayoutFrame {
    return this.buffer.pop();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.source.off('audio', this.listener);
    this.buffer.reset();
  }

  private accept(frame: AudioFrame): void {
    // A new SSRC is a new sender (transfer, re-INVITE): its numbering is unrelated.
    if (this.ssrc !== undefined && frame.ssrc !== this.ssrc) this.buffer.reset();
    this.ssrc = frame.ssrc;
    this.buffer.push(frame.sequence, frame.timestamp, frame.pcm);
  }
}
