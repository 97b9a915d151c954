import knexFactory from 'knex';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors/app-error.js';
import { compileLeadSelection } from '../../src/search/compile-query.js';
import type { SearchInput } from '../../src/search/parse-query.js';
import type { SearchContext } from '../../src/search/query-ast.js';
import {
  and,
  custom,
  exact,
  exists,
  field,
  localDate,
  matchAll,
  moments,
  objectType,
  offset,
  period,
  range,
  reference,
  regular,
  related,
  savedSearch,
  sortBy,
  term,
  text,
  utc,
  words,
} from './query-builders.js';
import { searchContext, STATUS } from './search-dataset.js';

/**
 * Every malformed input is refused with the path to the problem and what is allowed there,
 * as AppError BAD_USER_INPUT (REST 400 with field-errors, GraphQL BAD_USER_INPUT). Building
 * SQL needs no connection, so these tests use a Knex instance that never connects.
 */
const knex = knexFactory({ client: 'pg' });

const SAVED: Record<string, unknown> = {
  save_a: { query: savedSearch('save_b') },
  save_b: savedSearch('save_a'),
  save_contacts: and(objectType('contact')),
  save_broken: { query: and(field('nope', exists())) },
};

function errorsOf(input: SearchInput, ctx: Partial<SearchContext> = {}): Record<string, string> {
  try {
    compileLeadSelection(knex, input, searchContext(ctx, SAVED));
  } catch (error) {
    if (isAppError(error) && error.code === 'BAD_USER_INPUT') return error.details.fieldErrors ?? {};
    throw error;
  }
  throw new Error('expected a validation error');
}

const inLead = (...nodes: Record<string, unknown>[]) => ({ sQuery: and(objectType('lead'), ...nodes) });

type Case = [name: string, input: SearchInput, path: string, message: RegExp, ctx?: Partial<SearchContext>];

