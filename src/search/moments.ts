/**
 * Moments of Close's `moment_range` conditions, evaluated to instants (pure: `now` and the
 * caller's UTC offset are passed in).
 *
 * Instants are microseconds since the epoch (a double holds them exactly until year 287396),
 * so `fixed_utc` values with microseconds compare exactly with PostgreSQL's timestamptz.
 * The caller's zone is a fixed offset (Close's `X-TZ-Offset` carries one number), so calendar
 * arithmetic happens on "local wall-clock" microseconds = instant + offset, which has no DST.
 */

export type Instant = number;

export type Which = 'start' | 'end';

export type OffsetParts = {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
};

export const RELATIVE_RANGES = [
  'today',
  'yesterday',
  'tomorrow',
  'this-week',
  'last-week',
  'next-week',
  'this-month',
  'last-month',
  'next-month',
  'this-quarter',
  'last-quarter',
  'next-quarter',
  'this-year',
  'last-year',
  'next-year',
] as const;
export type RelativeRange = (typeof RELATIVE_RANGES)[number];

export type Moment =
  | { type: 'fixed_utc'; instant: Instant }
  | { type: 'fixed_local_date'; date: LocalDate; which: Which }
  | { type: 'now' }
  | { type: 'offset'; direction: 'past' | 'future'; moment: Moment; offset: OffsetParts; whichDayEnd?: Which }
  | { type: 'start_end_of_predefined_relative_period'; range: RelativeRange; which: Which };

export type LocalDate = { year: number; month: number; day: number };

export type MomentEnv = { now: Date; tzOffsetMinutes: number };

/** Thrown when a moment lands outside years 1–9999 (PostgreSQL and JS disagree beyond). */
export class MomentOutOfRangeError extends Error {
  override name = 'MomentOutOfRangeError';
}

const US_PER_MS = 1000;
const US_PER_DAY = 86_400_000_000;

/** Evaluates a moment to an instant. Throws MomentOutOfRangeError for absurd results. */
export function evaluateMoment(moment: Moment, env: MomentEnv): Instant {
  const result = evaluate(moment, env);
  assertInRange(result, env);
  return result;
}

function evaluate(moment: Moment, env: MomentEnv): Instant {
  const offsetUs = env.tzOffsetMinutes * 60_000_000;
  switch (moment.type) {
    case 'fixed_utc':
      return moment.instant;
    case 'now':
      return env.now.getTime() * US_PER_MS;
    case 'fixed_local_date': {
      const startLocal = localDateToLocalUs(moment.date);
      return (moment.which === 'start' ? startLocal : startLocal + US_PER_DAY) - offsetUs;
    }
    case 'offset': {
      const base = evaluate(moment.moment, env);
      const sign = moment.direction === 'past' ? -1 : 1;
      const o = moment.offset;
      let local = base + offsetUs;
      local = addMonthsLocal(local, sign * (o.years * 12 + o.months));
      local += sign * (o.weeks * 7 + o.days) * US_PER_DAY;
      local += sign * (o.hours * 3600 + o.minutes * 60 + o.seconds) * 1_000_000;
      if (moment.whichDayEnd === 'start') local = startOfLocalDay(local);
      if (moment.whichDayEnd === 'end') local = startOfLocalDay(local) + US_PER_DAY;
      return local - offsetUs;
    }
    case 'start_end_of_predefined_relative_period': {
      const [start, end] = relativePeriod(moment.range, env.now.getTime() * US_PER_MS + offsetUs);
      return (moment.which === 'start' ? start : end) - offsetUs;
    }
  }
}

/**
 * [start, end) of a predefined period, in local wall-clock microseconds. Weeks start on Monday
 * (ISO 8601); quarters are calendar quarters.
 */
function relativePeriod(range: RelativeRange, nowLocal: number): [number, number] {
  const today = startOfLocalDay(nowLocal);
  const [which, unit] = range === 'today' || range === 'yesterday' || range === 'tomorrow' ? dayRange(range) : (range.split('-') as [string, string]);
  const shift = which === 'last' ? -1 : which === 'next' ? 1 : 0;
  switch (unit) {
    case 'day': {
      const start = today + shift * US_PER_DAY;
      return [start, start + US_PER_DAY];
    }
    case 'week': {
      const weekday = (new Date(today / US_PER_MS).getUTCDay() + 6) % 7; // Monday = 0
      const start = today - weekday * US_PER_DAY + shift * 7 * US_PER_DAY;
      return [start, start + 7 * US_PER_DAY];
    }
    case 'month':
    case 'quarter':
    case 'year': {
      const months = unit === 'month' ? 1 : unit === 'quarter' ? 3 : 12;
      const d = new Date(today / US_PER_MS);
      const monthIndex = d.getUTCFullYear() * 12 + d.getUTCMonth();
      const first = monthIndex - (monthIndex % months) + shift * months;
      return [monthIndexToLocalUs(first), monthIndexToLocalUs(first + months)];
    }
    default:
      throw new Error(`unhandled relative range ${range}`);
  }
}

