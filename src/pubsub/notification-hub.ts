import pg from 'pg';
import type { Logger } from '../logger.js';

export type NotificationListener = (payload: string) => void;

/**
 * PostgreSQL LISTEN/NOTIFY fanned out inside one process: one dedicated connection LISTENs to
 * every channel someone here cares about, and each notification goes to that channel's listeners.
 * This is how events cross processes: a worker's UPDATE fires NOTIFY, every API process hears it.
 *
 * The connection is re-established after a failure (with the channels listened to again); events
 * sent while it was down are lost, so subscribers re-read state after `onReconnect`.
 */
export class NotificationHub {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private readonly listeners = new Map<string, Set<NotificationListener>>();
  /** Per channel, its first LISTEN. */
  private readonly listening = new Map<string, Promise<unknown>>();
  private readonly reconnectListeners = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
  ) {}

  /** Starts listening on `channel`; resolves once LISTEN is active. Returns the unsubscribe function. */
  async listen(channel: string, listener: NotificationListener): Promise<() => Promise<void>> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
    if (this.closed) throw hubClosed();
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      this.listening.set(channel, this.connection().then((client) => client.query(`LISTEN ${channel}`)));
    }
    set.add(listener);
    const forget = async () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(channel) === set) {
        this.listeners.delete(channel);
        this.listening.delete(channel);
        await this.client?.query(`UNLISTEN ${channel}`).catch(() => undefined);
      }
    };
    try {
      // A second listener of the channel waits for the first one's LISTEN too.
      await this.listening.get(channel);
    } catch (error) {
      await forget();
      throw error;
    }
    return forget;
  }

  /** Called after the connection was lost and re-established (notifications may have been missed). */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connection(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(hubClosed());
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'gateway notifications' });
    client.on('notification', (message) => {
      for (const listener of this.listeners.get(message.channel) ?? []) {
        try {
          listener(message.payload ?? '');
        } catch (error) {
          this.logger.error({ err: error, channel: message.channel }, 'notification listener failed');
        }
      }
    });
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'notification connection lost; reconnecting');
      if (this.client === client) this.client = undefined;
      void client.end().catch(() => undefined);
      void this.reconnect();
    });
    await client.connect();
    if (this.closed) {
      // Closed while connecting: nobody will end this connection later.
      await client.end().catch(() => undefined);
      throw hubClosed();
    }
    this.client = client;
    return client;
  }

  private async reconnect(): Promise<void> {
    for (let delay = 250; !this.closed; delay = Math.min(delay * 2, 5_000)) {
      try {
        const client = await this.connection();
        for (const channel of this.listeners.keys()) await client.query(`LISTEN ${channel}`);
        for (const listener of this.reconnectListeners) listener();
        return;
      } catch (error) {
        this.logger.warn({ err: error, retryInMs: delay }, 'notification reconnect failed');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

const hubClosed = () => new Error('the notification hub is closed');
