import { loadSearchContext } from '../crm/search-service.js';
import type { Knex } from '../db/knex.js';
import { compileLeadSelection } from '../search/compile-query.js';
import { compileOpportunityFilters } from './opportunity-filters.js';
import type { ExportRecord } from './export-record.js';

/**
 * The ordered lead ids an export covers, compiled from its `s_query`, `results_limit` and `sort`.
 * Relative dates ("created this week") are evaluated at the moment the export was requested, in
 * the requester's time zone: a retried run exports the same leads as the first.
 *
 * Throws AppError BAD_USER_INPUT (paths under `s_query`, `results_limit`, `sort`) for a query the
 * compiler rejects; export creation calls it to refuse such requests up front.
 *
 * Returns SQL text, not a query builder: a Knex builder is thenable, and resolving an async
 * function with it would run the query.
 */
export async function compileExportSelection(
  knex: Knex,
  record: Pick<ExportRecord, 'organization_id' | 'created_by' | 'tz_offset_minutes' | 'date_created' | 's_query' | 'results_limit' | 'sort'>,
): Promise<{ sql: string; bindings: readonly unknown[] }> {
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
  const builder = compileLeadSelection(
    knex,
    { sQuery: record.s_query ?? undefined, resultsLimit: record.results_limit ?? undefined, sort: record.sort },
    context,
  );
  return builder.toSQL().toNative();
}

/**
 * An opportunity export's rows: the opportunities its `params` filters match, grouped by lead
 * (leads by id, each lead's opportunities oldest first). Throws BAD_USER_INPUT for bad filters.
 */
export function opportunityExportSelection(record: Pick<ExportRecord, 'organization_id' | 'params'>): {
  leadSelection: { sql: string; bindings: readonly unknown[] };
  opportunityFilter: string;
} {
  const opportunityFilter = compileOpportunityFilters(record.params);
  return {
    opportunityFilter,
    leadSelection: {
      sql: `SELECT l.id FROM leads l WHERE l.organization_id = $1
              AND EXISTS (SELECT 1 FROM opportunities o WHERE o.lead_id = l.id AND ${opportunityFilter})
            ORDER BY l.id`,
      bindings: [record.organization_id],
    },
  };
}
