import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import {
  findUser,
  getOrganization,
  listCustomFields,
  listLeadStatuses,
  type UserRow,
} from '../crm/organization-repository.js';
import type { GraphQLContext } from './context.js';
import { CustomField, CustomFieldObjectType, LeadStatus, Me, Organization, User } from './organization.type.js';

export function toUser(row: UserRow): User {
  const name = `${row.first_name} ${row.last_name}`.trim();
  return { id: row.id, email: row.email, firstName: row.first_name, lastName: row.last_name, displayName: name || row.email };
}

@Resolver(() => Me)
export class MeResolver {
  @Query(() => Me, { description: 'Who the credentials belong to.' })
  async me(@Ctx() { principal, services }: GraphQLContext): Promise<Me> {
    const [user, organization] = await Promise.all([
      findUser(services.knex, principal.organizationId, principal.userId),
      getOrganization(services.knex, principal.organizationId),
    ]);
    // The credential was resolved through this very user a moment ago.
    return { user: toUser(user!), organization: { id: organization.id, name: organization.name, dateCreated: organization.date_created } };
  }
}

@Resolver(() => Organization)
export class OrganizationResolver {
  @FieldResolver(() => [LeadStatus], { description: 'In pipeline order.' })
  async leadStatuses(@Root() organization: Organization, @Ctx() { services }: GraphQLContext): Promise<LeadStatus[]> {
    return listLeadStatuses(services.knex, organization.id);
  }

  @FieldResolver(() => [CustomField], { description: 'Custom field definitions of leads, contacts, opportunities and custom objects.' })
  async customFields(@Root() organization: Organization, @Ctx() { services }: GraphQLContext): Promise<CustomField[]> {
    const rows = await listCustomFields(services.knex, organization.id);
    return rows.map((f) => ({
      id: f.id,
      name: f.name,
      objectType: f.object_type as CustomFieldObjectType,
      type: f.type,
      acceptsMultipleValues: f.accepts_multiple_values,
      choices: f.choices,
      description: f.description,
    }));
  }
}
