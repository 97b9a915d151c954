import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smartFieldSourceSql } from '../../src/db/smart-field-meanings.js';
import { LEAD_SMART_FIELDS } from '../../src/search/smart-fields.js';
import { seedOrganization } from '../../src/seed/seed-organization.js';
import { dateSql, dateTimeSql } from '../../src/writers/date-format.js';
import { SMART_FIELDS } from '../../src/writers/smart-fields.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertExportDataset, ORG } from './export-dataset.js';
import { runExport } from './export-helpers.js';

/**
 * Each smart field is defined once (src/db/smart-field-meanings.ts) and rendered in two shapes:
 * exports compute every field of a child table in one LATERAL of FILTERed aggregates, conditions
 * and sorts use one correlated subquery per field (WHERE instead of FILTER, `LIMIT 1` instead of
 * array_agg, only the joins the field needs). The shapes must agree: every searchable field is
 * evaluated both ways on every lead, on the hand-written dataset and on a seeded organization
 * (calls both ways, SMS, meetings, won/lost opportunities, tasks).
 */
describe('smart fields', () => {
  let db: TestDatabase;
  let seededOrg: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    await insertExportDataset(db.knex);
    seededOrg = (await seedOrganization(db.knex, { organizationName: 'Smart Fields Seed', leads: 150, seed: 7 })).organizationId;
  });
  afterAll(async () => db?.drop());

  it('define the fields the search module defines, plus two display fields', () => {
    const exported = SMART_FIELDS.map((d) => d.name);
    const searched = LEAD_SMART_FIELDS.map((d) => d.name);
    expect(new Set(exported).size).toBe(exported.length);
    expect(exported.filter((n) => !searched.includes(n))).toEqual(['primary_opportunity_pipeline_name', 'primary_opportunity_user_name']);
    expect(searched.filter((n) => !exported.includes(n))).toEqual([]);
  });

  it('join only the tables a field refers to, and the tables those joins need', () => {
    expect(smartFieldSourceSql('opportunities', ['count(*)'])).toBe('opportunities sf');
    expect(smartFieldSourceSql('opportunities', ["count(*) FILTER (WHERE sf_s.type = 'won')"])).toBe(
      'opportunities sf JOIN opportunity_statuses sf_s ON sf_s.id = sf.status_id',
    );
    // The pipeline is reached through the status.
    expect(smartFieldSourceSql('opportunities', ['sf_p.name'])).toBe(
      'opportunities sf JOIN opportunity_statuses sf_s ON sf_s.id = sf.status_id LEFT JOIN pipelines sf_p ON sf_p.id = sf_s.pipeline_id',
    );
    expect(smartFieldSourceSql('opportunities', ['sf_u.email'])).toBe('opportunities sf LEFT JOIN users sf_u ON sf_u.id = sf.user_id');
  });

  for (const organization of ['hand-written', 'seeded']) {
    it(`have the same values as the search definitions (${organization} dataset)`, async () => {
      const org = organization === 'seeded' ? seededOrg : ORG;
      const exported: Array<Record<string, unknown>> = JSON.parse(
        (await runExport(db.url, org, { format: 'json', type: 'leads', fields: ['id'], include_smart_fields: true })).text,
      );
      expect(exported.length).toBeGreaterThan(3);
      const byId = new Map(exported.map((lead) => [lead.id, lead]));
      let compared = 0;
      for (const definition of SMART_FIELDS) {
        const sql = LEAD_SMART_FIELDS.find((field) => field.name === definition.name)?.expr('l').text;
        if (!sql) continue;
        // Rendered the way exports render: JSON dates, averages rounded to the cent.
        const rendered =
          definition.kind === 'datetime' ? dateTimeSql(sql, 'json') : definition.kind === 'date' ? dateSql(sql) : definition.name.startsWith('avg_') ? `round(${sql})` : sql;
        const { rows } = await db.knex.raw<{ rows: Array<{ id: string; v: unknown }> }>(
          `SELECT l.id, to_json(${rendered}) AS v FROM leads l WHERE l.organization_id = ? ORDER BY l.id`,
          [org],
        );
        for (const row of rows) {
          expect({ lead: row.id, field: definition.name, value: byId.get(row.id)?.[definition.name] }).toEqual({
            lead: row.id,
            field: definition.name,
            value: row.v,
          });
          compared++;
        }
      }
      expect(compared).toBe(exported.length * (SMART_FIELDS.length - 2));
    });
  }

  it('pick the primary opportunity: active first, then won, then lost; the newest among equals', async () => {
    const leads = JSON.parse((await runExport(db.url, ORG, { format: 'json', type: 'leads', fields: ['id'], include_smart_fields: true })).text);
    expect(leads.map((l: Record<string, unknown>) => [l.id, l.primary_opportunity_id, l.primary_opportunity_user_name])).toEqual([
      ['lead_A1', 'oppo_A1a', 'Ada Lovelace'], // active beats the newer won one
      ['lead_A2', null, null],
      ['lead_A3', 'oppo_A3a', null], // lost, but the only one
      ['lead_A4', 'oppo_A4a', 'nameless@example.com'],
    ]);
  });
});
