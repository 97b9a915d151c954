import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { LeadStatus } from './organization.type.js';

@ObjectType()
export class ContactEmail {
  @Field(() => String) email!: string;
  @Field(() => String, { description: 'office, home, direct, mobile, other, …' }) type!: string;
  @Field(() => Boolean) isUnsubscribed!: boolean;
}

@ObjectType()
export class ContactPhone {
  @Field(() => String, { description: 'E.164, e.g. +16503334444' }) phone!: string;
  @Field(() => String) type!: string;
  @Field(() => String, { nullable: true }) country!: string | null;
}

@ObjectType()
export class ContactUrl {
  @Field(() => String) url!: string;
  @Field(() => String) type!: string;
}

@ObjectType({ description: 'A person at a lead. The first contact is the primary one.' })
export class Contact {
  @Field(() => ID) id!: string;
  @Field(() => ID) leadId!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String, { nullable: true }) title!: string | null;
  @Field(() => [ContactEmail]) emails!: ContactEmail[];
  @Field(() => [ContactPhone]) phones!: ContactPhone[];
  @Field(() => [ContactUrl]) urls!: ContactUrl[];
  @Field(() => GraphQLJSON, { description: 'Custom field values by custom field id (`cf_…`).' }) custom!: Record<string, unknown>;
  @Field(() => Date) dateCreated!: Date;
  @Field(() => Date) dateUpdated!: Date;
}

@ObjectType({ description: "An opportunity status of a pipeline; `type` is active, won or lost." })
export class OpportunityStatus {
  @Field(() => ID) id!: string;
  @Field(() => String) label!: string;
  @Field(() => String) type!: string;
  @Field(() => ID) pipelineId!: string;
  @Field(() => String) pipelineName!: string;
}

@ObjectType()
export class Opportunity {
  @Field(() => ID) id!: string;
  @Field(() => ID) leadId!: string;
  @Field(() => ID, { nullable: true }) contactId!: string | null;
  @Field(() => ID, { nullable: true }) userId!: string | null;
  @Field(() => String, { nullable: true }) userName!: string | null;
  @Field(() => OpportunityStatus) status!: OpportunityStatus;
  @Field(() => Float, { nullable: true, description: 'In cents, like Close (50000 = $500).' }) value!: number | null;
  @Field(() => String) valueCurrency!: string;
  @Field(() => String, { description: 'one_time, monthly or annual' }) valuePeriod!: string;
  @Field(() => Int, { description: '0–100' }) confidence!: number;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) dateWon!: string | null;
  @Field(() => Date, { nullable: true }) dateLost!: Date | null;
  @Field(() => GraphQLJSON) custom!: Record<string, unknown>;
  @Field(() => Date) dateCreated!: Date;
  @Field(() => Date) dateUpdated!: Date;
}

@ObjectType()
export class Address {
  @Field(() => String, { description: 'business, mailing, other, …' }) label!: string;
  @Field(() => String, { nullable: true }) address1!: string | null;
  @Field(() => String, { nullable: true }) address2!: string | null;
  @Field(() => String, { nullable: true }) city!: string | null;
  @Field(() => String, { nullable: true }) state!: string | null;
  @Field(() => String, { nullable: true }) zipcode!: string | null;
  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2' }) country!: string | null;
}

@ObjectType({ description: 'A lead: a company with its contacts, opportunities and addresses.' })
export class Lead {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String, { description: 'The name, or the primary contact’s name for a lead without one.' }) displayName!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { nullable: true }) url!: string | null;
  @Field(() => LeadStatus) status!: LeadStatus;
  @Field(() => GraphQLJSON, { description: 'Custom field values by custom field id (`cf_…`).' }) custom!: Record<string, unknown>;
  @Field(() => ID, { nullable: true }) createdBy!: string | null;
  @Field(() => ID, { nullable: true }) updatedBy!: string | null;
  @Field(() => Date) dateCreated!: Date;
  @Field(() => Date) dateUpdated!: Date;
}
