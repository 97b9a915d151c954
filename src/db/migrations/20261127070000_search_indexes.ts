import type { Knex } from 'knex';

/**
 * Indexes for Advanced Filtering's text conditions beyond those of the CRM schema:
 * - words in a lead's `name` (Close's own example filters on `name`, not `display_name`);
 * - words in notes, which the field-less `text` search reads (a partial index: notes only).
 * Both are pg_trgm GIN indexes on `lower(...)`, the expression the compiler emits.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX leads_name_trgm_idx ON leads USING gin (lower(name) gin_trgm_ops)');
  await knex.raw(`CREATE INDEX activities_note_trgm_idx ON activities USING gin (lower(data ->> 'note') gin_trgm_ops) WHERE type = 'Note'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS activities_note_trgm_idx');
  await knex.raw('DROP INDEX IF EXISTS leads_name_trgm_idx');
}
