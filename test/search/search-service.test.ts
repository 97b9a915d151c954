import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSavedSearchIds, loadSearchContext, runSearchPage, searchObjects } from '../../src/crm/search-service.js';
import { isAppError } from '../../src/errors/app-error.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { and, exists, field, matchAll, not, objectType, reference, related, savedSearch, sortBy, term, words } from './query-builders.js';
import { ALL_LEADS, insertSavedSearches, insertSearchDataset, NOW, ORG, OTHER_ORG, STATUS } from './search-dataset.js';

/** `POST /data/search/` semantics at the service: Close's body and response, paging, counts, `_fields`. */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await insertSearchDataset(db.knex);
  await insertSavedSearches(db.knex, {
    save_hot: { sQuery: { query: and(objectType('lead'), field('cf_state', term('Hot'))), results_limit: null, sort: [] } },
    save_outer: { sQuery: or2(savedSearch('save_hot'), field('status_id', term(STATUS.customer))) },
    save_ceo: { type: 'contact', sQuery: { query: and(objectType('contact'), field('title', words('ceo'), 'contact')) } },
  });
  await db.knex('saved_searches').insert({ id: 'save_foreign', organization_id: OTHER_ORG, name: 'x', s_query: JSON.stringify({ query: matchAll() }) });
});
afterAll(async () => db?.drop());

function or2(...queries: Record<string, unknown>[]) {
  return { type: 'or', queries };
}

const caller = { organizationId: ORG, tzOffsetMinutes: 0, now: NOW, userId: 'user_ann' };
const search = (body: unknown) => searchObjects(db.knex, caller, body);
const ids = (response: { data: Record<string, unknown>[] }) => response.data.map((d) => d.id);

async function errorsOf(body: unknown): Promise<Record<string, string>> {
  try {
    await search(body);
  } catch (error) {
    if (isAppError(error) && error.code === 'BAD_USER_INPUT') return error.details.fieldErrors ?? {};
    throw error;
  }
  throw new Error('expected a validation error');
}

async function walk(body: Record<string, unknown>): Promise<{ pages: string[][]; cursors: (string | null)[] }> {
  const pages: string[][] = [];
  const cursors: (string | null)[] = [];
  let cursor: string | null = null;
  do {
    const response = await search({ ...body, cursor });
    pages.push(ids(response) as string[]);
    cursor = response.cursor;
    cursors.push(cursor);
  } while (cursor && pages.length < 20);
  return { pages, cursors };
}

