import type { FieldDef, ValueType } from './field-types.js';
import { LEAD_SMART_FIELDS } from './smart-fields.js';
import { raw, sql, type Sql } from './sql-fragment.js';

/**
 * The closed map from Close's Advanced Filtering names to our schema: object types, their
 * fields (value type + SQL), the relations `has_related` may follow, and what the field-less
 * `text` query searches. Every identifier that reaches SQL comes from here; input only ever
 * selects an entry.
 */

export type CustomFieldOwner = 'lead' | 'contact' | 'opportunity' | 'custom_object';

/** An organization's custom field definition (a `custom_fields` row), loaded by the caller. */
export type CustomFieldDef = {
  id: string;
  objectType: CustomFieldOwner;
  customObjectTypeId?: string | null;
  name: string;
  type: 'text' | 'textarea' | 'number' | 'date' | 'datetime' | 'choices' | 'user' | 'contact';
  acceptsMultipleValues: boolean;
  choices?: readonly string[] | null;
};

/** Parents an object links to, by the SQL of its linking column (over its own alias). */
type Links = Partial<Record<'lead' | 'contact' | 'opportunity' | 'task', (alias: string) => Sql>>;

/** Where the field-less `text` query looks: a field of this object, or of a related one. */
export type TextTarget = { via?: string; field: string };

export type ObjectTypeDef = {
  name: string;
  table: string;
  /** Restricts the shared table to this type (the activity types share `activities`). */
  scope?: (alias: string) => Sql;
  /** Objects with a Close id (`lead_…`) can be searched for, sorted and returned. */
  hasId: boolean;
  links: Links;
  customFieldOwner?: CustomFieldOwner;
  fields: ReadonlyMap<string, FieldDef>;
  textTargets: readonly TextTarget[];
};

const column =
  (name: string) =>
  (alias: string): Sql =>
    raw(`${alias}.${name}`);

type FieldOptions = Partial<Pick<FieldDef, 'referenceTypes' | 'textKind' | 'sortable'>>;

function field(name: string, valueType: ValueType, expr: (alias: string) => Sql = column(name), options: FieldOptions = {}): FieldDef {
  return { name, valueType, expr, sortable: options.sortable ?? true, ...options };
}

const USER = ['user', 'user_or_group'] as const;
const text = (name: string, expr?: (alias: string) => Sql, options?: FieldOptions) => field(name, 'text', expr, options);
const choice = (name: string, expr?: (alias: string) => Sql) => field(name, 'choice', expr);
const ref = (name: string, referenceTypes: readonly string[], expr?: (alias: string) => Sql) => field(name, 'reference', expr, { referenceTypes });
const number = (name: string, expr?: (alias: string) => Sql) => field(name, 'number', expr);
const datetime = (name: string, expr?: (alias: string) => Sql) => field(name, 'datetime', expr);
const date = (name: string, expr?: (alias: string) => Sql) => field(name, 'date', expr);
const boolean = (name: string, expr?: (alias: string) => Sql) => field(name, 'boolean', expr);

const stamps = () => [datetime('date_created'), datetime('date_updated'), ref('created_by', USER), ref('updated_by', USER)];
const data = (key: string) => (alias: string) => raw(`${alias}.data ->> '${key}'`);
/** A timestamp kept in a jsonb document; text that is not one reads as empty rather than failing the query. */
const dataTimestamp = (key: string) => (alias: string) =>
  raw(`CASE WHEN pg_input_is_valid(${alias}.data ->> '${key}', 'timestamptz') THEN (${alias}.data ->> '${key}')::timestamptz END`);

const opportunityStatus = (col: string) => (alias: string) =>
  raw(`(SELECT sf_os.${col} FROM opportunity_statuses sf_os WHERE sf_os.id = ${alias}.status_id)`);
const opportunityValue = (alias: string) => raw(`${alias}.value`);
const annualized = (alias: string) => raw(`(CASE ${alias}.value_period WHEN 'monthly' THEN ${alias}.value * 12 ELSE ${alias}.value END)`);

