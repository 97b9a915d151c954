import type { FieldDef, ValueType } from './field-types.js';
import { raw, type Sql } from './sql-fragment.js';

/**
 * Lead smart fields (Close's calculated fields, spec §4.10 and §5.7), computed on the fly as
 * correlated subqueries over the lead's children. They are the one definition of each smart
 * field: conditions and sorts use them, and an export that includes smart fields should select
 * the same expressions (`leadSmartFieldSql`).
 *
 * Every subquery reads its rows through an index that starts with `lead_id`, so one value costs
 * one index probe; filtering or sorting the whole organization by one costs one probe per lead
 * (numbers in the search benchmark).
 *
 * Aliases inside the subqueries start with `sf_`, which the compiler never uses for tables.
 */

type Def = { valueType: ValueType; sql: (lead: string) => string; referenceTypes?: readonly string[] };

const COMMUNICATION_TYPES = "('Call', 'Email', 'SMS')";

const count = (from: string, where = ''): Def => ({
  valueType: 'number',
  sql: (lead) => `(SELECT count(*) FROM ${from} WHERE sf.lead_id = ${lead}.id${where ? ` AND ${where}` : ''})`,
});
const activityCount = (where: string): Def => count('activities sf', where);
const activityDate = (agg: 'min' | 'max', where: string): Def => ({
  valueType: 'datetime',
  sql: (lead) => `(SELECT ${agg}(sf.activity_at) FROM activities sf WHERE sf.lead_id = ${lead}.id${where ? ` AND ${where}` : ''})`,
});
const opportunityCount = (where: string): Def =>
  count('opportunities sf JOIN opportunity_statuses sf_s ON sf_s.id = sf.status_id', where);

const defs: Record<string, Def> = {
  num_contacts: count('contacts sf'),
  num_addresses: count('addresses sf'),
  num_email_addresses: count('contact_emails sf'),
  num_phone_numbers: count('contact_phones sf'),
  num_contact_urls: count('contact_urls sf'),
  num_tasks: count('tasks sf'),
  num_completed_tasks: count('tasks sf', 'sf.is_complete'),
  num_incomplete_tasks: count('tasks sf', 'NOT sf.is_complete'),
  num_opportunities: count('opportunities sf'),
  num_active_opportunities: opportunityCount("sf_s.type = 'active'"),
  num_won_opportunities: opportunityCount("sf_s.type = 'won'"),
  num_lost_opportunities: opportunityCount("sf_s.type = 'lost'"),
  num_one_time_opportunities: count('opportunities sf', "sf.value_period = 'one_time'"),
  num_monthly_opportunities: count('opportunities sf', "sf.value_period = 'monthly'"),
  num_annual_opportunities: count('opportunities sf', "sf.value_period = 'annual'"),

  num_activities: activityCount(''),
  num_notes: activityCount("sf.type = 'Note'"),
  num_calls: activityCount("sf.type = 'Call'"),
  num_inbound_calls: activityCount("sf.type = 'Call' AND sf.direction = 'inbound'"),
  num_incoming_calls: activityCount("sf.type = 'Call' AND sf.direction = 'inbound'"),
  num_outbound_calls: activityCount("sf.type = 'Call' AND sf.direction = 'outbound'"),
  num_outgoing_calls: activityCount("sf.type = 'Call' AND sf.direction = 'outbound'"),
  num_emails: activityCount("sf.type = 'Email'"),
  num_sent_emails: activityCount("sf.type = 'Email' AND sf.direction = 'outgoing'"),
  num_outgoing_emails: activityCount("sf.type = 'Email' AND sf.direction = 'outgoing'"),
  num_received_emails: activityCount("sf.type = 'Email' AND sf.direction = 'incoming'"),
  num_sms: activityCount("sf.type = 'SMS'"),
  num_sent_sms: activityCount("sf.type = 'SMS' AND sf.direction = 'outbound'"),
  num_received_sms: activityCount("sf.type = 'SMS' AND sf.direction = 'inbound'"),
  num_meetings: activityCount("sf.type = 'Meeting'"),
  num_upcoming_meetings: activityCount("sf.type = 'Meeting' AND sf.status = 'upcoming'"),
  num_in_progress_meetings: activityCount("sf.type = 'Meeting' AND sf.status = 'in-progress'"),
  num_completed_meetings: activityCount("sf.type = 'Meeting' AND sf.status = 'completed'"),
  num_canceled_meetings: activityCount("sf.type = 'Meeting' AND sf.status = 'canceled'"),
  times_communicated: activityCount(`sf.type IN ${COMMUNICATION_TYPES}`),

  last_activity_date: activityDate('max', ''),
  first_communication_date: activityDate('min', `sf.type IN ${COMMUNICATION_TYPES}`),
  last_communication_date: activityDate('max', `sf.type IN ${COMMUNICATION_TYPES}`),
  first_call_created: activityDate('min', "sf.type = 'Call'"),
  last_call_created: activityDate('max', "sf.type = 'Call'"),
  first_incoming_call_date: activityDate('min', "sf.type = 'Call' AND sf.direction = 'inbound'"),
  last_incoming_call_date: activityDate('max', "sf.type = 'Call' AND sf.direction = 'inbound'"),
  first_outgoing_call_date: activityDate('min', "sf.type = 'Call' AND sf.direction = 'outbound'"),
  last_outgoing_call_date: activityDate('max', "sf.type = 'Call' AND sf.direction = 'outbound'"),
  first_email_created: activityDate('min', "sf.type = 'Email'"),
  last_email_date: activityDate('max', "sf.type = 'Email'"),
  first_incoming_email_date: activityDate('min', "sf.type = 'Email' AND sf.direction = 'incoming'"),
  last_incoming_email_date: activityDate('max', "sf.type = 'Email' AND sf.direction = 'incoming'"),
  first_outgoing_email_date: activityDate('min', "sf.type = 'Email' AND sf.direction = 'outgoing'"),
  last_outgoing_email_date: activityDate('max', "sf.type = 'Email' AND sf.direction = 'outgoing'"),
  first_sms_date: activityDate('min', "sf.type = 'SMS'"),
  last_sms_date: activityDate('max', "sf.type = 'SMS'"),
  first_incoming_sms_date: activityDate('min', "sf.type = 'SMS' AND sf.direction = 'inbound'"),
  last_incoming_sms_date: activityDate('max', "sf.type = 'SMS' AND sf.direction = 'inbound'"),
  first_outgoing_sms_date: activityDate('min', "sf.type = 'SMS' AND sf.direction = 'outbound'"),
  last_outgoing_sms_date: activityDate('max', "sf.type = 'SMS' AND sf.direction = 'outbound'"),
  last_note_created: activityDate('max', "sf.type = 'Note'"),
  last_lead_status_change_date: activityDate('max', "sf.type = 'LeadStatusChange'"),
  last_opportunity_status_change_date: activityDate('max', "sf.type = 'OpportunityStatusChange'"),

  next_task_due_date: {
    valueType: 'date',
    sql: (lead) => `(SELECT min(sf.due_date) FROM tasks sf WHERE sf.lead_id = ${lead}.id AND NOT sf.is_complete)`,
  },
  next_task_date: {
    valueType: 'date',
    sql: (lead) => `(SELECT min(sf.due_date) FROM tasks sf WHERE sf.lead_id = ${lead}.id AND NOT sf.is_complete)`,
  },
};

