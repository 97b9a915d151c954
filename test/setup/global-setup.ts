import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded-postgres.js';
import { createKnex } from '../../src/db/knex.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { TEMPLATE_DATABASE } from '../helpers/database.js';
import { freePort } from '../helpers/net.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the server's maintenance database; tests clone the template from it. */
    adminDatabaseUrl: string;
  }
}

/**
 * One PostgreSQL for the whole run: the embedded one in a temporary directory, or the server
 * named by DATABASE_URL. The schema is migrated once into a template database; every test file
 * clones its own database from it (test/helpers/database.ts).
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedDatabase | undefined;
  let dataDir: string | undefined;
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-test-'));
    fs.chmodSync(dataDir, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres' });
    adminUrl = embedded.url;
  }

  const admin = createKnex(adminUrl, { poolMax: 2 });
  await admin.raw(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  await admin.raw(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
  const template = createKnex(templateUrl.toString(), { poolMax: 2 });
  await migrateToLatest(template);
  await template.destroy();
  project.provide('adminDatabaseUrl', adminUrl);

  return async () => {
    await admin.destroy();
    await embedded?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
