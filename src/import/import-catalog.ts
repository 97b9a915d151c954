import type { Knex } from 'knex';
import type pg from 'pg';
import { newId, type IdPrefix } from '../db/ids.js';
import { derivedId } from './derived-id.js';
import { FieldTypeInference, type CustomFieldType } from './field-type-inference.js';
import { KeyOrder } from './key-order.js';

/**
 * The organization-level objects leads point at (users, lead statuses, pipelines and their
 * opportunity statuses, custom object types, custom fields), matched in the target
 * organization or created, and the map from the file's ids to the organization's.
 *
 * Matching, in this order:
 * - the same id in the target organization (a restore into the organization it came from);
 * - users by email when the file's name is an email (an export writes a user without a name as
 *   their email), else by display name ("First Last", case-insensitive); statuses by label,
 *   pipelines by name, opportunity statuses by label within their pipeline; custom fields by
 *   name (case-insensitive, as their unique index) per object type;
 * - otherwise created, keeping the file's id when no row anywhere in the database has it
 *   (ids are primary keys shared by all organizations) and the import keeps ids, else with the
 *   id derived from it for this organization (`derived-id.ts`), which the matching by id above
 *   finds again when the same file is imported twice.
 *
 * Users the file names only by id (custom user values, a task's author) are created with a
 * placeholder email `imported+<id>@users.invalid` and no name; the name is filled in when a later
 * element names them. Custom object types are created as "Imported type <id>": an export
 * carries only their id.
 */

export type IdPolicy = 'keep' | 'new';

export type LeadStatusRef = { fileId: string | null | undefined; label: string | null | undefined };
export type OpportunityStatusRef = {
  fileId: string | null | undefined;
  label: string | null | undefined;
  type: 'active' | 'won' | 'lost' | null | undefined;
  pipelineFileId: string | null | undefined;
  pipelineName: string | null | undefined;
};
export type CustomOwner = 'lead' | 'contact' | 'opportunity' | 'custom_object';
export type FieldRef = { owner: CustomOwner; customObjectTypeFileId: string | null; name: string };

/** What one batch of elements points at. */
export class BatchRefs {
  readonly users = new Map<string, string | null>();
  readonly leadStatuses: LeadStatusRef[] = [];
  readonly opportunityStatuses: OpportunityStatusRef[] = [];
  readonly customObjectTypes = new Set<string>();
  readonly fields: FieldRef[] = [];
  private readonly fieldKeys = new Set<string>();

  field(owner: CustomOwner, customObjectTypeFileId: string | null, name: string): void {
    const key = `${owner}\u0000${customObjectTypeFileId ?? ''}\u0000${name.toLowerCase()}`;
    if (this.fieldKeys.has(key)) return;
    this.fieldKeys.add(key);
    this.fields.push({ owner, customObjectTypeFileId, name });
  }

  user(fileId: string | null | undefined, name?: string | null): void {
    if (!fileId) return;
    const known = this.users.get(fileId);
    if (known === undefined || (known === null && name)) this.users.set(fileId, name ?? null);
  }
}

type UserRow = { id: string; email: string; first_name: string; last_name: string };
type StatusRow = { id: string; label: string; position: number };
type PipelineRow = { id: string; name: string; position: number; statuses: OpportunityStatusRow[] };
type OpportunityStatusRow = { id: string; pipeline_id: string; label: string; type: string; position: number };
type FieldRow = { id: string; object_type: CustomOwner; custom_object_type_id: string | null; name: string; position: number };

/** A custom field of the target organization, and for those this import creates, what it learns about them. */
export type FieldState = { id: string; created: boolean; inference?: FieldTypeInference };

export type CatalogCounts = {
  usersCreated: number;
  usersMatched: number;
  leadStatusesCreated: number;
  pipelinesCreated: number;
  opportunityStatusesCreated: number;
  customObjectTypesCreated: number;
  customFieldsCreated: number;
};

const displayName = (user: UserRow) => `${user.first_name} ${user.last_name}`.trim() || user.email;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const scopeKey = (owner: CustomOwner, customObjectTypeId: string | null) => (owner === 'custom_object' ? `custom_object:${customObjectTypeId}` : owner);

