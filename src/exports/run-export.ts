import { withDedicatedConnection, type Knex } from '../db/knex.js';
import { isAppError } from '../errors/app-error.js';
import type { Logger } from '../logger.js';
import type { ExportStorage, PendingObject } from '../storage/export-storage.js';
import { claimRun, failRun, finishRun, recordProgress, releaseRun, type RunProgress } from './export-repository.js';
import type { ExportRecord } from './export-record.js';
import { compileExportSelection, opportunityExportSelection } from './export-selection.js';
import type { ExportParams } from './export-params.js';
import { UnusableConnectionError, writeExportFile } from './write-export-file.js';

export type RunExportDeps = {
  knex: Knex;
  storage: ExportStorage;
  logger: Logger;
  retentionMs: number;
  gzipLevel: number;
  /** A run that stopped writing progress this long ago is dead: its export may be taken over. */
  staleAfterMs: number;
  /** Exports of one organization that run at the same time; the others wait their turn. */
  maxRunningPerOrganization: number;
  /** Called when a run ended (done, error, stopped), e.g. to send the email and start the next waiting export. */
  afterFinish?: (record: { id: string; organization_id: string }) => Promise<void>;
};

export type RunHooks = {
  /** Keeps the job's lock alive; throws when the queue has given the job to someone else. */
  touch(percent: number): Promise<void>;
  /**
   * Aborted when the worker process stops: the run hands its export back (status `created`) and
   * rejects with WorkerShuttingDown, so that the queue retries the job on the next worker.
   */
  shutdown?: AbortSignal;
};

/** The run stopped because its worker is stopping; the export is queued again, not failed. */
export class WorkerShuttingDown extends Error {
  override name = 'WorkerShuttingDown';
  constructor() {
    super('the worker is shutting down; the export will run on the next worker');
  }
}

/** How often progress is written (and the lock touched) while an export runs. */
const PROGRESS_INTERVAL_MS = 500;
/** Progress is written at least this often, even while one statement runs long. */
const HEARTBEAT_MS = 1000;

/**
 * Runs one export from start to a final state. Idempotent: a retry (after a crash or a lost
 * lock) claims a new attempt and starts over; the file is written under a temporary name and
 * published only when complete, and only the current attempt may mark the export done.
 *
 * Never throws for a failure of the export itself: that ends as status `error` with a message a
 * user can act on. It throws only when the database is unreachable to record the outcome.
 */
export async function runExport(deps: RunExportDeps, exportId: string, hooks: RunHooks): Promise<void> {
  if (hooks.shutdown?.aborted) throw new WorkerShuttingDown(); // picked up while stopping: leave it to the next worker
  const claim = await claimRun(deps.knex, exportId, { staleAfterMs: deps.staleAfterMs, maxRunning: deps.maxRunningPerOrganization });
  if (claim.outcome === 'final') {
    // A previous run finished; make sure its follow-up (email) happened.
    const record = await deps.knex('exports').where({ id: exportId }).first('id', 'organization_id');
    if (record) await deps.afterFinish?.(record);
    return;
  }
  if (claim.outcome !== 'claimed') return; // busy elsewhere, or waiting: woken when a slot frees up
  const { record } = claim;
  const log = deps.logger.child({ exportId, attempt: record.attempt });
  log.info({ type: record.type, format: record.format }, 'export started');
  const started = Date.now();

  // Aborted when the run must stop: canceled, taken over by another run, or the worker stops.
  const stop = new AbortController();
  const onShutdown = () => stop.abort(new Error('the worker is shutting down'));
  hooks.shutdown?.addEventListener('abort', onShutdown, { once: true });
  const progress = progressReporter(async (latest) => {
    if (!(await recordProgress(deps.knex, exportId, record.attempt, latest))) {
      throw new Error('the export was canceled or taken over by another run');
    }
    await hooks.touch(percentOf(latest));
  }, stop);

  let pending: PendingObject | undefined;
  try {
    pending = await deps.storage.create(`${record.organization_id}/${record.id}.${record.attempt}.${record.format}.gz`);
    const selection = record.kind === 'opportunity' ? opportunityExportSelection(record) : await compileExportSelection(deps.knex, record);
    const sink = pending.stream;
    const result = await withDedicatedConnection(
      deps.knex,
      (connection) =>
        writeExportFile({
          connection,
          organizationId: record.organization_id,
          params: exportParamsOf(record),
          ...selection,
          sink,
          signal: stop.signal,
          onProgress: progress.update,
          gzipLevel: deps.gzipLevel,
        }),
      (error) => error instanceof UnusableConnectionError,
    );
    await progress.stop();
    const file = await pending.publish();
    const expiresAt = new Date(Date.now() + deps.retentionMs);
    if (!(await finishRun(deps.knex, exportId, record.attempt, { ...result, fileKey: file.key, fileSize: file.size, expiresAt }))) {
      await deps.storage.delete(file.key); // canceled or superseded while we wrote the last bytes
      log.info('export finished but was canceled meanwhile; file removed');
    } else {
      log.info({ ms: Date.now() - started, rows: result.nDocsProcessed, bytes: file.size }, 'export done');
    }
  } catch (error) {
    await progress.stop().catch(() => undefined);
    await pending?.discard();
    if (hooks.shutdown?.aborted) {
      // Hand the export back; the queue retries the job, and the run starts over elsewhere.
      await releaseRun(deps.knex, exportId, record.attempt);
      log.info('export handed back: the worker is shutting down');
      throw new WorkerShuttingDown();
    }
    if (progress.failure) {
      log.info({ reason: String(progress.failure) }, 'export run stopped');
    } else {
      log.error({ err: error }, 'export failed');
      await failRun(deps.knex, exportId, record.attempt, userMessage(error));
    }
  } finally {
    hooks.shutdown?.removeEventListener('abort', onShutdown);
  }
  await deps.afterFinish?.(record);
}

