import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run.js';

// Manifests as people write them (issue 13): typos get a "did you mean", a manifest whose
// indentation was lost is warned about, a default_provider that cannot read fails at load,
// and encodings take their usual spellings.

const dir = mkdtempSync(join(tmpdir(), 'historian-manifest-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;

function manifest(text: string): string {
  const path = join(dir, `agents-${++count}.yml`);
  writeFileSync(path, text);
  return path;
}

describe('a misspelt provider type', () => {
  for (const [typo, meant] of [
    ['sq1', 'sql'],
    ['textfile', 'text_file'],
  ]) {
    it(`suggests "${meant}" for "${typo}", naming line and column`, async () => {
      const path = manifest(`storage:\n  providers:\n    - type: ${typo}\n      path: x.log\n`);
      const { code, stderr } = await runCli(['validate', '-c', path]);
      expect(code).toBe(2);
      expect(stderr).toContain(`${path}:3:13: storage.providers[0].type: unknown provider type "${typo}" (did you mean "${meant}"?); expected type: sql, text_file, file or memory`);
    });
  }
});

describe('storage keys outside storage:', () => {
  const lost = `agents:
  planner: {model: gpt-4o}
storage:
providers:
  - type: file
    path: history.jsonl
default_provider: file
`;

  it('validate warns, naming each key with its line and column, and still validates', async () => {
    const path = manifest(lost);
    const { code, stdout } = await runCli(['validate', '-c', path]);
    expect(code).toBe(0);
    const warning = 'a storage key at the top level, outside storage:, where historian ignores it (indentation lost?); indent it under storage:';
    expect(stdout).toContain(`  warning: ${path}:4:1: providers: ${warning}`);
    expect(stdout).toContain(`  warning: ${path}:7:1: default_provider: ${warning}`);
    // The agent definitions of the manifest are not storage's `agents`.
    expect(stdout).not.toContain(':1:1: agents');
    const json = JSON.parse((await runCli(['validate', '-c', path, '--format', 'json'])).stdout);
    expect(json.warnings).toEqual([`${path}:4:1: providers: ${warning}`, `${path}:7:1: default_provider: ${warning}`]);
  });

  it('every other command prints the warning on standard error when it loads the manifest', async () => {
    const path = manifest(lost);
    const { code, stderr } = await runCli(['ingest', '-', '-c', path], { env: { HISTORIAN_DB_URL: `sqlite:///${join(dir, 'default.db')}` } });
    expect(code).toBe(0);
    expect(stderr).toContain(`historian: warning: ${path}:4:1: providers: a storage key at the top level`);
  });

  it('names a top-level agents list only next to another misplaced key', async () => {
    const alone = manifest('agents: [planner]\nstorage:\n  providers: [{type: memory}]\n');
    expect((await runCli(['validate', '-c', alone])).stdout).not.toContain('warning');
    const next = manifest('storage:\nagents: [planner]\nlog_messages: false\n');
    const { stdout } = await runCli(['validate', '-c', next]);
    expect(stdout).toContain(`${next}:2:1: agents: a storage key`);
    expect(stdout).toContain(`${next}:3:1: log_messages: a storage key`);
  });
});

describe('default_provider naming a provider that cannot read', () => {
  it('is a manifest error at load, naming the key, line and column', async () => {
    const path = manifest(`storage:
  providers:
    - type: text_file
      path: chat.log
    - type: memory
      name: mem
  default_provider: text_file
`);
    for (const args of [['validate'], ['history', 'show']]) {
      const { code, stderr } = await runCli([...args, '-c', path]);
      expect(code).toBe(2);
      expect(stderr).toContain(
        `${path}:7:21: storage.default_provider: default_provider "text_file" names a provider that cannot read history: text_file (text_file) is write-only; name one that can (configured: mem)`,
      );
    }
  });
});

describe('encoding spellings', () => {
  it('accepts UTF-8, utf8, latin-1, UTF_16LE…, and writes the file in that encoding', async () => {
    for (const [spelling, node] of [
      ['UTF-8', 'utf8'],
      ['utf8', 'utf8'],
      ['latin-1', 'latin1'],
      ['ISO-8859-1', 'latin1'],
      ['utf-16le', 'utf16le'],
      ['UTF_16LE', 'utf16le'],
    ] as const) {
      const file = join(dir, `enc-${++count}.jsonl`);
      const path = manifest(`storage:\n  providers:\n    - type: file\n      path: ${file}\n      encoding: ${spelling}\n`);
      expect((await runCli(['validate', '-c', path])).code).toBe(0);
      const entry = { type: 'command', agent_name: 'a', session_id: 's', command: 'café' };
      const { code } = await runCli(['ingest', '-', '-c', path], { input: JSON.stringify(entry) });
      expect(code).toBe(0);
      expect(JSON.parse(readFileSync(file).toString(node)).command).toBe('café');
    }
  });

  it('refuses an unknown encoding, listing the accepted ones', async () => {
    const path = manifest('storage:\n  providers:\n    - type: file\n      path: x.jsonl\n      encoding: cp1252\n');
    const { code, stderr } = await runCli(['validate', '-c', path]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${path}:5:17: storage.providers[0].encoding: unknown encoding "cp1252"; expected an encoding: utf-8, utf-16le, ucs-2, latin-1`);
  });

  it('export --encoding takes the same spellings', async () => {
    const store = join(dir, 'export-source.jsonl');
    const path = manifest(`storage:\n  providers:\n    - type: file\n      path: ${store}\n`);
    const entry = { type: 'command', agent_name: 'a', session_id: 's', command: 'café' };
    expect((await runCli(['ingest', '-', '-c', path], { input: JSON.stringify(entry) })).code).toBe(0);
    const out = join(dir, 'export.jsonl');
    const { code } = await runCli(['export', '--to', out, '--encoding', 'Latin-1', '-c', path]);
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(out).toString('latin1')).command).toBe('café');
    const refused = await runCli(['export', '--to', out, '--encoding', 'hex', '-c', path]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('invalid --encoding "hex": expected a text encoding such as utf-8, utf-16le or latin1');
  });
});
