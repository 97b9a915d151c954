import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { startJobQueue, type JobQueue } from '../src/jobs/agenda.js';
import { EXPORT_JOB, exportEnqueuer } from '../src/jobs/export.job.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

/**
 * Waking waiting exports and the maintenance sweep ask to queue the same export many times; it
 * must never have more than one job waiting, or the duplicates pile up in front of new exports.
 */
describe('queuing an export job', () => {
  let db: TestDatabase;
  let queue: JobQueue;
  beforeAll(async () => {
    db = await createTestDatabase();
    // An Agenda that runs nothing (no job definitions): queued jobs stay queued.
    queue = await startJobQueue({ databaseUrl: db.url, logger: createLogger({ logLevel: 'silent', logFormat: 'json' }), jobs: [] });
  });
  afterAll(async () => {
    await queue?.stop();
    await db?.drop();
  });

  const jobsOf = async (exportId: string) =>
    (await db.knex('agenda_jobs').where({ name: EXPORT_JOB }).whereRaw("data->>'exportId' = ?", [exportId]).count<{ count: number }[]>('* as count'))[0].count;

  it('keeps one waiting job per export however often it is asked, and queues again once that job ran', async () => {
    const enqueue = exportEnqueuer(queue.agenda, db.knex);
    for (let i = 0; i < 5; i++) await enqueue('expo_one');
    await enqueue('expo_two');
    expect(await jobsOf('expo_one')).toBe(1);
    expect(await jobsOf('expo_two')).toBe(1);

    // The job ran and finished (Agenda clears next_run_at when a one-off job starts): ask again.
    await db.knex('agenda_jobs').whereRaw("data->>'exportId' = 'expo_one'").update({ next_run_at: null, locked_at: null, last_finished_at: db.knex.fn.now() });
    await enqueue('expo_one');
    expect(await jobsOf('expo_one')).toBe(2);
  });
});