describe('paging', () => {
  it('walks every lead in pages of _limit; the last page has a null cursor', async () => {
    const { pages, cursors } = await walk({ query: matchAll(), _limit: 4 });
    expect(pages).toEqual([ALL_LEADS.slice(0, 4), ALL_LEADS.slice(4, 8), ALL_LEADS.slice(8)]);
    expect(cursors.at(-1)).toBeNull();
    expect(cursors.slice(0, -1).every((c) => typeof c === 'string' && c.length > 0)).toBe(true);
  });

  it('a page that ends exactly at the end gives a null cursor', async () => {
    const { pages } = await walk({ query: matchAll(), _limit: 3 });
    expect(pages.map((p) => p.length)).toEqual([3, 3, 3]);
  });

  it('keeps the sort order across pages, with ties and empty values (NULLS LAST) in the walk', async () => {
    const sort = [sortBy('num_contacts', 'desc'), sortBy('name', 'asc')];
    const { pages } = await walk({ query: matchAll(), sort, _limit: 2 });
    expect(pages.flat()).toEqual([
      'lead_acme', 'lead_bluth', 'lead_cyber', 'lead_dunder', 'lead_globex', 'lead_hooli', 'lead_initech', 'lead_jetson', 'lead_empty',
    ]);
    const byName = await walk({ query: matchAll(), sort: [sortBy('name', 'desc')], _limit: 4 });
    expect(byName.pages.flat()).toEqual([
      'lead_jetson', 'lead_initech', 'lead_hooli', 'lead_globex', 'lead_dunder', 'lead_cyber', 'lead_bluth', 'lead_acme', 'lead_empty',
    ]);
  });

  it('keyset: a row inserted behind the cursor is not returned and nothing repeats', async () => {
    const first = await search({ query: matchAll(), _limit: 4 });
    await db.knex('leads').insert({ id: 'lead_aardvark', organization_id: ORG, name: 'Aardvark', display_name: 'Aardvark', status_id: STATUS.potential });
    try {
      const second = await search({ query: matchAll(), _limit: 10, cursor: first.cursor });
      expect(ids(second)).toEqual(ALL_LEADS.slice(4));
    } finally {
      await db.knex('leads').where({ id: 'lead_aardvark' }).delete();
    }
  });

  it('results_limit caps the walk across pages', async () => {
    const { pages } = await walk({ query: matchAll(), results_limit: 5, _limit: 2 });
    expect(pages).toEqual([ALL_LEADS.slice(0, 2), ALL_LEADS.slice(2, 4), ALL_LEADS.slice(4, 5)]);
  });

  it('_limit 0 returns no data; results_limit 0 with include_counts counts only', async () => {
    expect(await search({ query: matchAll(), _limit: 0 })).toEqual({ data: [], cursor: null });
    expect(await search({ query: matchAll(), results_limit: 0, include_counts: true })).toEqual({ data: [], cursor: null, count: { total: 9 } });
  });

  it('count.total is every match, whatever the page and results_limit', async () => {
    const response = await search({ query: field('status_id', term(STATUS.potential)), include_counts: true, results_limit: 1, _limit: 1 });
    expect(response).toEqual({ data: [{ __object_type: 'lead', id: 'lead_acme' }], cursor: null, count: { total: 4 } });
  });

  it('accepts _cursor as an alias of cursor', async () => {
    const first = await search({ query: matchAll(), _limit: 8 });
    expect(ids(await search({ query: matchAll(), _limit: 8, _cursor: first.cursor }))).toEqual(['lead_jetson']);
  });

  it('refuses a cursor of another search, and one that is not a cursor', async () => {
    const first = await search({ query: matchAll(), _limit: 2 });
    expect(await errorsOf({ query: not(matchAll()), _limit: 2, cursor: first.cursor })).toEqual({
      cursor: expect.stringMatching(/belongs to a different search/),
    });
    expect(await errorsOf({ query: matchAll(), cursor: 'garbage' })).toEqual({ cursor: expect.stringMatching(/not a cursor/) });
    expect(await errorsOf({ query: matchAll(), cursor: 42 })).toEqual({ cursor: expect.stringMatching(/not a cursor/) });
    // A hand-edited cursor keeps the fingerprint but carries a key that is not a timestamp.
    const sorted = { query: matchAll(), sort: [sortBy('date_created', 'asc')], _limit: 2 };
    const real = (await search(sorted)).cursor!;
    const [print, returned, id] = JSON.parse(Buffer.from(real, 'base64url').toString()) as unknown[];
    for (const key of ['yesterday', '2024-02-30 00:00:00+00', '2024-01-01T00:00:00Z']) {
      const forged = Buffer.from(JSON.stringify([print, returned, id, [key]])).toString('base64url');
      expect(await errorsOf({ ...sorted, cursor: forged })).toEqual({ cursor: expect.stringMatching(/not a cursor/) });
    }
    // The same search from another organization cannot continue this one's cursor.
    await expect(searchObjects(db.knex, { ...caller, organizationId: OTHER_ORG }, { query: matchAll(), _limit: 2, cursor: first.cursor })).rejects.toThrow(/different search/);
  });
});

describe('object types', () => {
  it('searches contacts, with has_related back to their lead', async () => {
    const response = await search({ query: and(objectType('contact'), related('contact', 'lead', field('status_id', term(STATUS.qualified)))) });
    expect(response.data).toEqual([
      { __object_type: 'contact', id: 'cont_george' },
      { __object_type: 'contact', id: 'cont_michael' },
      { __object_type: 'contact', id: 'cont_miles' },
    ]);
  });

  it('searches opportunities, sorted by value with empty values last', async () => {
    const response = await search({ query: and(objectType('opportunity')), sort: [sortBy('value', 'desc', 'opportunity')], _fields: { opportunity: ['value', 'status_type', 'date_won'] } });
    expect(response.data).toEqual([
      { __object_type: 'opportunity', id: 'oppo_bluth', value: 120000, status_type: 'won', date_won: '2024-03-15' },
      { __object_type: 'opportunity', id: 'oppo_acme1', value: 50000, status_type: 'active', date_won: null },
      { __object_type: 'opportunity', id: 'oppo_acme2', value: 1000, status_type: 'lost', date_won: null },
      { __object_type: 'opportunity', id: 'oppo_dunder', value: null, status_type: 'active', date_won: null },
    ]);
  });

  it('searches activities of one type', async () => {
    expect(ids(await search({ query: and(objectType('activity.email')) }))).toEqual(['acti_e1', 'acti_e2']);
    expect(ids(await search({ query: and(objectType('activity'), field('type', term('Meeting'), 'activity')) }))).toEqual(['acti_m1', 'acti_m2']);
  });
});

