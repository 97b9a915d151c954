import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { openDatabase, type Database } from '../db/database.js';
import { isAppError } from '../errors/app-error.js';
import { createLogger } from '../logger.js';
import { seedOrganization, type SeedProgress } from '../seed/seed-organization.js';
import { DEFAULT_ANCHOR } from '../seed/organization-plan.js';
import { abortOnInterrupt, count, duration, parseCommandLine, progressWriter, UsageError } from './cli-support.js';

// `npm run seed -- --org "Acme" --leads 1000000 --seed 42`: a new organization full of
// deterministic, realistic CRM data. Progress goes to stderr, the summary to stdout.
// Exit codes: 0 done, 1 failed (nothing was written), 2 bad arguments, 130 interrupted.

const USAGE = `Usage: npm run seed -- --org <name> --leads <count> [--seed <n>] [--anchor <date>]

Creates an organization full of realistic CRM data. The same options give the same data.

  --org <name>      name of the organization to create (an existing one must have no leads)
  --leads <count>   number of leads, e.g. 1000000
  --seed <n>        random seed, a whole number (default 42)
  --anchor <date>   generated dates lie before this instant, YYYY-MM-DD or ISO 8601
                    (default ${DEFAULT_ANCHOR.toISOString()})
  --help            show this help

The database is DATABASE_URL, or the embedded PostgreSQL under DATA_DIR.
`;

type Arguments = { organizationName: string; leads: number; seed: number; anchor: Date };

function parseArguments(argv: string[]): Arguments | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      org: { type: 'string' },
      leads: { type: 'string' },
      seed: { type: 'string', default: '42' },
      anchor: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const organizationName = values.org?.trim();
  if (!organizationName) throw new UsageError('--org is required');
  if (values.leads === undefined) throw new UsageError('--leads is required');
  const leads = wholeNumber('--leads', values.leads, false);
  const seed = wholeNumber('--seed', values.seed, true);
  let anchor = DEFAULT_ANCHOR;
  if (values.anchor !== undefined) {
    const text = values.anchor.trim();
    anchor = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
    if (Number.isNaN(anchor.getTime())) throw new UsageError(`--anchor: "${values.anchor}" is not a date (YYYY-MM-DD or ISO 8601)`);
  }
  return { organizationName, leads, seed, anchor };
}

function wholeNumber(flag: string, text: string, signed: boolean): number {
  const digits = text.trim().replace(/[_,]/g, '');
  const value = Number(digits);
  if (!(signed ? /^-?\d+$/ : /^\d+$/).test(digits) || !Number.isSafeInteger(value)) {
    throw new UsageError(`${flag}: "${text}" is not a whole number${signed ? '' : ' (0 or more)'}`);
  }
  return value;
}

function progressLine(progress: SeedProgress, elapsedMs: number, name: string): string {
  const rate = progress.rowsWritten / Math.max(elapsedMs / 1000, 0.001);
  const rows = `${count(progress.rowsWritten)} rows, ${count(Math.round(rate))} rows/s`;
  if (progress.phase === 'indexing') {
    return `seeding "${name}": all ${count(progress.leadsTotal)} leads written (${rows}); building indexes ${progress.indexesBuilt}/${progress.indexesTotal}…`;
  }
  if (progress.phase === 'done') return `seeding "${name}": ${count(progress.leadsWritten)} leads written (${rows}), committing…`;
  const share = progress.leadsTotal === 0 ? 1 : progress.leadsWritten / progress.leadsTotal;
  const eta = progress.leadsWritten > 0
    ? `ETA ${duration((elapsedMs / progress.leadsWritten) * (progress.leadsTotal - progress.leadsWritten))}${progress.indexesTotal > 0 ? ' + index builds' : ''}`
    : 'ETA …';
  return `seeding "${name}": ${count(progress.leadsWritten)} / ${count(progress.leadsTotal)} leads (${(share * 100).toFixed(1)}%), ${rows}, ${eta}`;
}

async function main(): Promise<number> {
  const commandLine = parseCommandLine(parseArguments, USAGE);
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const { args } = commandLine;

  let database: Database;
  try {
    const config = loadConfig(process.env);
    database = await openDatabase(config, createLogger(config, { to: 'stderr' }));
  } catch (error) {
    process.stderr.write(`error: cannot open the database: ${(error as Error)?.message ?? String(error)}\n`);
    return 1;
  }
  const abort = abortOnInterrupt();

  const progress = progressWriter(5000);
  const started = Date.now();
  try {
    const result = await seedOrganization(database.knex, {
      organizationName: args.organizationName,
      leads: args.leads,
      seed: args.seed,
      anchor: args.anchor,
      signal: abort.signal,
      onProgress: (state) => progress.write(progressLine(state, Date.now() - started, args.organizationName), state.phase === 'done'),
    });
    progress.end();
    const elapsed = Date.now() - started;
    const total = Object.values(result.counts).reduce((sum, n) => sum + n, 0);
    const width = Math.max(...Object.keys(result.counts).map((table) => table.length));
    const lines = Object.entries(result.counts).map(([table, n]) => `  ${table.padEnd(width)}  ${count(n).padStart(12)}`);
    const size = await database.knex.raw<{ rows: Array<{ size: string }> }>('SELECT pg_size_pretty(pg_database_size(current_database())) AS size');
    process.stdout.write(
      `Seeded "${args.organizationName}" (${result.organizationId}) in ${duration(elapsed)}: ` +
        `${count(args.leads)} leads, ${count(total)} rows, ${count(Math.round(total / Math.max(elapsed / 1000, 0.001)))} rows/s, ` +
        `seed ${args.seed}, anchor ${args.anchor.toISOString()}; the database now takes ${size.rows[0].size}\n${lines.join('\n')}\n`,
    );
    return 0;
  } catch (error) {
    progress.end();
    if (abort.signal.aborted) {
      process.stderr.write('interrupted: nothing was written\n');
      return 130;
    }
    process.stderr.write(`error: ${isAppError(error) ? error.message : ((error as Error)?.stack ?? String(error))}\n`);
    return 1;
  } finally {
    await database.close();
  }
}

process.exitCode = await main();
