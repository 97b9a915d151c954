import type { Agenda } from 'agenda';
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
  return (agenda) =>
    agenda.define<ExportJobData>(
      EXPORT_JOB,
      async (job) => {
        await runExport(deps, job.attrs.data.exportId, { touch: (percent) => job.touch(percent) });
      },
      { concurrency: options.concurrency, lockLifetime: options.lockLifetimeMs, removeOnComplete: true },
    );
}

/** Queues an export's job; with Agenda started, a worker picks it up within milliseconds (NOTIFY). */
export function exportEnqueuer(agenda: Agenda): (exportId: string) => Promise<void> {
  return async (exportId) => {
    await agenda.now<ExportJobData>(EXPORT_JOB, { exportId });
  };
}
