import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/db/ids.js';
import { CloseApiClient } from './helpers/close-client.js';
import { createBulkOrganization } from './helpers/bulk-organization.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { eventually } from './helpers/eventually.js';
import { startTestGateway, type TestGateway } from './helpers/gateway.js';

/**
 * Without SMTP_URL the emails land in the outbox folder; the recurring maintenance job deletes
 * expired files (status EXPIRED) and re-queues exports whose job was lost.
 */
describe('export emails without SMTP, retention and lost jobs', () => {
  let db: TestDatabase;
  let gateway: TestGateway;
  let client: CloseApiClient;
  let organizationId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const bulk = await createBulkOrganization(db, 'keep', 12);
    organizationId = bulk.organizationId;
    gateway = await startTestGateway(db.url, { MAINTENANCE_INTERVAL: '1s', JOB_POLL_INTERVAL: '300ms', EXPORT_RETENTION: '1h' });
    client = new CloseApiClient(`${gateway.url}/api/v1/`, bulk.apiKey);
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  const finished = (id: string, status = 'done') =>
    eventually(async () => {
      const current = await client.get(`export/${id}`);
      return current.status === status ? current : undefined;
    }, { intervalMs: 150, what: `export ${id} to be ${status}` });

  /** An export row written by hand, in whatever state a test needs; returns its id. */
  const insertExport = async (state: Record<string, unknown>) => {
    const id = newId('expo');
    await db.knex('exports').insert({
      id,
      organization_id: organizationId,
      created_by: 'user_keep_1',
      kind: 'lead',
      type: 'leads',
      format: 'csv',
      fields: JSON.stringify(['id', 'name']),
      send_done_email: false,
      ...state,
    });
    return id;
  };

  let done: any;

  it('writes the done email, with a link valid until the file expires, to the outbox', async () => {
    done = await finished((await client.post('export/lead', { format: 'json', type: 'leads' })).id);
    expect(new Date(done.expires_at).getTime() - Date.now()).toBeGreaterThan(59 * 60_000);
    const outbox = path.join(gateway.dataDir, 'outbox');
    const message = await eventually(async () => {
      const files = fs.existsSync(outbox) ? fs.readdirSync(outbox) : [];
      const texts = files.map((f) => fs.readFileSync(path.join(outbox, f), 'utf8'));
      return texts.find((t) => t.includes(done.id));
    });
    expect(message).toMatch(/^To: one@keep\.example$/m);
    expect(message).toMatch(/Subject: Your leads export is ready \(12 leads as JSON\)/);
    const link = /(http:\/\/\S+\/download\/\?expires=(\d+)&signature=[\w-]+)/.exec(message.replace(/=\r?\n/g, '').replace(/=3D/g, '='));
    expect(Number(link![2]) * 1000).toBeGreaterThan(Date.now() + 59 * 60_000); // the emailed link lives as long as the file
    const leads = (await (await fetch(link![1])).json()) as unknown[];
    expect(leads).toHaveLength(12);
  });

  it('mails the failure, with the reason, when an export fails', async () => {
    await db.knex.raw('ALTER TABLE addresses RENAME TO addresses_gone');
    let failed: any;
    try {
      failed = await finished((await client.post('export/lead', { format: 'csv', type: 'leads' })).id, 'error');
    } finally {
      await db.knex.raw('ALTER TABLE addresses_gone RENAME TO addresses');
    }
    const outbox = path.join(gateway.dataDir, 'outbox');
    const message = await eventually(async () =>
      fs.readdirSync(outbox).map((f) => fs.readFileSync(path.join(outbox, f), 'utf8')).find((t) => t.includes(failed.id)),
    );
    expect(message).toMatch(/Subject: Your leads export failed/);
    expect(message.replace(/=\r?\n/g, '')).toContain('The export query failed in the database');
  });

  it('deletes the file of an expired export and marks it expired; its links stop working', async () => {
    const link = done.download_url as string;
    const file = path.join(gateway.dataDir, 'exports', `${organizationId}/${done.id}.1.json.gz`);
    expect(fs.existsSync(file)).toBe(true);
    await db.knex('exports').where({ id: done.id }).update({ expires_at: new Date(Date.now() - 1000) });
    const expired = await finished(done.id, 'expired');
    expect(expired.download_url).toBeNull();
    expect(fs.existsSync(file)).toBe(false);
    const response = await fetch(link);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toMatch(/expired/);
  });

  it('re-queues an export whose worker died without a retry, so it does not stay in progress', async () => {
    const id = await insertExport({
      status: 'in_progress',
      attempt: 1,
      n_docs: 12,
      n_docs_processed: 5,
      date_created: new Date(Date.now() - 15 * 60_000),
      date_updated: new Date(Date.now() - 10 * 60_000),
    });
    const recovered = await finished(id);
    expect(recovered).toMatchObject({ n_docs: 12, n_docs_processed: 12 });
    expect((await db.knex('exports').where({ id }).first('attempt')).attempt).toBe(2);
  });

  it('deletes the queued jobs of settled exports that no worker holds, so they never wait in front of new exports', async () => {
    const id = await insertExport({ status: 'canceled' });
    // Due tomorrow, so only the maintenance sweep can remove them (a worker would run them first).
    const tomorrow = new Date(Date.now() + 86_400_000);
    const job = (lockedAt: Date | null) => ({ name: 'export', next_run_at: tomorrow, locked_at: lockedAt, data: { exportId: id } });
    const [queued, abandoned, held] = await db.knex('agenda_jobs')
      .insert([job(null), job(new Date(Date.now() - 3_600_000)), job(new Date())])
      .returning('id')
      .then((rows: { id: string }[]) => rows.map((r) => r.id));
    await eventually(async () => ((await db.knex('agenda_jobs').whereIn('id', [queued, abandoned]).count<{ count: number }[]>('* as count'))[0].count === 0 ? true : undefined), {
      what: 'the settled jobs to be deleted',
    });
    // A job a worker holds right now is left to finish (it ends at once on a settled export).
    expect(await db.knex('agenda_jobs').where({ id: held }).first('id')).toBeDefined();
  });
});
