import type { Principal } from '../auth/principal.js';
import type { Knex } from '../db/knex.js';
import type { Logger } from '../logger.js';

/** What resolvers may use. Built per HTTP request and per graphql-ws connection. */
export type GraphQLContext = {
  principal: Principal;
  services: GraphQLServices;
  logger: Logger;
};

/** The domain services the GraphQL transport calls; wired once in the composition root. */
export type GraphQLServices = {
  knex: Knex;
};
