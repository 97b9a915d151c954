import type { Knex } from 'knex';
import type pg from 'pg';
import { AppError } from '../errors/app-error.js';
import { COPY_TABLES, CopyBatch } from '../db/bulk/copy-batch.js';
import { prepareBulkLoad } from '../db/bulk/bulk-load.js';
import { copyRows } from '../db/bulk/copy-loader.js';
import { generateLead } from './generator.js';
import { DEFAULT_ANCHOR, planOrganization, type OrganizationPlan } from './organization-plan.js';
import { pgTimestamp } from './time-format.js';
import { getVocabulary } from './vocabulary.js';

export type SeedOptions = {
  organizationName: string;
  leads: number;
  seed: number;
  /**
   * All generated dates are relative to this instant (default: fixed 2026-11-01T00:00:00Z, so the
   * same seed gives the same data). The demo passes `new Date()` so "created this quarter" finds leads.
   */
  anchor?: Date;
  /** Called about twice a second while leads are written, and once at the end. Errors it throws are ignored. */
  onProgress?: (progress: SeedProgress) => void;
  /** Aborting rolls the whole seed back and rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * `true` (default): the fastest bulk-load mode that is safe here (db/bulk/bulk-load.ts: no foreign-key
   * checks, deferred index builds); `false`: a plain load with every check and index maintained
   * row by row, to compare against.
   */
  fastLoad?: boolean;
};

export type SeedProgress = {
  leadsWritten: number;
  leadsTotal: number;
  rowsWritten: number;
  /** `indexing`: all rows are in, the indexes deferred for a big load are being rebuilt (see db/bulk/bulk-load.ts). */
  phase: 'loading' | 'indexing' | 'done';
  indexesBuilt: number;
  indexesTotal: number;
};

export type SeedResult = {
  organizationId: string;
  userIds: string[];
  /** Rows inserted per table. */
  counts: Record<string, number>;
};

/** Leads generated per batch. Each batch is one COPY per table: ~8 MB of text per 1000 leads. */
const LEADS_PER_BATCH = 2000;
/**
 * Into freshly truncated tables PostgreSQL bypasses the free space map, so the pages it
 * pre-extends at the end of each COPY (up to 64 per table) are never reused: with 2000-lead
 * batches a 1M-lead seed came out 1 GB (10%) bigger. Fewer, larger COPYs waste less.
 */
const LEADS_PER_FROZEN_BATCH = 10_000;
/** Generation yields to the event loop this often, so COPY data keeps flowing while it runs. */
const LEADS_PER_SLICE = 50;
const PROGRESS_INTERVAL_MS = 500;

/**
 * Creates an organization full of realistic, deterministic CRM data: 5–10 users, lead statuses,
 * two pipelines, custom fields of every type, two custom object types, then `leads` leads with
 * their contacts, addresses, opportunities, tasks, activities and custom objects.
 *
 * Same options (seed, name, lead count, anchor) → byte-identical rows. The whole seed is one
 * transaction: it either appears completely or not at all. `knex` may be a transaction (the demo
 * seeds inside one): the seed then runs in a savepoint of it and commits with it.
 *
 * Throws AppError BAD_USER_INPUT for invalid options, CONFLICT when an organization with that
 * name (case-insensitive) already has leads or when its existing setup collides with the
 * seeded one. An existing organization WITHOUT leads is seeded in place.
 */
