import {
  customFieldAsField,
  findRelation,
  OBJECT_TYPE_NAMES,
  objectTypeDef,
  relatedTypeNames,
  SEARCHABLE_OBJECT_TYPES,
  type ObjectTypeDef,
} from './field-catalog.js';
import type { FieldDef } from './field-types.js';
import { checkKeys, checkString, describe, index, InputIssues, isJsonObject, key, oneOf, readNegate, type JsonObject } from './input-issues.js';
import { parseCondition, parseTextMatch } from './parse-condition.js';
import type { ParsedSearch, QueryNode, SearchContext, SortKey } from './query-ast.js';

const NODE_TYPES = ['and', 'or', 'object_type', 'field_condition', 'has_related', 'match_all', 'saved_search', 'text'] as const;
const MAX_DEPTH = 32;
const MAX_NODES = 2000;
const MAX_SORT_KEYS = 10;
const MAX_SAVED_SEARCH_DEPTH = 5;

export type SearchInput = { sQuery?: unknown; resultsLimit?: unknown; sort?: unknown };

export type ParseOptions = {
  /** Names of the three inputs in the caller's request, the roots of error paths. */
  paths?: { sQuery: string; resultsLimit: string; sort: string };
  /** The type searched when the query names none. */
  defaultObjectType?: string;
  /** Sort keys are fields of this type (an export selects leads whatever the query searches). */
  sortObjectType?: string;
};

const DEFAULT_PATHS = { sQuery: 's_query', resultsLimit: 'results_limit', sort: 'sort' };

/**
 * Validates an Advanced Filtering request (spec §3) and resolves it against the field catalog
 * and the organization's custom fields and saved searches.
 *
 * `sQuery` is a query node, Close's smart-view wrapper `{query, results_limit, sort}`, or
 * null/absent (everything). `resultsLimit` and `sort` given beside it win over the wrapper's.
 *
 * Throws `AppError` BAD_USER_INPUT whose `details.fieldErrors` maps each problem's path (e.g.
 * `s_query.queries[1].condition.mode`) to what is wrong and what is allowed there.
 * Never throws anything else for any JSON input.
 */
export function parseSearch(input: SearchInput, ctx: SearchContext, options: ParseOptions = {}): ParsedSearch {
  const issues = new InputIssues();
  const parsed = new SearchParser(ctx, issues).search(input, options);
  issues.throwIfAny();
  if (!parsed) throw new Error('the search parser failed without reporting why');
  return parsed;
}

class SearchParser {
  private nodes = 0;

  constructor(
    private readonly ctx: SearchContext,
    private readonly issues: InputIssues,
    private readonly savedSearchStack: readonly string[] = [],
  ) {}

  search(input: SearchInput, options: ParseOptions): ParsedSearch | undefined {
    const paths = options.paths ?? DEFAULT_PATHS;
    let queryRaw: unknown = input.sQuery;
    let queryPath = paths.sQuery;
    let resultsLimitRaw = input.resultsLimit;
    let resultsLimitPath = paths.resultsLimit;
    let sortRaw = input.sort;
    let sortPath = paths.sort;
    if (isSmartViewWrapper(queryRaw)) {
      const wrapper = queryRaw;
      checkKeys(wrapper, paths.sQuery, ['query', 'results_limit', 'sort'], this.issues);
      queryRaw = wrapper.query;
      queryPath = key(paths.sQuery, 'query');
      if (resultsLimitRaw === undefined || resultsLimitRaw === null) {
        resultsLimitRaw = wrapper.results_limit;
        resultsLimitPath = key(paths.sQuery, 'results_limit');
      }
      if (sortRaw === undefined || sortRaw === null) {
        sortRaw = wrapper.sort;
        sortPath = key(paths.sQuery, 'sort');
      }
    }

    const objectType = this.rootObjectType(queryRaw, queryPath, options.defaultObjectType ?? 'lead');
    const sortObjectType = objectTypeDef(options.sortObjectType ?? objectType?.name ?? 'lead')!;
    const query = queryRaw === undefined || queryRaw === null ? { kind: 'constant' as const, value: true } : objectType && this.node(queryRaw, queryPath, objectType, 0);
    const sort = this.sort(sortRaw, sortPath, sortObjectType);
    const resultsLimit = readResultsLimit(resultsLimitRaw, resultsLimitPath, this.issues);
    if (!objectType || !query || !sort || resultsLimit === undefined) return undefined;
    return { objectType, query, sort, sortObjectType, resultsLimit, queryPath };
  }

