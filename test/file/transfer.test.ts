import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHistorian, defineProvider, validateEntry, type Entry } from '../../src/index.js';
import { GROUP_NAMES, GROUP_OF, type GroupName } from '../../src/formats/codec.js';
import { loadCodec } from '../../src/formats/codecs.js';
import { exportHistory, importEntries, readEntries } from '../../src/transfer/transfer.js';
import { SESSION } from '../contract/session.js';
import { CLI } from '../cli/run.js';

const run = promisify(execFile);

/** Runs the built CLI; resolves with its exit code and output instead of throwing. */
async function historian(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The session of the contract suite, stamped as the logger would (ids, seq). */
const STAMPED: Entry[] = SESSION.map((input, i) => {
  const entry = { id: `e${i}`, ...validateEntry(input), seq: i + 1 } as Entry;
  return entry.type === 'message' ? { ...entry, message_id: entry.message_id ?? entry.id } : entry;
});

const ids = (text: string) => text.trimEnd().split('\n').map((line) => (JSON.parse(line) as Entry).id);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'historian-transfer-'));
  await writeFile(join(dir, 'source.jsonl'), STAMPED.map((e) => `${JSON.stringify(e)}\n`).join(''));
  await writeFile(join(dir, 'agents.yml'), 'agents: {}\nstorage:\n  providers:\n    - type: file\n      path: store/history.yaml\n');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('historian import / export', () => {
  it('imports a file through the manifest, and re-importing it stores nothing new', async () => {
    const first = await historian(dir, 'import', 'source.jsonl', '-c', 'agents.yml');
    expect(first).toMatchObject({ code: 0, stderr: `historian: imported ${STAMPED.length} entries from source.jsonl (jsonl)\n` });
    expect((await historian(dir, 'import', 'source.jsonl', '-c', 'agents.yml')).code).toBe(0);
    expect((await historian(dir, 'export', '--to', 'back.jsonl', '-c', 'agents.yml')).code).toBe(0);
    expect(ids(await readFile(join(dir, 'back.jsonl'), 'utf8')).sort()).toEqual(STAMPED.map((e) => e.id).sort());
  });

  for (const ext of ['json', 'yaml', 'toml', 'ini', 'jsonl']) {
    it(`exports to .${ext} and imports it back unchanged`, async () => {
      await historian(dir, 'import', 'source.jsonl', '-c', 'agents.yml');
      const exported = await historian(dir, 'export', '--to', `out.${ext}`, '-c', 'agents.yml');
      expect(exported).toMatchObject({ code: 0, stderr: `historian: exported ${STAMPED.length} entries from file to out.${ext} (${ext})\n` });
      await writeFile(join(dir, 'other.yml'), 'storage:\n  providers:\n    - type: file\n      path: other.json\n');
      expect((await historian(dir, 'import', `out.${ext}`, '-c', 'other.yml')).code).toBe(0);
      const stored = JSON.parse(await readFile(join(dir, 'other.json'), 'utf8')) as Record<string, Entry[]>;
      const back = Object.values(stored).flat().map(({ seq: _seq, ...entry }) => entry);
      const expected = STAMPED.map(({ seq: _seq, ...entry }) => entry);
      const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
      expect(back.sort(byId)).toEqual(expected.sort(byId));
    });
  }

  it('exports Markdown: a section per conversation, commands at the end', async () => {
    await historian(dir, 'import', 'source.jsonl', '-c', 'agents.yml');
    expect((await historian(dir, 'export', '--to', 'history.md', '-c', 'agents.yml')).code).toBe(0);
    const markdown = await readFile(join(dir, 'history.md'), 'utf8');
    const headings = markdown.split('\n').filter((line) => line.startsWith('## '));
    expect(headings).toEqual(['## Conversation c4', '## Conversation c1', '## Conversation c2', '## Conversation c3', '## Commands']);
    expect(markdown).toContain('Agent: planner · started 2026-11-20T10:00:00.000Z');
    expect(markdown).toContain('#### tool search');
    expect(markdown).toContain('Résumé ✓ 数据 — "quoted"');
    expect(markdown).toMatch(/## Commands\n\n- 2026-11-20T11:00:00.000Z — \*\*planner\*\* in session `s1` \(shell\): `deploy --dry-run`/);
  });

  it('refuses an unknown extension or a Markdown import as bad usage', async () => {
    expect(await historian(dir, 'export', '--to', 'out.txt', '-c', 'agents.yml')).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot pick a format for out.txt') });
    await writeFile(join(dir, 'notes.md'), '# notes\n');
    expect(await historian(dir, 'import', 'notes.md', '-c', 'agents.yml')).toMatchObject({ code: 2, stderr: expect.stringContaining('export-only') });
  });

  it('names the file and position of a corrupt import, logging nothing', async () => {
    await writeFile(join(dir, 'bad.json'), '{"messages": [\n  {"type": "message",}\n]}\n');
    const result = await historian(dir, 'import', 'bad.json', '-c', 'agents.yml');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('bad.json:2:');
  });
});

describe('exportHistory / readEntries (library)', () => {
  it('exports what a provider holds and reads it back', async () => {
    const memory = await createHistorian({ providers: [{ type: 'memory' }] });
    for (const entry of STAMPED) memory.log(entry);
    await memory.flush();
    const path = join(dir, 'copy.toml');
    expect(await exportHistory(memory.history(), path)).toMatchObject({ entries: STAMPED.length, format: 'toml' });
    const { entries } = await readEntries(path);
    expect(entries.map((e) => e.id)).toEqual((await readEntries(join(dir, 'source.jsonl'))).entries.map((e) => e.id));
    await memory.close();
  });

  it('refuses to export characters the encoding cannot hold', async () => {
    const memory = await createHistorian({ providers: [{ type: 'memory' }] });
    memory.log(STAMPED[10]!);
    await memory.flush();
    await expect(exportHistory(memory.history(), join(dir, 'out.yaml'), { encoding: 'ascii' })).rejects.toThrow('cannot be written in ascii');
    await memory.close();
  });
});

/** `count` messages as JSON Lines, stamped, one conversation per 50. */
function messageLines(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return JSON.stringify({ type: 'message', id: `m${i}`, conversation_id: `c${i % 50}`, role: 'user', content: `message ${i}`, timestamp: new Date(1e12 + i).toISOString(), seq: i + 1 });
  });
}

