/**
 * One export measurement, run by test/bench/run.ts in a child process of its own so that its
 * peak RSS (`process.resourceUsage().maxRSS`) is that measurement's alone (the mechanism of
 * export-bench.ts). Prints one JSON `ChildMeasure` on stdout.
 *
 *   limit:  COPY (<the case's SELECT over every lead, ONE statement>) TO STDOUT → gzip → dropped
 *   export: writeExportFile (the engine the worker runs) → the same sink
 *   naive:  the same SELECT as a row stream (pg-query-stream) → csv-stringify → gzip → dropped
 */
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { stringify } from 'csv-stringify';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import QueryStream from 'pg-query-stream';
import { parseExportParams } from '../../src/exports/export-params.js';
import { exportShapeOf, takeExportSnapshot } from '../../src/exports/export-snapshot.js';
import { writeExportFile } from '../../src/exports/write-export-file.js';
import { organizationLeadSource } from '../../src/writers/export-query.js';
import { copyStatementSql, exportStatement } from '../../src/writers/export-statement.js';

export type ChildSide = 'limit' | 'export' | 'naive';
export type ChildMeasure = {
  side: ChildSide;
  rows: number;
  seconds: number;
  gzipBytes: number;
  peakRssMb: number;
  /** limit and naive: bytes before gzip. */
  rawBytes?: number;
  /** export only: seconds until nDocs was known (the first progress callback). */
  firstProgressSeconds?: number;
};

/** Counts bytes and drops them. */
class CountingSink extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.bytes += chunk.length;
    callback();
  }
}

/** Counts the bytes passing through (before gzip). */
function rawCounter(): Transform & { bytes: number } {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      counter.bytes += chunk.length;
      callback(null, chunk);
    },
  }) as Transform & { bytes: number };
  counter.bytes = 0;
  return counter;
}

/**
 * The SELECT the export runs per batch, over every lead of the organization at once: the same
 * rows and columns, resolved the way writeExportFile resolves them (custom fields, address
 * blocks from a snapshot). Resolving is not timed.
 */
async function wholeStatement(client: pg.Client, organizationId: string, body: Record<string, unknown>) {
  const params = parseExportParams(body);
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  await client.query("SET LOCAL TIME ZONE 'UTC'");
  const snapshot = await takeExportSnapshot(client, { organizationId, params });
  await client.query('ROLLBACK');
  return exportStatement(exportShapeOf(organizationId, params, snapshot), organizationLeadSource(organizationId));
}

async function measureLimit(client: pg.Client, organizationId: string, body: Record<string, unknown>, gzipLevel: number) {
  const statement = await wholeStatement(client, organizationId, body);
  await client.query("SET TIME ZONE 'UTC'");
  const copy = copyTo(copyStatementSql(statement));
  const sink = new CountingSink();
  const raw = rawCounter();
  const started = performance.now();
  await pipeline(client.query(copy), raw, zlib.createGzip({ level: gzipLevel }), sink);
  return { rows: copy.rowCount, seconds: (performance.now() - started) / 1000, gzipBytes: sink.bytes, rawBytes: raw.bytes };
}

async function measureExport(client: pg.Client, organizationId: string, body: Record<string, unknown>, gzipLevel: number) {
  const sink = new CountingSink();
  const started = performance.now();
  let firstProgressSeconds: number | undefined;
  const result = await writeExportFile({
    connection: client,
    organizationId,
    params: parseExportParams(body),
    sink,
    gzipLevel,
    onProgress: () => (firstProgressSeconds ??= (performance.now() - started) / 1000),
  });
  return { rows: result.nDocsProcessed, seconds: (performance.now() - started) / 1000, gzipBytes: sink.bytes, firstProgressSeconds };
}

/** What a developer would write first: rows as objects, stringified in Node. */
async function measureNaive(client: pg.Client, organizationId: string, body: Record<string, unknown>, gzipLevel: number) {
  const statement = await wholeStatement(client, organizationId, body);
  await client.query("SET TIME ZONE 'UTC'");
  const sink = new CountingSink();
  const raw = rawCounter();
  let rows = 0;
  const started = performance.now();
  const stream = client.query(new QueryStream(statement.select, [], { batchSize: 1000, rowMode: 'array' }));
  await pipeline(
    stream,
    async function* (source: AsyncIterable<unknown[]>) {
      for await (const row of source) {
        rows++;
        yield row;
      }
    },
    stringify({ header: true, columns: statement.header ?? ['json'] }),
    raw,
    zlib.createGzip({ level: gzipLevel }),
    sink,
  );
  return { rows, seconds: (performance.now() - started) / 1000, gzipBytes: sink.bytes, rawBytes: raw.bytes };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { side: { type: 'string' }, url: { type: 'string' }, 'org-id': { type: 'string' }, body: { type: 'string' }, 'gzip-level': { type: 'string' } },
  });
  const side = values.side as ChildSide;
  const body = JSON.parse(values.body!) as Record<string, unknown>;
  const gzipLevel = Number(values['gzip-level']);
  const client = new pg.Client({ connectionString: values.url, application_name: `bench-${side}` });
  await client.connect();
  try {
    const run = { limit: measureLimit, export: measureExport, naive: measureNaive }[side];
    const measured = await run(client, values['org-id']!, body, gzipLevel);
    const measure: ChildMeasure = { side, ...measured, peakRssMb: process.resourceUsage().maxRSS / 1024 };
    process.stdout.write(JSON.stringify(measure));
  } finally {
    await client.end();
  }
}

await main();
