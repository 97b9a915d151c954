import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { PostgresBackend } from '@agendajs/postgres-backend';
import { Agenda } from 'agenda';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { createAgendaNotifications } from './agenda-notifications.js';
import { AGENDA_TABLE } from '../db/migrations/20261127060100_agenda_jobs.js';

/**
 * Registers one kind of job on a worker's Agenda (see `*.job.ts`). `shutdown` is aborted when
 * the process stops: long handlers end early and hand their work back (see runExport).
 */
export type JobDefinition = (agenda: Agenda, context: { shutdown: AbortSignal }) => void;

export type JobQueue = {
  agenda: Agenda;
  /** Waits up to `drainMs` for running jobs, then stops polling and closes the pool. */
  stop(drainMs?: number): Promise<void>;
};

/**
 * Starts Agenda on PostgreSQL. Every process starts it, even one that only enqueues: the
 * LISTEN/NOTIFY channel that wakes workers within milliseconds is connected by `start()`
 * (stack notes A3). Only workers pass job definitions. The table comes from our migrations,
 * never from Agenda (A2), and the database must be reachable before this runs (A1).
 */
export async function startJobQueue(options: {
  databaseUrl: string;
  logger: Logger;
  /** Job kinds this process runs; empty for an API-only process. */
  jobs: JobDefinition[];
  processEvery?: number;
  maxConcurrency?: number;
}): Promise<JobQueue> {
  // Remote events are filtered by name, so it must be unique per process (A4).
  const name = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4, application_name: `agenda ${name}` });
  pool.on('error', (error) => options.logger.warn({ err: error }, 'idle Agenda connection failed'));
  const backend = new PostgresBackend({ pool, ensureSchema: false, tableName: AGENDA_TABLE, disableNotifications: true });
  // LISTEN/NOTIFY wakes workers at once; it has a pool of its own (see agenda-notifications.ts).
  const notifications = createAgendaNotifications(options.databaseUrl, name, options.logger);
  const agenda = new Agenda({
    backend,
    notificationChannel: notifications.channel,
    name,
    processEvery: options.processEvery ?? 5_000,
    maxConcurrency: options.maxConcurrency ?? 8,
    defaultConcurrency: 2,
    defaultLockLifetime: 60_000,
  });
  agenda.on('error', (error: Error) => options.logger.error({ err: error }, 'Agenda error'));
  const shutdown = new AbortController();
  for (const define of options.jobs) define(agenda, { shutdown: shutdown.signal });
  await agenda.start();

  let stopping: Promise<void> | undefined;
  return {
    agenda,
    stop: (drainMs = 10_000) =>
      (stopping ??= (async () => {
        // Running handlers stop and hand their work back first; the drain then waits for them,
        // and stops Agenda (its LISTEN channel included: `agenda.stop()` after it does nothing).
        // Jobs still running after the drain, and jobs this worker had locked but not started,
        // keep their lock and are picked up by another worker once it expires (A5); job handlers
        // are idempotent for that reason.
        shutdown.abort(new Error('the worker is shutting down'));
        const result = await agenda.drain({ timeout: drainMs, closeConnection: false });
        if (result.running > 0) options.logger.warn({ running: result.running }, 'jobs still running at shutdown; they will be retried');
        await notifications.close();
        await pool.end();
      })()),
  };
}
