import { constant, type Agenda } from 'agenda';
import type { Knex } from '../db/knex.js';
import { AGENDA_TABLE } from '../db/migrations/20261127060100_agenda_jobs.js';
import { runExport, type RunExportDeps } from '../exports/run-export.js';
import type { JobDefinition } from './agenda.js';

export const EXPORT_JOB = 'export';

type ExportJobData = { exportId: string };

/**
 * Runs exports on a worker. The job carries only the export id; the state lives in `exports`.
 * A worker that dies mid-export stops touching the lock, and after `lockLifetimeMs` another
 * worker (or the same one restarted) runs the job again from the start (runExport is idempotent).
 */
export function exportJob(deps: RunExportDeps, options: { lockLifetimeMs: number; concurrency: number }): JobDefinition {
  return (agenda, { shutdown }) =>
    agenda.define<ExportJobData>(
      EXPORT_JOB,
      async (job) => {
        await runExport(deps, job.attrs.data.exportId, { touch: (percent) => job.touch(percent), shutdown });
      },
      {
        concurrency: options.concurrency,
        // A worker reserves only what it can run soon: jobs it locked but never started would
        // wait for their lock to expire if it died.
        lockLimit: 2 * options.concurrency,
        lockLifetime: options.lockLifetimeMs,
        removeOnComplete: true,
        // A run that throws (the worker stopping, the database gone) is retried shortly,
        // by whichever worker polls next.
        backoff: constant({ delay: 2000, maxRetries: 10 }),
      },
    );
}

/**
 * Queues an export's job unless one is already waiting or running: waking the exports waiting
 * for a slot, and the maintenance sweep, may ask again and again, and every extra job would sit
 * in the queue in front of new exports. (Two concurrent asks can still both insert; the second
 * job then finds the export busy or final and ends at once.)
 * With Agenda started, a worker picks the job up within milliseconds (NOTIFY).
 */
export function exportEnqueuer(agenda: Agenda, knex: Knex): (exportId: string) => Promise<void> {
  return async (exportId) => {
    const pending = await knex(AGENDA_TABLE)
      .where({ name: EXPORT_JOB })
      .whereRaw("data->>'exportId' = ?", [exportId])
      .where((q) => q.whereNotNull('next_run_at').orWhereNotNull('locked_at'))
      .first('id');
    if (!pending) await agenda.now<ExportJobData>(EXPORT_JOB, { exportId });
  };
}

/**
 * Deletes the export jobs left with nothing to do: their export is settled (done, error,
 * canceled, expired) or gone, and no worker holds them (never locked, or the lock expired). Each
 * would otherwise take a worker's turn in front of new exports; workers killed while holding
 * jobs, or a burst of canceled exports, can leave thousands. Returns how many were deleted.
 */
export async function removeSettledExportJobs(knex: Knex, lockLifetimeMs: number): Promise<number> {
  return knex(AGENDA_TABLE)
    .where({ name: EXPORT_JOB })
    .whereNotExists(
      knex('exports')
        .whereRaw(`exports.id = ${AGENDA_TABLE}.data->>'exportId'`)
        .whereIn('status', ['created', 'started', 'in_progress']),
    )
    .where((q) => q.whereNull('locked_at').orWhereRaw('locked_at < now() - make_interval(secs => ?)', [lockLifetimeMs / 1000]))
    .delete();
}
