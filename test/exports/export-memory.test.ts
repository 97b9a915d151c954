import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertBulkLeads } from './bulk-leads.js';

const run = promisify(execFile);
const CHILD = path.join(import.meta.dirname, 'fixtures', 'export-memory-child.ts');

type ChildResult = { rows: number; seconds: number; peakRssMb: number };

/**
 * Memory stays flat whatever the size: the same export of 10 000 and 200 000 leads, each in
 * its own process, must peak within 30 MB of each other and under 200 MB. (The 200 000-lead
 * CSV is ~60 MB before gzip: holding any sizeable part of it would show. The 10 000-lead run
 * peaks 10–25 MB lower only because it ends before V8's heap and the Buffers awaiting GC reach
 * their plateau, which the long run reaches after ~3 s and then holds.)
 */
describe('export memory', () => {
  let db: TestDatabase;
  let small: string;
  let large: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      // This database only serves this test: drop what makes bulk inserts slow and exports never use.
      const { rows } = await client.query<{ name: string }>(
        "SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public' AND indexdef ILIKE '%USING gin%'",
      );
      for (const { name } of rows) await client.query(`DROP INDEX ${name}`);
      await client.query("SET session_replication_role = 'replica'"); // skip foreign-key triggers
      // Leads without children: memory is about streaming rows, and the test must stay quick.
      small = await insertBulkLeads(client, { tag: 'small', leads: 10_000, children: false });
      large = await insertBulkLeads(client, { tag: 'large', leads: 200_000, children: false });
    } finally {
      await client.end();
    }
  }, 120_000);
  afterAll(async () => db?.drop());

  const exportIn = async (organizationId: string, body: Record<string, unknown>): Promise<ChildResult> => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, db.url, organizationId, JSON.stringify(body)], {
      cwd: path.join(import.meta.dirname, '..', '..'),
    });
    return JSON.parse(stdout) as ChildResult;
  };

  // Lead columns without the per-lead child lookups keep the test quick; the rows still flow
  // through the same COPY → gzip → sink pipeline as any export.
  const fields = ['id', 'display_name', 'name', 'description', 'url', 'status_label', 'created_by_name', 'date_created', 'custom'];

  it('peaks at the same RSS for 10 000 and 200 000 leads (CSV)', async () => {
    const body = { format: 'csv', type: 'leads', fields };
    const a = await exportIn(small, body);
    const b = await exportIn(large, body);
    expect([a.rows, b.rows]).toEqual([10_000, 200_000]);
    console.log(`peak RSS: 10k leads ${a.peakRssMb.toFixed(0)} MB (${a.seconds.toFixed(1)} s), 200k leads ${b.peakRssMb.toFixed(0)} MB (${b.seconds.toFixed(1)} s)`);
    expect(b.peakRssMb - a.peakRssMb).toBeLessThan(30);
    expect(b.peakRssMb).toBeLessThan(200);
  }, 120_000);

  it('peaks at the same RSS for 10 000 and 200 000 leads (JSON)', async () => {
    const body = { format: 'json', type: 'leads', fields };
    const a = await exportIn(small, body);
    const b = await exportIn(large, body);
    expect([a.rows, b.rows]).toEqual([10_000, 200_000]);
    console.log(`peak RSS: 10k leads ${a.peakRssMb.toFixed(0)} MB (${a.seconds.toFixed(1)} s), 200k leads ${b.peakRssMb.toFixed(0)} MB (${b.seconds.toFixed(1)} s)`);
    expect(b.peakRssMb - a.peakRssMb).toBeLessThan(30);
    expect(b.peakRssMb).toBeLessThan(200);
  }, 120_000);
});
