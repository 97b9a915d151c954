import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { basicAuthorization } from './helpers/fixtures.js';
import { graphqlRequest } from './helpers/gateway.js';
import { freePort } from './helpers/net.js';
import { PROJECT_ROOT, spawnGateway } from './helpers/process.js';

/** `npm run build && npm run start:prod`: the compiled gateway runs on plain Node, without tsx. */
describe('the production build', () => {
  let db: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-build-'));
  });
  afterAll(async () => {
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('compiles to dist/ and serves GraphQL from there, then stops cleanly', async () => {
    await promisify(execFile)('npm', ['run', 'build'], { cwd: PROJECT_ROOT });
    expect(fs.existsSync(path.join(PROJECT_ROOT, 'dist/src/main.js'))).toBe(true);

    const gateway = spawnGateway([], { DATABASE_URL: db.url, DATA_DIR: dataDir, PORT: String(await freePort()), DEMO_LEADS: '20' }, { compiled: true });
    try {
      const [, apiKey] = await gateway.waitFor(/^API key: (\S+)$/m, 90_000);
      const [, url] = await gateway.waitFor(/GraphQL:\s+(http:\/\/\S+)\/graphql/);
      const { status, body } = await graphqlRequest(url, '{ me { organization { name } } }', { authorization: basicAuthorization(apiKey) });
      expect(status).toBe(200);
      expect(body.data.me.organization.name).toBe('Demo Co');
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited, gateway.output()).toEqual({ code: 0, signal: null });
    } finally {
      gateway.child.kill('SIGKILL');
    }
  });
});
