import type { MailMessage } from './mailer.js';

export type ExportMailFacts = {
  to: string;
  organizationName: string;
  exportId: string;
  type: 'leads' | 'contacts' | 'lead_opps' | 'opps';
  format: 'csv' | 'json';
  fileName: string;
};

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const ROW_WORDS = { leads: 'leads', contacts: 'contacts', lead_opps: 'opportunities', opps: 'opportunities' } as const;

/** The "your export is ready" message: the link, what is in the file, and until when it works. */
export function exportDoneMessage(facts: ExportMailFacts & { downloadUrl: string; rows: number; expiresAt: Date }): MailMessage {
  const what = `${facts.rows.toLocaleString('en-US')} ${ROW_WORDS[facts.type]} as ${facts.format.toUpperCase()}`;
  const until = facts.expiresAt.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  const text = [
    `Your export from ${facts.organizationName} is ready: ${what}.`,
    '',
    `Download ${facts.fileName}:`,
    facts.downloadUrl,
    '',
    `The link works until ${until}. The file is gzip-compressed; browsers and curl --compressed unpack it for you.`,
    `Export id: ${facts.exportId}`,
  ].join('\n');
  const html = [
    `<p>Your export from ${escapeHtml(facts.organizationName)} is ready: ${escapeHtml(what)}.</p>`,
    `<p><a href="${escapeHtml(facts.downloadUrl)}">Download ${escapeHtml(facts.fileName)}</a></p>`,
    `<p>The link works until ${escapeHtml(until)}.</p>`,
    `<p style="color:#888">Export id: ${escapeHtml(facts.exportId)}</p>`,
  ].join('\n');
  return { to: facts.to, subject: `Your ${ROW_WORDS[facts.type]} export is ready (${what})`, text, html };
}

/** The failure message: what went wrong, in the words the export record carries. */
export function exportFailedMessage(facts: ExportMailFacts & { error: string }): MailMessage {
  const text = [
    `Your ${ROW_WORDS[facts.type]} export from ${facts.organizationName} (${facts.format.toUpperCase()}) failed:`,
    '',
    facts.error,
    '',
    `Export id: ${facts.exportId}`,
  ].join('\n');
  const html = [
    `<p>Your ${ROW_WORDS[facts.type]} export from ${escapeHtml(facts.organizationName)} (${facts.format.toUpperCase()}) failed:</p>`,
    `<p><strong>${escapeHtml(facts.error)}</strong></p>`,
    `<p style="color:#888">Export id: ${escapeHtml(facts.exportId)}</p>`,
  ].join('\n');
  return { to: facts.to, subject: `Your ${ROW_WORDS[facts.type]} export failed`, text, html };
}
