import type { Logger } from '../logger.js';
import { AppError, isAppError } from './app-error.js';
import { ERROR_MAPPING } from './error-mapping.js';

export type HttpErrorResponse = { status: number; body: unknown; headers: Record<string, string> };

/**
 * The one place REST errors are shaped, in the bodies Close's clients parse:
 * 400 `{"errors": [...], "field-errors": {...}}` (the official client raises ValidationError
 * from exactly these keys), `{"error": "..."}` otherwise, and Close's historic 429 body.
 * Unknown errors are logged and masked.
 */
export function toHttpErrorResponse(error: unknown, logger: Logger, requestId?: string): HttpErrorResponse {
  const appError = isAppError(error) ? error : undefined;
  if (!appError) {
    logger.error({ err: error, requestId }, 'unexpected error in a REST request');
    return { status: 500, body: { error: 'Internal server error' }, headers: {} };
  }
  const status = ERROR_MAPPING[appError.code].http;
  switch (appError.code) {
    case 'BAD_USER_INPUT': {
      const fieldErrors = appError.details.fieldErrors ?? {};
      const errors = Object.keys(fieldErrors).length === 0 ? [appError.message] : [];
      return { status, body: { errors, 'field-errors': fieldErrors }, headers: {} };
    }
    case 'RATE_LIMITED': {
      const reset = appError.details.retryAfterSeconds ?? 1;
      return {
        status,
        body: { error: { rate_reset: reset, message: appError.message } },
        headers: { 'Retry-After': String(reset), 'RateLimit-Reset': String(reset) },
      };
    }
    case 'UNAUTHENTICATED':
      return { status, body: { error: appError.message }, headers: { 'WWW-Authenticate': 'Basic realm="api"' } };
    case 'FORBIDDEN':
    case 'NOT_FOUND':
    case 'CONFLICT':
    case 'INTERNAL':
      return { status, body: { error: appError.message }, headers: {} };
  }
}

export { AppError };
