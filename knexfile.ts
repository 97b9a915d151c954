// Configuration for the knex CLI, e.g. `npx tsx node_modules/knex/bin/cli.js migrate:status`.
// The gateway itself migrates on start (src/db/migrate.ts); this file needs DATABASE_URL.
import type { Knex } from 'knex';
import { migrationSource } from './src/db/migration-source.js';

const config: Knex.Config = {
  client: 'pg',
  connection: process.env.DATABASE_URL,
  migrations: { migrationSource },
};

export default config;
