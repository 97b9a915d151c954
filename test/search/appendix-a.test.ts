import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchObjects } from '../../src/crm/search-service.js';
import { compileLeadSelection } from '../../src/search/compile-query.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { APPENDIX_A, type AppendixFixture } from './appendix-a-fixtures.js';
import { and, objectType } from './query-builders.js';
import { ALL_LEADS, CUSTOM_FIELDS, insertSavedSearches, insertSearchDataset, NOW, ORG, searchContext } from './search-dataset.js';

/**
 * Every fixture of the spec's Appendix A is accepted, each in the place it belongs (a search
 * body, an export s_query, a smart view), and gives the result worked out by hand from the
 * dataset. The fixtures' own ids (cf_OWNER, cf_STATE, a smart view, statuses, users) are
 * created in the test organization; no lead holds those custom fields.
 */

let db: TestDatabase;
const SMART_VIEW_ID = 'save_TOTstqdumHKQcNUaztinosJBnRDPYd7IAMhU2SuKyVH';
const EXTRA_FIELDS = [
  { id: 'cf_OWNER', objectType: 'lead' as const, name: 'Fixture Owner', type: 'user' as const, acceptsMultipleValues: false },
  { id: 'cf_STATE', objectType: 'lead' as const, name: 'Fixture State', type: 'choices' as const, acceptsMultipleValues: false },
];

beforeAll(async () => {
  db = await createTestDatabase();
  await insertSearchDataset(db.knex);
  await db.knex('custom_fields').insert(EXTRA_FIELDS.map((f) => ({ id: f.id, organization_id: ORG, object_type: f.objectType, name: f.name, type: f.type })));
  await insertSavedSearches(db.knex, { [SMART_VIEW_ID]: { sQuery: { query: { negate: false, type: 'match_all' }, results_limit: null, sort: [] } } });
});
afterAll(async () => db?.drop());

const fixture = (id: string): AppendixFixture => APPENDIX_A.find((f) => f.id === id)!;
const json = (id: string) => fixture(id).json as Record<string, unknown>;
const caller = { organizationId: ORG, tzOffsetMinutes: 0, now: NOW };
const ctx = () => searchContext({ customFields: [...CUSTOM_FIELDS, ...EXTRA_FIELDS] }, { [SMART_VIEW_ID]: { query: { type: 'match_all' } } });
const leads = async (input: Parameters<typeof compileLeadSelection>[1]) =>
  (await compileLeadSelection(db.knex, input, ctx())).map((r: { id: string }) => r.id);
const search = (body: unknown) => searchObjects(db.knex, caller, body);
const ids = (response: { data: Record<string, unknown>[] }) => response.data.map((d) => d.id);

it('covers every JSON block of Appendix A', () => {
  expect(APPENDIX_A.map((f) => f.id)).toEqual([
    'A.1', 'A.2.1', 'A.2.2', 'A.3', 'A.4', 'A.5', 'A.6', 'A.7', 'A.8', 'A.9', 'A.11', 'A.13', 'A.14.1', 'A.14.2', 'A.17.1', 'A.17.2', 'A.17.3', 'A.18', 'A.22', 'A.25', 'A.26',
  ]);
});

