import { dateSql, dateTimeSql, type DateRendering } from './date-format.js';

/**
 * Lead smart fields (spec §4.10, §5.7) as exports compute them: one LATERAL aggregate per child
 * table and lead, with every field of that table a FILTERed aggregate in the same scan. A lead
 * costs eight index probes whatever the number of fields, where one correlated subquery per
 * field (the shape `search/smart-fields.ts` uses for conditions and sorts) costs ~100.
 *
 * The meanings are the search module's, field for field: `test/exports/smart-fields.test.ts`
 * evaluates both on the same leads and fails on any difference. Change both together.
 * Export-only differences: averages are rounded to whole cents, and a few display fields the
 * search module does not define (`primary_opportunity_pipeline_name`, `…_user_name`).
 *
 * Aliases inside the subqueries start with `sf`, which the export query never uses elsewhere.
 */

/** How a value is rendered: counts and cents are integers; datetimes follow `date_format`. */
export type SmartFieldKind = 'integer' | 'datetime' | 'date' | 'text';

type SourceName = 'contacts' | 'addresses' | 'contact_emails' | 'contact_phones' | 'contact_urls' | 'tasks' | 'opportunities' | 'activities';

export type SmartFieldDefinition = {
  name: string;
  kind: SmartFieldKind;
  source: SourceName;
  /** An aggregate over the source's rows of one lead (aliases `sf`, `sf_s`, `sf_p`, `sf_u`). */
  aggregate: string;
};

/** The rows of one lead each source aggregates; `sf.lead_id` is what the lateral correlates on. */
const SOURCES: Readonly<Record<SourceName, string>> = {
  contacts: 'contacts sf',
  addresses: 'addresses sf',
  contact_emails: 'contact_emails sf',
  contact_phones: 'contact_phones sf',
  contact_urls: 'contact_urls sf',
  tasks: 'tasks sf',
  opportunities:
    'opportunities sf JOIN opportunity_statuses sf_s ON sf_s.id = sf.status_id' +
    ' LEFT JOIN pipelines sf_p ON sf_p.id = sf_s.pipeline_id LEFT JOIN users sf_u ON sf_u.id = sf.user_id',
  activities: 'activities sf',
};

const COMMUNICATION = "sf.type IN ('Call', 'Email', 'SMS')";

const defs: SmartFieldDefinition[] = [];
const add = (name: string, kind: SmartFieldKind, source: SourceName, aggregate: string) =>
  defs.push({ name, kind, source, aggregate });
const countWhere = (name: string, source: SourceName, where?: string) =>
  add(name, 'integer', source, where ? `count(*) FILTER (WHERE ${where})` : 'count(*)');
const activityDate = (name: string, fn: 'min' | 'max', where?: string) =>
  add(name, 'datetime', 'activities', `${fn}(sf.activity_at)${where ? ` FILTER (WHERE ${where})` : ''}`);

countWhere('num_contacts', 'contacts');
countWhere('num_addresses', 'addresses');
countWhere('num_email_addresses', 'contact_emails');
countWhere('num_phone_numbers', 'contact_phones');
countWhere('num_contact_urls', 'contact_urls');
countWhere('num_tasks', 'tasks');
countWhere('num_completed_tasks', 'tasks', 'sf.is_complete');
countWhere('num_incomplete_tasks', 'tasks', 'NOT sf.is_complete');
countWhere('num_opportunities', 'opportunities');
countWhere('num_active_opportunities', 'opportunities', "sf_s.type = 'active'");
countWhere('num_won_opportunities', 'opportunities', "sf_s.type = 'won'");
countWhere('num_lost_opportunities', 'opportunities', "sf_s.type = 'lost'");
countWhere('num_one_time_opportunities', 'opportunities', "sf.value_period = 'one_time'");
countWhere('num_monthly_opportunities', 'opportunities', "sf.value_period = 'monthly'");
countWhere('num_annual_opportunities', 'opportunities', "sf.value_period = 'annual'");

