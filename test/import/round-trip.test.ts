import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLeadsJson, type ImportProgress } from '../../src/import/import-leads-json.js';
import { seedOrganization } from '../../src/seed/seed-organization.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { chunkedSource, compareUpToIds, expectReferencesIntact, exportOrganization, organizationCounts } from './import-helpers.js';

const LEADS = 200;

/**
 * Export → import → export, on seeded data (every custom field type, every activity type,
 * custom objects, nameless leads and users).
 */
describe('JSON export → import → JSON export', () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let sourceOrg: string;
  let file: string;

  beforeAll(async () => {
    [source, target] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    sourceOrg = (await seedOrganization(source.knex, { organizationName: 'Source', leads: LEADS, seed: 7 })).organizationId;
    file = await exportOrganization(source.url, sourceOrg);
  });
  afterAll(async () => {
    await Promise.all([source?.drop(), target?.drop()]);
  });

  it('restores into an empty organization of another database with every id kept: the re-export is the same file, byte for byte, apart from the organization id', async () => {
    const progress: ImportProgress[] = [];
    // Small batches and chunks: many batches, and elements cut across chunk boundaries.
    const result = await importLeadsJson(target.knex, {
      organizationName: 'Restored',
      source: chunkedSource(zlib.gzipSync(file), 4096),
      batchBytes: 64 * 1024,
      onProgress: (p) => progress.push(p),
    });
    expect(result.leads).toBe(LEADS);
    expect(result.ids.minted).toBe(0);
    expect(result.organizationCreated).toBe(true);

    const again = await exportOrganization(target.url, result.organizationId);
    // The one organization-specific value: `organization_id` on every object.
    expect(again).toBe(file.replaceAll(sourceOrg, result.organizationId));
    expect(again.length).toBeGreaterThan(100_000);

    // Every lead table got the source's rows.
    expect(await organizationCounts(target.knex, result.organizationId)).toEqual(await organizationCounts(source.knex, sourceOrg));
    expect(progress.at(-1)).toMatchObject({ phase: 'done', elementsRead: LEADS, leadsWritten: LEADS });
    expect(await expectReferencesIntact(target.knex, result.organizationId)).toEqual({});
  });

  it('imports into a second organization of the same database (where the source holds the file ids) under derived ids: the re-export says the same up to a one-to-one renaming of ids, and a repeated import gives the same ids', async () => {
    const result = await importLeadsJson(source.knex, { organizationName: 'Copy', source: chunkedSource(file) });
    expect(result.ids.kept).toBe(0);
    expect(result.ids.minted).toBeGreaterThan(LEADS);
    expect(result.created.usersCreated).toBeGreaterThan(0);

    const again = await exportOrganization(source.url, result.organizationId);
    const mapping = compareUpToIds(JSON.parse(file), JSON.parse(again));
    expect(mapping.get(sourceOrg)).toBe(result.organizationId);
    // Every id was renamed (nothing of the source organization leaks into the copy)…
    for (const [from, to] of mapping) expect(to).not.toBe(from);
    // …and the copy's users, statuses and custom fields are its own.
    const copyUsers = await source.knex('users').where({ organization_id: result.organizationId }).pluck('id');
    for (const [from, to] of mapping) if (from.startsWith('user_')) expect(copyUsers).toContain(to);
    expect(await expectReferencesIntact(source.knex, result.organizationId)).toEqual({});

    // The new ids derive from (organization, file id): importing the file again finds its leads
    // (refused by default; replaced here) and gives every object the same id as before.
    const again2 = await importLeadsJson(source.knex, { organizationName: 'Copy', source: chunkedSource(file), existingLeads: 'replace' });
    expect(again2).toMatchObject({ organizationId: result.organizationId, leadsReplaced: LEADS, ids: result.ids });
    expect(await exportOrganization(source.url, result.organizationId)).toBe(again);
  });

  it('infers the types of the custom fields it creates from their values', async () => {
    const fields = async (knex: TestDatabase['knex'], organizationId: string) =>
      Object.fromEntries(
        (await knex('custom_fields').where({ organization_id: organizationId }).select('object_type', 'name', 'type', 'accepts_multiple_values'))
          .map((f) => [`${f.object_type}:${f.name}`, `${f.type}${f.accepts_multiple_values ? '[]' : ''}`]),
      );
    const [restored] = await target.knex('organizations').where({ name: 'Restored' }).pluck('id');
    const inferred = await fields(target.knex, restored);
    const original = await fields(source.knex, sourceOrg);
    // Read from the seeder's plan: what a person would say each field is, given its values.
    expect(inferred['lead:# of users']).toBe('number');
    expect(inferred['lead:Trial Due']).toBe('date');
    expect(inferred['lead:Last Demo At']).toBe('datetime');
    expect(inferred['lead:Owner']).toBe('user');
    expect(inferred['lead:Account Team']).toBe('user[]');
    expect(inferred['lead:Champion']).toBe('contact');
    expect(inferred['lead:Industry']).toBe('choices[]');
    expect(inferred['lead:Lead Source']).toBe('choices');
    expect(inferred['lead:Qualification Notes']).toBe('textarea');
    expect(inferred['opportunity:Competitors']).toBe('choices[]');
    // Every field of the source that holds a value somewhere exists in the restored organization.
    expect(Object.keys(inferred).length).toBeGreaterThan(15);
    for (const key of Object.keys(inferred)) expect(Object.keys(original)).toContain(key);
  });
});