export async function seedOrganization(knex: Knex, options: SeedOptions): Promise<SeedResult> {
  validate(options);
  const anchor = options.anchor ?? DEFAULT_ANCHOR;
  getVocabulary(); // build the pools before the transaction opens
  const nested = (knex as { isTransaction?: boolean }).isTransaction === true;
  // A transaction's client hands out that transaction's connection; a plain Knex, a pooled one.
  const connection = (await knex.client.acquireConnection()) as pg.PoolClient;
  const counts: Record<string, number> = {};
  let organizationId: string;
  let userIds: string[];
  try {
    await connection.query(nested ? 'SAVEPOINT seed_organization' : 'BEGIN');
    try {
      const existingId = await lockExistingOrganization(connection, options.organizationName);
      const plan = planOrganization({
        organizationName: options.organizationName.trim(), seed: options.seed, anchor, leads: options.leads, organizationId: existingId,
      });
      organizationId = plan.organizationId;
      userIds = plan.users.map((user) => user.id);
      await insertSetup(knex, connection, plan, existingId === undefined, counts);
      await loadLeads(connection, plan, options, counts);
      await connection.query(nested ? 'RELEASE SAVEPOINT seed_organization' : 'COMMIT');
    } catch (error) {
      await connection
        .query(nested ? 'ROLLBACK TO SAVEPOINT seed_organization; RELEASE SAVEPOINT seed_organization' : 'ROLLBACK')
        .catch(() => undefined);
      throw translateError(error);
    }
  } finally {
    await knex.client.releaseConnection(connection);
  }
  // Fresh statistics, so the first exports after a big seed get sensible plans. (Inside a
  // caller's transaction, autovacuum does it after their commit.)
  if (!nested) await knex.raw(`ANALYZE ${COPY_TABLES.join(', ')}`);
  return { organizationId, userIds, counts };
}

function validate(options: SeedOptions): void {
  if (typeof options.organizationName !== 'string' || options.organizationName.trim() === '') {
    throw AppError.badInput('organizationName', 'must be a non-empty name');
  }
  if (!Number.isSafeInteger(options.leads) || options.leads < 0) {
    throw AppError.badInput('leads', 'must be a whole number, 0 or more');
  }
  if (!Number.isSafeInteger(options.seed)) throw AppError.badInput('seed', 'must be a whole number');
  if (options.anchor !== undefined && Number.isNaN(options.anchor.getTime())) throw AppError.badInput('anchor', 'must be a valid date');
}

/** The id of the organization with this name, locked until commit (nobody deletes it under us), if it exists. */
async function lockExistingOrganization(connection: pg.ClientBase, name: string): Promise<string | undefined> {
  const { rows } = await connection.query<{ id: string }>(
    'SELECT id FROM organizations WHERE lower(name) = lower($1) FOR UPDATE',
    [name.trim()],
  );
  if (rows.length === 0) return undefined;
  const { rows: leads } = await connection.query('SELECT 1 FROM leads WHERE organization_id = $1 LIMIT 1', [rows[0].id]);
  if (leads.length > 0) {
    throw new AppError('CONFLICT', `Organization "${name.trim()}" already exists and has leads; seed into a new organization name instead.`);
  }
  return rows[0].id;
}

async function insertSetup(knex: Knex, connection: pg.ClientBase, plan: OrganizationPlan, newOrganization: boolean, counts: Record<string, number>): Promise<void> {
  const organizationId = plan.organizationId;
  const created = pgTimestamp(plan.createdAt);
  const owner = plan.users[0].id;
  const insert = async (table: string, rows: Record<string, unknown>[]) => {
    if (rows.length === 0) return;
    await knex(table).insert(rows).connection(connection);
    counts[table] = (counts[table] ?? 0) + rows.length;
  };
  if (newOrganization) await insert('organizations', [{ id: organizationId, name: plan.organizationName, date_created: created, date_updated: created }]);
  await insert('users', plan.users.map((user) => ({
    id: user.id, organization_id: organizationId, email: user.email, first_name: user.firstName, last_name: user.lastName,
    date_created: pgTimestamp(user.createdAt), date_updated: pgTimestamp(user.createdAt),
  })));
  await insert('lead_statuses', plan.leadStatuses.map((status) => ({ id: status.id, organization_id: organizationId, label: status.label, position: status.position })));
  await insert('pipelines', plan.pipelines.map((pipeline) => ({
    id: pipeline.id, organization_id: organizationId, name: pipeline.name, position: pipeline.position,
    date_created: created, date_updated: created, created_by: owner, updated_by: owner,
  })));
  await insert('opportunity_statuses', plan.pipelines.flatMap((pipeline) => pipeline.statuses.map((status) => ({
    id: status.id, organization_id: organizationId, pipeline_id: pipeline.id, label: status.label, type: status.type, position: status.position,
  }))));
  await insert('custom_object_types', plan.customObjectTypes.map((type) => ({
    id: type.id, organization_id: organizationId, name: type.name, name_plural: type.namePlural, description: type.description,
    date_created: created, date_updated: created, created_by: owner, updated_by: owner,
  })));
  await insert('custom_fields', plan.customFields.map((field) => ({
    id: field.id, organization_id: organizationId, object_type: field.owner, custom_object_type_id: field.customObjectTypeId,
    name: field.name, description: field.description, type: field.type, accepts_multiple_values: field.multiple ?? false,
    choices: field.choices ? [...field.choices] : null, position: field.position,
    date_created: created, date_updated: created, created_by: owner, updated_by: owner,
  })));
}

