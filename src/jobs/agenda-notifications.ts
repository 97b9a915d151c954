import { PostgresNotificationChannel } from '@agendajs/postgres-backend';
import pg from 'pg';
import type { Logger } from '../logger.js';

/** The channel every process LISTENs on; the name PostgresBackend would use. */
const CHANNEL_NAME = 'agenda_jobs';

/**
 * Agenda's LISTEN/NOTIFY channel (wakes workers within milliseconds of a new job), on a pool of
 * its own and without two connection leaks of @agendajs/postgres-backend 3.0, each of which
 * leaves a client checked out for good (so `pool.end()` at shutdown waits forever):
 * - when the connection drops between checking a client out and its LISTEN, the library
 *   reconnects with a new client and never gives the old one back. A flaky network or a
 *   PostgreSQL restart at the wrong moment then costs a pool slot each time, until the channel
 *   waits forever for a client. The client a failed connect took is destroyed here (the pool's
 *   other clients, busy sending NOTIFYs, are left alone);
 * - a reconnect still under way when Agenda disconnects the channel (a shutdown just after an
 *   outage) completes afterwards and LISTENs again. It is disconnected as soon as it is done.
 * Once disconnected, the channel stays so: Agenda is never started twice here.
 */
class ListenChannel extends PostgresNotificationChannel {
  /** The client the current connect attempt checked out for its LISTEN, once it has one. */
  private readonly attempt: { client?: pg.PoolClient };
  private disconnected: boolean;

  constructor(pool: pg.Pool) {
    // The library checks its LISTEN client out with `connect()` and sends NOTIFYs with `query()`.
    const attempt: { client?: pg.PoolClient } = {};
    const tracked = {
      connect: async () => (attempt.client = await pool.connect()),
      query: (text: string) => pool.query(text),
    };
    // The library resets its attempt counter on every connect, so retries come at the first
    // delay for as long as PostgreSQL is away; half a second keeps that from flooding the log.
    super({ pool: tracked as unknown as pg.Pool, channelName: CHANNEL_NAME, reconnect: { enabled: true, initialDelayMs: 500 } });
    this.attempt = attempt;
    this.disconnected = false;
  }

  override async connect(): Promise<void> {
    if (this.disconnected) return; // a retry timer that fired after the disconnect
    this.attempt.client = undefined;
    try {
      await super.connect();
    } catch (error) {
      const leftBehind = this.attempt.client as pg.PoolClient | undefined; // set by super.connect()
      leftBehind?.release(true);
      this.attempt.client = undefined;
      if (this.disconnected) return;
      throw error;
    }
    if (this.disconnected) await super.disconnect();
  }

  override async disconnect(): Promise<void> {
    this.disconnected = true;
    await super.disconnect();
  }
}

export type AgendaNotifications = {
  channel: PostgresNotificationChannel;
  /** Ends the channel's pool; call after `agenda.stop()` has disconnected the channel. */
  close(): Promise<void>;
};

export function createAgendaNotifications(databaseUrl: string, processName: string, logger: Logger): AgendaNotifications {
  // One connection LISTENs for good; the others send the NOTIFYs of new jobs and job states.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 3, application_name: `agenda ${processName} listen` });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle Agenda LISTEN connection failed'));

  const channel = new ListenChannel(pool);
  // The channel reconnects by itself after PostgreSQL goes away, but it also emits 'error',
  // which nothing else listens to: unheard, that event would crash the process.
  channel.on('error', (error: Error) => logger.warn({ err: error }, 'Agenda notification connection failed; it reconnects'));
  return { channel, close: () => pool.end() };
}
