import type { Knex } from 'knex';
import {
  getCreateIndexesSQL,
  getCreateTableSQL,
  getDropTableSQL,
  getUpdateTimestampTriggerSQL,
} from '@agendajs/postgres-backend';

/**
 * Agenda's job table, created here rather than by Agenda at connect time: Agenda's own
 * `ensureSchema` runs DDL without a lock, and several processes starting together on a fresh
 * database crash on it (stack notes A2).
 */
export const AGENDA_TABLE = 'agenda_jobs';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS pgcrypto'); // gen_random_uuid() on PG < 13
  await knex.raw(getCreateTableSQL(AGENDA_TABLE));
  for (const statement of getCreateIndexesSQL(AGENDA_TABLE)) await knex.raw(statement);
  await knex.raw(getUpdateTimestampTriggerSQL(AGENDA_TABLE));
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(getDropTableSQL(AGENDA_TABLE));
  await knex.raw(`DROP FUNCTION IF EXISTS update_${AGENDA_TABLE}_updated_at()`);
}
