/** Close's export statuses, plus `canceled` and `expired` (file deleted after retention). */
export type ExportStatus = 'created' | 'started' | 'in_progress' | 'done' | 'error' | 'canceled' | 'expired';
export const ACTIVE_STATUSES: readonly ExportStatus[] = ['created', 'started', 'in_progress'];
export const FINAL_STATUSES: readonly ExportStatus[] = ['done', 'error', 'canceled', 'expired'];

export type ExportKind = 'lead' | 'opportunity';
export type ExportType = 'leads' | 'contacts' | 'lead_opps' | 'opps';

/** A row of `exports`: everything the request asked for and how far the job got. */
export type ExportRecord = {
  id: string;
  organization_id: string;
  created_by: string | null;
  updated_by: string | null;
  kind: ExportKind;
  type: ExportType;
  format: 'csv' | 'json';
  date_format: 'original' | 'iso8601' | 'excel';
  fields: string[];
  s_query: unknown;
  results_limit: number | null;
  sort: unknown[];
  params: Record<string, unknown> | null;
  query: string | null;
  include_activities: boolean;
  include_smart_fields: boolean;
  include_addresses: boolean;
  include_custom_objects: boolean;
  send_done_email: boolean;
  tz_offset_minutes: number;
  status: ExportStatus;
  n_docs: number | null;
  n_docs_processed: number;
  bytes_written: number;
  file_key: string | null;
  file_size: number | null;
  error: string | null;
  attempt: number;
  idempotency_key: string | null;
  request_hash: string | null;
  email_sent_at: Date | null;
  date_created: Date;
  date_updated: Date;
  started_at: Date | null;
  finished_at: Date | null;
  expires_at: Date | null;
};

export function isFinal(status: ExportStatus): boolean {
  return FINAL_STATUSES.includes(status);
}