export class ImportCatalog {
  /** File id → organization id, for every file id seen that names an organization-level object. */
  private readonly map = new Map<string, string>();
  /** Whether some file id maps to a different id: references in free-form JSON then need rewriting. */
  hasRenames = false;
  readonly counts: CatalogCounts = {
    usersCreated: 0, usersMatched: 0, leadStatusesCreated: 0, pipelinesCreated: 0, opportunityStatusesCreated: 0,
    customObjectTypesCreated: 0, customFieldsCreated: 0,
  };

  private readonly users = new Map<string, UserRow>();
  private readonly usersByEmail = new Map<string, UserRow>();
  /** Users that existed before the import, by lower-case display name. */
  private readonly usersByName = new Map<string, UserRow[]>();
  private readonly claimedUsers = new Set<string>();
  /** Users created without a name (organization id), named when an element names them. */
  private readonly placeholders = new Set<string>();
  private readonly leadStatuses: StatusRow[] = [];
  private readonly pipelines: PipelineRow[] = [];
  private readonly customObjectTypes = new Set<string>();
  private readonly fields = new Map<string, Map<string, FieldState>>();
  private readonly fieldOrders = new Map<string, KeyOrder>();
  private fieldPosition = 0;

  private constructor(
    private readonly knex: Knex,
    private readonly connection: pg.ClientBase,
    readonly organizationId: string,
    private readonly ids: IdPolicy,
  ) {}

  static async load(knex: Knex, connection: pg.ClientBase, organizationId: string, ids: IdPolicy): Promise<ImportCatalog> {
    const catalog = new ImportCatalog(knex, connection, organizationId, ids);
    // Locked (as a foreign-key check would) so nobody deletes what the import points at before
    // it commits: the import skips foreign-key checks when it can (`import-leads-json.ts`).
    const q = async <T extends pg.QueryResultRow>(sql: string) => (await connection.query<T>(`${sql} FOR KEY SHARE`, [organizationId])).rows;
    for (const user of await q<UserRow>('SELECT id, email, first_name, last_name FROM users WHERE organization_id = $1 ORDER BY date_created, id')) {
      catalog.addUser(user, true);
    }
    catalog.leadStatuses.push(...(await q<StatusRow>('SELECT id, label, position FROM lead_statuses WHERE organization_id = $1 ORDER BY position, id')));
    const pipelines = await q<PipelineRow>('SELECT id, name, position FROM pipelines WHERE organization_id = $1 ORDER BY position, id');
    const statuses = await q<OpportunityStatusRow>(
      'SELECT id, pipeline_id, label, type, position FROM opportunity_statuses WHERE organization_id = $1 ORDER BY position, id',
    );
    for (const pipeline of pipelines) catalog.pipelines.push({ ...pipeline, statuses: statuses.filter((s) => s.pipeline_id === pipeline.id) });
    for (const row of await q<{ id: string }>('SELECT id FROM custom_object_types WHERE organization_id = $1')) catalog.customObjectTypes.add(row.id);
    const fields = await q<FieldRow>(
      'SELECT id, object_type, custom_object_type_id, name, position FROM custom_fields WHERE organization_id = $1 ORDER BY position, name, id',
    );
    for (const field of fields) {
      catalog.scope(scopeKey(field.object_type, field.custom_object_type_id)).set(field.name.toLowerCase(), { id: field.id, created: false });
      catalog.fieldPosition = Math.max(catalog.fieldPosition, field.position + 1);
    }
    return catalog;
  }

  /** The organization's id for a file id of an organization-level object, when it differs. */
  renamed(fileId: string): string | undefined {
    const mapped = this.map.get(fileId);
    return mapped !== undefined && mapped !== fileId ? mapped : undefined;
  }

  /** The organization's user for the file's user id; `null` for `null`. Call after `resolve`. */
  userId(fileId: string | null | undefined): string | null {
    if (!fileId) return null;
    const id = this.map.get(fileId);
    if (id === undefined) throw new Error(`user ${fileId} was not resolved`);
    return id;
  }

