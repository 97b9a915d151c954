/**
 * Lead smart fields (Close's calculated fields, spec §4.10 and §5.7): what each one means,
 * written once, as an aggregate over the rows of one lead in one child table. Two shapes are
 * derived from it, side by side below, and nothing else defines a smart field:
 *
 * - exports (`writers/smart-fields.ts`) compute every field of a table in one scan per lead, each
 *   field a FILTERed aggregate (`smartFieldAggregateSql`) in a shared LATERAL;
 * - conditions and sorts (`search/smart-fields.ts`) need one field alone, as a correlated
 *   subquery (`smartFieldSubquerySql`) whose WHERE the `lead_id` index can probe.
 *
 * `test/exports/smart-fields.test.ts` evaluates both shapes on the same leads: it guards the
 * derivation (FILTER vs WHERE, array_agg vs LIMIT 1, pruned joins), not a second copy.
 * Pure: SQL text only. Aliases start with `sf`, which no query around them uses.
 */

/** The value's type: counts and cents are integers; the rest as their column. */
export type SmartFieldKind = 'integer' | 'datetime' | 'date' | 'text';

export type SmartFieldSource = 'contacts' | 'addresses' | 'contact_emails' | 'contact_phones' | 'contact_urls' | 'tasks' | 'opportunities' | 'activities';

/**
 * An aggregate over the source's rows of one lead (SQL over the aliases `sf`, `sf_s`, `sf_p`,
 * `sf_u`), restricted to the rows matching `where` when given. `total` is a sum that is 0 when
 * no row matches; `first` is `of` on the first row in `orderBy` order (NULL without rows).
 */
export type SmartFieldAggregate =
  | { fn: 'count'; where?: string }
  | { fn: 'min' | 'max' | 'avg' | 'total'; of: string; where?: string }
  | { fn: 'first'; of: string; orderBy: string };

export type SmartFieldMeaning = {
  name: string;
  kind: SmartFieldKind;
  source: SmartFieldSource;
  aggregate: SmartFieldAggregate;
  /** A display value exports write beside an id; the search filters and sorts by the id. */
  exportOnly?: true;
};

type SourceJoin = { alias: string; sql: string };

/**
 * The rows of one lead each source aggregates (`sf.lead_id` is what both shapes correlate on).
 * Joins come only when an aggregate refers to their alias: a count of opportunities must not
 * pay for their statuses, pipelines and users. A join may only refer to an earlier one.
 */
const SOURCES: Readonly<Record<SmartFieldSource, { from: string; joins?: readonly SourceJoin[] }>> = {
  contacts: { from: 'contacts sf' },
  addresses: { from: 'addresses sf' },
  contact_emails: { from: 'contact_emails sf' },
  contact_phones: { from: 'contact_phones sf' },
  contact_urls: { from: 'contact_urls sf' },
  tasks: { from: 'tasks sf' },
  opportunities: {
    from: 'opportunities sf',
    // `status_id` is NOT NULL with a foreign key: the inner join never drops an opportunity.
    joins: [
      { alias: 'sf_s', sql: 'JOIN opportunity_statuses sf_s ON sf_s.id = sf.status_id' },
      { alias: 'sf_p', sql: 'LEFT JOIN pipelines sf_p ON sf_p.id = sf_s.pipeline_id' },
      { alias: 'sf_u', sql: 'LEFT JOIN users sf_u ON sf_u.id = sf.user_id' },
    ],
  },
  activities: { from: 'activities sf' },
};

/** The FROM list of `source` with the joins the SQL fragments `using` refer to (and theirs). */
export function smartFieldSourceSql(source: SmartFieldSource, using: readonly string[]): string {
  const { from, joins = [] } = SOURCES[source];
  let referring = using.join(' ');
  const kept: string[] = [];
  for (const join of [...joins].reverse()) {
    if (!new RegExp(`\\b${join.alias}\\.`).test(referring)) continue;
    kept.unshift(join.sql);
    referring += ` ${join.sql}`;
  }
  return [from, ...kept].join(' ');
}

/**
 * The export shape: the aggregate over ALL the lead's rows of its source, filtering its own
 * (`FILTER (WHERE …)`), so every field of a source shares one scan.
 */
