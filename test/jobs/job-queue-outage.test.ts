import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from 'vitest';
import { startJobQueue, type JobDefinition, type JobQueue } from '../../src/jobs/agenda.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { eventually } from '../helpers/eventually.js';
import { startDatabaseProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

/**
 * Agenda's LISTEN connection when PostgreSQL goes away at the wrong moment. The library used to
 * keep a pool client checked out for good when the connection dropped between its connect and
 * its LISTEN, and when a reconnect finished after the channel was disconnected: a few drops and
 * the queue waited forever for a connection; after either, stopping it hung.
 */
/** `promise`, or a failure naming what did not happen within `ms`. */
const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms).unref())]);

describe('the job queue when PostgreSQL drops its LISTEN connection', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let proxyUrl: string;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  beforeEach(async () => {
    ({ proxy, url: proxyUrl } = await startDatabaseProxy(db.url));
  });
  afterEach(async () => {
    await proxy.close();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const startQueue = (jobs: JobDefinition[] = []): Promise<JobQueue> =>
    startJobQueue({
      databaseUrl: proxyUrl,
      logger: createLogger({ logLevel: 'silent', logFormat: 'json' }),
      jobs,
      // Polling would find a job only after a minute: only a notification can wake the worker.
      processEvery: 60_000,
    });
  const noConnectionLeft = () =>
    // The server notices a closed connection a moment later.
    eventually(async () => ((await db.knex('pg_stat_activity').where('application_name', 'like', 'agenda %').first()) ? undefined : true), {
      what: 'every Agenda connection to be gone',
      timeoutMs: 5_000,
    });
  const listenIsBack = () =>
    eventually(
      async () => (await db.knex('pg_stat_activity').where('application_name', 'like', 'agenda % listen').where('query', 'like', 'LISTEN %').first()) ?? undefined,
      { what: 'the LISTEN connection to be back' },
    );

  it('keeps no connection checked out when they drop before their LISTEN: notifications wake jobs again, and it stops', async () => {
    let pinged: () => void = () => {};
    const ping = new Promise<void>((resolve) => (pinged = resolve));
    const queue = await startQueue([(agenda) => agenda.define('ping', async () => pinged())]);

    proxy.dropConnectionsSending('LISTEN');
    await proxy.cut();
    await proxy.restore();
    // More failed LISTENs than the queue has connections.
    await eventually(async () => (proxy.dropped >= 8 ? true : undefined), { what: 'eight LISTENs dropped (a queue that leaks connections stalls at its pool size)' });
    proxy.dropConnectionsSending(undefined);
    // A job created before the LISTEN is back would only be found by polling.
    await listenIsBack();

    await queue.agenda.now('ping');
    await within(ping, 10_000, 'the job to be woken by its NOTIFY');
    await queue.stop();
    await noConnectionLeft();
  });

  it('stops while its LISTEN connection is still reconnecting, and leaves no connection behind', async () => {
    const queue = await startQueue();
    // The LISTEN connections' application_name ends in "listen": hold their reconnect.
    proxy.holdConnectionsSending(' listen');
    await proxy.cut();
    await proxy.restore();
    await eventually(async () => (proxy.held > 0 ? true : undefined), { what: 'a LISTEN reconnect to be under way' });

    const stopped = queue.stop();
    await new Promise((resolve) => setTimeout(resolve, 500)); // the channel is disconnected meanwhile
    proxy.holdConnectionsSending(undefined); // the reconnect completes after the disconnect
    await stopped;
    await noConnectionLeft();
  });

  it('keeps a NOTIFY in flight when a LISTEN reconnect fails beside it: the job it announces is woken', async () => {
    let pinged: () => void = () => {};
    const ping = new Promise<void>((resolve) => (pinged = resolve));
    const queue = await startQueue([(agenda) => agenda.define('ping', async () => pinged())]);
    try {
      // The NOTIFY announcing the job waits in the proxy…
      proxy.holdConnectionsSending('NOTIFY');
      const created = queue.agenda.now('ping'); // resolves once the NOTIFY is sent
      await eventually(async () => (proxy.held > 0 ? true : undefined), { what: 'the NOTIFY to be held' });
      // …while the LISTEN connection goes away and its reconnect fails.
      proxy.dropConnectionsSending('LISTEN');
      await db.knex.raw(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'agenda % listen' AND query LIKE 'LISTEN %'`);
      await eventually(async () => (proxy.dropped > 0 ? true : undefined), { what: 'a LISTEN reconnect to fail' });
      proxy.dropConnectionsSending(undefined);
      await listenIsBack();
      proxy.holdConnectionsSending(undefined);
      await created;
      await within(ping, 10_000, 'the job to be woken by its NOTIFY (polling would find it only after a minute)');
    } finally {
      await queue.stop();
    }
  });
});