describe('_fields', () => {
  it('returns the named fields in Close\'s JSON shapes, custom fields as stored', async () => {
    const response = await search({
      query: field('id', reference('lead', 'lead_acme')),
      _fields: {
        lead: ['id', 'display_name', 'status_label', 'date_created', 'num_contacts', 'last_activity_date', 'custom.cf_tags', 'custom.cf_amount', 'custom.cf_source', 'primary_opportunity_status_label'],
        contact: ['name'],
      },
    });
    expect(response.data).toEqual([
      {
        __object_type: 'lead',
        id: 'lead_acme',
        display_name: 'ACME Inc.',
        status_label: 'Potential',
        date_created: '2024-01-10T10:00:00.000000+00:00',
        num_contacts: 2,
        last_activity_date: '2024-05-12T09:00:00.000000+00:00',
        'custom.cf_tags': ['A', 'B'],
        'custom.cf_amount': 1500,
        'custom.cf_source': 'Web Form',
        primary_opportunity_status_label: 'Active',
      },
    ]);
  });

  it('keeps microseconds', async () => {
    const response = await search({ query: field('id', reference('lead', 'lead_initech')), _fields: { lead: ['date_created'] } });
    expect(response.data[0].date_created).toBe('2023-12-31T23:59:59.999999+00:00');
  });

  it('refuses unknown fields and types with their path', async () => {
    expect(await errorsOf({ query: matchAll(), _fields: { lead: ['id', 'popularity', 'custom.cf_c_level'], companies: [] } })).toEqual({
      '_fields.lead[1]': expect.stringMatching(/unknown lead field "popularity"/),
      '_fields.lead[2]': expect.stringMatching(/unknown lead field "custom.cf_c_level"/),
      '_fields.companies': expect.stringMatching(/unknown object type/),
    });
    expect(await errorsOf({ query: matchAll(), _fields: ['id'] })).toEqual({ _fields: expect.stringMatching(/expected an object/) });
  });
});

describe('saved searches', () => {
  it('loads the smart views a query refers to, transitively', async () => {
    expect(ids(await search({ query: savedSearch('save_outer') }))).toEqual(['lead_acme', 'lead_dunder', 'lead_globex']);
  });

  it('a contact smart view as the whole query searches contacts', async () => {
    expect(ids(await search({ query: savedSearch('save_ceo') }))).toEqual(['cont_george', 'cont_wile']);
    expect(ids(await search({ query: and(objectType('contact'), savedSearch('save_ceo')) }))).toEqual(['cont_george', 'cont_wile']);
  });

  it('another organization\'s smart view does not exist here', async () => {
    expect(await errorsOf({ query: savedSearch('save_foreign') })).toEqual({ 'query.saved_search_id': expect.stringMatching(/no saved search/) });
  });

  it('collects saved search ids from unvalidated JSON without recursing forever', () => {
    let deep: unknown = savedSearch('save_deep');
    for (let i = 0; i < 10_000; i++) deep = { type: 'and', queries: [deep] };
    expect(collectSavedSearchIds(deep)).toEqual([]);
    expect(collectSavedSearchIds(and(savedSearch('a'), { x: [savedSearch('b')] }, savedSearch('a')))).toEqual(['a', 'b']);
  });

  it('loads the organization\'s custom fields into the context', async () => {
    const ctx = await loadSearchContext(db.knex, caller, null);
    expect(ctx.customFields.map((f) => f.id)).toContain('cf_helpers');
    expect(ctx.customFields.find((f) => f.id === 'cf_tags')).toMatchObject({ objectType: 'lead', type: 'choices', acceptsMultipleValues: true, choices: ['A', 'B', 'C'] });
  });
});

describe('the request body', () => {
  it.each([
    [{ query: matchAll(), _limit: 201 }, '_limit', /0 to 200/],
    [{ query: matchAll(), _limit: '10' }, '_limit', /0 to 200/],
    [{ query: matchAll(), include_counts: 'yes' }, 'include_counts', /true or false/],
    [{ query: matchAll(), sQuery: {} }, 'sQuery', /unknown key/],
    [{ query: { type: 'nope' } }, 'query.type', /unknown query type/],
    [{ query: matchAll(), sort: [sortBy('title', 'asc', 'contact')] }, 'sort[0].field.object_type', /expected "lead"/],
  ])('%j → %s', async (body, path, message) => {
    const errors = await errorsOf(body);
    expect(errors[path]).toMatch(message);
  });

  it('must be an object', async () => {
    await expect(search([matchAll()])).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { fieldErrors: { body: expect.any(String) } } });
  });

  it('an empty body searches every lead', async () => {
    expect(ids(await search({}))).toEqual([...ALL_LEADS]);
  });

  it('runSearchPage selects leads for GraphQL whatever the query searches', async () => {
    const page = await runSearchPage(db.knex, caller, {
      input: { sQuery: and(objectType('contact'), not(field('title', exists(), 'contact'))) },
      paths: { sQuery: 'sQuery', resultsLimit: 'resultsLimit', sort: 'sort' },
      cursor: null,
      cursorPath: 'after',
      pageSize: 10,
      includeCount: true,
      selectType: 'lead',
    });
    expect(page).toMatchObject({ objectType: 'lead', hasMore: false, total: 1, rows: [{ id: 'lead_globex' }] });
  });
});
