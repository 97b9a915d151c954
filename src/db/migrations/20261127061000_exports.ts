import type { Knex } from 'knex';

/**
 * Export records (Close's export object) and the gateway's own settings.
 *
 * Every change to an export row is announced with NOTIFY on `export_changed` (payload: the
 * export id and organization), so progress reaches GraphQL subscribers on any API process
 * whichever worker made the change.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('exports', (t) => {
    t.specificType('id', 'text COLLATE "C"').primary();
    t.specificType('organization_id', 'text COLLATE "C"').notNullable().references('organizations.id').onDelete('CASCADE');
    t.specificType('created_by', 'text COLLATE "C"').references('users.id').onDelete('SET NULL');
    t.specificType('updated_by', 'text COLLATE "C"').references('users.id').onDelete('SET NULL');
    t.text('kind').notNullable().checkIn(['lead', 'opportunity'], 'exports_kind_check');
    t.text('type').notNullable().checkIn(['leads', 'contacts', 'lead_opps', 'opps'], 'exports_type_check');
    t.text('format').notNullable().checkIn(['csv', 'json'], 'exports_format_check');
    t.text('date_format').notNullable().defaultTo('original').checkIn(['original', 'iso8601', 'excel'], 'exports_date_format_check');
    t.jsonb('fields').notNullable().defaultTo('[]');
    t.jsonb('s_query');
    t.integer('results_limit');
    t.jsonb('sort').notNullable().defaultTo('[]');
    t.jsonb('params').comment('opportunity exports: the /opportunity/ filters');
    t.text('query').comment('legacy textual query, echoed');
    t.boolean('include_activities').notNullable().defaultTo(false);
    t.boolean('include_smart_fields').notNullable().defaultTo(false);
    t.boolean('include_addresses').notNullable().defaultTo(false);
    t.boolean('include_custom_objects').notNullable().defaultTo(false);
    t.boolean('send_done_email').notNullable().defaultTo(true);
    t.integer('tz_offset_minutes').notNullable().defaultTo(0).comment('X-TZ-Offset of the request, for relative dates');
    t.text('status')
      .notNullable()
      .defaultTo('created')
      .checkIn(['created', 'started', 'in_progress', 'done', 'error', 'canceled', 'expired'], 'exports_status_check');
    t.integer('n_docs');
    t.integer('n_docs_processed').notNullable().defaultTo(0);
    t.bigInteger('bytes_written').notNullable().defaultTo(0);
    t.text('file_key');
    t.bigInteger('file_size');
    t.text('error');
    t.integer('attempt').notNullable().defaultTo(0).comment('bumped by every run; writes of older runs are ignored');
    t.text('idempotency_key');
    t.text('request_hash');
    t.timestamp('email_sent_at', { useTz: true });
    t.timestamp('date_created', { useTz: true, precision: 6 }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('date_updated', { useTz: true, precision: 6 }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('started_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true });
  });
  await knex.raw('CREATE INDEX exports_org_created_idx ON exports (organization_id, date_created DESC, id DESC)');
  await knex.raw("CREATE INDEX exports_active_idx ON exports (organization_id, status) WHERE status IN ('created', 'started', 'in_progress')");
  await knex.raw('CREATE INDEX exports_expires_idx ON exports (expires_at) WHERE status = \'done\'');
  await knex.raw(
    'CREATE UNIQUE INDEX exports_idempotency_key ON exports (organization_id, created_by, idempotency_key) WHERE idempotency_key IS NOT NULL',
  );
  await knex.raw(`
    CREATE FUNCTION exports_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('export_changed', json_build_object('id', NEW.id, 'organization_id', NEW.organization_id)::text);
      RETURN NEW;
    END $$`);
  await knex.raw(`CREATE TRIGGER exports_notify_change AFTER INSERT OR UPDATE ON exports
    FOR EACH ROW EXECUTE FUNCTION exports_notify_change()`);

  // Secrets every process must share (e.g. the key that signs download links).
  await knex.schema.createTable('gateway_settings', (t) => {
    t.text('key').primary();
    t.text('value').notNullable();
    t.timestamp('date_created', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('gateway_settings');
  await knex.schema.dropTableIfExists('exports');
  await knex.raw('DROP FUNCTION IF EXISTS exports_notify_change()');
}
