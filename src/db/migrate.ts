import type { Knex } from 'knex';
import { migrationSource } from './migration-source.js';

/** Any constant shared by every process of this application. */
const MIGRATION_LOCK_KEY = 0x6c656164; // "lead"

/**
 * Brings the schema up to date. Several processes may start together (`npm run api` twice and a
 * worker): a session advisory lock makes the others wait instead of failing on knex's lock table.
 * Returns the names of the migrations that ran.
 */
export async function migrateToLatest(knex: Knex): Promise<string[]> {
  const connection = await knex.client.acquireConnection();
  try {
    await connection.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const [, applied] = (await knex.migrate.latest({ migrationSource })) as [number, string[]];
    return applied;
  } finally {
    await connection.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await knex.client.releaseConnection(connection);
  }
}

/** Rolls every migration back (used by the reversibility test). */
export async function rollbackAll(knex: Knex): Promise<void> {
  await knex.migrate.rollback({ migrationSource }, true);
}
