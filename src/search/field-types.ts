import type { Sql } from './sql-fragment.js';

/**
 * The value type of a searchable field decides which conditions apply to it (Close: "the
 * condition depends on the field's value type").
 */
export type ValueType = 'text' | 'choice' | 'reference' | 'number' | 'datetime' | 'date' | 'boolean';

export type ConditionType = 'text' | 'term' | 'reference' | 'exists' | 'boolean' | 'number_range' | 'moment_range';

export const CONDITIONS_BY_VALUE_TYPE: Record<ValueType, readonly ConditionType[]> = {
  text: ['text', 'term', 'exists'],
  choice: ['term', 'text', 'exists'],
  // Ids also take `text` (spec §3.3: "to match by id use a reference or text condition").
  reference: ['reference', 'term', 'text', 'exists'],
  number: ['number_range', 'term', 'exists'],
  datetime: ['moment_range', 'exists'],
  date: ['moment_range', 'exists'],
  boolean: ['boolean', 'exists'],
};

/** PostgreSQL type of a field's value, used to cast bound values and cursor keys. */
export const SQL_TYPE_BY_VALUE_TYPE: Record<ValueType, string> = {
  text: 'text',
  choice: 'text',
  reference: 'text',
  number: 'numeric',
  datetime: 'timestamptz',
  date: 'date',
  boolean: 'boolean',
};

export type FieldDef = {
  name: string;
  valueType: ValueType;
  /** The value over one row of the object type, whose table is aliased `alias`. */
  expr: (alias: string) => Sql;
  /** `reference_type`s a reference condition may name on this field. */
  referenceTypes?: readonly string[];
  /** The value is a JSON array (multi-value custom fields): conditions match any element. */
  multi?: boolean;
  /** Stored in a jsonb column under `key`: `term` compiles to containment (GIN-indexed). */
  json?: { column: string; key: string };
  /** Phone numbers are matched on their digits. */
  textKind?: 'phone';
  /** A calculated (smart) field. */
  smart?: boolean;
  sortable: boolean;
};
