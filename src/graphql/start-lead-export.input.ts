import { GraphQLJSON } from 'graphql-scalars';
import { Field, InputType, Int } from 'type-graphql';
import { DateFormat, ExportFormat, ExportType } from './lead-export.type.js';

@InputType({ description: 'Everything `POST /api/v1/export/lead/` takes, in GraphQL names.' })
export class StartLeadExportInput {
  @Field(() => ExportFormat) format!: ExportFormat;
  @Field(() => ExportType) type!: ExportType;
  @Field(() => GraphQLJSON, { nullable: true, description: 'An Advanced Filtering query node (or a smart view `{query, results_limit, sort}`); all leads when absent.' })
  sQuery?: unknown;
  @Field(() => Int, { nullable: true, description: 'At most this many leads.' }) resultsLimit?: number;
  @Field(() => GraphQLJSON, { nullable: true, description: 'Advanced Filtering sort specs: the order of the leads in the file.' }) sort?: unknown;
  @Field(() => DateFormat, { nullable: true, description: 'CSV only; ORIGINAL when absent.' }) dateFormat?: DateFormat;
  @Field(() => [String], { nullable: true, description: 'Narrow the file to these fields (see the README for each type).' }) fields?: string[];
  @Field(() => Boolean, { nullable: true, description: 'LEADS + JSON only.' }) includeActivities?: boolean;
  @Field(() => Boolean, { nullable: true, description: 'Any CSV, or LEADS + JSON.' }) includeSmartFields?: boolean;
  @Field(() => Boolean, { nullable: true, description: 'CONTACTS and LEAD_OPPS: add the lead addresses.' }) includeAddresses?: boolean;
  @Field(() => Boolean, { nullable: true, description: 'LEADS + JSON only.' }) includeCustomObjects?: boolean;
  @Field(() => Boolean, { nullable: true, description: 'Email the link when done (default true).' }) sendDoneEmail?: boolean;
  @Field(() => String, {
    nullable: true,
    description: 'Retrying with the same key and input within 24 hours returns the same export instead of starting another.',
  })
  idempotencyKey?: string;
}

/** The REST body Close's parameter parser reads. */
export function toCloseExportBody(input: StartLeadExportInput): Record<string, unknown> {
  return {
    format: input.format,
    type: input.type,
    s_query: input.sQuery,
    results_limit: input.resultsLimit,
    sort: input.sort,
    date_format: input.dateFormat,
    fields: input.fields,
    include_activities: input.includeActivities,
    include_smart_fields: input.includeSmartFields,
    include_addresses: input.includeAddresses,
    include_custom_objects: input.includeCustomObjects,
    send_done_email: input.sendDoneEmail,
  };
}
