import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mediaCounters } from '../../src/media/counters.js';
import { FrameClock } from '../../src/media/frame-clock.js';
import { playPrompt } from '../../src/media/prompt-player.js';
import { PlayoutLeg } from '../../src/media/playout-leg.js';
import type { RtpSession } from '../../src/media/rtp-session.js';
import { StereoRecorder } from '../../src/media/stereo-recorder.js';
import { parseWav } from '../../src/media/wav.js';
import { openPair, rms, sine, sleep, toneAmplitude } from './helpers.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'voip-call-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const open: RtpSession[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('frame clock', () => {
  it('ticks every 20 ms without drift and stops cleanly', async () => {
    const times: number[] = [];
    const timersBefore = mediaCounters().timersActive;
    const clock = new FrameClock(() => times.push(performance.now()));
    clock.start();
    expect(mediaCounters().timersActive).toBe(timersBefore + 1);
    await sleep(1000);
    clock.stop();
    expect(mediaCounters().timersActive).toBe(timersBefore);
    expect(times.length).toBeGreaterThanOrEqual(48);
    expect(times.length).toBeLessThanOrEqual(52);
    const first = times[0] ?? 0;
    expect(Math.max(...times.map((t, k) => Math.abs(t - first - k * 20)))).toBeLessThan(40);
    const count = times.length;
    await sleep(60);
    expect(times.length).toBe(count);
  });
});

describe('a recorded call over real RTP', () => {
  it('records citizen left and agent right through jitter buffers on one clock', async () => {
    const { a: citizen, b: agent } = await openPair();
    open.push(citizen, agent);
    // What the platform hears from each side.
    const fromCitizen = new PlayoutLeg(agent, { depth: 2 });
    const fromAgent = new PlayoutLeg(citizen, { depth: 2 });
    let tick = 0;
    const rec = await StereoRecorder.create(join(dir, 'call.wav'), { now: () => tick * 20 });
    const clock = new FrameClock((n) => {
      tick = n;
      rec.write('left', fromCitizen.pop().pcm, n * 20);
      rec.write('right', fromAgent.pop().pcm, n * 20);
    });
    clock.start();
    const citizenTalks = playPrompt(citizen, sine(400, 1000, 6000));
    await sleep(400);
    await Promise.all([citizenTalks, playPrompt(agent, sine(1000, 800, 6000))]);
    await sleep(100);
    clock.stop();
    fromCitizen.close();
    fromAgent.close();
    await rec.close();
    const wav = parseWav(await readFile(rec.path));
    const left = wav.samples.filter((_, i) => i % 2 === 0);
    const right = wav.samples.filter((_, i) => i % 2 === 1);
    const seg = (ch: Int16Array, from: number, to: number): Int16Array => ch.subarray(from * 8, to * 8);
    // Citizen speaks ~0-1000 ms, agent ~400-1200 ms (plus ~40 ms of buffering).
    expect(toneAmplitude(seg(left, 150, 850), 400)).toBeGreaterThan(4500);
    expect(toneAmplitude(seg(right, 150, 850), 1000)).toBeGreaterThan(1500);
    expect(rms(seg(right, 0, 350))).toBeLessThan(100);
    expect(toneAmplitude(seg(right, 600, 1100), 1000)).toBeGreaterThan(4500);
    expect(toneAmplitude(seg(left, 600, 900), 1000)).toBeLessThan(100);
    expect(fromCitizen.buffer.stats.played).toBeGreaterThanOrEqual(49);
    expect(agent.listenerCount('audio')).toBe(0);
  });
});
