/** Terse builders for Advanced Filtering JSON in tests (they produce exactly what Close sends). */

type Node = Record<string, unknown>;

export const and = (...queries: Node[]): Node => ({ type: 'and', queries });
export const or = (...queries: Node[]): Node => ({ type: 'or', queries });
export const not = (node: Node): Node => ({ ...node, negate: true });
export const objectType = (name: string): Node => ({ type: 'object_type', object_type: name });
export const matchAll = (): Node => ({ type: 'match_all' });
export const savedSearch = (id: string): Node => ({ type: 'saved_search', saved_search_id: id });
export const text = (mode: string, value: string): Node => ({ type: 'text', mode, value });

export const regular = (objectTypeName: string, fieldName: string) => ({ type: 'regular_field', object_type: objectTypeName, field_name: fieldName });
export const custom = (id: string) => ({ type: 'custom_field', custom_field_id: id });

/** A field_condition on a regular field of `objectTypeName` (lead by default) or a custom field (`cf_…`). */
export function field(name: string, condition: Node, objectTypeName = 'lead'): Node {
  return { type: 'field_condition', field: name.startsWith('cf_') ? custom(name) : regular(objectTypeName, name), condition };
}

export const related = (from: string, to: string, query: Node): Node => ({
  type: 'has_related',
  this_object_type: from,
  related_object_type: to,
  related_query: query,
});

export const words = (value: string) => ({ type: 'text', mode: 'full_words', value });
export const phrase = (value: string) => ({ type: 'text', mode: 'phrase', value });
export const prefix = (value: string) => ({ type: 'text', mode: 'beginning_of_words', value });
export const exact = (value: string) => ({ type: 'text', mode: 'exact_value', value });
export const term = (...values: (string | number)[]) => ({ type: 'term', values });
export const reference = (referenceType: string, ...ids: string[]) => ({ type: 'reference', reference_type: referenceType, object_ids: ids });
export const exists = () => ({ type: 'exists' });
export const bool = (value: boolean) => ({ type: 'boolean', value });
export const range = (bounds: { gt?: number; gte?: number; lt?: number; lte?: number }) => ({ type: 'number_range', ...bounds });
export const moments = (onOrAfter: Node | null, before: Node | null) => ({ type: 'moment_range', on_or_after: onOrAfter, before });

export const utc = (value: string) => ({ type: 'fixed_utc', value });
export const localDate = (value: string, which: 'start' | 'end') => ({ type: 'fixed_local_date', value, which });
export const now = () => ({ type: 'now' });
export const period = (rangeName: string, which: 'start' | 'end') => ({ type: 'start_end_of_predefined_relative_period', range: rangeName, which });
export const inPeriod = (rangeName: string) => moments(period(rangeName, 'start'), period(rangeName, 'end'));
export const offset = (direction: 'past' | 'future', parts: Record<string, number>, whichDayEnd?: 'start' | 'end', moment: Node = now()) => ({
  type: 'offset',
  direction,
  moment,
  offset: parts,
  ...(whichDayEnd ? { which_day_end: whichDayEnd } : {}),
});

export const sortBy = (fieldName: string, direction: 'asc' | 'desc', objectTypeName = 'lead') => ({
  direction,
  field: fieldName.startsWith('cf_') ? custom(fieldName) : regular(objectTypeName, fieldName),
});
