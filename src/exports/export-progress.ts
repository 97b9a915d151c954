import type { Knex } from '../db/knex.js';
import type { NotificationHub } from '../pubsub/notification-hub.js';
import { AppError } from '../errors/app-error.js';
import { isFinal, type ExportRecord } from './export-record.js';
import { findExport } from './export-repository.js';

/** The NOTIFY channel the `exports` trigger announces every change on (see the exports migration). */
export const EXPORT_CHANGED_CHANNEL = 'export_changed';

/**
 * Yields an export's state: first as it is now, then after every change announced on
 * EXPORT_CHANGED_CHANNEL by whichever process made it (a running export writes progress at least
 * once a second), and ends after yielding a final state (done, error, canceled, expired).
 *
 * It listens before the first read, so no change between the two is missed; notifications that
 * come in bursts collapse into one re-read. Returning early (the client unsubscribed) stops
 * listening.
 */
export async function* watchExport(
  deps: { knex: Knex; hub: NotificationHub },
  organizationId: string,
  id: string,
): AsyncGenerator<ExportRecord> {
  let dirty = true;
  let wake: (() => void) | undefined;
  const markDirty = () => {
    dirty = true;
    wake?.();
  };
  const unlisten = await deps.hub.listen(EXPORT_CHANGED_CHANNEL, (payload) => {
    if (payload.includes(id) && (JSON.parse(payload) as { id: string }).id === id) markDirty();
  });
  const stopWatchingReconnects = deps.hub.onReconnect(markDirty);
  try {
    let lastSeen: string | undefined;
    for (;;) {
      if (!dirty) await new Promise<void>((resolve) => (wake = resolve));
      dirty = false;
      wake = undefined;
      const record = await findExport(deps.knex, organizationId, id);
      if (!record) throw AppError.notFound('Export');
      const fingerprint = `${record.status}|${record.n_docs}|${record.n_docs_processed}|${record.date_updated.getTime()}`;
      if (fingerprint !== lastSeen) {
        lastSeen = fingerprint;
        yield record;
      }
      if (isFinal(record.status)) return;
    }
  } finally {
    stopWatchingReconnects();
    await unlisten();
  }
}
