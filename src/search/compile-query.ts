import type { Knex } from 'knex';
import { AppError } from '../errors/app-error.js';
import { conditionPredicate } from './compile-condition.js';
import { fieldTextPredicate } from './compile-text.js';
import { findRelation, objectTypeDef, type ObjectTypeDef, type Relation } from './field-catalog.js';
import { SQL_TYPE_BY_VALUE_TYPE, type FieldDef } from './field-types.js';
import { parseSearch, type ParseOptions, type SearchInput } from './parse-query.js';
import type { ParsedSearch, QueryNode, SearchContext, SortKey, TextMatch } from './query-ast.js';
import { group, joinSql, raw, sql, type Sql } from './sql-fragment.js';

export type { SearchContext } from './query-ast.js';

const MAX_BINDINGS = 20_000;

/** A predicate, or a constant once folding decided it. */
type Predicate = Sql | boolean;

/** One ORDER BY key: its SQL, direction and type (for keyset comparisons on the cursor). */
export type OrderKey = { expr: Sql; direction: 'asc' | 'desc'; sqlType: string };

/** The pieces of a compiled search; `selectionQuery` and the search service assemble them. */
export type CompiledSearch = {
  objectType: ObjectTypeDef;
  /** Alias of the selected table: its table name, e.g. `leads`. */
  alias: string;
  /** Organization scope, type scope and the query, over `alias`. */
  where: Sql;
  /** The sort keys, without the id tiebreak (always `alias.id ASC`, added by the builders). */
  order: readonly OrderKey[];
  resultsLimit: number | null;
};

/**
 * The ordered ids of the leads an export selects: `SELECT leads.id FROM leads WHERE … ORDER BY
 * <sort> NULLS LAST, leads.id LIMIT <results_limit>`. Building it performs no I/O.
 *
 * A query that searches another type (e.g. contacts, as a contact smart view does) selects the
 * leads that have at least one matching object; `sort` names lead fields either way.
 *
 * Throws `AppError` BAD_USER_INPUT with paths under `s_query`, `results_limit` and `sort`.
 */
export function compileLeadSelection(knex: Knex, input: SearchInput, ctx: SearchContext, options: Pick<ParseOptions, 'paths'> = {}): Knex.QueryBuilder {
  return compileExportQueries(knex, input, ctx, undefined, options).leads;
}

/**
 * An export's selection from one parse of its query: the ordered lead ids (`leads`, as
 * `compileLeadSelection`) and, when the query searches the very type the export writes as rows
 * (`rowObjectType`: contacts for a `contacts` export, opportunities for `lead_opps`), the ids of
 * the matching objects (`rows`): a contact smart view exports its contacts. Without `rows`,
 * every contact / opportunity of the selected leads is a row. (`results_limit` and `sort` apply
 * to the leads either way.) Performs no I/O.
 */
export function compileExportQueries(
  knex: Knex,
  input: SearchInput,
  ctx: SearchContext,
  rowObjectType?: 'contact' | 'opportunity',
  options: Pick<ParseOptions, 'paths'> = {},
): { leads: Knex.QueryBuilder; rows?: Knex.QueryBuilder } {
  const parsed = parseSearch(input, ctx, { ...options, defaultObjectType: 'lead', sortObjectType: 'lead' });
  const leads = selectionQuery(knex, compileParsedSearch(parsed, ctx, 'lead'));
  if (rowObjectType === undefined || parsed.objectType.name !== rowObjectType) return { leads };
  const { alias, objectType, where } = compileParsedSearch(parsed, ctx, rowObjectType);
  const rows = knex
    .select(`${alias}.id`)
    .from(`${objectType.table} as ${alias}`)
    .whereRaw(where.text, [...where.bindings] as Knex.RawBinding[]);
  return { leads, rows };
}

/**
 * Compiles a parsed search into SQL pieces over `selectType` (default: the type the query
 * searches). Selecting leads for a query over another type wraps it as "leads having one".
 * Performs no I/O. Throws AppError BAD_USER_INPUT at the query's path only when the query is
 * too large to send (every other input problem was found by the parser).
 */
