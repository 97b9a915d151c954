/**
 * The one error type services throw. Transports map `code` to a GraphQL error code and an HTTP
 * status in exactly one place each (`errors/graphql-error.ts`, `errors/http-error.ts`).
 */
export type AppErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'INTERNAL';

export type AppErrorDetails = {
  /** Path into the input → what is wrong there, e.g. `{"s_query.queries[1].condition.mode": "…"}`. */
  fieldErrors?: Record<string, string>;
  /** Seconds a rate-limited caller should wait. */
  retryAfterSeconds?: number;
};

export class AppError extends Error {
  override name = 'AppError';
  readonly code: AppErrorCode;
  readonly details: AppErrorDetails;

  constructor(code: AppErrorCode, message: string, options: { details?: AppErrorDetails; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  /** A validation failure at one input path. */
  static badInput(path: string, message: string): AppError {
    return new AppError('BAD_USER_INPUT', `${path}: ${message}`, { details: { fieldErrors: { [path]: message } } });
  }

  static notFound(what: string): AppError {
    return new AppError('NOT_FOUND', `${what} not found`);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
