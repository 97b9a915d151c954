import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLeadSelection } from '../../src/search/compile-query.js';
import type { SearchContext } from '../../src/search/query-ast.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import {
  and,
  bool,
  exact,
  exists,
  field,
  inPeriod,
  localDate,
  matchAll,
  moments,
  not,
  now,
  objectType,
  offset,
  or,
  period,
  phrase,
  prefix,
  range,
  reference,
  related,
  savedSearch,
  sortBy,
  term,
  text,
  utc,
  words,
} from './query-builders.js';
import { ALL_LEADS, insertSearchDataset, NOW, OPP_STATUS, searchContext, STATUS, USERS } from './search-dataset.js';

/**
 * Every node and condition against the hand-written dataset (search-dataset.ts), with the
 * expected leads worked out by hand from that file. Without a sort, leads come in id order.
 */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await insertSearchDataset(db.knex);
});
afterAll(async () => db?.drop());

const allBut = (...excluded: string[]) => ALL_LEADS.filter((id) => !excluded.includes(id));

const SAVED = {
  save_hot: { query: and(objectType('lead'), field('cf_state', term('Hot'))), results_limit: null, sort: [] },
  save_legacy: null,
  save_nested: and(not(savedSearch('save_hot')), field('status_id', reference('status.lead', STATUS.potential))),
  // A contact smart view as Close stores it (Appendix A.4).
  save_ceo: {
    query: {
      negate: false,
      queries: [
        { negate: false, object_type: 'contact', type: 'object_type' },
        { condition: { mode: 'full_words', type: 'text', value: 'CEO' }, field: { field_name: 'title', object_type: 'contact', type: 'regular_field' }, negate: false, type: 'field_condition' },
      ],
      type: 'and',
    },
    results_limit: null,
  },
};

function context(overrides: Partial<SearchContext> = {}): SearchContext {
  return searchContext(
    {
      savedSearches: (id) => (id in SAVED ? { id, type: id === 'save_ceo' ? 'contact' : 'lead', sQuery: SAVED[id as keyof typeof SAVED] } : undefined),
      ...overrides,
    },
  );
}

async function leadIds(sQuery: unknown, options: { sort?: unknown; resultsLimit?: unknown; ctx?: Partial<SearchContext> } = {}): Promise<string[]> {
  const query = compileLeadSelection(db.knex, { sQuery, sort: options.sort, resultsLimit: options.resultsLimit }, context(options.ctx));
  return (await query).map((row: { id: string }) => row.id);
}

type Case = [name: string, query: unknown, expected: readonly string[], ctx?: Partial<SearchContext>];

function table(cases: Case[]) {
  it.each(cases)('%s', async (_name, query, expected, ctx) => {
    expect(await leadIds(query, { ctx })).toEqual(expected);
  });
}

describe('query nodes', () => {
  table([
    ['match_all matches every lead of the organization (and none of another)', matchAll(), ALL_LEADS],
    ['an absent query matches everything', undefined, ALL_LEADS],
    ['an empty and matches everything', and(), ALL_LEADS],
    ['an empty or matches nothing', or(), []],
    ['negated match_all matches nothing', not(matchAll()), []],
    ['object_type lead at the root selects leads', and(objectType('lead')), ALL_LEADS],
    ['object_type elsewhere tests the current type: a lead is not a contact', or(objectType('contact')), []],
    ['negated object_type of another type is true', not(objectType('contact')), ALL_LEADS],
    ['and', and(field('status_id', reference('status.lead', STATUS.qualified)), field('name', words('bluth'))), ['lead_bluth']],
    ['or', or(field('status_id', term(STATUS.customer)), field('name', prefix('hoo'))), ['lead_dunder', 'lead_globex', 'lead_hooli']],
    ['negated and', not(and(field('status_id', term(STATUS.qualified)), field('cf_amount', range({ gt: 0 })))), allBut('lead_bluth')],
    ['negate includes leads whose field is empty', not(field('cf_state', term('Hot'))), allBut('lead_acme')],
    ['double negation', not(or(not(field('status_id', term(STATUS.potential))))), ['lead_acme', 'lead_empty', 'lead_hooli', 'lead_jetson']],
  ]);
});

