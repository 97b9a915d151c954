import { Router } from 'express';
import type { Knex } from '../db/knex.js';

/**
 * `GET /healthz`: the process is up (liveness). `GET /readyz`: it can serve, i.e. PostgreSQL
 * answers within a second (readiness). Neither needs credentials.
 */
export function healthRoutes(knex: Knex): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await knex.raw('SELECT 1').timeout(1000, { cancel: true });
      res.json({ status: 'ok', database: 'ok' });
    } catch (error) {
      res.status(503).json({ status: 'unavailable', database: (error as Error).message });
    }
  });
  return router;
}
