import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHistorian, type Historian } from '../../src/index.js';
import { tempFolder } from './helpers.js';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

function jsonlPath(): string {
  const { dir, remove } = tempFolder('jsonl-replaced');
  cleanup = remove;
  return join(dir, 'history.jsonl');
}

/** Two loggers on one file, as two processes would have: each keeps its own handle and store. */
const open = (path: string) => createHistorian({ providers: [{ type: 'file', path }] }, { flushInterval: 1 });

function logAs(historian: Historian, agent: string, ids: string[]): void {
  historian.logConversationStart({ id: `${agent}-start-${ids[0]}`, conversation_id: `${agent}-c`, agent_name: agent });
  for (const id of ids) historian.logMessage({ id, conversation_id: `${agent}-c`, role: 'user', content: id });
}

/** Message ids in the file, in order; every line must parse. */
function messageIds(path: string): string[] {
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  return lines.map((line) => JSON.parse(line) as { type: string; id: string }).filter((e) => e.type === 'message').map((e) => e.id);
}

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('a JSON Lines file rewritten by another writer', () => {
  it('after another writer resets it, an appending writer appends to the new file, not to the replaced one', async () => {
    const path = jsonlPath();
    const writer = await open(path);
    logAs(writer, 'alice', range('before-', 50));
    await writer.flush();
    const resetter = await open(path);
    await resetter.history().reset({});
    logAs(writer, 'alice', range('after-', 50));
    await writer.flush();
    expect(messageIds(path)).toEqual(range('after-', 50));
    await Promise.all([writer.close(), resetter.close()]);
  });

  it("a reset of one agent keeps what other writers appended after the resetting writer loaded the file", async () => {
    const path = jsonlPath();
    const writer = await open(path);
    logAs(writer, 'alice', range('a-early-', 10));
    await writer.flush();
    const resetter = await open(path);
    logAs(writer, 'alice', range('a-late-', 10));
    logAs(writer, 'bob', range('b-', 10));
    await writer.flush();
    const deleted = await resetter.history().reset({ agent: 'bob' });
    expect(deleted.messages).toBe(10);
    logAs(writer, 'alice', range('a-last-', 10));
    await writer.flush();
    expect(messageIds(path)).toEqual([...range('a-early-', 10), ...range('a-late-', 10), ...range('a-last-', 10)]);
    await Promise.all([writer.close(), resetter.close()]);
  });

  it('repairing a torn last line does not orphan another writer', async () => {
    const path = jsonlPath();
    const first = await open(path);
    logAs(first, 'alice', range('a-', 20));
    await first.flush();
    // A third writer was killed mid-append.
    appendFileSync(path, '{"type":"message","id":"torn","conte');
    const second = await open(path);
    logAs(second, 'bob', range('b-', 20));
    await second.flush();
    logAs(first, 'alice', range('a2-', 20));
    await first.flush();
    await Promise.all([first.close(), second.close()]);
    const ids = messageIds(path);
    expect(ids).toHaveLength(60);
    expect(new Set(ids)).toEqual(new Set([...range('a-', 20), ...range('b-', 20), ...range('a2-', 20)]));
    // Beside the log, only the index its writers kept, which a reader then trusts.
    expect(readdirSync(join(path, '..')).sort()).toEqual(['history.jsonl', 'history.jsonl.index']);
    const reader = await open(path);
    expect((await reader.history().messages()).map((m) => m.id).sort()).toEqual([...ids].sort());
    await reader.close();
  });
});
