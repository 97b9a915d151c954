import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum CustomFieldObjectType {
  LEAD = 'lead',
  CONTACT = 'contact',
  OPPORTUNITY = 'opportunity',
  CUSTOM_OBJECT = 'custom_object',
}
registerEnumType(CustomFieldObjectType, { name: 'CustomFieldObjectType', description: 'What a custom field belongs to.' });

@ObjectType({ description: 'A user of the organization.' })
export class User {
  @Field(() => ID) id!: string;
  @Field(() => String) email!: string;
  @Field(() => String) firstName!: string;
  @Field(() => String) lastName!: string;
  @Field(() => String, { description: 'First and last name, or the email when both are empty.' }) displayName!: string;
}

@ObjectType({ description: 'A lead status such as "Potential" or "Qualified".' })
export class LeadStatus {
  @Field(() => ID) id!: string;
  @Field(() => String) label!: string;
}

@ObjectType({ description: "A custom field definition; values appear in objects' `custom` maps under its id." })
export class CustomField {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => CustomFieldObjectType) objectType!: CustomFieldObjectType;
  @Field(() => String, { description: 'text, textarea, number, date, datetime, choices, user or contact' }) type!: string;
  @Field(() => Boolean) acceptsMultipleValues!: boolean;
  @Field(() => [String], { nullable: true }) choices!: string[] | null;
  @Field(() => String, { nullable: true }) description!: string | null;
}

@ObjectType({ description: 'The organization the credentials belong to; everything else is scoped to it.' })
export class Organization {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => Date) dateCreated!: Date;
}

@ObjectType({ description: 'The caller: the user the credentials belong to, in their organization.' })
export class Me {
  @Field(() => User) user!: User;
  @Field(() => Organization) organization!: Organization;
}

export { GraphQLJSON };