countWhere('num_activities', 'activities');
countWhere('num_notes', 'activities', "sf.type = 'Note'");
countWhere('num_calls', 'activities', "sf.type = 'Call'");
countWhere('num_inbound_calls', 'activities', "sf.type = 'Call' AND sf.direction = 'inbound'");
countWhere('num_incoming_calls', 'activities', "sf.type = 'Call' AND sf.direction = 'inbound'");
countWhere('num_outbound_calls', 'activities', "sf.type = 'Call' AND sf.direction = 'outbound'");
countWhere('num_outgoing_calls', 'activities', "sf.type = 'Call' AND sf.direction = 'outbound'");
countWhere('num_emails', 'activities', "sf.type = 'Email'");
countWhere('num_sent_emails', 'activities', "sf.type = 'Email' AND sf.direction = 'outgoing'");
countWhere('num_outgoing_emails', 'activities', "sf.type = 'Email' AND sf.direction = 'outgoing'");
countWhere('num_received_emails', 'activities', "sf.type = 'Email' AND sf.direction = 'incoming'");
countWhere('num_sms', 'activities', "sf.type = 'SMS'");
countWhere('num_sent_sms', 'activities', "sf.type = 'SMS' AND sf.direction = 'outbound'");
countWhere('num_received_sms', 'activities', "sf.type = 'SMS' AND sf.direction = 'inbound'");
countWhere('num_meetings', 'activities', "sf.type = 'Meeting'");
countWhere('num_upcoming_meetings', 'activities', "sf.type = 'Meeting' AND sf.status = 'upcoming'");
countWhere('num_in_progress_meetings', 'activities', "sf.type = 'Meeting' AND sf.status = 'in-progress'");
countWhere('num_completed_meetings', 'activities', "sf.type = 'Meeting' AND sf.status = 'completed'");
countWhere('num_canceled_meetings', 'activities', "sf.type = 'Meeting' AND sf.status = 'canceled'");
countWhere('times_communicated', 'activities', COMMUNICATION);

activityDate('last_activity_date', 'max');
activityDate('first_communication_date', 'min', COMMUNICATION);
activityDate('last_communication_date', 'max', COMMUNICATION);
activityDate('first_call_created', 'min', "sf.type = 'Call'");
activityDate('last_call_created', 'max', "sf.type = 'Call'");
activityDate('first_incoming_call_date', 'min', "sf.type = 'Call' AND sf.direction = 'inbound'");
activityDate('last_incoming_call_date', 'max', "sf.type = 'Call' AND sf.direction = 'inbound'");
activityDate('first_outgoing_call_date', 'min', "sf.type = 'Call' AND sf.direction = 'outbound'");
activityDate('last_outgoing_call_date', 'max', "sf.type = 'Call' AND sf.direction = 'outbound'");
activityDate('first_email_created', 'min', "sf.type = 'Email'");
activityDate('last_email_date', 'max', "sf.type = 'Email'");
activityDate('first_incoming_email_date', 'min', "sf.type = 'Email' AND sf.direction = 'incoming'");
activityDate('last_incoming_email_date', 'max', "sf.type = 'Email' AND sf.direction = 'incoming'");
activityDate('first_outgoing_email_date', 'min', "sf.type = 'Email' AND sf.direction = 'outgoing'");
activityDate('last_outgoing_email_date', 'max', "sf.type = 'Email' AND sf.direction = 'outgoing'");
activityDate('first_sms_date', 'min', "sf.type = 'SMS'");
activityDate('last_sms_date', 'max', "sf.type = 'SMS'");
activityDate('first_incoming_sms_date', 'min', "sf.type = 'SMS' AND sf.direction = 'inbound'");
activityDate('last_incoming_sms_date', 'max', "sf.type = 'SMS' AND sf.direction = 'inbound'");
activityDate('first_outgoing_sms_date', 'min', "sf.type = 'SMS' AND sf.direction = 'outbound'");
activityDate('last_outgoing_sms_date', 'max', "sf.type = 'SMS' AND sf.direction = 'outbound'");
activityDate('last_note_created', 'max', "sf.type = 'Note'");
activityDate('last_lead_status_change_date', 'max', "sf.type = 'LeadStatusChange'");
activityDate('last_opportunity_status_change_date', 'max', "sf.type = 'OpportunityStatusChange'");

add('next_task_due_date', 'date', 'tasks', 'min(sf.due_date) FILTER (WHERE NOT sf.is_complete)');
add('next_task_date', 'date', 'tasks', 'min(sf.due_date) FILTER (WHERE NOT sf.is_complete)');

