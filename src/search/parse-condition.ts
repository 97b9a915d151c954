import { CONDITIONS_BY_VALUE_TYPE, type ConditionType, type FieldDef } from './field-types.js';
import { checkKeys, checkString, describe, index, isJsonObject, key, oneOf, type InputIssues } from './input-issues.js';
import { ceilLocalDate, evaluateMoment, instantToSqlText, MomentOutOfRangeError, type MomentEnv } from './moments.js';
import { parseMoment } from './parse-moment.js';
import { TEXT_MODES, type Condition, type TextMatch, type TextMode } from './query-ast.js';

const CONDITION_TYPES: readonly ConditionType[] = ['text', 'term', 'reference', 'exists', 'boolean', 'number_range', 'moment_range'];
const MAX_VALUES = 1000;
const MAX_WORDS = 32;
/** Close's sentinel for "the user running the search" in user references (spec §3.5). */
export const CURRENT_USER = 'CURRENT_USER';

export type ConditionEnv = MomentEnv & { userId?: string };

/**
 * Parses the `condition` of a field_condition against the field it tests: the condition type
 * must suit the field's value type, and its values must suit the condition.
 */
export function parseCondition(raw: unknown, path: string, field: FieldDef, fieldLabel: string, env: ConditionEnv, issues: InputIssues): Condition | undefined {
  if (!isJsonObject(raw)) return issues.add(path, `expected a condition object such as {"type": "exists"}, got ${describe(raw)}`);
  const type = raw.type;
  const allowed = CONDITIONS_BY_VALUE_TYPE[field.valueType];
  if (typeof type !== 'string' || !(CONDITION_TYPES as readonly string[]).includes(type)) {
    return issues.add(key(path, 'type'), `${type === undefined ? 'required' : `unknown condition type ${describe(type)}`}; ${fieldLabel} takes one of: ${oneOf(allowed)}`);
  }
  if (!allowed.includes(type as ConditionType)) {
    return issues.add(key(path, 'type'), `a ${type} condition does not apply to ${fieldLabel} (a ${field.valueType} field); use one of: ${oneOf(allowed)}`);
  }
  switch (type as ConditionType) {
    case 'exists':
      return checkKeys(raw, path, ['type'], issues) ? { type: 'exists' } : undefined;
    case 'text': {
      if (!checkKeys(raw, path, ['type', 'mode', 'value'], issues)) return undefined;
      const match = parseTextMatch(raw, path, issues, field.textKind === 'phone');
      return match && { type: 'text', match };
    }
    case 'boolean':
      if (!checkKeys(raw, path, ['type', 'value'], issues)) return undefined;
      if (typeof raw.value !== 'boolean') return issues.add(key(path, 'value'), `expected true or false, got ${describe(raw.value)}`);
      return { type: 'boolean', value: raw.value };
    case 'term': {
      if (!checkKeys(raw, path, ['type', 'values'], issues)) return undefined;
      const values = readList(raw.values, key(path, 'values'), issues, field.valueType === 'number' ? 'number' : 'string');
      return values && { type: 'in', values };
    }
    case 'reference': {
      if (!checkKeys(raw, path, ['type', 'reference_type', 'object_ids'], issues)) return undefined;
      const referenceTypes = field.referenceTypes ?? [];
      const referenceType = raw.reference_type;
      if (typeof referenceType !== 'string' || !referenceTypes.includes(referenceType)) {
        issues.add(key(path, 'reference_type'), `${referenceType === undefined ? 'required' : `${describe(referenceType)} does not apply`}; ${fieldLabel} references: ${oneOf(referenceTypes)}`);
      }
      const ids = readList(raw.object_ids, key(path, 'object_ids'), issues, 'string') as string[] | undefined;
      if (!ids || typeof referenceType !== 'string' || !referenceTypes.includes(referenceType)) return undefined;
      const isUser = referenceType === 'user' || referenceType === 'user_or_group';
      if (isUser && ids.includes(CURRENT_USER)) {
        if (!env.userId) return issues.add(key(path, 'object_ids'), `${CURRENT_USER} needs a signed-in user, and this search runs without one`);
        return { type: 'in', values: ids.map((id) => (id === CURRENT_USER ? env.userId! : id)) };
      }
      return { type: 'in', values: ids };
    }
    case 'number_range': {
      if (!checkKeys(raw, path, ['type', 'gt', 'gte', 'lt', 'lte'], issues)) return undefined;
      const bounds: Record<string, number> = {};
      let ok = true;
      for (const name of ['gt', 'gte', 'lt', 'lte'] as const) {
        const value = raw[name];
        if (value === undefined || value === null) continue;
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          issues.add(key(path, name), `expected a number, got ${describe(value)}`);
          ok = false;
        } else bounds[name] = value;
      }
      return ok ? { type: 'number_range', ...bounds } : undefined;
    }
    case 'moment_range': {
      if (!checkKeys(raw, path, ['type', 'on_or_after', 'before'], issues)) return undefined;
      const bounds: { onOrAfter?: string; before?: string } = {};
      let ok = true;
      for (const [name, prop] of [['on_or_after', 'onOrAfter'], ['before', 'before']] as const) {
        if (raw[name] === undefined || raw[name] === null) continue;
        const moment = parseMoment(raw[name], key(path, name), issues);
        if (!moment) {
          ok = false;
          continue;
        }
        try {
          const instant = evaluateMoment(moment, env);
          // A date field holds calendar days of the caller's zone: day d is in range when
          // its local midnight is (see ceilLocalDate).
          bounds[prop] = field.valueType === 'date' ? ceilLocalDate(instant, env.tzOffsetMinutes) : instantToSqlText(instant);
        } catch (error) {
          if (!(error instanceof MomentOutOfRangeError)) throw error;
          issues.add(key(path, name), error.message);
          ok = false;
        }
      }
      return ok ? { type: 'moment_range', ...bounds } : undefined;
    }
  }
}

