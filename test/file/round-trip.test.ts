import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStorage, type Entry } from '../../src/index.js';
import { GROUP_NAMES, GROUP_OF, type GroupName } from '../../src/formats/codec.js';
import { loadCodec } from '../../src/formats/codecs.js';
import { decodeLines, encodeLine } from '../../src/formats/jsonl.js';
import { toEntry } from '../../src/formats/load.js';
import { fileProvider } from '../../src/providers/file/index.js';
import { byId, entries, onceKey } from './arbitraries.js';

const DOCUMENTS = ['json', 'yaml', 'toml', 'ini'] as const;

const codecs = Object.fromEntries(await Promise.all(DOCUMENTS.map(async (format) => [format, await loadCodec(format)] as const)));

function documentRoundTrip(format: (typeof DOCUMENTS)[number], list: Entry[]): Entry[] {
  const codec = codecs[format]!;
  const parts = Object.fromEntries(GROUP_NAMES.map((group) => [group, [] as string[]])) as Record<GroupName, string[]>;
  for (const entry of list) {
    const group = GROUP_OF[entry.type];
    parts[group].push(codec.encodeEntry(entry, group, parts[group].length));
  }
  return codec.decode(codec.assemble(parts, (framing) => framing).join('')).map(toEntry);
}

describe('file codecs read back exactly the entries written', () => {
  for (const format of DOCUMENTS) {
    it(`${format}: any entries of the schema`, () => {
      fc.assert(
        fc.property(entries(12), (list) => {
          expect(byId(documentRoundTrip(format, list))).toEqual(byId(list));
        }),
        { numRuns: 200 },
      );
    });
  }

  it('jsonl: any entries of the schema', () => {
    fc.assert(
      fc.property(entries(12), (list) => {
        const text = list.map((entry) => encodeLine(entry, false)).join('');
        expect(decodeLines(text).entries.map(toEntry)).toEqual(list);
      }),
      { numRuns: 200 },
    );
  });
});

function withoutSeq({ seq: _seq, ...entry }: Entry): Omit<Entry, 'seq'> {
  return entry;
}

describe('file provider keeps entries across close and reopen', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'historian-file-roundtrip-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const warn = () => undefined;
  async function open(path: string, encoding: BufferEncoding) {
    const manifest = resolveStorage({ providers: [{ type: 'file', path, encoding: encoding as 'utf-8' }] });
    return fileProvider.open(manifest.providers[0] as never, { manifest, warn });
  }
  async function stored(path: string, encoding: BufferEncoding): Promise<Entry[]> {
    const provider = await open(path, encoding);
    const found: Entry[] = [];
    for await (const entry of provider.reader!.entries({})) found.push(entry);
    await provider.close();
    return found;
  }

  const cases = [...DOCUMENTS, 'jsonl'].flatMap((format) => [
    { format, encoding: 'utf-8' as BufferEncoding },
    { format, encoding: 'utf16le' as BufferEncoding },
  ]);
  for (const { format, encoding } of cases) {
    it(`${format} in ${encoding}`, async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(entries(8), entries(8), async (first, second) => {
          const path = join(dir, `run-${encoding}-${run++}.${format}`);
          const ids = new Set(first.map((e) => e.id));
          const keys = new Set(first.map(onceKey));
          const later = second.filter((e) => !ids.has(e.id) && (onceKey(e) === undefined || !keys.has(onceKey(e))));
          // Two sessions: the second appends to what the first left.
          for (const batch of [first, later]) {
            const provider = await open(path, encoding);
            await provider.write(batch.map((entry) => ({ entry, agent: null, fresh: false })));
            await provider.close();
          }
          const back = await stored(path, encoding);
          expect(byId(back).map(withoutSeq)).toEqual(byId([...first, ...later]).map(withoutSeq));
          // Each entry is numbered after those stored before it, so ties in time keep the order written.
          const seqOf = new Map(back.map((e) => [e.id, e.seq]));
          const seqs = [...first, ...later].map((e) => seqOf.get(e.id)!);
          expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
          expect(new Set(seqs).size).toBe(seqs.length);
        }),
        { numRuns: 25 },
      );
    });
  }
});