const leadFields: FieldDef[] = [
  ref('id', ['lead']),
  text('name'),
  text('display_name'),
  text('description'),
  text('url'),
  ref('status_id', ['status.lead']),
  text('status_label', (alias) => raw(`(SELECT sf_ls.label FROM lead_statuses sf_ls WHERE sf_ls.id = ${alias}.status_id)`)),
  ...stamps(),
  ...LEAD_SMART_FIELDS,
];

const contactFields: FieldDef[] = [
  ref('id', ['contact']),
  ref('lead_id', ['lead']),
  text('name'),
  text('display_name', column('name')),
  text('title'),
  ...stamps(),
];

const phone = (name: string, expr?: (alias: string) => Sql) => text(name, expr, { textKind: 'phone' });

const opportunityFields: FieldDef[] = [
  ref('id', ['opportunity']),
  ref('lead_id', ['lead']),
  ref('contact_id', ['contact']),
  ref('user_id', USER),
  ref('status_id', ['status.opportunity']),
  text('status_label', opportunityStatus('label')),
  choice('status_type', opportunityStatus('type')),
  ref('pipeline_id', ['pipeline'], opportunityStatus('pipeline_id')),
  number('value', opportunityValue),
  choice('value_currency'),
  choice('value_period'),
  number('confidence'),
  number('expected_value', (alias) => raw(`(${alias}.value * ${alias}.confidence / 100.0)`)),
  number('annualized_value', annualized),
  number('annualized_expected_value', (alias) => sql`(${annualized(alias)} * ${raw(`${alias}.confidence`)} / 100.0)`),
  text('note'),
  date('date_won'),
  datetime('date_lost'),
  ...stamps(),
];

const taskFields: FieldDef[] = [
  ref('id', ['task']),
  ref('lead_id', ['lead']),
  ref('contact_id', ['contact']),
  ref('assigned_to', USER),
  choice('type'),
  choice('_type', column('type')),
  text('text'),
  date('due_date'),
  boolean('is_complete'),
  ...stamps(),
];

const activityCommonFields = (): FieldDef[] => [
  ref('id', ['activity']),
  ref('lead_id', ['lead']),
  ref('contact_id', ['contact']),
  ref('user_id', USER),
  datetime('date', column('activity_at')),
  datetime('activity_at'),
  choice('direction'),
  choice('status'),
  number('duration'),
  ...stamps(),
];

/** Close's `activity.<kind>` names and our `activities.type` values (spec §4.6). */
const ACTIVITY_KINDS: Record<string, { type: string; fields: FieldDef[]; textTargets: TextTarget[]; links?: Links }> = {
  note: { type: 'Note', fields: [text('note', data('note'))], textTargets: [{ field: 'note' }] },
  call: {
    type: 'Call',
    fields: [text('note', data('note')), phone('phone', data('phone')), phone('remote_phone', data('remote_phone'))],
    textTargets: [{ field: 'note' }],
  },
  email: {
    type: 'Email',
    fields: [text('subject', data('subject')), text('body_text', data('body_text')), text('sender', data('sender')), datetime('date_sent', dataTimestamp('date_sent'))],
    textTargets: [{ field: 'subject' }, { field: 'body_text' }],
  },
  sms: {
    type: 'SMS',
    fields: [text('text', data('text')), phone('remote_phone', data('remote_phone')), datetime('date_sent', dataTimestamp('date_sent'))],
    textTargets: [{ field: 'text' }],
  },
  meeting: {
    type: 'Meeting',
    fields: [text('title', data('title')), datetime('starts_at', dataTimestamp('starts_at')), datetime('ends_at', dataTimestamp('ends_at'))],
    textTargets: [{ field: 'title' }],
  },
  lead_status_change: {
    type: 'LeadStatusChange',
    fields: [ref('old_status_id', ['status.lead'], data('old_status_id')), ref('new_status_id', ['status.lead'], data('new_status_id'))],
    textTargets: [],
  },
  opportunity_status_change: {
    type: 'OpportunityStatusChange',
    fields: [
      ref('opportunity_id', ['opportunity'], data('opportunity_id')),
      ref('old_status_id', ['status.opportunity'], data('old_status_id')),
      ref('new_status_id', ['status.opportunity'], data('new_status_id')),
      choice('old_status_type', data('old_status_type')),
      choice('new_status_type', data('new_status_type')),
    ],
    textTargets: [],
    links: { opportunity: data('opportunity_id') },
  },
  created: { type: 'Created', fields: [], textTargets: [] },
  task_completed: {
    type: 'TaskCompleted',
    fields: [ref('task_id', ['task'], data('task_id')), text('task_text', data('task_text'))],
    textTargets: [{ field: 'task_text' }],
    links: { task: data('task_id') },
  },
};

