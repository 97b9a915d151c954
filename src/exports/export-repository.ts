import type { Knex } from '../db/knex.js';
import { ACTIVE_STATUSES, type ExportKind, type ExportRecord, type ExportStatus } from './export-record.js';

/**
 * SQL of the export lifecycle. Runs are fenced by `attempt`: each run of the job bumps it when
 * it claims the export, and every later write names the attempt it belongs to, so a run that
 * lost its lock (a stalled worker whose job was taken over) can no longer change the record.
 */

export type NewExport = Omit<
  ExportRecord,
  | 'status'
  | 'n_docs'
  | 'n_docs_processed'
  | 'bytes_written'
  | 'file_key'
  | 'file_size'
  | 'error'
  | 'attempt'
  | 'email_sent_at'
  | 'date_created'
  | 'date_updated'
  | 'started_at'
  | 'finished_at'
  | 'expires_at'
>;

const JSON_COLUMNS = ['fields', 's_query', 'sort', 'params'] as const;

export async function insertExport(knex: Knex, record: NewExport): Promise<ExportRecord> {
  const row: Record<string, unknown> = { ...record };
  // pg would send JS arrays as PostgreSQL arrays; these are jsonb.
  for (const column of JSON_COLUMNS) row[column] = record[column] === null ? null : JSON.stringify(record[column]);
  const [inserted] = await knex('exports').insert(row).returning('*');
  return inserted as ExportRecord;
}

export async function findExport(knex: Knex, organizationId: string, id: string, kind?: ExportKind): Promise<ExportRecord | undefined> {
  const query = knex('exports').where({ organization_id: organizationId, id });
  if (kind) query.where({ kind });
  return query.first<ExportRecord | undefined>();
}

export async function findExportById(knex: Knex, id: string): Promise<ExportRecord | undefined> {
  return knex('exports').where({ id }).first<ExportRecord | undefined>();
}

/** Newest first, as a Close user expects a list of their exports. */
export async function listExports(
  knex: Knex,
  organizationId: string,
  options: { kind?: ExportKind; statuses?: ExportStatus[]; limit: number; offset: number },
): Promise<ExportRecord[]> {
  const query = knex('exports')
    .where({ organization_id: organizationId })
    .orderBy([{ column: 'date_created', order: 'desc' }, { column: 'id', order: 'desc' }])
    .limit(options.limit)
    .offset(options.offset);
  if (options.kind) query.where({ kind: options.kind });
  if (options.statuses?.length) query.whereIn('status', options.statuses);
  return query.select<ExportRecord[]>('*');
}

/**
 * Starts a run: moves a waiting or interrupted export to `started` with a new attempt number.
 * Returns undefined when the export is already final (done, canceled, …): nothing to do.
 */
export async function claimRun(knex: Knex, id: string): Promise<ExportRecord | undefined> {
  const [row] = await knex('exports')
    .where({ id })
    .whereIn('status', ACTIVE_STATUSES)
    .update({
      status: 'started',
      attempt: knex.raw('attempt + 1'),
      started_at: knex.fn.now(),
      date_updated: knex.fn.now(),
      n_docs_processed: 0,
      bytes_written: 0,
      error: null,
    })
    .returning('*');
  return row as ExportRecord | undefined;
}

export type RunProgress = { nDocs: number; nDocsProcessed: number; bytesWritten: number };

/**
 * Records progress of a run (`undefined` before the number of rows is known: then it only
 * checks in). Returns false when the run must stop: the export was canceled or another run took
 * it over.
 */
export async function recordProgress(knex: Knex, id: string, attempt: number, progress: RunProgress | undefined): Promise<boolean> {
  const counts = progress && {
    status: 'in_progress',
    n_docs: progress.nDocs,
    n_docs_processed: progress.nDocsProcessed,
    bytes_written: progress.bytesWritten,
  };
  const updated = await knex('exports')
    .where({ id, attempt })
    .whereIn('status', ['started', 'in_progress'])
    .update({ ...counts, date_updated: knex.fn.now() });
  return updated === 1;
}

/** Marks the run done with its published file. False when the run was superseded or canceled meanwhile. */
export async function finishRun(
  knex: Knex,
  id: string,
  attempt: number,
  result: RunProgress & { fileKey: string; fileSize: number; expiresAt: Date },
): Promise<boolean> {
  const updated = await knex('exports')
    .where({ id, attempt })
    .whereIn('status', ['started', 'in_progress'])
    .update({
      status: 'done',
      n_docs: result.nDocs,
      n_docs_processed: result.nDocsProcessed,
      bytes_written: result.bytesWritten,
      file_key: result.fileKey,
      file_size: result.fileSize,
      finished_at: knex.fn.now(),
      expires_at: result.expiresAt,
      date_updated: knex.fn.now(),
    });
  return updated === 1;
}

/** Marks the run failed with a message the user can act on. False when superseded or canceled. */
export async function failRun(knex: Knex, id: string, attempt: number | undefined, message: string): Promise<boolean> {
  const query = knex('exports').where({ id }).whereIn('status', ACTIVE_STATUSES);
  if (attempt !== undefined) query.where({ attempt });
  const updated = await query.update({ status: 'error', error: message, finished_at: knex.fn.now(), date_updated: knex.fn.now() });
  return updated === 1;
}

/** Cancels a waiting or running export; returns the record as it is afterwards. */
export async function cancelExport(knex: Knex, organizationId: string, id: string): Promise<ExportRecord | undefined> {
  await knex('exports')
    .where({ organization_id: organizationId, id })
    .whereIn('status', ACTIVE_STATUSES)
    .update({ status: 'canceled', finished_at: knex.fn.now(), date_updated: knex.fn.now() });
  return findExport(knex, organizationId, id);
}
