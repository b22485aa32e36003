import { afterEach, describe, expect, it } from 'vitest';
import { playPrompt } from '../../src/media/prompt-player.js';
import type { AudioFrame, RtpSession } from '../../src/media/rtp-session.js';
import { openPair, sine, sleep } from './helpers.js';

const open: RtpSession[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('prompt player', () => {
  it('plays in real time, 20 ms per frame, first frame marked, and resolves when done', async () => {
    const { a, b } = await openPair();
    open.push(a, b);
    const frames: AudioFrame[] = [];
    b.on('audio', (f) => frames.push(f));
    const prompt = sine(440, 1000, 8000); // 50 frames
    const t0 = performance.now();
    const result = await playPrompt(a, prompt);
    const elapsed = performance.now() - t0;
    await sleep(20);
    expect(result).toMatchObject({ reason: 'completed', framesSent: 50, framesSkipped: 0 });
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(1500); // generous: the CI machine has 2 shared cores
    expect(frames.length).toBe(50);
    expect(frames[0]?.marker).toBe(true);
    expect(frames.slice(1).some((f) => f.marker)).toBe(false);
    // Pacing: arrival of frame k stays within a few ms of k × 20 ms (no accumulated drift).
    const start = frames[0]?.receivedAt ?? 0;
    const worst = Math.max(...frames.map((f, k) => Math.abs(f.receivedAt - start - k * 20)));
    expect(worst).toBeLessThan(60);
  });

  it('pads the last partial frame with silence', async () => {
    const { a, b } = await openPair();
    open.push(a, b);
    const frames: AudioFrame[] = [];
    b.on('audio', (f) => frames.push(f));
    const result = await playPrompt(a, sine(440, 50));
    await sleep(20);
    expect(result.framesSent).toBe(3);
    expect(frames.map((f) => f.pcm.length)).toEqual([160, 160, 160]);
    expect(frames[2]?.pcm.subarray(80).every((v) => Math.abs(v) <= 8)).toBe(true);
  });

  it('stops on a DTMF digit from the caller (barge-in)', async () => {
    const { a, b } = await openPair();
    open.push(a, b);
    let heard = 0;
    b.on('audio', () => heard++);
    const playing = playPrompt(a, sine(440, 3000), { bargeIn: a });
    await sleep(300);
    await b.sendDigits('9', { durationMs: 60, pace: () => sleep(20), gapMs: 0 });
    const result = await playing;
    expect(result.reason).toBe('dtmf');
    expect(result.digit).toBe('9');
    expect(result.framesSent).toBeGreaterThan(10);
    expect(result.framesSent).toBeLessThan(40);
    const heardAtStop = heard;
    await sleep(100);
    expect(heard - heardAtStop).toBeLessThanOrEqual(1); // nothing more is sent after the stop
    expect(a.listenerCount('dtmf')).toBe(0);
  });

  it('stops when aborted and catches up after an event-loop stall', async () => {
    const { a, b } = await openPair();
    open.push(a, b);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const aborted = await playPrompt(a, sine(440, 2000), { signal: controller.signal });
    expect(aborted.reason).toBe('aborted');
    // A 300 ms stall: the player skips ahead rather than blasting 15 frames at once.
    setTimeout(() => {
      const until = performance.now() + 300;
      while (performance.now() < until) { /* block the loop */ }
    }, 100);
    const stalled = await playPrompt(a, sine(440, 1000), { maxCatchUpMs: 100 });
    expect(stalled.reason).toBe('completed');
    expect(stalled.framesSkipped).toBeGreaterThan(5);
    expect(stalled.framesSent + stalled.framesSkipped).toBe(50);
  });
});
