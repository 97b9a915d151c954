import type { Knex } from '../db/knex.js';
import type { LeadRow } from './lead-repository.js';
import { AppError } from '../errors/app-error.js';
import { compileParsedSearch } from '../search/compile-query.js';
import { customFieldAsField, objectTypeDef, OBJECT_TYPE_NAMES, type CustomFieldDef, type ObjectTypeDef } from '../search/field-catalog.js';
import { checkKeys, describe, index, InputIssues, isJsonObject, key, oneOf } from '../search/input-issues.js';
import { parseSearch, type ParseOptions, type SearchInput } from '../search/parse-query.js';
import type { SavedSearchRecord, SearchContext } from '../search/query-ast.js';
import { decodeCursor, encodeCursor, searchCountQuery, searchFingerprint, searchPageQuery, type Projection } from '../search/search-page.js';

/** Page size when `_limit` is absent, and the largest one accepted (Close's clients use 100 and 200). */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 200;
/** Saved searches may refer to saved searches; loading stops after this many rounds. */
const MAX_SAVED_SEARCH_ROUNDS = 6;

export type SearchCaller = { organizationId: string; userId?: string; tzOffsetMinutes: number; now?: Date };

/**
 * Everything compiling a search needs from the database: the organization's custom field
 * definitions and the saved searches the query refers to (transitively).
 */
export async function loadSearchContext(knex: Knex, caller: SearchCaller, sQuery: unknown): Promise<SearchContext> {
  const [customFields, savedSearches] = await Promise.all([
    loadCustomFields(knex, caller.organizationId),
    loadSavedSearches(knex, caller.organizationId, sQuery),
  ]);
  return {
    organizationId: caller.organizationId,
    now: caller.now ?? new Date(),
    tzOffsetMinutes: caller.tzOffsetMinutes,
    userId: caller.userId,
    customFields,
    savedSearches: (id) => savedSearches.get(id),
  };
}

export async function loadCustomFields(knex: Knex, organizationId: string): Promise<CustomFieldDef[]> {
  const rows = await knex('custom_fields')
    .where({ organization_id: organizationId })
    .orderBy(['object_type', 'position', 'id'])
    .select<
      { id: string; object_type: CustomFieldDef['objectType']; custom_object_type_id: string | null; name: string; type: CustomFieldDef['type']; accepts_multiple_values: boolean; choices: string[] | null }[]
    >('id', 'object_type', 'custom_object_type_id', 'name', 'type', 'accepts_multiple_values', 'choices');
  return rows.map((r) => ({
    id: r.id,
    objectType: r.object_type,
    customObjectTypeId: r.custom_object_type_id,
    name: r.name,
    type: r.type,
    acceptsMultipleValues: r.accepts_multiple_values,
    choices: r.choices,
  }));
}

async function loadSavedSearches(knex: Knex, organizationId: string, sQuery: unknown): Promise<Map<string, SavedSearchRecord>> {
  const found = new Map<string, SavedSearchRecord>();
  let wanted = collectSavedSearchIds(sQuery);
  for (let round = 0; round < MAX_SAVED_SEARCH_ROUNDS && wanted.length > 0; round++) {
    const rows = await knex('saved_searches')
      .where({ organization_id: organizationId })
      .whereIn('id', wanted)
      .select<{ id: string; type: string; s_query: unknown }[]>('id', 'type', 's_query');
    for (const row of rows) found.set(row.id, { id: row.id, type: row.type, sQuery: row.s_query });
    wanted = [...new Set(rows.flatMap((r) => collectSavedSearchIds(r.s_query)))].filter((id) => !found.has(id));
  }
  return found;
}

/** Ids of `saved_search` nodes anywhere in a JSON value (unvalidated input; bounded walk). */
export function collectSavedSearchIds(value: unknown, depth = 0, out = new Set<string>()): string[] {
  if (depth > 40 || out.size >= 50) return [...out];
  if (Array.isArray(value)) {
    for (const item of value.slice(0, 2000)) collectSavedSearchIds(item, depth + 1, out);
  } else if (isJsonObject(value)) {
    if (value.type === 'saved_search' && typeof value.saved_search_id === 'string' && value.saved_search_id.length <= 200 && !value.saved_search_id.includes('\u0000')) {
      out.add(value.saved_search_id);
    }
    for (const child of Object.values(value)) if (typeof child === 'object') collectSavedSearchIds(child, depth + 1, out);
  }
  return [...out];
}

