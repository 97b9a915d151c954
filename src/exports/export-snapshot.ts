import type { Knex } from 'knex';
import type pg from 'pg';
import type { CustomFieldDefinition, ExportShape } from '../writers/export-query.js';
import type { ExportParams } from './export-params.js';
import type { NativeQuery } from './export-selection.js';

/** The lead selection: the search compiler's query, or SQL with `$n` placeholders. */
export type LeadSelection = Knex.QueryBuilder | { sql: string; bindings: readonly unknown[] };

/** The ordered ids of the exported leads, for the export's transaction (dropped at its end). */
export const SNAPSHOT_TABLE = 'pg_temp.export_leads';

/** The ids of the contacts / opportunities that are rows, when not all of the leads' are. */
export const ROW_FILTER_TABLE = 'pg_temp.export_rows';

export type ExportSnapshot = {
  /** Leads selected (rows of `SNAPSHOT_TABLE`, `seq` 1…leadCount). */
  leadCount: number;
  /** Rows the file will hold: leads, or the contacts / opportunities of those leads. */
  nDocs: number;
  customFields: CustomFieldDefinition[];
  /** The most addresses any selected lead has, at least 1; only counted when CSV needs it. */
  addressBlocks: number;
  /** Only the contacts / opportunities in `ROW_FILTER_TABLE` are rows. */
  rowsFiltered: boolean;
};

/**
 * Freezes what the export will write, inside the caller's REPEATABLE READ transaction: the
 * ordered lead ids (numbered 1…n in the selection's order), the number of rows, the custom field
 * definitions and the number of address blocks. Everything later reads the same snapshot.
 */
export async function takeExportSnapshot(
  connection: pg.ClientBase,
  options: { organizationId: string; params: ExportParams; leadSelection?: LeadSelection; rowSelection?: NativeQuery },
): Promise<ExportSnapshot> {
  const { organizationId, params } = options;
  const selection = selectionSql(options.leadSelection, organizationId);

  await connection.query(`CREATE TEMP TABLE export_leads (seq bigint NOT NULL, id text COLLATE "C" NOT NULL) ON COMMIT DROP`);
  // row_number() OVER () numbers rows in the order the ordered subquery yields them: PostgreSQL
  // feeds a window without ORDER BY its input as is (test: "follows the selection's order").
  const inserted = await connection.query(
    `INSERT INTO ${SNAPSHOT_TABLE} (seq, id) SELECT row_number() OVER (), s.id FROM (${selection.sql}) s`,
    [...selection.bindings],
  );
  const leadCount = inserted.rowCount ?? 0;
  // Built after the load (a sorted build beats a million inserts into a live index); analyzed
  // so that the planner sizes each batch's joins right (autovacuum never sees temp tables).
  await connection.query(`ALTER TABLE ${SNAPSHOT_TABLE} ADD PRIMARY KEY (seq)`);
  await connection.query(`ANALYZE ${SNAPSHOT_TABLE}`);

  const rowsFiltered = params.type !== 'leads' && options.rowSelection !== undefined;
  if (rowsFiltered) {
    await connection.query(`CREATE TEMP TABLE export_rows (id text COLLATE "C" PRIMARY KEY) ON COMMIT DROP`);
    await connection.query(`INSERT INTO ${ROW_FILTER_TABLE} (id) SELECT s.id FROM (${options.rowSelection!.sql}) s`, [...options.rowSelection!.bindings]);
    await connection.query(`ANALYZE ${ROW_FILTER_TABLE}`);
  }

  let nDocs = leadCount;
  if (params.type !== 'leads') {
    const table = params.type === 'contacts' ? 'contacts' : 'opportunities';
    const filter = rowsFiltered ? ` JOIN ${ROW_FILTER_TABLE} r ON r.id = o.id` : '';
    nDocs = await count(connection, `SELECT count(*) FROM ${table} o JOIN ${SNAPSHOT_TABLE} b ON b.id = o.lead_id${filter}`);
  }

  const csvAddresses = params.format === 'csv' && (params.type === 'leads' ? params.fields.includes('addresses') : params.include_addresses);
  const addressBlocks = csvAddresses
    ? Math.max(
        1,
        await count(
          connection,
          `SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM addresses a JOIN ${SNAPSHOT_TABLE} b ON b.id = a.lead_id GROUP BY a.lead_id) x`,
        ),
      )
    : 1;

  const definitions = await connection.query<{
    id: string;
    object_type: CustomFieldDefinition['objectType'];
    custom_object_type_id: string | null;
    name: string;
    type: CustomFieldDefinition['type'];
    accepts_multiple_values: boolean;
  }>(
    `SELECT id, object_type, custom_object_type_id, name, type, accepts_multiple_values FROM custom_fields
     WHERE organization_id = $1 ORDER BY position, lower(name), id`,
    [organizationId],
  );
  const customFields = definitions.rows.map((r) => ({
    id: r.id,
    objectType: r.object_type,
    customObjectTypeId: r.custom_object_type_id,
    name: r.name,
    type: r.type,
    acceptsMultipleValues: r.accepts_multiple_values === true || (r.accepts_multiple_values as unknown) === 't',
  }));

  return { leadCount, nDocs, customFields, addressBlocks, rowsFiltered };
}

function selectionSql(selection: LeadSelection | undefined, organizationId: string): { sql: string; bindings: readonly unknown[] } {
  if (!selection) {
    return { sql: 'SELECT l.id FROM leads l WHERE l.organization_id = $1 ORDER BY l.id', bindings: [organizationId] };
  }
  if ('toSQL' in selection && typeof selection.toSQL === 'function') {
    const native = selection.toSQL().toNative();
    return { sql: native.sql, bindings: native.bindings };
  }
  return selection as { sql: string; bindings: readonly unknown[] };
}

async function count(connection: pg.ClientBase, sql: string): Promise<number> {
  const result = await connection.query<{ n: string | number }>({ text: sql, rowMode: 'array' } as pg.QueryConfig);
  return Number((result.rows[0] as unknown as unknown[])[0]);
}

/** Everything that decides the file's shape: the request's parameters resolved against the snapshot. */
export function exportShapeOf(
  organizationId: string,
  params: ExportParams,
  snapshot: Pick<ExportSnapshot, 'customFields' | 'addressBlocks' | 'rowsFiltered'>,
): ExportShape {
  return {
    organizationId,
    type: params.type,
    format: params.format,
    dateFormat: params.date_format,
    fields: params.fields,
    includeSmartFields: params.include_smart_fields,
    includeAddresses: params.include_addresses,
    includeActivities: params.include_activities,
    includeCustomObjects: params.include_custom_objects,
    customFields: snapshot.customFields,
    addressBlocks: snapshot.addressBlocks,
    rowFilterTable: snapshot.rowsFiltered ? ROW_FILTER_TABLE : undefined,
  };
}
