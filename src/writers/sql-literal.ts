/**
 * A string as an SQL literal. COPY runs over the simple query protocol, which has no bound
 * parameters, so the few values an export statement needs (organization id, custom field ids
 * and names) are inlined through this one function. Relies on `standard_conforming_strings`
 * (on by default since PostgreSQL 9.1): backslashes are ordinary characters in '…'.
 */
export function sqlLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('SQL text cannot contain NUL characters');
  return `'${value.replaceAll("'", "''")}'`;
}

/** An integer as SQL text; refuses anything else so nothing but digits is ever inlined. */
export function sqlInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not a safe integer: ${value}`);
  return String(value);
}