function dayRange(range: 'today' | 'yesterday' | 'tomorrow'): [string, string] {
  return [range === 'today' ? 'this' : range === 'yesterday' ? 'last' : 'next', 'day'];
}

function monthIndexToLocalUs(monthIndex: number): number {
  return utcMs(Math.floor(monthIndex / 12), monthIndex % 12, 1) * US_PER_MS;
}

/** Calendar month arithmetic; the day is clamped (Jan 31 + 1 month = Feb 28/29). */
function addMonthsLocal(local: number, months: number): number {
  if (months === 0) return local;
  const d = new Date(Math.floor(local / US_PER_MS));
  const subMs = local - Math.floor(local / US_PER_MS) * US_PER_MS;
  const monthIndex = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const year = Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const day = Math.min(d.getUTCDate(), daysInMonth(year, month));
  const ms =
    utcMs(year, month, day) + d.getUTCHours() * 3_600_000 + d.getUTCMinutes() * 60_000 + d.getUTCSeconds() * 1000 + d.getUTCMilliseconds();
  return ms * US_PER_MS + subMs;
}

function startOfLocalDay(local: number): number {
  return Math.floor(local / US_PER_DAY) * US_PER_DAY;
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMs(year, month + 1, 1) - 86_400_000).getUTCDate();
}

/** Date.UTC without its "years 0–99 mean 1900–1999" rule. */
function utcMs(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  return d.getTime();
}

function localDateToLocalUs(date: LocalDate): number {
  return utcMs(date.year, date.month - 1, date.day) * US_PER_MS;
}

const MIN_LOCAL_US = utcMs(1, 0, 1) * US_PER_MS;
const MAX_LOCAL_US = utcMs(10000, 0, 1) * US_PER_MS;

function assertInRange(instant: Instant, env: MomentEnv): void {
  // Both the instant (bound as UTC text) and its local day (bound for date fields) must be
  // dates PostgreSQL and JS print the same way.
  const local = instant + env.tzOffsetMinutes * 60_000_000;
  for (const value of [instant, local]) {
    if (!Number.isFinite(value) || value < MIN_LOCAL_US || value >= MAX_LOCAL_US) {
      throw new MomentOutOfRangeError('the moment falls outside the years 1 to 9999');
    }
  }
}

/** `YYYY-MM-DD` of a real calendar day, or undefined. */
export function parseLocalDate(text: string): LocalDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month - 1)) return undefined;
  return { year, month, day };
}

/**
 * An ISO 8601 instant: `2025-12-08T21:12:12+00:00`, `…Z`, `…+0530`, with up to 6 fractional
 * digits; without an offset it is read as UTC, and a bare date as UTC midnight.
 */
export function parseFixedUtc(text: string): Instant | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
  if (!m) return undefined;
  const date = parseLocalDate(m[1]);
  if (!date) return undefined;
  const [hh, mm, ss] = [Number(m[2] ?? 0), Number(m[3] ?? 0), Number(m[4] ?? 0)];
  if (hh > 23 || mm > 59 || ss > 59) return undefined;
  const micros = Number((m[5] ?? '').padEnd(6, '0'));
  let offsetMinutes = 0;
  if (m[6] && m[6].toUpperCase() !== 'Z') {
    const digits = m[6].replace(':', '');
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5));
    if (oh > 14 || om > 59) return undefined;
    offsetMinutes = (digits[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const localMs = utcMs(date.year, date.month - 1, date.day) + hh * 3_600_000 + mm * 60_000 + ss * 1000;
  return (localMs - offsetMinutes * 60_000) * US_PER_MS + micros;
}

/** The instant as PostgreSQL timestamptz input with all six fractional digits (UTC). */
export function instantToSqlText(instant: Instant): string {
  const ms = Math.floor(instant / US_PER_MS);
  const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.123Z
  const subMs = String(instant - ms * US_PER_MS).padStart(3, '0');
  return `${iso.slice(0, 23)}${subMs}Z`;
}

/**
 * The first local calendar day whose start (local midnight) is at or after `instant`: a `date`
 * column value d satisfies `start(d) >= instant` exactly when `d >= ceilLocalDate(instant)`.
 */
export function ceilLocalDate(instant: Instant, tzOffsetMinutes: number): string {
  const local = instant + tzOffsetMinutes * 60_000_000;
  const day = startOfLocalDay(local);
  const ceil = day === local ? day : day + US_PER_DAY;
  // After 9999-12-31 comes no date: PostgreSQL's 'infinity' compares as "later than any".
  if (ceil >= MAX_LOCAL_US) return 'infinity';
  return new Date(ceil / US_PER_MS).toISOString().slice(0, 10);
}
