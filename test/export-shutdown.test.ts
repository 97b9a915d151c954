import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnex, type Knex } from '../src/db/knex.js';
import { createBulkOrganization } from './helpers/bulk-organization.js';
import { CloseApiClient } from './helpers/close-client.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { eventually } from './helpers/eventually.js';
import { startTestGateway } from './helpers/gateway.js';

/** Stopping a worker in the middle of an export hands the export back instead of failing it. */
describe('a worker stopping mid-export', () => {
  let db: TestDatabase;
  let apiKey: string;
  let blocker: Knex;
  beforeAll(async () => {
    db = await createTestDatabase();
    apiKey = (await createBulkOrganization(db, 'stop', 10)).apiKey;
    blocker = createKnex(db.url, { poolMax: 1 });
  });
  afterAll(async () => {
    await blocker?.destroy();
    await db?.drop();
  });

  it('stops promptly, queues the export again, and the next worker finishes it', async () => {
    const first = await startTestGateway(db.url, { JOB_POLL_INTERVAL: '300ms' });
    const client = new CloseApiClient(`${first.url}/api/v1/`, apiKey);
    const hold = await blocker.transaction();
    await hold.raw('LOCK TABLE contacts IN ACCESS EXCLUSIVE MODE'); // the export waits inside its run
    const { id } = await client.post('export/lead', { format: 'csv', type: 'leads', send_done_email: false });
    await eventually(async () => ((await client.get(`export/${id}`)).status === 'in_progress' ? true : undefined), { intervalMs: 100 });

    const stopping = Date.now();
    await first.stop();
    expect(Date.now() - stopping).toBeLessThan(5000);
    const handedBack = await db.knex('exports').where({ id }).first('status', 'error', 'n_docs');
    expect(handedBack).toEqual({ status: 'created', error: null, n_docs: null });
    const queued = await db.knex('agenda_jobs').where({ name: 'export' }).whereRaw("data->>'exportId' = ?", [id]).whereNotNull('next_run_at');
    expect(queued).toHaveLength(1);
    await hold.commit();

    const second = await startTestGateway(db.url, { JOB_POLL_INTERVAL: '300ms' });
    try {
      const again = new CloseApiClient(`${second.url}/api/v1/`, apiKey);
      const done = await eventually(async () => {
        const current = await again.get(`export/${id}`);
        return current.status === 'done' ? current : undefined;
      }, { intervalMs: 150 });
      expect(done).toMatchObject({ n_docs: 10, n_docs_processed: 10 });
    } finally {
      await second.stop();
    }
  });
});
