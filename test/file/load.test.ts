import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHistorian, ManifestError, parseManifest, ProviderError, type Entry } from '../../src/index.js';
import { openProvider, record } from '../reliability/helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'historian-file-load-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const open = (path: string, warnings: ProviderError[] = [], extra: Record<string, unknown> = {}) =>
  createHistorian({ providers: [{ type: 'file', path, ...extra }] }, { flushInterval: 5, onError: (e) => warnings.push(e) });

async function allEntries(path: string, extra: Record<string, unknown> = {}): Promise<Entry[]> {
  const historian = await open(path, [], extra);
  const found: Entry[] = [];
  for await (const entry of historian.history().entries()) found.push(entry);
  await historian.close();
  return found;
}

const message = (id: string, content = 'hello') => ({ type: 'message' as const, id, conversation_id: 'c1', role: 'user', content });

describe('loading an existing file', () => {
  const corrupt = [
    { format: 'json', text: '{\n  "messages": [\n    {"type": "message",, }\n  ]\n}\n', at: ':3:' },
    { format: 'yaml', text: 'messages:\n  - type: message\n    content: [unclosed\n', at: ':4:' },
    { format: 'toml', text: '[[messages]]\ntype = "message"\ncontent = \n', at: ':3:' },
  ];
  for (const { format, text, at } of corrupt) {
    it(`refuses a ${format} file that does not parse, naming file and position, and leaves it untouched`, async () => {
      const path = join(dir, `history.${format}`);
      await writeFile(path, text);
      const error = await open(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as Error).message).toContain(`${path}${at}`);
      expect(await readFile(path, 'utf8')).toBe(text);
    });
  }

  it('a jsonl file that does not parse: queries fail naming file and position; appends go on and leave the line untouched', async () => {
    const path = join(dir, 'history.jsonl');
    const text = '{"type":"command"}\n{not json}\n{"a":1}\n';
    await writeFile(path, text);
    const historian = await open(path);
    const failure = await historian.history().conversations().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as Error).message).toContain(`${path}:2:2:`);
    historian.log(message('m1'));
    await historian.flush();
    await historian.close();
    const after = await readFile(path, 'utf8');
    expect(after.startsWith(text)).toBe(true);
    expect(after.slice(text.length)).toContain('"id":"m1"');
  });

  it('a jsonl line that is JSON but no valid entry fails the queries that read it, naming its line', async () => {
    const path = join(dir, 'history.jsonl');
    await writeFile(path, `${JSON.stringify({ ...message('m1'), timestamp: '2026-11-20T10:00:00.000Z', seq: 1 })}\n{"type":"message","id":"m2"}\n`);
    const historian = await open(path);
    await expect(historian.history().messages()).rejects.toThrow(`${path}:2:1: line 2: invalid entry`);
    await historian.close();
  });

  it('refuses an entry that breaks the schema, naming where it is', async () => {
    const path = join(dir, 'history.ini');
    await writeFile(path, '[messages.1]\ntype=message\nid=m1\ntimestamp=2026-11-20T10:00:00.000Z\nseq=1\nconversation_id=c1\ncontent=hi\n');
    await expect(open(path)).rejects.toThrow(`${path}:1:1: messages[0]: invalid entry: role`);
  });

  it('refuses an entry without its id, timestamp or seq', async () => {
    const path = join(dir, 'history.json');
    await writeFile(path, JSON.stringify({ messages: [message('m1')] }));
    await expect(open(path)).rejects.toThrow('messages[0]: missing timestamp');
  });

  it('starts empty from a missing file (creating its folder) or an empty one', async () => {
    expect(await allEntries(join(dir, 'new', 'deeper', 'history.json'))).toEqual([]);
    await writeFile(join(dir, 'empty.yaml'), '');
    expect(await allEntries(join(dir, 'empty.yaml'))).toEqual([]);
  });

  it('accumulates history across restarts', async () => {
    const path = join(dir, 'history.toml');
    for (const id of ['m1', 'm2']) {
      const historian = await open(path);
      historian.log(message(id));
      await historian.close();
    }
    expect((await allEntries(path)).map((e) => e.id)).toEqual(['m1', 'm2']);
  });
});

