const LF = 0x0a;
const COPY_QUOTE = 0x01;
const OPEN = Buffer.from('[\n');
const SEPARATOR = Buffer.from(',\n');

/**
 * Frames JSON values arriving one per line (COPY's output, in chunks cut anywhere) as one JSON
 * array: `[\n{…},\n{…}\n]\n`, or `[]\n` when there are none. Pure: bytes in, bytes out.
 *
 * A line ends at every LF: PostgreSQL's JSON text has no raw LF, and COPY would have quoted a
 * value containing one, so a quote byte (0x01) in the input means the framing cannot be
 * trusted and `write` throws instead of producing an invalid file.
 */
export class JsonArrayWriter {
  private started = false;
  /** A line ended and its separator waits for the next value (the last one gets none). */
  private pendingSeparator = false;

  /** The bytes to write for `chunk` (a slice of COPY output). */
  write(chunk: Buffer): Buffer {
    if (chunk.length === 0) return chunk;
    if (chunk.includes(COPY_QUOTE)) {
      throw new Error('a JSON export row was quoted by COPY: it contained a raw line break, so the row framing is unsafe');
    }
    const parts: Buffer[] = [];
    if (!this.started) {
      parts.push(OPEN);
      this.started = true;
    }
    let start = 0;
    while (start < chunk.length) {
      if (this.pendingSeparator) {
        parts.push(SEPARATOR);
        this.pendingSeparator = false;
      }
      const lineEnd = chunk.indexOf(LF, start);
      if (lineEnd === -1) {
        parts.push(chunk.subarray(start));
        break;
      }
      parts.push(chunk.subarray(start, lineEnd));
      this.pendingSeparator = true;
      start = lineEnd + 1;
    }
    return Buffer.concat(parts);
  }

  /** The bytes closing the array. */
  end(): Buffer {
    return Buffer.from(this.started ? '\n]\n' : '[]\n');
  }
}
