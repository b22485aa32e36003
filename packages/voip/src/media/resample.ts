/**
 * Band-limited resampling with a windowed-sinc kernel, for any rate pair
 * (espeak-ng's 22050 Hz, 16 kHz uploads, down to the 8 kHz telephone rate).
 * Quality matters more than speed here: prompts are resampled once and cached.
 */

/** Zero crossings of the sinc on each side; 16 gives ~60 dB stop-band with a Blackman window. */
const HALF_WIDTH = 16;

function blackman(x: number): number {
  // x in [-1, 1]
  return 0.42 + 0.5 * Math.cos(Math.PI * x) + 0.08 * Math.cos(2 * Math.PI * x);
}

export function resample(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (!(fromRate > 0 && toRate > 0)) throw new RangeError('sample rates must be positive');
  if (fromRate === toRate) return input.slice();
  const ratio = fromRate / toRate;
  // Low-pass at the lower Nyquist, slightly inside it to leave room for the transition band.
  const cutoff = Math.min(1, toRate / fromRate) * 0.95;
  const reach = Math.ceil(HALF_WIDTH / cutoff);
  const outLength = Math.floor((input.length * toRate) / fromRate);
  const out = new Int16Array(outLength);
  for (let n = 0; n < outLength; n++) {
    const centre = n * ratio;
    const first = Math.max(0, Math.ceil(centre - reach));
    const last = Math.min(input.length - 1, Math.floor(centre + reach));
    let acc = 0;
    for (let k = first; k <= last; k++) {
      const t = (k - centre) * cutoff;
      const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
      acc += (input[k] ?? 0) * cutoff * sinc * blackman(t / HALF_WIDTH);
    }
    out[n] = Math.max(-32768, Math.min(32767, Math.round(acc)));
  }
  return out;
}
