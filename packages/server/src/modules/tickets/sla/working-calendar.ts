/**
 * Working-time calendar for 办结时限 (SLA) deadlines: which days are working days in Xinjiang and
 * how much office time lies between two instants.
 *
 * Pure: no clock reads, no I/O. Callers pass instants (Date) and get instants back. Every calendar
 * decision uses Beijing time (fixed UTC+08:00, China has no DST), never the machine's TZ, because
 * Xinjiang government offices keep Beijing time even though the server may run in UTC or
 * Asia/Urumqi (UTC+6).
 *
 * Statutory holidays and adjusted workdays (调休) come from `chinese-days`; admins' local overrides
 * (e.g. 古尔邦节/肉孜节 days off) win over it.
 */
// Default import on purpose: the package ships a UMD bundle whose named exports Node's ESM loader
// cannot see, so `import { getDayDetail }` type-checks but fails at runtime under tsx.
import chineseDays from 'chinese-days';
import type { TimeLimitUnit } from '../../catalog/time-limit.model.js';

export type { TimeLimitUnit };

export interface CalendarOverride {
  /** YYYY-MM-DD, a Beijing calendar date. */
  date: string;
  kind: 'holiday' | 'workday';
  name?: string;
}

/** Office hours as [open, close) pairs of 'HH:MM' in Beijing time, ascending and disjoint. */
export type OfficeHours = ReadonlyArray<readonly [string, string]>;

export interface CalendarOptions {
  overrides?: readonly CalendarOverride[];
  officeHours?: OfficeHours;
}

export type DayReason = 'weekday' | 'weekend' | 'statutory_holiday' | 'adjusted_workday' | 'local_holiday' | 'local_workday';

export interface DayKind {
  readonly workday: boolean;
  readonly reason: DayReason;
  readonly name?: string;
}

/**
 * Default office hours: 10:00–14:00 and 15:30–19:30 Beijing time.
 *
 * Xinjiang lies about two hours west of Beijing's meridian, so offices that keep Beijing time open
 * around 10:00 rather than the 08:30/09:00 of eastern China, and the afternoon runs into the
 * evening. Two 4-hour blocks give the standard 8-hour working day, so half a working day (0.5) is
 * exactly one block. Seasonal schedules differ between prefectures (some start at 16:00 in summer),
 * which is why the calendar takes office hours as an option.
 */
export const DEFAULT_OFFICE_HOURS: OfficeHours = [
  ['10:00', '14:00'],
  ['15:30', '19:30'],
];

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const BEIJING_OFFSET_MS = 8 * HOUR_MS;
/**
 * Forward searches give up after this many days. No SLA spans 20 years; hitting the cap means bad
 * input (e.g. an absurd amount), and throwing beats spinning the event loop.
 */
const MAX_SCAN_DAYS = 366 * 20;

const ENGLISH_WEEKDAYS = new Set(['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']);

// ---------------------------------------------------------------------------------------------
// Beijing day arithmetic. A "day index" counts Beijing calendar days since 1970-01-01; shifting an
// instant by +8 h and using UTC fields gives Beijing wall-clock fields whatever process.env.TZ is.

function dayIndexOf(instant: number): number {
  return Math.floor((instant + BEIJING_OFFSET_MS) / DAY_MS);
}

/** The instant of 00:00 Beijing time on that day. */
function dayStart(dayIndex: number): number {
  return dayIndex * DAY_MS - BEIJING_OFFSET_MS;
}

