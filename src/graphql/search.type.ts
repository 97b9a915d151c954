import { Field, Int, ObjectType } from 'type-graphql';
import { Lead } from './lead.type.js';

import { PageInfo } from './page-info.type.js';

export { PageInfo };

@ObjectType()
export class LeadEdge {
  @Field(() => String) cursor!: string;
  @Field(() => Lead) node!: Lead;
}

@ObjectType({ description: 'One page of a lead search (a Relay connection).' })
export class LeadConnection {
  @Field(() => [LeadEdge]) edges!: LeadEdge[];
  @Field(() => [Lead]) nodes!: Lead[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  // Resolved by SearchResolver.totalCount, and only counted when selected.
  @Field(() => Int, { description: 'Every matching lead, whatever the page and resultsLimit.' })
  totalCount!: number;

  /** Runs the count on demand. */
  countAll!: () => Promise<number>;
}
