import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATE_FORMATS, EXPORT_FORMATS, EXPORT_TYPES } from '../../src/writers/export-fields.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertExportDataset, ORG } from './export-dataset.js';
import { runExport } from './export-helpers.js';

/**
 * Golden files: every type × format × date_format of the hand-written dataset, decompressed
 * (`opps` is the file of an opportunity export, here of all opportunities).
 * They are the contract of the file formats; review a diff like a change of the contract.
 * Regenerate with `UPDATE_GOLDEN=1 npx vitest run test/exports/golden.test.ts`.
 * JSON goldens are stored pretty-printed (2 spaces); the test compares the parsed export,
 * key order included, so the golden keeps the real key order.
 */
const GOLDEN_DIR = path.join(import.meta.dirname, 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

describe('golden export files', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await insertExportDataset(db.knex);
  });
  afterAll(async () => db?.drop());

  for (const type of [...EXPORT_TYPES, 'opps'] as const) {
    for (const format of EXPORT_FORMATS) {
      for (const dateFormat of DATE_FORMATS) {
        const name = `${type}.${format}.${dateFormat}.${format}`;
        it(name, async () => {
          const body: Record<string, unknown> = { type, format, date_format: dateFormat, include_smart_fields: type === 'leads' };
          if (type === 'leads' && format === 'json') Object.assign(body, { include_activities: true, include_custom_objects: true });
          if (type === 'contacts' || type === 'lead_opps') body.include_addresses = true;
          const { text } = await runExport(db.url, ORG, body);
          const actual = format === 'json' ? `${JSON.stringify(JSON.parse(text), null, 2)}\n` : text;
          const file = path.join(GOLDEN_DIR, name);
          if (update) fs.writeFileSync(file, actual);
          expect(actual).toBe(fs.readFileSync(file, 'utf8'));
        });
      }
    }
  }
});