const leadLink = { lead: column('lead_id') };
const leadAndContactLinks = { lead: column('lead_id'), contact: column('contact_id') };

function objectType(def: Omit<ObjectTypeDef, 'fields'> & { fields: FieldDef[] }): ObjectTypeDef {
  return { ...def, fields: new Map(def.fields.map((f) => [f.name, f])) };
}

const OBJECT_TYPES: ObjectTypeDef[] = [
  objectType({
    name: 'lead',
    table: 'leads',
    hasId: true,
    links: {},
    customFieldOwner: 'lead',
    fields: leadFields,
    textTargets: [
      { field: 'display_name' },
      { via: 'contact', field: 'name' },
      { via: 'contact_email', field: 'email' },
      { via: 'contact_phone', field: 'phone' },
      { via: 'activity.note', field: 'note' },
    ],
  }),
  objectType({
    name: 'contact',
    table: 'contacts',
    hasId: true,
    links: leadLink,
    customFieldOwner: 'contact',
    fields: contactFields,
    textTargets: [{ field: 'name' }, { via: 'contact_email', field: 'email' }, { via: 'contact_phone', field: 'phone' }],
  }),
  objectType({
    name: 'contact_email',
    table: 'contact_emails',
    hasId: false,
    links: leadAndContactLinks,
    fields: [text('email'), choice('type'), boolean('is_unsubscribed'), ref('contact_id', ['contact']), ref('lead_id', ['lead'])],
    textTargets: [{ field: 'email' }],
  }),
  objectType({
    name: 'contact_phone',
    table: 'contact_phones',
    hasId: false,
    links: leadAndContactLinks,
    fields: [phone('phone'), choice('type'), choice('country'), ref('contact_id', ['contact']), ref('lead_id', ['lead'])],
    textTargets: [{ field: 'phone' }],
  }),
  objectType({
    name: 'contact_url',
    table: 'contact_urls',
    hasId: false,
    links: leadAndContactLinks,
    fields: [text('url'), choice('type'), ref('contact_id', ['contact']), ref('lead_id', ['lead'])],
    textTargets: [{ field: 'url' }],
  }),
  objectType({
    name: 'address',
    table: 'addresses',
    hasId: false,
    links: leadLink,
    fields: [
      choice('label'),
      text('address_1'),
      text('address_2'),
      text('city'),
      text('state'),
      text('zipcode'),
      choice('country'),
      text('location', (alias) =>
        raw(`concat_ws(' ', ${['address_1', 'address_2', 'city', 'state', 'zipcode', 'country'].map((c) => `${alias}.${c}`).join(', ')})`),
      ),
      ref('lead_id', ['lead']),
    ],
    textTargets: [{ field: 'location' }],
  }),
  objectType({
    name: 'opportunity',
    table: 'opportunities',
    hasId: true,
    links: leadAndContactLinks,
    customFieldOwner: 'opportunity',
    fields: opportunityFields,
    textTargets: [{ field: 'note' }],
  }),
  objectType({
    name: 'task',
    table: 'tasks',
    hasId: true,
    links: leadAndContactLinks,
    fields: taskFields,
    textTargets: [{ field: 'text' }],
  }),
  objectType({
    name: 'activity',
    table: 'activities',
    hasId: true,
    links: leadAndContactLinks,
    fields: [...activityCommonFields(), choice('type'), choice('_type', column('type'))],
    textTargets: [],
  }),
  ...Object.entries(ACTIVITY_KINDS).map(([kind, def]) =>
    objectType({
      name: `activity.${kind}`,
      table: 'activities',
      scope: (alias) => raw(`${alias}.type = '${def.type}'`),
      hasId: true,
      links: { ...leadAndContactLinks, ...def.links },
      fields: [...activityCommonFields(), ...def.fields],
      textTargets: def.textTargets,
    }),
  ),
  objectType({
    name: 'custom_object',
    table: 'custom_objects',
    hasId: true,
    links: leadLink,
    customFieldOwner: 'custom_object',
    fields: [ref('id', ['custom_object']), ref('lead_id', ['lead']), ref('custom_object_type_id', ['custom_object_type']), text('name'), ...stamps()],
    textTargets: [{ field: 'name' }],
  }),
];

