import { AppError } from '../errors/app-error.js';

/** Real zones span UTC−12 to UTC+14. */
const MAX_OFFSET_HOURS = 14;

/**
 * Parses Close's `X-TZ-Offset` header (hours east of UTC, e.g. `-4`, `5.5`, `-0.0` as the
 * Python client sends on a UTC machine) into whole minutes. Missing or blank means UTC.
 *
 * Throws `AppError` BAD_USER_INPUT (path `X-TZ-Offset`) for anything else, so a typo does not
 * silently evaluate "today" in the wrong zone.
 */
export function parseTzOffsetHeader(value: string | string[] | undefined): number {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return 0;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) {
    throw AppError.badInput('X-TZ-Offset', `"${text}" is not a number of hours; expected e.g. -4, 5.5 or 0`);
  }
  const hours = Number(text);
  if (Math.abs(hours) > MAX_OFFSET_HOURS) {
    throw AppError.badInput('X-TZ-Offset', `${text} hours is outside -${MAX_OFFSET_HOURS}..${MAX_OFFSET_HOURS}`);
  }
  // `|| 0` turns -0 (from "-0.0") into 0.
  return Math.round(hours * 60) || 0;
}
