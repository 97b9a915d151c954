import type { DateFormat } from './export-fields.js';

/**
 * How date-times and dates are rendered in export files, as SQL over a `timestamptz` / `date`
 * expression: PostgreSQL formats them, so no row is parsed in Node (stack notes S2).
 *
 * Renderings of the instant 2014-04-02T15:00:05.190000Z (spec §5.6):
 *
 * | rendering  | date-time                          | date         |
 * |------------|------------------------------------|--------------|
 * | `original` | `2014-04-02 15:00:05.190000+00:00` | `2014-04-02` |
 * | `iso8601`  | `2014-04-02T15:00:05+00:00`        | `2014-04-02` |
 * | `excel`    | `2014-04-02 03:00:05 PM`           | `2014-04-02` |
 * | `json`     | `2014-04-02T15:00:05.190000+00:00` | `2014-04-02` |
 *
 * - Always UTC (`+00:00`), like the API's timestamps; the rendering never depends on the
 *   session's TimeZone because every value goes through `AT TIME ZONE 'UTC'`.
 * - `original` is Python's `str(datetime)` and `json` Python's `isoformat()`, which Close's
 *   backend evidently prints: both drop the fraction when it is zero (`2014-04-02 15:00:05+00:00`).
 * - `iso8601` and `excel` truncate (not round) to the second, as the patterns say.
 * - `excel` uses a 12-hour clock: midnight is `12:00:00 AM`, noon `12:00:00 PM`.
 * - `json` is the API's format (JSON exports ignore `date_format`, spec §5.1).
 */
export type DateRendering = DateFormat | 'json';

const PATTERNS: Readonly<Record<DateRendering, string>> = {
  original: 'YYYY-MM-DD HH24:MI:SS.US"+00:00"',
  iso8601: 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"',
  excel: 'YYYY-MM-DD HH12:MI:SS AM',
  json: 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"',
};

/** SQL rendering the `timestamptz` expression `expr` (NULL stays NULL). `expr` is evaluated once. */
export function dateTimeSql(expr: string, rendering: DateRendering): string {
  const formatted = `to_char((${expr}) AT TIME ZONE 'UTC', '${PATTERNS[rendering]}')`;
  // `.000000+` only occurs as a zero fraction: the pattern puts `+00:00` right after it.
  return rendering === 'original' || rendering === 'json' ? `replace(${formatted}, '.000000+', '+')` : formatted;
}

/** SQL rendering the `date` expression `expr` as `YYYY-MM-DD`, the same in every rendering. */
export function dateSql(expr: string): string {
  return `to_char(${expr}, 'YYYY-MM-DD')`;
}
