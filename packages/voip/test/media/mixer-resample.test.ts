import { describe, expect, it } from 'vitest';
import { ConferenceMixer, mixMinusOne, softLimit } from '../../src/media/mixer.js';
import { resample } from '../../src/media/resample.js';
import { sine, toneAmplitude } from './helpers.js';

const constant = (v: number): Int16Array => new Int16Array(160).fill(v);

describe('three-way mixer', () => {
  it('gives each participant the sum of the others', () => {
    const out = mixMinusOne(new Map([['citizen', constant(100)], ['agent', constant(200)], ['third', constant(-50)]]));
    expect(out.get('citizen')?.[0]).toBe(150);
    expect(out.get('agent')?.[0]).toBe(50);
    expect(out.get('third')?.[0]).toBe(300);
  });

  it('sums real signals sample by sample', () => {
    const a = sine(400, 20, 3000);
    const b = sine(900, 20, 3000);
    const out = mixMinusOne(new Map([['a', a], ['b', b], ['c', undefined]]));
    out.get('c')?.forEach((v, i) => expect(v).toBe((a[i] ?? 0) + (b[i] ?? 0)));
    expect(out.get('a')).toEqual(b);
  });

  it('protects against clipping without wrapping or changing sign', () => {
    const out = mixMinusOne(new Map([['a', constant(30000)], ['b', constant(30000)], ['c', constant(-32768)], ['d', constant(-32768)]]));
    const dHears = out.get('d')?.[0] ?? 0; // 30000 + 30000 - 32768
    expect(dHears).toBe(softLimit(27232));
    const cHearsSum = mixMinusOne(new Map([['a', constant(30000)], ['b', constant(30000)], ['c', constant(0)]])).get('c')?.[0] ?? 0;
    expect(cHearsSum).toBeGreaterThan(30000);
    expect(cHearsSum).toBeLessThanOrEqual(32767);
    expect(softLimit(-200000)).toBeGreaterThanOrEqual(-32767);
    expect(softLimit(1000)).toBe(1000);
    // Monotonic: louder in is never quieter out.
    let prev = -Infinity;
    for (let x = 0; x < 100000; x += 500) {
      const y = softLimit(x);
      expect(y).toBeGreaterThanOrEqual(prev);
      prev = y;
    }
  });

  it('mixes per tick and treats a participant without a frame as silent', () => {
    const mixer = new ConferenceMixer();
    ['citizen', 'agent', 'supervisor'].forEach((id) => mixer.add(id));
    mixer.push('citizen', constant(10));
    mixer.push('agent', constant(20));
    const first = mixer.tick();
    expect(first.get('supervisor')?.[0]).toBe(30);
    expect(first.get('citizen')?.[0]).toBe(20);
    expect(mixer.tick().get('supervisor')?.[0]).toBe(0);
    mixer.remove('agent');
    expect(mixer.participants).toEqual(['citizen', 'supervisor']);
  });
});

describe('resampler', () => {
  it('keeps an in-band tone and its level (16 kHz → 8 kHz)', () => {
    const out = resample(sine(1000, 1000, 10000, 16000), 16000, 8000);
    expect(out.length).toBe(8000);
    expect(toneAmplitude(out.subarray(200, 7800), 1000)).toBeGreaterThan(9500);
  });

  it('removes content above the new Nyquist instead of aliasing it', () => {
    // 6 kHz at 16 kHz would alias to 2 kHz at 8 kHz.
    const out = resample(sine(6000, 1000, 10000, 16000), 16000, 8000);
    expect(toneAmplitude(out.subarray(200, 7800), 2000)).toBeLessThan(30);
  });

  it('converts espeak-ng 22050 Hz to 8 kHz and upsamples too', () => {
    const out = resample(sine(440, 1000, 8000, 22050), 22050, 8000);
    expect(out.length).toBe(8000);
    expect(toneAmplitude(out.subarray(200, 7800), 440)).toBeGreaterThan(7600);
    expect(resample(sine(440, 100), 8000, 16000).length).toBe(1600);
  });
});