  /**
   * The type a query selects: the `object_type` nodes it requires (at the root or in root-level
   * `and`s, not negated). Elsewhere an `object_type` node is a plain test of the current type.
   */
  private rootObjectType(raw: unknown, path: string, fallback: string): ObjectTypeDef | undefined {
    const required = requiredObjectTypes(raw, path, (id) => this.savedSearchType(id));
    const first = required[0];
    const conflict = required.find((r) => r.name !== first?.name);
    if (first && conflict) {
      return this.issues.add(conflict.path, `selects ${conflict.name} objects, which conflicts with "${first.name}" at ${first.path}; a query searches one type of object`);
    }
    const name = first?.name ?? fallback;
    if (SEARCHABLE_OBJECT_TYPES.includes(name)) return objectTypeDef(name);
    const where = first ? first.path : path;
    const what = first ? (OBJECT_TYPE_NAMES.includes(name) ? `"${name}" objects cannot be searched for directly` : `unknown object type ${describe(name)}`) : `the query names no object_type and "${name}" objects cannot be searched`;
    return this.issues.add(where, `${what}; searchable: ${oneOf(SEARCHABLE_OBJECT_TYPES)}`);
  }

  /** The type a smart view selects: its `type`, else what its stored query requires. */
  private savedSearchType(id: string): string | undefined {
    const record = this.ctx.savedSearches?.(id);
    if (!record) return undefined;
    if (typeof record.type === 'string') return record.type;
    const stored = isSmartViewWrapper(record.sQuery) ? record.sQuery.query : record.sQuery;
    return requiredObjectTypes(stored, '', () => undefined)[0]?.name;
  }

  private node(raw: unknown, path: string, scope: ObjectTypeDef, depth: number): QueryNode | undefined {
    if (++this.nodes > MAX_NODES) return this.issues.add(path, `a query has at most ${MAX_NODES} nodes`);
    if (depth > MAX_DEPTH) return this.issues.add(path, `queries nest at most ${MAX_DEPTH} deep`);
    if (!isJsonObject(raw)) return this.issues.add(path, `expected a query object such as {"type": "and", "queries": []}, got ${describe(raw)}`);
    const type = raw.type;
    if (typeof type !== 'string' || !(NODE_TYPES as readonly string[]).includes(type)) {
      return this.issues.add(key(path, 'type'), `${type === undefined ? 'required' : `unknown query type ${describe(type)}`}; expected one of: ${oneOf(NODE_TYPES)}`);
    }
    const negate = readNegate(raw, path, this.issues);
    switch (type as (typeof NODE_TYPES)[number]) {
      case 'and':
      case 'or': {
        checkKeys(raw, path, ['type', 'negate', 'queries'], this.issues);
        if (!Array.isArray(raw.queries)) return this.issues.add(key(path, 'queries'), `required: an array of queries, got ${describe(raw.queries)}`);
        const children = raw.queries.map((child, i) => this.node(child, index(key(path, 'queries'), i), scope, depth + 1));
        if (children.some((c) => c === undefined)) return undefined;
        return { kind: type as 'and' | 'or', negate, children: children as QueryNode[] };
      }
      case 'match_all':
        checkKeys(raw, path, ['type', 'negate'], this.issues);
        return { kind: 'constant', value: !negate };
      case 'object_type': {
        checkKeys(raw, path, ['type', 'negate', 'object_type'], this.issues);
        const name = raw.object_type;
        if (typeof name !== 'string' || !objectTypeDef(name)) {
          return this.issues.add(key(path, 'object_type'), `${name === undefined ? 'required' : `unknown object type ${describe(name)}`}; expected one of: ${oneOf(OBJECT_TYPE_NAMES)}`);
        }
        return { kind: 'constant', value: (name === scope.name) !== negate };
      }
      case 'text': {
        checkKeys(raw, path, ['type', 'negate', 'mode', 'value'], this.issues);
        const match = parseTextMatch(raw, path, this.issues);
        return match && { kind: 'text', negate, objectType: scope, match };
      }
      case 'field_condition': {
        checkKeys(raw, path, ['type', 'negate', 'field', 'condition'], this.issues);
        const field = this.field(raw.field, key(path, 'field'), scope);
        if (raw.condition === undefined) return this.issues.add(key(path, 'condition'), 'required: the condition the field must meet');
        if (!field) return undefined;
        const condition = parseCondition(raw.condition, key(path, 'condition'), field.def, field.label, this.ctx, this.issues);
        return condition && { kind: 'field_condition', negate, field: field.def, condition };
      }
      case 'has_related':
        return this.hasRelated(raw, path, scope, negate, depth);
      case 'saved_search':
        return this.savedSearch(raw, path, scope, negate);
    }
  }