const BY_NAME = new Map(OBJECT_TYPES.map((t) => [t.name, t]));

export const OBJECT_TYPE_NAMES: readonly string[] = OBJECT_TYPES.map((t) => t.name);

/** Object types a search can return (the REST search endpoint, an export's selection). */
export const SEARCHABLE_OBJECT_TYPES: readonly string[] = OBJECT_TYPES.filter((t) => t.hasId).map((t) => t.name);

export function objectTypeDef(name: string): ObjectTypeDef | undefined {
  return BY_NAME.get(name);
}

/**
 * How rows of `from` relate to rows of `to`: `outer` (over `from`'s alias) equals `inner`
 * (over `to`'s alias). Undefined when Close offers no such relation.
 */
export type Relation = {
  from: ObjectTypeDef;
  to: ObjectTypeDef;
  outer: (alias: string) => Sql;
  inner: (alias: string) => Sql;
  /** `inner` is the related object's id, never NULL. */
  innerIsId: boolean;
};

export function findRelation(from: ObjectTypeDef, to: ObjectTypeDef): Relation | undefined {
  const id = column('id');
  const childLink = to.links[from.name as keyof Links];
  if (childLink && from.hasId) return { from, to, outer: id, inner: childLink, innerIsId: false };
  const parentLink = from.links[to.name as keyof Links];
  if (parentLink && to.hasId) return { from, to, outer: parentLink, inner: id, innerIsId: true };
  return undefined;
}

export function relatedTypeNames(from: ObjectTypeDef): string[] {
  return OBJECT_TYPES.filter((to) => findRelation(from, to)).map((t) => t.name);
}

/**
 * A custom field as a searchable field of its owner. Values live in the owner's `custom`
 * jsonb under the field id (bound, never pasted); text that does not parse as the field's type
 * reads as empty instead of failing the query.
 */
export function customFieldAsField(def: CustomFieldDef): FieldDef {
  const json = { column: 'custom', key: def.id };
  const textValue = (alias: string) => sql`(${raw(`${alias}.custom`)} ->> ${def.id})`;
  const jsonValue = (alias: string) => sql`(${raw(`${alias}.custom`)} -> ${def.id})`;
  const parsed = (type: string) => (alias: string) =>
    sql`(CASE WHEN pg_input_is_valid(${textValue(alias)}, ${raw(`'${type}'`)}) THEN ${textValue(alias)}::${raw(type)} END)`;
  const multi = def.acceptsMultipleValues && (def.type === 'choices' || def.type === 'user' || def.type === 'contact');
  const base = { name: def.id, json, sortable: !multi, multi: multi || undefined };
  switch (def.type) {
    case 'text':
    case 'textarea':
      return { ...base, valueType: 'text', expr: textValue };
    case 'number':
      return { ...base, valueType: 'number', expr: parsed('numeric') };
    case 'date':
      return { ...base, valueType: 'date', expr: parsed('date') };
    case 'datetime':
      return { ...base, valueType: 'datetime', expr: parsed('timestamptz') };
    case 'choices':
      return { ...base, valueType: 'choice', expr: multi ? jsonValue : textValue };
    case 'user':
      return { ...base, valueType: 'reference', referenceTypes: USER, expr: multi ? jsonValue : textValue };
    case 'contact':
      return { ...base, valueType: 'reference', referenceTypes: ['contact'], expr: multi ? jsonValue : textValue };
  }
}
