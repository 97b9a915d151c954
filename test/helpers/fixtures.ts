import { randomBytes } from 'node:crypto';
import { createApiKey } from '../../src/auth/credential-store.js';
import { newId } from '../../src/db/ids.js';
import type { Knex } from '../../src/db/knex.js';

export type TestOrganization = {
  organizationId: string;
  organizationName: string;
  userId: string;
  userEmail: string;
  apiKey: string;
  /** `Authorization` header value for the API key (Basic, empty password). */
  authorization: string;
  leadStatusIds: { potential: string; qualified: string };
};

/**
 * A minimal organization written by hand (not by the seeder), so tests control every row:
 * one user with an API key and two lead statuses.
 */
export async function createTestOrganization(knex: Knex, name = `Org ${randomBytes(4).toString('hex')}`): Promise<TestOrganization> {
  const organizationId = newId('orga');
  const userId = newId('user');
  const userEmail = `owner@${organizationId.toLowerCase()}.example`;
  await knex('organizations').insert({ id: organizationId, name });
  await knex('users').insert({ id: userId, organization_id: organizationId, email: userEmail, first_name: 'Olive', last_name: 'Owner' });
  const potential = newId('stat');
  const qualified = newId('stat');
  await knex('lead_statuses').insert([
    { id: potential, organization_id: organizationId, label: 'Potential', position: 0 },
    { id: qualified, organization_id: organizationId, label: 'Qualified', position: 1 },
  ]);
  const { key } = await createApiKey(knex, { organizationId, userId });
  return {
    organizationId,
    organizationName: name,
    userId,
    userEmail,
    apiKey: key,
    authorization: basicAuthorization(key),
    leadStatusIds: { potential, qualified },
  };
}

/** Close's form: the API key as user name and an empty password. */
export function basicAuthorization(apiKey: string): string {
  return `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;
}