  private hasRelated(raw: JsonObject, path: string, scope: ObjectTypeDef, negate: boolean, depth: number): QueryNode | undefined {
    checkKeys(raw, path, ['type', 'negate', 'this_object_type', 'related_object_type', 'related_query'], this.issues);
    if (raw.this_object_type !== scope.name) {
      this.issues.add(key(path, 'this_object_type'), `expected "${scope.name}", the type of the objects tested here, got ${describe(raw.this_object_type)}`);
    }
    const relatedName = raw.related_object_type;
    const related = typeof relatedName === 'string' ? objectTypeDef(relatedName) : undefined;
    const relation = related && findRelation(scope, related);
    if (!relation) {
      return this.issues.add(key(path, 'related_object_type'), `${relatedName === undefined ? 'required' : `${describe(relatedName)} is not related to ${scope.name}`}; ${scope.name} relates to: ${oneOf(relatedTypeNames(scope))}`);
    }
    if (raw.related_query === undefined) return this.issues.add(key(path, 'related_query'), `required: a query over the ${related!.name} objects, e.g. {"type": "match_all"}`);
    const query = this.node(raw.related_query, key(path, 'related_query'), related!, depth + 1);
    if (raw.this_object_type !== scope.name || !query) return undefined;
    return { kind: 'has_related', negate, relation, query };
  }

  /** A smart view's stored query, inlined; its own sort and results_limit do not apply here. */
  private savedSearch(raw: JsonObject, path: string, scope: ObjectTypeDef, negate: boolean): QueryNode | undefined {
    checkKeys(raw, path, ['type', 'negate', 'saved_search_id'], this.issues);
    const idPath = key(path, 'saved_search_id');
    if (!checkString(raw.saved_search_id, idPath, this.issues, 200)) return undefined;
    const id = raw.saved_search_id;
    const record = this.ctx.savedSearches?.(id);
    if (!record) return this.issues.add(idPath, `no saved search (smart view) with id "${id}" in this organization`);
    if (this.savedSearchStack.includes(id)) return this.issues.add(idPath, `saved search "${id}" refers to itself through ${this.savedSearchStack.join(' → ')}`);
    if (this.savedSearchStack.length >= MAX_SAVED_SEARCH_DEPTH) return this.issues.add(idPath, `saved searches nest at most ${MAX_SAVED_SEARCH_DEPTH} deep`);

    const inner = new InputIssues();
    const parsed = new SearchParser(this.ctx, inner, [...this.savedSearchStack, id]).search(
      { sQuery: record.sQuery },
      { paths: { sQuery: 's_query', resultsLimit: 'results_limit', sort: 'sort' }, defaultObjectType: record.type ?? scope.name },
    );
    const problem = inner.first();
    if (problem) return this.issues.add(idPath, `the stored query of saved search "${id}" is invalid at ${problem[0]}: ${problem[1]}`);
    if (parsed!.objectType.name !== scope.name) {
      return this.issues.add(idPath, `saved search "${id}" selects ${parsed!.objectType.name} objects, but ${scope.name} objects are tested here`);
    }
    return { kind: 'and', negate, children: [parsed!.query] };
  }

  /** A field reference, resolved in the type being tested. */
  private field(raw: unknown, path: string, scope: ObjectTypeDef): { def: FieldDef; label: string } | undefined {
    if (!isJsonObject(raw)) return this.issues.add(path, `expected a field such as {"type": "regular_field", "object_type": "${scope.name}", "field_name": "…"}, got ${describe(raw)}`);
    if (raw.type === 'regular_field') {
      checkKeys(raw, path, ['type', 'object_type', 'field_name'], this.issues);
      if (raw.object_type !== scope.name) {
        return this.issues.add(key(path, 'object_type'), `expected "${scope.name}": fields here belong to the ${scope.name} objects being tested, got ${describe(raw.object_type)}`);
      }
      const name = raw.field_name;
      const def = typeof name === 'string' ? scope.fields.get(name) : undefined;
      if (!def) return this.issues.add(key(path, 'field_name'), `${name === undefined ? 'required' : `unknown ${scope.name} field ${describe(name)}`}; expected one of: ${describeFields(scope)}`);
      return { def, label: `${scope.name} field "${def.name}"` };
    }
    if (raw.type === 'custom_field') {
      checkKeys(raw, path, ['type', 'custom_field_id'], this.issues);
      const id = raw.custom_field_id;
      const custom = typeof id === 'string' ? this.ctx.customFields.find((f) => f.id === id) : undefined;
      if (!custom) return this.issues.add(key(path, 'custom_field_id'), `${id === undefined ? 'required' : `no custom field ${describe(id)} in this organization`}; ${scope.name} custom fields: ${this.customFieldIds(scope)}`);
      if (custom.objectType !== scope.customFieldOwner) {
        return this.issues.add(key(path, 'custom_field_id'), `custom field "${custom.id}" (${custom.name}) belongs to ${custom.objectType} objects, but ${scope.name} objects are tested here`);
      }
      return { def: customFieldAsField(custom), label: `custom field "${custom.id}" (${custom.name})` };
    }
    return this.issues.add(key(path, 'type'), `${raw.type === undefined ? 'required' : `unknown field type ${describe(raw.type)}`}; expected one of: regular_field, custom_field`);
  }

