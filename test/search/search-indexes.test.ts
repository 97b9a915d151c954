import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLeadSelection } from '../../src/search/compile-query.js';
import { createBulkOrganization } from '../helpers/bulk-organization.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { and, field, objectType, phrase, reference, related, text } from './query-builders.js';
import { searchContext } from './search-dataset.js';

/**
 * Filters that would otherwise visit every row of a big table read it through an index built for
 * them: phone conditions compile to the very expression `contact_phones_digits_trgm_idx` was
 * built on, and "leads with an opportunity in status …" finds the leads in
 * `opportunities_status_idx` alone (index-only). On an organization of 20,000 leads (so the
 * organization filter is as unselective as in real life), with sequential scans disabled. (On a
 * handful of rows the planner rightly prefers other plans.)
 */
describe('search filters read their indexes', () => {
  let db: TestDatabase;
  let organizationId: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    ({ organizationId } = await createBulkOrganization(db, 'ix', 20_000));
    await db.knex.raw('VACUUM ANALYZE'); // index-only scans need the visibility map
  });
  afterAll(async () => db?.drop());

  const exactPhone = { type: 'text', mode: 'exact_value', value: '+1 650 333 4444' };
  it.each([
    ['part of a phone number', and(objectType('lead'), related('lead', 'contact_phone', field('phone', phrase('650-333'), 'contact_phone'))), 'contact_phones_digits_trgm_idx'],
    ['a whole phone number', and(objectType('lead'), related('lead', 'contact_phone', field('phone', exactPhone, 'contact_phone'))), 'contact_phones_digits_trgm_idx'],
    ['a field-less text search for digits', and(objectType('lead'), text('full_words', '6503334444')), 'contact_phones_digits_trgm_idx'],
    [
      'an opportunity in a status',
      and(objectType('lead'), related('lead', 'opportunity', field('status_id', reference('status.opportunity', 'stat_ix_o2'), 'opportunity'))),
      'Index Only Scan using opportunities_status_idx',
    ],
  ])('%s', async (_name, sQuery, expected) => {
    const { sql, bindings } = compileLeadSelection(db.knex, { sQuery }, searchContext({ organizationId })).toSQL().toNative();
    const plan = await db.knex.transaction(async (trx) => {
      await trx.raw('SET LOCAL enable_seqscan = off');
      const result = await trx.raw(`EXPLAIN (COSTS OFF) ${sql.replace(/\$(\d+)/g, '?')}`, [...bindings] as never);
      return (result.rows as Record<string, string>[]).map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan, plan).toContain(expected);
  });
});
