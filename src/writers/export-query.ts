import { dateTimeSql, type DateRendering } from './date-format.js';
import type { DateFormat, ExportFormat, ExportType } from './export-fields.js';
import { sqlInteger, sqlLiteral } from './sql-literal.js';

/**
 * The building blocks every export statement shares: where the lead rows come from, the joins
 * the columns need (registered once each, in order), and the SQL of values that several
 * columns or shapes render the same way. Pure: returns SQL text.
 *
 * Aliases: `l` the lead; `c` the contact row (type `contacts`); `o` the opportunity row (type
 * `lead_opps`); the joins below use short fixed aliases, the smart fields `sf*`.
 */

/** A custom field definition, as the snapshot reads it from `custom_fields`. */
export type CustomFieldDefinition = {
  id: string;
  objectType: 'lead' | 'contact' | 'opportunity' | 'custom_object';
  customObjectTypeId: string | null;
  name: string;
  type: 'text' | 'textarea' | 'number' | 'date' | 'datetime' | 'choices' | 'user' | 'contact';
  acceptsMultipleValues: boolean;
};

/** Everything that decides the shape of an export file, resolved before the first row. */
export type ExportShape = {
  organizationId: string;
  type: ExportType;
  format: ExportFormat;
  dateFormat: DateFormat;
  fields: readonly string[];
  includeSmartFields: boolean;
  includeAddresses: boolean;
  includeActivities: boolean;
  includeCustomObjects: boolean;
  /** The organization's custom fields, in column order (position, name, id). */
  customFields: readonly CustomFieldDefinition[];
  /** Number of `address_{n}_*` column blocks (CSV): the most addresses any exported lead has, at least 1. */
  addressBlocks: number;
  /**
   * A table of ids (`id` column): only the contacts / opportunities listed there are rows (an
   * opportunity export's filters, or a query over contacts or opportunities). Unset: all of the
   * leads' are.
   */
  rowFilterTable?: string;
};

/** Where the lead rows (`l`) of one statement come from, and their order. */
export type LeadSource = { from: string; where: string; orderBy: string };

/** The leads of one batch of the export's snapshot table: `seq` in (`afterSeq`, `upToSeq`]. */
export function snapshotBatchSource(organizationId: string, snapshotTable: string, afterSeq: number, upToSeq: number): LeadSource {
  return {
    from: `${snapshotTable} b JOIN leads l ON l.id = b.id`,
    // The organization check is redundant with the snapshot; it keeps a wrong selection from
    // ever leaking another tenant's leads.
    where: `b.seq > ${sqlInteger(afterSeq)} AND b.seq <= ${sqlInteger(upToSeq)} AND l.organization_id = ${sqlLiteral(organizationId)}`,
    orderBy: 'b.seq',
  };
}

/** Every lead of the organization by id, in one statement: the benchmark's baseline. */
export function organizationLeadSource(organizationId: string): LeadSource {
  return { from: 'leads l', where: `l.organization_id = ${sqlLiteral(organizationId)}`, orderBy: 'l.id' };
}

/** Joins registered by key, emitted in registration order (a join may use earlier ones). */
export class JoinSet {
  private readonly joins = new Map<string, string>();

  /** Registers `sql` under `key` unless present; returns `key`, the join's alias by convention. */
  use(key: string, sql: string): string {
    if (!this.joins.has(key)) this.joins.set(key, sql);
    return key;
  }

  toSql(): string {
    return [...this.joins.values()].join('\n  ');
  }
}

/** A user's display name ("John Doe"), or their email when they have no name. */
export function userNameSql(alias: string): string {
  return `coalesce(nullif(btrim(${alias}.first_name || ' ' || ${alias}.last_name), ''), ${alias}.email)`;
}

/** Joins `users` as `alias` on `idSql` and returns the user's name. */
export function joinedUserNameSql(joins: JoinSet, alias: string, idSql: string): string {
  joins.use(alias, `LEFT JOIN users ${alias} ON ${alias}.id = ${idSql}`);
  return userNameSql(alias);
}

