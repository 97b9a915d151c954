import type { Principal } from '../auth/principal.js';
import type { Knex } from '../db/knex.js';
import type { ExportService } from '../exports/export-service.js';
import type { Logger } from '../logger.js';

/** What resolvers may use. Built per HTTP request and per graphql-ws connection. */
export type GraphQLContext = {
  principal: Principal;
  services: GraphQLServices;
  logger: Logger;
  /**
   * The caller's time zone as sent: the X-TZ-Offset header (HTTP) or `tzOffset` in the
   * connection payload (WebSocket). Resolvers parse it (parseTzOffsetHeader), so a bad one is a
   * BAD_USER_INPUT of the operation, not a failed request.
   */
  tzOffsetHeader?: string;
};

/** The domain services the GraphQL transport calls; wired once in the composition root. */
export type GraphQLServices = {
  knex: Knex;
  exports: ExportService;
};
