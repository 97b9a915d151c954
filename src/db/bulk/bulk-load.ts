import type pg from 'pg';
import { COPY_TABLES } from './copy-batch.js';

/** Below this many leads, index maintenance during the load is cheap enough; never take the tables. */
export const DEFER_INDEXES_MIN_LEADS = 50_000;

export type BulkLoad = {
  skipsForeignKeyChecks: boolean;
  /** Whether COPY may use FREEZE (the tables were emptied by TRUNCATE in this transaction). */
  freeze: boolean;
  /** Secondary indexes dropped for the load, rebuilt by `finish`. */
  deferredIndexes: number;
  /** Rebuilds the deferred indexes and restores normal trigger behaviour; call before COMMIT. */
  finish(onIndexBuilt?: (built: number, total: number) => void): Promise<void>;
};

/**
 * Prepares the current transaction on `client` for COPYing a seed's rows, choosing the fastest
 * mode that is safe (measured on 10k leads, clean database: 5.0 s with every check and index
 * maintained row by row → 3.3 s with the first two shortcuts, index builds included; the gap
 * widens with size, as index pages stop fitting in shared buffers).
 *
 * 1. Foreign-key checks are skipped (`session_replication_role = replica`, local to this
 *    transaction) when `canSkipForeignKeyChecks` allows it.
 * 2. For big loads into EMPTY tables, the secondary indexes of the loaded tables are dropped and
 *    rebuilt after the load: one sort per index instead of a random-page insert per row. The
 *    rebuilt index is the same index over the same rows, and the DROP and CREATE are part of the
 *    seed's transaction, so other sessions never see the table without it: they wait on the
 *    ACCESS EXCLUSIVE lock instead, which is why this happens only when the tables are empty (no
 *    other organization's data can be waiting to be read; in practice a fresh database, as in a
 *    benchmark) and why the lock is taken with NOWAIT (if anyone is using the tables, load the
 *    normal way). Primary keys and unique indexes stay: they guard the data as it arrives.
 * 3. In that same case the (empty) tables are TRUNCATEd first, which lets COPY write the rows
 *    FROZEN: already hinted, all-visible. Otherwise the first reader of every page after commit
 *    sets hint bits, and with data checksums (PostgreSQL 18's default) each of those first reads
 *    dirties the page and logs a full-page image: after a 1M-lead seed, the first export or
 *    VACUUM would rewrite the whole 11 GB. FREEZE breaks MVCC only towards sessions that could
 *    read the table before we commit, and none can: we hold the ACCESS EXCLUSIVE lock until
 *    then; a rollback discards the truncated-into files with the rows.
 */
export async function prepareBulkLoad(client: pg.ClientBase, options: { leads: number; fast: boolean }): Promise<BulkLoad> {
  const skipsForeignKeyChecks = options.fast && (await canSkipForeignKeyChecks(client));
  if (skipsForeignKeyChecks) await client.query("SET LOCAL session_replication_role = 'replica'");
  const taken = options.fast && options.leads >= DEFER_INDEXES_MIN_LEADS ? await takeEmptyTables(client) : { indexes: [], truncated: false };
  const indexes = taken.indexes;
  return {
    skipsForeignKeyChecks,
    freeze: taken.truncated,
    deferredIndexes: indexes.length,
    async finish(onIndexBuilt) {
      if (indexes.length > 0) {
        // Sorting in memory is what makes the rebuild cheap; the setting ends with the transaction.
        await client.query("SET LOCAL maintenance_work_mem = '1GB'");
        for (const [i, index] of indexes.entries()) {
          await client.query(index.definition);
          onIndexBuilt?.(i + 1, indexes.length);
        }
      }
      // Back to normal for the rest of the transaction: it may be a caller's, still running.
      if (indexes.length > 0) await client.query('SET LOCAL maintenance_work_mem TO DEFAULT');
      if (skipsForeignKeyChecks) await client.query('SET LOCAL session_replication_role TO DEFAULT');
    },
  };
}

/**
 * Whether the bulk load may run with `session_replication_role = replica`, which skips the
 * foreign-key triggers for this session's rows only (each foreign key costs an index probe per
 * row; an activity has six).
 *
 * Safe, and the result identical to a checked load, because:
 * - every row the generator references (organization, users, statuses, pipelines, fields,
 *   leads, contacts) is inserted earlier in this same transaction, or is the existing
 *   organization row locked FOR UPDATE at the start, so no referenced row is missing and nobody
 *   can delete one before we commit (the test suite checks seeded data against every foreign key
 *   and compares it with a checked load);
 * - foreign-key triggers only check, they never change rows;
 * - replica mode also silences ordinary triggers and rules, so it is used only when the loaded
 *   tables have none (a trigger added later must not silently stop running: check, don't assume);
 * - it needs superuser (the embedded database's user is one); otherwise the load runs checked.
 */
async function canSkipForeignKeyChecks(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ superuser: boolean; triggers: number; rules: number }>(
    `SELECT current_setting('is_superuser') = 'on' AS superuser,
            (SELECT count(*)::int FROM pg_trigger WHERE tgrelid = ANY($1::regclass[]) AND NOT tgisinternal) AS triggers,
            (SELECT count(*)::int FROM pg_rewrite WHERE ev_class = ANY($1::regclass[])) AS rules`,
    [COPY_TABLES],
  );
  return rows[0].superuser && rows[0].triggers === 0 && rows[0].rules === 0;
}

type IndexDefinition = { name: string; definition: string };

async function takeEmptyTables(client: pg.ClientBase): Promise<{ indexes: IndexDefinition[]; truncated: boolean }> {
  const none = { indexes: [], truncated: false };
  await client.query('SAVEPOINT seed_take_tables');
  try {
    // NOWAIT: a busy table means someone uses it; then this fails and the load runs normally.
    await client.query(`LOCK TABLE ${COPY_TABLES.join(', ')} IN ACCESS EXCLUSIVE MODE NOWAIT`);
    // Checked under the lock, so nobody can add rows between the check and the load.
    const { rows: [state] } = await client.query<{ empty: boolean; referenced_from_outside: boolean }>(
      `SELECT ${COPY_TABLES.map((table) => `NOT EXISTS (SELECT 1 FROM ${table})`).join(' AND ')} AS empty,
              EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'f' AND confrelid = ANY($1::regclass[])
                                                     AND NOT conrelid = ANY($1::regclass[])) AS referenced_from_outside`,
      [COPY_TABLES],
    );
    if (!state.empty) {
      await client.query('ROLLBACK TO SAVEPOINT seed_take_tables; RELEASE SAVEPOINT seed_take_tables');
      return none;
    }
    // TRUNCATE cannot leave another table's foreign key dangling; with one, skip FREEZE only.
    if (!state.referenced_from_outside) await client.query(`TRUNCATE ${COPY_TABLES.join(', ')}`);
    const { rows } = await client.query<IndexDefinition>(
      `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
         FROM pg_index i
        WHERE i.indrelid = ANY($1::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY i.indrelid, i.indexrelid`,
      [COPY_TABLES],
    );
    for (const index of rows) await client.query(`DROP INDEX ${index.name}`);
    await client.query('RELEASE SAVEPOINT seed_take_tables');
    return { indexes: rows, truncated: !state.referenced_from_outside };
  } catch (error) {
    if ((error as { code?: string }).code !== '55P03') throw error; // lock_not_available
    await client.query('ROLLBACK TO SAVEPOINT seed_take_tables; RELEASE SAVEPOINT seed_take_tables');
    return none;
  }
}
