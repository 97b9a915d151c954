import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { Knex } from 'knex';
import type pg from 'pg';
import { newId } from '../db/ids.js';
import { AppError, isAppError } from '../errors/app-error.js';
import { prepareBulkLoad } from '../db/bulk/bulk-load.js';
import { COPY_TABLES, type CopyTable } from '../db/bulk/copy-batch.js';
import { ImportCatalog, type CatalogCounts, type IdPolicy } from './import-catalog.js';
import { JsonArraySplitter } from './json-array-splitter.js';
import { LeadBatchWriter, type ExistingLeadPolicy, type IdCounts } from './lead-batch-writer.js';
import { parseLeadElement } from './lead-element.js';
import type { ParsedElement } from './lead-rows.js';

export type ImportOptions = {
  /** The organization to import into, by name (case-insensitive); created when missing. */
  organizationName: string;
  /** The file's bytes: a JSON leads export, plain or gzip (recognised by its magic bytes). */
  source: Readable;
  /** `keep` (default): keep the file's ids where no row has them yet; `new`: give every object a new id. */
  ids?: IdPolicy;
  /** A lead the organization already has (same id): `fail` (default) or `replace` it. Only with `ids: 'keep'`. */
  existingLeads?: ExistingLeadPolicy;
  /**
   * Called when the import starts reading, at least every `PROGRESS_INTERVAL_MS` while it runs,
   * at each change of phase and once at the end. Errors it throws are ignored.
   */
  onProgress?: (progress: ImportProgress) => void;
  /** Aborting rolls the import back and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Element text per batch (default 4 MiB): each batch is one round of COPYs. */
  batchBytes?: number;
};

export type ImportProgress = {
  /** `reading`: elements are read and written; `finishing`: custom field definitions; then `committing`, `done`. */
  phase: 'reading' | 'finishing' | 'committing' | 'done';
  /** Bytes taken from `source` (compressed bytes for a gzip file). */
  bytesRead: number;
  elementsRead: number;
  leadsWritten: number;
  rowsWritten: number;
};

export type ImportResult = {
  organizationId: string;
  organizationCreated: boolean;
  leads: number;
  /** Rows written per table (lead data; see `created` for the organization-level objects). */
  rows: Record<CopyTable, number>;
  created: CatalogCounts;
  ids: IdCounts;
  leadsReplaced: number;
  bytesRead: number;
  elapsedMs: number;
};

const PROGRESS_INTERVAL_MS = 250;
const DEFAULT_BATCH_BYTES = 4 * 1024 * 1024;
/** Fresh planner statistics after an import this large (small ones leave it to autovacuum). */
const ANALYZE_MIN_LEADS = 1000;

/**
 * Loads a JSON leads export (spec §5.1, as `writers/json-shape.ts` writes it, with activities and
 * custom objects when it has them) into an organization: its leads with their contacts,
 * addresses, opportunities, tasks, activities and custom objects; the users, lead statuses,
 * pipelines, opportunity statuses, custom object types and custom fields they point at are
 * matched in the organization or created (see `import-catalog.ts`).
 *
 * - Streams: the array is cut into elements as bytes arrive (`json-array-splitter.ts`), each
 *   element is parsed and validated on its own, and batches of about `batchBytes` are COPYed
 *   while the next batch is read. Memory stays at about two batches.
 * - All or nothing: one transaction, committed after the last element. Any failure (a malformed
 *   element, an abort, a database error) rolls everything back, the organization too when the
 *   import created it.
 * - Foreign-key checks are skipped where the seeder skips them (`db/bulk/bulk-load.ts`, about a
 *   quarter of the time): every reference the import writes is to a row it created in this
 *   transaction or to a row of the organization it matched and locked (`import-catalog.ts`), and
 *   contacts an element points at must be the element's own (checked, else bad input).
 * - Ids: see `lead-batch-writer.ts`. Importing a file into an empty organization keeps every id
 *   that is free, so a re-export is the same file apart from the organization id.
 *
 * Throws AppError BAD_USER_INPUT for a malformed file (the message names the element index and
 * the JSON path, or the byte offset for a broken array), CONFLICT for a lead the organization
 * already has (with `existingLeads: 'fail'`), the signal's reason when aborted; other errors are
 * the database's or the source's.
 */
