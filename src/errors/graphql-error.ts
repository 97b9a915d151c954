import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '../logger.js';
import { isAppError, type AppError } from './app-error.js';
import { ERROR_MAPPING } from './error-mapping.js';

const MASKED_MESSAGE = 'Internal server error';

/** An AppError as a GraphQLError; `http` makes Apollo answer request-level failures (401) with that status. */
export function appErrorToGraphQLError(error: AppError): GraphQLError {
  const mapping = ERROR_MAPPING[error.code];
  return new GraphQLError(error.message, {
    extensions: {
      code: mapping.graphql,
      ...(error.details.fieldErrors ? { fieldErrors: error.details.fieldErrors } : {}),
      ...(error.code === 'UNAUTHENTICATED' ? { http: { status: mapping.http } } : {}),
    },
  });
}

/**
 * The one place GraphQL errors are shaped. AppErrors keep their message and get their code (and,
 * for bad input, `fieldErrors`: input path → what is wrong). Errors graphql-js raised itself
 * (syntax, validation, variable coercion) pass through. Anything else is a bug: logged in full,
 * returned masked.
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown, logger: Logger): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (isAppError(original)) {
    const { extensions } = appErrorToGraphQLError(original);
    const { http: _http, ...publicExtensions } = extensions;
    return { message: original.message, locations: formatted.locations, path: formatted.path, extensions: publicExtensions };
  }
  if (original instanceof GraphQLError && original.originalError === undefined) return formatted;
  if (original instanceof GraphQLError && typeof formatted.extensions?.code === 'string' && formatted.extensions.code !== 'INTERNAL_SERVER_ERROR') {
    return formatted;
  }
  logger.error({ err: original, path: formatted.path }, 'unexpected error in a GraphQL operation');
  return { message: MASKED_MESSAGE, locations: formatted.locations, path: formatted.path, extensions: { code: ERROR_MAPPING.INTERNAL.graphql } };
}