/** The lead's status row, aliased `ls`. */
export function leadStatusJoin(joins: JoinSet): string {
  return joins.use('ls', 'LEFT JOIN lead_statuses ls ON ls.id = l.status_id');
}

// Children (contacts, their emails/phones/urls, addresses) are read in `position` order alone,
// which their `(parent, position)` indexes yield without a sort; equal positions (the API never
// writes them) come in index order. An `id` tie-break costs a sort per lead and list: ~20% of a
// leads export.

/** The lead's first contact (Close's primary contact), aliased `pc`. */
export function primaryContactJoin(joins: JoinSet): string {
  return joins.use(
    'pc',
    'LEFT JOIN LATERAL (SELECT x.id, x.name, x.title FROM contacts x WHERE x.lead_id = l.id ORDER BY x.position LIMIT 1) pc ON true',
  );
}

export type ContactListKind = 'emails' | 'phones' | 'urls';
const LIST_TABLES: Readonly<Record<ContactListKind, { table: string; value: string }>> = {
  emails: { table: 'contact_emails', value: 'email' },
  phones: { table: 'contact_phones', value: 'phone' },
  urls: { table: 'contact_urls', value: 'url' },
};

/**
 * A contact's emails, phones or urls as two arrays in Close's order (the first is the primary
 * one): `<alias>.v` the values, `<alias>.t` their types. One index probe per contact.
 */
export function contactListJoin(joins: JoinSet, contactAlias: string, kind: ContactListKind): string {
  const { table, value } = LIST_TABLES[kind];
  const alias = `${contactAlias}_${kind[0]}`;
  return joins.use(
    alias,
    `LEFT JOIN LATERAL (SELECT array_agg(x.${value} ORDER BY x.position) AS v, array_agg(x.type ORDER BY x.position) AS t` +
      ` FROM ${table} x WHERE x.contact_id = ${contactAlias}.id) ${alias} ON true`,
  );
}

/** The separator of several values in one CSV cell (other emails, multi-value custom fields). */
export const CSV_VALUE_SEPARATOR = '; ';

/** The values after the first of a list as one cell, or NULL. */
export function otherValuesSql(arraySql: string): string {
  return `nullif(array_to_string(${arraySql}[2:], ${sqlLiteral(CSV_VALUE_SEPARATOR)}), '')`;
}

export const ADDRESS_COLUMNS = ['label', 'address_1', 'address_2', 'city', 'state', 'zipcode', 'country'] as const;

/** The lead's addresses as one array per column, in Close's order, aliased `ad`. */
export function addressesJoin(joins: JoinSet): string {
  const arrays = ADDRESS_COLUMNS.map((c) => `array_agg(x.${c} ORDER BY x.position) AS ${c}`).join(', ');
  return joins.use('ad', `LEFT JOIN LATERAL (SELECT ${arrays} FROM addresses x WHERE x.lead_id = l.id) ad ON true`);
}

/** The jsonb value of custom field `definition` on the row aliased `ownerAlias`. */
export function customValueSql(ownerAlias: string, definition: CustomFieldDefinition): string {
  return `${ownerAlias}.custom -> ${sqlLiteral(definition.id)}`;
}

/**
 * A custom value as one CSV cell: strings and numbers as they are, several values joined with
 * `CSV_VALUE_SEPARATOR`, datetimes in the export's date format.
 */
export function customCellSql(valueSql: string, definition: CustomFieldDefinition, rendering: DateRendering): string {
  const text = `(${valueSql}) #>> '{}'`;
  if (definition.acceptsMultipleValues) {
    return (
      `CASE WHEN jsonb_typeof(${valueSql}) = 'array' THEN (SELECT string_agg(e, ${sqlLiteral(CSV_VALUE_SEPARATOR)} ORDER BY n)` +
      ` FROM jsonb_array_elements_text(${valueSql}) WITH ORDINALITY AS t(e, n)) ELSE ${text} END`
    );
  }
  if (definition.type === 'datetime') {
    // Stored as ISO strings; one that does not parse is written as stored rather than failing the export.
    return `CASE WHEN pg_input_is_valid(${text}, 'timestamptz') THEN ${dateTimeSql(`(${text})::timestamptz`, rendering)} ELSE ${text} END`;
  }
  return text;
}

