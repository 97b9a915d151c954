import type { Config } from './config.js';
import { openDatabase } from './db/database.js';
import { ensureDemoOrganization } from './demo/demo-organization.js';
import { buildGatewaySchema } from './graphql/schema.js';
import { startHttpServer, type RunningHttpServer } from './http/server.js';
import { startJobQueue, type JobQueue } from './jobs/agenda.js';
import type { Logger } from './logger.js';

/** `all` runs API and worker in one process; `api` and `worker` run them apart. */
export type Role = 'all' | 'api' | 'worker';
export const ROLES: readonly Role[] = ['all', 'api', 'worker'];

export type Gateway = {
  /** Base URL of the HTTP server (not for the worker role). */
  url?: string;
  /** A live API key of the demo organization's user, when there is a demo organization. */
  demoApiKey?: string;
  /** Stops HTTP and WebSocket (draining), then Agenda, then the database. Idempotent. */
  stop(): Promise<void>;
};

/**
 * The composition root: the one place that creates infrastructure and wires domains to
 * transports. Everything that started is stopped again if a later step fails.
 */
export async function startGateway(config: Config, logger: Logger, role: Role): Promise<Gateway> {
  const stack: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    while (stack.length > 0) await stack.pop()!();
  };
  try {
    const db = await openDatabase(config, logger);
    stack.push(() => db.close());

    const demo = await ensureDemoOrganization(db.knex, {
      dataDir: config.dataDir,
      leads: config.demoLeads,
      seed: config.demoSeed,
      logger,
    });

    const queue: JobQueue = await startJobQueue({ databaseUrl: db.url, logger, jobs: role === 'api' ? [] : [] });
    stack.push(() => queue.stop());

    let http: RunningHttpServer | undefined;
    if (role !== 'worker') {
      const schema = await buildGatewaySchema();
      http = await startHttpServer({ schema, services: { knex: db.knex }, logger, port: config.port, host: config.host });
      stack.push(() => http!.close());
    }

    let stopping: Promise<void> | undefined;
    return { url: http?.url, demoApiKey: demo?.apiKey, stop: () => (stopping ??= stopAll()) };
  } catch (error) {
    await stopAll().catch((stopError) => logger.error({ err: stopError }, 'cleanup after a failed start failed'));
    throw error;
  }
}
