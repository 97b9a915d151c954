/**
 * Advanced Filtering speed on a seeded organization: p50/p95 of the first page (100 leads,
 * default order) and of the count for the typical filters, with the indexes each plan uses.
 *
 *   DATA_DIR=/tmp/search-bench EMBEDDED_PG_PORT=54410 npm run seed -- --org Bench --leads 1000000 --seed 42
 *   DATA_DIR=/tmp/search-bench EMBEDDED_PG_PORT=54410 npx tsx test/bench/search-bench.ts --org Bench
 *   DATABASE_URL=postgres://… npx tsx test/bench/search-bench.ts --org Bench --runs 30 --explain
 *
 * Each filter runs `--warmup` times unmeasured, then `--runs` times measured, one after the
 * other (first page, then count). "page" is the SQL of one search page (what runSearchPage
 * sends, LIMIT 101); "service" is the whole runSearchPage call (custom fields and saved searches
 * loaded, parse, compile, page query); "count" is `include_counts`. Filters marked * (smart
 * fields, field-less text) run 3 times after 1 warm-up.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { runSearchPage, loadSearchContext } from '../../src/crm/search-service.js';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { createKnex, type Knex } from '../../src/db/knex.js';
import { compileParsedSearch } from '../../src/search/compile-query.js';
import { parseSearch } from '../../src/search/parse-query.js';
import { searchCountQuery, searchPageQuery } from '../../src/search/search-page.js';

const { values: args } = parseArgs({
  args: process.argv[1] === import.meta.filename ? process.argv.slice(2) : [], // imported by run.ts: not our arguments
  options: {
    org: { type: 'string', default: 'Bench' },
    runs: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '2' },
    explain: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const runs = Number(args.runs);
const warmup = Number(args.warmup);

type Filter = { name: string; query: unknown; sort?: unknown; typical: boolean };

const lead = (field_name: string, condition: unknown) => ({ type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name }, condition });
const and = (...queries: unknown[]) => ({ type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }, ...queries] });
const related = (to: string, query: unknown) => ({ type: 'has_related', this_object_type: 'lead', related_object_type: to, related_query: query });
const utc = (date: Date) => ({ type: 'fixed_utc', value: date.toISOString() });

async function main() {
  const { knex, close } = await connect();
  try {
    const org = await knex('organizations').whereRaw('lower(name) = lower(?)', [args.org]).first<{ id: string } | undefined>('id');
    if (!org) throw new Error(`no organization named "${args.org}": seed one first (see the header of this file)`);
    await vacuumIfNeeded(knex);
    const filters = await typicalFilters(knex, org.id);
    const selected = args.only ? filters.filter((f) => f.name.includes(args.only!)) : filters;
    const leadCount = Number((await knex('leads').where({ organization_id: org.id }).count({ n: '*' }))[0].n);
    console.log(`organization ${args.org} (${org.id}): ${leadCount.toLocaleString('en')} leads; ${runs} runs after ${warmup} warm-up\n`);
    console.log('| filter | matches | page p50 | page p95 | service p50 | service p95 | count p50 | count p95 | indexes (page / count) |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
    for (const filter of selected) {
      const row = await measure(knex, org.id, filter);
      console.log(
        `| ${filter.name}${filter.typical ? '' : ' *'} | ${row.matches.toLocaleString('en')} | ${ms(row.page, 50)} | ${ms(row.page, 95)} | ${ms(row.service, 50)} | ${ms(row.service, 95)} | ${ms(row.count, 50)} | ${ms(row.count, 95)} | ${row.pageIndexes} / ${row.countIndexes} |`,
      );
      if (args.explain) console.log(`\n\`\`\`\n${row.pagePlan}\n---\n${row.countPlan}\n\`\`\`\n`);
    }
    console.log('\n* not one of the typical filters of the issue: shown to size smart fields and full-text search');
  } finally {
    await close();
  }
}

/** The first page of 100 leads for `filter` through the search service, as `POST /data/search/` asks for it. */
export function searchFirstPage(knex: Knex, organizationId: string, filter: Pick<Filter, 'query' | 'sort'>, includeCount: boolean) {
  return runSearchPage(knex, { organizationId, tzOffsetMinutes: 0 }, {
    input: { sQuery: filter.query, sort: filter.sort },
    paths: { sQuery: 'query', resultsLimit: 'results_limit', sort: 'sort' },
    cursor: null,
    cursorPath: 'cursor',
    pageSize: 100,
    includeCount,
  });
}

