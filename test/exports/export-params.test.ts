import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { parseExportParams } from '../../src/exports/export-params.js';

/** The field errors a body is rejected with (fails the test if it is accepted). */
function fieldErrors(body: unknown): Record<string, string> {
  try {
    parseExportParams(body);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_USER_INPUT');
    return (error as AppError).details.fieldErrors ?? {};
  }
  throw new Error(`accepted: ${JSON.stringify(body)}`);
}

describe('export parameters', () => {
  it('fills in Close defaults and echoes the default fields of each type (spec §2.8)', () => {
    expect(parseExportParams({ format: 'csv', type: 'leads' })).toEqual({
      format: 'csv',
      type: 'leads',
      date_format: 'original',
      fields: [
        'addresses', 'contacts', 'created_by', 'created_by_name', 'custom', 'date_created', 'date_updated',
        'description', 'display_name', 'id', 'name', 'status_id', 'status_label', 'updated_by', 'updated_by_name', 'url',
      ],
      include_activities: false,
      include_smart_fields: false,
      include_addresses: false,
      include_custom_objects: false,
      send_done_email: true,
      s_query: null,
      results_limit: null,
      sort: [],
      query: null,
    });
    expect(parseExportParams({ format: 'csv', type: 'contacts' }).fields).toEqual([
      'created_by', 'date_created', 'date_updated', 'emails', 'id', 'name', 'phones', 'title', 'updated_by', 'urls',
    ]);
  });

  it('defaults JSON leads to Close list plus opportunities and tasks, which JSON lead objects carry', () => {
    const { fields } = parseExportParams({ format: 'json', type: 'leads' });
    expect(fields).toContain('opportunities');
    expect(fields).toContain('tasks');
    expect(fields).toEqual([...fields].sort());
  });

  it('defaults lead_opps to the opportunity fields of Close opportunity exports, without the lead columns every row has', () => {
    expect(parseExportParams({ format: 'csv', type: 'lead_opps' }).fields).toEqual([
      'confidence', 'contact_id', 'created_by', 'created_by_name', 'date_created', 'date_updated', 'date_won', 'id',
      'note', 'status_id', 'status_label', 'status_type', 'updated_by', 'updated_by_name', 'user_id', 'user_name',
      'value', 'value_period',
    ]);
  });

  it('requires format and type: there is no default for either', () => {
    expect(fieldErrors({})).toEqual({ format: 'is required: one of csv, json', type: 'is required: one of leads, contacts, lead_opps' });
    expect(fieldErrors({ format: 'CSV', type: 'lead' })).toEqual({
      format: 'must be one of csv, json',
      type: 'must be one of leads, contacts, lead_opps',
    });
  });

  it('rejects an unknown date_format', () => {
    expect(fieldErrors({ format: 'csv', type: 'leads', date_format: 'us' })).toEqual({ date_format: 'must be one of original, iso8601, excel' });
  });

  it('accepts and echoes date_format on JSON exports, where it changes nothing', () => {
    expect(parseExportParams({ format: 'json', type: 'leads', date_format: 'excel' }).date_format).toBe('excel');
  });

  it('rejects include_activities unless type leads with format json', () => {
    const message = 'only applies to type leads with format json';
    expect(fieldErrors({ format: 'csv', type: 'leads', include_activities: true })).toEqual({ include_activities: message });
    expect(fieldErrors({ format: 'json', type: 'contacts', include_activities: true })).toEqual({ include_activities: message });
    expect(parseExportParams({ format: 'json', type: 'leads', include_activities: true }).include_activities).toBe(true);
  });

  it('rejects include_smart_fields on JSON contacts and lead_opps, accepts it on any CSV and on JSON leads', () => {
    const message = 'only applies to format csv, or to type leads with format json';
    expect(fieldErrors({ format: 'json', type: 'contacts', include_smart_fields: true })).toEqual({ include_smart_fields: message });
    expect(fieldErrors({ format: 'json', type: 'lead_opps', include_smart_fields: true })).toEqual({ include_smart_fields: message });
    for (const type of ['leads', 'contacts', 'lead_opps']) {
      expect(parseExportParams({ format: 'csv', type, include_smart_fields: true }).include_smart_fields).toBe(true);
    }
    expect(parseExportParams({ format: 'json', type: 'leads', include_smart_fields: true }).include_smart_fields).toBe(true);
  });

  it('rejects include_addresses on leads exports, whose addresses are a field', () => {
    expect(fieldErrors({ format: 'csv', type: 'leads', include_addresses: true })).toEqual({
      include_addresses: 'only applies to types contacts and lead_opps (a leads export includes addresses through fields: "addresses")',
    });
    expect(parseExportParams({ format: 'json', type: 'contacts', include_addresses: true }).include_addresses).toBe(true);
    expect(parseExportParams({ format: 'csv', type: 'lead_opps', include_addresses: true }).include_addresses).toBe(true);
  });

  it('rejects include_custom_objects unless type leads with format json', () => {
    expect(fieldErrors({ format: 'csv', type: 'leads', include_custom_objects: true })).toEqual({
      include_custom_objects: 'only applies to type leads with format json',
    });
    expect(parseExportParams({ format: 'json', type: 'leads', include_custom_objects: true }).include_custom_objects).toBe(true);
  });

  it('accepts an inapplicable flag set to false: false is the default and asks for nothing', () => {
    const params = parseExportParams({ format: 'csv', type: 'contacts', include_activities: false, include_custom_objects: false });
    expect(params.include_activities).toBe(false);
  });

  it('reports every problem at once', () => {
    expect(Object.keys(fieldErrors({ format: 'csv', type: 'leads', include_activities: true, include_custom_objects: true, date_format: 'x' }))).toEqual([
      'date_format', 'include_activities', 'include_custom_objects',
    ]);
  });

  it('treats null as not given and ignores unknown keys', () => {
    const params = parseExportParams({
      format: 'csv', type: 'leads', date_format: null, fields: null, include_smart_fields: null, send_done_email: null,
      s_query: null, results_limit: null, sort: null, limit: null, whatever: 1,
    });
    expect(params).toMatchObject({ date_format: 'original', include_smart_fields: false, send_done_email: true, sort: [], s_query: null });
  });

  it('wants real booleans', () => {
    expect(fieldErrors({ format: 'csv', type: 'leads', send_done_email: 'false' })).toEqual({ send_done_email: 'must be true or false' });
  });

  it('keeps the requested fields in their order, without duplicates', () => {
    expect(parseExportParams({ format: 'csv', type: 'leads', fields: ['name', 'id', 'name'] }).fields).toEqual(['name', 'id']);
  });

  it('rejects field names the type and format do not have, listing the allowed ones', () => {
    const errors = fieldErrors({ format: 'csv', type: 'leads', fields: ['id', 'opportunities', 'nope'] });
    expect(errors.fields).toMatch(/^unknown fields "opportunities", "nope" for a leads csv export; allowed: id, display_name, /);
    expect(fieldErrors({ format: 'csv', type: 'lead_opps', fields: ['lead_id'] }).fields).toMatch(/^unknown field "lead_id"/);
  });

  it('rejects an empty or malformed fields list', () => {
    expect(fieldErrors({ format: 'csv', type: 'leads', fields: [] })).toEqual({ fields: 'must name at least one field (omit it for the default list)' });
    expect(fieldErrors({ format: 'csv', type: 'leads', fields: 'id,name' })).toEqual({ fields: 'must be a list of field names' });
    expect(fieldErrors({ format: 'csv', type: 'leads', fields: ['id', 3] })).toEqual({ fields: 'must be a list of field names' });
  });

  it('carries s_query, results_limit and sort for the search compiler', () => {
    const sQuery = { type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }] };
    const sort = [{ direction: 'desc', field: { type: 'regular_field', object_type: 'lead', field_name: 'date_created' } }];
    expect(parseExportParams({ format: 'json', type: 'leads', s_query: sQuery, results_limit: 10, sort })).toMatchObject({
      s_query: sQuery,
      results_limit: 10,
      sort,
    });
    expect(fieldErrors({ format: 'csv', type: 'leads', s_query: [], results_limit: -1, sort: {} })).toEqual({
      s_query: 'must be an Advanced Filtering query object',
      results_limit: 'must be a non-negative integer or null',
      sort: 'must be a list of sort specs',
    });
  });

  it('accepts the legacy query only when it means all leads', () => {
    expect(parseExportParams({ format: 'csv', type: 'leads', query: '*' }).query).toBe('*');
    expect(fieldErrors({ format: 'csv', type: 'leads', query: 'lead_status:Potential' })).toEqual({
      query: 'legacy text queries are not supported: use s_query (only "*" or "" for all leads is accepted)',
    });
  });

  it('rejects a body that is not an object', () => {
    expect(() => parseExportParams([])).toThrow(AppError);
    expect(() => parseExportParams('csv')).toThrow('The request body must be a JSON object');
  });
});
