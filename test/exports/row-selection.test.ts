import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExportParams } from '../../src/exports/export-params.js';
import { compileExportSelection } from '../../src/exports/export-selection.js';
import { previewExport } from '../../src/exports/preview-export.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertExportDataset, ORG } from './export-dataset.js';
import { parseCsv, runExport } from './export-helpers.js';

const condition = (objectType: string, field: string, c: Record<string, unknown>) => ({
  type: 'field_condition',
  field: { type: 'regular_field', object_type: objectType, field_name: field },
  condition: c,
});
const exactly = (value: string) => ({ type: 'text', mode: 'exact_value', value });
const and = (...queries: unknown[]) => ({ type: 'and', queries });
const objectType = (name: string) => ({ type: 'object_type', object_type: name });

/** A contact titled CEO (a contact smart view): cont_A1a of lead_A1. */
const CEO_CONTACTS = and(objectType('contact'), condition('contact', 'title', exactly('CEO')));
/** The leads with a contact titled CEO: lead_A1 (contacts cont_A1a and cont_A1b). */
const LEADS_WITH_A_CEO = and(objectType('lead'), { type: 'has_related', this_object_type: 'lead', related_object_type: 'contact', related_query: condition('contact', 'title', exactly('CEO')) });
/** Won opportunities: oppo_A1b. */
const WON_OPPORTUNITIES = and(objectType('opportunity'), condition('opportunity', 'status_type', { type: 'term', values: ['won'] }));

/**
 * Which contacts / opportunities become rows: the query's root object type decides. A query over
 * contacts exports the matching contacts; a query over leads, every contact of the matching leads.
 * Ids checked by hand against the dataset (export-dataset.ts).
 */
describe('the rows of a contacts or lead_opps export', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await insertExportDataset(db.knex);
  });
  afterAll(async () => db?.drop());

  const exportIds = async (type: 'contacts' | 'lead_opps', sQuery: unknown) => {
    const record = { organization_id: ORG, created_by: null, tz_offset_minutes: 0, date_created: new Date(), s_query: sQuery, results_limit: null, sort: [], type };
    const selection = await compileExportSelection(db.knex, record);
    const body = { type, format: 'csv', fields: ['id'] };
    const { text, result } = await runExport(db.url, ORG, body, selection);
    const ids = parseCsv(text).slice(1).map((row) => row[0]);
    expect(result.nDocs).toBe(ids.length);
    const preview = await previewExport(db.knex, record, parseExportParams(body));
    expect(preview.rows).toBe(ids.length);
    return { ids, leads: preview.leads };
  };

  it('a query over contacts: only the matching contacts', async () => {
    expect(await exportIds('contacts', CEO_CONTACTS)).toEqual({ ids: ['cont_A1a'], leads: 1 });
  });

  it('a query over leads: every contact of the matching leads', async () => {
    expect(await exportIds('contacts', LEADS_WITH_A_CEO)).toEqual({ ids: ['cont_A1a', 'cont_A1b'], leads: 1 });
  });

  it('a query over opportunities: only the matching opportunities', async () => {
    expect(await exportIds('lead_opps', WON_OPPORTUNITIES)).toEqual({ ids: ['oppo_A1b'], leads: 1 });
  });

  it('a query over another type (contacts, for lead_opps): every opportunity of the matching leads', async () => {
    expect(await exportIds('lead_opps', CEO_CONTACTS)).toEqual({ ids: ['oppo_A1a', 'oppo_A1b'], leads: 1 });
  });
});
