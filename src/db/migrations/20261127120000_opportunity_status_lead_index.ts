import type { Knex } from 'knex';

/**
 * "Leads with an opportunity in status …" (a typical filter) reads the opportunities of those
 * statuses for their `lead_id`. With `lead_id` in the status index, that is an index-only scan
 * instead of a visit to every matching opportunity row (30,000 leads: 1,868 → 130 buffers, the
 * count 11 → 7 ms; the gap grows with the table).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS opportunities_status_idx');
  await knex.raw('CREATE INDEX opportunities_status_idx ON opportunities (organization_id, status_id) INCLUDE (lead_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS opportunities_status_idx');
  await knex.raw('CREATE INDEX opportunities_status_idx ON opportunities (organization_id, status_id)');
}
