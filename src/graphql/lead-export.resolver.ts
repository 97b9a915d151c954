import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { findUser } from '../crm/organization-repository.js';
import { AppError, isAppError } from '../errors/app-error.js';
import type { ExportRecord } from '../exports/export-record.js';
import { parseTzOffsetHeader } from '../search/tz-offset.js';
import type { GraphQLContext } from './context.js';
import {
  CancelLeadExportPayload,
  ExportStatus,
  LeadExport,
  LeadExportConnection,
  LeadExportPreview,
  StartLeadExportPayload,
} from './lead-export.type.js';
import { toUser } from './me.resolver.js';
import { User } from './organization.type.js';
import { StartLeadExportInput, toCloseExportBody } from './start-lead-export.input.js';

@ArgsType()
class LeadExportsArgs {
  @Field(() => Int, { defaultValue: 20, description: 'At most 100.' }) first!: number;
  @Field(() => String, { nullable: true }) after?: string;
  @Field(() => [ExportStatus], { nullable: true, description: 'Only exports in these statuses.' }) status?: ExportStatus[];
}

/**
 * The GraphQL API is about lead exports: opportunity exports (`POST /api/v1/export/opportunity/`)
 * stay on the REST surface, so its lists and ids never show them here (README "GraphQL API").
 */
const LEAD_EXPORTS = 'lead' as const;

@Resolver(() => LeadExport)
export class LeadExportResolver {
  @Mutation(() => StartLeadExportPayload, { description: 'Starts an export; follow it with the leadExportProgress subscription.' })
  async startLeadExport(
    @Arg('input', () => StartLeadExportInput) input: StartLeadExportInput,
    @Ctx() { principal, services, tzOffsetHeader }: GraphQLContext,
  ): Promise<StartLeadExportPayload> {
    const tzOffsetMinutes = parseTzOffsetHeader(tzOffsetHeader);
    const record = await withInputPaths(() =>
      services.exports.createLeadExport(principal, toCloseExportBody(input), { tzOffsetMinutes, idempotencyKey: input.idempotencyKey }),
    );
    return { leadExport: toLeadExport(record, services) };
  }

  @Mutation(() => CancelLeadExportPayload, { description: 'Stops a queued or running export (within about a second); a finished one is left as it is.' })
  async cancelLeadExport(@Arg('id', () => ID) id: string, @Ctx() { principal, services }: GraphQLContext): Promise<CancelLeadExportPayload> {
    return { leadExport: toLeadExport(await services.exports.cancel(principal, id, LEAD_EXPORTS), services) };
  }

  @Query(() => LeadExport, { description: 'An export of your organization (NOT_FOUND otherwise).' })
  async leadExport(@Arg('id', () => ID) id: string, @Ctx() { principal, services }: GraphQLContext): Promise<LeadExport> {
    return toLeadExport(await services.exports.get(principal, id, LEAD_EXPORTS), services);
  }

  @Query(() => LeadExportConnection, { description: "Your organization's exports, newest first." })
  async leadExports(@Args(() => LeadExportsArgs) args: LeadExportsArgs, @Ctx() { principal, services }: GraphQLContext): Promise<LeadExportConnection> {
    if (args.first < 1 || args.first > 100) throw AppError.badInput('first', 'must be from 1 to 100');
    const page = await services.exports.page(principal, { kind: LEAD_EXPORTS, first: args.first, after: args.after, statuses: args.status });
    const edges = page.records.map((record) => ({ cursor: services.exports.cursorOf(record), node: toLeadExport(record, services) }));
    return {
      edges,
      pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
      countTotal: page.totalCount,
    };
  }

  @Query(() => LeadExportPreview, { description: 'How many leads and rows an export would have, and its estimated size; starts nothing.' })
  async previewLeadExport(
    @Arg('input', () => StartLeadExportInput) input: StartLeadExportInput,
    @Ctx() { principal, services, tzOffsetHeader }: GraphQLContext,
  ): Promise<LeadExportPreview> {
    const tzOffsetMinutes = parseTzOffsetHeader(tzOffsetHeader);
    return withInputPaths(() => services.exports.previewLeadExport(principal, toCloseExportBody(input), { tzOffsetMinutes }));
  }

  @Subscription(() => LeadExport, {
    description: 'The export now, then on every change (at least once a second while it runs); completes after DONE, ERROR, CANCELED or EXPIRED.',
    subscribe: async ({ args, context }) => {
      const { principal, services } = context as GraphQLContext;
      return services.exports.watch(principal, String(args.id), LEAD_EXPORTS);
    },
  })
  leadExportProgress(@Arg('id', () => ID) _id: string, @Root() record: ExportRecord, @Ctx() { services }: GraphQLContext): LeadExport {
    return toLeadExport(record, services);
  }

  @FieldResolver(() => User, { nullable: true })
  async createdBy(@Root() leadExport: LeadExport, @Ctx() { principal, services }: GraphQLContext): Promise<User | null> {
    if (!leadExport.record.created_by) return null;
    const user = await findUser(services.knex, principal.organizationId, leadExport.record.created_by);
    return user ? toUser(user) : null;
  }

  @FieldResolver(() => Int, { nullable: true, description: 'While CREATED: 1 when it starts next; null otherwise.' })
  async queuePosition(@Root() leadExport: LeadExport, @Ctx() { services }: GraphQLContext): Promise<number | null> {
    return services.exports.queuePosition(leadExport.record);
  }
}

@Resolver(() => LeadExportConnection)
export class LeadExportConnectionResolver {
  @FieldResolver(() => Int)
  async totalCount(@Root() connection: LeadExportConnection): Promise<number> {
    return connection.countTotal();
  }
}

function toLeadExport(record: ExportRecord, services: GraphQLContext['services']): LeadExport {
  const percent =
    record.status === 'done' ? 100 : record.n_docs ? Math.min(100, Math.round((1000 * record.n_docs_processed) / record.n_docs) / 10) : null;
  return {
    id: record.id,
    status: record.status as ExportStatus,
    format: record.format as LeadExport['format'],
    type: record.type as LeadExport['type'],
    dateFormat: record.date_format as LeadExport['dateFormat'],
    fields: record.fields,
    sQuery: record.s_query,
    resultsLimit: record.results_limit,
    sort: record.sort,
    includeActivities: record.include_activities,
    includeSmartFields: record.include_smart_fields,
    includeAddresses: record.include_addresses,
    includeCustomObjects: record.include_custom_objects,
    sendDoneEmail: record.send_done_email,
    nDocs: record.n_docs,
    nDocsProcessed: record.n_docs_processed,
    percent: record.n_docs === 0 && record.status === 'done' ? 100 : percent,
    bytesWritten: record.bytes_written,
    downloadUrl: services.exports.downloadUrl(record),
    expiresAt: record.expires_at,
    error: record.error,
    dateCreated: record.date_created,
    dateUpdated: record.date_updated,
    record,
  };
}

/** Close's parameter names (`include_activities`, `s_query.queries[0]…`) as paths into the GraphQL input. */
async function withInputPaths<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (!isAppError(error) || !error.details.fieldErrors) throw error;
    const fieldErrors = Object.fromEntries(
      Object.entries(error.details.fieldErrors).map(([path, message]) => [`input.${path.replace(/^[a-z_]+/, (head) => head.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()))}`, message]),
    );
    const summary = Object.entries(fieldErrors).map(([path, message]) => `${path}: ${message}`).join('; ');
    throw new AppError(error.code, summary || error.message, { details: { ...error.details, fieldErrors }, cause: error });
  }
}
