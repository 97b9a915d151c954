import { dateTimeSql, type DateRendering } from './date-format.js';
import { fieldsInFileOrder, type ContactField, type LeadField, type OpportunityExportField, type OpportunityField } from './export-fields.js';
import {
  ADDRESS_COLUMNS,
  addressesJoin,
  contactListJoin,
  customCellSql,
  customUserNamesSql,
  customValueSql,
  joinedUserNameSql,
  leadStatusJoin,
  otherValuesSql,
  primaryContactJoin,
  type CustomFieldDefinition,
  type ExportShape,
  type JoinSet,
} from './export-query.js';
import { opportunityFieldSql } from './opportunity-fields.js';
import { SMART_FIELDS, smartFieldJoinsSql, smartFieldValueSql } from './smart-fields.js';

/**
 * The CSV column catalogue: which columns each `fields` name expands to, in a stable order, and
 * the SQL of each cell. PostgreSQL formats the cells (COPY … WITH (FORMAT csv)); this module only
 * writes the SELECT list. The order is the file contract (README "Export files"):
 *
 * - `leads`: one row per lead. Lead basics (`id`, `display_name`, `name`, …), then `contacts` →
 *   `primary_contact_*` (the first contact), `addresses` → `address_{n}_*` blocks (n = 1 … the
 *   most addresses of any exported lead), `custom` → `custom.<Field Name>` (user fields as
 *   `custom.<Name>.id` + `custom.<Name>.name`), then the smart fields when asked.
 * - `contacts`: one row per contact: the contact's columns (`contact_*`, chosen by `fields`),
 *   then its lead's columns (`lead_*`, always), `lead_address_{n}_*` with `include_addresses`,
 *   the lead's smart fields with `include_smart_fields`.
 * - `lead_opps`: the same with `opportunity_*` columns, one row per opportunity.
 * - `opps` (an opportunity export): one row per opportunity under Close's opportunity-export
 *   names: the opportunity's own (`id`, `status_label`, `custom.<Field Name>`, …) and its lead's
 *   `lead_id` and `lead_name`, chosen by `fields`.
 *
 * Several values in one cell are joined with "; "; empty cells are NULL, `""` an empty string.
 */
export type CsvColumn = { header: string; sql: string };

type Context = { shape: ExportShape; joins: JoinSet; rendering: DateRendering };

/** The columns of a CSV export of `shape`, registering the joins they need on `joins`. */
export function csvColumns(shape: ExportShape, joins: JoinSet): CsvColumn[] {
  const ctx: Context = { shape, joins, rendering: shape.dateFormat };
  const columns: CsvColumn[] = [];
  switch (shape.type) {
    case 'leads':
      for (const field of fieldsInFileOrder('leads', 'csv', shape.fields) as LeadField[]) columns.push(...leadFieldColumns(ctx, field));
      break;
    case 'contacts':
      for (const field of fieldsInFileOrder('contacts', 'csv', shape.fields) as ContactField[]) columns.push(...contactFieldColumns(ctx, field));
      columns.push(...leadContextColumns(ctx));
      break;
    case 'lead_opps':
      for (const field of fieldsInFileOrder('lead_opps', 'csv', shape.fields) as OpportunityField[]) columns.push(...opportunityFieldColumns(ctx, field));
      columns.push(...leadContextColumns(ctx));
      break;
    case 'opps':
      for (const field of fieldsInFileOrder('opps', 'csv', shape.fields) as OpportunityExportField[]) {
        if (field === 'lead_id') columns.push(col(field, 'l.id'));
        else if (field === 'lead_name') columns.push(col(field, 'l.display_name'));
        else columns.push(...opportunityFieldColumns(ctx, field, ''));
      }
      break;
  }
  if (shape.includeSmartFields) columns.push(...smartFieldColumns(ctx));
  return columns;
}

const col = (header: string, sql: string): CsvColumn => ({ header, sql });

function leadFieldColumns(ctx: Context, field: LeadField): CsvColumn[] {
  const { joins, rendering, shape } = ctx;
  switch (field) {
    case 'id':
    case 'display_name':
    case 'name':
    case 'description':
    case 'url':
    case 'status_id':
    case 'organization_id':
    case 'created_by':
    case 'updated_by':
      return [col(field, `l.${field}`)];
    case 'status_label':
      return [col(field, `${leadStatusJoin(joins)}.label`)];
    case 'created_by_name':
      return [col(field, joinedUserNameSql(joins, 'lcb', 'l.created_by'))];
    case 'updated_by_name':
      return [col(field, joinedUserNameSql(joins, 'lub', 'l.updated_by'))];
    case 'date_created':
    case 'date_updated':
      return [col(field, dateTimeSql(`l.${field}`, rendering))];
    case 'contacts':
      return primaryContactColumns(joins);
    case 'addresses':
      return addressColumns(joins, shape.addressBlocks, 'address');
    case 'custom':
      return customColumns(ctx, 'l', 'custom', ownFields(shape, 'lead'));
    case 'contact_ids':
    case 'opportunities':
    case 'tasks':
      // JSON-only names; export-params rejects them for CSV before we get here.
      throw new Error(`field ${field} has no CSV columns`);
  }
}