/**
 * The primary opportunity: the lead's active opportunity if it has one, else a won one, else a
 * lost one; among equals the most recently created, then the highest id. Every primary field
 * aggregates with this same ORDER BY, so PostgreSQL sorts a lead's opportunities once.
 */
const PRIMARY_ORDER = "CASE sf_s.type WHEN 'active' THEN 0 WHEN 'won' THEN 1 ELSE 2 END, sf.date_created DESC, sf.id DESC";
const primary = (name: string, kind: SmartFieldKind, column: string) =>
  add(`primary_opportunity_${name}`, kind, 'opportunities', `(array_agg(${column} ORDER BY ${PRIMARY_ORDER}))[1]`);
primary('id', 'text', 'sf.id');
primary('status_id', 'text', 'sf.status_id');
primary('status', 'text', 'sf_s.label');
primary('status_label', 'text', 'sf_s.label');
primary('status_type', 'text', 'sf_s.type');
primary('pipeline_id', 'text', 'sf_s.pipeline_id');
primary('pipeline_name', 'text', 'sf_p.name');
primary('user_id', 'text', 'sf.user_id');
primary('user_name', 'text', "coalesce(nullif(btrim(sf_u.first_name || ' ' || sf_u.last_name), ''), sf_u.email)");
primary('value', 'integer', 'sf.value');
primary('confidence', 'integer', 'sf.confidence');
primary('period', 'text', 'sf.value_period');
primary('date_won', 'date', 'sf.date_won');
primary('created', 'datetime', 'sf.date_created');
primary('updated', 'datetime', 'sf.date_updated');

/**
 * `{avg,max,min,total}_{annual,annualized,monthly,one_time}_{,active_,lost_,won_}opportunity_value`
 * (all 48 seen in real exports), in cents like `value`. `annualized` counts a monthly value
 * twelve times; `total` of nothing is 0, the others are empty; `avg` is rounded to the cent.
 */
for (const agg of ['avg', 'max', 'min', 'total'] as const) {
  for (const period of ['annual', 'annualized', 'monthly', 'one_time'] as const) {
    for (const status of ['', 'active', 'lost', 'won'] as const) {
      const value = period === 'annualized' ? "CASE sf.value_period WHEN 'monthly' THEN sf.value * 12 ELSE sf.value END" : 'sf.value';
      const filters = [period === 'annualized' ? '' : `sf.value_period = '${period}'`, status ? `sf_s.type = '${status}'` : ''].filter(Boolean);
      const filter = filters.length > 0 ? ` FILTER (WHERE ${filters.join(' AND ')})` : '';
      const aggregate =
        agg === 'total' ? `coalesce(sum(${value})${filter}, 0)` : agg === 'avg' ? `round(avg(${value})${filter})` : `${agg}(${value})${filter}`;
      add(`${agg}_${period}_${status ? `${status}_` : ''}opportunity_value`, 'integer', 'opportunities', aggregate);
    }
  }
}

/** Every smart field an export writes, in file order. */
export const SMART_FIELDS: readonly SmartFieldDefinition[] = defs;

/**
 * The LATERAL joins computing every smart field of the lead row aliased `leadAlias`, one per
 * source. Select a field with `smartFieldColumnSql`.
 */
export function smartFieldJoinsSql(leadAlias: string): string[] {
  const sources = [...new Set(SMART_FIELDS.map((d) => d.source))];
  return sources.map((source) => {
    const columns = SMART_FIELDS.filter((d) => d.source === source).map((d) => `${d.aggregate} AS "${d.name}"`);
    return `LEFT JOIN LATERAL (SELECT ${columns.join(', ')} FROM ${SOURCES[source]} WHERE sf.lead_id = ${leadAlias}.id) sf_${source} ON true`;
  });
}

/** One smart field's value, rendered for the file, once `smartFieldJoinsSql` is joined. */
export function smartFieldValueSql(definition: SmartFieldDefinition, rendering: DateRendering): string {
  const column = `sf_${definition.source}."${definition.name}"`;
  switch (definition.kind) {
    case 'datetime':
      return dateTimeSql(column, rendering);
    case 'date':
      return dateSql(column);
    case 'integer':
    case 'text':
      return column;
  }
}
