import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAccessToken } from '../src/auth/credential-store.js';
import { newId } from '../src/db/ids.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { basicAuthorization, createTestOrganization, type TestOrganization } from './helpers/fixtures.js';
import { graphqlRequest, startTestGateway, type TestGateway } from './helpers/gateway.js';

const ME = '{ me { user { id email displayName } organization { id name leadStatuses { label } } } }';

describe('GraphQL over HTTP and graphql-ws', () => {
  let db: TestDatabase;
  let gateway: TestGateway;
  let acme: TestOrganization;
  let globex: TestOrganization;
  let leadId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    acme = await createTestOrganization(db.knex, 'Acme');
    globex = await createTestOrganization(db.knex, 'Globex');
    leadId = await insertLead(db, acme);
    gateway = await startTestGateway(db.url);
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  it('answers `me` for a Basic API key', async () => {
    const { status, body } = await graphqlRequest(gateway.url, ME, { authorization: acme.authorization });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.me).toEqual({
      user: { id: acme.userId, email: acme.userEmail, displayName: 'Olive Owner' },
      organization: { id: acme.organizationId, name: 'Acme', leadStatuses: [{ label: 'Potential' }, { label: 'Qualified' }] },
    });
  });

  it('answers `me` for a Bearer token', async () => {
    const { token } = await createAccessToken(db.knex, { organizationId: globex.organizationId, userId: globex.userId });
    const { status, body } = await graphqlRequest(gateway.url, ME, { authorization: `Bearer ${token}` });
    expect(status).toBe(200);
    expect(body.data.me.organization.name).toBe('Globex');
  });

  it.each([
    ['a wrong key', basicAuthorization('api_nope.nope')],
    ['no credentials', undefined],
    ['a malformed header', 'Digest abc'],
  ])('answers 401 UNAUTHENTICATED for %s', async (_case, authorization) => {
    const { status, body } = await graphqlRequest(gateway.url, ME, { authorization });
    expect(status).toBe(401);
    expect(body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(body.data).toBeUndefined();
  });

  it('returns a lead with its contacts, opportunities and addresses', async () => {
    const query = `query ($id: ID!) { lead(id: $id) {
      id displayName status { label } custom
      contacts { name title emails { email type isUnsubscribed } phones { phone type } urls { url } }
      opportunities { value valueCurrency valuePeriod confidence status { label type pipelineName } userName dateWon }
      addresses { label address1 city zipcode country }
    } }`;
    const { body } = await graphqlRequest(gateway.url, query, { variables: { id: leadId }, authorization: acme.authorization });
    expect(body.errors).toBeUndefined();
    expect(body.data.lead).toEqual({
      id: leadId,
      displayName: 'Wayne Enterprises',
      status: { label: 'Qualified' },
      custom: { cf_source: 'Website' },
      contacts: [
        {
          name: 'Bruce Wayne',
          title: 'CEO',
          emails: [
            { email: 'bruce@wayne.example', type: 'office', isUnsubscribed: false },
            { email: 'batman@wayne.example', type: 'other', isUnsubscribed: true },
          ],
          phones: [{ phone: '+16503334444', type: 'office' }],
          urls: [],
        },
        { name: 'Alfred', title: null, emails: [], phones: [], urls: [{ url: 'https://wayne.example' }] },
      ],
      opportunities: [
        { value: 50000, valueCurrency: 'USD', valuePeriod: 'one_time', confidence: 75, status: { label: 'Won', type: 'won', pipelineName: 'Sales' }, userName: 'Olive Owner', dateWon: '2026-03-04' },
      ],
      addresses: [{ label: 'business', address1: '1007 Mountain Drive', city: 'Gotham', zipcode: '10001', country: 'US' }],
    });
  });

  it("reads another organization's lead as null, not forbidden", async () => {
    const { body } = await graphqlRequest(gateway.url, 'query ($id: ID!) { lead(id: $id) { id } }', {
      variables: { id: leadId },
      authorization: globex.authorization,
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.lead).toBeNull();
  });

  describe('graphql-ws', () => {
    const clients: Client[] = [];
    const connect = (connectionParams?: Record<string, unknown>, headers?: Record<string, string>) => {
      const client = createClient({
        url: `${gateway.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: headers ? class extends WebSocket { constructor(url: string, protocols: string[]) { super(url, protocols, { headers }); } } : WebSocket,
        connectionParams,
        retryAttempts: 0,
        lazy: true,
      });
      clients.push(client);
      return client;
    };
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.dispose()));
    });

    const run = (client: Client, query: string) =>
      new Promise<any>((resolve, reject) => {
        let result: unknown;
        client.subscribe({ query }, { next: (r) => (result = r), error: reject, complete: () => resolve(result) });
      });

    it('authenticates with connectionParams.authorization', async () => {
      const result = await run(connect({ authorization: acme.authorization }), ME);
      expect(result.data.me.organization.name).toBe('Acme');
    });

    it("authenticates with the upgrade request's Authorization header", async () => {
      const result = await run(connect(undefined, { authorization: globex.authorization }), ME);
      expect(result.data.me.organization.name).toBe('Globex');
    });

    it('closes with 4401 without credentials and 4403 with wrong ones', async () => {
      const closeCode = (client: Client) =>
        run(client, ME).then(
          () => 'no error',
          (event: { code: number }) => event.code,
        );
      expect(await closeCode(connect())).toBe(4401);
      expect(await closeCode(connect({ authorization: basicAuthorization('api_wrong.key') }))).toBe(4403);
    });
  });
});

async function insertLead(db: TestDatabase, org: TestOrganization): Promise<string> {
  const knex = db.knex;
  const leadId = newId('lead');
  const bruce = newId('cont');
  const alfred = newId('cont');
  const pipeline = newId('pipe');
  const won = newId('stat');
  await knex('pipelines').insert({ id: pipeline, organization_id: org.organizationId, name: 'Sales' });
  await knex('opportunity_statuses').insert({ id: won, organization_id: org.organizationId, pipeline_id: pipeline, label: 'Won', type: 'won' });
  await knex('leads').insert({
    id: leadId,
    organization_id: org.organizationId,
    name: 'Wayne Enterprises',
    display_name: 'Wayne Enterprises',
    status_id: org.leadStatusIds.qualified,
    custom: { cf_source: 'Website' },
  });
  await knex('contacts').insert([
    { id: bruce, organization_id: org.organizationId, lead_id: leadId, position: 0, name: 'Bruce Wayne', title: 'CEO' },
    { id: alfred, organization_id: org.organizationId, lead_id: leadId, position: 1, name: 'Alfred' },
  ]);
  const child = { organization_id: org.organizationId, lead_id: leadId, contact_id: bruce };
  await knex('contact_emails').insert([
    { ...child, position: 0, email: 'bruce@wayne.example', type: 'office' },
    { ...child, position: 1, email: 'batman@wayne.example', type: 'other', is_unsubscribed: true },
  ]);
  await knex('contact_phones').insert({ ...child, position: 0, phone: '+16503334444', type: 'office' });
  await knex('contact_urls').insert({ ...child, contact_id: alfred, position: 0, url: 'https://wayne.example', type: 'url' });
  await knex('addresses').insert({
    organization_id: org.organizationId,
    lead_id: leadId,
    label: 'business',
    address_1: '1007 Mountain Drive',
    city: 'Gotham',
    zipcode: '10001',
    country: 'US',
  });
  await knex('opportunities').insert({
    id: newId('oppo'),
    organization_id: org.organizationId,
    lead_id: leadId,
    contact_id: bruce,
    user_id: org.userId,
    status_id: won,
    value: 50000,
    confidence: 75,
    date_won: '2026-03-04',
  });
  return leadId;
}
