import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DtmfDetector, generateDtmfSequence, generateDtmfTone } from '../../src/media/dtmf-inband.js';
import type { DtmfEvent } from '../../src/media/telephone-event.js';
import { EspeakTts } from '../../src/media/tts-espeak.js';
import { gaussian, prng, toneAmplitude } from './helpers.js';

const ALL = '0123456789*#ABCD';

function detect(pcm: Int16Array, chunk = 160): DtmfEvent[] {
  const got: DtmfEvent[] = [];
  const d = new DtmfDetector({ onDigit: (e) => got.push(e) });
  // Feed in RTP-sized chunks, as the session does.
  for (let i = 0; i < pcm.length; i += chunk) d.push(pcm.subarray(i, i + chunk));
  d.flush();
  return got;
}

function addNoise(pcm: Int16Array, rmsLevel: number, seed: number): Int16Array {
  const g = gaussian(prng(seed));
  return pcm.map((v) => Math.max(-32768, Math.min(32767, Math.round(v + g() * rmsLevel))));
}

/** Voiced-speech stand-in: a gliding pitch pulse train through three formant resonators. */
function speechLike(seconds: number, seed: number): Int16Array {
  const rand = prng(seed);
  const n = seconds * 8000;
  const out = new Int16Array(n);
  const formants = [[700, 80], [1220, 90], [2600, 120]] as const;
  const state = formants.map(() => [0, 0]);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const f0 = 110 + 60 * Math.sin(i / 3000) + 20 * rand();
    phase += f0 / 8000;
    const excitation = phase >= 1 ? 4000 : 0;
    if (phase >= 1) phase -= 1;
    let y = 0;
    formants.forEach(([f, bw], k) => {
      const r = Math.exp((-Math.PI * bw) / 8000);
      const s = state[k] ?? [0, 0];
      const v = excitation + 2 * r * Math.cos((2 * Math.PI * f) / 8000) * (s[0] ?? 0) - r * r * (s[1] ?? 0);
      s[1] = s[0] ?? 0;
      s[0] = v;
      y += v;
    });
    // Syllable envelope, plus a little breath noise.
    const env = 0.5 + 0.5 * Math.sin((2 * Math.PI * i) / 1600);
    out[i] = Math.max(-32768, Math.min(32767, Math.round(y * 0.08 * env + (rand() - 0.5) * 300)));
  }
  return out;
}

describe('DTMF tone generation', () => {
  it('puts the row and column tones of each key at the requested level', () => {
    const five = generateDtmfTone('5', 100, { levelDb: -10 });
    expect(five.length).toBe(800);
    const expected = 32767 * 10 ** (-10 / 20);
    expect(toneAmplitude(five, 770)).toBeCloseTo(expected, -2);
    expect(toneAmplitude(five, 1336)).toBeCloseTo(expected, -2);
    expect(toneAmplitude(five, 697)).toBeLessThan(expected / 10);
  });
});

describe('in-band DTMF detection (Goertzel)', () => {
  it('detects all 16 digits, clean', () => {
    const got = detect(generateDtmfSequence(ALL, 80, 80));
    expect(got.map((d) => d.digit).join('')).toBe(ALL);
    expect(got.every((d) => d.source === 'inband' && d.durationMs >= 50 && d.durationMs <= 100)).toBe(true);
  });

  it.each([
    { snrDb: 20, levelDb: -10, twistDb: 0 },
    { snrDb: 12, levelDb: -20, twistDb: 0 },
    { snrDb: 10, levelDb: -25, twistDb: 3 },
    { snrDb: 10, levelDb: -15, twistDb: -6 },
    { snrDb: 6, levelDb: -10, twistDb: 0 },
  ])('detects all 16 digits (×4) with white noise at $snrDb dB SNR, $levelDb dBFS, twist $twistDb dB', ({ snrDb, levelDb, twistDb }) => {
    const digits = ALL.repeat(4);
    const clean = generateDtmfSequence(digits, 60, 60, { levelDb, twistDb });
    // SNR against the RMS of the two tones together.
    const rowAmp = 32767 * 10 ** (levelDb / 20);
    const colAmp = rowAmp * 10 ** (twistDb / 20);
    const signalRms = Math.sqrt((rowAmp ** 2 + colAmp ** 2) / 2);
    const got = detect(addNoise(clean, signalRms / 10 ** (snrDb / 20), snrDb + levelDb));
    expect(got.map((d) => d.digit).join('')).toBe(digits);
  });

  it('rejects excessive twist, tones too quiet, and tones too short', () => {
    expect(detect(generateDtmfSequence('123', 80, 80, { twistDb: 10 }))).toEqual([]);
    expect(detect(generateDtmfSequence('123', 80, 80, { levelDb: -45 }))).toEqual([]);
    expect(detect(generateDtmfSequence('123', 15, 80))).toEqual([]);
  });

  it('does not fire on white noise or a speech-like signal', () => {
    const g = gaussian(prng(3));
    const noise = Int16Array.from({ length: 8000 * 20 }, () => Math.round(g() * 4000));
    expect(detect(noise)).toEqual([]);
    expect(detect(speechLike(30, 11))).toEqual([]);
  });

  it('does not fire on real synthesised Mandarin speech (espeak-ng)', async (ctx) => {
    if (!existsSync('/usr/bin/espeak-ng') && process.env.CI !== 'true') ctx.skip();
    const tts = new EspeakTts({ cacheDir: await mkdtemp(join(tmpdir(), 'voip-tts-')) });
    const text = '您好，欢迎致电一二三四五政务服务便民热线。咨询社保请按一，投诉举报请按二，企业服务请按三，人工服务请按零。';
    const speech = await tts.synthesize({ text });
    expect(detect(speech.pcm)).toEqual([]);
    // And DTMF dialled over the speech is still found.
    const mixed = speech.pcm.slice();
    const tones = generateDtmfSequence('159#', 100, 100, { levelDb: -8 });
    tones.forEach((v, i) => {
      mixed[i + 8000] = Math.max(-32768, Math.min(32767, (mixed[i + 8000] ?? 0) + v));
    });
    expect(detect(mixed).map((d) => d.digit).join('')).toBe('159#');
    await rm(join(speech.path, '..'), { recursive: true, force: true });
  });
});
