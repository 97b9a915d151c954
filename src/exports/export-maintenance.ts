import type { Knex } from '../db/knex.js';
import type { Logger } from '../logger.js';
import type { ExportStorage } from '../storage/export-storage.js';

export type MaintenanceDeps = {
  knex: Knex;
  storage: ExportStorage;
  logger: Logger;
  /** Queues an export's job again. */
  enqueue(exportId: string): Promise<void>;
  /** Deletes the queued jobs of settled exports; returns how many. */
  removeSettledJobs(): Promise<number>;
  /** Sends the done/failed email of an export if it is still owed. */
  sendEmail(exportId: string): Promise<void>;
  /** A run silent for this long is dead (see claimRun). */
  staleAfterMs: number;
};

export type MaintenanceReport = { expired: number; requeued: number; settledJobsRemoved: number; emailsRetried: number; temporaryFilesRemoved: number };

/**
 * The periodic housekeeping of exports (run by a recurring Agenda job):
 * - deletes the files of exports past their retention and marks them `expired`;
 * - queues again the exports whose job was lost (never started, or whose worker died and no
 *   retry came), so that a crash never leaves an export stuck;
 * - deletes the jobs of settled exports that no worker holds, so they never queue in front of
 *   new exports;
 * - retries done/failed emails the mail server refused;
 * - removes temporary files of runs that died (killed workers cannot clean up after themselves).
 */
export async function runExportMaintenance(deps: MaintenanceDeps): Promise<MaintenanceReport> {
  const { knex } = deps;
  const report: MaintenanceReport = { expired: 0, requeued: 0, settledJobsRemoved: 0, emailsRetried: 0, temporaryFilesRemoved: 0 };

  const expired = await knex('exports').where({ status: 'done' }).where('expires_at', '<=', knex.fn.now()).select('id', 'file_key');
  for (const row of expired as { id: string; file_key: string | null }[]) {
    if (row.file_key) await deps.storage.delete(row.file_key);
    await knex('exports').where({ id: row.id, status: 'done' }).update({ status: 'expired', file_key: null, date_updated: knex.fn.now() });
    report.expired += 1;
  }

  const silentSeconds = Math.max(60, (2 * deps.staleAfterMs) / 1000);
  const stuck = await knex('exports')
    .whereIn('status', ['created', 'started', 'in_progress'])
    .whereRaw('date_updated < now() - make_interval(secs => ?)', [silentSeconds])
    .pluck('id');
  for (const id of stuck as string[]) {
    await deps.enqueue(id);
    report.requeued += 1;
  }

  report.settledJobsRemoved = await deps.removeSettledJobs();

  const owed = await knex('exports')
    .where({ send_done_email: true })
    .whereIn('status', ['done', 'error'])
    .whereNull('email_sent_at')
    .whereRaw("finished_at < now() - interval '1 minute'")
    .pluck('id');
  for (const id of owed as string[]) {
    await deps.sendEmail(id).then(
      () => (report.emailsRetried += 1),
      (error: unknown) => deps.logger.warn({ err: error, exportId: id }, 'retrying an export email failed'),
    );
  }

  report.temporaryFilesRemoved = await deps.storage.removeAbandoned(24 * 3_600_000);
  if (Object.values(report).some((n) => n > 0)) deps.logger.info(report, 'export maintenance');
  return report;
}
