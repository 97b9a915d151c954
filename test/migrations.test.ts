import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, rollbackAll } from '../src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

describe('migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  it('are reversible: rolling everything back leaves no table, and they apply again', async () => {
    const tables = async () =>
      (await db.knex('pg_tables').where({ schemaname: 'public' }).pluck('tablename')).filter(
        (t: string) => !t.startsWith('knex_migrations'),
      );
    expect(await tables()).toEqual(expect.arrayContaining(['leads', 'contacts', 'activities', 'agenda_jobs']));
    await rollbackAll(db.knex);
    expect(await tables()).toEqual([]);
    const applied = await migrateToLatest(db.knex);
    expect(applied.length).toBeGreaterThanOrEqual(2);
    expect(await tables()).toEqual(expect.arrayContaining(['leads', 'contacts', 'activities', 'agenda_jobs']));
  });

  it('are safe to run from several processes at once', async () => {
    const results = await Promise.all([migrateToLatest(db.knex), migrateToLatest(db.knex)]);
    expect(results).toEqual([[], []]);
  });
});
