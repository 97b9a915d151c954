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

/** Newest first with a keyset cursor (the GraphQL connection). */
export async function listExportsPage(
  knex: Knex,
  organizationId: string,
  options: { kind?: ExportKind; statuses?: ExportStatus[]; first: number; after?: { dateCreated: string; id: string } },
): Promise<ExportRecord[]> {
  const query = knex('exports')
    .where({ organization_id: organizationId })
    .orderBy([{ column: 'date_created', order: 'desc' }, { column: 'id', order: 'desc' }])
    .limit(options.first);
  if (options.kind) query.where({ kind: options.kind });
  if (options.statuses?.length) query.whereIn('status', options.statuses);
  if (options.after) query.whereRaw('(date_created, id) < (?::timestamptz, ?)', [options.after.dateCreated, options.after.id]);
  return query.select<ExportRecord[]>('*');
}

export async function countExports(knex: Knex, organizationId: string, statuses?: ExportStatus[], kind?: ExportKind): Promise<number> {
  const query = knex('exports').where({ organization_id: organizationId });
  if (kind) query.where({ kind });
  if (statuses?.length) query.whereIn('status', statuses);
  const [{ count }] = await query.count<{ count: number }[]>('* as count');
  return count;
}

/** The export created with this idempotency key by this user in the last 24 hours, if any. */
export async function findByIdempotencyKey(
  knex: Knex,
  owner: { organizationId: string; userId: string },
  key: string,
): Promise<ExportRecord | undefined> {
  // Older uses of the key are released, so that it can be used again.
  await knex('exports')
    .where({ organization_id: owner.organizationId, created_by: owner.userId, idempotency_key: key })
    .whereRaw("date_created < now() - interval '24 hours'")
    .update({ idempotency_key: null });
  return knex('exports')
    .where({ organization_id: owner.organizationId, created_by: owner.userId, idempotency_key: key })
    .first<ExportRecord | undefined>();
}

export type ClaimOutcome =
  | { outcome: 'claimed'; record: ExportRecord }
  /** Nothing to run: the export is final (done, error, canceled, expired) or unknown. */
  | { outcome: 'final' }
  /** Another run is alive (it wrote progress within `staleAfterMs`): leave it alone. */
  | { outcome: 'busy' }
  /** The organization already runs its share of exports; this one waits its turn. */
  | { outcome: 'wait' };

/**
 * Starts a run: moves a waiting export, or one whose run stopped writing progress for
 * `staleAfterMs` (its worker died), to `started` with a new attempt number.
 *
 * A waiting export starts only when fewer than `maxRunning` exports of its organization are
 * running or queued ahead of it (first come, first served). The check and the claim happen
 * under a per-organization advisory lock, so two workers cannot both take the last slot.
 */
export async function claimRun(
  knex: Knex,
  id: string,
  options: { staleAfterMs: number; maxRunning: number },
): Promise<ClaimOutcome> {
  return knex.transaction(async (trx) => {
    const current = await trx('exports')
      .where({ id })
      .forUpdate()
      .first<(ExportRecord & { live: boolean }) | undefined>('*', trx.raw('date_updated > now() - make_interval(secs => ?) AS live', [options.staleAfterMs / 1000]));
    if (!current || !ACTIVE_STATUSES.includes(current.status)) return { outcome: 'final' };
    if (current.status !== 'created' && current.live) return { outcome: 'busy' };
    if (current.status === 'created') {
      await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`exports:${current.organization_id}`]);
      const [{ ahead }] = await trx('exports')
        .where({ organization_id: current.organization_id })
        .whereNot({ id })
        .where((q) =>
          q
            .whereIn('status', ['started', 'in_progress'])
            .orWhere((w) => w.where({ status: 'created' }).whereRaw('(date_created, id) < (?, ?)', [current.date_created, id])),
        )
        .count<{ ahead: number }[]>('* as ahead');
      if (ahead >= options.maxRunning) return { outcome: 'wait' };
    }
    const [record] = await trx('exports')
      .where({ id })
      .update({
        status: 'started',
        attempt: trx.raw('attempt + 1'),
        started_at: trx.fn.now(),
        date_updated: trx.fn.now(),
        n_docs_processed: 0,
        bytes_written: 0,
        error: null,
      })
      .returning('*');
    return { outcome: 'claimed', record: record as ExportRecord };
  });
}

/** The oldest waiting exports of an organization, the ones to wake when a slot frees up. */
export async function nextWaitingExports(knex: Knex, organizationId: string, limit: number): Promise<string[]> {
  return knex('exports')
    .where({ organization_id: organizationId, status: 'created' })
    .orderBy([{ column: 'date_created' }, { column: 'id' }])
    .limit(limit)
    .pluck('id');
}

/** 1-based place of a waiting export among its organization's waiting exports (1 = starts next). */
export async function queuePosition(knex: Knex, record: Pick<ExportRecord, 'id' | 'organization_id' | 'date_created' | 'status'>): Promise<number | null> {
  if (record.status !== 'created') return null;
  const [{ ahead }] = await knex('exports')
    .where({ organization_id: record.organization_id, status: 'created' })
    .whereRaw('(date_created, id) < (?, ?)', [record.date_created, record.id])
    .count<{ ahead: number }[]>('* as ahead');
  return ahead + 1;
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

/** Puts a run's export back in the queue (`created`, counts reset); false when superseded or canceled. */
export async function releaseRun(knex: Knex, id: string, attempt: number): Promise<boolean> {
  const updated = await knex('exports')
    .where({ id, attempt })
    .whereIn('status', ['started', 'in_progress'])
    .update({ status: 'created', n_docs: null, n_docs_processed: 0, bytes_written: 0, date_updated: knex.fn.now() });
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
export async function cancelExport(knex: Knex, organizationId: string, id: string, kind?: ExportKind): Promise<ExportRecord | undefined> {
  await knex('exports')
    .where({ organization_id: organizationId, id, ...(kind ? { kind } : {}) })
    .whereIn('status', ACTIVE_STATUSES)
    .update({ status: 'canceled', finished_at: knex.fn.now(), date_updated: knex.fn.now() });
  return findExport(knex, organizationId, id, kind);
}
