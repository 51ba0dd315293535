import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHistorian, ProviderError } from '../../src/index.js';
import { RUN_SESSION } from '../contract/run-session.js';

// The schema of an older historian: no model split, no cache / reasoning tokens, no seq,
// no response_time, no context table and none of today's indexes.
const OLD_SCHEMA = `
CREATE TABLE conversations (conversation_id text PRIMARY KEY NOT NULL, agent_name text, start_time text NOT NULL, started integer NOT NULL DEFAULT 0, start_id text, seq real);
CREATE TABLE messages (id text PRIMARY KEY NOT NULL, conversation_id text NOT NULL, message_id text, timestamp text NOT NULL, role text NOT NULL,
  content text NOT NULL, name text, model text, total_tokens integer, prompt_tokens integer, completion_tokens integer, cost real, forwarded_from text);
CREATE TABLE tool_calls (id text PRIMARY KEY NOT NULL, conversation_id text NOT NULL, message_id text NOT NULL, tool_call_id text, timestamp text NOT NULL,
  seq real NOT NULL DEFAULT 0, tool_name text NOT NULL, args text NOT NULL, result text);
CREATE TABLE commands (id text PRIMARY KEY NOT NULL, agent_name text NOT NULL, session_id text NOT NULL, timestamp text NOT NULL,
  seq real NOT NULL DEFAULT 0, command text NOT NULL, context_type text, metadata text);
`;

const OLD_ROWS = 500;

function seedOldDatabase(path: string): void {
  const db = new Database(path);
  db.exec(OLD_SCHEMA);
  db.prepare("INSERT INTO conversations VALUES ('old-c', 'veteran', '2025-01-01T00:00:00.000Z', 1, 'old-start', 1)").run();
  const insert = db.prepare(
    "INSERT INTO messages (id, conversation_id, timestamp, role, content, model, total_tokens, prompt_tokens, completion_tokens, cost) VALUES (?, 'old-c', ?, 'user', ?, 'openai/gpt-4o', 3, 2, 1, 0.5)",
  );
  db.transaction(() => {
    for (let i = 0; i < OLD_ROWS; i++) insert.run(`old-${i}`, new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(), `old message ${i}`);
  })();
  db.close();
}

function columnsOf(path: string, table: string): string[] {
  const db = new Database(path, { readonly: true });
  const names = (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
  db.close();
  return names;
}

describe('auto_migration on a database made by an older, narrower schema', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'historian-migrate-'));
    path = join(dir, 'old.db');
    seedOldDatabase(path);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('adds the missing tables, columns and indexes and keeps every row', async () => {
    const historian = await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${path}` }] });
    const history = historian.history();
    const [old] = await history.conversations({ agent: 'veteran' });
    expect(old!.messages).toHaveLength(OLD_ROWS);
    expect(old!.messages[0]).toMatchObject({ id: 'old-0', content: 'old message 0', cost_info: { token_usage: { total: 3, prompt: 2, completion: 1 }, total_cost: 0.5 } });
    historian.logContext({ conversation_id: 'old-c', role: 'system', content: 'new table works' });
    historian.logMessage({ conversation_id: 'old-c', role: 'assistant', content: 'new columns work', model: 'anthropic/claude', response_time: 2 });
    await historian.flush();
    expect(await history.messages({ conversation_id: 'old-c' })).toHaveLength(OLD_ROWS + 1);
    expect((await history.stats({ group_by: 'model' })).groups.map((g) => [g.key, g.messages])).toEqual([
      ['anthropic/claude', 1],
      ['openai/gpt-4o', OLD_ROWS],
    ]);
    // The old messages were given their conversation's agent when the column was added.
    expect((await history.stats({ group_by: 'agent' })).groups.map((g) => [g.key, g.messages])).toEqual([['veteran', OLD_ROWS + 1]]);
    expect((await history.stats({ group_by: 'model', agent: 'veteran' })).groups.map((g) => g.messages)).toEqual([1, OLD_ROWS]);
    await historian.close();
    expect(columnsOf(path, 'messages')).toEqual(expect.arrayContaining(['model_provider', 'model_name', 'seq', 'cache_read_tokens', 'response_time']));
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT value FROM historian_meta WHERE key = 'schema_version'").get()).toEqual({ value: '4' });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name = 'messages_model_idx'").get()).toEqual({ n: 1 });
    db.close();
  });

  it('with auto_migration: false, fails at open naming what is missing and `historian migrate`', async () => {
    const opening = createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${path}`, auto_migration: false }] });
    await expect(opening).rejects.toThrow(ProviderError);
    const message = await opening.catch((error: Error) => error.message);
    expect(message).toContain('tables context, run_events, runs, message_totals, historian_meta');
    expect(message).toContain('messages.model_provider');
    expect(message).toContain('messages.seq');
    expect(message).toContain('historian migrate');
    expect(columnsOf(path, 'messages')).not.toContain('model_provider');
  });

  it('never drops a column it does not know', async () => {
    const db = new Database(path);
    db.exec('ALTER TABLE messages ADD COLUMN legacy_flag integer');
    db.close();
    const historian = await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${path}` }] });
    await historian.close();
    expect(columnsOf(path, 'messages')).toContain('legacy_flag');
  });
});

describe('auto_migration from schema version 1 (no runs table, no agent on messages)', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fills the runs table from the facts and gives messages their agent', async () => {
    dir = mkdtempSync(join(tmpdir(), 'historian-migrate-v1-'));
    const url = `sqlite:///${join(dir, 'v1.db')}`;
    const before = await createHistorian({ providers: [{ type: 'sql', url }] });
    for (const fact of RUN_SESSION) before.log(fact);
    before.log({ type: 'conversation_start', conversation_id: 'c', agent_name: 'planner', timestamp: '2026-11-20T09:00:00.000Z' });
    before.log({ type: 'message', conversation_id: 'c', role: 'user', content: 'hi', timestamp: '2026-11-20T09:00:01.000Z' });
    await before.close();
    const db = new Database(join(dir, 'v1.db'));
    db.exec("DROP TABLE runs; ALTER TABLE messages DROP COLUMN agent_name; UPDATE historian_meta SET value = '1' WHERE key = 'schema_version'");
    db.close();

    const after = await createHistorian({ providers: [{ type: 'sql', url }] });
    const history = after.history();
    expect((await history.runs()).map((run) => [run.run_id, run.status])).toEqual([
      ['r3', 'running'],
      ['r2', 'failed'],
      ['r1', 'completed'],
    ]);
    expect(await history.runsPage({ status: 'completed' })).toMatchObject({ items: [{ run_id: 'r1', started_at: '2026-11-20T10:00:00.000Z' }], total: 1 });
    const stats = await history.stats({ group_by: 'agent', since: '2026-11-01T00:00:00Z' });
    expect(stats.groups.filter((g) => g.messages > 0).map((g) => [g.key, g.messages])).toEqual([['planner', 1]]);
    await after.close();
  });
});