  leadStatusId(ref: LeadStatusRef): string | undefined {
    if (ref.fileId && this.map.has(ref.fileId)) return this.map.get(ref.fileId);
    return this.findLeadStatus(ref)?.id;
  }

  opportunityStatusId(ref: OpportunityStatusRef): string | undefined {
    if (ref.fileId && this.map.has(ref.fileId)) return this.map.get(ref.fileId);
    const pipeline = this.findPipeline(ref);
    return pipeline && ref.label ? pipeline.statuses.find((s) => s.label === ref.label)?.id : undefined;
  }

  customObjectTypeId(fileId: string): string {
    return this.map.get(fileId)!;
  }

  /** The label for leads that name no status: the organization's first status, or "Potential". */
  defaultLeadStatusLabel(): string {
    return this.leadStatuses[0]?.label ?? 'Potential';
  }

  /** The pipeline for opportunities that name none: the organization's first, or "Sales". */
  defaultPipelineName(): string {
    return this.pipelines[0]?.name ?? 'Sales';
  }

  field(owner: CustomOwner, customObjectTypeId: string | null, name: string): FieldState {
    return this.scope(scopeKey(owner, customObjectTypeId)).get(name.toLowerCase())!;
  }

  /** Records the key order of one `custom` object, for the positions of the fields created. */
  observeKeys(owner: CustomOwner, customObjectTypeId: string | null, keys: readonly string[]): void {
    if (keys.length < 2) return;
    const scope = scopeKey(owner, customObjectTypeId);
    let order = this.fieldOrders.get(scope);
    if (!order) this.fieldOrders.set(scope, (order = new KeyOrder()));
    order.observe(keys.map((k) => k.toLowerCase()));
  }

  /** Matches or creates everything `refs` points at. */
  async resolve(refs: BatchRefs): Promise<void> {
    await this.resolveUsers(refs);
    await this.resolveStatuses(refs);
    await this.resolveCustomObjectTypes(refs);
    await this.resolveFields(refs);
  }

