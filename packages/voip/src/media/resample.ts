/**
 * Band-limited resampling with a windowed-sinc kernel, for any rate pair
 * (espeak-ng's 22050 Hz, 16 kHz uploads, down to the 8 kHz telephone rate).
 * The kernel is tabulated once and linearly interpolated, which keeps the
 * inner loop free of trigonometry.
 */

/** Zero crossings of the sinc on each side; 16 gives ~60 dB stop-band with a Blackman window. */
const HALF_WIDTH = 16;
/** Table points per zero crossing; interpolation error is far below 16-bit resolution. */
const STEPS = 512;

const KERNEL = buildKernel();

function buildKernel(): Float64Array {
  const table = new Float64Array(HALF_WIDTH * STEPS + 2);
  for (let i = 0; i < table.length; i++) {
    const t = i / STEPS;
    if (t >= HALF_WIDTH) continue;
    const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
    const x = t / HALF_WIDTH;
    const blackman = 0.42 + 0.5 * Math.cos(Math.PI * x) + 0.08 * Math.cos(2 * Math.PI * x);
    table[i] = sinc * blackman;
  }
  return table;
}

/** Windowed sinc at |t| (in zero crossings), 0 outside the window. */
function kernel(t: number): number {
  const pos = Math.abs(t) * STEPS;
  const i = Math.floor(pos);
  if (i >= HALF_WIDTH * STEPS) return 0;
  const frac = pos - i;
  return (KERNEL[i] ?? 0) * (1 - frac) + (KERNEL[i + 1] ?? 0) * frac;
}

export function resample(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (!(fromRate > 0 && toRate > 0)) throw new RangeError('sample rates must be positive');
  if (fromRate === toRate) return input.slice();
  const ratio = fromRate / toRate;
  // Low-pass at the lower Nyquist, slightly inside it to leave room for the transition band.
  const cutoff = Math.min(1, toRate / fromRate) * 0.95;
  const reach = Math.ceil(HALF_WIDTH / cutoff);
  const out = new Int16Array(Math.floor((input.length * toRate) / fromRate));
  for (let n = 0; n < out.length; n++) {
    const centre = n * ratio;
    const last = Math.min(input.length - 1, Math.floor(centre + reach));
    let acc = 0;
    for (let k = Math.max(0, Math.ceil(centre - reach)); k <= last; k++) {
      acc += (input[k] ?? 0) * kernel((k - centre) * cutoff);
    }
    out[n] = Math.max(-32768, Math.min(32767, Math.round(acc * cutoff)));
  }
  return out;
}
