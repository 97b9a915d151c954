// A frontend's typed client, written against the code @graphql-codegen generates from
// schema/schema.graphql (test/codegen.test.ts generates it, then compiles this file).
import { createClient } from 'graphql-ws';
import { graphql } from './generated/gql.js';
import type { ExportProgressSubscription, StartExportMutation } from './generated/graphql.js';

export const StartExport = graphql(`
  mutation StartExport($input: StartLeadExportInput!) {
    startLeadExport(input: $input) {
      leadExport { id status nDocs queuePosition }
    }
  }
`);

export const ExportProgress = graphql(`
  subscription ExportProgress($id: ID!) {
    leadExportProgress(id: $id) { id status nDocsProcessed nDocs percent downloadUrl error }
  }
`);

export const Me = graphql(`
  query Me {
    me { user { email } organization { name leadStatuses { id label } } }
  }
`);

/** Typed end to end: the variables, the enum values and the result fields all come from the schema. */
export async function exportAndWait(url: string, authorization: string, started: StartExportMutation): Promise<string | null> {
  const client = createClient({ url, connectionParams: { authorization } });
  const id: string = started.startLeadExport.leadExport.id;
  for await (const result of client.iterate({ query: print(ExportProgress), variables: { id } })) {
    const progress = (result.data as ExportProgressSubscription | undefined)?.leadExportProgress;
    if (progress?.status === 'DONE') return progress.downloadUrl ?? null;
    if (progress?.status === 'ERROR' || progress?.status === 'CANCELED') return null;
  }
  return null;
}

function print(document: unknown): string {
  return String((document as { loc?: { source: { body: string } } }).loc?.source.body ?? '');
}
