import type { Knex } from 'knex';

/**
 * Request counters of the REST rate limit, one row per key (its current window), shared by every
 * API process. UNLOGGED: no WAL for a row written on every request; after a crash the counters
 * start again from zero, which only forgives a few requests.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE UNLOGGED TABLE rate_limit_windows (
      key text COLLATE "C" NOT NULL,
      window_end timestamptz NOT NULL,
      count integer NOT NULL,
      PRIMARY KEY (key)
    )`);
  await knex.raw('CREATE INDEX rate_limit_windows_window_end_idx ON rate_limit_windows (window_end)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS rate_limit_windows');
}
