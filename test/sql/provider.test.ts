import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHistorian, ProviderError, type Entry, type Historian } from '../../src/index.js';

describe('sql provider on SQLite', () => {
  let dir: string;
  let path: string;
  let historian: Historian;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'historian-sql-'));
    path = join(dir, 'history.db');
    historian = await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${path}` }] }, { flushInterval: 5 });
  });

  afterEach(async () => {
    await historian.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const raw = <T>(query: string): T[] => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare(query).all() as T[];
    } finally {
      db.close();
    }
  };

  it('stores the model split on the first "/" into provider and name', async () => {
    historian.logMessage({ id: 'a', conversation_id: 'c', role: 'assistant', content: 'x', model: 'openrouter/meta/llama-4' });
    historian.logMessage({ id: 'b', conversation_id: 'c', role: 'assistant', content: 'y', model: 'gpt-4o' });
    await historian.flush();
    expect(raw('SELECT id, model_provider, model_name FROM messages ORDER BY id')).toEqual([
      { id: 'a', model_provider: 'openrouter', model_name: 'meta/llama-4' },
      { id: 'b', model_provider: null, model_name: 'gpt-4o' },
    ]);
  });

  it('round-trips JSON results, null included, and leaves absent fields absent', async () => {
    const base = { conversation_id: 'c', message_id: 'm', tool_name: 't', args: { nested: { list: [1, 'two', null] } } };
    historian.logToolCall({ ...base, id: 't1', result: null });
    historian.logToolCall({ ...base, id: 't2', result: 'plain text' });
    historian.logToolCall({ ...base, id: 't3', result: [{ a: 1 }, 2.5, true] });
    await historian.flush();
    const calls: Entry[] = [];
    for await (const entry of historian.history().entries({ types: ['tool_call'] })) calls.push(entry);
    expect(calls.map((c) => (c.type === 'tool_call' ? c.result : undefined))).toEqual([null, 'plain text', [{ a: 1 }, 2.5, true]]);
    expect(calls[0]).not.toHaveProperty('tool_call_id');
    expect(calls[0]).toMatchObject({ args: base.args });
  });

  it('matches content case-insensitively beyond ASCII, with LIKE wildcards taken literally', async () => {
    historian.logMessage({ id: 'a', conversation_id: 'c', role: 'user', content: 'Résumé attached' });
    historian.logMessage({ id: 'b', conversation_id: 'c', role: 'user', content: '100% done' });
    historian.logMessage({ id: 'c', conversation_id: 'c', role: 'user', content: 'file_name.txt' });
    await historian.flush();
    const ids = async (contains: string) => (await historian.history().messages({ contains })).map((m) => m.id);
    expect(await ids('RÉSUMÉ')).toEqual(['a']);
    expect(await ids('%')).toEqual(['b']);
    expect(await ids('_')).toEqual(['c']);
    expect(await ids('fil_')).toEqual([]);
  });

  it('streams more entries than one page, in (timestamp, seq) order', async () => {
    const timestamp = '2026-11-23T12:00:00.000Z';
    for (let i = 0; i < 2_500; i++) historian.logMessage({ id: `m${i}`, conversation_id: `c${i % 3}`, role: 'user', content: `${i}`, timestamp });
    historian.logCommand({ agent_name: 'a', session_id: 's', command: 'ls', timestamp: '2026-11-23T11:00:00.000Z' });
    await historian.flush();
    const seen: Entry[] = [];
    for await (const entry of historian.history().entries()) seen.push(entry);
    expect(seen).toHaveLength(2_501);
    expect(seen[0]!.type).toBe('command');
    expect(seen.slice(1).map((e) => e.id)).toEqual(Array.from({ length: 2_500 }, (_, i) => `m${i}`));
  });

  it('a hard reset drops the tables and recreates them empty, ready for the next write', async () => {
    historian.logConversationStart({ conversation_id: 'c', agent_name: 'a' });
    historian.logMessage({ conversation_id: 'c', role: 'user', content: 'before' });
    await historian.flush();
    const db = new Database(path);
    db.exec('ALTER TABLE messages ADD COLUMN legacy integer');
    db.close();
    expect(await historian.history().reset({ hard: true })).toEqual({ conversations: 1, messages: 1, tool_calls: 0, commands: 0, context: 0, run_events: 0 });
    expect(raw<{ name: string }>('PRAGMA table_info(messages)').map((c) => c.name)).not.toContain('legacy');
    historian.logMessage({ conversation_id: 'd', role: 'user', content: 'after' });
    await historian.flush();
    expect((await historian.history().conversations()).map((c) => c.conversation_id)).toEqual(['d']);
  });
});

describe('sql provider errors', () => {
  it('names the provider and masks the password when PostgreSQL cannot be reached', async () => {
    const url = 'postgresql://historian:s3cret-pw@127.0.0.1:1/nowhere';
    const opening = createHistorian({ providers: [{ type: 'sql', name: 'warehouse', url }] });
    const error = await opening.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).provider).toBe('warehouse');
    expect((error as Error).message).toContain('postgresql://historian:***@127.0.0.1:1/nowhere');
    expect((error as Error).message).not.toContain('s3cret-pw');
  });

  it('with auto_migration: false, an empty database fails naming the missing tables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'historian-sql-'));
    try {
      const opening = createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${join(dir, 'empty.db')}`, auto_migration: false }] });
      await expect(opening).rejects.toThrow(/missing tables conversations, messages, tool_calls, commands, context.*historian migrate/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