describe('has_related', () => {
  table([
    ['a contact with a title', related('lead', 'contact', field('title', words('CEO'), 'contact')), ['lead_acme', 'lead_bluth']],
    ['negated: no such contact', not(related('lead', 'contact', field('title', words('CEO'), 'contact'))), allBut('lead_acme', 'lead_bluth')],
    ['any contact', related('lead', 'contact', matchAll()), ['lead_acme', 'lead_bluth', 'lead_cyber', 'lead_dunder', 'lead_globex']],
    ['no contact at all', not(related('lead', 'contact', matchAll())), ['lead_empty', 'lead_hooli', 'lead_initech', 'lead_jetson']],
    ['a contact with an empty title', related('lead', 'contact', not(field('title', exists(), 'contact'))), ['lead_globex']],
    [
      'nested: lead → contact → contact_email (A.8; the other organization\'s jane is ignored)',
      related('lead', 'contact', related('contact', 'contact_email', field('email', exact('jane@example.com'), 'contact_email'))),
      ['lead_bluth'],
    ],
    ['an opportunity in a status', related('lead', 'opportunity', field('status_id', reference('status.opportunity', OPP_STATUS.active), 'opportunity')), ['lead_acme', 'lead_dunder']],
    [
      'three hops: lead → opportunity → contact → contact_email, exact value ignores case',
      related('lead', 'opportunity', related('opportunity', 'contact', related('contact', 'contact_email', field('email', exact('WILE@acme.com'), 'contact_email')))),
      ['lead_acme'],
    ],
    ['back up the tree: lead → contact → lead', related('lead', 'contact', related('contact', 'lead', field('status_id', term(STATUS.customer)))), ['lead_dunder', 'lead_globex']],
    ['an email activity on or after a date', related('lead', 'activity.email', field('date', moments(utc('2024-04-02T00:00:00Z'), null), 'activity.email')), ['lead_bluth']],
    ['an upcoming meeting', related('lead', 'activity.meeting', field('status', term('upcoming'), 'activity.meeting')), ['lead_dunder']],
    ['an open task', related('lead', 'task', field('is_complete', bool(false), 'task')), ['lead_acme', 'lead_cyber']],
    ['a task whose contact is Miles', related('lead', 'task', related('task', 'contact', field('name', words('miles'), 'contact'))), ['lead_cyber']],
    ['a contact with a call', related('lead', 'contact', related('contact', 'activity.call', matchAll())), ['lead_acme']],
    ['an opportunity with a status change', related('lead', 'opportunity', related('opportunity', 'activity.opportunity_status_change', matchAll())), ['lead_bluth']],
    ['an address in a city', related('lead', 'address', field('city', words('phoenix'), 'address')), ['lead_acme']],
    ['an address by its summary', related('lead', 'address', field('location', words('springfield us'), 'address')), ['lead_globex']],
    ['a custom object with a custom field', related('lead', 'custom_object', field('cf_co_term', range({ gte: 12 }))), ['lead_hooli']],
    ['a phone number typed any way (its digits)', related('lead', 'contact_phone', field('phone', words('(650) 555-0001'), 'contact_phone')), ['lead_acme']],
    ['a phone number, exact with the country code', related('lead', 'contact_phone', field('phone', exact('+1 415-555-0123'), 'contact_phone')), ['lead_bluth']],
    ['a contact url', related('lead', 'contact_url', field('url', prefix('acme'), 'contact_url')), ['lead_acme']],
    ['an unsubscribed email (boolean)', related('lead', 'contact_email', field('is_unsubscribed', bool(true), 'contact_email')), ['lead_bluth']],
  ]);
});

describe('saved_search', () => {
  table([
    ['inlines the smart view\'s query', savedSearch('save_hot'), ['lead_acme']],
    ['negated', not(savedSearch('save_hot')), allBut('lead_acme')],
    ['a legacy smart view without s_query matches everything', savedSearch('save_legacy'), ALL_LEADS],
    ['a smart view that uses another one', savedSearch('save_nested'), ['lead_empty', 'lead_hooli', 'lead_jetson']],
    ['a contact smart view inside has_related contact', related('lead', 'contact', savedSearch('save_ceo')), ['lead_acme', 'lead_bluth']],
  ]);
});

