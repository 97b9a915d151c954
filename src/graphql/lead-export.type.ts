import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { ExportRecord } from '../exports/export-record.js';
import { PageInfo } from './page-info.type.js';

// Enum values are the GraphQL names; the strings are Close's values, which resolvers pass through.
export enum ExportFormat {
  CSV = 'csv',
  JSON = 'json',
}
export enum ExportType {
  LEADS = 'leads',
  CONTACTS = 'contacts',
  LEAD_OPPS = 'lead_opps',
}
export enum DateFormat {
  ORIGINAL = 'original',
  ISO8601 = 'iso8601',
  EXCEL = 'excel',
}
export enum ExportStatus {
  CREATED = 'created',
  STARTED = 'started',
  IN_PROGRESS = 'in_progress',
  DONE = 'done',
  ERROR = 'error',
  CANCELED = 'canceled',
  EXPIRED = 'expired',
}
registerEnumType(ExportFormat, { name: 'ExportFormat', description: 'CSV (one row per lead, contact or opportunity) or JSON (one array).' });
registerEnumType(ExportType, { name: 'ExportType', description: 'One row (or element) per lead, per contact, or per opportunity.' });
registerEnumType(DateFormat, {
  name: 'DateFormat',
  description: 'How CSV dates look (JSON always uses ISO 8601).',
  valuesConfig: {
    ORIGINAL: { description: '2014-04-02 15:00:05.190000+00:00' },
    ISO8601: { description: '2014-04-02T15:00:05+00:00' },
    EXCEL: { description: '2014-04-02 03:00:05 PM (UTC, 12-hour clock)' },
  },
});
registerEnumType(ExportStatus, {
  name: 'ExportStatus',
  valuesConfig: {
    CREATED: { description: 'Queued; see queuePosition.' },
    STARTED: { description: 'A worker took it and is selecting the leads.' },
    IN_PROGRESS: { description: 'Writing the file; nDocs is known, nDocsProcessed grows.' },
    DONE: { description: 'The file is ready at downloadUrl.' },
    ERROR: { description: 'Failed; error says why.' },
    CANCELED: { description: 'Canceled by cancelLeadExport.' },
    EXPIRED: { description: 'Done, but the file was deleted after the retention period.' },
  },
});

@ObjectType({ description: "An export of leads to a file, like Close's export object." })
export class LeadExport {
  @Field(() => ID) id!: string;
  @Field(() => ExportStatus) status!: ExportStatus;
  @Field(() => ExportFormat) format!: ExportFormat;
  @Field(() => ExportType) type!: ExportType;
  @Field(() => DateFormat) dateFormat!: DateFormat;
  @Field(() => [String], { description: 'The fields exported (the defaults of the type when none were asked for).' }) fields!: string[];
  @Field(() => GraphQLJSON, { nullable: true, description: 'The Advanced Filtering query (`s_query`).' }) sQuery!: unknown;
  @Field(() => Int, { nullable: true }) resultsLimit!: number | null;
  @Field(() => GraphQLJSON) sort!: unknown;
  @Field(() => Boolean) includeActivities!: boolean;
  @Field(() => Boolean) includeSmartFields!: boolean;
  @Field(() => Boolean) includeAddresses!: boolean;
  @Field(() => Boolean) includeCustomObjects!: boolean;
  @Field(() => Boolean) sendDoneEmail!: boolean;
  @Field(() => Int, { nullable: true, description: 'Rows the file will have; null until the export started.' }) nDocs!: number | null;
  @Field(() => Int) nDocsProcessed!: number;
  @Field(() => Float, { nullable: true, description: '0–100; null until nDocs is known.' }) percent!: number | null;
  @Field(() => Float, { description: 'Compressed bytes written so far.' }) bytesWritten!: number;
  @Field(() => String, { nullable: true, description: 'A short-lived signed link, minted on every read; null until DONE.' })
  downloadUrl!: string | null;
  @Field(() => Date, { nullable: true, description: 'When the file will be deleted.' }) expiresAt!: Date | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Date) dateCreated!: Date;
  @Field(() => Date) dateUpdated!: Date;
  /** The record behind it, for field resolvers (createdBy, queuePosition). */
  record!: ExportRecord;
}

@ObjectType()
export class StartLeadExportPayload {
  @Field(() => LeadExport) leadExport!: LeadExport;
}

@ObjectType()
export class CancelLeadExportPayload {
  @Field(() => LeadExport) leadExport!: LeadExport;
}

@ObjectType({ description: 'What an export would produce, computed without starting it.' })
export class LeadExportPreview {
  @Field(() => Int) leads!: number;
  @Field(() => Int, { description: 'Rows (CSV) or elements (JSON): leads, contacts or opportunities.' }) rows!: number;
  @Field(() => Float, { description: 'Estimated size of the gzip file in bytes.' }) estimatedBytes!: number;
}

@ObjectType()
export class LeadExportEdge {
  @Field(() => String) cursor!: string;
  @Field(() => LeadExport) node!: LeadExport;
}

@ObjectType({ description: 'Exports, newest first.' })
export class LeadExportConnection {
  @Field(() => [LeadExportEdge]) edges!: LeadExportEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  /** Counted only when the client asks for totalCount. */
  countTotal!: () => Promise<number>;
}
