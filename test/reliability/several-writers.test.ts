import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHistorian, type Historian } from '../../src/index.js';
import { runWriters, tempFolder } from './helpers.js';

/** Four processes, each logging COUNT messages and flushing every BATCH. */
const WRITERS = ['p0', 'p1', 'p2', 'p3'];
const COUNT = 300;
const BATCH = 20;
const ALL_IDS = WRITERS.flatMap((prefix) => Array.from({ length: COUNT }, (_, i) => `${prefix}-${i}`));

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

function folder(): string {
  const { dir, remove } = tempFolder('several-writers');
  cleanup = remove;
  return dir;
}

/** Each id's number of occurrences in `ids`; every id of ALL_IDS must be there exactly once. */
function expectEachOnce(ids: string[]): void {
  expect(ids).toHaveLength(ALL_IDS.length);
  expect(new Set(ids)).toEqual(new Set(ALL_IDS));
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

/** Nothing but the logs is left: no lock files, no temporary files. */
function expectOnly(dir: string, names: string[]): void {
  expect(readdirSync(dir).sort()).toEqual(names.sort());
}

describe('four processes writing one file at once', () => {
  it('a JSON document keeps every entry of every process exactly once', async () => {
    const dir = folder();
    const path = join(dir, 'history.json');
    await runWriters({ type: 'file', path }, WRITERS, COUNT, BATCH);
    const document = JSON.parse(readFileSync(path, 'utf8')) as { messages: { id: string }[] };
    expectEachOnce(document.messages.map((m) => m.id));
    expectOnly(dir, ['history.json']);
  });

  it('a JSON Lines file with a torn last line: the tear is cut once, and every line is whole', async () => {
    const dir = folder();
    const path = join(dir, 'history.jsonl');
    const earlier = { type: 'message', id: 'earlier', seq: 1, timestamp: '2026-11-20T10:00:00.000Z', conversation_id: 'c0', role: 'user', content: 'kept' };
    writeFileSync(path, `${JSON.stringify(earlier)}\n{"type":"message","id":"torn","con`);
    await runWriters({ type: 'file', path }, WRITERS, COUNT, BATCH);
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const ids = text.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id);
    expect(ids[0]).toBe('earlier');
    expectEachOnce(ids.slice(1));
    expectOnly(dir, ['history.jsonl', 'history.jsonl.index']);
  });

  it('a grouped text log (format: conversations) renders every process\'s entries exactly once', async () => {
    const dir = folder();
    const path = join(dir, 'chat.log');
    await runWriters({ type: 'text_file', path, format: 'conversations' }, WRITERS, COUNT, BATCH);
    const text = readFileSync(path, 'utf8');
    for (const id of ALL_IDS) expect(count(text, `| entry ${id}\n`), id).toBe(1);
    const journal = readFileSync(`${path}.entries.jsonl`, 'utf8').split('\n').filter(Boolean);
    expectEachOnce(journal.map((line) => (JSON.parse(line) as { id: string }).id));
    expectOnly(dir, ['chat.log', 'chat.log.entries.jsonl']);
  });

  it('a rotating chronological log: each block once, one header per file, no file past max_bytes', async () => {
    const dir = folder();
    const path = join(dir, 'chat.log');
    const maxBytes = 16 * 1024;
    await runWriters({ type: 'text_file', path, max_bytes: maxBytes }, WRITERS, COUNT, BATCH);
    const files = readdirSync(dir);
    expect(files.every((name) => name === 'chat.log' || /^chat\.log\.\d+$/.test(name))).toBe(true);
    const texts = files.map((name) => readFileSync(join(dir, name), 'utf8'));
    const header = texts[0]!.slice(0, texts[0]!.indexOf('\n') + 1);
    for (const text of texts) {
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(maxBytes);
      expect(text.startsWith(header)).toBe(true);
      expect(count(text, header)).toBe(1);
    }
    const all = texts.join('');
    for (const id of ALL_IDS) expect(count(all, `| entry ${id}\n`), id).toBe(1);
  });
});

describe('two writers of one document', () => {
  const open = (path: string) => createHistorian({ providers: [{ type: 'file', path }] }, { flushInterval: 1 });
  const log = (historian: Historian, ids: string[], agent = 'alice') => {
    historian.logConversationStart({ id: `start-${ids[0]}`, conversation_id: `${agent}-c`, agent_name: agent });
    for (const id of ids) historian.logMessage({ id, conversation_id: `${agent}-c`, role: 'user', content: id });
  };
  const messageIds = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { messages: { id: string }[] }).messages.map((m) => m.id);

  it('each merges what the other saved, and its reader answers with both', async () => {
    const path = join(folder(), 'history.yaml');
    const [first, second] = [await open(path), await open(path)];
    log(first, ['a1', 'a2']);
    await first.flush();
    log(second, ['b1'], 'bob');
    await second.flush();
    log(first, ['a3']);
    await first.flush();
    expect((await first.history().messages({})).map((m) => m.id).sort()).toEqual(['a1', 'a2', 'a3', 'b1']);
    expect((await second.history().messages({})).map((m) => m.id).sort()).toEqual(['a1', 'a2', 'b1']);
    await Promise.all([first.close(), second.close()]);
  });

  it('what one writer reset does not come back when the other saves', async () => {
    const path = join(folder(), 'history.json');
    const [writer, resetter] = [await open(path), await open(path)];
    log(writer, ['old1', 'old2']);
    await writer.flush();
    await resetter.history().reset({});
    log(writer, ['new1']);
    await writer.flush();
    expect(messageIds(path)).toEqual(['new1']);
    await Promise.all([writer.close(), resetter.close()]);
  });

  it('a reset of one agent keeps what the other writer saved after the resetting one loaded the file', async () => {
    const path = join(folder(), 'history.toml');
    const [writer, resetter] = [await open(path), await open(path)];
    log(writer, ['a1'], 'alice');
    log(writer, ['b1'], 'bob');
    await writer.flush();
    const deleted = await resetter.history().reset({ agent: 'bob' });
    expect(deleted.messages).toBe(1);
    await Promise.all([writer.close(), resetter.close()]);
    const reader = await open(path);
    expect((await reader.history().messages({})).map((m) => m.id)).toEqual(['a1']);
    await reader.close();
  });
});
