import { Args, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { DEFAULT_PAGE_SIZE, loadLeadRows, MAX_PAGE_SIZE, runSearchPage } from '../crm/search-service.js';
import { AppError } from '../errors/app-error.js';
import { parseTzOffsetHeader } from '../search/tz-offset.js';
import type { GraphQLContext } from './context.js';
import { toLead } from './lead.resolver.js';
import { SearchLeadsArgs } from './search.args.js';
import { LeadConnection } from './search.type.js';

@Resolver(() => LeadConnection)
export class SearchResolver {
  @Query(() => LeadConnection, {
    description:
      "Leads matching an Advanced Filtering query (Close's s_query), sorted, a page at a time. Relative dates use the X-TZ-Offset header. Bad input fails with BAD_USER_INPUT and extensions.fieldErrors keyed by path (e.g. sQuery.queries[1].condition.mode).",
  })
  async searchLeads(@Args(() => SearchLeadsArgs) args: SearchLeadsArgs, @Ctx() { principal, services, tzOffsetHeader }: GraphQLContext): Promise<LeadConnection> {
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) throw AppError.badInput('first', `expected a whole number from 0 to ${MAX_PAGE_SIZE}`);
    const page = await runSearchPage(
      services.knex,
      { organizationId: principal.organizationId, userId: principal.userId, tzOffsetMinutes: parseTzOffsetHeader(tzOffsetHeader) },
      {
        input: { sQuery: args.sQuery, resultsLimit: args.resultsLimit, sort: args.sort },
        paths: { sQuery: 'sQuery', resultsLimit: 'resultsLimit', sort: 'sort' },
        cursor: args.after ?? null,
        cursorPath: 'after',
        pageSize: first,
        includeCount: false,
        selectType: 'lead',
      },
    );
    const leads = new Map((await loadLeadRows(services.knex, principal.organizationId, page.rows.map((r) => r.id))).map((row) => [row.id, toLead(row)]));
    // A lead deleted between the two reads is left out of the page rather than failing it.
    const edges = page.rows.filter((r) => leads.has(r.id)).map((r) => ({ cursor: r.cursor, node: leads.get(r.id)! }));
    return {
      edges,
      nodes: edges.map((e) => e.node),
      pageInfo: { hasNextPage: page.hasMore, hasPreviousPage: false, startCursor: page.rows[0]?.cursor ?? null, endCursor: page.rows.at(-1)?.cursor ?? null },
      totalCount: 0,
      countAll: page.countAll,
    };
  }

  @FieldResolver(() => Int)
  totalCount(@Root() connection: LeadConnection): Promise<number> {
    return connection.countAll();
  }
}
