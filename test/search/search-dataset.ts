import type { Knex } from '../../src/db/knex.js';
import type { CustomFieldDef } from '../../src/search/field-catalog.js';
import type { SearchContext } from '../../src/search/query-ast.js';

/**
 * A small organization written row by row, so every expected id in the search tests can be
 * worked out by hand from this file. Ids are readable and sort (bytewise) in the order listed.
 *
 * "Now" for relative dates is Wednesday 2024-05-15 12:00 UTC unless a test says otherwise.
 */
export const ORG = 'orga_search';
export const OTHER_ORG = 'orga_other';
export const NOW = new Date('2024-05-15T12:00:00Z');

export const USERS = { ann: 'user_ann', bob: 'user_bob' };
export const STATUS = { potential: 'stat_potential', qualified: 'stat_qualified', customer: 'stat_customer' };
export const OPP_STATUS = { active: 'stat_o_active', won: 'stat_o_won', lost: 'stat_o_lost' };

export const ALL_LEADS = [
  'lead_acme',
  'lead_bluth',
  'lead_cyber',
  'lead_dunder',
  'lead_empty',
  'lead_globex',
  'lead_hooli',
  'lead_initech',
  'lead_jetson',
] as const;

export const CUSTOM_FIELDS: CustomFieldDef[] = [
  { id: 'cf_source', objectType: 'lead', name: 'Lead Source', type: 'text', acceptsMultipleValues: false },
  { id: 'cf_state', objectType: 'lead', name: 'State', type: 'choices', acceptsMultipleValues: false, choices: ['Hot', 'Warm', 'Cold'] },
  { id: 'cf_tags', objectType: 'lead', name: 'Tags', type: 'choices', acceptsMultipleValues: true, choices: ['A', 'B', 'C'] },
  { id: 'cf_owner', objectType: 'lead', name: 'Owner', type: 'user', acceptsMultipleValues: false },
  { id: 'cf_helpers', objectType: 'lead', name: 'Helpers', type: 'user', acceptsMultipleValues: true },
  { id: 'cf_amount', objectType: 'lead', name: 'Amount', type: 'number', acceptsMultipleValues: false },
  { id: 'cf_signed', objectType: 'lead', name: 'Signed', type: 'date', acceptsMultipleValues: false },
  { id: 'cf_follow', objectType: 'lead', name: 'Follow Up', type: 'datetime', acceptsMultipleValues: false },
  { id: 'cf_champion', objectType: 'lead', name: 'Champion', type: 'contact', acceptsMultipleValues: false },
  { id: 'cf_notes', objectType: 'lead', name: 'Notes', type: 'textarea', acceptsMultipleValues: false },
  { id: 'cf_c_level', objectType: 'contact', name: 'Level', type: 'choices', acceptsMultipleValues: false, choices: ['C-Level', 'VP'] },
  { id: 'cf_o_channel', objectType: 'opportunity', name: 'Channel', type: 'text', acceptsMultipleValues: false },
  { id: 'cf_co_term', objectType: 'custom_object', customObjectTypeId: 'cotype_contract', name: 'Term', type: 'number', acceptsMultipleValues: false },
];

export function searchContext(overrides: Partial<SearchContext> = {}, savedSearches: Record<string, unknown> = {}): SearchContext {
  return {
    organizationId: ORG,
    now: NOW,
    tzOffsetMinutes: 0,
    customFields: CUSTOM_FIELDS,
    savedSearches: (id) => (id in savedSearches ? { id, type: 'lead', sQuery: savedSearches[id] } : undefined),
    ...overrides,
  };
}

const at = (iso: string) => new Date(iso);