describe('field-less text (the search box)', () => {
  table([
    ['a contact name', text('full_words', 'wile'), ['lead_acme']],
    ['an email, exactly (the other organization\'s is ignored)', text('exact_value', 'JANE@example.com'), ['lead_bluth']],
    ['a note', text('full_words', 'anvil'), ['lead_acme']],
    ['a phone number', text('full_words', '4155550123'), ['lead_bluth']],
    ['words spread over the lead name and a contact name', text('full_words', 'acme wile'), ['lead_acme']],
    ['word beginnings', text('beginning_of_words', 'coyo'), ['lead_acme']],
    ['whole words only', text('full_words', 'coyo'), []],
    ['a phrase in one field', text('phrase', 'michael scott'), ['lead_dunder']],
    ['a phrase keeps its order', text('phrase', 'scott michael'), []],
    ['a lead id', text('exact_value', 'lead_hooli'), ['lead_hooli']],
    ['several leads', text('full_words', 'michael'), ['lead_bluth', 'lead_dunder']],
    ['negated', not(text('full_words', 'michael')), allBut('lead_bluth', 'lead_dunder')],
    ['A.22: an email address by word beginnings', text('beginning_of_words', 'someone@example.com'), ['lead_dunder']],
  ]);
});

describe('text conditions', () => {
  table([
    ['full_words', field('name', words('acme inc')), ['lead_acme']],
    ['full_words in any order, any case', field('name', words('INC ACME')), ['lead_acme']],
    ['full_words needs whole words', field('name', words('acm')), []],
    ['A.2: punctuation is not part of a word', field('name', words('ACME Inc.')), ['lead_acme']],
    ['phrase', field('name', phrase('bluth company')), ['lead_bluth']],
    ['phrase in the wrong order', field('name', phrase('company bluth')), []],
    ['beginning_of_words', field('name', prefix('cyber sys')), ['lead_cyber']],
    ['beginning_of_words is not "contains"', field('name', prefix('yber')), []],
    ['exact_value', field('name', exact('initech')), ['lead_initech']],
    ['exact_value is the whole value', field('name', exact('Initec')), []],
    ['exact_value of an empty display name', field('display_name', exact('')), ['lead_empty']],
    ['a null never equals anything', field('name', exact('')), []],
    ['the lead status label', field('status_label', exact('qualified')), ['lead_bluth', 'lead_cyber', 'lead_initech']],
    ['a contact title: "CEOs" is not the word "CEO"…', related('lead', 'contact', field('title', words('ceo'), 'contact')), ['lead_acme', 'lead_bluth']],
    ['…but it begins with it', related('lead', 'contact', field('title', prefix('ceo'), 'contact')), ['lead_acme', 'lead_bluth', 'lead_cyber']],
  ]);
});

describe('term, reference, exists, boolean', () => {
  table([
    ['term on a status id', field('status_id', term(STATUS.qualified)), ['lead_bluth', 'lead_cyber', 'lead_initech']],
    ['reference to lead statuses', field('status_id', reference('status.lead', STATUS.potential, STATUS.customer)), ['lead_acme', 'lead_dunder', 'lead_empty', 'lead_globex', 'lead_hooli', 'lead_jetson']],
    ['term on the status label', field('status_label', term('Customer')), ['lead_dunder', 'lead_globex']],
    ['an empty reference list matches nothing', field('status_id', reference('status.lead')), []],
    ['reference by lead id stays in the organization', field('id', reference('lead', 'lead_hooli', 'lead_other')), ['lead_hooli']],
    ['exists', field('name', exists()), allBut('lead_empty')],
    ['negated exists: empty', not(field('name', exists())), ['lead_empty']],
    ['an empty string does not exist', field('display_name', exists()), allBut('lead_empty')],
    ['a custom text set to "" does not exist', field('cf_source', exists()), ['lead_acme', 'lead_dunder']],
    ['an empty multi-value does not exist', field('cf_tags', exists()), ['lead_acme', 'lead_bluth']],
    ['a custom field set to null does not exist', field('cf_state', exists()), ['lead_acme', 'lead_bluth', 'lead_cyber']],
    ['a set value exists even if it does not parse as the field type', field('cf_amount', exists()), ['lead_acme', 'lead_bluth', 'lead_cyber', 'lead_dunder']],
    ['a smart date exists when there is an activity', field('last_activity_date', exists()), ['lead_acme', 'lead_bluth', 'lead_cyber', 'lead_dunder']],
    ['counts always exist', field('num_contacts', exists()), ALL_LEADS],
  ]);
});

