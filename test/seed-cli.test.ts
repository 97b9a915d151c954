import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { runCli } from './helpers/process.js';

/** `npm run seed -- …` as a real child process: exit codes, stdout for the summary, stderr for the rest. */
describe('npm run seed (CLI)', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase();
    env = { DATABASE_URL: db.url };
  });
  afterAll(async () => db?.drop());

  it('seeds an organization: exit 0, progress on stderr, the summary with every table on stdout', async () => {
    const run = await runCli('seed', ['--org', 'Seeded by CLI', '--leads', '25', '--seed', '7'], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^seeding "Seeded by CLI": 25 leads written \([\d,]+ rows, [\d,]+ rows\/s\), committing…$/m);
    expect(run.stdout).toMatch(/^Seeded "Seeded by CLI" \(orga_\w+\) in [\d.]+s: 25 leads, [\d,]+ rows, [\d,]+ rows\/s, seed 7, anchor \S+; the database now takes .+$/m);
    const [organizationId] = await db.knex('organizations').where({ name: 'Seeded by CLI' }).pluck('id');
    const leads = await db.knex('leads').where({ organization_id: organizationId }).count<{ count: number }[]>('* as count');
    expect(leads[0].count).toBe(25);
    const contacts = await db.knex('contacts').where({ organization_id: organizationId }).count<{ count: number }[]>('* as count');
    expect(run.stdout).toMatch(new RegExp(`^ {2}contacts +${contacts[0].count}$`, 'm'));
  });

  it('answers --help on stdout with 0, and a bad command line on stderr with 2, writing nothing', async () => {
    const before = await db.knex('organizations').count<{ count: number }[]>('* as count');
    const [help, noOrg, badLeads, extra] = await Promise.all([
      runCli('seed', ['--help'], env),
      runCli('seed', ['--leads', '5'], env),
      runCli('seed', ['--org', 'X', '--leads', 'many'], env),
      runCli('seed', ['--org', 'X', '--leads', '5', 'surplus'], env),
    ]);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: npm run seed -- --org <name> --leads <count>/);
    expect(noOrg).toMatchObject({ code: 2, stdout: '' });
    expect(noOrg.stderr).toMatch(/^error: --org is required\n\nUsage: npm run seed/);
    expect(badLeads.stderr).toMatch(/^error: --leads: "many" is not a whole number \(0 or more\)/);
    expect(badLeads.code).toBe(2);
    expect(extra.stderr).toMatch(/^error: unexpected argument "surplus"/);
    expect(await db.knex('organizations').count<{ count: number }[]>('* as count')).toEqual(before);
  });
});
