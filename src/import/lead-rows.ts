import { newId } from '../db/ids.js';
import type { CopyBatch } from '../db/bulk/copy-batch.js';
import type { BatchRefs, CustomOwner, ImportCatalog } from './import-catalog.js';
import { ACTIVITY_BASE_KEYS, elementError, type ActivityElement, type LeadElement } from './lead-element.js';

/**
 * Turns validated lead elements into table rows: what they point at (`collectRefs`, resolved
 * by the catalog before the rows are built) and the rows themselves (`addLeadRows`, in the
 * seeder's COPY column order). No I/O.
 */

export type ParsedElement = { index: number; lead: LeadElement };

/** The ids one element's own objects get, decided before its rows are built. */
export type ElementIds = {
  /** Every own file id (the lead, its contacts, opportunities, tasks, activities, custom objects) → its id in the database. */
  own: Map<string, string>;
  /** Whether some own id changed: references in free-form JSON then need rewriting. */
  renamed: boolean;
};

const USER_ID = /^user_[0-9A-Za-z]+$/;

/** Records everything `element` points at into `refs`. */
export function collectRefs(element: ParsedElement, refs: BatchRefs, catalog: ImportCatalog): void {
  const lead = element.lead;
  refs.user(lead.created_by, lead.created_by_name);
  refs.user(lead.updated_by, lead.updated_by_name);
  if (lead.status_id || lead.status_label) refs.leadStatuses.push({ fileId: lead.status_id, label: lead.status_label });
  else refs.leadStatuses.push({ fileId: null, label: catalog.defaultLeadStatusLabel() });
  collectCustom(refs, 'lead', null, lead.custom);
  for (const contact of lead.contacts ?? []) {
    refs.user(contact.created_by);
    refs.user(contact.updated_by);
    collectCustom(refs, 'contact', null, contact.custom);
  }
  for (const opportunity of lead.opportunities ?? []) {
    refs.user(opportunity.user_id, opportunity.user_name);
    refs.user(opportunity.created_by, opportunity.created_by_name);
    refs.user(opportunity.updated_by, opportunity.updated_by_name);
    refs.opportunityStatuses.push(opportunityStatusRef(opportunity, catalog));
    collectCustom(refs, 'opportunity', null, opportunity.custom);
  }
  for (const task of lead.tasks ?? []) {
    refs.user(task.assigned_to, task.assigned_to_name);
    refs.user(task.created_by);
    refs.user(task.updated_by);
  }
  for (const activity of lead.activities ?? []) {
    refs.user(activity.user_id, activity.user_name);
    refs.user(activity.created_by);
    refs.user(activity.updated_by);
    collectActivityRefs(activity, lead, refs, catalog);
  }
  for (const object of lead.custom_objects ?? []) {
    refs.user(object.created_by);
    refs.user(object.updated_by);
    refs.customObjectTypes.add(object.custom_object_type_id);
    collectCustom(refs, 'custom_object', object.custom_object_type_id, object.custom);
  }
}

function opportunityStatusRef(opportunity: NonNullable<LeadElement['opportunities']>[number], catalog: ImportCatalog) {
  const named = opportunity.pipeline_id || opportunity.pipeline_name;
  return {
    fileId: opportunity.status_id,
    label: opportunity.status_label ?? (opportunity.status_id ? null : 'Active'),
    type: opportunity.status_type,
    pipelineFileId: opportunity.pipeline_id,
    pipelineName: named ? opportunity.pipeline_name : catalog.defaultPipelineName(),
  };
}

function collectCustom(refs: BatchRefs, owner: CustomOwner, typeFileId: string | null, custom: Record<string, unknown> | undefined): void {
  if (!custom) return;
  for (const [name, value] of Object.entries(custom)) {
    refs.field(owner, typeFileId, name);
    // User custom fields hold user ids: those users must exist (or be matched) too.
    if (typeof value === 'string') {
      if (USER_ID.test(value)) refs.user(value);
    } else if (Array.isArray(value)) {
      for (const v of value) if (typeof v === 'string' && USER_ID.test(v)) refs.user(v);
    }
  }
}

/**
 * The statuses, users and opportunities an activity's type-specific fields name (spec §4.6), so
 * that status changes keep pointing at real statuses of the organization, with their labels.
 */
