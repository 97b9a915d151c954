import { AppError } from '../errors/app-error.js';
import { sqlLiteral } from '../writers/sql-literal.js';

/**
 * The `params` of `POST /export/opportunity/`: the filters of Close's `GET /opportunity/`
 * (`status_id`, `user_id__in`, `lead_id`, `date_won__gte`, …) compiled into SQL over the
 * opportunity alias `o`. A closed map of fields and operators; values become escaped literals
 * (the export runs over COPY, which has no bound parameters). Pure.
 */

type FieldKind = 'id' | 'text' | 'number' | 'datetime' | 'date';

const STATUS = (column: string) => `(SELECT st.${column} FROM opportunity_statuses st WHERE st.id = o.status_id)`;

const FIELDS: Record<string, { sql: string; kind: FieldKind }> = {
  id: { sql: 'o.id', kind: 'id' },
  lead_id: { sql: 'o.lead_id', kind: 'id' },
  contact_id: { sql: 'o.contact_id', kind: 'id' },
  user_id: { sql: 'o.user_id', kind: 'id' },
  status_id: { sql: 'o.status_id', kind: 'id' },
  pipeline_id: { sql: STATUS('pipeline_id'), kind: 'id' },
  status_type: { sql: STATUS('type'), kind: 'text' },
  status_label: { sql: STATUS('label'), kind: 'text' },
  value_period: { sql: 'o.value_period', kind: 'text' },
  value_currency: { sql: 'o.value_currency', kind: 'text' },
  value: { sql: 'o.value', kind: 'number' },
  confidence: { sql: 'o.confidence', kind: 'number' },
  date_created: { sql: 'o.date_created', kind: 'datetime' },
  date_updated: { sql: 'o.date_updated', kind: 'datetime' },
  date_lost: { sql: 'o.date_lost', kind: 'datetime' },
  date_won: { sql: 'o.date_won', kind: 'date' },
};

const RANGE_OPERATORS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/**
 * Compiles the filters into one SQL condition (`TRUE` when there are none). Throws
 * BAD_USER_INPUT with one field error per bad filter, keyed `params.<name>`.
 */
export function compileOpportunityFilters(params: unknown): string {
  if (params === undefined || params === null) return 'TRUE';
  if (typeof params !== 'object' || Array.isArray(params)) throw AppError.badInput('params', 'must be an object of opportunity filters');
  const conditions: string[] = [];
  const errors: Record<string, string> = {};
  for (const [name, raw] of Object.entries(params as Record<string, unknown>)) {
    try {
      conditions.push(condition(name, raw));
    } catch (error) {
      errors[`params.${name}`] = (error as Error).message;
    }
  }
  if (Object.keys(errors).length > 0) {
    const summary = Object.entries(errors).map(([k, v]) => `${k}: ${v}`).join('; ');
    throw new AppError('BAD_USER_INPUT', `Invalid opportunity filters: ${summary}`, { details: { fieldErrors: errors } });
  }
  return conditions.length === 0 ? 'TRUE' : conditions.join(' AND ');
}

function condition(name: string, raw: unknown): string {
  const [fieldName, operator = 'eq', ...rest] = name.split('__');
  const field = FIELDS[fieldName];
  if (!field || rest.length > 0) throw new Error(`unknown filter; filter on ${Object.keys(FIELDS).join(', ')} (with __in, __gt, __gte, __lt, __lte)`);
  if (operator === 'eq') return `${field.sql} = ${literal(field.kind, raw)}`;
  if (operator === 'in') {
    const values = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',').map((v) => v.trim()).filter(Boolean) : undefined;
    if (!values || values.length === 0) throw new Error('expected a comma-separated list or an array of values');
    return `${field.sql} IN (${values.map((v) => literal(field.kind, v)).join(', ')})`;
  }
  if (operator in RANGE_OPERATORS) {
    if (field.kind === 'id' || field.kind === 'text') throw new Error(`__${operator} works on numbers and dates only`);
    return `${field.sql} ${RANGE_OPERATORS[operator as keyof typeof RANGE_OPERATORS]} ${literal(field.kind, raw)}`;
  }
  throw new Error(`unknown operator __${operator}; use __in, __gt, __gte, __lt or __lte`);
}

function literal(kind: FieldKind, raw: unknown): string {
  switch (kind) {
    case 'id':
    case 'text':
      if (typeof raw !== 'string' || raw === '' || raw.length > 200) throw new Error('expected a non-empty string');
      return sqlLiteral(raw);
    case 'number': {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      if (!Number.isFinite(value)) throw new Error('expected a number');
      return String(value);
    }
    case 'datetime':
    case 'date': {
      const pattern = kind === 'date' ? /^\d{4}-\d{2}-\d{2}$/ : /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
      if (typeof raw !== 'string' || !pattern.test(raw) || Number.isNaN(Date.parse(raw.length === 10 ? `${raw}T00:00:00Z` : raw))) {
        throw new Error(kind === 'date' ? 'expected a date like 2026-11-27' : 'expected a date or date-time like 2026-11-27 or 2026-11-27T10:00:00+00:00');
      }
      // A date-time without an offset means UTC, as everywhere in the API.
      return `${sqlLiteral(raw)}::${kind === 'date' ? 'date' : 'timestamptz'}`;
    }
  }
}
