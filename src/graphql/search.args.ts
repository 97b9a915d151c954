import { GraphQLJSON } from 'graphql-scalars';
import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class SearchLeadsArgs {
  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      'An Advanced Filtering query node, as Close\'s `s_query` (e.g. {"type": "and", "queries": [...]}), or a smart-view wrapper {query, results_limit, sort}. Null: every lead. A query over contacts or opportunities selects the leads that have a matching one.',
  })
  sQuery?: unknown;

  @Field(() => Int, { nullable: true, description: 'At most this many leads in all, across pages.' })
  resultsLimit?: number | null;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'Close sort specs over lead fields: [{"direction": "asc"|"desc", "field": {"type": "regular_field", "object_type": "lead", "field_name": "…"}}]. Ties are ordered by id.',
  })
  sort?: unknown;

  @Field(() => Int, { nullable: true, description: 'Page size, 0 to 200 (default 100).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The endCursor (or an edge cursor) of the previous page.' })
  after?: string | null;
}