describe('search bodies (POST /data/search/)', () => {
  it('A.1: contacts whose title has the word CEO', async () => {
    const response = await search(json('A.1'));
    expect(response).toEqual({
      data: [
        { __object_type: 'contact', id: 'cont_george' },
        { __object_type: 'contact', id: 'cont_wile' },
      ],
      cursor: null,
    });
  });

  it('A.7: a smart view, with _fields and a page size', async () => {
    const response = await search(json('A.7'));
    expect(ids(response)).toEqual([...ALL_LEADS]);
    expect(response.data[0]).toEqual({ __object_type: 'lead', id: 'lead_acme', display_name: 'ACME Inc.' });
  });

  it('A.8: leads with a contact with an exact email (nulls everywhere accepted)', async () => {
    expect(ids(await search(json('A.8')))).toEqual(['lead_bluth']);
  });

  it('A.9: count only', async () => {
    expect(await search(json('A.9'))).toEqual({ data: [], cursor: null, count: { total: ALL_LEADS.length } });
  });

  it('A.13: this month, with counts and a page size (and the legacy "limit": null)', async () => {
    expect(await search(json('A.13'))).toEqual({ data: [{ __object_type: 'lead', id: 'lead_bluth' }], cursor: null, count: { total: 1 } });
  });

  it('A.22: field-less search sorted by a smart field', async () => {
    expect(ids(await search(json('A.22')))).toEqual(['lead_dunder']);
  });

  it('A.25: contacts by date_updated, one page after another', async () => {
    const first = await search({ ...json('A.25'), _limit: 4 });
    // date_updated is 2024-01-02T03:04:05Z for first contacts (included: on_or_after), 2024-02-02… for second ones.
    expect(ids(first)).toEqual(['cont_george', 'cont_miles', 'cont_nobody', 'cont_scott']);
    expect(first.data[0]).toEqual({ __object_type: 'contact', id: 'cont_george' });
    const second = await search({ ...json('A.25'), _limit: 4, cursor: first.cursor });
    expect(ids(second)).toEqual(['cont_wile', 'cont_michael', 'cont_road']);
    expect(second.cursor).toBeNull();
  });
});

describe('export s_query and smart views', () => {
  it('A.2: a query node with its sibling sort', async () => {
    expect(await leads({ sQuery: json('A.2.1'), sort: fixture('A.2.2').json })).toEqual(['lead_acme']);
  });

  it('A.3: a smart view body\'s s_query (wrapper without sort)', async () => {
    expect(await leads({ sQuery: json('A.3').s_query })).toEqual(['lead_bluth']);
  });

  it('A.4: a contact smart view selects the leads of its contacts', async () => {
    expect(await leads({ sQuery: json('A.4') })).toEqual(['lead_acme', 'lead_bluth']);
  });

  it('A.5: "All Leads"', async () => {
    expect(await leads({ sQuery: json('A.5') })).toEqual([...ALL_LEADS]);
  });

  it('A.6: a legacy smart view has s_query null: everything', async () => {
    expect(await leads({ sQuery: json('A.6').s_query })).toEqual([...ALL_LEADS]);
  });
});

describe('fragments, in a query of their type', () => {
  const inLeads = (node: unknown) => leads({ sQuery: and(objectType('lead'), node as Record<string, unknown>) });

  it('A.11: a lead status (not one of this organization: nothing)', async () => {
    expect(await inLeads(json('A.11'))).toEqual([]);
  });

  it('A.14: today on a custom date field; until now', async () => {
    const onField = (fieldRef: unknown, condition: unknown) => inLeads({ type: 'field_condition', field: fieldRef, condition });
    expect(await onField({ type: 'custom_field', custom_field_id: 'cf_signed' }, json('A.14.1'))).toEqual([]);
    expect(await onField({ type: 'regular_field', object_type: 'lead', field_name: 'date_created' }, json('A.14.2'))).toEqual(ALL_LEADS.filter((id) => id !== 'lead_jetson'));
  });

  it('A.17: custom field empty, user, choice', async () => {
    expect(await inLeads(json('A.17.1'))).toEqual([...ALL_LEADS]);
    expect(await inLeads(json('A.17.2'))).toEqual([]);
    expect(await inLeads(json('A.17.3'))).toEqual([]);
  });

  it('A.18: a number range on a smart field', async () => {
    expect(await inLeads(json('A.18'))).toEqual(['lead_dunder']);
  });

  it('A.26: opportunities owned by a user', async () => {
    const response = await search({ query: and(objectType('opportunity'), json('A.26')) });
    expect(response.data).toEqual([]);
    const ann = { ...json('A.26'), condition: { type: 'reference', reference_type: 'user_or_group', object_ids: ['user_ann'] } };
    expect(ids(await search({ query: and(objectType('opportunity'), ann) }))).toEqual(['oppo_acme1']);
  });
});
