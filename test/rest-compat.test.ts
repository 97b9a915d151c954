import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessToken, createApiKey } from '../src/auth/credential-store.js';
import { CloseApiClient, ValidationError } from './helpers/close-client.js';
import { createBulkOrganization } from './helpers/bulk-organization.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { eventually } from './helpers/eventually.js';
import { createTestOrganization } from './helpers/fixtures.js';
import { startTestGateway, type TestGateway } from './helpers/gateway.js';
import { parseCsv } from './exports/export-helpers.js';

const LEADS = 15;

/**
 * A Close script pointed at the gateway: the Python client's wire behaviour drives
 * create → poll → download → parse for every type and format, and Close's REST conventions hold.
 */
/** The `fields` Close echoes for an opportunity export (spec Appendix B.6), verbatim. */
const CLOSE_OPPORTUNITY_EXPORT_FIELDS = [
  'confidence', 'contact_id', 'created_by', 'created_by_name', 'date_created', 'date_updated', 'date_won', 'id', 'lead_id',
  'lead_name', 'note', 'status_id', 'status_label', 'status_type', 'updated_by', 'updated_by_name', 'user_id', 'user_name',
  'value', 'value_period',
];

describe('Close-compatible REST surface', () => {
  let db: TestDatabase;
  let gateway: TestGateway;
  let client: CloseApiClient;
  let apiKey: string;
  let organizationId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const bulk = await createBulkOrganization(db, 'rest', LEADS);
    organizationId = bulk.organizationId;
    apiKey = bulk.apiKey;
    gateway = await startTestGateway(db.url, { JOB_POLL_INTERVAL: '300ms' });
    client = new CloseApiClient(`${gateway.url}/api/v1/`, apiKey);
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  const exportAndDownload = async (body: Record<string, unknown>) => {
    const created = await client.post('export/lead', { ...body, send_done_email: false });
    const done = await eventually(async () => {
      const current = await client.get(`export/${created.id}`);
      if (current.status === 'error') throw new Error(current.error);
      return current.status === 'done' ? current : undefined;
    }, { intervalMs: 200, what: `export ${created.id}` });
    const response = await fetch(done.download_url);
    return { done, response, text: await response.text() };
  };

  const contacts = LEADS * 2; // bulk leads have two contacts and one opportunity each
  it.each([
    ['leads', 'csv', LEADS],
    ['contacts', 'csv', contacts],
    ['lead_opps', 'csv', LEADS],
    ['leads', 'json', LEADS],
    ['contacts', 'json', contacts],
    ['lead_opps', 'json', LEADS],
  ])('exports %s as %s end to end the way a Close script does', async (type, format, rows) => {
    const { done, response, text } = await exportAndDownload({ type, format, date_format: 'iso8601' });
    expect(done).toMatchObject({ status: 'done', type, format, n_docs: rows, n_docs_processed: rows });
    expect(response.headers.get('content-type')).toBe(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
    if (format === 'csv') {
      expect(parseCsv(text)).toHaveLength(rows + 1);
    } else {
      const parsed = JSON.parse(text) as { id: string; lead_id?: string }[];
      expect(parsed).toHaveLength(rows);
      if (type !== 'leads') expect(parsed.every((o) => o.lead_id?.startsWith('lead_rest_'))).toBe(true);
    }
  });

  it('narrows the leads with s_query, results_limit and sort', async () => {
    const { text } = await exportAndDownload({
      type: 'leads',
      format: 'json',
      s_query: {
        type: 'and',
        queries: [
          { type: 'object_type', object_type: 'lead' },
          { type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'status_id' }, condition: { type: 'reference', reference_type: 'status.lead', object_ids: ['stat_rest_1'] } },
        ],
      },
      results_limit: 3,
      sort: [{ direction: 'desc', field: { type: 'regular_field', object_type: 'lead', field_name: 'date_created' } }],
    });
    const expected = await db.knex('leads').where({ organization_id: organizationId, status_id: 'stat_rest_1' }).orderBy('date_created', 'desc').limit(3).pluck('id');
    expect((JSON.parse(text) as { id: string }[]).map((l) => l.id)).toEqual(expected);
  });

  it('exports the opportunities that Close-style params select, as type opps', async () => {
    const created = await client.post('export/opportunity', {
      format: 'csv',
      date_format: 'iso8601',
      send_done_email: false,
      params: { status_id: 'stat_rest_o2', value__gte: '500', user_id__in: 'user_rest_1,user_rest_2' },
    });
    expect(created).toMatchObject({ type: 'opps', status: 'created', params: { status_id: 'stat_rest_o2' } });
    expect(created).not.toHaveProperty('s_query');
    expect(created.fields).toEqual(CLOSE_OPPORTUNITY_EXPORT_FIELDS);
    const done = await eventually(async () => {
      const current = await client.get(`export/opportunity/${created.id}`);
      return current.status === 'done' ? current : undefined;
    }, { intervalMs: 200 });
    const expected = await db.knex('opportunities')
      .where({ organization_id: organizationId, status_id: 'stat_rest_o2' })
      .where('value', '>=', 500)
      .orderBy(['lead_id', 'date_created', 'id'])
      .pluck('id');
    expect(expected.length).toBeGreaterThan(0);
    expect(done.n_docs).toBe(expected.length);
    const [header, ...rows] = parseCsv(await (await fetch(done.download_url)).text());
    // Close's opportunity-export names, in the order of the API's opportunity object.
    expect(header).toEqual([
      'id', 'lead_id', 'lead_name', 'status_id', 'status_label', 'status_type', 'value', 'value_period', 'confidence', 'note',
      'date_won', 'contact_id', 'user_id', 'user_name', 'created_by', 'created_by_name', 'updated_by', 'updated_by_name',
      'date_created', 'date_updated',
    ]);
    expect(rows.map((r) => r[header.indexOf('id')])).toEqual(expected);
    expect(new Set(rows.map((r) => r[header.indexOf('status_id')]))).toEqual(new Set(['stat_rest_o2']));
    const leadNames = await db.knex('leads').whereIn('id', rows.map((r) => r[header.indexOf('lead_id')])).pluck('display_name');
    expect(new Set(rows.map((r) => r[header.indexOf('lead_name')]))).toEqual(new Set(leadNames));
    expect((await client.get('export/opportunity')).data.map((e: { id: string }) => e.id)).toEqual([created.id]);
    await expect(client.get(`export/lead/${created.id}`)).rejects.toMatchObject({ status: 404 });
    expect((await client.get(`export/${created.id}`)).type).toBe('opps');

    const bad = (await client.post('export/opportunity', { format: 'csv', params: { colour: 'red', value__gte: 'lots' } }).catch((e: unknown) => e)) as ValidationError;
    expect(Object.keys(bad.fieldErrors).sort()).toEqual(['params.colour', 'params.value__gte']);
  });

  it("takes the fields an opportunity export echoes back (Close's list names lead_id and lead_name)", async () => {
    const created = await client.post('export/opportunity', { format: 'json', fields: ['lead_name', 'value', 'id'], send_done_email: false });
    expect(created.fields).toEqual(['lead_name', 'value', 'id']);
    const again = await client.post('export/opportunity', { format: 'csv', fields: CLOSE_OPPORTUNITY_EXPORT_FIELDS, send_done_email: false });
    expect(again.fields).toEqual(CLOSE_OPPORTUNITY_EXPORT_FIELDS);
    const done = await eventually(async () => {
      const current = await client.get(`export/${created.id}`);
      return current.status === 'done' ? current : undefined;
    }, { intervalMs: 200 });
    const opportunities = (await (await fetch(done.download_url)).json()) as Record<string, unknown>[];
    expect(opportunities.length).toBe(await db.knex('opportunities').where({ organization_id: organizationId }).count<{ count: number }[]>('* as count').then((r) => r[0].count));
    expect(Object.keys(opportunities[0])).toEqual(['id', 'lead_name', 'value']); // file order, whatever the order asked
    const wrong = (await client.post('export/opportunity', { format: 'csv', fields: ['id', 'lead_status'] }).catch((e: unknown) => e)) as ValidationError;
    expect(wrong.fieldErrors.fields).toMatch(/^unknown field "lead_status" for an opportunity csv export; allowed: id, lead_id, lead_name, status_id/);
  });

  it('answers ValidationError with field-errors the client can read', async () => {
    const error = (await client.post('export/lead', { format: 'csv', type: 'people' }).catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fieldErrors.type).toMatch(/leads, contacts, lead_opps/);
    const flag = (await client.post('export/lead', { format: 'csv', type: 'leads', include_activities: true }).catch((e: unknown) => e)) as ValidationError;
    expect(flag.fieldErrors).toEqual({ include_activities: expect.stringMatching(/leads with format json/) });
  });

  it('routes with and without the trailing slash, and accepts Bearer tokens', async () => {
    const { token } = await createAccessToken(db.knex, { organizationId, userId: 'user_rest_1' });
    for (const url of [`${gateway.url}/api/v1/export/`, `${gateway.url}/api/v1/export`]) {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ has_more: expect.any(Boolean), data: expect.any(Array) });
    }
  });

  it('pages lists with _limit and _skip, newest first', async () => {
    const all = await client.get('export/lead', { _limit: 100 });
    const second = await client.get('export/lead', { _limit: 2, _skip: 1 });
    const opportunityExports = (await client.get('export/opportunity', { _limit: 100 })).data;
    expect(opportunityExports.length).toBeGreaterThan(0);
    expect((await client.get('export', { _limit: 100 })).data).toHaveLength(all.data.length + opportunityExports.length);
    expect(second.data.map((e: { id: string }) => e.id)).toEqual(all.data.slice(1, 3).map((e: { id: string }) => e.id));
    expect(second.has_more).toBe(all.data.length > 3);
    const tooMany = (await client.get('export', { _limit: 1000 }).catch((e: unknown) => e)) as ValidationError;
    expect(tooMany.fieldErrors).toHaveProperty('_limit');
  });

  it('reads GET parameters from {"_params": …} with x-http-method-override: GET', async () => {
    const response = await fetch(`${gateway.url}/api/v1/export/lead/`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`,
        'content-type': 'application/json',
        'x-http-method-override': 'GET',
      },
      body: JSON.stringify({ _params: { _limit: 1, _fields: 'id,type' } }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: Record<string, unknown>[] };
    expect(body.data).toHaveLength(1);
    expect(Object.keys(body.data[0]).sort()).toEqual(['id', 'type']);
  });

  it('rejects an unreadable X-TZ-Offset with a field error, and accepts "-0.0"', async () => {
    const bad = await fetch(`${gateway.url}/api/v1/export/`, {
      headers: { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`, 'x-tz-offset': 'EST' },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ errors: [], 'field-errors': { 'X-TZ-Offset': expect.stringMatching(/not a number of hours/) } });
    expect((await client.get('export', { _limit: 1 })).data).toHaveLength(1); // the client always sends -0.0
  });

  it('answers 429 with RateLimit, Retry-After and RateLimit-Reset past the per-key limit', async () => {
    // A gateway counting 30 requests per 30 s window: a burst of 40 crosses it whatever the load.
    const limitedGateway = await startTestGateway(db.url, { RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_WINDOW: '30s' }, 'api');
    try {
      const organization = await createTestOrganization(db.knex);
      const { key } = await createApiKey(db.knex, { organizationId: organization.organizationId, userId: organization.userId });
      const headers = { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` };
      const responses = await Promise.all(Array.from({ length: 40 }, () => fetch(`${limitedGateway.url}/api/v1/export/?_limit=1`, { headers })));
      expect(responses.filter((r) => r.status === 200)).toHaveLength(30);
      const limited = responses.filter((r) => r.status === 429);
      expect(limited).toHaveLength(10);
      const sample = limited[0];
      expect(sample.headers.get('ratelimit')).toMatch(/^limit=30, remaining=0, reset=\d+$/);
      expect(Number(sample.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(sample.headers.get('ratelimit-reset')).toBe(sample.headers.get('retry-after'));
      expect(await sample.json()).toMatchObject({ error: { rate_reset: expect.any(Number), message: expect.any(String) } });
      // Another key of the organization is not limited (the organization has made 41 of its 90).
      expect((await fetch(`${limitedGateway.url}/api/v1/export/?_limit=1`, { headers: { authorization: organization.authorization } })).status).toBe(200);
    } finally {
      await limitedGateway.stop();
    }
  });

  it('counts a key and its organization (3× the key limit) across every API process', async () => {
    // 30 requests per key and 90 per organization per 30 s window, on two API processes at once.
    const env = { RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_WINDOW: '30s' };
    const gateways = await Promise.all([startTestGateway(db.url, env, 'api'), startTestGateway(db.url, env, 'api')]);
    try {
      const organization = await createTestOrganization(db.knex);
      const userId = (await db.knex('users').where({ organization_id: organization.organizationId }).first()).id;
      const keys = await Promise.all(Array.from({ length: 4 }, () => createApiKey(db.knex, { organizationId: organization.organizationId, userId })));
      const burst = (key: string, perGateway: number) =>
        Promise.all(
          gateways.flatMap((g) =>
            Array.from({ length: perGateway }, () =>
              fetch(`${g.url}/api/v1/export/?_limit=1`, { headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` } }),
            ),
          ),
        );
      const statuses = (responses: Response[]) => responses.map((r) => r.status);
      // One key, 20 requests on each process: 30 pass, wherever they land.
      const first = await burst(keys[0].key, 20);
      expect(statuses(first).filter((s) => s === 200)).toHaveLength(30);
      expect(statuses(first).filter((s) => s === 429)).toHaveLength(10);
      // Three more keys, each under its own limit (2 × 10): the organization has now made 100 of its 90.
      const others = (await Promise.all(keys.slice(1).map((k) => burst(k.key, 10)))).flat();
      expect(statuses(others).filter((s) => s === 429)).toHaveLength(10);
      expect(others.find((r) => r.status === 429)!.headers.get('ratelimit')).toMatch(/^limit=90, remaining=0, reset=\d+$/);
    } finally {
      await Promise.all(gateways.map((g) => g.stop()));
    }
  });

  it('lets a Close script that outruns the limit pause on 429 and carry on, as the Python client does', async () => {
    const limitedGateway = await startTestGateway(db.url, { RATE_LIMIT_PER_SECOND: '3', RATE_LIMIT_WINDOW: '2s' }, 'api');
    try {
      const organization = await createTestOrganization(db.knex);
      const script = new CloseApiClient(`${limitedGateway.url}/api/v1/`, organization.apiKey);
      for (let i = 0; i < 10; i++) expect((await script.get('export', { _limit: 1 })).data).toEqual([]);
      expect(script.rateLimitedRetries).toBeGreaterThanOrEqual(1);
    } finally {
      await limitedGateway.stop();
    }
  });

  it("answers 404 for another organization's export id and 401 without credentials", async () => {
    const foreign = await createApiKey(db.knex, { organizationId: (await db.knex('organizations').insert({ id: 'orga_other', name: 'Other' }).returning('id'))[0].id, userId: (await db.knex('users').insert({ id: 'user_other', organization_id: 'orga_other', email: 'x@other.example' }).returning('id'))[0].id });
    const mine = (await client.get('export', { _limit: 1 })).data[0].id;
    const response = await fetch(`${gateway.url}/api/v1/export/${mine}/`, { headers: { authorization: `Basic ${Buffer.from(`${foreign.key}:`).toString('base64')}` } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'Export not found' });
    expect((await fetch(`${gateway.url}/api/v1/export/${mine}/`)).status).toBe(401);
  });

  it("shows an organization's exports to each of its users (there are no roles), but not others'", async () => {
    const colleague = new CloseApiClient(`${gateway.url}/api/v1/`, (await createApiKey(db.knex, { organizationId, userId: 'user_rest_2' })).key);
    const mine = await client.post('export/lead', { format: 'csv', type: 'leads', send_done_email: false });
    expect(mine.created_by).toBe('user_rest_1');
    expect((await colleague.get(`export/${mine.id}`)).id).toBe(mine.id);
    expect((await colleague.get('export', { _limit: 100 })).data.map((e: { id: string }) => e.id)).toContain(mine.id);
  });
});
