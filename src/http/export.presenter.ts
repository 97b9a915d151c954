import type { ExportRecord } from '../exports/export-record.js';

/**
 * An export as Close's REST API shows it (spec §2.4, Appendix B): snake_case, ISO timestamps
 * with microseconds and an explicit offset, `download_url` only once done. Lead exports carry
 * `s_query`, `results_limit` and `sort`; opportunity exports carry `params`.
 */
export function toCloseExport(record: ExportRecord, downloadUrl: string | null): Record<string, unknown> {
  const common = {
    id: record.id,
    organization_id: record.organization_id,
    created_by: record.created_by,
    updated_by: record.updated_by ?? record.created_by,
    date_created: closeTimestamp(record.date_created),
    date_updated: closeTimestamp(record.date_updated),
    status: record.status,
    format: record.format,
    type: record.type,
    date_format: record.date_format,
    fields: record.fields,
    n_docs: record.n_docs,
    n_docs_processed: record.n_docs_processed,
    download_url: record.status === 'done' ? downloadUrl : null,
    send_done_email: record.send_done_email,
    error: record.error,
    query: record.query,
    expires_at: record.expires_at ? closeTimestamp(record.expires_at) : null,
  };
  if (record.kind === 'opportunity') return { ...common, params: record.params ?? {} };
  return {
    ...common,
    s_query: record.s_query,
    results_limit: record.results_limit,
    sort: record.sort,
    include_activities: record.include_activities,
    include_smart_fields: record.include_smart_fields,
    include_addresses: record.include_addresses,
    include_custom_objects: record.include_custom_objects,
  };
}

/** `2014-04-02T15:00:05.190000+00:00`, Close's timestamp style (JS keeps milliseconds only). */
export function closeTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 23)}000+00:00`;
}

/** Close's `_fields=a,b`: keep only the named keys (unknown names are ignored). */
export function pickFields(object: Record<string, unknown>, fields: unknown): Record<string, unknown> {
  if (typeof fields !== 'string' || fields.trim() === '') return object;
  const wanted = new Set(fields.split(',').map((f) => f.trim()));
  return Object.fromEntries(Object.entries(object).filter(([key]) => wanted.has(key)));
}
