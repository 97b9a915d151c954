import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type pg from 'pg';
import { to as copyTo, type CopyToStreamQuery } from 'pg-copy-streams';
import { AppError } from '../errors/app-error.js';
import { csvLine } from '../writers/csv-escape.js';
import { snapshotBatchSource, type ExportShape } from '../writers/export-query.js';
import { copyStatementSql, exportStatement, MAX_CSV_COLUMNS } from '../writers/export-statement.js';
import { JsonArrayWriter } from '../writers/json-array-writer.js';
import { cancelBackendQuery } from './cancel-backend-query.js';
import type { ExportParams } from './export-params.js';
import type { NativeQuery } from './export-selection.js';
import { exportShapeOf, SNAPSHOT_TABLE, takeExportSnapshot, type ExportSnapshot, type LeadSelection } from './export-snapshot.js';

/**
 * The export failed and left its connection in an unknown state (a COPY that would not stop, a
 * failed rollback): destroy the connection, do not return it to the pool. `cause` is what made
 * the export stop.
 */
export class UnusableConnectionError extends Error {
  override name = 'UnusableConnectionError';
}

export type ExportProgress = { nDocs: number; nDocsProcessed: number; bytesWritten: number };

export type WriteExportFileOptions = {
  /** A dedicated connection: the caller acquires it and releases it afterwards (see below). */
  connection: pg.PoolClient | pg.Client;
  organizationId: string;
  params: ExportParams;
  /** The leads to export, in file order; default: every lead of the organization by id. */
  leadSelection?: LeadSelection;
  /** The contacts / opportunities that are rows (default: all of the selected leads'). */
  rowSelection?: NativeQuery;
  /** Receives the gzip bytes; ended when the file is complete. */
  sink: Writable;
  signal?: AbortSignal;
  /**
   * Called synchronously: first as soon as `nDocs` is known, then after batches at most every
   * `progressIntervalMs`, and once at the end. Must not throw.
   */
  onProgress?: (progress: ExportProgress) => void;
  /** Leads per statement. Default: adaptive, aiming at ~250 ms per batch. */
  batchSize?: number;
  /** 1 (fastest) … 9 (smallest). Default 6, zlib's default. */
  gzipLevel?: number;
};

/**
 * Every batch statement should walk the batch's snapshot rows in `seq` order and probe each
 * lead's rows by index. Estimating a batch as a large share of a table, the planner otherwise
 * picks a hash join over a full scan of `leads` per batch (quadratic over an export), a sort
 * that spills to disk, and Memoize nodes that never hit: measured 1.8× slower per batch than
 * the same rows read as one statement. Set after the snapshot, so the lead selection is planned
 * freely.
 */
const BATCH_PLANNER_SETTINGS = 'SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; SET LOCAL enable_memoize = off';

const PROGRESS_INTERVAL_MS = 250;
const TARGET_BATCH_MS = 250;
const FIRST_BATCH = 500;
const MIN_BATCH = 100;
const MAX_BATCH = 100_000;
/** Rows are coalesced into chunks of at least this many bytes before gzip (stack notes S1). */
const CHUNK_BYTES = 64 * 1024;
/** How far PostgreSQL may run ahead of gzip: decouples the two, which run in parallel. */
const READ_AHEAD_BYTES = 1024 * 1024;
/** How long an aborted COPY may take to stop before the connection is declared unusable. */
const ABORT_DEADLINE_MS = 1500;

/**
 * Streams one export file: a consistent snapshot of the selected leads, formatted by
 * PostgreSQL, gzipped into `sink`.
 *
 * - One REPEATABLE READ transaction on `connection` (read only after the snapshot table is
 *   filled): every batch sees the same data. The ordered lead ids go to a temporary table
 *   first, which gives `nDocs` before the first row is written.
 * - Rows are written in keyset batches over that table (`seq` ranges), each one
 *   `COPY (SELECT …) TO STDOUT`: CSV cells and JSON objects are built by PostgreSQL, children
 *   (contacts, addresses, …) joined per batch, never queried per lead. Memory stays flat: COPY
 *   output flows through with back-pressure, nothing is buffered per batch.
 * - `signal` stops the export within about two seconds: the running statement is cancelled on
 *   the server and the transaction rolled back. The promise then rejects with the signal's reason.
 *
 * On success the transaction is committed and the connection is idle. On failure it is rolled
 * back and the connection is idle again, except when the rejection is an
 * `UnusableConnectionError`: then the caller must destroy the connection instead of returning it
 * to the pool. Other errors are the database's or the sink's, the signal's reason when aborted,
 * or `AppError('BAD_USER_INPUT')` for a file that cannot be written as asked.
 */
