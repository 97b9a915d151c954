import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { AppError } from '../errors/app-error.js';
import { orderByClauses, type CompiledSearch } from './compile-query.js';
import type { FieldDef } from './field-types.js';
import { isStorableText } from './input-issues.js';
import { parseFixedUtc, parseLocalDate } from './moments.js';
import { FALSE_SQL, group, raw, sql, type Sql } from './sql-fragment.js';

/**
 * Cursor paging over a compiled search, by keyset: the cursor holds the sort-key values and id
 * of the last row returned, so a page costs the same however deep it is, and rows inserted
 * meanwhile neither repeat nor shift the walk. Unlike Close's, our cursors do not expire.
 */

/** Where the previous page ended and how many rows were returned so far (for results_limit). */
export type CursorState = { keys: (string | null)[]; id: string; returned: number; fingerprint: string };

export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify([state.fingerprint, state.returned, state.id, state.keys])).toString('base64url');
}

/**
 * Reads a cursor from a previous response of the same search. Throws AppError BAD_USER_INPUT
 * at `path` for anything else (tampered, truncated, or from another query).
 */
export function decodeCursor(text: unknown, path: string, fingerprint: string, keyTypes: readonly string[]): CursorState {
  const invalid = (why: string) => AppError.badInput(path, `${why}; pass the cursor of the previous response of this same search, or null to start over`);
  if (typeof text !== 'string' || text.length > 10_000) throw invalid('not a cursor');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor');
  }
  if (!Array.isArray(decoded) || decoded.length !== 4) throw invalid('not a cursor');
  const [print, returned, id, keys] = decoded as unknown[];
  if (print !== fingerprint) throw invalid('this cursor belongs to a different search (query, sort or results_limit changed)');
  // Keys are cast to their SQL types: one that does not parse would fail the query, so a
  // hand-made cursor is checked as strictly as the request itself.
  const validKeys = Array.isArray(keys) && keys.length === keyTypes.length && keys.every((k, i) => k === null || (typeof k === 'string' && isValidKeyText(k, keyTypes[i])));
  if (typeof returned !== 'number' || !Number.isSafeInteger(returned) || returned < 0 || typeof id !== 'string' || !isStorableText(id) || !validKeys) {
    throw invalid('not a cursor');
  }
  return { fingerprint, returned, id, keys: keys as (string | null)[] };
}

/** Whether `text` is what PostgreSQL prints for a value of `sqlType` (the session runs in UTC). */
function isValidKeyText(text: string, sqlType: string): boolean {
  if (!isStorableText(text)) return false;
  switch (sqlType) {
    case 'numeric':
      return /^-?\d{1,100}(\.\d{1,100})?$/.test(text);
    case 'boolean':
      return text === 'true' || text === 'false';
    case 'date':
      return parseLocalDate(text) !== undefined;
    case 'timestamptz': {
      const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)\+00$/.exec(text);
      return m !== null && parseFixedUtc(`${m[1]}T${m[2]}Z`) !== undefined;
    }
    default:
      return true;
  }
}

/** Identifies a search (organization, query, sort, limit), so a cursor cannot continue another. */
export function searchFingerprint(organizationId: string, parts: unknown): string {
  return createHash('sha256').update(organizationId).update('\u0000').update(canonicalJson(parts)).digest('base64url').slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A field to return (`_fields`), under the name the caller used. */
export type Projection = { name: string; field: FieldDef };

export type PageOptions = {
  after?: { keys: readonly (string | null)[]; id: string };
  /** Rows to fetch (the caller asks one more than it returns, to know whether more exist). */
  limit: number;
  projections?: readonly Projection[];
};

/**
 * One page: `id`, the sort keys as text (`sort_<n>`, to build the next cursor) and the
 * projected fields (`f_<n>`) in the JSON shapes of Close's API.
 */
export function searchPageQuery(knex: Knex, compiled: CompiledSearch, options: PageOptions): Knex.QueryBuilder {
  const { alias } = compiled;
  const columns: Sql[] = [
    raw(`${alias}.id AS id`),
    ...compiled.order.map((key, i) => sql`(${key.expr})::text AS ${raw(`sort_${i}`)}`),
    ...(options.projections ?? []).map((p, i) => sql`${projectionSql(p.field, alias)} AS ${raw(`f_${i}`)}`),
  ];
  const builder = knex.from(`${compiled.objectType.table} as ${alias}`).whereRaw(compiled.where.text, [...compiled.where.bindings] as Knex.RawBinding[]);
  for (const column of columns) builder.select(knex.raw(column.text, [...column.bindings] as Knex.RawBinding[]));
  if (options.after) {
    const keyset = keysetPredicate(compiled, options.after);
    builder.whereRaw(keyset.text, [...keyset.bindings] as Knex.RawBinding[]);
  }
  for (const clause of orderByClauses(compiled)) builder.orderByRaw(clause.text, [...clause.bindings] as Knex.RawBinding[]);
  return builder.limit(options.limit);
}

/** `SELECT count(*)` of everything the search matches (results_limit does not apply). */
export function searchCountQuery(knex: Knex, compiled: CompiledSearch): Knex.QueryBuilder {
  return knex
    .from(`${compiled.objectType.table} as ${compiled.alias}`)
    .whereRaw(compiled.where.text, [...compiled.where.bindings] as Knex.RawBinding[])
    .count({ total: '*' });
}

/**
 * Rows strictly after `after` in ORDER BY order (sort keys with NULLS LAST, then id ascending):
 * (k1 after v1) OR (k1 = v1 AND ((k2 after v2) OR (k2 = v2 AND … id > last id))).
 */
export function keysetPredicate(compiled: CompiledSearch, after: { keys: readonly (string | null)[]; id: string }): Sql {
  let predicate: Sql = sql`${raw(`${compiled.alias}.id`)} > ${after.id}`;
  for (let i = compiled.order.length - 1; i >= 0; i--) {
    const key = compiled.order[i];
    const value = after.keys[i];
    const type = raw(key.sqlType);
    const expr = key.expr;
    // Nothing sorts after NULL but other NULLs (NULLS LAST), which the tiebreak orders.
    const strictlyAfter = value === null ? FALSE_SQL : group([sql`${expr} ${raw(key.direction === 'asc' ? '>' : '<')} ${value}::${type}`, sql`${expr} IS NULL`], 'OR');
    const equal = value === null ? sql`${expr} IS NULL` : sql`${expr} = ${value}::${type}`;
    predicate = value === null ? group([equal, predicate], 'AND') : group([strictlyAfter, group([equal, predicate], 'AND')], 'OR');
  }
  return predicate;
}

/** A field's value in Close's JSON shape: timestamps ISO 8601 with microseconds, dates YYYY-MM-DD. */
function projectionSql(field: FieldDef, alias: string): Sql {
  if (field.json) return sql`(${raw(`${alias}.${field.json.column}`)} -> ${field.json.key})`;
  const value = field.expr(alias);
  switch (field.valueType) {
    case 'datetime':
      return sql`to_char(${value} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')`;
    case 'date':
      return sql`to_char(${value}, 'YYYY-MM-DD')`;
    case 'number':
      return sql`(${value})::float8`;
    default:
      return value;
  }
}
