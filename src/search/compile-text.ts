import type { FieldDef } from './field-types.js';
import type { TextMatch } from './query-ast.js';
import { group, raw, sql, type Sql } from './sql-fragment.js';

/**
 * Text modes as SQL over `lower(value)`, case-insensitive (spec §3.12):
 * - full_words: every word of the query is a whole word of the value, in any order;
 * - beginning_of_words: every word of the query starts a word of the value;
 * - phrase: the words, whole and consecutive (any non-word characters between them);
 * - exact_value: the whole value equals the query, ignoring case.
 *
 * Words use PostgreSQL's regex word boundaries (`\m`, `\M`) over the lower-cased text, which
 * pg_trgm's GIN indexes on `lower(column)` serve. Query words contain only word characters,
 * so they need no escaping inside the pattern; the pattern is still a bound value.
 */
export function textPredicate(value: Sql, match: TextMatch): Sql {
  const lowered = sql`lower(${value})`;
  switch (match.mode) {
    case 'exact_value':
      return sql`${lowered} = lower(${match.value})`;
    case 'phrase':
      return sql`${lowered} ~ ${`\\m${match.words.join('\\W+')}\\M`}`;
    case 'full_words':
      return group(match.words.map((word) => sql`${lowered} ~ ${`\\m${word}\\M`}`), 'AND');
    case 'beginning_of_words':
      return group(match.words.map((word) => sql`${lowered} ~ ${`\\m${word}`}`), 'AND');
  }
}

/**
 * Phone numbers are stored in E.164 (`+16503334444`) and typed in any format, so they match on
 * digits: exact_value compares all digits, the other modes look for the query's digits inside.
 */
export function phonePredicate(value: Sql, match: TextMatch): Sql {
  const digits = match.value.replace(/\D/g, '');
  const valueDigits = sql`regexp_replace(${value}, ${raw("'\\D'")}, '', 'g')`;
  return match.mode === 'exact_value' ? sql`${valueDigits} = ${digits}` : sql`${valueDigits} LIKE ${`%${digits}%`}`;
}

/** A text condition on a field, including phone fields and multi-value fields (any element). */
export function fieldTextPredicate(field: FieldDef, alias: string, match: TextMatch): Sql {
  const predicate = (value: Sql) => (field.textKind === 'phone' ? phonePredicate(value, match) : textPredicate(value, match));
  if (!field.multi) return predicate(field.expr(alias));
  const elements = sql`jsonb_array_elements_text(CASE WHEN jsonb_typeof(${field.expr(alias)}) = 'array' THEN ${field.expr(alias)} ELSE '[]'::jsonb END)`;
  return sql`EXISTS (SELECT 1 FROM ${elements} AS sf_e(value) WHERE ${predicate(raw('sf_e.value'))})`;
}
