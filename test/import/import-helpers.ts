import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { EXPORT_FIELDS } from '../../src/writers/export-fields.js';
import { runExport } from '../exports/export-helpers.js';

/** Every field a JSON leads export can carry, plus activities and custom objects: the fullest file there is. */
export const FULL_EXPORT = {
  type: 'leads',
  format: 'json',
  fields: [...EXPORT_FIELDS.leads.json],
  include_activities: true,
  include_custom_objects: true,
};

export async function exportOrganization(url: string, organizationId: string): Promise<string> {
  return (await runExport(url, organizationId, FULL_EXPORT)).text;
}

/** A source that yields `bytes` in small chunks, so every element crosses chunk boundaries. */
export function chunkedSource(bytes: Buffer | string, chunkSize = 7919): Readable {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const chunks: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += chunkSize) chunks.push(buffer.subarray(i, i + chunkSize));
  return Readable.from(chunks);
}

export const LEAD_TABLES = [
  'leads', 'contacts', 'contact_emails', 'contact_phones', 'contact_urls', 'addresses', 'opportunities', 'tasks', 'activities', 'custom_objects',
] as const;
export const SETUP_TABLES = ['organizations', 'users', 'lead_statuses', 'pipelines', 'opportunity_statuses', 'custom_object_types', 'custom_fields'] as const;

/** Row counts of every CRM table, database-wide. */
export async function tableCounts(knex: Knex): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of [...SETUP_TABLES, ...LEAD_TABLES]) {
    const [{ n }] = await knex(table).count<{ n: number }[]>('* as n');
    out[table] = Number(n);
  }
  return out;
}

/** Row counts of the lead tables for one organization. */
export async function organizationCounts(knex: Knex, organizationId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of LEAD_TABLES) {
    const [{ n }] = await knex(table).where({ organization_id: organizationId }).count<{ n: number }[]>('* as n');
    out[table] = Number(n);
  }
  return out;
}

const ID = /^(orga|user|stat|pipe|lead|cont|oppo|task|acti|cotype|custobj|cf)_[0-9A-Za-z]+$/;
const isId = (value: unknown): value is string => typeof value === 'string' && ID.test(value);

