import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGateway, type Gateway, type Role } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

export type TestGateway = Gateway & { url: string; dataDir: string };

/**
 * The real gateway (HTTP, graphql-ws, Agenda) in this process on a free port, against a test
 * database. Create the test's organization before starting it, so no demo data is seeded.
 *
 * Its REST rate limit is out of reach unless `env` sets one: a test polling every 50 ms already
 * makes Close's 20 requests a second, and a 429 must only ever come from a test of the limit
 * (those run on a gateway and an organization of their own).
 */
export async function startTestGateway(databaseUrl: string, env: Record<string, string> = {}, role: Role = 'all'): Promise<TestGateway> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-data-'));
  const config = loadConfig({ DATABASE_URL: databaseUrl, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DEMO_LEADS: '0', RATE_LIMIT_PER_SECOND: '100000', ...env });
  const gateway = await startGateway(config, createLogger(config), role);
  return {
    ...gateway,
    url: gateway.url ?? '',
    dataDir,
    async stop() {
      await gateway.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** POSTs a GraphQL operation; returns status and parsed body. */
export async function graphqlRequest(
  url: string,
  query: string,
  options: { variables?: Record<string, unknown>; authorization?: string } = {},
): Promise<{ status: number; body: { data?: any; errors?: any[] } }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(options.authorization ? { authorization: options.authorization } : {}) },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
}
