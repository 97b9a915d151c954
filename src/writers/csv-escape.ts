/**
 * One CSV line from strings, quoted exactly as PostgreSQL's COPY … (FORMAT csv) quotes cells
 * (RFC 4180: a cell is quoted if it holds a comma, a quote, CR or LF, or is empty; quotes are
 * doubled), ending in LF like COPY's rows. Used for the header, which COPY cannot write
 * because column names are capped at 63 bytes.
 */
export function csvLine(values: readonly string[]): string {
  return `${values.map(csvCell).join(',')}\n`;
}

function csvCell(value: string): string {
  return value === '' || /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
