import { describe, expect, it } from 'vitest';
import { linesOf } from '../../src/cli/commands/ingest.js';

async function* chunks(...parts: string[]): AsyncGenerator<string> {
  yield* parts;
}

async function lines(...parts: string[]): Promise<string[]> {
  const all: string[] = [];
  for await (const batch of linesOf(chunks(...parts))) all.push(...batch);
  return all;
}

describe('ingest: lines of the input, read a chunk at a time', () => {
  it('splits on \\n, \\r\\n and a lone \\r, as readline does, keeping empty lines for their numbers', async () => {
    expect(await lines('a\nb\r\nc\rd\n\ne\n')).toEqual(['a', 'b', 'c', 'd', '', 'e']);
  });

  it('joins a line cut between chunks, a \\r\\n cut between its two characters included', async () => {
    expect(await lines('{"a":', '1}\nx\r', '\ny', 'z\n')).toEqual(['{"a":1}', 'x', 'yz']);
  });

  it('keeps a last line without a line break, and a \\r that ends the input ends a line', async () => {
    expect(await lines('a\nb')).toEqual(['a', 'b']);
    expect(await lines('a\r')).toEqual(['a']);
    expect(await lines('a\r', '')).toEqual(['a']);
  });

  it('yields nothing for empty input', async () => {
    expect(await lines()).toEqual([]);
    expect(await lines('', '')).toEqual([]);
  });
});
