import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { findLead, listAddresses, listContacts, listOpportunities, type LeadRow } from '../crm/lead-repository.js';
import type { GraphQLContext } from './context.js';
import { Address, Contact, Lead, Opportunity } from './lead.type.js';

@Resolver(() => Lead)
export class LeadResolver {
  @Query(() => Lead, { nullable: true, description: 'A lead of your organization; null when there is none with that id.' })
  async lead(@Arg('id', () => ID) id: string, @Ctx() { principal, services }: GraphQLContext): Promise<Lead | null> {
    const row = await findLead(services.knex, principal.organizationId, id);
    return row ? toLead(row) : null;
  }

  @FieldResolver(() => [Contact], { description: 'Primary contact first.' })
  async contacts(@Root() lead: Lead, @Ctx() { principal, services }: GraphQLContext): Promise<Contact[]> {
    const rows = await listContacts(services.knex, principal.organizationId, lead.id);
    return rows.map((c) => ({
      id: c.id,
      leadId: c.lead_id,
      name: c.name,
      title: c.title,
      emails: c.emails.map((e) => ({ email: e.email, type: e.type, isUnsubscribed: e.is_unsubscribed })),
      phones: c.phones,
      urls: c.urls,
      custom: c.custom,
      dateCreated: c.date_created,
      dateUpdated: c.date_updated,
    }));
  }

  @FieldResolver(() => [Opportunity], { description: 'Oldest first.' })
  async opportunities(@Root() lead: Lead, @Ctx() { principal, services }: GraphQLContext): Promise<Opportunity[]> {
    const rows = await listOpportunities(services.knex, principal.organizationId, lead.id);
    return rows.map((o) => ({
      id: o.id,
      leadId: o.lead_id,
      contactId: o.contact_id,
      userId: o.user_id,
      userName: o.user_name,
      status: { id: o.status_id, label: o.status_label, type: o.status_type, pipelineId: o.pipeline_id, pipelineName: o.pipeline_name },
      value: o.value,
      valueCurrency: o.value_currency,
      valuePeriod: o.value_period,
      confidence: o.confidence,
      note: o.note,
      dateWon: o.date_won,
      dateLost: o.date_lost,
      custom: o.custom,
      dateCreated: o.date_created,
      dateUpdated: o.date_updated,
    }));
  }

  @FieldResolver(() => [Address])
  async addresses(@Root() lead: Lead, @Ctx() { principal, services }: GraphQLContext): Promise<Address[]> {
    const rows = await listAddresses(services.knex, principal.organizationId, lead.id);
    return rows.map((a) => ({
      label: a.label,
      address1: a.address_1,
      address2: a.address_2,
      city: a.city,
      state: a.state,
      zipcode: a.zipcode,
      country: a.country,
    }));
  }
}

export function toLead(row: LeadRow): Lead {
  return {
    id: row.id,
    name: row.name,
    displayName: row.display_name,
    description: row.description,
    url: row.url,
    status: { id: row.status_id, label: row.status_label },
    custom: row.custom,
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    dateCreated: row.date_created,
    dateUpdated: row.date_updated,
  };
}
