import type { Principal } from '../auth/principal.js';
import { newId } from '../db/ids.js';
import type { Knex } from '../db/knex.js';
import { AppError } from '../errors/app-error.js';
import type { DownloadLinkSigner } from './download-links.js';
import { parseExportParams } from './export-params.js';
import type { ExportKind, ExportRecord, ExportStatus } from './export-record.js';
import { cancelExport, findExport, insertExport, listExports } from './export-repository.js';
import { compileExportSelection } from './export-selection.js';

export type ExportServiceDeps = {
  knex: Knex;
  signer: DownloadLinkSigner;
  /** Queues the job that runs the export (Agenda in the gateway). */
  enqueue(exportId: string): Promise<void>;
  /** Lifetime of the links handed out in API responses; they are minted on every read. */
  linkTtlSeconds: number;
};

export type ExportService = ReturnType<typeof createExportService>;

/**
 * What transports call to create, read, list and cancel exports. Every method is scoped to the
 * caller's organization: another organization's export id is NOT_FOUND.
 */
export function createExportService(deps: ExportServiceDeps) {
  const { knex } = deps;
  return {
    /**
     * Validates a `POST /export/lead/` body (Close's names), records the export as `created`
     * and queues it. Bad parameters, including an `s_query` the compiler rejects, throw
     * BAD_USER_INPUT before anything is written.
     */
    async createLeadExport(principal: Principal, body: unknown, options: { tzOffsetMinutes: number }): Promise<ExportRecord> {
      const params = parseExportParams(body);
      const draft = {
        id: newId('expo'),
        organization_id: principal.organizationId,
        created_by: principal.userId,
        updated_by: principal.userId,
        kind: 'lead' as const,
        type: params.type,
        format: params.format,
        date_format: params.date_format,
        fields: params.fields,
        s_query: params.s_query,
        results_limit: params.results_limit,
        sort: params.sort,
        params: null,
        query: params.query,
        include_activities: params.include_activities,
        include_smart_fields: params.include_smart_fields,
        include_addresses: params.include_addresses,
        include_custom_objects: params.include_custom_objects,
        send_done_email: params.send_done_email,
        tz_offset_minutes: options.tzOffsetMinutes,
        idempotency_key: null,
        request_hash: null,
      };
      // Compile once now, so a bad query is a 400 for the caller rather than a failed job later.
      await compileExportSelection(knex, { ...draft, date_created: new Date() });
      const record = await insertExport(knex, draft);
      await deps.enqueue(record.id);
      return record;
    },

    async get(principal: Principal, id: string, kind?: ExportKind): Promise<ExportRecord> {
      const record = await findExport(knex, principal.organizationId, id, kind);
      if (!record) throw AppError.notFound('Export');
      return record;
    },

    async list(
      principal: Principal,
      options: { kind?: ExportKind; statuses?: ExportStatus[]; limit: number; offset: number },
    ): Promise<{ records: ExportRecord[]; hasMore: boolean }> {
      const rows = await listExports(knex, principal.organizationId, { ...options, limit: options.limit + 1 });
      return { records: rows.slice(0, options.limit), hasMore: rows.length > options.limit };
    },

    /** Cancels a queued or running export (a running one stops within about a second). */
    async cancel(principal: Principal, id: string): Promise<ExportRecord> {
      const record = await cancelExport(knex, principal.organizationId, id);
      if (!record) throw AppError.notFound('Export');
      return record;
    },

    /** A fresh signed link for a finished export; null before it is done. */
    downloadUrl(record: ExportRecord): string | null {
      return record.status === 'done' && record.file_key ? deps.signer.sign(record.id, deps.linkTtlSeconds) : null;
    },
  };
}
