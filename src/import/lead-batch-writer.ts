import type pg from 'pg';
import { newId } from '../db/ids.js';
import { AppError } from '../errors/app-error.js';
import { COPY_TABLES, CopyBatch, type CopyTable } from '../db/bulk/copy-batch.js';
import { copyRows } from '../db/bulk/copy-loader.js';
import { BatchRefs, type IdPolicy, type ImportCatalog } from './import-catalog.js';
import { derivedId } from './derived-id.js';
import { elementError } from './lead-element.js';
import { addLeadRows, collectRefs, OWN_TABLE_PREFIX, ownIds, type ElementIds, type OwnTable, type ParsedElement } from './lead-rows.js';

/** What to do with a lead of the file that the organization already has (same id). */
export type ExistingLeadPolicy = 'fail' | 'replace';

export type BatchWriterOptions = {
  ids: IdPolicy;
  existingLeads: ExistingLeadPolicy;
  organizationName: string;
  /** Stands in for missing dates: the import's start, as an ISO string. */
  now: string;
  /** The transaction runs with `session_replication_role = replica` (see `db/bulk/bulk-load.ts`). */
  skipsForeignKeyChecks: boolean;
};

export type IdCounts = { kept: number; minted: number };

/**
 * Writes batches of lead elements on one connection, inside the import's transaction: resolves
 * what they point at, decides their ids, then COPYs their rows table by table (parents first,
 * so foreign keys are checked as rows arrive).
 *
 * Ids, with `ids: 'keep'`: an object keeps its file id unless a row already has it.
 * - A row written earlier by this same import (its `xmin` is our transaction): the file holds
 *   the id twice → AppError BAD_USER_INPUT.
 * - A lead of the target organization: the file was imported before → AppError CONFLICT, or with
 *   `existingLeads: 'replace'` that lead and everything under it is deleted and written again
 *   from the file (the children's ids are then free again).
 * - A row of another organization (the file's source, typically) or of another lead: the object
 *   gets the id derived from the organization and its file id (`derived-id.ts`), and every
 *   reference to it in the element is rewritten. Importing the same file again into the same
 *   organization derives the same ids, so the rules above recognise its leads.
 * With `ids: 'new'` every object gets a random new id: copies, however often imported.
 */
export class LeadBatchWriter {
  readonly rows: Record<CopyTable, number> = Object.fromEntries(COPY_TABLES.map((t) => [t, 0])) as Record<CopyTable, number>;
  readonly ids: IdCounts = { kept: 0, minted: 0 };
  leadsReplaced = 0;
  leadsWritten = 0;

  constructor(
    private readonly connection: pg.ClientBase,
    private readonly catalog: ImportCatalog,
    private readonly options: BatchWriterOptions,
  ) {}

  async write(elements: readonly ParsedElement[]): Promise<void> {
    if (elements.length === 0) return;
    const refs = new BatchRefs();
    for (const element of elements) collectRefs(element, refs, this.catalog);
    await this.catalog.resolve(refs);
    const ids = await this.assignIds(elements);
    const batch = new CopyBatch();
    for (const [i, element] of elements.entries()) addLeadRows(element, ids[i], this.catalog, batch, this.options.now);
    const first = elements[0].index;
    const last = elements[elements.length - 1].index;
    for (const rows of batch.tables()) {
      try {
        await copyRows(this.connection, rows);
      } catch (error) {
        throw translateCopyError(error, first, last);
      }
      this.rows[rows.table] += rows.rows;
    }
    this.leadsWritten += elements.length;
  }

  private async assignIds(elements: readonly ParsedElement[]): Promise<ElementIds[]> {
    const perElement = elements.map((element) => ({ element, own: ownIds(element.lead) }));
    // The same id twice within this batch: the database cannot tell us (neither row is there yet).
    const seen = new Map<string, { index: number; path: string }>();
    for (const { element, own } of perElement) {
      for (const { fileId, path } of own) {
        const before = seen.get(fileId);
        if (before) throw elementError(element.index, path, `${fileId} appears twice in the file (also in element ${before.index} at ${before.path})`);
        seen.set(fileId, { index: element.index, path });
      }
    }
    const all = perElement.flatMap(({ element, own }) => own.map((o) => ({ ...o, element })));
    const assigned = new Map<string, string>();
    if (this.options.ids === 'new') {
      for (const { table, fileId } of all) assigned.set(fileId, newId(OWN_TABLE_PREFIX[table]));
    } else {
      // Leads first: replacing one frees the ids of everything under it.
      const leads = all.filter((o) => o.table === 'leads');
      const replaced = await this.decideIds(leads, assigned, (candidate, row) => {
        if (!row.sameOrganization) return 'taken';
        if (this.options.existingLeads === 'fail') {
          throw new AppError(
            'CONFLICT',
            `element ${candidate.element.index}: lead ${candidate.fileId} already exists in organization "${this.options.organizationName}"` +
              `${candidate.id === candidate.fileId ? '' : ` (as ${candidate.id}, the id this import gives it there)`}: ` +
              'this file, or part of it, was imported before. Run again with --replace to overwrite ' +
              "the organization's copy of such leads with the file's, or with --new-ids to import the file's leads as new copies.",
            { details: { fieldErrors: { [`[${candidate.element.index}].id`]: 'already exists in the organization' } } },
          );
        }
        return 'replace';
      });
      if (replaced.length > 0) {
        // Cascades to everything under these leads, which frees their children's ids too. The
        // cascade is a foreign-key trigger: replica mode would skip it and leave orphans.
        const sql = 'DELETE FROM leads WHERE organization_id = $1 AND id = ANY($2)';
        if (this.options.skipsForeignKeyChecks) await this.connection.query('SET LOCAL session_replication_role TO DEFAULT');
        await this.connection.query(sql, [this.catalog.organizationId, replaced]);
        if (this.options.skipsForeignKeyChecks) await this.connection.query("SET LOCAL session_replication_role = 'replica'");
        this.leadsReplaced += replaced.length;
      }
      await this.decideIds(all.filter((o) => o.table !== 'leads'), assigned, () => 'taken');
    }

    return perElement.map(({ own }) => {
      const map = new Map<string, string>();
      let renamed = false;
      for (const { fileId } of own) {
        const id = assigned.get(fileId)!;
        if (id === fileId) this.ids.kept++;
        else {
          this.ids.minted++;
          renamed = true;
        }
        map.set(fileId, id);
      }
      return { own: map, renamed };
    });
  }

