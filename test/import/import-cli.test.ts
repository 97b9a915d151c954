import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createKnex } from '../../src/db/knex.js';
import { seedOrganization } from '../../src/seed/seed-organization.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { runCli } from '../helpers/process.js';
import { exportOrganization, organizationCounts, tableCounts } from './import-helpers.js';

/** `npm run import -- …` as a real child process. */
const runImport = (args: string[], env: Record<string, string>, options: { tty?: boolean } = {}) => runCli('import', args, env, options);

describe('npm run import (CLI)', () => {
  let db: TestDatabase;
  let dir: string;
  let gz: string;
  let plain: string;
  let bad: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    const org = (await seedOrganization(db.knex, { organizationName: 'Source', leads: 20, seed: 5 })).organizationId;
    const file = await exportOrganization(db.url, org);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-cli-'));
    gz = path.join(dir, 'leads.json.gz');
    fs.writeFileSync(gz, zlib.gzipSync(file));
    plain = path.join(dir, 'leads.json');
    fs.writeFileSync(plain, file);
    const leads = JSON.parse(file);
    leads[3].tasks = [{ id: 'task_x', is_complete: 'yes' }];
    bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify(leads));
    env = { DATABASE_URL: db.url };
  });
  afterAll(async () => {
    await db?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('imports a .json.gz file: exit 0, progress on stderr line by line (in place on a terminal), the summary on stdout; bad arguments and bad input exit 2 and write nothing', async () => {
    const before = await tableCounts(db.knex);
    const [ok, onTerminal, noOrg, missing, malformed, both] = await Promise.all([
      runImport(['--org', 'From CLI', gz], env),
      runImport(['--org', 'On a terminal', plain], env, { tty: true }),
      runImport([gz], env),
      runImport(['--org', 'Missing', path.join(dir, 'nope.json')], env),
      runImport(['--org', 'Malformed', bad], env),
      runImport(['--org', 'Both', '--replace', '--new-ids', gz], env),
    ]);

    expect(ok.stderr).toMatch(/^importing into "From CLI": \d+\.\d% \([\d.]+ MB \/ [\d.]+ MB\), \d+ leads read, \d+ written, [\d,]+ leads\/s, ETA/m);
    expect(ok.stderr).toMatch(/^importing into "From CLI": 20 leads read, 20 written \([\d,]+ leads\/s\); committing…$/m);
    expect(ok.stderr).not.toContain('\r');
    expect(ok.stdout).toMatch(/^Imported 20 leads into "From CLI" \(orga_\w+, new\) in [\d.]+s: [\d,]+ leads\/s, [\d,]+ rows, [\d.]+ MB read$/m);
    expect(ok.stdout).toMatch(/^ {2}activities +\d+$/m);
    expect(ok.stdout).toMatch(/^ {2}custom_fields \(created\) +\d+$/m);
    expect(ok.code).toBe(0);
    const [id] = await db.knex('organizations').where({ name: 'From CLI' }).pluck('id');
    expect((await organizationCounts(db.knex, id)).leads).toBe(20);

    expect(noOrg).toMatchObject({ code: 2, stdout: '' });
    expect(noOrg.stderr).toMatch(/^error: --org is required\n\nUsage: npm run import/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: cannot read .*nope\.json: ENOENT/);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('error: element 3: tasks[0].is_complete: expected true or false, got the string "yes"\nNothing was imported.\n');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^error: --replace and --new-ids exclude each other/);

    // On a terminal, the bar is redrawn in place (script(1) merges the terminal's output into stdout).
    expect(onTerminal.code).toBe(0);
    expect(onTerminal.stdout).toMatch(/\r\x1b\[2Kimporting into "On a terminal": /);

    // Only the successful runs wrote anything.
    const after = await tableCounts(db.knex);
    expect(after.organizations).toBe(before.organizations + 2);
    expect(after.leads).toBe(before.leads + 40);
  });

  it('refuses a repeated import with exit 2, saying how to replace or copy', async () => {
    const again = await runImport(['--org', 'From CLI', gz], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error: element 0: lead lead_\w+ already exists in organization "From CLI" \(as lead_\w+, the id this import gives it there\): .* Run again with --replace .*\nNothing was imported\.\n$/m);
  });

  it('logs to stderr, so stdout holds only the summary, even when it migrates a new database first', async () => {
    const admin = createKnex(inject('adminDatabaseUrl'), { poolMax: 1 });
    const name = `import_cli_empty_${process.pid}`;
    try {
      await admin.raw(`CREATE DATABASE ${name} TEMPLATE template0`);
      const url = new URL(db.url);
      url.pathname = `/${name}`;
      const run = await runImport(['--org', 'Fresh', gz], { DATABASE_URL: url.toString(), LOG_LEVEL: 'info' });
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/"msg":"database migrated"/);
      expect(run.stdout).toMatch(/^Imported 20 leads into "Fresh"/);
      expect(run.stdout).not.toContain('"msg"');
    } finally {
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    }
  });
});
