import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EntryInput } from '../../src/index.js';
import { logAll, openLogger, useTempDir } from './helpers.js';
import { TEXT_SESSION } from './session.js';

const HEADER = '# historian log: every entry in logging order (timestamps in UTC)\n';

function message(id: string, conversation: string, content: string, timestamp = '2026-11-20T10:00:00.000Z'): EntryInput {
  return { type: 'message', id, conversation_id: conversation, role: 'user', content, timestamp };
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe('chronological logs append', () => {
  const tempDir = useTempDir();

  it('a restart appends to the log instead of overwriting it, with one header', async () => {
    const path = join(tempDir(), 'chat.log');
    await logAll([{ type: 'text_file', path }], [message('a', 'c1', 'first run')]);
    await logAll([{ type: 'text_file', path }], [message('b', 'c1', 'second run')]);
    const text = readFileSync(path, 'utf8');
    expect(text.indexOf('first run')).toBeGreaterThan(0);
    expect(text.indexOf('second run')).toBeGreaterThan(text.indexOf('first run'));
    expect(count(text, HEADER)).toBe(1);
  });

  it('each entry is visible in the file after flush()', async () => {
    const path = join(tempDir(), 'chat.log');
    const { historian } = await openLogger([{ type: 'text_file', path }]);
    historian.log(message('a', 'c1', 'tail me'));
    await historian.flush();
    expect(readFileSync(path, 'utf8')).toContain('| tail me');
    await historian.close();
  });
});

describe('path templates', () => {
  const tempDir = useTempDir();

  it('split entries by agent and date; each entry goes only to its own file', async () => {
    const dir = tempDir();
    const errors = await logAll([{ type: 'text_file', path: join(dir, 'logs/{{ agent_name }}/{{ date }}.log') }], TEXT_SESSION);
    expect(errors).toEqual([]);
    const planner = readFileSync(join(dir, 'logs/planner/2026-11-20.log'), 'utf8');
    const executor = readFileSync(join(dir, 'logs/executor/2026-11-21.log'), 'utf8');
    expect(planner).toContain('Step 1: build');
    expect(planner).toContain('deploy --dry-run');
    expect(planner).not.toContain('make test');
    expect(executor).toContain('make test');
    expect(executor).toContain('Forwarded plan');
    expect(executor).not.toContain('Step 1: build');
    // A message without a conversation start is attributed to its sender's name.
    expect(readFileSync(join(dir, 'logs/loner/2026-11-22.log'), 'utf8')).toContain('no start');
    // Beside them, the list of the files the provider created (for history reset --all-providers).
    expect(readdirSync(join(dir, 'logs')).sort()).toEqual(['.text_file.files', 'executor', 'loner', 'planner']);
  });

  it('can name files by entry type and any entry field', async () => {
    const dir = tempDir();
    await logAll([{ type: 'text_file', path: join(dir, '{{ type }}-{{ conversation_id or session_id }}.log') }], TEXT_SESSION);
    const files = readdirSync(dir).sort();
    expect(files).toContain('message-c1.log');
    expect(files).toContain('command-s2.log');
    expect(files).toContain('tool_call-c2.log');
  });
});

describe('a batch retried after a failed write', () => {
  const tempDir = useTempDir();

  it('still reaches the other files, and is not appended twice to them', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'c2.log'));
    const { historian, errors } = await openLogger([{ type: 'text_file', path: join(dir, '{{ conversation_id }}.log') }], {
      retryDelay: 1,
      flushAttempts: 3,
    });
    historian.log(message('b', 'c2', 'cannot be written: c2.log is a folder'));
    historian.log(message('a', 'c1', 'reached'));
    await expect(historian.flush()).rejects.toThrow(/EISDIR/);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(count(readFileSync(join(dir, 'c1.log'), 'utf8'), '| reached')).toBe(1);
    await historian.close().catch(() => {});
  });
});

