import type { AppErrorCode } from './app-error.js';

/**
 * Every error code's meaning on each transport. `satisfies` makes a new code without a
 * mapping a compile error.
 */
export const ERROR_MAPPING = {
  BAD_USER_INPUT: { graphql: 'BAD_USER_INPUT', http: 400 },
  UNAUTHENTICATED: { graphql: 'UNAUTHENTICATED', http: 401 },
  FORBIDDEN: { graphql: 'FORBIDDEN', http: 403 },
  NOT_FOUND: { graphql: 'NOT_FOUND', http: 404 },
  CONFLICT: { graphql: 'CONFLICT', http: 409 },
  RATE_LIMITED: { graphql: 'RATE_LIMITED', http: 429 },
  INTERNAL: { graphql: 'INTERNAL_SERVER_ERROR', http: 500 },
} as const satisfies Record<AppErrorCode, { graphql: string; http: number }>;