  /**
   * Writes what the import learnt about the fields it created: their type (inferred from all
   * their values) and their positions (the file's key order). Call once, after the last batch.
   */
  async finish(): Promise<void> {
    for (const [scope, fields] of this.fields) {
      const created = [...fields.entries()].filter(([, state]) => state.created);
      if (created.length === 0) continue;
      const order = this.fieldOrders.get(scope)?.order() ?? [];
      const rank = new Map(order.map((key, i) => [key, i]));
      created.sort(([a], [b]) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity));
      for (const [, state] of created) {
        const inferred = state.inference!.result();
        await this.connection.query(
          'UPDATE custom_fields SET type = $2, accepts_multiple_values = $3, choices = $4, position = $5 WHERE id = $1',
          [state.id, inferred.type, inferred.acceptsMultipleValues, inferred.choices, this.fieldPosition++],
        );
      }
    }
  }

  private scope(key: string): Map<string, FieldState> {
    let scope = this.fields.get(key);
    if (!scope) this.fields.set(key, (scope = new Map()));
    return scope;
  }

  private setMapping(fileId: string, id: string): void {
    this.map.set(fileId, id);
    if (fileId !== id) this.hasRenames = true;
  }

  private addUser(user: UserRow, existing: boolean): void {
    this.users.set(user.id, user);
    this.usersByEmail.set(user.email.toLowerCase(), user);
    if (!existing) return;
    const key = displayName(user).toLowerCase();
    const list = this.usersByName.get(key);
    if (list) list.push(user);
    else this.usersByName.set(key, [user]);
  }

  private async resolveUsers(refs: BatchRefs): Promise<void> {
    const create: Array<{ fileId: string; name: string | null }> = [];
    for (const [fileId, name] of refs.users) {
      const mapped = this.map.get(fileId);
      if (mapped !== undefined) {
        if (name && this.placeholders.has(mapped)) await this.nameUser(mapped, name);
        continue;
      }
      const match = this.users.get(fileId) ?? this.users.get(this.derived('user', fileId)) ?? (name ? this.matchUserByName(name) : undefined);
      if (match) {
        this.claimedUsers.add(match.id);
        this.setMapping(fileId, match.id);
        this.counts.usersMatched++;
      } else create.push({ fileId, name });
    }
    if (create.length === 0) return;
    const ids = await this.idsFor('users', 'user', create.map((c) => c.fileId));
    const rows = create.map(({ fileId, name }, i) => {
      const id = ids[i];
      let email = name && EMAIL.test(name) ? name : `imported+${id.toLowerCase()}@users.invalid`;
      for (let n = 2; this.usersByEmail.has(email.toLowerCase()); n++) email = `imported+${id.toLowerCase()}.${n}@users.invalid`;
      const [first, last] = name && !EMAIL.test(name) ? splitName(name) : ['', ''];
      const row: UserRow = { id, email, first_name: first, last_name: last };
      this.addUser(row, false);
      if (!name) this.placeholders.add(id);
      this.setMapping(fileId, id);
      return { ...row, organization_id: this.organizationId };
    });
    await this.insert('users', rows);
    this.counts.usersCreated += rows.length;
  }

  private matchUserByName(name: string): UserRow | undefined {
    if (EMAIL.test(name)) return this.usersByEmail.get(name.toLowerCase());
    const candidates = this.usersByName.get(name.toLowerCase());
    if (!candidates) return undefined;
    // Two people of the same name in the file: give each their own match while there are enough.
    return candidates.find((u) => !this.claimedUsers.has(u.id)) ?? candidates[0];
  }

  private async nameUser(id: string, name: string): Promise<void> {
    this.placeholders.delete(id);
    const user = this.users.get(id)!;
    if (EMAIL.test(name)) {
      if (this.usersByEmail.has(name.toLowerCase())) return;
      this.usersByEmail.delete(user.email.toLowerCase());
      user.email = name;
      this.usersByEmail.set(name.toLowerCase(), user);
    } else [user.first_name, user.last_name] = splitName(name);
    await this.connection.query('UPDATE users SET email = $2, first_name = $3, last_name = $4 WHERE id = $1', [
      id, user.email, user.first_name, user.last_name,
    ]);
  }

  private findLeadStatus(ref: LeadStatusRef): StatusRow | undefined {
    if (ref.fileId) {
      const derived = this.derived('stat', ref.fileId);
      const byId = this.leadStatuses.find((s) => s.id === ref.fileId || s.id === derived);
      if (byId) return byId;
    }
    if (!ref.label) return undefined;
    return this.leadStatuses.find((s) => s.label === ref.label) ?? this.leadStatuses.find((s) => s.label.toLowerCase() === ref.label!.toLowerCase());
  }

  private findPipeline(ref: OpportunityStatusRef): PipelineRow | undefined {
    if (ref.pipelineFileId) {
      const ids = [this.map.get(ref.pipelineFileId), ref.pipelineFileId, this.derived('pipe', ref.pipelineFileId)];
      const byId = this.pipelines.find((p) => ids.includes(p.id));
      if (byId) return byId;
    }
    if (!ref.pipelineName) return undefined;
    return this.pipelines.find((p) => p.name === ref.pipelineName) ?? this.pipelines.find((p) => p.name.toLowerCase() === ref.pipelineName!.toLowerCase());
  }

  private async resolveStatuses(refs: BatchRefs): Promise<void> {
    // Lead statuses.
    const newStatuses: Array<{ fileIds: string[]; label: string }> = [];
    for (const ref of refs.leadStatuses) {
      if (ref.fileId && this.map.has(ref.fileId)) continue;
      const found = this.findLeadStatus(ref);
      if (found) {
        if (ref.fileId) this.setMapping(ref.fileId, found.id);
        continue;
      }
      if (!ref.label) continue;
      const pending = newStatuses.find((s) => s.label === ref.label);
      if (!pending) newStatuses.push({ fileIds: ref.fileId ? [ref.fileId] : [], label: ref.label });
      else if (ref.fileId && !pending.fileIds.includes(ref.fileId)) pending.fileIds.push(ref.fileId);
    }
    if (newStatuses.length > 0) {
      const ids = await this.idsFor('lead_statuses', 'stat', newStatuses.map((s) => s.fileIds[0] ?? null));
      let position = Math.max(-1, ...this.leadStatuses.map((s) => s.position)) + 1;
      const rows = newStatuses.map((s, i) => ({ id: ids[i], organization_id: this.organizationId, label: s.label, position: position++ }));
      await this.insert('lead_statuses', rows);
      for (const [i, row] of rows.entries()) {
        this.leadStatuses.push(row);
        for (const fileId of newStatuses[i].fileIds) this.setMapping(fileId, row.id);
      }
      this.counts.leadStatusesCreated += rows.length;
    }

    // Pipelines, then their statuses.
    const newPipelines: Array<{ fileId: string | null; name: string }> = [];
    for (const ref of refs.opportunityStatuses) {
      const pipeline = this.findPipeline(ref);
      if (pipeline) {
        if (ref.pipelineFileId && !this.map.has(ref.pipelineFileId)) this.setMapping(ref.pipelineFileId, pipeline.id);
        continue;
      }
      const name = ref.pipelineName;
      if (!name) continue;
      const pending = newPipelines.find((p) => p.name === name);
      if (pending) pending.fileId ??= ref.pipelineFileId ?? null;
      else newPipelines.push({ fileId: ref.pipelineFileId ?? null, name });
    }
    if (newPipelines.length > 0) {
      const ids = await this.idsFor('pipelines', 'pipe', newPipelines.map((p) => p.fileId));
      let position = Math.max(-1, ...this.pipelines.map((p) => p.position)) + 1;
      const rows = newPipelines.map((p, i) => ({ id: ids[i], organization_id: this.organizationId, name: p.name, position: position++ }));
      await this.insert('pipelines', rows);
      for (const [i, row] of rows.entries()) {
        this.pipelines.push({ ...row, statuses: [] });
        if (newPipelines[i].fileId) this.setMapping(newPipelines[i].fileId!, row.id);
      }
      this.counts.pipelinesCreated += rows.length;
    }

    const newOpportunityStatuses: Array<{ fileId: string | null; pipeline: PipelineRow; label: string; type: string }> = [];
    for (const ref of refs.opportunityStatuses) {
      if (ref.fileId && this.map.has(ref.fileId)) continue;
      const pipeline = this.findPipeline(ref);
      const ids = ref.fileId ? [ref.fileId, this.derived('stat', ref.fileId)] : [];
      const byId = ref.fileId ? this.pipelines.flatMap((p) => p.statuses).find((s) => ids.includes(s.id)) : undefined;
      const found = byId ?? (pipeline && ref.label ? pipeline.statuses.find((s) => s.label === ref.label) : undefined);
      if (found) {
        if (ref.fileId) this.setMapping(ref.fileId, found.id);
        continue;
      }
      if (!pipeline || !ref.label) continue;
      const pending = newOpportunityStatuses.find((s) => s.pipeline === pipeline && s.label === ref.label);
      if (pending) pending.fileId ??= ref.fileId ?? null;
      else newOpportunityStatuses.push({ fileId: ref.fileId ?? null, pipeline, label: ref.label, type: ref.type ?? 'active' });
    }
    if (newOpportunityStatuses.length > 0) {
      const ids = await this.idsFor('opportunity_statuses', 'stat', newOpportunityStatuses.map((s) => s.fileId));
      const rows = newOpportunityStatuses.map((s, i) => ({
        id: ids[i], organization_id: this.organizationId, pipeline_id: s.pipeline.id, label: s.label, type: s.type,
        position: Math.max(-1, ...s.pipeline.statuses.map((x) => x.position)) + 1 + i,
      }));
      await this.insert('opportunity_statuses', rows);
      for (const [i, row] of rows.entries()) {
        newOpportunityStatuses[i].pipeline.statuses.push(row);
        if (newOpportunityStatuses[i].fileId) this.setMapping(newOpportunityStatuses[i].fileId!, row.id);
      }
      this.counts.opportunityStatusesCreated += rows.length;
    }
  }

  private async resolveCustomObjectTypes(refs: BatchRefs): Promise<void> {
    const create: string[] = [];
    for (const fileId of refs.customObjectTypes) {
      if (this.map.has(fileId)) continue;
      const derived = this.derived('cotype', fileId);
      if (this.customObjectTypes.has(fileId)) this.setMapping(fileId, fileId);
      else if (this.customObjectTypes.has(derived)) this.setMapping(fileId, derived);
      else create.push(fileId);
    }
    if (create.length === 0) return;
    const ids = await this.idsFor('custom_object_types', 'cotype', create);
    const rows = create.map((fileId, i) => ({
      id: ids[i], organization_id: this.organizationId, name: `Imported type ${fileId}`, name_plural: `Imported type ${fileId}`,
      description: `Created by an import: the export file named this type by its id (${fileId}) only.`,
    }));
    await this.insert('custom_object_types', rows);
    for (const [i, row] of rows.entries()) {
      this.customObjectTypes.add(row.id);
      this.setMapping(create[i], row.id);
    }
    this.counts.customObjectTypesCreated += rows.length;
  }

  private async resolveFields(refs: BatchRefs): Promise<void> {
    const rows: Array<Record<string, unknown>> = [];
    for (const ref of refs.fields) {
      const typeId = ref.customObjectTypeFileId === null ? null : this.customObjectTypeId(ref.customObjectTypeFileId);
      const scope = this.scope(scopeKey(ref.owner, typeId));
      const key = ref.name.toLowerCase();
      if (scope.has(key)) continue;
      const id = newId('cf');
      scope.set(key, { id, created: true, inference: new FieldTypeInference() });
      // Type and position are provisional: `finish` sets them from everything the file holds.
      rows.push({
        id, organization_id: this.organizationId, object_type: ref.owner, custom_object_type_id: typeId, name: ref.name,
        type: 'text' satisfies CustomFieldType, position: this.fieldPosition + rows.length,
      });
    }
    if (rows.length === 0) return;
    await this.insert('custom_fields', rows);
    this.counts.customFieldsCreated += rows.length;
  }

  /** The id `fileId` gets in this organization when another row has it (`derived-id.ts`). */
  private derived(prefix: IdPrefix, fileId: string): string {
    return derivedId(prefix, this.organizationId, fileId);
  }

  /**
   * Ids for new rows of `table`: with `keep`, the file's id when no row of the table has it (in
   * any organization), else the id derived from it for this organization, else a random one;
   * with `new`, random ones.
   */
  private async idsFor(table: string, prefix: IdPrefix, fileIds: ReadonlyArray<string | null>): Promise<string[]> {
    if (this.ids === 'new') return fileIds.map(() => newId(prefix));
    const free = async (ids: string[]) => {
      const { rows } = await this.connection.query<{ id: string }>(`SELECT id FROM ${table} WHERE id = ANY($1)`, [ids]);
      const taken = new Set(rows.map((r) => r.id));
      return (id: string) => !taken.has(id);
    };
    const given = fileIds.filter((id): id is string => id !== null);
    const isFree = await free(given);
    const derived = new Map(given.filter((id) => !isFree(id)).map((id) => [id, this.derived(prefix, id)]));
    const isDerivedFree = derived.size > 0 ? await free([...derived.values()]) : () => false;
    const used = new Set<string>();
    return fileIds.map((fileId) => {
      let id = fileId === null ? newId(prefix) : isFree(fileId) ? fileId : isDerivedFree(derived.get(fileId)!) ? derived.get(fileId)! : newId(prefix);
      if (used.has(id)) id = newId(prefix);
      used.add(id);
      return id;
    });
  }

  private async insert(table: string, rows: Array<Record<string, unknown>>): Promise<void> {
    await this.knex(table).insert(rows).connection(this.connection);
  }
}

/** "Mary Ann Smith" → ["Mary", "Ann Smith"]: an export joins them back with one space. */
function splitName(name: string): [string, string] {
  const trimmed = name.trim();
  const space = trimmed.indexOf(' ');
  return space === -1 ? [trimmed, ''] : [trimmed.slice(0, space), trimmed.slice(space + 1)];
}
