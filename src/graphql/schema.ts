import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { LeadExportConnectionResolver, LeadExportResolver } from './lead-export.resolver.js';
import { LeadResolver } from './lead.resolver.js';
import { MeResolver, OrganizationResolver } from './me.resolver.js';
import { SearchResolver } from './search.resolver.js';

/** Every resolver of the API; the SDL in schema/schema.graphql is printed from these. */
const resolvers = [MeResolver, OrganizationResolver, LeadResolver, SearchResolver, LeadExportResolver, LeadExportConnectionResolver] as const;

/**
 * type-graphql insists on a PubSub as soon as there is a subscription, but ours bring their own
 * event source (`subscribe`, fed by PostgreSQL LISTEN/NOTIFY so events cross processes), so
 * topic-based publishing is deliberately unavailable.
 */
const noTopicPubSub = {
  publish(): void {
    throw new Error('topic subscriptions are not used: subscriptions define `subscribe`');
  },
  subscribe(): never {
    throw new Error('topic subscriptions are not used: subscriptions define `subscribe`');
  },
};

export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [...resolvers], validate: false, pubSub: noTopicPubSub });
}

/** The committed SDL (`npm run schema` writes it; a test fails when it is stale). */
export function printGatewaySchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
