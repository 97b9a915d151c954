import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors/app-error.js';
import { ceilLocalDate, evaluateMoment, instantToSqlText, parseFixedUtc, type Moment, type MomentEnv } from '../../src/search/moments.js';
import { parseTzOffsetHeader } from '../../src/search/tz-offset.js';

const iso = (moment: Moment, env: MomentEnv) => instantToSqlText(evaluateMoment(moment, env));
const period = (range: string, which: 'start' | 'end') => ({ type: 'start_end_of_predefined_relative_period', range, which }) as Moment;
// Wednesday 2024-05-15 12:00 UTC.
const utc: MomentEnv = { now: new Date('2024-05-15T12:00:00Z'), tzOffsetMinutes: 0 };

describe('X-TZ-Offset header', () => {
  it.each([
    [undefined, 0],
    ['', 0],
    ['-4', -240],
    ['-4.0', -240],
    ['5.5', 330],
    ['+5.75', 345],
    ['-0.0', 0],
    ['0', 0],
    [['-2.5', '3'], -150],
  ])('%j is %d minutes', (header, minutes) => {
    const parsed = parseTzOffsetHeader(header as string | string[] | undefined);
    expect(parsed).toBe(minutes);
    expect(Object.is(parsed, -0)).toBe(false);
  });

  it.each(['abc', '4h', '15', '-14.5', '1e1', 'NaN'])('rejects %j with the header as the path', (header) => {
    try {
      parseTzOffsetHeader(header);
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error) && error.details.fieldErrors).toHaveProperty('X-TZ-Offset');
    }
  });
});

describe('fixed_utc', () => {
  it.each([
    ['2025-12-08T21:12:12+00:00', '2025-12-08T21:12:12.000000Z'],
    ['2025-12-08T21:12:12Z', '2025-12-08T21:12:12.000000Z'],
    ['2024-01-02T03:04:05.123456+00:00', '2024-01-02T03:04:05.123456Z'],
    ['2024-01-02T03:04:05.1-02:30', '2024-01-02T05:34:05.100000Z'],
    ['2024-01-02T03:04+0530', '2024-01-01T21:34:00.000000Z'],
    ['2024-01-02T03:04:05', '2024-01-02T03:04:05.000000Z'],
    ['2024-01-02', '2024-01-02T00:00:00.000000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000000Z'],
  ])('%s is %s (microseconds kept)', (input, expected) => {
    expect(instantToSqlText(parseFixedUtc(input)!)).toBe(expected);
  });

  it.each(['2024-02-30T00:00:00Z', '2024-01-02T24:00:00Z', 'yesterday', '2024-1-2', '2024-01-02T03:04:05.1234567Z', '2024-01-02T03:04:05+15:00'])(
    'rejects %s',
    (input) => expect(parseFixedUtc(input)).toBeUndefined(),
  );
});

describe('predefined relative periods', () => {
  it.each([
    ['today', 'start', 0, '2024-05-15T00:00:00.000000Z'],
    ['today', 'end', 0, '2024-05-16T00:00:00.000000Z'],
    ['yesterday', 'start', 0, '2024-05-14T00:00:00.000000Z'],
    ['tomorrow', 'end', 0, '2024-05-17T00:00:00.000000Z'],
    // Weeks start on Monday: 2024-05-13.
    ['this-week', 'start', 0, '2024-05-13T00:00:00.000000Z'],
    ['this-week', 'end', 0, '2024-05-20T00:00:00.000000Z'],
    ['last-week', 'start', 0, '2024-05-06T00:00:00.000000Z'],
    ['next-week', 'start', 0, '2024-05-20T00:00:00.000000Z'],
    ['this-month', 'start', 0, '2024-05-01T00:00:00.000000Z'],
    ['last-month', 'start', 0, '2024-04-01T00:00:00.000000Z'],
    ['last-month', 'end', 0, '2024-05-01T00:00:00.000000Z'],
    ['this-quarter', 'start', 0, '2024-04-01T00:00:00.000000Z'],
    ['this-quarter', 'end', 0, '2024-07-01T00:00:00.000000Z'],
    ['last-quarter', 'start', 0, '2024-01-01T00:00:00.000000Z'],
    ['this-year', 'start', 0, '2024-01-01T00:00:00.000000Z'],
    ['last-year', 'start', 0, '2023-01-01T00:00:00.000000Z'],
    ['next-year', 'end', 0, '2026-01-01T00:00:00.000000Z'],
    // In New York (-4) "today" starts at 04:00 UTC; in Kathmandu (+5:45) at 18:15 UTC the day before.
    ['today', 'start', -240, '2024-05-15T04:00:00.000000Z'],
    ['today', 'start', 345, '2024-05-14T18:15:00.000000Z'],
  ] as const)('%s %s at offset %d min is %s', (range, which, tzOffsetMinutes, expected) => {
    expect(iso(period(range, which), { ...utc, tzOffsetMinutes })).toBe(expected);
  });

  it('evaluates "today" in the caller\'s zone: 23:30 UTC is already tomorrow at +2', () => {
    const env = { now: new Date('2024-05-15T23:30:00Z'), tzOffsetMinutes: 120 };
    expect(iso(period('today', 'start'), env)).toBe('2024-05-15T22:00:00.000000Z');
    expect(iso(period('yesterday', 'start'), env)).toBe('2024-05-14T22:00:00.000000Z');
  });

  it('quarters and years roll over: last-quarter in January is October–December', () => {
    const env = { now: new Date('2024-01-15T00:00:00Z'), tzOffsetMinutes: 0 };
    expect(iso(period('last-quarter', 'start'), env)).toBe('2023-10-01T00:00:00.000000Z');
    expect(iso(period('last-quarter', 'end'), env)).toBe('2024-01-01T00:00:00.000000Z');
    expect(iso(period('last-month', 'start'), env)).toBe('2023-12-01T00:00:00.000000Z');
  });

  it('uses the one offset the caller sends for every boundary: a fixed offset has no DST', () => {
    // 2024-11-15 in New York is EST (-5); Nov 1 was still EDT (-4). Close's header carries one
    // number, so "this month" starts at local midnight of the *current* offset.
    const est = { now: new Date('2024-11-15T12:00:00Z'), tzOffsetMinutes: -300 };
    expect(iso(period('this-month', 'start'), est)).toBe('2024-11-01T05:00:00.000000Z');
    // Across the spring change (2024-03-10) a day is still 24 hours.
    const edt = { now: new Date('2024-03-11T12:00:00Z'), tzOffsetMinutes: -240 };
    expect(iso(period('last-week', 'start'), edt)).toBe('2024-03-04T04:00:00.000000Z');
    expect(iso(period('last-week', 'end'), edt)).toBe('2024-03-11T04:00:00.000000Z');
  });
});

