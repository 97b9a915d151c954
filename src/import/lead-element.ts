import { z } from 'zod';
import { AppError } from '../errors/app-error.js';

/**
 * One element of a JSON leads export (spec §5.1; the shape `writers/json-shape.ts` writes),
 * validated. Pure.
 *
 * Every key is optional, because an export's `fields` may leave any of them out; a key that is
 * present must have the type the export writes. Keys the import does not read (derived values
 * such as `status_label` next to `status_id` are read; `contact_ids`, `expected_value`, the
 * smart fields, … are not) are ignored, so a file with smart fields imports too. Activities keep
 * their unknown keys: they are the type-specific fields stored in `activities.data`.
 */

const text = (what = 'a string') => z.string({ error: `expected ${what}` });
const nullableText = () => z.string({ error: 'expected a string or null' }).nullable();
const id = () => z.string({ error: 'expected an id (a string)' }).min(1, { error: 'expected an id, got an empty string' });
const nullableId = () => z.string({ error: 'expected an id or null' }).min(1, { error: 'expected an id or null, got an empty string' }).nullable();

// Datetimes as the API writes them ("2014-04-02T15:00:05.190000+00:00"); a missing offset
// means UTC (the import session runs in UTC).
const DATETIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const datetime = () => z.string({ error: 'expected an ISO 8601 date-time string' }).regex(DATETIME, { error: 'expected an ISO 8601 date-time like 2014-04-02T15:00:05.190000+00:00' });
const nullableDatetime = () => datetime().nullable();
const nullableDate = () =>
  z.string({ error: 'expected a date (YYYY-MM-DD) or null' }).regex(DATE, { error: 'expected a date like 2014-04-02' }).nullable();
const bool = () => z.boolean({ error: 'expected true or false' });
const integer = (what: string) => z.number({ error: `expected ${what}` }).int({ error: `expected ${what}` });
/** `custom`: values keyed by custom field name; any JSON value (arrays for multi-value fields). */
const custom = () => z.record(z.string(), z.unknown(), { error: 'expected an object (custom values keyed by field name)' });
const list = <T extends z.ZodType>(element: T) => z.array(element, { error: 'expected an array' });
const object = <T extends z.ZodRawShape>(shape: T) => z.object(shape, { error: 'expected an object' });

const authorship = {
  created_by: nullableId().optional(),
  updated_by: nullableId().optional(),
  date_created: datetime().optional(),
  date_updated: datetime().optional(),
};

const contactSchema = object({
  id: id().optional(),
  name: nullableText().optional(),
  title: nullableText().optional(),
  emails: list(
    object({
      email: text(),
      type: text().optional(),
      is_unsubscribed: bool().optional(),
    }),
  ).optional(),
  phones: list(object({ phone: text(), type: text().optional(), country: nullableText().optional() })).optional(),
  urls: list(object({ url: text(), type: text().optional() })).optional(),
  custom: custom().optional(),
  ...authorship,
});

const addressSchema = object({
  label: text().optional(),
  address_1: nullableText().optional(),
  address_2: nullableText().optional(),
  city: nullableText().optional(),
  state: nullableText().optional(),
  zipcode: nullableText().optional(),
  country: nullableText().optional(),
});

const statusType = z.enum(['active', 'won', 'lost'], { error: 'expected "active", "won" or "lost"' });

const opportunitySchema = object({
  id: id().optional(),
  status_id: nullableId().optional(),
  status_label: nullableText().optional(),
  status_type: statusType.nullable().optional(),
  pipeline_id: nullableId().optional(),
  pipeline_name: nullableText().optional(),
  value: integer('a whole number of cents or null').nullable().optional(),
  value_currency: text().optional(),
  value_period: z.enum(['one_time', 'monthly', 'annual'], { error: 'expected "one_time", "monthly" or "annual"' }).optional(),
  confidence: integer('a whole number from 0 to 100').min(0, { error: 'expected a whole number from 0 to 100' }).max(100, { error: 'expected a whole number from 0 to 100' }).optional(),
  note: nullableText().optional(),
  date_won: nullableDate().optional(),
  date_lost: nullableDatetime().optional(),
  contact_id: nullableId().optional(),
  user_id: nullableId().optional(),
  user_name: nullableText().optional(),
  custom: custom().optional(),
  created_by_name: nullableText().optional(),
  updated_by_name: nullableText().optional(),
  ...authorship,
});

const taskSchema = object({
  id: id().optional(),
  _type: text().optional(),
  contact_id: nullableId().optional(),
  assigned_to: nullableId().optional(),
  assigned_to_name: nullableText().optional(),
  text: text().optional(),
  due_date: nullableDate().optional(),
  is_complete: bool().optional(),
  ...authorship,
});

