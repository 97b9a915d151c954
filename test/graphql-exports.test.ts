import fs from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnex, type Knex } from '../src/db/knex.js';
import { createBulkOrganization } from './helpers/bulk-organization.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { eventually } from './helpers/eventually.js';
import { createTestOrganization } from './helpers/fixtures.js';
import { graphqlRequest, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { subscribe } from './helpers/graphql-ws.js';
import { freePort } from './helpers/net.js';
import { parseCsv } from './exports/export-helpers.js';

const LEADS = 25;

const START = `mutation ($input: StartLeadExportInput!) {
  startLeadExport(input: $input) { leadExport { id status format type dateFormat nDocs nDocsProcessed percent downloadUrl queuePosition createdBy { email } } }
}`;
const PROGRESS = `subscription ($id: ID!) {
  leadExportProgress(id: $id) { id status nDocs nDocsProcessed percent downloadUrl error }
}`;
const EXPORT = `query ($id: ID!) { leadExport(id: $id) { id status queuePosition nDocs downloadUrl error } }`;

type Progress = { leadExportProgress: { id: string; status: string; nDocs: number | null; nDocsProcessed: number; percent: number | null; downloadUrl: string | null; error: string | null } };

/** A real SMTP server that keeps every message it receives. */
async function startSmtpServer() {
  const messages: { to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `smtp://127.0.0.1:${port}`, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('GraphQL exports: startLeadExport, leadExportProgress, cancel, queueing, email', () => {
  let db: TestDatabase;
  let gateway: TestGateway;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let authorization: string;
  let blocker: Knex;

  beforeAll(async () => {
    db = await createTestDatabase();
    const bulk = await createBulkOrganization(db, 'gql', LEADS);
    authorization = bulk.authorization;
    smtp = await startSmtpServer();
    gateway = await startTestGateway(db.url, { SMTP_URL: smtp.url, EXPORT_CONCURRENCY_PER_ORG: '1', JOB_POLL_INTERVAL: '500ms' });
    blocker = createKnex(db.url, { poolMax: 1 });
  });
  afterAll(async () => {
    await blocker?.destroy();
    await gateway?.stop();
    await smtp?.close();
    await db?.drop();
  });

  const start = async (input: Record<string, unknown>) => {
    const { body } = await graphqlRequest(gateway.url, START, { variables: { input }, authorization });
    return body;
  };
  const watch = (id: string) => subscribe<Progress>(gateway.url, PROGRESS, { id }, { authorization });
  /** Keeps exports of this organization waiting inside their run until released. */
  const holdExports = async () => {
    const trx = await blocker.transaction();
    await trx.raw('LOCK TABLE contacts IN ACCESS EXCLUSIVE MODE');
    return trx;
  };

  it('streams progress to DONE with a URL that downloads the file, and emails the link exactly once', async () => {
    const body = await start({ format: 'CSV', type: 'CONTACTS', dateFormat: 'ISO8601' });
    expect(body.errors).toBeUndefined();
    const started = body.data.startLeadExport.leadExport;
    expect(started).toMatchObject({ status: 'CREATED', format: 'CSV', type: 'CONTACTS', dateFormat: 'ISO8601', nDocs: null, downloadUrl: null });
    expect(started.createdBy).toEqual({ email: 'one@gql.example' });

    const progress = watch(started.id);
    const done = await progress.next((e) => e.leadExportProgress.status === 'DONE');
    await progress.done; // the server completes the subscription after the final event
    expect(progress.events[0].leadExportProgress.id).toBe(started.id);
    const final = progress.events.at(-1)!.leadExportProgress;
    expect(final).toBe(done.leadExportProgress);
    expect(final).toMatchObject({ nDocs: 2 * LEADS, nDocsProcessed: 2 * LEADS, percent: 100, error: null });

    const rows = parseCsv(await (await fetch(final.downloadUrl!)).text());
    expect(rows).toHaveLength(2 * LEADS + 1); // one row per contact, plus the header

    const mail = await eventually(async () => smtp.messages.find((m) => m.raw.includes(started.id)));
    expect(mail.to).toEqual(['one@gql.example']);
    const link = /(http:\/\/\S+\/download\/\?expires=\d+&signature=[\w-]+)/.exec(mail.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '='))?.[1];
    expect(link).toBeDefined();
    expect(parseCsv(await (await fetch(link!)).text())).toEqual(rows);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.messages.filter((m) => m.raw.includes(started.id))).toHaveLength(1);
  });

  it('a client that reconnects mid-export gets the current state first, then the rest', async () => {
    const hold = await holdExports();
    const id = (await start({ format: 'JSON', type: 'LEADS', sendDoneEmail: false })).data.startLeadExport.leadExport.id;
    const first = watch(id);
    await first.next((e) => e.leadExportProgress.status === 'IN_PROGRESS');
    await first.close();

    const again = watch(id);
    await again.next(() => true);
    expect(again.events[0].leadExportProgress).toMatchObject({ status: 'IN_PROGRESS', nDocs: LEADS });
    await hold.commit();
    await again.next((e) => e.leadExportProgress.status === 'DONE');
    await again.done;
  });

  it('sends an event at least every second while the export runs', async () => {
    const hold = await holdExports();
    const id = (await start({ format: 'CSV', type: 'LEADS', sendDoneEmail: false })).data.startLeadExport.leadExport.id;
    const progress = watch(id);
    await progress.next((e) => e.leadExportProgress.status === 'IN_PROGRESS');
    const before = progress.events.length;
    await new Promise((resolve) => setTimeout(resolve, 3200));
    expect(progress.events.length - before).toBeGreaterThanOrEqual(2);
    await hold.commit();
    await progress.next((e) => e.leadExportProgress.status === 'DONE');
  });

  it('queues exports beyond the per-organization limit with a visible queuePosition', async () => {
    const hold = await holdExports();
    const running = (await start({ format: 'CSV', type: 'LEADS', sendDoneEmail: false })).data.startLeadExport.leadExport.id;
    await eventually(async () => {
      const { body } = await graphqlRequest(gateway.url, EXPORT, { variables: { id: running }, authorization });
      return body.data.leadExport.status === 'IN_PROGRESS' ? true : undefined;
    });
    const second = (await start({ format: 'CSV', type: 'LEADS', sendDoneEmail: false })).data.startLeadExport.leadExport;
    const third = (await start({ format: 'CSV', type: 'LEADS', sendDoneEmail: false })).data.startLeadExport.leadExport;
    expect([second.queuePosition, third.queuePosition]).toEqual([1, 2]);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the worker had every chance to start them
    const { body } = await graphqlRequest(gateway.url, EXPORT, { variables: { id: third.id }, authorization });
    expect(body.data.leadExport).toMatchObject({ status: 'CREATED', queuePosition: 2 });

    const duplicated = await db.knex('agenda_jobs')
      .where({ name: 'export' })
      .select(db.knex.raw("data->>'exportId' AS export_id"))
      .groupByRaw("data->>'exportId'")
      .havingRaw('count(*) > 1');
    expect(duplicated).toEqual([]); // waking and re-queuing never stack jobs for one export

    await hold.commit();
    for (const id of [running, second.id, third.id]) {
      await eventually(async () => {
        const { body: current } = await graphqlRequest(gateway.url, EXPORT, { variables: { id }, authorization });
        return current.data.leadExport.status === 'DONE' ? true : undefined;
      }, { what: `export ${id} to be done` });
    }
    // Finished jobs are removed: nothing is left in the queue in front of the next exports.
    await eventually(async () => ((await db.knex('agenda_jobs').where({ name: 'export' }).count<{ count: number }[]>('* as count'))[0].count === 0 ? true : undefined));
  });

  it('cancels a running export within two seconds and removes its temporary file', async () => {
    const hold = await holdExports();
    try {
      const id = (await start({ format: 'CSV', type: 'LEADS', sendDoneEmail: false })).data.startLeadExport.leadExport.id;
      const progress = watch(id);
      await progress.next((e) => e.leadExportProgress.status === 'IN_PROGRESS');
      const canceledAt = Date.now();
      const { body } = await graphqlRequest(gateway.url, 'mutation ($id: ID!) { cancelLeadExport(id: $id) { leadExport { status } } }', {
        variables: { id },
        authorization,
      });
      expect(body.data.cancelLeadExport.leadExport.status).toBe('CANCELED');
      await progress.next((e) => e.leadExportProgress.status === 'CANCELED');
      const tmp = path.join(gateway.dataDir, 'exports', '.tmp');
      await eventually(async () => (fs.readdirSync(tmp).length === 0 ? true : undefined), { timeoutMs: 2000 });
      expect(Date.now() - canceledAt).toBeLessThan(2000);
    } finally {
      await hold.commit();
    }
  });

  it('returns the same export for the same idempotency key and input, and refuses a different input', async () => {
    const input = { format: 'JSON', type: 'LEADS', sendDoneEmail: false, idempotencyKey: 'nightly-2026-11-27' };
    const first = (await start(input)).data.startLeadExport.leadExport.id;
    const again = (await start({ ...input, sQuery: undefined })).data.startLeadExport.leadExport.id;
    expect(again).toBe(first);
    const conflict = await start({ ...input, format: 'CSV' });
    expect(conflict.errors![0].extensions).toMatchObject({ code: 'CONFLICT', fieldErrors: { 'input.idempotencyKey': expect.any(String) } });
    expect(await db.knex('exports').where({ idempotency_key: 'nightly-2026-11-27' }).count<{ count: number }[]>('* as count')).toEqual([{ count: 1 }]);
  });

  it('rejects bad input with BAD_USER_INPUT and the path into the input', async () => {
    const body = await start({ format: 'CSV', type: 'CONTACTS', includeActivities: true, sQuery: { type: 'and', queries: [{ type: 'object_type', object_type: 'nope' }] } });
    expect(body.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(body.errors![0].extensions.fieldErrors)).toEqual(
      expect.arrayContaining(['input.includeActivities']),
    );
    const badQuery = await start({ format: 'CSV', type: 'LEADS', sQuery: { type: 'and', queries: [{ type: 'object_type', object_type: 'nope' }] } });
    expect(Object.keys(badQuery.errors![0].extensions.fieldErrors)).toEqual(['input.sQuery.queries[0].object_type']);
  });

  it("answers NOT_FOUND for another organization's export, over HTTP and over the subscription", async () => {
    const id = (await start({ format: 'CSV', type: 'LEADS', sendDoneEmail: false })).data.startLeadExport.leadExport.id;
    const stranger = await createTestOrganization(db.knex);
    const { body } = await graphqlRequest(gateway.url, EXPORT, { variables: { id }, authorization: stranger.authorization });
    expect(body.errors![0].extensions.code).toBe('NOT_FOUND');
    const foreign = subscribe<Progress>(gateway.url, PROGRESS, { id }, { authorization: stranger.authorization });
    await foreign.done;
    expect(foreign.events).toEqual([]);
    expect(JSON.stringify(foreign.errors)).toContain('NOT_FOUND');
  });

  it('previews the rows and size of an export without starting one', async () => {
    const before = await db.knex('exports').count<{ count: number }[]>('* as count');
    const { body } = await graphqlRequest(
      gateway.url,
      'query ($input: StartLeadExportInput!) { previewLeadExport(input: $input) { leads rows estimatedBytes } }',
      { variables: { input: { format: 'CSV', type: 'CONTACTS', resultsLimit: 10 } }, authorization },
    );
    expect(body.data.previewLeadExport).toMatchObject({ leads: 10, rows: 20 });
    expect(body.data.previewLeadExport.estimatedBytes).toBeGreaterThan(100);
    expect(await db.knex('exports').count<{ count: number }[]>('* as count')).toEqual(before);
  });

  it("accepts the README's example: Qualified leads with a CEO contact, created this quarter, a row per contact", async () => {
    const readme = fs.readFileSync(path.join(import.meta.dirname, '../README.md'), 'utf8');
    const example = /# variables: [^\n]*\n((?:# [^\n]*\n)+)/.exec(readme)![1].replace(/^# /gm, '');
    const { input } = JSON.parse(example) as { input: Record<string, unknown> };
    const qualified = await db.knex('leads as l')
      .join('lead_statuses as s', 's.id', 'l.status_id')
      .where({ 's.label': 'Qualified', 'l.organization_id': 'orga_gql' })
      .count<{ count: number }[]>('* as count');
    await db.knex('leads').where({ organization_id: 'orga_gql' }).update({ date_created: db.knex.fn.now() });
    await db.knex('lead_statuses').where({ id: 'stat_gql_2' }).update({ label: 'Qualified' });
    const { body } = await graphqlRequest(
      gateway.url,
      'query ($input: StartLeadExportInput!) { previewLeadExport(input: $input) { leads rows } }',
      { variables: { input: { ...input, idempotencyKey: undefined } }, authorization },
    );
    expect(body.errors).toBeUndefined();
    expect(qualified).toEqual([{ count: 0 }]); // before the rename no status was called Qualified
    const expected = await db.knex('leads').where({ organization_id: 'orga_gql', status_id: 'stat_gql_2' }).count<{ count: number }[]>('* as count');
    expect(body.data.previewLeadExport).toEqual({ leads: expected[0].count, rows: 2 * expected[0].count });
  });

  it('lists exports newest first as a Relay connection', async () => {
    const query = `query ($after: String) { leadExports(first: 2, after: $after) { totalCount edges { cursor node { id dateCreated } } pageInfo { hasNextPage endCursor } } }`;
    const page1 = (await graphqlRequest(gateway.url, query, { authorization })).body.data.leadExports;
    const page2 = (await graphqlRequest(gateway.url, query, { variables: { after: page1.pageInfo.endCursor }, authorization })).body.data.leadExports;
    const all = await db.knex('exports').where({ kind: 'lead' }).orderBy([{ column: 'date_created', order: 'desc' }, { column: 'id', order: 'desc' }]).pluck('id');
    expect(page1.totalCount).toBe(all.length);
    expect([...page1.edges, ...page2.edges].map((e: { node: { id: string } }) => e.node.id)).toEqual(all.slice(0, 4));
    expect(page1.pageInfo.hasNextPage).toBe(true);
  });

  it('keeps to lead exports: an opportunity export made over REST neither shows up nor breaks the list', async () => {
    const response = await fetch(`${gateway.url}/api/v1/export/opportunity/`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ format: 'csv', send_done_email: false }),
    });
    expect(response.status).toBe(200);
    const opportunityExport = ((await response.json()) as { id: string }).id;
    const list = await graphqlRequest(gateway.url, '{ leadExports(first: 100) { totalCount edges { node { id type } } } }', { authorization });
    expect(list.body.errors).toBeUndefined();
    const ids = list.body.data.leadExports.edges.map((e: { node: { id: string } }) => e.node.id);
    const leadExports = await db.knex('exports').where({ organization_id: 'orga_gql', kind: 'lead' }).pluck('id');
    expect(ids.sort()).toEqual(leadExports.sort());
    expect(list.body.data.leadExports.totalCount).toBe(leadExports.length);
    for (const operation of [EXPORT, 'mutation ($id: ID!) { cancelLeadExport(id: $id) { leadExport { id } } }']) {
      const { body } = await graphqlRequest(gateway.url, operation, { variables: { id: opportunityExport }, authorization });
      expect(body.errors![0].extensions.code).toBe('NOT_FOUND');
    }
    const progress = subscribe<Progress>(gateway.url, PROGRESS, { id: opportunityExport }, { authorization });
    await progress.done;
    expect(JSON.stringify(progress.errors)).toContain('NOT_FOUND');
  });
});
