import type { ExportRecord } from './export-record.js';

const KIND_WORDS: Record<ExportRecord['type'], string> = {
  leads: 'leads',
  contacts: 'contacts',
  lead_opps: 'opportunities',
  opps: 'opportunities',
};

/**
 * The name users know from Close's downloads: "{organization} {kind} {YYYY-MM-DD HH-MM}.{csv|json}",
 * e.g. "Demo Co leads 2026-11-27 05-12.csv", stamped with the export's creation time in UTC.
 */
export function exportFileName(organizationName: string, record: Pick<ExportRecord, 'type' | 'format' | 'date_created'>): string {
  const stamp = record.date_created.toISOString().slice(0, 16).replace('T', ' ').replace(':', '-');
  const safeOrganization = organizationName.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').trim() || 'Export';
  return `${safeOrganization} ${KIND_WORDS[record.type]} ${stamp}.${record.format}`;
}

/** `Content-Disposition` with an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
