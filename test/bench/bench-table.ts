/** One line of the bench table (and of its JSON). Empty cells are undefined. */
export type BenchRow = {
  section: 'limit' | 'exports' | 'naive' | 'latency' | 'search';
  case: string;
  wallSeconds?: number;
  rows?: number;
  rowsPerSecond?: number;
  /** Uncompressed MB/s (limit and naive only: the export engine does not see its raw bytes). */
  rawMbPerSecond?: number;
  /** rows/s over the limit's rows/s for the same type and format. */
  ratioToLimit?: number;
  peakRssMb?: number;
  /** gzip bytes, in MB. */
  outputMb?: number;
  p50Ms?: number;
  p95Ms?: number;
  note?: string;
};

/** Nearest-rank percentile; NaN for no values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const COLUMNS: { title: string; cell: (row: BenchRow) => string; right?: boolean }[] = [
  { title: 'section', cell: (r) => r.section },
  { title: 'case', cell: (r) => r.case },
  { title: 'wall s', cell: (r) => fixed(r.wallSeconds, 2), right: true },
  { title: 'rows/s', cell: (r) => (r.rowsPerSecond === undefined ? '' : Math.round(r.rowsPerSecond).toLocaleString('en')), right: true },
  { title: 'raw MB/s', cell: (r) => fixed(r.rawMbPerSecond, 1), right: true },
  { title: '× limit', cell: (r) => fixed(r.ratioToLimit, 2), right: true },
  { title: 'peak RSS MB', cell: (r) => fixed(r.peakRssMb, 0), right: true },
  { title: 'output MB', cell: (r) => fixed(r.outputMb, 1), right: true },
  { title: 'p50 ms', cell: (r) => fixed(r.p50Ms, r.p50Ms !== undefined && r.p50Ms < 10 ? 1 : 0), right: true },
  { title: 'p95 ms', cell: (r) => fixed(r.p95Ms, r.p95Ms !== undefined && r.p95Ms < 10 ? 1 : 0), right: true },
  { title: 'note', cell: (r) => r.note ?? '' },
];

function fixed(value: number | undefined, digits: number): string {
  return value === undefined || Number.isNaN(value) ? '' : value.toFixed(digits);
}

/** An aligned plain-text table; `markdown` gives the same as a Markdown table (for the README). */
export function formatTable(rows: BenchRow[], markdown = false): string {
  const cells = rows.map((row) => COLUMNS.map((c) => c.cell(row)));
  if (markdown) {
    const head = `| ${COLUMNS.map((c) => c.title).join(' | ')} |\n|${COLUMNS.map((c) => (c.right ? '---:' : '---')).join('|')}|`;
    return [head, ...cells.map((line) => `| ${line.join(' | ')} |`)].join('\n');
  }
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((line) => line[i].length)));
  const pad = (text: string, i: number) => (COLUMNS[i].right ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const lines = [COLUMNS.map((c, i) => pad(c.title, i)).join('  ').trimEnd(), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const line of cells) lines.push(line.map(pad).join('  ').trimEnd());
  return lines.join('\n');
}
