import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaCounters } from '../../src/media/counters.js';
import { StereoRecorder } from '../../src/media/stereo-recorder.js';
import { encodeWav, parseWav, promptFromWav, readPromptFile, WavFileWriter, WavFormatError, wavHeader } from '../../src/media/wav.js';
import { rms, sine, toneAmplitude } from './helpers.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'voip-wav-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Splits interleaved stereo into its channels. */
function channels(samples: Int16Array): [Int16Array, Int16Array] {
  return [samples.filter((_, i) => i % 2 === 0), samples.filter((_, i) => i % 2 === 1)];
}

describe('WAV writer and reader', () => {
  it('streams samples and finalises the header on close', async () => {
    const path = join(dir, 'stream.wav');
    const w = await WavFileWriter.create(path, 8000, 1);
    const tone = sine(440, 1000);
    for (let i = 0; i < tone.length; i += 160) w.write(tone.subarray(i, i + 160));
    await w.close();
    const buf = await readFile(path);
    expect(buf.readUInt32LE(4)).toBe(36 + 16000);
    expect(buf.readUInt32LE(40)).toBe(16000);
    const wav = parseWav(buf);
    expect(wav).toMatchObject({ sampleRate: 8000, channels: 1, bitsPerSample: 16 });
    expect(wav.samples).toEqual(tone);
  });

  it('recovers a file whose writer never finalised the header', async () => {
    const data = Buffer.from(sine(300, 100).buffer);
    const wav = parseWav(Buffer.concat([wavHeader(8000, 1, 0), data]));
    expect(wav.samples.length).toBe(800);
  });

  it('reads espeak-ng style streamed headers (sizes 0x7FFFF000)', () => {
    const buf = encodeWav(sine(200, 50), 22050);
    buf.writeUInt32LE(0x7ffff024, 4);
    buf.writeUInt32LE(0x7ffff000, 40);
    expect(parseWav(buf).samples.length).toBe(400);
  });

  it('loads 8 kHz prompts as is and resamples 16 kHz ones', async () => {
    const eight = sine(500, 500);
    expect(promptFromWav(encodeWav(eight, 8000))).toEqual(eight);
    const path = join(dir, 'p16.wav');
    await writeFile(path, encodeWav(sine(500, 500, 8000, 16000), 16000));
    const p = await readPromptFile(path);
    expect(p.length).toBe(4000);
    expect(toneAmplitude(p.subarray(400, 3600), 500)).toBeGreaterThan(7000);
  });

  it('rejects other formats with a clear error', () => {
    expect(() => promptFromWav(encodeWav(new Int16Array(100), 44100, 2))).toThrow(/44100 Hz, 2 channel.*8 kHz or 16 kHz mono/);
    expect(() => promptFromWav(encodeWav(new Int16Array(100), 16000, 2))).toThrow(WavFormatError);
    const eightBit = encodeWav(new Int16Array(100), 8000);
    eightBit.writeUInt16LE(8, 34);
    expect(() => promptFromWav(eightBit)).toThrow(/16-bit PCM/);
    const alaw = encodeWav(new Int16Array(100), 8000);
    alaw.writeUInt16LE(6, 20);
    expect(() => promptFromWav(alaw)).toThrow(/format 6/);
    expect(() => promptFromWav(Buffer.from('not a wav at all'))).toThrow(/RIFF/);
  });
});

describe('stereo call recording', () => {
  it('puts the citizen left and the agent right, aligned by time, gaps filled with silence', async () => {
    let clock = 0;
    const path = join(dir, 'call.wav');
    const rec = await StereoRecorder.create(path, { now: () => clock });
    const citizen = sine(400, 20, 6000);
    const agent = sine(1000, 20, 6000);
    // Citizen talks 0-1000 ms but loses 200-400 ms; agent joins at 500 ms and talks to 1500 ms.
    for (let t = 0; t < 1500; t += 20) {
      clock = t + 20;
      if (t < 1000 && !(t >= 200 && t < 400)) rec.write('left', citizen, t);
      if (t >= 500) rec.write('right', agent, t);
    }
    await rec.close();
    const wav = parseWav(await readFile(path));
    expect(wav).toMatchObject({ sampleRate: 8000, channels: 2 });
    const [left, right] = channels(wav.samples);
    expect(left.length).toBe(12000);
    const seg = (ch: Int16Array, fromMs: number, toMs: number): Int16Array => ch.subarray(fromMs * 8, toMs * 8);
    expect(toneAmplitude(seg(left, 0, 200), 400)).toBeGreaterThan(5000);
    expect(rms(seg(left, 210, 390))).toBe(0);
    expect(toneAmplitude(seg(left, 400, 1000), 400)).toBeGreaterThan(5000);
    expect(rms(seg(left, 1000, 1500))).toBe(0);
    expect(rms(seg(right, 0, 500))).toBe(0);
    expect(toneAmplitude(seg(right, 500, 1500), 1000)).toBeGreaterThan(5000);
    // No cross-talk between channels.
    expect(toneAmplitude(seg(left, 500, 1000), 1000)).toBeLessThan(50);
    expect(toneAmplitude(seg(right, 500, 1000), 400)).toBeLessThan(50);
    expect(rec.durationSeconds).toBe(1.5);
    // Other tools read it too (sox is installed wherever espeak-ng is).
    if (existsSync('/usr/bin/soxi')) {
      const info = spawnSync('/usr/bin/soxi', [path], { encoding: 'utf8' });
      expect(info.stdout).toMatch(/Channels\s*: 2/);
      expect(info.stdout).toMatch(/Sample Rate\s*: 8000/);
      expect(info.stdout).toMatch(/Duration\s*: 00:00:01.50 = 12000 samples/);
    }
  });

  it('does not hold audio back while the other side is silent, and closes its file', async () => {
    let clock = 0;
    const before = mediaCounters().filesOpen;
    const rec = await StereoRecorder.create(join(dir, 'oneway.wav'), { now: () => clock, maxSkewMs: 200 });
    for (let t = 0; t < 3000; t += 20) {
      clock = t + 20;
      rec.write('left', sine(300, 20), t);
    }
    // Only the left side spoke, yet nearly everything is already on disk.
    expect(rec.durationSeconds).toBeGreaterThanOrEqual(2.8);
    expect(mediaCounters().filesOpen).toBe(before + 1);
    await rec.close();
    expect(mediaCounters().filesOpen).toBe(before);
  });
});
