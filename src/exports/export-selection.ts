import { loadSearchContext } from '../crm/search-service.js';
import type { Knex } from '../db/knex.js';
import { compileLeadSelection } from '../search/compile-query.js';
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
