import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export type Subscription<T> = {
  /** Every `data` payload received so far. */
  events: T[];
  /** Errors the server sent, if the subscription failed. */
  errors: unknown[];
  /** Resolves when the server completes the subscription (or it errors). */
  done: Promise<void>;
  /** Resolves with the first event matching `predicate` (waiting for it if needed). */
  next(predicate: (event: T) => boolean, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
};

/** A real graphql-ws client subscribed to one operation, with its own connection. */
export function subscribe<T>(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown>,
  connectionParams: Record<string, unknown>,
): Subscription<T> {
  const client: Client = createClient({ url: `${baseUrl.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0 });
  const events: T[] = [];
  const errors: unknown[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  let completed = false;
  const done = new Promise<void>((resolve) => {
    client.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors) errors.push(...result.errors);
          if (result.data) events.push(result.data as T);
          notify();
        },
        error: (error) => {
          errors.push(error);
          completed = true;
          notify();
          resolve();
        },
        complete: () => {
          completed = true;
          notify();
          resolve();
        },
      },
    );
  });
  return {
    events,
    errors,
    done,
    next(predicate, timeoutMs = 20_000) {
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (found !== undefined) {
            cleanup();
            resolve(found);
          } else if (completed || errors.length > 0) {
            cleanup();
            reject(new Error(`subscription ended without the expected event; events: ${JSON.stringify(events)}; errors: ${JSON.stringify(errors)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out; events so far: ${JSON.stringify(events)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => client.dispose() as Promise<void>,
  };
}