describe('auto_migration from schema version 2 (message ids and session sequences not unique)', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the first of a message stored twice and of a sequence taken twice, and counts each once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'historian-migrate-v2-'));
    const path = join(dir, 'v2.db');
    const url = `sqlite:///${path}`;
    const before = await createHistorian({ providers: [{ type: 'sql', url }] });
    before.log({ type: 'conversation_start', conversation_id: 'c', agent_name: 'planner', timestamp: '2026-11-20T09:00:00.000Z' });
    before.log({ type: 'message', id: 'first', message_id: 'msg-1', conversation_id: 'c', role: 'assistant', content: 'step', model: 'm', cost_info: { token_usage: { prompt: 10, completion: 5 }, total_cost: 1 }, timestamp: '2026-11-20T09:00:01.000Z' });
    before.log({ type: 'run_started', id: 'f1', session_id: 's', run_id: 'r', agent_name: 'planner', user_input: 'go', timestamp: '2026-11-20T09:00:00.000Z' });
    await before.close();
    // What version 2 let happen: the same message again (a finish callback), a fact numbered 1 twice.
    const db = new Database(path);
    db.exec(`DROP INDEX messages_message_id_idx; DROP INDEX run_events_sequence_idx; UPDATE historian_meta SET value = '2' WHERE key = 'schema_version';
      ALTER TABLE message_totals DROP COLUMN cache_read_tokens; ALTER TABLE message_totals DROP COLUMN cache_write_tokens; ALTER TABLE message_totals DROP COLUMN reasoning_tokens;
      INSERT INTO messages (id, conversation_id, message_id, timestamp, seq, role, content, name, model, model_provider, model_name,
        total_tokens, prompt_tokens, completion_tokens, cost, agent_name)
        SELECT 'again', conversation_id, message_id, '2026-11-20T09:00:02.000Z', seq + 1, role, 'step, finished', name, model, model_provider, model_name,
        total_tokens, prompt_tokens, completion_tokens, cost, agent_name FROM messages WHERE id = 'first';
      UPDATE message_totals SET messages = messages * 2, total_tokens = total_tokens * 2, prompt_tokens = prompt_tokens * 2, completion_tokens = completion_tokens * 2, cost = cost * 2;
      INSERT INTO run_events SELECT 'f2', session_id, run_id, agent_name, 'run_failed', sequence, '2026-11-20T09:00:03.000Z', seq + 1, '{"error":"late"}' FROM run_events WHERE id = 'f1';
      INSERT OR REPLACE INTO runs VALUES ('r', 's', 'planner', '2026-11-20T09:00:00.000Z', 'failed', 1);`);
    db.close();

    const after = await createHistorian({ providers: [{ type: 'sql', url }] });
    const history = after.history();
    expect((await history.messages({ conversation_id: 'c' })).map((m) => [m.id, m.content])).toEqual([['first', 'step']]);
    expect((await history.stats({ group_by: 'model', since: '2026-11-01T00:00:00Z' })).groups.map((g) => [g.key, g.messages, g.total_tokens, g.cost])).toEqual([['m', 1, 15, 1]]);
    expect((await history.steps({ session: 's' })).map((f) => [f.id, f.sequence])).toEqual([['f1', 1]]);
    expect((await history.runs()).map((run) => [run.run_id, run.status])).toEqual([['r', 'running']]);
    await after.close();
  });
});

