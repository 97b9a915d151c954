import { Writable } from 'node:stream';
import zlib from 'node:zlib';
import pg from 'pg';
import { parseExportParams } from '../../src/exports/export-params.js';
import { EXPORT_TYPES } from '../../src/writers/export-fields.js';
import { writeExportFile, type ExportProgress, type WriteExportFileOptions } from '../../src/exports/write-export-file.js';

/** A sink collecting what it receives. */
export class MemorySink extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    callback();
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export type ExportRunResult = { text: string; gzipBytes: number; result: ExportProgress; progress: ExportProgress[] };

/** Runs one export of `body` (any type, `opps` included) on a fresh connection and returns the decompressed file. */
export async function runExport(
  url: string,
  organizationId: string,
  body: Record<string, unknown>,
  extra: Partial<WriteExportFileOptions> = {},
): Promise<ExportRunResult> {
  const connection = new pg.Client({ connectionString: url });
  await connection.connect();
  try {
    const sink = new MemorySink();
    const progress: ExportProgress[] = [];
    const result = await writeExportFile({
      connection,
      organizationId,
      params: parseExportParams(body, [...EXPORT_TYPES, 'opps']),
      sink,
      onProgress: (p) => progress.push(p),
      ...extra,
    });
    const bytes = sink.bytes();
    return { text: zlib.gunzipSync(bytes).toString('utf8'), gzipBytes: bytes.length, result, progress };
  } finally {
    await connection.end();
  }
}

/** RFC 4180 parser for the tests (quoted cells, doubled quotes, LF or CRLF line ends). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      if (ch === '\r') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** CSV rows as objects keyed by header. */
export function csvRecords(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}
