import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnex, type Knex } from '../src/db/knex.js';
import { createBulkOrganization } from './helpers/bulk-organization.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { eventually } from './helpers/eventually.js';
import { startTestGateway, type TestGateway } from './helpers/gateway.js';
import { startDatabaseProxy, type TcpProxy } from './helpers/tcp-proxy.js';
import { parseCsv } from './exports/export-helpers.js';

const LEADS = 30;

/**
 * PostgreSQL goes away in the middle of an export (the worker reaches it through a TCP proxy the
 * test cuts): once it is back, the export is run again and ends done with the complete file.
 */
describe('an export interrupted by a database outage', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let gateway: TestGateway;
  let authorization: string;
  let blocker: Knex;
  let lock: Knex.Transaction | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ authorization } = await createBulkOrganization(db, 'outage', LEADS));
    const proxied = await startDatabaseProxy(db.url);
    proxy = proxied.proxy;
    gateway = await startTestGateway(proxied.url, { EXPORT_LOCK_LIFETIME: '3s', JOB_POLL_INTERVAL: '300ms', MAINTENANCE_INTERVAL: '1s' });
    blocker = createKnex(db.url, { poolMax: 1 });
  });
  afterAll(async () => {
    await proxy?.restore();
    if (lock && !lock.isCompleted()) await lock.rollback();
    await blocker?.destroy();
    await gateway?.stop();
    await proxy?.close();
    await db?.drop();
  });

  it('is run again once PostgreSQL is back and ends done with every row', async () => {
    // Hold the export inside its run: it can count the leads, but the statement that formats
    // them (with their primary contact) waits for this lock.
    lock = await blocker.transaction();
    await lock.raw('LOCK TABLE contacts IN ACCESS EXCLUSIVE MODE');
    const response = await fetch(`${gateway.url}/api/v1/export/lead/`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ format: 'csv', type: 'leads', send_done_email: false }),
    });
    const { id } = (await response.json()) as { id: string };
    await eventually(async () => ((await db.knex('exports').where({ id }).first()).status === 'in_progress' ? true : undefined), {
      what: 'the export to be in progress',
      intervalMs: 100,
    });

    await proxy.cut();
    await lock.commit();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await proxy.restore();

    const done = await eventually(
      async () => {
        const record = await db.knex('exports').where({ id }).first();
        expect(record.status).not.toBe('error');
        return record.status === 'done' ? record : undefined;
      },
      { what: 'the export to finish', timeoutMs: 40_000, intervalMs: 200 },
    );
    expect(done.n_docs_processed).toBe(LEADS);
    const current = (await (await fetch(`${gateway.url}/api/v1/export/${id}/`, { headers: { authorization } })).json()) as { download_url: string };
    const rows = parseCsv(await (await fetch(current.download_url)).text());
    expect(rows).toHaveLength(LEADS + 1);
    expect(new Set(rows.slice(1).map((r) => r[0])).size).toBe(LEADS);
  });
});
