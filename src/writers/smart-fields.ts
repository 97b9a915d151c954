import {
  SMART_FIELD_MEANINGS,
  smartFieldAggregateSql,
  smartFieldSourceSql,
  type SmartFieldKind,
  type SmartFieldMeaning,
  type SmartFieldSource,
} from '../db/smart-field-meanings.js';
import { dateSql, dateTimeSql, type DateRendering } from './date-format.js';

/**
 * Lead smart fields (spec §4.10, §5.7) as exports compute them, derived from their one
 * definition in `db/smart-field-meanings.ts`: one LATERAL per child table and lead, with every
 * field of that table a FILTERed aggregate in the same scan. A lead costs eight index probes
 * whatever the number of fields, where one correlated subquery per field (the search's shape)
 * costs ~100.
 *
 * Export-only differences from the search, on purpose: averages are rounded to whole cents
 * (cents are integers in the file), and the display fields marked `exportOnly`
 * (`primary_opportunity_pipeline_name`, `…_user_name`) are written too.
 */

export type { SmartFieldKind };

export type SmartFieldDefinition = {
  name: string;
  /** How the value is rendered: counts and cents are integers; datetimes follow `date_format`. */
  kind: SmartFieldKind;
  source: SmartFieldSource;
  /** An aggregate over the source's rows of one lead (aliases `sf`, `sf_s`, `sf_p`, `sf_u`). */
  aggregate: string;
};

function exportAggregateSql(meaning: SmartFieldMeaning): string {
  const sql = smartFieldAggregateSql(meaning.aggregate);
  return meaning.aggregate.fn === 'avg' ? `round(${sql})` : sql;
}

/** Every smart field an export writes, in file order. */
export const SMART_FIELDS: readonly SmartFieldDefinition[] = SMART_FIELD_MEANINGS.map((meaning) => ({
  name: meaning.name,
  kind: meaning.kind,
  source: meaning.source,
  aggregate: exportAggregateSql(meaning),
}));

/**
 * The LATERAL joins computing every smart field of the lead row aliased `leadAlias`, one per
 * source. Select a field with `smartFieldValueSql`.
 */
export function smartFieldJoinsSql(leadAlias: string): string[] {
  const sources = [...new Set(SMART_FIELDS.map((d) => d.source))];
  return sources.map((source) => {
    const fields = SMART_FIELDS.filter((d) => d.source === source);
    const columns = fields.map((d) => `${d.aggregate} AS "${d.name}"`);
    const from = smartFieldSourceSql(source, fields.map((d) => d.aggregate));
    return `LEFT JOIN LATERAL (SELECT ${columns.join(', ')} FROM ${from} WHERE sf.lead_id = ${leadAlias}.id) sf_${source} ON true`;
  });
}

/** One smart field's value, rendered for the file, once `smartFieldJoinsSql` is joined. */
export function smartFieldValueSql(definition: SmartFieldDefinition, rendering: DateRendering): string {
  const column = `sf_${definition.source}."${definition.name}"`;
  switch (definition.kind) {
    case 'datetime':
      return dateTimeSql(column, rendering);
    case 'date':
      return dateSql(column);
    case 'integer':
    case 'text':
      return column;
  }
}