describe('number_range', () => {
  table([
    ['gt', field('cf_amount', range({ gt: 0 })), ['lead_acme', 'lead_bluth']],
    ['gte and lte, with a fraction', field('cf_amount', range({ gte: 0, lte: 250.5 })), ['lead_bluth', 'lead_dunder']],
    ['negated: everything else, unparsable values included', not(field('cf_amount', range({ gt: 0 }))), allBut('lead_acme', 'lead_bluth')],
    ['no bounds: has a number', field('cf_amount', range({})), ['lead_acme', 'lead_bluth', 'lead_dunder']],
    ['num_contacts ≥ 2', field('num_contacts', range({ gte: 2 })), ['lead_acme', 'lead_bluth']],
    ['num_contacts < 1', field('num_contacts', range({ lt: 1 })), ['lead_empty', 'lead_hooli', 'lead_initech', 'lead_jetson']],
    ['term on a number', field('num_contacts', term(1)), ['lead_cyber', 'lead_dunder', 'lead_globex']],
    ['opportunity value (cents)', related('lead', 'opportunity', field('value', range({ gte: 50000 }), 'opportunity')), ['lead_acme', 'lead_bluth']],
    ['primary opportunity value (active first, then won)', field('primary_opportunity_value', range({ gte: 100000 })), ['lead_bluth']],
    ['primary opportunity status type', field('primary_opportunity_status_type', term('active')), ['lead_acme', 'lead_dunder']],
    ['total annualized value (monthly × 12)', field('total_annualized_opportunity_value', range({ gte: 60000 })), ['lead_acme', 'lead_bluth']],
    ['A.18: upcoming meetings', field('num_upcoming_meetings', range({ gte: 1.0 })), ['lead_dunder']],
  ]);
});

