import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHistorian, loadManifest, ManifestError, RejectedEntryError } from '../../src/index.js';
import { openLogger, useTempDir } from './helpers.js';

/** Writes a manifest with one text_file provider (after a memory one) and returns its path. */
function manifestWith(dir: string, textFile: string): string {
  const file = join(dir, 'agents.yml');
  writeFileSync(file, `agents: {}\nstorage:\n  providers:\n    - type: memory\n    - type: text_file\n      path: chat.log\n${textFile}`);
  return file;
}

async function manifestError(manifest: string): Promise<ManifestError> {
  const error = await createHistorian(manifest).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ManifestError);
  return error as ManifestError;
}

describe('template problems are manifest errors', () => {
  const tempDir = useTempDir();

  it('a syntax error names the manifest key and the template file and line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'custom.j2'), '{% macro entry(e) %}\n{{ e.content }\n{% endmacro %}\n');
    const manifest = manifestWith(dir, '      template: custom.j2\n');
    const error = await manifestError(manifest);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ file: manifest, path: 'storage.providers[1].template', line: 7 });
    expect(error.issues[0]!.message).toContain(`template ${join(dir, 'custom.j2')}, line 2, column`);
    expect(error.message).toContain('expected variable end');
  });

  it('a missing template file is reported the same way', async () => {
    const dir = tempDir();
    const error = await manifestError(manifestWith(dir, '      template: nowhere.j2\n'));
    expect(error.issues[0]).toMatchObject({ path: 'storage.providers[1].template' });
    expect(error.issues[0]!.message).toBe(`template ${join(dir, 'nowhere.j2')}: file not found`);
  });

  it('a syntax error in a path template is reported at `path`', async () => {
    const dir = tempDir();
    const file = join(dir, 'agents.yml');
    writeFileSync(file, 'storage:\n  providers:\n    - type: text_file\n      path: "logs/{{ agent_name }.log"\n');
    const error = await manifestError(file);
    expect(error.issues[0]).toMatchObject({ path: 'storage.providers[0].path', line: 4 });
    expect(error.issues[0]!.message).toContain('line 1, column');
  });

  it('check() finds the same problems without opening anything, and open() throws them', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.j2'), '{% for e in entries %}\n{{ e.content | }}\n{% endfor %}');
    const manifest = loadManifest(manifestWith(dir, '      template: bad.j2\n'));
    const provider = manifest.providers[1]!;
    const problems = await provider.definition.check(provider);
    expect(problems).toEqual([{ key: 'template', message: expect.stringContaining(`template ${join(dir, 'bad.j2')}, line 2`) }]);
    await expect(provider.definition.open(provider, { manifest, warn: () => {} })).rejects.toThrow(ManifestError);
  });
});

describe('an entry a template cannot render', () => {
  const tempDir = useTempDir();
  const failing = '{% macro entry(e) %}{% if e.content == "boom" %}{{ e.nope() }}{% endif %}{{ e.content }}\n{% endmacro %}\n';

  it('is set aside in the dead-letter file and reported; the other entries and providers are unaffected', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'fragile.j2'), failing);
    const path = join(dir, 'chat.log');
    const { historian, errors } = await openLogger([{ type: 'text_file', path, template: join(dir, 'fragile.j2') }, { type: 'memory' }]);
    for (const content of ['before', 'boom', 'after']) historian.log({ type: 'message', conversation_id: 'c1', role: 'user', content });
    await historian.flush();
    expect(readFileSync(path, 'utf8')).toBe('before\nafter\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RejectedEntryError);
    expect(errors[0]!.message).toMatch(/text_file: entry .* \(message\) rejected, kept in .*chat\.log\.rejected\.jsonl: .*fragile\.j2: Unable to call `e\["nope"\]`/);
    const letter = JSON.parse(readFileSync(`${path}.rejected.jsonl`, 'utf8'));
    expect(letter.entry.content).toBe('boom');
    const messages = await historian.history().messages({});
    expect(messages.map((m) => m.content)).toEqual(['before', 'boom', 'after']);
    await historian.close();
  });

  it('is still set aside when another file of its batch fails and the batch is retried', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'fragile.j2'), failing);
    mkdirSync(join(dir, 'c2.log'));
    const path = join(dir, '{{ conversation_id }}.log');
    const { historian, errors } = await openLogger([{ type: 'text_file', path, template: join(dir, 'fragile.j2') }], { retryDelay: 1, flushAttempts: 2 });
    for (const content of ['before', 'boom', 'after']) historian.log({ type: 'message', conversation_id: 'c1', role: 'user', content });
    historian.log({ type: 'message', conversation_id: 'c2', role: 'user', content: 'blocked' });
    await expect(historian.flush()).rejects.toThrow(/EISDIR/);
    rmSync(join(dir, 'c2.log'), { recursive: true });
    await historian.flush();
    expect(readFileSync(join(dir, 'c1.log'), 'utf8')).toBe('before\nafter\n');
    expect(readFileSync(join(dir, 'c2.log'), 'utf8')).toBe('blocked\n');
    const letters = readFileSync(join(dir, 'text_file.rejected.jsonl'), 'utf8').trim().split('\n');
    expect(letters.map((line) => JSON.parse(line).entry.content)).toEqual(['boom']);
    expect(errors.filter((e) => e instanceof RejectedEntryError)).toHaveLength(1);
    await historian.close();
  });

  it('in a grouped template, is left out of the file, set aside in the dead-letter file and reported once', async () => {
    const dir = tempDir();
    const grouped = '{% for e in entries %}{% if e.content == "boom" %}{{ e.nope() }}{% endif %}{{ e.content }}\n{% endfor %}';
    writeFileSync(join(dir, 'grouped.j2'), grouped);
    const path = join(dir, 'chat.log');
    const { historian, errors } = await openLogger([{ type: 'text_file', path, template: join(dir, 'grouped.j2') }, { type: 'memory' }]);
    for (const content of ['before', 'boom', 'after']) historian.log({ type: 'message', conversation_id: 'c1', role: 'user', content });
    await historian.flush();
    historian.log({ type: 'message', conversation_id: 'c1', role: 'user', content: 'later' });
    await historian.close();
    expect(readFileSync(path, 'utf8')).toBe('before\nafter\nlater\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RejectedEntryError);
    expect(errors[0]!.message).toContain(`(message) rejected, kept in ${path}.rejected.jsonl`);
    const letters = readFileSync(`${path}.rejected.jsonl`, 'utf8').trim().split('\n');
    expect(letters.map((line) => JSON.parse(line).entry.content)).toEqual(['boom']);
    // The entry as logged, ready to ingest again: not the template's view of it.
    expect(Object.keys(JSON.parse(letters[0]!).entry).sort()).toEqual(['content', 'conversation_id', 'id', 'message_id', 'role', 'seq', 'timestamp', 'type']);
  });
});
