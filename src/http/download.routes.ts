import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import type { Knex } from '../db/knex.js';
import { AppError } from '../errors/app-error.js';
import type { DownloadLinkSigner } from '../exports/download-links.js';
import { contentDisposition, exportFileName } from '../exports/export-file-name.js';
import { findExportById } from '../exports/export-repository.js';
import type { ExportStorage } from '../storage/export-storage.js';

/**
 * `GET /api/v1/export/{id}/download/?expires=…&signature=…`: the signed link is the credential
 * (no API key, like Close's pre-signed S3 URL; an Authorization header, which some scripts send
 * anyway, is ignored). The stored gzip bytes are served unchanged with `Content-Encoding: gzip`,
 * so `curl --compressed`, browsers and `requests` see the plain CSV or JSON.
 */
export function downloadRoutes(deps: { knex: Knex; storage: ExportStorage; signer: DownloadLinkSigner }): Router {
  const router = Router({ strict: false });
  const serve = async (req: Request, res: Response) => {
    const id = String(req.params.id);
    if (!deps.signer.verify(id, req.query.expires, req.query.signature)) {
      throw new AppError('FORBIDDEN', 'This download link is invalid or has expired. Fetch the export again for a fresh link.');
    }
    const record = await findExportById(deps.knex, id);
    if (!record || record.status !== 'done' || !record.file_key) {
      throw new AppError('NOT_FOUND', record?.status === 'expired' ? 'This export has expired and its file was deleted.' : 'Export file not found');
    }
    const file = await deps.storage.open(record.file_key);
    if (!file) throw new AppError('NOT_FOUND', 'Export file not found');
    const organization = await deps.knex('organizations').where({ id: record.organization_id }).first<{ name: string }>('name');
    res.status(200).set({
      'Content-Type': record.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      'Content-Encoding': 'gzip',
      'Content-Length': String(file.size),
      'Content-Disposition': contentDisposition(exportFileName(organization.name, record)),
      'Cache-Control': 'private, no-store',
    });
    if (req.method === 'HEAD') {
      file.stream.destroy();
      res.end();
      return;
    }
    await pipeline(file.stream, res);
  };
  router.get('/api/v1/export/:id/download', serve);
  return router;
}
