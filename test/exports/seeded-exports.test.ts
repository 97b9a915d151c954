import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrganization } from '../../src/seed/seed-organization.js';
import { EXPORT_FORMATS, EXPORT_TYPES } from '../../src/writers/export-fields.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { parseCsv, runExport } from './export-helpers.js';

/**
 * Every type × format, with every flag that applies, on realistic seeded data (every custom
 * field type, custom objects, all activity types): the file parses, has n_docs rows, and CSV
 * rows all have the header's width.
 */
describe('exports of a seeded organization', () => {
  let db: TestDatabase;
  let org: string;
  let counts: Record<string, number>;
  beforeAll(async () => {
    db = await createTestDatabase();
    ({ organizationId: org, counts } = await seedOrganization(db.knex, { organizationName: 'Seeded Exports', leads: 120, seed: 3 }));
  });
  afterAll(async () => db?.drop());

  for (const type of [...EXPORT_TYPES, 'opps'] as const) {
    for (const format of EXPORT_FORMATS) {
      it(`${type} as ${format}`, async () => {
        const body: Record<string, unknown> = { type, format, date_format: 'excel' };
        if (format === 'csv' || type === 'leads') body.include_smart_fields = true;
        if (type === 'contacts' || type === 'lead_opps') body.include_addresses = true;
        if (type === 'leads' && format === 'json') Object.assign(body, { include_activities: true, include_custom_objects: true });
        const { text, result } = await runExport(db.url, org, body, { batchSize: 7 });
        const expected = { leads: counts.leads, contacts: counts.contacts, lead_opps: counts.opportunities, opps: counts.opportunities }[type];
        expect(result.nDocs).toBe(expected);
        expect(result.nDocsProcessed).toBe(expected);
        if (format === 'json') {
          expect(JSON.parse(text)).toHaveLength(expected);
        } else {
          const [header, ...rows] = parseCsv(text);
          expect(rows).toHaveLength(expected);
          expect(new Set(rows.map((r) => r.length))).toEqual(new Set([header.length]));
        }
      });
    }
  }

  it('includes every activity and custom object of the organization in JSON leads', async () => {
    const { text } = await runExport(db.url, org, { type: 'leads', format: 'json', fields: ['id'], include_activities: true, include_custom_objects: true });
    const leads = JSON.parse(text) as Array<{ activities: unknown[]; custom_objects: unknown[] }>;
    expect(leads.reduce((n, l) => n + l.activities.length, 0)).toBe(counts.activities);
    expect(leads.reduce((n, l) => n + l.custom_objects.length, 0)).toBe(counts.custom_objects);
  });
});
