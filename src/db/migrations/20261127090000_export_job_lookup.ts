import type { Knex } from 'knex';

/**
 * Lets the enqueuer find the pending job of an export quickly, so that an export never has more
 * than one job waiting (see jobs/export.job.ts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX agenda_jobs_export_id_idx ON agenda_jobs ((data->>'exportId')) WHERE name = 'export'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS agenda_jobs_export_id_idx');
}