describe('offset moments', () => {
  const offset = (direction: 'past' | 'future', parts: Record<string, number>, whichDayEnd?: 'start' | 'end', moment: Moment = { type: 'now' }): Moment => ({
    type: 'offset',
    direction,
    moment,
    offset: { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0, ...parts },
    whichDayEnd,
  });

  it('"last 7 days" starts at local midnight seven days ago', () => {
    expect(iso(offset('past', { days: 7 }, 'start'), utc)).toBe('2024-05-08T00:00:00.000000Z');
    expect(iso(offset('past', { days: 7 }, 'start'), { ...utc, tzOffsetMinutes: -240 })).toBe('2024-05-08T04:00:00.000000Z');
  });

  it('which_day_end "end" is the exclusive end of that local day (the next midnight)', () => {
    expect(iso(offset('future', { weeks: 1 }, 'end'), utc)).toBe('2024-05-23T00:00:00.000000Z');
  });

  it('without which_day_end it is the exact instant', () => {
    expect(iso(offset('past', { hours: 1, minutes: 30, seconds: 5 }), utc)).toBe('2024-05-15T10:29:55.000000Z');
  });

  it('clamps months to the last day: March 31 minus one month is February 29', () => {
    const env = { now: new Date('2024-03-31T10:00:00Z'), tzOffsetMinutes: 0 };
    expect(iso(offset('past', { months: 1 }, 'start'), env)).toBe('2024-02-29T00:00:00.000000Z');
    expect(iso(offset('past', { years: 1 }), { now: new Date('2024-02-29T10:00:00Z'), tzOffsetMinutes: 0 })).toBe('2023-02-28T10:00:00.000000Z');
  });

  it('offsets other moments, e.g. a fixed local date', () => {
    const base: Moment = { type: 'fixed_local_date', date: { year: 2024, month: 1, day: 31 }, which: 'start' };
    expect(iso(offset('future', { months: 1, days: 1 }, undefined, base), { ...utc, tzOffsetMinutes: 60 })).toBe('2024-02-29T23:00:00.000000Z');
  });

  it('refuses results outside years 1–9999', () => {
    expect(() => evaluateMoment(offset('future', { years: 8000 }), utc)).toThrow(/outside the years/);
    expect(() => evaluateMoment(offset('past', { days: 1_000_000 }), utc)).toThrow(/outside the years/);
  });
});

describe('date fields: the first local day starting at or after an instant', () => {
  it.each([
    ['2024-03-01T00:00:00Z', 0, '2024-03-01'],
    ['2024-03-01T00:00:00.000001Z', 0, '2024-03-02'],
    ['2024-03-01T00:00:00Z', -240, '2024-03-01'],
    ['2024-03-01T05:00:00Z', -240, '2024-03-02'],
    ['2024-03-01T04:00:00Z', -240, '2024-03-01'],
  ])('%s at %d min → %s', (instant, tz, expected) => {
    expect(ceilLocalDate(parseFixedUtc(instant)!, tz)).toBe(expected);
  });
});
