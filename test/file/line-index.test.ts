import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHistorian, type Entry } from '../../src/index.js';
import { tempFolder } from '../reliability/helpers.js';

// A JSON Lines history is read by streaming through an index kept beside it (`<log>.index`):
// never the source of truth, so every way it can go stale must still give the log's answers.

let dir: string;
let remove: () => void;
let path: string;
beforeEach(() => {
  ({ dir, remove } = tempFolder('line-index'));
  path = join(dir, 'history.jsonl');
});
afterEach(() => remove());

const open = () => createHistorian({ providers: [{ type: 'file', path }] }, { flushInterval: 5 });

function line(id: string, conversation: string, second: number, extra: Record<string, unknown> = {}): string {
  const timestamp = `2026-11-20T10:00:${String(second).padStart(2, '0')}.000Z`;
  return `${JSON.stringify({ type: 'message', id, seq: second, timestamp, conversation_id: conversation, role: 'user', content: `text ${id}`, ...extra })}\n`;
}

function start(conversation: string, agent: string, second: number): string {
  const timestamp = `2026-11-20T10:00:${String(second).padStart(2, '0')}.000Z`;
  return `${JSON.stringify({ type: 'conversation_start', id: `s-${conversation}-${second}`, seq: second, timestamp, conversation_id: conversation, agent_name: agent })}\n`;
}

async function answers() {
  const historian = await open();
  const history = historian.history();
  const result = {
    conversations: (await history.conversations()).map((c) => [c.conversation_id, c.agent_name, c.messages.map((m) => m.id)]),
    stats: (await history.stats({ group_by: 'agent' })).groups.map((g) => [g.key, g.messages]),
    entries: [] as string[],
  };
  for await (const entry of history.entries()) result.entries.push((entry as Entry).id);
  await historian.close();
  return result;
}