  private customFieldIds(scope: ObjectTypeDef): string {
    const ids = this.ctx.customFields.filter((f) => f.objectType === scope.customFieldOwner).map((f) => f.id);
    return ids.length ? oneOf(ids.slice(0, 30)) + (ids.length > 30 ? ', …' : '') : 'none';
  }

  private sort(raw: unknown, path: string, scope: ObjectTypeDef): SortKey[] | undefined {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) return this.issues.add(path, `expected an array of {"direction", "field"} objects, got ${describe(raw)}`);
    if (raw.length > MAX_SORT_KEYS) return this.issues.add(path, `at most ${MAX_SORT_KEYS} sort keys`);
    const keys = raw.map((item, i): SortKey | undefined => {
      const itemPath = index(path, i);
      if (!isJsonObject(item)) return this.issues.add(itemPath, `expected {"direction": "asc", "field": {…}}, got ${describe(item)}`);
      checkKeys(item, itemPath, ['direction', 'field'], this.issues);
      const direction = item.direction;
      if (direction !== 'asc' && direction !== 'desc') {
        this.issues.add(key(itemPath, 'direction'), `${direction === undefined ? 'required' : `unknown direction ${describe(direction)}`}; expected one of: asc, desc`);
      }
      const field = this.field(item.field, key(itemPath, 'field'), scope);
      if (!field || (direction !== 'asc' && direction !== 'desc')) return undefined;
      if (!field.def.sortable) return this.issues.add(key(itemPath, 'field'), `${field.label} holds several values and cannot be sorted on`);
      return { field: field.def, direction };
    });
    return keys.every((k) => k !== undefined) ? (keys as SortKey[]) : undefined;
  }
}

function isSmartViewWrapper(value: unknown): value is JsonObject {
  return isJsonObject(value) && 'query' in value && !('type' in value);
}

/**
 * `object_type` nodes a match must satisfy: the root, and through non-negated `and`s. A smart
 * view in those places counts as its own type, so `{"type": "saved_search", …}` alone searches
 * what the view searches.
 */
function requiredObjectTypes(raw: unknown, path: string, savedSearchType: (id: string) => string | undefined, depth = 0): { name: string; path: string }[] {
  if (!isJsonObject(raw) || raw.negate === true || depth > MAX_DEPTH) return [];
  if (raw.type === 'object_type' && typeof raw.object_type === 'string') return [{ name: raw.object_type, path: key(path, 'object_type') }];
  if (raw.type === 'saved_search' && typeof raw.saved_search_id === 'string') {
    const name = savedSearchType(raw.saved_search_id);
    return name ? [{ name, path: key(path, 'saved_search_id') }] : [];
  }
  if (raw.type === 'and' && Array.isArray(raw.queries) && raw.queries.length <= MAX_NODES) {
    return raw.queries.flatMap((child, i) => requiredObjectTypes(child, index(key(path, 'queries'), i), savedSearchType, depth + 1));
  }
  return [];
}

function readResultsLimit(raw: unknown, path: string, issues: InputIssues): number | null | undefined {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0) {
    return issues.add(path, `expected a whole number ≥ 0 or null, got ${describe(raw)}`);
  }
  return raw;
}

function describeFields(scope: ObjectTypeDef): string {
  const regular = [...scope.fields.values()].filter((f) => !f.smart).map((f) => f.name);
  const smart = [...scope.fields.values()].filter((f) => f.smart).map((f) => f.name);
  return oneOf(regular) + (smart.length ? `; smart fields: ${oneOf(smart.slice(0, 12))}, … (${smart.length} in all)` : '');
}
