import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IntervalWorker } from '../interval-worker.js';

describe('IntervalWorker', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('never overlaps a slow run, reports errors and keeps ticking, and stop() waits for the run in progress', async () => {
    let started = 0;
    let finish: () => void = () => undefined;
    const errors: unknown[] = [];
    const worker = new IntervalWorker(
      () => {
        started++;
        if (started === 1) return Promise.reject(new Error('boom'));
        return new Promise<void>((r) => (finish = r));
      },
      (err) => errors.push(err),
      1000,
    );
    worker.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toBe(1);
    expect(errors).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toBe(2);
    // The second run is still going: the next ticks start nothing.
    await vi.advanceTimersByTimeAsync(5000);
    expect(started).toBe(2);
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(stopped).toBe(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(started).toBe(2);
  });
});
