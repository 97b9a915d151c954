import type { Knex } from 'knex';

/**
 * Finer statistics for the expressions that text conditions search (`lower(column)`), so the
 * planner estimates how many rows a word matches. With the default target (100) a rare word in
 * a lead name was estimated at ~1% of the leads (histogram resolution), and the first page
 * scanned leads in id order filtering each one (1.6 s on 1M leads) instead of reading the few
 * matches through the trigram index and sorting them (20–50 ms). 1000 keeps estimates within
 * a few percent while planning stays around 1 ms (10000 was as exact but cost 25 ms to plan).
 */
const INDEXES = [
  'leads_name_trgm_idx',
  'leads_display_name_trgm_idx',
  'contacts_name_trgm_idx',
  'contacts_title_trgm_idx',
  'contact_emails_email_trgm_idx',
];

export async function up(knex: Knex): Promise<void> {
  for (const index of INDEXES) await knex.raw(`ALTER INDEX ${index} ALTER COLUMN 1 SET STATISTICS 1000`);
}

export async function down(knex: Knex): Promise<void> {
  for (const index of INDEXES) await knex.raw(`ALTER INDEX ${index} ALTER COLUMN 1 SET STATISTICS -1`);
}
