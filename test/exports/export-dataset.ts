import type { Knex } from 'knex';

/**
 * The small, hand-written dataset behind the golden export files. Every id and value is
 * explicit so that the golden files can be checked by reading them. It holds what exports
 * must get right: commas, quotes and line breaks in values, non-ASCII text, NULLs next to empty
 * strings, multi-value and user custom fields, a lead without contacts or opportunities,
 * several addresses, and a second organization that must never appear.
 */
export const ORG = 'orga_golden';
export const OTHER_ORG = 'orga_other';

export const LEAD_IDS = ['lead_A1', 'lead_A2', 'lead_A3', 'lead_A4'] as const;

const ts = (iso: string) => iso; // timestamptz literals; the test session runs in UTC

export async function insertExportDataset(knex: Knex): Promise<void> {
  await knex('organizations').insert([
    { id: ORG, name: 'Golden Org', date_created: ts('2014-01-01T00:00:00Z'), date_updated: ts('2014-01-01T00:00:00Z') },
    { id: OTHER_ORG, name: 'Other Org', date_created: ts('2014-01-01T00:00:00Z'), date_updated: ts('2014-01-01T00:00:00Z') },
  ]);
  await knex('users').insert([
    { id: 'user_A1', organization_id: ORG, email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' },
    { id: 'user_A2', organization_id: ORG, email: 'zoe@example.com', first_name: 'Zoë', last_name: 'Ørsted' },
    { id: 'user_A3', organization_id: ORG, email: 'nameless@example.com', first_name: '', last_name: '' },
    { id: 'user_B1', organization_id: OTHER_ORG, email: 'bob@other.example', first_name: 'Bob', last_name: 'Other' },
  ]);
  await knex('lead_statuses').insert([
    { id: 'stat_L1', organization_id: ORG, label: 'Potential', position: 0 },
    { id: 'stat_L2', organization_id: ORG, label: 'Qualified, "hot"', position: 1 },
    { id: 'stat_LB', organization_id: OTHER_ORG, label: 'Potential', position: 0 },
  ]);
  await knex('pipelines').insert([
    { id: 'pipe_A1', organization_id: ORG, name: 'Sales', position: 0 },
    { id: 'pipe_B1', organization_id: OTHER_ORG, name: 'Sales', position: 0 },
  ]);
  await knex('opportunity_statuses').insert([
    { id: 'stat_O1', organization_id: ORG, pipeline_id: 'pipe_A1', label: 'Active', type: 'active', position: 0 },
    { id: 'stat_O2', organization_id: ORG, pipeline_id: 'pipe_A1', label: 'Won', type: 'won', position: 1 },
    { id: 'stat_O3', organization_id: ORG, pipeline_id: 'pipe_A1', label: 'Lost', type: 'lost', position: 2 },
    { id: 'stat_OB', organization_id: OTHER_ORG, pipeline_id: 'pipe_B1', label: 'Active', type: 'active', position: 0 },
  ]);
  await knex('custom_object_types').insert([{ id: 'cotype_A1', organization_id: ORG, name: 'Contract', name_plural: 'Contracts' }]);
  const field = (id: string, objectType: string, name: string, type: string, position: number, multiple = false, cotype?: string) => ({
    id,
    organization_id: ORG,
    object_type: objectType,
    custom_object_type_id: cotype ?? null,
    name,
    type,
    accepts_multiple_values: multiple,
    position,
  });
  await knex('custom_fields').insert([
    field('cf_L_source', 'lead', 'Lead Source', 'text', 0),
    field('cf_L_amount', 'lead', 'Loan Amount', 'number', 1),
    field('cf_L_industry', 'lead', 'Industry', 'choices', 2, true),
    field('cf_L_owner', 'lead', 'Owner', 'user', 3),
    field('cf_L_helpers', 'lead', 'Helpers', 'user', 4, true),
    field('cf_L_trial', 'lead', 'Trial Due', 'date', 5),
    field('cf_L_kickoff', 'lead', 'Kickoff At', 'datetime', 6),
    field('cf_L_notes', 'lead', 'Notes, long', 'textarea', 7),
    field('cf_C_role', 'contact', 'Role', 'text', 0),
    field('cf_O_channel', 'opportunity', 'Channel', 'choices', 0),
    field('cf_CO_term', 'custom_object', 'Term (months)', 'number', 0, false, 'cotype_A1'),
    { ...field('cf_B_x', 'lead', 'Other Org Field', 'text', 0), organization_id: OTHER_ORG },
  ]);

  await knex('leads').insert([
    {
      id: 'lead_A1',
      organization_id: ORG,
      name: 'Acme, Inc.',
      display_name: 'Acme, Inc.',
      description: 'Says "hello"\nsecond line',
      url: 'https://acme.example/?a=1,2',
      status_id: 'stat_L2',
      custom: {
        cf_L_source: 'Website, form',
        cf_L_amount: 1234.5,
        cf_L_industry: ['Cars', 'IT, Software'],
        cf_L_owner: 'user_A2',
        cf_L_helpers: ['user_A1', 'user_A3'],
        cf_L_trial: '2026-12-31',
        cf_L_kickoff: '2026-11-27T12:30:00+00:00',
        cf_L_notes: 'Line 1\nLine 2 "quoted"',
        cf_gone: 'a value of a deleted field',
      },
      created_by: 'user_A1',
      updated_by: 'user_A2',
      date_created: ts('2014-04-02T15:00:05.190000Z'),
      date_updated: ts('2014-04-03T00:00:00Z'),
    },
    {
      id: 'lead_A2',
      organization_id: ORG,
      name: 'Ünïcødé GmbH — 日本',
      display_name: 'Ünïcødé GmbH — 日本',
      description: '',
      url: null,
      status_id: 'stat_L1',
      custom: { cf_L_industry: ['Cosmetics'], cf_L_amount: 0, cf_L_kickoff: 'next week' },
      created_by: null,
      updated_by: null,
      date_created: ts('2015-06-30T12:00:00.000001Z'),
      date_updated: ts('2015-06-30T23:59:59.999999Z'),
    },
    {
      id: 'lead_A3',
      organization_id: ORG,
      name: null,
      display_name: '',
      description: null,
      url: null,
      status_id: 'stat_L1',
      custom: {},
      created_by: 'user_A3',
      updated_by: 'user_A3',
      date_created: ts('2016-01-01T00:00:00Z'),
      date_updated: ts('2016-01-01T12:00:00Z'),
    },
    {
      id: 'lead_A4',
      organization_id: ORG,
      name: 'Zeta',
      display_name: 'Zeta',
      description: 'Plain',
      url: 'https://zeta.example',
      status_id: 'stat_L1',
      custom: { cf_L_owner: 'user_A3', cf_L_source: '', cf_L_helpers: 'user_A2' },
      created_by: 'user_A2',
      updated_by: 'user_A1',
      date_created: ts('2017-03-04T05:06:07.080900Z'),
      date_updated: ts('2017-03-04T17:06:07Z'),
    },
    {
      id: 'lead_B1',
      organization_id: OTHER_ORG,
      name: 'Other org lead',
      display_name: 'Other org lead',
      status_id: 'stat_LB',
      custom: { cf_B_x: 'secret' },
      date_created: ts('2014-01-01T00:00:00Z'),
      date_updated: ts('2014-01-01T00:00:00Z'),
    },
  ]);

  const contactStamps = { date_created: ts('2014-04-02T15:00:06Z'), date_updated: ts('2014-04-02T15:30:00.5Z') };
  await knex('contacts').insert([
    { id: 'cont_A1a', organization_id: ORG, lead_id: 'lead_A1', position: 0, name: 'Bruce Wayne', title: 'CEO', custom: { cf_C_role: 'Decision maker' }, created_by: 'user_A1', updated_by: 'user_A1', ...contactStamps },
    { id: 'cont_A1b', organization_id: ORG, lead_id: 'lead_A1', position: 1, name: 'Ångström Ünïcode', title: null, custom: {}, created_by: null, updated_by: null, ...contactStamps },
    { id: 'cont_A3a', organization_id: ORG, lead_id: 'lead_A3', position: 0, name: null, title: 'Unknown', custom: {}, ...contactStamps },
    // Positions decide the order, not ids: cont_A4b is the primary contact.
    { id: 'cont_A4a', organization_id: ORG, lead_id: 'lead_A4', position: 1, name: 'Zed', title: null, custom: {}, ...contactStamps },
    { id: 'cont_A4b', organization_id: ORG, lead_id: 'lead_A4', position: 0, name: 'Zora', title: 'CTO', custom: { cf_C_role: 'Champion, "tech"' }, ...contactStamps },
    { id: 'cont_B1a', organization_id: OTHER_ORG, lead_id: 'lead_B1', position: 0, name: 'Secret Contact', custom: {}, ...contactStamps },
  ]);
  await knex('contact_emails').insert([
    { organization_id: ORG, lead_id: 'lead_A1', contact_id: 'cont_A1a', position: 0, email: 'bruce@acme.example', type: 'office' },
    { organization_id: ORG, lead_id: 'lead_A1', contact_id: 'cont_A1a', position: 1, email: 'b.wayne@home.example', type: 'home', is_unsubscribed: true },
    { organization_id: ORG, lead_id: 'lead_A1', contact_id: 'cont_A1a', position: 2, email: 'batman@cave.example', type: 'other' },
    { organization_id: ORG, lead_id: 'lead_A1', contact_id: 'cont_A1b', position: 0, email: 'angstrom@acme.example', type: 'office' },
    { organization_id: ORG, lead_id: 'lead_A4', contact_id: 'cont_A4a', position: 0, email: 'zed@zeta.example', type: 'direct' },
    { organization_id: OTHER_ORG, lead_id: 'lead_B1', contact_id: 'cont_B1a', position: 0, email: 'secret@other.example', type: 'office' },
  ]);
  await knex('contact_phones').insert([
    { organization_id: ORG, lead_id: 'lead_A1', contact_id: 'cont_A1a', position: 0, phone: '+16503334444', type: 'office', country: 'US' },
    { organization_id: ORG, lead_id: 'lead_A1', contact_id: 'cont_A1a', position: 1, phone: '+16505550000', type: 'mobile', country: 'US' },
    { organization_id: ORG, lead_id: 'lead_A4', contact_id: 'cont_A4b', position: 0, phone: '+4930123456', type: 'office', country: null },
  ]);
  await knex('contact_urls').insert([
    { organization_id: ORG, lead_id: 'lead_A1', contact_id: 'cont_A1a', position: 0, url: 'https://acme.example/bruce', type: 'url' },
  ]);
  await knex('addresses').insert([
    { organization_id: ORG, lead_id: 'lead_A1', position: 0, label: 'business', address_1: '747 Howard St', address_2: 'Room 3', city: 'San Francisco', state: 'CA', zipcode: '94103', country: 'US' },
    { organization_id: ORG, lead_id: 'lead_A1', position: 1, label: 'mailing', address_1: 'PO Box 1', address_2: null, city: 'Springfield', state: null, zipcode: '12345', country: 'US' },
    { organization_id: ORG, lead_id: 'lead_A1', position: 2, label: 'other', address_1: 'Straße 1, Hof "B"', address_2: null, city: 'München', state: 'BY', zipcode: '80331', country: 'DE' },
    { organization_id: ORG, lead_id: 'lead_A2', position: 0, label: 'business', address_1: '1-1 Chiyoda', address_2: null, city: '東京', state: null, zipcode: '100-0001', country: 'JP' },
    { organization_id: OTHER_ORG, lead_id: 'lead_B1', position: 0, label: 'business', address_1: 'Secret St', city: 'Nowhere', country: 'US' },
  ]);
  await knex('opportunities').insert([
    {
      id: 'oppo_A1a', organization_id: ORG, lead_id: 'lead_A1', contact_id: 'cont_A1a', user_id: 'user_A1', status_id: 'stat_O1',
      value: 50000, value_currency: 'USD', value_period: 'one_time', confidence: 75, note: 'Needs "software",\nsoon', custom: { cf_O_channel: 'Partner' },
      created_by: 'user_A1', updated_by: 'user_A2', date_created: ts('2014-05-01T10:00:00.5Z'), date_updated: ts('2014-05-02T10:00:00Z'),
    },
    {
      id: 'oppo_A1b', organization_id: ORG, lead_id: 'lead_A1', contact_id: null, user_id: 'user_A2', status_id: 'stat_O2',
      value: 1200, value_currency: 'EUR', value_period: 'monthly', confidence: 100, note: null, date_won: '2014-06-15', custom: {},
      created_by: 'user_A2', updated_by: null, date_created: ts('2014-06-01T09:00:00Z'), date_updated: ts('2014-06-15T18:30:00Z'),
    },
    {
      id: 'oppo_A3a', organization_id: ORG, lead_id: 'lead_A3', contact_id: null, user_id: null, status_id: 'stat_O3',
      value: null, value_period: 'annual', confidence: 0, note: '', date_lost: ts('2016-02-02T02:02:02.020202Z'), custom: {},
      date_created: ts('2016-01-15T00:00:00Z'), date_updated: ts('2016-02-02T02:02:02.020202Z'),
    },
    {
      id: 'oppo_A4a', organization_id: ORG, lead_id: 'lead_A4', contact_id: 'cont_A4b', user_id: 'user_A3', status_id: 'stat_O1',
      value: 9900, value_period: 'annual', confidence: 50, note: 'Renewal', custom: { cf_O_channel: 'Direct' },
      date_created: ts('2017-03-05T00:00:00Z'), date_updated: ts('2017-03-05T00:00:00Z'),
    },
    {
      id: 'oppo_B1a', organization_id: OTHER_ORG, lead_id: 'lead_B1', status_id: 'stat_OB', value: 1, custom: {},
      date_created: ts('2014-01-01T00:00:00Z'), date_updated: ts('2014-01-01T00:00:00Z'),
    },
  ]);
  await knex('tasks').insert([
    {
      id: 'task_A1a', organization_id: ORG, lead_id: 'lead_A1', contact_id: 'cont_A1a', assigned_to: 'user_A1', type: 'lead', text: 'Call Bruce, again',
      due_date: '2014-07-01', is_complete: false, created_by: 'user_A2', updated_by: 'user_A2',
      date_created: ts('2014-06-20T08:00:00Z'), date_updated: ts('2014-06-20T08:00:00Z'),
    },
    {
      id: 'task_A1b', organization_id: ORG, lead_id: 'lead_A1', contact_id: null, assigned_to: 'user_A3', type: 'lead', text: 'Send contract',
      due_date: '2014-06-20', is_complete: true, created_by: 'user_A1', updated_by: 'user_A3',
      date_created: ts('2014-06-10T08:00:00Z'), date_updated: ts('2014-06-21T08:00:00Z'),
    },
  ]);
  const activity = (id: string, lead: string, type: string, at: string, extra: Record<string, unknown> = {}) => ({
    id,
    organization_id: lead === 'lead_B1' ? OTHER_ORG : ORG,
    lead_id: lead,
    type,
    activity_at: ts(at),
    date_created: ts(at),
    date_updated: ts(at),
    data: {},
    ...extra,
  });
  await knex('activities').insert([
    activity('acti_A1a', 'lead_A1', 'Call', '2014-05-02T16:00:00Z', {
      contact_id: 'cont_A1a', user_id: 'user_A1', direction: 'outbound', status: 'completed', duration: 120,
      data: { note: 'Left a voicemail, "urgent"', phone: '+16503334444' }, created_by: 'user_A1', updated_by: 'user_A1',
    }),
    activity('acti_A1b', 'lead_A1', 'Email', '2014-05-03T08:15:30.123456Z', {
      contact_id: 'cont_A1a', user_id: 'user_A2', direction: 'outgoing', status: 'sent',
      data: { subject: 'Proposal, v2', to: ['bruce@acme.example'], id: 'must not override the id' },
    }),
    activity('acti_A1c', 'lead_A1', 'LeadStatusChange', '2014-05-04T12:00:00Z', {
      user_id: 'user_A1', data: { old_status_id: 'stat_L1', old_status_label: 'Potential', new_status_id: 'stat_L2', new_status_label: 'Qualified, "hot"' },
    }),
    activity('acti_A1d', 'lead_A1', 'Note', '2014-05-05T09:30:00Z', { user_id: 'user_A3', data: { note: 'Met at the conference\nin Berlin' } }),
    activity('acti_A1e', 'lead_A1', 'Email', '2014-05-06T10:00:00Z', {
      contact_id: 'cont_A1b', direction: 'incoming', status: 'inbox', data: { subject: 'Re: Proposal, v2' },
    }),
    activity('acti_A4a', 'lead_A4', 'Meeting', '2030-01-01T12:00:00Z', {
      user_id: 'user_A2', status: 'upcoming', duration: 1800, data: { title: 'Kick-off' },
    }),
    activity('acti_B1a', 'lead_B1', 'Note', '2014-01-01T00:00:00Z', { data: { note: 'secret' } }),
  ]);
  await knex('custom_objects').insert([
    {
      id: 'custobj_A1', organization_id: ORG, custom_object_type_id: 'cotype_A1', lead_id: 'lead_A1', name: 'Contract #1',
      custom: { cf_CO_term: 24 }, created_by: 'user_A1', updated_by: 'user_A1',
      date_created: ts('2014-06-16T00:00:00Z'), date_updated: ts('2014-06-16T00:00:00Z'),
    },
  ]);
}
