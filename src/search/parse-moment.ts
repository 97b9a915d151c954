import { checkKeys, checkString, describe, isJsonObject, key, oneOf, type InputIssues } from './input-issues.js';
import { parseFixedUtc, parseLocalDate, RELATIVE_RANGES, type Moment, type OffsetParts, type RelativeRange, type Which } from './moments.js';

const MOMENT_TYPES = ['fixed_utc', 'fixed_local_date', 'now', 'offset', 'start_end_of_predefined_relative_period'] as const;
const OFFSET_UNITS = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'] as const;
const WHICH: readonly Which[] = ['start', 'end'];
/** Larger offsets only produce out-of-range moments; they are refused before any arithmetic. */
const MAX_OFFSET_COMPONENT = 1_000_000;
const MAX_MOMENT_DEPTH = 8;

/** Parses one moment of a `moment_range` (spec §3.6); problems go to `issues` at their path. */
export function parseMoment(raw: unknown, path: string, issues: InputIssues, depth = 0): Moment | undefined {
  if (!isJsonObject(raw)) return issues.add(path, `expected a moment object such as {"type": "now"}, got ${describe(raw)}`);
  const type = raw.type;
  if (typeof type !== 'string' || !(MOMENT_TYPES as readonly string[]).includes(type)) {
    return issues.add(key(path, 'type'), `${type === undefined ? 'required' : `unknown moment type ${describe(type)}`}; expected one of: ${oneOf(MOMENT_TYPES)}`);
  }
  switch (type as (typeof MOMENT_TYPES)[number]) {
    case 'now':
      return checkKeys(raw, path, ['type'], issues) ? { type: 'now' } : undefined;
    case 'fixed_utc': {
      if (!checkKeys(raw, path, ['type', 'value'], issues)) return undefined;
      if (!checkString(raw.value, key(path, 'value'), issues, 64)) return undefined;
      const instant = parseFixedUtc(raw.value);
      if (instant === undefined) return issues.add(key(path, 'value'), 'expected an ISO 8601 date-time such as "2025-12-08T21:12:12+00:00"');
      return { type: 'fixed_utc', instant };
    }
    case 'fixed_local_date': {
      if (!checkKeys(raw, path, ['type', 'value', 'which'], issues)) return undefined;
      const which = readWhich(raw.which, key(path, 'which'), issues, true);
      if (!checkString(raw.value, key(path, 'value'), issues, 64)) return undefined;
      const date = parseLocalDate(raw.value);
      if (!date) return issues.add(key(path, 'value'), 'expected a calendar date such as "2023-01-31"');
      return which ? { type: 'fixed_local_date', date, which } : undefined;
    }
    case 'start_end_of_predefined_relative_period': {
      if (!checkKeys(raw, path, ['type', 'range', 'which'], issues)) return undefined;
      const which = readWhich(raw.which, key(path, 'which'), issues, true);
      const range = raw.range;
      if (typeof range !== 'string' || !(RELATIVE_RANGES as readonly string[]).includes(range)) {
        return issues.add(key(path, 'range'), `${range === undefined ? 'required' : `unknown range ${describe(range)}`}; expected one of: ${oneOf(RELATIVE_RANGES)}`);
      }
      return which ? { type: 'start_end_of_predefined_relative_period', range: range as RelativeRange, which } : undefined;
    }
    case 'offset': {
      if (!checkKeys(raw, path, ['type', 'direction', 'moment', 'offset', 'which_day_end'], issues)) return undefined;
      if (depth >= MAX_MOMENT_DEPTH) return issues.add(path, `offsets nest at most ${MAX_MOMENT_DEPTH} deep`);
      const direction = raw.direction;
      if (direction !== 'past' && direction !== 'future') {
        issues.add(key(path, 'direction'), `${direction === undefined ? 'required' : `unknown direction ${describe(direction)}`}; expected one of: past, future`);
      }
      const whichDayEnd = readWhich(raw.which_day_end, key(path, 'which_day_end'), issues, false);
      const offset = parseOffset(raw.offset, key(path, 'offset'), issues);
      const base = raw.moment === undefined ? issues.add(key(path, 'moment'), 'required: the moment to offset, e.g. {"type": "now"}') : parseMoment(raw.moment, key(path, 'moment'), issues, depth + 1);
      if (!base || !offset || (direction !== 'past' && direction !== 'future') || whichDayEnd === null) return undefined;
      return { type: 'offset', direction, moment: base, offset, whichDayEnd };
    }
  }
}

/** `which` / `which_day_end`: undefined when absent and optional, null after reporting a problem. */
function readWhich(value: unknown, path: string, issues: InputIssues, required: boolean): Which | undefined | null {
  if ((value === undefined || value === null) && !required) return undefined;
  if (typeof value === 'string' && (WHICH as readonly string[]).includes(value)) return value as Which;
  issues.add(path, `${value === undefined ? 'required' : `unknown value ${describe(value)}`}; expected one of: start, end`);
  return null;
}

function parseOffset(raw: unknown, path: string, issues: InputIssues): OffsetParts | undefined {
  if (!isJsonObject(raw)) return issues.add(path, `expected an object such as {"days": 7}, got ${describe(raw)}`);
  if (!checkKeys(raw, path, OFFSET_UNITS, issues)) return undefined;
  const parts: OffsetParts = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };
  let ok = true;
  for (const unit of OFFSET_UNITS) {
    const value = raw[unit];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_OFFSET_COMPONENT) {
      issues.add(key(path, unit), `expected a whole number from 0 to ${MAX_OFFSET_COMPONENT} (the direction gives the sign), got ${describe(value)}`);
      ok = false;
    } else {
      parts[unit] = value;
    }
  }
  return ok ? parts : undefined;
}