  /**
   * Keeps each file id when no row has it; otherwise tries the id derived from the organization
   * and the file id (`derived-id.ts`), then a random one. A row this import wrote itself means
   * the file holds the id twice. `onTaken` decides about any other row: `taken` moves on to the
   * next candidate, `replace` keeps the candidate (its row is about to be deleted). Returns the
   * ids to replace.
   */
  private async decideIds(
    objects: ReadonlyArray<{ table: OwnTable; fileId: string; path: string; element: ParsedElement }>,
    assigned: Map<string, string>,
    onTaken: (candidate: { fileId: string; id: string; element: ParsedElement }, row: TakenId) => 'taken' | 'replace',
  ): Promise<string[]> {
    const replace: string[] = [];
    let pending = objects.map((o) => ({ ...o, id: o.fileId, derived: false }));
    while (pending.length > 0) {
      const taken = await this.takenIds(pending.map((o) => ({ table: o.table, fileId: o.id })));
      const next: typeof pending = [];
      for (const candidate of pending) {
        const row = taken.get(candidate.id);
        if (!row) {
          assigned.set(candidate.fileId, candidate.id);
          continue;
        }
        if (row.ours) throw elementError(candidate.element.index, candidate.path, `${candidate.fileId} appears twice in the file (an earlier element has it too)`);
        if (onTaken(candidate, row) === 'replace') {
          assigned.set(candidate.fileId, candidate.id);
          replace.push(candidate.id);
        } else if (!candidate.derived) {
          next.push({ ...candidate, id: derivedId(OWN_TABLE_PREFIX[candidate.table], this.catalog.organizationId, candidate.fileId), derived: true });
        } else {
          // The derived id is taken by an unrelated row: astronomically unlikely, but possible by design of a file.
          assigned.set(candidate.fileId, newId(OWN_TABLE_PREFIX[candidate.table]));
        }
      }
      pending = next;
    }
    return replace;
  }

  /** Which of `own`'s ids some row already has, whose row it is, and whether this import wrote it. */
  private async takenIds(own: ReadonlyArray<{ table: OwnTable; fileId: string }>): Promise<Map<string, TakenId>> {
    const byTable = new Map<OwnTable, string[]>();
    for (const { table, fileId } of own) {
      const list = byTable.get(table);
      if (list) list.push(fileId);
      else byTable.set(table, [fileId]);
    }
    const parts: string[] = [];
    const params: unknown[] = [this.catalog.organizationId];
    for (const [table, ids] of byTable) {
      params.push(ids);
      const leadId = table === 'leads' ? 'id' : 'lead_id';
      parts.push(
        `SELECT '${table}' AS tbl, id, ${leadId} AS lead_id, organization_id = $1 AS same_org, xmin = pg_current_xact_id()::xid AS ours` +
          ` FROM ${table} WHERE id = ANY($${params.length})`,
      );
    }
    const taken = new Map<string, TakenId>();
    if (parts.length === 0) return taken;
    const { rows } = await this.connection.query<{ tbl: OwnTable; id: string; lead_id: string; same_org: boolean; ours: boolean }>(
      parts.join(' UNION ALL '),
      params,
    );
    for (const row of rows) taken.set(row.id, { table: row.tbl, leadId: row.lead_id, sameOrganization: row.same_org, ours: row.ours });
    return taken;
  }
}

type TakenId = { table: OwnTable; leadId: string; sameOrganization: boolean; ours: boolean };

/**
 * A value PostgreSQL refused (classes 22 "data exception" and 23 "integrity constraint") is the
 * file's fault: report it as bad input with the batch's element range. Anything else (a lost
 * connection, …) is not.
 */
function translateCopyError(error: unknown, first: number, last: number): unknown {
  const pgError = error as { code?: string; message?: string; detail?: string; where?: string };
  if (typeof pgError?.code === 'string' && (pgError.code.startsWith('22') || pgError.code.startsWith('23'))) {
    const range = first === last ? `element ${first}` : `one of elements ${first}–${last}`;
    const detail = pgError.detail ? ` (${pgError.detail})` : '';
    return new AppError('BAD_USER_INPUT', `${range}: PostgreSQL refused a value: ${pgError.message}${detail}`, { cause: error });
  }
  return error;
}
