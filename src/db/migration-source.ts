import type { Knex } from 'knex';
import * as crmSchema from './migrations/20261127060000_crm_schema.js';
import * as agendaJobs from './migrations/20261127060100_agenda_jobs.js';
import * as exportsTable from './migrations/20261127061000_exports.js';
import * as searchIndexes from './migrations/20261127070000_search_indexes.js';
import * as searchStatistics from './migrations/20261127080000_search_statistics.js';
import * as exportJobLookup from './migrations/20261127090000_export_job_lookup.js';
import * as rateLimits from './migrations/20261127100000_rate_limits.js';
import * as phoneSearchIndex from './migrations/20261127110000_phone_search_index.js';
import * as opportunityStatusLeadIndex from './migrations/20261127120000_opportunity_status_lead_index.js';
type Migration = { up(knex: Knex): Promise<void>; down(knex: Knex): Promise<void> };

/**
 * Migrations are listed here instead of being discovered on disk, so they load the same way
 * under tsx, vitest and the knex CLI (which cannot import TypeScript files by itself).
 * Add new migrations at the end, with a timestamped name.
 */
const migrations: Record<string, Migration> = {
  '20261127060000_crm_schema': crmSchema,
  '20261127060100_agenda_jobs': agendaJobs,
  '20261127061000_exports': exportsTable,
  '20261127070000_search_indexes': searchIndexes,
  '20261127080000_search_statistics': searchStatistics,
  '20261127090000_export_job_lookup': exportJobLookup,
  '20261127100000_rate_limits': rateLimits,
  '20261127110000_phone_search_index': phoneSearchIndex,
  '20261127120000_opportunity_status_lead_index': opportunityStatusLeadIndex,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};
