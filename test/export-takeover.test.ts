import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnex, type Knex } from '../src/db/knex.js';
import { CloseApiClient } from './helpers/close-client.js';
import { createBulkOrganization } from './helpers/bulk-organization.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { eventually } from './helpers/eventually.js';
import { startTestGateway, type TestGateway } from './helpers/gateway.js';
import { spawnGateway, type GatewayProcess } from './helpers/process.js';
import { parseCsv } from './exports/export-helpers.js';

const LEADS = 30;

/**
 * A worker process killed in the middle of an export: another worker process takes the job over
 * once the Agenda lock expires, and the export still ends done with a complete file.
 */
describe('a worker killed mid-export', () => {
  let db: TestDatabase;
  let api: TestGateway;
  let client: CloseApiClient;
  let exportsDir: string;
  let workerEnv: Record<string, string>;
  const workers: GatewayProcess[] = [];
  let blocker: Knex;

  beforeAll(async () => {
    db = await createTestDatabase();
    const bulk = await createBulkOrganization(db, 'take', LEADS);
    exportsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-exports-'));
    api = await startTestGateway(db.url, { EXPORTS_DIR: exportsDir }, 'api');
    client = new CloseApiClient(`${api.url}/api/v1/`, bulk.apiKey);
    workerEnv = {
      DATABASE_URL: db.url,
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-worker-')),
      EXPORTS_DIR: exportsDir,
      EXPORT_LOCK_LIFETIME: '3s',
      JOB_POLL_INTERVAL: '500ms',
      PUBLIC_URL: api.url,
    };
    blocker = createKnex(db.url, { poolMax: 1 });
  });
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await blocker?.destroy();
    await api?.stop();
    await db?.drop();
    fs.rmSync(exportsDir, { recursive: true, force: true });
    fs.rmSync(workerEnv.DATA_DIR, { recursive: true, force: true });
  });

  const startWorker = async () => {
    const worker = spawnGateway(['worker'], workerEnv);
    workers.push(worker);
    await worker.waitFor(/running \(worker\)/);
    return worker;
  };

  it('is taken over by another worker process and still ends done with the complete file', async () => {
    // Hold the first worker inside its export: it can count the leads, but the statement that
    // formats them waits for this lock.
    const lock = await blocker.transaction();
    await lock.raw('LOCK TABLE contacts IN ACCESS EXCLUSIVE MODE');

    const first = await startWorker();
    const created = await client.post('export/lead', { format: 'csv', type: 'leads', send_done_email: false });
    const running = await eventually(async () => {
      const current = await client.get(`export/${created.id}`);
      return current.status === 'in_progress' ? current : undefined;
    }, { what: 'the export to be in progress', intervalMs: 100 });
    expect(running.n_docs).toBe(LEADS);

    first.child.kill('SIGKILL');
    await first.exited;
    await lock.commit();
    const second = await startWorker();

    const done = await eventually(async () => {
      const current = await client.get(`export/${created.id}`);
      return current.status === 'done' || current.status === 'error' ? current : undefined;
    }, { what: 'the second worker to finish the export', timeoutMs: 30_000, intervalMs: 200 });
    expect(done).toMatchObject({ status: 'done', n_docs: LEADS, n_docs_processed: LEADS });
    expect((await db.knex('exports').where({ id: created.id }).first('attempt')).attempt).toBe(2);
    expect(second.output()).toContain('export done');

    const text = await (await fetch(done.download_url)).text();
    const rows = parseCsv(text);
    expect(rows).toHaveLength(LEADS + 1);
    expect(new Set(rows.slice(1).map((r) => r[0])).size).toBe(LEADS);
    // Only the published file is visible; the killed run's temporary file never is.
    expect(fs.readdirSync(path.join(exportsDir, done.organization_id))).toEqual([`${created.id}.2.csv.gz`]);
  });
});
