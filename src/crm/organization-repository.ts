import type { Knex } from '../db/knex.js';

export type OrganizationRow = { id: string; name: string; date_created: Date };
export type UserRow = { id: string; email: string; first_name: string; last_name: string; date_created: Date };
export type LeadStatusRow = { id: string; label: string };
export type CustomFieldRow = {
  id: string;
  object_type: 'lead' | 'contact' | 'opportunity' | 'custom_object';
  custom_object_type_id: string | null;
  name: string;
  description: string | null;
  type: 'text' | 'textarea' | 'number' | 'date' | 'datetime' | 'choices' | 'user' | 'contact';
  accepts_multiple_values: boolean;
  choices: string[] | null;
};

export async function getOrganization(knex: Knex, organizationId: string): Promise<OrganizationRow> {
  return knex('organizations').where({ id: organizationId }).first<OrganizationRow>('id', 'name', 'date_created');
}

export async function findUser(knex: Knex, organizationId: string, userId: string): Promise<UserRow | undefined> {
  return knex('users')
    .where({ organization_id: organizationId, id: userId })
    .first<UserRow | undefined>('id', 'email', 'first_name', 'last_name', 'date_created');
}

export async function listLeadStatuses(knex: Knex, organizationId: string): Promise<LeadStatusRow[]> {
  return knex('lead_statuses').where({ organization_id: organizationId }).orderBy(['position', 'label']).select('id', 'label');
}

export async function listCustomFields(knex: Knex, organizationId: string): Promise<CustomFieldRow[]> {
  return knex('custom_fields')
    .where({ organization_id: organizationId })
    .orderBy(['object_type', 'position', 'name'])
    .select('id', 'object_type', 'custom_object_type_id', 'name', 'description', 'type', 'accepts_multiple_values', 'choices');
}