/**
 * Writes progress at most every PROGRESS_INTERVAL_MS when it changes, and at least once a second
 * in any case: that also keeps the job's lock alive through a slow statement and notices a
 * cancel within a second. A failed write (canceled, superseded, lock lost) aborts the run.
 */
function progressReporter(write: (latest: RunProgress | undefined) => Promise<void>, abort: AbortController) {
  let latest: RunProgress | undefined;
  let lastWrite = 0;
  let chain: Promise<void> = Promise.resolve();
  const reporter = {
    failure: undefined as unknown,
    update(next: RunProgress) {
      latest = next;
      if (Date.now() - lastWrite >= PROGRESS_INTERVAL_MS) flush();
    },
    async stop() {
      clearInterval(timer);
      await chain;
    },
  };
  // One write at a time: a slow database must not pile updates up.
  const flush = () => {
    lastWrite = Date.now();
    const snapshot = latest;
    chain = chain.then(() => write(snapshot)).catch((error: unknown) => {
      reporter.failure ??= error;
      abort.abort(error);
    });
  };
  const timer = setInterval(flush, HEARTBEAT_MS);
  return reporter;
}

function percentOf(progress: RunProgress | undefined): number {
  return progress && progress.nDocs > 0 ? Math.floor((100 * progress.nDocsProcessed) / progress.nDocs) : 0;
}

/** The request parameters as the export record stored them. */
function exportParamsOf(record: ExportRecord): ExportParams {
  return {
    format: record.format,
    type: record.type,
    date_format: record.date_format,
    fields: record.fields as ExportParams['fields'],
    include_activities: record.include_activities,
    include_smart_fields: record.include_smart_fields,
    include_addresses: record.include_addresses,
    include_custom_objects: record.include_custom_objects,
    send_done_email: record.send_done_email,
    s_query: record.s_query as ExportParams['s_query'],
    results_limit: record.results_limit,
    sort: record.sort,
    query: record.query,
  };
}

/** What to tell the user: AppErrors are written for them; other failures get a cause they can act on. */
function userMessage(error: unknown): string {
  if (isAppError(error)) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return 'The export file could not be written: the server is out of disk space. Try again later or export fewer leads.';
  if (code === 'EACCES' || code === 'EROFS' || code === 'ENOTDIR' || code === 'ENOENT') return 'The export file could not be written: the export storage is not writable. Contact your administrator.';
  if (code === '57014') return 'The export query took too long and was canceled. Narrow the query (s_query or results_limit) and try again.';
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    return `The export query failed in the database (${(error as Error).message}). Check the query, or try again later.`;
  }
  return `The export failed: ${(error as Error).message ?? String(error)}. Try again; if it keeps failing, give the export id to your administrator.`;
}

export type { ExportRecord };