export async function writeExportFile(options: WriteExportFileOptions): Promise<ExportProgress> {
  const { connection, signal } = options;
  signal?.throwIfAborted();
  const run = new ExportRun(options);
  const onAbort = () => void cancelBackendQuery(connection);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await connection.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    run.inTransaction = true;
    // Custom datetimes stored without an offset are read as UTC, whatever the session's zone.
    await connection.query("SET LOCAL TIME ZONE 'UTC'");
    const snapshot = await takeExportSnapshot(connection, options);
    await connection.query('SET TRANSACTION READ ONLY');
    await connection.query(BATCH_PLANNER_SETTINGS);
    run.start(snapshot);
    const gzip = zlib.createGzip({ level: options.gzipLevel ?? zlib.constants.Z_DEFAULT_COMPRESSION });
    await pipeline(Readable.from(run.chunks(), { objectMode: false, highWaterMark: READ_AHEAD_BYTES }), gzip, run.byteCounter(), options.sink, { signal });
    await connection.query('COMMIT');
    run.inTransaction = false;
    return run.finish();
  } catch (error) {
    try {
      await run.cleanUp();
    } catch (cleanUpError) {
      // The connection is unusable: that matters more to the caller than why we stopped.
      throw new UnusableConnectionError((cleanUpError as Error).message, { cause: error });
    }
    if (signal?.aborted) throw signal.reason;
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

class ExportRun {
  inTransaction = false;
  private snapshot: ExportSnapshot | undefined;
  private shape: ExportShape | undefined;
  private nDocsProcessed = 0;
  private bytesWritten = 0;
  private lastReport = 0;
  /** The COPY in flight, if any: on failure it must be drained before the connection is reused. */
  private activeCopy: CopyToStreamQuery | undefined;

  constructor(private readonly options: WriteExportFileOptions) {}

  start(snapshot: ExportSnapshot): void {
    const { params, organizationId } = this.options;
    this.snapshot = snapshot;
    this.shape = exportShapeOf(organizationId, params, snapshot);
    const { header } = exportStatement(this.shape, snapshotBatchSource(organizationId, SNAPSHOT_TABLE, 0, 0));
    if (header && header.length > MAX_CSV_COLUMNS) {
      throw new AppError(
        'BAD_USER_INPUT',
        `This CSV export would have ${header.length} columns, more than the ${MAX_CSV_COLUMNS} a row can hold: narrow "fields" or use format json`,
        { details: { fieldErrors: { fields: `too many columns (${header.length})` } } },
      );
    }
    this.report(true);
  }

  /** The file's bytes before gzip: header or `[`, then every batch's COPY output. */
  async *chunks(): AsyncGenerator<Buffer> {
    const snapshot = this.snapshot!;
    const shape = this.shape!;
    const json = shape.format === 'json' ? new JsonArrayWriter() : undefined;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const take = () => {
      const chunk = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      return chunk;
    };
    const add = (chunk: Buffer) => {
      if (chunk.length === 0) return;
      pending.push(chunk);
      pendingBytes += chunk.length;
    };

    let batchSize = this.options.batchSize ?? FIRST_BATCH;
    const adaptive = this.options.batchSize === undefined;
    const header = exportStatement(shape, snapshotBatchSource(shape.organizationId, SNAPSHOT_TABLE, 0, 0)).header;
    if (header) add(Buffer.from(csvLine(header)));

    for (let after = 0; after < snapshot.leadCount; ) {
      const upTo = Math.min(after + batchSize, snapshot.leadCount);
      const started = performance.now();
      const statement = exportStatement(shape, snapshotBatchSource(shape.organizationId, SNAPSHOT_TABLE, after, upTo));
      const { stream, completed } = this.copy(copyStatementSql(statement));
      for await (const chunk of stream.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        add(json ? json.write(chunk) : chunk);
        if (pendingBytes >= CHUNK_BYTES) yield take();
      }
      this.nDocsProcessed += await completed;
      this.activeCopy = undefined;
      after = upTo;
      this.report(false);
      if (adaptive) {
        const elapsed = Math.max(1, performance.now() - started);
        const scaled = Math.round(batchSize * Math.min(4, Math.max(0.25, TARGET_BATCH_MS / elapsed)));
        batchSize = Math.min(MAX_BATCH, Math.max(MIN_BATCH, scaled));
      }
    }
    if (json) add(json.end());
    if (pendingBytes > 0) yield take();
  }

  /** Starts a COPY; `completed` resolves with its row count once the server reports it done. */
  private copy(sql: string): { stream: CopyToStreamQuery; completed: Promise<number> } {
    const stream = copyTo(sql);
    const hooks = stream as unknown as { handleReadyForQuery: () => void };
    const original = hooks.handleReadyForQuery.bind(stream);
    const completed = new Promise<number>((resolve, reject) => {
      stream.once('error', reject);
      hooks.handleReadyForQuery = () => {
        original();
        resolve(stream.rowCount);
      };
    });
    completed.catch(() => {}); // the error also reaches the reader of `stream`
    this.activeCopy = stream;
    this.options.connection.query(stream);
    return { stream, completed };
  }

  /** Counts the gzip bytes on their way to the sink. */
  byteCounter(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        this.bytesWritten += chunk.length;
        callback(null, chunk);
      },
    });
  }

  private report(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastReport < PROGRESS_INTERVAL_MS) return;
    this.lastReport = now;
    this.options.onProgress?.(this.progress());
  }

  private progress(): ExportProgress {
    return { nDocs: this.snapshot?.nDocs ?? 0, nDocsProcessed: this.nDocsProcessed, bytesWritten: this.bytesWritten };
  }

  finish(): ExportProgress {
    this.report(true);
    return this.progress();
  }

  /**
   * Brings the connection back to idle after a failure: stops a COPY still streaming (cancel on
   * the server, then read what is in flight, since a backend blocked on a full socket never
   * sees the cancel), then rolls back. Throws when the connection cannot be trusted any more.
   */
  async cleanUp(): Promise<void> {
    const copy = this.activeCopy;
    if (copy && !copy.readableEnded && !copy.destroyed) {
      const stopped = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), ABORT_DEADLINE_MS);
        const done = () => {
          clearTimeout(timer);
          resolve(true);
        };
        copy.once('end', done);
        copy.once('error', done);
        copy.resume();
      });
      await cancelBackendQuery(this.options.connection);
      if (!(await stopped)) {
        throw new Error('The export was stopped but its COPY did not end in time');
      }
    }
    if (!this.inTransaction) return;
    try {
      await this.options.connection.query('ROLLBACK');
      this.inTransaction = false;
    } catch (error) {
      throw new Error(`Could not roll back the export transaction: ${(error as Error).message}`, { cause: error });
    }
  }
}
