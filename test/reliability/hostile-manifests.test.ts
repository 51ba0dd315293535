import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadManifest, parseManifest } from '../../src/config/load.js';
import { ManifestError } from '../../src/core/errors.js';
import { runCli } from '../cli/run.js';
import { countRows, sqliteManifest } from './cli-process.js';
import { tempFolder } from './helpers.js';

const { dir, remove } = tempFolder('hostile');
afterAll(remove);

/** Nine-fold nested aliases, `levels` deep: 9^levels values from a few hundred bytes. */
function laughs(levels: number, indent = ''): string {
  const lines = [`${indent}l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]`];
  for (let i = 1; i <= levels; i++) lines.push(`${indent}l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]`);
  return lines.join('\n') + '\n';
}

/** The ManifestError `work` throws (anything else fails the test). */
function manifestError(work: () => unknown): ManifestError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error('expected a ManifestError');
}

describe('hostile manifests', () => {
  it('a billion-laughs manifest is a manifest error (exit 2) with its position, not a crash', async () => {
    const file = join(dir, 'laughs.yml');
    writeFileSync(file, `${laughs(8)}storage:\n  providers: []\n`);
    const { code, stderr } = await runCli(['validate', '-c', file]);
    expect(code).toBe(2);
    expect(stderr).not.toContain('unexpected error');
    expect(stderr).toMatch(/laughs\.yml:\d+:\d+: l8\[0\]: YAML aliases would expand this manifest by [\d,]+ values/);
  });

  it('a circular alias is reported clearly instead of overflowing the stack', () => {
    const error = manifestError(() => parseManifest('storage: &s\n  providers: []\n  agents: *s\n'));
    expect(error.issues[0]).toMatchObject({ path: 'storage.agents', line: 3, column: 11, message: 'circular alias *s: it refers to a node that contains it' });
  });

  it('ordinary aliases still work', () => {
    const manifest = parseManifest('team: &team [planner, executor]\nstorage:\n  agents: *team\n  providers:\n    - type: memory\n      agents: *team\n');
    expect([...manifest.providers[0]!.agents!].sort()).toEqual(['executor', 'planner']);
  });

  it('a manifest over the size limit is refused before it is parsed, saying the limit', () => {
    const file = join(dir, 'huge.yml');
    writeFileSync(file, `storage:\n  providers: []\nnotes: "${'x'.repeat(5 * 1024 * 1024)}"\n`);
    const error = manifestError(() => loadManifest(file));
    expect(error.message).toMatch(/manifest is 5\.0 MB; historian reads manifests of at most 4\.0 MB/);
  });

  it('duplicate keys are still errors with their position', () => {
    const error = manifestError(() => parseManifest('storage:\n  providers: []\n  agents: [a]\n  agents: [b]\n'));
    expect(error.issues[0]).toMatchObject({ path: 'storage.agents', line: 4, column: 3 });
    expect(error.issues[0]!.message).toContain('duplicate key "agents"');
  });

  it('parses in linear time: 4× the ignored keys cost about 4× the work, not 16×', () => {
    // Quadratic parsing came from scanning every earlier key of a mapping for each new one. Count
    // the array elements searched during a parse: linear parsing searches in proportion to the input.
    const manifest = (keys: number) =>
      'storage:\n  providers:\n    - type: memory\n' + Array.from({ length: keys }, (_, i) => `ignored_${i}: value ${i}\n`).join('');
    const small = searchedElements(() => parseManifest(manifest(2_000)));
    const large = searchedElements(() => parseManifest(manifest(8_000)));
    expect(large / Math.max(small, 1)).toBeLessThan(6);
  });
});

describe('hostile history files', () => {
  it('a YAML import made of aliases is refused, not expanded into every provider', async () => {
    const file = join(dir, 'bomb.yaml');
    const args = laughs(6, '    ');
    writeFileSync(
      file,
      'messages: []\nconversations: []\ntool_calls:\n- type: tool_call\n  id: t1\n  timestamp: 2026-01-01T00:00:00.000Z\n  seq: 1\n' +
        `  conversation_id: c1\n  message_id: m1\n  tool_name: t\n  args:\n${args}  result: null\ncommands: []\ncontext: []\nruns: []\n`,
    );
    const manifest = sqliteManifest(dir, 'imported.db');
    const { code, stderr } = await runCli(['import', file, '-c', manifest]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot import .*bomb\.yaml:13:\d+: tool_calls\[0\]\.args\.l1\[0\]: YAML alias \*l0: aliases are not accepted/);
    const db = join(dir, 'imported.db');
    expect(existsSync(db) ? countRows(db, 'tool_calls') : 0).toBe(0);
  });
});

/**
 * Runs `work` and counts the elements of the arrays it searched (`some`, `find`, `includes`…):
 * a measure of its work that does not depend on the machine's speed.
 */
function searchedElements(work: () => unknown): number {
  const methods = ['some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'indexOf', 'lastIndexOf', 'includes'] as const;
  const prototype = Array.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const originals = methods.map((name) => prototype[name]!);
  let searched = 0;
  methods.forEach((name, i) => {
    prototype[name] = function (this: unknown[], ...args: unknown[]) {
      searched += this.length;
      return originals[i]!.apply(this, args);
    };
  });
  try {
    work();
  } finally {
    methods.forEach((name, i) => (prototype[name] = originals[i]!));
  }
  return searched;
}
