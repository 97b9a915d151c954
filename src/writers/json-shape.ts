import { dateSql, dateTimeSql } from './date-format.js';
import { fieldsInFileOrder, type ContactField, type LeadField, type OpportunityExportField, type OpportunityField } from './export-fields.js';
import { opportunityFieldSql } from './opportunity-fields.js';
import {
  customObjectJsonSql,
  JoinSet,
  jsonArraySql,
  jsonObjectSql,
  leadStatusJoin,
  joinedUserNameSql,
  userNameSql,
  type CustomFieldDefinition,
  type ExportShape,
} from './export-query.js';
import { SMART_FIELDS, smartFieldJoinsSql, smartFieldValueSql } from './smart-fields.js';
import { sqlLiteral } from './sql-literal.js';

/**
 * The JSON export shapes as SQL: one `json` value per file element, built by PostgreSQL
 * (json_build_object / json_agg), so Node never parses a row (stack notes S2).
 *
 * - `leads`: Close-shaped lead objects: the selected lead fields, nested `contacts` (with
 *   `emails`, `phones`, `urls`), `addresses`, `opportunities`, `tasks`, `custom` keyed by field
 *   name; then the smart fields, `activities` and `custom_objects` when asked.
 * - `contacts` / `lead_opps`: contact / opportunity objects with the selected fields, then
 *   `lead_id` and `lead_name`, and `lead_addresses` with `include_addresses`.
 * - `opps` (an opportunity export): opportunity objects with the selected fields, `lead_id` and
 *   `lead_name` among them.
 *
 * Keys follow the file order of `export-fields.ts`; datetimes are the API's ISO-8601 with
 * microseconds (`date_format` does not apply to JSON); nulls are kept (`"url": null`).
 */
export function jsonRowSql(shape: ExportShape, joins: JoinSet): string {
  switch (shape.type) {
    case 'leads':
      return leadObjectSql(shape, joins);
    case 'contacts': {
      const fields = fieldsInFileOrder('contacts', 'json', shape.fields) as ContactField[];
      return jsonObjectSql([...contactPairs('c', fields, shape), ...leadContextPairs(shape)]);
    }
    case 'lead_opps': {
      const fields = fieldsInFileOrder('lead_opps', 'json', shape.fields) as OpportunityField[];
      return jsonObjectSql([...opportunityPairs('o', fields, shape, joins), ...leadContextPairs(shape)]);
    }
    case 'opps': {
      const pairs: Pair[] = [];
      for (const field of fieldsInFileOrder('opps', 'json', shape.fields) as OpportunityExportField[]) {
        if (field === 'lead_id') pairs.push([field, 'l.id']);
        else if (field === 'lead_name') pairs.push([field, 'l.display_name']);
        else pairs.push(...opportunityPairs('o', [field], shape, joins));
      }
      return jsonObjectSql(pairs);
    }
  }
}

type Pair = readonly [string, string];
const iso = (expr: string) => dateTimeSql(expr, 'json');
const ownFields = (shape: ExportShape, objectType: CustomFieldDefinition['objectType']) =>
  shape.customFields.filter((d) => d.objectType === objectType);

function leadObjectSql(shape: ExportShape, joins: JoinSet): string {
  const pairs: Pair[] = [];
  for (const field of fieldsInFileOrder('leads', 'json', shape.fields) as LeadField[]) pairs.push([field, leadValueSql(shape, joins, field)]);
  if (shape.includeSmartFields) {
    for (const [i, join] of smartFieldJoinsSql('l').entries()) joins.use(`sf${i}`, join);
    for (const d of SMART_FIELDS) pairs.push([d.name, smartFieldValueSql(d, 'json')]);
  }
  if (shape.includeActivities) pairs.push(['activities', activitiesSql()]);
  if (shape.includeCustomObjects) pairs.push(['custom_objects', customObjectsSql(shape)]);
  return jsonObjectSql(pairs);
}