export async function importLeadsJson(knex: Knex, options: ImportOptions): Promise<ImportResult> {
  const organizationName = options.organizationName?.trim();
  if (!organizationName) throw AppError.badInput('organizationName', 'must be a non-empty name');
  const ids = options.ids ?? 'keep';
  const existingLeads = options.existingLeads ?? 'fail';
  if (ids !== 'keep' && ids !== 'new') throw AppError.badInput('ids', 'must be "keep" or "new"');
  if (existingLeads !== 'fail' && existingLeads !== 'replace') throw AppError.badInput('existingLeads', 'must be "fail" or "replace"');
  options.signal?.throwIfAborted();

  const started = performance.now();
  const progress: ImportProgress = { phase: 'reading', bytesRead: 0, elementsRead: 0, leadsWritten: 0, rowsWritten: 0 };
  const report = () => {
    try {
      options.onProgress?.({ ...progress });
    } catch {
      // A failing progress printer must not abort an import.
    }
  };
  const timer = setInterval(report, PROGRESS_INTERVAL_MS);
  const connection = (await knex.client.acquireConnection()) as pg.PoolClient;
  let result: ImportResult;
  try {
    await connection.query('BEGIN');
    let writing: Promise<void> = Promise.resolve();
    try {
      const organization = await lockOrCreateOrganization(connection, organizationName);
      const catalog = await ImportCatalog.load(knex, connection, organization.id, ids);
      // Never defers index builds (`leads: 0`): other organizations' data lives in these tables.
      const bulkLoad = await prepareBulkLoad(connection, { leads: 0, fast: true });
      const writer = new LeadBatchWriter(connection, catalog, {
        ids, existingLeads, organizationName, now: new Date().toISOString(), skipsForeignKeyChecks: bulkLoad.skipsForeignKeyChecks,
      });
      const rowsWritten = () => Object.values(writer.rows).reduce((sum, n) => sum + n, 0);
      report();
      const splitter = new JsonArraySplitter();
      const batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
      let batch: ParsedElement[] = [];
      let pendingBytes = 0;
      const flush = async () => {
        await writing;
        const elements = batch;
        batch = [];
        pendingBytes = 0;
        writing = writer.write(elements).then(() => {
          progress.leadsWritten = writer.leadsWritten;
          progress.rowsWritten = rowsWritten();
        });
        // Observed by the next `await writing`; until then, no unhandled rejection.
        writing.catch(() => undefined);
      };

      for await (const chunk of decodedChunks(options.source, (n) => (progress.bytesRead += n))) {
        options.signal?.throwIfAborted();
        for (const element of splitter.push(chunk)) {
          batch.push({ index: element.index, lead: parseLeadElement(element.text, element.index) });
          progress.elementsRead++;
          pendingBytes += element.text.length;
          if (pendingBytes >= batchBytes) await flush();
        }
      }
      splitter.end();
      await flush();
      await writing;
      options.signal?.throwIfAborted();
      progress.phase = 'finishing';
      report();
      await catalog.finish();
      await bulkLoad.finish();
      progress.phase = 'committing';
      report();
      await connection.query('COMMIT');
      result = {
        organizationId: organization.id,
        organizationCreated: organization.created,
        leads: writer.leadsWritten,
        rows: { ...writer.rows },
        created: { ...catalog.counts },
        ids: { ...writer.ids },
        leadsReplaced: writer.leadsReplaced,
        bytesRead: progress.bytesRead,
        elapsedMs: 0,
      };
    } catch (error) {
      await writing.catch(() => undefined); // let an in-flight COPY settle before rolling back
      await connection.query('ROLLBACK').catch(() => undefined);
      if (options.signal?.aborted) throw options.signal.reason;
      throw translateError(error);
    }
  } finally {
    clearInterval(timer);
    await knex.client.releaseConnection(connection);
  }
  if (result.leads >= ANALYZE_MIN_LEADS) await knex.raw(`ANALYZE ${COPY_TABLES.join(', ')}`);
  result.elapsedMs = Math.round(performance.now() - started);
  progress.phase = 'done';
  report();
  return result;
}

async function lockOrCreateOrganization(connection: pg.ClientBase, name: string): Promise<{ id: string; created: boolean }> {
  // Locked until commit: a concurrent import into the same organization waits for this one.
  const { rows } = await connection.query<{ id: string }>('SELECT id FROM organizations WHERE lower(name) = lower($1) FOR UPDATE', [name]);
  if (rows.length > 0) return { id: rows[0].id, created: false };
  const id = newId('orga');
  await connection.query('INSERT INTO organizations (id, name) VALUES ($1, $2)', [id, name]);
  return { id, created: true };
}

/**
 * The source's bytes, gunzipped when they start with gzip's magic bytes (so the file name does
 * not matter and stdin works). `onBytes` counts the bytes taken from the source.
 */
async function* decodedChunks(source: Readable, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  const counted = (async function* () {
    for await (const chunk of source) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      onBytes(buffer.length);
      yield buffer;
    }
  })();
  let head: Buffer = Buffer.alloc(0);
  while (head.length < 2) {
    const next = await counted.next();
    if (next.done) break;
    head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = zlib.createGunzip();
    const compressed = Readable.from(
      (async function* () {
        yield head;
        yield* counted;
      })(),
    );
    // Errors reach the reader through `gunzip`, which the pipeline destroys with them.
    pipeline(compressed, gunzip).catch(() => undefined);
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
        throw new AppError('BAD_USER_INPUT', `the gzip data is corrupt or truncated: ${(error as Error).message}`, { cause: error });
      }
      throw error;
    }
    return;
  }
  if (head.length > 0) yield head;
  yield* counted;
}

function translateError(error: unknown): unknown {
  if (isAppError(error)) return error;
  const pgError = error as { code?: string; constraint?: string };
  if (pgError?.code === '23505' && pgError.constraint === 'organizations_name_key') {
    return new AppError('CONFLICT', 'Another import created an organization of that name at the same time; run the import again.', { cause: error });
  }
  return error;
}
