import knexFactory, { type Knex } from 'knex';
import { describe, expect, it } from 'vitest';
import { compileLeadSelection, compileParsedSearch } from '../../src/search/compile-query.js';
import { parseSearch } from '../../src/search/parse-query.js';
import { searchCountQuery, searchPageQuery } from '../../src/search/search-page.js';
import { customFieldAsField } from '../../src/search/field-catalog.js';
import {
  and,
  exists,
  field,
  inPeriod,
  localDate,
  matchAll,
  moments,
  not,
  objectType,
  or,
  prefix,
  reference,
  related,
  savedSearch,
  sortBy,
  term,
  text,
  utc,
  words,
} from './query-builders.js';
import { CUSTOM_FIELDS, OPP_STATUS, searchContext, STATUS, USERS } from './search-dataset.js';

/**
 * The compiler's output reviewed as SQL (house style: snapshot the generated SQL beside the
 * case). Values never appear in the SQL text, only in `bindings`.
 */
const knex = knexFactory({ client: 'pg' });
const SAVED = { save_hot: { query: and(objectType('lead'), field('cf_state', term('Hot'))) } };
const ctx = (tzOffsetMinutes = 0) => searchContext({ tzOffsetMinutes }, SAVED);

function compiled(builder: Knex.QueryBuilder) {
  const { sql, bindings } = builder.toSQL().toNative();
  return { sql, bindings };
}

const lead = (sQuery: unknown, extra: { sort?: unknown; resultsLimit?: unknown } = {}, tz = 0) => compiled(compileLeadSelection(knex, { sQuery, ...extra }, ctx(tz)));

describe('typical filters', () => {
  it.each([
    ['lead status', and(objectType('lead'), field('status_id', reference('status.lead', STATUS.potential)))],
    ['words in the name', and(objectType('lead'), field('name', words('ACME Inc.')))],
    ['a contact with a title', and(objectType('lead'), related('lead', 'contact', field('title', words('CEO'), 'contact')))],
    ['a date range', and(objectType('lead'), field('date_created', moments(utc('2024-01-01T00:00:00Z'), utc('2024-02-01T00:00:00Z'))))],
    ['an opportunity in a status', and(objectType('lead'), related('lead', 'opportunity', field('status_id', reference('status.opportunity', OPP_STATUS.won), 'opportunity')))],
    ['a custom field value', and(objectType('lead'), field('cf_state', term('Hot', 'Warm')))],
  ])('%s', (_name, query) => {
    const result = lead(query);
    expect(result.sql).not.toMatch(/ACME|CEO|Hot|stat_|2024/);
    expect(result).toMatchSnapshot();
  });
});

describe('nodes and conditions', () => {
  it.each([
    ['match_all with a sort and results_limit', matchAll(), { sort: [sortBy('date_created', 'desc')], resultsLimit: 100 }],
    ['negation guards NULLs', not(or(field('cf_amount', { type: 'number_range', gt: 0, lte: 10 }), not(field('name', exists()))))],
    ['nested has_related across three hops', related('lead', 'opportunity', related('opportunity', 'contact', related('contact', 'contact_email', field('email', { type: 'text', mode: 'exact_value', value: 'a@b.c' }, 'contact_email'))))],
    ['field-less text over names, emails, phones and notes', text('full_words', 'acme 650')],
    ['field-less phrase', text('phrase', 'road runner')],
    ['field-less text of one word, which may also be an id', text('beginning_of_words', 'lead_hoo')],
    ['a saved search, inlined', not(savedSearch('save_hot'))],
    ['multi-value custom fields', and(field('cf_tags', term('A')), field('cf_helpers', reference('user_or_group', USERS.ann)), field('cf_tags', prefix('b')))],
    ['custom date in the caller\'s zone', field('cf_signed', moments(localDate('2024-03-01', 'start'), inPeriod('this-month').before))],
    ['smart fields in a condition and a sort', field('num_contacts', { type: 'number_range', gte: 2 }), { sort: [sortBy('last_activity_date', 'desc'), sortBy('name', 'asc')] }],
    ['a contact query selecting leads', and(objectType('contact'), field('title', words('ceo'), 'contact'))],
  ] as [string, unknown, { sort?: unknown; resultsLimit?: unknown }?][])('%s', (_name, query, extra = {}) => {
    expect(lead(query, extra, -240)).toMatchSnapshot();
  });
});

describe('search pages', () => {
  const parsed = parseSearch(
    { sQuery: and(objectType('contact'), field('title', words('ceo'), 'contact')), sort: [sortBy('date_updated', 'asc', 'contact')] },
    ctx(),
  );
  const search = compileParsedSearch(parsed, ctx());

  it('first page with projections', () => {
    const projections = [
      { name: 'name', field: search.objectType.fields.get('name')! },
      { name: 'date_created', field: search.objectType.fields.get('date_created')! },
      { name: 'custom.cf_c_level', field: customFieldAsField(CUSTOM_FIELDS.find((f) => f.id === 'cf_c_level')!) },
    ];
    expect(compiled(searchPageQuery(knex, search, { limit: 101, projections }))).toMatchSnapshot();
  });

  it('a later page continues after the cursor\'s keys (NULLS LAST aware)', () => {
    expect(compiled(searchPageQuery(knex, search, { limit: 51, after: { keys: ['2024-01-02 03:04:05+00'], id: 'cont_x' } }))).toMatchSnapshot();
    expect(compiled(searchPageQuery(knex, search, { limit: 51, after: { keys: [null], id: 'cont_x' } }))).toMatchSnapshot();
  });

  it('count', () => {
    expect(compiled(searchCountQuery(knex, search))).toMatchSnapshot();
  });
});
