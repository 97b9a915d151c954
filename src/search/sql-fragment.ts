/**
 * A piece of SQL with its bound values, composed without string-pasting values.
 *
 * `sql\`a = ${value}\`` binds `value` as a `?` placeholder (Knex turns them into `$n`);
 * interpolating another `Sql` nests it with its bindings. Trusted text (identifiers from the
 * closed field catalog, SQL keywords) enters only through `raw()`. Nothing here performs I/O.
 */
export class Sql {
  constructor(
    readonly text: string,
    readonly bindings: readonly unknown[],
  ) {}
}

export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  let text = strings[0];
  const bindings: unknown[] = [];
  values.forEach((value, i) => {
    if (value instanceof Sql) {
      text += value.text;
      bindings.push(...value.bindings);
    } else {
      text += '?';
      bindings.push(value);
    }
    text += strings[i + 1];
  });
  // Knex reads `??` as an identifier placeholder: two adjacent values would be misread.
  if (text.includes('??')) throw new Error(`adjacent placeholders in generated SQL: ${text}`);
  return new Sql(text, bindings);
}

/** Trusted SQL text: only identifiers and keywords written in this codebase, never input. */
export function raw(text: string): Sql {
  if (text.includes('?')) throw new Error(`raw SQL must not contain placeholders: ${text}`);
  return new Sql(text, []);
}

export function joinSql(parts: readonly Sql[], separator: string): Sql {
  return new Sql(
    parts.map((p) => p.text).join(separator),
    parts.flatMap((p) => p.bindings),
  );
}

export const TRUE_SQL = raw('true');
export const FALSE_SQL = raw('false');

/**
 * `(a AND b …)`: parts joined by a boolean operator, parenthesized when there are several.
 * Every predicate builder returns an operand that is safe beside AND, OR and NOT (a single
 * comparison or a parenthesized group), which is what makes nesting them correct.
 */
export function group(parts: readonly Sql[], operator: 'AND' | 'OR'): Sql {
  if (parts.length === 1) return parts[0];
  const joined = joinSql(parts, ` ${operator} `);
  return new Sql(`(${joined.text})`, joined.bindings);
}
