import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { isAppError } from '../errors/app-error.js';
import type { ImportProgress, ImportResult } from '../import/import-leads-json.js';
import { abortOnInterrupt, count, duration, parseCommandLine, progressWriter, UsageError } from './cli-support.js';

// `npm run import -- --org "Acme" leads.json.gz`: loads a JSON leads export into an
// organization, all or nothing. Progress goes to stderr, the summary to stdout.
// Exit codes: 0 done, 1 failed (nothing was written), 2 bad arguments or bad input (nothing
// was written), 130 interrupted (nothing was written).

const USAGE = `Usage: npm run import -- --org <name> [--new-ids] [--replace] <file.json | file.json.gz | ->

Loads a JSON leads export (as this gateway or Close writes it) into an organization: leads with
their contacts, addresses, opportunities, tasks, activities and custom objects. Missing users,
statuses, pipelines, custom object types and custom fields are created; existing ones are
matched (users by email or name, statuses by label, pipelines and custom fields by name).
The import is one transaction: it lands completely or not at all.

  --org <name>   organization to import into (created when missing)
  --new-ids      give every imported object a new random id: copies, however often imported.
                 By default the file's ids are kept where no row has them yet; an object whose
                 id another organization holds (the file's source, say) gets an id derived
                 from the organization and its file id, the same on every import
  --replace      a lead the organization already has (same or derived id: the file was
                 imported before) is replaced by the file's version, with everything under it;
                 by default the import stops with an error and writes nothing
  --help         show this help

The file may be gzip-compressed (recognised by its content); "-" reads standard input.
The database is DATABASE_URL, or the embedded PostgreSQL under DATA_DIR.
`;

type Arguments = { organizationName: string; file: string; newIds: boolean; replace: boolean };

function parseArguments(argv: string[]): Arguments | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      org: { type: 'string' },
      'new-ids': { type: 'boolean', default: false },
      replace: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return 'help';
  const organizationName = values.org?.trim();
  if (!organizationName) throw new UsageError('--org is required');
  if (positionals.length === 0) throw new UsageError('the file to import is required');
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}": import one file at a time`);
  if (values['new-ids'] && values.replace) throw new UsageError('--replace and --new-ids exclude each other: new ids never match existing leads');
  return { organizationName, file: positionals[0], newIds: values['new-ids'], replace: values.replace };
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function progressLine(progress: ImportProgress, elapsedMs: number, totalBytes: number | undefined, name: string): string {
  const seconds = Math.max(elapsedMs / 1000, 0.001);
  const rate = `${count(Math.round(progress.elementsRead / seconds))} leads/s`;
  const elements = `${count(progress.elementsRead)} leads read, ${count(progress.leadsWritten)} written`;
  if (progress.phase !== 'reading') {
    return `importing into "${name}": ${elements} (${rate}); ${progress.phase === 'finishing' ? 'finishing custom fields' : 'committing'}…`;
  }
  if (totalBytes === undefined || totalBytes === 0) return `importing into "${name}": ${elements}, ${megabytes(progress.bytesRead)} read, ${rate}`;
  const share = Math.min(1, progress.bytesRead / totalBytes);
  const eta = share > 0 ? `ETA ${duration((elapsedMs / share) * (1 - share))}` : 'ETA …';
  return `importing into "${name}": ${(share * 100).toFixed(1)}% (${megabytes(progress.bytesRead)} / ${megabytes(totalBytes)}), ${elements}, ${rate}, ${eta}`;
}

