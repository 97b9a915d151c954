import net from 'node:net';
import type pg from 'pg';

/** The parts of a connected pg.Client a cancel request needs (set by the server at startup). */
type ClientKeys = { processID: number | null; secretKey: number | null; host: string; port: number };

const CANCEL_REQUEST_CODE = 80877102;
const TIMEOUT_MS = 1000;

/**
 * Asks the server to cancel whatever `client`'s backend is running now (PostgreSQL's
 * CancelRequest, sent on a fresh socket, like psql's Ctrl-C). The running statement then fails
 * with SQLSTATE 57014 and the connection stays usable. Harmless when nothing runs.
 *
 * Never throws: cancelling is best effort, and the caller's deadline decides what comes next.
 */
export async function cancelBackendQuery(client: pg.Client | pg.PoolClient): Promise<void> {
  const { processID, secretKey, host, port } = client as unknown as ClientKeys;
  if (processID === null || secretKey === null || processID === undefined || secretKey === undefined) return;
  const packet = Buffer.alloc(16);
  packet.writeInt32BE(16, 0);
  packet.writeInt32BE(CANCEL_REQUEST_CODE, 4);
  packet.writeInt32BE(processID, 8);
  packet.writeInt32BE(secretKey, 12);
  await new Promise<void>((resolve) => {
    const socket = host?.startsWith('/') ? net.connect(`${host}/.s.PGSQL.${port}`) : net.connect(port, host || 'localhost');
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, TIMEOUT_MS);
    socket.once('connect', () => socket.end(packet));
    // The server closes the socket once it has read the request.
    socket.once('close', done);
    socket.once('error', done);
  });
}