export function compileParsedSearch(parsed: ParsedSearch, ctx: SearchContext, selectType?: string): CompiledSearch {
  const compiler = new QueryCompiler(ctx.organizationId);
  const target = objectTypeDef(selectType ?? parsed.objectType.name)!;
  const alias = target.table;
  let query: Predicate;
  if (target.name === parsed.objectType.name) {
    query = compiler.node(parsed.query, { type: target, alias });
  } else {
    const relation = findRelation(target, parsed.objectType);
    if (!relation) throw new Error(`no relation from ${target.name} to ${parsed.objectType.name}`);
    query = compiler.related(relation, { type: target, alias }, parsed.query);
  }
  const where = joinSql(
    [sql`${raw(`${alias}.organization_id`)} = ${ctx.organizationId}`, ...(target.scope ? [target.scope(alias)] : []), ...(query === true ? [] : [toSql(query)])],
    ' AND ',
  );
  if (where.bindings.length > MAX_BINDINGS) {
    // PostgreSQL takes at most 65535 parameters per statement; far fewer make sense in a filter.
    throw AppError.badInput(parsed.queryPath, `the query is too large (${where.bindings.length} values once compiled, at most ${MAX_BINDINGS}); use fewer or shorter conditions`);
  }
  return { objectType: target, alias, where, order: parsed.sort.map((key) => orderKey(key, alias)), resultsLimit: parsed.resultsLimit };
}

/** `SELECT alias.id … ORDER BY … LIMIT results_limit` for a compiled search. */
export function selectionQuery(knex: Knex, compiled: CompiledSearch): Knex.QueryBuilder {
  const { alias } = compiled;
  const builder = knex
    .select(`${alias}.id`)
    .from(`${compiled.objectType.table} as ${alias}`)
    .whereRaw(compiled.where.text, [...compiled.where.bindings] as Knex.RawBinding[]);
  for (const key of orderByClauses(compiled)) builder.orderByRaw(key.text, [...key.bindings] as Knex.RawBinding[]);
  if (compiled.resultsLimit !== null) builder.limit(compiled.resultsLimit);
  return builder;
}

/** ORDER BY clauses: each sort key with NULLS LAST (empty values go last either way), then id. */
export function orderByClauses(compiled: CompiledSearch): Sql[] {
  return [
    ...compiled.order.map((key) => sql`${key.expr} ${raw(key.direction === 'asc' ? 'ASC' : 'DESC')} NULLS LAST`),
    raw(`${compiled.alias}.id ASC`),
  ];
}

function orderKey(key: SortKey, alias: string): OrderKey {
  const value = key.field.expr(alias);
  // Text sorts ignore case, as a person reading a list expects.
  const expr = key.field.valueType === 'text' ? sql`lower(${value})` : value;
  return { expr, direction: key.direction, sqlType: SQL_TYPE_BY_VALUE_TYPE[key.field.valueType] };
}

type Scope = { type: ObjectTypeDef; alias: string };

class QueryCompiler {
  private aliases = 0;

  constructor(private readonly organizationId: string) {}

  node(node: QueryNode, scope: Scope): Predicate {
    switch (node.kind) {
      case 'constant':
        return node.value;
      case 'and':
      case 'or':
        return negate(this.junction(node.kind, node.children, scope), node.negate);
      case 'field_condition':
        return negate(conditionPredicate(node.field, scope.alias, node.condition), node.negate);
      case 'has_related':
        return negate(this.related(node.relation, scope, node.query), node.negate);
      case 'text':
        return negate(this.textSearch(scope, node.match), node.negate);
    }
  }

  private junction(kind: 'and' | 'or', children: readonly QueryNode[], scope: Scope): Predicate {
    const identity = kind === 'and'; // the value that does not change the result
    const parts: Sql[] = [];
    for (const child of children) {
      const compiled = this.node(child, scope);
      if (typeof compiled === 'boolean') {
        if (compiled !== identity) return compiled;
      } else parts.push(compiled);
    }
    if (parts.length === 0) return identity;
    return group(parts, kind === 'and' ? 'AND' : 'OR');
  }

  /**
   * "Has a related object matching the query" as `outer IN (SELECT inner …)`: PostgreSQL turns
   * it into a semi-join at the top level and into a hashed subplan under OR and NOT, where a
   * correlated EXISTS would run once per row.
   */
  related(relation: Relation, scope: Scope, query: QueryNode): Predicate {
    const alias = `h${++this.aliases}`;
    const inner = this.node(query, { type: relation.to, alias });
    if (inner === false) return false;
    const conditions = [
      sql`${raw(`${alias}.organization_id`)} = ${this.organizationId}`,
      ...(relation.to.scope ? [relation.to.scope(alias)] : []),
      ...(relation.innerIsId ? [] : [sql`${relation.inner(alias)} IS NOT NULL`]),
      ...(inner === true ? [] : [inner]),
    ];
    return sql`${relation.outer(scope.alias)} IN (SELECT ${relation.inner(alias)} FROM ${raw(`${relation.to.table} AS ${alias}`)} WHERE ${joinSql(conditions, ' AND ')})`;
  }