export async function typicalFilters(knex: Knex, organizationId: string): Promise<Filter[]> {
  const status = await knex('lead_statuses').where({ organization_id: organizationId }).orderBy('position').first<{ id: string; label: string }>('id', 'label');
  const won = await knex('opportunity_statuses').where({ organization_id: organizationId, type: 'won' }).first<{ id: string }>('id');
  // A word from a lead's name, as someone would type it.
  const sample = await knex('leads').where({ organization_id: organizationId }).whereNotNull('name').orderBy('id').offset(4321).first<{ name: string }>('name');
  const word = sample.name.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 4).sort((a, b) => b.length - a.length)[0] ?? sample.name;
  const choice = await knex('custom_fields')
    .where({ organization_id: organizationId, object_type: 'lead', type: 'choices', accepts_multiple_values: false })
    .orderBy('position')
    .first<{ id: string; choices: string[] }>('id', 'choices');
  // The last seven digits of a phone number, typed with a dash, as someone searching for a caller would.
  const phone = await knex('contact_phones').where({ organization_id: organizationId }).orderBy('id').offset(4321).first<{ phone: string }>('phone');
  const phoneDigits = phone.phone.replace(/\D/g, '').slice(-7);
  const phonePart = `${phoneDigits.slice(0, 3)}-${phoneDigits.slice(3)}`;
  const newest = await knex('leads').where({ organization_id: organizationId }).max<{ max: Date }[]>('date_created as max');
  const end = new Date(newest[0].max);
  const start = new Date(end.getTime() - 30 * 86_400_000);
  return [
    { name: `status "${status.label}"`, typical: true, query: and(lead('status_id', { type: 'reference', reference_type: 'status.lead', object_ids: [status.id] })) },
    { name: `name has the word "${word}"`, typical: true, query: and(lead('name', { type: 'text', mode: 'full_words', value: word })) },
    {
      name: 'a contact titled CEO',
      typical: true,
      query: and(related('contact', { type: 'field_condition', field: { type: 'regular_field', object_type: 'contact', field_name: 'title' }, condition: { type: 'text', mode: 'full_words', value: 'CEO' } })),
    },
    { name: 'created in the last 30 days', typical: true, query: and(lead('date_created', { type: 'moment_range', on_or_after: utc(start), before: utc(end) })) },
    {
      name: 'an opportunity won',
      typical: true,
      query: and(related('opportunity', { type: 'field_condition', field: { type: 'regular_field', object_type: 'opportunity', field_name: 'status_id' }, condition: { type: 'reference', reference_type: 'status.opportunity', object_ids: [won.id] } })),
    },
    {
      name: `custom choice = "${choice.choices[0]}"`,
      typical: true,
      query: and({ type: 'field_condition', field: { type: 'custom_field', custom_field_id: choice.id }, condition: { type: 'term', values: [choice.choices[0]] } }),
    },
    {
      name: `status + name word, sorted by date_created desc`,
      typical: true,
      query: and(lead('status_id', { type: 'reference', reference_type: 'status.lead', object_ids: [status.id] }), lead('name', { type: 'text', mode: 'beginning_of_words', value: word.slice(0, 4) })),
      sort: [{ direction: 'desc', field: { type: 'regular_field', object_type: 'lead', field_name: 'date_created' } }],
    },
    { name: 'smart field: num_contacts ≥ 3', typical: false, query: and(lead('num_contacts', { type: 'number_range', gte: 3 })) },
    { name: 'smart field sort: last_activity_date desc', typical: false, query: and(), sort: [{ direction: 'desc', field: { type: 'regular_field', object_type: 'lead', field_name: 'last_activity_date' } }] },
    { name: `field-less text "${word}"`, typical: false, query: and({ type: 'text', mode: 'full_words', value: word }) },
    {
      name: `a contact phone containing "${phonePart}"`,
      typical: false,
      query: and(related('contact_phone', { type: 'field_condition', field: { type: 'regular_field', object_type: 'contact_phone', field_name: 'phone' }, condition: { type: 'text', mode: 'phrase', value: phonePart } })),
    },
  ];
}

