import { Writable } from 'node:stream';
import zlib from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExportParams } from '../../src/exports/export-params.js';
import { writeExportFile } from '../../src/exports/write-export-file.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertBulkLeads } from './bulk-leads.js';

/** A sink that accepts nothing: the export stalls on back-pressure, PostgreSQL on a full socket. */
class StalledSink extends Writable {
  override _write(): void {}
}

/**
 * One export is one REPEATABLE READ transaction: the file is a snapshot whatever is written
 * meanwhile. Cancelling stops it within two seconds wherever it is (a long snapshot query, or a
 * COPY whose server is blocked on a full socket) and leaves the connection idle and reusable.
 */
describe('the export transaction', () => {
  let db: TestDatabase;
  let org: string;
  let connection: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase();
    connection = new pg.Client({ connectionString: db.url });
    await connection.connect();
    org = await insertBulkLeads(connection, { tag: 'abort', leads: 20_000, children: false });
  }, 60_000);
  afterAll(async () => {
    await connection?.end();
    await db?.drop();
  });

  async function expectIdleAndReusable(): Promise<void> {
    const { rows } = await connection.query(
      "SELECT current_setting('transaction_read_only') AS ro, to_regclass('pg_temp.export_leads') AS snapshot, current_setting('enable_hashjoin') AS hashjoin",
    );
    expect(rows[0]).toEqual({ ro: 'off', snapshot: null, hashjoin: 'on' });
    const again = await writeExportFile({
      connection,
      organizationId: org,
      params: parseExportParams({ format: 'csv', type: 'leads', fields: ['id'] }),
      sink: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
    });
    expect(again.nDocsProcessed).toBe(20_000);
  }

  it('writes a consistent snapshot: changes committed during the export are not in the file', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let firstWrite!: () => void;
    const written = new Promise<void>((resolve) => (firstWrite = resolve));
    const received: Buffer[] = [];
    // Holds the first gzip chunk until the change below is committed: by then only the first
    // rows have been produced, and the export continues with the rest afterwards.
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk);
        firstWrite();
        released.then(() => callback());
      },
    });
    const last = `lead_abort_${String(20_000).padStart(9, '0')}`;
    const running = writeExportFile({
      connection,
      organizationId: org,
      params: parseExportParams({ format: 'csv', type: 'leads', fields: ['id', 'display_name'] }),
      sink,
      batchSize: 500,
    });
    await written;
    await db.knex('leads').where({ id: last }).update({ display_name: 'CHANGED MEANWHILE' });
    await db.knex('leads').where({ id: `lead_abort_${String(1).padStart(9, '0')}` }).delete();
    release();
    const result = await running;
    const text = zlib.gunzipSync(Buffer.concat(received)).toString();
    expect(result.nDocsProcessed).toBe(20_000);
    expect(text.trimEnd().split('\n').at(-1)).toBe(`${last},"Company 20000, Inc."`);
    expect(text.split('\n')[1]).toBe(`lead_abort_${String(1).padStart(9, '0')},"Company 1, Inc."`);
    // Put the dataset back for the next tests.
    await db.knex('leads').where({ id: last }).update({ display_name: 'Company 20000, Inc.' });
    await connection.query(
      `INSERT INTO leads (id, organization_id, name, display_name, status_id) VALUES ('lead_abort_000000001', $1, 'Company 1, Inc.', 'Company 1, Inc.', 'stat_abort_1')`,
      [org],
    );
  });

  it('stops a COPY blocked on a stalled sink within two seconds', async () => {
    const stop = new AbortController();
    const reason = new Error('canceled by the test');
    let streaming = false;
    const running = writeExportFile({
      connection,
      organizationId: org,
      params: parseExportParams({ format: 'csv', type: 'leads' }),
      sink: new StalledSink({ highWaterMark: 1024 }),
      signal: stop.signal,
      batchSize: 20_000, // one COPY: the abort lands in the middle of it
      onProgress: () => (streaming = true),
    });
    const outcome = running.then(
      () => 'finished',
      (error: unknown) => error,
    );
    await expect.poll(() => streaming, { timeout: 10_000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500)); // let the pipes and the socket fill up
    const abortedAt = performance.now();
    stop.abort(reason);
    expect(await outcome).toBe(reason);
    expect(performance.now() - abortedAt).toBeLessThan(2000);
    await expectIdleAndReusable();
  });

  it('stops a long snapshot query within two seconds', async () => {
    const stop = new AbortController();
    const slow = { sql: 'SELECT id FROM leads, pg_sleep(30) WHERE organization_id = $1 ORDER BY id', bindings: [org] };
    const running = writeExportFile({
      connection,
      organizationId: org,
      params: parseExportParams({ format: 'json', type: 'leads' }),
      leadSelection: slow,
      sink: new StalledSink(),
      signal: stop.signal,
    }).then(
      () => 'finished',
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const abortedAt = performance.now();
    stop.abort();
    expect(await running).toMatchObject({ name: 'AbortError' });
    expect(performance.now() - abortedAt).toBeLessThan(2000);
    await expectIdleAndReusable();
  });

  it('does not start when the signal is already aborted', async () => {
    await expect(
      writeExportFile({
        connection,
        organizationId: org,
        params: parseExportParams({ format: 'csv', type: 'leads' }),
        sink: new StalledSink(),
        signal: AbortSignal.abort(),
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    await expectIdleAndReusable();
  });
});
