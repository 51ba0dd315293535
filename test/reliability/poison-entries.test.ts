import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createHistorian, EntryError, importEntries, RejectedEntryError, type ProviderError, type StorageInput } from '../../src/index.js';
import { freshMysqlDatabase, MYSQL_URL } from '../contract/mysql-database.js';
import { freshPgSchema } from '../contract/pg-schema.js';

const folders: string[] = [];
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'historian-poison-'));
  folders.push(dir);
  return dir;
}

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

const good = (i: number) => ({ type: 'message' as const, id: `good-${i}`, conversation_id: 'c', role: 'user', content: `good ${i}` });

describe('an entry no provider can store', () => {
  it('is refused at log() when nested too deep, naming the field and the limit; later entries are stored', async () => {
    const db = join(folder(), 'history.db');
    const historian = await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${db}` }] });
    const deep = { type: 'tool_call' as const, conversation_id: 'c', message_id: 'm', tool_name: 't', args: nested(5_000), result: null };
    let refused: unknown;
    try {
      historian.log(deep);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(EntryError);
    expect((refused as EntryError).message).toMatch(/args\.a\.a.*nested deeper than 64 levels/);
    for (let i = 0; i < 200; i++) historian.log(good(i));
    await historian.flush();
    await historian.close();
    const rows = new Database(db, { readonly: true }).prepare('SELECT count(*) AS n FROM messages').get() as { n: number };
    expect(rows.n).toBe(200);
  });

  it('is refused at log() when circular, and a circular YAML import leaves the logger working', async () => {
    const dir = folder();
    const history = join(dir, 'circular.yaml');
    writeFileSync(
      history,
      [
        'tool_calls:',
        '  - type: tool_call',
        '    id: loop',
        '    timestamp: "2026-11-29T10:00:00.000Z"',
        '    seq: 1',
        '    conversation_id: c',
        '    message_id: m',
        '    tool_name: t',
        '    args: &self { again: *self }',
        '    result: null',
        '',
      ].join('\n'),
    );
    const db = join(dir, 'history.db');
    const historian = await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${db}` }] });
    await expect(importEntries(historian, history)).rejects.toThrow(/args/);
    historian.log(good(1));
    await historian.flush();
    await historian.close();
    const rows = new Database(db, { readonly: true }).prepare('SELECT id FROM messages').all();
    expect(rows).toEqual([{ id: 'good-1' }]);
  });
});

/** A SQLite store that refuses one content, as a store with a trigger or a size limit would. */
function refusingSqlite(dir: string): string {
  const path = join(dir, 'history.db');
  const db = new Database(path);
  db.exec(`CREATE TABLE messages (id text PRIMARY KEY, conversation_id text NOT NULL, message_id text, timestamp text NOT NULL,
    seq real NOT NULL DEFAULT 0, role text NOT NULL, content text NOT NULL, name text, model text, model_provider text, model_name text,
    total_tokens integer, prompt_tokens integer, completion_tokens integer, cache_read_tokens integer, cache_write_tokens integer,
    reasoning_tokens integer, cost real, response_time real, forwarded_from text)`);
  db.exec(`CREATE TRIGGER refuse_poison BEFORE INSERT ON messages WHEN NEW.content = 'poison' BEGIN SELECT RAISE(ABORT, 'refused by trigger'); END`);
  db.close();
  return path;
}

describe('an entry the store refuses', () => {
  it('goes to <store>.rejected.jsonl with its error, is reported, and the rest of its batch is stored', async () => {
    const db = refusingSqlite(folder());
    const errors: ProviderError[] = [];
    const historian = await createHistorian({ providers: [{ type: 'sql', url: `sqlite:///${db}` }] }, { onError: (e) => errors.push(e), retryDelay: 1 });
    for (let i = 0; i < 100; i++) historian.log(good(i));
    historian.log({ type: 'message', id: 'bad', conversation_id: 'c', role: 'user', content: 'poison' });
    for (let i = 100; i < 200; i++) historian.log(good(i));
    await historian.flush();
    expect(historian.rejected()).toEqual({ sql: 1 });
    await historian.close();

    const rows = new Database(db, { readonly: true }).prepare('SELECT count(*) AS n FROM messages').get() as { n: number };
    expect(rows.n).toBe(200);
    const letters = readFileSync(`${db}.rejected.jsonl`, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ provider: 'sql', entry: { id: 'bad', content: 'poison' } });
    expect(letters[0].error).toMatch(/refused by trigger/);
    const rejected = errors.filter((e): e is RejectedEntryError => e instanceof RejectedEntryError);
    expect(rejected.map((e) => [e.entryId, e.file])).toEqual([['bad', `${db}.rejected.jsonl`]]);
  });
});

const NUL_CONTENT = 'before\u0000after \uFFFE kept \uFFFE0 too';

async function nulRoundTrip(storage: StorageInput): Promise<void> {
  const errors: ProviderError[] = [];
  const historian = await createHistorian(storage, { onError: (e) => errors.push(e) });
  for (let i = 0; i < 200; i++) historian.log(good(i));
  historian.log({ type: 'message', id: 'nul', conversation_id: 'c\u0000x', role: 'user', content: NUL_CONTENT, name: 'n\u0000' });
  await historian.flush();
  const [conversation] = await historian.history().conversations({ limit: 1, query: '\u0000after' });
  expect(conversation?.conversation_id).toBe('c\u0000x');
  expect(conversation?.messages.map((m) => [m.content, m.name])).toEqual([[NUL_CONTENT, 'n\u0000']]);
  const all = await historian.history().messages({ limit: 1000 });
  expect(all).toHaveLength(201);
  await historian.close();
  expect(errors).toEqual([]);
}

describe('NUL characters on PostgreSQL', () => {
  it('are stored losslessly on PGlite', async () => {
    await nulRoundTrip({ providers: [{ type: 'sql', url: 'pglite://memory' }] });
  });

  const url = process.env.HISTORIAN_TEST_PG_URL;
  it.skipIf(!url)('are stored losslessly on a PostgreSQL server', async () => {
    const schema = await freshPgSchema(url!);
    try {
      await nulRoundTrip({ providers: [{ type: 'sql', url: schema.url }] });
    } finally {
      await schema.drop();
    }
  });
});

describe('NUL characters on MySQL/MariaDB', () => {
  it.skipIf(!MYSQL_URL)('are stored as they are (HISTORIAN_TEST_MYSQL_URL)', async () => {
    const database = await freshMysqlDatabase(MYSQL_URL!);
    try {
      await nulRoundTrip({ providers: [{ type: 'sql', url: database.url }] });
    } finally {
      await database.drop();
    }
  });
});
