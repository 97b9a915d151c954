import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../src/errors/app-error.js';
import { ACTIVITY_TYPES, MAX_ACTIVITIES } from '../src/seed/activity-generator.js';
import { DEFER_INDEXES_MIN_LEADS, prepareBulkLoad } from '../src/db/bulk/bulk-load.js';
import { COPY_COLUMNS, COPY_TABLES, CopyBatch, encodeCell } from '../src/db/bulk/copy-batch.js';
import { copyRows } from '../src/db/bulk/copy-loader.js';
import { generateLeads, LIMITS } from '../src/seed/generator.js';
import { DEFAULT_ANCHOR, planOrganization } from '../src/seed/organization-plan.js';
import { seedOrganization, type SeedProgress, type SeedResult } from '../src/seed/seed-organization.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

const LEADS = 500;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A digest of everything seeded into an organization, table by table, over exactly the columns
 * the seeder writes (serial ids, which depend on what else is in the database, are not among them).
 */
async function digest(db: TestDatabase, organizationId: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of COPY_TABLES) {
    const columns = COPY_COLUMNS[table].join(', ');
    const { rows } = await db.knex.raw(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS md5
         FROM (SELECT ${columns} FROM ${table} WHERE organization_id = ?) t`,
      [organizationId],
    );
    result[table] = `${rows[0].n}:${rows[0].md5}`;
  }
  return result;
}

describe('seedOrganization', () => {
  let db: TestDatabase;
  let other: TestDatabase;
  let acme: SeedResult;
  const progress: SeedProgress[] = [];

  beforeAll(async () => {
    [db, other] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    acme = await seedOrganization(db.knex, { organizationName: 'Acme', leads: LEADS, seed: 42, onProgress: (p) => progress.push(p) });
  });
  afterAll(async () => {
    await Promise.all([db?.drop(), other?.drop()]);
  });

  it('gives byte-identical data for the same options, whether loaded fast or with every check; another seed gives other data', async () => {
    const plain = await seedOrganization(other.knex, { organizationName: 'Acme', leads: LEADS, seed: 42, fastLoad: false });
    expect(plain.organizationId).toBe(acme.organizationId);
    expect(plain.counts).toEqual(acme.counts);
    const expected = await digest(db, acme.organizationId);
    expect(await digest(other, plain.organizationId)).toEqual(expected);

    const reseeded = await seedOrganization(other.knex, { organizationName: 'Acme 43', leads: 100, seed: 43 });
    const different = await digest(other, reseeded.organizationId);
    for (const table of ['leads', 'contacts', 'activities'] as const) expect(different[table]).not.toBe(expected[table]);
  });

  it('gives two organizations with the same seed the same content under different ids, so both fit in one database', async () => {
    const twin = await seedOrganization(db.knex, { organizationName: 'Acme Twin', leads: 50, seed: 42 });
    expect(twin.organizationId).not.toBe(acme.organizationId);
    const names = async (organizationId: string) =>
      db.knex('leads').where({ organization_id: organizationId }).orderBy('display_name').pluck('display_name');
    const twinNames = await names(twin.organizationId);
    const acmeNames = await names(acme.organizationId);
    // Lead i's content depends only on the seed and i, so a smaller run's leads are among a larger one's.
    expect(twinNames.every((name: string) => acmeNames.includes(name))).toBe(true);
    const shared = await db.knex('leads as a').join('leads as b', 'a.id', 'b.id')
      .where('a.organization_id', acme.organizationId).andWhere('b.organization_id', twin.organizationId).count<{ count: number }[]>('* as count');
    expect(shared[0].count).toBe(0);
  });

  it('keeps every count per lead within its bounds and uses the whole range', async () => {
    const perLead = async (table: string) =>
      (await db.knex.raw(
        `SELECT min(n)::int AS min, max(n)::int AS max FROM (
           SELECT l.id, count(x.lead_id)::int AS n FROM leads l LEFT JOIN ${table} x ON x.lead_id = l.id
            WHERE l.organization_id = ? GROUP BY l.id) t`,
        [acme.organizationId],
      )).rows[0];
    expect(await perLead('contacts')).toEqual({ min: 0, max: LIMITS.contacts });
    expect(await perLead('addresses')).toEqual({ min: 0, max: LIMITS.addresses });
    expect(await perLead('opportunities')).toEqual({ min: 0, max: LIMITS.opportunities });
    expect(await perLead('tasks')).toEqual({ min: 0, max: LIMITS.tasks });
    expect(await perLead('custom_objects')).toEqual({ min: 0, max: LIMITS.customObjects });
    const activities = await perLead('activities');
    expect(activities.min).toBe(0);
    expect(activities.max).toBeLessThanOrEqual(MAX_ACTIVITIES);
    expect(activities.max).toBeGreaterThanOrEqual(20);

    for (const [table, limit] of [['contact_emails', LIMITS.emails], ['contact_phones', LIMITS.phones], ['contact_urls', LIMITS.urls]] as const) {
      const { rows } = await db.knex.raw(
        `SELECT max(n)::int AS max, bool_and(positions_ok) AS positions_ok FROM (
           SELECT contact_id, count(*) AS n, (min(position) = 0 AND max(position) = count(*) - 1 AND count(DISTINCT position) = count(*)) AS positions_ok
             FROM ${table} WHERE organization_id = ? GROUP BY contact_id) t`,
        [acme.organizationId],
      );
      expect(rows[0].max, table).toBe(limit);
      expect(rows[0].positions_ok, `${table} positions are 0..n-1`).toBe(true);
    }
  });

  it('writes every activity type, with the type-specific fields in data', async () => {
    const { rows } = await db.knex.raw(
      `SELECT type, count(*)::int AS n, bool_and(direction IS NOT NULL) AS directed, bool_and(status IS NOT NULL) AS with_status
         FROM activities WHERE organization_id = ? GROUP BY type`,
      [acme.organizationId],
    );
    const byType = Object.fromEntries(rows.map((r: { type: string }) => [r.type, r]));
    expect(Object.keys(byType).sort()).toEqual([...ACTIVITY_TYPES].sort());
    for (const type of ['Call', 'Email', 'SMS']) expect(byType[type], type).toMatchObject({ directed: true, with_status: true });
    expect(byType.Meeting.with_status).toBe(true);

    const sample = async (type: string) =>
      (await db.knex('activities').where({ organization_id: acme.organizationId, type }).first('data', 'duration', 'direction')) as {
        data: Record<string, unknown>; duration: number | null; direction: string | null;
      };
    expect(Object.keys((await sample('Email')).data)).toEqual(expect.arrayContaining(['subject', 'body_text', 'sender', 'to', 'envelope']));
    expect(Object.keys((await sample('Call')).data)).toEqual(expect.arrayContaining(['phone', 'local_phone', 'remote_phone', 'disposition']));
    expect((await sample('Call')).duration).toEqual(expect.any(Number));
    expect(Object.keys((await sample('SMS')).data)).toEqual(expect.arrayContaining(['text', 'local_phone', 'remote_phone']));
    const keys = async (type: string) => Object.keys((await sample(type)).data).sort();
    expect(await keys('Note')).toEqual(['note', 'note_html']);
    expect(Object.keys((await sample('Meeting')).data)).toEqual(expect.arrayContaining(['title', 'starts_at', 'ends_at', 'attendees']));
    expect(await keys('LeadStatusChange')).toEqual(['new_status_id', 'new_status_label', 'old_status_id', 'old_status_label']);
    expect(await keys('TaskCompleted')).toEqual(['task_assigned_to', 'task_assigned_to_name', 'task_id', 'task_text']);

    // References inside `data` point at the lead's own records.
    const dangling = await db.knex.raw(
      `SELECT
         (SELECT count(*) FROM activities a WHERE a.organization_id = :org AND a.type = 'OpportunityStatusChange'
            AND NOT EXISTS (SELECT 1 FROM opportunities o WHERE o.id = a.data->>'opportunity_id' AND o.lead_id = a.lead_id
                              AND o.status_id = a.data->>'new_status_id'))::int AS opportunities,
         (SELECT count(*) FROM activities a WHERE a.organization_id = :org AND a.type = 'TaskCompleted'
            AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = a.data->>'task_id' AND t.lead_id = a.lead_id AND t.is_complete))::int AS tasks,
         (SELECT count(*) FROM activities a WHERE a.organization_id = :org AND a.type = 'LeadStatusChange'
            AND NOT EXISTS (SELECT 1 FROM lead_statuses s WHERE s.id = a.data->>'new_status_id' AND s.organization_id = :org))::int AS statuses,
         -- the latest status change of a lead lands on its current status
         (SELECT count(*) FROM leads l JOIN LATERAL (
             SELECT a.data->>'new_status_id' AS status_id FROM activities a
              WHERE a.lead_id = l.id AND a.type = 'LeadStatusChange' ORDER BY a.activity_at DESC LIMIT 1) last ON true
           WHERE l.organization_id = :org AND last.status_id <> l.status_id)::int AS chains`,
      { org: acme.organizationId },
    );
    expect(dangling.rows[0]).toEqual({ opportunities: 0, tasks: 0, statuses: 0, chains: 0 });
  });

  it('gives custom fields of every type well-shaped values that point inside the organization and the lead', async () => {
    const fields = await db.knex('custom_fields').where({ organization_id: acme.organizationId });
    const userIds = new Set(acme.userIds);
    const leads = await db.knex('leads').where({ organization_id: acme.organizationId }).select('id', 'custom');
    const contacts = await db.knex('contacts').where({ organization_id: acme.organizationId }).select('id', 'lead_id', 'custom');
    const opportunities = await db.knex('opportunities').where({ organization_id: acme.organizationId }).select('lead_id', 'custom');
    const objects = await db.knex('custom_objects').where({ organization_id: acme.organizationId }).select('lead_id', 'custom', 'custom_object_type_id');
    const contactLead = new Map(contacts.map((c: { id: string; lead_id: string }) => [c.id, c.lead_id]));
    const owners: Array<{ lead_id: string; custom: Record<string, unknown> }> = [
      ...leads.map((l: { id: string; custom: Record<string, unknown> }) => ({ lead_id: l.id, custom: l.custom })),
      ...contacts, ...opportunities, ...objects,
    ];

    const kinds = new Set<string>();
    for (const field of fields) {
      const values = owners.filter((o) => field.id in o.custom).map((o) => ({ value: o.custom[field.id], leadId: o.lead_id }));
      expect(values.length, `${field.object_type} field "${field.name}" has values`).toBeGreaterThan(0);
      kinds.add(`${field.object_type}:${field.type}${field.accepts_multiple_values ? '[]' : ''}`);
      for (const { value, leadId } of values) {
        const items = field.accepts_multiple_values ? value : [value];
        expect(Array.isArray(items), `${field.name} holds an array`).toBe(true);
        for (const item of items as unknown[]) {
          switch (field.type) {
            case 'text':
            case 'textarea':
              expect(item).toEqual(expect.any(String));
              break;
            case 'number':
              expect(Number.isFinite(item)).toBe(true);
              break;
            case 'date':
              expect(item).toMatch(ISO_DATE);
              break;
            case 'datetime':
              expect(Number.isNaN(Date.parse(item as string))).toBe(false);
              expect(item).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
              break;
            case 'choices':
              expect(field.choices).toContain(item);
              break;
            case 'user':
              expect(userIds.has(item as string), `${field.name}: ${item} is a user of the organization`).toBe(true);
              break;
            case 'contact':
              expect(contactLead.get(item as string), `${field.name}: ${item} is a contact of lead ${leadId}`).toBe(leadId);
              break;
          }
        }
      }
    }
    expect([...kinds].filter((k) => k.startsWith('lead:')).sort()).toEqual(
      ['lead:choices', 'lead:choices[]', 'lead:contact', 'lead:date', 'lead:datetime', 'lead:number', 'lead:text', 'lead:textarea', 'lead:user', 'lead:user[]'],
    );
    const objectTypes = await db.knex('custom_object_types').where({ organization_id: acme.organizationId }).pluck('id');
    expect(objectTypes.length).toBeGreaterThanOrEqual(1);
    expect(new Set(objects.map((o: { custom_object_type_id: string }) => o.custom_object_type_id))).toEqual(new Set(objectTypes));
  });

  it('leaves no reference dangling and keeps statuses, users and dates consistent', async () => {
    // The fast load skips foreign-key triggers, so check every foreign key of the loaded tables by hand.
    const { rows: foreignKeys } = await db.knex.raw(
      `SELECT c.conrelid::regclass::text AS tbl, a.attname AS col, c.confrelid::regclass::text AS ref, af.attname AS refcol
         FROM pg_constraint c
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
        WHERE c.contype = 'f' AND c.conrelid = ANY(?::regclass[])`,
      [COPY_TABLES],
    );
    expect(foreignKeys.length).toBeGreaterThan(40);
    for (const fk of foreignKeys) {
      const { rows } = await db.knex.raw(
        `SELECT count(*)::int AS n FROM ${fk.tbl} t WHERE t.${fk.col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${fk.ref} r WHERE r.${fk.refcol} = t.${fk.col})`,
      );
      expect(rows[0].n, `${fk.tbl}.${fk.col} → ${fk.ref}`).toBe(0);
    }

    const { rows } = await db.knex.raw(
      `SELECT
         (SELECT count(*) FROM leads l JOIN lead_statuses s ON s.id = l.status_id WHERE l.organization_id = :org AND s.organization_id <> :org)::int AS foreign_lead_status,
         (SELECT count(*) FROM opportunities o JOIN opportunity_statuses s ON s.id = o.status_id WHERE o.organization_id = :org AND s.organization_id <> :org)::int AS foreign_opp_status,
         (SELECT count(*) FROM opportunities o JOIN opportunity_statuses s ON s.id = o.status_id WHERE o.organization_id = :org
             AND NOT ((s.type = 'won') = (o.date_won IS NOT NULL) AND (s.type = 'lost') = (o.date_lost IS NOT NULL)
                      AND (s.type <> 'won' OR o.confidence = 100) AND (s.type <> 'lost' OR o.confidence = 0)))::int AS inconsistent_opps,
         (SELECT count(*) FROM (
             SELECT user_id AS u FROM activities WHERE organization_id = :org UNION ALL SELECT assigned_to FROM tasks WHERE organization_id = :org
             UNION ALL SELECT user_id FROM opportunities WHERE organization_id = :org UNION ALL SELECT created_by FROM leads WHERE organization_id = :org) x
           WHERE u IS NOT NULL AND u NOT IN (SELECT id FROM users WHERE organization_id = :org))::int AS foreign_users,
         (SELECT count(*) FROM (
             SELECT contact_id AS c, lead_id FROM activities WHERE organization_id = :org UNION ALL SELECT contact_id, lead_id FROM opportunities WHERE organization_id = :org
             UNION ALL SELECT contact_id, lead_id FROM tasks WHERE organization_id = :org) x
           WHERE c IS NOT NULL AND NOT EXISTS (SELECT 1 FROM contacts k WHERE k.id = x.c AND k.lead_id = x.lead_id))::int AS foreign_contacts,
         (SELECT count(*) FROM leads WHERE organization_id = :org AND (date_updated < date_created OR date_created > :anchor))::int AS bad_lead_dates,
         (SELECT count(*) FROM activities a JOIN leads l ON l.id = a.lead_id WHERE a.organization_id = :org
             AND (a.activity_at < l.date_created OR (a.activity_at > :anchor AND a.type <> 'Meeting')))::int AS bad_activity_dates`,
      { org: acme.organizationId, anchor: DEFAULT_ANCHOR.toISOString() },
    );
    expect(rows[0]).toEqual({
      foreign_lead_status: 0, foreign_opp_status: 0, inconsistent_opps: 0, foreign_users: 0, foreign_contacts: 0, bad_lead_dates: 0, bad_activity_dates: 0,
    });
  });

  it('names a small share of leads after their first contact, and writes text that needs quoting', async () => {
    const { rows } = await db.knex.raw(
      `SELECT
         count(*) FILTER (WHERE l.name IS NULL)::int AS nameless,
         count(*) FILTER (WHERE l.name IS NULL AND l.display_name IS DISTINCT FROM c.name)::int AS misnamed,
         count(*) FILTER (WHERE l.name IS NOT NULL AND l.display_name <> l.name)::int AS renamed,
         count(*) FILTER (WHERE l.name LIKE '%,%')::int AS commas,
         count(*) FILTER (WHERE l.description ~ '[\\n"]')::int AS newlines_or_quotes,
         count(*) FILTER (WHERE l.description ~ '[^\\x01-\\x7e]' OR l.name ~ '[^\\x01-\\x7e]')::int AS non_ascii
       FROM leads l LEFT JOIN contacts c ON c.lead_id = l.id AND c.position = 0
      WHERE l.organization_id = ?`,
      [acme.organizationId],
    );
    expect(rows[0].nameless).toBeGreaterThan(0);
    expect(rows[0].nameless).toBeLessThan(LEADS * 0.1);
    expect(rows[0]).toMatchObject({ misnamed: 0, renamed: 0 });
    expect(rows[0].commas).toBeGreaterThan(0);
    expect(rows[0].newlines_or_quotes).toBeGreaterThan(0);
    expect(rows[0].non_ascii).toBeGreaterThan(0);
    const phones = await db.knex('contact_phones').where({ organization_id: acme.organizationId }).pluck('phone');
    expect(phones.every((p: string) => /^\+[1-9]\d{9,13}$/.test(p))).toBe(true);
  });

  it('reports progress with totals that end at the counts written', () => {
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ leadsWritten: LEADS, leadsTotal: LEADS, phase: 'done' });
    const copied = COPY_TABLES.reduce((sum, table) => sum + acme.counts[table], 0);
    expect(last.rowsWritten).toBe(copied);
  });

  it('refuses an organization name that already has leads, whatever its case, and changes nothing', async () => {
    const before = await digest(db, acme.organizationId);
    const error = await seedOrganization(db.knex, { organizationName: ' ACME ', leads: 5, seed: 1 }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('CONFLICT');
    expect((error as Error).message).toMatch(/already exists and has leads/);
    expect(await digest(db, acme.organizationId)).toEqual(before);
  });

  it('seeds an existing organization that has no leads in place', async () => {
    await db.knex('organizations').insert({ id: 'orga_emptyEmptyEmptyEmpty00', name: 'Empty Co' });
    const result = await seedOrganization(db.knex, { organizationName: 'empty co', leads: 10, seed: 5 });
    expect(result.organizationId).toBe('orga_emptyEmptyEmptyEmpty00');
    expect(await db.knex('leads').where({ organization_id: result.organizationId }).count<{ count: number }[]>('* as count')).toEqual([{ count: 10 }]);
  });

  it('writes nothing when aborted, and runs inside a caller transaction, committing or rolling back with it', async () => {
    const aborted = await seedOrganization(db.knex, { organizationName: 'Aborted', leads: 300, seed: 1, signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(aborted).toBeInstanceOf(Error);
    expect(await db.knex('organizations').where({ name: 'Aborted' }).first()).toBeUndefined();

    await db.knex.transaction(async (trx) => {
      await seedOrganization(trx, { organizationName: 'Inside', leads: 20, seed: 3 });
      await trx.rollback();
    }).catch(() => undefined);
    expect(await db.knex('organizations').where({ name: 'Inside' }).first()).toBeUndefined();

    const committed = await db.knex.transaction((trx) => seedOrganization(trx, { organizationName: 'Inside', leads: 20, seed: 3 }));
    const settings = await db.knex.raw("SELECT current_setting('session_replication_role') AS role");
    expect(settings.rows[0].role).toBe('origin');
    expect(await db.knex('leads').where({ organization_id: committed.organizationId }).count<{ count: number }[]>('* as count')).toEqual([{ count: 20 }]);
  });

  it('rejects invalid options with the path of the bad input', async () => {
    for (const [options, path] of [
      [{ organizationName: ' ', leads: 1, seed: 1 }, 'organizationName'],
      [{ organizationName: 'X', leads: -1, seed: 1 }, 'leads'],
      [{ organizationName: 'X', leads: 1.5, seed: 1 }, 'leads'],
      [{ organizationName: 'X', leads: 1, seed: Number.NaN }, 'seed'],
      [{ organizationName: 'X', leads: 1, seed: 1, anchor: new Date('nope') }, 'anchor'],
    ] as const) {
      const error = await seedOrganization(db.knex, options).catch((e: unknown) => e);
      expect(isAppError(error) && error.details.fieldErrors, path).toHaveProperty(path);
    }
  });
});

describe('the bulk load of a big seed into empty tables', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  const indexDefinitions = async (client: pg.ClientBase) =>
    (await client.query<{ d: string }>(
      `SELECT pg_get_indexdef(indexrelid) AS d FROM pg_index WHERE indrelid = ANY($1::regclass[]) ORDER BY 1`,
      [COPY_TABLES],
    )).rows.map((r) => r.d);

  it('drops the secondary indexes only while it loads, rebuilds exactly the same ones, and leaves them alone when the tables have rows', async () => {
    const client = (await db.knex.client.acquireConnection()) as pg.PoolClient;
    try {
      const before = await indexDefinitions(client);
      await client.query('BEGIN');
      const load = await prepareBulkLoad(client, { leads: DEFER_INDEXES_MIN_LEADS, fast: true });
      expect(load.skipsForeignKeyChecks).toBe(true); // the test database's user is a superuser
      expect(load.deferredIndexes).toBeGreaterThan(20);
      const during = await indexDefinitions(client);
      expect(during.length).toBe(before.length - load.deferredIndexes);
      expect(during.every((d) => / UNIQUE |_pkey /.test(d))).toBe(true);
      // The emptied tables take rows written frozen; a rollback takes them away again.
      expect(load.freeze).toBe(true);
      const batch = new CopyBatch();
      generateLeads(planOrganization({ organizationName: 'Frozen', seed: 1, anchor: DEFAULT_ANCHOR, leads: 5 }), 0, 5, batch);
      for (const rows of batch.tables()) await copyRows(client, rows, { freeze: true });
      const frozen = await client.query("SELECT count(*)::int AS n FROM leads"); // COPY FREEZE refuses tables not emptied in this transaction
      expect(frozen.rows[0].n).toBe(5);
      await load.finish();
      expect(await indexDefinitions(client)).toEqual(before);
      expect((await client.query("SELECT current_setting('session_replication_role') AS r")).rows[0].r).toBe('origin');
      await client.query('ROLLBACK');
      expect((await client.query('SELECT count(*)::int AS n FROM leads')).rows[0].n).toBe(0);

      await seedOrganization(db.knex, { organizationName: 'Small', leads: 3, seed: 1 });
      await client.query('BEGIN');
      const busy = await prepareBulkLoad(client, { leads: DEFER_INDEXES_MIN_LEADS, fast: true });
      expect(busy).toMatchObject({ deferredIndexes: 0, freeze: false });
      await busy.finish();
      await client.query('ROLLBACK');
      expect(await indexDefinitions(client)).toEqual(before);
    } finally {
      await db.knex.client.releaseConnection(client);
    }
  });
});

describe('the generator and its COPY encoding (pure)', () => {
  const plan = planOrganization({ organizationName: 'P', seed: 9, anchor: DEFAULT_ANCHOR, leads: 60 });
  const copyText = (...ranges: Array<[number, number]>) => {
    const batch = new CopyBatch();
    for (const [from, to] of ranges) generateLeads(plan, from, to, batch);
    return Object.fromEntries(batch.tables().map((t) => [t.table, Buffer.concat(t.pieces).toString()]));
  };

  it('generates lead i from the plan and i alone, so batches can be cut anywhere', () => {
    expect(copyText([0, 25], [25, 60])).toEqual(copyText([0, 60]));
  });

  it('gives ids that grow with the load order (primary keys append), spread over the alphabet', () => {
    const leadIds = copyText([0, 60]).leads.split('\n').filter(Boolean).map((line) => line.split('\t')[0]);
    expect(leadIds).toHaveLength(60);
    expect([...leadIds].sort()).toEqual(leadIds);
    expect(leadIds[0] < 'lead_1').toBe(true);
    expect(leadIds[59] > 'lead_y').toBe(true);
    for (const id of leadIds) expect(id).toMatch(/^lead_[0-9A-Za-z]{22}$/);
  });

  it('escapes what COPY text format needs escaped, in strings and in JSON', () => {
    expect(encodeCell(null)).toBe('\\N');
    expect(encodeCell('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(encodeCell('Müller, "quoted"')).toBe('Müller, "quoted"');
    expect(encodeCell({ note: 'line\nnext "q" C:\\x' })).toBe('{"note":"line\\\\nnext \\\\"q\\\\" C:\\\\\\\\x"}');
    expect(encodeCell(true)).toBe('t');
    expect(encodeCell(12.5)).toBe('12.5');
  });
});
