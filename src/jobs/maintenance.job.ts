import type { Agenda } from 'agenda';
import { runExportMaintenance, type MaintenanceDeps } from '../exports/export-maintenance.js';
import type { JobDefinition } from './agenda.js';

export const MAINTENANCE_JOB = 'exports:maintenance';

/** Export housekeeping (retention, lost jobs, owed emails, abandoned temporary files). */
export function maintenanceJob(deps: MaintenanceDeps): JobDefinition {
  return (agenda) =>
    agenda.define(MAINTENANCE_JOB, async () => {
      await runExportMaintenance(deps);
    }, { concurrency: 1, lockLifetime: 10 * 60_000 });
}

/** Every worker declares the same recurring job once Agenda runs; Agenda keeps a single one. */
export async function scheduleMaintenance(agenda: Agenda, intervalMs: number): Promise<void> {
  await agenda.every(intervalMs, MAINTENANCE_JOB);
}
