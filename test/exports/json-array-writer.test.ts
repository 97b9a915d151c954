import { describe, expect, it } from 'vitest';
import { JsonArrayWriter } from '../../src/writers/json-array-writer.js';

const frame = (chunks: string[]) => {
  const writer = new JsonArrayWriter();
  return Buffer.concat([...chunks.map((c) => writer.write(Buffer.from(c))), writer.end()]).toString();
};

describe('JsonArrayWriter', () => {
  it('frames lines as array elements wherever the chunks are cut', () => {
    const expected = '[\n{"a":1},\n{"b":"x"},\n{"c":[]}\n]\n';
    const input = '{"a":1}\n{"b":"x"}\n{"c":[]}\n';
    for (let cut = 0; cut <= input.length; cut++) {
      expect(frame([input.slice(0, cut), input.slice(cut)])).toBe(expected);
    }
    expect(frame(input.split(''))).toBe(expected);
  });

  it('writes [] when there is no element', () => {
    expect(frame([])).toBe('[]\n');
    expect(frame(['', ''])).toBe('[]\n');
  });

  it('refuses a row COPY had to quote, rather than write an invalid file', () => {
    expect(() => new JsonArrayWriter().write(Buffer.from('\x01{"a":"x\ny"}\x01\n'))).toThrow(/quoted by COPY/);
  });
});