describe('a grouped log whose folder cannot be created yet', () => {
  const tempDir = useTempDir();

  // The log folder itself is made at open (a path that cannot be made fails there); a folder
  // a path template names per entry is made at its first write, and retried.
  it('keeps the batch queued and writes it once the folder can be made', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'c1'), 'a file where the folder should be');
    const path = join(dir, 'c1', 'chat.log');
    const { historian, errors } = await openLogger([{ type: 'text_file', path: join(dir, '{{ conversation_id }}', 'chat.log'), format: 'conversations' }], {
      retryDelay: 1,
      flushAttempts: 2,
    });
    historian.log(message('a', 'c1', 'waited for its folder'));
    await expect(historian.flush()).rejects.toThrow(/c1 is a file/);
    rmSync(join(dir, 'c1'));
    expect(errors.length).toBeGreaterThan(0);
    await historian.close();
    expect(count(readFileSync(path, 'utf8'), '| waited for its folder')).toBe(1);
  });
});

describe('path template values', () => {
  const tempDir = useTempDir();

  it('cannot add folders or climb out of the log folder', async () => {
    const dir = tempDir();
    const entries: EntryInput[] = [
      { type: 'command', agent_name: '../../escape', session_id: 's', command: 'x' },
      { type: 'command', agent_name: '..', session_id: 's', command: 'y' },
    ];
    await logAll([{ type: 'text_file', path: join(dir, 'logs/{{ agent_name }}.log') }], entries);
    expect(readdirSync(join(dir, 'logs')).sort()).toEqual(['.._.._escape.log', '.text_file.files', '_.log']);
    expect(readdirSync(dir)).toEqual(['logs']);
  });
});