/**
 * The primary opportunity of a lead: its active opportunity if it has one, else a won one,
 * else a lost one; among equals the most recently created (then the highest id, for
 * determinism).
 */
const primaryOpportunity = (column: string, valueType: ValueType, referenceTypes?: readonly string[]): Def => ({
  valueType,
  referenceTypes,
  sql: (lead) =>
    `(SELECT ${column} FROM opportunities sf JOIN opportunity_statuses sf_s ON sf_s.id = sf.status_id` +
    ` WHERE sf.lead_id = ${lead}.id` +
    ` ORDER BY CASE sf_s.type WHEN 'active' THEN 0 WHEN 'won' THEN 1 ELSE 2 END, sf.date_created DESC, sf.id DESC LIMIT 1)`,
});
Object.assign(defs, {
  primary_opportunity_id: primaryOpportunity('sf.id', 'reference', ['opportunity']),
  primary_opportunity_status_id: primaryOpportunity('sf.status_id', 'reference', ['status.opportunity']),
  primary_opportunity_status: primaryOpportunity('sf_s.label', 'text'),
  primary_opportunity_status_label: primaryOpportunity('sf_s.label', 'text'),
  primary_opportunity_status_type: primaryOpportunity('sf_s.type', 'choice'),
  primary_opportunity_pipeline_id: primaryOpportunity('sf_s.pipeline_id', 'reference', ['pipeline']),
  primary_opportunity_user_id: primaryOpportunity('sf.user_id', 'reference', ['user', 'user_or_group']),
  primary_opportunity_value: primaryOpportunity('sf.value', 'number'),
  primary_opportunity_confidence: primaryOpportunity('sf.confidence', 'number'),
  primary_opportunity_period: primaryOpportunity('sf.value_period', 'choice'),
  primary_opportunity_date_won: primaryOpportunity('sf.date_won', 'date'),
  primary_opportunity_created: primaryOpportunity('sf.date_created', 'datetime'),
  primary_opportunity_updated: primaryOpportunity('sf.date_updated', 'datetime'),
} satisfies Record<string, Def>);

/**
 * `{avg,max,min,total}_{annual,annualized,monthly,one_time}_{,active_,lost_,won_}opportunity_value`
 * (all 48 seen in real exports). Values are in cents like the API's `value`; `annualized` counts
 * a monthly value twelve times; `total` of nothing is 0, the others are empty.
 */
for (const agg of ['avg', 'max', 'min', 'total'] as const) {
  for (const period of ['annual', 'annualized', 'monthly', 'one_time'] as const) {
    for (const status of ['', 'active', 'lost', 'won'] as const) {
      const value = period === 'annualized' ? "CASE sf.value_period WHEN 'monthly' THEN sf.value * 12 ELSE sf.value END" : 'sf.value';
      const filters = [period === 'annualized' ? '' : `sf.value_period = '${period}'`, status ? `sf_s.type = '${status}'` : ''].filter(Boolean);
      const fn = agg === 'total' ? 'sum' : agg;
      const name = `${agg}_${period}_${status ? `${status}_` : ''}opportunity_value`;
      defs[name] = {
        valueType: 'number',
        sql: (lead) => {
          const aggregate = `(SELECT ${fn}(${value}) FROM opportunities sf JOIN opportunity_statuses sf_s ON sf_s.id = sf.status_id WHERE sf.lead_id = ${lead}.id${filters.map((f) => ` AND ${f}`).join('')})`;
          return agg === 'total' ? `coalesce(${aggregate}, 0)` : aggregate;
        },
      };
    }
  }
}

export const LEAD_SMART_FIELDS: readonly FieldDef[] = Object.entries(defs).map(([name, def]) => ({
  name,
  valueType: def.valueType,
  referenceTypes: def.referenceTypes,
  smart: true,
  sortable: true,
  expr: (alias: string): Sql => raw(def.sql(alias)),
}));

/** The SQL of one lead smart field over the lead row aliased `leadAlias`, for exports. */
export function leadSmartFieldSql(name: string, leadAlias: string): string | undefined {
  return defs[name]?.sql(leadAlias);
}
