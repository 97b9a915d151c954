import { csvColumns } from './csv-columns.js';
import { JoinSet, type ExportShape, type LeadSource } from './export-query.js';
import { jsonRowSql } from './json-shape.js';

/** One export statement: the SELECT of a batch's rows and, for CSV, the header it matches. */
export type ExportStatement = { select: string; header: string[] | null };

/** PostgreSQL's limit on the entries of a SELECT list. */
export const MAX_CSV_COLUMNS = 1664;

/**
 * The SELECT producing the rows of `shape` for the leads of `source`, in file order: one CSV
 * row (one column per cell) or one `json` value per contact, opportunity or lead.
 */
export function exportStatement(shape: ExportShape, source: LeadSource): ExportStatement {
  const joins = new JoinSet();
  let header: string[] | null = null;
  let selectList: string;
  if (shape.format === 'csv') {
    const columns = csvColumns(shape, joins);
    header = columns.map((c) => c.header);
    selectList = columns.map((c) => c.sql).join(',\n  ');
  } else {
    selectList = jsonRowSql(shape, joins);
  }
  const { rowOrder, rowAlias } = ROWS[shape.type];
  const rowJoin =
    shape.rowFilterTable && rowAlias
      ? `${ROWS[shape.type].rowJoin}\n  JOIN ${shape.rowFilterTable} rf ON rf.id = ${rowAlias}.id`
      : ROWS[shape.type].rowJoin;
  const select =
    `SELECT ${selectList}\nFROM ${source.from}${rowJoin ? `\n  ${rowJoin}` : ''}\n  ${joins.toSql()}\n` +
    `WHERE ${source.where}\nORDER BY ${source.orderBy}${rowOrder ? `, ${rowOrder}` : ''}`;
  return { select, header };
}

/** What one row of each type is, and the order of a lead's rows (Close's order of children). */
const ROWS = {
  leads: { rowJoin: '', rowOrder: '', rowAlias: '' },
  contacts: { rowJoin: 'JOIN contacts c ON c.lead_id = l.id', rowOrder: 'c.position, c.id', rowAlias: 'c' },
  lead_opps: { rowJoin: 'JOIN opportunities o ON o.lead_id = l.id', rowOrder: 'o.date_created, o.id', rowAlias: 'o' },
  opps: { rowJoin: 'JOIN opportunities o ON o.lead_id = l.id', rowOrder: 'o.date_created, o.id', rowAlias: 'o' },
} as const;

/** COPY options for CSV: PostgreSQL's RFC 4180 quoting, LF line ends, NULL as an empty cell. */
export const CSV_COPY_OPTIONS = '(FORMAT csv)';

/**
 * COPY options that write each `json` value verbatim, one per line: CSV mode quotes a value
 * only if it contains the delimiter, the quote character, CR or LF, and PostgreSQL's JSON text
 * never contains a raw control character (it escapes them as \u00XX or \n), so with these two
 * as delimiter and quote nothing is ever quoted. `json-array-writer.ts` checks that it was not.
 */
export const JSON_LINES_COPY_OPTIONS = "(FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')";

/** The COPY statement streaming `statement`'s rows. */
export function copyStatementSql(statement: ExportStatement): string {
  return `COPY (${statement.select}) TO STDOUT WITH ${statement.header ? CSV_COPY_OPTIONS : JSON_LINES_COPY_OPTIONS}`;
}
