/**
 * The tables the bulk loaders (the seed generator, the JSON import) fill with COPY, and the
 * columns they write, in load order: parents before children, so a load with foreign-key checks
 * on never references a row not yet loaded.
 * Serial `id` columns (emails, phones, urls, addresses) are left to their sequences.
 */
export const COPY_COLUMNS = {
  leads: ['id', 'organization_id', 'name', 'display_name', 'description', 'url', 'status_id', 'custom',
    'date_created', 'date_updated', 'created_by', 'updated_by'],
  contacts: ['id', 'organization_id', 'lead_id', 'position', 'name', 'title', 'custom',
    'date_created', 'date_updated', 'created_by', 'updated_by'],
  contact_emails: ['organization_id', 'lead_id', 'contact_id', 'position', 'email', 'type', 'is_unsubscribed'],
  contact_phones: ['organization_id', 'lead_id', 'contact_id', 'position', 'phone', 'type', 'country'],
  contact_urls: ['organization_id', 'lead_id', 'contact_id', 'position', 'url', 'type'],
  addresses: ['organization_id', 'lead_id', 'position', 'label', 'address_1', 'address_2', 'city', 'state',
    'zipcode', 'country'],
  opportunities: ['id', 'organization_id', 'lead_id', 'contact_id', 'user_id', 'status_id', 'value',
    'value_currency', 'value_period', 'confidence', 'note', 'date_won', 'date_lost', 'custom',
    'date_created', 'date_updated', 'created_by', 'updated_by'],
  tasks: ['id', 'organization_id', 'lead_id', 'contact_id', 'assigned_to', 'type', 'text', 'due_date',
    'is_complete', 'date_created', 'date_updated', 'created_by', 'updated_by'],
  activities: ['id', 'organization_id', 'lead_id', 'contact_id', 'user_id', 'type', 'direction', 'status',
    'duration', 'activity_at', 'data', 'date_created', 'date_updated', 'created_by', 'updated_by'],
  custom_objects: ['id', 'organization_id', 'custom_object_type_id', 'lead_id', 'name', 'custom',
    'date_created', 'date_updated', 'created_by', 'updated_by'],
} as const satisfies Record<string, readonly string[]>;

export type CopyTable = keyof typeof COPY_COLUMNS;
export const COPY_TABLES = Object.keys(COPY_COLUMNS) as CopyTable[];

/**
 * A cell: `null` → SQL NULL; strings are written as they are (timestamps and dates come
 * pre-formatted); objects and arrays → JSON (for jsonb columns).
 */
export type CopyValue = string | number | boolean | null | object;

/** The rows of one table in a batch, as COPY text in buffers of about PIECE_SIZE bytes. */
export type CopyTableText = { table: CopyTable; rows: number; pieces: Buffer[] };

/** Keeps each write to the socket large (stack notes S1: per-row writes cost ~50 µs each) but bounded. */
const PIECE_SIZE = 1 << 20;

/**
 * Rows of several tables encoded in PostgreSQL's COPY text format (tab-separated, `\N` for NULL,
 * backslash escapes), accumulated per table. Pure: no I/O.
 *
 * Each row is encoded straight into a buffer, so its strings die young: keeping a batch as
 * concatenated strings until it is sent made V8 promote every row to the old generation and
 * spend over a third of the generation time in garbage collection.
 */
export class CopyBatch {
  private readonly tablesByName = new Map<CopyTable, { rows: number; pieces: Buffer[]; current: Buffer; used: number }>();

  add(table: CopyTable, values: readonly CopyValue[]): void {
    let line = encodeCell(values[0]);
    for (let i = 1; i < values.length; i++) line += '\t' + encodeCell(values[i]);
    line += '\n';
    let state = this.tablesByName.get(table);
    if (!state) {
      state = { rows: 0, pieces: [], current: Buffer.allocUnsafe(PIECE_SIZE), used: 0 };
      this.tablesByName.set(table, state);
    }
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (state.used + line.length * 3 > state.current.length) {
      if (state.used > 0) state.pieces.push(state.current.subarray(0, state.used));
      state.current = Buffer.allocUnsafe(Math.max(PIECE_SIZE, line.length * 3));
      state.used = 0;
    }
    state.used += state.current.write(line, state.used);
    state.rows++;
  }

  get rowCount(): number {
    let total = 0;
    for (const state of this.tablesByName.values()) total += state.rows;
    return total;
  }

  /** The tables with rows, in load order. */
  tables(): CopyTableText[] {
    const result: CopyTableText[] = [];
    for (const table of COPY_TABLES) {
      const state = this.tablesByName.get(table);
      if (!state || state.rows === 0) continue;
      const pieces = [...state.pieces];
      if (state.used > 0) pieces.push(state.current.subarray(0, state.used));
      result.push({ table, rows: state.rows, pieces });
    }
    return result;
  }
}

/** One cell of COPY text format. Exported for tests. */
export function encodeCell(value: CopyValue | undefined): string {
  if (value === null || value === undefined) return '\\N';
  switch (typeof value) {
    case 'string':
      return escapeCopyText(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`Cannot COPY the number ${value}`);
      return String(value);
    case 'boolean':
      return value ? 't' : 'f';
    default: {
      // JSON.stringify escapes tabs, newlines and carriage returns itself, so the only
      // character COPY needs escaped in JSON text is the backslash.
      const json = JSON.stringify(value);
      return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
    }
  }
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** In COPY text format a backslash, tab, newline or carriage return in data must be escaped. */
export function escapeCopyText(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : text;
}