/**
 * Generates and COPYs the leads batch by batch. While the server ingests batch k, generation of
 * batch k+1 runs in slices that yield to the event loop, so the socket keeps draining: on two
 * cores, Node generates on one while PostgreSQL parses and indexes on the other.
 */
async function loadLeads(connection: pg.ClientBase, plan: OrganizationPlan, options: SeedOptions, counts: Record<string, number>): Promise<void> {
  for (const table of COPY_TABLES) counts[table] = 0;
  const bulkLoad = await prepareBulkLoad(connection, { leads: options.leads, fast: options.fastLoad !== false });
  const progress: SeedProgress = {
    leadsWritten: 0, leadsTotal: options.leads, rowsWritten: 0, phase: 'loading', indexesBuilt: 0, indexesTotal: bulkLoad.deferredIndexes,
  };
  const report = () => {
    try {
      options.onProgress?.({ ...progress });
    } catch {
      // A failing progress printer must not abort a seed.
    }
  };
  const timer = setInterval(report, PROGRESS_INTERVAL_MS);
  let loading: Promise<void> = Promise.resolve();
  try {
    const leadsPerBatch = bulkLoad.freeze ? LEADS_PER_FROZEN_BATCH : LEADS_PER_BATCH;
    for (let start = 0; start < options.leads; start += leadsPerBatch) {
      const end = Math.min(options.leads, start + leadsPerBatch);
      const batch = new CopyBatch();
      for (let index = start; index < end; index++) {
        generateLead(plan, index, batch);
        if ((index - start) % LEADS_PER_SLICE === LEADS_PER_SLICE - 1) {
          await new Promise((resolve) => setImmediate(resolve));
          options.signal?.throwIfAborted();
        }
      }
      await loading;
      loading = (async () => {
        for (const rows of batch.tables()) {
          await copyRows(connection, rows, { freeze: bulkLoad.freeze });
          counts[rows.table] += rows.rows;
          progress.rowsWritten += rows.rows;
        }
        progress.leadsWritten = end;
      })();
      // Observed by the `await loading` of the next round; until then, no unhandled rejection.
      loading.catch(() => undefined);
    }
    await loading;
    options.signal?.throwIfAborted();
    progress.phase = 'indexing';
    await bulkLoad.finish((built) => {
      progress.indexesBuilt = built;
      options.signal?.throwIfAborted();
    });
    options.signal?.throwIfAborted();
  } catch (error) {
    await loading.catch(() => undefined); // let an in-flight COPY settle before the caller rolls back
    throw error;
  } finally {
    clearInterval(timer);
  }
  progress.phase = 'done';
  report();
}

function translateError(error: unknown): unknown {
  const pgError = error as { code?: string; constraint?: string; table?: string };
  if (pgError?.code === '23505') {
    return new AppError(
      'CONFLICT',
      `The organization's existing setup collides with the seeded one (${pgError.constraint ?? 'unique constraint'} on ${pgError.table ?? 'a table'}); seed into a new organization name instead.`,
      { cause: error },
    );
  }
  return error;
}
