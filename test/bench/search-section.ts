import type { Knex } from '../../src/db/knex.js';
import { percentile } from './bench-table.js';
import { searchFirstPage, typicalFilters } from './search-bench.js';

export type SearchResult = { name: string; typical: boolean; matches: number; pageMs: number[]; countMs: number[] };

/**
 * The search engineer's ten filters (search-bench.ts: seven typical of the issue, three that
 * size smart fields and field-less text), each through the whole service call the REST and
 * GraphQL transports make: first page of 100 without the count, then with `include_counts`.
 */
export async function measureSearch(knex: Knex, organizationId: string, runs: number, warmup: number, log: (line: string) => void): Promise<SearchResult[]> {
  const results: SearchResult[] = [];
  for (const filter of await typicalFilters(knex, organizationId)) {
    const call = (includeCount: boolean) => searchFirstPage(knex, organizationId, filter, includeCount);
    const pageMs: number[] = [];
    const countMs: number[] = [];
    let matches = 0;
    for (let i = 0; i < warmup + runs; i++) {
      const t0 = performance.now();
      await call(false);
      const t1 = performance.now();
      const counted = await call(true);
      const t2 = performance.now();
      matches = Number((counted as { total?: number }).total ?? Number.NaN);
      if (i >= warmup) {
        pageMs.push(t1 - t0);
        countMs.push(t2 - t1);
      }
    }
    log(`  ${filter.name}: page p95 ${percentile(pageMs, 95).toFixed(1)} ms, with count p95 ${percentile(countMs, 95).toFixed(1)} ms`);
    results.push({ name: filter.name, typical: filter.typical, matches, pageMs, countMs });
  }
  return results;
}
