/**
 * Export speed against PostgreSQL's own limit, on the same database in the same run:
 *
 *   baseline: COPY (<the leads CSV export's SELECT over every lead of the org, as ONE statement>)
 *             TO STDOUT WITH (FORMAT csv) → gzip (same level) → counted and dropped
 *   export:   writeExportFile (type leads, format csv, default fields) → the same sink
 *
 * Each side runs in its own Node process (peak RSS is per process), alternately, `--runs` times;
 * the best run of each is compared. Target: export ≥ 0.8 × baseline rows/s, peak RSS < 200 MB.
 *
 *   DATA_DIR=/tmp/export-bench EMBEDDED_PG_PORT=54420 npx tsx test/bench/export-bench.ts --org Bench
 *   DATABASE_URL=postgres://… npx tsx test/bench/export-bench.ts --org Bench --runs 3 --gzip-level 6
 *   … --bulk 1000000   (no seeded org: generate one with INSERT … SELECT generate_series)
 */
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { parseExportParams } from '../../src/exports/export-params.js';
import { exportShapeOf, takeExportSnapshot } from '../../src/exports/export-snapshot.js';
import { writeExportFile } from '../../src/exports/write-export-file.js';
import { createLogger } from '../../src/logger.js';
import { organizationLeadSource } from '../../src/writers/export-query.js';
import { CSV_COPY_OPTIONS, exportStatement } from '../../src/writers/export-statement.js';
import { insertBulkLeads } from '../exports/bulk-leads.js';

type Measure = { side: 'baseline' | 'export'; rows: number; seconds: number; gzipBytes: number; peakRssMb: number; snapshotSeconds?: number };

const { values: args } = parseArgs({
  options: {
    org: { type: 'string' },
    bulk: { type: 'string' },
    runs: { type: 'string', default: '2' },
    'gzip-level': { type: 'string', default: '6' },
    child: { type: 'string' },
    url: { type: 'string' },
    'org-id': { type: 'string' },
  },
});
const gzipLevel = Number(args['gzip-level']);

/** Counts bytes and drops them. */
class CountingSink extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.bytes += chunk.length;
    callback();
  }
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'export-bench' });
  // A lost connection fails the query in progress; the event itself must not crash the process.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** The baseline side: one COPY of the very SELECT the export runs per batch, over all leads. */
async function runBaseline(url: string, organizationId: string): Promise<Measure> {
  const client = await connect(url);
  const started = performance.now();
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  // The same shape the export resolves (custom fields, address blocks), read the same way.
  const params = parseExportParams({ format: 'csv', type: 'leads' });
  const snapshot = await takeExportSnapshot(client, { organizationId, params });
  await client.query('ROLLBACK');
  const shape = exportShapeOf(organizationId, params, snapshot);
  const shapeSeconds = (performance.now() - started) / 1000;
  const { select } = exportStatement(shape, organizationLeadSource(organizationId));
  const copy = copyTo(`COPY (${select}) TO STDOUT WITH ${CSV_COPY_OPTIONS}`);
  const sink = new CountingSink();
  const copyStarted = performance.now();
  await pipeline(client.query(copy), zlib.createGzip({ level: gzipLevel }), sink);
  const seconds = (performance.now() - copyStarted) / 1000;
  await client.end();
  process.stderr.write(`  (baseline: resolving the shape took ${shapeSeconds.toFixed(2)} s, not counted)\n`);
  return { side: 'baseline', rows: copy.rowCount, seconds, gzipBytes: sink.bytes, peakRssMb: peakRssMb() };
}

async function runExport(url: string, organizationId: string): Promise<Measure> {
  const client = await connect(url);
  const sink = new CountingSink();
  const started = performance.now();
  let snapshotSeconds: number | undefined;
  const result = await writeExportFile({
    connection: client,
    organizationId,
    params: parseExportParams({ format: 'csv', type: 'leads' }),
    sink,
    gzipLevel,
    onProgress: () => (snapshotSeconds ??= (performance.now() - started) / 1000),
  });
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  return { side: 'export', rows: result.nDocsProcessed, seconds, gzipBytes: sink.bytes, peakRssMb: peakRssMb(), snapshotSeconds };
}

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
}

