import { loadSearchContext } from '../crm/search-service.js';
import type { Knex } from '../db/knex.js';
import { compileExportQueries } from '../search/compile-query.js';
import { compileOpportunityFilters } from './opportunity-filters.js';
import type { ExportRecord } from './export-record.js';

/** SQL with `$n` placeholders and their values. */
export type NativeQuery = { sql: string; bindings: readonly unknown[] };

/**
 * What an export covers: the ordered ids of its leads and, when only some of their contacts or
 * opportunities are rows, the ids of those (`rowSelection`).
 */
export type ExportSelection = { leadSelection: NativeQuery; rowSelection?: NativeQuery };

/**
 * The selection of a lead export, compiled from its `s_query`, `results_limit` and `sort`.
 * Relative dates ("created this week") are evaluated at the moment the export was requested, in
 * the requester's time zone: a retried run exports the same leads as the first. A `contacts`
 * export of a query over contacts has only the matching contacts as rows (likewise
 * opportunities for `lead_opps`): see `compileExportQueries`.
 *
 * Throws AppError BAD_USER_INPUT (paths under `s_query`, `results_limit`, `sort`) for a query the
 * compiler rejects; export creation calls it to refuse such requests up front.
 *
 * Returns SQL text, not query builders: a Knex builder is thenable, and resolving an async
 * function with it would run the query.
 */
export async function compileExportSelection(
  knex: Knex,
  record: Pick<ExportRecord, 'organization_id' | 'created_by' | 'tz_offset_minutes' | 'date_created' | 's_query' | 'results_limit' | 'sort' | 'type'>,
): Promise<ExportSelection> {
  const context = await loadSearchContext(
    knex,
    {
      organizationId: record.organization_id,
      userId: record.created_by ?? undefined,
      tzOffsetMinutes: record.tz_offset_minutes,
      now: record.date_created,
    },
    record.s_query,
  );
  const input = { sQuery: record.s_query ?? undefined, resultsLimit: record.results_limit ?? undefined, sort: record.sort };
  const { leads, rows } = compileExportQueries(knex, input, context, ROW_OBJECT_TYPES[record.type]);
  return { leadSelection: leads.toSQL().toNative(), ...(rows && { rowSelection: rows.toSQL().toNative() }) };
}

/** The object each row of a lead export type is, when it is not the lead. */
const ROW_OBJECT_TYPES: Partial<Record<ExportRecord['type'], 'contact' | 'opportunity'>> = { contacts: 'contact', lead_opps: 'opportunity' };

/**
 * An opportunity export's selection: the opportunities its `params` filters match, grouped by
 * lead (leads by id, each lead's opportunities oldest first). Throws BAD_USER_INPUT for bad filters.
 */
export function opportunityExportSelection(record: Pick<ExportRecord, 'organization_id' | 'params'>): Required<ExportSelection> {
  const filter = compileOpportunityFilters(record.params);
  return {
    leadSelection: {
      sql: `SELECT l.id FROM leads l WHERE l.organization_id = $1
              AND EXISTS (SELECT 1 FROM opportunities o WHERE o.lead_id = l.id AND ${filter})
            ORDER BY l.id`,
      bindings: [record.organization_id],
    },
    rowSelection: { sql: `SELECT o.id FROM opportunities o WHERE o.organization_id = $1 AND ${filter}`, bindings: [record.organization_id] },
  };
}
