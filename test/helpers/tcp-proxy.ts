import net from 'node:net';

export type TcpProxy = {
  port: number;
  /** Drops every open connection and refuses new ones: the server behind looks down. */
  cut(): Promise<void>;
  /** Accepts connections again (on the same port); a no-op while it does. */
  restore(): Promise<void>;
  /**
   * While set, a connection whose client sends bytes containing `text` is dropped at that
   * moment (say 'LISTEN': the server goes away between a client's connect and its LISTEN).
   * `undefined` stops it. `dropped` counts the connections dropped this way.
   */
  dropConnectionsSending(text: string | undefined): void;
  readonly dropped: number;
  /**
   * While set, a connection whose client sends bytes containing `text` is held there: what it
   * sends from then on waits in the proxy (its connect or query hangs). `undefined` lets every
   * held connection through. `held` counts the connections waiting now.
   */
  holdConnectionsSending(text: string | undefined): void;
  readonly held: number;
  close(): Promise<void>;
};

/**
 * A TCP proxy in front of `target`, so a test can take a real server away from a process under
 * test and give it back, without stopping the server other test files share.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  let dropOn: Buffer | undefined;
  let dropped = 0;
  let holdOn: Buffer | undefined;
  const heldConnections = new Set<() => void>();

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        let waiting: Buffer[] | undefined;
        client.on('data', (chunk: Buffer) => {
          if (dropOn && chunk.includes(dropOn)) {
            dropped++;
            client.destroy();
            upstream.destroy();
          } else if (waiting) {
            waiting.push(chunk);
          } else if (holdOn && chunk.includes(holdOn)) {
            waiting = [chunk];
            const letThrough = () => {
              heldConnections.delete(letThrough);
              for (const held of waiting ?? []) upstream.write(held);
              waiting = undefined;
            };
            heldConnections.add(letThrough);
            client.once('close', () => heldConnections.delete(letThrough));
          } else upstream.write(chunk);
        });
        client.on('end', () => upstream.end());
        upstream.pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });

  await listen();
  return {
    get port() {
      return port;
    },
    cut: stopListening,
    restore: () => (server ? Promise.resolve() : listen()),
    dropConnectionsSending(text) {
      dropOn = text === undefined ? undefined : Buffer.from(text);
    },
    get dropped() {
      return dropped;
    },
    holdConnectionsSending(text) {
      holdOn = text === undefined ? undefined : Buffer.from(text);
      if (!holdOn) for (const letThrough of [...heldConnections]) letThrough();
    },
    get held() {
      return heldConnections.size;
    },
    close: stopListening,
  };
}

/** A proxy in front of the PostgreSQL of `databaseUrl`, and the URL that goes through it. */
export async function startDatabaseProxy(databaseUrl: string): Promise<{ proxy: TcpProxy; url: string }> {
  const url = new URL(databaseUrl);
  const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
  url.port = String(proxy.port);
  return { proxy, url: url.toString() };
}
