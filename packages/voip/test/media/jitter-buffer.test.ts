import { describe, expect, it } from 'vitest';
import { JitterBuffer, type PlayoutFrame } from '../../src/media/jitter-buffer.js';
import { prng } from './helpers.js';

/** Frame i is filled with the value i so playout order can be read back. */
const frame = (i: number): Int16Array => new Int16Array(160).fill(i % 30000);

interface Arrival {
  readonly seq: number;
  readonly ts: number;
  readonly index: number;
  readonly tick: number;
}

/** Sends `count` frames; each arrives at its send tick plus random delay; some are lost. */
function network(count: number, opts: { seed: number; maxDelay: number; loss: number; startSeq?: number; startTs?: number }): Arrival[] {
  const rand = prng(opts.seed);
  const out: Arrival[] = [];
  for (let i = 0; i < count; i++) {
    if (rand() < opts.loss) continue;
    const seq = ((opts.startSeq ?? 1000) + i) & 0xffff;
    const ts = ((opts.startTs ?? 0) + i * 160) >>> 0;
    out.push({ seq, ts, index: i, tick: i + Math.floor(rand() * (opts.maxDelay + 1)) });
  }
  return out;
}

/** Runs the 20 ms clock: deliver what arrived this tick, then pop one frame. */
function play(jb: JitterBuffer, arrivals: Arrival[], ticks: number): PlayoutFrame[] {
  const byTick = new Map<number, Arrival[]>();
  for (const a of arrivals) byTick.set(a.tick, [...(byTick.get(a.tick) ?? []), a]);
  const out: PlayoutFrame[] = [];
  for (let t = 0; t < ticks; t++) {
    for (const a of byTick.get(t) ?? []) jb.push(a.seq, a.ts, frame(a.index));
    out.push(jb.pop());
  }
  return out;
}

const audioValues = (frames: PlayoutFrame[]): number[] => frames.filter((f) => f.kind === 'audio').map((f) => f.pcm[0] ?? -1);

/** Concealed frames between the first and last real frame (the tail underrun is the stream ending). */
function concealedInside(frames: PlayoutFrame[]): number {
  const first = frames.findIndex((f) => f.kind === 'audio');
  const last = frames.map((f) => f.kind).lastIndexOf('audio');
  return frames.slice(first, last).filter((f) => f.kind !== 'audio').length;
}

describe('jitter buffer', () => {
  it('reorders shuffled packets back into sequence', () => {
    const jb = new JitterBuffer({ depth: 4 });
    const arrivals = network(500, { seed: 1, maxDelay: 3, loss: 0 });
    const out = play(jb, arrivals, 520);
    expect(audioValues(out)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(jb.stats).toMatchObject({ played: 500, late: 0 });
    expect(concealedInside(out)).toBe(0);
  });

  it('conceals lost packets (repeat, fading) and keeps the rest in order', () => {
    const jb = new JitterBuffer({ depth: 4, concealment: 'repeat', maxRepeats: 2 });
    const arrivals = network(1000, { seed: 2, maxDelay: 3, loss: 0.05 });
    const lost = 1000 - arrivals.length;
    const out = play(jb, arrivals, 1010);
    const kept = arrivals.map((a) => a.index).sort((x, y) => x - y);
    expect(audioValues(out)).toEqual(kept);
    // Every gap inside the stream is concealed exactly once per missing frame.
    const lastIndex = kept.at(-1) ?? 0;
    const internalLoss = lost - (999 - lastIndex);
    expect(concealedInside(out)).toBe(internalLoss);
    expect(internalLoss).toBeGreaterThan(30);
    const concealed = out.find((f) => f.kind === 'concealed');
    expect(concealed).toBeDefined();
  });

  it('uses silence when configured, and silence before the cushion fills', () => {
    const jb = new JitterBuffer({ depth: 3, concealment: 'silence' });
    expect(jb.pop().kind).toBe('silence');
    [0, 1, 2, 4].forEach((i) => jb.push(i, i * 160, frame(i + 1)));
    const out = [jb.pop(), jb.pop(), jb.pop(), jb.pop(), jb.pop()];
    expect(out.map((f) => f.kind)).toEqual(['audio', 'audio', 'audio', 'concealed', 'audio']);
    expect(out[3]?.pcm.every((v) => v === 0)).toBe(true);
  });

  it('handles sequence wraparound at 65535', () => {
    const jb = new JitterBuffer({ depth: 3 });
    const arrivals = network(300, { seed: 3, maxDelay: 2, loss: 0, startSeq: 65400 });
    expect(audioValues(play(jb, arrivals, 310))).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(jb.stats.resyncs).toBe(0);
  });

  it('drops duplicates and packets that arrive after their playout time', () => {
    const jb = new JitterBuffer({ depth: 2 });
    jb.push(10, 0, frame(0));
    jb.push(10, 0, frame(0));
    jb.push(11, 160, frame(1));
    expect(jb.stats.duplicates).toBe(1);
    jb.pop();
    jb.pop();
    jb.push(10, 0, frame(0));
    expect(jb.stats.late).toBe(1);
  });

  it('resynchronises on a sender restart (sequence or timestamp jump)', () => {
    const jb = new JitterBuffer({ depth: 2 });
    for (let i = 0; i < 5; i++) jb.push(100 + i, i * 160, frame(i));
    for (let i = 0; i < 5; i++) jb.pop();
    // New leg after a re-INVITE: unrelated sequence and timestamp.
    for (let i = 0; i < 5; i++) jb.push(40000 + i, 9_000_000 + i * 160, frame(100 + i));
    const after = Array.from({ length: 5 }, () => jb.pop());
    expect(audioValues(after)).toEqual([100, 101, 102, 103, 104]);
    expect(jb.stats.resyncs).toBe(1);
    // A timestamp-only jump with contiguous sequence (talkspurt after silence) continues.
    jb.push(40005, 9_000_000 + 5 * 160 + 8000, frame(105));
    jb.push(40006, 9_000_000 + 6 * 160 + 8000, frame(106));
    expect(audioValues([jb.pop(), jb.pop()])).toEqual([105, 106]);
    expect(jb.stats.resyncs).toBe(1);
  });

  it('bounds memory when a burst exceeds its maximum depth', () => {
    const jb = new JitterBuffer({ depth: 3, maxDepth: 10 });
    for (let i = 0; i < 100; i++) jb.push(i, i * 160, frame(i));
    expect(jb.size).toBe(10);
    expect(jb.stats.overflowDropped).toBe(90);
    expect(jb.pop().pcm[0]).toBe(90);
  });
});