/**
 * `mode` + `value` of a text condition or of the field-less text query. Words are runs of
 * letters, digits and `_` (PostgreSQL's regex word characters), lower-cased.
 */
export function parseTextMatch(raw: Record<string, unknown>, path: string, issues: InputIssues, phone = false): TextMatch | undefined {
  const mode = raw.mode;
  if (typeof mode !== 'string' || !(TEXT_MODES as readonly string[]).includes(mode)) {
    issues.add(key(path, 'mode'), `${mode === undefined ? 'required' : `unknown mode ${describe(mode)}`}; expected one of: ${oneOf(TEXT_MODES)}`);
  }
  if (!checkString(raw.value, key(path, 'value'), issues)) return undefined;
  if (typeof mode !== 'string' || !(TEXT_MODES as readonly string[]).includes(mode)) return undefined;
  const value = raw.value;
  const words = textWords(value);
  if (phone && !/\d/.test(value)) return issues.add(key(path, 'value'), 'a phone number search needs at least one digit');
  if (mode !== 'exact_value' && words.length === 0) return issues.add(key(path, 'value'), 'needs at least one word (letters or digits)');
  if (words.length > MAX_WORDS) return issues.add(key(path, 'value'), `at most ${MAX_WORDS} words`);
  return { mode: mode as TextMode, value, words };
}

export function textWords(value: string): string[] {
  return value.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
}

function readList(raw: unknown, path: string, issues: InputIssues, itemType: 'string' | 'number'): (string | number)[] | undefined {
  if (!Array.isArray(raw)) return issues.add(path, `expected an array of ${itemType}s, got ${describe(raw)}`);
  if (raw.length > MAX_VALUES) return issues.add(path, `at most ${MAX_VALUES} values`);
  let ok = true;
  raw.forEach((value, i) => {
    if (itemType === 'number' ? typeof value !== 'number' || !Number.isFinite(value) : !checkString(value, index(path, i), issues)) {
      if (itemType === 'number') issues.add(index(path, i), `expected a number, got ${describe(value)}`);
      ok = false;
    }
  });
  return ok ? (raw as (string | number)[]) : undefined;
}
