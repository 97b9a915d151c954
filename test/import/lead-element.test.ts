import { describe, expect, it } from 'vitest';
import { derivedId } from '../../src/import/derived-id.js';
import { FieldTypeInference } from '../../src/import/field-type-inference.js';
import { KeyOrder } from '../../src/import/key-order.js';
import { formatPath, parseLeadElement } from '../../src/import/lead-element.js';

const parse = (value: unknown, index = 0) => parseLeadElement(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), index);
const errorOf = (value: unknown, index = 0) => {
  try {
    parse(value, index);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

describe('parseLeadElement', () => {
  it('names the element and the JSON path of the first problem, and what was found there', () => {
    const lead = { id: 'lead_1', contacts: [{ id: 'cont_1', emails: [{ email: 'a@b.c' }, { email: 42 }] }] };
    expect(errorOf(lead, 1234)).toBe('element 1234: contacts[0].emails[1].email: expected a string, got the number 42');
    expect(errorOf({ opportunities: [{ confidence: 101 }] })).toBe('element 0: opportunities[0].confidence: expected a whole number from 0 to 100, got the number 101');
    expect(errorOf({ opportunities: [{ value_period: 'weekly' }] })).toBe('element 0: opportunities[0].value_period: expected "one_time", "monthly" or "annual", got the string "weekly"');
    expect(errorOf({ date_created: '2014-13-01T00:00:00Z' })).toBe('element 0: date_created: expected an ISO 8601 date-time like 2014-04-02T15:00:05.190000+00:00, got the string "2014-13-01T00:00:00Z"');
    expect(errorOf({ activities: [{ id: 'acti_1' }] })).toMatch(/^element 0: activities\[0\]\._type: expected an activity type \(Note, Call, .*\), got nothing \(the key is missing\)$/);
    expect(errorOf({ custom_objects: [{ name: 'x' }] })).toBe('element 0: custom_objects[0].custom_object_type_id: expected an id (a string), got nothing (the key is missing)');
    expect(errorOf({ name: ['a'] })).toBe('element 0: name: expected a string or null, got an array');
    expect(errorOf({ custom: [] })).toBe('element 0: custom: expected an object (custom values keyed by field name), got an array');
    expect(errorOf([1, 2], 7)).toBe('element 7: expected an object, got an array');
  });

  it('reports invalid JSON inside an element, a NUL character, and a file of another export type', () => {
    expect(errorOf('{"id": "lead_1",}', 3)).toMatch(/^element 3: invalid JSON: /);
    expect(errorOf({ custom: { 'Notes, long': 'a\u0000b' } })).toBe('element 0: custom["Notes, long"]: contains a NUL character (\\u0000), which PostgreSQL cannot store');
    expect(errorOf({ id: 'cont_1', lead_id: 'lead_1', lead_name: 'Acme', emails: [] })).toBe(
      'element 0: this looks like a contacts or lead_opps export (its elements carry lead_id); import takes a leads export',
    );
  });

  it('accepts a lead with any subset of the export fields, ignores derived keys, and keeps activity fields for `data`', () => {
    expect(parse({})).toEqual({});
    const lead = parse({ id: 'lead_1', num_calls: 3, contact_ids: ['cont_1'], activities: [{ _type: 'Call', id: 'acti_1', duration: 5, note: 'hi', recording_url: null }] });
    expect(lead).toEqual({ id: 'lead_1', activities: [{ _type: 'Call', id: 'acti_1', duration: 5, note: 'hi', recording_url: null }] });
  });

  it('formats paths like JavaScript accessors', () => {
    expect(formatPath(['contacts', 0, 'emails', 1, 'email'])).toBe('contacts[0].emails[1].email');
    expect(formatPath(['custom', '# of users'])).toBe('custom["# of users"]');
    expect(formatPath([])).toBe('');
  });
});

describe('FieldTypeInference', () => {
  const infer = (...values: unknown[]) => {
    const inference = new FieldTypeInference();
    for (const value of values) inference.observe(value);
    return inference.result();
  };

  it('gives the one kind all values share', () => {
    expect(infer(1, 2.5, null)).toEqual({ type: 'number', acceptsMultipleValues: false, choices: null });
    expect(infer('2026-01-02', '2026-12-31')).toMatchObject({ type: 'date' });
    expect(infer('2026-01-02', '2026-11-27T12:30:00+00:00')).toMatchObject({ type: 'datetime' });
    expect(infer('user_abc', ['user_def', 'user_ghi'])).toEqual({ type: 'user', acceptsMultipleValues: true, choices: null });
    expect(infer('cont_abc')).toMatchObject({ type: 'contact', acceptsMultipleValues: false });
    expect(infer('one line', 'two\nlines')).toMatchObject({ type: 'textarea' });
    expect(infer(['IT', 'Cars'], ['IT'])).toEqual({ type: 'choices', acceptsMultipleValues: true, choices: ['Cars', 'IT'] });
    expect(infer(1, 'one')).toMatchObject({ type: 'text' });
    expect(infer(true)).toMatchObject({ type: 'text' });
    expect(infer()).toMatchObject({ type: 'text' });
  });

  it('takes few distinct one-line values, each used several times, for choices; unique values for text', () => {
    const repeated = Array.from({ length: 30 }, (_, i) => ['Web', 'Referral', 'Event'][i % 3]);
    expect(infer(...repeated)).toEqual({ type: 'choices', acceptsMultipleValues: false, choices: ['Event', 'Referral', 'Web'] });
    expect(infer(...Array.from({ length: 30 }, (_, i) => `ID-${i}`))).toMatchObject({ type: 'text' });
  });
});

describe('KeyOrder', () => {
  it('orders keys consistently with every object, although no object shows them all', () => {
    // The organization's order is A B C D E; objects show only the keys that have values.
    const order = new KeyOrder();
    for (const keys of [['A', 'D'], ['C', 'E'], ['B', 'D'], ['A', 'C'], ['C', 'D'], ['B', 'C']]) order.observe(keys);
    const result = order.order();
    for (const keys of [['A', 'D'], ['C', 'E'], ['B', 'D'], ['A', 'C'], ['C', 'D'], ['B', 'C']]) {
      expect(keys.map((k) => result.indexOf(k))).toEqual([...keys.map((k) => result.indexOf(k))].sort((x, y) => x - y));
    }
    expect(result).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('survives contradicting objects', () => {
    const order = new KeyOrder();
    order.observe(['A', 'B']);
    order.observe(['B', 'A']);
    order.observe(['C']);
    expect(order.order().sort()).toEqual(['A', 'B', 'C']);
  });
});

describe('derivedId', () => {
  it('is a Close-style id that depends only on the organization and the file id', () => {
    const id = derivedId('lead', 'orga_1', 'lead_abc');
    expect(id).toMatch(/^lead_[0-9A-Za-z]{22}$/);
    expect(derivedId('lead', 'orga_1', 'lead_abc')).toBe(id);
    expect(derivedId('lead', 'orga_2', 'lead_abc')).not.toBe(id);
    expect(derivedId('lead', 'orga_1', 'lead_abd')).not.toBe(id);
    expect(derivedId('cont', 'orga_1', 'lead_abc').slice(5)).toBe(id.slice(5));
    // Spread like random ids: no two of many collide.
    expect(new Set(Array.from({ length: 10_000 }, (_, i) => derivedId('lead', 'orga_1', `lead_${i}`))).size).toBe(10_000);
  });
});
