import { createHash } from 'node:crypto';
import type { Principal } from '../auth/principal.js';
import { newId } from '../db/ids.js';
import type { Knex } from '../db/knex.js';
import { AppError } from '../errors/app-error.js';
import type { DownloadLinkSigner } from './download-links.js';
import type { NotificationHub } from '../pubsub/notification-hub.js';
import { parseExportParams, type ExportParams } from './export-params.js';
import { watchExport } from './export-progress.js';
import type { ExportKind, ExportRecord, ExportStatus } from './export-record.js';
import {
  cancelExport,
  countExports,
  findByIdempotencyKey,
  findExport,
  insertExport,
  listExports,
  listExportsPage,
  queuePosition,
} from './export-repository.js';
import { compileExportSelection } from './export-selection.js';
import { compileOpportunityFilters } from './opportunity-filters.js';
import { previewExport, type ExportPreview } from './preview-export.js';

export type ExportServiceDeps = {
  knex: Knex;
  signer: DownloadLinkSigner;
  /** Queues the job that runs the export (Agenda in the gateway). */
  enqueue(exportId: string): Promise<void>;
  /** Lifetime of the links handed out in API responses; they are minted on every read. */
  linkTtlSeconds: number;
  /** Where export changes are announced (NOTIFY from any process). */
  hub: NotificationHub;
};

export type ExportService = ReturnType<typeof createExportService>;

function leadExportDraft(principal: Principal, params: ExportParams, tzOffsetMinutes: number) {
  return {
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
    tz_offset_minutes: tzOffsetMinutes,
  };
}

/** Two requests are "the same" when they ask for the same file (key order does not matter). */
function hashRequest(draft: ReturnType<typeof leadExportDraft>): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
        : value;
  return createHash('sha256').update(JSON.stringify(canonical(draft))).digest('hex');
}

function sameRequestOrConflict(earlier: ExportRecord, requestHash: string): ExportRecord {
  if (earlier.request_hash === requestHash) return earlier;
  throw new AppError('CONFLICT', `This idempotency key was already used for export ${earlier.id} with different parameters; use a new key.`, {
    details: { fieldErrors: { idempotencyKey: 'already used with different parameters' } },
  });
}

function encodeCursor(record: Pick<ExportRecord, 'date_created' | 'id'>): string {
  return Buffer.from(JSON.stringify([record.date_created.toISOString(), record.id])).toString('base64url');
}

function decodeCursor(cursor: string): { dateCreated: string; id: string } {
  try {
    const [dateCreated, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof dateCreated === 'string' && !Number.isNaN(Date.parse(dateCreated)) && typeof id === 'string') return { dateCreated, id };
  } catch {
    // fall through
  }
  throw AppError.badInput('after', 'is not a cursor this API returned');
}

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
    async createLeadExport(
      principal: Principal,
      body: unknown,
      options: { tzOffsetMinutes: number; idempotencyKey?: string },
    ): Promise<ExportRecord> {
      const draft = leadExportDraft(principal, parseExportParams(body), options.tzOffsetMinutes);
      const key = options.idempotencyKey;
      const requestHash = key === undefined ? null : hashRequest(draft);
      if (key !== undefined) {
        const earlier = await findByIdempotencyKey(knex, { organizationId: principal.organizationId, userId: principal.userId }, key);
        if (earlier) return sameRequestOrConflict(earlier, requestHash!);
      }
      // Compile once now, so a bad query is a 400 for the caller rather than a failed job later.
      await compileExportSelection(knex, { ...draft, date_created: new Date() });
      let record: ExportRecord;
      try {
        record = await insertExport(knex, { ...draft, id: newId('expo'), idempotency_key: key ?? null, request_hash: requestHash });
      } catch (error) {
        // The same key raced in from a concurrent request: answer with the winner's export.
        if ((error as { code?: string }).code !== '23505' || key === undefined) throw error;
        const winner = await findByIdempotencyKey(knex, { organizationId: principal.organizationId, userId: principal.userId }, key);
        if (!winner) throw error;
        return sameRequestOrConflict(winner, requestHash!);
      }
      await deps.enqueue(record.id);
      return record;
    },

    /**
     * Validates a `POST /export/opportunity/` body (`params` = Close's opportunity filters,
     * `format`, `date_format`, `fields`, `send_done_email`) and queues an export with one row
     * per matching opportunity (type `opps`).
     */
    async createOpportunityExport(principal: Principal, body: unknown, options: { tzOffsetMinutes: number }): Promise<ExportRecord> {
      const input = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
      const params = parseExportParams(
        { format: input.format, type: 'opps', date_format: input.date_format, fields: input.fields, send_done_email: input.send_done_email },
        ['opps'],
      );
      compileOpportunityFilters(input.params);
      const record = await insertExport(knex, {
        ...leadExportDraft(principal, params, options.tzOffsetMinutes),
        id: newId('expo'),
        kind: 'opportunity',
        params: (input.params as Record<string, unknown> | undefined) ?? {},
        idempotency_key: null,
        request_hash: null,
      });
      await deps.enqueue(record.id);
      return record;
    },

    /** How many leads and rows an export would have and how big its file would be; starts nothing. */
    async previewLeadExport(principal: Principal, body: unknown, options: { tzOffsetMinutes: number }): Promise<ExportPreview> {
      const params = parseExportParams(body);
      return previewExport(knex, leadExportDraft(principal, params, options.tzOffsetMinutes), params);
    },

    /** Newest first, `first` at a time after an opaque cursor (GraphQL connections). */
    async page(
      principal: Principal,
      options: { kind?: ExportKind; first: number; after?: string; statuses?: ExportStatus[] },
    ): Promise<{ records: ExportRecord[]; hasNextPage: boolean; totalCount: () => Promise<number> }> {
      const rows = await listExportsPage(knex, principal.organizationId, {
        first: options.first + 1,
        kind: options.kind,
        statuses: options.statuses,
        after: options.after === undefined ? undefined : decodeCursor(options.after),
      });
      return {
        records: rows.slice(0, options.first),
        hasNextPage: rows.length > options.first,
        totalCount: () => countExports(knex, principal.organizationId, options.statuses, options.kind),
      };
    },

    cursorOf: encodeCursor,

    /** 1-based place in the organization's queue while the export waits; null otherwise. */
    queuePosition: (record: ExportRecord) => queuePosition(knex, record),

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
    async cancel(principal: Principal, id: string, kind?: ExportKind): Promise<ExportRecord> {
      const record = await cancelExport(knex, principal.organizationId, id, kind);
      if (!record) throw AppError.notFound('Export');
      return record;
    },

    /**
     * The export as it changes: the current state first (so a client that reconnects resumes),
     * then every change, the last one final. NOT_FOUND for another organization's export.
     */
    async watch(principal: Principal, id: string, kind?: ExportKind): Promise<AsyncGenerator<ExportRecord>> {
      await this.get(principal, id, kind);
      return watchExport({ knex, hub: deps.hub }, principal.organizationId, id);
    },

    /** A fresh signed link for a finished export; null before it is done. */
    downloadUrl(record: ExportRecord): string | null {
      return record.status === 'done' && record.file_key ? deps.signer.sign(record.id, deps.linkTtlSeconds) : null;
    },
  };
}
