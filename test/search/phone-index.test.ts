import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLeadSelection } from '../../src/search/compile-query.js';
import { createBulkOrganization } from '../helpers/bulk-organization.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { and, field, objectType, phrase, related, text } from './query-builders.js';
import { searchContext } from './search-dataset.js';

/**
 * Phone conditions, which would otherwise scan every phone number, compile to the very
 * expression `contact_phones_digits_trgm_idx` was built on. On an organization of 20,000 leads
 * (so the organization filter is as unselective as in real life), with sequential scans
 * disabled, the plan reads the phones through that index. (On a handful of rows the planner
 * rightly prefers another index.)
 */
describe('phone conditions can use their index', () => {
  let db: TestDatabase;
  let organizationId: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    ({ organizationId } = await createBulkOrganization(db, 'ix', 20_000));
    await db.knex.raw('ANALYZE');
  });
  afterAll(async () => db?.drop());

  const exactPhone = { type: 'text', mode: 'exact_value', value: '+1 650 333 4444' };
  it.each([
    ['part of a phone number', and(objectType('lead'), related('lead', 'contact_phone', field('phone', phrase('650-333'), 'contact_phone'))), 'contact_phones_digits_trgm_idx'],
    ['a whole phone number', and(objectType('lead'), related('lead', 'contact_phone', field('phone', exactPhone, 'contact_phone'))), 'contact_phones_digits_trgm_idx'],
    ['a field-less text search for digits', and(objectType('lead'), text('full_words', '6503334444')), 'contact_phones_digits_trgm_idx'],
  ])('%s', async (_name, sQuery, index) => {
    const { sql, bindings } = compileLeadSelection(db.knex, { sQuery }, searchContext({ organizationId })).toSQL().toNative();
    const plan = await db.knex.transaction(async (trx) => {
      await trx.raw('SET LOCAL enable_seqscan = off');
      const result = await trx.raw(`EXPLAIN (COSTS OFF) ${sql.replace(/\$(\d+)/g, '?')}`, [...bindings] as never);
      return (result.rows as Record<string, string>[]).map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan, plan).toContain(index);
  });
});
