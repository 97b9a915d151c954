import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertExportDataset, ORG } from './export-dataset.js';
import { csvRecords, parseCsv, runExport } from './export-helpers.js';

const GOLDEN_DIR = path.join(import.meta.dirname, 'golden');
const golden = (name: string) => fs.readFileSync(path.join(GOLDEN_DIR, name), 'utf8');

describe('writeExportFile on the golden dataset', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await insertExportDataset(db.knex);
  });
  afterAll(async () => db?.drop());

  const header = (text: string) => parseCsv(text)[0];

  it('narrows CSV columns to `fields`, in the catalogue order whatever the request order', async () => {
    const { text } = await runExport(db.url, ORG, { format: 'csv', type: 'leads', fields: ['custom', 'name', 'id'] });
    expect(header(text)).toEqual([
      'id', 'name', 'custom.Lead Source', 'custom.Loan Amount', 'custom.Industry', 'custom.Owner.id', 'custom.Owner.name',
      'custom.Helpers.id', 'custom.Helpers.name', 'custom.Trial Due', 'custom.Kickoff At', 'custom.Notes, long',
    ]);
    expect(csvRecords(text).map((r) => r.name)).toEqual(['Acme, Inc.', 'Ünïcødé GmbH — 日本', '', 'Zeta']);
  });

  it('narrows contact columns of a contacts CSV but always adds the lead columns', async () => {
    const { text } = await runExport(db.url, ORG, { format: 'csv', type: 'contacts', fields: ['name', 'custom'] });
    expect(header(text).slice(0, 5)).toEqual(['contact_name', 'contact_custom.Role', 'lead_id', 'lead_name', 'lead_status_id']);
    expect(csvRecords(text).map((r) => r['contact_custom.Role'])).toEqual(['Decision maker', '', '', 'Champion, "tech"', '']);
  });

  it('narrows JSON keys to `fields`; contacts and opportunities always carry their lead', async () => {
    const leads = JSON.parse((await runExport(db.url, ORG, { format: 'json', type: 'leads', fields: ['id', 'contact_ids'] })).text);
    expect(leads).toEqual([
      { id: 'lead_A1', contact_ids: ['cont_A1a', 'cont_A1b'] },
      { id: 'lead_A2', contact_ids: [] },
      { id: 'lead_A3', contact_ids: ['cont_A3a'] },
      { id: 'lead_A4', contact_ids: ['cont_A4b', 'cont_A4a'] },
    ]);
    const opps = JSON.parse((await runExport(db.url, ORG, { format: 'json', type: 'lead_opps', fields: ['value'] })).text);
    expect(opps).toEqual([
      { value: 50000, lead_id: 'lead_A1', lead_name: 'Acme, Inc.' },
      { value: 1200, lead_id: 'lead_A1', lead_name: 'Acme, Inc.' },
      { value: null, lead_id: 'lead_A3', lead_name: '' },
      { value: 9900, lead_id: 'lead_A4', lead_name: 'Zeta' },
    ]);
  });

  it('counts n_docs in rows of the export type and reports progress from 0 to the end', async () => {
    for (const [type, rows] of [['leads', 4], ['contacts', 5], ['lead_opps', 4]] as const) {
      const { result, progress, gzipBytes } = await runExport(db.url, ORG, { format: 'csv', type }, { batchSize: 1 });
      expect(result).toEqual({ nDocs: rows, nDocsProcessed: rows, bytesWritten: gzipBytes });
      expect(progress[0]).toEqual({ nDocs: rows, nDocsProcessed: 0, bytesWritten: 0 });
      expect(progress.at(-1)).toEqual(result);
    }
  });

  it('writes one row per contact or opportunity: leads without any are not in those files', async () => {
    const contacts = csvRecords((await runExport(db.url, ORG, { format: 'csv', type: 'contacts' })).text);
    expect(contacts.map((r) => [r.lead_id, r.contact_id])).toEqual([
      ['lead_A1', 'cont_A1a'], ['lead_A1', 'cont_A1b'], ['lead_A3', 'cont_A3a'], ['lead_A4', 'cont_A4b'], ['lead_A4', 'cont_A4a'],
    ]);
    const opps = csvRecords((await runExport(db.url, ORG, { format: 'csv', type: 'lead_opps' })).text);
    expect(opps.map((r) => r.lead_id)).not.toContain('lead_A2');
  });

  it('writes the same file whatever the batch size (no row lost or repeated at batch edges)', async () => {
    for (const [body, name] of [
      [{ format: 'csv', type: 'leads', include_smart_fields: true }, 'leads.csv.original.csv'],
      [{ format: 'csv', type: 'contacts', include_addresses: true }, 'contacts.csv.original.csv'],
      [{ format: 'json', type: 'lead_opps', include_addresses: true }, 'lead_opps.json.original.json'],
    ] as const) {
      for (const batchSize of [1, 3]) {
        const { text } = await runExport(db.url, ORG, body, { batchSize });
        const actual = body.format === 'json' ? `${JSON.stringify(JSON.parse(text), null, 2)}\n` : text;
        expect(actual).toBe(golden(name));
      }
    }
  });

  it('frames JSON as one array with one element per line', async () => {
    const { text } = await runExport(db.url, ORG, { format: 'json', type: 'leads', fields: ['id'] }, { batchSize: 2 });
    expect(text).toBe('[\n{"id" : "lead_A1"},\n{"id" : "lead_A2"},\n{"id" : "lead_A3"},\n{"id" : "lead_A4"}\n]\n');
  });

  it('follows the order of the lead selection, given as SQL or as a Knex query', async () => {
    const sql = { sql: 'SELECT id FROM leads WHERE organization_id = $1 ORDER BY date_created DESC', bindings: [ORG] };
    const bySql = csvRecords((await runExport(db.url, ORG, { format: 'csv', type: 'leads', fields: ['id'] }, { leadSelection: sql, batchSize: 1 })).text);
    expect(bySql.map((r) => r.id)).toEqual(['lead_A4', 'lead_A3', 'lead_A2', 'lead_A1']);
    const query = db.knex('leads').select('leads.id').where({ organization_id: ORG }).whereIn('id', ['lead_A1', 'lead_A4']).orderBy('name', 'desc');
    const byKnex = csvRecords((await runExport(db.url, ORG, { format: 'csv', type: 'leads', fields: ['id'] }, { leadSelection: query })).text);
    expect(byKnex.map((r) => r.id)).toEqual(['lead_A4', 'lead_A1']);
  });

  it('never writes another organization’s leads, even when the selection names them', async () => {
    const selection = { sql: "SELECT id FROM leads WHERE id IN ('lead_B1', 'lead_A2') ORDER BY id", bindings: [] };
    const { text, result } = await runExport(db.url, ORG, { format: 'json', type: 'leads', fields: ['id'] }, { leadSelection: selection });
    expect(JSON.parse(text)).toEqual([{ id: 'lead_A2' }]);
    expect(result.nDocs).toBe(2); // the snapshot counted what the selection returned
    for (const type of ['leads', 'contacts', 'lead_opps']) {
      const { text: csv } = await runExport(db.url, ORG, { format: 'csv', type, include_smart_fields: true });
      expect(csv).not.toMatch(/secret|orga_other|Other Org/i);
    }
  });

  it('writes a header only, or an empty array, when no lead is selected', async () => {
    const none = { sql: 'SELECT id FROM leads WHERE false', bindings: [] };
    const csv = await runExport(db.url, ORG, { format: 'csv', type: 'leads', fields: ['id', 'name'] }, { leadSelection: none });
    expect(csv.text).toBe('id,name\n');
    expect(csv.result).toEqual({ nDocs: 0, nDocsProcessed: 0, bytesWritten: csv.gzipBytes });
    expect((await runExport(db.url, ORG, { format: 'json', type: 'leads' }, { leadSelection: none })).text).toBe('[]\n');
  });

  it('writes as many address blocks as the exported lead with the most addresses has, at least one', async () => {
    const blocks = async (ids: string[]) => {
      const selection = { sql: 'SELECT id FROM leads WHERE id = ANY($1) ORDER BY id', bindings: [ids] };
      const { text } = await runExport(db.url, ORG, { format: 'csv', type: 'leads', fields: ['addresses'] }, { leadSelection: selection });
      return header(text).filter((h) => h.endsWith('_address_1'));
    };
    expect(await blocks(['lead_A1', 'lead_A2'])).toEqual(['address_1_address_1', 'address_2_address_1', 'address_3_address_1']);
    expect(await blocks(['lead_A2'])).toEqual(['address_1_address_1']);
    expect(await blocks(['lead_A3'])).toEqual(['address_1_address_1']);
  });

  it('adds the lead’s smart fields after the lead columns of contacts and lead_opps CSVs', async () => {
    const { text } = await runExport(db.url, ORG, { format: 'csv', type: 'lead_opps', fields: ['id'], include_smart_fields: true });
    const columns = header(text);
    expect(columns.indexOf('num_contacts')).toBeGreaterThan(columns.indexOf('lead_custom.Notes, long'));
    const rows = csvRecords(text);
    expect(rows.map((r) => [r.opportunity_id, r.num_opportunities, r.primary_opportunity_id])).toEqual([
      ['oppo_A1a', '2', 'oppo_A1a'],
      ['oppo_A1b', '2', 'oppo_A1a'],
      ['oppo_A3a', '1', 'oppo_A3a'],
      ['oppo_A4a', '1', 'oppo_A4a'],
    ]);
  });

  it('renders each date_format exactly as decided (spec §5.6)', async () => {
    const dates = async (dateFormat: string) =>
      csvRecords((await runExport(db.url, ORG, { format: 'csv', type: 'leads', fields: ['date_created', 'date_updated', 'custom'], date_format: dateFormat })).text).map(
        (r) => [r.date_created, r.date_updated, r['custom.Trial Due'], r['custom.Kickoff At']],
      );
    expect(await dates('original')).toEqual([
      ['2014-04-02 15:00:05.190000+00:00', '2014-04-03 00:00:00+00:00', '2026-12-31', '2026-11-27 12:30:00+00:00'],
      ['2015-06-30 12:00:00.000001+00:00', '2015-06-30 23:59:59.999999+00:00', '', 'next week'],
      ['2016-01-01 00:00:00+00:00', '2016-01-01 12:00:00+00:00', '', ''],
      ['2017-03-04 05:06:07.080900+00:00', '2017-03-04 17:06:07+00:00', '', ''],
    ]);
    expect(await dates('iso8601')).toEqual([
      ['2014-04-02T15:00:05+00:00', '2014-04-03T00:00:00+00:00', '2026-12-31', '2026-11-27T12:30:00+00:00'],
      ['2015-06-30T12:00:00+00:00', '2015-06-30T23:59:59+00:00', '', 'next week'],
      ['2016-01-01T00:00:00+00:00', '2016-01-01T12:00:00+00:00', '', ''],
      ['2017-03-04T05:06:07+00:00', '2017-03-04T17:06:07+00:00', '', ''],
    ]);
    expect(await dates('excel')).toEqual([
      ['2014-04-02 03:00:05 PM', '2014-04-03 12:00:00 AM', '2026-12-31', '2026-11-27 12:30:00 PM'],
      ['2015-06-30 12:00:00 PM', '2015-06-30 11:59:59 PM', '', 'next week'],
      ['2016-01-01 12:00:00 AM', '2016-01-01 12:00:00 PM', '', ''],
      ['2017-03-04 05:06:07 AM', '2017-03-04 05:06:07 PM', '', ''],
    ]);
  });

  it('writes NULL as an empty cell and an empty string as "" (PostgreSQL CSV)', async () => {
    const { text } = await runExport(db.url, ORG, { format: 'csv', type: 'leads', fields: ['id', 'description', 'url'] });
    expect(text.split('\n').slice(3, 5)).toEqual(['lead_A2,"",', 'lead_A3,,']); // lead_A1's description spans two lines
  });

  it('joins several values in one cell with "; " and splits user fields into .id and .name', async () => {
    const [acme, , , zeta] = csvRecords((await runExport(db.url, ORG, { format: 'csv', type: 'leads', fields: ['custom', 'contacts'] })).text);
    expect(acme['custom.Industry']).toBe('Cars; IT, Software');
    expect(acme['custom.Helpers.id']).toBe('user_A1; user_A3');
    expect(acme['custom.Helpers.name']).toBe('Ada Lovelace; nameless@example.com');
    expect(acme.primary_contact_other_emails).toBe('b.wayne@home.example; batman@cave.example');
    // A single value stored in a multi-value field is still one value.
    expect([zeta['custom.Helpers.id'], zeta['custom.Helpers.name']]).toEqual(['user_A2', 'Zoë Ørsted']);
  });

  it('writes a gzip stream that decompresses to UTF-8 without a byte order mark', async () => {
    const { text } = await runExport(db.url, ORG, { format: 'csv', type: 'leads', fields: ['id'] });
    expect(text.startsWith('id\n')).toBe(true);
  });
});
