/**
 * Hands out even RTP ports (RTCP on port+1) from a configured range and takes
 * them back on close. It only books ports; binding is the session's job, and a
 * port that turns out to be taken by another process is skipped.
 */

export interface PortRange {
  readonly min: number;
  readonly max: number;
}

export class PortRangeExhaustedError extends Error {
  constructor(range: PortRange) {
    super(`no free RTP port pair in ${range.min}-${range.max}`);
    this.name = 'PortRangeExhaustedError';
  }
}

export class PortAllocator {
  readonly range: PortRange;
  private readonly inUse = new Set<number>();
  private cursor: number;

  constructor(range: PortRange = { min: 20000, max: 29999 }) {
    const min = range.min + (range.min % 2);
    if (!(min >= 1024 && range.max <= 65535 && min + 1 <= range.max)) {
      throw new RangeError(`invalid RTP port range ${range.min}-${range.max}`);
    }
    this.range = { min, max: range.max };
    this.cursor = min;
  }

  /** Number of RTP/RTCP pairs the range holds. */
  get capacity(): number {
    return Math.floor((this.range.max - this.range.min + 1) / 2);
  }

  get allocated(): number {
    return this.inUse.size;
  }

  /**
   * Books the next free pair. Round-robin rather than lowest-first so a port
   * just released is not immediately reused while stray packets of the old
   * call may still arrive.
   */
  acquire(): number {
    for (let tried = 0; tried < this.capacity; tried++) {
      const port = this.cursor;
      this.cursor = port + 2 + 1 > this.range.max ? this.range.min : port + 2;
      if (!this.inUse.has(port)) {
        this.inUse.add(port);
        return port;
      }
    }
    throw new PortRangeExhaustedError(this.range);
  }

  release(port: number): void {
    this.inUse.delete(port);
  }

  isAllocated(port: number): boolean {
    return this.inUse.has(port);
  }
}
