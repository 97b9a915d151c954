import { Router, type Request, type Response } from 'express';
import { AppError } from '../errors/app-error.js';
import type { ExportKind } from '../exports/export-record.js';
import type { ExportService } from '../exports/export-service.js';
import { pickFields, toCloseExport } from './export.presenter.js';
import { restLocals } from './rest-api.js';

const MAX_LIMIT = 100;

/**
 * Close's export endpoints (spec §2.1), with Close's bodies and status codes. Lists are newest
 * first and take `_limit` (default and maximum 100), `_skip` and `_fields`.
 */
export function exportRoutes(exports: ExportService): Router {
  const router = Router({ strict: false });
  const present = (res: Response, record: Parameters<typeof toCloseExport>[0], fields?: unknown) =>
    res.json(pickFields(toCloseExport(record, exports.downloadUrl(record)), fields));

  const list = (kind?: ExportKind) => async (req: Request, res: Response) => {
    const limit = integerParam(req.query._limit, '_limit', { min: 1, max: MAX_LIMIT, fallback: MAX_LIMIT });
    const offset = integerParam(req.query._skip, '_skip', { min: 0, max: 1_000_000, fallback: 0 });
    const { records, hasMore } = await exports.list(restLocals(res).principal, { kind, limit, offset });
    res.json({
      data: records.map((r) => pickFields(toCloseExport(r, exports.downloadUrl(r)), req.query._fields)),
      has_more: hasMore,
    });
  };
  const get = (kind?: ExportKind) => async (req: Request, res: Response) => {
    present(res, await exports.get(restLocals(res).principal, String(req.params.id), kind), req.query._fields);
  };

  router.post('/export/lead', async (req, res) => {
    const { principal, tzOffsetMinutes } = restLocals(res);
    present(res, await exports.createLeadExport(principal, req.body ?? {}, { tzOffsetMinutes }));
  });
  router.get('/export/lead', list('lead'));
  router.post('/export/opportunity', async (req, res) => {
    const { principal, tzOffsetMinutes } = restLocals(res);
    present(res, await exports.createOpportunityExport(principal, req.body ?? {}, { tzOffsetMinutes }));
  });
  router.get('/export/opportunity', list('opportunity'));
  router.get('/export/opportunity/:id', get('opportunity'));
  router.get('/export/lead/:id', get('lead'));
  router.get('/export', list());
  router.get('/export/:id', get());
  return router;
}

function integerParam(value: unknown, name: string, options: { min: number; max: number; fallback: number }): number {
  if (value === undefined || value === '') return options.fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < options.min || number > options.max) {
    throw AppError.badInput(name, `must be an integer from ${options.min} to ${options.max}`);
  }
  return number;
}
