import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from '../../src/db/knex.js';
import { graphqlRequest } from '../helpers/gateway.js';
import { subscribe } from '../helpers/graphql-ws.js';
import { freePort } from '../helpers/net.js';
import { spawnGateway } from '../helpers/process.js';
import { percentile } from './bench-table.js';

const START = `mutation ($input: StartLeadExportInput!) { startLeadExport(input: $input) { leadExport { id } } }`;
const CANCEL = `mutation ($id: ID!) { cancelLeadExport(id: $id) { leadExport { status } } }`;
const PROGRESS = `subscription ($id: ID!) { leadExportProgress(id: $id) { status nDocs nDocsProcessed } }`;
type Progress = { leadExportProgress: { status: string; nDocs: number | null; nDocsProcessed: number } };

export type LatencyOptions = {
  databaseUrl: string;
  knex: Knex;
  organizationId: string;
  authorization: string;
  /** Sequential small exports timed start → first progress → DONE. */
  smallExports: number;
  /** Leads in each small export (resultsLimit). */
  smallExportLeads: number;
  concurrency: number;
  /** startLeadExport calls in the concurrent part, in all. */
  concurrentRequests: number;
  log: (line: string) => void;
};

export type LatencyResult = {
  firstProgressMs: number[];
  doneMs: number[];
  /** Small exports that did not reach DONE in time (left out of the percentiles, not fatal). */
  smallExportFailures: number;
  startMs: number[];
  startErrors: number;
  concurrentSeconds: number;
  /** Exports of the burst still queued when the drain wait ended (then canceled). */
  leftQueued: number;
  gatewayPeakRssMb: number | undefined;
};

/**
 * A real gateway (`src/main.ts`, API + worker in one process) as a child process on a free
 * loopback port against the bench database, driven over HTTP and graphql-ws like a client.
 *
 * - first progress: the first `leadExportProgress` event that carries `nDocs` (IN_PROGRESS):
 *   the worker picked the job up and counted the leads. The subscription's first event (the
 *   export as it is, CREATED) is immediate and says nothing about the worker, so it is skipped.
 * - startLeadExport under load: `concurrency` clients each calling it in a loop until
 *   `concurrentRequests` calls were made (plain fetch over loopback; no dependency needed).
 */
export async function measureLatency(options: LatencyOptions): Promise<LatencyResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-gateway-'));
  const gateway = spawnGateway(['all'], {
    DATABASE_URL: options.databaseUrl,
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    DEMO_LEADS: '0',
    LOG_LEVEL: 'warn',
    // The REST rate limit is per key; the bench's clients all share one key.
    RATE_LIMIT_PER_SECOND: '100000',
  });
  try {
    const url = (await gateway.waitFor(/GraphQL:\s+(http:\/\/\S+)\/graphql/, 120_000))[1];
    const startExport = async (input: Record<string, unknown>) => {
      const { status, body } = await graphqlRequest(url, START, { variables: { input }, authorization: options.authorization });
      if (status !== 200 || body.errors) throw new Error(`startLeadExport failed (${status}): ${JSON.stringify(body.errors)}`);
      return body.data.startLeadExport.leadExport.id as string;
    };
    const activeIds = () =>
      options.knex('exports').where({ organization_id: options.organizationId }).whereIn('status', ['created', 'started', 'in_progress']).pluck('id') as Promise<string[]>;
    // Exports a previous run left queued would compete with the ones measured here.
    const cancelActive = async () => {
      for (const id of await activeIds()) await graphqlRequest(url, CANCEL, { variables: { id }, authorization: options.authorization });
    };
    await cancelActive();
    const small = { format: 'CSV', type: 'LEADS', resultsLimit: options.smallExportLeads, sendDoneEmail: false };

    const firstProgressMs: number[] = [];
    const doneMs: number[] = [];
    let smallExportFailures = 0;
    for (let i = 0; i < options.smallExports + 1; i++) {
      const started = performance.now();
      const id = await startExport(small);
      const progress = subscribe<Progress>(url, PROGRESS, { id }, { authorization: options.authorization });
      try {
        await progress.next((e) => e.leadExportProgress.nDocs !== null, 60_000);
        const first = performance.now() - started;
        await progress.next((e) => e.leadExportProgress.status === 'DONE', 120_000);
        const done = performance.now() - started;
        if (i > 0) {
          // The first one warms the gateway up (JIT, connections, prepared plans): not counted.
          firstProgressMs.push(first);
          doneMs.push(done);
        }
      } catch (error) {
        // One slow export on a loaded machine is a data point, not a reason to lose the run.
        smallExportFailures++;
        options.log(`  small export ${id} did not finish in time (${(error as Error).message}); left out`);
        await graphqlRequest(url, CANCEL, { variables: { id }, authorization: options.authorization });
      } finally {
        await progress.close();
      }
    }
    options.log(`  small exports: first progress p50 ${percentile(firstProgressMs, 50).toFixed(0)} ms, DONE p50 ${percentile(doneMs, 50).toFixed(0)} ms`);

    const startMs: number[] = [];
    let startErrors = 0;
    let issued = 0;
    const tiny = { ...small, resultsLimit: 10 };
    const concurrentStarted = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (issued < options.concurrentRequests) {
          issued++;
          const t0 = performance.now();
          try {
            await startExport(tiny);
            startMs.push(performance.now() - t0);
          } catch {
            startErrors++;
          }
        }
      }),
    );
    const concurrentSeconds = (performance.now() - concurrentStarted) / 1000;
    options.log(`  ${options.concurrentRequests} startLeadExport calls by ${options.concurrency} clients in ${concurrentSeconds.toFixed(1)} s, ${startErrors} failed`);

    // Let the worker run what was queued, so the next run starts from an idle gateway.
    const deadline = Date.now() + 120_000;
    let leftQueued = 0;
    for (;;) {
      leftQueued = (await activeIds()).length;
      if (leftQueued === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    if (leftQueued > 0) options.log(`  ${leftQueued} exports of the burst still queued after 120 s: canceled`);
    await cancelActive();
    const gatewayPeakRssMb = peakRssOf(gateway.child.pid);
    return { firstProgressMs, doneMs, smallExportFailures, startMs, startErrors, concurrentSeconds, leftQueued, gatewayPeakRssMb };
  } finally {
    gateway.child.kill('SIGTERM');
    await gateway.exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** VmHWM of a live process, in MB (Linux). */
function peakRssOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
