import { afterAll, beforeAll, describe, it } from 'vitest';
import { startJobQueue, type JobQueue } from '../../src/jobs/agenda.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { eventually } from '../helpers/eventually.js';
import { startDatabaseProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

/**
 * Agenda's LISTEN connection when PostgreSQL goes away between a connect and its LISTEN (a
 * restart, a flaky network). Each such drop used to keep a pool client checked out for good:
 * a few of them and the queue waited forever for a connection, and stopping it hung.
 */
describe('the job queue when connections drop before their LISTEN', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let queue: JobQueue | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await proxy?.close();
    await db?.drop();
  });

  it('keeps no connection checked out: jobs are woken by notifications again, and it stops', async () => {
    let proxyUrl: string;
    ({ proxy, url: proxyUrl } = await startDatabaseProxy(db.url));
    let pinged: () => void = () => {};
    const ping = new Promise<void>((resolve) => (pinged = resolve));
    queue = await startJobQueue({
      databaseUrl: proxyUrl,
      logger: createLogger({ logLevel: 'silent', logFormat: 'json' }),
      jobs: [(agenda) => agenda.define('ping', async () => pinged())],
      // Polling would find the job only after a minute: only a notification can wake the worker.
      processEvery: 60_000,
    });

    proxy.dropConnectionsSending('LISTEN');
    await proxy.cut();
    await proxy.restore();
    // More failed LISTENs than the queue has connections.
    await eventually(async () => (proxy.dropped >= 8 ? true : undefined), { what: 'eight LISTENs dropped (a queue that leaks connections stalls at its pool size)' });
    proxy.dropConnectionsSending(undefined);
    // A job created before the LISTEN is back would only be found by polling.
    await eventually(
      async () => (await db.knex('pg_stat_activity').where('application_name', 'like', 'agenda % listen').where('query', 'like', 'LISTEN %').first()) ?? undefined,
      { what: 'the LISTEN connection to be back' },
    );

    await queue.agenda.now('ping');
    await ping;
    await queue.stop();

    // Every connection was closed (the server notices a moment later).
    await eventually(async () => ((await db.knex('pg_stat_activity').where('application_name', 'like', 'agenda %').first()) ? undefined : true), {
      what: 'every Agenda connection to be gone',
      timeoutMs: 5_000,
    });
  });
});