const ACTIVITY_TYPES = ['Note', 'Call', 'Email', 'SMS', 'Meeting', 'LeadStatusChange', 'OpportunityStatusChange', 'Created', 'TaskCompleted'] as const;

/**
 * The keys the export writes for every activity (`json-shape.ts` ACTIVITY_BASE_KEYS); the other
 * keys of an activity are its type-specific fields and go to `data`.
 */
export const ACTIVITY_BASE_KEYS: ReadonlySet<string> = new Set([
  '_type', 'id', 'organization_id', 'lead_id', 'contact_id', 'user_id', 'user_name', 'created_by', 'updated_by',
  'date_created', 'date_updated', 'activity_at', 'direction', 'status', 'duration',
]);

const activitySchema = z.looseObject(
  {
    _type: z.enum(ACTIVITY_TYPES, { error: `expected an activity type (${ACTIVITY_TYPES.join(', ')})` }),
    id: id().optional(),
    contact_id: nullableId().optional(),
    user_id: nullableId().optional(),
    user_name: nullableText().optional(),
    activity_at: datetime().optional(),
    direction: nullableText().optional(),
    status: nullableText().optional(),
    duration: integer('a whole number of seconds or null').min(0, { error: 'expected a whole number of seconds (0 or more)' }).max(2_147_483_647, { error: 'expected at most 2147483647 seconds' }).nullable().optional(),
    ...authorship,
  },
  { error: 'expected an object' },
);

const customObjectSchema = object({
  id: id().optional(),
  custom_object_type_id: id(),
  name: text(),
  custom: custom().optional(),
  ...authorship,
});

const leadSchema = object({
  id: id().optional(),
  display_name: text().optional(),
  name: nullableText().optional(),
  description: nullableText().optional(),
  url: nullableText().optional(),
  status_id: nullableId().optional(),
  status_label: nullableText().optional(),
  created_by_name: nullableText().optional(),
  updated_by_name: nullableText().optional(),
  contacts: list(contactSchema).optional(),
  addresses: list(addressSchema).optional(),
  custom: custom().optional(),
  opportunities: list(opportunitySchema).optional(),
  tasks: list(taskSchema).optional(),
  activities: list(activitySchema).optional(),
  custom_objects: list(customObjectSchema).optional(),
  ...authorship,
});

export type LeadElement = z.infer<typeof leadSchema>;
export type ActivityElement = z.infer<typeof activitySchema>;

/**
 * Parses and validates element `index` of the file. Throws AppError BAD_USER_INPUT naming the
 * element and the JSON path of the first problem: `element 1234: contacts[0].emails[1].email:
 * expected a string, got a number`.
 */
export function parseLeadElement(text: Buffer, index: number): LeadElement {
  let value: unknown;
  try {
    value = JSON.parse(text.toString('utf8'));
  } catch (error) {
    throw elementError(index, '', `invalid JSON: ${(error as Error).message}`);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'lead_id' in value) {
    throw elementError(index, '', 'this looks like a contacts or lead_opps export (its elements carry lead_id); import takes a leads export');
  }
  const result = leadSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw elementError(index, formatPath(issue.path), describeIssue(issue, value));
  }
  // PostgreSQL stores no NUL character in text or jsonb; the escape is cheap to look for in the raw text.
  if (text.includes('\\u0000')) {
    const path = findNul(result.data, []);
    if (path) throw elementError(index, formatPath(path), 'contains a NUL character (\\u0000), which PostgreSQL cannot store');
  }
  return result.data;
}

/** An error about element `index` at `path` (empty: the element itself). */
export function elementError(index: number, path: string, message: string): AppError {
  const where = path === '' ? `element ${index}` : `element ${index}: ${path}`;
  return new AppError('BAD_USER_INPUT', `${where}: ${message}`, {
    details: { fieldErrors: { [`[${index}]${path === '' ? '' : path.startsWith('[') ? path : `.${path}`}`]: message } },
  });
}

/** `contacts[0].emails[1].email`; keys that are not identifiers in brackets: `custom["Notes, long"]`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown): string {
  const actual = valueAt(root, issue.path);
  const message = issue.message.startsWith('Invalid') ? defaultMessage(issue) : issue.message;
  if (issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_format' || issue.code === 'too_small' || issue.code === 'too_big') {
    return `${message}, got ${describeValue(actual)}`;
  }
  return message;
}

function defaultMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    default:
      return issue.message;
  }
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the key is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': {
      const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
      return `the string ${JSON.stringify(shown)}`;
    }
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    default:
      return 'an object';
  }
}

function findNul(value: unknown, path: PropertyKey[]): PropertyKey[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, child] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...path, key];
    const found = findNul(child, [...path, key]);
    if (found) return found;
  }
  return undefined;
}
