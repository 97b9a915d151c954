import { describe, expect, it } from 'vitest';
import { JsonArraySplitter } from '../../src/import/json-array-splitter.js';

/** Splits `text` fed in chunks of `size` bytes; returns the elements' texts. */
function split(text: string | Buffer, size = Infinity): string[] {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const splitter = new JsonArraySplitter();
  const out: string[] = [];
  const step = Math.min(size, Math.max(bytes.length, 1));
  for (let i = 0; i < bytes.length; i += step) {
    // A fresh copy per chunk: the splitter must not keep views of memory the caller reuses.
    const chunk = Buffer.from(bytes.subarray(i, i + step));
    for (const element of splitter.push(chunk)) out.push(element.text.toString('utf8'));
    chunk.fill(0);
  }
  splitter.end();
  return out;
}

const errorOf = (text: string) => {
  try {
    split(text);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

describe('JsonArraySplitter', () => {
  // Strings holding every character that matters to framing: brackets, braces, commas, quotes,
  // backslashes (an escaped quote, an escaped backslash before a closing quote), multi-byte UTF-8.
  const elements = [
    { id: 'a', s: 'x ] } , [ {', q: 'say "hi"', b: 'ends with backslash \\', u: 'Zoë — 日本 🎉', n: null },
    [1, [2, [3]], { k: '"]' }],
    'a plain "string" with \\ and ]',
    42.5e-3,
    true,
    null,
    { nested: { deeper: { deepest: ['\\"', '\\\\'] } } },
  ];
  const file = `\uFEFF [\n${elements.map((e) => JSON.stringify(e)).join(' ,\n ')}\r\n]\n\n`;

  it('cuts an array into its elements wherever the chunks are cut, down to one byte', () => {
    const expected = elements.map((e) => JSON.stringify(e));
    const bytes = Buffer.from(file);
    for (const size of [1, 2, 3, 5, 7, 13, 64, bytes.length]) {
      expect(split(bytes, size), `chunks of ${size}`).toEqual(expected);
    }
  });

  it('reports index and byte offset of each element', () => {
    const splitter = new JsonArraySplitter();
    const out = splitter.push(Buffer.from('[{"a":1}, {"b":"é"} ,3]'));
    expect(out.map((e) => [e.index, e.byteOffset])).toEqual([[0, 1], [1, 10], [2, 22]]);
  });

  it('accepts an empty array, with or without whitespace', () => {
    expect(split('[]')).toEqual([]);
    expect(split(' [ \n ] \n', 1)).toEqual([]);
  });

  it('rejects what is not one JSON array, saying where', () => {
    expect(errorOf('')).toBe('the file is empty: expected a JSON array (byte 0)');
    expect(errorOf('{"id": 1}')).toBe('the file is not a JSON array: it starts with "{" (byte 0)');
    expect(errorOf('[{"a":1} {"b":2}]')).toBe('after element 0: expected "," or "]", found "{" (byte 9)');
    expect(errorOf('[{"a":1},]')).toBe('element 1: expected a value, found "]" (byte 9)');
    expect(errorOf('[,{"a":1}]')).toBe('element 0: expected a value, found "," (byte 1)');
    expect(errorOf('[{"a":1}] x')).toBe('unexpected "x" after the end of the array (byte 10)');
    expect(errorOf('[{"a":1}][]')).toBe('unexpected "[" after the end of the array (byte 9)');
  });

  it('rejects a truncated file, naming the element it ends in', () => {
    expect(errorOf('[{"a":1},{"b":"x]}')).toBe('the file ends inside element 1 (which starts at byte 9): it is truncated (byte 18)');
    expect(errorOf('[{"a":1},')).toBe('the file ends before the array is closed (after 1 elements): it is truncated (byte 9)');
    expect(errorOf('[{"a":1}')).toBe('the file ends before the array is closed (after 1 elements): it is truncated (byte 8)');
    expect(errorOf('[12')).toBe('the file ends inside element 0 (which starts at byte 1): it is truncated (byte 3)');
  });
});
