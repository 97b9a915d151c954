import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createKnex, type Knex } from '../../src/db/knex.js';

export const TEMPLATE_DATABASE = 'gateway_test_template';

export type TestDatabase = {
  url: string;
  knex: Knex;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
};

/**
 * A fresh, migrated database cloned from the template made by the global setup. Cloning takes
 * a few tens of milliseconds, so every test file gets its own and files can run in parallel.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('adminDatabaseUrl');
  const name = `gateway_test_${randomBytes(6).toString('hex')}`;
  const admin = createKnex(adminUrl, { poolMax: 1 });
  try {
    await admin.raw(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.destroy();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const knex = createKnex(url.toString(), { poolMax: 5 });
  return {
    url: url.toString(),
    knex,
    async drop() {
      await knex.destroy();
      const dropper = createKnex(adminUrl, { poolMax: 1 });
      try {
        await dropper.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.destroy();
      }
    },
  };
}