describe('auto_migration from schema version 3 (no cache or reasoning sums in message_totals)', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('adds the sums and rebuilds the totals from the messages, so whole hours count them', async () => {
    dir = mkdtempSync(join(tmpdir(), 'historian-migrate-v3-'));
    const path = join(dir, 'v3.db');
    const url = `sqlite:///${path}`;
    const before = await createHistorian({ providers: [{ type: 'sql', url }] });
    const usage = { prompt: 100, completion: 40, cache_read: 60, cache_write: 10, reasoning: 25 };
    before.log({ type: 'message', conversation_id: 'c', role: 'assistant', content: 'a', model: 'm', cost_info: { token_usage: usage }, timestamp: '2026-11-20T09:00:01.000Z' });
    await before.close();
    const db = new Database(path);
    db.exec(`ALTER TABLE message_totals DROP COLUMN cache_read_tokens; ALTER TABLE message_totals DROP COLUMN cache_write_tokens;
      ALTER TABLE message_totals DROP COLUMN reasoning_tokens; UPDATE historian_meta SET value = '3' WHERE key = 'schema_version';
      ALTER TABLE messages DROP COLUMN finish_reason; ALTER TABLE messages DROP COLUMN response_id; ALTER TABLE messages DROP COLUMN reasoning;`);
    db.close();

    const after = await createHistorian({ providers: [{ type: 'sql', url }] });
    const stats = await after.history().stats({ group_by: 'model', since: '2026-11-20T00:00:00Z', until: '2026-11-21T00:00:00Z' });
    expect(stats.groups.map((g) => [g.key, g.messages, g.cache_read_tokens, g.cache_write_tokens, g.reasoning_tokens])).toEqual([['m', 1, 60, 10, 25]]);
    after.log({ type: 'message', conversation_id: 'c', role: 'assistant', content: 'cut', finish_reason: 'length', response_id: 'r', reasoning: 'hm', timestamp: '2026-11-20T09:00:02.000Z' });
    await after.flush();
    expect((await after.history().messages({ conversation_id: 'c' }))[1]).toMatchObject({ finish_reason: 'length', response_id: 'r', reasoning: 'hm' });
    await after.close();
    expect(columnsOf(path, 'message_totals')).toEqual(expect.arrayContaining(['cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens']));
    expect(columnsOf(path, 'messages')).toEqual(expect.arrayContaining(['finish_reason', 'response_id', 'reasoning']));
  });
});

describe('auto_migration from schema version 3 (a tool call logged again was a second row)', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('merges each later row into the first of its conversation and tool_call_id, result included', async () => {
    dir = mkdtempSync(join(tmpdir(), 'historian-migrate-calls-'));
    const path = join(dir, 'v3.db');
    const url = `sqlite:///${path}`;
    const before = await createHistorian({ providers: [{ type: 'sql', url }] });
    const call = { type: 'tool_call', conversation_id: 'c', message_id: 'm', tool_call_id: 'call-1', tool_name: 'grep', args: {} } as const;
    before.log({ ...call, id: 'first', result: null, timestamp: '2026-11-20T09:00:01.000Z' });
    before.log({ ...call, id: 'no-id', tool_call_id: undefined, result: 1, timestamp: '2026-11-20T09:00:02.000Z' });
    await before.close();
    // What version 3 let happen: the call logged again with its result, stored as a second row.
    const db = new Database(path);
    db.exec(`DROP INDEX tool_calls_call_id_idx; UPDATE historian_meta SET value = '3' WHERE key = 'schema_version';
      INSERT INTO tool_calls (id, conversation_id, message_id, tool_call_id, timestamp, seq, tool_name, args, result)
        VALUES ('later', 'c', 'm', 'call-1', '2026-11-20T09:00:03.000Z', 9, 'grep', '{}', '{"lines":3}');`);
    db.close();

    const after = await createHistorian({ providers: [{ type: 'sql', url }] });
    const calls = [];
    for await (const entry of after.history().entries({ types: ['tool_call'] })) if (entry.type === 'tool_call') calls.push([entry.id, entry.result]);
    expect(calls).toEqual([
      ['first', { lines: 3 }],
      ['no-id', 1],
    ]);
    await after.close();
  });
});
