import type pg from 'pg';

/**
 * Inserts `leads` synthetic leads into a new organization in a few INSERT … SELECT
 * generate_series statements (about 10 s per million leads), for memory and speed tests where
 * the seeder would be too slow. Each lead has 2 contacts (each with an email and a phone, the
 * first with a second email), 1 or 2 addresses, 1 opportunity and 5 custom values, with the
 * commas, quotes and line breaks that make CSV quoting work; with `children: false`, only the
 * leads and their custom values. Returns the organization id.
 */
export async function insertBulkLeads(client: pg.ClientBase, options: { tag: string; leads: number; children?: boolean }): Promise<string> {
  const { tag, leads, children = true } = options;
  const org = `orga_${tag}`;
  const id = (prefix: string, expr: string) => `'${prefix}_${tag}_' || lpad((${expr})::text, 9, '0')`;
  const statements = [
    `INSERT INTO organizations (id, name) VALUES ('${org}', 'Bulk ${tag}')`,
    `INSERT INTO users (id, organization_id, email, first_name, last_name) VALUES
       ('user_${tag}_1', '${org}', 'one@${tag}.example', 'Ada', 'Lovelace'),
       ('user_${tag}_2', '${org}', 'two@${tag}.example', 'Zoë', 'Ørsted')`,
    `INSERT INTO lead_statuses (id, organization_id, label, position) VALUES
       ('stat_${tag}_1', '${org}', 'Potential', 0), ('stat_${tag}_2', '${org}', 'Qualified, "hot"', 1)`,
    `INSERT INTO pipelines (id, organization_id, name) VALUES ('pipe_${tag}', '${org}', 'Sales')`,
    `INSERT INTO opportunity_statuses (id, organization_id, pipeline_id, label, type, position) VALUES
       ('stat_${tag}_o1', '${org}', 'pipe_${tag}', 'Active', 'active', 0), ('stat_${tag}_o2', '${org}', 'pipe_${tag}', 'Won', 'won', 1)`,
    `INSERT INTO custom_fields (id, organization_id, object_type, name, type, accepts_multiple_values, position) VALUES
       ('cf_${tag}_source', '${org}', 'lead', 'Lead Source', 'text', false, 0),
       ('cf_${tag}_amount', '${org}', 'lead', 'Loan Amount', 'number', false, 1),
       ('cf_${tag}_industry', '${org}', 'lead', 'Industry', 'choices', true, 2),
       ('cf_${tag}_owner', '${org}', 'lead', 'Owner', 'user', false, 3),
       ('cf_${tag}_due', '${org}', 'lead', 'Due', 'date', false, 4)`,
    `INSERT INTO leads (id, organization_id, name, display_name, description, url, status_id, custom, created_by, updated_by, date_created, date_updated)
     SELECT ${id('lead', 'g')}, '${org}', 'Company ' || g || ', Inc.', 'Company ' || g || ', Inc.',
       CASE WHEN g % 3 = 0 THEN 'Line one, "quoted"' || chr(10) || 'line two' END,
       'https://c' || g || '.example', CASE WHEN g % 2 = 0 THEN 'stat_${tag}_1' ELSE 'stat_${tag}_2' END,
       jsonb_build_object('cf_${tag}_source', 'Web, form ' || (g % 10), 'cf_${tag}_amount', g * 1.5,
         'cf_${tag}_industry', jsonb_build_array('IT', 'Cars'), 'cf_${tag}_owner', 'user_${tag}_1', 'cf_${tag}_due', '2026-12-31'),
       'user_${tag}_1', 'user_${tag}_2',
       timestamptz '2020-01-01 00:00:00.123456+00' + g * interval '1 second', timestamptz '2021-01-01+00' + g * interval '1 second'
     FROM generate_series(1, ${leads}) g`,
  ];
  const childStatements = [
    `INSERT INTO contacts (id, organization_id, lead_id, position, name, title, date_created, date_updated)
     SELECT ${id('cont', 'g * 2 + p')}, '${org}', ${id('lead', 'g')}, p, 'Person ' || g || '-' || p, 'CEO, "founder"', now(), now()
     FROM generate_series(1, ${leads}) g, generate_series(0, 1) p`,
    `INSERT INTO contact_emails (organization_id, lead_id, contact_id, position, email, type)
     SELECT '${org}', ${id('lead', 'g')}, ${id('cont', 'g * 2 + p')}, e, 'p' || g || '-' || p || '-' || e || '@example.com', 'office'
     FROM generate_series(1, ${leads}) g, generate_series(0, 1) p, generate_series(0, 1) e WHERE e = 0 OR p = 0`,
    `INSERT INTO contact_phones (organization_id, lead_id, contact_id, position, phone, type)
     SELECT '${org}', ${id('lead', 'g')}, ${id('cont', 'g * 2 + p')}, 0, '+1650' || lpad(g::text, 7, '0'), 'office'
     FROM generate_series(1, ${leads}) g, generate_series(0, 1) p`,
    `INSERT INTO addresses (organization_id, lead_id, position, label, address_1, city, state, zipcode, country)
     SELECT '${org}', ${id('lead', 'g')}, a, 'business', a || ' Main St, Suite ' || g, 'Springfield', 'CA', '94103', 'US'
     FROM generate_series(1, ${leads}) g, generate_series(0, 1) a WHERE a = 0 OR g % 4 = 0`,
    `INSERT INTO opportunities (id, organization_id, lead_id, user_id, status_id, value, value_period, confidence, note, date_created, date_updated)
     SELECT ${id('oppo', 'g')}, '${org}', ${id('lead', 'g')}, 'user_${tag}_1', CASE WHEN g % 2 = 0 THEN 'stat_${tag}_o1' ELSE 'stat_${tag}_o2' END,
       (g % 1000) * 100, 'one_time', 50, 'Note ' || g, now(), now()
     FROM generate_series(1, ${leads}) g`,
  ];
  for (const sql of children ? [...statements, ...childStatements] : statements) await client.query(sql);
  for (const table of ['leads', 'contacts', 'contact_emails', 'contact_phones', 'addresses', 'opportunities']) await client.query(`ANALYZE ${table}`);
  return org;
}
