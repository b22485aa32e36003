/**
 * Plays PCM into an RTP session in real time: one 20 ms frame per tick of a
 * drift-corrected FrameClock. Resolves when the prompt has been heard, is
 * aborted, or — with barge-in — when the caller presses a key.
 */
import { FrameClock } from './frame-clock.js';
import { G711_FRAME_SAMPLES, toFrames } from './g711.js';
import type { DtmfEvent } from './telephone-event.js';

/** What the player needs from a session: RtpSession satisfies it. */
export interface AudioSink {
  sendAudio(pcm: Int16Array, marker?: boolean): void;
}

/** A source of DTMF events, e.g. an RtpSession ('dtmf' event). */
export interface DtmfSource {
  on(event: 'dtmf', listener: (e: DtmfEvent) => void): unknown;
  off(event: 'dtmf', listener: (e: DtmfEvent) => void): unknown;
}

export interface PlayOptions {
  /** Stop on the first DTMF digit from this source (barge-in). */
  readonly bargeIn?: DtmfSource;
  readonly signal?: AbortSignal;
  readonly frameMs?: number;
  /** Monotonic clock in ms; injectable for tests. */
  readonly now?: () => number;
  /** If the loop falls this far behind (event-loop stall), skip ahead instead of bursting. */
  readonly maxCatchUpMs?: number;
}

export interface PlayResult {
  readonly reason: 'completed' | 'dtmf' | 'aborted';
  readonly digit?: string;
  readonly framesSent: number;
  readonly elapsedMs: number;
  /** Frames skipped because the process stalled for longer than maxCatchUpMs. */
  readonly framesSkipped: number;
}

export function playPrompt(sink: AudioSink, pcm: Int16Array, opts: PlayOptions = {}): Promise<PlayResult> {
  const frameMs = opts.frameMs ?? 20;
  const frameSamples = (G711_FRAME_SAMPLES * frameMs) / 20;
  const now = opts.now ?? (() => performance.now());
  const frames = toFrames(pcm, frameSamples);
  const totalFrames = frames.length;
  const started = now();
  return new Promise<PlayResult>((resolve) => {
    let sent = 0;
    let done = false;
    const finish = (reason: PlayResult['reason'], digit?: string): void => {
      if (done) return;
      done = true;
      clock.stop();
      opts.bargeIn?.off('dtmf', onDigit);
      opts.signal?.removeEventListener('abort', onAbort);
      const base = { reason, framesSent: sent, elapsedMs: now() - started, framesSkipped: clock.skipped };
      resolve(digit === undefined ? base : { ...base, digit });
    };
    const onTick = (tick: number): void => {
      // Tick n + 1 marks the end of frame n: "completed" means the caller heard it all.
      if (tick >= totalFrames) {
        finish('completed');
        return;
      }
      // The marker bit flags the start of a talkspurt so the far end resets its playout.
      sink.sendAudio(frames[tick] ?? new Int16Array(frameSamples), sent === 0);
      sent += 1;
    };
    const clock = new FrameClock(onTick, { periodMs: frameMs, now, maxCatchUp: Math.max(1, Math.floor((opts.maxCatchUpMs ?? 100) / frameMs)) });
    const onDigit = (e: DtmfEvent): void => finish('dtmf', e.digit);
    const onAbort = (): void => finish('aborted');
    if (opts.signal?.aborted) {
      finish('aborted');
      return;
    }
    opts.bargeIn?.on('dtmf', onDigit);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    clock.start();
  });
}
