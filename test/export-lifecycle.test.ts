import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedSecret } from '../src/db/settings.js';
import { createDownloadLinkSigner } from '../src/exports/download-links.js';
import { createBulkOrganization } from './helpers/bulk-organization.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { APIError, CloseApiClient, ValidationError } from './helpers/close-client.js';
import { eventually } from './helpers/eventually.js';
import { createTestOrganization } from './helpers/fixtures.js';
import { startTestGateway, type TestGateway } from './helpers/gateway.js';
import { parseCsv } from './exports/export-helpers.js';

const LEADS = 40;

/** Raw bytes and headers of a GET, without the automatic decompression `fetch` does. */
function rawGet(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('an export from request to download, over real HTTP and a real Agenda worker', () => {
  let db: TestDatabase;
  let gateway: TestGateway;
  let client: CloseApiClient;
  let organizationId: string;
  let exportsDir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const bulk = await createBulkOrganization(db, 'life', LEADS);
    organizationId = bulk.organizationId;
    gateway = await startTestGateway(db.url, { JOB_POLL_INTERVAL: '500ms' });
    client = new CloseApiClient(`${gateway.url}/api/v1/`, bulk.apiKey);
    exportsDir = path.join(gateway.dataDir, "exports");
  });
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  const waitUntilFinal = (id: string) =>
    eventually(async () => {
      const current = await client.get(`export/${id}`);
      return ['done', 'error', 'canceled'].includes(current.status) ? current : undefined;
    }, { what: `export ${id} to finish`, intervalMs: 150 });

  let finished: any;

  it('answers the create with Close\'s export object: created, no count yet, default fields', async () => {
    const created = await client.post('export/lead', { format: 'csv', type: 'leads', date_format: 'iso8601', send_done_email: false });
    expect(created).toMatchObject({
      id: expect.stringMatching(/^expo_/),
      organization_id: organizationId,
      status: 'created',
      format: 'csv',
      type: 'leads',
      date_format: 'iso8601',
      n_docs: null,
      n_docs_processed: 0,
      download_url: null,
      send_done_email: false,
      s_query: null,
      results_limit: null,
      sort: [],
    });
    expect(created.fields).toEqual([
      'addresses', 'contacts', 'created_by', 'created_by_name', 'custom', 'date_created', 'date_updated',
      'description', 'display_name', 'id', 'name', 'status_id', 'status_label', 'updated_by', 'updated_by_name', 'url',
    ]);
    finished = await waitUntilFinal(created.id);
    expect(finished).toMatchObject({ status: 'done', n_docs: LEADS, n_docs_processed: LEADS, error: null });
    expect(finished.download_url).toMatch(/\/api\/v1\/export\/expo_\w+\/download\/\?expires=\d+&signature=/);
  });

  it('serves the stored gzip bytes unchanged with Close\'s headers, no API key needed', async () => {
    const raw = await rawGet(finished.download_url);
    expect(raw.status).toBe(200);
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(raw.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(Number(raw.headers['content-length'])).toBe(raw.body.length);
    expect(raw.headers['content-disposition']).toMatch(/^attachment; filename="Bulk life leads \d{4}-\d{2}-\d{2} \d{2}-\d{2}\.csv"/);
    const stored = fs.readFileSync(path.join(exportsDir, `${organizationId}/${finished.id}.1.csv.gz`));
    expect(raw.body.equals(stored)).toBe(true);

    const rows = parseCsv(zlib.gunzipSync(raw.body).toString('utf8'));
    expect(rows[0].slice(0, 3)).toEqual(['id', 'display_name', 'name']);
    expect(rows.slice(1).map((r) => r[0]).sort()).toEqual(
      (await db.knex('leads').where({ organization_id: organizationId }).orderBy('id').pluck('id')) as string[],
    );
  });

  it('is decompressed transparently by an HTTP client, as a browser or curl --compressed does', async () => {
    const response = await fetch(finished.download_url, { headers: { authorization: 'Basic c29tZTo=' } }); // scripts send auth anyway
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.startsWith('id,display_name,name,')).toBe(true);
    expect(parseCsv(text)).toHaveLength(LEADS + 1);
  });

  it('refuses tampered, borrowed and expired links', async () => {
    const url = new URL(finished.download_url);
    const tampered = new URL(url);
    tampered.searchParams.set('signature', `${url.searchParams.get('signature')!.slice(0, -2)}xx`);
    const longer = new URL(url);
    longer.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    const borrowed = new URL(url.toString().replace(finished.id, 'expo_someoneelse000000000'));
    const signer = createDownloadLinkSigner(await sharedSecret(db.knex, 'download_link_secret'), () => gateway.url);
    const expired = signer.sign(finished.id, 60, new Date(Date.now() - 120_000));
    for (const link of [tampered.toString(), longer.toString(), borrowed.toString(), expired]) {
      const response = await rawGet(link);
      expect(response.status, link).toBe(403);
      expect(JSON.parse(response.body.toString()).error).toMatch(/invalid or has expired/);
    }
    expect((await rawGet(signer.sign(finished.id, 60))).status).toBe(200); // the same signer's fresh link works
  });

  it('finds the export under /export/{id}/ and /export/lead/{id}/, lists it, and hides it from other organizations', async () => {
    expect((await client.get(`export/lead/${finished.id}`)).id).toBe(finished.id);
    const list = await client.get('export/lead', { _limit: 1, _fields: 'id,status' });
    expect(list).toEqual({ data: [{ id: finished.id, status: 'done' }], has_more: false });
    const stranger = await createTestOrganization(db.knex);
    const strangerClient = new CloseApiClient(`${gateway.url}/api/v1/`, stranger.apiKey);
    await expect(strangerClient.get(`export/${finished.id}`)).rejects.toMatchObject({ status: 404 });
    expect(await strangerClient.get('export')).toEqual({ data: [], has_more: false });
  });

  it('rejects bad parameters with Close\'s field errors before creating anything', async () => {
    const before = await db.knex('exports').count<{ count: number }[]>('* as count');
    const error = await client.post('export/lead', { format: 'xml', type: 'leads' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors).toHaveProperty('format');
    const badQuery = await client
      .post('export/lead', { format: 'csv', type: 'leads', s_query: { type: 'and', queries: [{ type: 'nope' }] } })
      .catch((e: unknown) => e);
    expect(Object.keys((badQuery as ValidationError).fieldErrors)).toEqual([expect.stringMatching(/^s_query\.queries\[0\]/)]);
    expect(await db.knex('exports').count<{ count: number }[]>('* as count')).toEqual(before);
  });

  it('ends as error with an actionable message when the database query fails, and leaves no file', async () => {
    await db.knex.raw('ALTER TABLE addresses RENAME TO addresses_gone');
    try {
      const created = await client.post('export/lead', { format: 'csv', type: 'leads', send_done_email: false });
      const failed = await waitUntilFinal(created.id);
      expect(failed.status).toBe('error');
      expect(failed.error).toMatch(/^The export query failed in the database \(.*addresses.*\)/);
      expect(failed.download_url).toBeNull();
    } finally {
      await db.knex.raw('ALTER TABLE addresses_gone RENAME TO addresses');
    }
    expect(fs.readdirSync(path.join(exportsDir, '.tmp'))).toEqual([]);
  });

  it('ends as error with an actionable message when the storage cannot be written', async () => {
    const tmp = path.join(exportsDir, '.tmp');
    fs.rmSync(tmp, { recursive: true });
    fs.writeFileSync(tmp, 'not a directory');
    try {
      const created = await client.post('export/lead', { format: 'json', type: 'leads', send_done_email: false });
      const failed = await waitUntilFinal(created.id);
      expect(failed.status).toBe('error');
      expect(failed.error).toMatch(/^The export file could not be written/);
    } finally {
      fs.rmSync(tmp);
      fs.mkdirSync(tmp);
    }
  });

  it('answers 401 with bad credentials and never a 500 for a malformed body', async () => {
    const wrong = new CloseApiClient(`${gateway.url}/api/v1/`, 'api_wrong.key');
    await expect(wrong.get('export')).rejects.toBeInstanceOf(APIError);
    await expect(wrong.get('export')).rejects.toMatchObject({ status: 401 });
    const response = await fetch(`${gateway.url}/api/v1/export/lead/`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${(client as any).apiKey}:`).toString('base64')}`, 'content-type': 'application/json' },
      body: '{"format": ',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: ['The request body is not valid JSON.'], 'field-errors': {} });
  });
});
