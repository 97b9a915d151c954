import { AppError } from '../errors/app-error.js';
import {
  DATE_FORMATS,
  DEFAULT_EXPORT_FIELDS,
  EXPORT_FIELDS,
  EXPORT_FORMATS,
  EXPORT_TYPES,
  type DateFormat,
  type ExportField,
  type ExportFormat,
  type ExportType,
} from '../writers/export-fields.js';

/**
 * The parameters of `POST /export/lead/` (spec §2.2), validated, with defaults filled in, under
 * Close's names. This is what the export record stores and echoes, and what the file writer reads.
 */
export type ExportParams = {
  format: ExportFormat;
  type: ExportType;
  /** Echoed for JSON exports too, where it has no effect (spec §2.2: "only affects CSV"). */
  date_format: DateFormat;
  /** The effective list: the request's (duplicates dropped, order kept) or the type's default. */
  fields: ExportField[];
  include_activities: boolean;
  include_smart_fields: boolean;
  include_addresses: boolean;
  include_custom_objects: boolean;
  send_done_email: boolean;
  /** Advanced Filtering query node, carried as sent; the search compiler validates it. */
  s_query: Record<string, unknown> | null;
  results_limit: number | null;
  /** Sort specs, carried as sent; the search compiler validates them. */
  sort: unknown[];
  /** Legacy text query: only "all leads" (`null`, `""`, `"*"`) is supported. */
  query: string | null;
};

/** Where each `include_*` flag applies, and what the 400 says when it is `true` elsewhere. */
const FLAG_RULES: ReadonlyArray<{
  flag: 'include_activities' | 'include_smart_fields' | 'include_addresses' | 'include_custom_objects';
  applies: (type: ExportType, format: ExportFormat) => boolean;
  message: string;
}> = [
  {
    flag: 'include_activities',
    applies: (type, format) => type === 'leads' && format === 'json',
    message: 'only applies to type leads with format json',
  },
  {
    flag: 'include_smart_fields',
    applies: (type, format) => format === 'csv' || type === 'leads',
    message: 'only applies to format csv, or to type leads with format json',
  },
  {
    flag: 'include_addresses',
    applies: (type) => type === 'contacts' || type === 'lead_opps',
    message: 'only applies to types contacts and lead_opps (a leads export includes addresses through fields: "addresses")',
  },
  {
    flag: 'include_custom_objects',
    applies: (type, format) => type === 'leads' && format === 'json',
    message: 'only applies to type leads with format json',
  },
];

/**
 * Validates a request body into `ExportParams`; `type` must be one of `types` (a lead export's by
 * default).
 *
 * Throws `AppError('BAD_USER_INPUT')` listing every problem in `details.fieldErrors`, keyed by
 * parameter name (`format`, `include_activities`, …). Unknown top-level keys are ignored
 * (clients send extras such as `"limit": null`); `null` means "not given" for every parameter.
 */
export function parseExportParams(body: unknown, types: readonly ExportType[] = EXPORT_TYPES): ExportParams {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('BAD_USER_INPUT', 'The request body must be a JSON object', { details: { fieldErrors: {} } });
  }
  const input = body as Record<string, unknown>;
  const errors: Record<string, string> = {};
  const given = (key: string) => input[key] !== undefined && input[key] !== null;

  const format = oneOf(input, 'format', EXPORT_FORMATS, errors, { required: true });
  const type = oneOf(input, 'type', types, errors, { required: true });
  const dateFormat = oneOf(input, 'date_format', DATE_FORMATS, errors, { required: false }) ?? 'original';

  const flags = {
    include_activities: boolean(input, 'include_activities', false, errors),
    include_smart_fields: boolean(input, 'include_smart_fields', false, errors),
    include_addresses: boolean(input, 'include_addresses', false, errors),
    include_custom_objects: boolean(input, 'include_custom_objects', false, errors),
  };
  const sendDoneEmail = boolean(input, 'send_done_email', true, errors);

  if (format && type) {
    for (const rule of FLAG_RULES) {
      if (flags[rule.flag] && !rule.applies(type, format)) errors[rule.flag] = rule.message;
    }
  }

  let fields: ExportField[] = [];
  if (given('fields')) {
    fields = fieldList(input.fields, type, format, errors);
  } else if (format && type) {
    fields = [...DEFAULT_EXPORT_FIELDS[type][format]];
  }

  let sQuery: Record<string, unknown> | null = null;
  if (given('s_query')) {
    if (typeof input.s_query === 'object' && !Array.isArray(input.s_query)) sQuery = input.s_query as Record<string, unknown>;
    else errors.s_query = 'must be an Advanced Filtering query object';
  }

  let resultsLimit: number | null = null;
  if (given('results_limit')) {
    if (Number.isSafeInteger(input.results_limit) && (input.results_limit as number) >= 0) resultsLimit = input.results_limit as number;
    else errors.results_limit = 'must be a non-negative integer or null';
  }

  let sort: unknown[] = [];
  if (given('sort')) {
    if (Array.isArray(input.sort)) sort = input.sort;
    else errors.sort = 'must be a list of sort specs';
  }

  let query: string | null = null;
  if (given('query')) {
    if (input.query === '' || input.query === '*') query = input.query;
    else errors.query = 'legacy text queries are not supported: use s_query (only "*" or "" for all leads is accepted)';
  }

  const problems = Object.entries(errors);
  if (problems.length > 0 || !format || !type) {
    const summary = problems.map(([key, message]) => `${key}: ${message}`).join('; ');
    throw new AppError('BAD_USER_INPUT', `Invalid export parameters: ${summary}`, { details: { fieldErrors: errors } });
  }
  return {
    format,
    type,
    date_format: dateFormat,
    fields,
    ...flags,
    send_done_email: sendDoneEmail,
    s_query: sQuery,
    results_limit: resultsLimit,
    sort,
    query,
  };
}

function oneOf<T extends string>(
  input: Record<string, unknown>,
  key: string,
  allowed: readonly T[],
  errors: Record<string, string>,
  options: { required: boolean },
): T | undefined {
  const value = input[key];
  if (value === undefined || value === null) {
    if (options.required) errors[key] = `is required: one of ${allowed.join(', ')}`;
    return undefined;
  }
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  errors[key] = `must be one of ${allowed.join(', ')}`;
  return undefined;
}

function boolean(input: Record<string, unknown>, key: string, fallback: boolean, errors: Record<string, string>): boolean {
  const value = input[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  errors[key] = 'must be true or false';
  return fallback;
}

function fieldList(
  value: unknown,
  type: ExportType | undefined,
  format: ExportFormat | undefined,
  errors: Record<string, string>,
): ExportField[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    errors.fields = 'must be a list of field names';
    return [];
  }
  if (value.length === 0) {
    errors.fields = 'must name at least one field (omit it for the default list)';
    return [];
  }
  const names = [...new Set(value as string[])];
  if (!type || !format) return [];
  const allowed = EXPORT_FIELDS[type][format] as readonly string[];
  const unknown = names.filter((n) => !allowed.includes(n));
  if (unknown.length > 0) {
    const list = unknown.map((n) => `"${n}"`).join(', ');
    const kind = type === 'opps' ? 'an opportunity' : `a ${type}`;
    errors.fields = `unknown field${unknown.length > 1 ? 's' : ''} ${list} for ${kind} ${format} export; allowed: ${allowed.join(', ')}`;
    return [];
  }
  return names as ExportField[];
}
