import { dateSql, dateTimeSql, type DateRendering } from './date-format.js';
import type { OpportunityField } from './export-fields.js';
import { joinedUserNameSql, type JoinSet } from './export-query.js';
import { moneyFormattedSql } from './money-format.js';

/**
 * The SQL of one opportunity field (all but `custom`, whose shape differs between CSV columns
 * and a JSON dict) over the row aliased `a`, registering the joins it needs on `joins` under
 * aliases derived from `a` (`${a}s` its status, `${a}p` the pipeline, `${a}u` the user, …).
 * Datetimes are rendered as `rendering` (a CSV `date_format`, or `json`); `date_won` is a date.
 * The one definition CSV columns (csv-columns.ts) and JSON objects (json-shape.ts) share.
 */
export function opportunityFieldSql(field: Exclude<OpportunityField, 'custom'>, a: string, joins: JoinSet, rendering: DateRendering): string {
  const status = () => joins.use(`${a}s`, `LEFT JOIN opportunity_statuses ${a}s ON ${a}s.id = ${a}.status_id`);
  switch (field) {
    case 'id':
    case 'status_id':
    case 'value':
    case 'value_currency':
    case 'value_period':
    case 'confidence':
    case 'note':
    case 'contact_id':
    case 'user_id':
    case 'organization_id':
    case 'created_by':
    case 'updated_by':
      return `${a}.${field}`;
    case 'status_label':
      return `${status()}.label`;
    case 'status_type':
      return `${status()}.type`;
    case 'pipeline_id':
      return `${status()}.pipeline_id`;
    case 'pipeline_name':
      joins.use(`${a}p`, `LEFT JOIN pipelines ${a}p ON ${a}p.id = ${status()}.pipeline_id`);
      return `${a}p.name`;
    case 'value_formatted':
      return moneyFormattedSql(`${a}.value`, `${a}.value_currency`);
    case 'expected_value':
    case 'annualized_value':
    case 'annualized_expected_value':
      return opportunityValueSql(field, a);
    case 'date_won':
      return dateSql(`${a}.date_won`);
    case 'date_lost':
    case 'date_created':
    case 'date_updated':
      return dateTimeSql(`${a}.${field}`, rendering);
    case 'contact_name':
      joins.use(`${a}c`, `LEFT JOIN contacts ${a}c ON ${a}c.id = ${a}.contact_id`);
      return `${a}c.name`;
    case 'user_name':
      return joinedUserNameSql(joins, `${a}u`, `${a}.user_id`);
    case 'created_by_name':
      return joinedUserNameSql(joins, `${a}cb`, `${a}.created_by`);
    case 'updated_by_name':
      return joinedUserNameSql(joins, `${a}ub`, `${a}.updated_by`);
  }
}

/**
 * Close's derived opportunity values (integers, cents) of the row aliased `a`: expected =
 * value × confidence %, annualized = value × 12 for monthly values, annualized expected = both.
 */
function opportunityValueSql(field: 'expected_value' | 'annualized_value' | 'annualized_expected_value', a: string): string {
  const annualized = `${a}.value * CASE ${a}.value_period WHEN 'monthly' THEN 12 ELSE 1 END`;
  switch (field) {
    case 'expected_value':
      return `round(${a}.value * ${a}.confidence / 100.0)::bigint`;
    case 'annualized_value':
      return annualized;
    case 'annualized_expected_value':
      return `round(${annualized} * ${a}.confidence / 100.0)::bigint`;
  }
}
