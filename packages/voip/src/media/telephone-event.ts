/**
 * RFC 4733 telephone-events for DTMF: payload codec, a sender that follows the
 * update / end-with-retransmission pattern, and a receiver that reports each
 * digit exactly once despite the retransmitted end packets.
 */

export const DTMF_DIGITS = '0123456789*#ABCD';
export const DEFAULT_TELEPHONE_EVENT_PT = 101;

export interface TelephoneEventPayload {
  /** Event code: 0-9, 10 '*', 11 '#', 12-15 A-D, 16 flash. */
  readonly event: number;
  readonly end: boolean;
  /** Power level in -dBm0, 0..63. */
  readonly volume: number;
  /** Duration in timestamp units since the event (segment) began. */
  readonly duration: number;
}

export interface DtmfEvent {
  readonly digit: string;
  readonly durationMs: number;
  readonly source: 'rfc4733' | 'inband' | 'info';
  /** True when the end packets never arrived and the receiver timed the digit out. */
  readonly endLost?: boolean;
}

export function digitToEvent(digit: string): number {
  const code = DTMF_DIGITS.indexOf(digit.toUpperCase());
  if (code < 0 || digit.length !== 1) throw new RangeError(`not a DTMF digit: ${JSON.stringify(digit)}`);
  return code;
}

export function eventToDigit(event: number): string | undefined {
  return DTMF_DIGITS[event];
}

export function encodeTelephoneEvent(p: TelephoneEventPayload): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt8(p.event & 0xff, 0);
  b.writeUInt8((p.end ? 0x80 : 0) | (p.volume & 0x3f), 1);
  b.writeUInt16BE(Math.min(0xffff, Math.max(0, p.duration)), 2);
  return b;
}

export function decodeTelephoneEvent(payload: Buffer): TelephoneEventPayload | undefined {
  if (payload.length < 4) return undefined;
  const flags = payload.readUInt8(1);
  return { event: payload.readUInt8(0), end: (flags & 0x80) !== 0, volume: flags & 0x3f, duration: payload.readUInt16BE(2) };
}

/** What the sender needs from an RTP session. */
export interface TelephoneEventTransport {
  /** RTP timestamp the next audio frame would carry. */
  readonly mediaTimestamp: number;
  advanceMediaTimestamp(samples: number): void;
  sendRtp(p: { payloadType: number; payload: Buffer; marker: boolean; timestamp: number }): void;
}

export interface SendDigitOptions {
  readonly durationMs?: number;
  readonly volume?: number;
  readonly payloadType?: number;
  readonly clockRate?: number;
  /** Spacing of update packets; RFC 4733 suggests 50 ms, we default to the 20 ms audio ptime. */
  readonly packetIntervalMs?: number;
  /** How many times the end packet is sent (RFC 4733 §2.5.1.4 recommends three). */
  readonly endPackets?: number;
  /** Waits between packets; tests pass a faster pacer. */
  readonly pace?: (ms: number) => Promise<void>;
}

const realPace = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends one digit. All packets of an event share its start timestamp; the
 * duration field grows; durations over 0xFFFF start a new segment at
 * timestamp + 0xFFFF (RFC 4733 §2.5.1.3). Afterwards the media clock moves on
 * by the event's length so the next audio frame is timed correctly.
 */
export async function sendTelephoneEvent(tx: TelephoneEventTransport, digit: string, opts: SendDigitOptions = {}): Promise<void> {
  const event = digitToEvent(digit);
  const clockRate = opts.clockRate ?? 8000;
  const intervalMs = opts.packetIntervalMs ?? 20;
  const pace = opts.pace ?? realPace;
  const total = Math.max(1, Math.round(((opts.durationMs ?? 100) * clockRate) / 1000));
  const step = Math.max(1, Math.round((intervalMs * clockRate) / 1000));
  const base = { payloadType: opts.payloadType ?? DEFAULT_TELEPHONE_EVENT_PT, volume: opts.volume ?? 10 };
  const startTs = tx.mediaTimestamp;
  let segmentStart = 0;
  let first = true;
  const send = (duration: number, end: boolean): void => {
    const payload = encodeTelephoneEvent({ event, end, volume: base.volume, duration });
    tx.sendRtp({ payloadType: base.payloadType, payload, marker: first, timestamp: (startTs + segmentStart) >>> 0 });
    first = false;
  };
  // Each packet leaves when the time it reports has passed, so the tone lasts as long as it says.
  let elapsed = 0;
  for (; elapsed + step < total; elapsed += step) {
    await pace(intervalMs);
    if (elapsed + step - segmentStart > 0xffff) {
      send(0xffff, false);
      segmentStart += 0xffff;
    }
    send(elapsed + step - segmentStart, false);
  }
  await pace(((total - elapsed) * 1000) / clockRate);
  if (total - segmentStart > 0xffff) {
    send(0xffff, false);
    segmentStart += 0xffff;
  }
  for (let i = 0; i < (opts.endPackets ?? 3); i++) send(total - segmentStart, true);
  tx.advanceMediaTimestamp(total);
}

