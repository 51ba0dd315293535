import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogRecord, Provider } from '../../src/index.js';
import { openProvider, record, tempFolder } from './helpers.js';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

/** A folder holding `logs/`, the folder the provider's path template starts in. */
function folder(): string {
  const { dir, remove } = tempFolder('path-escape');
  cleanup = remove;
  return dir;
}

/** Every log file under `dir`, as paths relative to it (not the provider's list of them, `.<name>.files`). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.files'))
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

async function writeThrough(path: string, batch: LogRecord[]): Promise<{ provider: Provider; rejectedIds: string[] }> {
  const { provider } = await openProvider({ type: 'text_file', path, name: 'agents-log' });
  const rejected = (await provider.write(batch)) ?? [];
  await provider.close();
  return { provider, rejectedIds: rejected.map((r) => r.record.entry.id) };
}

const command = (agent: string, metadata: Record<string, unknown>) => ({ type: 'command', agent_name: agent, session_id: 's', command: 'run', metadata });
const forwarded = (from: string[]) => ({ type: 'message', conversation_id: 'c1', role: 'assistant', content: 'hi', forwarded_from: from });

describe('text_file path templates with values from entries', () => {
  it('a nested field cannot climb out of the log folder: its `..` and `/` become `_`', async () => {
    const dir = folder();
    const batch = [record(command('ok', { project: '../../../escaped' }), 1), record(command('ok', { project: 'fine' }), 2)];
    // Three folders deep, so that even where values are not made safe, the escape stays inside the test's folder.
    const { rejectedIds } = await writeThrough(join(dir, 'a/b/logs/{{ metadata.project }}.log'), batch);
    expect(rejectedIds).toEqual([]);
    expect(filesUnder(dir)).toEqual(['a/b/logs/.._.._.._escaped.log', 'a/b/logs/fine.log']);
  });

  it('a list item cannot climb out of the log folder either', async () => {
    const dir = folder();
    const { rejectedIds } = await writeThrough(join(dir, 'logs/{{ forwarded_from[0] }}/chat.log'), [record(forwarded(['..']), 1), record(forwarded(['a/../../b']), 2)]);
    expect(rejectedIds).toEqual([]);
    expect(filesUnder(dir)).toEqual(['logs/_/chat.log', 'logs/a_.._.._b/chat.log']);
  });

  it('an entry whose path still lands outside the folder is rejected, not written', async () => {
    const dir = folder();
    // The template itself climbs (a careless expression), whatever the values are.
    const batch = [record(command('a', { project: '' }), 1), record(command('a', { project: 'p' }), 2), record(command('a', { project: '/q' }), 3)];
    const { rejectedIds } = await writeThrough(join(dir, 'logs/{{ "../" ~ metadata.project }}.log'), batch);
    expect(rejectedIds).toEqual(['e1', 'e2', 'e3']);
    expect(filesUnder(dir)).toEqual([]);
  });

  it('a NUL in a path value rejects the entry instead of failing the batch forever', async () => {
    const dir = folder();
    const batch = [record(command('bad\0agent', {}), 1), record(command('good', {}), 2)];
    const { provider, rejectedIds } = await writeThrough(join(dir, 'logs/{{ agent_name }}.log'), batch);
    expect(rejectedIds).toEqual(['e1']);
    expect(filesUnder(dir)).toEqual(['logs/good.log']);
    expect(provider.deadLetterPath).toBe(join(dir, 'logs', 'agents-log.rejected.jsonl'));
  });

  it('an entry whose path does not render is rejected (dead-lettered), not dropped with a warning', async () => {
    const dir = folder();
    const batch = [record(command('a', {}), 1), record(command('b', { project: 'p' }), 2)];
    const { rejectedIds } = await writeThrough(join(dir, 'logs/{{ metadata.project.toUpperCase() }}.log'), batch);
    expect(rejectedIds).toEqual(['e1']);
    expect(readFileSync(join(dir, 'logs/P.log'), 'utf8')).toContain('run');
  });

  it('a constant path keeps its dead-letter file beside it', async () => {
    const dir = folder();
    const { provider } = await openProvider({ type: 'text_file', path: join(dir, 'chat.log') });
    await provider.close();
    expect(provider.deadLetterPath).toBe(join(dir, 'chat.log.rejected.jsonl'));
    expect(existsSync(provider.deadLetterPath!)).toBe(false);
  });
});
