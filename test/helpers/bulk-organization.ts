import type pg from 'pg';
import { createApiKey } from '../../src/auth/credential-store.js';
import { insertBulkLeads } from '../exports/bulk-leads.js';
import type { TestDatabase } from './database.js';
import { basicAuthorization } from './fixtures.js';

export type BulkOrganization = { organizationId: string; apiKey: string; authorization: string };

/**
 * An organization `orga_<tag>` with `leads` synthetic leads (test/exports/bulk-leads.ts: two
 * contacts and one opportunity each) and an API key of its first user, `user_<tag>_1`.
 */
export async function createBulkOrganization(db: TestDatabase, tag: string, leads: number): Promise<BulkOrganization> {
  const connection = (await db.knex.client.acquireConnection()) as pg.PoolClient;
  let organizationId: string;
  try {
    organizationId = await insertBulkLeads(connection, { tag, leads });
  } finally {
    await db.knex.client.releaseConnection(connection);
  }
  const { key } = await createApiKey(db.knex, { organizationId, userId: `user_${tag}_1` });
  return { organizationId, apiKey: key, authorization: basicAuthorization(key) };
}
