import { AppError } from '../errors/app-error.js';

/** One element of the top-level array: its raw UTF-8 text, its 0-based index and where it starts. */
export type JsonArrayElement = { index: number; text: Buffer; byteOffset: number };

/** Refuses an element larger than this: a lead with all its activities is a few hundred KiB at most. */
export const MAX_ELEMENT_BYTES = 64 * 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

const BOM = [0xef, 0xbb, 0xbf];

const isWhitespace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

type State = 'start' | 'first-element-or-end' | 'element-or-end' | 'in-element' | 'separator-or-end' | 'after-array';

/**
 * Cuts a JSON array arriving in chunks (cut anywhere) into the raw text of its elements, without
 * parsing them: the caller `JSON.parse`s each element on its own. Pure: bytes in, elements out.
 *
 * Why not a streaming token parser (stream-json and the like): those build every value in
 * JavaScript token by token, several times slower than the native `JSON.parse`; our elements are
 * bounded (one lead each), so only the array framing needs to stream. Memory stays at one
 * element plus one chunk.
 *
 * It tracks only what framing needs: strings (with escapes) and bracket depth. Everything else
 * (a stray comma inside an object, a bad number) is left to `JSON.parse` of the element.
 * UTF-8 needs no care: every byte it looks at is ASCII, which never occurs inside a multi-byte
 * character. A UTF-8 byte-order mark is skipped.
 *
 * Throws AppError BAD_USER_INPUT for a file that is not one JSON array, naming the byte offset
 * (of the decompressed text) and the element.
 */
export class JsonArraySplitter {
  private state: State = 'start';
  /** Bytes seen before the current chunk. */
  private consumed = 0;
  private index = 0;
  /** Of the element being read: its pieces from earlier chunks, start, nesting, string state. */
  private pieces: Buffer[] = [];
  private pieceBytes = 0;
  private elementStart = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The element is a bare scalar (number, true, …): it ends at a separator, `]` or whitespace. */
  private scalar = false;
  private bomBytes = 0;

  /** The elements completed by `chunk`, in order. */
  push(chunk: Buffer): JsonArrayElement[] {
    const out: JsonArrayElement[] = [];
    let i = 0;
    let from = -1; // start of the current element within this chunk, -1 if it began earlier
    const n = chunk.length;
    while (i < n) {
      const byte = chunk[i];
      switch (this.state) {
        case 'in-element': {
          // The hot loop: scan the element's bytes until it closes.
          let end = -1;
          if (this.scalar) {
            while (i < n) {
              const b = chunk[i];
              if (b === COMMA || b === CLOSE_BRACKET || isWhitespace(b)) {
                end = i;
                break;
              }
              i++;
            }
          } else {
            let depth = this.depth;
            let inString = this.inString;
            let escaped = this.escaped;
            while (i < n) {
              const b = chunk[i++];
              if (inString) {
                if (escaped) escaped = false;
                else if (b === BACKSLASH) escaped = true;
                else if (b === QUOTE) {
                  inString = false;
                  if (depth === 0) {
                    end = i;
                    break;
                  }
                }
              } else if (b === QUOTE) inString = true;
              else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
              else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
                if (--depth === 0) {
                  end = i;
                  break;
                }
              }
            }
            this.depth = depth;
            this.inString = inString;
            this.escaped = escaped;
          }
          if (end === -1) {
            this.keep(chunk.subarray(from === -1 ? 0 : from));
            from = -1;
          } else {
            out.push(this.finishElement(chunk.subarray(from === -1 ? 0 : from, end)));
            from = -1;
            this.state = 'separator-or-end';
            i = end;
          }
          break;
        }
        case 'start':
          // A byte-order mark, possibly cut across chunks, is skipped.
          if (this.consumed + i < BOM.length && this.consumed + i === this.bomBytes && byte === BOM[this.bomBytes]) {
            this.bomBytes++;
            i++;
          } else if (isWhitespace(byte)) i++;
          else if (byte === OPEN_BRACKET) {
            this.state = 'first-element-or-end';
            i++;
          } else throw this.error(`the file is not a JSON array: it starts with ${describeByte(byte)}`, this.consumed + i);
          break;
        case 'first-element-or-end':
        case 'element-or-end':
          if (isWhitespace(byte)) i++;
          else if (byte === CLOSE_BRACKET && this.state === 'first-element-or-end') {
            this.state = 'after-array';
            i++;
          } else if (byte === COMMA || byte === CLOSE_BRACKET) {
            throw this.error(`element ${this.index}: expected a value, found ${describeByte(byte)}`, this.consumed + i);
          } else {
            this.state = 'in-element';
            this.elementStart = this.consumed + i;
            this.depth = 0;
            this.inString = false;
            this.escaped = false;
            this.scalar = byte !== OPEN_BRACE && byte !== OPEN_BRACKET && byte !== QUOTE;
            from = i;
          }
          break;
        case 'separator-or-end':
          if (isWhitespace(byte)) i++;
          else if (byte === COMMA) {
            this.state = 'element-or-end';
            i++;
          } else if (byte === CLOSE_BRACKET) {
            this.state = 'after-array';
            i++;
          } else throw this.error(`after element ${this.index - 1}: expected "," or "]", found ${describeByte(byte)}`, this.consumed + i);
          break;
        case 'after-array':
          if (isWhitespace(byte)) i++;
          else throw this.error(`unexpected ${describeByte(byte)} after the end of the array`, this.consumed + i);
          break;
      }
    }
    this.consumed += n;
    return out;
  }

  /** Checks that the input ended with the array closed. */
  end(): void {
    switch (this.state) {
      case 'after-array':
        return;
      case 'start':
        throw this.error('the file is empty: expected a JSON array', 0);
      case 'in-element':
        // A scalar at the very end may be complete, but the array around it is not closed.
        throw this.error(`the file ends inside element ${this.index} (which starts at byte ${this.elementStart}): it is truncated`, this.consumed);
      default:
        throw this.error(`the file ends before the array is closed (after ${this.index} elements): it is truncated`, this.consumed);
    }
  }

  private keep(piece: Buffer): void {
    if (piece.length === 0) return;
    this.pieceBytes += piece.length;
    if (this.pieceBytes > MAX_ELEMENT_BYTES) {
      throw this.error(`element ${this.index} is larger than ${MAX_ELEMENT_BYTES / 1024 / 1024} MiB`, this.elementStart);
    }
    // Copied: the caller may reuse the chunk's memory.
    this.pieces.push(Buffer.from(piece));
  }

  private finishElement(last: Buffer): JsonArrayElement {
    let text: Buffer;
    if (this.pieces.length === 0) text = last;
    else {
      text = Buffer.concat([...this.pieces, last], this.pieceBytes + last.length);
      this.pieces = [];
      this.pieceBytes = 0;
    }
    if (text.length > MAX_ELEMENT_BYTES) {
      throw this.error(`element ${this.index} is larger than ${MAX_ELEMENT_BYTES / 1024 / 1024} MiB`, this.elementStart);
    }
    return { index: this.index++, text, byteOffset: this.elementStart };
  }

  /** `byte`: offset in the whole (decompressed) input. */
  private error(message: string, byte: number): AppError {
    return new AppError('BAD_USER_INPUT', `${message} (byte ${byte})`, { details: { fieldErrors: { file: message } } });
  }
}

function describeByte(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? `"${String.fromCharCode(byte)}"` : `byte 0x${byte.toString(16).padStart(2, '0')}`;
}