describe('moment_range', () => {
  table([
    ['fixed_utc, half-open', field('date_created', moments(utc('2024-03-01T00:00:00Z'), utc('2024-04-01T00:00:00Z'))), ['lead_cyber', 'lead_dunder']],
    [
      'fixed_local_date in the caller\'s zone (-4)',
      field('date_created', moments(localDate('2024-03-01', 'start'), localDate('2024-03-31', 'end'))),
      ['lead_dunder', 'lead_empty'],
      { tzOffsetMinutes: -240 },
    ],
    ['microseconds count at the lower bound', field('date_created', moments(utc('2023-12-31T23:59:59.999999+00:00'), utc('2024-01-01T00:00:00Z'))), ['lead_initech']],
    ['before is exclusive to the microsecond', field('date_created', moments(null, utc('2023-12-31T23:59:59.999999Z'))), []],
    ['today (UTC)', field('date_created', inPeriod('today')), ['lead_hooli']],
    ['today at +2 starts at 22:00 UTC the day before', field('date_created', inPeriod('today')), ['lead_globex', 'lead_hooli'], { tzOffsetMinutes: 120 }],
    ['yesterday', field('date_created', inPeriod('yesterday')), ['lead_globex']],
    ['this week (Monday to Sunday)', field('last_activity_date', inPeriod('this-week')), ['lead_cyber']],
    ['last week', field('last_activity_date', inPeriod('last-week')), ['lead_acme']],
    ['next week', field('last_activity_date', inPeriod('next-week')), ['lead_dunder']],
    ['A.13: this month', field('last_lead_status_change_date', inPeriod('this-month')), ['lead_bluth']],
    ['this month at +2 (Apr 30 23:00 UTC is May 1 there)', field('last_lead_status_change_date', inPeriod('this-month')), ['lead_bluth', 'lead_dunder'], { tzOffsetMinutes: 120 }],
    ['last month', field('last_lead_status_change_date', inPeriod('last-month')), ['lead_dunder']],
    ['this quarter', field('date_created', inPeriod('this-quarter')), ['lead_empty', 'lead_globex', 'lead_hooli']],
    ['last quarter', field('date_created', inPeriod('last-quarter')), ['lead_acme', 'lead_bluth', 'lead_cyber', 'lead_dunder']],
    ['this year', field('date_created', inPeriod('this-year')), allBut('lead_initech')],
    ['last year', field('date_created', inPeriod('last-year')), ['lead_initech']],
    ['last 7 days', field('date_created', moments(offset('past', { days: 7 }, 'start'), now())), ['lead_globex', 'lead_hooli']],
    ['A.14: until now', field('date_created', moments(null, now())), allBut('lead_jetson')],
    ['the next 7 days', field('last_activity_date', moments(now(), offset('future', { weeks: 1 }, 'end'))), ['lead_dunder']],
    ['a date field between local dates', field('cf_signed', moments(localDate('2024-03-01', 'start'), localDate('2024-03-31', 'start'))), ['lead_acme']],
    ['a date field through the end of a day', field('cf_signed', moments(localDate('2024-03-01', 'start'), localDate('2024-03-31', 'end'))), ['lead_acme', 'lead_bluth']],
    ['a date field from an instant: 00:00 UTC is still Feb 29 at -4', field('cf_signed', moments(utc('2024-03-01T00:00:00Z'), null)), ['lead_acme', 'lead_bluth'], { tzOffsetMinutes: -240 }],
    ['a date field from an instant after local midnight', field('cf_signed', moments(utc('2024-03-01T05:00:00Z'), null)), ['lead_bluth'], { tzOffsetMinutes: -240 }],
    ['a datetime custom field (unparsable values never match)', field('cf_follow', moments(utc('2024-03-01T12:00:00Z'), null)), ['lead_acme']],
    ['no bounds: has a valid date', field('cf_signed', moments(null, null)), ['lead_acme', 'lead_bluth']],
    ['an opportunity won on a day', related('lead', 'opportunity', field('date_won', moments(localDate('2024-03-15', 'start'), localDate('2024-03-15', 'end')), 'opportunity')), ['lead_bluth']],
    ['next task due today (a date smart field)', field('next_task_due_date', inPeriod('today')), ['lead_cyber']],
    [
      'DST: the caller\'s current offset (-5, EST) is used for Nov 1, which was still EDT',
      field('date_created', inPeriod('this-month')),
      [],
      { now: new Date('2024-11-15T12:00:00Z'), tzOffsetMinutes: -300 },
    ],
    ['DST: the same period at -4 includes 00:30 EDT', field('date_created', inPeriod('this-month')), ['lead_jetson'], { now: new Date('2024-11-15T12:00:00Z'), tzOffsetMinutes: -240 }],
  ]);
});

describe('custom fields of each type', () => {
  table([
    ['text', field('cf_source', words('web')), ['lead_acme']],
    ['textarea, a phrase across a line break', field('cf_notes', phrase('bird seed')), ['lead_acme']],
    ['choices: term', field('cf_state', term('Hot', 'Warm')), ['lead_acme', 'lead_bluth']],
    ['choices: text ignores case', field('cf_state', exact('hot')), ['lead_acme']],
    ['multi-value choices: any element', field('cf_tags', term('B')), ['lead_acme']],
    ['multi-value choices: one of several', field('cf_tags', term('C', 'B')), ['lead_acme', 'lead_bluth']],
    ['multi-value choices: text on an element', field('cf_tags', words('c')), ['lead_bluth']],
    ['user', field('cf_owner', reference('user', USERS.ann)), ['lead_acme']],
    ['user_or_group', field('cf_owner', reference('user_or_group', USERS.bob)), ['lead_cyber']],
    ['multi-value user', field('cf_helpers', reference('user_or_group', USERS.ann)), ['lead_bluth']],
    ['multi-value user, another', field('cf_helpers', reference('user_or_group', USERS.bob)), ['lead_bluth', 'lead_dunder']],
    ['CURRENT_USER is the caller', field('cf_helpers', reference('user_or_group', 'CURRENT_USER')), ['lead_bluth', 'lead_dunder'], { userId: USERS.bob }],
    ['contact', field('cf_champion', reference('contact', 'cont_wile')), ['lead_acme']],
    ['number', field('cf_amount', range({ lt: 1000 })), ['lead_bluth', 'lead_dunder']],
    ['a contact custom field', related('lead', 'contact', field('cf_c_level', term('C-Level'))), ['lead_bluth']],
    ['an opportunity custom field', related('lead', 'opportunity', field('cf_o_channel', words('partner'))), ['lead_acme']],
    ['A.17: custom field empty', { type: 'field_condition', negate: true, field: { type: 'custom_field', custom_field_id: 'cf_owner' }, condition: { type: 'exists' } }, allBut('lead_acme', 'lead_cyber')],
  ]);
});

