import fs from 'node:fs';
import path from 'node:path';
import { createApiKey, isLiveApiKey } from '../auth/credential-store.js';
import type { Knex } from '../db/knex.js';
import type { Logger } from '../logger.js';
import { seedOrganization } from '../seed/seed-organization.js';

export const DEMO_ORGANIZATION_NAME = 'Demo Co';
const DEMO_LOCK_KEY = 0x64656d6f; // "demo"

/**
 * On an empty database, creates "Demo Co" with realistic leads. On every start, returns a live
 * API key of its first user: keys are stored hashed, so the plain demo key is kept in
 * `<dataDir>/demo-api-key` and replaced when it no longer works (e.g. a new DATABASE_URL).
 * Returns undefined when the database has organizations but no demo one.
 */
export async function ensureDemoOrganization(
  knex: Knex,
  options: { dataDir: string; leads: number; seed: number; logger: Logger },
): Promise<{ apiKey: string; organizationId: string } | undefined> {
  // Several processes may start together on an empty database; one seeds, the others wait.
  return knex.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(?)', [DEMO_LOCK_KEY]);
    const anyOrganization = await trx('organizations').first('id');
    if (!anyOrganization) {
      const started = Date.now();
      options.logger.info({ leads: options.leads }, `creating the demo organization "${DEMO_ORGANIZATION_NAME}"`);
      const result = await seedOrganization(trx, {
        organizationName: DEMO_ORGANIZATION_NAME,
        leads: options.leads,
        seed: options.seed,
        anchor: new Date(),
      });
      options.logger.info({ ms: Date.now() - started, rows: result.counts }, 'demo organization created');
    }
    const demo = await trx('organizations').whereRaw('lower(name) = lower(?)', [DEMO_ORGANIZATION_NAME]).first<{ id: string } | undefined>('id');
    if (!demo) return undefined;
    const user = await trx('users').where({ organization_id: demo.id }).orderBy(['date_created', 'id']).first<{ id: string }>('id');

    const keyFile = path.join(options.dataDir, 'demo-api-key');
    const saved = fs.existsSync(keyFile) ? fs.readFileSync(keyFile, 'utf8').trim() : '';
    if (saved && (await isLiveApiKey(trx, user.id, saved))) return { apiKey: saved, organizationId: demo.id };
    const { key } = await createApiKey(trx, { organizationId: demo.id, userId: user.id, name: 'demo' });
    fs.mkdirSync(options.dataDir, { recursive: true });
    fs.writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
    return { apiKey: key, organizationId: demo.id };
  });
}
