import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { assertDatabaseReachable, createKnex, type Knex } from './knex.js';
import { migrateToLatest } from './migrate.js';

export type Database = {
  knex: Knex;
  /** Connection string, for the clients that do not go through Knex (Agenda, LISTEN, COPY). */
  url: string;
  /** Closes the pool, then stops the embedded server if this process started it. */
  close(): Promise<void>;
};

/**
 * The database every entry point uses: `DATABASE_URL` when set, otherwise the embedded
 * PostgreSQL under `DATA_DIR` (started, or attached to when another of our processes runs it).
 * The schema is migrated before this returns.
 */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  let url = config.databaseUrl;
  let stopServer = async () => {};
  if (!url) {
    const started = Date.now();
    const embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPgPort,
      database: 'gateway',
      onLog: (line) => logger.trace({ postgres: line.trim() }, 'postgres'),
    });
    url = embedded.url;
    stopServer = embedded.stop;
    logger.info(
      { dataDir: config.dataDir, port: config.embeddedPgPort, attachedTo: embedded.attachedTo, ms: Date.now() - started },
      embedded.attachedTo ? 'attached to the embedded PostgreSQL of another gateway process' : 'embedded PostgreSQL started',
    );
  }
  const knex = createKnex(url, { poolMax: config.dbPoolMax, logger });
  try {
    await assertDatabaseReachable(knex);
    const applied = await migrateToLatest(knex);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  } catch (error) {
    await knex.destroy();
    await stopServer();
    throw error;
  }
  return {
    knex,
    url,
    async close() {
      try {
        await knex.destroy();
      } finally {
        await stopServer(); // an embedded server must not outlive the process
      }
    },
  };
}
