import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnex, type Knex } from '../src/db/knex.js';
import { createBulkOrganization } from './helpers/bulk-organization.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { graphqlRequest } from './helpers/gateway.js';
import { subscribe } from './helpers/graphql-ws.js';
import { freePort } from './helpers/net.js';
import { spawnGateway, type GatewayProcess } from './helpers/process.js';

type Progress = { leadExportProgress: { status: string; nDocs: number | null; nDocsProcessed: number; downloadUrl: string | null } };

/**
 * `npm run api` twice and `npm run worker` once, against one PostgreSQL: a subscriber on either
 * API process sees the progress of the export the worker process runs.
 */
describe('API and worker in separate processes', () => {
  let db: TestDatabase;
  let authorization: string;
  let blocker: Knex;
  const processes: GatewayProcess[] = [];
  const urls: string[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const bulk = await createBulkOrganization(db, 'proc', 20);
    authorization = bulk.authorization;
    blocker = createKnex(db.url, { poolMax: 1 });

    const exportsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-exports-'));
    dirs.push(exportsDir);
    const env = async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-proc-'));
      dirs.push(dataDir);
      return { DATABASE_URL: db.url, DATA_DIR: dataDir, EXPORTS_DIR: exportsDir, PORT: String(await freePort()), HOST: '127.0.0.1' };
    };
    const roles = ['api', 'api', 'worker'];
    for (const role of roles) processes.push(spawnGateway([role], await env()));
    await Promise.all(processes.map((child, i) => child.waitFor(roles[i] === 'api' ? /^API key|GraphQL:/m : /running \(worker\)/)));
    for (const child of processes.slice(0, 2)) urls.push((await child.waitFor(/GraphQL:\s+(http:\/\/\S+)\/graphql/))[1]);
  });
  afterAll(async () => {
    for (const child of processes) child.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
    await blocker?.destroy();
    await db?.drop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('delivers the worker process\'s progress to subscribers on both API processes', async () => {
    const hold = await blocker.transaction();
    await hold.raw('LOCK TABLE contacts IN ACCESS EXCLUSIVE MODE');
    const { body } = await graphqlRequest(
      urls[0],
      'mutation { startLeadExport(input: { format: CSV, type: LEADS, sendDoneEmail: false }) { leadExport { id } } }',
      { authorization },
    );
    const id = body.data.startLeadExport.leadExport.id;
    const query = 'subscription ($id: ID!) { leadExportProgress(id: $id) { status nDocs nDocsProcessed downloadUrl } }';
    const onA = subscribe<Progress>(urls[0], query, { id }, { authorization });
    const onB = subscribe<Progress>(urls[1], query, { id }, { authorization });
    for (const sub of [onA, onB]) {
      const running = await sub.next((e) => e.leadExportProgress.status === 'IN_PROGRESS');
      expect(running.leadExportProgress.nDocs).toBe(20);
    }
    await hold.commit();
    for (const sub of [onA, onB]) {
      const done = await sub.next((e) => e.leadExportProgress.status === 'DONE');
      expect(done.leadExportProgress).toMatchObject({ nDocs: 20, nDocsProcessed: 20 });
      await sub.done;
    }
    // Each API process mints its own link; both serve the worker's file.
    for (const sub of [onA, onB]) {
      const response = await fetch(sub.events.at(-1)!.leadExportProgress.downloadUrl!);
      expect(response.status).toBe(200);
      expect((await response.text()).split('\n')[0]).toMatch(/^id,display_name,/);
    }
    expect(processes[2].output()).toContain('export done');
  });
});