interface ActiveEvent {
  event: number;
  /** Timestamp of the first segment, which identifies the event. */
  startTs: number;
  segmentTs: number;
  /** Samples covered by earlier segments of a long event. */
  priorSamples: number;
  duration: number;
}

export interface TelephoneEventReceiverOptions {
  readonly clockRate?: number;
  /** Report a digit whose end packets were all lost after this much silence. */
  readonly endTimeoutMs?: number;
  readonly onDigit: (event: DtmfEvent) => void;
}

const RECENT_LIMIT = 64;

export class TelephoneEventReceiver {
  private readonly clockRate: number;
  private readonly endTimeoutMs: number;
  private readonly onDigit: (event: DtmfEvent) => void;
  private active: ActiveEvent | undefined;
  private readonly recent = new Set<number>();
  private readonly recentOrder: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  malformed = 0;
  duplicates = 0;

  constructor(opts: TelephoneEventReceiverOptions) {
    this.clockRate = opts.clockRate ?? 8000;
    this.endTimeoutMs = opts.endTimeoutMs ?? 400;
    this.onDigit = opts.onDigit;
  }

  handle(timestamp: number, payload: Buffer): void {
    const ev = decodeTelephoneEvent(payload);
    if (!ev || eventToDigit(ev.event) === undefined) {
      this.malformed += ev ? 0 : 1;
      return;
    }
    if (this.recent.has(timestamp)) {
      this.duplicates += 1;
      return;
    }
    const current = this.continueOrStart(timestamp, ev);
    current.duration = Math.max(current.duration, ev.duration);
    if (ev.end) this.finish(current, false);
    else this.armTimeout();
  }

  /** Reports a digit still in progress (e.g. when the session closes). */
  flush(): void {
    if (this.active) this.finish(this.active, true);
  }

  close(): void {
    this.flush();
    this.clearTimer();
  }

  private continueOrStart(timestamp: number, ev: TelephoneEventPayload): ActiveEvent {
    const cur = this.active;
    if (cur && cur.segmentTs === timestamp) return cur;
    // A long event continues in a new segment exactly 0xFFFF samples later.
    if (cur && cur.event === ev.event && ((cur.segmentTs + cur.duration) >>> 0) === timestamp && cur.duration === 0xffff) {
      cur.priorSamples += cur.duration;
      cur.segmentTs = timestamp;
      cur.duration = 0;
      return cur;
    }
    if (cur) this.finish(cur, true);
    const next: ActiveEvent = { event: ev.event, startTs: timestamp, segmentTs: timestamp, priorSamples: 0, duration: 0 };
    this.active = next;
    return next;
  }

  private finish(ev: ActiveEvent, endLost: boolean): void {
    this.clearTimer();
    this.active = undefined;
    this.remember(ev.segmentTs);
    if (ev.startTs !== ev.segmentTs) this.remember(ev.startTs);
    const digit = eventToDigit(ev.event) ?? '?';
    const durationMs = Math.round(((ev.priorSamples + ev.duration) * 1000) / this.clockRate);
    this.onDigit(endLost ? { digit, durationMs, source: 'rfc4733', endLost } : { digit, durationMs, source: 'rfc4733' });
  }

  private remember(ts: number): void {
    this.recent.add(ts);
    this.recentOrder.push(ts);
    if (this.recentOrder.length > RECENT_LIMIT) {
      const old = this.recentOrder.shift();
      if (old !== undefined) this.recent.delete(old);
    }
  }

  private armTimeout(): void {
    this.clearTimer();
    this.timer = setTimeout(() => this.flush(), this.endTimeoutMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
