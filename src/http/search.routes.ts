import { Router } from 'express';
import { searchObjects } from '../crm/search-service.js';
import type { Knex } from '../db/knex.js';
import { restLocals } from './rest-api.js';

/**
 * Close's Advanced Filtering endpoint, `POST /api/v1/data/search/` (spec §3.1): Close's body
 * (`query`, `sort`, `results_limit`, `_limit`, `cursor`, `_fields`, `include_counts`) and
 * response (`data`, `cursor`, `count.total`). Mounted by `restApi`, which authenticates, reads
 * X-TZ-Offset and maps AppErrors (400 with `field-errors`).
 */
export function searchRoutes(knex: Knex): Router {
  const router = Router({ strict: false });
  router.post('/data/search', async (req, res) => {
    const { principal, tzOffsetMinutes } = restLocals(res);
    const caller = { organizationId: principal.organizationId, userId: principal.userId, tzOffsetMinutes };
    res.json(await searchObjects(knex, caller, req.body ?? {}));
  });
  return router;
}
