import { fieldTextPredicate } from './compile-text.js';
import { SQL_TYPE_BY_VALUE_TYPE, type FieldDef } from './field-types.js';
import type { Condition } from './query-ast.js';
import { FALSE_SQL, group, raw, sql, type Sql } from './sql-fragment.js';

/**
 * One field condition as SQL over the row aliased `alias`. The result may be NULL when the
 * field is empty; the caller guards negation (`NOT coalesce(…, false)`).
 */
export function conditionPredicate(field: FieldDef, alias: string, condition: Condition): Sql {
  const value = field.expr(alias);
  const sqlType = raw(SQL_TYPE_BY_VALUE_TYPE[field.valueType]);
  switch (condition.type) {
    case 'text':
      return fieldTextPredicate(field, alias, condition.match);
    case 'exists':
      return existsPredicate(field, alias, value);
    case 'boolean':
      return sql`${value} = ${condition.value}`;
    case 'in': {
      if (condition.values.length === 0) return FALSE_SQL;
      if (field.json && field.valueType !== 'number') {
        // Containment on the jsonb column is what its GIN (jsonb_path_ops) index serves.
        const column = raw(`${alias}.${field.json.column}`);
        const documents = condition.values.map((v) => JSON.stringify({ [field.json!.key]: field.multi ? [v] : v }));
        return group(documents.map((doc) => sql`${column} @> ${doc}::jsonb`), 'OR');
      }
      return sql`${value} = ANY(${condition.values.map(String)}::${sqlType}[])`;
    }
    case 'number_range': {
      const parts: Sql[] = [];
      if (condition.gt !== undefined) parts.push(sql`${value} > ${condition.gt}::numeric`);
      if (condition.gte !== undefined) parts.push(sql`${value} >= ${condition.gte}::numeric`);
      if (condition.lt !== undefined) parts.push(sql`${value} < ${condition.lt}::numeric`);
      if (condition.lte !== undefined) parts.push(sql`${value} <= ${condition.lte}::numeric`);
      return parts.length ? group(parts, 'AND') : sql`${value} IS NOT NULL`;
    }
    case 'moment_range': {
      const parts: Sql[] = [];
      if (condition.onOrAfter !== undefined) parts.push(sql`${value} >= ${condition.onOrAfter}::${sqlType}`);
      if (condition.before !== undefined) parts.push(sql`${value} < ${condition.before}::${sqlType}`);
      return parts.length ? group(parts, 'AND') : sql`${value} IS NOT NULL`;
    }
  }
}

/**
 * "Has a value": not NULL, and for text not the empty string; for custom fields the key is
 * set to something other than null, "" or [].
 */
function existsPredicate(field: FieldDef, alias: string, value: Sql): Sql {
  if (field.json) {
    return sql`coalesce(${raw(`${alias}.${field.json.column}`)} -> ${field.json.key} NOT IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb), false)`;
  }
  if (field.valueType === 'text' || field.valueType === 'choice' || field.valueType === 'reference') {
    return sql`${value} <> ''`;
  }
  return sql`${value} IS NOT NULL`;
}
