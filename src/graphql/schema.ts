import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { LeadResolver } from './lead.resolver.js';
import { MeResolver, OrganizationResolver } from './me.resolver.js';

/** Every resolver of the API; the SDL in schema/schema.graphql is printed from these. */
const resolvers = [MeResolver, OrganizationResolver, LeadResolver] as const;

export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [...resolvers], validate: false });
}

/** The committed SDL (`npm run schema` writes it; a test fails when it is stale). */
export function printGatewaySchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
