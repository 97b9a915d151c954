import { Writable } from 'node:stream';
import type pg from 'pg';
import { withDedicatedConnection, type Knex } from '../db/knex.js';
import type { ExportParams } from './export-params.js';
import type { ExportRecord } from './export-record.js';
import { compileExportSelection, type ExportSelection } from './export-selection.js';
import { takeExportSnapshot, type ExportSnapshot } from './export-snapshot.js';
import { UnusableConnectionError, writeExportFile } from './write-export-file.js';

export type ExportPreview = {
  /** Leads the export would cover. */
  leads: number;
  /** Rows (CSV) or array elements (JSON): leads, contacts or opportunities. */
  rows: number;
  /** Size of the gzip file, extrapolated from really exporting a sample of the leads. */
  estimatedBytes: number;
};

const SAMPLE_LEADS = 200;

/**
 * What an export would produce, without starting it: the counts of the very snapshot the export
 * takes (in a transaction rolled back at once), and a size estimate from writing the first
 * SAMPLE_LEADS leads through the real pipeline. Throws BAD_USER_INPUT for a query the compiler
 * rejects.
 */
export async function previewExport(
  knex: Knex,
  draft: Pick<ExportRecord, 'organization_id' | 'created_by' | 'tz_offset_minutes' | 's_query' | 'results_limit' | 'sort' | 'type'>,
  params: ExportParams,
): Promise<ExportPreview> {
  const selection = await compileExportSelection(knex, { ...draft, date_created: new Date() });
  return withDedicatedConnection(knex, async (connection) => {
    await connection.query('BEGIN');
    let snapshot: ExportSnapshot;
    try {
      snapshot = await takeExportSnapshot(connection, { organizationId: draft.organization_id, params, ...selection });
    } finally {
      await connection.query('ROLLBACK');
    }
    const { leadCount: leads, nDocs: rows } = snapshot;
    if (rows === 0) return { leads, rows, estimatedBytes: 0 };
    return { leads, rows, estimatedBytes: await estimateBytes(connection, draft.organization_id, params, selection, rows) };
  }, (error) => error instanceof UnusableConnectionError);
}

async function estimateBytes(
  connection: pg.PoolClient,
  organizationId: string,
  params: ExportParams,
  selection: ExportSelection,
  rows: number,
): Promise<number> {
  let sampleBytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      sampleBytes += chunk.length;
      callback();
    },
  });
  const { leadSelection, rowSelection } = selection;
  const sample = await writeExportFile({
    connection,
    organizationId,
    params,
    leadSelection: { sql: `SELECT s.id FROM (${leadSelection.sql}) s LIMIT ${SAMPLE_LEADS}`, bindings: leadSelection.bindings },
    rowSelection,
    sink,
  });
  return Math.round((sampleBytes / Math.max(1, sample.nDocs)) * rows);
}