describe('refused inputs name the path and what is allowed', () => {
  it.each<Case>([
    ['unknown node type', { sQuery: { type: 'andd', queries: [] } }, 's_query.type', /unknown query type "andd"; expected one of: and, or, object_type, field_condition, has_related, match_all, saved_search, text/],
    ['missing node type', { sQuery: { queries: [] } }, 's_query.type', /required/],
    ['a node that is not an object', { sQuery: and(objectType('lead'), 'x' as never) }, 's_query.queries[1]', /expected a query object/],
    ['queries not an array', { sQuery: { type: 'or', queries: {} } }, 's_query.queries', /an array of queries/],
    ['unknown key on a node', { sQuery: { type: 'and', queries: [], foo: 1 } }, 's_query.foo', /unknown key; expected only: type, negate, queries/],
    ['negate not a boolean', { sQuery: { type: 'match_all', negate: 'yes' } }, 's_query.negate', /true or false/],
    ['unknown text mode', inLead(field('name', { type: 'text', mode: 'fullwords', value: 'a' })), 's_query.queries[1].condition.mode', /expected one of: full_words, phrase, beginning_of_words, exact_value/],
    ['unknown field', inLead(field('nam', words('a'))), 's_query.queries[1].field.field_name', /unknown lead field "nam"; expected one of: id, name, display_name/],
    ['a field of another object type', inLead(field('title', words('a'), 'contact')), 's_query.queries[1].field.object_type', /expected "lead"/],
    ['unknown field type', inLead({ type: 'field_condition', field: { type: 'smart_field' }, condition: exists() }), 's_query.queries[1].field.type', /regular_field, custom_field/],
    ['a condition that does not suit the field', inLead(field('name', range({ gt: 1 }))), 's_query.queries[1].condition.type', /does not apply to lead field "name" \(a text field\); use one of: text, term, exists/],
    ['unknown condition type', inLead(field('name', { type: 'contains', value: 'a' })), 's_query.queries[1].condition.type', /unknown condition type "contains"/],
    ['missing condition', inLead({ type: 'field_condition', field: regular('lead', 'name') }), 's_query.queries[1].condition', /required/],
    ['unknown key on a condition', inLead(field('name', { ...words('a'), fuzzy: true })), 's_query.queries[1].condition.fuzzy', /unknown key/],
    ['a reference type the field does not take', inLead(field('status_id', reference('user', STATUS.potential))), 's_query.queries[1].condition.reference_type', /references: status\.lead/],
    ['object_ids not strings', inLead(field('status_id', { type: 'reference', reference_type: 'status.lead', object_ids: [1] })), 's_query.queries[1].condition.object_ids[0]', /expected a string/],
    ['term values not an array', inLead(field('status_id', { type: 'term', values: 'stat_x' })), 's_query.queries[1].condition.values', /an array of strings/],
    ['a number term with a string', inLead(field('num_contacts', term('2'))), 's_query.queries[1].condition.values[0]', /expected a number/],
    ['number_range with a string', inLead(field('num_contacts', { type: 'number_range', gt: '5' })), 's_query.queries[1].condition.gt', /expected a number/],
    ['boolean with a string', inLead(related('lead', 'task', field('is_complete', { type: 'boolean', value: 'true' }, 'task'))), 's_query.queries[1].related_query.condition.value', /true or false/],
    ['an empty text value', inLead(field('name', words('  !! '))), 's_query.queries[1].condition.value', /at least one word/],
    ['a NUL character', inLead(field('name', exact('a\u0000b'))), 's_query.queries[1].condition.value', /NUL/],
    ['a lone surrogate', inLead(field('cf_state', term('ok', '\ud800'))), 's_query.queries[1].condition.values[1]', /valid Unicode/],
    ['a very long value', inLead(field('name', exact('x'.repeat(1001)))), 's_query.queries[1].condition.value', /at most 1000 characters/],
    ['a phone search without digits', inLead(related('lead', 'contact_phone', field('phone', words('abc'), 'contact_phone'))), 's_query.queries[1].related_query.condition.value', /digit/],
    ['unknown moment type', inLead(field('date_created', moments({ type: 'yesterday' }, null))), 's_query.queries[1].condition.on_or_after.type', /fixed_utc, fixed_local_date, now, offset, start_end_of_predefined_relative_period/],
    ['a fixed_utc that is not a date-time', inLead(field('date_created', moments(utc('2024-02-30T00:00:00Z'), null))), 's_query.queries[1].condition.on_or_after.value', /ISO 8601/],
    ['a fixed_local_date without which', inLead(field('date_created', moments({ type: 'fixed_local_date', value: '2024-01-01' }, null))), 's_query.queries[1].condition.on_or_after.which', /start, end/],
    ['a local date that does not exist', inLead(field('date_created', moments(localDate('2023-02-29', 'start'), null))), 's_query.queries[1].condition.on_or_after.value', /calendar date/],
    ['unknown relative range', inLead(field('date_created', moments(null, period('this-decade', 'end')))), 's_query.queries[1].condition.before.range', /today, yesterday, tomorrow, this-week/],
    ['a negative offset', inLead(field('date_created', moments(offset('past', { days: -7 }), null))), 's_query.queries[1].condition.on_or_after.offset.days', /whole number/],
    ['an unknown offset unit', inLead(field('date_created', moments(offset('past', { fortnights: 1 }), null))), 's_query.queries[1].condition.on_or_after.offset.fortnights', /unknown key/],
    ['an offset direction', inLead(field('date_created', moments({ ...offset('past', { days: 1 }), direction: 'back' }, null))), 's_query.queries[1].condition.on_or_after.direction', /past, future/],
    ['a moment out of range', inLead(field('date_created', moments(offset('future', { years: 9000 }), null))), 's_query.queries[1].condition.on_or_after', /outside the years 1 to 9999/],
    ['moment_range with unknown key', inLead(field('date_created', { type: 'moment_range', after: utc('2024-01-01') })), 's_query.queries[1].condition.after', /on_or_after, before/],
    ['has_related from the wrong type', inLead(related('contact', 'lead', matchAll())), 's_query.queries[1].this_object_type', /expected "lead"/],
    ['has_related to an unrelated type', inLead(related('lead', 'contact', related('contact', 'address', matchAll()))), 's_query.queries[1].related_query.related_object_type', /contact relates to: lead, contact_email, contact_phone, contact_url, opportunity, task, activity/],
    ['has_related to an unknown type', inLead(related('lead', 'activity.custom_activity', matchAll())), 's_query.queries[1].related_object_type', /is not related to lead/],
    ['has_related without a query', inLead({ type: 'has_related', this_object_type: 'lead', related_object_type: 'contact' }), 's_query.queries[1].related_query', /required/],
    ['a field of the parent inside has_related', inLead(related('lead', 'contact', field('name', words('a'), 'lead'))), 's_query.queries[1].related_query.field.object_type', /expected "contact"/],
    ['unknown custom field', inLead(field('cf_nope', exists())), 's_query.queries[1].field.custom_field_id', /no custom field "cf_nope" in this organization; lead custom fields: cf_source/],
    ['a custom field of another object type', inLead(field('cf_c_level', exists())), 's_query.queries[1].field.custom_field_id', /belongs to contact objects, but lead objects are tested here/],
    ['a condition that does not suit a custom field', inLead(field('cf_amount', words('x'))), 's_query.queries[1].condition.type', /custom field "cf_amount" \(Amount\)/],
    ['CURRENT_USER without a user', inLead(field('cf_owner', reference('user', 'CURRENT_USER'))), 's_query.queries[1].condition.object_ids', /signed-in user/],
    ['unknown saved search', inLead(savedSearch('save_nope')), 's_query.queries[1].saved_search_id', /no saved search/],
    ['saved searches in a cycle', inLead(savedSearch('save_a')), 's_query.queries[1].saved_search_id', /save_a.*save_b|refers to itself/],
    ['a contact smart view where leads are tested', inLead(savedSearch('save_contacts')), 's_query.queries[1].saved_search_id', /selects contact objects/],
    ['a smart view whose stored query is invalid', inLead(savedSearch('save_broken')), 's_query.queries[1].saved_search_id', /invalid at s_query\.query\.queries\[0\]\.field\.field_name/],
    ['two object types at once', { sQuery: and(objectType('lead'), objectType('contact')) }, 's_query.queries[1].object_type', /selects contact objects, which conflicts with "lead" at s_query.queries\[0\].object_type/],
    ['an object type that is not searched directly', { sQuery: and(objectType('contact_email')) }, 's_query.queries[0].object_type', /cannot be searched for directly; searchable: lead, contact/],
    ['an unknown object type', { sQuery: and(objectType('company')) }, 's_query.queries[0].object_type', /unknown object type "company"/],
    ['unknown key in the smart-view wrapper', { sQuery: { query: matchAll(), limit: 5 } }, 's_query.limit', /query, results_limit, sort/],
    ['text node with an unknown mode', inLead(text('fuzzy', 'a')), 's_query.queries[1].mode', /full_words/],
    ['results_limit negative', { resultsLimit: -1 }, 'results_limit', /whole number ≥ 0 or null/],
    ['results_limit fractional', { resultsLimit: 1.5 }, 'results_limit', /whole number/],
    ['results_limit as a string', { resultsLimit: '10' }, 'results_limit', /got "10"/],
    ['results_limit of the wrapper', { sQuery: { query: matchAll(), results_limit: 'all' } }, 's_query.results_limit', /whole number/],
    ['sort not an array', { sort: { field: 'name' } }, 'sort', /an array/],
    ['sort direction', { sort: [{ ...sortBy('name', 'asc'), direction: 'up' }] }, 'sort[0].direction', /asc, desc/],
    ['sort on a multi-value field', { sort: [sortBy('cf_tags', 'asc')] }, 'sort[0].field', /holds several values/],
    ['sort on a contact field when selecting leads', { sort: [sortBy('title', 'asc', 'contact')] }, 'sort[0].field.object_type', /expected "lead"/],
    ['sort on an unknown field', { sort: [sortBy('popularity', 'desc')] }, 'sort[0].field.field_name', /unknown lead field/],
    ['too many values once compiled', { sQuery: { query: and(...Array.from({ length: 1000 }, () => text('full_words', 'a b c d e f g h i j k l m n o p q r s t u v w x y z'))) } }, 's_query.query', /too large/],
    ['too deep', { sQuery: Array.from({ length: 40 }).reduce<Record<string, unknown>>((inner) => and(inner), matchAll()) }, 's_query' + '.queries[0]'.repeat(33), /nest at most 32/],
  ])('%s', (_name, input, path, message, ctx) => {
    const errors = errorsOf(input, ctx);
    expect(Object.keys(errors)).toContain(path);
    expect(errors[path]).toMatch(message);
  });

  it('reports several problems at once', () => {
    const errors = errorsOf({
      sQuery: and(field('nam', words('a')), { type: 'foo' }, field('date_created', moments(utc('x'), null))),
      sort: 5,
      resultsLimit: -1,
    });
    expect(Object.keys(errors).sort()).toEqual([
      'results_limit',
      's_query.queries[0].field.field_name',
      's_query.queries[1].type',
      's_query.queries[2].condition.on_or_after.value',
      'sort',
    ]);
  });

  it('roots paths at the caller\'s names (GraphQL: sQuery, resultsLimit)', () => {
    try {
      compileLeadSelection(knex, { sQuery: { type: 'x' }, resultsLimit: -1 }, searchContext(), { paths: { sQuery: 'sQuery', resultsLimit: 'resultsLimit', sort: 'sort' } });
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error) && Object.keys(error.details.fieldErrors!)).toEqual(['sQuery.type', 'resultsLimit']);
      expect((error as Error).message).toBe('sQuery.type: unknown query type "x"; expected one of: and, or, object_type, field_condition, has_related, match_all, saved_search, text (and 1 more problem)');
    }
  });

  it('accepts a custom field reference in sort and an explicit negate: false everywhere', () => {
    expect(() =>
      compileLeadSelection(
        knex,
        { sQuery: { ...and({ ...objectType('lead'), negate: false }), negate: false }, sort: [{ direction: 'asc', field: custom('cf_amount') }] },
        searchContext(),
      ),
    ).not.toThrow();
  });
});
