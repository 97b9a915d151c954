import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLeadsJson, type ImportOptions } from '../../src/import/import-leads-json.js';
import { seedOrganization } from '../../src/seed/seed-organization.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { chunkedSource, exportOrganization, organizationCounts, tableCounts } from './import-helpers.js';

const LEADS = 24;

/** What an import rejects, and what it leaves behind when it does: nothing. */
describe('importLeadsJson: bad input and repeated imports', () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let file: string;
  let leads: Array<Record<string, any>>;

  beforeAll(async () => {
    [source, target] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    const org = (await seedOrganization(source.knex, { organizationName: 'Source', leads: LEADS, seed: 11 })).organizationId;
    file = await exportOrganization(source.url, org);
    leads = JSON.parse(file);
  });
  afterAll(async () => {
    await Promise.all([source?.drop(), target?.drop()]);
  });

  const run = (organizationName: string, text: string | Buffer, options: Partial<ImportOptions> = {}) =>
    importLeadsJson(target.knex, { organizationName, source: chunkedSource(text), ...options });

  /** Runs a failing import; returns its error after checking that no table of the database changed. */
  async function failure(organizationName: string, text: string | Buffer, options: Partial<ImportOptions> = {}) {
    const before = await tableCounts(target.knex);
    const error = await run(organizationName, text, options).then(
      () => {
        throw new Error('the import succeeded');
      },
      (e: unknown) => e as Error & { code?: string },
    );
    expect(await tableCounts(target.knex)).toEqual(before);
    return error;
  }

  it('rejects a malformed element after earlier batches were written, naming index and path, and writes nothing', async () => {
    const broken = structuredClone(leads);
    const index = LEADS - 3;
    broken[index].contacts = [{ id: 'cont_x', emails: [{ email: 'ok@example.com' }, { email: 42 }] }];
    // Batches of about two leads: the bad element comes many written batches after the first.
    const error = await failure('Broken', JSON.stringify(broken), { batchBytes: 16 * 1024 });
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toBe(`element ${index}: contacts[0].emails[1].email: expected a string, got the number 42`);
    expect(await target.knex('organizations').where({ name: 'Broken' })).toEqual([]);
  });

  it('rejects a truncated file, plain or gzip, and a file that is not an array', async () => {
    const cut = file.slice(0, Math.floor(file.length * 0.7));
    expect((await failure('Cut', cut)).message).toMatch(/^the file ends inside element \d+ \(which starts at byte \d+\): it is truncated \(byte \d+\)$/);
    const gzip = zlib.gzipSync(file);
    const gzipError = await failure('Cut gz', gzip.subarray(0, Math.floor(gzip.length * 0.7)));
    expect(gzipError.code).toBe('BAD_USER_INPUT');
    expect(gzipError.message).toMatch(/^the gzip data is corrupt or truncated: /);
    expect((await failure('Object', JSON.stringify(leads[0]))).message).toBe('the file is not a JSON array: it starts with "{" (byte 0)');
  });

  it('rejects an id the file holds twice, and a reference to a contact of another lead', async () => {
    const twice = [leads[0], leads[1], { ...leads[2], id: leads[0].id }];
    expect((await failure('Twice', JSON.stringify(twice))).message).toBe(`element 2: id: ${leads[0].id} appears twice in the file (also in element 0 at id)`);
    // Far apart (other batches): the database tells, through rows this import wrote itself.
    const farApart = [...leads, { ...leads[5], id: 'lead_unique', contacts: [], opportunities: [], tasks: [], activities: [], custom_objects: [] }];
    farApart.at(-1)!.id = leads[3].id;
    expect((await failure('Far', JSON.stringify(farApart), { batchBytes: 16 * 1024 })).message).toBe(`element ${LEADS}: id: ${leads[3].id} appears twice in the file (an earlier element has it too)`);

    const withOpportunity = leads.findIndex((l) => l.opportunities.length > 0);
    const foreign = structuredClone(leads);
    const otherContact = leads.find((l, i) => i !== withOpportunity && l.contacts.length > 0)!.contacts[0].id;
    foreign[withOpportunity].opportunities[0].contact_id = otherContact;
    expect((await failure('Foreign', JSON.stringify(foreign))).message).toBe(
      `element ${withOpportunity}: opportunities[0].contact_id: ${otherContact} is not one of this lead's contacts`,
    );
  });

  it('rejects a status it can neither find nor create', async () => {
    expect((await failure('No status', JSON.stringify([{ id: 'lead_s', status_id: 'stat_unknown' }]))).message).toBe(
      'element 0: status_id: stat_unknown is not a lead status of this organization, and the element has no status_label to create it from',
    );
    expect((await failure('No opp status', JSON.stringify([{ id: 'lead_o', opportunities: [{ id: 'oppo_o', status_id: 'stat_unknown', pipeline_name: 'Sales' }] }]))).message).toBe(
      'element 0: opportunities[0].status_id: stat_unknown is not an opportunity status of this organization, and the opportunity has no status_label and pipeline_name to create it from',
    );
  });

  it('refuses to import the same file twice into an organization (nothing changes), replaces its leads with --replace, and copies them with --new-ids', async () => {
    const first = await run('Twice imported', file);
    expect(first.ids.minted).toBe(0);
    const counts = await organizationCounts(target.knex, first.organizationId);
    const exported = await exportOrganization(target.url, first.organizationId);

    const error = await failure('Twice imported', file);
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe(
      `element 0: lead ${leads[0].id} already exists in organization "Twice imported": this file, or part of it, was imported before. ` +
        "Run again with --replace to overwrite the organization's copy of such leads with the file's, or with --new-ids to import the file's leads as new copies.",
    );

    // Replace: the organization's copy is deleted with everything under it and written again
    // from the file, keeping the ids. Same file twice = same data (the import is idempotent).
    await target.knex('leads').where({ id: leads[0].id }).update({ display_name: 'edited after the first import' });
    await target.knex('activities').where({ lead_id: leads[1].id }).delete();
    const replaced = await run('Twice imported', file, { existingLeads: 'replace' });
    expect(replaced.leadsReplaced).toBe(LEADS);
    expect(replaced.ids).toEqual({ kept: first.ids.kept, minted: 0 });
    expect(replaced.created.usersCreated + replaced.created.leadStatusesCreated + replaced.created.customFieldsCreated).toBe(0);
    expect(await organizationCounts(target.knex, first.organizationId)).toEqual(counts);
    expect(await exportOrganization(target.url, first.organizationId)).toBe(exported);

    const copies = await run('Twice imported', file, { ids: 'new' });
    expect(copies.ids.kept).toBe(0);
    const doubled = await organizationCounts(target.knex, first.organizationId);
    for (const [table, n] of Object.entries(counts)) expect(doubled[table], table).toBe(2 * n);
  });

  it('matches users by email or name, statuses by label and custom fields by name in an organization that has them', async () => {
    const [orgId] = await target.knex('organizations').insert({ id: 'orga_existing', name: 'Existing' }).returning('id').then((r) => r.map((x) => x.id));
    await target.knex('users').insert([
      { id: 'user_ada', organization_id: orgId, email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' },
      { id: 'user_nameless', organization_id: orgId, email: 'ops@example.com', first_name: '', last_name: '' },
    ]);
    await target.knex('lead_statuses').insert({ id: 'stat_existing', organization_id: orgId, label: 'Potential', position: 0 });
    await target.knex('custom_fields').insert({ id: 'cf_existing', organization_id: orgId, object_type: 'lead', name: 'Lead Source', type: 'choices' });
    const lead = {
      id: 'lead_matching', display_name: 'Matching', status_id: 'stat_elsewhere', status_label: 'Potential',
      created_by: 'user_from_file_1', created_by_name: 'ada lovelace', updated_by: 'user_from_file_2', updated_by_name: 'ops@example.com',
      custom: { 'lead source': 'Web', Brand: 'New' },
      opportunities: [{ id: 'oppo_1', status_label: 'Won', status_type: 'won', pipeline_name: 'Deals', user_id: 'user_from_file_3', user_name: 'Grace Hopper', confidence: 100 }],
    };
    const result = await run('existing', JSON.stringify([lead]));
    expect(result.organizationId).toBe(orgId);
    expect(result.created).toMatchObject({ usersCreated: 1, usersMatched: 2, leadStatusesCreated: 0, pipelinesCreated: 1, opportunityStatusesCreated: 1, customFieldsCreated: 1 });
    const row = await target.knex('leads').where({ id: 'lead_matching' }).first();
    expect(row).toMatchObject({ status_id: 'stat_existing', created_by: 'user_ada', updated_by: 'user_nameless', custom: { cf_existing: 'Web' } });
    const brand = await target.knex('custom_fields').where({ organization_id: orgId, name: 'Brand' }).first();
    expect(row.custom[brand.id]).toBe('New');
    const grace = await target.knex('users').where({ id: 'user_from_file_3' }).first();
    expect(grace).toMatchObject({ organization_id: orgId, first_name: 'Grace', last_name: 'Hopper', email: 'imported+user_from_file_3@users.invalid' });
    const status = await target.knex('opportunity_statuses as s').join('pipelines as p', 'p.id', 's.pipeline_id').where({ 's.organization_id': orgId }).first('s.label', 's.type', 'p.name');
    expect(status).toEqual({ label: 'Won', type: 'won', name: 'Deals' });
  });

  it('rolls back when aborted halfway through the file', async () => {
    const before = await tableCounts(target.knex);
    const abort = new AbortController();
    const bytes = Buffer.from(file);
    // Aborts once half of the file was read: batches of 16 KiB, each written before the next
    // one is sent, so many were written by then.
    async function* halfThenAbort() {
      for (let i = 0; i < bytes.length; i += 4096) {
        if (i >= bytes.length / 2) abort.abort(new Error('stop'));
        yield bytes.subarray(i, i + 4096);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const promise = importLeadsJson(target.knex, {
      organizationName: 'Aborted', source: Readable.from(halfThenAbort()), batchBytes: 16 * 1024, signal: abort.signal,
    });
    await expect(promise).rejects.toThrow('stop');
    expect(abort.signal.aborted).toBe(true);
    expect(await tableCounts(target.knex)).toEqual(before);
  });
});