function summary(args: Arguments, result: ImportResult): string {
  const lines = Object.entries(result.rows).map(([table, n]) => [table, n] as const);
  const created = result.created;
  for (const [table, n] of [
    ['users', created.usersCreated], ['lead_statuses', created.leadStatusesCreated], ['pipelines', created.pipelinesCreated],
    ['opportunity_statuses', created.opportunityStatusesCreated], ['custom_object_types', created.customObjectTypesCreated],
    ['custom_fields', created.customFieldsCreated],
  ] as const) lines.push([`${table} (created)`, n]);
  const width = Math.max(...lines.map(([table]) => table.length));
  const total = Object.values(result.rows).reduce((sum, n) => sum + n, 0);
  const seconds = Math.max(result.elapsedMs / 1000, 0.001);
  const notes = [
    `${count(result.ids.kept)} ids kept, ${count(result.ids.minted)} new`,
    result.ids.minted > 0 && !args.newIds ? ' (derived from the file\'s ids, which other rows hold: another organization has these leads)' : '',
    result.leadsReplaced > 0 ? `; ${count(result.leadsReplaced)} existing leads replaced` : '',
    created.usersMatched > 0 ? `; ${count(created.usersMatched)} users matched` : '',
  ].join('');
  return (
    `Imported ${count(result.leads)} leads into "${args.organizationName}" (${result.organizationId}${result.organizationCreated ? ', new' : ''}) ` +
    `in ${duration(result.elapsedMs)}: ${count(Math.round(result.leads / seconds))} leads/s, ${count(total)} rows, ${megabytes(result.bytesRead)} read\n` +
    `${notes}\n${lines.map(([table, n]) => `  ${table.padEnd(width)}  ${count(n).padStart(12)}`).join('\n')}\n`
  );
}

async function main(): Promise<number> {
  const commandLine = parseCommandLine(parseArguments, USAGE);
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const { args } = commandLine;

  let totalBytes: number | undefined;
  let source: Readable;
  if (args.file === '-') source = process.stdin;
  else {
    try {
      const stat = fs.statSync(args.file);
      if (!stat.isFile()) throw new UsageError(`${args.file} is not a file`);
      totalBytes = stat.size;
      fs.accessSync(args.file, fs.constants.R_OK);
    } catch (error) {
      const reason = error instanceof UsageError ? error.message : `cannot read ${args.file}: ${(error as Error).message}`;
      process.stderr.write(`error: ${reason}\n`);
      return 2;
    }
    source = fs.createReadStream(args.file, { highWaterMark: 1024 * 1024 });
  }

  // Loaded only now: argument and file errors answer at once, without the database stack.
  const [{ loadConfig }, { openDatabase }, { createLogger }, { importLeadsJson }] = await Promise.all([
    import('../config.js'), import('../db/database.js'), import('../logger.js'), import('../import/import-leads-json.js'),
  ]);
  const config = loadConfig(process.env);
  const database = await openDatabase(config, createLogger(config, { to: 'stderr' }));
  const abort = abortOnInterrupt();

  // A line a second off a terminal, and one at each change of phase.
  const progress = progressWriter(1000);
  const started = Date.now();
  let lastPhase = '';
  try {
    const result = await importLeadsJson(database.knex, {
      organizationName: args.organizationName,
      source,
      ids: args.newIds ? 'new' : 'keep',
      existingLeads: args.replace ? 'replace' : 'fail',
      signal: abort.signal,
      onProgress: (state) => {
        if (state.phase === 'done') return;
        progress.write(progressLine(state, Date.now() - started, totalBytes, args.organizationName), state.phase !== lastPhase);
        lastPhase = state.phase;
      },
    });
    progress.end();
    process.stdout.write(summary(args, result));
    return 0;
  } catch (error) {
    progress.end();
    if (abort.signal.aborted) {
      process.stderr.write('interrupted: nothing was imported\n');
      return 130;
    }
    if (isAppError(error) && (error.code === 'BAD_USER_INPUT' || error.code === 'CONFLICT')) {
      process.stderr.write(`error: ${error.message}\nNothing was imported.\n`);
      return 2;
    }
    process.stderr.write(`error: ${isAppError(error) ? error.message : ((error as Error)?.stack ?? String(error))}\nNothing was imported.\n`);
    return 1;
  } finally {
    await database.close();
  }
}

process.exitCode = await main();
