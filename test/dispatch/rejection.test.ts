import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProviderError, RejectedEntryError, resolveStorage, type LogRecord, type Provider } from '../../src/index.js';
import { Historian } from '../../src/dispatch/historian.js';

const folders: string[] = [];
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const manifest = resolveStorage({ providers: [{ type: 'memory', name: 'store' }] });

/** An error as a driver reports it, with a code the logger classifies. */
function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** A store that refuses every write holding a poisoned entry, with `error`, and records what it stored and every write tried. */
function refusing(error: (content: string) => Error | null, deadLetterPath?: string) {
  const stored: string[] = [];
  const attempts: number[] = [];
  const provider: Provider = {
    label: 'store',
    type: 'memory',
    ...(deadLetterPath ? { deadLetterPath } : {}),
    write(batch: readonly LogRecord[]) {
      attempts.push(batch.length);
      const contents = batch.map((r) => (r.entry.type === 'message' ? r.entry.content : ''));
      for (const content of contents) {
        const failure = error(content);
        if (failure) throw failure;
      }
      stored.push(...contents);
    },
    close: async () => {},
  };
  return { provider, stored, attempts };
}

function logger(provider: Provider, errors: ProviderError[] = []): Historian {
  return new Historian(manifest, [provider], { retryDelay: 1, batchSize: 100, onError: (e) => errors.push(e) });
}

function logAll(historian: Historian, contents: string[]): void {
  for (const content of contents) historian.logMessage({ id: content, conversation_id: 'c', role: 'user', content });
}

const numbered = (n: number, poison: number[] = []) => Array.from({ length: n }, (_, i) => (poison.includes(i) ? `poison-${i}` : `ok-${i}`));

function deadLetterFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'historian-rejection-'));
  folders.push(dir);
  return join(dir, 'store.rejected.jsonl');
}

describe('an entry the store refuses for its data', () => {
  it('is found by splitting the batch at once, set aside with its error, and the rest stored in order', async () => {
    const file = deadLetterFile();
    const { provider, stored } = refusing((c) => (c.startsWith('poison') ? coded('invalid byte sequence', '22021') : null), file);
    const errors: ProviderError[] = [];
    const historian = logger(provider, errors);
    logAll(historian, numbered(100, [13, 77]));
    await historian.flush();
    expect(stored).toEqual(numbered(100).filter((_, i) => i !== 13 && i !== 77));
    expect(historian.rejected()).toEqual({ store: 2 });
    const letters = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(letters.map((l) => [l.entry.id, l.error, l.provider])).toEqual([
      ['poison-13', 'invalid byte sequence', 'store'],
      ['poison-77', 'invalid byte sequence', 'store'],
    ]);
    expect(errors.map((e) => e instanceof RejectedEntryError && [e.entryId, e.file])).toEqual([
      ['poison-13', file],
      ['poison-77', file],
    ]);
    expect(errors[0]!.message).toBe(`store: entry poison-13 (message) rejected, kept in ${file}: invalid byte sequence`);
    await historian.close();
  });

  it('is only reported by a provider without a dead-letter file', async () => {
    const { provider, stored } = refusing((c) => (c.startsWith('poison') ? coded('too big', 'SQLITE_TOOBIG') : null));
    const errors: ProviderError[] = [];
    const historian = logger(provider, errors);
    logAll(historian, numbered(4, [2]));
    await historian.flush();
    expect(stored).toEqual(['ok-0', 'ok-1', 'ok-3']);
    expect(errors.map((e) => e.message)).toEqual(['store: entry poison-2 (message) rejected, not stored: too big']);
    await historian.close();
  });

  it('waits for its dead-letter file when that cannot be written, without being sent to the store again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'historian-rejection-'));
    folders.push(dir);
    const blocker = join(dir, 'blocked');
    writeFileSync(blocker, 'a file where the folder should be');
    const file = join(blocker, 'store.rejected.jsonl');
    const { provider, stored, attempts } = refusing((c) => (c.startsWith('poison') ? coded('refused', '23514') : null), file);
    const historian = new Historian(manifest, [provider], { retryDelay: 1, flushAttempts: 2, onError: () => {} });
    logAll(historian, numbered(3, [1]));
    await expect(historian.flush()).rejects.toThrow(/cannot write the dead-letter file .*\(1 entry queued, retrying\)/);
    expect(stored).toEqual(['ok-0', 'ok-2']);
    expect(historian.pending()).toEqual({ store: 1 });
    expect(historian.rejected()).toEqual({ store: 0 });
    const tries = attempts.length;
    rmSync(blocker);
    await historian.flush();
    expect(attempts.length).toBe(tries);
    expect(JSON.parse(readFileSync(file, 'utf8')).entry.id).toBe('poison-1');
    expect(historian.rejected()).toEqual({ store: 1 });
    await historian.close();
  });
});

describe('a failure of the store itself', () => {
  it('never splits the batch when transient (connection, lock, disk): the whole batch waits', async () => {
    let down = true;
    const { provider, stored, attempts } = refusing(() => (down ? coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED') : null));
    const historian = new Historian(manifest, [provider], { retryDelay: 1, flushAttempts: 4, batchSize: 100, onError: () => {} });
    logAll(historian, numbered(50));
    await expect(historian.flush()).rejects.toThrow('store: write failed (50 entries queued, retrying): connect ECONNREFUSED 127.0.0.1:5432');
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    expect(attempts.every((size) => size === 50)).toBe(true);
    down = false;
    await historian.flush();
    expect(stored).toEqual(numbered(50));
    expect(historian.rejected()).toEqual({ store: 0 });
    await historian.close();
  });

  it('is retried whole when unexplained, and split only when it persists', async () => {
    const file = deadLetterFile();
    const { provider, stored, attempts } = refusing((c) => (c === 'ok-2' ? new Error('something odd') : null), file);
    const historian = logger(provider);
    logAll(historian, numbered(4));
    await historian.flush();
    // Two whole tries, then halves, then quarters: only the entry that fails alone is set aside.
    expect(attempts).toEqual([4, 4, 4, 2, 2, 1, 1]);
    expect(stored).toEqual(['ok-0', 'ok-1', 'ok-3']);
    expect(historian.rejected()).toEqual({ store: 1 });
    await historian.close();
  });

  it('keeps every entry queued when an unexplained failure hits each one alone', async () => {
    const file = deadLetterFile();
    let broken = true;
    const { provider, stored } = refusing(() => (broken ? new Error('no such table: messages') : null), file);
    const historian = new Historian(manifest, [provider], { retryDelay: 1, flushAttempts: 4, onError: () => {} });
    logAll(historian, numbered(4));
    await expect(historian.flush()).rejects.toThrow(/no such table/);
    expect(historian.pending()).toEqual({ store: 4 });
    expect(historian.rejected()).toEqual({ store: 0 });
    broken = false;
    await historian.flush();
    expect(stored).toEqual(numbered(4));
    await historian.close();
  });
});
