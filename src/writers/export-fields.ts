/**
 * The names a lead export's `fields` parameter may contain, per export type and format, and the
 * defaults echoed when it is omitted (spec §2.2, §2.8). Pure data: the CSV column catalogue
 * (`csv-columns.ts`) and the JSON shapes (`json-shape.ts`) expand these names.
 *
 * A name is a *group*: in CSV, `contacts` becomes the `primary_contact_*` columns and `custom`
 * one column per custom field (spec §5.2: "`fields` names groups that are expanded").
 */

/**
 * `leads`, `contacts` and `lead_opps` are the types of a lead export (`POST /export/lead/`);
 * `opps` is an opportunity export (`POST /export/opportunity/`): a row per opportunity like
 * `lead_opps`, but under Close's opportunity-export names (`id`, `lead_id`, `status_label`, …).
 */
export type ExportType = 'leads' | 'contacts' | 'lead_opps' | 'opps';
export type ExportFormat = 'csv' | 'json';
export type DateFormat = 'original' | 'iso8601' | 'excel';

/** The types `POST /export/lead/` accepts. */
export const EXPORT_TYPES: readonly ExportType[] = ['leads', 'contacts', 'lead_opps'];
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json'];
export const DATE_FORMATS: readonly DateFormat[] = ['original', 'iso8601', 'excel'];

/** Lead fields, in file order (the CSV header order and the JSON key order). */
const LEAD_FIELDS = [
  'id', 'display_name', 'name', 'description', 'url', 'status_id', 'status_label', 'organization_id',
  'created_by', 'created_by_name', 'updated_by', 'updated_by_name', 'date_created', 'date_updated',
  'contacts', 'addresses', 'custom',
] as const;
/** Nested lists a CSV row has no place for: only in JSON lead objects. */
const LEAD_JSON_ONLY_FIELDS = ['contact_ids', 'opportunities', 'tasks'] as const;

/** Contact fields, in file order. Every contact row/object also carries its lead (id, name). */
const CONTACT_FIELDS = [
  'id', 'name', 'title', 'emails', 'phones', 'urls', 'custom', 'organization_id',
  'created_by', 'updated_by', 'date_created', 'date_updated',
] as const;

/** Opportunity fields, in file order. Every opportunity row/object also carries its lead. */
const OPPORTUNITY_FIELDS = [
  'id', 'status_id', 'status_label', 'status_type', 'pipeline_id', 'pipeline_name',
  'value', 'value_currency', 'value_formatted', 'value_period', 'expected_value', 'annualized_value', 'annualized_expected_value',
  'confidence', 'note', 'date_won', 'date_lost', 'contact_id', 'contact_name', 'user_id', 'user_name', 'custom',
  'organization_id', 'created_by', 'created_by_name', 'updated_by', 'updated_by_name', 'date_created', 'date_updated',
] as const;

/** An opportunity export's fields: the opportunity's, with its lead's id and name after `id`, as Close's API opportunity has them. */
const OPPORTUNITY_EXPORT_FIELDS = ['id', 'lead_id', 'lead_name', ...OPPORTUNITY_FIELDS.slice(1)] as const;

export type LeadField = (typeof LEAD_FIELDS)[number] | (typeof LEAD_JSON_ONLY_FIELDS)[number];
export type ContactField = (typeof CONTACT_FIELDS)[number];
export type OpportunityField = (typeof OPPORTUNITY_FIELDS)[number];
export type OpportunityExportField = (typeof OPPORTUNITY_EXPORT_FIELDS)[number];
export type ExportField = LeadField | ContactField | OpportunityExportField;

/** Every name `fields` accepts, in file order. */
export const EXPORT_FIELDS: Readonly<Record<ExportType, Readonly<Record<ExportFormat, readonly ExportField[]>>>> = {
  leads: { csv: LEAD_FIELDS, json: [...LEAD_FIELDS, ...LEAD_JSON_ONLY_FIELDS] },
  contacts: { csv: CONTACT_FIELDS, json: CONTACT_FIELDS },
  lead_opps: { csv: OPPORTUNITY_FIELDS, json: OPPORTUNITY_FIELDS },
  opps: { csv: OPPORTUNITY_EXPORT_FIELDS, json: OPPORTUNITY_EXPORT_FIELDS },
};

/** Close's default `leads` list (spec §2.8, Appendix B.2), alphabetical as Close echoes it. */
const DEFAULT_LEAD_FIELDS = [
  'addresses', 'contacts', 'created_by', 'created_by_name', 'custom', 'date_created', 'date_updated',
  'description', 'display_name', 'id', 'name', 'status_id', 'status_label', 'updated_by', 'updated_by_name', 'url',
] as const;

const DEFAULT_CONTACT_FIELDS = [
  'created_by', 'date_created', 'date_updated', 'emails', 'id', 'name', 'phones', 'title', 'updated_by', 'urls',
] as const;

/** Close's opportunity-export list (spec §2.7, Appendix B.6), verbatim. */
const DEFAULT_OPPORTUNITY_EXPORT_FIELDS = [
  'confidence', 'contact_id', 'created_by', 'created_by_name', 'date_created', 'date_updated', 'date_won', 'id',
  'lead_id', 'lead_name', 'note', 'status_id', 'status_label', 'status_type', 'updated_by', 'updated_by_name',
  'user_id', 'user_name', 'value', 'value_period',
] as const;
const DEFAULT_OPPORTUNITY_FIELDS = DEFAULT_OPPORTUNITY_EXPORT_FIELDS.filter((f) => f !== 'lead_id' && f !== 'lead_name');

/**
 * The `fields` echoed when the request has none.
 * - leads/csv: Close's list verbatim.
 * - leads/json: Close's list plus `opportunities` and `tasks`, which Close's JSON lead exports
 *   carry (spec §5.1) but a CSV row cannot.
 * - contacts: Close's contacts list (spec §2.8).
 * - lead_opps: Close's opportunity-export list (spec §2.7) without `lead_id`/`lead_name`: every
 *   lead_opps row carries its lead anyway. (Close's own lead_opps example shows the contacts list,
 *   which names no opportunity field at all: a copy/paste in their docs.)
 * - opps: Close's opportunity-export list verbatim.
 */
export const DEFAULT_EXPORT_FIELDS: Readonly<Record<ExportType, Readonly<Record<ExportFormat, readonly ExportField[]>>>> = {
  leads: { csv: DEFAULT_LEAD_FIELDS, json: [...DEFAULT_LEAD_FIELDS, 'opportunities', 'tasks'].sort() as ExportField[] },
  contacts: { csv: DEFAULT_CONTACT_FIELDS, json: DEFAULT_CONTACT_FIELDS },
  lead_opps: { csv: DEFAULT_OPPORTUNITY_FIELDS, json: DEFAULT_OPPORTUNITY_FIELDS },
  opps: { csv: DEFAULT_OPPORTUNITY_EXPORT_FIELDS, json: DEFAULT_OPPORTUNITY_EXPORT_FIELDS },
};

/** `fields` as a set, in file order: what the writers iterate. */
export function fieldsInFileOrder(type: ExportType, format: ExportFormat, fields: readonly string[]): ExportField[] {
  const wanted = new Set(fields);
  return EXPORT_FIELDS[type][format].filter((f) => wanted.has(f));
}