export function smartFieldAggregateSql(aggregate: SmartFieldAggregate): string {
  if (aggregate.fn === 'first') return `(array_agg(${aggregate.of} ORDER BY ${aggregate.orderBy}))[1]`;
  const filter = aggregate.where ? ` FILTER (WHERE ${aggregate.where})` : '';
  switch (aggregate.fn) {
    case 'count':
      return `count(*)${filter}`;
    case 'total':
      return `coalesce(sum(${aggregate.of})${filter}, 0)`;
    default:
      return `${aggregate.fn}(${aggregate.of})${filter}`;
  }
}

/**
 * The search shape: one field of the lead row aliased `lead` as a correlated subquery, its
 * filter in the WHERE beside `sf.lead_id` (one probe of the source's `lead_id` index) and the
 * primary row read with `LIMIT 1` instead of aggregating an array.
 */
export function smartFieldSubquerySql(meaning: SmartFieldMeaning, lead: string): string {
  const { aggregate, source } = meaning;
  const where = `WHERE sf.lead_id = ${lead}.id`;
  if (aggregate.fn === 'first') {
    const from = smartFieldSourceSql(source, [aggregate.of, aggregate.orderBy]);
    return `(SELECT ${aggregate.of} FROM ${from} ${where} ORDER BY ${aggregate.orderBy} LIMIT 1)`;
  }
  const select = aggregate.fn === 'count' ? 'count(*)' : `${aggregate.fn === 'total' ? 'sum' : aggregate.fn}(${aggregate.of})`;
  const from = smartFieldSourceSql(source, [select, aggregate.where ?? '']);
  const subquery = `(SELECT ${select} FROM ${from} ${where}${aggregate.where ? ` AND ${aggregate.where}` : ''})`;
  return aggregate.fn === 'total' ? `coalesce(${subquery}, 0)` : subquery;
}

const meanings: SmartFieldMeaning[] = [];
const add = (name: string, kind: SmartFieldKind, source: SmartFieldSource, aggregate: SmartFieldAggregate, exportOnly?: true) =>
  meanings.push(exportOnly ? { name, kind, source, aggregate, exportOnly } : { name, kind, source, aggregate });
const count = (name: string, source: SmartFieldSource, where?: string) => add(name, 'integer', source, { fn: 'count', where });
const activityDate = (name: string, fn: 'min' | 'max', where?: string) => add(name, 'datetime', 'activities', { fn, of: 'sf.activity_at', where });

const COMMUNICATION = "sf.type IN ('Call', 'Email', 'SMS')";

count('num_contacts', 'contacts');
count('num_addresses', 'addresses');
count('num_email_addresses', 'contact_emails');
count('num_phone_numbers', 'contact_phones');
count('num_contact_urls', 'contact_urls');
count('num_tasks', 'tasks');
count('num_completed_tasks', 'tasks', 'sf.is_complete');
count('num_incomplete_tasks', 'tasks', 'NOT sf.is_complete');
count('num_opportunities', 'opportunities');
count('num_active_opportunities', 'opportunities', "sf_s.type = 'active'");
count('num_won_opportunities', 'opportunities', "sf_s.type = 'won'");
count('num_lost_opportunities', 'opportunities', "sf_s.type = 'lost'");
count('num_one_time_opportunities', 'opportunities', "sf.value_period = 'one_time'");
count('num_monthly_opportunities', 'opportunities', "sf.value_period = 'monthly'");
count('num_annual_opportunities', 'opportunities', "sf.value_period = 'annual'");

