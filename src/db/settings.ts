import { randomBytes } from 'node:crypto';
import type { Knex } from './knex.js';

/**
 * A secret shared by every process on this database, created on first use. The first writer
 * wins; everyone reads the same value afterwards.
 */
export async function sharedSecret(knex: Knex, key: string): Promise<string> {
  await knex('gateway_settings').insert({ key, value: randomBytes(32).toString('base64url') }).onConflict('key').ignore();
  const row = await knex('gateway_settings').where({ key }).first<{ value: string }>('value');
  return row.value;
}
