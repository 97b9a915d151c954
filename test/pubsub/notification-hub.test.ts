import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { NotificationHub } from '../../src/pubsub/notification-hub.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { eventually } from '../helpers/eventually.js';

describe('NotificationHub', () => {
  let db: TestDatabase;
  const logger = createLogger({ logLevel: 'silent', logFormat: 'json' });
  const hubConnections = async () =>
    Number(
      (
        await db
          .knex('pg_stat_activity')
          .where({ datname: new URL(db.url).pathname.slice(1), application_name: 'gateway notifications' })
          .count<{ count: string }[]>({ count: '*' })
      )[0].count,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('delivers a NOTIFY to the listeners of its channel only', async () => {
    const hub = new NotificationHub(db.url, logger);
    const heard: string[] = [];
    await hub.listen('hub_test_a', (payload) => heard.push(`a:${payload}`));
    const unlisten = await hub.listen('hub_test_b', (payload) => heard.push(`b:${payload}`));
    await unlisten();
    await db.knex.raw(`select pg_notify('hub_test_a', 'one'), pg_notify('hub_test_b', 'two')`);
    await eventually(async () => (heard.length > 0 ? true : undefined));
    await hub.close();
    expect(heard).toEqual(['a:one']);
  });

  it('ends a connection it was still opening when closed, and refuses to listen once closed', async () => {
    const hub = new NotificationHub(db.url, logger);
    const listening = hub.listen('hub_test_c', () => {});
    await hub.close(); // while `listening` is still connecting
    await expect(listening).rejects.toThrow('closed');
    await expect(hub.listen('hub_test_c', () => {})).rejects.toThrow('closed');
    await eventually(async () => ((await hubConnections()) === 0 ? true : undefined), { what: 'no hub connection left', timeoutMs: 5_000 });
  });
});