/** The names of the users a user custom field holds, joined like `customCellSql` joins ids. */
export function customUserNamesSql(valueSql: string, definition: CustomFieldDefinition, organizationId: string): string {
  const org = sqlLiteral(organizationId);
  if (!definition.acceptsMultipleValues) {
    return `(SELECT ${userNameSql('u')} FROM users u WHERE u.id = (${valueSql}) #>> '{}' AND u.organization_id = ${org})`;
  }
  return (
    `CASE WHEN jsonb_typeof(${valueSql}) IN ('array', 'string') THEN (SELECT string_agg(coalesce(${userNameSql('u')}, ''), ${sqlLiteral(CSV_VALUE_SEPARATOR)} ORDER BY t.n)` +
    ` FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(${valueSql}) = 'array' THEN ${valueSql} ELSE jsonb_build_array(${valueSql}) END)` +
    ` WITH ORDINALITY AS t(e, n) LEFT JOIN users u ON u.id = t.e AND u.organization_id = ${org}) END`
  );
}

/**
 * A row's custom values as a JSON object keyed by field name (Close's `custom` dict, spec
 * §5.1), only the fields that have a value, in column order. Keys are this owner's fields.
 *
 * The text is json_object_agg's (`{ "name" : value, … }`, `{}` when empty), built from one
 * `->` lookup per field: aggregating `jsonb_each` costs a function scan, a join and a sort per
 * row, about four times as much (a fifth of a leads export). JSON.stringify escapes a name
 * like PostgreSQL's escape_json: `"`, `\`, \b \f \n \r \t, other control characters as \u00xx.
 */
export function customObjectJsonSql(ownerAlias: string, definitions: readonly CustomFieldDefinition[]): string {
  if (definitions.length === 0) return `'{}'::json`;
  const members = definitions.map((d) => `${sqlLiteral(`${JSON.stringify(d.name)} : `)} || (${ownerAlias}.custom -> ${sqlLiteral(d.id)})::text`);
  // array_to_string skips the NULLs of absent fields, and an array has no 100-argument limit.
  return `coalesce('{ ' || nullif(array_to_string(ARRAY[${members.join(', ')}], ', '), '') || ' }', '{}')::json`;
}

/** json_build_object takes at most 100 arguments; objects with more keys are merged as text. */
const MAX_PAIRS_PER_CALL = 50;

/**
 * A JSON object from `[key, valueSql]` pairs, keys in the given order. Returns SQL of type
 * `json`. Values are SQL expressions; text becomes a JSON string, `json` values nest as is.
 */
export function jsonObjectSql(pairs: ReadonlyArray<readonly [string, string]>): string {
  if (pairs.length === 0) return `'{}'::json`;
  const calls: string[] = [];
  for (let i = 0; i < pairs.length; i += MAX_PAIRS_PER_CALL) {
    const args = pairs.slice(i, i + MAX_PAIRS_PER_CALL).map(([key, value]) => `${sqlLiteral(key)}, ${value}`);
    calls.push(`json_build_object(${args.join(', ')})`);
  }
  if (calls.length === 1) return calls[0];
  // '{"a" : 1}' + '{"b" : 2}' → '{"a" : 1, "b" : 2}': drop the inner braces, join with ", ".
  const parts = calls.map((call, i) => {
    const text = `${call}::text`;
    if (i === 0) return `left(${text}, -1)`;
    if (i === calls.length - 1) return `', ' || substr(${text}, 2)`;
    return `', ' || substr(left(${text}, -1), 2)`;
  });
  return `(${parts.join(' || ')})::json`;
}

/** A JSON array of `elementSql` over `fromWhere` in `orderBy` order, `[]` when empty. */
export function jsonArraySql(elementSql: string, fromWhere: string, orderBy: string): string {
  return `coalesce((SELECT json_agg(${elementSql} ORDER BY ${orderBy}) FROM ${fromWhere}), '[]'::json)`;
}

/** SQL of a date-time column in this export's rendering. */
export function renderingOf(shape: ExportShape): DateRendering {
  return shape.format === 'json' ? 'json' : shape.dateFormat;
}