async function measure(knex: Knex, organizationId: string, filter: Filter) {
  const caller = { organizationId, tzOffsetMinutes: 0 };
  const ctx = await loadSearchContext(knex, caller, filter.query);
  const compiled = compileParsedSearch(parseSearch({ sQuery: filter.query, sort: filter.sort }, ctx), ctx);
  const page = searchPageQuery(knex, compiled, { limit: 101 }).toSQL();
  const count = searchCountQuery(knex, compiled).toSQL();
  const service = () => searchFirstPage(knex, organizationId, filter, false);
  const times = { page: [] as number[], service: [] as number[], count: [] as number[] };
  let matches = 0;
  // Smart fields over every lead take seconds a run: a few runs size them well enough.
  const [warm, measured] = filter.typical ? [warmup, runs] : [Math.min(warmup, 1), Math.min(runs, 3)];
  for (let i = 0; i < warm + measured; i++) {
    const t0 = performance.now();
    await knex.raw(page.sql, page.bindings);
    const t1 = performance.now();
    await service();
    const t2 = performance.now();
    const counted = await knex.raw(count.sql, count.bindings);
    const t3 = performance.now();
    matches = Number(counted.rows[0].total);
    if (i >= warm) {
      times.page.push(t1 - t0);
      times.service.push(t2 - t1);
      times.count.push(t3 - t2);
    }
  }
  const pagePlan = await explain(knex, page);
  const countPlan = await explain(knex, count);
  return { matches, ...times, pagePlan, countPlan, pageIndexes: indexesOf(pagePlan), countIndexes: indexesOf(countPlan) };
}

async function explain(knex: Knex, query: { sql: string; bindings: readonly unknown[] }): Promise<string> {
  const result = await knex.raw(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) ${query.sql}`, query.bindings as Knex.RawBinding[]);
  return result.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
}

/** Index names a plan reads, and any full scan of a big table. */
function indexesOf(plan: string): string {
  const indexes = [...plan.matchAll(/(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\S+)/g)].map((m) => m[1]);
  const seq = [...plan.matchAll(/Seq Scan on (\S+)/g)].map((m) => `SEQ ${m[1]}`);
  return [...new Set([...indexes, ...seq])].join(', ') || '–';
}

function ms(values: number[], percentile: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.ceil((percentile / 100) * sorted.length) - 1)];
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

/** Autovacuum may not have caught up with a fresh seed; index-only scans need the visibility map. */
async function vacuumIfNeeded(knex: Knex): Promise<void> {
  const stale = await knex('pg_stat_user_tables')
    .whereIn('relname', ['leads', 'contacts', 'opportunities', 'activities'])
    .whereNull('last_vacuum')
    .whereNull('last_autovacuum')
    .pluck('relname');
  for (const table of stale) {
    console.error(`VACUUM (ANALYZE) ${table} (never vacuumed since the seed)…`);
    await knex.raw(`VACUUM (ANALYZE) ${table}`);
  }
}

async function connect(): Promise<{ knex: Knex; close: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const knex = createKnex(process.env.DATABASE_URL, { poolMax: 2, applicationName: 'search-bench' });
    return { knex, close: () => knex.destroy() };
  }
  const dataDir = process.env.DATA_DIR ?? './.data';
  const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
  const db = await startEmbeddedPostgres({ dataDir, port, database: 'gateway' });
  const knex = createKnex(db.url, { poolMax: 2, applicationName: 'search-bench' });
  return {
    knex,
    close: async () => {
      await knex.destroy();
      await db.stop();
    },
  };
}

// Imported by test/bench/run.ts for its filters: run only when executed directly.
if (process.argv[1] === import.meta.filename) await main();