  /**
   * The field-less `text` query (the search box): the object's id, or its text fields and
   * those of related objects (for a lead: name, contact names, emails, phones, notes).
   * full_words and beginning_of_words accept each word in any of those fields; phrase and
   * exact_value need the whole value in one field.
   *
   * For objects with an id, each word (or the whole value) becomes
   * `id IN (SELECT … UNION ALL SELECT …)`, one SELECT per field: a semi-join fed by each
   * field's trigram index, where an OR of per-field predicates would scan the whole table.
   */
  private textSearch(scope: Scope, match: TextMatch): Predicate {
    const targets = scope.type.textTargets.map((target) => {
      const type = target.via ? objectTypeDef(target.via)! : scope.type;
      return { type, field: type.fields.get(target.field)! };
    });
    const byWord = match.mode === 'full_words' || match.mode === 'beginning_of_words';
    const units: TextMatch[] = byWord ? match.words.map((word) => ({ mode: match.mode, value: word, words: [word] })) : [match];
    const applies = (field: FieldDef, m: TextMatch) => field.textKind !== 'phone' || /\d/.test(m.value);

    if (!scope.type.hasId) {
      return this.all(units.map((m) => {
        const parts = targets.filter((t) => t.type === scope.type && applies(t.field, m)).map((t) => fieldTextPredicate(t.field, scope.alias, m));
        return parts.length === 0 ? false : group(parts, 'OR');
      }));
    }
    // Close ids are one word of letters, digits and `_`; only such a value can be one.
    const id = match.value.trim();
    const maybeId = /^[A-Za-z0-9_]+$/.test(id);
    return this.all(units.map((m, i) => {
      const selects: Sql[] = [];
      if (maybeId && i === 0 && units.length === 1) selects.push(this.idSource(scope.type, (alias) => sql`${raw(`${alias}.id`)} = ${id}`));
      for (const { type, field } of targets) {
        if (!applies(field, m)) continue;
        if (type === scope.type) {
          selects.push(this.idSource(type, (alias) => fieldTextPredicate(field, alias, m)));
        } else {
          const relation = findRelation(scope.type, type)!;
          selects.push(this.relatedSource(relation, (alias) => fieldTextPredicate(field, alias, m)));
        }
      }
      if (selects.length === 0) return false;
      return sql`${raw(`${scope.alias}.id`)} IN (${joinSql(selects, ' UNION ALL ')})`;
    }));
  }

  /** `SELECT h.id FROM <type> h WHERE <organization, type scope, predicate>`. */
  private idSource(type: ObjectTypeDef, predicate: (alias: string) => Sql): Sql {
    const alias = `h${++this.aliases}`;
    const conditions = [sql`${raw(`${alias}.organization_id`)} = ${this.organizationId}`, ...(type.scope ? [type.scope(alias)] : []), predicate(alias)];
    return sql`SELECT ${raw(`${alias}.id`)} FROM ${raw(`${type.table} AS ${alias}`)} WHERE ${joinSql(conditions, ' AND ')}`;
  }

  /** `SELECT h.<link> FROM <related type> h WHERE …`: ids of the objects the matching related ones belong to. */
  private relatedSource(relation: Relation, predicate: (alias: string) => Sql): Sql {
    const alias = `h${++this.aliases}`;
    const conditions = [
      sql`${raw(`${alias}.organization_id`)} = ${this.organizationId}`,
      ...(relation.to.scope ? [relation.to.scope(alias)] : []),
      ...(relation.innerIsId ? [] : [sql`${relation.inner(alias)} IS NOT NULL`]),
      predicate(alias),
    ];
    return sql`SELECT ${relation.inner(alias)} FROM ${raw(`${relation.to.table} AS ${alias}`)} WHERE ${joinSql(conditions, ' AND ')}`;
  }

  private all(parts: Predicate[]): Predicate {
    if (parts.includes(false)) return false;
    const sqlParts = parts.filter((p): p is Sql => p !== true);
    if (sqlParts.length === 0) return true;
    return group(sqlParts, 'AND');
  }
}

/**
 * Negation must exclude exactly what the query matches, so a NULL ("unknown": an empty field)
 * counts as "does not match" before it is inverted.
 */
function negate(predicate: Predicate, negated: boolean): Predicate {
  if (!negated) return predicate;
  if (typeof predicate === 'boolean') return !predicate;
  return sql`NOT coalesce(${predicate}, false)`;
}

function toSql(predicate: Predicate): Sql {
  return typeof predicate === 'boolean' ? raw(String(predicate)) : predicate;
}

export type { FieldDef };
