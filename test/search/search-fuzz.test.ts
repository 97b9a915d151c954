import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchObjects } from '../../src/crm/search-service.js';
import { isAppError } from '../../src/errors/app-error.js';
import { compileLeadSelection } from '../../src/search/compile-query.js';
import { objectTypeDef, relatedTypeNames, SEARCHABLE_OBJECT_TYPES } from '../../src/search/field-catalog.js';
import { CONDITIONS_BY_VALUE_TYPE } from '../../src/search/field-types.js';
import { RELATIVE_RANGES } from '../../src/search/moments.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { CUSTOM_FIELDS, insertSavedSearches, insertSearchDataset, NOW, ORG, searchContext } from './search-dataset.js';

/**
 * Thousands of random and mutated queries: each is either refused as BAD_USER_INPUT with
 * field errors, or compiles to SQL that PostgreSQL runs without error. Anything else would be
 * a 500. Deterministic (seeded) so a failure can be replayed; the failing case is in the message.
 * Another seed: `SEARCH_FUZZ_SEED=7 npx vitest run test/search/search-fuzz.test.ts`.
 */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await insertSearchDataset(db.knex);
  await insertSavedSearches(db.knex, { save_all: { sQuery: { query: { type: 'match_all' } } }, save_self: { sQuery: { type: 'saved_search', saved_search_id: 'save_self' } } });
  // A runaway query would show as a timeout, not a hang.
  await db.knex.raw(`ALTER DATABASE ${db.url.split('/').pop()} SET statement_timeout = '5s'`);
});
afterAll(async () => db?.drop());

class Rng {
  constructor(private state: number) {}
  next(): number {
    // mulberry32
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const WEIRD_STRINGS = ['', ' ', 'a', 'CEO', 'ACME Inc.', '\u0000', '%_\\', "'; DROP TABLE leads; --", '(?:x)*+', 'ü Zoë', '😀', '\ud800', 'x'.repeat(2000), 'lead_acme', 'cf_tags', 'stat_potential', 'user_ann', '2024-01-01', '2024-02-30', 'now', '1e309', 'CURRENT_USER', 'saved_search', 'and'];
const WEIRD_NUMBERS = [0, -0, 1, -1, 1.5, 1e308, -1e308, 2 ** 53, 1e-320, 99999999999];
const MODES = ['full_words', 'phrase', 'beginning_of_words', 'exact_value'];

function randomJson(rng: Rng, depth = 0): unknown {
  const roll = rng.int(depth > 2 ? 5 : 7);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick(WEIRD_NUMBERS);
    case 3:
    case 4:
      return rng.pick(WEIRD_STRINGS);
    case 5:
      return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: rng.int(4) }, () => [rng.pick(['type', 'queries', 'value', 'x', 'field', 'negate']), randomJson(rng, depth + 1)]));
  }
}

