import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { authenticate } from '../auth/credential-store.js';
import type { Principal } from '../auth/principal.js';
import type { Knex } from '../db/knex.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../logger.js';
import { parseTzOffsetHeader } from '../search/tz-offset.js';
import { createRateLimiter } from './rate-limiter.js';

/** What every authenticated REST handler gets, in `res.locals`. */
export type RestLocals = { principal: Principal; tzOffsetMinutes: number };

export function restLocals(res: Response): RestLocals {
  return res.locals as RestLocals;
}

/**
 * Close's REST conventions (spec §1) in front of the given routers, under `/api/v1`:
 * trailing slashes optional, JSON bodies, Basic `key:` or Bearer auth, per-key and
 * per-organization rate limits with Close's headers, `X-TZ-Offset`, and
 * `x-http-method-override: GET` with `{"_params": {...}}`.
 */
export function restApi(options: { knex: Knex; logger: Logger; requestsPerWindow: number; windowSeconds: number; routers: Router[] }): Router {
  const api = Router({ strict: false });
  const limiter = createRateLimiter({ knex: options.knex, logger: options.logger, limit: options.requestsPerWindow, windowSeconds: options.windowSeconds });

  api.use(express.json({ limit: '1mb' }));
  api.use(methodOverride);
  api.use(async (req: Request, res: Response, next: NextFunction) => {
    const principal = await authenticate(options.knex, req.headers.authorization);
    const decision = await limiter.take(principal);
    res.set('RateLimit', `limit=${decision.limit}, remaining=${decision.remaining}, reset=${decision.resetSeconds}`);
    if (!decision.allowed) {
      throw new AppError('RATE_LIMITED', `API call count exceeded for this ${limiter.windowSeconds} second window`, {
        details: { retryAfterSeconds: decision.resetSeconds },
      });
    }
    res.locals.principal = principal;
    res.locals.tzOffsetMinutes = parseTzOffsetHeader(req.headers['x-tz-offset']);
    next();
  });
  for (const router of options.routers) api.use(router);

  const root = Router();
  root.use('/api/v1', api);
  return root;
}

/**
 * Close lets any GET be sent as a POST with `x-http-method-override: GET` and the query
 * parameters in `{"_params": {...}}` (for long filters).
 */
function methodOverride(req: Request, _res: Response, next: NextFunction): void {
  const override = req.headers['x-http-method-override'];
  if (req.method !== 'POST' || typeof override !== 'string' || override.toUpperCase() !== 'GET') return next();
  const params = (req.body as { _params?: unknown } | undefined)?._params ?? {};
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw AppError.badInput('_params', 'must be an object of query parameters');
  }
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    query[key] = Array.isArray(value) ? value.join(',') : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  }
  req.method = 'GET';
  Object.defineProperty(req, 'query', { value: query, configurable: true, enumerable: true });
  next();
}
