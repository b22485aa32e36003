import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OFFICE_HOURS,
  WorkingCalendar,
  beijingDate,
  deadlineFor,
  extendDeadline,
  resumeDeadline,
  warnAt,
  type CalendarOverride,
} from './working-calendar.js';

// Every instant is written with an explicit +08:00 offset and every result is read back in Beijing
// time, so the assertions mean the same under TZ=UTC, TZ=Asia/Urumqi or any other machine zone.
const HOUR = 3_600_000;
const DAY_OFFICE = 8 * HOUR;

/** '2026-09-30 11:00' (Beijing) → instant. */
function bj(local: string): Date {
  return new Date(`${local.replace(' ', 'T')}:00+08:00`);
}

/** Instant → 'YYYY-MM-DD HH:MM' in Beijing time (seconds shown only when not zero). */
function show(d: Date): string {
  const iso = new Date(d.getTime() + 8 * HOUR).toISOString();
  const seconds = iso.slice(16, 23) === ':00.000' ? '' : iso.slice(16, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds}`;
}

const cal = new WorkingCalendar();

describe('2026 statutory arrangement from chinese-days', () => {
  it('has the 2026 data (and none before 2004)', () => {
    expect(cal.hasStatutoryData(2026)).toBe(true);
    expect(cal.hasStatutoryData(2003)).toBe(false);
  });

  it('knows 中秋 9/25–27, 国庆 10/1–7 and the 调休 Sunday 9/20 and Saturday 10/10', () => {
    const days = ['2026-09-19', '2026-09-20', '2026-09-24', '2026-09-25', '2026-09-27', '2026-09-30', '2026-10-01', '2026-10-04', '2026-10-07', '2026-10-08', '2026-10-10', '2026-10-11'];
    expect(Object.fromEntries(days.map((d) => [d, cal.dayKind(d)]))).toEqual({
      '2026-09-19': { workday: false, reason: 'weekend' },
      '2026-09-20': { workday: true, reason: 'adjusted_workday', name: '国庆节' },
      '2026-09-24': { workday: true, reason: 'weekday' },
      '2026-09-25': { workday: false, reason: 'statutory_holiday', name: '中秋' },
      '2026-09-27': { workday: false, reason: 'statutory_holiday', name: '中秋' },
      '2026-09-30': { workday: true, reason: 'weekday' },
      '2026-10-01': { workday: false, reason: 'statutory_holiday', name: '国庆节' },
      '2026-10-04': { workday: false, reason: 'statutory_holiday', name: '国庆节' },
      '2026-10-07': { workday: false, reason: 'statutory_holiday', name: '国庆节' },
      '2026-10-08': { workday: true, reason: 'weekday' },
      '2026-10-10': { workday: true, reason: 'adjusted_workday', name: '国庆节' },
      '2026-10-11': { workday: false, reason: 'weekend' },
    });
  });

  it('counts 248 working days in 2026 (261 weekdays − 19 weekday holidays + 6 调休 weekend days)', () => {
    expect(cal.workingMsBetween(bj('2026-01-01 00:00'), bj('2027-01-01 00:00'))).toBe(248 * DAY_OFFICE);
  });

  it('a 3-workday ticket from the last working day before 国庆 ends on the 调休 Saturday 10/10', () => {
    // 10/1–10/7 off; 10/8 Thu (1), 10/9 Fri (2), 10/10 Sat 调休 (3).
    expect(show(deadlineFor(cal, bj('2026-09-30 11:00'), 3, 'workday'))).toBe('2026-10-10 19:30');
  });

  it('skips the Sunday after the 调休 Saturday', () => {
    expect(show(cal.addWorkdays(bj('2026-09-30 11:00'), 4))).toBe('2026-10-12 19:30');
  });

  it('counts the 调休 Sunday 9/20 but not the Saturday before it', () => {
    expect(show(cal.addWorkdays(bj('2026-09-18 10:00'), 1))).toBe('2026-09-20 19:30');
    expect(show(cal.addWorkdays(bj('2026-09-18 10:00'), 2))).toBe('2026-09-21 19:30');
  });

  it('skips the 中秋 long weekend', () => {
    expect(show(cal.addWorkdays(bj('2026-09-24 16:00'), 1))).toBe('2026-09-28 19:30');
  });
});

describe('local overrides', () => {
  const eid: CalendarOverride[] = [
    { date: '2026-05-27', kind: 'holiday', name: '古尔邦节' },
    { date: '2026-05-31', kind: 'workday', name: '古尔邦节调休' },
  ];
  const local = new WorkingCalendar({ overrides: eid });

  it('a local holiday pushes the deadline a day', () => {
    expect(show(cal.addWorkdays(bj('2026-05-26 11:00'), 1))).toBe('2026-05-27 19:30');
    expect(show(local.addWorkdays(bj('2026-05-26 11:00'), 1))).toBe('2026-05-28 19:30');
    expect(local.dayKind('2026-05-27')).toEqual({ workday: false, reason: 'local_holiday', name: '古尔邦节' });
  });

  it('a local workday on a Sunday counts', () => {
    expect(show(cal.addWorkdays(bj('2026-05-29 11:00'), 1))).toBe('2026-06-01 19:30');
    expect(show(local.addWorkdays(bj('2026-05-29 11:00'), 1))).toBe('2026-05-31 19:30');
    expect(local.dayKind('2026-05-31')).toEqual({ workday: true, reason: 'local_workday', name: '古尔邦节调休' });
  });

  it('wins over the statutory data in both directions', () => {
    const o = new WorkingCalendar({
      overrides: [
        { date: '2026-10-07', kind: 'workday' },
        { date: '2026-10-10', kind: 'holiday' },
      ],
    });
    expect(o.dayKind('2026-10-07')).toEqual({ workday: true, reason: 'local_workday' });
    expect(o.isWorkday('2026-10-10')).toBe(false);
    // 10/7 (1), 10/8 (2), 10/9 (3).
    expect(show(o.addWorkdays(bj('2026-09-30 11:00'), 3))).toBe('2026-10-09 19:30');
    // 10/8, 10/9, then 10/10 is off locally and 10/11 is Sunday.
    expect(show(o.addWorkdays(bj('2026-10-07 11:00'), 3))).toBe('2026-10-12 19:30');
  });

  it('rejects malformed and contradictory overrides', () => {
    expect(() => new WorkingCalendar({ overrides: [{ date: '2026-02-30', kind: 'holiday' }] })).toThrow(RangeError);
    expect(() => new WorkingCalendar({ overrides: [{ date: '2026/05/27', kind: 'holiday' }] })).toThrow(RangeError);
    const clash: CalendarOverride[] = [
      { date: '2026-05-27', kind: 'holiday' },
      { date: '2026-05-27', kind: 'workday' },
    ];
    expect(() => new WorkingCalendar({ overrides: clash })).toThrow(/conflicting/);
    expect(() => cal.isWorkday('2026-13-01')).toThrow(RangeError);
  });
});

describe('office hours', () => {
  it('defaults to 10:00–14:00 and 15:30–19:30, an 8-hour day', () => {
    expect(DEFAULT_OFFICE_HOURS).toEqual([
      ['10:00', '14:00'],
      ['15:30', '19:30'],
    ]);
    expect(cal.dayOfficeMs).toBe(DAY_OFFICE);
  });

  it('does not count the intake day, whether intake is at 10:00, at lunch or at 22:00', () => {
    for (const intake of ['2026-11-03 10:00', '2026-11-03 14:30', '2026-11-03 22:00', '2026-11-03 00:05']) {
      expect(show(cal.addWorkdays(bj(intake), 1))).toBe('2026-11-04 19:30');
    }
    expect(show(cal.countingStart(bj('2026-11-03 22:00')))).toBe('2026-11-04 10:00');
  });

  it('starts counting after a holiday intake day at the next working day', () => {
    expect(show(cal.addWorkdays(bj('2026-10-03 09:00'), 1))).toBe('2026-10-08 19:30');
    expect(show(cal.countingStart(bj('2026-10-03 09:00')))).toBe('2026-10-08 10:00');
  });

  it('treats fractional days as shares of one day of office time', () => {
    const intake = bj('2026-11-03 22:00');
    expect(show(cal.addWorkdays(intake, 0.25))).toBe('2026-11-04 12:00');
    expect(show(cal.addWorkdays(intake, 0.5))).toBe('2026-11-04 14:00');
    expect(show(cal.addWorkdays(intake, 0.75))).toBe('2026-11-04 17:30');
    expect(show(cal.addWorkdays(intake, 1.5))).toBe('2026-11-05 14:00');
    expect(show(cal.addWorkdays(intake, 2.1))).toBe('2026-11-06 10:48');
  });

  it('returns `from` for n <= 0', () => {
    const intake = bj('2026-11-03 22:00');
    expect(cal.addWorkdays(intake, 0).getTime()).toBe(intake.getTime());
    expect(cal.addWorkdays(intake, -2).getTime()).toBe(intake.getTime());
    expect(() => cal.addWorkdays(intake, Number.NaN)).toThrow(RangeError);
  });

  it('adds office time across the lunch break, nights, weekends and holidays', () => {
    expect(show(cal.addWorkingMs(bj('2026-11-03 13:00'), 2 * HOUR))).toBe('2026-11-03 16:30');
    expect(show(cal.addWorkingMs(bj('2026-11-03 19:00'), HOUR))).toBe('2026-11-04 10:30');
    expect(show(cal.addWorkingMs(bj('2026-11-06 19:00'), HOUR))).toBe('2026-11-09 10:30');
    expect(show(cal.addWorkingMs(bj('2026-09-18 19:00'), HOUR))).toBe('2026-09-20 10:30');
    expect(show(cal.addWorkingMs(bj('2026-09-30 18:30'), 2 * HOUR))).toBe('2026-10-08 11:00');
    // From inside the lunch break the clock starts at 15:30.
    expect(show(cal.addWorkingMs(bj('2026-11-03 14:10'), 30 * 60_000))).toBe('2026-11-03 16:00');
  });

  it('stops at closing time when the budget runs out exactly there', () => {
    expect(show(cal.addWorkingMs(bj('2026-11-03 10:00'), 4 * HOUR))).toBe('2026-11-03 14:00');
    expect(show(cal.addWorkingMs(bj('2026-11-03 10:00'), DAY_OFFICE))).toBe('2026-11-03 19:30');
    expect(show(cal.addWorkingMs(bj('2026-11-03 19:30'), 0))).toBe('2026-11-03 19:30');
    expect(cal.addWorkingMs(bj('2026-11-03 19:30'), 1).getTime()).toBe(bj('2026-11-04 10:00').getTime() + 1);
  });

  it('measures office time between two instants', () => {
    expect(cal.workingMsBetween(bj('2026-11-03 13:00'), bj('2026-11-03 16:30'))).toBe(2 * HOUR);
    expect(cal.workingMsBetween(bj('2026-11-03 19:00'), bj('2026-11-04 10:30'))).toBe(HOUR);
    expect(cal.workingMsBetween(bj('2026-11-03 14:00'), bj('2026-11-03 15:30'))).toBe(0);
    expect(cal.workingMsBetween(bj('2026-11-07 00:00'), bj('2026-11-09 00:00'))).toBe(0);
    expect(cal.workingMsBetween(bj('2026-09-30 18:30'), bj('2026-10-08 11:00'))).toBe(2 * HOUR);
    expect(cal.workingMsBetween(bj('2026-11-04 10:00'), bj('2026-11-03 10:00'))).toBe(0);
  });

  it('accepts other office hours', () => {
    const c = new WorkingCalendar({
      officeHours: [
        ['09:00', '12:00'],
        ['13:00', '17:00'],
      ],
    });
    expect(c.dayOfficeMs).toBe(7 * HOUR);
    expect(show(c.addWorkdays(bj('2026-11-03 22:00'), 0.5))).toBe('2026-11-04 13:30');
    expect(show(c.addWorkdays(bj('2026-11-03 22:00'), 1))).toBe('2026-11-04 17:00');
  });

  it('rejects malformed office hours', () => {
    const bad: Array<ReadonlyArray<readonly [string, string]>> = [
      [],
      [['14:00', '10:00']],
      [
        ['10:00', '14:00'],
        ['13:00', '19:00'],
      ],
      [['9:00', '12:00']],
      [['10:00', '24:30']],
      [['10:60', '12:00']],
    ];
    for (const officeHours of bad) expect(() => new WorkingCalendar({ officeHours })).toThrow(RangeError);
  });
});

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('office-time arithmetic properties', () => {
  const local = new WorkingCalendar({ overrides: [{ date: '2026-05-27', kind: 'holiday' }, { date: '2026-05-31', kind: 'workday' }] });
  const yearStart = bj('2026-01-01 00:00').getTime();
  const yearMs = 365 * 24 * HOUR;

  it('addWorkingMs and workingMsBetween invert each other', () => {
    const rand = prng(12345);
    for (let i = 0; i < 400; i++) {
      const a = new Date(yearStart + Math.floor(rand() * yearMs));
      const ms = Math.floor(rand() * 30 * DAY_OFFICE);
      const t = local.addWorkingMs(a, ms);
      expect(local.workingMsBetween(a, t)).toBe(ms);
      // Earliest such instant: a millisecond earlier is not enough.
      if (ms > 0) expect(local.workingMsBetween(a, new Date(t.getTime() - 1))).toBe(ms - 1);

      const b = new Date(a.getTime() + Math.floor(rand() * 20 * 24 * HOUR));
      const back = local.addWorkingMs(a, local.workingMsBetween(a, b));
      expect(back.getTime()).toBeLessThanOrEqual(b.getTime());
      expect(local.workingMsBetween(back, b)).toBe(0);
    }
  });

  it('is additive over a split point', () => {
    const rand = prng(777);
    for (let i = 0; i < 300; i++) {
      const [a, b, c] = [rand(), rand(), rand()].sort().map((x) => new Date(yearStart + Math.floor(x * yearMs))) as [Date, Date, Date];
      expect(local.workingMsBetween(a, c)).toBe(local.workingMsBetween(a, b) + local.workingMsBetween(b, c));
    }
  });

  it('agrees with a minute-by-minute count', () => {
    const rand = prng(2026);
    const open = [
      [10 * 60, 14 * 60],
      [15 * 60 + 30, 19 * 60 + 30],
    ];
    const bruteForce = (a: number, b: number): number => {
      let minutes = 0;
      for (let t = a; t < b; t += 60_000) {
        const minuteOfDay = Math.floor((t + 8 * HOUR) / 60_000) % 1440;
        const inOffice = open.some(([s = 0, e = 0]) => minuteOfDay >= s && minuteOfDay < e);
        if (inOffice && local.isWorkday(beijingDate(new Date(t)))) minutes++;
      }
      return minutes * 60_000;
    };
    for (let i = 0; i < 60; i++) {
      const a = yearStart + Math.floor(rand() * 360 * 24 * 60) * 60_000;
      const b = a + Math.floor(rand() * 4 * 24 * 60) * 60_000;
      expect(local.workingMsBetween(new Date(a), new Date(b))).toBe(bruteForce(a, b));
    }
  });

  it('adds 250 working days exactly (speed is measured in bench/, not here)', () => {
    const from = bj('2026-01-05 11:00');
    const due = cal.addWorkdays(from, 250);
    expect(cal.workingMsBetween(cal.countingStart(from), due)).toBe(250 * DAY_OFFICE);
  });
});

describe('suspension (挂起)', () => {
  // Intake Mon 11/2; 5 workdays: 11/3, 11/4, 11/5, 11/6, 11/9.
  const intake = bj('2026-11-02 10:00');
  const due = deadlineFor(cal, intake, 5, 'workday');

  it('moves the deadline by exactly the paused office time: two whole working days', () => {
    expect(show(due)).toBe('2026-11-09 19:30');
    const paused = bj('2026-11-04 10:00');
    const resumed = bj('2026-11-06 10:00');
    const moved = resumeDeadline(cal, due, paused, resumed, 'workday');
    expect(show(moved)).toBe('2026-11-11 19:30');
    expect(cal.workingMsBetween(due, moved)).toBe(cal.workingMsBetween(paused, resumed));
    expect(cal.workingMsBetween(paused, resumed)).toBe(2 * DAY_OFFICE);
  });

  it('moves it by a partial pause that spans lunch and a night', () => {
    const paused = bj('2026-11-04 12:00');
    const resumed = bj('2026-11-05 17:00');
    const moved = resumeDeadline(cal, due, paused, resumed, 'workday');
    // Paused office time: 2 h + 4 h on 11/4, 4 h + 1.5 h on 11/5 = 11.5 h → 8 h on 11/10 + 3.5 h on 11/11.
    expect(cal.workingMsBetween(paused, resumed)).toBe(11.5 * HOUR);
    expect(show(moved)).toBe('2026-11-11 13:30');
  });

  it('a pause across 国庆 only costs the office time actually paused', () => {
    // Intake 9/28; 5 workdays: 9/29, 9/30, 10/8, 10/9, 10/10 (调休).
    const d = deadlineFor(cal, bj('2026-09-28 10:00'), 5, 'workday');
    expect(show(d)).toBe('2026-10-10 19:30');
    // Only 9/30 was a working day between pause and resume, so one day moves: 10/11 is Sunday.
    const moved = resumeDeadline(cal, d, bj('2026-09-30 10:00'), bj('2026-10-08 10:00'), 'workday');
    expect(show(moved)).toBe('2026-10-12 19:30');
    expect(cal.workingMsBetween(d, moved)).toBe(DAY_OFFICE);
  });

  it('resuming outside office hours continues at the next opening', () => {
    const moved = resumeDeadline(cal, due, bj('2026-11-09 15:30'), bj('2026-11-13 21:00'), 'workday');
    // 4 h were left at the pause; resumed Friday night → Monday 11/16 10:00–14:00.
    expect(show(moved)).toBe('2026-11-16 14:00');
  });

  it('leaves an overdue deadline where it is', () => {
    expect(show(resumeDeadline(cal, due, bj('2026-11-10 10:00'), bj('2026-11-12 10:00'), 'workday'))).toBe('2026-11-09 19:30');
    expect(show(resumeDeadline(cal, due, due, bj('2026-11-12 10:00'), 'workday'))).toBe('2026-11-09 19:30');
    const hourDue = bj('2026-11-03 10:00');
    expect(show(resumeDeadline(cal, hourDue, bj('2026-11-03 11:00'), bj('2026-11-04 11:00'), 'hour'))).toBe('2026-11-03 10:00');
  });

  it('moves wall-clock limits by the wall-clock time left', () => {
    const d = deadlineFor(cal, bj('2026-09-30 22:00'), 24, 'hour');
    expect(show(d)).toBe('2026-10-01 22:00');
    // Paused 10 h in with 14 h left; resumed three days later.
    expect(show(resumeDeadline(cal, d, bj('2026-10-01 08:00'), bj('2026-10-04 08:00'), 'hour'))).toBe('2026-10-04 22:00');
    const nd = deadlineFor(cal, bj('2026-11-02 10:00'), 2, 'natural_day');
    expect(show(resumeDeadline(cal, nd, bj('2026-11-03 10:00'), bj('2026-11-03 18:00'), 'natural_day'))).toBe('2026-11-04 18:00');
  });

  it('ignores a resume that is not after the pause', () => {
    expect(resumeDeadline(cal, due, bj('2026-11-04 10:00'), bj('2026-11-04 10:00'), 'workday').getTime()).toBe(due.getTime());
  });
});

describe('deadlines and extensions (延期)', () => {
  it('hour and natural_day limits run on the wall clock through nights and holidays', () => {
    expect(show(deadlineFor(cal, bj('2026-09-30 22:00'), 48, 'hour'))).toBe('2026-10-02 22:00');
    expect(show(deadlineFor(cal, bj('2026-09-30 22:00'), 7, 'natural_day'))).toBe('2026-10-07 22:00');
    expect(show(deadlineFor(cal, bj('2026-09-30 22:00'), 1.5, 'hour'))).toBe('2026-09-30 23:30');
    expect(show(deadlineFor(cal, bj('2026-09-30 22:00'), 0, 'hour'))).toBe('2026-09-30 22:00');
  });

  it('extends by 48 hours on the wall clock', () => {
    expect(show(extendDeadline(cal, bj('2026-10-09 19:30'), 48, 'hour'))).toBe('2026-10-11 19:30');
  });

  it('extends by 2 workdays counted after the deadline day', () => {
    // 10/10 is the 调休 Saturday (1), 10/11 Sunday is off, 10/12 Monday (2).
    expect(show(extendDeadline(cal, bj('2026-10-09 19:30'), 2, 'workday'))).toBe('2026-10-12 19:30');
    expect(show(extendDeadline(cal, bj('2026-11-09 19:30'), 2, 'workday'))).toBe('2026-11-11 19:30');
    expect(show(extendDeadline(cal, bj('2026-11-09 19:30'), 3, 'natural_day'))).toBe('2026-11-12 19:30');
  });
});

describe('warnAt (黄灯)', () => {
  it('for workday limits, counts working time on the same clock as the limit', () => {
    const intake = bj('2026-09-30 11:00');
    const due = deadlineFor(cal, intake, 3, 'workday');
    // 2.4 of 3 working days: 10/8, 10/9 and 3.2 h of 10/10 → 13:12.
    const warn = warnAt(cal, intake, due, 0.8, 'workday');
    expect(show(warn)).toBe('2026-10-10 13:12');
    expect(warn.getTime()).toBe(cal.addWorkdays(intake, 2.4).getTime());
    expect(show(warnAt(cal, intake, due, 0, 'workday'))).toBe('2026-10-08 10:00');
    expect(show(warnAt(cal, intake, due, 1, 'workday'))).toBe('2026-10-10 19:30');
  });

  it('for wall-clock limits, takes the share of the elapsed wall time', () => {
    const intake = bj('2026-11-03 10:00');
    const due = deadlineFor(cal, intake, 24, 'hour');
    expect(show(warnAt(cal, intake, due, 0.8, 'hour'))).toBe('2026-11-04 05:12');
    expect(show(warnAt(cal, intake, deadlineFor(cal, intake, 5, 'natural_day'), 0.5, 'natural_day'))).toBe('2026-11-05 22:00');
  });

  it('rejects ratios outside [0, 1]', () => {
    const intake = bj('2026-11-03 10:00');
    expect(() => warnAt(cal, intake, intake, 1.2, 'hour')).toThrow(RangeError);
    expect(() => warnAt(cal, intake, intake, Number.NaN, 'workday')).toThrow(RangeError);
  });
});

describe('Beijing time regardless of the machine time zone', () => {
  it('reads calendar dates at UTC+08:00', () => {
    expect(beijingDate(new Date('2026-09-30T15:59:59.999Z'))).toBe('2026-09-30');
    expect(beijingDate(new Date('2026-09-30T16:00:00.000Z'))).toBe('2026-10-01');
  });

  it('takes the intake day from Beijing time, not the UTC or Urumqi date', () => {
    // 01:00 Beijing on 10/9 is still 10/8 in UTC (17:00) and in Urumqi (23:00).
    const intake = new Date('2026-10-09T01:00:00+08:00');
    expect(cal.addWorkdays(intake, 1).toISOString()).toBe('2026-10-10T11:30:00.000Z');
    expect(deadlineFor(cal, new Date('2026-09-30T11:00:00+08:00'), 3, 'workday').toISOString()).toBe('2026-10-10T11:30:00.000Z');
    expect(cal.workingMsBetween(new Date('2026-10-09T23:00:00+08:00'), new Date('2026-10-10T10:30:00+08:00'))).toBe(30 * 60_000);
  });
});