function runChild(side: string, url: string, organizationId: string): Promise<Measure> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, import.meta.filename, '--child', side, '--url', url, '--org-id', organizationId, '--gzip-level', String(gzipLevel)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Measure) : reject(new Error(`${side} run exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  if (args.child) {
    const measure = args.child === 'baseline' ? await runBaseline(args.url!, args['org-id']!) : await runExport(args.url!, args['org-id']!);
    process.stdout.write(JSON.stringify(measure));
    return;
  }

  // DATABASE_URL, or the embedded server under DATA_DIR (EMBEDDED_PG_PORT), migrated: a fresh
  // DATA_DIR works with --bulk.
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
  const db = await openDatabase(config, createLogger(config));
  const { url } = db;
  try {
    const client = await connect(url);
    let organizationId: string;
    if (args.bulk) {
      const tag = `bench${Date.now().toString(36)}`;
      process.stderr.write(`generating ${args.bulk} leads (organization orga_${tag})…\n`);
      const started = performance.now();
      organizationId = await insertBulkLeads(client, { tag, leads: Number(args.bulk) });
      process.stderr.write(`  generated in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    } else {
      const found = await client.query<{ id: string }>('SELECT id FROM organizations WHERE lower(name) = lower($1)', [args.org ?? 'Bench']);
      if (found.rows.length === 0) throw new Error(`No organization named "${args.org ?? 'Bench'}": seed one or pass --bulk N`);
      organizationId = found.rows[0].id;
    }
    const count = await client.query<{ n: string }>('SELECT count(*) AS n FROM leads WHERE organization_id = $1', [organizationId]);
    await client.end();
    process.stderr.write(`organization ${organizationId}: ${count.rows[0].n} leads, gzip level ${gzipLevel}\n`);

    const measures: Measure[] = [];
    for (let run = 0; run < Number(args.runs); run++) {
      for (const side of ['baseline', 'export']) {
        const m = await runChild(side, url, organizationId);
        measures.push(m);
        process.stderr.write(
          `  ${side.padEnd(8)} ${m.rows} rows in ${m.seconds.toFixed(2)} s = ${Math.round(m.rows / m.seconds)} rows/s, ` +
            `${(m.gzipBytes / 1e6).toFixed(1)} MB gzip, peak RSS ${m.peakRssMb.toFixed(0)} MB` +
            `${m.snapshotSeconds === undefined ? '' : ` (n_docs known after ${m.snapshotSeconds.toFixed(2)} s)`}\n`,
        );
      }
    }
    const best = (side: string) => measures.filter((m) => m.side === side).reduce((a, b) => (a.rows / a.seconds >= b.rows / b.seconds ? a : b));
    const baseline = best('baseline');
    const exported = best('export');
    const ratio = exported.rows / exported.seconds / (baseline.rows / baseline.seconds);
    const peak = Math.max(...measures.filter((m) => m.side === 'export').map((m) => m.peakRssMb));
    console.log(
      JSON.stringify(
        {
          leads: exported.rows,
          gzipLevel,
          baselineRowsPerSecond: Math.round(baseline.rows / baseline.seconds),
          exportRowsPerSecond: Math.round(exported.rows / exported.seconds),
          ratio: Number(ratio.toFixed(3)),
          exportPeakRssMb: Math.round(peak),
          baselinePeakRssMb: Math.round(Math.max(...measures.filter((m) => m.side === 'baseline').map((m) => m.peakRssMb))),
          targetMet: ratio >= 0.8 && peak < 200,
        },
        null,
        2,
      ),
    );
  } finally {
    await db.close();
  }
}

await main();