/** The JSON of `value` with every id replaced by `#` and every array sorted: what a lead says, whatever its ids. */
function shapeKey(value: unknown): string {
  if (isId(value)) return '"#"';
  if (Array.isArray(value)) return `[${value.map(shapeKey).sort().join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${shapeKey(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Compares two JSON leads exports that should describe the same leads under different ids.
 * Returns the id mapping from `a` to `b`, or throws with the first difference.
 *
 * - Leads are paired by their content with ids blanked out (`shapeKey`); lists inside a lead
 *   are compared in the same content order, so the order an export gives rows that tie on their
 *   sort keys (which then falls back to the id) cannot cause a false difference.
 * - Walking each pair side by side, every id of `a` must meet the same id of `b` everywhere in
 *   the file (the mapping is a function) and no two ids of `a` may meet the same id of `b` (it is
 *   one-to-one). So links survive: an opportunity pointing at a contact points at the
 *   corresponding contact, a custom user value at the corresponding user, across all leads.
 * - Everything else (texts, numbers, dates, nulls, key order inside objects) must be equal.
 */
export function compareUpToIds(a: unknown[], b: unknown[]): Map<string, string> {
  if (a.length !== b.length) throw new Error(`${a.length} leads vs ${b.length}`);
  const sortByShape = (leads: unknown[]) => leads.map((lead) => ({ lead, key: shapeKey(lead) })).sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const left = sortByShape(a);
  const right = sortByShape(b);
  const forward = new Map<string, string>();
  const backward = new Map<string, string>();
  const walk = (x: unknown, y: unknown, path: string) => {
    if (isId(x) && isId(y)) {
      const mapped = forward.get(x);
      const reverse = backward.get(y);
      if ((mapped !== undefined && mapped !== y) || (reverse !== undefined && reverse !== x)) {
        throw new Error(`${path}: id ${x} ↔ ${y} contradicts ${x} ↔ ${mapped ?? '?'} / ${reverse ?? '?'} ↔ ${y}`);
      }
      forward.set(x, y);
      backward.set(y, x);
      return;
    }
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) throw new Error(`${path}: ${x.length} vs ${y.length} elements`);
      const xs = x.map((v) => ({ v, k: shapeKey(v) })).sort((p, q) => (p.k < q.k ? -1 : p.k > q.k ? 1 : 0));
      const ys = y.map((v) => ({ v, k: shapeKey(v) })).sort((p, q) => (p.k < q.k ? -1 : p.k > q.k ? 1 : 0));
      xs.forEach((item, i) => walk(item.v, ys[i].v, `${path}[${i}]`));
      return;
    }
    if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object') {
      const xk = Object.keys(x);
      const yk = Object.keys(y);
      if (xk.join('\u0000') !== yk.join('\u0000')) throw new Error(`${path}: keys ${JSON.stringify(xk)} vs ${JSON.stringify(yk)}`);
      for (const k of xk) walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${path}.${k}`);
      return;
    }
    if (JSON.stringify(x) !== JSON.stringify(y)) throw new Error(`${path}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
  };
  left.forEach((item, i) => walk(item.lead, right[i].lead, `lead ${(item.lead as { display_name?: string }).display_name}`));
  return forward;
}

/**
 * Every foreign key of the CRM tables holds, database-wide, and no row of `organizationId`
 * points at another organization's user, status, pipeline or custom object type. (The import
 * skips foreign-key triggers when it can, so this is checked by hand.)
 */
export async function expectReferencesIntact(knex: Knex, organizationId: string): Promise<Record<string, number>> {
  const { rows: foreignKeys } = await knex.raw(
    `SELECT c.conrelid::regclass::text AS tbl, a.attname AS col, c.confrelid::regclass::text AS ref, af.attname AS refcol
       FROM pg_constraint c
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
      WHERE c.contype = 'f' AND c.conrelid = ANY(?::regclass[])`,
    [[...SETUP_TABLES, ...LEAD_TABLES]],
  );
  const broken: Record<string, number> = {};
  for (const fk of foreignKeys) {
    const { rows } = await knex.raw(
      `SELECT count(*)::int AS n FROM ${fk.tbl} t WHERE t.${fk.col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${fk.ref} r WHERE r.${fk.refcol} = t.${fk.col})`,
    );
    if (rows[0].n > 0) broken[`${fk.tbl}.${fk.col}`] = rows[0].n;
    if (fk.ref !== 'organizations' && fk.ref !== 'leads' && fk.ref !== 'contacts') {
      const { rows: cross } = await knex.raw(
        `SELECT count(*)::int AS n FROM ${fk.tbl} t JOIN ${fk.ref} r ON r.${fk.refcol} = t.${fk.col}
          WHERE t.organization_id = ? AND r.organization_id <> t.organization_id`,
        [organizationId],
      );
      if (cross[0].n > 0) broken[`${fk.tbl}.${fk.col} (other organization)`] = cross[0].n;
    }
  }
  // Contacts referenced by a lead's objects belong to that lead.
  const { rows } = await knex.raw(
    `SELECT count(*)::int AS n FROM (
        SELECT contact_id AS c, lead_id FROM activities WHERE organization_id = :org
        UNION ALL SELECT contact_id, lead_id FROM opportunities WHERE organization_id = :org
        UNION ALL SELECT contact_id, lead_id FROM tasks WHERE organization_id = :org) x
      WHERE c IS NOT NULL AND NOT EXISTS (SELECT 1 FROM contacts k WHERE k.id = x.c AND k.lead_id = x.lead_id)`,
    { org: organizationId },
  );
  if (rows[0].n > 0) broken['contact of another lead'] = rows[0].n;
  return broken;
}
