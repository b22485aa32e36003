/**
 * Conference mixing for three-way calls: each participant hears the sum of
 * everyone else ("mix-minus"), never their own voice. Sums pass through a soft
 * limiter so two loud talkers do not wrap around or clip harshly.
 */

/** Above this magnitude the limiter starts compressing (≈ -2.5 dBFS). */
const KNEE = 24576;
const HEADROOM = 32767 - KNEE;

/** Smoothly maps any sum into int16 range; identity below the knee. */
export function softLimit(sum: number): number {
  const mag = Math.abs(sum);
  if (mag <= KNEE) return sum;
  const limited = KNEE + HEADROOM * Math.tanh((mag - KNEE) / HEADROOM);
  return Math.round(sum < 0 ? -limited : limited);
}

/**
 * Mixes one frame per participant. A participant with no frame this tick
 * (lost packet, on hold) contributes silence but still receives the others.
 */
export function mixMinusOne(
  frames: ReadonlyMap<string, Int16Array | undefined>,
  frameSamples = 160,
): Map<string, Int16Array> {
  const total = new Float64Array(frameSamples);
  for (const pcm of frames.values()) {
    if (!pcm) continue;
    for (let i = 0; i < frameSamples; i++) total[i] = (total[i] ?? 0) + (pcm[i] ?? 0);
  }
  const out = new Map<string, Int16Array>();
  for (const [id, own] of frames) {
    const mix = new Int16Array(frameSamples);
    for (let i = 0; i < frameSamples; i++) mix[i] = softLimit((total[i] ?? 0) - (own?.[i] ?? 0));
    out.set(id, mix);
  }
  return out;
}

/**
 * Holds the latest frame from each participant and mixes on each tick. The
 * owner drives tick() from its 20 ms clock; frames arriving between ticks
 * replace each other (the jitter buffer upstream smooths arrival).
 */
export class ConferenceMixer {
  private readonly frameSamples: number;
  private readonly pending = new Map<string, Int16Array | undefined>();

  constructor(frameSamples = 160) {
    this.frameSamples = frameSamples;
  }

  get participants(): string[] {
    return [...this.pending.keys()];
  }

  add(id: string): void {
    if (!this.pending.has(id)) this.pending.set(id, undefined);
  }

  remove(id: string): void {
    this.pending.delete(id);
  }

  /** Offers a participant's frame for the next tick (ignored for unknown ids). */
  push(id: string, pcm: Int16Array): void {
    if (this.pending.has(id)) this.pending.set(id, pcm);
  }

  /** Produces what each participant should hear now and clears the inputs. */
  tick(): Map<string, Int16Array> {
    const out = mixMinusOne(this.pending, this.frameSamples);
    for (const id of this.pending.keys()) this.pending.set(id, undefined);
    return out;
  }
}