describe('the index beside a JSON Lines history', () => {
  it('is written by a reader and trusted by the next one, which reads only what was appended since', async () => {
    writeFileSync(path, start('c1', 'alice', 1) + line('m1', 'c1', 2) + line('m2', 'c1', 3));
    const first = await answers();
    expect(first.conversations).toEqual([['c1', 'alice', ['m1', 'm2']]]);
    await (await open()).close();
    expect(existsSync(`${path}.index`)).toBe(true);
    // Another tool appends: a later start of c1 changes its agent, and a new conversation begins.
    appendFileSync(path, start('c1', 'bob', 4) + start('c2', 'carol', 5) + line('m3', 'c2', 6));
    const second = await answers();
    expect(second.conversations).toEqual([
      ['c2', 'carol', ['m3']],
      ['c1', 'bob', ['m1', 'm2']],
    ]);
    expect(second.stats).toEqual([
      ['bob', 2],
      ['carol', 1],
    ]);
    expect(second.entries).toEqual(['s-c1-1', 'm1', 'm2', 's-c1-4', 's-c2-5', 'm3']);
  });

  it('is rebuilt when the log was rewritten in place, replaced, or the index damaged', async () => {
    writeFileSync(path, start('c1', 'alice', 1) + line('m1', 'c1', 2) + line('m2', 'c1', 3));
    await answers();
    // Rewritten in place (same inode), longer than before: the bytes the index last saw changed.
    const rewritten = start('c9', 'zed', 1) + line('x1', 'c9', 2) + line('x2', 'c9', 3) + line('x3', 'c9', 4);
    writeFileSync(path, rewritten);
    expect((await answers()).conversations).toEqual([['c9', 'zed', ['x1', 'x2', 'x3']]]);
    // Damaged index: garbage of the same size.
    writeFileSync(`${path}.index`, Buffer.alloc(readFileSync(`${path}.index`).length, 7));
    expect((await answers()).conversations).toEqual([['c9', 'zed', ['x1', 'x2', 'x3']]]);
    // Truncated index: its header promises columns that are not there.
    writeFileSync(`${path}.index`, readFileSync(`${path}.index`).subarray(0, 200));
    expect((await answers()).entries).toEqual(['s-c9-1', 'x1', 'x2', 'x3']);
  });

  it('follows a log that grows while one process reads and writes it', async () => {
    const historian = await open();
    historian.log({ type: 'conversation_start', conversation_id: 'c1', agent_name: 'alice' });
    historian.log({ type: 'message', conversation_id: 'c1', role: 'user', content: 'one' });
    await historian.flush();
    expect((await historian.history().messages()).map((m) => m.content)).toEqual(['one']);
    appendFileSync(path, line('m-other', 'c1', 59));
    historian.log({ type: 'message', conversation_id: 'c1', role: 'assistant', content: 'two' });
    await historian.flush();
    const contents = (await historian.history().messages()).map((m) => m.content);
    expect(contents).toHaveLength(3);
    expect(contents).toEqual(expect.arrayContaining(['one', 'two', 'text m-other']));
    await historian.close();
  });

  it('skips an entry logged again with the same id, also after a restart', async () => {
    const entry = { type: 'message' as const, id: 'fixed', conversation_id: 'c1', role: 'user', content: 'once' };
    for (let run = 0; run < 2; run++) {
      const historian = await open();
      historian.log(entry);
      historian.log(entry);
      await historian.flush();
      await historian.close();
    }
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('reads a line another tool appended twice (same id) once, in every query', async () => {
    writeFileSync(path, start('c1', 'alice', 1) + line('m1', 'c1', 2) + line('m1', 'c1', 2) + line('m2', 'c1', 3));
    const result = await answers();
    expect(result.entries).toEqual(['s-c1-1', 'm1', 'm2']);
    expect(result.stats).toEqual([['alice', 2]]);
    expect(result.conversations).toEqual([['c1', 'alice', ['m1', 'm2']]]);
  });

  it('keeps streaming entries while the same process logs an entry with its own id', async () => {
    writeFileSync(path, start('c1', 'alice', 1) + Array.from({ length: 9_000 }, (_, i) => line(`m${i}`, 'c1', 2)).join(''));
    const historian = await open();
    let read = 0;
    for await (const _entry of historian.history().entries()) {
      read += 1;
      if (read === 10) {
        // The first entry with a given id makes the writer read every id of the file.
        historian.log({ type: 'message', id: 'own-id', conversation_id: 'c1', role: 'user', content: 'mine' });
        await historian.flush();
      }
    }
    expect(read).toBeGreaterThanOrEqual(9_001);
    await historian.close();
  });

  it('numbers lines right in errors after a last line without its newline was completed', async () => {
    // Another tool left the last line without its newline; a reader indexes it, a writer completes it.
    writeFileSync(path, start('c1', 'alice', 1) + line('m1', 'c1', 2).trimEnd());
    const historian = await open();
    expect((await historian.history().messages()).map((m) => m.id)).toEqual(['m1']);
    historian.log({ type: 'message', conversation_id: 'c1', role: 'user', content: 'third line' });
    await historian.flush();
    appendFileSync(path, '{not json}\n');
    await expect(historian.history().messages()).rejects.toThrow(`${path}:4:2:`);
    await historian.close();
  });

  it('reads a UTF-16 log and warns about a torn last line cut mid-character, past the first 64 KB', async () => {
    const utf16 = join(dir, 'utf16.jsonl');
    const messages = Array.from({ length: 400 }, (_, i) => line(`m${i}`, 'c1', 2)).join('');
    // The tear leaves an odd number of bytes: newlines must still be found at even offsets of the file.
    const text = Buffer.from(start('c1', 'alice', 1) + messages + '{"type":"mess', 'utf16le').subarray(0, -1);
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), text]));
    const warnings: string[] = [];
    const historian = await createHistorian({ providers: [{ type: 'file', path: utf16, encoding: 'utf16le' }] }, { onError: (error) => warnings.push(error.message) });
    expect(await historian.history().messages()).toHaveLength(400);
    expect(warnings).toEqual([expect.stringContaining(`${utf16}:402: ignored a torn last line`)]);
    await historian.close();
  });
});