export async function insertSearchDataset(knex: Knex): Promise<void> {
  for (const org of [ORG, OTHER_ORG]) await knex('organizations').insert({ id: org, name: org });
  await knex('users').insert([
    { id: USERS.ann, organization_id: ORG, email: 'ann@example.com', first_name: 'Ann', last_name: 'Able' },
    { id: USERS.bob, organization_id: ORG, email: 'bob@example.com', first_name: 'Bob', last_name: 'Baker' },
    { id: 'user_other', organization_id: OTHER_ORG, email: 'o@example.com' },
  ]);
  await knex('lead_statuses').insert([
    { id: STATUS.potential, organization_id: ORG, label: 'Potential', position: 0 },
    { id: STATUS.qualified, organization_id: ORG, label: 'Qualified', position: 1 },
    { id: STATUS.customer, organization_id: ORG, label: 'Customer', position: 2 },
    { id: 'stat_other', organization_id: OTHER_ORG, label: 'Potential' },
  ]);
  await knex('pipelines').insert([
    { id: 'pipe_sales', organization_id: ORG, name: 'Sales' },
    { id: 'pipe_other', organization_id: OTHER_ORG, name: 'Sales' },
  ]);
  await knex('opportunity_statuses').insert([
    { id: OPP_STATUS.active, organization_id: ORG, pipeline_id: 'pipe_sales', label: 'Active', type: 'active', position: 0 },
    { id: OPP_STATUS.won, organization_id: ORG, pipeline_id: 'pipe_sales', label: 'Won', type: 'won', position: 1 },
    { id: OPP_STATUS.lost, organization_id: ORG, pipeline_id: 'pipe_sales', label: 'Lost', type: 'lost', position: 2 },
    { id: 'stat_o_other', organization_id: OTHER_ORG, pipeline_id: 'pipe_other', label: 'Active', type: 'active' },
  ]);
  await knex('custom_object_types').insert({ id: 'cotype_contract', organization_id: ORG, name: 'Contract', name_plural: 'Contracts' });
  await knex('custom_fields').insert(
    CUSTOM_FIELDS.map((f, position) => ({
      id: f.id,
      organization_id: ORG,
      object_type: f.objectType,
      custom_object_type_id: f.customObjectTypeId ?? null,
      name: f.name,
      type: f.type,
      accepts_multiple_values: f.acceptsMultipleValues,
      choices: f.choices ?? null,
      position,
    })),
  );

  const lead = (id: string, name: string | null, status: string, created: string, custom: Record<string, unknown> = {}) => ({
    id,
    organization_id: ORG,
    name,
    display_name: name ?? '',
    status_id: status,
    custom: JSON.stringify(custom),
    // As text, so PostgreSQL keeps the microseconds a JS Date would drop.
    date_created: created,
    date_updated: created,
  });
  await knex('leads').insert([
    lead('lead_acme', 'ACME Inc.', STATUS.potential, '2024-01-10T10:00:00Z', {
      cf_source: 'Web Form',
      cf_state: 'Hot',
      cf_tags: ['A', 'B'],
      cf_owner: USERS.ann,
      cf_amount: 1500,
      cf_signed: '2024-03-01',
      cf_follow: '2024-03-01T12:00:00+00:00',
      cf_champion: 'cont_wile',
      cf_notes: 'Anvils, rockets and\nbird seed',
    }),
    lead('lead_bluth', 'Bluth Company', STATUS.qualified, '2024-02-15T00:30:00Z', {
      cf_source: '',
      cf_state: 'Warm',
      cf_tags: ['C'],
      cf_helpers: [USERS.ann, USERS.bob],
      cf_amount: 250.5,
      cf_signed: '2024-03-31',
    }),
    // Bad data must read as "no value", never fail the query.
    lead('lead_cyber', 'Cyberdyne Systems', STATUS.qualified, '2024-03-01T03:30:00Z', {
      cf_state: 'Cold',
      cf_tags: [],
      cf_owner: USERS.bob,
      cf_amount: 'not a number',
      cf_signed: '2024-02-30',
      cf_follow: 'soon',
    }),
    lead('lead_dunder', 'Dunder Mifflin Paper', STATUS.customer, '2024-03-10T06:00:00Z', { cf_source: 'Referral', cf_helpers: [USERS.bob], cf_amount: 0 }),
    lead('lead_empty', null, STATUS.potential, '2024-04-01T00:00:00Z'),
    lead('lead_globex', 'Globex Corporation', STATUS.customer, '2024-05-14T23:00:00Z', { cf_state: null }),
    lead('lead_hooli', 'Hooli XYZ', STATUS.potential, '2024-05-15T10:00:00Z'),
    lead('lead_initech', 'Initech', STATUS.qualified, '2023-12-31T23:59:59.999999Z'),
    // Created 00:30 on Nov 1 in New York (EDT, -4), which is still Oct 31 at EST (-5).
    lead('lead_jetson', 'Jetsons Sprockets', STATUS.potential, '2024-11-01T04:30:00Z'),
  ]);
  await knex('leads').insert({
    id: 'lead_other',
    organization_id: OTHER_ORG,
    name: 'ACME Inc.',
    display_name: 'ACME Inc.',
    status_id: 'stat_other',
    custom: JSON.stringify({ cf_state: 'Hot' }),
    date_created: at('2024-03-05T00:00:00Z'),
  });

  const contact = (id: string, leadId: string, position: number, name: string | null, title: string | null, custom: Record<string, unknown> = {}, org = ORG) => ({
    id,
    organization_id: org,
    lead_id: leadId,
    position,
    name,
    title,
    custom: JSON.stringify(custom),
    date_created: at('2024-01-01T00:00:00Z'),
    date_updated: at(`2024-0${position + 1}-02T03:04:05Z`),
  });
  await knex('contacts').insert([
    contact('cont_george', 'lead_bluth', 0, 'George Bluth', 'ceo'),
    contact('cont_michael', 'lead_bluth', 1, 'Michael Bluth', 'COO', { cf_c_level: 'C-Level' }),
    contact('cont_miles', 'lead_cyber', 0, 'Miles Dyson', 'CEOs Assistant'),
    contact('cont_nobody', 'lead_globex', 0, null, ''),
    contact('cont_road', 'lead_acme', 1, 'Road Runner', 'Sales Lead'),
    contact('cont_scott', 'lead_dunder', 0, 'Michael Scott', 'Regional Manager'),
    contact('cont_wile', 'lead_acme', 0, 'Wile E. Coyote', 'CEO & Founder'),
    contact('cont_other', 'lead_other', 0, 'Jane Other', 'CEO', {}, OTHER_ORG),
  ]);
  await knex('contact_emails').insert([
    { organization_id: ORG, lead_id: 'lead_acme', contact_id: 'cont_wile', email: 'Wile@Acme.com' },
    { organization_id: ORG, lead_id: 'lead_bluth', contact_id: 'cont_george', email: 'jane@example.com', is_unsubscribed: true },
    { organization_id: ORG, lead_id: 'lead_dunder', contact_id: 'cont_scott', email: 'someone@example.com' },
    { organization_id: OTHER_ORG, lead_id: 'lead_other', contact_id: 'cont_other', email: 'jane@example.com' },
  ]);
  await knex('contact_phones').insert([
    { organization_id: ORG, lead_id: 'lead_acme', contact_id: 'cont_wile', phone: '+16505550001', type: 'mobile' },
    { organization_id: ORG, lead_id: 'lead_bluth', contact_id: 'cont_george', phone: '+14155550123' },
    { organization_id: ORG, lead_id: 'lead_dunder', contact_id: 'cont_scott', phone: '+15705550100' },
  ]);
  await knex('contact_urls').insert({ organization_id: ORG, lead_id: 'lead_acme', contact_id: 'cont_wile', url: 'https://acme.example/wile' });
  await knex('addresses').insert([
    { organization_id: ORG, lead_id: 'lead_acme', label: 'business', address_1: '1 Road Runner Way', city: 'Phoenix', state: 'AZ', zipcode: '85001', country: 'US' },
    { organization_id: ORG, lead_id: 'lead_globex', label: 'mailing', city: 'Springfield', country: 'US' },
  ]);

  const opportunity = (id: string, leadId: string, { custom, ...row }: Record<string, unknown>) => ({
    id,
    organization_id: ORG,
    lead_id: leadId,
    custom: JSON.stringify(custom ?? {}),
    ...row,
  });
  await knex('opportunities').insert([
    opportunity('oppo_acme1', 'lead_acme', {
      status_id: OPP_STATUS.active,
      value: 50000,
      value_period: 'one_time',
      confidence: 50,
      user_id: USERS.ann,
      contact_id: 'cont_wile',
      date_created: at('2024-01-11T00:00:00Z'),
      custom: { cf_o_channel: 'Partner program' },
    }),
    opportunity('oppo_acme2', 'lead_acme', {
      status_id: OPP_STATUS.lost,
      value: 1000,
      value_period: 'monthly',
      confidence: 0,
      user_id: USERS.bob,
      date_lost: at('2024-02-01T00:00:00Z'),
      date_created: at('2024-01-12T00:00:00Z'),
    }),
    opportunity('oppo_bluth', 'lead_bluth', {
      status_id: OPP_STATUS.won,
      value: 120000,
      value_period: 'annual',
      confidence: 100,
      user_id: USERS.bob,
      date_won: '2024-03-15',
      date_created: at('2024-02-16T00:00:00Z'),
    }),
    opportunity('oppo_dunder', 'lead_dunder', {
      status_id: OPP_STATUS.active,
      value: null,
      value_period: 'monthly',
      confidence: 20,
      date_created: at('2024-03-11T00:00:00Z'),
    }),
  ]);

  await knex('tasks').insert([
    { id: 'task_1', organization_id: ORG, lead_id: 'lead_acme', assigned_to: USERS.ann, text: 'Call Wile about the renewal', due_date: '2024-05-20', is_complete: false },
    { id: 'task_2', organization_id: ORG, lead_id: 'lead_acme', assigned_to: USERS.ann, text: 'Send the anvil brochure', due_date: '2024-05-01', is_complete: true },
    { id: 'task_3', organization_id: ORG, lead_id: 'lead_cyber', contact_id: 'cont_miles', assigned_to: USERS.bob, text: 'Send contract', due_date: '2024-05-15', is_complete: false },
  ]);

  const activity = (id: string, leadId: string, type: string, activityAt: string, { data, ...row }: Record<string, unknown> = {}) => ({
    id,
    organization_id: ORG,
    lead_id: leadId,
    type,
    activity_at: at(activityAt),
    data: JSON.stringify(data ?? {}),
    ...row,
  });
  await knex('activities').insert([
    activity('acti_c1', 'lead_acme', 'Call', '2024-05-12T09:00:00Z', { direction: 'outbound', status: 'completed', duration: 300, contact_id: 'cont_wile', user_id: USERS.ann }),
    activity('acti_e1', 'lead_bluth', 'Email', '2024-04-01T10:00:00Z', {
      direction: 'outgoing',
      status: 'sent',
      contact_id: 'cont_george',
      data: { subject: 'Banana stand', body_text: "There's always money", date_sent: '2024-04-01T10:00:00+00:00' },
    }),
    activity('acti_e2', 'lead_bluth', 'Email', '2024-04-02T08:00:00Z', { direction: 'incoming', status: 'inbox' }),
    activity('acti_m1', 'lead_dunder', 'Meeting', '2024-05-20T15:00:00Z', { status: 'upcoming', data: { title: 'Paper review' } }),
    activity('acti_m2', 'lead_dunder', 'Meeting', '2024-05-01T15:00:00Z', { status: 'completed' }),
    activity('acti_n1', 'lead_acme', 'Note', '2024-05-10T12:00:00Z', { user_id: USERS.ann, data: { note: 'Discussed the anvil order' } }),
    activity('acti_o1', 'lead_bluth', 'OpportunityStatusChange', '2024-03-15T00:00:00Z', {
      data: { opportunity_id: 'oppo_bluth', old_status_id: OPP_STATUS.active, new_status_id: OPP_STATUS.won },
    }),
    activity('acti_s1', 'lead_bluth', 'LeadStatusChange', '2024-05-02T03:00:00Z', {
      data: { old_status_id: STATUS.potential, new_status_id: STATUS.qualified },
    }),
    activity('acti_s2', 'lead_dunder', 'LeadStatusChange', '2024-04-30T23:00:00Z', {
      data: { old_status_id: STATUS.qualified, new_status_id: STATUS.customer },
    }),
    activity('acti_sms', 'lead_cyber', 'SMS', '2024-05-14T20:00:00Z', { direction: 'inbound', data: { text: "I'll be back" } }),
  ]);

  await knex('custom_objects').insert([
    { id: 'custobj_1', organization_id: ORG, custom_object_type_id: 'cotype_contract', lead_id: 'lead_hooli', name: 'Hooli Master Agreement', custom: JSON.stringify({ cf_co_term: 24 }) },
    { id: 'custobj_2', organization_id: ORG, custom_object_type_id: 'cotype_contract', lead_id: 'lead_initech', name: 'TPS Reports', custom: JSON.stringify({ cf_co_term: 6 }) },
  ]);
}

export async function insertSavedSearches(knex: Knex, searches: Record<string, { type?: string; sQuery: unknown }>): Promise<void> {
  await knex('saved_searches').insert(
    Object.entries(searches).map(([id, s]) => ({ id, organization_id: ORG, name: id, type: s.type ?? 'lead', s_query: JSON.stringify(s.sQuery) })),
  );
}