function leadValueSql(shape: ExportShape, joins: JoinSet, field: LeadField): string {
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
      return `l.${field}`;
    case 'status_label':
      return `${leadStatusJoin(joins)}.label`;
    case 'created_by_name':
      return joinedUserNameSql(joins, 'lcb', 'l.created_by');
    case 'updated_by_name':
      return joinedUserNameSql(joins, 'lub', 'l.updated_by');
    case 'date_created':
    case 'date_updated':
      return iso(`l.${field}`);
    case 'contacts':
      return jsonArraySql(
        jsonObjectSql(contactPairs('lc', ALL_CONTACT_FIELDS, shape, true)),
        'contacts lc WHERE lc.lead_id = l.id',
        'lc.position',
      );
    case 'contact_ids':
      return jsonArraySql('lc.id', 'contacts lc WHERE lc.lead_id = l.id', 'lc.position');
    case 'addresses':
      return addressesSql();
    case 'custom':
      return customObjectJsonSql('l', ownFields(shape, 'lead'));
    case 'opportunities': {
      const nested = new JoinSet();
      const object = jsonObjectSql([...opportunityPairs('lo', ALL_OPPORTUNITY_FIELDS, shape, nested), ...leadContextPairs(shape, false)]);
      return jsonArraySql(object, `opportunities lo ${nested.toSql()} WHERE lo.lead_id = l.id`, 'lo.date_created, lo.id');
    }
    case 'tasks':
      return tasksSql();
  }
}

const ALL_CONTACT_FIELDS: readonly ContactField[] = [
  'id', 'organization_id', 'name', 'title', 'emails', 'phones', 'urls', 'custom', 'created_by', 'updated_by', 'date_created', 'date_updated',
];

/** A contact's keys; `withLeadId` adds `lead_id` after `organization_id`, as the API's contact has it. */
function contactPairs(a: string, fields: readonly ContactField[], shape: ExportShape, withLeadId = false): Pair[] {
  const pairs: Pair[] = [];
  for (const field of fields) {
    switch (field) {
      case 'id':
      case 'name':
      case 'title':
      case 'organization_id':
      case 'created_by':
      case 'updated_by':
        pairs.push([field, `${a}.${field}`]);
        if (field === 'organization_id' && withLeadId) pairs.push(['lead_id', `${a}.lead_id`]);
        break;
      case 'date_created':
      case 'date_updated':
        pairs.push([field, iso(`${a}.${field}`)]);
        break;
      case 'emails':
        pairs.push([
          field,
          jsonArraySql(
            "json_build_object('email', e.email, 'type', e.type, 'is_unsubscribed', e.is_unsubscribed)",
            `contact_emails e WHERE e.contact_id = ${a}.id`,
            'e.position',
          ),
        ]);
        break;
      case 'phones':
        pairs.push([
          field,
          jsonArraySql("json_build_object('phone', e.phone, 'type', e.type, 'country', e.country)", `contact_phones e WHERE e.contact_id = ${a}.id`, 'e.position'),
        ]);
        break;
      case 'urls':
        pairs.push([field, jsonArraySql("json_build_object('url', e.url, 'type', e.type)", `contact_urls e WHERE e.contact_id = ${a}.id`, 'e.position')]);
        break;
      case 'custom':
        pairs.push([field, customObjectJsonSql(a, ownFields(shape, 'contact'))]);
        break;
    }
  }
  return pairs;
}

const ALL_OPPORTUNITY_FIELDS: readonly OpportunityField[] = [
  'id', 'organization_id', 'status_id', 'status_label', 'status_type', 'pipeline_id', 'pipeline_name', 'value', 'value_currency',
  'value_formatted', 'value_period', 'expected_value', 'annualized_value', 'annualized_expected_value', 'confidence', 'note', 'date_won',
  'date_lost', 'contact_id', 'contact_name', 'user_id', 'user_name', 'custom', 'created_by', 'created_by_name',
  'updated_by', 'updated_by_name', 'date_created', 'date_updated',
];

/** An opportunity's keys over the row aliased `a`, registering the joins they need as `a…`. */
function opportunityPairs(a: string, fields: readonly OpportunityField[], shape: ExportShape, joins: JoinSet): Pair[] {
  return fields.map((field): Pair => [
    field,
    field === 'custom' ? customObjectJsonSql(a, ownFields(shape, 'opportunity')) : opportunityFieldSql(field, a, joins, 'json'),
  ]);
}

/** `lead_id`, `lead_name` (its display name) and, with `include_addresses`, `lead_addresses`. */
function leadContextPairs(shape: ExportShape, withAddresses = true): Pair[] {
  const pairs: Pair[] = [
    ['lead_id', 'l.id'],
    ['lead_name', 'l.display_name'],
  ];
  if (withAddresses && shape.includeAddresses) pairs.push(['lead_addresses', addressesSql()]);
  return pairs;
}

function addressesSql(): string {
  return jsonArraySql(
    "json_build_object('label', ad.label, 'address_1', ad.address_1, 'address_2', ad.address_2, 'city', ad.city, 'state', ad.state, 'zipcode', ad.zipcode, 'country', ad.country)",
    'addresses ad WHERE ad.lead_id = l.id',
    'ad.position',
  );
}