function randomMoment(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 1 ? 4 : 5)) {
    case 0:
      return { type: 'now' };
    case 1:
      return { type: 'fixed_utc', value: rng.pick(['2024-05-01T00:00:00Z', '2024-05-01T00:00:00.123456+05:30', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', 'x']) };
    case 2:
      return { type: 'fixed_local_date', value: rng.pick(['2024-03-01', '2024-02-29', '9999-12-31', '0001-01-01']), which: rng.pick(['start', 'end']) };
    case 3:
      return { type: 'start_end_of_predefined_relative_period', range: rng.pick(RELATIVE_RANGES), which: rng.pick(['start', 'end']) };
    default:
      return {
        type: 'offset',
        direction: rng.pick(['past', 'future']),
        moment: randomMoment(rng, depth + 1),
        offset: { [rng.pick(['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'])]: rng.pick([0, 1, 7, 30, 400, 9999, 1_000_000]) },
        ...(rng.chance(0.5) ? { which_day_end: rng.pick(['start', 'end']) } : {}),
      };
  }
}

function randomCondition(rng: Rng, valueType: keyof typeof CONDITIONS_BY_VALUE_TYPE, referenceTypes: readonly string[] = []): unknown {
  const type = rng.chance(0.9) ? rng.pick(CONDITIONS_BY_VALUE_TYPE[valueType]) : rng.pick(['text', 'term', 'boolean', 'number_range', 'moment_range', 'exists', 'reference']);
  switch (type) {
    case 'text':
      return { type, mode: rng.pick(MODES), value: rng.pick(WEIRD_STRINGS.filter((s) => s.length < 100)) };
    case 'term':
      return { type, values: Array.from({ length: rng.int(3) }, () => (valueType === 'number' ? rng.pick(WEIRD_NUMBERS) : rng.pick(WEIRD_STRINGS.slice(0, 12)))) };
    case 'reference':
      return { type, reference_type: rng.pick([...referenceTypes, 'user']), object_ids: [rng.pick(['user_ann', 'CURRENT_USER', 'stat_potential', 'cont_wile'])] };
    case 'boolean':
      return { type, value: rng.chance(0.5) };
    case 'number_range':
      return Object.fromEntries([['type', type], ...['gt', 'gte', 'lt', 'lte'].filter(() => rng.chance(0.4)).map((k) => [k, rng.pick(WEIRD_NUMBERS)])]);
    case 'moment_range':
      return { type, on_or_after: rng.chance(0.7) ? randomMoment(rng) : null, before: rng.chance(0.7) ? randomMoment(rng) : null };
    default:
      return { type };
  }
}

function randomNode(rng: Rng, scope: string, depth = 0): Record<string, unknown> {
  const type = objectTypeDef(scope)!;
  const negate = rng.chance(0.2) ? { negate: true } : {};
  const kind = rng.int(depth > 3 ? 4 : 8);
  switch (kind) {
    case 0:
    case 1: {
      const customs = CUSTOM_FIELDS.filter((f) => f.objectType === type.customFieldOwner);
      if (customs.length && rng.chance(0.3)) {
        const custom = rng.pick(customs);
        const valueType = { text: 'text', textarea: 'text', number: 'number', date: 'date', datetime: 'datetime', choices: 'choice', user: 'reference', contact: 'reference' }[custom.type] as keyof typeof CONDITIONS_BY_VALUE_TYPE;
        return { type: 'field_condition', ...negate, field: { type: 'custom_field', custom_field_id: custom.id }, condition: randomCondition(rng, valueType, ['user', 'user_or_group', 'contact']) };
      }
      const field = rng.pick([...type.fields.values()]);
      return { type: 'field_condition', ...negate, field: { type: 'regular_field', object_type: scope, field_name: field.name }, condition: randomCondition(rng, field.valueType, field.referenceTypes) };
    }
    case 2:
      return { type: 'text', ...negate, mode: rng.pick(MODES), value: rng.pick(WEIRD_STRINGS.filter((s) => s.length < 100)) };
    case 3:
      return rng.chance(0.5) ? { type: 'match_all', ...negate } : { type: 'saved_search', ...negate, saved_search_id: rng.pick(['save_all', 'save_self', 'save_none']) };
    case 4:
    case 5:
      return { type: rng.pick(['and', 'or']), ...negate, queries: Array.from({ length: rng.int(4) }, () => randomNode(rng, scope, depth + 1)) };
    default: {
      const related = rng.pick(relatedTypeNames(type));
      return { type: 'has_related', ...negate, this_object_type: scope, related_object_type: related, related_query: randomNode(rng, related, depth + 1) };
    }
  }
}

/** Replaces, deletes or adds one thing somewhere in the JSON. */
function mutate(rng: Rng, value: unknown, depth = 0): unknown {
  if (depth > 0 && rng.chance(0.25)) return randomJson(rng);
  if (Array.isArray(value)) {
    if (value.length === 0 || rng.chance(0.2)) return [...value, randomJson(rng)];
    const i = rng.int(value.length);
    return value.map((v, j) => (j === i ? mutate(rng, v, depth + 1) : v));
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    const action = rng.int(10);
    if (action === 0 && entries.length) return Object.fromEntries(entries.filter((_, j) => j !== rng.int(entries.length)));
    if (action === 1) return { ...value, [rng.pick(['extra', 'negate', 'type', 'mode'])]: randomJson(rng) };
    if (!entries.length) return value;
    const i = rng.int(entries.length);
    return Object.fromEntries(entries.map(([k, v], j) => [k, j === i ? mutate(rng, v, depth + 1) : v]));
  }
  return randomJson(rng);
}

function randomInput(rng: Rng) {
  const scope = rng.chance(0.8) ? 'lead' : rng.pick(SEARCHABLE_OBJECT_TYPES);
  let sQuery: unknown = { type: 'and', queries: [{ type: 'object_type', object_type: scope }, randomNode(rng, scope)] };
  if (rng.chance(0.2)) sQuery = { query: sQuery, results_limit: rng.pick([null, 3, -1]), sort: [] };
  const leadFields = [...objectTypeDef('lead')!.fields.values()];
  let sort: unknown = rng.chance(0.5)
    ? Array.from({ length: rng.int(3) }, () => ({ direction: rng.pick(['asc', 'desc']), field: { type: 'regular_field', object_type: 'lead', field_name: rng.pick(leadFields).name } }))
    : undefined;
  let resultsLimit: unknown = rng.chance(0.3) ? rng.pick([0, 1, 5, null, -3, 2.5, '7']) : undefined;
  for (let m = rng.int(3); m > 0; m--) {
    const target = rng.int(3);
    if (target === 0) sQuery = mutate(rng, sQuery);
    if (target === 1) sort = mutate(rng, sort);
    if (target === 2) resultsLimit = mutate(rng, resultsLimit);
  }
  return { sQuery, sort, resultsLimit };
}

function expectInputError(error: unknown, roots: RegExp, seed: string) {
  if (!isAppError(error) || error.code !== 'BAD_USER_INPUT') throw new Error(`${seed}: not an input error: ${(error as Error)?.stack ?? error}`);
  const paths = Object.keys(error.details.fieldErrors ?? {});
  expect(paths.length, seed).toBeGreaterThan(0);
  for (const path of paths) expect(path, seed).toMatch(roots);
}

describe('fuzz', () => {
  it('compileLeadSelection: 3000 random and mutated queries are refused as input errors or run', async () => {
    const rng = new Rng(Number(process.env.SEARCH_FUZZ_SEED ?? 20261127));
    let refused = 0;
    let ran = 0;
    for (let i = 0; i < 3000; i++) {
      const input = randomInput(rng);
      const seed = `case ${i}: ${JSON.stringify(input).slice(0, 600)}`;
      let query;
      try {
        query = compileLeadSelection(db.knex, input, searchContext({ userId: i % 2 ? 'user_ann' : undefined, tzOffsetMinutes: (i % 29) * 30 - 720 }, { save_all: { type: 'match_all' }, save_self: { type: 'saved_search', saved_search_id: 'save_self' } }));
      } catch (error) {
        expectInputError(error, /^(s_query|sort|results_limit)(\.|\[|$)/, seed);
        refused++;
        continue;
      }
      try {
        await query;
      } catch (error) {
        throw new Error(`${seed}\n${query.toString().slice(0, 2000)}\n${(error as Error).message}`);
      }
      ran++;
    }
    // Both outcomes are exercised in quantity.
    expect(refused).toBeGreaterThan(500);
    expect(ran).toBeGreaterThan(500);
  });

  it('searchObjects: 500 random REST bodies are refused as input errors or answered', async () => {
    const rng = new Rng(Number(process.env.SEARCH_FUZZ_SEED ?? 42));
    const caller = { organizationId: ORG, tzOffsetMinutes: 0, now: NOW };
    let answered = 0;
    for (let i = 0; i < 500; i++) {
      const { sQuery, sort, resultsLimit } = randomInput(rng);
      let body: unknown = {
        query: sQuery,
        ...(sort === undefined ? {} : { sort }),
        ...(resultsLimit === undefined ? {} : { results_limit: resultsLimit }),
        ...(rng.chance(0.3) ? { _limit: rng.pick([0, 1, 2, 200, 201, -1, '5']) } : {}),
        ...(rng.chance(0.2) ? { include_counts: rng.pick([true, false, 'yes']) } : {}),
        ...(rng.chance(0.2) ? { _fields: rng.pick([{ lead: ['display_name', 'num_contacts', 'custom.cf_tags'] }, { lead: [1] }, ['id'], { contact: ['name'] }]) } : {}),
        ...(rng.chance(0.2) ? { cursor: rng.pick(['abc', '', Buffer.from('["x",1,"lead_a",[]]').toString('base64url'), 5]) } : {}),
      };
      if (rng.chance(0.1)) body = mutate(rng, body);
      const seed = `body ${i}: ${JSON.stringify(body).slice(0, 600)}`;
      try {
        await searchObjects(db.knex, caller, body);
        answered++;
      } catch (error) {
        expectInputError(error, /^(query|sort|results_limit|_limit|limit|include_counts|_fields|cursor|_cursor|body|[A-Za-z_]+)(\.|\[|$)/, seed);
      }
    }
    expect(answered).toBeGreaterThan(50);
  });
});
