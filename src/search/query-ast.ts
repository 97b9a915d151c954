import type { CustomFieldDef, ObjectTypeDef, Relation } from './field-catalog.js';
import type { FieldDef } from './field-types.js';

/**
 * The validated, resolved form of an Advanced Filtering request: every field is a catalog
 * entry, every moment an instant, every saved search inlined. Compiling it cannot fail on input.
 */

export type TextMode = 'full_words' | 'phrase' | 'beginning_of_words' | 'exact_value';
export const TEXT_MODES: readonly TextMode[] = ['full_words', 'phrase', 'beginning_of_words', 'exact_value'];

/** `words` are the lower-cased word characters of `value`, the unit of every mode but exact_value. */
export type TextMatch = { mode: TextMode; value: string; words: readonly string[] };

export type Condition =
  | { type: 'text'; match: TextMatch }
  /** `term` and `reference`: the value is one of these (an element of, for multi-value fields). */
  | { type: 'in'; values: readonly (string | number)[] }
  | { type: 'exists' }
  | { type: 'boolean'; value: boolean }
  | { type: 'number_range'; gt?: number; gte?: number; lt?: number; lte?: number }
  /** Bounds as SQL literals of the field's type (timestamptz or, for date fields, local dates). */
  | { type: 'moment_range'; onOrAfter?: string; before?: string };

export type QueryNode =
  | { kind: 'and' | 'or'; negate: boolean; children: readonly QueryNode[] }
  | { kind: 'constant'; value: boolean }
  | { kind: 'field_condition'; negate: boolean; field: FieldDef; condition: Condition }
  | { kind: 'has_related'; negate: boolean; relation: Relation; query: QueryNode }
  | { kind: 'text'; negate: boolean; objectType: ObjectTypeDef; match: TextMatch };

export type SortKey = { field: FieldDef; direction: 'asc' | 'desc' };

export type ParsedSearch = {
  /** The type the query selects (its `object_type` node; lead by default). */
  objectType: ObjectTypeDef;
  query: QueryNode;
  /** Over `sortObjectType`; the id tiebreak is added by the compiler. */
  sort: readonly SortKey[];
  sortObjectType: ObjectTypeDef;
  resultsLimit: number | null;
  /** Where the query node was in the request (e.g. `s_query` or `s_query.query`), for errors found later. */
  queryPath: string;
};

/** A stored smart view (`saved_searches` row) as the parser needs it. */
export type SavedSearchRecord = { id: string; type?: string | null; sQuery: unknown };

/**
 * Everything a search depends on besides the request itself, loaded by the caller
 * (`crm/search-service.ts: loadSearchContext`).
 */
export type SearchContext = {
  organizationId: string;
  /** The instant "now", "today", relative periods are evaluated at. */
  now: Date;
  /** The caller's zone (X-TZ-Offset) in minutes east of UTC. */
  tzOffsetMinutes: number;
  /** The organization's custom field definitions. */
  customFields: readonly CustomFieldDef[];
  /** Looks up a stored smart view; `saved_search` nodes inline its query. */
  savedSearches?: (id: string) => SavedSearchRecord | undefined;
  /** The calling user, for the `CURRENT_USER` sentinel in user references. */
  userId?: string;
};
