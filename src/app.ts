import path from 'node:path';
import type { Config } from './config.js';
import { openDatabase } from './db/database.js';
import { sharedSecret } from './db/settings.js';
import { ensureDemoOrganization } from './demo/demo-organization.js';
import { createDownloadLinkSigner } from './exports/download-links.js';
import { sendExportEmail } from './exports/export-email.js';
import { nextWaitingExports } from './exports/export-repository.js';
import { createExportService } from './exports/export-service.js';
import type { RunExportDeps } from './exports/run-export.js';
import { buildGatewaySchema } from './graphql/schema.js';
import { downloadRoutes } from './http/download.routes.js';
import { exportRoutes } from './http/export.routes.js';
import { searchRoutes } from './http/search.routes.js';
import { restApi } from './http/rest-api.js';
import { startHttpServer, type RunningHttpServer } from './http/server.js';
import { startJobQueue, type JobDefinition } from './jobs/agenda.js';
import { exportEnqueuer, exportJob, removeSettledExportJobs } from './jobs/export.job.js';
import { maintenanceJob, scheduleMaintenance } from './jobs/maintenance.job.js';
import type { Logger } from './logger.js';
import { createMailer } from './mail/mailer.js';
import { NotificationHub } from './pubsub/notification-hub.js';
import { ShutdownStack } from './shutdown-stack.js';
import { LocalDiskStorage } from './storage/local-disk-storage.js';

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
  const stack = new ShutdownStack(logger);
  try {
    const db = await openDatabase(config, logger);
    stack.push('database', () => db.close());
    const { knex } = db;

    const demo = await ensureDemoOrganization(knex, {
      dataDir: config.dataDir,
      leads: config.demoLeads,
      seed: config.demoSeed,
      logger,
    });

    // Links must be verifiable by every process: the secret comes from the config or the database.
    let publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;
    const signer = createDownloadLinkSigner(config.signingSecret ?? (await sharedSecret(knex, 'download_link_secret')), () => publicUrl);
    const storage = new LocalDiskStorage(config.exportsDir);
    const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, outboxDir: path.join(config.dataDir, 'outbox'), logger });
    stack.push('mailer', async () => mailer.close());

    // Job handlers enqueue follow-up jobs; the queue they use exists once Agenda has started.
    let enqueue: (exportId: string) => Promise<void> = async () => {
      throw new Error('the job queue is not running yet');
    };
    const sendEmail = (exportId: string) => sendExportEmail({ knex, mailer, signer, logger }, exportId);
    // A run silent for this long is dead; comfortably above the 1 s progress heartbeat, below the lock lifetime.
    const staleAfterMs = config.exportLockLifetimeMs - 1000;
    const jobs: JobDefinition[] = [];
    if (role !== 'api') {
      const runDeps: RunExportDeps = {
        knex,
        storage,
        logger,
        retentionMs: config.exportRetentionMs,
        gzipLevel: config.exportGzipLevel,
        staleAfterMs,
        maxRunningPerOrganization: config.exportConcurrencyPerOrg,
        afterFinish: async (record) => {
          await sendEmail(record.id).catch(() => undefined); // logged; the maintenance job retries it
          for (const id of await nextWaitingExports(knex, record.organization_id, config.exportConcurrencyPerOrg)) await enqueue(id);
        },
      };
      jobs.push(exportJob(runDeps, { lockLifetimeMs: config.exportLockLifetimeMs, concurrency: config.workerConcurrency }));
      jobs.push(
        maintenanceJob({
          knex,
          storage,
          logger,
          staleAfterMs,
          sendEmail,
          enqueue: (id) => enqueue(id),
          removeSettledJobs: () => removeSettledExportJobs(knex, config.exportLockLifetimeMs),
        }),
      );
    }
    const queue = await startJobQueue({
      databaseUrl: db.url,
      logger,
      jobs,
      processEvery: config.jobPollIntervalMs,
      maxConcurrency: config.workerConcurrency,
    });
    stack.push('job queue', () => queue.stop());
    enqueue = exportEnqueuer(queue.agenda, knex);
    if (role !== 'api') await scheduleMaintenance(queue.agenda, config.maintenanceIntervalMs);

    let http: RunningHttpServer | undefined;
    if (role !== 'worker') {
      const hub = new NotificationHub(db.url, logger);
      stack.push('notification hub', () => hub.close());
      const exports = createExportService({
        knex,
        signer,
        enqueue,
        hub,
        linkTtlSeconds: config.downloadLinkTtlMs / 1000,
      });
      const schema = await buildGatewaySchema();
      http = await startHttpServer({
        schema,
        services: { knex, exports },
        logger,
        port: config.port,
        host: config.host,
        routers: [
          downloadRoutes({ knex, storage, signer }),
          restApi({
            knex,
            logger,
            // Counted per window: N a second over a longer window allows short bursts.
            requestsPerWindow: Math.round(config.rateLimitPerSecond * (config.rateLimitWindowMs / 1000)),
            windowSeconds: config.rateLimitWindowMs / 1000,
            routers: [exportRoutes(exports), searchRoutes(knex)],
          }),
        ],
      });
      stack.push('HTTP server', () => http!.close());
      if (!config.publicUrl) publicUrl = http.url;
    }

    let stopping: Promise<void> | undefined;
    return { url: http?.url, demoApiKey: demo?.apiKey, stop: () => (stopping ??= stack.stopAll()) };
  } catch (error) {
    await stack.stopAll().catch(() => undefined); // each step that failed to stop is logged
    throw error;
  }
}
