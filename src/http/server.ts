import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler, type Router } from 'express';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { authenticate } from '../auth/credential-store.js';
import type { Principal } from '../auth/principal.js';
import { AppError, isAppError } from '../errors/app-error.js';
import { appErrorToGraphQLError, formatGraphQLError } from '../errors/graphql-error.js';
import { toHttpErrorResponse } from '../errors/http-error.js';
import type { GraphQLContext, GraphQLServices } from '../graphql/context.js';
import type { Logger } from '../logger.js';
import { healthRoutes } from './health.routes.js';

export type HttpServerOptions = {
  schema: GraphQLSchema;
  services: GraphQLServices;
  logger: Logger;
  port: number;
  host: string;
  /** Extra routers mounted at the root (REST surface, downloads). */
  routers?: Router[];
};

export type RunningHttpServer = {
  /** e.g. http://127.0.0.1:4000 (the address actually bound). */
  url: string;
  port: number;
  /** Stops accepting connections, drains HTTP requests and closes WebSockets. */
  close(): Promise<void>;
};

type SocketExtra = { principal?: Principal; tzOffsetHeader?: string };

/**
 * One HTTP server for everything: GraphQL over HTTP and over graphql-ws on `/graphql`, health
 * probes, and the REST routers given by the composition root.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { schema, services, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);

  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer<Record<string, unknown>, SocketExtra>(
    {
      schema,
      // Credentials come in the connection_init payload (browsers cannot set headers on a
      // WebSocket) or, for server-side clients, on the upgrade request.
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization ?? ctx.extra.request.headers.authorization;
        try {
          ctx.extra.principal = await authenticate(services.knex, typeof header === 'string' ? header : undefined);
          const tz = ctx.connectionParams?.tzOffset ?? ctx.extra.request.headers['x-tz-offset'];
          ctx.extra.tzOffsetHeader = tz === undefined ? undefined : String(tz);
          return true;
        } catch (error) {
          if (!isAppError(error) || error.code !== 'UNAUTHENTICATED') throw error;
          // Missing credentials: 4401 Unauthorized; wrong ones: 4403 Forbidden (graphql-ws's own code for a refused connection).
          const code = header === undefined ? 4401 : 4403;
          ctx.extra.socket.close(code, code === 4401 ? 'Unauthorized' : 'Forbidden');
          return false;
        }
      },
      context: (ctx): GraphQLContext => ({
        principal: ctx.extra.principal!,
        services,
        logger,
        tzOffsetHeader: ctx.extra.tzOffsetHeader,
      }),
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatGraphQLError(e.toJSON(), e, logger)) as never,
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!('errors' in result) || !result.errors) return result;
        return { ...result, errors: result.errors.map((e) => formatGraphQLError(e.toJSON(), e, logger)) };
      },
    },
    wsServer,
  );

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    stopOnTerminationSignals: false, // we own shutdown (stack notes G1)
    formatError: (formatted, error) => formatGraphQLError(formatted, error, logger),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { serverWillStart: async () => ({ drainServer: async () => wsCleanup.dispose() }) },
    ],
  });
  await apollo.start();

  app.use(healthRoutes(services.knex));
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<GraphQLContext> => {
        try {
          const tzOffsetHeader = req.headers['x-tz-offset'];
          return { principal: await authenticate(services.knex, req.headers.authorization), services, logger, tzOffsetHeader: Array.isArray(tzOffsetHeader) ? tzOffsetHeader[0] : tzOffsetHeader };
        } catch (error) {
          throw isAppError(error) ? appErrorToGraphQLError(error) : error;
        }
      },
    }),
  );
  for (const router of options.routers ?? []) app.use(router);
  app.use((_req, _res, next) => next(AppError.notFound('URL')));
  app.use(((error, req, res, _next) => {
    const malformedBody = (error as { type?: string }).type === 'entity.parse.failed';
    const appError = malformedBody ? new AppError('BAD_USER_INPUT', 'The request body is not valid JSON.') : error;
    const response = toHttpErrorResponse(appError, logger, req.headers['x-request-id'] as string | undefined);
    res.status(response.status).set(response.headers).json(response.body);
  }) satisfies ErrorRequestHandler);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const displayHost = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${displayHost}:${port}`,
    port,
    // apollo.stop() must run once (stack notes G1): it drains HTTP and disposes the WebSockets.
    close: () => (closing ??= apollo.stop().then(() => new Promise<void>((resolve) => wsServer.close(() => resolve())))),
  };
}