describe('grouped logs never destroy an earlier file', () => {
  const tempDir = useTempDir();

  it('moves a file that existed before the process aside, once, and owns the file after that', async () => {
    const dir = tempDir();
    const path = join(dir, 'chat.log');
    writeFileSync(path, 'written by someone else\n');
    writeFileSync(`${path}.1`, 'an older log\n');
    const { historian } = await openLogger([{ type: 'text_file', path, format: 'conversations' }]);
    historian.log(message('a', 'c1', 'first batch'));
    await historian.flush();
    expect(readFileSync(path, 'utf8')).toContain('first batch');
    historian.log(message('b', 'c1', 'second batch'));
    await historian.close();
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('an older log\n');
    expect(readFileSync(`${path}.2`, 'utf8')).toBe('written by someone else\n');
    expect(existsSync(`${path}.3`)).toBe(false);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('first batch');
    expect(text).toContain('second batch');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('after a restart, the grouped log gets its earlier entries back from the journal', async () => {
    const dir = tempDir();
    const path = join(dir, 'chat.log');
    await logAll([{ type: 'text_file', path, format: 'conversations' }], [message('a', 'c1', 'before restart')]);
    await logAll([{ type: 'text_file', path, format: 'conversations' }], [message('b', 'c1', 'after restart')]);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('before restart');
    expect(text).toContain('after restart');
    expect(count(text, '=== conversation c1')).toBe(1);
    // A log with a journal beside it was rendered by historian: continued, not moved aside.
    expect(existsSync(`${path}.1`)).toBe(false);
    expect(readFileSync(`${path}.entries.jsonl`, 'utf8').trim().split('\n')).toHaveLength(2);
  });
});

describe('the journal of a grouped log after a crash', () => {
  const tempDir = useTempDir();

  it('skips a torn line and entries appended twice', async () => {
    const dir = tempDir();
    const path = join(dir, 'chat.log');
    const line = (id: string, content: string) =>
      JSON.stringify({ type: 'message', id, seq: 1, timestamp: '2026-11-20T10:00:00.000Z', conversation_id: 'c1', role: 'user', content, agent: null });
    writeFileSync(`${path}.entries.jsonl`, `${line('a', 'kept once')}\n{"type":"mess\n${line('a', 'kept once')}\n`);
    const errors = await logAll([{ type: 'text_file', path, format: 'conversations' }], [message('b', 'c1', 'new')]);
    expect(errors).toEqual([]);
    const text = readFileSync(path, 'utf8');
    expect(count(text, '| kept once')).toBe(1);
    expect(text.indexOf('| new')).toBeGreaterThan(text.indexOf('| kept once'));
  });
});

describe('re-rendering a grouped log', () => {
  const tempDir = useTempDir();

  it('shows a tool call under a message rendered before the call arrived', async () => {
    const path = join(tempDir(), 'chat.log');
    const { historian } = await openLogger([{ type: 'text_file', path, format: 'conversations' }]);
    historian.log(message('m1', 'c1', 'calling a tool'));
    await historian.flush();
    expect(readFileSync(path, 'utf8')).not.toContain('tool call');
    historian.log({ type: 'tool_call', conversation_id: 'c1', message_id: 'm1', tool_name: 'search', args: { q: 1 }, result: 2 });
    await historian.close();
    expect(readFileSync(path, 'utf8')).toContain('    | calling a tool\n    -> [');
    expect(readFileSync(path, 'utf8')).toContain('tool call search for message m1\n         args: {"q":1}\n         result: 2\n');
  });
});

describe('grouped logs under a burst of writes', () => {
  const tempDir = useTempDir();

  it('hold every entry once the burst is over, in the log and in the journal', async () => {
    const path = join(tempDir(), 'chat.log');
    const { historian, errors } = await openLogger([{ type: 'text_file', path, format: 'conversations' }]);
    for (let i = 0; i < 3000; i++) historian.log(message(`m${i}`, `c${i % 13}`, `burst entry ${i}`));
    await historian.flush();
    // Flushes right after a large render find it recent: their renders are deferred to a timer.
    for (let i = 3000; i < 3050; i++) {
      historian.log(message(`m${i}`, `c${i % 13}`, `burst entry ${i}`));
      await historian.flush();
    }
    await expect.poll(() => count(readFileSync(path, 'utf8'), '| burst entry '), { timeout: 5000 }).toBe(3050);
    await historian.close();
    expect(errors).toEqual([]);
    const text = readFileSync(path, 'utf8');
    for (const i of [0, 1499, 2999, 3049]) expect(count(text, `| burst entry ${i}\n`)).toBe(1);
    expect(count(text, '=== conversation ')).toBe(13);
    expect(readFileSync(`${path}.entries.jsonl`, 'utf8').trim().split('\n')).toHaveLength(3050);
  });
});

describe('max_bytes rotation', () => {
  const tempDir = useTempDir();

  it('renames a full log to the next free number and starts a new one, deleting nothing', async () => {
    const dir = tempDir();
    const path = join(dir, 'chat.log');
    const entries = Array.from({ length: 30 }, (_, i) => message(`m${i}`, 'c1', `entry number ${i}`));
    await logAll([{ type: 'text_file', path, max_bytes: 600 }], entries);
    const files = readdirSync(dir).filter((f) => f.startsWith('chat.log'));
    expect(files.length).toBeGreaterThan(3);
    const texts = [...files.filter((f) => f !== 'chat.log').sort((a, b) => Number(a.slice(9)) - Number(b.slice(9))), 'chat.log'].map((f) =>
      readFileSync(join(dir, f), 'utf8'),
    );
    for (const text of texts) {
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(600);
      expect(text.startsWith(HEADER)).toBe(true);
    }
    // Every entry is in exactly one file, and the files in number order keep the logging order.
    const all = texts.join('');
    for (let i = 0; i < 30; i++) expect(count(all, `| entry number ${i}\n`)).toBe(1);
    expect(all.indexOf('entry number 29')).toBeGreaterThan(all.indexOf('entry number 0'));
  });

  it('continues numbering after files left by an earlier run', async () => {
    const dir = tempDir();
    const path = join(dir, 'chat.log');
    writeFileSync(path, 'x'.repeat(1000));
    writeFileSync(`${path}.7`, 'kept');
    await logAll([{ type: 'text_file', path, max_bytes: 600 }], [message('a', 'c1', 'new')]);
    expect(readFileSync(`${path}.7`, 'utf8')).toBe('kept');
    expect(readFileSync(`${path}.8`, 'utf8')).toBe('x'.repeat(1000));
    expect(readFileSync(path, 'utf8')).toContain('| new');
  });
});

describe('encoding', () => {
  const tempDir = useTempDir();

  for (const encoding of ['utf16le', 'latin1'] as const) {
    it(`writes ${encoding} that decodes back to the rendered text`, async () => {
      const dir = tempDir();
      const content = encoding === 'latin1' ? 'Résumé café' : 'Résumé ✓ 数据';
      for (const format of ['chronological', 'conversations'] as const) {
        const path = join(dir, `${format}.log`);
        await logAll([{ type: 'text_file', path, format, encoding }], [message('a', 'c1', content)]);
        const bytes = readFileSync(path);
        expect(bytes.toString(encoding)).toContain(`| ${content}\n`);
        expect(bytes.equals(Buffer.from(bytes.toString(encoding), encoding))).toBe(true);
        expect(bytes.toString('utf8')).not.toContain(content);
      }
    });
  }
});