function collectActivityRefs(activity: ActivityElement, lead: LeadElement, refs: BatchRefs, catalog: ImportCatalog): void {
  const data = activity as Record<string, unknown>;
  const str = (key: string) => (typeof data[key] === 'string' && data[key] !== '' ? (data[key] as string) : null);
  switch (activity._type) {
    case 'LeadStatusChange':
      for (const side of ['old', 'new']) {
        const fileId = str(`${side}_status_id`);
        const label = str(`${side}_status_label`);
        if (fileId || label) refs.leadStatuses.push({ fileId, label });
      }
      break;
    case 'OpportunityStatusChange': {
      const opportunity = (lead.opportunities ?? []).find((o) => o.id !== undefined && o.id === str('opportunity_id'));
      if (!opportunity) break;
      const pipeline = opportunityStatusRef(opportunity, catalog);
      for (const side of ['old', 'new']) {
        const fileId = str(`${side}_status_id`);
        const label = str(`${side}_status_label`);
        const type = str(`${side}_status_type`);
        if (fileId || label) {
          refs.opportunityStatuses.push({
            ...pipeline, fileId, label, type: type === 'active' || type === 'won' || type === 'lost' ? type : null,
          });
        }
      }
      break;
    }
    case 'TaskCompleted':
      refs.user(str('task_assigned_to'), str('task_assigned_to_name'));
      break;
    case 'Meeting':
      if (Array.isArray(data.attendees)) {
        for (const attendee of data.attendees as Array<Record<string, unknown>>) {
          if (attendee && typeof attendee.user_id === 'string') refs.user(attendee.user_id, typeof attendee.name === 'string' ? attendee.name : null);
        }
      }
      break;
  }
}

/** The file ids of an element's own objects, with their id prefix and JSON path. */
export function ownIds(lead: LeadElement): Array<{ table: OwnTable; fileId: string; path: string }> {
  const out: Array<{ table: OwnTable; fileId: string; path: string }> = [];
  if (lead.id) out.push({ table: 'leads', fileId: lead.id, path: 'id' });
  const add = (table: OwnTable, key: string, list: Array<{ id?: string }> | undefined) =>
    list?.forEach((item, i) => item.id && out.push({ table, fileId: item.id, path: `${key}[${i}].id` }));
  add('contacts', 'contacts', lead.contacts);
  add('opportunities', 'opportunities', lead.opportunities);
  add('tasks', 'tasks', lead.tasks);
  add('activities', 'activities', lead.activities);
  add('custom_objects', 'custom_objects', lead.custom_objects);
  return out;
}

export type OwnTable = 'leads' | 'contacts' | 'opportunities' | 'tasks' | 'activities' | 'custom_objects';
export const OWN_TABLE_PREFIX = { leads: 'lead', contacts: 'cont', opportunities: 'oppo', tasks: 'task', activities: 'acti', custom_objects: 'custobj' } as const;

/**
 * Adds the rows of one lead to `batch`. Missing dates become `now` (the import's start), a
 * missing display name the lead's name or first contact's. Throws AppError BAD_USER_INPUT when
 * the element points at something that cannot be resolved (a status without a label that the
 * organization lacks, a contact of another lead).
 */