async function storedIds(historian: Awaited<ReturnType<typeof createHistorian>>, provider?: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of historian.history(provider).entries()) found.push(entry.id);
  return found;
}

describe('streaming transfer', () => {
  it('exports each document format with the bytes of the document encoded whole, leaving no spilled parts behind', async () => {
    const memory = await createHistorian({ providers: [{ type: 'memory' }] });
    for (const entry of STAMPED) memory.log(entry);
    await memory.flush();
    const stored: Entry[] = [];
    for await (const entry of memory.history().entries()) stored.push(entry);
    for (const format of ['json', 'yaml', 'toml', 'ini'] as const) {
      const codec = await loadCodec(format);
      const parts = Object.fromEntries(GROUP_NAMES.map((group) => [group, [] as string[]])) as Record<GroupName, string[]>;
      for (const entry of stored) parts[GROUP_OF[entry.type]].push(codec.encodeEntry(entry, GROUP_OF[entry.type], parts[GROUP_OF[entry.type]].length));
      await exportHistory(memory.history(), join(dir, `whole.${format}`));
      expect(await readFile(join(dir, `whole.${format}`), 'utf8')).toBe(codec.assemble(parts, (framing) => framing).join(''));
    }
    expect((await readdir(dir)).filter((name) => name.includes('.parts-'))).toEqual([]);
    await memory.close();
  });

  it('imports a JSON Lines file as a stream: a bad line stops it there, and importing the fixed file adds only the rest', async () => {
    const lines = messageLines(25_000);
    const bad = [...lines.slice(0, 20_000), '{"type": "message",', ...lines.slice(20_000)];
    await writeFile(join(dir, 'big.jsonl'), `${bad.join('\n')}\n`);
    const memory = await createHistorian({ providers: [{ type: 'memory' }] });
    await expect(importEntries(memory, join(dir, 'big.jsonl'))).rejects.toThrow(`big.jsonl:20001:`);
    expect((await storedIds(memory)).length).toBe(20_000);
    await writeFile(join(dir, 'big.jsonl'), `${lines.join('\n')}\n`);
    expect(await importEntries(memory, join(dir, 'big.jsonl'))).toMatchObject({ entries: 25_000, format: 'jsonl', warnings: [] });
    expect(await storedIds(memory)).toEqual(lines.map((_, i) => `m${i}`));
    await memory.close();
  });

  it('reports a torn last line of a streamed import as a warning and imports the rest', async () => {
    await writeFile(join(dir, 'torn.jsonl'), `${messageLines(3).join('\n')}\n{"type": "mess`);
    const memory = await createHistorian({ providers: [{ type: 'memory' }] });
    expect(await importEntries(memory, join(dir, 'torn.jsonl'))).toMatchObject({ entries: 3, warnings: [`${join(dir, 'torn.jsonl')}:4: ignored a torn last line`] });
    await memory.close();
  });

  it('stops an import at its next wait when a provider keeps failing, with that provider\'s error; the others keep what came before', async () => {
    await writeFile(join(dir, 'big.jsonl'), `${messageLines(25_000).join('\n')}\n`);
    const failing = defineProvider({
      type: 'failing',
      open: () => ({
        write: async () => {
          throw new Error('disk on fire');
        },
        close: async () => undefined,
      }),
    });
    const historian = await createHistorian(
      { providers: [{ type: 'memory', name: 'kept' }, { type: 'failing', name: 'broken' }] },
      { providers: [failing], retryDelay: 1, flushAttempts: 2, onError: () => undefined },
    );
    await expect(importEntries(historian, join(dir, 'big.jsonl'))).rejects.toThrow(/broken: .*disk on fire/);
    const kept = await storedIds(historian, 'kept');
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(25_000);
    expect(historian.pending().broken).toBe(kept.length);
    await historian.close().catch(() => undefined);
  });
});
