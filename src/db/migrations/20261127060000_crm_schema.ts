import type { Knex } from 'knex';

/**
 * The CRM data model, shaped after Close's objects (spec §4).
 *
 * Conventions:
 * - Close-style text ids (`lead_…`) in the "C" collation, so keyset pagination orders by bytes
 *   and does not depend on the database's locale.
 * - Every tenant row carries `organization_id`; child tables repeat `lead_id` so an export can
 *   fetch everything of a batch of leads with one indexed query per table.
 * - Custom field values live in a `custom` jsonb keyed by custom field id (`cf_…`); multi-value
 *   fields hold a JSON array.
 * - `position` orders children the way Close does ("the first contact is the primary one").
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm');

  const id = (t: Knex.CreateTableBuilder) => t.specificType('id', 'text COLLATE "C"').primary();
  const ref = (t: Knex.CreateTableBuilder, column: string) => t.specificType(column, 'text COLLATE "C"');
  const orgRef = (t: Knex.CreateTableBuilder) =>
    ref(t, 'organization_id').notNullable().references('organizations.id').onDelete('CASCADE');
  const stamps = (t: Knex.CreateTableBuilder) => {
    t.timestamp('date_created', { useTz: true, precision: 6 }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('date_updated', { useTz: true, precision: 6 }).notNullable().defaultTo(knex.fn.now());
  };
  const authorship = (t: Knex.CreateTableBuilder) => {
    ref(t, 'created_by').references('users.id').onDelete('SET NULL');
    ref(t, 'updated_by').references('users.id').onDelete('SET NULL');
  };

  await knex.schema.createTable('organizations', (t) => {
    id(t);
    t.text('name').notNullable();
    stamps(t);
  });
  await knex.raw('CREATE UNIQUE INDEX organizations_name_key ON organizations (lower(name))');

  await knex.schema.createTable('users', (t) => {
    id(t);
    orgRef(t);
    t.text('email').notNullable();
    t.text('first_name').notNullable().defaultTo('');
    t.text('last_name').notNullable().defaultTo('');
    stamps(t);
    t.index(['organization_id']);
  });
  await knex.raw('CREATE UNIQUE INDEX users_email_key ON users (organization_id, lower(email))');

  // Credentials are stored as SHA-256 digests: they are high-entropy random strings, so a slow
  // password hash would add latency to every request without adding protection.
  await knex.schema.createTable('api_keys', (t) => {
    id(t);
    orgRef(t);
    ref(t, 'user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('name').notNullable().defaultTo('');
    t.specificType('key_hash', 'bytea').notNullable().unique();
    t.text('key_prefix').notNullable();
    t.timestamp('date_created', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.index(['organization_id']);
  });

  await knex.schema.createTable('access_tokens', (t) => {
    id(t);
    orgRef(t);
    ref(t, 'user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.specificType('token_hash', 'bytea').notNullable().unique();
    t.text('scopes').notNullable().defaultTo('all.full_access');
    t.timestamp('date_created', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.index(['organization_id']);
  });

  await knex.schema.createTable('lead_statuses', (t) => {
    id(t);
    orgRef(t);
    t.text('label').notNullable();
    t.integer('position').notNullable().defaultTo(0);
    t.unique(['organization_id', 'label']);
  });

  await knex.schema.createTable('pipelines', (t) => {
    id(t);
    orgRef(t);
    t.text('name').notNullable();
    t.integer('position').notNullable().defaultTo(0);
    stamps(t);
    authorship(t);
    t.unique(['organization_id', 'name']);
  });

  await knex.schema.createTable('opportunity_statuses', (t) => {
    id(t);
    orgRef(t);
    ref(t, 'pipeline_id').notNullable().references('pipelines.id').onDelete('CASCADE');
    t.text('label').notNullable();
    t.text('type').notNullable().checkIn(['active', 'won', 'lost'], 'opportunity_statuses_type_check');
    t.integer('position').notNullable().defaultTo(0);
    t.unique(['pipeline_id', 'label']);
    t.index(['organization_id']);
  });

  await knex.schema.createTable('custom_object_types', (t) => {
    id(t);
    orgRef(t);
    t.text('name').notNullable();
    t.text('name_plural').notNullable();
    t.text('description');
    stamps(t);
    authorship(t);
    t.unique(['organization_id', 'name']);
  });

  await knex.schema.createTable('custom_fields', (t) => {
    id(t);
    orgRef(t);
    t.text('object_type')
      .notNullable()
      .checkIn(['lead', 'contact', 'opportunity', 'custom_object'], 'custom_fields_object_type_check');
    ref(t, 'custom_object_type_id').references('custom_object_types.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('description');
    t.text('type')
      .notNullable()
      .checkIn(['text', 'textarea', 'number', 'date', 'datetime', 'choices', 'user', 'contact'], 'custom_fields_type_check');
    t.boolean('accepts_multiple_values').notNullable().defaultTo(false);
    t.specificType('choices', 'text[]');
    t.integer('position').notNullable().defaultTo(0);
    stamps(t);
    authorship(t);
    t.index(['organization_id', 'object_type']);
  });
  // Exports key custom values by field name (`custom.<Field Name>`), so names are unique per owner.
  await knex.raw(`CREATE UNIQUE INDEX custom_fields_name_key
    ON custom_fields (organization_id, object_type, coalesce(custom_object_type_id, ''), lower(name))`);
  await knex.raw(`ALTER TABLE custom_fields ADD CONSTRAINT custom_fields_custom_object_type_check
    CHECK ((object_type = 'custom_object') = (custom_object_type_id IS NOT NULL))`);

  await knex.schema.createTable('leads', (t) => {
    id(t);
    orgRef(t);
    t.text('name');
    t.text('display_name').notNullable().defaultTo('');
    t.text('description');
    t.text('url');
    ref(t, 'status_id').notNullable().references('lead_statuses.id');
    t.jsonb('custom').notNullable().defaultTo('{}');
    stamps(t);
    authorship(t);
  });
  await knex.raw('CREATE UNIQUE INDEX leads_org_id_key ON leads (organization_id, id)');
  await knex.raw('CREATE INDEX leads_status_idx ON leads (organization_id, status_id)');
  await knex.raw('CREATE INDEX leads_date_created_idx ON leads (organization_id, date_created, id)');
  await knex.raw('CREATE INDEX leads_date_updated_idx ON leads (organization_id, date_updated, id)');
  await knex.raw('CREATE INDEX leads_display_name_trgm_idx ON leads USING gin (lower(display_name) gin_trgm_ops)');
  await knex.raw('CREATE INDEX leads_custom_idx ON leads USING gin (custom jsonb_path_ops)');

  await knex.schema.createTable('contacts', (t) => {
    id(t);
    orgRef(t);
    ref(t, 'lead_id').notNullable().references('leads.id').onDelete('CASCADE');
    t.integer('position').notNullable().defaultTo(0);
    t.text('name');
    t.text('title');
    t.jsonb('custom').notNullable().defaultTo('{}');
    stamps(t);
    authorship(t);
  });
  await knex.raw('CREATE INDEX contacts_lead_idx ON contacts (lead_id, position)');
  await knex.raw('CREATE INDEX contacts_org_idx ON contacts (organization_id, id)');
  await knex.raw('CREATE INDEX contacts_name_trgm_idx ON contacts USING gin (lower(name) gin_trgm_ops)');
  await knex.raw('CREATE INDEX contacts_title_trgm_idx ON contacts USING gin (lower(title) gin_trgm_ops)');

  // Typed emails, phones and urls of a contact, in Close's order (the first is the primary one).
  for (const [table, valueColumn] of [
    ['contact_emails', 'email'],
    ['contact_phones', 'phone'],
    ['contact_urls', 'url'],
  ] as const) {
    await knex.schema.createTable(table, (t) => {
      t.bigIncrements('id');
      orgRef(t);
      ref(t, 'lead_id').notNullable().references('leads.id').onDelete('CASCADE');
      ref(t, 'contact_id').notNullable().references('contacts.id').onDelete('CASCADE');
      t.integer('position').notNullable().defaultTo(0);
      t.text(valueColumn).notNullable();
      t.text('type').notNullable().defaultTo('office');
      if (table === 'contact_emails') t.boolean('is_unsubscribed').notNullable().defaultTo(false);
      if (table === 'contact_phones') t.text('country');
    });
    await knex.raw(`CREATE INDEX ${table}_lead_idx ON ${table} (lead_id)`);
    await knex.raw(`CREATE INDEX ${table}_contact_idx ON ${table} (contact_id, position)`);
  }
  await knex.raw('CREATE INDEX contact_emails_email_idx ON contact_emails (organization_id, lower(email))');
  await knex.raw('CREATE INDEX contact_emails_email_trgm_idx ON contact_emails USING gin (lower(email) gin_trgm_ops)');
  await knex.raw('CREATE INDEX contact_phones_phone_idx ON contact_phones (organization_id, phone)');

  await knex.schema.createTable('addresses', (t) => {
    t.bigIncrements('id');
    orgRef(t);
    ref(t, 'lead_id').notNullable().references('leads.id').onDelete('CASCADE');
    t.integer('position').notNullable().defaultTo(0);
    t.text('label').notNullable().defaultTo('business');
    t.text('address_1');
    t.text('address_2');
    t.text('city');
    t.text('state');
    t.text('zipcode');
    t.text('country');
  });
  await knex.raw('CREATE INDEX addresses_lead_idx ON addresses (lead_id, position)');

  await knex.schema.createTable('opportunities', (t) => {
    id(t);
    orgRef(t);
    ref(t, 'lead_id').notNullable().references('leads.id').onDelete('CASCADE');
    ref(t, 'contact_id').references('contacts.id').onDelete('SET NULL');
    ref(t, 'user_id').references('users.id').onDelete('SET NULL');
    ref(t, 'status_id').notNullable().references('opportunity_statuses.id');
    t.bigInteger('value').comment('in cents');
    t.text('value_currency').notNullable().defaultTo('USD');
    t.text('value_period')
      .notNullable()
      .defaultTo('one_time')
      .checkIn(['one_time', 'monthly', 'annual'], 'opportunities_value_period_check');
    t.smallint('confidence').notNullable().defaultTo(0);
    t.text('note');
    t.date('date_won');
    t.timestamp('date_lost', { useTz: true, precision: 6 });
    t.jsonb('custom').notNullable().defaultTo('{}');
    stamps(t);
    authorship(t);
  });
  await knex.raw('ALTER TABLE opportunities ADD CONSTRAINT opportunities_confidence_check CHECK (confidence BETWEEN 0 AND 100)');
  await knex.raw('CREATE INDEX opportunities_lead_idx ON opportunities (lead_id, date_created)');
  await knex.raw('CREATE INDEX opportunities_status_idx ON opportunities (organization_id, status_id)');
  await knex.raw('CREATE INDEX opportunities_user_idx ON opportunities (organization_id, user_id)');

  await knex.schema.createTable('tasks', (t) => {
    id(t);
    orgRef(t);
    ref(t, 'lead_id').notNullable().references('leads.id').onDelete('CASCADE');
    ref(t, 'contact_id').references('contacts.id').onDelete('SET NULL');
    ref(t, 'assigned_to').references('users.id').onDelete('SET NULL');
    t.text('type').notNullable().defaultTo('lead').comment("Close's `_type`");
    t.text('text').notNullable().defaultTo('');
    t.date('due_date');
    t.boolean('is_complete').notNullable().defaultTo(false);
    stamps(t);
    authorship(t);
  });
  await knex.raw('CREATE INDEX tasks_lead_idx ON tasks (lead_id, date_created)');
  await knex.raw('CREATE INDEX tasks_assigned_idx ON tasks (organization_id, assigned_to, is_complete)');

  // Activities share one table: the columns every type has (and the ones smart fields and
  // filters read) are real columns; the rest of each type's fields live in `data`.
  await knex.schema.createTable('activities', (t) => {
    id(t);
    orgRef(t);
    ref(t, 'lead_id').notNullable().references('leads.id').onDelete('CASCADE');
    ref(t, 'contact_id').references('contacts.id').onDelete('SET NULL');
    ref(t, 'user_id').references('users.id').onDelete('SET NULL');
    t.text('type')
      .notNullable()
      .checkIn(
        ['Note', 'Call', 'Email', 'SMS', 'Meeting', 'LeadStatusChange', 'OpportunityStatusChange', 'Created', 'TaskCompleted'],
        'activities_type_check',
      );
    t.text('direction');
    t.text('status');
    t.integer('duration');
    t.timestamp('activity_at', { useTz: true, precision: 6 }).notNullable();
    t.jsonb('data').notNullable().defaultTo('{}');
    stamps(t);
    authorship(t);
  });
  await knex.raw('CREATE INDEX activities_lead_idx ON activities (lead_id, activity_at)');
  await knex.raw('CREATE INDEX activities_org_type_idx ON activities (organization_id, type, activity_at)');

  await knex.schema.createTable('custom_objects', (t) => {
    id(t);
    orgRef(t);
    ref(t, 'custom_object_type_id').notNullable().references('custom_object_types.id').onDelete('CASCADE');
    ref(t, 'lead_id').notNullable().references('leads.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.jsonb('custom').notNullable().defaultTo('{}');
    stamps(t);
    authorship(t);
  });
  await knex.raw('CREATE INDEX custom_objects_lead_idx ON custom_objects (lead_id)');
  await knex.raw('CREATE INDEX custom_objects_type_idx ON custom_objects (organization_id, custom_object_type_id)');

  // Smart Views: stored Advanced Filtering queries, referenced by `saved_search` query nodes.
  await knex.schema.createTable('saved_searches', (t) => {
    id(t);
    orgRef(t);
    ref(t, 'user_id').references('users.id').onDelete('SET NULL');
    t.text('name').notNullable();
    t.text('type').notNullable().defaultTo('lead');
    t.jsonb('s_query').notNullable();
    stamps(t);
    t.index(['organization_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'saved_searches',
    'custom_objects',
    'activities',
    'tasks',
    'opportunities',
    'addresses',
    'contact_urls',
    'contact_phones',
    'contact_emails',
    'contacts',
    'leads',
    'custom_fields',
    'custom_object_types',
    'opportunity_statuses',
    'pipelines',
    'lead_statuses',
    'access_tokens',
    'api_keys',
    'users',
    'organizations',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