export type SearchResponse = {
  data: Record<string, unknown>[];
  cursor: string | null;
  count?: { total: number };
};

const BODY_KEYS = ['query', 'sort', 'results_limit', '_limit', 'limit', 'cursor', '_cursor', '_fields', 'include_counts'];

/**
 * Close's `POST /data/search/` (spec §3.1): validates the body, runs one page of the search
 * with keyset paging and returns `{data, cursor, count?}`.
 *
 * Throws AppError BAD_USER_INPUT with paths into the body (`query.queries[1].condition.mode`,
 * `_limit`, `cursor`, `_fields.lead[2]`, …).
 */
export async function searchObjects(knex: Knex, caller: SearchCaller, body: unknown): Promise<SearchResponse> {
  if (!isJsonObject(body)) throw AppError.badInput('body', `expected a JSON object such as {"query": {…}}, got ${describe(body)}`);
  const issues = new InputIssues();
  checkKeys(body, '', BODY_KEYS, issues);
  const pageSize = readPageSize(body, issues);
  const includeCounts = body.include_counts ?? false;
  if (typeof includeCounts !== 'boolean') issues.add('include_counts', `expected true or false, got ${describe(includeCounts)}`);
  issues.throwIfAny();

  const cursorPath = body.cursor !== undefined && body.cursor !== null ? 'cursor' : '_cursor';
  const page = await runSearchPage(knex, caller, {
    input: { sQuery: body.query, resultsLimit: body.results_limit, sort: body.sort },
    paths: { sQuery: 'query', resultsLimit: 'results_limit', sort: 'sort' },
    cursor: body[cursorPath] ?? null,
    cursorPath,
    pageSize,
    includeCount: includeCounts as boolean,
    fields: body._fields,
  });
  const data = page.rows.map((row) => ({ __object_type: page.objectType, id: row.id, ...row.fields }));
  const cursor = page.hasMore ? page.rows.at(-1)!.cursor : null;
  return page.total === undefined ? { data, cursor } : { data, cursor, count: { total: page.total } };
}

export type SearchPageRequest = {
  input: SearchInput;
  /** Names of the inputs in the caller's request, for error paths. */
  paths: NonNullable<ParseOptions['paths']>;
  cursor: unknown;
  cursorPath: string;
  pageSize: number;
  includeCount: boolean;
  /** Close's `_fields` object, if any. */
  fields?: unknown;
  /** Select this type (e.g. leads for GraphQL's searchLeads) instead of the query's own. */
  selectType?: string;
};

export type SearchPage = {
  objectType: string;
  rows: { id: string; cursor: string; fields: Record<string, unknown> }[];
  hasMore: boolean;
  /** Every match (results_limit aside), when `includeCount` was asked. */
  total?: number;
  /** Counts every match on demand (GraphQL's totalCount runs it only when selected). */
  countAll(): Promise<number>;
};

/**
 * One page of a search: parse and compile (pure), then the page query and, if asked, the
 * count, in parallel. Every row carries the cursor that continues after it.
 */
export async function runSearchPage(knex: Knex, caller: SearchCaller, request: SearchPageRequest): Promise<SearchPage> {
  const ctx = await loadSearchContext(knex, caller, request.input.sQuery);
  const parsed = parseSearch(request.input, ctx, {
    paths: request.paths,
    defaultObjectType: 'lead',
    sortObjectType: request.selectType,
  });
  const compiled = compileParsedSearch(parsed, ctx, request.selectType);
  const projections = readProjections(request.fields, compiled.objectType, ctx.customFields);

  const { sQuery, sort, resultsLimit } = request.input;
  const fingerprint = searchFingerprint(caller.organizationId, [request.selectType ?? null, sQuery ?? null, sort ?? null, resultsLimit ?? null]);
  const after = request.cursor === null || request.cursor === undefined ? undefined : decodeCursor(request.cursor, request.cursorPath, fingerprint, compiled.order.map((key) => key.sqlType));
  const returned = after?.returned ?? 0;
  const cap = compiled.resultsLimit ?? Number.POSITIVE_INFINITY;
  const limit = Math.max(0, Math.min(request.pageSize, cap - returned));

  let counted: Promise<number> | undefined;
  const countAll = () => (counted ??= searchCountQuery(knex, compiled).then((r) => Number((r[0] as { total: number | string }).total)));
  const [rows, total] = await Promise.all([
    limit === 0 ? Promise.resolve([] as Record<string, unknown>[]) : (searchPageQuery(knex, compiled, { after, limit: limit + 1, projections }) as Promise<Record<string, unknown>[]>),
    request.includeCount ? countAll() : undefined,
  ]);
  const page = rows.slice(0, limit);
  return {
    objectType: compiled.objectType.name,
    hasMore: rows.length > limit && returned + page.length < cap,
    total,
    countAll,
    rows: page.map((row, i) => ({
      id: row.id as string,
      cursor: encodeCursor({
        fingerprint,
        returned: returned + i + 1,
        id: row.id as string,
        keys: compiled.order.map((_, k) => (row[`sort_${k}`] as string | null) ?? null),
      }),
      fields: Object.fromEntries(projections.map((p, k) => [p.name, row[`f_${k}`] ?? null])),
    })),
  };
}