function dateKeyOf(dayIndex: number): string {
  return new Date(dayIndex * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday. */
function weekdayOf(dayIndex: number): number {
  return (((dayIndex + 4) % 7) + 7) % 7;
}

function parseDateKey(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  // The round trip rejects dates like 2026-02-30 that Date.UTC would silently roll over.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new RangeError(`invalid date '${date}', expected YYYY-MM-DD`);
  }
  return ms / DAY_MS;
}

/** The Beijing calendar date (YYYY-MM-DD) of an instant. */
export function beijingDate(instant: Date): string {
  return dateKeyOf(dayIndexOf(instantMs(instant)));
}

/** 'YYYY-MM-DD HH:mm' in Beijing time, for messages, exports and timeline text ('' for no instant). */
export function beijingMinute(instant: Date | string | null): string {
  if (instant === null) return '';
  return new Date(new Date(instant).getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

function instantMs(d: Date): number {
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid Date');
  return ms;
}

function requireFinite(n: number, what: string): void {
  if (!Number.isFinite(n)) throw new RangeError(`${what} must be a finite number, got ${n}`);
}

// ---------------------------------------------------------------------------------------------
// Office hours

/** [open, close) offsets in ms from Beijing midnight. */
type Interval = readonly [number, number];

function parseClock(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || minutes > 24 * 60) throw new RangeError(`invalid office time '${hhmm}', expected HH:MM`);
  return minutes * MINUTE_MS;
}

function parseOfficeHours(hours: OfficeHours): Interval[] {
  if (hours.length === 0) throw new RangeError('office hours must contain at least one interval');
  const intervals = hours.map(([open, close]): Interval => [parseClock(open), parseClock(close)]);
  let previousClose = 0;
  for (const [open, close] of intervals) {
    if (open >= close || open < previousClose) {
      throw new RangeError('office hours must be ascending, non-overlapping intervals with open < close');
    }
    previousClose = close;
  }
  return intervals;
}

// ---------------------------------------------------------------------------------------------
// Library lookup

function statutoryKind(date: string): DayKind | null {
  const cached = statutoryCache.get(date);
  if (cached !== undefined) return cached;
  const kind = lookUpStatutory(date);
  statutoryCache.set(date, kind);
  return kind;
}

/**
 * The statutory data is the same for every calendar, and a library call costs tens of µs, so it is
 * cached once per process: a calendar built per request (fresh overrides) then starts warm. It
 * holds one entry per date ever asked about, a few thousand at most.
 */
const statutoryCache = new Map<string, DayKind | null>();

/**
 * What chinese-days says about a date, or null when the date is not in its holiday/调休 tables.
 *
 * We pass the date as a YYYY-MM-DD string and never rely on the library's weekday: in 1.5.7 it
 * parses such strings as UTC midnight but reads them back with local-time getters, so west of UTC
 * its day-of-week is one day off (its table lookups stay consistent, the keys shift the same way).
 * Table entries carry a festival name such as 'National Day,国庆节,3'; ordinary days come back
 * named after the (possibly shifted) English weekday, which is how we tell the two apart.
 */
function lookUpStatutory(date: string): DayKind | null {
  const detail = chineseDays.getDayDetail(date);
  if (ENGLISH_WEEKDAYS.has(detail.name)) return null;
  const name = detail.name.split(',')[1] ?? detail.name;
  return detail.work ? { workday: true, reason: 'adjusted_workday', name } : { workday: false, reason: 'statutory_holiday', name };
}

function indexOverrides(overrides: readonly CalendarOverride[]): Map<number, DayKind> {
  const byDay = new Map<number, DayKind>();
  for (const o of overrides) {
    const day = parseDateKey(o.date);
    const kind: DayKind =
      o.kind === 'holiday'
        ? { workday: false, reason: 'local_holiday', ...(o.name ? { name: o.name } : {}) }
        : { workday: true, reason: 'local_workday', ...(o.name ? { name: o.name } : {}) };
    const earlier = byDay.get(day);
    // Two rows saying opposite things about one date is an admin data error, not a tie to break.
    if (earlier && earlier.workday !== kind.workday) throw new RangeError(`conflicting overrides for ${o.date}`);
    byDay.set(day, kind);
  }
  return byDay;
}

// ---------------------------------------------------------------------------------------------

export class WorkingCalendar {
  private readonly intervals: Interval[];
  private readonly overrides: Map<number, DayKind>;
  /** Day kinds are asked for over and over while stepping across days. */
  private readonly kinds = new Map<number, DayKind>();
  /** Office time of one working day in ms (8 h with the default hours). */
  readonly dayOfficeMs: number;

  constructor(opts: CalendarOptions = {}) {
    this.intervals = parseOfficeHours(opts.officeHours ?? DEFAULT_OFFICE_HOURS);
    this.overrides = indexOverrides(opts.overrides ?? []);
    this.dayOfficeMs = this.intervals.reduce((sum, [open, close]) => sum + close - open, 0);
  }

  isWorkday(date: string): boolean {
    return this.kindOf(parseDateKey(date)).workday;
  }

  dayKind(date: string): DayKind {
    return this.kindOf(parseDateKey(date));
  }

  /**
   * Whether chinese-days has the State Council arrangement for that year. It is published each
   * November for the next year; until the package is updated, later years fall back to plain
   * weekends, which an admin screen should flag. 元旦 (1 January) is a holiday in every arrangement,
   * so its presence in the table marks a covered year.
   */
  hasStatutoryData(year: number): boolean {
    return statutoryKind(`${String(year).padStart(4, '0')}-01-01`) !== null;
  }

  /**
   * N 个工作日: counting starts on the first working day AFTER the day of `from` (the intake day
   * does not count); deadline = close of office on the Nth working day. Fractional n counts that
   * share of one day's office time into the next working day (0.5 → end of the morning block with
   * the default hours). n <= 0 → from.
   */
  addWorkdays(from: Date, n: number): Date {
    requireFinite(n, 'n');
    if (n <= 0) return new Date(instantMs(from));
    return this.addWorkingMs(this.countingStart(from), n * this.dayOfficeMs);
  }

  /** Opening of the first working day after the day of `from`: where a workday limit starts counting. */
  countingStart(from: Date): Date {
    const nextMidnight = dayStart(dayIndexOf(instantMs(from)) + 1);
    return new Date(this.nextOfficeInstant(nextMidnight));
  }

  /** Working-time milliseconds inside office hours between a and b (0 if b <= a). */
  workingMsBetween(a: Date, b: Date): number {
    const from = instantMs(a);
    const to = instantMs(b);
    let total = 0;
    for (let day = dayIndexOf(from); from < to && dayStart(day) < to; day++) {
      if (this.kindOf(day).workday) total += this.officeMsWithin(day, from, to);
    }
    return total;
  }

  /**
   * The earliest instant t >= from with workingMsBetween(from, t) === ms: office time is consumed
   * from the next opening if `from` is outside office hours, and a budget that runs out exactly at
   * a closing time returns that closing time (a deadline is "close of office", not the next
   * opening). ms <= 0 → from. Fractions of a millisecond are rounded.
   */
  addWorkingMs(from: Date, ms: number): Date {
    requireFinite(ms, 'ms');
    const start = instantMs(from);
    let remaining = Math.round(ms);
    if (remaining <= 0) return new Date(start);
    const firstDay = dayIndexOf(start);
    for (let day = firstDay; day - firstDay <= MAX_SCAN_DAYS; day++) {
      if (!this.kindOf(day).workday) continue;
      for (const [open, close] of this.absoluteIntervals(day)) {
        if (close <= start) continue;
        const begin = Math.max(open, start);
        if (remaining <= close - begin) return new Date(begin + remaining);
        remaining -= close - begin;
      }
    }
    throw new RangeError(`${ms} ms of office time does not fit within ${MAX_SCAN_DAYS} days`);
  }

  private kindOf(day: number): DayKind {
    let kind = this.kinds.get(day);
    if (!kind) {
      kind = this.overrides.get(day) ?? statutoryKind(dateKeyOf(day)) ?? this.plainKind(day);
      this.kinds.set(day, kind);
    }
    return kind;
  }

  private plainKind(day: number): DayKind {
    const weekday = weekdayOf(day);
    return weekday === 0 || weekday === 6 ? { workday: false, reason: 'weekend' } : { workday: true, reason: 'weekday' };
  }

  private absoluteIntervals(day: number): Interval[] {
    const midnight = dayStart(day);
    return this.intervals.map(([open, close]): Interval => [midnight + open, midnight + close]);
  }

  /** Office time of `day` that falls inside [from, to). */
  private officeMsWithin(day: number, from: number, to: number): number {
    let ms = 0;
    for (const [open, close] of this.absoluteIntervals(day)) {
      ms += Math.max(0, Math.min(close, to) - Math.max(open, from));
    }
    return ms;
  }

  /** The earliest instant >= t that lies inside office hours (an opening time if t is outside). */
  private nextOfficeInstant(t: number): number {
    const firstDay = dayIndexOf(t);
    for (let day = firstDay; day - firstDay <= MAX_SCAN_DAYS; day++) {
      if (!this.kindOf(day).workday) continue;
      const open = this.absoluteIntervals(day).find(([, close]) => close > t);
      if (open) return Math.max(open[0], t);
    }
    throw new RangeError(`no working day within ${MAX_SCAN_DAYS} days`);
  }
}

// ---------------------------------------------------------------------------------------------
// Deadlines in the catalogue's units (see catalog/time-limit.model.ts).

/**
 * The deadline for a limit: 'workday' → WorkingCalendar.addWorkdays; 'hour' → natural hours, 24/7
 * (urgent limits such as 24小时 run on the wall clock); 'natural_day' → N × 24 h wall clock.
 */
export function deadlineFor(cal: WorkingCalendar, from: Date, amount: number, unit: TimeLimitUnit): Date {
  requireFinite(amount, 'amount');
  if (unit === 'workday') return cal.addWorkdays(from, amount);
  return new Date(instantMs(from) + Math.max(0, amount) * wallClockMs(unit));
}

function wallClockMs(unit: Exclude<TimeLimitUnit, 'workday'>): number {
  return unit === 'hour' ? HOUR_MS : DAY_MS;
}

/**
 * A ticket suspended (挂起) at `pausedAt` and resumed at `resumedAt`: the deadline moves so the
 * handler loses no time. workday → the office time still left at the pause is added from
 * resumedAt; hour/natural_day → the wall-clock time left is. Overdue at the pause → unchanged
 * (suspending must not launder an overdue ticket).
 */
export function resumeDeadline(cal: WorkingCalendar, deadline: Date, pausedAt: Date, resumedAt: Date, unit: TimeLimitUnit): Date {
  const due = instantMs(deadline);
  const paused = instantMs(pausedAt);
  const resumed = instantMs(resumedAt);
  if (paused >= due || resumed <= paused) return new Date(due);
  if (unit === 'workday') return cal.addWorkingMs(resumedAt, cal.workingMsBetween(pausedAt, deadline));
  return new Date(resumed + (due - paused));
}

/**
 * An approved extension (延期) of `amount` in `unit`. Workday extensions count working days after
 * the day of the current deadline, exactly like addWorkdays from intake, so a deadline at close of
 * office on day N extended by 2 ends at close of office on the 2nd working day after N.
 */
export function extendDeadline(cal: WorkingCalendar, deadline: Date, amount: number, unit: TimeLimitUnit): Date {
  return deadlineFor(cal, deadline, amount, unit);
}

/**
 * When the yellow warning starts: the instant at which warnRatio of the limit has elapsed. For
 * workday limits that is working time counted from countingStart(from), the same clock as
 * addWorkdays, so "用时达2.4个工作日亮黄灯" for 3 × 0.8 holds and the intake day's leftover office
 * time does not make the light turn yellow early.
 */
export function warnAt(cal: WorkingCalendar, from: Date, deadline: Date, warnRatio: number, unit: TimeLimitUnit): Date {
  if (!(warnRatio >= 0 && warnRatio <= 1)) throw new RangeError(`warnRatio must be within [0, 1], got ${warnRatio}`);
  const due = instantMs(deadline);
  if (unit !== 'workday') {
    const start = instantMs(from);
    return new Date(start + Math.round(Math.max(0, due - start) * warnRatio));
  }
  const start = cal.countingStart(from);
  if (instantMs(start) >= due) return new Date(due);
  return cal.addWorkingMs(start, cal.workingMsBetween(start, deadline) * warnRatio);
}
