import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moneyFormattedSql } from '../../src/writers/money-format.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertExportDataset, ORG } from './export-dataset.js';
import { parseCsv, runExport } from './export-helpers.js';

describe("value_formatted (Close's money format), computed by PostgreSQL", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await insertExportDataset(db.knex);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it.each([
    [50000, 'USD', '$500'], // Close's own example
    [100000, 'USD', '$1,000'], // Close's own example
    [123456, 'USD', '$1,234.56'],
    [5, 'USD', '$0.05'],
    [0, 'USD', '$0'],
    [-5000, 'USD', '-$50'],
    [123456789012, 'USD', '$1,234,567,890.12'],
    [1200, 'EUR', '€12'],
    [99999, 'GBP', '£999.99'],
    [100000, 'CAD', 'CA$1,000'],
    [100000, 'CHF', 'CHF 1,000'],
    [null, 'USD', null],
  ])('%s cents in %s → %s', async (cents, currency, expected) => {
    const { rows } = await db.knex.raw(`SELECT ${moneyFormattedSql('v.cents', 'v.currency')} AS formatted FROM (VALUES (?::bigint, ?::text)) AS v(cents, currency)`, [
      cents,
      currency,
    ]);
    expect(rows[0].formatted).toBe(expected);
  });

  it('is a field opportunity exports accept in `fields`', async () => {
    const { text } = await runExport(db.url, ORG, { type: 'opps', format: 'csv', fields: ['id', 'value_formatted'] });
    expect(parseCsv(text)).toEqual([
      ['id', 'value_formatted'],
      ['oppo_A1a', '$500'],
      ['oppo_A1b', '€12'],
      ['oppo_A3a', ''],
      ['oppo_A4a', '$99'],
    ]);
  });
});
