import type { Knex } from '../db/knex.js';
import type { Logger } from '../logger.js';
import { exportDoneMessage, exportFailedMessage } from '../mail/export-messages.js';
import type { Mailer } from '../mail/mailer.js';
import type { DownloadLinkSigner } from './download-links.js';
import { exportFileName } from './export-file-name.js';
import type { ExportRecord } from './export-record.js';

/**
 * Emails the requester once an export is done (with a link that works as long as the file is
 * kept) or failed (with the reason), when `send_done_email` is true.
 *
 * Exactly once, even when the job runs twice: the send is claimed by stamping `email_sent_at`
 * first; if the mail server refuses, the stamp is removed again so a later run can retry.
 */
export async function sendExportEmail(
  deps: { knex: Knex; mailer: Mailer; signer: DownloadLinkSigner; logger: Logger },
  exportId: string,
): Promise<void> {
  const [record] = (await deps.knex('exports')
    .where({ id: exportId, send_done_email: true })
    .whereIn('status', ['done', 'error'])
    .whereNull('email_sent_at')
    .update({ email_sent_at: deps.knex.fn.now() })
    .returning('*')) as ExportRecord[];
  if (!record) return;
  try {
    const recipient = await deps.knex('users as u')
      .join('organizations as o', 'o.id', 'u.organization_id')
      .where({ 'u.id': record.created_by })
      .first<{ email: string; organization_name: string } | undefined>('u.email', { organization_name: 'o.name' });
    if (!recipient) return; // the requester was deleted: nobody to tell
    const facts = {
      to: recipient.email,
      organizationName: recipient.organization_name,
      exportId: record.id,
      type: record.type,
      format: record.format,
      fileName: exportFileName(recipient.organization_name, record),
    };
    const message =
      record.status === 'done'
        ? exportDoneMessage({
            ...facts,
            rows: record.n_docs_processed,
            expiresAt: record.expires_at!,
            downloadUrl: deps.signer.sign(record.id, (record.expires_at!.getTime() - Date.now()) / 1000),
          })
        : exportFailedMessage({ ...facts, error: record.error ?? 'unknown error' });
    await deps.mailer.send(message);
  } catch (error) {
    await deps.knex('exports').where({ id: exportId }).update({ email_sent_at: null });
    deps.logger.error({ err: error, exportId }, 'the export email could not be sent; it will be retried');
    throw error;
  }
}
