/**
 * Time in the generator is an integer count of MICROseconds since the epoch (exact in a double
 * until year 2255), so generated timestamps carry microseconds the way PostgreSQL stores them
 * and exports must keep them (stack notes S2).
 *
 * Formatting tens of millions of timestamps with `Date#toISOString` is a measurable share of
 * the seed time; these formatters cache the date part per day and build the rest from digits.
 */
export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
export const MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
export const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

const dayCache = new Map<number, string>();
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

export function microsFromDate(date: Date): number {
  return date.getTime() * 1000;
}

/** "2026-10-31": the calendar day (UTC) of an instant, as PostgreSQL's `date` text and Close's `date_won`. */
export function isoDate(micros: number): string {
  const day = Math.floor(micros / MICROS_PER_DAY);
  let text = dayCache.get(day);
  if (text === undefined) {
    text = new Date(day * 86_400_000).toISOString().slice(0, 10);
    dayCache.set(day, text);
  }
  return text;
}

/** "2026-10-31 14:05:09.123456+00": PostgreSQL's `timestamptz` text in a UTC session (COPY input). */
export function pgTimestamp(micros: number): string {
  return `${isoDate(micros)} ${timeOfDay(micros)}+00`;
}

/** "2026-10-31T14:05:09.123456+00:00": the shape of Close's API datetimes, for JSON payloads. */
export function isoTimestamp(micros: number): string {
  return `${isoDate(micros)}T${timeOfDay(micros)}+00:00`;
}

/** "2026-10-31T14:05:00+00:00": a datetime a person typed (custom fields, meeting times): no sub-seconds. */
export function isoMinute(micros: number): string {
  const rounded = micros - (((micros % MICROS_PER_MINUTE) + MICROS_PER_MINUTE) % MICROS_PER_MINUTE);
  return `${isoDate(rounded)}T${timeOfDay(rounded).slice(0, 8)}+00:00`;
}

function timeOfDay(micros: number): string {
  let rest = micros - Math.floor(micros / MICROS_PER_DAY) * MICROS_PER_DAY;
  const hours = Math.floor(rest / MICROS_PER_HOUR);
  rest -= hours * MICROS_PER_HOUR;
  const minutes = Math.floor(rest / MICROS_PER_MINUTE);
  rest -= minutes * MICROS_PER_MINUTE;
  const seconds = Math.floor(rest / MICROS_PER_SECOND);
  const fraction = rest - seconds * MICROS_PER_SECOND;
  return `${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${String(fraction).padStart(6, '0')}`;
}
