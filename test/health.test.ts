import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { eventually } from './helpers/eventually.js';
import { createTestOrganization } from './helpers/fixtures.js';
import { graphqlRequest, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { subscribe } from './helpers/graphql-ws.js';
import { startDatabaseProxy, type TcpProxy } from './helpers/tcp-proxy.js';

/**
 * Liveness and readiness while PostgreSQL goes away and comes back: the gateway reaches its
 * database through a TCP proxy the test can cut. The process must survive it (an unheard
 * 'error' event of a lost connection would crash it: vitest fails the file on one).
 */
describe('the gateway while the database is unreachable', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let gateway: TestGateway;
  let authorization: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ authorization } = await createTestOrganization(db.knex));
    const proxied = await startDatabaseProxy(db.url);
    proxy = proxied.proxy;
    gateway = await startTestGateway(proxied.url, {}, 'api');
  });
  afterAll(async () => {
    await proxy?.restore().catch(() => undefined);
    await gateway?.stop();
    await proxy?.close();
    await db?.drop();
  });

  it('answers /readyz 503 while PostgreSQL is unreachable, /healthz 200, and recovers', async () => {
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    // Every complaint goes through the JSON logger; nothing is printed around it.
    const printed = vi.spyOn(console, 'log');

    await proxy.cut();
    const down = await fetch(`${gateway.url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'unavailable', database: expect.any(String) });
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);

    await proxy.restore();
    await eventually(async () => ((await fetch(`${gateway.url}/readyz`)).status === 200 ? true : undefined), { what: '/readyz to recover' });
    expect((await graphqlRequest(gateway.url, '{ me { user { id } } }', { authorization })).status).toBe(200);
    expect(printed).not.toHaveBeenCalled();
    printed.mockRestore();
  });

  it('keeps a progress subscription through the outage and delivers the change it missed', async () => {
    const start = await graphqlRequest(
      gateway.url,
      'mutation { startLeadExport(input: { format: CSV, type: LEADS, sendDoneEmail: false }) { leadExport { id } } }',
      { authorization },
    );
    const id: string = start.body.data.startLeadExport.leadExport.id; // an API-only gateway: it stays queued
    const progress = subscribe<{ leadExportProgress: { status: string } }>(
      gateway.url,
      'subscription ($id: ID!) { leadExportProgress(id: $id) { status } }',
      { id },
      { authorization },
    );
    await progress.next((e) => e.leadExportProgress.status === 'CREATED');

    await proxy.cut();
    // The change happens while the gateway cannot hear it (its NOTIFY is lost)…
    await db.knex('exports').where({ id }).update({ status: 'canceled', finished_at: db.knex.fn.now() });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await proxy.restore();
    // …and reaches the subscriber once the gateway has reconnected and re-read the export.
    await progress.next((e) => e.leadExportProgress.status === 'CANCELED');
    await progress.done;
  });
});