function primaryContactColumns(joins: JoinSet): CsvColumn[] {
  const pc = primaryContactJoin(joins);
  const phones = contactListJoin(joins, pc, 'phones');
  const emails = contactListJoin(joins, pc, 'emails');
  const urls = contactListJoin(joins, pc, 'urls');
  return [
    col('primary_contact_name', `${pc}.name`),
    col('primary_contact_title', `${pc}.title`),
    col('primary_contact_primary_phone', `${phones}.v[1]`),
    col('primary_contact_primary_phone_type', `${phones}.t[1]`),
    col('primary_contact_other_phones', otherValuesSql(`${phones}.v`)),
    col('primary_contact_primary_email', `${emails}.v[1]`),
    col('primary_contact_primary_email_type', `${emails}.t[1]`),
    col('primary_contact_other_emails', otherValuesSql(`${emails}.v`)),
    col('primary_contact_primary_url', `${urls}.v[1]`),
    col('primary_contact_other_urls', otherValuesSql(`${urls}.v`)),
  ];
}

/** `address_{n}_label, _address_1, _address_2, _city, _state, _zip, _country` (Close writes `zip`). */
function addressColumns(joins: JoinSet, blocks: number, prefix: string): CsvColumn[] {
  const ad = addressesJoin(joins);
  const columns: CsvColumn[] = [];
  for (let n = 1; n <= blocks; n++) {
    for (const c of ADDRESS_COLUMNS) {
      columns.push(col(`${prefix}_${n}_${c === 'zipcode' ? 'zip' : c}`, `${ad}.${c}[${n}]`));
    }
  }
  return columns;
}

function ownFields(shape: ExportShape, objectType: CustomFieldDefinition['objectType']): CustomFieldDefinition[] {
  return shape.customFields.filter((d) => d.objectType === objectType);
}

/** `<prefix>.<Field Name>` per field; user fields split into `.id` and `.name`. */
function customColumns(ctx: Context, ownerAlias: string, prefix: string, definitions: readonly CustomFieldDefinition[]): CsvColumn[] {
  const columns: CsvColumn[] = [];
  for (const definition of definitions) {
    const value = customValueSql(ownerAlias, definition);
    const header = `${prefix}.${definition.name}`;
    if (definition.type === 'user') {
      columns.push(col(`${header}.id`, customCellSql(value, definition, ctx.rendering)));
      columns.push(col(`${header}.name`, customUserNamesSql(value, definition, ctx.shape.organizationId)));
    } else {
      columns.push(col(header, customCellSql(value, definition, ctx.rendering)));
    }
  }
  return columns;
}

function contactFieldColumns(ctx: Context, field: ContactField): CsvColumn[] {
  const { joins, rendering } = ctx;
  switch (field) {
    case 'id':
    case 'name':
    case 'title':
    case 'organization_id':
    case 'created_by':
    case 'updated_by':
      return [col(`contact_${field}`, `c.${field}`)];
    case 'date_created':
    case 'date_updated':
      return [col(`contact_${field}`, dateTimeSql(`c.${field}`, rendering))];
    case 'emails': {
      const emails = contactListJoin(joins, 'c', 'emails');
      return [
        col('contact_primary_email', `${emails}.v[1]`),
        col('contact_primary_email_type', `${emails}.t[1]`),
        col('contact_other_emails', otherValuesSql(`${emails}.v`)),
      ];
    }
    case 'phones': {
      const phones = contactListJoin(joins, 'c', 'phones');
      return [
        col('contact_primary_phone', `${phones}.v[1]`),
        col('contact_primary_phone_type', `${phones}.t[1]`),
        col('contact_other_phones', otherValuesSql(`${phones}.v`)),
      ];
    }
    case 'urls': {
      const urls = contactListJoin(joins, 'c', 'urls');
      return [col('contact_primary_url', `${urls}.v[1]`), col('contact_other_urls', otherValuesSql(`${urls}.v`))];
    }
    case 'custom':
      return customColumns(ctx, 'c', 'contact_custom', ownFields(ctx.shape, 'contact'));
  }
}

/** An opportunity's columns, headed `<prefix><field>` (custom fields `<prefix>custom.<Name>`). */
function opportunityFieldColumns(ctx: Context, field: OpportunityField, prefix = 'opportunity_'): CsvColumn[] {
  if (field === 'custom') return customColumns(ctx, 'o', `${prefix}custom`, ownFields(ctx.shape, 'opportunity'));
  return [col(`${prefix}${field}`, opportunityFieldSql(field, 'o', ctx.joins, ctx.rendering))];
}

/** The lead of a contact or opportunity row: always the same columns, whatever `fields` says. */
function leadContextColumns(ctx: Context): CsvColumn[] {
  const { joins, rendering, shape } = ctx;
  const columns = [
    col('lead_id', 'l.id'),
    col('lead_name', 'l.display_name'),
    col('lead_status_id', 'l.status_id'),
    col('lead_status_label', `${leadStatusJoin(joins)}.label`),
    col('lead_url', 'l.url'),
    col('lead_description', 'l.description'),
    col('lead_created_by', 'l.created_by'),
    col('lead_created_by_name', joinedUserNameSql(joins, 'lcb', 'l.created_by')),
    col('lead_updated_by', 'l.updated_by'),
    col('lead_updated_by_name', joinedUserNameSql(joins, 'lub', 'l.updated_by')),
    col('lead_date_created', dateTimeSql('l.date_created', rendering)),
    col('lead_date_updated', dateTimeSql('l.date_updated', rendering)),
    ...customColumns(ctx, 'l', 'lead_custom', ownFields(shape, 'lead')),
  ];
  if (shape.includeAddresses) columns.push(...addressColumns(joins, shape.addressBlocks, 'lead_address'));
  return columns;
}

function smartFieldColumns(ctx: Context): CsvColumn[] {
  for (const [i, join] of smartFieldJoinsSql('l').entries()) ctx.joins.use(`sf${i}`, join);
  return SMART_FIELDS.map((d) => col(d.name, smartFieldValueSql(d, ctx.rendering)));
}
