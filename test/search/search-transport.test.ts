import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/credential-store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { basicAuthorization } from '../helpers/fixtures.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { and, field, localDate, moments, objectType, reference, related, sortBy, words } from './query-builders.js';
import { ALL_LEADS, insertSearchDataset, ORG, STATUS, USERS } from './search-dataset.js';

/** The search over real HTTP: REST `POST /api/v1/data/search/` and GraphQL `searchLeads`. */

let db: TestDatabase;
let gateway: TestGateway;
let authorization: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await insertSearchDataset(db.knex);
  authorization = basicAuthorization((await createApiKey(db.knex, { organizationId: ORG, userId: USERS.ann })).key);
  gateway = await startTestGateway(db.url);
});
afterAll(async () => {
  await gateway?.stop();
  await db?.drop();
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization, ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const graphql = (query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) => post('/graphql', { query, variables }, headers);

// Dates in the caller's zone without "now": at UTC lead_cyber (Mar 1 03:30 UTC) is in March; at -4 it is Feb 29.
const MARCH = field('date_created', moments(localDate('2024-03-01', 'start'), localDate('2024-03-31', 'end')));

describe('REST POST /api/v1/data/search/', () => {
  it('answers Close\'s request with Close\'s response, with or without the trailing slash', async () => {
    const body = { query: and(objectType('contact'), field('title', words('CEO'), 'contact')), _fields: { contact: ['name'] }, include_counts: true };
    const expected = {
      data: [
        { __object_type: 'contact', id: 'cont_george', name: 'George Bluth' },
        { __object_type: 'contact', id: 'cont_wile', name: 'Wile E. Coyote' },
      ],
      cursor: null,
      count: { total: 2 },
    };
    for (const path of ['/api/v1/data/search/', '/api/v1/data/search']) {
      const { status, body: response } = await post(path, body);
      expect(status).toBe(200);
      expect(response).toEqual(expected);
    }
  });

  it('pages with the cursor', async () => {
    const first = await post('/api/v1/data/search/', { query: { type: 'match_all' }, _limit: 5 });
    const second = await post('/api/v1/data/search/', { query: { type: 'match_all' }, _limit: 5, cursor: first.body.cursor });
    expect([...first.body.data, ...second.body.data].map((d: { id: string }) => d.id)).toEqual([...ALL_LEADS]);
    expect(second.body.cursor).toBeNull();
  });

  it('evaluates dates in the X-TZ-Offset zone ("-4.0" as the Python client sends it)', async () => {
    const ids = async (headers: Record<string, string>) => (await post('/api/v1/data/search/', { query: MARCH }, headers)).body.data.map((d: { id: string }) => d.id);
    expect(await ids({})).toEqual(['lead_cyber', 'lead_dunder']);
    expect(await ids({ 'x-tz-offset': '-0.0' })).toEqual(['lead_cyber', 'lead_dunder']);
    expect(await ids({ 'x-tz-offset': '-4.0' })).toEqual(['lead_dunder', 'lead_empty']);
  });

  it('refuses a bad query with 400 and Close\'s field-errors, naming the path', async () => {
    const { status, body } = await post('/api/v1/data/search/', {
      query: and(objectType('lead'), field('name', { type: 'text', mode: 'fullwords', value: 'x' })),
    });
    expect(status).toBe(400);
    expect(body).toEqual({
      errors: [],
      'field-errors': { 'query.queries[1].condition.mode': 'unknown mode "fullwords"; expected one of: full_words, phrase, beginning_of_words, exact_value' },
    });
  });

  it('refuses a bad X-TZ-Offset with 400', async () => {
    const { status, body } = await post('/api/v1/data/search/', { query: MARCH }, { 'x-tz-offset': 'EST' });
    expect(status).toBe(400);
    expect(Object.keys(body['field-errors'])).toEqual(['X-TZ-Offset']);
  });

  it('needs credentials', async () => {
    const { status } = await post('/api/v1/data/search/', {}, { authorization: '' });
    expect(status).toBe(401);
  });
});

describe('GraphQL searchLeads', () => {
  const SEARCH = `query($sQuery: JSON, $sort: JSON, $resultsLimit: Int, $first: Int, $after: String) {
    searchLeads(sQuery: $sQuery, sort: $sort, resultsLimit: $resultsLimit, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id displayName status { label } } }
      nodes { id }
    }
  }`;

  it('returns a Relay connection of leads, with totalCount, page after page', async () => {
    const variables = { sQuery: related('lead', 'contact', { type: 'match_all' }), sort: [sortBy('name', 'desc')], first: 3 };
    const first = await graphql(SEARCH, variables);
    expect(first.status).toBe(200);
    expect(first.body.errors).toBeUndefined();
    const page = first.body.data.searchLeads;
    expect(page.totalCount).toBe(5);
    expect(page.nodes.map((n: { id: string }) => n.id)).toEqual(['lead_globex', 'lead_dunder', 'lead_cyber']);
    expect(page.edges[0]).toEqual({ cursor: page.pageInfo.startCursor, node: { id: 'lead_globex', displayName: 'Globex Corporation', status: { label: 'Customer' } } });
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, endCursor: page.edges[2].cursor });

    const second = (await graphql(SEARCH, { ...variables, after: page.pageInfo.endCursor })).body.data.searchLeads;
    expect(second.nodes.map((n: { id: string }) => n.id)).toEqual(['lead_bluth', 'lead_acme']);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('takes a contact query as the leads that have such a contact, and honours resultsLimit', async () => {
    const { body } = await graphql(SEARCH, { sQuery: and(objectType('contact'), field('title', words('ceo'), 'contact')), resultsLimit: 1 });
    expect(body.data.searchLeads.nodes).toEqual([{ id: 'lead_acme' }]);
    expect(body.data.searchLeads.totalCount).toBe(2);
  });

  it('uses the X-TZ-Offset header', async () => {
    const { body } = await graphql(SEARCH, { sQuery: MARCH }, { 'x-tz-offset': '-4' });
    expect(body.data.searchLeads.nodes).toEqual([{ id: 'lead_dunder' }, { id: 'lead_empty' }]);
  });

  it('refuses bad input with BAD_USER_INPUT and fieldErrors rooted at the argument names', async () => {
    const { status, body } = await graphql(SEARCH, {
      sQuery: and(objectType('lead'), field('status_id', reference('status.opportunity', STATUS.potential))),
      resultsLimit: -1,
      first: 500,
    });
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    // `first` is checked before the query.
    expect(body.errors[0].extensions.fieldErrors).toEqual({ first: 'expected a whole number from 0 to 200' });

    const query = await graphql(SEARCH, { sQuery: and(objectType('lead'), field('status_id', reference('status.opportunity', STATUS.potential))), resultsLimit: -1 });
    expect(query.body.errors[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fieldErrors: {
        'sQuery.queries[1].condition.reference_type': '"status.opportunity" does not apply; lead field "status_id" references: status.lead',
        resultsLimit: 'expected a whole number ≥ 0 or null, got -1',
      },
    });
    const cursor = await graphql(SEARCH, { after: 'nope' });
    expect(cursor.body.errors[0].extensions.fieldErrors).toEqual({ after: expect.stringMatching(/not a cursor/) });
  });
});
