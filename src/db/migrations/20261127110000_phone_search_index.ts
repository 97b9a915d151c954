import type { Knex } from 'knex';

/**
 * Phone conditions match on digits (`regexp_replace(phone, '\D', '', 'g') LIKE '%<digits>%'`,
 * see search/compile-text.ts): a pg_trgm GIN index on that very expression serves both the
 * "contains" modes and `exact_value`, instead of a scan of every phone number.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX contact_phones_digits_trgm_idx ON contact_phones USING gin (regexp_replace(phone, '\\D', '', 'g') gin_trgm_ops)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS contact_phones_digits_trgm_idx');
}