describe('JSON Lines', () => {
  it('ignores a torn last line with a warning, and the next append does not continue it', async () => {
    const path = join(dir, 'history.jsonl');
    const good = JSON.stringify({ ...message('m1'), timestamp: '2026-11-20T10:00:00.000Z', seq: 1 });
    await writeFile(path, `${good}\n{"type":"message","id":"m2","conte`);
    const warnings: ProviderError[] = [];
    const historian = await open(path, warnings);
    expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining(`${path}:2: ignored a torn last line`)]);
    historian.log(message('m3'));
    await historian.close();
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).id)).toEqual(['m1', 'm3']);
  });

  it('starts a new line after a last line that lacks its newline', async () => {
    const path = join(dir, 'history.ndjson');
    await writeFile(path, JSON.stringify({ ...message('m1'), timestamp: '2026-11-20T10:00:00.000Z', seq: 1 }));
    const historian = await open(path);
    historian.log(message('m2'));
    await historian.close();
    expect((await allEntries(path)).map((e) => e.id)).toEqual(['m1', 'm2']);
  });

  it('appends one line per entry, the whole entry of SPEC §2', async () => {
    const path = join(dir, 'history.jsonl');
    const historian = await open(path);
    historian.logMessage({ conversation_id: 'c1', role: 'user', content: 'hi' });
    await historian.close();
    const [line] = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(JSON.parse(line!)).toEqual({
      type: 'message', id: expect.any(String), message_id: expect.any(String), seq: 1,
      timestamp: expect.stringMatching(/Z$/), conversation_id: 'c1', role: 'user', content: 'hi',
    });
  });
});

describe('writing', () => {
  it('rewrites atomically and leaves no temporary file behind', async () => {
    const path = join(dir, 'history.json');
    const historian = await open(path);
    for (let i = 0; i < 50; i++) historian.log(message(`m${i}`));
    await historian.flush();
    historian.log(message('last'));
    await historian.close();
    expect(await readdir(dir)).toEqual(['history.json']);
    expect(JSON.parse(await readFile(path, 'utf8')).messages).toHaveLength(51);
  });

  it('persists a reset', async () => {
    const path = join(dir, 'history.yaml');
    const historian = await open(path);
    historian.log(message('m1'));
    await historian.flush();
    await historian.history().reset({});
    await historian.close();
    expect(await allEntries(path)).toEqual([]);
  });

  for (const name of ['history.json', 'history.yaml', 'history.toml', 'history.ini']) {
    it(`${name}: a reset of one agent keeps the other agents' entries`, async () => {
      const path = join(dir, name);
      const historian = await open(path);
      for (const agent of ['alice', 'bob']) {
        historian.logConversationStart({ conversation_id: `${agent}-c`, agent_name: agent });
        historian.log({ ...message(`${agent}-m`), conversation_id: `${agent}-c` });
      }
      await historian.flush();
      expect((await historian.history().reset({ agent: 'bob' })).messages).toBe(1);
      await historian.close();
      expect((await allEntries(path)).map((e) => e.type === 'message' && e.id).filter(Boolean)).toEqual(['alice-m']);
    });
  }

  it('honours the encoding, escaping JSON for ASCII files', async () => {
    const utf16 = join(dir, 'history.yaml');
    let historian = await open(utf16, [], { encoding: 'utf16le' });
    historian.log(message('m1', 'Résumé ✓ 数据'));
    await historian.close();
    expect((await readFile(utf16)).toString('utf16le')).toContain('Résumé ✓ 数据');
    expect((await allEntries(utf16, { encoding: 'utf16le' }))[0]).toMatchObject({ content: 'Résumé ✓ 数据' });

    const ascii = join(dir, 'history.json');
    historian = await open(ascii, [], { encoding: 'ascii' });
    historian.log(message('m1', 'Résumé ✓ 数据'));
    await historian.close();
    expect(await readFile(ascii, 'utf8')).toContain('R\\u00e9sum\\u00e9');
    expect((await allEntries(ascii, { encoding: 'ascii' }))[0]).toMatchObject({ content: 'Résumé ✓ 数据' });
  });

  it('rejects, rather than garbles, an entry the encoding cannot hold, and stores the rest of its batch', async () => {
    const path = join(dir, 'history.toml');
    const { provider } = await openProvider({ type: 'file', path, encoding: 'latin1' });
    const batch = [record(message('m1', 'café'), 1), record(message('m2', '数据'), 2)];
    const rejected = await provider.write(batch);
    await provider.close();
    expect(rejected).toEqual([{ record: batch[1], error: expect.objectContaining({ message: expect.stringContaining('cannot be written to') }) }]);
    expect(rejected![0]!.error.message).toContain('character U+6570 cannot be written in latin1');
    expect(provider.deadLetterPath).toBe(`${path}.rejected.jsonl`);
    expect((await allEntries(path, { encoding: 'latin1' })).map((e) => (e as { content?: string }).content)).toEqual(['café']);
  });
});

describe('manifest', () => {
  it('rejects an unknown extension with format auto, at its line and column', () => {
    const text = 'storage:\n  providers:\n    - type: file\n      path: data/history.txt\n';
    const error = (() => {
      try {
        parseManifest(text, { file: 'agents.yml' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as Error).message).toMatch(/^agents\.yml:4:13: storage\.providers\[0\]\.path: cannot pick a format for extension \.txt: expected one of \.json, \.yaml/);
  });

  it('accepts any extension with an explicit format', () => {
    expect(() => parseManifest('storage:\n  providers:\n    - type: file\n      path: h.txt\n      format: yaml\n')).not.toThrow();
  });
});
