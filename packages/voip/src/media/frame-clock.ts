/**
 * A 20 ms media clock. Ticks are scheduled against absolute deadlines
 * (start + n × period), so setTimeout lateness never accumulates into drift;
 * after a stall longer than maxCatchUp ticks the clock skips ahead instead of
 * firing a burst.
 */
import { bumpCounter } from './counters.js';

export interface FrameClockOptions {
  readonly periodMs?: number;
  readonly maxCatchUp?: number;
  readonly now?: () => number;
}

export class FrameClock {
  private readonly periodMs: number;
  private readonly maxCatchUp: number;
  private readonly now: () => number;
  private readonly onTick: (tick: number) => void;
  private timer: NodeJS.Timeout | undefined;
  private origin = 0;
  private ticks = 0;
  skipped = 0;
  lastError: unknown;

  constructor(onTick: (tick: number) => void, opts: FrameClockOptions = {}) {
    this.onTick = onTick;
    this.periodMs = opts.periodMs ?? 20;
    this.maxCatchUp = opts.maxCatchUp ?? 5;
    this.now = opts.now ?? (() => performance.now());
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Ticks delivered so far. */
  get count(): number {
    return this.ticks;
  }

  /** Starts ticking; the first tick fires on the next turn of the event loop. */
  start(): void {
    if (this.timer) return;
    this.origin = this.now();
    this.ticks = 0;
    bumpCounter('timersActive');
    this.schedule();
  }

  stop(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    bumpCounter('timersActive', -1);
  }

  private schedule(): void {
    const delay = Math.max(0, this.origin + this.ticks * this.periodMs - this.now());
    this.timer = setTimeout(() => this.fire(), delay);
  }

  private fire(): void {
    const due = Math.floor((this.now() - this.origin) / this.periodMs) + 1;
    if (due - this.ticks > this.maxCatchUp) {
      this.skipped += due - this.ticks - 1;
      this.ticks = due - 1;
    }
    while (this.ticks < due && this.timer) {
      try {
        this.onTick(this.ticks++);
      } catch (err) {
        // One bad tick (a bug in a consumer) must not stop the call's clock or kill the process.
        this.lastError = err;
        bumpCounter('listenerErrors');
      }
    }
    if (this.timer) this.schedule();
  }
}
