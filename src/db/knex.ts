import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { Logger } from '../logger.js';

export type { Knex };

// Counts and bigint ids come back as int8; every int8 we store (cents, counts) fits in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

/**
 * The application's Knex instance. Every session runs in UTC so that raw text output and
 * COPY render timestamps the same way whatever the server's default zone is.
 */
export function createKnex(
  connectionString: string,
  options: { poolMax?: number; applicationName?: string; logger?: Pick<Logger, 'warn' | 'error' | 'debug'> } = {},
): Knex {
  const { logger } = options;
  return knexFactory({
    client: 'pg',
    connection: { connectionString, application_name: options.applicationName ?? 'lead-export-gateway' },
    // Knex prints its warnings ("Connection Error: …") with console.log unless given a logger.
    ...(logger && {
      log: {
        warn: (message: unknown) => logger.warn({ knex: message }, 'knex warning'),
        error: (message: unknown) => logger.error({ knex: message }, 'knex error'),
        deprecate: (method: string, alternative: string) => logger.warn({ method, alternative }, 'knex deprecation'),
        debug: (message: unknown) => logger.debug({ knex: message }, 'knex debug'),
      },
    }),
    pool: {
      min: 0,
      max: options.poolMax ?? 10,
      afterCreate: (connection: pg.Client, done: (error: Error | null, connection: pg.Client) => void) => {
        connection.query("SET TIME ZONE 'UTC'").then(() => done(null, connection), (error: Error) => done(error, connection));
      },
    },
  });
}

/**
 * Runs `work` on one pooled connection of its own (an export's transaction, COPY, temp tables).
 * When `work` reports the connection unusable (e.g. a COPY that would not stop), it is dropped
 * from the pool instead of being handed to the next caller.
 */
export async function withDedicatedConnection<T>(
  knex: Knex,
  work: (connection: pg.PoolClient) => Promise<T>,
  isUnusable: (error: unknown) => boolean = () => false,
): Promise<T> {
  const connection = (await knex.client.acquireConnection()) as pg.PoolClient & { __knex__disposed?: unknown };
  try {
    return await work(connection);
  } catch (error) {
    // knex's pool destroys connections marked like this when they come back.
    if (isUnusable(error)) connection.__knex__disposed = (error as Error).message;
    throw error;
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

/**
 * Fails fast, with the reason, when the database cannot be reached. Agenda crashes the process
 * on an unreachable database (stack notes A1), so this runs before Agenda is created.
 */
export async function assertDatabaseReachable(knex: Knex): Promise<void> {
  try {
    await knex.raw('SELECT 1');
  } catch (error) {
    throw new Error(`Cannot reach PostgreSQL: ${(error as Error).message}. Check DATABASE_URL.`, { cause: error });
  }
}
