import { SMART_FIELD_MEANINGS, smartFieldSubquerySql, type SmartFieldKind } from '../db/smart-field-meanings.js';
import type { FieldDef, ValueType } from './field-types.js';
import { raw, type Sql } from './sql-fragment.js';

/**
 * Lead smart fields (Close's calculated fields, spec §4.10 and §5.7) as conditions and sorts
 * see them, derived from their one definition in `db/smart-field-meanings.ts`: each a
 * correlated subquery over the lead's children.
 *
 * Every subquery reads its rows through an index that starts with `lead_id`, so one value costs
 * one index probe; filtering or sorting the whole organization by one costs one probe per lead
 * (numbers in the search benchmark).
 *
 * Not searchable: the display fields exports write beside an id (`exportOnly`). Averages are
 * not rounded here (exports round them to the cent).
 */

const VALUE_TYPE_BY_KIND: Readonly<Record<SmartFieldKind, ValueType>> = {
  integer: 'number',
  datetime: 'datetime',
  date: 'date',
  text: 'text',
};

/** Smart fields whose search type says more than their kind: ids are references, closed sets choices. */
const SEARCH_TYPES: Readonly<Record<string, { valueType: ValueType; referenceTypes?: readonly string[] }>> = {
  primary_opportunity_id: { valueType: 'reference', referenceTypes: ['opportunity'] },
  primary_opportunity_status_id: { valueType: 'reference', referenceTypes: ['status.opportunity'] },
  primary_opportunity_status_type: { valueType: 'choice' },
  primary_opportunity_pipeline_id: { valueType: 'reference', referenceTypes: ['pipeline'] },
  primary_opportunity_user_id: { valueType: 'reference', referenceTypes: ['user', 'user_or_group'] },
  primary_opportunity_period: { valueType: 'choice' },
};

const searchable = SMART_FIELD_MEANINGS.filter((meaning) => !meaning.exportOnly);
for (const name of Object.keys(SEARCH_TYPES)) {
  if (!searchable.some((meaning) => meaning.name === name)) throw new Error(`SEARCH_TYPES names ${name}, which is no searchable smart field`);
}

export const LEAD_SMART_FIELDS: readonly FieldDef[] = searchable.map((meaning) => ({
  name: meaning.name,
  valueType: SEARCH_TYPES[meaning.name]?.valueType ?? VALUE_TYPE_BY_KIND[meaning.kind],
  referenceTypes: SEARCH_TYPES[meaning.name]?.referenceTypes,
  smart: true,
  sortable: true,
  expr: (alias: string): Sql => raw(smartFieldSubquerySql(meaning, alias)),
}));
