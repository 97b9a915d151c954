import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { COPY_COLUMNS, type CopyTableText } from './copy-batch.js';

/**
 * Streams one table's rows of a batch into PostgreSQL with `COPY … FROM STDIN` (text format) on
 * `client`, inside whatever transaction the client is in. The text comes in pieces of about
 * 1 MiB, so each socket write is large. Resolves when the server has accepted every row;
 * rejects with the server's error (the transaction is then aborted). `freeze` writes the rows
 * frozen; only allowed when the table was created or truncated in this transaction (bulk-load.ts).
 */
export async function copyRows(client: pg.ClientBase, rows: CopyTableText, options: { freeze?: boolean } = {}): Promise<void> {
  const columns = COPY_COLUMNS[rows.table].join(', ');
  const stream = client.query(copyFrom(`COPY ${rows.table} (${columns}) FROM STDIN${options.freeze ? ' WITH (FREEZE)' : ''}`));
  await pipeline(Readable.from(rows.pieces), stream);
}