count('num_activities', 'activities');
count('num_notes', 'activities', "sf.type = 'Note'");
count('num_calls', 'activities', "sf.type = 'Call'");
count('num_inbound_calls', 'activities', "sf.type = 'Call' AND sf.direction = 'inbound'");
count('num_incoming_calls', 'activities', "sf.type = 'Call' AND sf.direction = 'inbound'");
count('num_outbound_calls', 'activities', "sf.type = 'Call' AND sf.direction = 'outbound'");
count('num_outgoing_calls', 'activities', "sf.type = 'Call' AND sf.direction = 'outbound'");
count('num_emails', 'activities', "sf.type = 'Email'");
count('num_sent_emails', 'activities', "sf.type = 'Email' AND sf.direction = 'outgoing'");
count('num_outgoing_emails', 'activities', "sf.type = 'Email' AND sf.direction = 'outgoing'");
count('num_received_emails', 'activities', "sf.type = 'Email' AND sf.direction = 'incoming'");
count('num_sms', 'activities', "sf.type = 'SMS'");
count('num_sent_sms', 'activities', "sf.type = 'SMS' AND sf.direction = 'outbound'");
count('num_received_sms', 'activities', "sf.type = 'SMS' AND sf.direction = 'inbound'");
count('num_meetings', 'activities', "sf.type = 'Meeting'");
count('num_upcoming_meetings', 'activities', "sf.type = 'Meeting' AND sf.status = 'upcoming'");
count('num_in_progress_meetings', 'activities', "sf.type = 'Meeting' AND sf.status = 'in-progress'");
count('num_completed_meetings', 'activities', "sf.type = 'Meeting' AND sf.status = 'completed'");
count('num_canceled_meetings', 'activities', "sf.type = 'Meeting' AND sf.status = 'canceled'");
count('times_communicated', 'activities', COMMUNICATION);

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

add('next_task_due_date', 'date', 'tasks', { fn: 'min', of: 'sf.due_date', where: 'NOT sf.is_complete' });
add('next_task_date', 'date', 'tasks', { fn: 'min', of: 'sf.due_date', where: 'NOT sf.is_complete' });

/**
 * The primary opportunity: the lead's active opportunity if it has one, else a won one, else a
 * lost one; among equals the most recently created, then the highest id (determinism). One
 * ORDER BY for every primary field, so an export sorts a lead's opportunities once.
 */
const PRIMARY_ORDER = "CASE sf_s.type WHEN 'active' THEN 0 WHEN 'won' THEN 1 ELSE 2 END, sf.date_created DESC, sf.id DESC";
const primary = (name: string, kind: SmartFieldKind, column: string, exportOnly?: true) =>
  add(`primary_opportunity_${name}`, kind, 'opportunities', { fn: 'first', of: column, orderBy: PRIMARY_ORDER }, exportOnly);
primary('id', 'text', 'sf.id');
primary('status_id', 'text', 'sf.status_id');
primary('status', 'text', 'sf_s.label');
primary('status_label', 'text', 'sf_s.label');
primary('status_type', 'text', 'sf_s.type');
primary('pipeline_id', 'text', 'sf_s.pipeline_id');
primary('pipeline_name', 'text', 'sf_p.name', true);
primary('user_id', 'text', 'sf.user_id');
primary('user_name', 'text', "coalesce(nullif(btrim(sf_u.first_name || ' ' || sf_u.last_name), ''), sf_u.email)", true);
primary('value', 'integer', 'sf.value');
primary('confidence', 'integer', 'sf.confidence');
primary('period', 'text', 'sf.value_period');
primary('date_won', 'date', 'sf.date_won');
primary('created', 'datetime', 'sf.date_created');
primary('updated', 'datetime', 'sf.date_updated');

/**
 * `{avg,max,min,total}_{annual,annualized,monthly,one_time}_{,active_,lost_,won_}opportunity_value`
 * (all 48 seen in real exports), in cents like the API's `value`. `annualized` counts a monthly
 * value twelve times; `total` of nothing is 0, the others are empty.
 */
for (const fn of ['avg', 'max', 'min', 'total'] as const) {
  for (const period of ['annual', 'annualized', 'monthly', 'one_time'] as const) {
    for (const status of ['', 'active', 'lost', 'won'] as const) {
      const of = period === 'annualized' ? "CASE sf.value_period WHEN 'monthly' THEN sf.value * 12 ELSE sf.value END" : 'sf.value';
      const filters = [period === 'annualized' ? '' : `sf.value_period = '${period}'`, status ? `sf_s.type = '${status}'` : ''].filter(Boolean);
      const where = filters.length > 0 ? filters.join(' AND ') : undefined;
      add(`${fn}_${period}_${status ? `${status}_` : ''}opportunity_value`, 'integer', 'opportunities', { fn, of, where });
    }
  }
}

/** Every lead smart field, in the order exports write them. */
export const SMART_FIELD_MEANINGS: readonly SmartFieldMeaning[] = meanings;
