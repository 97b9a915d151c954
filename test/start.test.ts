import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuthorization } from './helpers/fixtures.js';
import { graphqlRequest } from './helpers/gateway.js';
import { freePort } from './helpers/net.js';
import { spawnGateway, type GatewayProcess } from './helpers/process.js';

/**
 * `npm start` as a new user runs it: an embedded PostgreSQL under DATA_DIR, demo data, a banner
 * with the URL and API key, clean stops, and recovery after a crash.
 */
describe('npm start (zero-config)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  const running: GatewayProcess[] = [];
  const start = (args: string[] = []) => {
    const gateway = spawnGateway(args, env);
    running.push(gateway);
    return gateway;
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-start-'));
    fs.chmodSync(dataDir, 0o755);
    env = { DATA_DIR: dataDir, PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()), DEMO_LEADS: '150' };
  });
  afterAll(async () => {
    for (const gateway of running) gateway.child.kill('SIGKILL');
    // A failed test may leave PostgreSQL running: stop it before removing its directory.
    const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
    if (fs.existsSync(pidFile)) {
      try {
        process.kill(Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGQUIT');
      } catch {
        // already gone
      }
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  let apiKey: string;

  it('boots on an empty DATA_DIR with demo data and prints the URL and an API key', async () => {
    const gateway = start();
    [, apiKey] = await gateway.waitFor(/^API key: (\S+)$/m, 90_000);
    const [, url] = await gateway.waitFor(/GraphQL:\s+(http:\/\/\S+)\/graphql/);
    const { status, body } = await graphqlRequest(url, '{ me { organization { name } } }', { authorization: basicAuthorization(apiKey) });
    expect(status).toBe(200);
    expect(body.data.me.organization.name).toBe('Demo Co');
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect((await graphqlRequest(url, '{ me { user { id } } }', { authorization: basicAuthorization('api_bad.key') })).status).toBe(401);

    gateway.child.kill('SIGTERM');
    expect(await gateway.exited, gateway.output()).toEqual({ code: 0, signal: null });
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false); // PostgreSQL stopped too
  });

  it('keeps the data across restarts and prints the same key', async () => {
    const gateway = start();
    const [, again] = await gateway.waitFor(/^API key: (\S+)$/m);
    expect(again).toBe(apiKey);
    expect(gateway.output()).not.toContain('creating the demo organization');
    gateway.child.kill('SIGINT');
    expect(await gateway.exited, gateway.output()).toEqual({ code: 0, signal: null });
  });

  it('recovers after a crash that left PostgreSQL running', async () => {
    const crashed = start();
    await crashed.waitFor(/^API key: /m);
    const orphanPid = Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    crashed.child.kill('SIGKILL');
    await crashed.exited;
    expect(() => process.kill(orphanPid, 0)).not.toThrow(); // the orphan is still there

    const restarted = start();
    const [, key] = await restarted.waitFor(/^API key: (\S+)$/m);
    expect(key).toBe(apiKey);
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited, restarted.output()).toEqual({ code: 0, signal: null });
  });

  it('lets `npm run worker` attach to the embedded PostgreSQL of a running `npm run api`', async () => {
    const api = start(['api']);
    await api.waitFor(/^API key: /m);
    const worker = start(['worker']);
    await worker.waitFor(/running \(worker\)/);
    expect(worker.output()).toContain('attached to the embedded PostgreSQL');
    worker.child.kill('SIGTERM');
    expect(await worker.exited, worker.output()).toEqual({ code: 0, signal: null });
    api.child.kill('SIGTERM');
    expect(await api.exited, api.output()).toEqual({ code: 0, signal: null });
  });

  it('exits with 2 and says which variable is wrong on bad configuration', async () => {
    const gateway = spawnGateway([], { ...env, PORT: 'eighty' });
    expect((await gateway.exited).code).toBe(2);
    expect(gateway.output()).toMatch(/PORT/);
  });
});