function tasksSql(): string {
  const object = jsonObjectSql([
    ['id', 't.id'],
    ['_type', 't.type'],
    ['organization_id', 't.organization_id'],
    ['lead_id', 't.lead_id'],
    ['contact_id', 't.contact_id'],
    ['assigned_to', 't.assigned_to'],
    ['assigned_to_name', userNameSql('tu')],
    ['text', 't.text'],
    ['due_date', dateSql('t.due_date')],
    ['is_complete', 't.is_complete'],
    ['created_by', 't.created_by'],
    ['updated_by', 't.updated_by'],
    ['date_created', iso('t.date_created')],
    ['date_updated', iso('t.date_updated')],
  ]);
  return jsonArraySql(object, 'tasks t LEFT JOIN users tu ON tu.id = t.assigned_to WHERE t.lead_id = l.id', 't.date_created, t.id');
}

/** Keys every activity has; its type-specific fields (`data`) follow, without these names. */
const ACTIVITY_BASE_KEYS = [
  '_type', 'id', 'organization_id', 'lead_id', 'contact_id', 'user_id', 'user_name', 'created_by', 'updated_by',
  'date_created', 'date_updated', 'activity_at', 'direction', 'status', 'duration',
];

/**
 * All activities of the lead, newest first like the API's activity list: the keys every
 * activity has, then `direction`, `status` and `duration` when the activity has them, then the
 * type-specific fields of `data` (spec §4.6) in jsonb's key order.
 *
 * One object from three texts (a jsonb merge would reorder every key): the common keys as
 * json_build_object writes them, the optional ones as json_strip_nulls does (`"k":v`), then
 * `data` minus its `{`, whose `}` closes the object. Only `right(…, -1)` cuts text: left() and
 * substr() count the characters of the whole string, which was a fifth of an activity's cost.
 */
function activitiesSql(): string {
  const base = jsonMembersSql([
    ['_type', 'a.type'],
    ['id', 'a.id'],
    ['organization_id', 'a.organization_id'],
    ['lead_id', 'a.lead_id'],
    ['contact_id', 'a.contact_id'],
    ['user_id', 'a.user_id'],
    ['user_name', userNameSql('au')],
    ['created_by', 'a.created_by'],
    ['updated_by', 'a.updated_by'],
    ['date_created', iso('a.date_created')],
    ['date_updated', iso('a.date_updated')],
    ['activity_at', iso('a.activity_at')],
  ]);
  const optional = (['direction', 'status', 'duration'] as const).map((k) => `${sqlLiteral(`"${k}":`)} || to_json(a.${k})::text`);
  const data = `(a.data - ARRAY[${ACTIVITY_BASE_KEYS.map((k) => `'${k}'`).join(', ')}])::text`;
  const object =
    `('{' || ${base} || coalesce(', ' || nullif(array_to_string(ARRAY[${optional.join(', ')}], ','), ''), '')` +
    ` || CASE WHEN ax.data = '{}' THEN '}' ELSE ', ' || right(ax.data, -1) END)::json`;
  return jsonArraySql(
    object,
    `activities a LEFT JOIN users au ON au.id = a.user_id CROSS JOIN LATERAL (SELECT ${data} AS data) ax WHERE a.lead_id = l.id`,
    'a.activity_at DESC, a.id DESC',
  );
}

/**
 * The members of a JSON object without its braces, as text: `"key" : value, …` exactly as
 * json_build_object writes them (to_json renders a value the same way, NULL is `null`).
 * At most 50 pairs: a function call takes at most 100 arguments.
 */
function jsonMembersSql(pairs: readonly Pair[]): string {
  const parts = pairs.map(([key, value], i) => `${sqlLiteral(`${i === 0 ? '' : ', '}${JSON.stringify(key)} : `)}, coalesce(to_json(${value})::text, 'null')`);
  return `concat(${parts.join(', ')})`;
}

/** The lead's custom object instances (spec §4.8), `custom` keyed by their type's field names. */
function customObjectsSql(shape: ExportShape): string {
  const object = jsonObjectSql([
    ['id', 'co.id'],
    ['custom_object_type_id', 'co.custom_object_type_id'],
    ['name', 'co.name'],
    ['organization_id', 'co.organization_id'],
    ['lead_id', 'co.lead_id'],
    ['created_by', 'co.created_by'],
    ['updated_by', 'co.updated_by'],
    ['date_created', iso('co.date_created')],
    ['date_updated', iso('co.date_updated')],
    ['custom', customObjectJsonSql('co', ownFields(shape, 'custom_object'))],
  ]);
  return jsonArraySql(object, 'custom_objects co WHERE co.lead_id = l.id', 'co.date_created, co.id');
}
