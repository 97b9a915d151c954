import type { Readable, Writable } from 'node:stream';

/** An upload in progress: bytes go to `stream`; nothing is visible under the key before `publish()`. */
export type PendingObject = {
  stream: Writable;
  /** Makes the bytes visible under the key, atomically (readers see the old object or the new one). */
  publish(): Promise<{ key: string; size: number }>;
  /** Drops the temporary bytes; safe after a failed write and safe to call twice. */
  discard(): Promise<void>;
};

/**
 * Where export files live. Implementations write under a temporary name and publish atomically,
 * so a failed or retried export never exposes a partial file.
 */
export interface ExportStorage {
  /** Starts writing the object `key` (e.g. `orga_…/expo_….csv.gz`). */
  create(key: string): Promise<PendingObject>;
  /** Opens a published object; undefined when there is none. */
  open(key: string): Promise<{ stream: Readable; size: number } | undefined>;
  /** Removes a published object; no error when it is already gone. */
  delete(key: string): Promise<void>;
  /** Removes temporary uploads older than `olderThanMs` (left by writers that died); returns how many. */
  removeAbandoned(olderThanMs: number): Promise<number>;
}
