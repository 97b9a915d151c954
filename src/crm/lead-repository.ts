import type { Knex } from '../db/knex.js';

/**
 * Reads of single CRM objects for the API. Every query is scoped by organization: an id of
 * another organization reads as "not there".
 */
export type LeadRow = {
  id: string;
  name: string | null;
  display_name: string;
  description: string | null;
  url: string | null;
  status_id: string;
  status_label: string;
  custom: Record<string, unknown>;
  date_created: Date;
  date_updated: Date;
  created_by: string | null;
  updated_by: string | null;
};

export type ContactRow = {
  id: string;
  lead_id: string;
  name: string | null;
  title: string | null;
  custom: Record<string, unknown>;
  date_created: Date;
  date_updated: Date;
  emails: { email: string; type: string; is_unsubscribed: boolean }[];
  phones: { phone: string; type: string; country: string | null }[];
  urls: { url: string; type: string }[];
};

export type OpportunityRow = {
  id: string;
  lead_id: string;
  contact_id: string | null;
  user_id: string | null;
  user_name: string | null;
  status_id: string;
  status_label: string;
  status_type: 'active' | 'won' | 'lost';
  pipeline_id: string;
  pipeline_name: string;
  value: number | null;
  value_currency: string;
  value_period: 'one_time' | 'monthly' | 'annual';
  confidence: number;
  note: string | null;
  date_won: string | null;
  date_lost: Date | null;
  custom: Record<string, unknown>;
  date_created: Date;
  date_updated: Date;
};

export type AddressRow = {
  label: string;
  address_1: string | null;
  address_2: string | null;
  city: string | null;
  state: string | null;
  zipcode: string | null;
  country: string | null;
};

export async function findLead(knex: Knex, organizationId: string, leadId: string): Promise<LeadRow | undefined> {
  return knex('leads as l')
    .join('lead_statuses as s', 's.id', 'l.status_id')
    .where({ 'l.organization_id': organizationId, 'l.id': leadId })
    .first<LeadRow | undefined>('l.*', { status_label: 's.label' });
}

export async function listContacts(knex: Knex, organizationId: string, leadId: string): Promise<ContactRow[]> {
  // One round trip: the typed children are aggregated per contact in PostgreSQL.
  const children = (table: string, columns: string[], alias: string) =>
    knex.raw(
      `coalesce((SELECT json_agg(json_build_object(${columns.map((c) => `'${c}', x.${c}`).join(', ')}) ORDER BY x.position)
         FROM ${table} x WHERE x.contact_id = c.id), '[]') AS ${alias}`,
    );
  return knex('contacts as c')
    .where({ 'c.organization_id': organizationId, 'c.lead_id': leadId })
    .orderBy([{ column: 'c.position' }, { column: 'c.id' }])
    .select<ContactRow[]>(
      'c.id',
      'c.lead_id',
      'c.name',
      'c.title',
      'c.custom',
      'c.date_created',
      'c.date_updated',
      children('contact_emails', ['email', 'type', 'is_unsubscribed'], 'emails'),
      children('contact_phones', ['phone', 'type', 'country'], 'phones'),
      children('contact_urls', ['url', 'type'], 'urls'),
    );
}

export async function listOpportunities(knex: Knex, organizationId: string, leadId: string): Promise<OpportunityRow[]> {
  return knex('opportunities as o')
    .join('opportunity_statuses as s', 's.id', 'o.status_id')
    .join('pipelines as p', 'p.id', 's.pipeline_id')
    .leftJoin('users as u', 'u.id', 'o.user_id')
    .where({ 'o.organization_id': organizationId, 'o.lead_id': leadId })
    .orderBy([{ column: 'o.date_created' }, { column: 'o.id' }])
    .select<OpportunityRow[]>(
      'o.*',
      { status_label: 's.label', status_type: 's.type', pipeline_id: 'p.id', pipeline_name: 'p.name' },
      knex.raw("nullif(trim(u.first_name || ' ' || u.last_name), '') AS user_name"),
      knex.raw("to_char(o.date_won, 'YYYY-MM-DD') AS date_won"),
    );
}

export async function listAddresses(knex: Knex, organizationId: string, leadId: string): Promise<AddressRow[]> {
  return knex('addresses')
    .where({ organization_id: organizationId, lead_id: leadId })
    .orderBy([{ column: 'position' }, { column: 'id' }])
    .select<AddressRow[]>('label', 'address_1', 'address_2', 'city', 'state', 'zipcode', 'country');
}
