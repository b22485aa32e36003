/**
 * Plays PCM into an RTP session in real time: one 20 ms frame per tick,
 * scheduled against absolute deadlines so timer lateness does not accumulate
 * (drift correction). Resolves when the prompt ends, is aborted, or — with
 * barge-in — when the caller presses a key.
 */
import type { DtmfEvent } from './telephone-event.js';
import { G711_FRAME_SAMPLES } from './g711.js';

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
  const maxCatchUp = Math.max(1, Math.floor((opts.maxCatchUpMs ?? 100) / frameMs));
  const totalFrames = Math.ceil(pcm.length / frameSamples);
  const start = now();
  return new Promise<PlayResult>((resolve) => {
    let index = 0;
    let skipped = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (reason: PlayResult['reason'], digit?: string): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      opts.bargeIn?.off('dtmf', onDigit);
      opts.signal?.removeEventListener('abort', onAbort);
      const base = { reason, framesSent: index - skipped, elapsedMs: now() - start, framesSkipped: skipped };
      resolve(digit === undefined ? base : { ...base, digit });
    };
    const onDigit = (e: DtmfEvent): void => finish('dtmf', e.digit);
    const onAbort = (): void => finish('aborted');
    const sendFrame = (): void => {
      const frame = new Int16Array(frameSamples);
      frame.set(pcm.subarray(index * frameSamples, (index + 1) * frameSamples));
      // The marker bit flags the start of a talkspurt so the far end resets its playout.
      sink.sendAudio(frame, index === 0);
      index += 1;
    };
    const tick = (): void => {
      if (done) return;
      const due = Math.min(totalFrames, Math.floor((now() - start) / frameMs) + 1);
      if (due - index > maxCatchUp) {
        skipped += due - index - 1;
        index = due - 1;
      }
      while (index < due && !done) sendFrame();
      if (index >= totalFrames) {
        // Let the last frame's 20 ms elapse so "done" means the caller heard it.
        timer = setTimeout(() => finish('completed'), Math.max(0, start + totalFrames * frameMs - now()));
        return;
      }
      timer = setTimeout(tick, Math.max(0, start + index * frameMs - now()));
    };
    if (opts.signal?.aborted) {
      finish('aborted');
      return;
    }
    opts.bargeIn?.on('dtmf', onDigit);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    tick();
  });
}