export function addLeadRows(element: ParsedElement, ids: ElementIds, catalog: ImportCatalog, batch: CopyBatch, now: string): void {
  const { lead, index } = element;
  const org = catalog.organizationId;
  const own = (fileId: string | undefined, table: OwnTable) => (fileId ? ids.own.get(fileId)! : newId(OWN_TABLE_PREFIX[table]));
  const user = (fileId: string | null | undefined) => catalog.userId(fileId);
  const rewrite = ids.renamed || catalog.hasRenames;
  const remap = (value: unknown) => (rewrite ? remapIds(value, ids.own, catalog) : value);
  const leadId = own(lead.id, 'leads');

  const contactIds = new Map<string, string>();
  (lead.contacts ?? []).forEach((c) => c.id && contactIds.set(c.id, ids.own.get(c.id)!));
  const contactRef = (fileId: string | null | undefined, path: string) => {
    if (!fileId) return null;
    const id = contactIds.get(fileId);
    if (id === undefined) throw elementError(index, path, `${fileId} is not one of this lead's contacts`);
    return id;
  };
  const custom = (owner: CustomOwner, typeFileId: string | null, values: Record<string, unknown> | undefined) => {
    const out: Record<string, unknown> = {};
    if (!values) return out;
    const typeId = typeFileId === null ? null : catalog.customObjectTypeId(typeFileId);
    const keys = Object.keys(values);
    catalog.observeKeys(owner, typeId, keys);
    for (const name of keys) {
      const field = catalog.field(owner, typeId, name);
      const value = values[name];
      field.inference?.observe(value);
      out[field.id] = remap(value);
    }
    return out;
  };
  const stamps = (o: { date_created?: string; date_updated?: string; created_by?: string | null; updated_by?: string | null }) => {
    const created = o.date_created ?? now;
    return [created, o.date_updated ?? created, user(o.created_by), user(o.updated_by)];
  };

  const statusId = lead.status_id || lead.status_label
    ? catalog.leadStatusId({ fileId: lead.status_id, label: lead.status_label })
    : catalog.leadStatusId({ fileId: null, label: catalog.defaultLeadStatusLabel() });
  if (!statusId) {
    throw elementError(index, 'status_id', `${lead.status_id} is not a lead status of this organization, and the element has no status_label to create it from`);
  }
  const contacts = lead.contacts ?? [];
  const displayName = lead.display_name ?? lead.name ?? contacts.find((c) => c.name)?.name ?? '';
  batch.add('leads', [
    leadId, org, lead.name ?? null, displayName, lead.description ?? null, lead.url ?? null, statusId,
    custom('lead', null, lead.custom), ...stamps(lead),
  ]);

  contacts.forEach((contact, position) => {
    const contactId = own(contact.id, 'contacts');
    batch.add('contacts', [
      contactId, org, leadId, position, contact.name ?? null, contact.title ?? null, custom('contact', null, contact.custom), ...stamps(contact),
    ]);
    (contact.emails ?? []).forEach((e, k) => batch.add('contact_emails', [org, leadId, contactId, k, e.email, e.type ?? 'office', e.is_unsubscribed ?? false]));
    (contact.phones ?? []).forEach((p, k) => batch.add('contact_phones', [org, leadId, contactId, k, p.phone, p.type ?? 'office', p.country ?? null]));
    (contact.urls ?? []).forEach((u, k) => batch.add('contact_urls', [org, leadId, contactId, k, u.url, u.type ?? 'url']));
  });

  (lead.addresses ?? []).forEach((a, position) => {
    batch.add('addresses', [
      org, leadId, position, a.label ?? 'business', a.address_1 ?? null, a.address_2 ?? null, a.city ?? null, a.state ?? null,
      a.zipcode ?? null, a.country ?? null,
    ]);
  });

  (lead.opportunities ?? []).forEach((o, i) => {
    const statusRef = opportunityStatusRef(o, catalog);
    const status = catalog.opportunityStatusId(statusRef);
    if (!status) {
      throw elementError(index, `opportunities[${i}].status_id`, `${o.status_id} is not an opportunity status of this organization, and the opportunity has no status_label and pipeline_name to create it from`);
    }
    batch.add('opportunities', [
      own(o.id, 'opportunities'), org, leadId, contactRef(o.contact_id, `opportunities[${i}].contact_id`), user(o.user_id), status,
      o.value ?? null, o.value_currency ?? 'USD', o.value_period ?? 'one_time', o.confidence ?? 0, o.note ?? null, o.date_won ?? null,
      o.date_lost ?? null, custom('opportunity', null, o.custom), ...stamps(o),
    ]);
  });

  (lead.tasks ?? []).forEach((t, i) => {
    batch.add('tasks', [
      own(t.id, 'tasks'), org, leadId, contactRef(t.contact_id, `tasks[${i}].contact_id`), user(t.assigned_to), t._type ?? 'lead',
      t.text ?? '', t.due_date ?? null, t.is_complete ?? false, ...stamps(t),
    ]);
  });

  (lead.activities ?? []).forEach((a, i) => {
    const data: Record<string, unknown> = {};
    for (const key of Object.keys(a)) if (!ACTIVITY_BASE_KEYS.has(key)) data[key] = (a as Record<string, unknown>)[key];
    batch.add('activities', [
      own(a.id, 'activities'), org, leadId, contactRef(a.contact_id, `activities[${i}].contact_id`), user(a.user_id), a._type,
      a.direction ?? null, a.status ?? null, a.duration ?? null, a.activity_at ?? a.date_created ?? now, remap(data) as object, ...stamps(a),
    ]);
  });

  for (const object of lead.custom_objects ?? []) {
    batch.add('custom_objects', [
      own(object.id, 'custom_objects'), org, catalog.customObjectTypeId(object.custom_object_type_id), leadId, object.name,
      custom('custom_object', object.custom_object_type_id, object.custom), ...stamps(object),
    ]);
  }
}

/**
 * `value` with every string that is a renamed id replaced by its new id, at any depth: ids are
 * globally unique random strings, so a string equal to one is a reference to it (activity fields
 * such as `opportunity_id`, `task_id`, meeting attendees; user and contact custom values).
 */
export function remapIds(value: unknown, own: ReadonlyMap<string, string>, catalog: ImportCatalog): unknown {
  if (typeof value === 'string') return own.get(value) ?? catalog.renamed(value) ?? value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => remapIds(v, own, catalog));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = remapIds((value as Record<string, unknown>)[key], own, catalog);
  return out;
}