function readPageSize(body: Record<string, unknown>, issues: InputIssues): number {
  const name = body._limit !== undefined && body._limit !== null ? '_limit' : 'limit';
  const value = body[name];
  if (value === undefined || value === null) return DEFAULT_PAGE_SIZE;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE) {
    issues.add(name, `expected a whole number from 0 to ${MAX_PAGE_SIZE}, got ${describe(value)}`);
    return DEFAULT_PAGE_SIZE;
  }
  return value;
}

/**
 * `_fields`: `{"<object_type>": ["field", …]}`; only the searched type's list applies. Names are
 * the type's searchable fields (smart fields included for leads) and `custom.<cf_id>`.
 * Without it only `__object_type` and `id` come back, as in Close.
 */
function readProjections(raw: unknown, type: ObjectTypeDef, customFields: readonly CustomFieldDef[]): Projection[] {
  if (raw === undefined || raw === null) return [];
  const issues = new InputIssues();
  if (!isJsonObject(raw)) {
    issues.add('_fields', `expected an object such as {"${type.name}": ["id", "display_name"]}, got ${describe(raw)}`);
    issues.throwIfAny();
  }
  const projections: Projection[] = [];
  for (const [typeName, names] of Object.entries(raw as Record<string, unknown>)) {
    const path = key('_fields', typeName);
    if (!OBJECT_TYPE_NAMES.includes(typeName)) {
      issues.add(path, `unknown object type; expected one of: ${oneOf(OBJECT_TYPE_NAMES)}`);
      continue;
    }
    if (!Array.isArray(names)) {
      issues.add(path, `expected an array of field names, got ${describe(names)}`);
      continue;
    }
    if (typeName !== type.name) continue;
    names.forEach((name, i) => {
      if (name === 'id' || name === '__object_type') return;
      const field = typeof name === 'string' ? projectableField(name, objectTypeDef(typeName)!, customFields) : undefined;
      if (!field) {
        issues.add(index(path, i), `unknown ${typeName} field ${describe(name)}; expected a field name (e.g. ${[...type.fields.keys()].slice(0, 6).join(', ')}) or custom.<custom field id>`);
        return;
      }
      if (!projections.some((p) => p.name === name)) projections.push({ name: name as string, field });
    });
  }
  issues.throwIfAny();
  return projections;
}

function projectableField(name: string, type: ObjectTypeDef, customFields: readonly CustomFieldDef[]) {
  if (name.startsWith('custom.')) {
    const custom = customFields.find((f) => f.id === name.slice('custom.'.length) && f.objectType === type.customFieldOwner);
    return custom && customFieldAsField(custom);
  }
  return type.fields.get(name);
}

/** Lead rows (with their status label) for ids, in the order of `ids`; ids of other organizations are skipped. */
export async function loadLeadRows(knex: Knex, organizationId: string, ids: readonly string[]): Promise<LeadRow[]> {
  if (ids.length === 0) return [];
  const rows = await knex('leads as l')
    .join('lead_statuses as s', 's.id', 'l.status_id')
    .where('l.organization_id', organizationId)
    .whereIn('l.id', ids)
    .select<LeadRow[]>('l.id', 'l.name', 'l.display_name', 'l.description', 'l.url', 'l.status_id', { status_label: 's.label' }, 'l.custom', 'l.date_created', 'l.date_updated', 'l.created_by', 'l.updated_by');
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