describe('sort and results_limit', () => {
  const sorted = (sort: unknown, resultsLimit?: unknown) => leadIds(undefined, { sort, resultsLimit });

  it('sorts text ignoring case, empty values last in either direction, then by id', async () => {
    const named = ['lead_acme', 'lead_bluth', 'lead_cyber', 'lead_dunder', 'lead_globex', 'lead_hooli', 'lead_initech', 'lead_jetson'];
    expect(await sorted([sortBy('name', 'asc')])).toEqual([...named, 'lead_empty']);
    expect(await sorted([sortBy('name', 'desc')])).toEqual([...named.reverse(), 'lead_empty']);
  });

  it('sorts by a smart field, ties by id', async () => {
    expect(await sorted([sortBy('num_contacts', 'desc')])).toEqual([
      'lead_acme', 'lead_bluth', 'lead_cyber', 'lead_dunder', 'lead_globex', 'lead_empty', 'lead_hooli', 'lead_initech', 'lead_jetson',
    ]);
    expect(await sorted([sortBy('last_activity_date', 'desc')])).toEqual([
      'lead_dunder', 'lead_cyber', 'lead_acme', 'lead_bluth', 'lead_empty', 'lead_globex', 'lead_hooli', 'lead_initech', 'lead_jetson',
    ]);
  });

  it('sorts by a custom number field; values that do not parse count as empty', async () => {
    expect(await sorted([sortBy('cf_amount', 'asc')])).toEqual([
      'lead_dunder', 'lead_bluth', 'lead_acme', 'lead_cyber', 'lead_empty', 'lead_globex', 'lead_hooli', 'lead_initech', 'lead_jetson',
    ]);
  });

  it('sorts by several keys', async () => {
    expect(await sorted([sortBy('status_label', 'asc'), sortBy('date_created', 'desc')])).toEqual([
      'lead_globex', 'lead_dunder', 'lead_jetson', 'lead_hooli', 'lead_empty', 'lead_acme', 'lead_cyber', 'lead_bluth', 'lead_initech',
    ]);
  });

  it('results_limit keeps the first n in sort order', async () => {
    expect(await sorted([sortBy('date_created', 'desc')], 3)).toEqual(['lead_jetson', 'lead_hooli', 'lead_globex']);
    expect(await sorted([], 0)).toEqual([]);
  });

  it('takes results_limit and sort from the smart-view wrapper', async () => {
    const wrapper = { query: matchAll(), results_limit: 2, sort: [sortBy('name', 'desc')] };
    expect(await leadIds(wrapper)).toEqual(['lead_jetson', 'lead_initech']);
    // …unless they are given beside it.
    expect(await leadIds(wrapper, { resultsLimit: 1 })).toEqual(['lead_jetson']);
  });

  it('a query over contacts selects the leads that have a matching contact (A.4 as an export s_query)', async () => {
    expect(await leadIds(SAVED.save_ceo)).toEqual(['lead_acme', 'lead_bluth']);
    expect(await leadIds(SAVED.save_ceo.query, { sort: [sortBy('name', 'desc')] })).toEqual(['lead_bluth', 'lead_acme']);
  });
});

it('evaluates relative dates at the context\'s now', async () => {
  expect(NOW.toISOString()).toBe('2024-05-15T12:00:00.000Z');
  expect(await leadIds(field('date_created', inPeriod('today')), { ctx: { now: new Date('2024-05-14T12:00:00Z') } })).toEqual(['lead_globex']);
  expect(await leadIds(field('date_created', moments(period('today', 'start'), null)), { ctx: { now: new Date('2024-11-01T12:00:00Z') } })).toEqual(['lead_jetson']);
});
